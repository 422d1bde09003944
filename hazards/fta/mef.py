"""Open-PSA MEF XML: import fault trees (and their model data) and export ours.

Import handles ``define-fault-tree`` with nested ``define-component`` scopes (a name is
looked up in the innermost enclosing component first, then globally, so ``E1`` inside
component ``t`` is ``t.E1`` from outside), gates with ``and``/``or``/``atleast``/``not``/
``nand``/``nor``/``null`` and nested formulas (flattened into generated gates), references
``gate``/``basic-event``/``house-event``/``event``, house events with ``constant`` or
``bool``, and basic events whose probability is ``float``/``int``, ``exponential``,
``GLM``, 4-argument ``periodic-test``, ``lognormal-deviate`` (its mean, as SCRAM's point
estimate), ``parameter`` references, ``system-mission-time`` and ``add``/``sub``/``mul``/
``div``/``neg``. Parsing uses defusedxml (no entities, no network). Every refusal is a
:class:`ModelError` naming the file, the element and the problem.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree as SafeET

from pumpproof.errors import ModelError

from .model import BasicEvent, FaultTree, Gate

__all__ = ["DEFAULT_MISSION_TIME_H", "export_mef", "parse_mef", "read_mef"]

DEFAULT_MISSION_TIME_H = 8760.0
_REFERENCES = ("gate", "basic-event", "house-event", "event")
_FORMULAS = ("and", "or", "atleast", "not", "nand", "nor", "null")


class _Reader:
    def __init__(self, source: str, mission_time_h: float) -> None:
        self.source = source
        self.mission_time_h = mission_time_h
        self.gate_defs: dict[str, tuple[ET.Element, str]] = {}  # full name -> (element, scope)
        self.event_defs: dict[str, ET.Element] = {}
        self.house_defs: dict[str, ET.Element] = {}
        self.parameters: dict[str, ET.Element] = {}
        self.gates: dict[str, Gate] = {}
        self.generated = 0
        self.referenced: set[str] = set()
        self.order: list[str] = []

    def fail(self, element: str, problem: str) -> ModelError:
        return ModelError(f"{self.source}: {element}: {problem}")

    # -- collecting definitions

    def collect(self, node: ET.Element, scope: str) -> None:
        for child in node:
            tag = child.tag
            name = child.get("name")
            if tag in ("define-fault-tree", "model-data"):
                self.collect(child, "")
                continue
            if tag == "define-component":
                if not name:
                    raise self.fail("define-component", "has no name")
                self.collect(child, f"{scope}{name}.")
                continue
            if tag not in ("define-gate", "define-basic-event", "define-house-event",
                           "define-parameter"):
                continue
            if not name:
                raise self.fail(tag, "has no name")
            full = f"{scope}{name}"
            tables: dict[str, dict[str, Any]] = {
                "define-gate": self.gate_defs, "define-basic-event": self.event_defs,
                "define-house-event": self.house_defs, "define-parameter": self.parameters,
            }
            table = tables[tag]
            if full in table:
                raise self.fail(f"{tag} '{full}'", "defined twice")
            table[full] = (child, scope) if tag == "define-gate" else child
            if tag == "define-gate":
                self.order.append(full)

    def resolve(self, name: str, scope: str, kinds: tuple[str, ...], where: str) -> tuple[str, str]:
        """(kind, full name) of a reference, innermost scope first."""
        tables: dict[str, dict[str, Any]] = {
            "gate": self.gate_defs, "basic-event": self.event_defs, "house-event": self.house_defs,
        }
        prefixes = []
        parts = scope.split(".")[:-1] if scope else []
        for depth in range(len(parts), 0, -1):
            prefixes.append(".".join(parts[:depth]) + ".")
        prefixes.append("")
        for prefix in prefixes:
            for kind in kinds:
                if prefix + name in tables[kind]:
                    return kind, prefix + name
        raise self.fail(where, f"reference to undefined {'/'.join(kinds)} '{name}'")

    # -- gates

    def formula(self, element: ET.Element, scope: str, owner: str) -> tuple[str, str]:
        """(kind, name) of a formula element: a reference or a (generated) gate."""
        tag = element.tag
        if tag in _REFERENCES:
            name = element.get("name")
            if not name:
                raise self.fail(f"gate '{owner}'", f"<{tag}> without a name")
            kinds = ("gate", "basic-event", "house-event") if tag == "event" else (tag,)
            if tag == "event" and element.get("type"):
                kinds = (element.get("type", ""),)
                if kinds[0] not in ("gate", "basic-event", "house-event"):
                    raise self.fail(f"gate '{owner}'", f"event type {kinds[0]!r} is unknown")
            return self.resolve(name, scope, kinds, f"gate '{owner}'")
        if tag == "constant":
            name = f"__constant_{element.get('value')}"
            self.house_defs.setdefault(name, element)
            return "house-event", name
        if tag not in _FORMULAS:
            raise self.fail(f"gate '{owner}'", f"unsupported formula <{tag}>")
        children = [self.formula(child, scope, owner) for child in element
                    if child.tag not in ("label", "attributes")]
        names = tuple(name for _, name in children)
        if not names:
            raise self.fail(f"gate '{owner}'", f"<{tag}> has no arguments")
        self.generated += 1
        gate_name = f"{owner}#{self.generated}"
        if tag in ("nand", "nor"):
            inner = Gate(f"{gate_name}.inner", "and" if tag == "nand" else "or", names)
            self.gates[inner.name] = inner
            self.gates[gate_name] = Gate(gate_name, "not", (inner.name,))
        elif tag == "null":
            if len(names) != 1:
                raise self.fail(f"gate '{owner}'", "<null> takes one argument")
            self.gates[gate_name] = Gate(gate_name, "and", names)
        elif tag == "atleast":
            try:
                k = int(element.get("min", ""))
            except ValueError:
                raise self.fail(f"gate '{owner}'", "<atleast> needs an integer 'min'") from None
            if not 1 <= k <= len(names):
                raise self.fail(f"gate '{owner}'",
                                f"atleast min={k} must be between 1 and {len(names)}")
            self.gates[gate_name] = Gate(gate_name, "atleast", names, k=k)
        elif tag == "not":
            if len(names) != 1:
                raise self.fail(f"gate '{owner}'", "<not> takes one argument")
            self.gates[gate_name] = Gate(gate_name, "not", names)
        else:
            self.gates[gate_name] = Gate(gate_name, tag, names)
        return "gate", gate_name

    def define_gates(self) -> None:
        for full in self.order:
            element, scope = self.gate_defs[full]
            body = [c for c in element if c.tag not in ("label", "attributes")]
            if len(body) != 1:
                raise self.fail(f"gate '{full}'", f"needs exactly one formula, has {len(body)}")
            _, inner = self.formula(body[0], scope, full)
            label = (element.findtext("label") or "").strip()
            generated = self.gates.pop(inner, None) if inner.startswith(f"{full}#") else None
            if generated is not None:
                self.gates[full] = Gate(full, generated.kind, generated.children, generated.k,
                                        label)
            else:  # a gate that is a single reference
                self.gates[full] = Gate(full, "and", (inner,), label=label)

    # -- expressions

    def value(self, element: ET.Element, where: str) -> float:
        tag = element.tag
        args = [c for c in element if c.tag not in ("label", "attributes")]

        def arg(i: int) -> float:
            if i >= len(args):
                raise self.fail(where, f"<{tag}> needs more arguments")
            return self.value(args[i], where)

        try:
            if tag in ("float", "int"):
                return float(element.get("value", ""))
            if tag == "bool":
                return 1.0 if element.get("value") == "true" else 0.0
            if tag == "system-mission-time":
                return self.mission_time_h
            if tag == "parameter":
                name = element.get("name", "")
                if name not in self.parameters:
                    raise self.fail(where, f"reference to undefined parameter '{name}'")
                body = [c for c in self.parameters[name] if c.tag not in ("label", "attributes")]
                if not body:
                    raise self.fail(f"parameter '{name}'", "has no expression")
                return self.value(body[0], f"parameter '{name}'")
        except ValueError:
            raise self.fail(where, f"<{tag}> has a value that is not a number") from None
        operators: dict[str, Callable[[], float]] = {
            "exponential": lambda: 1 - math.exp(-arg(0) * arg(1)),
            "GLM": lambda: _glm(arg(0), arg(1), arg(2), arg(3)),
            "periodic-test": lambda: _periodic_test(args, arg, self, where),
            "lognormal-deviate": lambda: arg(0),  # point estimate: the mean (as SCRAM)
            "mul": lambda: math.prod(self.value(a, where) for a in args),
            "add": lambda: math.fsum(self.value(a, where) for a in args),
            "sub": lambda: arg(0) - math.fsum(self.value(a, where) for a in args[1:]),
            "div": lambda: _divide(arg(0), [self.value(a, where) for a in args[1:]]),
            "neg": lambda: -arg(0),
        }
        if tag not in operators:
            raise self.fail(where, f"unsupported expression <{tag}>")
        return operators[tag]()

    def basic_event(self, full: str) -> BasicEvent:
        element = self.event_defs[full]
        body = [c for c in element if c.tag not in ("label", "attributes")]
        if not body:
            raise self.fail(f"basic event '{full}'", "has no probability expression")
        p = self.value(body[0], f"basic event '{full}'")
        if not 0.0 <= p <= 1.0:
            raise self.fail(f"basic event '{full}'", f"probability {p} is outside [0, 1]")
        return BasicEvent(full, p, (element.findtext("label") or "").strip())

    def house_event(self, name: str) -> bool:
        element = self.house_defs[name]
        if element.tag == "constant":
            return element.get("value") == "true"
        body = [c for c in element if c.tag in ("constant", "bool")]
        return bool(body) and body[0].get("value") == "true"


def _glm(gamma: float, lam: float, mu: float, t: float) -> float:
    rate = lam + mu
    return (lam - (lam - gamma * rate) * math.exp(-rate * t)) / rate


def _periodic_test(args: list[ET.Element], arg: Callable[[int], float], reader: _Reader,
                   where: str) -> float:
    if len(args) != 4:
        raise reader.fail(where, "only the 4-argument periodic-test (instant repair) is supported")
    lam, tau, theta, t = arg(0), arg(1), arg(2), arg(3)
    if t <= theta:
        return 1 - math.exp(-lam * t)
    delta = t - theta
    after = delta - int(delta / tau) * tau
    return 1 - math.exp(-lam * (after if after else tau))


def _divide(first: float, rest: list[float]) -> float:
    for value in rest:
        first /= value
    return first


def parse_mef(text: str | bytes, source: str = "<MEF>", top: str | None = None,
              mission_time_h: float = DEFAULT_MISSION_TIME_H) -> FaultTree:
    """A fault tree from MEF XML text; the top is the gate no other gate references."""
    try:
        root = SafeET.fromstring(text)
    except ET.ParseError as exc:
        raise ModelError(f"{source}: not well-formed XML: {exc}") from None
    except Exception as exc:  # defusedxml refuses entities and DTDs
        raise ModelError(f"{source}: refused XML: {exc}") from None
    if root.tag != "opsa-mef":
        raise ModelError(f"{source}: <{root.tag}>: the root element must be <opsa-mef>")
    reader = _Reader(source, mission_time_h)
    reader.collect(root, "")
    if not reader.order:
        raise ModelError(f"{source}: opsa-mef: no fault tree gate defined")
    reader.define_gates()
    children = {child for gate in reader.gates.values() for child in gate.children}
    if top is None:
        tops = [name for name in reader.order if name not in children]
        if not tops:
            raise ModelError(f"{source}: fault tree: no top gate (every gate is referenced)")
        top = tops[0]
    elif top not in reader.gates:
        raise ModelError(f"{source}: top gate '{top}' is not defined")
    used_events = {c for g in reader.gates.values() for c in g.children if c in reader.event_defs}
    basic_events = {name: reader.basic_event(name) for name in sorted(used_events)}
    houses = {c for g in reader.gates.values() for c in g.children if c in reader.house_defs}
    return FaultTree(
        name=top, top=top, gates=dict(reader.gates), basic_events=basic_events,
        house_events={name: reader.house_event(name) for name in sorted(houses)},
        source=source,
    )


def read_mef(path: str | Path, top: str | None = None,
             mission_time_h: float = DEFAULT_MISSION_TIME_H) -> FaultTree:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_mef(data, str(path), top, mission_time_h)


def export_mef(tree: FaultTree) -> str:
    """The tree as Open-PSA MEF XML (gates, basic events with float values, house events)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<opsa-mef>",
             f"  <define-fault-tree name={quoteattr(tree.name)}>"]
    for gate in tree.gates.values():
        lines.append(f"    <define-gate name={quoteattr(gate.name)}>")
        if gate.label:
            lines.append(f"      <label>{_text(gate.label)}</label>")
        opening = f'<atleast min="{gate.k}">' if gate.kind == "atleast" else f"<{gate.kind}>"
        lines.append(f"      {opening}")
        for child in gate.children:
            lines.append(f"        <{tree.kind_of(child)} name={quoteattr(child)}/>")
        lines.append(f"      </{gate.kind}>")
        lines.append("    </define-gate>")
    lines.append("  </define-fault-tree>")
    lines.append("  <model-data>")
    for event in tree.basic_events.values():
        lines.append(f"    <define-basic-event name={quoteattr(event.name)}>")
        if event.label:
            lines.append(f"      <label>{_text(event.label)}</label>")
        lines.append(f'      <float value="{event.p!r}"/>')
        lines.append("    </define-basic-event>")
    for name, state in tree.house_events.items():
        lines.append(f"    <define-house-event name={quoteattr(name)}>")
        lines.append(f'      <constant value="{"true" if state else "false"}"/>')
        lines.append("    </define-house-event>")
    lines.append("  </model-data>")
    lines.append("</opsa-mef>")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
