"""MEF refusals (one fixture per failure mode), round trip, and hand-checked trees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pumpproof.errors import ModelError
from pumpproof.hazards.fta import analyse, export_mef, parse_mef, read_mef

BAD = Path(__file__).parent / "bad"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "fault_trees" / "models"

CASES = {
    "not_xml": "not well-formed XML",
    "wrong_root": "<model>: the root element must be <opsa-mef>",
    "undefined_gate": "gate 'top': reference to undefined gate 'missing'",
    "undefined_event": "gate 'top': reference to undefined basic-event 'ghost'",
    "empty_gate": "gate 'top': <and> has no arguments",
    "atleast_too_big": "gate 'top': atleast min=3 must be between 1 and 2",
    "cycle": "cycle",
    "bad_probability": "basic event 'a': probability 1.5 is outside [0, 1]",
    "entity_bomb": "refused XML",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_model_is_refused_naming_file_element_problem(case: str) -> None:
    path = BAD / f"{case}.xml"
    with pytest.raises(ModelError) as error:
        analyse(read_mef(path))
    assert str(path) in str(error.value)
    assert CASES[case] in str(error.value)


def test_cli_refuses_with_exit_2_and_no_traceback() -> None:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    result = subprocess.run([*command, "fta", str(BAD / "cycle.xml"), "--json"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "cycle" in result.stderr


def _tree(body: str, events: dict[str, float]) -> str:
    data = "".join(f'<define-basic-event name="{n}"><float value="{p}"/></define-basic-event>'
                   for n, p in events.items())
    return (f'<opsa-mef><define-fault-tree name="t">{body}</define-fault-tree>'
            f"<model-data>{data}</model-data></opsa-mef>")


def test_and_or_atleast_not_by_hand() -> None:
    p = {"a": 0.1, "b": 0.2, "c": 0.3}
    tree = parse_mef(_tree(
        '<define-gate name="top"><atleast min="2"><basic-event name="a"/>'
        '<basic-event name="b"/><basic-event name="c"/></atleast></define-gate>', p))
    result = analyse(tree)
    # P(at least 2 of 3) = ab + ac + bc − 2abc
    expected = 0.02 + 0.03 + 0.06 - 2 * 0.006
    assert result.p_top == pytest.approx(expected, rel=1e-12)
    assert sorted(result.cut_sets) == [("a", "b"), ("a", "c"), ("b", "c")]
    # DIF(a) = p_a·P(top|a)/P(top) with P(top|a) = b + c − bc
    assert result.importance["a"]["dif"] == pytest.approx(0.1 * (0.2 + 0.3 - 0.06) / expected)
    nested = parse_mef(_tree(
        '<define-gate name="top"><or><basic-event name="a"/>'
        '<and><basic-event name="b"/><not><basic-event name="c"/></not></and></or></define-gate>',
        p))
    assert analyse(nested).p_top == pytest.approx(0.1 + 0.9 * 0.2 * 0.7, rel=1e-12)


needs_data = pytest.mark.skipif(not DATA.exists(),
                                reason="shared benchmark data not beside the repository")


@needs_data
def test_house_events_and_components_resolve() -> None:
    tree = read_mef(DATA / "three_motor.xml")
    assert tree.top == "E1" and "t.E1" in tree.gates
    assert tree.house_events == {"KT1": True, "KT2": True, "KT3": True}


@needs_data
@pytest.mark.parametrize("model", ["theatre", "three_motor", "BSCU", "chinese"])
def test_mef_round_trip_keeps_cut_sets_and_probability(model: str) -> None:
    original = analyse(read_mef(DATA / f"{model}.xml"), importance=False)
    again = analyse(parse_mef(export_mef(read_mef(DATA / f"{model}.xml"))), importance=False)
    assert again.cut_sets == original.cut_sets
    assert again.p_top == pytest.approx(original.p_top, rel=1e-12)


@needs_data
def test_cli_json_fields() -> None:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    result = subprocess.run([*command, "fta", str(DATA / "theatre.xml"), "--json", "--cut-sets",
                             "--importance"], capture_output=True, text=True, timeout=60,
                            check=False)
    data = json.loads(result.stdout)
    assert set(data) == {"top_event", "n_mcs", "p_top", "p_rare_event", "p_mcub", "cut_sets",
                         "importance"}
    assert data["n_mcs"] == len(data["cut_sets"]) == 2
