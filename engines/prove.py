"""Z3 proofs: the reference model composed with one observer.

* :func:`bmc` unrolls ``depth`` symbolic requests from the initial state and asks Z3 for
  a path on which the observer's ``ok`` fails. A model is read back as a protocol trace
  and **replayed on the concrete pump**; a counterexample that does not replay is
  reported as an internal error, never as a verdict.
* :func:`k_induction` proves the property for *all reachable states*: from any state
  satisfying the invariant (the pump's :func:`state_invariants` plus the property's
  lemmas), ``k`` steps on which everything holds are followed by a step on which it
  still holds; the base case is BMC to depth ``k`` from the initial state. If the
  inductive step fails for every ``k`` up to the limit, or Z3 runs out of its budget, the
  verdict is ``unknown`` — never ``proved``.

Every Z3 check is bounded by Z3's deterministic resource limit (``rlimit``, one per kind of
query: BMC, k-induction, the invariants obligation), never by wall-clock time, so that the
same inputs give the same verdicts on a quiet and on a loaded machine (see
:mod:`pumpproof.engines.budget`); an ``unknown`` says which bound stopped Z3.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import z3

from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.properties.verdicts import Method, MethodResult, Verdict
from pumpproof.pump_model import REFERENCE, Params, Request, Rules, State, initial_state, step
from pumpproof.pump_model.codes import reason_code
from pumpproof.pump_model.invariants import state_invariants
from pumpproof.pump_model.protocol import request_to_json
from pumpproof.pump_model.symbolic import (
    ALWAYS_CONCRETE_SETTINGS,
    concrete_settings,
    concretize,
    request_domain,
    settings_domain,
    symbolic_request,
    symbolic_settings,
    symbolic_state,
)
from pumpproof.spec import MAX_SCHEDULE_SEGMENTS, load_spec
from pumpproof.spec.settings import INT_SETTINGS

from .budget import BoundedSolver
from .monitor import replay_violates

__all__ = ["BACKSTOP_S", "BMC_RLIMIT", "INDUCTION_RLIMIT", "INVARIANTS_RLIMIT", "Domain",
           "ProofSettings", "bmc", "k_induction", "prove_state_invariants"]

Domain = Callable[[Params, Request], Any]  # the constraints a request at the edge satisfies


#: Z3's resource limit per check, by kind of query: at least ten times the most any check of
#: that kind consumed in the ``ci`` profile on the reference model (``benchmarks/prove_all.py``
#: prints the peaks), so that every proof that concludes concludes with a wide margin. The
#: count of one query varies with what the process asked Z3 before (5.6 M to 6.5 M for the
#: invariants), which the margin absorbs.
BMC_RLIMIT = 500_000_000  # peak 49.5 M: P-DKA-BASAL-DELIVERED at depth 3, the spec's settings
INDUCTION_RLIMIT = 250_000_000  # peak 20.2 M: P-CGM-AUTO-TEMP-ENDS, the inductive step
INVARIANTS_RLIMIT = 70_000_000  # peak 6.5 M: the invariants' inductive step
#: A safety net far above any check's normal time (seconds in ci), never the budget: a check
#: it stops is reported as load-dependent (:data:`pumpproof.properties.verdicts.BACKSTOP`).
#: Far above the time to exhaust the limits, too, so that a check which concludes nothing
#: always says so the same way: nonlinear arithmetic counts slowest, 0.7 M per second on a
#: loaded machine (P-DOSE-AUTO-TEMP-IOB), so 500 M take about 12 minutes.
BACKSTOP_S = 1800


@dataclass(frozen=True)
class ProofSettings:
    bmc_depth: int = 4
    max_k: int = 2
    # Z3's resource limit per check (rlimit: deterministic, see engines/budget.py), by query
    bmc_rlimit: int = BMC_RLIMIT
    induction_rlimit: int = INDUCTION_RLIMIT  # base case, inductive step and vacuity
    invariants_rlimit: int = INVARIANTS_RLIMIT
    backstop_s: int = BACKSTOP_S  # wall clock per check, the safety net only
    # Settings symbolic over everything ``configure`` accepts (the spec's hard ``ranges`` and
    # the protocol's consistency rules), except those a proof must keep concrete.
    symbolic_settings: bool = True
    ranges: tuple[tuple[str, int, int], ...] | None = None  # None: the built-in spec's


def _symbolic_like(template: Any, prefix: str) -> Any:
    """Fresh Z3 constants with the shape of an observer's initial memory."""
    if isinstance(template, bool):
        return z3.Bool(prefix)
    if isinstance(template, int):
        return z3.Int(prefix)
    if isinstance(template, tuple):
        return tuple(_symbolic_like(v, f"{prefix}[{i}]") for i, v in enumerate(template))
    if isinstance(template, frozenset):
        return z3.Array(prefix, z3.IntSort(), z3.BoolSort())
    if isinstance(template, z3.BoolRef):  # memory built from symbolic settings
        return z3.Bool(prefix)
    if isinstance(template, z3.ArithRef):
        return z3.Int(prefix)
    raise TypeError(f"observer memory of type {type(template).__name__} cannot be symbolic")


def _ids_of(template: Any, value: Any) -> Any:
    """An observer's id set made symbolic-compatible: a frozenset becomes an empty array."""
    if isinstance(template, frozenset):
        return z3.K(z3.IntSort(), z3.BoolVal(False))
    if isinstance(template, tuple):
        return tuple(_ids_of(t, v) for t, v in zip(template, value, strict=True))
    return value


_NONE = reason_code(None)


@dataclass
class _Unrolling:
    """A path of symbolic steps, with what each step asserts and checks."""

    params: Params
    rules: Rules
    ctx: Context
    prop: Property
    states: list[State]
    memories: list[Any]
    requests: list[Request]
    oks: list[Any]
    triggers: list[Any]
    constraints: list[Any]
    domain: Domain = request_domain

    def extend(self) -> None:
        i = len(self.requests)
        request = symbolic_request(self.params, f"r{i}")
        self.constraints.append(self.domain(self.params, request))
        before = self.rules.observe(self.params, self.states[-1], 0, _NONE)
        after_state, obs = step(self.params, self.states[-1], request, self.rules)
        check = self.prop.update(self.ctx, self.memories[-1], StepView(request, before, obs))
        self.requests.append(request)
        self.states.append(after_state)
        self.memories.append(check.memory)
        self.oks.append(check.ok)
        self.triggers.append(check.triggered)

    def facts(self, index: int) -> list[Any]:
        """The pump's invariants, then the property's lemmas, at state ``index``."""
        return [
            *state_invariants(self.params, self.states[index]),
            *self.prop.lemmas(self.ctx, self.states[index], self.memories[index]),
        ]

    def invariant(self, index: int) -> Any:
        return z3.And(*[_bool(f) for f in self.facts(index)])

    def broken_facts(self, model: z3.ModelRef, index: int) -> list[str]:
        """Names of the invariants and lemmas false at state ``index`` under ``model``.

        A fact is named by how it reads on the symbolic start state (``s0.reservoir_mU >=
        0``), so that a report says *which* invariant failed, not only that one did.
        """
        names = [_name(f) for f in self.facts(0)]
        n_invariants = len(state_invariants(self.params, self.states[0]))
        broken = []
        for position, fact in enumerate(self.facts(index)):
            if not z3.is_true(model.eval(_bool(fact), model_completion=True)):
                kind = "invariant" if position < n_invariants else "lemma"
                broken.append(f"{kind} `{names[position]}`")
        return broken


def _name(fact: Any) -> str:
    return " ".join(str(fact).split())[:160]


def _proof_params(params: Params, settings: ProofSettings, prop: Property | None) -> Params:
    """The pump with every schedule slot the protocol allows (48) — a proof over fewer
    segments would not cover a schedule the pump accepts — and, unless switched off,
    symbolic settings: every setting but the ones the proof must keep concrete."""
    slots = MAX_SCHEDULE_SEGMENTS
    if not settings.symbolic_settings:
        return dataclasses.replace(params, schedule_slots=slots)
    symbolic = symbolic_settings(params.settings, concrete_names(prop), slots)
    return dataclasses.replace(params, settings=symbolic, schedule_slots=slots)


def concrete_names(prop: Property | None) -> tuple[str, ...]:
    """The settings a proof of ``prop`` keeps at the spec's value."""
    extra = prop.concrete_settings if prop is not None else ()
    return (*ALWAYS_CONCRETE_SETTINGS, *(n for n in extra if n not in ALWAYS_CONCRETE_SETTINGS))


def proof_scope(params: Params, settings: ProofSettings, prop: Property | None,
                rlimit: int) -> dict[str, Any]:
    """What a proof of ``prop`` covers, for the evidence (``scope``), and the budget of each
    of its Z3 checks: a verdict ``unknown`` is relative to it."""
    s = params.settings
    if settings.symbolic_settings:
        fixed = {name: getattr(s, name) for name in concrete_names(prop)}
        covered: Any = {"all valid except fixed": fixed, "ranges": _ranges(settings)}
    else:
        covered = {"fixed": s.to_protocol()}
    return {"settings": covered, "schedule_segments": MAX_SCHEDULE_SEGMENTS,
            "request_domain": "checked",
            "budget": {"z3_rlimit_per_check": rlimit,
                       "wall_clock_backstop_s": settings.backstop_s}}


def _settings_constraint(params: Params, settings: ProofSettings) -> Any:
    return settings_domain(params.settings, _ranges(settings))


def _ranges(settings: ProofSettings) -> dict[str, tuple[int, int]]:
    """The hard ranges ``configure`` enforces: the given ones, else the built-in spec's."""
    if settings.ranges is None:
        return dict(_builtin_ranges())
    return {name: (low, high) for name, low, high in settings.ranges}


@lru_cache(maxsize=1)
def _builtin_ranges() -> tuple[tuple[str, tuple[int, int]], ...]:
    return tuple(load_spec().ranges.items())


def _from_initial(params: Params, prop: Property, rules: Rules, domain: Domain) -> _Unrolling:
    ctx = Context.for_proof(params)
    state = initial_state(params)
    template = prop.init(ctx)
    memory = _ids_of(template, template)
    # The seen-id set of the initial pump is empty: as a Z3 array so steps can Store.
    state = state.replace(seen_ids=z3.K(z3.IntSort(), z3.BoolVal(False)))
    return _Unrolling(params, rules, ctx, prop, [state], [memory], [], [], [], [], domain)


@dataclass
class _Solvers:
    """The bounded solvers of one method's run: each check within ``rlimit``, and ``peak``
    (the most one check consumed) for the result's calibration figure."""

    rlimit: int
    backstop_s: int
    made: list[BoundedSolver] = dataclasses.field(default_factory=list)

    def new(self) -> BoundedSolver:
        solver = BoundedSolver(self.rlimit, self.backstop_s)
        self.made.append(solver)
        return solver

    @property
    def peak(self) -> int:
        return max((solver.peak for solver in self.made), default=0)


def _bool(value: Any) -> Any:
    return z3.BoolVal(value) if isinstance(value, bool) else value


def _configure(model: z3.ModelRef, params: Params) -> list[dict[str, Any]]:
    """The ``configure`` request with the settings the model picked (when they are symbolic)."""
    if all(isinstance(getattr(params.settings, name), int) for name in INT_SETTINGS):
        return []
    chosen = concrete_settings(model, params.settings)
    return [{"op": "configure", "settings": chosen.to_protocol()}]


def _trace(model: z3.ModelRef, unrolling: _Unrolling, steps: int) -> list[dict[str, Any]]:
    requests = _configure(model, unrolling.params)
    for request in unrolling.requests[:steps]:
        concrete: Request = concretize(model, request)
        requests.append(request_to_json(concrete, unrolling.params))
    return requests


def bmc(
    prop: Property,
    params: Params,
    settings: ProofSettings = ProofSettings(),
    progress: Callable[[str], None] | None = None,
    rules: Rules = REFERENCE,
    domain: Domain = request_domain,
) -> MethodResult:
    """Search for a violation within ``settings.bmc_depth`` requests from minute 0."""
    solvers = _Solvers(settings.bmc_rlimit, settings.backstop_s)
    result = _bmc(prop, params, settings, progress, rules, domain, solvers)
    return dataclasses.replace(result, rlimit_peak=solvers.peak,
                               scope=proof_scope(params, settings, prop, solvers.rlimit))


def k_induction(
    prop: Property,
    params: Params,
    settings: ProofSettings = ProofSettings(),
    progress: Callable[[str], None] | None = None,
    rules: Rules = REFERENCE,
    domain: Domain = request_domain,
) -> MethodResult:
    """Prove the property for all reachable states, or say why not (with its scope)."""
    solvers = _Solvers(settings.induction_rlimit, settings.backstop_s)
    result = _k_induction(prop, params, settings, progress, rules, domain, solvers)
    return dataclasses.replace(result, rlimit_peak=solvers.peak,
                               scope=proof_scope(params, settings, prop, solvers.rlimit))


def _bmc(
    prop: Property,
    params: Params,
    settings: ProofSettings,
    progress: Callable[[str], None] | None,
    rules: Rules,
    domain: Domain,
    solvers: _Solvers,
) -> MethodResult:
    started = time.perf_counter()
    params = _proof_params(params, settings, prop)
    unrolling = _from_initial(params, prop, rules, domain)
    solver = solvers.new()
    solver.add(_settings_constraint(params, settings))
    trigger_seen = False
    trigger_unknown = ""
    for depth in range(1, settings.bmc_depth + 1):
        if progress:
            progress(f"{prop.id}: BMC depth {depth}")
        unrolling.extend()
        solver.add(unrolling.constraints[-1])
        solver.push()
        solver.add(z3.Not(_bool(unrolling.oks[-1])))
        answer = solver.check()
        if answer == z3.sat:
            trace = _trace(solver.model(), unrolling, depth)
            solver.pop()
            return _counterexample(prop, params, trace, Method.BMC, depth, started, rules)
        solver.pop()
        if answer == z3.unknown:
            return MethodResult(
                Method.BMC, Verdict.UNKNOWN, depth=depth - 1,
                detail=f"Z3 gave up at depth {depth}: {solver.why_unknown()}",
                seconds=time.perf_counter() - started,
            )
        solver.add(_bool(unrolling.oks[-1]))
        if not trigger_seen:
            solver.push()
            solver.add(_bool(unrolling.triggers[-1]))
            reached = solver.check()
            trigger_seen = reached == z3.sat
            if reached == z3.unknown:
                trigger_unknown = solver.why_unknown()
            solver.pop()
    if trigger_seen:
        trigger = ""
    elif trigger_unknown:
        trigger = f"; whether the trigger is reachable within the depth: {trigger_unknown}"
    else:
        trigger = "; trigger not reachable within the depth"
    return MethodResult(
        Method.BMC,
        Verdict.PASSED,
        depth=settings.bmc_depth,
        triggers=int(trigger_seen),
        detail="no violation within the depth" + trigger,
        seconds=time.perf_counter() - started,
    )


def _counterexample(
    prop: Property, params: Params, trace: list[dict[str, Any]], method: Method, depth: int,
    started: float, rules: Rules,
) -> MethodResult:
    if not replay_violates(prop, params, trace, Context.for_proof(params), rules):
        return MethodResult(
            method, Verdict.UNKNOWN, depth=depth, counterexample=trace,
            detail="INTERNAL ERROR: the Z3 counterexample does not replay on the concrete "
            "model; this is a bug in pumpproof, please report it",
            seconds=time.perf_counter() - started,
        )
    if not replay_violates(prop, params, trace, Context.exact(params), rules):
        return MethodResult(
            method, Verdict.UNKNOWN, depth=depth, counterexample=trace,
            detail="spurious: the trace breaks the proof's binned observer but not the exact "
            "property (the runtime monitor); the abstraction is too coarse to conclude",
            seconds=time.perf_counter() - started,
        )
    return MethodResult(
        method, Verdict.VIOLATED, depth=depth, triggers=1, counterexample=trace,
        detail=f"violated after {len(trace)} requests (replayed on the concrete model)",
        seconds=time.perf_counter() - started,
    )


def _k_induction(
    prop: Property,
    params: Params,
    settings: ProofSettings,
    progress: Callable[[str], None] | None,
    rules: Rules,
    domain: Domain,
    solvers: _Solvers,
) -> MethodResult:
    started = time.perf_counter()
    params = _proof_params(params, settings, prop)
    ctx = Context.for_proof(params)
    obligations = prop.abstractions(ctx)
    failed = [f"{name}: {detail}" for name, holds, detail in obligations if not holds]
    if failed:
        return MethodResult(
            Method.KINDUCTION, Verdict.UNKNOWN, depth=0,
            detail="the observer's abstraction may under-count, so a proof would not imply "
            "the exact property: " + "; ".join(failed),
            seconds=time.perf_counter() - started,
        )
    discharged = "".join(f"; obligation discharged: {name} ({detail})"
                         for name, _, detail in obligations)
    base = _from_initial(params, prop, rules, domain)
    base_solver = solvers.new()
    base_solver.add(_settings_constraint(params, settings))
    init_invariant = base.invariant(0)
    base_solver.push()
    base_solver.add(z3.Not(init_invariant))
    answer = base_solver.check()
    base_solver.pop()
    if answer != z3.unsat:
        return MethodResult(
            Method.KINDUCTION, Verdict.UNKNOWN, depth=0,
            detail="the invariant does not hold in the initial state (lemma error)"
            if answer == z3.sat else
            f"Z3 gave up on the initial state: {base_solver.why_unknown()}",
            seconds=time.perf_counter() - started,
        )

    template = prop.init(ctx)
    state0 = symbolic_state(params, "s0")
    memory0 = _symbolic_like(template, "m0")
    path = _Unrolling(params, rules, ctx, prop, [state0], [memory0], [], [], [], [], domain)
    step_solver = solvers.new()
    step_solver.add(_settings_constraint(params, settings), path.invariant(0))
    cti: list[str] = []
    for k in range(1, settings.max_k + 1):
        if progress:
            progress(f"{prop.id}: k-induction k={k}")
        # Base case to depth k: no violation of ok or of the invariant from minute 0.
        base.extend()
        base_solver.add(base.constraints[-1])
        base_solver.push()
        base_solver.add(z3.Not(z3.And(_bool(base.oks[-1]), base.invariant(len(base.requests)))))
        answer = base_solver.check()
        if answer == z3.sat:
            model = base_solver.model()
            if not z3.is_true(model.eval(_bool(base.oks[-1]), model_completion=True)):
                trace = _trace(model, base, k)
                base_solver.pop()
                return _counterexample(prop, params, trace, Method.KINDUCTION, k, started, rules)
            base_solver.pop()
            return MethodResult(
                Method.KINDUCTION, Verdict.UNKNOWN, depth=k,
                detail=f"a lemma fails on a reachable state at depth {k} (lemma error)",
                seconds=time.perf_counter() - started,
            )
        base_solver.pop()
        if answer == z3.unknown:
            return MethodResult(
                Method.KINDUCTION, Verdict.UNKNOWN, depth=k,
                detail=f"Z3 gave up in the base case: {base_solver.why_unknown()}",
                seconds=time.perf_counter() - started,
            )
        base_solver.add(_bool(base.oks[-1]))

        # Inductive step: k steps from any invariant state, all good but the last.
        path.extend()
        step_solver.add(path.constraints[-1])
        last = len(path.requests)
        vacuous = _vacuity(step_solver, path)
        if vacuous:
            return MethodResult(
                Method.KINDUCTION, Verdict.UNKNOWN, depth=k, detail=vacuous,
                seconds=time.perf_counter() - started,
            )
        step_solver.push()
        step_solver.add(z3.Not(z3.And(_bool(path.oks[-1]), path.invariant(last))))
        answer = step_solver.check()
        if answer == z3.sat:
            cti = path.broken_facts(step_solver.model(), last)
            if not z3.is_true(step_solver.model().eval(_bool(path.oks[-1]),
                                                       model_completion=True)):
                cti.insert(0, "the property itself")
        step_solver.pop()
        if answer == z3.unsat:
            return MethodResult(
                Method.KINDUCTION, Verdict.PROVED, depth=k, triggers=1,
                detail=f"proved for all reachable states by {k}-induction{discharged}",
                seconds=time.perf_counter() - started,
            )
        if answer == z3.unknown:
            return MethodResult(
                Method.KINDUCTION, Verdict.UNKNOWN, depth=k,
                detail=f"Z3 gave up in the inductive step: {step_solver.why_unknown()}",
                seconds=time.perf_counter() - started,
            )
        step_solver.add(_bool(path.oks[-1]), path.invariant(last))
    return MethodResult(
        Method.KINDUCTION, Verdict.UNKNOWN, depth=settings.max_k,
        detail=f"not inductive up to k={settings.max_k}: a step from a state satisfying "
        f"every assumption breaks {', '.join(cti[:4])} (needs a stronger lemma, or the "
        "model breaks it)",
        seconds=time.perf_counter() - started,
    )


def _vacuity(solver: BoundedSolver, path: _Unrolling) -> str:
    """Why the inductive step would be vacuous, or "" when its assumptions can all hold.

    Induction proves ``assumptions ⇒ property``; if the assumptions (invariants, lemmas,
    the request domain, the transition) contradict each other, or cannot meet the
    property's trigger, every property would be "proved" — so that is never a proof; nor
    is a step whose assumptions Z3 gave up on (their satisfiability is then not shown).
    """
    answer = solver.check()
    if answer == z3.unsat:
        return "vacuous: the assumptions of the inductive step contradict each other"
    if answer == z3.unknown:
        return ("Z3 gave up showing the inductive step's assumptions satisfiable: "
                + solver.why_unknown())
    solver.push()
    solver.add(_bool(path.triggers[-1]))
    answer = solver.check()
    solver.pop()
    if answer == z3.unsat:
        return "vacuous: the property's trigger cannot happen in the inductive step"
    if answer == z3.unknown:
        return ("Z3 gave up showing the property's trigger possible in the inductive step: "
                + solver.why_unknown())
    return ""


def prove_state_invariants(
    params: Params,
    settings: ProofSettings = ProofSettings(),
    rules: Rules = REFERENCE,
    domain: Domain = request_domain,
) -> MethodResult:
    """The pump's own invariants (:mod:`pumpproof.pump_model.invariants`) are inductive.

    Every k-induction assumes them, so they are a proof obligation of their own: they hold
    in the initial state, their assumptions are satisfiable, and one step of any request in
    the domain from any state satisfying them keeps each of them. A failure names the
    invariants that break and gives the counterexample-to-induction (the request).
    """
    started = time.perf_counter()
    solvers = _Solvers(settings.invariants_rlimit, settings.backstop_s)
    scope = proof_scope(params, settings, None, solvers.rlimit)
    params = _proof_params(params, settings, None)

    def result(verdict: Verdict, detail: str, trace: list[dict[str, Any]] | None = None
               ) -> MethodResult:
        return MethodResult(Method.INVARIANTS, verdict, depth=1, triggers=1, detail=detail,
                            counterexample=trace, seconds=time.perf_counter() - started,
                            scope=scope, rlimit_peak=solvers.peak)

    valid_settings = _settings_constraint(params, settings)
    initial = initial_state(params)
    solver = solvers.new()
    initially = [_bool(f) for f in state_invariants(params, initial)]
    solver.add(valid_settings, z3.Not(z3.And(*initially)))
    answer = solver.check()
    if answer == z3.unknown:
        return result(Verdict.UNKNOWN, f"Z3 gave up on the initial state: {solver.why_unknown()}")
    if answer == z3.sat:
        return result(Verdict.VIOLATED, "an invariant is false in the initial state of some "
                      "valid settings")
    state0 = symbolic_state(params, "s0")
    request = symbolic_request(params, "r0")
    after, _ = step(params, state0, request, rules)
    solver = solvers.new()
    solver.add(valid_settings, *[_bool(f) for f in state_invariants(params, state0)],
               domain(params, request))
    answer = solver.check()
    if answer == z3.unknown:
        return result(Verdict.UNKNOWN, "Z3 gave up showing the invariants and the request "
                      f"domain satisfiable together: {solver.why_unknown()}")
    if answer == z3.unsat:
        return result(Verdict.UNKNOWN, "vacuous: the invariants and the request domain "
                      "contradict each other")
    names = [_name(f) for f in state_invariants(params, state0)]
    after_facts = [_bool(f) for f in state_invariants(params, after)]
    solver.push()
    solver.add(z3.Not(z3.And(*after_facts)))
    answer = solver.check()
    if answer == z3.unsat:
        return result(Verdict.PROVED, f"all {len(names)} invariants are inductive "
                      "(and hold initially)")
    if answer == z3.unknown:
        return result(Verdict.UNKNOWN, f"Z3 gave up: {solver.why_unknown()}")
    model = solver.model()
    broken = [names[i] for i, fact in enumerate(after_facts)
              if not z3.is_true(model.eval(fact, model_completion=True))]
    cti = [*_configure(model, params), request_to_json(concretize(model, request), params)]
    return result(Verdict.UNKNOWN, "not inductive: one request from a state satisfying "
                  f"every invariant breaks {'; '.join(f'`{b}`' for b in broken[:4])}", cti)
