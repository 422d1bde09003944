"""The unique table both decision diagrams build on (:mod:`.bdd`'s Python engine, :mod:`.zdd`).

Nodes are ``(level, low, high)`` triples kept as three parallel lists, ids 0 and 1 being the
two terminals (level ``TERMINAL_LEVEL``, below every variable); a triple already made is
found in ``unique`` and gets its old id, so equal functions or families are equal integers.
Each diagram applies its own reduction rule (BDD: equal children; ZDD: an empty high
child), looks the triple up itself (the hot path: no call on a hit), and calls :meth:`add`
only for a new node. With a ``budget``, ``add`` refuses to grow the nodes plus the entries
of ``counted`` (the memo a diagram wants bounded with its nodes) past it.
"""

from __future__ import annotations

from collections.abc import Sized

__all__ = ["TERMINAL_LEVEL", "NodeTable"]

TERMINAL_LEVEL = 1 << 30  # the level of both terminals: below every variable


class NodeTable:
    """Hash-consed nodes; subclasses say what outgrowing the budget raises."""

    over_budget: type[Exception] = MemoryError

    def __init__(self, budget: int | None, counted: Sized = ()) -> None:
        self.budget = budget
        self.counted = counted
        self.level: list[int] = [TERMINAL_LEVEL, TERMINAL_LEVEL]
        self.low: list[int] = [0, 1]
        self.high: list[int] = [0, 1]
        self.unique: dict[tuple[int, int, int], int] = {}

    def add(self, key: tuple[int, int, int]) -> int:
        """A new node for ``key`` (not in ``unique``): its id."""
        n = len(self.level)
        if self.budget is not None and n + len(self.counted) > self.budget:
            raise self.over_budget(self.budget)
        level, low, high = key
        self.level.append(level)
        self.low.append(low)
        self.high.append(high)
        self.unique[key] = n
        return n
