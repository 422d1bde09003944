"""Agreement with SCRAM 0.16.2 on its 18 public fault trees: exact cut sets, P(top),
approximations and importance, from ``../shared/data/fault_trees`` beside the repository
(see its README for where the answers come from and the tolerances)."""

from __future__ import annotations

import functools
import gzip
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pumpproof.hazards.fta import Analysis, FaultTree, analyse, read_mef
from tests.fixtures.mocus import mocus

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / "shared" / "data" / "fault_trees"
ANSWERS: dict[str, Any] = (
    json.loads((DATA / "answers.json").read_text()) if (DATA / "answers.json").exists() else {}
)
SLOW = {"baobab1", "das9202", "edf9205"}  # > 20 000 cut sets each
MOCUS_OK = {"BSCU", "HIPPS", "chinese", "lift", "ne574", "theatre", "three_motor",
            "two_train", "ftr10"}

pytestmark = pytest.mark.skipif(not ANSWERS, reason="shared benchmark data not beside the repo")


def _models() -> list[Any]:
    return [pytest.param(Path(key).stem, id=Path(key).stem,
                         marks=[pytest.mark.slow] if Path(key).stem in SLOW else [])
            for key in sorted(ANSWERS)]


def _answer(name: str) -> dict[str, Any]:
    return dict(ANSWERS[f"models/{name}.xml"])


@functools.cache
def _tree(name: str) -> FaultTree:
    return read_mef(DATA / "models" / f"{name}.xml")


@functools.cache
def _result(name: str) -> Analysis:
    return analyse(_tree(name), importance=True)


def _close(ours: float, theirs: float, rel: float) -> bool:
    """Relative tolerance; absolute for 0, 1 and values below 1e-300 (README)."""
    if theirs in (0.0, 1.0) or abs(theirs) < 1e-300:
        return abs(ours - theirs) <= rel
    return abs(ours - theirs) <= rel * abs(theirs)


@pytest.mark.parametrize("name", _models())
def test_cut_sets_equal_scram(name: str) -> None:
    answer, result = _answer(name), _result(name)
    assert result.top_event == answer["top_event"]
    expected = json.loads(gzip.decompress((DATA / "mcs" / f"{name}.mcs.json.gz").read_bytes()))
    assert len(result.cut_sets) == answer["n_mcs"] == len(expected)
    assert {frozenset(cs) for cs in result.cut_sets} == {frozenset(cs) for cs in expected}
    histogram = Counter(str(len(cs)) for cs in result.cut_sets)
    assert histogram == {str(k): v for k, v in answer["min_cut_set_orders"].items()}
    # the same order as SCRAM's list: by (order, names), names sorted inside a set
    assert [list(cs) for cs in result.cut_sets] == expected


@pytest.mark.parametrize("name", _models())
def test_probabilities_equal_scram(name: str) -> None:
    answer, result = _answer(name), _result(name)
    if answer.get("p_top_bdd_fullprec") is not None:
        assert _close(result.p_top, answer["p_top_bdd_fullprec"], 1e-9)
    assert _close(result.p_top, answer["p_top_bdd"], 1e-5)
    assert _close(result.p_rare_event, answer["p_top_rare_event"], 1e-5)
    assert _close(result.p_mcub, answer["p_top_mcub"], 1e-5)
    for event, expected in answer["importance"].items():
        assert math.isclose(_tree(name).basic_events[event].p, expected["p"], rel_tol=1e-5)


@pytest.mark.parametrize("name", _models())
def test_importance_equals_scram(name: str) -> None:
    answer, result = _answer(name), _result(name)
    assert answer["importance"], "every model lists some events"
    for event, expected in answer["importance"].items():
        ours = result.measures[event]
        assert ours.occurrence == expected["occurrence"], event
        for factor in ("mif", "cif", "dif", "raw", "rrw"):
            assert _close(getattr(ours, factor), expected[factor], 1e-5), (event, factor)
    if not answer.get("importance_truncated"):
        assert set(result.measures) == set(answer["importance"])


@pytest.mark.parametrize("name", sorted(MOCUS_OK))
def test_mocus_cross_check(name: str) -> None:
    assert mocus(_tree(name)) == {frozenset(cs) for cs in _result(name).cut_sets}
