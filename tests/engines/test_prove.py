"""Z3 proofs can fail: broken variants of the model are caught, the reference is not."""

from __future__ import annotations

from pumpproof.engines.monitor import replay_violates
from pumpproof.engines.prove import ProofSettings, bmc, k_induction
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.observer import Context
from pumpproof.properties.verdicts import Verdict
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec
from tests.fixtures.mutants import bolus_limit_shifted

PARAMS = Params(load_spec().settings)


def test_reference_proves_max_bolus_and_daily_total() -> None:
    for prop_id in ("P-DOSE-MAX-BOLUS", "P-DOSE-DAILY-TOTAL", "P-SEC-REPLAY"):
        result = k_induction(by_id(prop_id), PARAMS, ProofSettings(max_k=1))
        assert result.verdict is Verdict.PROVED, (prop_id, result.detail)
        assert result.depth == 1


def test_off_by_one_max_bolus_is_violated_with_a_replayable_trace() -> None:
    prop = by_id("P-DOSE-MAX-BOLUS")
    rules = bolus_limit_shifted(PARAMS.settings.pulse_mU)
    result = k_induction(prop, PARAMS, ProofSettings(max_k=1), rules=rules)
    assert result.verdict is Verdict.VIOLATED
    trace = result.counterexample
    assert trace is not None and trace[-1]["event"]["kind"] == "bolus"
    event = trace[-1]["event"]
    assert trace[0]["op"] == "configure"  # the settings the proof picked
    limit = trace[0]["settings"]["max_bolus_mU"]
    total = event["amount_mU"] + event["extended_mU"]
    assert limit < total <= limit + PARAMS.settings.pulse_mU  # within the mutant's slack
    assert replay_violates(prop, PARAMS, trace, Context.for_proof(PARAMS), rules)
    # The same trace on the correct model does not violate.
    assert not replay_violates(prop, PARAMS, trace, Context.for_proof(PARAMS))


def test_a_loose_daily_limit_is_not_proved() -> None:
    """With the spec's settings the violation is deep (BMC cannot reach it at depth 3) and
    k-induction must not say proved; over every valid setting, BMC finds it at once (with a
    daily limit of one bolus) and replays it."""
    prop = by_id("P-DOSE-DAILY-TOTAL")
    rules = bolus_limit_shifted(50, field="max_daily_total_mU")
    fixed = ProofSettings(max_k=1, bmc_depth=3, symbolic_settings=False)
    assert k_induction(prop, PARAMS, fixed, rules=rules).verdict is Verdict.UNKNOWN
    assert bmc(prop, PARAMS, fixed, rules=rules).verdict is Verdict.PASSED
    found = bmc(prop, PARAMS, ProofSettings(bmc_depth=3), rules=rules)
    assert found.verdict is Verdict.VIOLATED, found.detail
    assert found.counterexample is not None and found.counterexample[0]["op"] == "configure"
