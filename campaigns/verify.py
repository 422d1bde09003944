"""A verification campaign on the reference model: prove, search and fuzz every property.

Pure orchestration: takes a spec and options, returns :class:`PropertyEvidence` per
property. Writing files and printing belong to the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from pumpproof.engines.contracts import check_contracts
from pumpproof.engines.fuzz import PROFILES, fuzz
from pumpproof.engines.prove import ProofSettings, bmc, k_induction
from pumpproof.errors import SpecError
from pumpproof.properties.catalogue import all_properties, by_id
from pumpproof.properties.contracts import ContractProperty
from pumpproof.properties.observer import Property
from pumpproof.properties.verdicts import MethodResult, Verdict, overall_verdict
from pumpproof.pump_model import Params
from pumpproof.spec import Spec
from pumpproof.targets import make_target

__all__ = ["PROOF_SETTINGS", "PropertyEvidence", "check_links", "verify"]

PROOF_SETTINGS: dict[str, ProofSettings] = {
    "ci": ProofSettings(bmc_depth=3, max_k=1, timeout_ms=60_000),
    "thorough": ProofSettings(bmc_depth=6, max_k=3, timeout_ms=600_000),
}


@dataclass(frozen=True)
class PropertyEvidence:
    prop: Property
    results: tuple[MethodResult, ...]

    @property
    def verdict(self) -> Verdict:
        return overall_verdict(list(self.results))

    @property
    def triggers(self) -> int:
        return sum(r.triggers for r in self.results)


def _prove_one(args: tuple[str, Params, ProofSettings]) -> list[MethodResult]:
    prop_id, params, settings = args
    prop = by_id(prop_id)
    depth = max(settings.max_k, prop.induction_depth)
    induction = ProofSettings(settings.bmc_depth, depth, settings.timeout_ms)
    if not prop.induction or settings.timeout_ms < prop.proof_timeout_ms:
        return [bmc(prop, params, settings)]
    return [k_induction(prop, params, induction), bmc(prop, params, settings)]


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
) -> list[PropertyEvidence]:
    """Every property: k-induction and BMC in Z3 (when composable), then fuzzing."""
    params = Params(spec.settings)
    props = list(properties or all_properties())
    check_links(spec, props)
    observers = [p for p in props if not isinstance(p, ContractProperty)]
    settings = PROOF_SETTINGS[profile]
    proved: dict[str, list[MethodResult]] = {}
    jobs = [(p.id, params, settings) for p in observers if p.prove]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for (prop_id, _, _), results in zip(jobs, pool.map(_prove_one, jobs), strict=True):
                proved[prop_id] = results
                if progress:
                    progress(f"proved {prop_id}: {results[0].verdict.value}")
    else:
        for job in jobs:
            proved[job[0]] = _prove_one(job)
            if progress:
                progress(f"proved {job[0]}: {proved[job[0]][0].verdict.value}")
    if progress:
        progress("fuzzing the reference model")
    outcome = fuzz(
        spec, params, observers, lambda: make_target("reference", spec), PROFILES[profile], seed
    )
    evidence = []
    for prop in props:
        if isinstance(prop, ContractProperty):
            if progress:
                progress(f"CrossHair contracts of {prop.id}")
            evidence.append(PropertyEvidence(prop, (check_contracts(prop, profile),)))
            continue
        results = list(proved.get(prop.id, []))
        trace = outcome.violations.get(prop.id)
        results.append(
            MethodResult(
                "fuzz",
                Verdict.VIOLATED if trace else Verdict.PASSED,
                examples=outcome.examples,
                triggers=outcome.triggers.get(prop.id, 0),
                counterexample=trace,
                detail=(
                    f"violated; shrunk trace of {len(trace)} requests" if trace
                    else f"no violation in {outcome.examples} examples, "
                    f"{outcome.requests} requests (seed {seed})"
                ),
            )
        )
        evidence.append(PropertyEvidence(prop, tuple(results)))
    return evidence


def evidence_summary(evidence: Sequence[PropertyEvidence]) -> dict[str, Any]:
    counts: dict[str, int] = {v.value: 0 for v in Verdict}
    for item in evidence:
        counts[item.verdict.value] += 1
    return counts
