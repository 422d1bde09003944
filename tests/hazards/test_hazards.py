"""`pumpproof hazards`: fault trees, residual risk from evidence, gaps, without Graphviz."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pumpproof.hazards.fta import analyse as analyse_tree
from pumpproof.hazards.fta import read_mef
from pumpproof.properties.catalogue import all_properties
from tests.fixtures.cli import pumpproof


def _evidence(tmp: Path, violated: set[str]) -> Path:
    properties = [{"id": p.id, "requirements": list(p.requirements),
                   "verdict": "violated" if p.id in violated else "proved"}
                  for p in all_properties()]
    path = tmp / "evidence.json"
    path.write_text(json.dumps({"schema": "pumpproof.evidence/1", "properties": properties}))
    return path


def test_prior_analysis_writes_json_svg_and_mef(tmp_path: Path) -> None:
    result = pumpproof("hazards", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "hazards.json").read_text())
    assert data["evidence_used"] is False
    assert all(h["acceptable"] for h in data["hazards"])
    for tree in data["fault_trees"]:
        svg = (tmp_path / tree["svg"]).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        # the exported MEF analyses to the same top probability
        again = analyse_tree(read_mef(tmp_path / tree["mef"]), importance=False)
        assert again.p_top == pytest.approx(tree["p_top"], rel=1e-12)
        assert tree["p_top"] < tree["p_top_before_controls"]
    kinds = {g["kind"] for g in data["gaps"]}
    assert "control_not_in_fault_tree" in kinds  # real gaps are reported, not hidden


def test_proved_controls_lower_risk_and_a_violation_makes_it_unacceptable(tmp_path: Path) -> None:
    good = pumpproof("hazards", "--evidence", str(_evidence(tmp_path, set())),
                     "--out", str(tmp_path / "good"))
    assert good.returncode == 0
    hazards = {h["id"]: h for h in json.loads(
        (tmp_path / "good" / "hazards.json").read_text())["hazards"]}
    # proved → 1e-5: 0.2 (requests) × 1e-5 × 0.1 (not treated) = 2e-7 → level 1
    assert hazards["H-OVER-BOLUS"]["p_after"] == pytest.approx(0.2 * 1e-5 * 0.1)
    assert hazards["H-OVER-BOLUS"]["risk_after"] == "acceptable"
    bad = pumpproof("hazards", "--evidence",
                    str(_evidence(tmp_path, {"P-DOSE-MAX-BOLUS"})), "--out", str(tmp_path / "bad"))
    assert bad.returncode == 1
    data = json.loads((tmp_path / "bad" / "hazards.json").read_text())
    over = next(h for h in data["hazards"] if h["id"] == "H-OVER-BOLUS")
    assert over["p_after"] == pytest.approx(0.2 * 1.0 * 0.1)  # violated → control fails
    assert over["risk_after"] == "unacceptable" and not over["acceptable"]
    control = next(c for c in data["controls"] if c["id"] == "RC-MAX-BOLUS")
    assert control["verdict"] == "violated" and control["p"] == 1.0


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
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "hazards.json").read_text())
    assert all(tree["svg"] is None for tree in data["fault_trees"])
    assert (tmp_path / "out" / "FT-DKA.dot").read_text().startswith('digraph "FT-DKA"')
