"""The top event as a reduced ordered BDD, built in plain Python or with CUDD, then flattened.

Contract: :func:`build_bdd` takes a tree that :func:`~.graph.check_tree` accepted and
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

Two engines build the same reduced ordered BDD (same variable order, so the same nodes;
CUDD adds complement edges): a small pure-Python one (:class:`_PyBuilder`), because
importing ``dd.cudd`` (and through it networkx and logging) costs ~50 ms, more than the
whole analysis of a typical tree; and CUDD, for trees whose BDD outgrows
``PYTHON_NODE_BUDGET`` nodes, where C is 2–3× faster. ``engine="auto"`` starts in Python
and switches to CUDD past the budget. ``tests/hazards/fta`` checks that both give the same
P(top) and cut sets on SCRAM's models and on random trees.

Not checked: the tree (call ``check_tree`` first); variable order quality (no reordering).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Literal

from pumpproof.errors import ModelError

from .model import FaultTree, Frozen
from .nodes import NodeTable

__all__ = ["PYTHON_NODE_BUDGET", "TRUE", "Bdd", "Engine", "FlatBdd", "build_bdd",
           "event_order", "relevant_levels"]

TRUE = 0  # the edge to the TRUE terminal; FALSE is TRUE ^ 1
PYTHON_NODE_BUDGET = 200_000  # nodes the Python engine may create before CUDD takes over
CUDD_MAX_MEMORY = 1 << 30  # bytes: past it the analysis stops with a ModelError
Engine = Literal["auto", "python", "cudd"]


class FlatBdd(Frozen):
    """A BDD as parallel tuples; ``root`` is an edge (``2 * node + complemented``)."""

    FIELDS = ("root", "level", "high", "low")
    __slots__ = FIELDS
    root: int
    level: tuple[int, ...]  # variable level of each node (node 0: the terminal, -1)
    high: tuple[int, ...]  # edge taken when the variable is true
    low: tuple[int, ...]  # edge taken when the variable is false

    def __init__(self, root: int, level: tuple[int, ...], high: tuple[int, ...],
                 low: tuple[int, ...]) -> None:
        self._set(root=root, level=level, high=high, low=low)

    def __len__(self) -> int:
        return len(self.level)


class Bdd(Frozen):
    """The top event's BDD (``function``), its coherent approximation, and the events."""

    FIELDS = ("events", "function", "monotone", "coherent")
    __slots__ = FIELDS
    events: tuple[str, ...]  # basic events by variable level
    function: FlatBdd
    monotone: FlatBdd  # the same object as ``function`` for a coherent tree
    coherent: bool

    def __init__(self, events: tuple[str, ...], function: FlatBdd, monotone: FlatBdd,
                 coherent: bool) -> None:
        self._set(events=events, function=function, monotone=monotone, coherent=coherent)


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


def relevant_levels(function: FlatBdd) -> set[int]:
    """The variable levels the function depends on (the levels its reduced BDD tests).

    For a monotone function these are exactly the events that occur in some minimal cut
    set, so importance can be reported for the right events without listing cut sets.
    """
    return set(function.level[1:])


class _OverBudget(Exception):
    """The Python engine created more than its node budget (CUDD takes over)."""


class _PyBuilder(NodeTable):
    """A plain-Python ROBDD without complement edges: node 0 is FALSE, 1 is TRUE.

    Nodes are made bottom-up, so a node's children always have smaller ids: flattening
    is a sort. AND/OR/NOT are memoised; ``atleast`` uses the same row recurrence as CUDD's.
    """

    over_budget = _OverBudget

    def __init__(self, tree: FaultTree, events: Sequence[str], budget: int | None) -> None:
        super().__init__(budget)
        self.tree = tree
        self.level_of = {name: i for i, name in enumerate(events)}
        self.and_memo: dict[tuple[int, int], int] = {}
        self.or_memo: dict[tuple[int, int], int] = {}
        self.not_memo: dict[int, int] = {}
        self.restrict_memo: dict[int, int] = {}
        self.cache: dict[str, int] = {}

    def mk(self, v: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (v, lo, hi)
        n = self.unique.get(key)
        return self.add(key) if n is None else n

    def and_(self, a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        if a == 1 or a == b:
            return b
        if b == 1:
            return a
        if a > b:
            a, b = b, a
        key = (a, b)
        r = self.and_memo.get(key)
        if r is None:
            var, lo, hi = self.level, self.low, self.high
            va, vb = var[a], var[b]
            if va == vb:
                r = self.mk(va, self.and_(lo[a], lo[b]), self.and_(hi[a], hi[b]))
            elif va < vb:
                r = self.mk(va, self.and_(lo[a], b), self.and_(hi[a], b))
            else:
                r = self.mk(vb, self.and_(a, lo[b]), self.and_(a, hi[b]))
            self.and_memo[key] = r
        return r

    def or_(self, a: int, b: int) -> int:
        if a == 1 or b == 1:
            return 1
        if a == 0 or a == b:
            return b
        if b == 0:
            return a
        if a > b:
            a, b = b, a
        key = (a, b)
        r = self.or_memo.get(key)
        if r is None:
            var, lo, hi = self.level, self.low, self.high
            va, vb = var[a], var[b]
            if va == vb:
                r = self.mk(va, self.or_(lo[a], lo[b]), self.or_(hi[a], hi[b]))
            elif va < vb:
                r = self.mk(va, self.or_(lo[a], b), self.or_(hi[a], b))
            else:
                r = self.mk(vb, self.or_(a, lo[b]), self.or_(a, hi[b]))
            self.or_memo[key] = r
        return r

    def not_(self, a: int) -> int:
        if a < 2:
            return 1 - a
        r = self.not_memo.get(a)
        if r is None:
            r = self.mk(self.level[a], self.not_(self.low[a]), self.not_(self.high[a]))
            self.not_memo[a] = r
        return r

    def restrict_false(self, u: int, level: int) -> int:
        """u with the variable at ``level`` set to false (memo cleared per level)."""
        if self.level[u] > level:
            return u
        r = self.restrict_memo.get(u)
        if r is None:
            if self.level[u] == level:
                r = self.low[u]
            else:
                r = self.mk(self.level[u], self.restrict_false(self.low[u], level),
                            self.restrict_false(self.high[u], level))
            self.restrict_memo[u] = r
        return r

    def function(self, name: str) -> int:
        found = self.cache.get(name)
        if found is not None:
            return found
        tree = self.tree
        if name in tree.basic_events:
            result = self.mk(self.level_of[name], 0, 1)
        elif name in tree.house_events:
            result = 1 if tree.house_events[name] else 0
        else:
            gate = tree.gates[name]
            children = [self.function(child) for child in gate.children]
            if gate.kind == "and":
                result = 1
                for child in children:
                    result = self.and_(result, child)
            elif gate.kind == "or":
                result = 0
                for child in children:
                    result = self.or_(result, child)
            elif gate.kind == "not":
                result = self.not_(children[0])
            else:
                row = [1] + [0] * gate.k
                for child in children:
                    row = [1] + [self.or_(row[j], self.and_(child, row[j - 1]))
                                 for j in range(1, gate.k + 1)]
                result = row[gate.k]
        self.cache[name] = result
        return result

    def up_closure(self, u: int, n_events: int) -> int:
        """The least monotone function above ``u``: f ∨ x·f|x=0 for every variable x."""
        for level in range(n_events):
            self.restrict_memo.clear()
            u = self.or_(u, self.and_(self.mk(level, 0, 1), self.restrict_false(u, level)))
        return u

    def flatten(self, root: int) -> FlatBdd:
        seen: set[int] = set()
        stack = [root]
        while stack:
            n = stack.pop()
            if n < 2 or n in seen:
                continue
            seen.add(n)
            stack.append(self.low[n])
            stack.append(self.high[n])
        order = sorted(seen)  # children have smaller ids than their parents
        index = {1: 0} | {n: i for i, n in enumerate(order, 1)}

        def edge(n: int) -> int:
            return TRUE ^ 1 if n == 0 else 2 * index[n]

        return FlatBdd(edge(root), (-1, *(self.level[n] for n in order)),
                       (TRUE, *(edge(self.high[n]) for n in order)),
                       (TRUE, *(edge(self.low[n]) for n in order)))


def _build_python(tree: FaultTree, events: list[str], coherent: bool,
                  budget: int | None) -> Bdd:
    builder = _PyBuilder(tree, events, budget)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10_000 + 4 * len(events)))  # recursion follows levels
    try:
        top = builder.function(tree.top)
        function = builder.flatten(top)
        if coherent:
            return Bdd(tuple(events), function, function, True)
        monotone = builder.flatten(builder.up_closure(top, len(events)))
        return Bdd(tuple(events), function, monotone, False)
    finally:
        sys.setrecursionlimit(old)


class _Builder:
    """Gate functions in CUDD, memoised by gate name (shared subtrees built once)."""

    def __init__(self, tree: FaultTree, events: Sequence[str]) -> None:
        import dd.cudd as cudd  # here: ~50 ms of imports that small trees never need

        self.tree = tree
        # A small first cache: CUDD grows it when it pays, and a fresh default-sized
        # cache costs ~10 ms to allocate, the whole analysis time of a small tree.
        self.manager = cudd.BDD(initial_cache_size=1 << 12)
        self.manager.configure(reordering=False, max_memory=CUDD_MAX_MEMORY)
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


def build_bdd(tree: FaultTree, engine: Engine = "auto") -> Bdd:
    """The BDD of ``tree.top`` (see the module docstring for what it holds and why)."""
    events, coherent = event_order(tree)
    if engine != "cudd":
        try:
            return _build_python(tree, events, coherent,
                                 PYTHON_NODE_BUDGET if engine == "auto" else None)
        except _OverBudget:
            pass
    builder = _Builder(tree, events)
    try:
        top = builder.function(tree.top)
        function = builder.flatten(top)
        if coherent:
            return Bdd(tuple(events), function, function, True)
        monotone = builder.flatten(builder.up_closure(top, events))
    except ValueError:  # dd's report of a NULL node: CUDD refused to pass max_memory
        raise ModelError(f"{tree.source or tree.name}: top event '{tree.top}': its BDD "
                         f"needs more than {CUDD_MAX_MEMORY >> 20} MiB") from None
    return Bdd(tuple(events), function, monotone, False)

