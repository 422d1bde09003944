"""Target protocol v1 at the edge: JSON values ⇄ requests and observations.

This module is the only place where protocol names and JSON types meet the model's
integer codes. It refuses what the protocol says to refuse (a line that is not a JSON
object, an unknown op, an event of unknown kind, missing or ill-typed fields) with the
protocol's answers, so that a bad request never stops the pump. Unknown extra fields of
an event are ignored (forward compatible); values out of range are judged by the model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from pumpproof.errors import AnswerError
from pumpproof.spec import Spec, load_spec, schedule_problems, settings_problems
from pumpproof.spec.settings import Settings

from .codes import ALARMS, FAULTS, KINDS, MODES, REASONS, kind_code, reason_code
from .request import TICK, Request
from .state import Params, State, initial_state, pad_schedule
from .transition import REFERENCE, Observation, Rules, step

__all__ = [
    "PROTOCOL_VERSION",
    "ReferencePump",
    "observation_from_json",
    "observation_to_json",
    "parse_event",
    "request_from_json",
    "request_to_json",
]

PROTOCOL_VERSION = 1
_INVALID = kind_code("invalid")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(reason: str) -> Request:
    return Request(kind=_INVALID, code=reason_code(reason))


# Field types per event kind: name -> (checker, default or _REQUIRED)
_REQUIRED = object()
_Field = tuple[Callable[[Any], bool], Any]
_INT: Callable[[Any], bool] = _is_int
_SOURCE: Callable[[Any], bool] = lambda v: v in ("user", "auto")  # noqa: E731
_ID: Callable[[Any], bool] = lambda v: isinstance(v, str) and len(v) > 0  # noqa: E731
_EVENT_FIELDS: dict[str, dict[str, _Field]] = {
    "bolus": {
        "amount_mU": (_INT, _REQUIRED),
        "extended_mU": (_INT, 0),
        "extended_min": (_INT, 0),
        "source": (_SOURCE, _REQUIRED),
        "id": (_ID, _REQUIRED),
    },
    "cancel_bolus": {},
    "temp_basal": {
        "rate_mU_per_h": (_INT, _REQUIRED),
        "duration_min": (_INT, _REQUIRED),
        "source": (_SOURCE, _REQUIRED),
        "id": (_ID, _REQUIRED),
    },
    "cancel_temp_basal": {},
    "set_basal_schedule": {"basal_schedule": (lambda v: True, _REQUIRED)},
    "suspend": {"source": (_SOURCE, _REQUIRED)},
    "resume": {"source": (_SOURCE, _REQUIRED)},
    "cgm": {"glucose_mg_dL": (_INT, _REQUIRED)},
    "set_clock": {"offset_min": (_INT, _REQUIRED)},
    "fill": {"reservoir_mU": (_INT, _REQUIRED)},
    "ack_alarm": {"code": (lambda v: v in ALARMS, _REQUIRED)},
    "fault": {"fault": (lambda v: v in FAULTS, _REQUIRED)},
    "restart": {},
}
assert set(_EVENT_FIELDS) == set(KINDS) - {"tick", "invalid"}


def parse_event(event: Any, params: Params) -> Request:
    """A protocol event object as a model request (kind ``invalid`` when refused)."""
    if (type(event) is not dict and not isinstance(event, Mapping)) or not isinstance(
            event.get("kind"), str):
        return _invalid("bad_request")
    kind = event["kind"]
    if kind not in _EVENT_FIELDS:
        return _invalid("unknown_kind")
    values: dict[str, Any] = {}
    for name, (check, default) in _EVENT_FIELDS[kind].items():
        if name not in event:
            if default is _REQUIRED:
                return _invalid("bad_request")
            values[name] = default
        elif not check(event[name]):
            return _invalid("bad_request")
        else:
            values[name] = event[name]
    fields: dict[str, Any] = {"kind": kind_code(kind)}
    if "source" in values:
        fields["auto"] = values.pop("source") == "auto"
    if "id" in values:
        fields["id_key"] = values.pop("id")
    if kind == "set_basal_schedule":
        schedule = values.pop("basal_schedule")
        if schedule_problems(schedule, None):
            return _invalid("bad_request")
        fields["schedule"] = pad_schedule(
            tuple((s, r) for s, r in schedule), params.schedule_slots
        )
    if kind == "ack_alarm":
        fields["code"] = ALARMS.index(values.pop("code"))
    if kind == "fault":
        fields["code"] = FAULTS.index(values.pop("fault"))
    fields.update(values)
    return Request(**fields)


def observation_to_json(obs: Observation) -> dict[str, Any]:
    """The protocol's observation object (field order as in the protocol)."""
    return {
        "t": obs.t,
        "delivered_mU": obs.delivered_mU,
        "reservoir_mU": obs.reservoir_mU,
        "iob_mU": obs.iob_mU,
        "basal_rate_mU_per_h": obs.basal_rate_mU_per_h,
        "mode": MODES[obs.mode],
        "alarms": [name for name, active in zip(ALARMS, obs.alarms, strict=True) if active],
        "accepted": bool(obs.accepted),
        "reason": REASONS[obs.reason],
    }


@cache
def _builtin_ranges() -> Mapping[str, tuple[int, int]]:
    """The built-in spec's setting ranges, loaded once per process: a pump made without a
    spec (a ``py:`` target's, once per session) needs only these, and a whole spec load
    takes most of a second."""
    return MappingProxyType(dict(load_spec().ranges))


class ReferencePump:
    """The reference model as a protocol v1 target (in-process).

    ``handle`` takes one parsed request (any JSON value) and returns the answer object;
    ``handle_line`` does the same on text. It never raises on bad input.
    """

    name = "reference"

    def __init__(
        self, spec: Spec | None = None, rules: Rules = REFERENCE, **param_overrides: Any
    ) -> None:
        self._spec = spec
        self.rules = rules
        self._param_overrides = param_overrides
        self.params: Params | None = None
        self.state: State | None = None
        self.quit = False

    def _ranges(self) -> Mapping[str, tuple[int, int]]:
        return self._spec.ranges if self._spec is not None else _builtin_ranges()

    def configure(self, settings: Any) -> dict[str, Any]:
        if self.params is not None:
            return {"ok": False, "reason": "already_configured"}
        problems = settings_problems(settings, self._ranges())
        if problems:
            detail = "; ".join(f"{item}: {problem}" for item, problem in problems)
            return {"ok": False, "reason": f"invalid_settings: {detail}"}
        self.params = Params(Settings.from_values(settings), **self._param_overrides)
        self.state = initial_state(self.params)
        return {"ok": True, "name": self.name, "protocol": PROTOCOL_VERSION}

    def apply(self, request: Request) -> Observation:
        """Run one model request (after configure)."""
        assert self.params is not None and self.state is not None
        self.state, obs = step(self.params, self.state, request, self.rules)
        return obs

    def handle(self, message: Any) -> dict[str, Any]:
        if type(message) is not dict and not isinstance(message, Mapping):  # ABC check: ~1 µs
            return {"ok": False, "reason": "bad_request"}
        op = message.get("op")
        if op == "configure":
            return self.configure(message.get("settings"))
        if op == "quit":
            self.quit = True
            return {"ok": True}
        if op not in ("tick", "event"):
            return {"ok": False, "reason": "bad_request"}
        if self.params is None:
            return {"ok": False, "reason": "not_configured"}
        if op == "tick":
            return observation_to_json(self.apply(TICK))
        return observation_to_json(self.apply(parse_event(message.get("event"), self.params)))

    def handle_line(self, line: str) -> str:
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            message = None
        return json.dumps(self.handle(message), separators=(",", ":"))


_INVALID_EXAMPLES = {
    "bad_request": {"kind": "bolus"},  # missing fields
    "unknown_kind": {"kind": "x_unknown_kind"},
}


def request_to_json(request: Request, params: Params) -> dict[str, Any]:
    """The protocol request that makes the model run ``request`` (concrete values).

    The inverse of :func:`parse_event` (ids become ``"id-<n>"`` when they are numbers),
    used to turn a symbolic counterexample into a replayable trace.
    """
    kind = KINDS[request.kind]
    if kind == "tick":
        return {"op": "tick"}
    if kind == "invalid":
        reason = REASONS[request.code]
        return {"op": "event", "event": dict(_INVALID_EXAMPLES.get(str(reason), {"kind": 7}))}
    event: dict[str, Any] = {"kind": kind}
    source = "auto" if request.auto else "user"
    key = request.id_key if isinstance(request.id_key, str) else f"id-{request.id_key}"
    if kind == "bolus":
        event.update(
            amount_mU=request.amount_mU,
            extended_mU=request.extended_mU,
            extended_min=request.extended_min,
            source=source,
            id=key,
        )
    elif kind == "temp_basal":
        event.update(
            rate_mU_per_h=request.rate_mU_per_h,
            duration_min=request.duration_min,
            source=source,
            id=key,
        )
    elif kind == "set_basal_schedule":
        event["basal_schedule"] = [[s, r] for s, r in request.schedule if s < 1440]
    elif kind in ("suspend", "resume"):
        event["source"] = source
    elif kind == "cgm":
        event["glucose_mg_dL"] = request.glucose_mg_dL
    elif kind == "set_clock":
        event["offset_min"] = request.offset_min
    elif kind == "fill":
        event["reservoir_mU"] = request.reservoir_mU
    elif kind == "ack_alarm":
        event["code"] = ALARMS[request.code]
    elif kind == "fault":
        event["fault"] = FAULTS[request.code]
    return {"op": "event", "event": event}


_FIELDS = ("t", "delivered_mU", "reservoir_mU", "iob_mU", "basal_rate_mU_per_h")
_KNOWN_ALARMS = frozenset(ALARMS)
_KNOWN_REASONS = frozenset(r for r in REASONS if r is not None)
_MISSING = object()
_BAD_REQUEST = reason_code("bad_request")


# Alarm lists already found well-formed by :func:`_checked_observation`, as the model's
# flags: the fast path accepts only these (bounded: cleared when it grows past 4096).
_ALARM_FLAGS: dict[tuple[str, ...], tuple[bool, ...]] = {(): (False,) * len(ALARMS)}
_MODE_CODE = {name: index for index, name in enumerate(MODES)}
_REFUSAL_CODE = {name: REASONS.index(name) for name in _KNOWN_REASONS}
_ACCEPTED_CODE = REASONS.index(None)
# The fast path makes its record by setting the fields at once: a frozen dataclass's
# __init__ sets nine fields one object.__setattr__ at a time (~3 µs of a ~5 µs parse).
# Sound while Observation has a __dict__ and no __post_init__ (checked here); the codec
# test holds both constructions equal.
_new_observation = object.__new__
if hasattr(Observation, "__slots__") or hasattr(Observation, "__post_init__"):
    raise TypeError("observation_from_json's fast path assumes a plain frozen dataclass")


def observation_from_json(answer: Any) -> Observation:
    """A protocol observation as the model's record; :class:`AnswerError` if malformed.

    Checks exactly what ``$defs/observation`` of answer.schema.json says, plus the one thing
    JSON Schema cannot say (alarms sorted); ``tests/pump_model/test_jsonschemas.py`` holds
    the two to agreement both ways. These hand-written checks cost a few µs where the
    compiled schema costs about 100 µs, so the fuzzing loop runs these on every answer. A
    common answer (plain ints, a known mode and reason, an alarm list seen before) takes a
    fast path that accepts nothing the full checks would refuse; anything else gets them.
    """
    if type(answer) is dict:
        get = answer.get
        t, delivered, reservoir, iob, basal = (get("t"), get("delivered_mU"),
                                               get("reservoir_mU"), get("iob_mU"),
                                               get("basal_rate_mU_per_h"))
        alarms, accepted, reason = get("alarms"), get("accepted"), get("reason", _MISSING)
        if (type(t) is int and type(delivered) is int and type(reservoir) is int
                and type(iob) is int and type(basal) is int
                and min(t, delivered, reservoir, iob, basal) >= 0 and type(alarms) is list
                and (reason is None if accepted is True
                     else accepted is False and type(reason) is str)):
            name = get("mode")
            mode = _MODE_CODE.get(name) if type(name) is str else None
            flags = _ALARM_FLAGS.get(tuple(alarms)) if all(
                type(a) is str for a in alarms) else None
            code = _ACCEPTED_CODE if accepted else _REFUSAL_CODE.get(reason)  # type: ignore[arg-type]
            if mode is not None and flags is not None and code is not None:
                observation = _new_observation(Observation)  # see _new_observation
                observation.__dict__.update(
                    t=t, delivered_mU=delivered, reservoir_mU=reservoir, iob_mU=iob,
                    basal_rate_mU_per_h=basal, mode=mode, alarms=flags, accepted=accepted,
                    reason=code)
                return observation
    observation = _checked_observation(answer)
    if len(_ALARM_FLAGS) > 4096:
        _ALARM_FLAGS.clear()
        _ALARM_FLAGS[()] = (False,) * len(ALARMS)
    _ALARM_FLAGS[tuple(answer["alarms"])] = observation.alarms
    return observation


def _checked_observation(answer: Any) -> Observation:
    """Every check of :func:`observation_from_json`, one by one, with its error."""
    if not isinstance(answer, dict):
        raise AnswerError(f"answer is not a JSON object: {answer!r}"[:200])
    for name in _FIELDS:
        value = answer.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnswerError(f"field {name!r} missing or not an integer: {value!r}"[:200])
        if value < 0:
            raise AnswerError(f"field {name!r} is negative: {value!r}"[:200])
    if answer.get("mode") not in MODES:
        raise AnswerError(f"field 'mode' is not one of {', '.join(MODES)}: {answer.get('mode')!r}"
                          [:200])
    alarms = answer.get("alarms")
    if not isinstance(alarms, list) or not all(isinstance(a, str) for a in alarms):
        raise AnswerError(f"field 'alarms' is not a list of strings: {alarms!r}"[:200])
    for name in alarms:
        if name not in _KNOWN_ALARMS and not name.startswith("x_"):
            raise AnswerError(f"unknown alarm code {name!r} (extensions must start with x_)"
                              [:200])
    if len(set(alarms)) != len(alarms):
        raise AnswerError(f"field 'alarms' lists a code twice: {alarms!r}"[:200])
    if alarms != sorted(alarms):
        raise AnswerError(f"field 'alarms' is not sorted: {alarms!r}"[:200])
    accepted = answer.get("accepted")
    if not isinstance(accepted, bool):
        raise AnswerError(f"field 'accepted' is not a boolean: {accepted!r}"[:200])
    reason = answer.get("reason", _MISSING)
    if reason is not None and not (isinstance(reason, str) and reason):
        raise AnswerError(f"field 'reason' is missing or not a string or null: {reason!r}"[:200])
    if accepted is (reason is not None):
        raise AnswerError(f"field 'reason' must be null exactly when accepted is true: "
                          f"accepted={accepted!r}, reason={reason!r}"[:200])
    # A reason outside §8 is allowed (pumpproof compares only ``accepted``, S17); the
    # observers read it as bad_request, the most cautious reading of an unknown refusal.
    code = REASONS.index(reason) if reason is None or reason in _KNOWN_REASONS else _BAD_REQUEST
    return Observation(
        t=answer["t"],
        delivered_mU=answer["delivered_mU"],
        reservoir_mU=answer["reservoir_mU"],
        iob_mU=answer["iob_mU"],
        basal_rate_mU_per_h=answer["basal_rate_mU_per_h"],
        mode=MODES.index(answer["mode"]),
        alarms=tuple(name in alarms for name in ALARMS),
        accepted=accepted,
        reason=code,
    )


def request_from_json(message: Any, params: Params) -> Request | None:
    """The model request for a protocol request (None for configure/quit/bad lines)."""
    if not isinstance(message, dict):
        return None
    if message.get("op") == "tick":
        return TICK
    if message.get("op") == "event":
        return parse_event(message.get("event"), params)
    return None


