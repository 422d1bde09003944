"""One bad-input fixture per failure mode; each message names file, element and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from pumpproof.errors import ModelError
from pumpproof.hazards.fta import BasicEvent, FaultTree, Gate, analyse, read_mef, to_graph

BAD = Path(__file__).parent / "bad"

# fixture -> the exact "element: problem" part of the message (after "file: ")
EXPECTED = {
    "not_xml": "document: not well-formed XML (mismatched tag: line 4, column 2)",
    "wrong_root": "<model>: the root element must be <opsa-mef>",
    "entity_bomb": "document: refused XML (EntitiesForbidden",
    "no_gate": "<opsa-mef>: defines no gate (no fault tree to analyse)",
    "missing_name": "<define-gate>: has no 'name' attribute",
    "duplicate_gate": "gate 'top': is defined twice",
    "gate_without_formula": "gate 'top': needs exactly one formula, has 0",
    "empty_gate": "gate 'top': <and> has no arguments",
    "undefined_gate": "gate 'top': reference to undefined gate 'missing'",
    "undefined_basic_event": "gate 'top': reference to undefined basic-event 'ghost'",
    "undefined_house_event": "gate 'top': reference to undefined house-event 'h'",
    "undefined_event": "gate 'top': reference to undefined element 'nowhere'",
    "bad_event_type": "gate 'top': <event type='parameter'> must be one of gate, basic-event, "
                      "house-event",
    "component_name_from_outside": "gate 'top': reference to undefined gate 'g'",
    "atleast_too_big": "gate 'top': atleast min=3 must be between 1 and 2 (the number of "
                       "arguments)",
    "atleast_without_min": "gate 'top': <atleast min=''> needs an integer",
    "not_two_arguments": "gate 'top': <not> takes 1 argument(s), has 2",
    "unknown_formula": "gate 'top': unsupported formula <maybe>",
    "cycle": "gate 'g1': is in a cycle g1 → g2 → g1",
    "every_gate_referenced": "<opsa-mef>: no top gate: every gate is referenced by another "
                             "(a cycle)",
    "bad_probability": "basic event 'a': probability 1.5 is outside [0, 1]",
    "negative_probability": "basic event 'a': probability -0.25 is outside [0, 1]",
    "not_a_number": "basic event 'a': <float value='abc'> is not a number",
    "no_probability": "basic event 'a': needs exactly one probability expression, has 0",
    "unknown_expression": "basic event 'a': unsupported expression <bogus-deviate>",
    "exponential_one_argument": "basic event 'a': <exponential> takes 2 argument(s), has 1",
    "undefined_parameter": "basic event 'a': reference to undefined parameter 'lambda'",
    "parameter_cycle": "parameter 'x': is in a cycle x → y → x",
    "bad_house_value": "house event 'h': <constant value='maybe'> must be 'true' or 'false'",
}


def test_every_fixture_has_an_expectation() -> None:
    assert {path.stem for path in BAD.glob("*.xml")} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_model_is_refused_naming_file_element_problem(case: str) -> None:
    path = BAD / f"{case}.xml"
    with pytest.raises(ModelError) as error:
        read_mef(path)
    assert str(error.value).startswith(f"{path}: {EXPECTED[case]}")


def test_unreadable_file() -> None:
    with pytest.raises(ModelError, match=r"^nowhere\.xml: file: cannot be read"):
        read_mef("nowhere.xml")


def test_top_override_must_be_a_gate() -> None:
    with pytest.raises(ModelError, match=r": top event 'a': is not a defined gate$"):
        read_mef(BAD.parent / "good" / "small.xml", top="a")


def _tree(gates: dict[str, Gate], p: float = 0.1) -> FaultTree:
    return FaultTree("t", "top", gates, {"a": BasicEvent("a", p), "b": BasicEvent("b", 0.2)},
                     source="in-memory")


@pytest.mark.parametrize(("gates", "message"), [
    ({"top": Gate("top", "and", ())}, "in-memory: gate 'top': has no children"),
    ({"top": Gate("top", "not", ("a", "b"))},
     "in-memory: gate 'top': a NOT gate takes exactly one child, has 2"),
    ({"top": Gate("top", "atleast", ("a", "b"), k=0)},
     "in-memory: gate 'top': atleast min=0 must be between 1 and 2 (the number of children)"),
    ({"top": Gate("top", "or", ("a", "zz"))},
     "in-memory: gate 'top': reference to undefined element 'zz'"),
    ({"g": Gate("g", "or", ("a",))}, "in-memory: top event 'top': is not a defined gate"),
    ({"top": Gate("top", "or", ("g",)), "g": Gate("g", "and", ("top", "a"))},
     "in-memory: gate 'top': is in a cycle top → g → top"),
])
def test_trees_built_in_code_are_checked_too(gates: dict[str, Gate], message: str) -> None:
    with pytest.raises(ModelError) as error:
        analyse(_tree(gates))
    assert str(error.value) == message


def test_probability_checked_for_trees_built_in_code() -> None:
    with pytest.raises(ModelError, match="basic event 'a': probability nan is outside"):
        to_graph(_tree({"top": Gate("top", "or", ("a", "b"))}, p=float("nan")))
