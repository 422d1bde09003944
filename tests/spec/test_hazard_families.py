"""The hazard log covers the hazard families of insulin-pump analyses and recalls, each with
controls resting on requirements; ALARP is accepted only with a benefit-risk justification."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pumpproof.errors import SpecError
from pumpproof.spec import default_spec_dir, load_spec

SPEC = load_spec()
LOG = SPEC.hazard_log
assert LOG is not None

#: One hazard per family the safety engineer listed (issue #14, item 2); the retainer and
#: the cracked reservoir are one family with two different sequences.
FAMILIES = {
    "uncommanded delivery from a hardware fault": "H-RUNAWAY-MOTOR",
    "free flow": "H-FREE-FLOW",
    "air in the line": "H-AIR-IN-LINE",
    "pressure or altitude change": "H-PRESSURE-CHANGE",
    "priming while connected": "H-PRIME-CONNECTED",
    "wrong insulin concentration": "H-WRONG-CONCENTRATION",
    "insulin degraded by heat": "H-INSULIN-DEGRADED",
    "mechanical damage of the reservoir": "H-RESERVOIR-CRACKED",
    "mechanical damage of the retainer": "H-RETAINER-UNLOCKED",
    "EMC/ESD": "H-EMC-ESD",
    "memory corruption": "H-MEMORY-CORRUPTION",
    "watchdog failure": "H-WATCHDOG-FAILURE",
    "delivery inaccuracy": "H-DELIVERY-INACCURACY",
}
NEW_CONTROLS = ("RC-DELIVERY-SUPERVISOR", "RC-ANTI-FREE-FLOW", "RC-PRIMING-PROCEDURE",
                "RC-PRIME-DISCONNECTED", "RC-CONCENTRATION-LABELING", "RC-HEAT-LABELING",
                "RC-RESERVOIR-DESIGN", "RC-RESERVOIR-INSPECTION", "RC-EMC-TESTED",
                "RC-ENVIRONMENT-TESTED", "RC-ALTITUDE-GUIDANCE", "RC-MEMORY-INTEGRITY",
                "RC-WATCHDOG", "RC-DELIVERY-ACCURACY")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_has_a_complete_hazard(family: str) -> None:
    hazard = next(h for h in LOG.hazards if h.id == FAMILIES[family])
    assert hazard.causes and hazard.sequence_of_events and hazard.hazardous_situation
    assert hazard.controls and hazard.sources
    # both harms can kill, so the scale's own definition puts them at S5 (death)
    assert hazard.harm in {"severe_hypoglycaemia", "dka"}
    catastrophic = next(s for s in LOG.severity_levels if s.id == hazard.severity)
    assert "Death" in catastrophic.description
    assert hazard.probability_after <= hazard.probability_before
    assert hazard.fault_tree is None  # declared levels: no tree of the freq rewrite yet


def test_every_new_control_rests_on_requirements_and_sits_on_a_hazard() -> None:
    used = {c for h in LOG.hazards for c in h.controls}
    for control_id in NEW_CONTROLS:
        control = LOG.control(control_id)
        assert control.requirements, control_id
        assert control_id in used, control_id
        for req_id in control.requirements:
            req = SPEC.requirement(req_id)
            # a bench, usability or labeling requirement is verified by its named record
            if set(req.verification) <= {"test", "review", "analysis"}:
                assert req.review_record, req_id


def test_new_controls_do_not_borrow_proofs_for_hardware() -> None:
    # a control mixing a hardware test with a proved requirement would take the proof's
    # failure probability; the model's reaction is linked as its own control on the hazard
    for control_id in NEW_CONTROLS:
        methods = {m for r in LOG.control(control_id).requirements
                   for m in SPEC.requirement(r).verification}
        assert not methods & {"proof", "fuzz", "contract"}, control_id
    runaway = next(h for h in LOG.hazards if h.id == "H-RUNAWAY-MOTOR")
    assert "RC-BATTERY-MOTOR" in runaway.controls  # motor fault → stop and alarm, proved


def test_every_declared_alarp_hazard_is_justified() -> None:
    for hazard in LOG.hazards:
        if LOG.acceptable(hazard.severity, hazard.probability_after) == "alarp":
            assert (hazard.benefit_risk_justification or "").strip(), hazard.id


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(default_spec_dir(), target,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _drop_justification(text: str, hazard_id: str, replacement: str = "") -> str:
    pattern = rf"(  - id: {hazard_id}\n(?:    .*\n)*?)    benefit_risk_justification: .*\n"
    edited, count = re.subn(pattern, rf"\g<1>{replacement}", text)
    assert count == 1
    return edited


@pytest.mark.parametrize("replacement", ["", '    benefit_risk_justification: "   "\n'])
def test_alarp_without_justification_is_refused(tmp_path: Path, replacement: str) -> None:
    spec_dir = _copy(tmp_path)
    path = spec_dir / "hazards.yaml"
    path.write_text(_drop_justification(path.read_text(), "H-FREE-FLOW", replacement))
    with pytest.raises(SpecError) as refused:
        load_spec(spec_dir)
    [problem] = refused.value.problems
    assert problem.startswith(f"{spec_dir}/hazards.yaml: hazards[")
    assert ("(H-FREE-FLOW).benefit_risk_justification: the residual risk is ALARP (S5 × P2"
            in problem)


def test_acceptable_hazard_needs_no_justification(tmp_path: Path) -> None:
    spec_dir = _copy(tmp_path)
    path = spec_dir / "hazards.yaml"
    text = _drop_justification(path.read_text(), "H-UNATTENDED")
    # S4 × P1 is acceptable in the matrix: nothing to justify
    text = text.replace("    severity: 5\n    probability_before: 3\n    controls: [RC-AUTO-OFF]\n"
                        "    probability_after: 2\n",
                        "    severity: 4\n    probability_before: 3\n    controls: [RC-AUTO-OFF]\n"
                        "    probability_after: 1\n")
    path.write_text(text)
    log = load_spec(spec_dir).hazard_log
    assert log is not None
    hazard = next(h for h in log.hazards if h.id == "H-UNATTENDED")
    assert hazard.benefit_risk_justification is None and hazard.probability_after == 1
    assert (hazard.severity, log.acceptable(4, 1)) == (4, "acceptable")


def test_a_test_only_requirement_needs_its_record(tmp_path: Path) -> None:
    spec_dir = _copy(tmp_path)
    path = spec_dir / "requirements.yaml"
    text = path.read_text()
    edited = re.sub(r"(- id: REQ-HW-6\n(?:  .*\n|    .*\n)*?)  review_record: .*\n", r"\g<1>",
                    text, count=1)
    assert edited != text
    path.write_text(edited)
    with pytest.raises(SpecError) as refused:
        load_spec(spec_dir)
    assert any("(REQ-HW-6): verified by test only, so it needs a review_record" in p
               for p in refused.value.problems)
