"""A fault tree as frozen data, and its networkx graph.

Gates are AND, OR, k-out-of-n (``atleast``) and NOT over named children; basic events
carry a probability; house events are constants. :func:`to_graph` builds the DiGraph
(gate → child) and checks what analysis relies on: no cycle (reported with its path),
no dangling reference, every node reachable from the top. It does not check that the
tree is coherent (NOT gates are allowed; see :mod:`cutsets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from pumpproof.errors import ModelError

__all__ = ["BasicEvent", "FaultTree", "Gate", "to_graph"]

GATE_KINDS = ("and", "or", "atleast", "not")


@dataclass(frozen=True)
class BasicEvent:
    name: str
    p: float
    label: str = ""


@dataclass(frozen=True)
class Gate:
    name: str
    kind: str  # and | or | atleast | not
    children: tuple[str, ...]
    k: int = 0  # for atleast
    label: str = ""


@dataclass(frozen=True)
class FaultTree:
    name: str
    top: str
    gates: Mapping[str, Gate]
    basic_events: Mapping[str, BasicEvent]
    house_events: Mapping[str, bool] = field(default_factory=dict)
    source: str = ""  # file the tree came from, for messages

    def kind_of(self, name: str) -> str:
        if name in self.gates:
            return "gate"
        if name in self.basic_events:
            return "basic-event"
        if name in self.house_events:
            return "house-event"
        raise KeyError(name)


def to_graph(tree: FaultTree) -> nx.DiGraph:
    """The tree as a DiGraph with node attribute ``kind``; refuses malformed trees."""
    where = tree.source or tree.name
    graph = nx.DiGraph()
    for gate in tree.gates.values():
        if gate.kind not in GATE_KINDS:
            raise ModelError(f"{where}: gate '{gate.name}': unknown kind {gate.kind!r}")
        if not gate.children:
            raise ModelError(f"{where}: gate '{gate.name}': has no children")
        if gate.kind == "not" and len(gate.children) != 1:
            raise ModelError(f"{where}: gate '{gate.name}': a NOT gate takes exactly one child")
        if gate.kind == "atleast" and not 1 <= gate.k <= len(gate.children):
            raise ModelError(f"{where}: gate '{gate.name}': atleast needs 1 ≤ k ≤ "
                             f"{len(gate.children)}, got k={gate.k}")
        graph.add_node(gate.name, kind="gate")
        for child in gate.children:
            try:
                kind = tree.kind_of(child)
            except KeyError:
                message = f"{where}: gate '{gate.name}': undefined child '{child}'"
                raise ModelError(message) from None
            graph.add_node(child, kind=kind)
            graph.add_edge(gate.name, child)
    for event in tree.basic_events.values():
        if not 0.0 <= event.p <= 1.0:
            raise ModelError(f"{where}: basic event '{event.name}': probability {event.p} "
                             "is outside [0, 1]")
    if tree.top not in tree.gates:
        raise ModelError(f"{where}: top event '{tree.top}' is not a gate")
    try:
        cycle = nx.find_cycle(graph, source=tree.top)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = " → ".join([edge[0] for edge in cycle] + [cycle[-1][1]])
        raise ModelError(f"{where}: gate '{cycle[0][0]}': cycle {path}")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        path = " → ".join([edge[0] for edge in cycle] + [cycle[-1][1]])
        raise ModelError(f"{where}: gate '{cycle[0][0]}': cycle {path}")
    return graph


def reachable(graph: nx.DiGraph, top: str) -> set[str]:
    return {top, *nx.descendants(graph, top)}
