"""Per-target evidence: a target that cannot answer, or never saw a situation, is no pass."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from pumpproof.campaigns.assessment import NOT_EXERCISED_ON_TARGET, assess_target, campaign_verdict
from pumpproof.campaigns.check import CheckOptions, run_check, target_result
from pumpproof.campaigns.junit import check_suite, junit_text
from pumpproof.engines.fuzz import FuzzOutcome
from pumpproof.properties.catalogue import all_properties, by_id, observer_properties
from pumpproof.properties.evidence import (
    NOT_EXERCISED_FAILURE,
    VACUOUS_ON_TARGET,
    Evidence,
    PropertyEvidence,
)
from pumpproof.properties.verdicts import Method, MethodResult, Verdict
from pumpproof.spec import load_spec
from tests.fixtures import garbage_pump

SPEC = load_spec()
GARBAGE = f"cmd:{sys.executable} {garbage_pump.__file__}"


def test_a_garbage_target_leaves_every_property_unknown_and_junit_errors() -> None:
    result = run_check(SPEC, CheckOptions(target=GARBAGE, budget_s=5.0, timeout_s=2.0))
    failure = result.target.failure
    assert failure is not None and "answer is not JSON" in failure.message, failure
    # REQ-COMM-2 ("answer every request ... without crashing") is what broke: violated, with
    # the requests that did it; every other property was never exercised: unknown
    answers = "P-COMM-ANSWER-STEP"
    verdicts = {item.prop.id: item.verdict for item in result.evidence.properties}
    assert verdicts.pop(answers) is Verdict.VIOLATED
    assert set(verdicts.values()) == {Verdict.UNKNOWN}
    assert all(r.detail.startswith(NOT_EXERCISED_FAILURE)
               for item in result.evidence.properties if item.prop.id != answers
               for r in item.results)
    (broken,) = (r for item in result.evidence.properties if item.prop.id == answers
                 for r in item.results)
    assert "the target failed" in broken.detail and broken.counterexample
    assert broken.counterexample[0]["op"] == "configure"
    root = ET.fromstring(junit_text([check_suite(result.evidence, False)]))
    assert root.get("errors") == str(len(observer_properties()) - 1)
    assert len(root.findall("testcase/error")) == len(observer_properties()) - 1
    failed = {case.get("classname", "") + " " + case.get("name", "")
              for case in root.findall("testcase") if case.find("failure") is not None}
    assert any(answers in name for name in failed), failed
    assessment = assess_target(SPEC, result.evidence)
    assert assessment.verdict is Verdict.VIOLATED
    assert assessment.hazards is not None
    controls = {c.id: c for c in assessment.hazards.controls}
    # the firmware-crash hazard's control failed on this build
    assert controls["RC-ROBUST-PROTOCOL"].verdict is Verdict.VIOLATED
    assert controls["RC-ROBUST-PROTOCOL"].p_fail_per_demand == 1
    assert controls["RC-OCCLUSION"].verdict is Verdict.UNKNOWN  # never "passed"
    assert SPEC.hazard_log is not None
    unknown = SPEC.hazard_log.verdict_probability["unknown"].p
    assert controls["RC-OCCLUSION"].p_fail_per_demand == unknown


def test_a_property_whose_trigger_never_happened_on_a_target_is_vacuous_not_passed() -> None:
    outcome = FuzzOutcome(triggers={"P-DKA-OCCLUSION": 0, "P-DOSE-MAX-BOLUS": 7}, examples=20,
                          requests=400)
    occlusion, max_bolus = by_id("P-DKA-OCCLUSION"), by_id("P-DOSE-MAX-BOLUS")
    vacuous = target_result(outcome, occlusion)
    assert vacuous.verdict is Verdict.UNKNOWN and vacuous.detail.startswith(VACUOUS_ON_TARGET)
    assert target_result(outcome, max_bolus).verdict is Verdict.PASSED
    failed = replace(outcome, target_failure="target exited with status -6")
    assert target_result(failed, max_bolus).detail.startswith(NOT_EXERCISED_FAILURE)
    violated = replace(failed, violations={"P-DOSE-MAX-BOLUS": [{"op": "tick"}]})
    assert target_result(violated, max_bolus).verdict is Verdict.VIOLATED


def _target(verdicts: dict[str, Verdict]) -> Evidence:
    """A target's evidence: every observer property passed by fuzzing, but ``verdicts``."""
    reference = run_check(SPEC, CheckOptions(target="reference", budget_s=1.0)).evidence
    items = tuple(
        PropertyEvidence(item.prop, verdicts.get(item.prop.id, Verdict.PASSED),
                         (MethodResult(Method.FUZZ, verdicts.get(item.prop.id, Verdict.PASSED),
                                       examples=20, triggers=5),))
        for item in reference.properties)
    return replace(reference, properties=items)


def test_a_target_violation_fails_its_control_and_leads_the_campaign_verdict() -> None:
    buggy = assess_target(SPEC, _target({"P-DKA-OCCLUSION": Verdict.VIOLATED}))
    assert buggy.verdict is Verdict.VIOLATED
    assert buggy.hazards is not None
    controls = {c.id: c for c in buggy.hazards.controls}
    occlusion = controls["RC-OCCLUSION"]
    assert occlusion.verdict is Verdict.VIOLATED and occlusion.p_fail_per_demand == 1
    assert "H-OCCLUSION" in buggy.unacceptable
    # properties the protocol check cannot exercise are unknown for the target, and say why
    contracts = {p.id for p in all_properties()} - {p.id for p in observer_properties()}
    assert {pid for pid, _ in buggy.not_exercised} == contracts
    assert {why for _, why in buggy.not_exercised} == {NOT_EXERCISED_ON_TARGET}
    assert all(buggy.verdicts[pid] is Verdict.UNKNOWN for pid in contracts)
    # a model that passes does not hide the build's violation
    model = replace(buggy.evidence, target=None)
    model = replace(model, properties=tuple(replace(i, verdict=Verdict.PROVED)
                                            for i in model.properties))
    assert campaign_verdict(model, [buggy]) is Verdict.VIOLATED
    correct = assess_target(SPEC, _target({}))
    assert correct.verdict is Verdict.PASSED
    # fuzzing alone (passed: 1e-3 per demand) does not bring an S5 hazard below 1e-4 per
    # patient-year, so a correct build's residual risk is unacceptable too; the violation
    # shows as a far higher frequency: 6 occlusions a year × 1 × 0.05 = 0.3 per patient-year
    assert buggy.hazards is not None and correct.hazards is not None
    occlusion_after = {h.id: h.frequency_after_per_year for h in buggy.hazards.hazards}
    correct_after = {h.id: h.frequency_after_per_year for h in correct.hazards.hazards}
    assert occlusion_after["H-OCCLUSION"] == pytest.approx(0.3, rel=1e-12)
    assert (correct_after["H-OCCLUSION"] or 1.0) < 0.01
    assert campaign_verdict(model, [correct]) is Verdict.PASSED
