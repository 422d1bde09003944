"""Frequency of a top event: the README's worked example by hand, and the refusals."""

from __future__ import annotations

import pytest

from pumpproof.errors import SpecError
from pumpproof.hazards.frequency import quantify
from pumpproof.hazards.fta import BasicEvent, FaultTree, Gate, analyse


def _example(y_or: bool = False) -> FaultTree:
    """The README's worked example: top = OR(AND(A, x), AND(B, x, y)).

    A: occlusion, 4 per patient-year; B: reservoir low, 100 per patient-year; x: the user
    misses it, 0.1 per demand; y: the reservoir alarm fails, 0.01 per demand.
    """
    second = Gate("gb", "and", ("B", "gy") if y_or else ("B", "x", "y"))
    gates = {"top": Gate("top", "or", ("ga", "gb")), "ga": Gate("ga", "and", ("A", "x")),
             "gb": second}
    if y_or:
        gates["gy"] = Gate("gy", "or", ("x", "y"))
    return FaultTree("example", "top", gates,
                     {"A": BasicEvent("A", 0.0), "B": BasicEvent("B", 0.0),
                      "x": BasicEvent("x", 0.1), "y": BasicEvent("y", 0.01)},
                     source="example.yaml")


def test_the_worked_example_matches_the_hand_calculation() -> None:
    result = quantify(_example(), {"A": 4.0, "B": 100.0}, importance=True)
    # by hand: P(top | A) = x = 0.1; P(top | B) = x·y = 0.001
    # F = 4 × 0.1 + 100 × 0.001 = 0.4 + 0.1 = 0.5 per patient-year
    a, b = result.contributions
    assert (a.initiator, a.frequency_per_year, a.p_top_given_initiator) == ("A", 4.0, 0.1)
    assert (b.initiator, b.frequency_per_year) == ("B", 100.0)
    assert b.p_top_given_initiator == pytest.approx(0.001, rel=1e-15)
    assert a.contribution_per_year == pytest.approx(0.4, rel=1e-15)
    assert b.contribution_per_year == pytest.approx(0.1, rel=1e-15)
    assert result.frequency_per_year == pytest.approx(0.5, rel=1e-15)
    assert result.cut_sets == (("A", "x"), ("B", "x", "y"))
    assert result.frequency_rare_event_per_year == pytest.approx(0.5, rel=1e-15)
    # importance of x: F if x always fails = 4 + 100 × 0.01 = 5; if it never fails = 0
    x = result.importance["x"]
    assert x.frequency_if_fails_per_year == pytest.approx(5.0, rel=1e-15)
    assert x.frequency_if_works_per_year == 0.0 and x.birnbaum_per_year == pytest.approx(5.0)
    # of y: F(y = 1) = 0.4 + 100 × 0.1 = 10.4; F(y = 0) = 0.4
    assert result.importance["y"].birnbaum_per_year == pytest.approx(10.0, rel=1e-12)
    assert set(result.importance) == {"x", "y"}  # initiators have contributions instead


def test_shared_conditional_events_are_counted_once_per_demand() -> None:
    # B's branch is B ∧ (x ∨ y): P(top | B) = 1 − 0.9 × 0.99 = 0.109 exactly, where the
    # rare-event sum over cut sets {B, x}, {B, y} would give 0.11
    result = quantify(_example(y_or=True), {"A": 4.0, "B": 100.0})
    assert result.contributions[1].p_top_given_initiator == pytest.approx(0.109, rel=1e-14)
    assert result.frequency_per_year == pytest.approx(0.4 + 10.9, rel=1e-14)
    assert result.frequency_rare_event_per_year == pytest.approx(0.4 + 11.0, rel=1e-14)


def test_a_frequency_above_one_per_year_is_not_capped() -> None:
    tree = FaultTree("t", "top", {"top": Gate("top", "and", ("A", "x"))},
                     {"A": BasicEvent("A", 0.0), "x": BasicEvent("x", 1.0)})
    assert quantify(tree, {"A": 250.0}).frequency_per_year == 250.0


def test_two_initiators_in_a_cut_set_are_refused() -> None:
    tree = FaultTree("t", "top", {"top": Gate("top", "and", ("A", "B", "x"))},
                     {"A": BasicEvent("A", 0.0), "B": BasicEvent("B", 0.0),
                      "x": BasicEvent("x", 0.1)}, source="spec/fault_trees/t.yaml")
    with pytest.raises(SpecError) as error:
        quantify(tree, {"A": 4.0, "B": 100.0})
    assert str(error.value) == (
        "spec/fault_trees/t.yaml: top: minimal cut set {A, B, x} holds 2 initiating events "
        "(A, B): a product of two frequencies has no meaning; make all but one a conditional "
        "event (p_per_demand, given the other)")


def test_a_cut_set_without_an_initiator_is_refused() -> None:
    tree = FaultTree("t", "top", {"top": Gate("top", "or", ("g", "y")),
                                  "g": Gate("g", "and", ("A", "x"))},
                     {"A": BasicEvent("A", 0.0), "x": BasicEvent("x", 0.1),
                      "y": BasicEvent("y", 0.01)}, source="t.yaml")
    with pytest.raises(SpecError, match=r"t.yaml: top: minimal cut set \{y\} holds no "
                                        "initiating event"):
        quantify(tree, {"A": 4.0})


def test_the_engine_keeps_probability_semantics_for_mef_trees() -> None:
    # the same tree read as probabilities (MEF, SCRAM): P(top) = x · P(A ∨ B·y)
    tree = _example()
    as_probabilities = FaultTree("p", "top", tree.gates, {**tree.basic_events,
                                 "A": BasicEvent("A", 0.5), "B": BasicEvent("B", 0.5)})
    expected = 0.1 * (0.5 + 0.5 * 0.01 - 0.5 * 0.5 * 0.01)
    assert analyse(as_probabilities).p_top == pytest.approx(expected, rel=1e-12)
