"""The fault tree as a networkx DiGraph (gate → child), validated once.

Contract: :func:`to_graph` returns a DiGraph whose nodes carry ``kind`` (``gate``,
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

import networkx as nx

from pumpproof.errors import ModelError

from .model import GATE_KINDS, FaultTree, Gate

__all__ = ["choose_top", "reachable", "to_graph"]


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


def _check_references(tree: FaultTree, graph: nx.DiGraph) -> None:
    for gate in tree.gates.values():
        for child in gate.children:
            if child not in graph:
                raise ModelError(f"{_where(tree)}: gate '{gate.name}': reference to "
                                 f"undefined element '{child}'")


def _check_top(tree: FaultTree) -> None:
    if tree.top not in tree.gates:
        raise ModelError(f"{_where(tree)}: top event '{tree.top}': is not a defined gate")


def _check_acyclic(tree: FaultTree, graph: nx.DiGraph) -> None:
    if nx.is_directed_acyclic_graph(graph):
        return
    try:  # prefer the cycle that the analysis would run into
        cycle = nx.find_cycle(graph, source=tree.top)
    except nx.NetworkXNoCycle:
        cycle = nx.find_cycle(graph)
    path = " → ".join([edge[0] for edge in cycle] + [cycle[-1][1]])
    raise ModelError(f"{_where(tree)}: gate '{cycle[0][0]}': is in a cycle {path}")


def _check_probabilities(tree: FaultTree) -> None:
    for event in tree.basic_events.values():
        if not 0.0 <= event.p <= 1.0:  # also refuses NaN
            raise ModelError(f"{_where(tree)}: basic event '{event.name}': probability "
                             f"{event.p!r} is outside [0, 1]")


def to_graph(tree: FaultTree) -> nx.DiGraph:
    """The validated DiGraph of ``tree``: one place where bad input is refused."""
    _check_gates(tree)
    graph = nx.DiGraph()
    graph.add_nodes_from(tree.gates, kind="gate")
    graph.add_nodes_from(tree.basic_events, kind="basic-event")
    graph.add_nodes_from(tree.house_events, kind="house-event")
    _check_references(tree, graph)
    graph.add_edges_from((gate.name, child) for gate in tree.gates.values()
                         for child in gate.children)
    _check_top(tree)
    _check_acyclic(tree, graph)
    _check_probabilities(tree)
    return graph


def reachable(graph: nx.DiGraph, top: str) -> set[str]:
    """The nodes the analysis of ``top`` depends on (``top`` included)."""
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
