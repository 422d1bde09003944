"""Hand-checked trees: each gate kind, house events, scopes, top choice, MEF round trip."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from pumpproof.hazards.fta import (
    BasicEvent,
    FaultTree,
    Gate,
    GateKind,
    analyse,
    export_mef,
    parse_mef,
    read_mef,
    render_fta_text,
    run_fta,
    to_graph,
)

GOOD = Path(__file__).parent / "good" / "small.xml"
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fault_trees" / "models"
P = {"a": 0.1, "b": 0.2, "c": 0.3}


def _tree(kind: GateKind, children: tuple[str, ...] = ("a", "b", "c"), k: int = 0,
          houses: dict[str, bool] | None = None) -> FaultTree:
    events = {name: BasicEvent(name, p) for name, p in P.items()}
    return FaultTree("t", "top", {"top": Gate("top", kind, children, k)},
                     events, houses or {})


def test_and() -> None:
    result = analyse(_tree("and"))
    assert result.cut_sets == (("a", "b", "c"),)
    assert result.p_top == pytest.approx(0.006, rel=1e-12)
    # MIF(a) = P(b)P(c); RAW(a) = 1/P(a); RRW(a) = ∞ reported as 0 (SCRAM)
    assert result.measures["a"].mif == pytest.approx(0.06)
    assert result.measures["a"].raw == pytest.approx(10.0)
    assert result.measures["a"].rrw == 0.0


def test_or() -> None:
    result = analyse(_tree("or"))
    assert result.cut_sets == (("a",), ("b",), ("c",))
    assert result.p_top == pytest.approx(1 - 0.9 * 0.8 * 0.7, rel=1e-12)
    assert result.p_rare_event == pytest.approx(0.6)
    assert result.p_mcub == pytest.approx(result.p_top, rel=1e-12)  # disjoint events
    a = result.measures["a"]
    assert a.mif == pytest.approx(0.8 * 0.7)  # P(top|a) − P(top|¬a) = 1 − (1 − 0.44)
    assert a.cif == pytest.approx(0.1 * 0.56 / result.p_top)
    assert a.dif == pytest.approx(0.1 / result.p_top)  # P(top | a) = 1
    assert a.rrw == pytest.approx(result.p_top / (1 - 0.8 * 0.7))


def test_atleast_two_of_three() -> None:
    result = analyse(_tree("atleast", k=2))
    expected = 0.02 + 0.03 + 0.06 - 2 * 0.006
    assert result.p_top == pytest.approx(expected, rel=1e-12)
    assert result.cut_sets == (("a", "b"), ("a", "c"), ("b", "c"))
    assert result.measures["a"].dif == pytest.approx(0.1 * (0.2 + 0.3 - 0.06) / expected)
    assert result.measures["a"].occurrence == 2


def test_not_gives_exact_probability_and_coherent_approximation() -> None:
    tree = parse_mef(
        '<opsa-mef><define-fault-tree name="t"><define-gate name="top"><or>'
        '<basic-event name="a"/><and><basic-event name="b"/><not><basic-event name="c"/>'
        '</not></and></or></define-gate></define-fault-tree><model-data>'
        + "".join(f'<define-basic-event name="{n}"><float value="{p}"/></define-basic-event>'
                  for n, p in P.items()) + "</model-data></opsa-mef>")
    result = analyse(tree)
    assert result.p_top == pytest.approx(0.1 + 0.9 * 0.2 * 0.7, rel=1e-12)
    assert not result.coherent
    assert result.cut_sets == (("a",), ("b",))  # ¬c read as true, as SCRAM


def test_house_events_are_constants() -> None:
    on = analyse(_tree("and", ("a", "h"), houses={"h": True}))
    off = analyse(_tree("and", ("a", "h"), houses={"h": False}))
    assert on.cut_sets == (("a",),) and on.p_top == pytest.approx(0.1)
    assert off.cut_sets == () and off.p_top == 0.0
    assert off.p_rare_event == 0.0 and off.p_mcub == 0.0


def test_hand_checked_file_with_scopes_and_expressions() -> None:
    tree = read_mef(GOOD)
    assert tree.top == "top"  # the first unreferenced gate; "other" is a second tree
    assert set(tree.gates) >= {"top", "pump.fails", "other"}
    assert tree.basic_events["a"].label == "Alarm fails"
    c = 1 - math.exp(-2e-5 * 8760)
    assert tree.basic_events["c"].p == pytest.approx(c, rel=1e-12)
    assert tree.basic_events["c"].source == "exponential"
    result = analyse(tree)
    # pump.fails = 2 of {a, b, c, false} = 2 of {a, b, c}; top = that ∨ (a ∧ ¬b)
    assert result.cut_sets == (("a",), ("b", "c"))
    two_of_three = 0.1 * 0.2 + 0.1 * c + 0.2 * c - 2 * 0.1 * 0.2 * c
    exact = two_of_three + 0.1 * 0.8 * (1 - c)  # a∧¬b∧¬c is the only extra outcome
    assert result.p_top == pytest.approx(exact, rel=1e-12)
    assert read_mef(GOOD, top="other").top == "other"
    assert analyse(read_mef(GOOD, top="other")).cut_sets == (("a", "c"),)
    assert read_mef(GOOD, mission_time_h=1.0).basic_events["c"].p == pytest.approx(2e-5,
                                                                                    rel=1e-4)


def test_graph_keeps_unreachable_elements_and_kinds() -> None:
    graph = to_graph(read_mef(GOOD))
    assert graph.nodes["other"]["kind"] == "gate"
    assert graph.nodes["on"]["kind"] == "house-event"
    assert ("pump.fails", "on") in graph.edges


@pytest.mark.parametrize("source", ["small", "theatre", "three_motor", "BSCU", "HIPPS",
                                    "chinese", "das9201"])
def test_mef_round_trip_keeps_cut_sets_and_probability(source: str) -> None:
    path = GOOD if source == "small" else DATA / f"{source}.xml"
    if not path.exists():
        pytest.skip("shared benchmark data not beside the repository")
    tree = read_mef(path)
    again = parse_mef(export_mef(tree), "exported")
    assert again.top == tree.top
    def values(t: FaultTree) -> dict[str, tuple[float, str]]:
        return {n: (e.p, e.label) for n, e in t.basic_events.items()}

    assert values(again) == values(tree)  # the expression is written as its value
    assert dict(again.house_events) == dict(tree.house_events)
    first, second = analyse(tree), analyse(again)
    assert second.cut_sets == first.cut_sets
    assert second.p_top == first.p_top  # float values are written with repr: exact


def test_run_fta_object_and_text() -> None:
    result = run_fta(str(GOOD), cut_sets=True, importance=True)
    assert list(result) == ["top_event", "n_mcs", "p_top", "p_rare_event", "p_mcub",
                            "limit_order", "max_cut_sets", "cut_sets_truncated",
                            "cut_sets", "importance"]
    assert result["cut_sets_truncated"] is False and result["limit_order"] is None
    assert result["cut_sets"] == [["a"], ["b", "c"]]
    assert set(result["importance"]["a"]) == {"mif", "cif", "dif", "raw", "rrw"}
    json.dumps(result, allow_nan=False)
    plain = run_fta(str(GOOD), cut_sets=False, importance=False)
    assert set(plain) == {"top_event", "n_mcs", "p_top", "p_rare_event", "p_mcub",
                          "limit_order", "max_cut_sets", "cut_sets_truncated"}
    text = render_fta_text(result)
    assert "minimal cut sets  2" in text and "{b, c}" in text


def _module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pumpproof.hazards.fta", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_module_entry_point_prints_the_json_object() -> None:
    done = _module(str(GOOD), "--json", "--cut-sets", "--importance")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(
        run_fta(str(GOOD), cut_sets=True, importance=True)))


def test_module_entry_point_refuses_bad_input_with_exit_2() -> None:
    bad = Path(__file__).parent / "bad" / "cycle.xml"
    done = _module(str(bad), "--json")
    assert done.returncode == 2
    assert done.stderr.startswith(f"pumpproof: {bad}: gate 'g1': is in a cycle")
    assert "Traceback" not in done.stderr


def test_pumpproof_fta_command_prints_the_same_object() -> None:
    done = subprocess.run([sys.executable, "-m", "pumpproof", "fta", str(GOOD), "--json",
                           "--cut-sets", "--importance"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(_module(str(GOOD), "--json", "--cut-sets",
                                                         "--importance").stdout)
