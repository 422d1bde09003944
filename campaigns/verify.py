"""A verification campaign on the reference model: prove, search and fuzz every property.

Pure orchestration: takes a spec and options, returns typed :class:`Evidence` (per
property, the results of each :class:`Method`). Writing files and printing belong to the CLI.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence

from pumpproof.engines.budget import rlimit_text
from pumpproof.engines.contracts import check_contracts
from pumpproof.engines.fuzz import PROFILES, FuzzOutcome, FuzzProfile, fuzz, merge_outcomes
from pumpproof.engines.prove import ProofSettings, bmc, k_induction, prove_state_invariants
from pumpproof.engines.scenarios import settings_profiles
from pumpproof.errors import SpecError
from pumpproof.properties.catalogue import MODULES_ENV, all_properties, by_id, property_modules
from pumpproof.properties.contracts import ContractProperty
from pumpproof.properties.evidence import Evidence, PropertyEvidence
from pumpproof.properties.observer import Property
from pumpproof.properties.verdicts import Method, MethodResult, Verdict
from pumpproof.pump_model import Params
from pumpproof.spec import Spec
from pumpproof.targets import make_target

from .fanout import fan_out

__all__ = ["PROOF_SETTINGS", "check_links", "fuzz_result", "prove_all", "verify"]

#: Fuzzing under each of the other settings profiles (smaller than the spec's campaign).
OTHER_SETTINGS_FUZZ: dict[str, FuzzProfile] = {
    "ci": FuzzProfile(examples=15, steps=40, max_tick_run=240),
    "thorough": FuzzProfile(examples=300, steps=200, max_tick_run=1500),
}

#: Each Z3 check is bounded by Z3's resource limit (deterministic), never by time; the
#: wall-clock backstop is only a safety net (see :mod:`pumpproof.engines.budget`). ci's
#: limits are the defaults (engines/prove.py). thorough's k-induction limit covers the
#: largest ``proof_rlimit`` (410 M: ten times P-DOSE-AUTO-TEMP-IOB's inductive step); its
#: BMC limit is ten times the costliest search check that concluded (P-DOSE-WHOLE-PULSES,
#: 174 M at depth 5; 14 of the 34 properties searched to depth 6, 11 concluded: its depth 6,
#: P-DOSE-AUTO-TEMP-IOB's and P-ALG-EXTENDED-EVEN's did not in 15 minutes on a loaded
#: machine, and now end unknown at the limit, the same on every run). Its backstop is far
#: above the time 2 000 M take at the slowest count measured (1.1 M/s for that search).
THOROUGH_BMC_RLIMIT = 2_000_000_000
THOROUGH_INDUCTION_RLIMIT = 500_000_000
THOROUGH_BACKSTOP_S = 7200
PROOF_SETTINGS: dict[str, ProofSettings] = {
    "ci": ProofSettings(bmc_depth=3, max_k=1),
    "thorough": ProofSettings(bmc_depth=6, max_k=3, bmc_rlimit=THOROUGH_BMC_RLIMIT,
                              induction_rlimit=THOROUGH_INDUCTION_RLIMIT,
                              backstop_s=THOROUGH_BACKSTOP_S),
}


ProofJob = tuple[str, Params, ProofSettings]  # a property's id, the pump, the budgets


def _prove_one(args: ProofJob) -> list[MethodResult]:
    prop_id, params, settings = args
    prop = by_id(prop_id)
    depth = max(settings.max_k, prop.induction_depth)
    induction = dataclasses.replace(settings, max_k=depth)
    # The proof covers every valid setting and so does the bounded search, except for the
    # properties whose symbolic search Z3 does not finish in time: those search with the
    # spec's settings, and the result's scope says which.
    search = dataclasses.replace(settings, symbolic_settings=prop.bmc_symbolic_settings)
    if not prop.induction or settings.induction_rlimit < prop.proof_rlimit:
        why = ("Z3 does not decide its inductive step" if not prop.induction else
               f"its proof needs a Z3 resource limit of {rlimit_text(prop.proof_rlimit)} "
               f"per check (this profile: {rlimit_text(settings.induction_rlimit)}); the "
               "thorough profile attempts it")
        skipped = MethodResult(Method.KINDUCTION, Verdict.UNKNOWN,
                               detail=f"not attempted: {why}")
        return [skipped, bmc(prop, params, search)]
    return [k_induction(prop, params, induction), bmc(prop, params, search)]


def _prove_fresh(task: tuple[tuple[str, ...], ProofJob]) -> list[MethodResult]:
    """One job in its fresh process, with the parent's ``--properties`` modules."""
    modules, job = task
    os.environ[MODULES_ENV] = ",".join(modules)
    return _prove_one(job)


def prove_all(jobs: Sequence[ProofJob], workers: int) -> list[list[MethodResult]]:
    """The Z3 results of every job, in job order, each in a fresh process, ``workers`` at a
    time: how much of its resource limit a check consumes depends on what its process asked
    Z3 before, so the same jobs give the same counts, hence the same verdicts, however many
    workers, in whatever order, under whatever load (see :mod:`.fanout`)."""
    modules = property_modules()
    return fan_out(_prove_fresh, [(modules, job) for job in jobs], workers, fresh=True)


def check_links(spec: Spec, props: Sequence[Property]) -> None:
    """Every requirement a property names must exist in the spec."""
    missing = [
        f"properties: {prop.id}: requirement {req_id} is not in requirements.yaml"
        for prop in props
        for req_id in prop.requirements
        if req_id not in spec.requirement_ids
    ]
    if missing:
        raise SpecError(missing)


def verify(
    spec: Spec,
    profile: str = "ci",
    seed: int = 0,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
    properties: Sequence[Property] | None = None,
) -> Evidence:
    """Every property: k-induction and BMC in Z3 (when composable), then fuzzing."""
    params = Params(spec.settings)
    props = list(properties or all_properties())
    check_links(spec, props)
    observers = [p for p in props if not isinstance(p, ContractProperty)]
    ranges = tuple((name, low, high) for name, (low, high) in sorted(spec.ranges.items()))
    settings = dataclasses.replace(PROOF_SETTINGS[profile], ranges=ranges)
    proved: dict[str, list[MethodResult]] = {}
    jobs = [(p.id, params, settings) for p in observers if p.prove]
    if progress:
        progress(f"proving {len(jobs)} properties in Z3 on {min(workers, len(jobs))} "
                 "worker(s)")
    for (prop_id, _, _), results in zip(jobs, prove_all(jobs, workers), strict=True):
        proved[prop_id] = results
        if progress:
            progress(f"proved {prop_id}: {results[0].verdict.value}")
    if progress:
        progress("proving the model's invariants")
    obligations = (prove_state_invariants(params, settings),)
    if progress:
        progress("fuzzing the reference model")
    outcome = fuzz(
        spec, params, observers, lambda: make_target("reference", spec), PROFILES[profile], seed
    )
    # Then the same properties under other valid settings (a 1 mU pulse, a bolus rate that
    # is not a whole number of pulses, short timers), each a smaller campaign of its own.
    others = []
    for name, other in settings_profiles(spec.settings, spec.ranges).items():
        if progress:
            progress(f"fuzzing the reference model with settings '{name}'")
        others.append(fuzz(spec, Params(other), observers, lambda: make_target("reference", spec),
                           OTHER_SETTINGS_FUZZ[profile], seed))
    outcome = merge_outcomes([outcome, *others])
    evidence = []
    for prop in props:
        if isinstance(prop, ContractProperty):
            if progress:
                progress(f"CrossHair contracts of {prop.id}")
            evidence.append(PropertyEvidence.of(prop, (check_contracts(prop, profile),)))
            continue
        results = list(proved.get(prop.id, []))
        if not prop.prove:
            results.append(MethodResult(Method.KINDUCTION, Verdict.UNKNOWN,
                                        detail=f"not attempted: {prop.why_not_proved}"))
        results.append(fuzz_result(outcome, prop.id, f" (seed {seed})"))
        evidence.append(PropertyEvidence.of(prop, results))
    return Evidence(spec.name, tuple(spec.file_hashes), seed, profile, tuple(evidence),
                    obligations=obligations)


def fuzz_result(outcome: FuzzOutcome, prop_id: str, suffix: str = "") -> MethodResult:
    """The fuzzing result of one property from a campaign's outcome."""
    trace = outcome.violations.get(prop_id)
    return MethodResult(
        Method.FUZZ,
        Verdict.VIOLATED if trace else Verdict.PASSED,
        examples=outcome.examples,
        triggers=outcome.triggers.get(prop_id, 0),
        counterexample=trace,
        detail=(
            f"violated; shrunk trace of {len(trace)} requests" if trace
            else f"no violation in {outcome.examples} examples, "
            f"{outcome.requests} requests{suffix}"
        ),
    )
