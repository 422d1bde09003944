"""Speed without losing the answer: the two BDD engines agree, order limits and count caps
keep SCRAM's cut sets, and a tree with astronomically many cut sets is analysed in bounded
memory with its exact P(top) (issue #15)."""

from __future__ import annotations

import functools
import gzip
import json
import math
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pumpproof.hazards.fta import BasicEvent, FaultTree, Gate, analyse, read_mef
from pumpproof.hazards.fta.bdd import build_bdd
from pumpproof.hazards.fta.cutsets import minimal_cut_sets
from pumpproof.hazards.fta.probability import exact_probability

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fault_trees"
ANSWERS: dict[str, Any] = (
    json.loads((DATA / "answers.json").read_text()) if (DATA / "answers.json").exists() else {}
)
# fast enough for every run (the three > 20 000-cut-set models are in test_scram_models)
NAMES = sorted(Path(key).stem for key in ANSWERS
               if ANSWERS[key]["n_mcs"] <= 20_000)
needs_data = pytest.mark.skipif(not ANSWERS, reason="shared benchmark data not beside the repo")


@functools.cache
def _tree(name: str) -> FaultTree:
    return read_mef(DATA / "models" / f"{name}.xml")


def _expected(name: str) -> list[list[str]]:
    data: list[list[str]] = json.loads(
        gzip.decompress((DATA / "mcs" / f"{name}.mcs.json.gz").read_bytes()))
    return data


def _engines_agree(tree: FaultTree) -> None:
    python, cudd = build_bdd(tree, "python"), build_bdd(tree, "cudd")
    assert python.events == cudd.events
    assert len(python.function) == len(cudd.function)  # the same reduced ordered BDD
    p = [tree.basic_events[name].p for name in python.events]
    # CUDD's complement edges compute some values as 1 − (1 − x), which loses x below
    # ~1e-16 (the Python engine has none): equal to double rounding, not bit for bit
    assert math.isclose(exact_probability(python.function, p),
                        exact_probability(cudd.function, p), rel_tol=1e-12, abs_tol=1e-14)
    assert minimal_cut_sets(python) == minimal_cut_sets(cudd)


@needs_data
@pytest.mark.parametrize("name", NAMES)
def test_python_and_cudd_engines_agree_on_scram_models(name: str) -> None:
    _engines_agree(_tree(name))


_KINDS = st.sampled_from(["and", "or", "atleast", "not"])


@st.composite
def _random_trees(draw: st.DrawFn) -> FaultTree:
    """Random DAGs over 1–6 events and a house event, with every gate kind."""
    n_events = draw(st.integers(1, 6))
    events = {f"e{i}": BasicEvent(f"e{i}", draw(st.floats(0.0, 1.0))) for i in range(n_events)}
    names = [*events, "h"]
    gates: dict[str, Gate] = {}
    for g in range(draw(st.integers(1, 6))):
        kind = draw(_KINDS)
        size = 1 if kind == "not" else draw(st.integers(1, min(4, len(names))))
        children = tuple(draw(st.lists(st.sampled_from(names), min_size=size, max_size=size,
                                       unique=True)))
        k = draw(st.integers(1, len(children))) if kind == "atleast" else 0
        gates[f"g{g}"] = Gate(f"g{g}", kind, children, k)  # type: ignore[arg-type]
        names.append(f"g{g}")
    top = f"g{len(gates) - 1}"
    return FaultTree("random", top, gates, events, {"h": draw(st.booleans())})


@settings(max_examples=150, deadline=None)
@given(_random_trees())
def test_python_and_cudd_engines_agree_on_random_trees(tree: FaultTree) -> None:
    _engines_agree(tree)


@needs_data
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("order", [1, 2, 3])
def test_limit_order_keeps_scrams_cut_sets_of_that_order(name: str, order: int) -> None:
    result = analyse(_tree(name), importance=False, limit_order=order)
    expected = [cs for cs in _expected(name) if len(cs) <= order]
    assert [list(cs) for cs in result.cut_sets] == expected
    assert result.n_mcs == len(expected) and not result.cut_sets_truncated


@needs_data
@pytest.mark.parametrize("name", ["chinese", "isp9606", "das9201", "ftr10"])
def test_max_cut_sets_lists_the_lowest_orders_and_counts_them_all(name: str) -> None:
    answer, expected = ANSWERS[f"models/{name}.xml"], _expected(name)
    cap = len(expected) // 3
    result = analyse(_tree(name), importance=True, max_cut_sets=cap)
    assert result.cut_sets_truncated and len(result.cut_sets) == cap
    assert result.n_mcs == answer["n_mcs"]
    listed = {frozenset(cs) for cs in result.cut_sets}
    assert listed <= {frozenset(cs) for cs in expected}
    highest = max(map(len, result.cut_sets))  # every set of a lower order is listed
    assert {frozenset(cs) for cs in expected if len(cs) < highest} <= listed
    assert [list(cs) for cs in result.cut_sets] == sorted(
        map(list, result.cut_sets), key=lambda cs: (len(cs), cs))
    # the rare-event sum and occurrences are still over every cut set (on the ZDD)
    assert math.isclose(result.p_rare_event, answer["p_top_rare_event"], rel_tol=1e-5)
    assert math.isnan(result.p_mcub)
    assert result.occurrence == Counter(e for cs in expected for e in cs)
    for event, factors in answer["importance"].items():
        assert math.isclose(result.measures[event].mif, factors["mif"], rel_tol=1e-5)


@needs_data
@pytest.mark.parametrize("name", ["chinese", "das9201"])
def test_importance_without_cut_sets_is_scrams(name: str) -> None:
    answer = ANSWERS[f"models/{name}.xml"]
    result = analyse(_tree(name), importance=True, cut_sets=False)
    assert result.n_mcs == -1 and result.cut_sets == ()
    if not answer.get("importance_truncated"):
        assert set(result.measures) == set(answer["importance"])
    for event, factors in answer["importance"].items():
        for factor in ("mif", "cif", "dif", "raw", "rrw"):
            assert math.isclose(getattr(result.measures[event], factor), factors[factor],
                                rel_tol=1e-5, abs_tol=1e-300), (event, factor)


def test_a_zdd_over_budget_gives_up_cut_sets_not_p_top() -> None:
    tree = _product_of_sums(8, 3, 0.1)
    result = analyse(tree, importance=True, zdd_budget=20)
    assert result.n_mcs == -1 and result.cut_sets_truncated and result.cut_sets == ()
    assert "limit order" in result.cut_sets_note
    assert math.isclose(result.p_top, (1 - 0.9 ** 3) ** 8, rel_tol=1e-12)
    assert len(result.measures) == 24


def _product_of_sums(n_ors: int, width: int, p: float) -> FaultTree:
    """AND of ``n_ors`` ORs of ``width`` events each: width ** n_ors minimal cut sets."""
    events = {f"e{i}_{j}": BasicEvent(f"e{i}_{j}", p)
              for i in range(n_ors) for j in range(width)}
    gates = {f"or{i}": Gate(f"or{i}", "or", tuple(f"e{i}_{j}" for j in range(width)))
             for i in range(n_ors)}
    gates["top"] = Gate("top", "and", tuple(gates))
    return FaultTree("product", "top", gates, events)


def test_astronomically_many_cut_sets_in_bounded_memory(tmp_path: Path) -> None:
    """3**40 ≈ 1.2e19 cut sets: the command lists the cap, counts them all exactly and
    gives the exact P(top) and importance, under a 1 GiB address-space limit, quickly."""
    from pumpproof.hazards.fta import export_mef

    model = tmp_path / "huge.xml"
    model.write_text(export_mef(_product_of_sums(40, 3, 0.01)))
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pumpproof.cli import main
        sys.exit(main(["fta", {str(model)!r}, "--json", "--cut-sets", "--importance",
                       "--max-cut-sets", "20000"]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["n_mcs"] == 3 ** 40
    assert result["cut_sets_truncated"] is True and result["max_cut_sets"] == 20_000
    assert len(result["cut_sets"]) == 20_000 and result["p_mcub"] is None
    assert math.isclose(result["p_top"], (1 - 0.99 ** 3) ** 40, rel_tol=1e-9)
    assert len(result["importance"]) == 120
    assert "20000 of 12157665459056928801 listed" in result["cut_sets_note"]


def test_cudd_out_of_memory_is_one_clear_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """dd reports CUDD refusing to pass max_memory as a ValueError (a NULL node), in any
    operation, the coherent approximation's included: it becomes one ModelError line."""
    from pumpproof.errors import ModelError
    from pumpproof.hazards.fta import bdd

    def refuse(*_: object) -> None:
        raise ValueError("`DdNode *node` is `NULL` pointer.")

    monkeypatch.setattr(bdd._Builder, "up_closure", refuse)
    tree = FaultTree("t", "top", {"top": Gate("top", "or", ("n", "a")),
                                  "n": Gate("n", "not", ("b",))},
                     {"a": BasicEvent("a", 0.1), "b": BasicEvent("b", 0.2)}, source="m.xml")
    with pytest.raises(ModelError, match=r"^m\.xml: top event 'top': its BDD needs more than"):
        build_bdd(tree, "cudd")
