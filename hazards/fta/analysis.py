"""Exact fault-tree analysis on a BDD (CUDD through ``dd``), cut sets on a ZDD.

* The top event's BDD is built gate by gate with ``dd.cudd`` (variables in depth-first
  order from the top; house events are constants).
* Exact top-event probability: Shannon expansion over the BDD, memoised per node,
  complemented edges handled (a complemented node's probability is 1 − that of its
  regular node).
* Minimal cut sets: Rauzy's minimal solutions of the (monotone) BDD, computed into a
  small hash-consed ZDD (``union`` and Minato's ``nonsupersets``), then enumerated.
  For a non-coherent tree (NOT gates), negative literals are dropped first, as SCRAM's
  default analysis does; the exact probability still uses the full BDD.
* Importance as SCRAM defines it: MIF = P(top | e) − P(top | ¬e); CIF = MIF·p/P(top);
  DIF = p·P(top | e)/P(top); RAW = P(top | e)/P(top); RRW = P(top)/P(top | ¬e).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dd.cudd as cudd

from .model import FaultTree, reachable, to_graph

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    top_event: str
    p_top: float
    cut_sets: tuple[tuple[str, ...], ...]  # sorted by (order, names)
    p_rare_event: float
    p_mcub: float
    importance: dict[str, dict[str, float]]
    occurrence: dict[str, int]


class _Bdd:
    def __init__(self, tree: FaultTree) -> None:
        self.tree = tree
        graph = to_graph(tree)
        self.nodes = reachable(graph, tree.top)
        order: list[str] = []
        seen: set[str] = set()
        stack = [tree.top]
        while stack:  # depth-first, children in their written order
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in tree.basic_events:
                order.append(name)
            elif name in tree.gates:
                stack.extend(reversed(tree.gates[name].children))
        self.events = order
        self.manager = cudd.BDD()
        self.manager.configure(reordering=False)
        self.manager.declare(*order)
        self.cache: dict[str, Any] = {}
        self.top = self.function(tree.top)

    def function(self, name: str) -> Any:
        if name in self.cache:
            return self.cache[name]
        tree, b = self.tree, self.manager
        if name in tree.basic_events:
            result = b.var(name)
        elif name in tree.house_events:
            result = b.true if tree.house_events[name] else b.false
        else:
            gate = tree.gates[name]
            children = [self.function(c) for c in gate.children]
            if gate.kind == "and":
                result = b.true
                for child in children:
                    result &= child
            elif gate.kind == "or":
                result = b.false
                for child in children:
                    result |= child
            elif gate.kind == "not":
                result = ~children[0]
            else:
                result = self._atleast(gate.k, children)
        self.cache[name] = result
        return result

    def _atleast(self, k: int, children: list[Any]) -> Any:
        b = self.manager
        # row[j]: at least j of the children seen so far
        row = [b.true] + [b.false] * k
        for child in children:
            row = [b.true] + [row[j] | (child & row[j - 1]) for j in range(1, k + 1)]
        return row[k]


def _probability(u: Any, p: dict[str, float], memo: dict[int, float], true: Any) -> float:
    """P(u) by Shannon expansion; memoised on the regular node."""
    negated = u.negated
    regular = ~u if negated else u
    key = int(regular)
    if key not in memo:
        if regular == true:
            memo[key] = 1.0
        else:
            q = p[regular.var]
            memo[key] = q * _probability(regular.high, p, memo, true) + (1 - q) * _probability(
                regular.low, p, memo, true
            )
    value = memo[key]
    return 1.0 - value if negated else value


def _birnbaum(top: Any, p: dict[str, float], true: Any) -> dict[str, float]:
    """∂P(top)/∂p_e for every event in one pass over the BDD (not one pass per event).

    Bottom-up: the probability of every regular node. Top-down, in level order: the
    sensitivity D(n) = ∂P(top)/∂P(n), through complemented edges with a sign. Then
    MIF(e) = Σ over nodes n of variable e of D(n)·(P(high) − P(low)).
    """
    nodes: dict[int, Any] = {}
    stack = [~top if top.negated else top]
    while stack:
        node = stack.pop()
        key = int(node)
        if key in nodes or node == true:
            continue
        nodes[key] = node
        for child in (node.high, node.low):
            stack.append(~child if child.negated else child)
    memo: dict[int, float] = {}

    def prob(u: Any) -> float:
        return _probability(u, p, memo, true)

    order = sorted(nodes.values(), key=lambda n: n.level)
    sensitivity: dict[int, float] = {key: 0.0 for key in nodes}
    root = ~top if top.negated else top
    if int(root) in sensitivity:
        sensitivity[int(root)] = -1.0 if top.negated else 1.0
    mif: dict[str, float] = {}
    for node in order:
        d = sensitivity[int(node)]
        q = p[node.var]
        high, low = node.high, node.low
        mif[node.var] = mif.get(node.var, 0.0) + d * (prob(high) - prob(low))
        for child, weight in ((high, q), (low, 1 - q)):
            regular = ~child if child.negated else child
            if regular == true:
                continue
            sign = -1.0 if child.negated else 1.0
            sensitivity[int(regular)] += d * weight * sign
    return mif


class _Zdd:
    """A minimal hash-consed ZDD over variable levels: 0 = ∅ family, 1 = {∅}."""

    def __init__(self) -> None:
        self.nodes: list[tuple[int, int, int]] = [(sys.maxsize, 0, 0), (sys.maxsize, 1, 1)]
        self.unique: dict[tuple[int, int, int], int] = {}
        self.union_memo: dict[tuple[int, int], int] = {}
        self.nonsup_memo: dict[tuple[int, int], int] = {}

    def node(self, level: int, low: int, high: int) -> int:
        if high == 0:
            return low
        key = (level, low, high)
        found = self.unique.get(key)
        if found is None:
            found = len(self.nodes)
            self.nodes.append(key)
            self.unique[key] = found
        return found

    def level(self, n: int) -> int:
        return self.nodes[n][0]

    def union(self, a: int, b: int) -> int:
        if a == 0 or a == b:
            return b
        if b == 0:
            return a
        key = (a, b) if a < b else (b, a)
        if key in self.union_memo:
            return self.union_memo[key]
        la, lb = self.level(a), self.level(b)
        if la < lb:
            _, lo, hi = self.nodes[a]
            result = self.node(la, self.union(lo, b), hi)
        elif lb < la:
            _, lo, hi = self.nodes[b]
            result = self.node(lb, self.union(a, lo), hi)
        else:
            _, alo, ahi = self.nodes[a]
            _, blo, bhi = self.nodes[b]
            result = self.node(la, self.union(alo, blo), self.union(ahi, bhi))
        self.union_memo[key] = result
        return result

    def has_empty(self, n: int) -> bool:
        while n > 1:
            n = self.nodes[n][1]
        return n == 1

    def nonsupersets(self, p: int, q: int) -> int:
        """Sets of ``p`` that contain no set of ``q``."""
        if p == 0 or q == 0:
            return p
        if q == 1 or p == q:
            return 0
        if p == 1:
            return 0 if self.has_empty(q) else 1
        key = (p, q)
        if key in self.nonsup_memo:
            return self.nonsup_memo[key]
        lp, lq = self.level(p), self.level(q)
        if lp < lq:
            _, lo, hi = self.nodes[p]
            result = self.node(lp, self.nonsupersets(lo, q), self.nonsupersets(hi, q))
        elif lq < lp:
            result = self.nonsupersets(p, self.nodes[q][1])
        else:
            _, plo, phi = self.nodes[p]
            _, qlo, qhi = self.nodes[q]
            result = self.node(
                lp,
                self.nonsupersets(plo, qlo),
                self.nonsupersets(self.nonsupersets(phi, qhi), qlo),
            )
        self.nonsup_memo[key] = result
        return result

    def sets(self, n: int) -> Iterator[tuple[int, ...]]:
        stack: list[tuple[int, tuple[int, ...]]] = [(n, ())]
        while stack:
            node, prefix = stack.pop()
            if node == 0:
                continue
            if node == 1:
                yield prefix
                continue
            level, lo, hi = self.nodes[node]
            stack.append((lo, prefix))
            stack.append((hi, (*prefix, level)))


def _minimal_cut_sets(bdd: _Bdd) -> list[tuple[str, ...]]:
    b = bdd.manager
    zdd = _Zdd()
    memo: dict[int, int] = {}
    true = b.true

    def cofactors(u: Any) -> tuple[Any, Any]:
        if u.negated:
            regular = ~u
            return ~regular.low, ~regular.high
        return u.low, u.high

    def minsol(u: Any) -> int:
        if u == true:
            return 1
        if u == b.false:
            return 0
        key = int(u)
        if key in memo:
            return memo[key]
        low, high = cofactors(u)
        k0 = minsol(low)
        k1 = minsol(high | low)  # monotone part: a negative literal is dropped
        result = zdd.node(b.level_of_var(u.var), k0, zdd.nonsupersets(k1, k0))
        memo[key] = result
        return result

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))
    try:
        family = minsol(bdd.top)
    finally:
        sys.setrecursionlimit(limit)
    names = {b.level_of_var(v): v for v in bdd.events}
    cut_sets = [tuple(sorted(names[level] for level in s)) for s in zdd.sets(family)]
    cut_sets.sort(key=lambda cs: (len(cs), cs))
    return cut_sets


def analyse(tree: FaultTree, *, importance: bool = True) -> Analysis:
    """Cut sets, exact and approximate top probabilities, and importance measures."""
    bdd = _Bdd(tree)
    p = {name: tree.basic_events[name].p for name in bdd.events}
    true = bdd.manager.true
    p_top = _probability(bdd.top, p, {}, true)
    cut_sets = _minimal_cut_sets(bdd)
    products = [math.prod(p[e] for e in cs) for cs in cut_sets]
    rare = min(1.0, math.fsum(products))
    mcub = 1.0 - math.prod(1.0 - q for q in products)
    occurrence: dict[str, int] = {}
    for cs in cut_sets:
        for event in cs:
            occurrence[event] = occurrence.get(event, 0) + 1
    measures: dict[str, dict[str, float]] = {}
    if importance:
        birnbaum = _birnbaum(bdd.top, p, true)
        for event in bdd.events:
            mif = birnbaum.get(event, 0.0)
            p_on = p_top + (1 - p[event]) * mif  # P(top | e) = P(top) + (1 − p)·MIF
            p_off = p_top - p[event] * mif  # P(top | ¬e) = P(top) − p·MIF
            measures[event] = {
                "mif": mif,
                "cif": mif * p[event] / p_top if p_top else 0.0,
                "dif": p[event] * p_on / p_top if p_top else 0.0,
                "raw": p_on / p_top if p_top else 0.0,
                # as SCRAM reports it: 0 when removing e removes the top event (P = 0)
                "rrw": p_top / p_off if p_off > 0 else 0.0,
            }
    return Analysis(tree.top, p_top, tuple(cut_sets), rare, mcub, measures, occurrence)
