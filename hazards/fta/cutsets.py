"""Minimal cut sets from the top event's BDD (Rauzy's minimal solutions, into a ZDD).

Contract: :func:`minimal_cut_sets` returns every minimal cut set of the tree's coherent
function, each a tuple of basic-event names sorted by name, the list sorted by (order,
names) like SCRAM's report. For a monotone BDD node ``ite(x, f1, f0)`` the minimal
solutions are ``MinSol(f0) ∪ {x·s : s ∈ MinSol(f1) without supersets of MinSol(f0)}``
(A. Rauzy, "New algorithms for fault trees analysis", RESS 40, 1993); both recursions are
memoised, so shared sub-BDDs are solved once and cut sets are never listed twice.

For a non-coherent tree the cut sets are those of its coherent approximation (negative
literals read as true, :attr:`.bdd.Bdd.monotone`), as SCRAM reports when prime
implicants are not requested. Prime implicants are not computed.

Scale: the family stays a ZDD (:class:`CutSetFamily`), which is small even when the cut
sets are astronomically many; counting, the rare-event sum and occurrences are computed on
the ZDD. ``limit_order`` keeps only cut sets of at most that many events (as SCRAM's and
XFTA's ``--limit-order``: MinSol_L(ite(x, f1, f0)) = MinSol_L(f0) ∪ x·(MinSol_{L-1}(f1)
without MinSol_{L-1}(f0)), since a subset of a set of order ≤ L−1 has order ≤ L−1), and
:meth:`CutSetFamily.listing` lists at most ``max_cut_sets`` of them, lowest orders first,
so memory is bounded by the cap, never by the count. Not applied: a probability cut-off.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .bdd import TRUE, Bdd, FlatBdd
from .model import Frozen
from .zdd import BASE, EMPTY, Zdd, ZddBudget

__all__ = ["ZDD_BUDGET", "CutSetFamily", "ZddBudget", "count_cut_sets", "cut_set_family",
           "minimal_cut_sets", "minimal_solutions"]

CutSets = tuple[tuple[str, ...], ...]
ZDD_BUDGET = 5_000_000  # ZDD entries (~0.5 GB) before cut sets are given up as too many


@contextmanager
def _deep_recursion(limit: int) -> Iterator[None]:
    # Recursion depth grows with the number of variables (two recursions nest).
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def minimal_solutions(function: FlatBdd, zdd: Zdd, limit_order: int | None = None) -> int:
    """The ZDD (in ``zdd``) of the minimal solutions of a *monotone* flat BDD, of order at
    most ``limit_order`` when it is given."""
    if limit_order is not None:
        return _limited_solutions(function, zdd, max(0, limit_order))
    level, high, low = function.level, function.high, function.low
    memo: dict[int, int] = {TRUE: BASE, TRUE ^ 1: EMPTY}
    node, without = zdd.node, zdd.without

    def solve(edge: int) -> int:
        found = memo.get(edge)
        if found is not None:
            return found
        n, negated = edge >> 1, edge & 1
        k0 = solve(low[n] ^ negated)
        k1 = solve(high[n] ^ negated)
        result = node(level[n], k0, without(k1, k0))
        memo[edge] = result
        return result

    with _deep_recursion(10_000 + 20 * max(level, default=0)):
        return solve(function.root)


def _limited_solutions(function: FlatBdd, zdd: Zdd, limit: int) -> int:
    level, high, low = function.level, function.high, function.low
    memo: dict[tuple[int, int], int] = {}
    node, without = zdd.node, zdd.without

    def solve(edge: int, budget: int) -> int:
        if edge == TRUE:
            return BASE
        if edge == TRUE ^ 1 or budget == 0:  # a non-constant monotone f refuses ∅
            return EMPTY
        key = (edge, budget)
        found = memo.get(key)
        if found is not None:
            return found
        n, negated = edge >> 1, edge & 1
        f0, f1 = low[n] ^ negated, high[n] ^ negated
        result = node(level[n], solve(f0, budget),
                      without(solve(f1, budget - 1), solve(f0, budget - 1)))
        memo[key] = result
        return result

    with _deep_recursion(10_000 + 20 * max(level, default=0)):
        return solve(function.root, limit)


class CutSetFamily(Frozen):
    """The minimal cut sets as a ZDD: counted, summed and listed without materialising."""

    FIELDS = ("zdd", "root", "events", "limit_order")
    __slots__ = FIELDS
    zdd: Zdd
    root: int
    events: tuple[str, ...]  # names by variable level
    limit_order: int | None

    def __init__(self, zdd: Zdd, root: int, events: tuple[str, ...],
                 limit_order: int | None) -> None:
        self._set(zdd=zdd, root=root, events=events, limit_order=limit_order)

    def count(self) -> int:
        """How many cut sets (an exact integer, however large)."""
        return self.zdd.count(self.root)

    def _reachable(self) -> list[int]:
        """Internal nodes under the root, children before parents."""
        seen: set[int] = set()
        stack = [self.root]
        low, high = self.zdd.low, self.zdd.high
        while stack:
            n = stack.pop()
            if n > BASE and n not in seen:
                seen.add(n)
                stack += (low[n], high[n])
        return sorted(seen)  # nodes are made after their children

    def rare_event(self, p_by_level: Sequence[float]) -> float:
        """Σ P(cut set) over every cut set, by one pass over the ZDD, capped at 1."""
        value = {EMPTY: 0.0, BASE: 1.0}
        low, high, level = self.zdd.low, self.zdd.high, self.zdd.level
        for n in self._reachable():
            value[n] = value[low[n]] + p_by_level[level[n]] * value[high[n]]
        return min(1.0, value[self.root])

    def occurrences(self) -> dict[str, int]:
        """How many cut sets contain each event (events in none are left out)."""
        nodes = self._reachable()
        low, high, level = self.zdd.low, self.zdd.high, self.zdd.level
        count = {EMPTY: 0, BASE: 1}
        for n in nodes:
            count[n] = count[low[n]] + count[high[n]]
        paths = dict.fromkeys(nodes, 0)
        paths[self.root] = 1
        result: dict[str, int] = {}
        for n in reversed(nodes):  # parents before children
            through = paths[n]
            for child in (low[n], high[n]):
                if child > BASE:
                    paths[child] += through
            name = self.events[level[n]]
            result[name] = result.get(name, 0) + through * count[high[n]]
        return {name: k for name, k in result.items() if k}

    def _of_order(self, order: int, sizes: dict[int, int]) -> Iterator[tuple[int, ...]]:
        """The sets of exactly ``order`` levels, depth first, pruned by ``sizes`` masks."""
        low, high, level = self.zdd.low, self.zdd.high, self.zdd.level
        stack: list[tuple[int, int, tuple[int, ...]]] = [(self.root, order, ())]
        while stack:
            n, need, prefix = stack.pop()
            if n <= BASE:
                if n == BASE and need == 0:
                    yield prefix
                continue
            if sizes[low[n]] >> need & 1:
                stack.append((low[n], need, prefix))
            if need and sizes[high[n]] >> (need - 1) & 1:
                stack.append((high[n], need - 1, (*prefix, level[n])))

    def listing(self, max_cut_sets: int | None) -> tuple[CutSets, bool]:
        """At most ``max_cut_sets`` cut sets, lowest orders first (within the order where
        the cap falls, the first met in the ZDD's order), sorted by (order, names); and
        whether any was left out. Memory is bounded by the cap."""
        name = self.events.__getitem__
        by_order: dict[int, list[tuple[str, ...]]] = {}
        truncated = max_cut_sets is not None and self.count() > max_cut_sets
        if not truncated:  # all of them: one pass
            for levels in self.zdd.sets(self.root):
                by_order.setdefault(len(levels), []).append(tuple(sorted(map(name, levels))))
        else:
            assert max_cut_sets is not None
            sizes = {EMPTY: 0, BASE: 1}  # bit k set: the family has a set of k levels
            low, high = self.zdd.low, self.zdd.high
            for n in self._reachable():
                sizes[n] = sizes[low[n]] | sizes[high[n]] << 1
            room, mask, order = max_cut_sets, sizes[self.root], 0
            while room and mask >> order:
                if mask >> order & 1:
                    listed = by_order[order] = []
                    for levels in self._of_order(order, sizes):
                        listed.append(tuple(sorted(map(name, levels))))
                        room -= 1
                        if not room:
                            break
                order += 1
        result: list[tuple[str, ...]] = []
        for order in sorted(by_order):
            result += sorted(by_order[order])
        return tuple(result), truncated


def cut_set_family(bdd: Bdd, limit_order: int | None = None,
                   budget: int | None = ZDD_BUDGET) -> CutSetFamily:
    """The minimal cut sets of ``bdd``'s coherent function (of order ≤ ``limit_order``);
    :class:`ZddBudget` when their ZDD needs more than ``budget`` entries."""
    zdd = Zdd(budget)
    return CutSetFamily(zdd, minimal_solutions(bdd.monotone, zdd, limit_order), bdd.events,
                        limit_order)


def minimal_cut_sets(bdd: Bdd) -> CutSets:
    """Every minimal cut set, names sorted within a set, sets sorted by (order, names)."""
    zdd = Zdd()
    family = minimal_solutions(bdd.monotone, zdd)
    name = bdd.events.__getitem__
    cut_sets = [tuple(sorted(map(name, levels))) for levels in zdd.sets(family)]
    cut_sets.sort(key=lambda cut_set: (len(cut_set), cut_set))
    return tuple(cut_sets)


def count_cut_sets(bdd: Bdd) -> int:
    """The number of minimal cut sets, without listing them."""
    zdd = Zdd()
    return zdd.count(minimal_solutions(bdd.monotone, zdd))
