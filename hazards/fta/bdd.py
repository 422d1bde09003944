"""The top event as a reduced ordered BDD, built with CUDD (``dd.cudd``), then flattened.

Contract: :func:`build_bdd` takes a tree that :func:`~.graph.to_graph` accepted and
returns a :class:`Bdd`: the basic events the top depends on, in the variable order used
(depth-first from the top, children in written order: events of one subtree stay close,
which keeps fault-tree BDDs small without dynamic reordering), and the top function as a
:class:`FlatBdd`. House events are constants and vanish from the BDD. For a non-coherent
tree (a NOT gate under the top), ``monotone`` is the BDD of the coherent approximation
(every negative literal read as true: the up-closure of the top), which is what minimal
cut sets are computed from, as SCRAM does when prime implicants are not requested.

:class:`FlatBdd` is a plain-Python copy of the CUDD graph: node 0 is the TRUE terminal
and every other node has a variable level and two *edges*; an edge is ``2 * node +
complemented``, so ``1`` is FALSE. Children come before parents. Analyses walk these
lists instead of CUDD handles: faster in Python, and free of CUDD's node lifetime rules.

Not checked: the tree (call ``to_graph`` first); variable order quality (no reordering).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dd.cudd as cudd

from .model import FaultTree

__all__ = ["TRUE", "Bdd", "FlatBdd", "build_bdd", "event_order"]

TRUE = 0  # the edge to the TRUE terminal; FALSE is TRUE ^ 1


@dataclass(frozen=True)
class FlatBdd:
    """A BDD as parallel tuples; ``root`` is an edge (``2 * node + complemented``)."""

    root: int
    level: tuple[int, ...]  # variable level of each node (node 0: the terminal, -1)
    high: tuple[int, ...]  # edge taken when the variable is true
    low: tuple[int, ...]  # edge taken when the variable is false

    def __len__(self) -> int:
        return len(self.level)


@dataclass(frozen=True)
class Bdd:
    """The top event's BDD (``function``), its coherent approximation, and the events."""

    events: tuple[str, ...]  # basic events by variable level
    function: FlatBdd
    monotone: FlatBdd  # the same object as ``function`` for a coherent tree
    coherent: bool


def event_order(tree: FaultTree) -> tuple[list[str], bool]:
    """Basic events under the top in depth-first order, and whether no NOT gate is met."""
    order: list[str] = []
    seen: set[str] = set()
    coherent = True
    stack = [tree.top]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in tree.basic_events:
            order.append(name)
        elif name in tree.gates:
            gate = tree.gates[name]
            coherent = coherent and gate.kind != "not"
            stack.extend(reversed(gate.children))
    return order, coherent


class _Builder:
    """Gate functions in CUDD, memoised by gate name (shared subtrees built once)."""

    def __init__(self, tree: FaultTree, events: Sequence[str]) -> None:
        self.tree = tree
        # A small first cache: CUDD grows it when it pays, and a fresh default-sized
        # cache costs ~10 ms to allocate, the whole analysis time of a small tree.
        self.manager = cudd.BDD(initial_cache_size=1 << 12)
        self.manager.configure(reordering=False)
        if events:
            self.manager.declare(*events)
        self.cache: dict[str, Any] = {}

    def function(self, name: str) -> Any:
        found = self.cache.get(name)
        if found is not None:
            return found
        tree, b = self.tree, self.manager
        if name in tree.basic_events:
            result = b.var(name)
        elif name in tree.house_events:
            result = b.true if tree.house_events[name] else b.false
        else:
            gate = tree.gates[name]
            children = [self.function(child) for child in gate.children]
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
                result = self.atleast(gate.k, children)
        self.cache[name] = result
        return result

    def atleast(self, k: int, children: Sequence[Any]) -> Any:
        """k-out-of-n without expanding the combinations: row[j] = at least j so far."""
        b = self.manager
        row = [b.true] + [b.false] * k
        for child in children:
            row = [b.true] + [row[j] | (child & row[j - 1]) for j in range(1, k + 1)]
        return row[k]

    def up_closure(self, u: Any, events: Sequence[str]) -> Any:
        """The least monotone function above ``u``: f ∨ x·f|x=0 for every variable x."""
        b = self.manager
        for name in events:
            u = u | (b.var(name) & b.let({name: False}, u))
        return u

    def flatten(self, u: Any) -> FlatBdd:
        """Copy the CUDD graph below ``u`` into plain tuples (iterative post-order)."""
        true = self.manager.true
        index: dict[int, int] = {}
        level: list[int] = [-1]
        high: list[int] = [TRUE]
        low: list[int] = [TRUE]

        def edge(v: Any) -> int:
            negated: bool = v.negated
            regular = ~v if negated else v
            node = 0 if regular == true else index[int(regular)]
            return 2 * node + int(negated)

        stack: list[tuple[Any, bool]] = [(~u if u.negated else u, False)]
        while stack:
            v, expanded = stack.pop()
            key = int(v)
            if key in index or v == true:
                continue
            hi, lo = v.high, v.low
            if not expanded:
                stack.append((v, True))
                for child in (lo, hi):
                    regular = ~child if child.negated else child
                    if regular != true and int(regular) not in index:
                        stack.append((regular, False))
                continue
            index[key] = len(level)
            level.append(v.level)
            high.append(edge(hi))
            low.append(edge(lo))
        return FlatBdd(edge(u), tuple(level), tuple(high), tuple(low))


def build_bdd(tree: FaultTree) -> Bdd:
    """The BDD of ``tree.top`` (see the module docstring for what it holds and why)."""
    events, coherent = event_order(tree)
    builder = _Builder(tree, events)
    top = builder.function(tree.top)
    function = builder.flatten(top)
    if coherent:
        return Bdd(tuple(events), function, function, True)
    monotone = builder.flatten(builder.up_closure(top, events))
    return Bdd(tuple(events), function, monotone, False)

