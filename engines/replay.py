"""Replay a saved protocol trace on a target with every property watching.

This is how a counterexample becomes a regression test: ``pumpproof simulate TRACE
--target T --check`` and the finding lines of ``check`` both replay the saved requests on a
fresh target, feed every observer, and report for each violated property the line of the
trace that violated it and the observer's own sentence about that step (with numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.errors import AnswerError, PumpproofError, TargetFailure
from pumpproof.properties.observer import Property
from pumpproof.pump_model import Params
from pumpproof.pump_model.jsonschemas import answer_problems
from pumpproof.pump_model.protocol import observation_from_json, request_from_json
from pumpproof.spec import Spec
from pumpproof.spec.settings import Settings
from pumpproof.targets import Target, make_target

from .monitor import Monitor

__all__ = ["Replay", "ReplayedViolation", "TraceMonitor", "replay", "replay_fresh"]


@dataclass(frozen=True)
class ReplayedViolation:
    prop: Property
    line: int  # 1-based line (request) of the trace that violated the property
    explanation: str


@dataclass
class TraceMonitor:
    """Every observer over (request JSON, answer JSON) pairs, as a trace file holds them.

    A ``configure`` the target accepted restarts the monitor under those settings (a
    counterexample found under other valid settings replays under them).
    """

    params: Params
    properties: Sequence[Property]
    monitor: Monitor = field(init=False)
    lines: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.monitor = Monitor(self.params, self.properties)

    def feed(self, line: int, message: Any, answer: Any) -> None:
        """Judge one request of the trace; raises :class:`AnswerError` on a bad answer."""
        if isinstance(message, dict) and message.get("op") == "configure":
            if isinstance(answer, dict) and answer.get("ok") is True:
                try:
                    settings = Settings.from_values(message["settings"])
                except (PumpproofError, ValueError, TypeError, KeyError, AttributeError):
                    settings = self.params.settings
                self.params = dataclasses.replace(self.params, settings=settings)
                self.monitor = Monitor(self.params, self.properties)
                self.lines = {}
            return
        request = request_from_json(message, self.params)
        if request is None:
            return
        for prop in self.monitor.feed(request, observation_from_json(answer)):
            self.lines[prop.id] = line

    @property
    def violations(self) -> list[ReplayedViolation]:
        return [ReplayedViolation(run.prop, self.lines[run.prop.id], run.explanation or "")
                for run in self.monitor.violated]


@dataclass
class Replay:
    answers: list[tuple[Any, Any]]  # (request, answer) for every request of the trace sent
    monitor: TraceMonitor
    failure: TargetFailure | None = None  # the target crashed, hung or broke the protocol
    failed_at: int | None = None  # 1-based line of the request it failed on

    @property
    def violations(self) -> list[ReplayedViolation]:
        return self.monitor.violations


def replay(spec: Spec, target: Target, requests: Sequence[Any],
           properties: Sequence[Property], watch: bool = True) -> Replay:
    """Send ``requests`` to ``target`` in order, every property watching.

    When the first request is not ``configure``, the target is configured with the spec's
    settings first (that answer is not in ``answers``). Stops after a ``quit``. Never
    raises because of the target: a failure is recorded with the line it happened on.
    Every answer is checked with the codec and answer.schema.json; with ``watch=False``
    answers are only collected (not checked against the protocol).
    """
    result = Replay([], TraceMonitor(Params(spec.settings), properties))
    line = 0
    try:
        if not (requests and isinstance(requests[0], dict)
                and requests[0].get("op") == "configure"):
            target.send({"op": "configure", "settings": spec.settings.to_protocol()})
        for line, request in enumerate(requests, start=1):
            answer = target.send(request)
            result.answers.append((request, answer))
            if watch:
                try:
                    result.monitor.feed(line, request, answer)
                except AnswerError as exc:
                    raise TargetFailure(f"answer to request {line} breaks the protocol: "
                                        f"{exc}") from None
                problems = answer_problems(answer)  # lifecycle answers too; traces are short
                if problems:
                    raise TargetFailure(f"answer to request {line} breaks answer.schema.json: "
                                        f"{'; '.join(problems)}")
            if isinstance(request, dict) and request.get("op") == "quit":
                break
    except TargetFailure as exc:
        result.failure, result.failed_at = exc, line or None
    return result


def replay_fresh(spec: Spec, description: str, timeout_s: float, requests: Sequence[Any],
                 properties: Sequence[Property]) -> Replay:
    """:func:`replay` on a fresh target made from ``description`` (closed after); a target
    that cannot even start is recorded as the failure, never raised."""
    try:
        instance = make_target(description, spec, timeout_s)
    except TargetFailure as exc:
        return Replay([], TraceMonitor(Params(spec.settings), properties), exc, None)
    try:
        return replay(spec, instance, list(requests), properties)
    finally:
        instance.close()
