"""Less cyclic garbage collection while a campaign runs.

A monitored step allocates hundreds of short-lived tuples (observer memories, records),
so CPython's default young-generation threshold (700 allocations) starts a collection
every few steps, and each older-generation pass walks everything already alive (Z3,
Hypothesis, the spec): 5–15 % of a fuzz campaign's time, measured with
``benchmarks/fuzz_throughput.py``. The campaign's garbage is almost all freed by
reference counting, so within a campaign the objects alive before it are frozen (left
out of collections) and young collections wait for 20 000 allocations. Both are undone
on the way out. Collection still runs, so cyclic garbage is still reclaimed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]

_YOUNG_THRESHOLD = 20_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Within: a frozen heap and a higher young-generation threshold (re-entrant)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(_YOUNG_THRESHOLD, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
