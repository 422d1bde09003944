"""A small hash-consed ZDD: families of sets of variable levels, for minimal cut sets.

Contract: node ``0`` is the empty family, ``1`` the family holding only the empty set;
:meth:`Zdd.node` is the only way to make others, so equal families are equal integers.
Only the operations the minimal-solutions algorithm needs are here: :meth:`Zdd.without`
(Minato's *nonsupersets*: the sets of ``p`` that contain no set of ``q``), :meth:`count`
and :meth:`sets`.

Why not ``dd.cudd_zdd``: in dd 0.6.0 a ZDD node stands for a Boolean function over every
declared variable, and ``find_or_add`` composes functions rather than making a raw
(level, low, high) node, so the family algebra above is not available as primitives;
each step of the algorithm would cost several CUDD calls. The BDD, where the real work
happens, is CUDD's (:mod:`.bdd`).

Memory is bounded: with ``budget``, the unique table and the memo of :meth:`without`
together may hold at most that many entries (~100 bytes each); past it, :class:`ZddBudget`
is raised, so a family too large to compute fails fast instead of exhausting memory.

Not checked: that levels decrease towards the root (callers build bottom-up in order).
"""

from __future__ import annotations

from collections.abc import Iterator

from .nodes import NodeTable

__all__ = ["BASE", "EMPTY", "Zdd", "ZddBudget"]

EMPTY = 0  # ∅: no set at all
BASE = 1  # {∅}: only the empty set


class ZddBudget(Exception):
    """The ZDD outgrew its budget of entries (see the module docstring)."""


class Zdd(NodeTable):
    """A unique table of nodes and the memo tables of its operations."""

    over_budget = ZddBudget

    def __init__(self, budget: int | None = None) -> None:
        self._without: dict[tuple[int, int], int] = {}
        super().__init__(budget, counted=self._without)

    def node(self, level: int, low: int, high: int) -> int:
        """{sets of low} ∪ {s ∪ {level} : s in high}, zero-suppressed and hash-consed."""
        if high == EMPTY:
            return low
        key = (level, low, high)
        found = self.unique.get(key)
        return self.add(key) if found is None else found

    def has_empty_set(self, n: int) -> bool:
        while n > BASE:
            n = self.low[n]
        return n == BASE

    def without(self, p: int, q: int) -> int:
        """The sets of ``p`` that are not supersets of any set of ``q``."""
        if p == EMPTY or q == EMPTY:
            return p
        if q == BASE or p == q:
            return EMPTY
        if p == BASE:
            return EMPTY if self.has_empty_set(q) else BASE
        key = (p, q)
        found = self._without.get(key)
        if found is not None:
            return found
        lp, lq = self.level[p], self.level[q]
        if lp < lq:
            result = self.node(lp, self.without(self.low[p], q), self.without(self.high[p], q))
        elif lq < lp:  # sets of q holding lq cannot be inside sets of p, which lack it
            result = self.without(p, self.low[q])
        else:
            qlow = self.low[q]
            result = self.node(lp, self.without(self.low[p], qlow),
                               self.without(self.without(self.high[p], self.high[q]), qlow))
        self._without[key] = result
        if self.budget is not None and len(self._without) > self.budget:
            raise ZddBudget(self.budget)
        return result

    def count(self, n: int) -> int:
        """How many sets the family holds (without listing them)."""
        memo = {EMPTY: 0, BASE: 1}
        stack = [n]
        while stack:
            m = stack[-1]
            if m in memo:
                stack.pop()
                continue
            low, high = self.low[m], self.high[m]
            pending = [c for c in (low, high) if c not in memo]
            if pending:
                stack.extend(pending)
                continue
            memo[m] = memo[low] + memo[high]
            stack.pop()
        return memo[n]

    def sets(self, n: int) -> Iterator[tuple[int, ...]]:
        """Every set of the family, as levels in increasing order."""
        stack: list[tuple[int, tuple[int, ...]]] = [(n, ())]
        level, low, high = self.level, self.low, self.high
        while stack:
            m, prefix = stack.pop()
            if m == BASE:
                yield prefix
            elif m != EMPTY:
                stack.append((low[m], prefix))
                stack.append((high[m], (*prefix, level[m])))
