"""The answer codec and answer.schema.json agree, both ways; the shipped validators work.

``observation_from_json`` is the fast check every answer of a fuzzing run goes through;
``answer_problems`` is the schema itself. For any answer (mostly near-valid observations with
one or two fields broken), the codec accepts it exactly when the schema's observation
definition validates it and its alarms are sorted (the one thing JSON Schema cannot say).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pumpproof.engines.malformed import WELL_FORMED, malformed_events
from pumpproof.errors import AnswerError
from pumpproof.pump_model.codes import ALARMS, MODES, REASONS
from pumpproof.pump_model.jsonschemas import (
    SCHEMA_NAMES,
    _validator,
    answer_problems,
    answer_problems_remembered,
    event_is_valid,
    request_problems,
    schema,
    schema_path,
    schema_text,
)
from pumpproof.pump_model.protocol import _checked_observation, observation_from_json

VALID: dict[str, Any] = {"t": 3, "delivered_mU": 50, "reservoir_mU": 299_950, "iob_mU": 50,
                         "basal_rate_mU_per_h": 800, "mode": "running",
                         "alarms": ["cgm_stale", "x_own"], "accepted": True, "reason": None}

_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.just(50.0),
                  st.text(max_size=3), st.lists(st.integers(0, 1), max_size=1))
_ALARM = st.sampled_from([*ALARMS, "x_own", "x_", "leak", "X_up", ""])
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "mode": st.sampled_from([*MODES, "paused", "RUNNING"]),
    "alarms": st.lists(_ALARM, max_size=4),
    "accepted": st.booleans(),
    "reason": st.sampled_from([*REASONS, "alarm_not_active", "", "not_configured"]),
}


@st.composite
def _answers(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(_JUNK)
    answer = dict(VALID)
    for name in VALID:
        roll = draw(st.integers(0, 9))
        if roll == 0:
            del answer[name]
        elif roll <= 3:
            answer[name] = draw(_VALUES.get(name, st.integers(-2, 100_000)))
        elif roll == 4:
            answer[name] = draw(_JUNK)
    if draw(st.booleans()):
        answer["reason"] = None if answer.get("accepted") is True else draw(
            st.sampled_from([r for r in REASONS if r is not None]))
    return answer


@settings(max_examples=1500, deadline=None)
@given(_answers())
def test_codec_accepts_exactly_what_the_schema_allows(answer: Any) -> None:
    try:
        observation = observation_from_json(answer)
        codec_ok = True
    except AnswerError:
        codec_ok = False
    if codec_ok:  # the fast path (a second time, its alarm list known) and the full checks
        assert observation_from_json(answer) == observation == _checked_observation(answer)
    schema_ok = _validator("answer", "observation").is_valid(answer)
    sorted_ok = not isinstance(answer, dict) or not isinstance(answer.get("alarms"), list) or (
        answer["alarms"] == sorted(answer["alarms"], key=str))
    assert codec_ok == (schema_ok and sorted_ok), (answer, answer_problems(answer))


def test_problems_name_the_field() -> None:
    assert answer_problems(VALID) == []
    assert answer_problems({**VALID, "reservoir_mU": -50}) == [
        "reservoir_mU: -50 is less than the minimum of 0"]
    (problem,) = answer_problems({**VALID, "accepted": False})
    assert problem.startswith("reason: None is not of type 'string'")
    assert answer_problems({**VALID, "t": 1.0})[0].startswith("t: 1.0 is not of type")
    assert answer_problems({"ok": True, "name": "fw", "protocol": 1}) == []
    assert answer_problems({"ok": False, "reason": "nope"})[0].startswith("reason: 'nope'")
    # a refusal reason outside §8 is allowed (S17), an empty one is not
    assert answer_problems({**VALID, "accepted": False, "reason": "alarm_not_active"}) == []
    assert answer_problems({**VALID, "accepted": False, "reason": ""}) != []
    assert answer_problems([1])[0].startswith("(the answer): [1] is not of type 'object'")
    assert request_problems({"op": "tick"}) == []
    assert request_problems({"op": "reboot"}) != []


def test_remembered_verdicts_keep_json_types_apart() -> None:
    """A valid answer is remembered by its JSON text; an answer that differs only in a
    value's JSON type (1 against 1.0 against true) is judged anew, as the schema judges it."""
    valid = {"ok": True, "name": "fw", "protocol": 1}
    assert answer_problems_remembered(valid) == []
    assert answer_problems_remembered(dict(reversed(list(valid.items())))) == []
    variants = [{**valid, "protocol": True}, {**valid, "ok": 1}, {**valid, "protocol": 1.0},
                {**valid, "protocol": "1"}, {**VALID, "reservoir_mU": -50},
                {**valid, "protocol": float("nan")}, {**valid, 7: "x"}, [valid]]
    for _ in range(2):  # the second time, nothing refused may have been remembered
        for variant in variants:
            assert answer_problems_remembered(variant) == answer_problems(variant)
    assert [bool(answer_problems(v)) for v in variants] == [True, True, False, True, True,
                                                            True, False, True]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_shipped_files(name: Any) -> None:
    text = schema_text(name)
    assert text.startswith("{") and schema(name)["$schema"].endswith("2020-12/schema")
    with open(schema_path(name), encoding="utf-8") as handle:
        assert handle.read() == text


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(WELL_FORMED)), st.data())
def test_an_event_is_judged_by_its_kind_as_by_the_whole_schema(kind: str,
                                                                data: st.DataObject) -> None:
    """``event_is_valid`` (the kind's branch alone) agrees with request.schema.json."""
    event = dict(WELL_FORMED[kind])
    for name in list(event):
        roll = data.draw(st.integers(0, 5))
        if roll == 0 and name != "kind":
            del event[name]
        elif roll == 1:
            event[name] = data.draw(_JUNK)
    if data.draw(st.booleans()):
        event["kind"] = data.draw(st.sampled_from([*sorted(WELL_FORMED), "warp", 3]))
    assert event_is_valid(event) == (not request_problems({"op": "event", "event": event}))


def test_every_malformed_event_and_no_well_formed_one_is_refused() -> None:
    assert all(event_is_valid(event) for event in WELL_FORMED.values())
    assert not any(event_is_valid(mutant) for mutant in malformed_events())
