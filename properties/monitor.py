"""Observers as runtime monitors over a target's protocol trace.

A :class:`Monitor` takes each (request, answer) pair of protocol JSON as it happens,
turns them into the model's records (the same edge code the reference pump uses), runs
every observer, and remembers the first violation of each property and how often each
trigger happened. It knows nothing about the target but its answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.pump_model import (
    ALARMS,
    MODES,
    REASONS,
    TICK,
    Observation,
    Params,
    ReferencePump,
    Request,
    initial_state,
    observe,
    parse_event,
)
from pumpproof.pump_model.codes import reason_code

from .observer import Context, Property, StepView

__all__ = ["AnswerError", "Monitor", "observation_from_json", "replay_violates"]


class AnswerError(ValueError):
    """A target's answer is not a valid protocol observation (a finding on the target)."""


_FIELDS = ("t", "delivered_mU", "reservoir_mU", "iob_mU", "basal_rate_mU_per_h")


def observation_from_json(answer: Any) -> Observation:
    """A protocol observation as the model's record; :class:`AnswerError` if malformed."""
    if not isinstance(answer, dict):
        raise AnswerError(f"answer is not a JSON object: {answer!r}"[:200])
    for name in _FIELDS:
        value = answer.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnswerError(f"field {name!r} missing or not an integer: {value!r}"[:200])
    if answer.get("mode") not in MODES:
        raise AnswerError(f"field 'mode' is not one of {', '.join(MODES)}: {answer.get('mode')!r}")
    alarms = answer.get("alarms")
    if not isinstance(alarms, list) or not all(isinstance(a, str) for a in alarms):
        raise AnswerError(f"field 'alarms' is not a list of strings: {alarms!r}"[:200])
    if alarms != sorted(alarms):
        raise AnswerError(f"field 'alarms' is not sorted: {alarms!r}"[:200])
    if not isinstance(answer.get("accepted"), bool):
        raise AnswerError(f"field 'accepted' is not a boolean: {answer.get('accepted')!r}")
    reason = answer.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise AnswerError(f"field 'reason' is not a string or null: {reason!r}"[:200])
    known = {name for name in ALARMS}
    for name in alarms:
        if name not in known and not name.startswith("x_"):
            raise AnswerError(f"unknown alarm code {name!r} (extensions must start with x_)")
    code = REASONS.index(reason) if reason in REASONS else reason_code("bad_request")
    if reason is None:
        code = reason_code(None)
    return Observation(
        t=answer["t"],
        delivered_mU=answer["delivered_mU"],
        reservoir_mU=answer["reservoir_mU"],
        iob_mU=answer["iob_mU"],
        basal_rate_mU_per_h=answer["basal_rate_mU_per_h"],
        mode=MODES.index(answer["mode"]),
        alarms=tuple(name in alarms for name in ALARMS),
        accepted=answer["accepted"],
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


@dataclass
class PropertyRun:
    """What a monitor learned about one property."""

    prop: Property
    memory: tuple[Any, ...]
    triggers: int = 0
    steps: int = 0
    violation_at: int | None = None  # index of the request that violated


@dataclass
class Monitor:
    """Every observer over one protocol session (after a successful ``configure``)."""

    params: Params
    properties: Sequence[Property]
    ctx: Context = field(init=False)
    runs: list[PropertyRun] = field(init=False)
    before: Observation = field(init=False)
    index: int = 0

    def __post_init__(self) -> None:
        self.ctx = Context.exact(self.params)
        self.runs = [PropertyRun(p, p.init(self.ctx)) for p in self.properties]
        self.before = observe(self.params, initial_state(self.params), 0, reason_code(None))

    def feed(self, request: Request, after: Observation) -> list[Property]:
        """Judge one step; returns the properties violated for the first time now."""
        view = StepView(request, self.before, after)
        newly = []
        for run in self.runs:
            check = run.prop.update(self.ctx, run.memory, view)
            run.memory = check.memory
            run.steps += 1
            if check.triggered:
                run.triggers += 1
            if not check.ok and run.violation_at is None:
                run.violation_at = self.index
                newly.append(run.prop)
        self.before = after
        self.index += 1
        return newly

    @property
    def violated(self) -> list[PropertyRun]:
        return [run for run in self.runs if run.violation_at is not None]


def replay_violates(
    prop: Property, params: Params, trace: Iterable[dict[str, Any]], ctx: Context | None = None
) -> bool:
    """Replay a protocol trace on the concrete reference model: does ``prop`` fail?"""
    pump = ReferencePump()
    pump.configure(params.settings.to_protocol())
    ctx = ctx or Context.exact(params)
    memory = prop.init(ctx)
    before = observe(params, initial_state(params), 0, reason_code(None))
    assert pump.params is not None
    pump.params = params  # same resolution and slots as the run being replayed
    pump.state = initial_state(params)
    for message in trace:
        request = request_from_json(message, params)
        if request is None:
            continue
        after = pump.apply(request)
        check = prop.update(ctx, memory, StepView(request, before, after))
        if not check.ok:
            return True
        memory, before = check.memory, after
    return False
