"""A fault tree as frozen, typed data.

Contract: a :class:`FaultTree` holds gates (AND, OR, k-out-of-n ``atleast``, NOT) over
named children, basic events with a point probability, house events (constants) and the
name of the top gate. Every mapping is read-only once built, and a gate's children are a
tuple, so a tree can be shared between analyses without copying.

Not checked here (on purpose, so that building a tree stays cheap and tests can build
broken trees): that references resolve, that there is no cycle, that probabilities lie
in [0, 1] or that ``k`` fits. :func:`pumpproof.hazards.fta.graph.to_graph` checks all of
that in one place, and every analysis calls it first.

>>> tree = FaultTree("t", "top", {"top": Gate("top", "or", ("a", "b"))},
...                  {"a": BasicEvent("a", 0.1), "b": BasicEvent("b", 0.2)})
>>> tree.kind_of("a"), tree.gates["top"].children
('basic-event', ('a', 'b'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = ["GATE_KINDS", "BasicEvent", "FaultTree", "Gate", "GateKind", "NodeKind"]

GateKind = Literal["and", "or", "atleast", "not"]
NodeKind = Literal["gate", "basic-event", "house-event"]
GATE_KINDS: tuple[GateKind, ...] = ("and", "or", "atleast", "not")


@dataclass(frozen=True)
class BasicEvent:
    """A primary failure with its point-estimate probability.

    ``source`` says where the value came from (e.g. ``"exponential"`` or a file), so a
    reviewer can trace a number in a report back to its origin.
    """

    name: str
    p: float
    label: str = ""
    source: str = ""


@dataclass(frozen=True)
class Gate:
    """A logic gate; ``k`` is only meaningful for ``atleast`` (k-out-of-n)."""

    name: str
    kind: GateKind
    children: tuple[str, ...]
    k: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        # Callers may pass a list; a tuple keeps the gate truly frozen and hashable.
        object.__setattr__(self, "children", tuple(self.children))


@dataclass(frozen=True)
class FaultTree:
    """Gates, events and the top gate; ``source`` (a file name) prefixes every error."""

    name: str
    top: str
    gates: Mapping[str, Gate]
    basic_events: Mapping[str, BasicEvent]
    house_events: Mapping[str, bool] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        for attribute in ("gates", "basic_events", "house_events"):
            value = dict(getattr(self, attribute))
            object.__setattr__(self, attribute, MappingProxyType(value))

    def kind_of(self, name: str) -> NodeKind:
        """What ``name`` is; :class:`KeyError` when the tree defines no such element."""
        if name in self.gates:
            return "gate"
        if name in self.basic_events:
            return "basic-event"
        if name in self.house_events:
            return "house-event"
        raise KeyError(name)

    def with_top(self, top: str) -> FaultTree:
        """The same model analysed from another gate (e.g. an intermediate event)."""
        return FaultTree(self.name, top, self.gates, self.basic_events, self.house_events,
                         self.source)
