"""Proof budgets are Z3 resource limits: the same verdicts under any load, and an
``unknown`` that names the bound that stopped Z3 (never a crash, never "proved")."""

from __future__ import annotations

import dataclasses

import z3

from pumpproof.campaigns.verify import PROOF_SETTINGS, prove_all
from pumpproof.engines.budget import BoundedSolver
from pumpproof.engines.prove import (
    BACKSTOP_S,
    INDUCTION_RLIMIT,
    ProofSettings,
    bmc,
    k_induction,
    prove_state_invariants,
)
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.evidence import Evidence, PropertyEvidence
from pumpproof.properties.verdicts import BACKSTOP, Method, MethodResult, Verdict
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec

PARAMS = Params(load_spec().settings)
CI = PROOF_SETTINGS["ci"]
TINY = 1_000


def test_the_same_proofs_twice_give_identical_rlimit_bounded_results() -> None:
    """Two runs on two workers: the same results (verdict, detail, scope with its budget)
    and the same resource count of every check, which is what makes them load-proof."""
    jobs = [(prop_id, PARAMS, CI) for prop_id in
            ("P-DOSE-MAX-BOLUS", "P-SEC-REPLAY", "P-DKA-OCCLUSION")]
    first, second = prove_all(jobs, workers=2), prove_all(jobs, workers=2)
    assert [[r.to_json() for r in results] for results in first] == [
        [r.to_json() for r in results] for results in second]
    assert [[r.rlimit_peak for r in results] for results in first] == [
        [r.rlimit_peak for r in results] for results in second]
    for (prop_id, _, _), (induction, search) in zip(jobs, first, strict=True):
        assert induction.verdict is Verdict.PROVED, (prop_id, induction.detail)
        assert search.verdict is Verdict.PASSED, (prop_id, search.detail)
        assert induction.scope is not None and induction.scope["budget"] == {
            "z3_rlimit_per_check": INDUCTION_RLIMIT, "wall_clock_backstop_s": BACKSTOP_S}
        assert search.scope is not None
        assert search.scope["budget"]["z3_rlimit_per_check"] == CI.bmc_rlimit
        assert 0 < (induction.rlimit_peak or 0) < INDUCTION_RLIMIT // 10


def _ran_out(result: MethodResult, limit: int) -> None:
    assert result.verdict is Verdict.UNKNOWN, result.detail
    assert f"Z3's resource limit of {limit:,} per check ran out (rlimit, deterministic)" in (
        result.detail)
    assert result.rlimit_peak == limit


def test_a_tiny_rlimit_makes_a_proof_unknown_naming_the_resource_limit() -> None:
    prop = by_id("P-DOSE-MAX-BOLUS")
    tiny = ProofSettings(max_k=1, bmc_depth=3, bmc_rlimit=TINY, induction_rlimit=TINY,
                         invariants_rlimit=TINY)
    proof = k_induction(prop, PARAMS, tiny)
    _ran_out(proof, TINY)
    assert proof.scope is not None and proof.scope["budget"]["z3_rlimit_per_check"] == TINY
    _ran_out(bmc(prop, PARAMS, tiny), TINY)
    # The invariants obligation: an exhausted check is no conclusion (it used to read as a
    # violated invariant, and an exhausted vacuity check as "vacuous").
    _ran_out(prove_state_invariants(PARAMS, tiny), TINY)
    # The same budget, the same verdict and words.
    assert k_induction(prop, PARAMS, tiny).to_json() == proof.to_json()


def test_the_wall_clock_backstop_says_it_fired_and_degrades_the_evidence() -> None:
    solver = BoundedSolver(rlimit=2**32 - 1, backstop_s=1)
    x, y, z = z3.Ints("x y z")
    solver.add(x * x * x + y * y * y + z * z * z == 33, x > 1000, y < -1000)
    assert solver.check() == z3.unknown
    why = solver.why_unknown()
    assert why.startswith(f"{BACKSTOP}: stopped after 1 s of wall clock"), why
    result = MethodResult(Method.KINDUCTION, Verdict.UNKNOWN, depth=1,
                          detail=f"Z3 gave up in the inductive step: {why}")
    prop = by_id("P-DOSE-MAX-BOLUS")
    evidence = Evidence("spec", (), 0, "ci", (PropertyEvidence.of(prop, (result,)),))
    assert f"P-DOSE-MAX-BOLUS: kinduction: Z3 gave up in the inductive step: {BACKSTOP}" in (
        " ".join(evidence.degraded))


def test_a_proof_that_needs_more_than_the_profile_is_not_attempted_and_says_why() -> None:
    from pumpproof.campaigns.verify import _prove_one

    prop = by_id("P-DKA-BASAL-DELIVERED")
    assert prop.proof_rlimit > CI.induction_rlimit
    assert PROOF_SETTINGS["thorough"].induction_rlimit >= prop.proof_rlimit
    skipped = _prove_one((prop.id, PARAMS, dataclasses.replace(CI, bmc_depth=1)))[0]
    assert skipped.verdict is Verdict.UNKNOWN
    assert skipped.detail == (
        f"not attempted: its proof needs a Z3 resource limit of {prop.proof_rlimit:,} per "
        f"check (this profile: {CI.induction_rlimit:,}); the thorough profile attempts it")
