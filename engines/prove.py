"""Z3 proofs: the reference model composed with one observer.

* :func:`bmc` unrolls ``depth`` symbolic requests from the initial state and asks Z3 for
  a path on which the observer's ``ok`` fails. A model is read back as a protocol trace
  and **replayed on the concrete pump**; a counterexample that does not replay is
  reported as an internal error, never as a verdict.
* :func:`k_induction` proves the property for *all reachable states*: from any state
  satisfying the invariant (the pump's :func:`state_invariants` plus the property's
  lemmas), ``k`` steps on which everything holds are followed by a step on which it
  still holds; the base case is BMC to depth ``k`` from the initial state. If the
  inductive step fails for every ``k`` up to the limit, or Z3 times out, the verdict is
  ``unknown`` — never ``proved``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3

from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.properties.verdicts import Method, MethodResult, Verdict
from pumpproof.pump_model import REFERENCE, Params, Request, Rules, State, initial_state, step
from pumpproof.pump_model.codes import reason_code
from pumpproof.pump_model.invariants import state_invariants
from pumpproof.pump_model.protocol import request_to_json
from pumpproof.pump_model.symbolic import (
    concretize,
    request_domain,
    symbolic_request,
    symbolic_state,
)

from .monitor import replay_violates

__all__ = ["ProofSettings", "bmc", "k_induction"]


@dataclass(frozen=True)
class ProofSettings:
    bmc_depth: int = 4
    max_k: int = 2
    timeout_ms: int = 60_000
    schedule_slots: int = 4  # schedule slots of the symbolic pump (the code is the same)


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

    def extend(self) -> None:
        i = len(self.requests)
        request = symbolic_request(self.params, f"r{i}")
        self.constraints.append(request_domain(self.params, request))
        before = self.rules.observe(self.params, self.states[-1], 0, _NONE)
        after_state, obs = step(self.params, self.states[-1], request, self.rules)
        check = self.prop.update(self.ctx, self.memories[-1], StepView(request, before, obs))
        self.requests.append(request)
        self.states.append(after_state)
        self.memories.append(check.memory)
        self.oks.append(check.ok)
        self.triggers.append(check.triggered)

    def invariant(self, index: int) -> Any:
        facts = [
            *state_invariants(self.params, self.states[index]),
            *self.prop.lemmas(self.ctx, self.states[index], self.memories[index]),
        ]
        return z3.And(*[z3.BoolVal(f) if isinstance(f, bool) else f for f in facts])


def _proof_params(params: Params, settings: ProofSettings) -> Params:
    return Params(
        params.settings,
        iob_bin_min=params.iob_bin_min,
        daily_bin_min=params.daily_bin_min,
        schedule_slots=settings.schedule_slots,
    )


def _from_initial(params: Params, prop: Property, rules: Rules) -> _Unrolling:
    ctx = Context.for_proof(params)
    state = initial_state(params)
    template = prop.init(ctx)
    memory = _ids_of(template, template)
    # The seen-id set of the initial pump is empty: as a Z3 array so steps can Store.
    state = state.replace(seen_ids=z3.K(z3.IntSort(), z3.BoolVal(False)))
    return _Unrolling(params, rules, ctx, prop, [state], [memory], [], [], [], [])


def _solver(timeout_ms: int) -> z3.Solver:
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    return solver


def _bool(value: Any) -> Any:
    return z3.BoolVal(value) if isinstance(value, bool) else value


def _trace(model: z3.ModelRef, unrolling: _Unrolling, steps: int) -> list[dict[str, Any]]:
    requests = []
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
) -> MethodResult:
    """Search for a violation within ``settings.bmc_depth`` requests from minute 0."""
    started = time.perf_counter()
    params = _proof_params(params, settings)
    unrolling = _from_initial(params, prop, rules)
    solver = _solver(settings.timeout_ms)
    trigger_seen = False
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
                detail=f"Z3 gave up at depth {depth}: {solver.reason_unknown()}",
                seconds=time.perf_counter() - started,
            )
        solver.add(_bool(unrolling.oks[-1]))
        if not trigger_seen:
            solver.push()
            solver.add(_bool(unrolling.triggers[-1]))
            trigger_seen = solver.check() == z3.sat
            solver.pop()
    return MethodResult(
        Method.BMC,
        Verdict.PASSED,
        depth=settings.bmc_depth,
        triggers=int(trigger_seen),
        detail="no violation within the depth"
        + ("" if trigger_seen else "; trigger not reachable within the depth"),
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
    return MethodResult(
        method, Verdict.VIOLATED, depth=depth, triggers=1, counterexample=trace,
        detail=f"violated after {len(trace)} requests (replayed on the concrete model)",
        seconds=time.perf_counter() - started,
    )


def k_induction(
    prop: Property,
    params: Params,
    settings: ProofSettings = ProofSettings(),
    progress: Callable[[str], None] | None = None,
    rules: Rules = REFERENCE,
) -> MethodResult:
    """Prove the property for all reachable states, or say why not."""
    started = time.perf_counter()
    params = _proof_params(params, settings)
    ctx = Context.for_proof(params)
    base = _from_initial(params, prop, rules)
    base_solver = _solver(settings.timeout_ms)
    init_invariant = base.invariant(0)
    base_solver.push()
    base_solver.add(z3.Not(init_invariant))
    if base_solver.check() != z3.unsat:
        base_solver.pop()
        return MethodResult(
            Method.KINDUCTION, Verdict.UNKNOWN, depth=0,
            detail="the invariant does not hold in the initial state (lemma error)",
            seconds=time.perf_counter() - started,
        )
    base_solver.pop()

    template = prop.init(ctx)
    state0 = symbolic_state(params, "s0")
    memory0 = _symbolic_like(template, "m0")
    path = _Unrolling(params, rules, ctx, prop, [state0], [memory0], [], [], [], [])
    step_solver = _solver(settings.timeout_ms)
    step_solver.add(path.invariant(0))
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
                detail=f"Z3 gave up in the base case: {base_solver.reason_unknown()}",
                seconds=time.perf_counter() - started,
            )
        base_solver.add(_bool(base.oks[-1]))

        # Inductive step: k steps from any invariant state, all good but the last.
        path.extend()
        step_solver.add(path.constraints[-1])
        step_solver.push()
        last = len(path.requests)
        step_solver.add(z3.Not(z3.And(_bool(path.oks[-1]), path.invariant(last))))
        answer = step_solver.check()
        step_solver.pop()
        if answer == z3.unsat:
            return MethodResult(
                Method.KINDUCTION, Verdict.PROVED, depth=k, triggers=0,
                detail=f"proved for all reachable states by {k}-induction",
                seconds=time.perf_counter() - started,
            )
        if answer == z3.unknown:
            return MethodResult(
                Method.KINDUCTION, Verdict.UNKNOWN, depth=k,
                detail=f"Z3 gave up in the inductive step: {step_solver.reason_unknown()}",
                seconds=time.perf_counter() - started,
            )
        step_solver.add(_bool(path.oks[-1]), path.invariant(last))
    return MethodResult(
        Method.KINDUCTION, Verdict.UNKNOWN, depth=settings.max_k,
        detail=f"not inductive up to k={settings.max_k} (needs a stronger lemma)",
        seconds=time.perf_counter() - started,
    )
