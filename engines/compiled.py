"""Observers traced once through Z3 and run as generated straight-line Python.

A runtime monitor spent most of fuzzing's time interpreting the observers: some 1 200
logic-layer calls per step, mostly deciding things the request's kind already fixes. So
for each request kind (and schedule length) seen in a session, every observer's
``update`` is run *once* on Z3 terms — the same code the prover composes with the model,
with the session's settings as constants and the kind concrete, so the logic layer folds
whatever the kind decides — and the resulting terms (new memory, ``ok``, ``triggered``)
are printed as one Python function, with shared sub-terms computed once across all
observers (the per-step facts several of them derive). That function is ``compile()``-d
and cached per (properties, settings, kind).

The generated code is a print of the observer's own symbolic terms, not a second
definition: nothing is written twice. What could go wrong is the printer, which
``tests/engines/test_compiled.py`` checks against the interpreted observers step by step
(Hypothesis over random memories and steps, and whole fuzz traces). An observer whose
memory cannot be symbolic (a :class:`~pumpproof.properties.trackers.Ring` of the runtime
fast windows) or whose terms use an operator the printer does not know is left to the
interpreter, for that kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import z3

from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.pump_model import Observation, Params, Request
from pumpproof.pump_model.codes import ALARMS

__all__ = ["CompiledObservers", "Plan", "compiled_observers"]

Result = tuple[tuple[Any, Any, Any], ...]  # per compiled observer: (memory, ok, triggered)
StepFunction = Callable[[Sequence[Any], Request, Observation, Observation], Result]

_MAX_INLINE_DEPTH = 24  # deeper sub-terms get a name (Python's parser limits nesting)


@dataclass(frozen=True)
class Plan:
    """How one request kind is monitored: generated code for ``compiled`` (indices into the
    properties), the interpreter for ``interpreted``."""

    step: StepFunction
    compiled: tuple[int, ...]
    interpreted: tuple[int, ...]
    source: str


class _Unsupported(Exception):
    """A term or memory the printer cannot express: that observer stays interpreted."""


def _div(a: int, b: int) -> int:
    """Floor division by a divisor that may not be positive, as ``logic.div_var``."""
    return a // b if b > 0 else 0


def _mod(a: int, b: int) -> int:
    return a % b if b > 0 else 0


class _Symbols:
    """Z3 constants standing for the step's inputs, each with the Python that reads it."""

    def __init__(self) -> None:
        self.access: dict[str, str] = {}  # Z3 name -> Python expression over M, r, b, a

    def fresh(self, sort: str, name: str, access: str) -> Any:
        self.access[name] = access
        return z3.Bool(name) if sort == "bool" else z3.Int(name)

    def like(self, template: Any, name: str, access: str) -> Any:
        """A symbolic value shaped like the concrete ``template``."""
        if isinstance(template, bool):
            return self.fresh("bool", name, access)
        if isinstance(template, int):
            return self.fresh("int", name, access)
        if isinstance(template, tuple):
            return tuple(self.like(v, f"{name}_{i}", f"{access}[{i}]")
                         for i, v in enumerate(template))
        if isinstance(template, frozenset):
            self.access[name] = access
            return z3.Array(name, z3.IntSort(), z3.BoolSort())
        raise _Unsupported(f"memory of type {type(template).__name__}")

    def request(self, kind: int, slots: int) -> Request:
        values: dict[str, Any] = {"kind": kind}
        for f in fields(Request):
            if f.name == "kind":
                continue
            if f.name == "schedule":
                values[f.name] = tuple(
                    (self.fresh("int", f"r_s{i}_0", f"r.schedule[{i}][0]"),
                     self.fresh("int", f"r_s{i}_1", f"r.schedule[{i}][1]"))
                    for i in range(slots))
            else:
                sort = "bool" if f.name == "auto" else "int"
                values[f.name] = self.fresh(sort, f"r_{f.name}", f"r.{f.name}")
        return Request(**values)

    def observation(self, prefix: str) -> Observation:
        values: dict[str, Any] = {}
        for f in fields(Observation):
            if f.name == "alarms":
                values[f.name] = tuple(self.fresh("bool", f"{prefix}_al{i}",
                                                  f"{prefix}.alarms[{i}]")
                                       for i in range(len(ALARMS)))
            else:
                sort = "bool" if f.name == "accepted" else "int"
                values[f.name] = self.fresh(sort, f"{prefix}_{f.name}", f"{prefix}.{f.name}")
        return Observation(**values)


_INFIX = {
    z3.Z3_OP_ADD: " + ", z3.Z3_OP_SUB: " - ", z3.Z3_OP_MUL: " * ",
    z3.Z3_OP_LE: " <= ", z3.Z3_OP_LT: " < ", z3.Z3_OP_GE: " >= ", z3.Z3_OP_GT: " > ",
    z3.Z3_OP_EQ: " == ", z3.Z3_OP_AND: " and ", z3.Z3_OP_OR: " or ",
}


class _Printer:
    """Z3 terms as Python expressions; a sub-term used twice is computed once, by name."""

    def __init__(self, symbols: _Symbols) -> None:
        self.symbols = symbols
        self.uses: dict[int, int] = {}
        self.names: dict[int, str] = {}  # term id -> local name (inputs and shared terms)
        self.loads: list[str] = []
        self.lines: list[str] = []
        self.depth: dict[int, int] = {}

    def check(self, term: Any) -> None:
        """Count uses (for sharing); :class:`_Unsupported` if the term cannot be printed."""
        stack = [term]
        while stack:
            node = stack.pop()
            key = node.get_id()
            self.uses[key] = self.uses.get(key, 0) + 1
            if self.uses[key] > 1:
                continue
            if z3.is_const(node) and node.decl().kind() == z3.Z3_OP_UNINTERPRETED:
                if node.decl().name() not in self.symbols.access:
                    raise _Unsupported(f"free constant {node}")
                continue
            kind = node.decl().kind()
            if kind == z3.Z3_OP_STORE and not z3.is_true(node.arg(2)):
                raise _Unsupported("array store of a value other than true")
            if not (kind in _INFIX or kind in _OTHER or z3.is_int_value(node)
                    or z3.is_true(node) or z3.is_false(node)):
                raise _Unsupported(f"operator {node.decl()}")
            stack.extend(node.children())

    def expr(self, term: Any) -> str:
        key = term.get_id()
        name = self.names.get(key)
        if name is not None:
            return name
        if z3.is_int_value(term):
            return str(term.as_long())
        if z3.is_true(term) or z3.is_false(term):
            return str(z3.is_true(term))
        if z3.is_const(term):
            name = f"v{len(self.names)}"
            self.loads.append(f"{name} = {self.symbols.access[term.decl().name()]}")
            self.names[key] = name
            return name
        text, depth = self._compose(term)
        if self.uses.get(key, 0) > 1 or depth > _MAX_INLINE_DEPTH:
            name = f"t{len(self.names)}"
            self.lines.append(f"{name} = {text}")
            self.names[key] = name
            return name
        self.depth[key] = depth
        return text

    def _compose(self, term: Any) -> tuple[str, int]:
        kind = term.decl().kind()
        args = [self.expr(child) for child in term.children()]
        depth = 1 + max((self.depth.get(c.get_id(), 0) for c in term.children()), default=0)
        if kind in _INFIX:
            return "(" + _INFIX[kind].join(args) + ")", depth
        return _OTHER[kind](args), depth


_OTHER: dict[int, Callable[[list[str]], str]] = {
    z3.Z3_OP_UMINUS: lambda a: f"(-{a[0]})",
    z3.Z3_OP_IDIV: lambda a: f"_div({a[0]}, {a[1]})",
    z3.Z3_OP_MOD: lambda a: f"_mod({a[0]}, {a[1]})",
    z3.Z3_OP_DISTINCT: lambda a: f"({a[0]} != {a[1]})" if len(a) == 2 else f"_distinct({a})",
    z3.Z3_OP_NOT: lambda a: f"(not {a[0]})",
    z3.Z3_OP_IMPLIES: lambda a: f"((not {a[0]}) or {a[1]})",
    z3.Z3_OP_ITE: lambda a: f"({a[1]} if {a[0]} else {a[2]})",
    z3.Z3_OP_SELECT: lambda a: f"({a[1]} in {a[0]})",
    z3.Z3_OP_STORE: lambda a: f"({a[0]} | {{{a[1]}}})",
}


def _distinct(values: list[Any]) -> bool:
    return len(set(values)) == len(values)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _same(out: Any, inp: Any) -> bool:
    """Is ``out`` the input value ``inp`` itself (an unchanged part of the memory)?"""
    if isinstance(out, tuple) and isinstance(inp, tuple):
        return len(out) == len(inp) and all(map(_same, out, inp))
    return isinstance(out, z3.ExprRef) and isinstance(inp, z3.ExprRef) and out.eq(inp)


def _python(printer: _Printer, value: Any, before: Any, access: str) -> str:
    """The memory ``value`` (symbolic, nested) as a Python expression; parts that are
    the input memory unchanged are read back rather than rebuilt."""
    if _same(value, before):
        return access
    if isinstance(value, tuple):
        parts = [_python(printer, v, before[i] if isinstance(before, tuple)
                         and i < len(before) else None, f"{access}[{i}]")
                 for i, v in enumerate(value)]
        return "(" + "".join(f"{p}, " for p in parts) + ")"
    if isinstance(value, z3.ExprRef):
        return printer.expr(value)
    if isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, frozenset) and not value:
        return "frozenset()"
    raise _Unsupported(f"memory value {value!r}")


def _terms(value: Any) -> list[Any]:
    return [leaf for leaf in _leaves(value) if isinstance(leaf, z3.ExprRef)]


def _trace(ctx: Context, properties: Sequence[Property], memories: Sequence[Any],
           kind: int, slots: int) -> Plan:
    """The plan of one request kind: trace every observer, print those that can be."""
    symbols = _Symbols()
    view = StepView(symbols.request(kind, slots), symbols.observation("b"),
                    symbols.observation("a"))
    traced: list[tuple[int, Any, Any, Any]] = []
    interpreted: list[int] = []
    for index, (prop, memory) in enumerate(zip(properties, memories, strict=True)):
        try:
            before = symbols.like(memory, f"m{index}", f"M[{index}]")
            check = prop.update(ctx, before, view)
            probe = _Printer(symbols)
            for term in _terms((check.memory, check.ok, check.triggered)):
                probe.check(term)
            _python(_Printer(symbols), check.memory, before, "")  # memory shape printable
        except (_Unsupported, z3.Z3Exception, TypeError):
            interpreted.append(index)
            continue
        traced.append((index, before, check, prop))
    printer = _Printer(symbols)
    for _, _, check, _ in traced:
        for term in _terms((check.memory, check.ok, check.triggered)):
            printer.check(term)
    results = []
    for index, before, check, _ in traced:
        memory = _python(printer, check.memory, before, f"M[{index}]")
        results.append(f"({memory}, {_value(printer, check.ok)}, "
                       f"{_value(printer, check.triggered)}),")
    body = [*printer.loads, *printer.lines, "return (", *(f"    {r}" for r in results), ")"]
    source = "def step(M, r, b, a):\n" + "".join(f"    {line}\n" for line in body)
    scope: dict[str, Any] = {"_div": _div, "_mod": _mod, "_distinct": _distinct}
    exec(compile(source, f"<observers kind={kind} slots={slots}>", "exec"), scope)  # noqa: S102
    return Plan(scope["step"], tuple(i for i, *_ in traced), tuple(interpreted), source)


def _value(printer: _Printer, value: Any) -> str:
    if isinstance(value, z3.ExprRef):
        return printer.expr(value)
    if isinstance(value, bool):
        return repr(value)
    raise _Unsupported(f"verdict {value!r}")


class CompiledObservers:
    """The plans of one list of properties under one set of settings, made on demand."""

    def __init__(self, params: Params, properties: Sequence[Property]) -> None:
        self.ctx = Context.monitor(params)
        self.properties = tuple(properties)
        self.initial = tuple(p.init(self.ctx) for p in self.properties)
        self._plans: dict[tuple[int, int], Plan] = {}

    def plan(self, request: Request) -> Plan:
        key = (request.kind, len(request.schedule))
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = _trace(self.ctx, self.properties, self.initial, *key)
        return found

_CACHE: dict[tuple[Params, tuple[int, ...]], tuple[tuple[Property, ...], CompiledObservers]] = {}


def compiled_observers(params: Params, properties: Sequence[Property]) -> CompiledObservers:
    """The shared :class:`CompiledObservers` of these properties (by identity) and settings."""
    key = (params, tuple(map(id, properties)))
    entry = _CACHE.get(key)
    if entry is None or entry[0] != tuple(properties):
        compiled = CompiledObservers(params, properties)
        _CACHE[key] = (compiled.properties, compiled)
        return compiled
    return entry[1]
