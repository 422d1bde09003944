"""Selftest: every mutant of the model must be caught by the property written for it.

For each mutant the property's methods run on the mutated model, cheapest first:
k-induction (whose base case is a bounded search from minute 0), BMC, then the
directed scenarios and Hypothesis fuzzing. A mutant is *killed* only by a concrete,
replayed violation — an unproved property is not a kill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pumpproof.engines.contracts import check_contracts
from pumpproof.engines.fuzz import FuzzProfile, fuzz
from pumpproof.engines.prove import ProofSettings, bmc, k_induction
from pumpproof.engines.scenarios import settings_profiles
from pumpproof.properties.catalogue import all_properties, by_id
from pumpproof.properties.contracts import ContractProperty
from pumpproof.properties.verdicts import Method, Verdict
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.spec import Spec
from pumpproof.targets import InProcessTarget

from .mutants import MUTANTS, Mutant

__all__ = ["MutantResult", "selftest", "selftest_summary"]

_FUZZ = FuzzProfile(examples=150, steps=60, max_tick_run=240)
_FUZZ_OTHER = FuzzProfile(examples=40, steps=40, max_tick_run=240)


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    killed: bool
    by: Method | None  # the method that found the violation


def _kill(mutant: Mutant, spec: Spec, params: Params, seed: int) -> MutantResult:
    prop = by_id(mutant.property_id)
    if isinstance(prop, ContractProperty):
        result = check_contracts(prop, "ci", mutant.contract_targets)
        killed = result.verdict is Verdict.VIOLATED
        return MutantResult(mutant, killed, Method.CONTRACT if killed else None)
    rules = mutant.rules
    assert rules is not None
    ranges = tuple((name, low, high) for name, (low, high) in sorted(spec.ranges.items()))
    if prop.prove:
        proof_settings = ProofSettings(max_k=1, ranges=ranges)
        if prop.induction and proof_settings.induction_rlimit >= prop.proof_rlimit:
            proof = k_induction(prop, params, proof_settings, rules=rules)
            if proof.verdict is Verdict.VIOLATED:
                return MutantResult(mutant, True, Method.KINDUCTION)
        search = ProofSettings(bmc_depth=3, symbolic_settings=False, ranges=ranges)
        if bmc(prop, params, search, rules=rules).verdict is Verdict.VIOLATED:
            return MutantResult(mutant, True, Method.BMC)

    def mutated_pump() -> InProcessTarget:
        return InProcessTarget(rules.name, ReferencePump(spec, rules=rules), model=True)

    # The spec's settings first, then the other settings profiles: some bugs hide behind
    # round numbers (a bolus rate that is a whole number of pulses).
    others = settings_profiles(spec.settings, spec.ranges).values()
    for settings, profile in [(params.settings, _FUZZ), *((s, _FUZZ_OTHER) for s in others)]:
        outcome = fuzz(spec, Params(settings), [prop], mutated_pump, profile, seed)
        if prop.id in outcome.violations:
            return MutantResult(mutant, True, Method.FUZZ)
    return MutantResult(mutant, False, None)


def selftest(
    spec: Spec, seed: int = 0, progress: Callable[[str], None] | None = None
) -> list[MutantResult]:
    params = Params(spec.settings)
    results = []
    for mutant in MUTANTS:
        if progress:
            progress(f"mutant {mutant.name} → {mutant.property_id}")
        results.append(_kill(mutant, spec, params, seed))
    return results


def selftest_summary(results: list[MutantResult]) -> dict[str, Any]:
    """Counts, and mutants killed per property (``per_property``): the tool-validation
    evidence a bundle carries (``run --selftest``, ``run --selftest-json``)."""
    covered = {r.mutant.property_id for r in results if r.killed}
    per_property: dict[str, dict[str, int]] = {}
    for r in results:
        entry = per_property.setdefault(r.mutant.property_id, {"mutants": 0, "killed": 0})
        entry["mutants"] += 1
        entry["killed"] += int(r.killed)
    return {
        "mutants": len(results),
        "killed": sum(r.killed for r in results),
        "properties_covered": len(covered),
        "properties": len(all_properties()),
        "per_property": dict(sorted(per_property.items())),
    }
