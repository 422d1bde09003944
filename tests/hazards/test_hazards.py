"""The hazard log, fault trees, residual risk from evidence, and gaps."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pumpproof.hazards.fta import analyse as analyse_tree
from pumpproof.hazards.fta import read_mef
from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import default_spec_dir, load_spec

SPEC = load_spec()


def pumpproof(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          check=False)


def _evidence(tmp: Path, violated: set[str]) -> Path:
    properties = [{"id": p.id, "requirements": list(p.requirements),
                   "verdict": "violated" if p.id in violated else "proved"}
                  for p in all_properties()]
    path = tmp / "evidence.json"
    path.write_text(json.dumps({"schema": "pumpproof.evidence/1", "properties": properties}))
    return path


def test_hazard_log_is_complete() -> None:
    log = SPEC.hazard_log
    assert log is not None
    assert len(log.hazards) >= 12
    harms = {h.harm for h in log.hazards}
    assert {"severe_hypoglycaemia", "dka"} <= harms
    assert {t.id for t in log.fault_trees} >= {"FT-DKA", "FT-HYPO"}
    assert any(g.type == "atleast" for t in log.fault_trees for g in t.gates.values())


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
    assert "requirement_without_property" in kinds  # real gaps are reported, not hidden


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


Edit = Callable[[str], str]
BAD: dict[str, tuple[str, Edit, str]] = {
    "dangling_control": ("hazards.yaml", lambda t: t.replace(
        "controls: [RC-REPLAY]", "controls: [RC-NOPE]"), "controls: no risk control 'RC-NOPE'"),
    "dangling_requirement": ("hazards.yaml", lambda t: t.replace(
        "requirements: [REQ-DKA-7]", "requirements: [REQ-DKA-99]"),
        "requirements: no requirement 'REQ-DKA-99'"),
    "duplicate_hazard": ("hazards.yaml", lambda t: t.replace(
        "id: H-REPLAY", "id: H-OVER-BOLUS"), "(H-OVER-BOLUS): duplicate id"),
    "missing_gate_child": ("fault_trees/dka.yaml", lambda t: t.replace(
        "children: [G-EMPTY, G-SUSP,", "children: [G-GHOST, G-EMPTY, G-SUSP,"),
        "gates.G-DKA.children: no gate or basic event 'G-GHOST'"),
    "tree_cycle": ("fault_trees/severe_hypoglycaemia.yaml", lambda t: t.replace(
        "children: [BE-RC-MAX-BASAL, BE-RC-WHOLE-PULSES]",
        "children: [BE-RC-MAX-BASAL, BE-RC-WHOLE-PULSES, G-HYPO]"), "cycle G-HYPO → G-BASAL"),
    "atleast_k": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "type: atleast, k: 2", "type: atleast, k: 4"), "k: atleast needs 1 ≤ k ≤ 3, got 4"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_hazard_log_is_refused(case: str, tmp_path: Path) -> None:
    target = tmp_path / case
    ignore = shutil.ignore_patterns("*.py", "__pycache__")
    shutil.copytree(default_spec_dir(), target, ignore=ignore)
    name, edit, expected = BAD[case]
    path = target / name
    original = path.read_text()
    assert edit(original) != original
    path.write_text(edit(original))
    result = pumpproof("spec", "validate", str(target))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert f"{target}/{name}" in result.stderr


def test_without_graphviz_the_analysis_still_runs(tmp_path: Path) -> None:
    # A fresh machine with only Python and pip has no `dot`: DOT sources replace the SVGs.
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "pumpproof", "hazards", "--out",
                             str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=300, check=False, env={"PATH": str(empty)})
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "hazards.json").read_text())
    assert all(tree["svg"] is None for tree in data["fault_trees"])
    assert (tmp_path / "out" / "FT-DKA.dot").read_text().startswith('digraph "FT-DKA"')
