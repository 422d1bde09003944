"""Hypothesis draws that depend on the seed alone.

Hypothesis (6.13x and later) mixes into its draws integer, float and string *constants
collected from the source of local modules already imported* when a test case starts,
and it caps the time it spends parsing them. A seeded campaign would then draw
differently depending on which modules the process happened to import first (a test
file, a benchmark script, a user's plugin) and, under heavy load, on the clock. Our
standard is that the same inputs and seed give the same verdicts, so while pumpproof
runs Hypothesis the local-constant pool is empty (the global one, Hypothesis' own list
of boundary values, stays), and the cache built from it is cleared on the way in and
out so that no earlier or later run sees ours. Parsing no sources also means no
``.hypothesis/constants`` cache files in the user's working directory.

This reaches into Hypothesis' provider module (there is no public switch); when a
release has no such pool, there is nothing to pin and the context does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis.internal.conjecture import providers

__all__ = ["seed_only_draws"]

_lock = threading.Lock()
_depth = 0
_saved: Callable[[], Any] | None = None


def _no_local_constants() -> Any:
    return providers.Constants()  # type: ignore[attr-defined]


def _clear_cache() -> None:
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None:
        cache.cache.clear()


@contextmanager
def seed_only_draws() -> Iterator[None]:
    """Within: Hypothesis draws no constants from local modules (re-entrant, thread-safe)."""
    global _depth, _saved
    if not hasattr(providers, "_get_local_constants"):
        yield
        return
    with _lock:
        if _depth == 0:
            _saved = providers._get_local_constants
            providers._get_local_constants = _no_local_constants
            _clear_cache()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                assert _saved is not None
                providers._get_local_constants = _saved
                _saved = None
                _clear_cache()
