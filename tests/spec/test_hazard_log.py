"""The hazard log and fault trees load complete; a bad one is refused naming file and item."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pumpproof.spec import default_spec_dir, load_spec
from tests.fixtures.cli import pumpproof

SPEC = load_spec()


def test_hazard_log_is_complete() -> None:
    log = SPEC.hazard_log
    assert log is not None
    assert len(log.hazards) >= 12
    harms = {h.harm for h in log.hazards}
    assert {"severe_hypoglycaemia", "dka"} <= harms
    assert {t.id for t in log.fault_trees} >= {"FT-DKA", "FT-HYPO"}
    assert any(g.type == "atleast" for t in log.fault_trees for g in t.gates.values())


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
    result = pumpproof("spec", "validate", str(target), timeout=300)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert f"{target}/{name}" in result.stderr
