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

from .process_switch import ProcessSwitch

__all__ = ["fewer_collections"]

_YOUNG_THRESHOLD = 20_000
_saved: list[tuple[int, ...]] = []  # the thresholds to restore


def _pause() -> None:
    _saved.append(gc.get_threshold())
    gc.freeze()
    gc.set_threshold(_YOUNG_THRESHOLD, *_saved[-1][1:])


def _resume() -> None:
    gc.set_threshold(*_saved.pop())
    gc.unfreeze()


_SWITCH = ProcessSwitch(_pause, _resume)


# Within: a frozen heap and a higher young-generation threshold (re-entrant; also a
# decorator, as contextlib's context managers are).
fewer_collections = _SWITCH.held
