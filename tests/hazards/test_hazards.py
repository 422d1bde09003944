"""`pumpproof hazards`: fault trees, residual risk from evidence, gaps, without Graphviz."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pumpproof.hazards.fta import analyse as analyse_tree
from pumpproof.hazards.fta import read_mef
from pumpproof.hazards.risk import gaps
from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import default_spec_dir, load_spec
from tests.fixtures.cli import pumpproof


def _evidence(tmp: Path, violated: set[str]) -> Path:
    properties = [{"id": p.id, "requirements": list(p.requirements),
                   "verdict": "violated" if p.id in violated else "proved"}
                  for p in all_properties()]
    path = tmp / "evidence.json"
    path.write_text(json.dumps({"schema": "pumpproof.evidence/1", "properties": properties}))
    return path


def _no_unitless_numbers(item: dict[str, Any], allowed: set[str]) -> list[str]:
    """Numeric fields whose name carries no unit (levels and counts are allowed)."""
    return [k for k, v in item.items() if isinstance(v, float | int) and not isinstance(v, bool)
            and not k.endswith(("_per_year", "_per_demand", "_given_initiator"))
            and k not in allowed]


def test_prior_analysis_writes_frequencies_with_units_svg_and_mef(tmp_path: Path) -> None:
    result = pumpproof("hazards", "--out", str(tmp_path))
    # with prior control probabilities, S5 hazards at ≥ 1e-4 per patient-year are unacceptable
    assert result.returncode == 1, result.stderr
    assert "after /patient-year" in result.stdout and "per patient-year after controls" in (
        result.stdout)
    data = json.loads((tmp_path / "hazards.json").read_text())
    assert data["schema"] == "pumpproof.hazards-analysis/2" and "_per_year" in data["units"]
    assert data["evidence_used"] is False
    levels = {"severity", "probability_before", "probability_after",
              "declared_probability_before", "declared_probability_after"}
    for hazard in data["hazards"]:
        assert _no_unitless_numbers(hazard, levels) == []
        assert "p_after" not in hazard and "frequency_after_per_year" in hazard
    for control in data["controls"]:
        assert _no_unitless_numbers(control, set()) == [] and "p_fail_per_demand" in control
    for tree in data["fault_trees"]:
        assert _no_unitless_numbers(tree, {"n_mcs"}) == []
        svg = (tmp_path / tree["svg"]).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "/yr" in svg
        # F = Σ f_i · P(top | IE_i), and each P(top | IE_i) is what the exported MEF gives
        total = 0.0
        for contribution in tree["contributions"]:
            mef = tmp_path / tree["mef"][contribution["initiator"]]
            again = analyse_tree(read_mef(mef), importance=False)
            assert again.p_top == pytest.approx(contribution["p_top_given_initiator"],
                                                rel=1e-12)
            total += contribution["frequency_per_year"] * again.p_top
        assert tree["frequency_per_year"] == pytest.approx(total, rel=1e-12)
        assert tree["frequency_per_year"] < tree["frequency_before_controls_per_year"]
        for event in tree["basic_events"]:
            assert _no_unitless_numbers(event, set()) == []
            value = (event["frequency_per_year"] if event["kind"] == "initiating"
                     else event["p_per_demand"])
            assert value is not None and value >= 0
    kinds = {g["kind"] for g in data["gaps"]}
    assert "control_not_in_fault_tree" in kinds  # real gaps are reported, not hidden
    assert "declared_level_mismatch" not in kinds  # the built-in spec declares what it computes


@pytest.mark.skipif(shutil.which("scram") is None, reason="SCRAM is installed by .ci/run")
def test_scram_gives_each_initiators_conditional_probability(tmp_path: Path) -> None:
    """MEF has no frequencies: SCRAM checks P(top | initiator) on each exported file, and
    F = Σ f_i × that is then a hand sum."""
    pumpproof("hazards", "--out", str(tmp_path))
    data = json.loads((tmp_path / "hazards.json").read_text())
    checked = 0
    for tree in data["fault_trees"]:
        for contribution in tree["contributions"]:
            report = tmp_path / f"{tree['id']}.{contribution['initiator']}.scram.xml"
            subprocess.run(["scram", "--bdd", "--probability", "true", "-o", str(report),
                            str(tmp_path / tree["mef"][contribution["initiator"]])],
                           check=True, capture_output=True, timeout=60)
            found = re.search(r'<sum-of-products[^>]*probability="([^"]+)"', report.read_text())
            assert found, report.read_text()[:500]
            assert float(found.group(1)) == pytest.approx(
                contribution["p_top_given_initiator"], rel=1e-5)  # SCRAM prints 6 digits
            checked += 1
    assert checked == sum(len(t["contributions"]) for t in data["fault_trees"]) == 18


def test_the_dka_tree_by_hand(tmp_path: Path) -> None:
    """The site-failure branch of FT-DKA, recomputed from the YAML's own numbers."""
    pumpproof("hazards", "--out", str(tmp_path))
    data = json.loads((tmp_path / "hazards.json").read_text())
    site = next(h for h in data["hazards"] if h["id"] == "H-SITE-FAILURE")
    # 4 site failures a year × RC-LABELING fails 0.1 × the user misses it 0.05 = 0.02
    assert site["frequency_after_per_year"] == pytest.approx(4 * 0.1 * 0.05, rel=1e-12)
    assert site["frequency_before_per_year"] == pytest.approx(4 * 1.0 * 0.05, rel=1e-12)
    assert (site["probability_after"], site["severity"], site["risk_after"]) == (
        4, 5, "unacceptable")


def test_proved_controls_lower_risk_and_a_violation_makes_it_unacceptable(tmp_path: Path) -> None:
    good = pumpproof("hazards", "--evidence", str(_evidence(tmp_path, set())),
                     "--out", str(tmp_path / "good"))
    assert good.returncode in (0, 1), good.stderr
    hazards = {h["id"]: h for h in json.loads(
        (tmp_path / "good" / "hazards.json").read_text())["hazards"]}
    # proved → 1e-5 per demand: 2 requests a year × 1e-5 × 0.1 (not caught) = 2e-6 per
    # patient-year → P2; S5 × P2 is ALARP
    over = hazards["H-OVER-BOLUS"]
    assert over["frequency_after_per_year"] == pytest.approx(2 * 1e-5 * 0.1, rel=1e-12)
    assert (over["probability_after"], over["risk_after"]) == (2, "alarp")
    assert over["benefit_risk_justification"]
    bad = pumpproof("hazards", "--evidence",
                    str(_evidence(tmp_path, {"P-DOSE-MAX-BOLUS"})), "--out", str(tmp_path / "bad"))
    assert bad.returncode == 1
    data = json.loads((tmp_path / "bad" / "hazards.json").read_text())
    over = next(h for h in data["hazards"] if h["id"] == "H-OVER-BOLUS")
    # violated → the control fails on every demand: 2 × 1 × 0.1 = 0.2 per patient-year
    assert over["frequency_after_per_year"] == pytest.approx(2 * 1.0 * 0.1, rel=1e-12)
    assert over["risk_after"] == "unacceptable" and not over["acceptable"]
    control = next(c for c in data["controls"] if c["id"] == "RC-MAX-BOLUS")
    assert control["verdict"] == "violated" and control["p_fail_per_demand"] == 1.0


def test_a_declared_level_that_its_tree_does_not_give_is_a_gap(tmp_path: Path) -> None:
    target = tmp_path / "spec"
    shutil.copytree(default_spec_dir(), target, ignore=shutil.ignore_patterns("*.py"))
    path = target / "hazards.yaml"
    text = path.read_text()
    block = text.index("  - id: H-OVER-BOLUS")
    end = text.index("  - id: ", block + 1)
    wrong = text[block:end].replace("probability_after: 3", "probability_after: 2")
    path.write_text(text[:block] + wrong + text[end:])
    spec = load_spec(str(target))
    found = [g for g in gaps(spec, {p.id: p.requirements for p in all_properties()})
             if g.kind == "declared_level_mismatch"]
    assert [(g.item, g.message) for g in found] == [(
        "H-OVER-BOLUS", "H-OVER-BOLUS declares probability_after P2 but its fault tree FT-HYPO "
        "(G-OVER-BOLUS) gives P3 (0.0002 per patient-year with the prior control "
        "probabilities)")]


def test_not_an_evidence_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    result = pumpproof("hazards", "--evidence", str(path), "--out", str(tmp_path))
    assert result.returncode == 2 and "not a pumpproof evidence file" in result.stderr


def test_without_graphviz_the_analysis_still_runs(tmp_path: Path) -> None:
    # A fresh machine with only Python and pip has no `dot`: DOT sources replace the SVGs.
    empty = tmp_path / "bin"
    empty.mkdir()
    result = pumpproof("hazards", "--out", str(tmp_path / "out"), timeout=300,
                       env={"PATH": str(empty)})
    assert result.returncode == 1, result.stderr  # unacceptable with priors, not an error
    data = json.loads((tmp_path / "out" / "hazards.json").read_text())
    assert all(tree["svg"] is None for tree in data["fault_trees"])
    assert (tmp_path / "out" / "FT-DKA.dot").read_text().startswith('digraph "FT-DKA"')
