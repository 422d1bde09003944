"""A campaign collects less often, and leaves the collector as it found it."""

from __future__ import annotations

import gc
import weakref

from pumpproof.engines.gc_pause import fewer_collections


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_thresholds_and_frozen_objects_are_restored() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold()[0] > before[0][0]
        assert gc.get_freeze_count() > 0
        with fewer_collections():  # re-entrant: the inner exit restores nothing yet
            pass
        assert gc.get_threshold()[0] > before[0][0]
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_cyclic_garbage_made_within_is_still_collected() -> None:
    with fewer_collections():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        for _ in range(3):
            gc.collect()
        assert ref() is None
