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
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["GATE_KINDS", "BasicEvent", "FaultTree", "Frozen", "Gate", "GateKind", "NodeKind"]

GateKind = Literal["and", "or", "atleast", "not"]
NodeKind = Literal["gate", "basic-event", "house-event"]
GATE_KINDS: tuple[GateKind, ...] = ("and", "or", "atleast", "not")


class Frozen:
    """A frozen record: fields are its ``__slots__``, compared, hashed and shown by value.

    What ``@dataclass(frozen=True)`` gives, without importing :mod:`dataclasses` (which
    pulls in :mod:`inspect`, ~10 ms) and without generating code per class at import: the
    ``pumpproof fta`` command's start-up is most of its time on a small tree.
    """

    __slots__: tuple[str, ...] = ()
    FIELDS: tuple[str, ...] = ()  # in order: the constructor's, shown by repr

    def _set(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen "
                             f"{type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({fields})"


class BasicEvent(Frozen):
    """A primary failure with its point-estimate probability.

    ``source`` says where the value came from (e.g. ``"exponential"`` or a file), so a
    reviewer can trace a number in a report back to its origin.
    """

    FIELDS = ("name", "p", "label", "source")
    __slots__ = FIELDS
    name: str
    p: float
    label: str
    source: str

    def __init__(self, name: str, p: float, label: str = "", source: str = "") -> None:
        self._set(name=name, p=p, label=label, source=source)


class Gate(Frozen):
    """A logic gate; ``k`` is only meaningful for ``atleast`` (k-out-of-n)."""

    FIELDS = ("name", "kind", "children", "k", "label")
    __slots__ = FIELDS
    name: str
    kind: GateKind
    children: tuple[str, ...]
    k: int
    label: str

    def __init__(self, name: str, kind: GateKind, children: tuple[str, ...] | list[str],
                 k: int = 0, label: str = "") -> None:
        # Callers may pass a list; a tuple keeps the gate truly frozen and hashable.
        self._set(name=name, kind=kind, children=tuple(children), k=k, label=label)


class FaultTree(Frozen):
    """Gates, events and the top gate; ``source`` (a file name) prefixes every error."""

    FIELDS = ("name", "top", "gates", "basic_events", "house_events", "source")
    __slots__ = FIELDS
    name: str
    top: str
    gates: Mapping[str, Gate]
    basic_events: Mapping[str, BasicEvent]
    house_events: Mapping[str, bool]
    source: str

    def __init__(self, name: str, top: str, gates: Mapping[str, Gate],
                 basic_events: Mapping[str, BasicEvent],
                 house_events: Mapping[str, bool] | None = None, source: str = "") -> None:
        self._set(name=name, top=top, gates=MappingProxyType(dict(gates)),
                  basic_events=MappingProxyType(dict(basic_events)),
                  house_events=MappingProxyType(dict(house_events or {})), source=source)

    def __hash__(self) -> int:  # its mappings are not hashable, as with the dataclass
        raise TypeError(f"unhashable type: '{type(self).__name__}'")

    def _values(self) -> tuple[Any, ...]:
        return (self.name, self.top, dict(self.gates), dict(self.basic_events),
                dict(self.house_events), self.source)

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
