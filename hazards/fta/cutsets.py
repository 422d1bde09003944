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

Not checked: no order limit and no probability cut-off are applied; a tree with very
many cut sets (millions) takes memory in proportion when listed. :func:`count_cut_sets`
counts without listing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .bdd import TRUE, Bdd, FlatBdd
from .zdd import BASE, EMPTY, Zdd

__all__ = ["count_cut_sets", "minimal_cut_sets", "minimal_solutions"]

CutSets = tuple[tuple[str, ...], ...]


@contextmanager
def _deep_recursion(limit: int) -> Iterator[None]:
    # Recursion depth grows with the number of variables (two recursions nest).
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def minimal_solutions(function: FlatBdd, zdd: Zdd) -> int:
    """The ZDD (in ``zdd``) of the minimal solutions of a *monotone* flat BDD."""
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
