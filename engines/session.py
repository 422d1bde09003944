"""One protocol session with a target: every request judged as it is answered.

A :class:`Session` configures a target, sends requests (batches are pipelined when the
target can), checks each answer against the protocol, feeds every observer, and — when
a reference pump runs in lockstep — records where the target's delivered insulin, mode,
alarms or acceptance differ from the reference (differential conformance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.errors import AnswerError, TargetFailure
from pumpproof.properties.evidence import ConformanceDiff
from pumpproof.properties.observer import Property
from pumpproof.pump_model import Observation, Params, ReferencePump, Request
from pumpproof.pump_model.jsonschemas import answer_problems_remembered
from pumpproof.pump_model.protocol import (
    observation_from_json,
    observation_to_json,
    request_from_json,
)
from pumpproof.targets import Target

from .monitor import Monitor

__all__ = ["ConformanceDiff", "Session"]

_COMPARED = ("delivered_mU", "mode", "alarms", "accepted")


def _same_compared(got: Observation, want: Observation) -> bool:
    """The compared fields agree (alarms as the codec reads them: known codes only, as the
    JSON comparison drops ``x_`` extensions and the codec refuses any other unknown code)."""
    return (got.delivered_mU == want.delivered_mU and got.mode == want.mode
            and got.alarms == want.alarms and bool(got.accepted) == bool(want.accepted))


@dataclass
class Session:
    params: Params
    properties: Sequence[Property]
    target: Target
    reference: ReferencePump | None = None
    max_diffs: int = 20
    trace: list[Any] = field(default_factory=list)
    diffs: list[ConformanceDiff] = field(default_factory=list)
    monitor: Monitor = field(init=False)

    def __post_init__(self) -> None:
        self.monitor = Monitor(self.params, self.properties)
        self._reference_same_params = False  # the reference parses each message itself
        self._model_target = False  # the target is stepped with parsed requests (configure)

    def configure(self) -> None:
        message = {"op": "configure", "settings": self.params.settings.to_protocol()}
        self.trace.append(message)
        answer = self.target.send(message)
        if not (isinstance(answer, dict) and answer.get("ok") is True):
            raise TargetFailure(f"target refused configure: {answer!r}"[:300])
        # Once per session, the full schema (too slow for every answer; the codec checks
        # the observations that follow with the same rules), remembered across sessions.
        problems = answer_problems_remembered(answer)
        if problems:
            raise AnswerError(f"answer to configure breaks answer.schema.json: "
                              f"{'; '.join(problems)}")
        if self.reference is not None:
            self.reference.handle(message)
            self._reference_same_params = self.reference.params == self.params
        model = getattr(self.target, "model", None)  # pumpproof's own pump: no JSON between
        self._model_target = model is not None and model.params == self.params

    def send(self, message: dict[str, Any]) -> None:
        self.send_batch([message])

    def send_batch(self, messages: Sequence[dict[str, Any]]) -> None:
        """Send in order (pipelined if the target supports it), judging every answer.

        A target that can work while pumpproof does (a subprocess: ``overlaps_work``) is
        handed the reference's lockstep as ``meanwhile``: the reference steps the batch
        while the target computes its answers, after the requests went out.
        """
        if self._model_target:
            for message in messages:
                self.trace.append(message)
                request = self._request(message)
                self._observed(request, self.target.observe(request),  # type: ignore[attr-defined]
                               None, len(self.trace) - 1, None, message)
            return
        overlap = self.reference is not None and getattr(self.target, "overlaps_work", False)
        send_many = getattr(self.target, "send_many", None)
        pipelined = send_many is not None and len(messages) > 1
        if pipelined or (overlap and len(messages) == 1):
            start = len(self.trace)
            self.trace.extend(messages)  # the trace holds what was sent, answered or not
            requests = [self._request(message) for message in messages]  # parsed once
            wants: list[Any] = []

            def meanwhile() -> None:
                wants.extend(map(self._reference_answer, messages, requests))

            if pipelined:
                assert send_many is not None
                answers = (send_many(messages, meanwhile=meanwhile) if overlap
                           else send_many(messages))
            else:
                answers = [self.target.send(messages[0], meanwhile=meanwhile)]  # type: ignore[call-arg]
            if overlap and not wants:  # the target answered before it needed to wait
                meanwhile()
            for index, (message, request, answer) in enumerate(
                    zip(messages, requests, answers, strict=True)):
                self._judge(message, request, answer, start + index,
                            wants[index] if overlap else None)
            return
        for message in messages:
            self.trace.append(message)
            answer = self.target.send(message)
            self._judge(message, self._request(message), answer, len(self.trace) - 1, None)

    def _request(self, message: dict[str, Any]) -> Request:
        request = request_from_json(message, self.params)
        assert request is not None
        return request

    def _reference_answer(self, message: dict[str, Any], request: Request) -> Any:
        """The reference's answer to ``message``: an :class:`Observation` when it runs under
        the session's settings (stepping ``request``, the message parsed), else its
        protocol answer."""
        assert self.reference is not None
        if self._reference_same_params:  # (configure set it; a dataclass == costs ~1 µs)
            return self.reference.apply(request)
        return self.reference.handle(message)

    def _judge(self, message: dict[str, Any], request: Request, answer: Any, index: int,
               want: Any) -> None:
        """Check, compare and monitor one answer; ``want`` is the reference's answer when it
        was computed ahead (None: it is computed now, if a reference runs)."""
        try:
            observation = observation_from_json(answer)
        except AnswerError as exc:
            del self.trace[index + 1:]  # the trace ends at the offending request
            raise TargetFailure(f"answer to request {index} breaks the protocol: {exc}") from None
        self._observed(request, observation, answer, index, want, message)

    def _observed(self, request: Request, observation: Observation,
                  answer: dict[str, Any] | None, index: int, want: Any,
                  message: dict[str, Any]) -> None:
        """Compare (with a reference) and monitor one answer, as a record; ``answer`` is
        its JSON (None: a model target's, encoded only if a difference needs showing)."""
        if self.reference is not None:
            self._compare(want if want is not None
                          else self._reference_answer(message, request),
                          observation, answer, index)
        self.monitor.feed(request, observation)

    def _compare(self, want: Any, observation: Observation, answer: dict[str, Any] | None,
                 index: int) -> None:
        """The target's answer against the reference's (``want``, from
        :meth:`_reference_answer`): as records, and as JSON only when they differ."""
        if len(self.diffs) >= self.max_diffs:
            return
        if isinstance(want, Observation):
            if _same_compared(observation, want):
                return
            expected = observation_to_json(want)
        else:
            expected = want
        if answer is None:
            answer = observation_to_json(observation)
        for name in _COMPARED:
            got, want = answer.get(name), expected.get(name)
            if name == "alarms" and isinstance(got, list):
                got = [a for a in got if not str(a).startswith("x_")]
            if got != want:
                self.diffs.append(ConformanceDiff(index, name, got, want,
                                                  tuple(self.trace[: index + 1])))
                return
