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

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

import z3
from z3 import z3core

from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.properties.trackers import Ring
from pumpproof.pump_model import Observation, Params, Request
from pumpproof.pump_model.codes import ALARMS
from pumpproof.pump_model.logic import lookup_step

__all__ = ["CompiledObservers", "Plan", "compiled_observers"]

# Per property, in order: new memories, ``ok`` and ``triggered`` (an interpreted
# property's slots hold its memory unchanged, True and False: the caller runs it).
Result = tuple[tuple[Any, ...], tuple[bool, ...], tuple[bool, ...]]
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
    kind: int | None  # None: the plan of every kind
    counted: Callable[[Sequence[Any], Request, Observation, Observation, list[int]],
                      tuple[tuple[Any, ...], bool]]  # see :func:`_source`


class _Unsupported(Exception):
    """A term or memory the printer cannot express: that observer stays interpreted."""


def _div(a: int, b: int) -> int:
    """Floor division by a divisor that may not be positive, as ``logic.div_var``."""
    return a // b if b > 0 else 0


def _mod(a: int, b: int) -> int:
    return a % b if b > 0 else 0


class _RingTerm(Ring):
    """A monitor's :class:`Ring` while tracing: its operations become the Python that
    performs them on the real ring (``M[3][0].shifted().added(a.delivered_mU)``), and its
    total and IOB become inputs read from that ring (O(1), as at run time)."""

    __slots__ = ("code", "symbols")

    def __init__(self, symbols: _Symbols, code: str) -> None:
        self.symbols, self.code = symbols, code

    def shifted(self) -> Ring:
        return _RingTerm(self.symbols, f"{self.code}.shifted()")

    def shifted_when(self, shift: Any) -> Ring:
        """Shifted on a condition: a Python bool (the kind known), or ``r.kind == N`` (a plan
        of every kind), printed as a conditional expression; anything else is unsupported."""
        if isinstance(shift, bool):
            return self.shifted() if shift else self
        if z3.is_eq(shift) and z3.is_const(shift.arg(0)) and z3.is_int_value(shift.arg(1)):
            name = shift.arg(0).decl().name()
            if name in self.symbols.access:
                return _RingTerm(self.symbols, f"({self.code}.shifted() if "
                                 f"{self.symbols.access[name]} == {shift.arg(1).as_long()} "
                                 f"else {self.code})")
        raise _Unsupported(f"a ring shifted when {shift}")

    def added(self, amount: Any) -> Ring:
        if isinstance(amount, int) and not isinstance(amount, bool):
            return self if not amount else _RingTerm(self.symbols, f"{self.code}.added({amount})")
        name = amount.decl().name() if z3.is_const(amount) else None
        if name not in self.symbols.access:
            raise _Unsupported(f"a ring added {amount}")
        return _RingTerm(self.symbols, f"{self.code}.added({self.symbols.access[name]})")

    @property
    def total(self) -> Any:  # type: ignore[override]
        return self.symbols.fresh("int", f"{self.code}.total", f"{self.code}.total")

    def dot(self, weights: Sequence[int]) -> Any:
        constant = self.symbols.constant(weights)
        code = f"{self.code}.dot({constant})"
        return self.symbols.fresh("int", code, code)


class _Symbols:
    """Z3 constants standing for the step's inputs, each with the Python that reads it."""

    def __init__(self) -> None:
        self.access: dict[str, str] = {}  # Z3 name -> Python expression over M, r, b, a
        self._made: dict[str, Any] = {}
        self.constants: dict[str, Any] = {}  # name in the generated code -> Python value

    def constant(self, value: Any) -> str:
        """A name the generated code reads ``value`` by (the very object: caches key on it)."""
        for name, known in self.constants.items():
            if known is value:
                return name
        name = f"_C{len(self.constants)}"
        self.constants[name] = value
        return name

    def memory(self, template: Any, index: int) -> Any:
        """Observer ``index``'s memory as symbols; None if it cannot be symbolic."""
        try:
            return self.like(template, f"m{index}", f"M[{index}]")
        except _Unsupported:
            return None

    def fresh(self, sort: str, name: str, access: str) -> Any:
        made = self._made.get(name)
        if made is None:
            self.access[name] = access
            made = self._made[name] = z3.Bool(name) if sort == "bool" else z3.Int(name)
        return made

    def like(self, template: Any, name: str, access: str) -> Any:
        """A symbolic value shaped like the concrete ``template``."""
        if isinstance(template, bool):
            return self.fresh("bool", name, access)
        if isinstance(template, int):
            return self.fresh("int", name, access)
        if isinstance(template, tuple):
            return tuple(self.like(v, f"{name}_{i}", f"{access}[{i}]")
                         for i, v in enumerate(template))
        if isinstance(template, Ring):
            return _RingTerm(self, access)
        if isinstance(template, frozenset):
            self.access[name] = access
            return z3.Array(name, z3.IntSort(), z3.BoolSort())
        raise _Unsupported(f"memory of type {type(template).__name__}")

    def request(self, kind: int | None, slots: int) -> Request:
        """The step's request: of ``kind``, or of any kind (None: the kind is an input)."""
        values: dict[str, Any] = {
            "kind": self.fresh("int", "r_kind", "r.kind") if kind is None else kind}
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
_OTHER: dict[int, Callable[[list[str]], str]] = {
    z3.Z3_OP_UMINUS: lambda a: f"(-{a[0]})",
    z3.Z3_OP_IDIV: lambda a: f"({a[0]} // {a[1]})" if _positive(a[1]) else f"_div({a[0]}, {a[1]})",
    z3.Z3_OP_MOD: lambda a: f"({a[0]} % {a[1]})" if _positive(a[1]) else f"_mod({a[0]}, {a[1]})",
    z3.Z3_OP_DISTINCT: lambda a: f"_distinct(({''.join(x + ', ' for x in a)}))",
    z3.Z3_OP_NOT: lambda a: f"(not {a[0]})",
    z3.Z3_OP_IMPLIES: lambda a: f"((not {a[0]}) or {a[1]})",
    z3.Z3_OP_ITE: lambda a: f"({a[1]} if {a[0]} else {a[2]})",
    z3.Z3_OP_SELECT: lambda a: f"({a[1]} in {a[0]})",
    z3.Z3_OP_STORE: lambda a: f"({a[0]} | {{{a[1]}}})",
    z3.Z3_OP_TRUE: lambda a: "True",
    z3.Z3_OP_FALSE: lambda a: "False",
}


def _positive(text: str) -> bool:
    """Is this printed argument a positive integer literal (so ``//`` and ``%`` apply)?"""
    return text.isdigit() and int(text) > 0


_NUMERAL = -1  # a node's operator when it is an integer numeral
_INPUT = -2  # ... when it is one of the step's inputs


class _Printer:
    """Z3 terms as Python expressions; a sub-term used twice is computed once, by name.

    Terms are read through Z3's C API into plain tuples first: the object API costs
    about a millisecond per node, which would make tracing dearer than fuzzing.
    """

    def __init__(self, symbols: _Symbols) -> None:
        self.symbols = symbols
        self.nodes: dict[int, tuple[int, tuple[int, ...], str]] = {}  # id -> (op, args, text)
        self.uses: dict[int, int] = {}
        self.names: dict[int, str] = {}  # node id -> local name (inputs and shared terms)
        self.depth: dict[int, int] = {}
        self.loads: list[str] = []
        self.lines: list[str] = []

    def check(self, term: Any) -> int:
        """Read ``term`` (counting uses, for sharing); :class:`_Unsupported` if it cannot be
        printed. Returns its node id."""
        ctx = term.ctx_ref()
        root = z3core.Z3_get_ast_id(ctx, term.as_ast())
        stack = [term.as_ast()]
        while stack:
            ast = stack.pop()
            key = z3core.Z3_get_ast_id(ctx, ast)
            self.uses[key] = self.uses.get(key, 0) + 1
            if self.uses[key] > 1:
                continue
            if z3core.Z3_get_ast_kind(ctx, ast) == z3.Z3_NUMERAL_AST:
                self.nodes[key] = (_NUMERAL, (), z3core.Z3_get_numeral_string(ctx, ast))
                continue
            app = z3core.Z3_to_app(ctx, ast)
            decl = z3core.Z3_get_app_decl(ctx, app)
            op = z3core.Z3_get_decl_kind(ctx, decl)
            count = z3core.Z3_get_app_num_args(ctx, app)
            if op == z3.Z3_OP_UNINTERPRETED and count == 0:
                name = z3core.Z3_get_symbol_string(ctx, z3core.Z3_get_decl_name(ctx, decl))
                if name not in self.symbols.access:
                    raise _Unsupported(f"free constant {name}")
                self.nodes[key] = (_INPUT, (), self.symbols.access[name])
                continue
            if op not in _INFIX and op not in _OTHER:
                raise _Unsupported(f"operator {z3.Z3_get_decl_name(ctx, decl)}")
            args = [z3core.Z3_get_app_arg(ctx, app, i) for i in range(count)]
            if op == z3.Z3_OP_STORE and not z3.is_true(z3.BoolRef(args[2], term.ctx)):
                raise _Unsupported("array store of a value other than true")
            self.nodes[key] = (op, tuple(z3core.Z3_get_ast_id(ctx, a) for a in args), "")
            stack.extend(args)
        return int(root)

    def expr(self, key: int) -> str:
        name = self.names.get(key)
        if name is not None:
            return name
        op, args, text = self.nodes[key]
        if op == _NUMERAL:
            return text
        if op == _INPUT:
            if self.uses.get(key, 0) <= 1:  # read where used (maybe never, short-circuited)
                return text
            name = self.names[key] = f"v{len(self.names)}"
            self.loads.append(f"{name} = {text}")
            return name
        lookup = self._lookup(key) if op == z3.Z3_OP_ITE else None
        if lookup is not None:
            text, depth = lookup, 1
        else:
            parts = [self.expr(arg) for arg in args]
            depth = 1 + max((self.depth.get(arg, 0) for arg in args), default=0)
            text = "(" + _INFIX[op].join(parts) + ")" if op in _INFIX else _OTHER[op](parts)
        if self.uses.get(key, 0) > 1 or depth > _MAX_INLINE_DEPTH:
            name = self.names[key] = f"t{len(self.names)}"
            self.lines.append(f"{name} = {text}")
            return name
        self.depth[key] = depth
        return text

    def _lookup(self, key: int) -> str | None:
        """``logic.lookup_step`` over a whole schedule (``If(k_n <= x, v_n, If(…, v_0))``
        with ``k_i, v_i`` read from ``S[i][0], S[i][1]``), printed as the same call on the
        schedule ``S``: a bisection instead of a chain of every slot. None otherwise."""
        pairs: list[tuple[str, str]] = []
        x: int | None = None
        while self.nodes[key][0] == z3.Z3_OP_ITE:
            cond, then, other = self.nodes[key][1]
            op, operands, _ = self.nodes[cond]
            if op != z3.Z3_OP_LE or (x is not None and operands[1] != x):
                return None
            k, x = operands
            pairs.append((self._input(k), self._input(then)))
            key = other
        base = self._input(key)
        slots = len(pairs) + 1
        prefix = base[:-len("[0][1]")]
        if slots < 4 or x is None or base != f"{prefix}[0][1]" or pairs != [
                (f"{prefix}[{i}][0]", f"{prefix}[{i}][1]") for i in range(slots - 1, 0, -1)]:
            return None
        return f"_lookup({prefix}, {self.expr(x)})"

    def _input(self, key: int) -> str:
        op, _, text = self.nodes[key]
        return text if op == _INPUT else "?"

    def term(self, term: Any) -> str:
        """A term already read by :meth:`check`, as Python."""
        return self.expr(z3core.Z3_get_ast_id(term.ctx_ref(), term.as_ast()))


# schedules recently looked up, by id: (the schedule itself, its starts, its rates)
_SCHEDULES: dict[int, tuple[Any, tuple[int, ...], tuple[int, ...]]] = {}


def _lookup(schedule: tuple[tuple[int, int], ...], x: int) -> Any:
    """The schedule's value at ``x``: ``logic.lookup_step``'s concrete path (a bisection
    over int starts). A schedule kept unchanged in memory is split, and its starts checked
    to be ints, once."""
    known = _SCHEDULES.get(id(schedule))
    if known is None or known[0] is not schedule:
        starts = tuple(s for s, _ in schedule)
        if not all(type(s) is int for s in starts):
            return lookup_step(starts, tuple(v for _, v in schedule), x)
        if len(_SCHEDULES) > 64:
            _SCHEDULES.clear()
        known = _SCHEDULES[id(schedule)] = (schedule, starts, tuple(v for _, v in schedule))
    if type(x) is not int:
        return lookup_step(known[1], known[2], x)
    return known[2][bisect_right(known[1], x) - 1]


def _distinct(values: list[Any]) -> bool:
    return len(set(values)) == len(values)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _same(out: Any, inp: Any) -> bool:
    """Is ``out`` the input value ``inp`` itself (an unchanged part of the memory)?"""
    if isinstance(out, _RingTerm):
        return isinstance(inp, _RingTerm) and out.code == inp.code
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
        return printer.term(value)
    if isinstance(value, _RingTerm):
        return value.code
    if isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, frozenset) and not value:
        return "frozenset()"
    raise _Unsupported(f"memory value {value!r}")


def _terms(value: Any) -> list[Any]:
    return [leaf for leaf in _leaves(value) if isinstance(leaf, z3.ExprRef)]


def _trace(ctx: Context, properties: Sequence[Property], symbols: _Symbols,
           memories: Sequence[Any], kind: int | None, slots: int) -> Plan:
    """The plan of one request kind (None: of every kind, the kind read at run time):
    trace every observer, print those that can be."""
    view = StepView(symbols.request(kind, slots), symbols.observation("b"),
                    symbols.observation("a"))
    traced: list[tuple[int, Any, Any]] = []
    interpreted: list[int] = []
    with _no_truth_values():
        for index, (prop, before) in enumerate(zip(properties, memories, strict=True)):
            try:
                if before is None:
                    raise _Unsupported("memory")
                traced.append((index, before, prop.update(ctx, before, view)))
            except (_Unsupported, z3.Z3Exception, TypeError):
                interpreted.append(index)
    try:
        printer, results = _print(symbols, traced)
    except _Unsupported:  # find the observers that cannot be printed, one by one
        printable = []
        for item in traced:
            try:
                _print(symbols, [item])
                printable.append(item)
            except _Unsupported:
                interpreted.append(item[0])
        traced = printable
        printer, results = _print(symbols, traced)
    columns = {index: result for (index, *_), result in zip(traced, results, strict=True)}
    rows = [columns.get(index, (f"M[{index}]", "True", "False"))
            for index in range(len(properties))]
    source = _source(printer, rows)
    scope: dict[str, Any] = {"_div": _div, "_mod": _mod, "_distinct": _distinct, "_lookup": _lookup,
                             **symbols.constants}
    label = "any" if kind is None else kind
    exec(compile(source, f"<observers kind={label} slots={slots}>", "exec"), scope)
    return Plan(scope["step"], tuple(i for i, *_ in traced), tuple(sorted(interpreted)),
                source, kind, scope["counted"])


def _source(printer: _Printer, rows: list[tuple[str, str, str]]) -> str:
    """Two functions over the same straight-line body: ``step`` returns every observer's
    memory, ``ok`` and ``triggered``; ``counted`` adds the triggers into the list ``T`` in
    place and returns the memories and whether every ``ok`` holds (a step with a
    violation, rare, is judged again with ``step`` to learn which)."""
    shared = [*printer.loads, *printer.lines, "memories = (\n" + "".join(
        f"        {memory},\n" for memory, _, _ in rows) + "    )"]
    step = [*shared, *(f"{name} = (\n" + "".join(f"        {row[part]},\n" for row in rows)
                       + "    )" for part, name in ((1, "oks"), (2, "triggered"))),
            "return memories, oks, triggered"]
    oks = [ok for _, ok, _ in rows if ok != "True"]
    counted = [*shared, *(
        f"T[{index}] += 1" if triggered == "True" else f"if {triggered}:\n        T[{index}] += 1"
        for index, (_, _, triggered) in enumerate(rows) if triggered != "False"),
        "return memories, " + (" and ".join(f"({ok})" for ok in oks) or "True")]
    return "".join(f"def {name}(M, r, b, a{extra}):\n" + "".join(f"    {line}\n" for line in body)
                   for name, extra, body in (("step", "", step), ("counted", ", T", counted)))


def _refuse_truth_value(term: Any) -> bool:
    if z3.is_true(term):
        return True
    if z3.is_false(term):
        return False
    raise z3.Z3Exception(f"an observer branched in Python on the term {term}")


@contextmanager
def _no_truth_values() -> Iterator[None]:
    """While observers are traced, a Python ``if`` on a term raises (the observer is then
    interpreted). Z3 itself would answer an equation by comparing its two sides' syntax
    (``if r.kind == 0`` would silently be False), which would print the wrong branch."""
    saved = z3.AstRef.__bool__
    z3.AstRef.__bool__ = _refuse_truth_value  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        z3.AstRef.__bool__ = saved  # type: ignore[method-assign]


def _print(symbols: _Symbols, traced: list[tuple[int, Any, Any]]
           ) -> tuple[_Printer, list[tuple[str, str, str]]]:
    """Every traced observer's ``(memory, ok, triggered),`` as Python, sharing sub-terms."""
    printer = _Printer(symbols)
    for _, _, check in traced:
        for term in _terms((check.memory, check.ok, check.triggered)):
            printer.check(term)
    return printer, [_result(printer, index, before, check) for index, before, check in traced]


def _result(printer: _Printer, index: int, before: Any, check: Any) -> tuple[str, str, str]:
    """Observer ``index``'s new memory, ``ok`` and ``triggered`` as Python (terms read
    first)."""
    memory = _python(printer, check.memory, before, f"M[{index}]")
    return memory, _value(printer, check.ok), _value(printer, check.triggered)


def _value(printer: _Printer, value: Any) -> str:
    if isinstance(value, z3.ExprRef):
        return printer.term(value)
    if isinstance(value, bool):
        return repr(value)
    raise _Unsupported(f"verdict {value!r}")


# Three ways to judge a step, cheapest to set up first. The observers interpreted (about
# 120 µs a step); after GENERIC_AFTER interpreted steps with requests of one schedule
# length, one plan traced for every kind at once with that length (the kind an input:
# ~50 ms to trace, ~1.7 times one kind's; 48 schedule slots take ~100 ms, for requests
# rare enough that interpreting them all costs less); and for a kind seen HOT_AFTER
# times, a plan of its own (~30 ms, the kind folded in: the fastest per step).
GENERIC_AFTER = 128
HOT_AFTER = 1024


class CompiledObservers:
    """The plans of one list of properties under one set of settings, made on demand."""

    def __init__(self, params: Params, properties: Sequence[Property]) -> None:
        self.ctx = Context.monitor(params)
        self.properties = tuple(properties)
        self._symbols = _Symbols()
        self._memories = tuple(self._symbols.memory(p.init(self.ctx), index)
                               for index, p in enumerate(self.properties))
        self._plans: dict[tuple[int | None, int], Plan] = {}
        self._seen: dict[tuple[int, int], int] = {}
        self._interpreted: dict[int, int] = {}  # steps judged with no plan, by slots

    def plan(self, request: Request) -> Plan:
        """The plan of ``request``'s kind, traced now if it was not yet."""
        return self._plan(request.kind, len(request.schedule))

    def generic_plan(self, request: Request) -> Plan:
        """The plan of every kind with ``request``'s schedule length, traced now if need be."""
        return self._plan(None, len(request.schedule))

    def _plan(self, kind: int | None, slots: int) -> Plan:
        found = self._plans.get((kind, slots))
        if found is None:
            found = self._plans[(kind, slots)] = _trace(self.ctx, self.properties,
                                                        self._symbols, self._memories,
                                                        kind, slots)
        return found

    def hot_plan(self, request: Request) -> Plan | None:
        """The cheapest plan worth having for ``request`` now (see :data:`HOT_AFTER`); None
        while none is: the caller interprets the observers (the same results, tested)."""
        key = (request.kind, len(request.schedule))
        found = self._plans.get(key)
        if found is not None:
            return found
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if seen > HOT_AFTER:
            return self._plan(*key)
        generic = self._plans.get((None, key[1]))
        if generic is not None:
            return generic
        interpreted = self._interpreted[key[1]] = self._interpreted.get(key[1], 0) + 1
        return self._plan(None, key[1]) if interpreted > GENERIC_AFTER else None

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
