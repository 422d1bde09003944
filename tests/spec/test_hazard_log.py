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
    "old_style_p": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "p_per_demand: 0.3", "p: 0.3"),
        "basic_events.BE-ACK-WITHOUT-FIX.p: ambiguous: give frequency_per_year (an initiating "
        "event, events per patient-year) or p_per_demand (a conditional event, probability "
        "per demand)"),
    "probability_above_one": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "p_per_demand: 0.3", "p_per_demand: 1.3"),
        "basic_events.BE-ACK-WITHOUT-FIX.p_per_demand: a probability must be within [0, 1], "
        "got 1.3"),
    "negative_frequency": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "frequency_per_year: 20", "frequency_per_year: -20.0"),
        "basic_events.BE-STOP-CONDITION.frequency_per_year: must be a finite number ≥ 0, "
        "got -20.0"),
    "two_forms": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "frequency_per_year: 20", "frequency_per_year: 20, p_per_demand: 0.5"),
        "basic_events.BE-STOP-CONDITION: give exactly one of frequency_per_year, lambda_per_h "
        "with use_h_per_year (initiating), p_per_demand, lambda_per_h with test_interval_h or "
        "mission_time_h, control (conditional); got frequency_per_year, p_per_demand"),
    "test_interval_too_long": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "test_interval_h: 720", "test_interval_h: 87600", 1),
        "basic_events.BE-SPEAKER-FAILS.test_interval_h: λT = 0.876 > 0.2: the mean "
        "unavailability λT/2 needs λT ≪ 1; give p_per_demand instead"),
    "no_initiating_event": ("fault_trees/alarm_not_perceived.yaml", lambda t: t.replace(
        "frequency_per_year: 20", "p_per_demand: 0.5"),
        "basic_events: no initiating event (frequency_per_year), so the top event has no "
        "frequency per patient-year"),
    "top_band_closed": ("hazards.yaml", lambda t: t.replace("[1.0e-1, .inf]", "[1.0e-1, 1.0]"),
                        "probability_levels[5].band_per_year: the top band must be open above"),
    "two_initiators_in_a_cut_set": ("fault_trees/severe_hypoglycaemia.yaml", lambda t: t.replace(
        "p_per_demand: 0.05", "frequency_per_year: 18"),
        "G-HYPO: minimal cut set {BE-CLOCK-CHANGE, BE-HIGH-DAILY-DEMAND, BE-NO-GLUCOSE-RESPONSE, "
        "BE-RC-DAILY-TOTAL} holds 2 initiating events (BE-CLOCK-CHANGE, BE-HIGH-DAILY-DEMAND): "
        "a product of two frequencies has no meaning"),
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
