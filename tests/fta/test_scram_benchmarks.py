"""Agreement with SCRAM 0.16.2 on 18 public fault trees (exact cut sets, probabilities,
importance), from ``../shared/data/fault_trees`` beside the repository."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest

from pumpproof.hazards.fta import analyse, read_mef

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "fault_trees"
ANSWERS: dict[str, Any] = (
    json.loads((DATA / "answers.json").read_text()) if DATA.exists() else {}
)
BIG = {"baobab1", "das9202", "das9201", "edf9205", "das9208"}


def _close(ours: float, theirs: float, rel: float) -> bool:
    if theirs in (0.0, 1.0) or abs(theirs) < 1e-300:  # printed as 0 or 1: absolute tolerance
        return abs(ours - theirs) <= rel
    return abs(ours - theirs) <= rel * abs(theirs)


def _models() -> list[Any]:
    out = []
    for key in sorted(ANSWERS):
        name = Path(key).stem
        marks = [pytest.mark.slow] if name in BIG else []
        out.append(pytest.param(key, id=name, marks=marks))
    return out


@pytest.mark.skipif(not DATA.exists(), reason="shared benchmark data not beside the repo")
@pytest.mark.parametrize("key", _models())
def test_agrees_with_scram(key: str) -> None:
    answer = ANSWERS[key]
    name = Path(key).stem
    tree = read_mef(DATA / key)
    result = analyse(tree, importance=True)
    assert result.top_event.split(".")[-1] == answer["top_event"]
    expected = json.loads(gzip.decompress((DATA / "mcs" / f"{name}.mcs.json.gz").read_bytes()))
    assert len(result.cut_sets) == answer["n_mcs"]
    assert {frozenset(cs) for cs in result.cut_sets} == {frozenset(cs) for cs in expected}
    orders: dict[str, int] = {}
    for cs in result.cut_sets:
        orders[str(len(cs))] = orders.get(str(len(cs)), 0) + 1
    assert orders == {str(k): v for k, v in answer["min_cut_set_orders"].items()}
    if answer.get("p_top_bdd_fullprec") is not None:
        assert _close(result.p_top, answer["p_top_bdd_fullprec"], 1e-9)
    else:
        assert _close(result.p_top, answer["p_top_bdd"], 1e-5)
    assert _close(result.p_rare_event, answer["p_top_rare_event"], 1e-5)
    assert _close(result.p_mcub, answer["p_top_mcub"], 1e-5)
    for event, measures in answer["importance"].items():
        ours = result.importance[event]
        assert result.occurrence.get(event, 0) == measures["occurrence"], event
        for measure in ("mif", "cif", "dif", "raw", "rrw"):
            assert _close(ours[measure], measures[measure], 1e-5), (event, measure)
        assert math.isclose(tree.basic_events[event].p, measures["p"], rel_tol=1e-5)
