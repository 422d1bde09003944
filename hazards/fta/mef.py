"""Open-PSA MEF XML in and out: :func:`read_mef`, :func:`parse_mef`, :func:`export_mef`.

Import contract: the document is parsed with defusedxml (no DTD entities, no external
resources). Definitions are collected from ``define-fault-tree``, ``model-data`` and
nested ``define-component`` scopes: a name defined in component ``c`` is ``c.Name`` from
outside and ``Name`` inside; a reference is looked up in the innermost enclosing component
first, then outwards (so ``three_motor``'s two ``E1`` gates stay distinct). Gate formulas
``and``/``or``/``atleast``/``not`` map to gates; ``nand``/``nor``/``xor``/``iff``/
``imply``/``null`` are rewritten into them; nested anonymous formulas become generated
gates named ``Owner#n``. References are ``gate``/``basic-event``/``house-event`` and
``event`` (with or without ``type``); ``constant`` is a house event. Basic-event
probabilities are evaluated by :mod:`.expressions`. The top is the gate no other gate
references (the first in document order when there are several, see
:func:`~.graph.choose_top`), unless ``top`` is given.

Every refusal is a :class:`~pumpproof.errors.ModelError` reading
``file: element 'name': problem``. Not checked: ``role`` (private/public) of components;
elements outside fault trees and model data (event trees, CCF groups, substitutions) are
ignored, not refused.

Export contract: :func:`export_mef` writes gates, basic events (as ``float`` values, so
the probability round-trips exactly) and house events, components nested again by the
dots in names; reading the text back gives the same tree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from os import PathLike

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from pumpproof.errors import ModelError

from .expressions import DEFAULT_MISSION_TIME_H, Evaluator
from .graph import check_tree, choose_top
from .model import BasicEvent, FaultTree, Gate, GateKind, NodeKind

__all__ = ["DEFAULT_MISSION_TIME_H", "export_mef", "parse_mef", "read_mef"]

_SKIP = ("label", "attributes")
_KINDS: tuple[NodeKind, ...] = ("gate", "basic-event", "house-event")
_DEFINITIONS = {"define-gate": "gate", "define-basic-event": "basic-event",
                "define-house-event": "house-event", "define-parameter": "parameter"}


def _body(element: ET.Element) -> list[ET.Element]:
    return [child for child in element if child.tag not in _SKIP]


def _label(element: ET.Element) -> str:
    return " ".join((element.findtext("label") or "").split())


class _Reader:
    """One pass over one document: collect definitions, then build the tree."""

    def __init__(self, source: str, mission_time_h: float) -> None:
        self.source = source
        # kind -> full name -> (element, scope prefix); dicts keep document order
        self.defs: dict[str, dict[str, tuple[ET.Element, str]]] = {
            kind: {} for kind in (*_KINDS, "parameter")}
        self.parameters: dict[str, ET.Element] = {}  # filled by collect(), read lazily
        self.gates: dict[str, Gate] = {}
        self.constants: dict[str, bool] = {}
        self.generated = 0
        self.evaluator = Evaluator(self.parameters, self.fail, mission_time_h)

    def fail(self, element: str, problem: str) -> ModelError:
        return ModelError(f"{self.source}: {element}: {problem}")

    # -- phase 1: collect definitions with their scopes

    def collect(self, node: ET.Element, scope: str) -> None:
        for child in node:
            tag = child.tag
            if tag in ("define-fault-tree", "model-data"):
                self.collect(child, "")  # fault-tree names do not scope (as in SCRAM)
            elif tag == "define-component":
                name = self._name(child)
                self.collect(child, f"{scope}{name}.")
            elif tag in _DEFINITIONS:
                kind = _DEFINITIONS[tag]
                full = scope + self._name(child)
                if full in self.defs[kind]:
                    raise self.fail(f"{kind} '{full}'", "is defined twice")
                self.defs[kind][full] = (child, scope)
                if kind == "parameter":
                    self.parameters[full] = child

    def _name(self, element: ET.Element) -> str:
        name = (element.get("name") or "").strip()
        if not name:
            raise self.fail(f"<{element.tag}>", "has no 'name' attribute")
        return name

    def resolve(self, name: str, scope: str, kinds: tuple[NodeKind, ...],
                where: str) -> str:
        """The full name of a reference: innermost enclosing component first."""
        parts = scope.split(".")[:-1]
        for depth in range(len(parts), -1, -1):
            candidate = "".join(f"{part}." for part in parts[:depth]) + name
            if any(candidate in self.defs[kind] for kind in kinds):
                return candidate
        what = "element" if len(kinds) > 1 else kinds[0]
        raise self.fail(where, f"reference to undefined {what} '{name}'")

    # -- phase 2: gates, with nested formulas flattened

    def define_gates(self) -> None:
        for full, (element, scope) in self.defs["gate"].items():
            body = _body(element)
            where = f"gate '{full}'"
            if len(body) != 1:
                raise self.fail(where, f"needs exactly one formula, has {len(body)}")
            self.formula(body[0], scope, full, where, name=full, label=_label(element))

    def formula(self, element: ET.Element, scope: str, owner: str, where: str,
                name: str | None = None, label: str = "") -> str:
        """The node name for ``element``: a resolved reference or a (generated) gate."""
        tag = element.tag
        if tag in ("gate", "basic-event", "house-event", "event"):
            ref = (element.get("name") or "").strip()
            if not ref:
                raise self.fail(where, f"<{tag}> has no 'name' attribute")
            kinds = self._reference_kinds(element, where)
            target = self.resolve(ref, scope, kinds, where)
            if name is None:
                return target
            self.gates[name] = Gate(name, "and", (target,), label=label)  # pass-through
            return name
        if tag == "constant":
            value = self.truth(element, where)
            target = f"__constant_{'true' if value else 'false'}"
            self.constants[target] = value
            if name is None:
                return target
            self.gates[name] = Gate(name, "and", (target,), label=label)
            return name
        if name is None:
            self.generated += 1
            name = f"{owner}#{self.generated}"
        children = tuple(self.formula(c, scope, owner, where) for c in _body(element))
        if not children:
            raise self.fail(where, f"<{tag}> has no arguments")
        self._operator(tag, element, name, children, owner, where, label)
        return name

    def _reference_kinds(self, element: ET.Element, where: str) -> tuple[NodeKind, ...]:
        declared = element.tag if element.tag != "event" else element.get("type")
        if declared is None:  # <event name=..> without a type: any kind of event
            return _KINDS
        for kind in _KINDS:
            if declared == kind:
                return (kind,)
        raise self.fail(where, f"<event type={declared!r}> must be one of {', '.join(_KINDS)}")

    def _operator(self, tag: str, element: ET.Element, name: str, children: tuple[str, ...],
                  owner: str, where: str, label: str) -> None:
        def add(kind: GateKind, gate_name: str, args: tuple[str, ...], k: int = 0) -> str:
            self.gates[gate_name] = Gate(gate_name, kind, args, k, label if gate_name == name
                                         else "")
            return gate_name

        def helper(kind: GateKind, args: tuple[str, ...]) -> str:
            self.generated += 1
            return add(kind, f"{owner}#{self.generated}", args)

        def arity(n: int) -> None:
            if len(children) != n:
                raise self.fail(where, f"<{tag}> takes {n} argument(s), has {len(children)}")

        if tag in ("and", "or"):
            add("and" if tag == "and" else "or", name, children)
        elif tag == "atleast":
            text = element.get("min", "")
            try:
                k = int(text)
            except ValueError:
                raise self.fail(where, f"<atleast min={text!r}> needs an integer") from None
            if not 1 <= k <= len(children):
                raise self.fail(where, f"atleast min={k} must be between 1 and "
                                       f"{len(children)} (the number of arguments)")
            add("atleast", name, children, k)
        elif tag in ("not", "null"):
            arity(1)
            add("not" if tag == "not" else "and", name, children)
        elif tag in ("nand", "nor"):
            add("not", name, (helper("and" if tag == "nand" else "or", children),))
        elif tag in ("xor", "iff"):
            arity(2)
            a, b = children
            odd = (helper("and", (a, helper("not", (b,)))),
                   helper("and", (helper("not", (a,)), b)))
            if tag == "xor":
                add("or", name, odd)
            else:
                add("not", name, (helper("or", odd),))
        elif tag == "imply":
            arity(2)
            add("or", name, (helper("not", (children[0],)), children[1]))
        else:
            raise self.fail(where, f"unsupported formula <{tag}>")

    # -- phase 3: events

    def basic_events(self) -> dict[str, BasicEvent]:
        events = {}
        for full, (element, _) in self.defs["basic-event"].items():
            where = f"basic event '{full}'"
            body = _body(element)
            if len(body) != 1:
                raise self.fail(where, f"needs exactly one probability expression, "
                                       f"has {len(body)}")
            p = self.evaluator.value(body[0], where)
            events[full] = BasicEvent(full, p, _label(element), body[0].tag)
        return events

    def house_events(self) -> dict[str, bool]:
        houses = dict(self.constants)
        for full, (element, _) in self.defs["house-event"].items():
            body = _body(element)
            if len(body) > 1 or (body and body[0].tag not in ("constant", "bool")):
                raise self.fail(f"house event '{full}'",
                                "needs one <constant> or <bool> value (or none for false)")
            houses[full] = bool(body) and self.truth(body[0], f"house event '{full}'")
        return houses

    def truth(self, element: ET.Element, where: str) -> bool:
        text = element.get("value", "")
        if text not in ("true", "false"):
            raise self.fail(where, f"<{element.tag} value={text!r}> must be 'true' or 'false'")
        return text == "true"


def parse_mef(text: str | bytes, source: str = "<MEF>", top: str | None = None,
              mission_time_h: float = DEFAULT_MISSION_TIME_H) -> FaultTree:
    """The validated fault tree of an MEF document; ``source`` names it in errors.

    >>> tree = parse_mef('<opsa-mef><define-fault-tree name="t"><define-gate name="g">'
    ...                  '<or><basic-event name="a"/><basic-event name="b"/></or>'
    ...                  '</define-gate><define-basic-event name="a"><float value="0.1"/>'
    ...                  '</define-basic-event><define-basic-event name="b">'
    ...                  '<float value="0.2"/></define-basic-event></define-fault-tree>'
    ...                  '</opsa-mef>')
    >>> tree.top, tree.gates["g"].children
    ('g', ('a', 'b'))
    """
    try:
        root = SafeET.fromstring(text)
    except ET.ParseError as exc:
        raise ModelError(f"{source}: document: not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise ModelError(f"{source}: document: refused XML ({exc!r})") from None
    if root.tag != "opsa-mef":
        raise ModelError(f"{source}: <{root.tag}>: the root element must be <opsa-mef>")
    reader = _Reader(source, mission_time_h)
    reader.collect(root, "")
    if not reader.defs["gate"]:
        raise ModelError(f"{source}: <opsa-mef>: defines no gate (no fault tree to analyse)")
    reader.define_gates()
    if top is None:
        top = choose_top(reader.gates, reader.defs["gate"])
        if top is None:
            raise ModelError(f"{source}: <opsa-mef>: no top gate: every gate is referenced "
                             "by another (a cycle)")
    elif top not in reader.defs["gate"]:
        raise ModelError(f"{source}: top event '{top}': is not a defined gate")
    tree = FaultTree(top, top, reader.gates, reader.basic_events(), reader.house_events(),
                     source)
    check_tree(tree)  # validate once, at the edge
    return tree


def read_mef(path: str | PathLike[str], top: str | None = None,
             mission_time_h: float = DEFAULT_MISSION_TIME_H) -> FaultTree:
    """:func:`parse_mef` of a file; an unreadable file is a :class:`ModelError` too."""
    try:  # open(), not pathlib: pathlib costs ~3 ms of the fta command's start-up
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise ModelError(f"{path}: file: cannot be read ({exc.strerror or exc})") from None
    return parse_mef(data, str(path), top, mission_time_h)


# -- export


def _scope_and_name(full: str) -> tuple[tuple[str, ...], str]:
    *scope, name = full.split(".")
    return tuple(scope), name


def _export_order(tree: FaultTree) -> Iterator[str]:
    yield tree.top  # first, so that the re-imported top is the same gate
    yield from (name for name in tree.gates if name != tree.top)


def export_mef(tree: FaultTree) -> str:
    """``tree`` as Open-PSA MEF XML text that :func:`parse_mef` reads back identically.

    References use full names (which resolve from any scope); a name with dots is put
    back into nested ``define-component`` elements.
    """
    root = ET.Element("opsa-mef")
    fault_tree = ET.SubElement(root, "define-fault-tree", name=tree.name.replace(".", "_"))
    data = ET.SubElement(root, "model-data")
    components: dict[tuple[tuple[str, ...], bool], ET.Element] = {}

    def container(full: str, in_data: bool) -> tuple[ET.Element, str]:
        scope, name = _scope_and_name(full)
        parent = data if in_data else fault_tree
        for depth in range(1, len(scope) + 1):
            key = (scope[:depth], in_data)
            if key not in components:
                components[key] = ET.SubElement(parent, "define-component",
                                                name=scope[depth - 1])
            parent = components[key]
        return parent, name

    for gate_name in _export_order(tree):
        gate = tree.gates[gate_name]
        parent, name = container(gate.name, in_data=False)
        element = ET.SubElement(parent, "define-gate", name=name)
        if gate.label:
            ET.SubElement(element, "label").text = gate.label
        formula = ET.SubElement(element, gate.kind)
        if gate.kind == "atleast":
            formula.set("min", str(gate.k))
        for child in gate.children:
            ET.SubElement(formula, tree.kind_of(child), name=child)
    for event in tree.basic_events.values():
        parent, name = container(event.name, in_data=True)
        element = ET.SubElement(parent, "define-basic-event", name=name)
        if event.label:
            ET.SubElement(element, "label").text = event.label
        ET.SubElement(element, "float", value=repr(event.p))
    for house, state in tree.house_events.items():
        parent, name = container(house, in_data=True)
        element = ET.SubElement(parent, "define-house-event", name=name)
        ET.SubElement(element, "constant", value="true" if state else "false")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
