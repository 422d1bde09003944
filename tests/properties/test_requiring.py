"""Properties that require: the reference pump passes each on a concrete trace that drives
its situation, and the selftest mutant written for it fails on the same trace."""

from __future__ import annotations

import inspect
import os
from typing import Any

import pytest

from pumpproof.campaigns.verify import PROOF_SETTINGS, prove_all
from pumpproof.engines.monitor import replay_violates
from pumpproof.engines.prove import ProofSettings, bmc, k_induction
from pumpproof.engines.session import Session
from pumpproof.hazards.risk import gaps
from pumpproof.properties.catalogue import all_properties, by_id
from pumpproof.properties.observer import Context
from pumpproof.properties.verdicts import Verdict
from pumpproof.pump_model import Params, ReferencePump, Rules
from pumpproof.selftest.mutants import MUTANTS
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget

SPEC = load_spec()
PARAMS = Params(SPEC.settings)
S = SPEC.settings
PULSE = S.pulse_mU
BOLUS_MIN = -(-S.max_bolus_mU // (S.bolus_rate_mU_per_min // PULSE * PULSE)) + 1


def event(**fields: Any) -> dict[str, Any]:
    return {"op": "event", "event": fields}


def ticks(n: int) -> list[dict[str, Any]]:
    return [{"op": "tick"}] * n


def mutant(name: str) -> Rules:
    rules = next(m for m in MUTANTS if m.name == name).rules
    assert rules is not None
    return rules


def user_boluses_to_iob_cap() -> list[dict[str, Any]]:
    trace: list[dict[str, Any]] = []
    for i in range(S.max_iob_mU // S.max_bolus_mU):
        trace += [event(kind="bolus", amount_mU=S.max_bolus_mU, source="user", id=f"u{i}"),
                  *ticks(BOLUS_MIN)]
    return trace


# (property, concrete trace, mutant that must fail on it)
CASES: dict[str, tuple[list[dict[str, Any]], str]] = {
    "P-DKA-BOLUS-ACCEPTED": (
        [event(kind="bolus", amount_mU=S.max_bolus_mU, source="user", id="b1"),
         *ticks(BOLUS_MIN),
         event(kind="bolus", amount_mU=PULSE, extended_mU=4 * PULSE, extended_min=30,
               source="user", id="b2"),
         *ticks(32),
         event(kind="bolus", amount_mU=2 * PULSE, source="user", id="b3")],
        "standard_bolus_bad_request",
    ),
    "P-DKA-TEMP-BASAL-ACCEPTED": (
        [event(kind="temp_basal", rate_mU_per_h=0, duration_min=30, source="auto", id="t0"),
         event(kind="temp_basal", rate_mU_per_h=S.max_basal_rate_mU_per_h, duration_min=30,
               source="user", id="t1"),
         *ticks(5)],
        "zero_rate_auto_temp_refused",
    ),
    "P-HF-SUSPEND-RESUME": (
        [event(kind="suspend", source="auto"), event(kind="suspend", source="user"),
         *ticks(3), event(kind="resume", source="user"), *ticks(3)],
        "user_resume_needs_cgm",
    ),
    "P-DKA-BASAL-DELIVERED": (
        [*ticks(130), event(kind="set_clock", offset_min=360 - 130), *ticks(40),
         event(kind="set_basal_schedule", basal_schedule=[[0, 1234], [900, 50]]), *ticks(70),
         event(kind="restart"), *ticks(70)],
        "basal_rounded_each_minute",
    ),
    "P-CGM-AUTO-TEMP-ENDS": (
        [event(kind="cgm", glucose_mg_dL=180),
         event(kind="temp_basal", rate_mU_per_h=2000, duration_min=120, source="auto",
               id="a1"),
         *ticks(S.cgm_stale_min + 10)],
        "auto_temp_outlives_cgm",
    ),
    "P-ALARM-SUSPEND-TOO-LONG-DUE": (
        [event(kind="suspend", source="user"), *ticks(S.max_suspend_min + 5),
         event(kind="ack_alarm", code="suspend_too_long"), *ticks(5)],
        "suspend_too_long_at_once",
    ),
    "P-ALARM-STOP-CAUSE": (
        [event(kind="fault", fault="battery_low"), *ticks(3),
         event(kind="fault", fault="battery_depleted"), *ticks(3)],
        "low_battery_depletes",
    ),
    "P-HF-ALARM-ACK": (
        [event(kind="fault", fault="motor"), *ticks(2),
         event(kind="ack_alarm", code="motor"), *ticks(2),  # cause present: stays
         event(kind="fault", fault="motor_cleared"), *ticks(2),  # acknowledged: clears
         event(kind="resume", source="user"), *ticks(2)],
        "ack_not_recorded",
    ),
    "P-ALG-EXTENDED-EVEN": (
        [event(kind="temp_basal", rate_mU_per_h=0, duration_min=120, source="user", id="z"),
         event(kind="bolus", amount_mU=2 * PULSE, extended_mU=7 * PULSE, extended_min=5,
               source="user", id="x1"), *ticks(8),
         event(kind="bolus", amount_mU=0, extended_mU=3 * PULSE, extended_min=10,
               source="user", id="x2"), *ticks(12)],
        "extended_over_half_the_minutes",
    ),
    "P-COMM-ANSWER-STEP": (
        [*ticks(3), event(kind="restart"), *ticks(2)],
        "restart_takes_a_minute",
    ),
    "P-DOSE-AUTO-TEMP-IOB": (
        [*user_boluses_to_iob_cap(), event(kind="cgm", glucose_mg_dL=180),
         event(kind="temp_basal", rate_mU_per_h=S.max_basal_rate_mU_per_h, duration_min=120,
               source="auto", id="a1"),
         *ticks(S.cgm_stale_min)],
        "auto_temp_iob_withholding_dropped",
    ),
}


@pytest.mark.parametrize("prop_id", sorted(CASES))
def test_reference_passes_and_the_mutant_fails(prop_id: str) -> None:
    prop = by_id(prop_id)
    trace, mutant_name = CASES[prop_id]
    assert not replay_violates(prop, PARAMS, trace, Context.exact(PARAMS)), prop_id
    assert replay_violates(prop, PARAMS, trace, Context.exact(PARAMS), mutant(mutant_name))


@pytest.mark.parametrize("prop_id", sorted(CASES))
def test_the_trace_drives_the_property_in_a_session(prop_id: str) -> None:
    """Through a Session (the runtime monitor of ``check``): triggered, not violated."""
    trace, _ = CASES[prop_id]
    session = Session(PARAMS, [by_id(prop_id)], InProcessTarget("reference",
                                                                ReferencePump(SPEC)))
    session.configure()
    session.send_batch(trace)
    (run,) = session.monitor.runs
    assert run.violation_at is None
    assert run.triggers > 0


def test_every_requiring_property_has_a_mutant() -> None:
    assert {m.property_id for m in MUTANTS} >= set(CASES)


def test_a_zero_bolus_refusal_by_a_target_is_a_violation() -> None:
    """A target that refuses every bolus passes every forbidding property, not this one."""
    trace = [event(kind="bolus", amount_mU=S.max_bolus_mU, source="user", id="b1")]
    assert replay_violates(by_id("P-DKA-BOLUS-ACCEPTED"), PARAMS, trace,
                           rules=mutant("standard_bolus_bad_request"))
    extended = [event(kind="bolus", amount_mU=PULSE, extended_mU=PULSE, extended_min=10,
                      source="user", id="b1")]
    # the mutant refuses only standard boluses: an extended one is accepted by both
    assert not replay_violates(by_id("P-DKA-BOLUS-ACCEPTED"), PARAMS, extended,
                               rules=mutant("standard_bolus_bad_request"))


def test_a_bolus_still_possibly_running_is_not_required() -> None:
    """The observer asks for acceptance only when no bolus can still be in progress."""
    trace = [event(kind="bolus", amount_mU=PULSE, extended_mU=10 * PULSE, extended_min=60,
                   source="user", id="b1"), *ticks(30),
             event(kind="bolus", amount_mU=PULSE, source="user", id="b2")]
    prop = by_id("P-DKA-BOLUS-ACCEPTED")
    assert not replay_violates(prop, PARAMS, trace)


def test_auto_off_and_an_empty_reservoir_are_due_alarms() -> None:
    prop = by_id("P-ALARM-STOP-CAUSE")
    quiet = [*ticks(S.auto_off_min + 2), event(kind="ack_alarm", code="auto_off"), *ticks(2)]
    empty = [event(kind="suspend", source="user"), event(kind="fill", reservoir_mU=2 * PULSE),
             event(kind="resume", source="user"),
             event(kind="bolus", amount_mU=5 * PULSE, source="user", id="e1"), *ticks(3)]
    occlusion = [event(kind="fault", fault="occlusion"),
                 event(kind="bolus", amount_mU=S.max_bolus_mU, source="user", id="o1"),
                 *ticks(BOLUS_MIN)]
    for trace in (quiet, empty, occlusion):
        assert not replay_violates(prop, PARAMS, trace)


def test_every_proof_or_fuzz_requirement_has_a_property() -> None:
    links = {p.id: p.requirements for p in all_properties()}
    open_gaps = {g.item for g in gaps(SPEC, links) if g.kind == "requirement_without_property"}
    assert open_gaps == set()
    by_requirement = {r: [p for p, reqs in links.items() if r in reqs]
                      for r in ("REQ-COMM-2", "REQ-HF-2", "REQ-ALG-2", "REQ-DOSE-4", "REQ-CGM-2")}
    assert "P-COMM-ANSWER-STEP" in by_requirement["REQ-COMM-2"]
    assert "P-HF-ALARM-ACK" in by_requirement["REQ-HF-2"]
    assert "P-ALG-EXTENDED-EVEN" in by_requirement["REQ-ALG-2"]
    # and a requirement whose only property is gone is reported
    links.pop("P-COMM-ANSWER-STEP")
    assert {g.item for g in gaps(SPEC, links)
            if g.kind == "requirement_without_property"} == {"REQ-COMM-2"}
    assert "REQ-DOSE-4" in by_id("P-DOSE-AUTO-TEMP-IOB").requirements
    assert "REQ-CGM-2" in by_id("P-CGM-AUTO-TEMP-ENDS").requirements
    for prop_id in CASES:
        for req_id in by_id(prop_id).requirements:
            assert req_id in SPEC.requirement_ids


_PROVED = ("P-HF-SUSPEND-RESUME", "P-DKA-TEMP-BASAL-ACCEPTED", "P-CGM-AUTO-TEMP-ENDS",
           "P-ALARM-SUSPEND-TOO-LONG-DUE", "P-ALARM-STOP-CAUSE", "P-HF-ALARM-ACK",
           "P-COMM-ANSWER-STEP")
_SEARCHED = ("P-DKA-BOLUS-ACCEPTED", "P-ALG-EXTENDED-EVEN")  # BMC and fuzzing
_BRESENHAM = ("P-DOSE-AUTO-TEMP-IOB", "P-DKA-BASAL-DELIVERED")


@pytest.mark.slow
@pytest.mark.parametrize("prop_id", _PROVED)
def test_requiring_properties_are_proved_by_1_induction(prop_id: str) -> None:
    result = k_induction(by_id(prop_id), PARAMS, ProofSettings(max_k=1))
    assert result.verdict is Verdict.PROVED, result.detail


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("PUMPPROOF_THOROUGH_TESTS"),
                    reason="about a minute of Z3 per property: set PUMPPROOF_THOROUGH_TESTS=1")
@pytest.mark.parametrize("prop_id", _BRESENHAM)
def test_bresenham_properties_are_inductive(prop_id: str) -> None:
    """Proved within the property's own resource limit, in a process of its own as
    ``verify`` proves it (in this one, after the other proof, the count is ten times
    higher): deterministic, so the proof must conclude, whatever the machine's load."""
    prop = by_id(prop_id)
    assert prop.proof_rlimit > PROOF_SETTINGS["ci"].induction_rlimit  # thorough only
    budget = ProofSettings(max_k=1, bmc_depth=1, induction_rlimit=prop.proof_rlimit,
                           backstop_s=PROOF_SETTINGS["thorough"].backstop_s)
    result = prove_all([(prop_id, PARAMS, budget)], workers=1)[0][0]
    assert result.verdict is Verdict.PROVED, result.detail
    assert result.rlimit_peak is not None and result.rlimit_peak * 10 <= prop.proof_rlimit


def test_the_bolus_property_is_searched_by_bmc_not_induction() -> None:
    prop = by_id("P-DKA-BOLUS-ACCEPTED")
    assert prop.prove and not prop.induction
    assert "nonlinear" in inspect.getsource(type(prop))
    search = ProofSettings(bmc_depth=2, symbolic_settings=False)  # as verify searches
    assert bmc(prop, PARAMS, search).verdict is Verdict.PASSED
    broken = bmc(prop, PARAMS, search, rules=mutant("standard_bolus_bad_request"))
    assert broken.verdict is Verdict.VIOLATED
    assert set(CASES) - set(_PROVED) - set(_BRESENHAM) == set(_SEARCHED)


@pytest.mark.parametrize("prop_id", _SEARCHED)
def test_searched_properties_find_their_mutant_by_bmc(prop_id: str) -> None:
    prop = by_id(prop_id)
    assert prop.prove and not prop.induction
    _, mutant_name = CASES[prop_id]
    search = ProofSettings(bmc_depth=3, symbolic_settings=False)
    assert bmc(prop, PARAMS, search).verdict is Verdict.PASSED
    assert bmc(prop, PARAMS, search, rules=mutant(mutant_name)).verdict is Verdict.VIOLATED


def test_an_acknowledged_alarm_must_clear_once_its_cause_is_gone() -> None:
    """The ack is accepted by the mutant, so only the clearing clause catches it."""
    trace, _ = CASES["P-HF-ALARM-ACK"]
    prop = by_id("P-HF-ALARM-ACK")
    assert replay_violates(prop, PARAMS, trace, rules=mutant("ack_not_recorded"))
    assert replay_violates(prop, PARAMS, trace, rules=mutant("ack_refused_while_stopped"))
    # acknowledging an alarm that is not active may be refused: S11 says accept it, but a
    # refusal harms no one (a conformance note, not a finding)
    inactive = [event(kind="ack_alarm", code="motor"), *ticks(2)]
    assert not replay_violates(prop, PARAMS, inactive, rules=mutant("ack_refused_while_stopped"))


def test_an_extended_share_is_judged_only_without_basal() -> None:
    """With basal running the minute cannot be split: no trigger, hence no verdict."""
    trace = [event(kind="bolus", amount_mU=0, extended_mU=7 * PULSE, extended_min=5,
                   source="user", id="x1"), *ticks(8)]
    session = Session(PARAMS, [by_id("P-ALG-EXTENDED-EVEN")],
                      InProcessTarget("reference", ReferencePump(SPEC)))
    session.configure()
    session.send_batch(trace)
    assert S.basal_schedule[0][1] > 0
    assert session.monitor.runs[0].triggers == 0
