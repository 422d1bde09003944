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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis.internal.conjecture import providers

from .process_switch import ProcessSwitch

__all__ = ["seed_only_draws"]

_saved: list[Callable[[], Any]] = []  # Hypothesis' own collector, while switched off


def _no_local_constants() -> Any:
    return providers.Constants()  # type: ignore[attr-defined]


def _clear_cache() -> None:
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None:
        cache.cache.clear()


def _pin() -> None:
    _saved.append(providers._get_local_constants)
    providers._get_local_constants = _no_local_constants
    _clear_cache()


def _unpin() -> None:
    providers._get_local_constants = _saved.pop()
    _clear_cache()


_SWITCH = ProcessSwitch(_pin, _unpin)


@contextmanager
def seed_only_draws() -> Iterator[None]:
    """Within: Hypothesis draws no constants from local modules (re-entrant, thread-safe)."""
    if not hasattr(providers, "_get_local_constants"):
        yield
        return
    with _SWITCH.held():
        yield
