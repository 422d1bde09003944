"""The fault tree as a networkx DiGraph (gate → child), validated once.

Contract: :func:`check_tree` runs every check in plain Python (the ``fta`` command's path:
importing networkx alone costs ~150 ms, more than analysing most trees); :func:`to_graph`
runs it and returns a DiGraph whose nodes carry ``kind`` (``gate``,
``basic-event``, ``house-event``) and whose edges go from a gate to each child, or raises
:class:`~pumpproof.errors.ModelError` naming the source, the element and the problem. The
checks run in named phases, in this order: gates are well formed, references resolve, the
top is a gate, the graph is acyclic (the cycle is reported as a path), probabilities lie in
[0, 1]. After it, analyses trust the tree.

Not checked: that every element is reachable from the top. Files with several trees are
normal in Open-PSA MEF, so unreachable elements are kept in the graph and simply not
analysed (:func:`reachable`). Coherence is not checked either: NOT gates are allowed.

>>> from .model import BasicEvent, FaultTree, Gate
>>> tree = FaultTree("t", "top", {"top": Gate("top", "and", ("a", "b"))},
...                  {"a": BasicEvent("a", 0.1), "b": BasicEvent("b", 0.2)})
>>> sorted(to_graph(tree).edges())
[('top', 'a'), ('top', 'b')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pumpproof.errors import ModelError

from .model import GATE_KINDS, FaultTree, Gate

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["check_tree", "choose_top", "reachable", "to_graph"]


def _where(tree: FaultTree) -> str:
    return tree.source or tree.name


def _check_gates(tree: FaultTree) -> None:
    for gate in tree.gates.values():
        where = f"{_where(tree)}: gate '{gate.name}'"
        if gate.kind not in GATE_KINDS:
            raise ModelError(f"{where}: unknown gate kind {gate.kind!r} "
                             f"(expected one of {', '.join(GATE_KINDS)})")
        if not gate.children:
            raise ModelError(f"{where}: has no children")
        if gate.kind == "not" and len(gate.children) != 1:
            raise ModelError(f"{where}: a NOT gate takes exactly one child, "
                             f"has {len(gate.children)}")
        if gate.kind == "atleast" and not 1 <= gate.k <= len(gate.children):
            raise ModelError(f"{where}: atleast min={gate.k} must be between 1 and "
                             f"{len(gate.children)} (the number of children)")


def _check_references(tree: FaultTree) -> None:
    for gate in tree.gates.values():
        for child in gate.children:
            if (child not in tree.gates and child not in tree.basic_events
                    and child not in tree.house_events):
                raise ModelError(f"{_where(tree)}: gate '{gate.name}': reference to "
                                 f"undefined element '{child}'")


def _check_top(tree: FaultTree) -> None:
    if tree.top not in tree.gates:
        raise ModelError(f"{_where(tree)}: top event '{tree.top}': is not a defined gate")


def _find_cycle(tree: FaultTree, source: str, state: dict[str, int]) -> list[str] | None:
    """A cycle reachable from ``source`` as a closed path of gate names (iterative DFS);
    ``state`` (1 on the current path, 2 finished) is shared between sources, so every
    element is visited once in all."""
    path: list[str] = []
    stack: list[tuple[str, int]] = [(source, 0)]
    while stack:
        name, i = stack.pop()
        if i == 0:
            if state.get(name) == 2:
                continue
            state[name] = 1
            path.append(name)
        children = tree.gates[name].children if name in tree.gates else ()
        if i < len(children):
            stack.append((name, i + 1))
            child = children[i]
            if state.get(child) == 1:
                return [*path[path.index(child):], child]
            if child not in state:
                stack.append((child, 0))
            continue
        state[name] = 2
        path.pop()
    return None


def _check_acyclic(tree: FaultTree) -> None:
    # prefer the cycle that the analysis would run into, then any other
    state: dict[str, int] = {}
    for source in (tree.top, *tree.gates):
        cycle = _find_cycle(tree, source, state)
        if cycle is not None:
            raise ModelError(f"{_where(tree)}: gate '{cycle[0]}': is in a cycle "
                             f"{' → '.join(cycle)}")


def _check_probabilities(tree: FaultTree) -> None:
    for event in tree.basic_events.values():
        if not 0.0 <= event.p <= 1.0:  # also refuses NaN
            raise ModelError(f"{_where(tree)}: basic event '{event.name}': probability "
                             f"{event.p!r} is outside [0, 1]")


def check_tree(tree: FaultTree) -> None:
    """Refuse bad input, in named phases (module docstring); silent on a good tree."""
    _check_gates(tree)
    _check_references(tree)
    _check_top(tree)
    _check_acyclic(tree)
    _check_probabilities(tree)


def to_graph(tree: FaultTree) -> nx.DiGraph:
    """The validated DiGraph of ``tree``: one place where bad input is refused."""
    import networkx as nx  # here: only diagrams and reachability need the graph

    check_tree(tree)
    graph = nx.DiGraph()
    graph.add_nodes_from(tree.gates, kind="gate")
    graph.add_nodes_from(tree.basic_events, kind="basic-event")
    graph.add_nodes_from(tree.house_events, kind="house-event")
    graph.add_edges_from((gate.name, child) for gate in tree.gates.values()
                         for child in gate.children)
    return graph


def reachable(graph: nx.DiGraph, top: str) -> set[str]:
    """The nodes the analysis of ``top`` depends on (``top`` included)."""
    import networkx as nx

    return {top, *nx.descendants(graph, top)}


def choose_top(gates: Mapping[str, Gate], order: Iterable[str] | None = None) -> str | None:
    """The gate no other gate references, as SCRAM picks a fault tree's top.

    With several such gates (several trees in one file), the first in ``order`` (the
    document order when importing MEF; else the mapping's order) wins, so the choice is
    deterministic; pass an explicit top to analyse another. ``None`` if every gate is
    referenced (which means a cycle).

    >>> choose_top({"top": Gate("top", "or", ("g",)), "g": Gate("g", "and", ("a",))})
    'top'
    """
    referenced = {child for gate in gates.values() for child in gate.children}
    for name in (gates if order is None else order):
        if name in gates and name not in referenced:
            return name
    return None
