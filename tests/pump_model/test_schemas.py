"""The JSON Schemas of target protocol v1 agree with the reference pump's codec.

``pump_model/schemas/request.schema.json`` and ``answer.schema.json`` describe protocol v1
(docs/protocol.md) for firmware teams and their tools. These tests hold them to the codec:

- the schemas name exactly the kinds, fields, alarms, faults, modes and reasons of
  ``pump_model.protocol`` and ``pump_model.codes``;
- (i) every event the reference pump does not refuse as ``bad_request``/``unknown_kind``
  validates against the request schema, and conversely, within what JSON Schema can say
  (strictly increasing schedule starts, and 50.0 not being an integer, are outside it);
- (ii) every answer of a scripted session validates against the answer schema.
"""

from __future__ import annotations

import itertools
import json
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.validators import extend

from pumpproof.pump_model import ReferencePump
from pumpproof.pump_model.codes import ALARMS, FAULTS, KINDS, MODES, REASONS
from pumpproof.pump_model.protocol import _EVENT_FIELDS, _REQUIRED
from pumpproof.spec import load_spec
from pumpproof.spec.settings import SETTING_NAMES

SPEC = load_spec()
SETTINGS = SPEC.settings.to_protocol()
PULSE = SETTINGS["pulse_mU"]


def _schema(name: str) -> dict[str, Any]:
    text = (files("pumpproof.pump_model") / "schemas" / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


REQUEST = _schema("request")
ANSWER = _schema("answer")

# The protocol's integers are JSON integers only; JSON Schema also counts 50.0 as one.
_Strict = extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool)
    ),
)
REQUEST_V = _Strict(REQUEST)
ANSWER_V = _Strict(ANSWER)
MALFORMED = {"bad_request", "unknown_kind"}


def _event_schemas() -> dict[str, dict[str, Any]]:
    return {s["properties"]["kind"]["const"]: s for s in REQUEST["$defs"]["event"]["oneOf"]}


# ---------------------------------------------------------------- the schemas name the codec


def test_event_kinds_and_fields_match_the_codec() -> None:
    schemas = _event_schemas()
    assert set(schemas) == set(_EVENT_FIELDS) == set(KINDS) - {"tick", "invalid"}
    for kind, fields in _EVENT_FIELDS.items():
        schema = schemas[kind]
        assert set(schema["properties"]) - {"kind"} == set(fields), kind
        required = {name for name, (_check, default) in fields.items() if default is _REQUIRED}
        assert set(schema["required"]) - {"kind"} == required, kind


def test_codes_match() -> None:
    request_defs, answer_defs = REQUEST["$defs"], ANSWER["$defs"]
    assert request_defs["alarm_code"]["anyOf"][0]["enum"] == list(ALARMS)
    assert answer_defs["alarm_code"]["anyOf"][0]["enum"] == list(ALARMS)
    fault_schema = _event_schemas()["fault"]["properties"]["fault"]
    assert fault_schema["enum"] == list(FAULTS)
    observation = answer_defs["observation"]["properties"]
    assert observation["mode"]["enum"] == list(MODES)
    assert observation["reason"]["anyOf"][0]["enum"] == list(REASONS)
    assert set(request_defs["settings"]["required"]) == set(SETTING_NAMES)


# ---------------------------------------------------------------- (i) requests

_INT = st.one_of(
    st.integers(-3000, 3000),
    st.integers(-3, 3).map(lambda k: k * PULSE),
    st.sampled_from([-1441, -1440, -1, 0, 1, 999, 1000, 1001, 1439, 1440, 1441, 4319, 4320, 4321,
                     10_000, 10_050, 299_950, 300_000, 300_050]),
)
_JUNK = st.one_of(
    st.none(), st.booleans(), st.floats(-100, 100), st.just(50.0), st.text(max_size=3),
    st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(),
                                                               max_size=1),
)
_SCHEDULE = st.one_of(
    st.lists(st.tuples(st.integers(-1, 1500), st.integers(-10, 4000)), min_size=0, max_size=4)
    .map(lambda segs: [list(s) for s in segs]),
    st.lists(st.integers(1, 1439), max_size=3, unique=True)
    .flatmap(lambda starts: st.tuples(*[st.integers(0, 3500) for _ in range(len(starts) + 1)])
             .map(lambda rates: [[s, r] for s, r in zip([0, *sorted(starts)], rates,
                                                        strict=True)])),
    st.lists(st.just([0, 800]), min_size=48, max_size=49),
)
_VALID: dict[str, st.SearchStrategy[Any]] = {
    "source": st.sampled_from(["user", "auto", "user", "auto", "USER"]),
    "id": st.text(min_size=1, max_size=3),
    "basal_schedule": _SCHEDULE,
    "code": st.sampled_from([*ALARMS, "x_own", "nonsense", ""]),
    "fault": st.sampled_from([*FAULTS, "meteor"]),
}


def _chance(draw: st.DrawFn, tenths: int) -> bool:
    return draw(st.integers(0, 9)) < tenths


@st.composite
def _events(draw: st.DrawFn) -> Any:
    """Mostly near-valid events of every kind, with a missing, ill-typed or extra field now
    and then, and sometimes no event object at all."""
    if not _chance(draw, 9):
        return draw(_JUNK)
    if _chance(draw, 9):
        kind: Any = draw(st.sampled_from(sorted(_EVENT_FIELDS)))
    else:
        kind = draw(st.one_of(st.sampled_from(["tick", "invalid", "x_new", ""]), _JUNK))
    fields = _EVENT_FIELDS.get(kind, {}) if isinstance(kind, str) else {}
    event: dict[str, Any] = {}
    if _chance(draw, 9):
        event["kind"] = kind
    for name in fields:
        if _chance(draw, 9):
            valid = _VALID.get(name, _INT)
            event[name] = draw(valid if _chance(draw, 9) else _JUNK)
    if _chance(draw, 1):
        event["note"] = draw(_JUNK)  # unknown extra fields are ignored
    return event


def _configured() -> ReferencePump:
    pump = ReferencePump(SPEC)
    assert pump.handle({"op": "configure", "settings": SETTINGS})["ok"] is True
    return pump


def _expressible(event: Any) -> bool:
    """Whether the request schema can judge this event exactly (see the module docstring)."""
    if not isinstance(event, dict):
        return True
    if event.get("kind") == "ack_alarm" and str(event.get("code", "")).startswith("x_"):
        return False  # target-defined codes: the reference defines none
    schedule = event.get("basal_schedule")
    if event.get("kind") == "set_basal_schedule" and isinstance(schedule, list):
        starts = [s[0] for s in schedule if isinstance(s, list) and s]
        return all(a < b for a, b in itertools.pairwise(starts))
    return True


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_events())
def test_well_formed_events_validate_and_conversely(event: Any) -> None:
    request = {"op": "event", "event": event}
    answer = _configured().handle(request)
    well_formed = answer["reason"] not in MALFORMED
    valid = REQUEST_V.is_valid(request)
    if well_formed:
        assert valid, (request, answer, [e.message for e in REQUEST_V.iter_errors(request)])
    elif _expressible(event):
        assert not valid, (request, answer)
    assert Draft202012Validator(REQUEST).is_valid(request) or not valid


@pytest.mark.parametrize(
    ("request_", "valid"),
    [
        ({"op": "configure", "settings": SETTINGS}, True),
        ({"op": "configure", "settings": {**SETTINGS, "extra_mU": 1}}, False),
        ({"op": "configure", "settings": {k: v for k, v in SETTINGS.items() if k != "dia_min"}},
         False),
        ({"op": "configure"}, False),
        ({"op": "tick"}, True),
        ({"op": "quit"}, True),
        ({"op": "event", "event": {"kind": "restart"}}, True),
        ({"op": "event"}, False),
        ({"op": "reboot"}, False),
        ({}, False),
    ],
)
def test_lifecycle_requests(request_: dict[str, Any], valid: bool) -> None:
    assert REQUEST_V.is_valid(request_) is valid
    if request_.get("op") == "configure":
        assert ReferencePump(SPEC).handle(request_)["ok"] is valid


# ---------------------------------------------------------------- (ii) answers


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": kind, **fields}}


SESSION: list[Any] = [
    {"op": "tick"},  # not_configured
    "not json",
    {"op": "reboot"},
    {"op": "configure", "settings": {**SETTINGS, "peak_min": 200}},
    {"op": "configure", "settings": SETTINGS},
    {"op": "configure", "settings": SETTINGS},  # already_configured
    _event("cgm", glucose_mg_dL=180),
    _event("bolus", amount_mU=12_000, source="user", id="b1"),
    _event("bolus", amount_mU=3_000, extended_mU=1_000, extended_min=10, source="user", id="b2"),
    {"op": "tick"},
    _event("temp_basal", rate_mU_per_h=2_000, duration_min=30, source="auto", id="a1"),
    *[{"op": "tick"}] * 3,
    _event("fault", fault="occlusion"),
    *[{"op": "tick"}] * 2,
    _event("ack_alarm", code="occlusion"),
    _event("fault", fault="occlusion_cleared"),
    _event("fill", reservoir_mU=200_000),
    _event("resume", source="user"),
    _event("fault", fault="battery_low"),
    _event("cgm", glucose_mg_dL=60),
    *[{"op": "tick"}] * 17,
    _event("bolus", amount_mU=500, source="auto", id="a2"),
    _event("set_clock", offset_min=-300),
    _event("set_basal_schedule", basal_schedule=[[0, 800], [600, 4_000]]),
    _event("suspend", source="user"),
    _event("fill", reservoir_mU=300_050),
    _event("fill", reservoir_mU=50),
    _event("restart"),
    _event("x_bubble"),
    _event("bolus", amount_mU="500", source="user", id="r1"),
    _event("ack_alarm", code="x_nonsense"),
    {"op": "event", "event": "bolus"},
    *[{"op": "tick"}] * 3,
    {"op": "quit"},
]


def test_every_answer_of_a_session_validates() -> None:
    pump = ReferencePump(SPEC)
    answers = []
    for request in SESSION:
        line = request if isinstance(request, str) else json.dumps(request)
        answers.append(json.loads(pump.handle_line(line)))
    reasons = {a.get("reason") for a in answers}
    assert {"not_configured", "bad_request", "already_configured", "exceeds_max_bolus",
            "unknown_kind", "exceeds_capacity"} <= reasons  # the session covers these
    assert any(str(r).startswith("invalid_settings") for r in reasons)
    for request, answer in zip(SESSION, answers, strict=True):
        errors = [e.message for e in ANSWER_V.iter_errors(answer)]
        assert not errors, (request, answer, errors)
        if "alarms" in answer:
            assert answer["alarms"] == sorted(answer["alarms"])


@pytest.mark.parametrize(
    "answer",
    [
        {"ok": True, "name": "", "protocol": 1},
        {"ok": True, "name": "x", "protocol": 2},
        {"ok": False},
        {"ok": False, "reason": "oops"},
        {"t": 0, "delivered_mU": 0},
        {"t": 0, "delivered_mU": 0, "reservoir_mU": 0, "iob_mU": 0, "basal_rate_mU_per_h": 0,
         "mode": "running", "alarms": [], "accepted": True, "reason": "bad_request"},
        {"t": 0, "delivered_mU": 0, "reservoir_mU": 0, "iob_mU": 0, "basal_rate_mU_per_h": 0,
         "mode": "paused", "alarms": [], "accepted": True, "reason": None},
        {"t": 0, "delivered_mU": 0, "reservoir_mU": 0, "iob_mU": 0, "basal_rate_mU_per_h": 0,
         "mode": "running", "alarms": ["leak"], "accepted": True, "reason": None},
    ],
)
def test_malformed_answers_do_not_validate(answer: dict[str, Any]) -> None:
    assert not ANSWER_V.is_valid(answer)
