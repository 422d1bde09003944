"""Traceability gaps of the built-in hazard log, and the ALARP-without-justification finding."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pumpproof.hazards.risk import alarp_without_justification, assess
from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import default_spec_dir, load_spec

REQUIREMENTS = {p.id: p.requirements for p in all_properties()}


def test_built_in_spec_has_no_unverifiable_requirement_or_dangling_control() -> None:
    gaps = assess(load_spec(), REQUIREMENTS, None).gaps
    kinds = {g.kind for g in gaps}
    # every proof/fuzz requirement has a property; every control rests on requirements and
    # sits on a hazard; every ALARP residual risk is justified
    assert not kinds & {"requirement_without_property", "control_without_requirement",
                        "control_without_hazard", "alarp_without_justification"}, gaps


def test_declared_hazards_say_so() -> None:
    hazards = {h.id: h for h in assess(load_spec(), REQUIREMENTS, None).hazards}
    runaway = hazards["H-RUNAWAY-MOTOR"].to_json()
    assert runaway["probability_basis"] == "declared"
    assert runaway["frequency_after_per_year"] is None
    assert runaway["severity_name"] == "catastrophic"
    assert runaway["benefit_risk_justification"]
    assert hazards["H-OVER-BOLUS"].probability_basis == "fault_tree"


def test_a_hazard_computed_alarp_without_justification_is_a_gap(tmp_path: Path) -> None:
    spec_dir = tmp_path / "spec"
    shutil.copytree(default_spec_dir(), spec_dir,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = spec_dir / "hazards.yaml"
    # declared unacceptable (S5 × P3), so the loader asks for no justification; its fault
    # tree computes P2 from the priors, which is ALARP
    block = re.compile(r"(  - id: H-DAILY-RESET\n(?:    .*\n)*?)    probability_after: 2\n"
                       r"((?:    .*\n)*?)    benefit_risk_justification: .*\n")
    text, count = block.subn(r"\g<1>    probability_after: 3\n\g<2>", path.read_text())
    assert count == 1
    path.write_text(text)
    result = assess(load_spec(spec_dir), REQUIREMENTS, None)
    daily = next(h for h in result.hazards if h.id == "H-DAILY-RESET")
    assert daily.declared_probability_after == 3 and daily.risk_after == "alarp"
    found = [g for g in result.gaps if g.kind == "alarp_without_justification"]
    assert [g.item for g in found] == ["H-DAILY-RESET"]
    assert "from FT-HYPO" in found[0].message
    # the other hazards all carry their justification: no finding for them
    justified = [h for h in result.hazards if h.id != "H-DAILY-RESET"]
    assert alarp_without_justification(justified) == []
