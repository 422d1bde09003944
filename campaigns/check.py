"""The CI gate: drive any target through the protocol, every property watching.

A campaign is directed scenarios at each property's limits, then Hypothesis fuzzing in
rounds, with a reference pump in lockstep for differential conformance. ``workers``
processes each run their own seed partition (worker ``w`` of round ``r`` uses seed
``seed·1000 + r·workers + w``); results are merged in a fixed order, so the same seed,
budget and worker count give the same findings whenever every planned round fits in the
budget. The budget plans one round (20 examples) per 10 s per worker.

**The budget bounds the whole check, shrinking included.** The campaign's deadline is its
start plus the budget; each round's jobs carry the seconds left, and each worker stops its
scenarios, examples and Hypothesis' shrinking when they run out (see
:mod:`pumpproof.engines.fuzz`), keeping the best trace found so far. No round starts after
the deadline. ``budget_exhausted`` in the evidence then says the budget ran out, and
``shrinking_cut_short`` names the findings whose trace is the best found rather than the
shrunk one. A budget too short for the directed scenarios themselves (``scenarios_cut_short``)
degrades the evidence: properties may not have been exercised at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pumpproof.engines.fuzz import PROFILES, TARGET_FAILURE, FuzzOutcome, FuzzProfile, fuzz
from pumpproof.errors import TargetFailure, UsageError
from pumpproof.files import load_json
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.evidence import (
    NOT_EXERCISED_FAILURE,
    VACUOUS_ON_TARGET,
    BaselineComparison,
    Evidence,
    PropertyEvidence,
    TargetFailureRecord,
    TargetRun,
)
from pumpproof.properties.observer import Property
from pumpproof.properties.verdicts import MethodResult, Verdict
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.spec import Spec
from pumpproof.targets import make_target

from .evidence import evidence_json
from .fanout import fan_out
from .verify import fuzz_result

__all__ = ["Baseline", "CheckOptions", "CheckResult", "baseline_json", "compare_baseline",
           "run_check", "target_result", "watched", "with_baseline"]

ROUND_SECONDS = 10.0
ROUND_PROFILE = FuzzProfile(examples=20, steps=60, max_tick_run=240)


@dataclass(frozen=True)
class CheckOptions:
    target: str
    budget_s: float = 60.0
    seed: int = 0
    workers: int = 1
    timeout_s: float = 5.0
    profile: str = "ci"
    dask_address: str | None = None  # run the rounds on an existing Dask cluster
    round_profile: FuzzProfile | None = None  # overrides a round's size (tests, embedding)
    # overrides how many rounds to plan (else one per ROUND_SECONDS of budget), so that a
    # run's work does not depend on its budget (tests, embedding); the budget still bounds it
    rounds: int | None = None
    # the ids of the properties to watch (None: every observer); the pytest plugin watches
    # the properties its selected tests name
    properties: tuple[str, ...] | None = None


def watched(options: CheckOptions) -> list[Property]:
    """The observers a check runs as monitors, in catalogue order."""
    every = observer_properties()
    if options.properties is None:
        return every
    unknown = sorted(set(options.properties) - {p.id for p in every})
    if unknown:
        raise UsageError(f"no observer propert{'y' if len(unknown) == 1 else 'ies'} "
                         f"{', '.join(unknown)} (see 'pumpproof spec export --json')")
    return [p for p in every if p.id in options.properties]


@dataclass(frozen=True)
class CheckResult:
    evidence: Evidence  # with its ``target`` section
    outcome: FuzzOutcome
    rounds: int
    budget_exhausted: bool
    seconds: float = 0.0

    @property
    def violated(self) -> list[str]:
        return self.evidence.violated

    @property
    def target(self) -> TargetRun:
        assert self.evidence.target is not None
        return self.evidence.target


_Job = tuple[Spec, CheckOptions, int, bool, float, float]


def _round(args: _Job) -> FuzzOutcome:
    """One worker's round (may run in a worker process: the spec travels with the job).

    The job carries the seconds left in the budget when it was sent, and the campaign's
    deadline on the wall clock: the worker stops at the earlier of the two, so a job that
    waited in a Dask queue does not run its full share late, and a worker whose clock is
    behind still stops when its share is spent.
    """
    spec, options, seed, scenarios, seconds_left, wall_deadline = args
    deadline = time.monotonic() + min(seconds_left, wall_deadline - time.time())
    params = Params(spec.settings)
    profile = options.round_profile or (
        ROUND_PROFILE if options.profile == "ci" else PROFILES[options.profile])
    return fuzz(
        spec, params, watched(options),
        lambda: make_target(options.target, spec, options.timeout_s),
        profile, seed,
        make_reference=lambda: ReferencePump(spec),
        scenarios=scenarios,
        deadline=deadline,
    )


def _shorter(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    if a is None:
        return b
    if b is None:
        return a
    key = (len(a), json.dumps(a, sort_keys=True))
    return a if key <= (len(b), json.dumps(b, sort_keys=True)) else b


def _merge(outcomes: Sequence[FuzzOutcome]) -> FuzzOutcome:
    """Deterministic merge: sums, and the shortest (then smallest) trace per finding (cut
    short if the outcome it came from was)."""
    merged = FuzzOutcome(triggers={})
    for outcome in outcomes:
        merged.examples += outcome.examples
        merged.requests += outcome.requests
        merged.seconds += outcome.seconds
        merged.budget_exhausted |= outcome.budget_exhausted
        merged.scenarios_cut_short |= outcome.scenarios_cut_short
        for prop_id, count in outcome.triggers.items():
            merged.triggers[prop_id] = merged.triggers.get(prop_id, 0) + count
        for prop_id, trace in outcome.violations.items():
            best = _shorter(merged.violations.get(prop_id), trace)
            assert best is not None
            if best is not merged.violations.get(prop_id):
                merged.cut_short.discard(prop_id)
                if prop_id in outcome.cut_short:
                    merged.cut_short.add(prop_id)
            merged.violations[prop_id] = best
        if outcome.target_failure is not None:
            best = _shorter(merged.target_trace, outcome.target_trace or [])
            if best is not merged.target_trace:
                merged.target_failure = outcome.target_failure
                merged.target_trace = best
                merged.target_stderr = outcome.target_stderr
                merged.cut_short.discard(TARGET_FAILURE)
                if TARGET_FAILURE in outcome.cut_short:
                    merged.cut_short.add(TARGET_FAILURE)
        room = 20 - len(merged.conformance)
        merged.conformance.extend(outcome.conformance[:max(room, 0)])
    return merged


def run_check(
    spec: Spec, options: CheckOptions, progress: Callable[[str], None] | None = None
) -> CheckResult:
    """Run the campaign; never raises because of the target's behaviour."""
    if options.profile not in PROFILES:
        raise UsageError(f"unknown profile {options.profile!r}")
    watched(options)  # unknown property ids are bad input, before the target starts
    started = time.perf_counter()
    deadline = time.monotonic() + options.budget_s
    # Fail fast (exit 2) on a target that names nothing or cannot even start.
    try:
        make_target(options.target, spec, options.timeout_s).close()
    except TargetFailure as exc:
        raise UsageError(f"{options.target}: the target cannot start: {exc}") from None
    workers = max(1, options.workers)
    rounds_planned = options.rounds or max(1, int(options.budget_s // ROUND_SECONDS))
    outcomes: list[FuzzOutcome] = []
    rounds = 0
    exhausted = False
    for round_index in range(rounds_planned):
        seconds_left = deadline - time.monotonic()
        if round_index and seconds_left <= 0:
            exhausted = True
            break
        jobs = [
            (spec, options, options.seed * 1000 + round_index * workers + w,
             round_index == 0 and w == 0, seconds_left, time.time() + seconds_left)
            for w in range(workers)
        ]
        if progress:
            progress(f"round {round_index + 1}/{rounds_planned} on {workers} worker(s)")
        outcomes.extend(fan_out(_round, jobs, workers, options.dask_address))
        rounds += 1
        if any(o.target_failure for o in outcomes):
            break
        if any(o.budget_exhausted for o in outcomes):
            exhausted = True
            break
    merged = _merge(outcomes)
    evidence = tuple(PropertyEvidence.of(prop, (target_result(merged, prop),))
                     for prop in watched(options))
    failure = None
    if merged.target_failure is not None:
        message = merged.target_failure
        if TARGET_FAILURE in merged.cut_short:
            message += f" ({CUT_SHORT})"
        failure = TargetFailureRecord(message, tuple(merged.target_trace or ()),
                                      merged.target_stderr)
    target = TargetRun(options.target, options.budget_s, options.workers, rounds, exhausted,
                       merged.examples, merged.requests, failure, tuple(merged.conformance),
                       shrinking_cut_short=tuple(sorted(merged.cut_short)),
                       scenarios_cut_short=merged.scenarios_cut_short)
    return CheckResult(Evidence(spec.name, tuple(spec.file_hashes), options.seed, "ci", evidence,
                                target),
                       merged, rounds, exhausted, time.perf_counter() - started)


CUT_SHORT = "the budget ran out while shrinking: the shortest trace found so far"


def target_result(outcome: FuzzOutcome, prop: Property) -> MethodResult:
    """One property's fuzz result on a target — only what the target showed counts.

    A violation stands (its trace replays). A target that failed (crashed, hung, answered
    garbage) violates the property about answering itself (REQ-COMM-2), with the requests
    that made it fail; for every other property it answered too little to judge anything,
    and a property whose trigger never happened saw nothing: both are ``unknown``, never
    ``passed``, so neither can lower a risk control's failure probability.
    """
    prop_id = prop.id
    result = fuzz_result(outcome, prop_id)
    trace = outcome.violations.get(prop_id)
    if trace:
        if prop_id in outcome.cut_short:
            return replace(result, detail=f"violated; trace of {len(trace)} requests "
                                          f"({CUT_SHORT})")
        return result
    if outcome.target_failure is not None and prop.violated_by_target_failure:
        return replace(result, verdict=Verdict.VIOLATED,
                       counterexample=list(outcome.target_trace or ()) or None,
                       detail=f"violated: the target failed ({outcome.target_failure})")
    if outcome.target_failure is not None:
        return replace(result, verdict=Verdict.UNKNOWN,
                       detail=f"{NOT_EXERCISED_FAILURE} ({outcome.target_failure})")
    if result.triggers == 0:
        return replace(result, verdict=Verdict.UNKNOWN,
                       detail=f"{VACUOUS_ON_TARGET} in {outcome.examples} examples; not evidence")
    return result


@dataclass(frozen=True)
class Baseline:
    """An earlier evidence (or bundle) file, with violations accepted in writing."""

    violated: frozenset[str]
    accepted: dict[str, str] = field(default_factory=dict)  # property id -> justification

    @classmethod
    def load(cls, path: str) -> Baseline:
        data = load_json(path, "the baseline")
        if isinstance(data, dict) and isinstance(data.get("evidence"), dict):
            data = {**data["evidence"], "accepted": data.get("accepted", [])}
        if not isinstance(data, dict) or not isinstance(data.get("properties"), list):
            raise UsageError(f"{path}: not a pumpproof evidence or bundle file")
        violated = frozenset(
            p["id"] for p in data["properties"]
            if isinstance(p, dict) and p.get("verdict") == "violated"
        )
        accepted: dict[str, str] = {}
        for index, entry in enumerate(data.get("accepted", [])):
            if not (isinstance(entry, dict) and isinstance(entry.get("property"), str)
                    and isinstance(entry.get("justification"), str)
                    and entry["justification"].strip()):
                raise UsageError(f"{path}: accepted[{index}]: needs 'property' and a written "
                                 "'justification'")
            accepted[entry["property"]] = entry["justification"]
        return cls(violated, accepted)


def compare_baseline(violated: Sequence[str], baseline: Baseline) -> dict[str, list[str]]:
    """new (fail the gate), known (accepted with a justification), fixed (celebrate)."""
    now = set(violated)
    return {
        "new": sorted(now - baseline.violated - set(baseline.accepted)),
        "still_failing": sorted((now & baseline.violated) - set(baseline.accepted)),
        "known": sorted(now & set(baseline.accepted)),
        "fixed": sorted(baseline.violated - now),
    }


def baseline_json(result: CheckResult, previous: Baseline | None = None) -> dict[str, Any]:
    """A baseline file for later checks (``check --write-baseline``): the evidence, plus an
    ``accepted`` list for the team's written justifications — empty, or the ``previous``
    baseline's justifications for properties still violated."""
    accepted = [
        {"property": prop_id, "justification": justification}
        for prop_id, justification in sorted((previous.accepted if previous else {}).items())
        if prop_id in result.violated
    ]
    return {**evidence_json(result.evidence), "accepted": accepted}


def with_baseline(result: CheckResult, baseline: Baseline, file: str) -> CheckResult:
    """The result with its violations compared to ``baseline`` (recorded in the evidence)."""
    comparison = compare_baseline(result.violated, baseline)
    recorded = BaselineComparison(
        new=tuple(comparison["new"]), still_failing=tuple(comparison["still_failing"]),
        known=tuple(comparison["known"]), fixed=tuple(comparison["fixed"]), file=file,
        justifications=dict(baseline.accepted))
    target = replace(result.target, baseline=recorded)
    return replace(result, evidence=replace(result.evidence, target=target))
