"""Timelines of counterexamples: each trace replayed once, so that the bundle carries the
series and reports only draw them.

One builder, two sources of answers: the reference model (a counterexample of the design,
:func:`timeline`) or a target's recorded answers from one replay of the trace on it
(:func:`target_timeline`, from :class:`~pumpproof.engines.replay.Replay`). Each point also
says which request it answers (in a few words) and, when the property the counterexample is
about is given, that property's judgement of the step, so the report can show a request
table beside the plot (a one-step counterexample has no line to draw). A target's point
also carries the reference model's answer to the same request (``model``), so a reader
sees where the device and the model part; a target that crashed, hung or answered garbage
ends its timeline at that request, with why (``ended``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pumpproof.engines.fuzz import FuzzOutcome
from pumpproof.engines.replay import Replay, TraceMonitor, replay_fresh
from pumpproof.errors import AnswerError
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.evidence import Evidence
from pumpproof.properties.observer import Context, Property, describe_request
from pumpproof.properties.verdicts import Method
from pumpproof.pump_model import ALARMS, MODES, Params, ReferencePump
from pumpproof.pump_model.protocol import request_from_json
from pumpproof.spec import Spec

from .evidence import TARGET_FAILURE_TRACE, counterexample_name

__all__ = ["MODEL_FIELDS", "TargetReplays", "Timeline", "counterexample_timelines",
           "replay_findings", "target_timeline", "target_timelines", "timeline"]

Timeline = Mapping[str, Any]  # {"points": [...], "modes": [...], "alarms": [...]}

#: What a target's point repeats of the reference model's answer to the same request.
MODEL_FIELDS = ("accepted", "reason", "delivered_mU", "iob_mU", "mode", "alarms")


def _configured(spec: Spec, trace: Sequence[Any]) -> tuple[ReferencePump, dict[str, Any]]:
    """A pump configured as the trace says (its leading ``configure``: a proof may have
    picked other valid settings), else with the spec's settings."""
    first = trace[0] if trace else None
    if isinstance(first, dict) and first.get("op") == "configure":
        pump = ReferencePump(spec)
        if pump.handle(first).get("ok") is True:
            return pump, first
    message = {"op": "configure", "settings": spec.settings.to_protocol()}
    pump = ReferencePump(spec)
    pump.handle(message)
    return pump, message


class _Answers(Protocol):
    """Where a timeline's answers come from."""

    def start(self) -> tuple[Any, Any]:
        """The ``configure`` the monitor starts from, and its answer."""

    def answer(self, index: int, message: Any) -> tuple[Any, dict[str, Any]] | None:
        """The answer to ``trace[index]`` and what else its point carries; ``None`` once
        there is no answer to judge."""

    def ended(self) -> str | None:
        """Why the answers stopped before the trace did, if they did (also when the trace
        was over first: a failure on its only request, ``configure``, is still said)."""


@dataclass
class _ModelAnswers:
    """The reference model, stepped now."""

    spec: Spec
    trace: Sequence[Any]
    pump: ReferencePump = field(init=False)
    configure: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.pump, self.configure = _configured(self.spec, self.trace)

    def start(self) -> tuple[Any, Any]:
        return self.configure, {"ok": True}

    def answer(self, index: int, message: Any) -> tuple[Any, dict[str, Any]] | None:
        return self.pump.handle(message), {}

    def ended(self) -> str | None:
        return None


@dataclass
class _ReplayedAnswers:
    """A target's answers, recorded by one replay of the trace on it, beside the model's."""

    spec: Spec
    trace: Sequence[Any]
    replayed: Replay
    model: _ModelAnswers = field(init=False)

    def __post_init__(self) -> None:
        self.model = _ModelAnswers(self.spec, self.trace)

    def start(self) -> tuple[Any, Any]:
        first = self.trace[0] if self.trace else None
        if (isinstance(first, dict) and first.get("op") == "configure"
                and self.replayed.answers):
            return first, self.replayed.answers[0][1]
        return {"op": "configure", "settings": self.spec.settings.to_protocol()}, {"ok": True}

    def answer(self, index: int, message: Any) -> tuple[Any, dict[str, Any]] | None:
        failed_at = self.replayed.failed_at
        failure = self.replayed.failure
        if (failure is not None and (failed_at is None or index + 1 >= failed_at)) or (
                index >= len(self.replayed.answers)):
            return None
        model = self.model.pump.handle(message)
        return self.replayed.answers[index][1], {
            "model": {key: model.get(key) for key in MODEL_FIELDS}}

    def ended(self) -> str | None:
        failure, failed_at = self.replayed.failure, self.replayed.failed_at
        if failure is None:
            return None
        where = f"at request {failed_at}" if failed_at else "before the first request"
        return f"the target failed {where}: {failure}"


def _judge(monitor: TraceMonitor, line: int, message: Any, answer: Any) -> str:
    """The property's judgement of one step: ``violated: why``, ``triggered, ok``, ``ok``,
    or ``after the violation`` once it has failed (a monitor judges the first failure)."""
    run = monitor.monitor.runs[0]
    if run.violation_at is not None:
        return "after the violation"
    triggers = run.triggers
    monitor.feed(line, message, answer)
    if run.violation_at is not None:
        return f"violated: {run.explanation}" if run.explanation else "violated"
    return "triggered, ok" if run.triggers > triggers else "ok"


def _describe(message: Any, params: Params) -> str:
    request = request_from_json(message, params)
    if request is None:
        return json.dumps(message, sort_keys=True)[:120]
    return describe_request(Context.monitor(params), request)


def _build(spec: Spec, trace: Sequence[Any], source: _Answers,
           prop: Property | None) -> dict[str, Any]:
    """The one point builder, whatever answered."""
    monitor = TraceMonitor(Params(spec.settings), [prop]) if prop is not None else None
    if monitor is not None:
        monitor.feed(0, *source.start())
    points = []
    glucose: int | None = None
    ended = None
    for index, message in enumerate(trace):
        if isinstance(message, dict) and message.get("op") == "configure":
            continue
        params = monitor.params if monitor is not None else Params(spec.settings)
        detail = _describe(message, params)
        got = source.answer(index, message)
        if got is None:
            break
        answer, extra = got
        if not isinstance(answer, dict) or "t" not in answer:
            continue
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "cgm" and answer.get("accepted"):
            glucose = event.get("glucose_mg_dL")
        label = "tick" if isinstance(message, dict) and message.get("op") == "tick" else (
            str(event.get("kind")) if isinstance(event, dict) else "bad request")
        point = {
            "i": index, "t": answer["t"], "request": label, "detail": detail,
            "delivered_mU": answer["delivered_mU"], "iob_mU": answer["iob_mU"],
            "glucose_mg_dL": glucose, "mode": answer["mode"], "alarms": answer["alarms"],
            "accepted": answer["accepted"], "reason": answer["reason"], **extra,
        }
        if monitor is not None:
            try:
                point["judgement"] = _judge(monitor, index + 1, message, answer)
            except AnswerError as exc:  # only a target's answer can be bad
                ended = f"the answer to request {index + 1} cannot be judged: {exc}"
                break
        points.append(point)
    out = {"points": points, "modes": list(MODES), "alarms": list(ALARMS)}
    ended = ended or source.ended()
    if ended is not None:
        out["ended"] = ended
    return out


def timeline(spec: Spec, trace: Sequence[Any], prop: Property | None = None) -> dict[str, Any]:
    """Replay a protocol trace on the reference model: series for a timeline plot, and per
    request its description and (with ``prop``) the property's judgement."""
    return _build(spec, trace, _ModelAnswers(spec, trace), prop)


def target_timeline(spec: Spec, trace: Sequence[Any], replayed: Replay,
                    prop: Property | None = None) -> dict[str, Any]:
    """The timeline of ``trace`` as a target answered it in ``replayed`` (one replay of
    exactly that trace; nothing is sent again), each point with the model's answer to the
    same request (``model``), judged by ``prop`` on the target's answers; it stops at the
    request the target failed on, saying why (``ended``)."""
    return _build(spec, trace, _ReplayedAnswers(spec, trace, replayed), prop)


def counterexample_timelines(spec: Spec, evidence: Evidence) -> dict[str, Timeline]:
    """Every counterexample of ``evidence``, by its artifact name, replayed and judged by
    the property it is a counterexample of.

    A trace is replayed in its protocol form (JSON), exactly as a target receives it.
    """
    out: dict[str, Timeline] = {}
    for item in evidence.properties:
        for result in item.results:
            if result.counterexample is not None:
                requests = json.loads(json.dumps(result.counterexample))
                out[counterexample_name(item.prop.id, result.method)] = timeline(
                    spec, requests, item.prop)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class TargetReplays:
    """A check's findings, each trace replayed once on a fresh target with every property
    watching: the violations (by property id) and the target failure's trace, if any."""

    violations: Mapping[str, tuple[Sequence[Any], Replay]]
    failure: tuple[Sequence[Any], Replay] | None = None

    @property
    def by_property(self) -> dict[str, Replay]:
        return {prop_id: replayed for prop_id, (_, replayed) in self.violations.items()}


def replay_findings(spec: Spec, description: str, timeout_s: float,
                    outcome: FuzzOutcome) -> TargetReplays:
    """Replay each violation's trace (and the failure's) on a fresh ``description``: the
    finding sentences and the timelines both read these replays (never raises for the
    target: a failure is in its replay)."""
    properties = observer_properties()
    violations = {prop_id: (trace, replay_fresh(spec, description, timeout_s, trace,
                                                properties))
                  for prop_id, trace in sorted(outcome.violations.items())}
    failure = None
    if outcome.target_failure is not None and outcome.target_trace:
        trace = list(outcome.target_trace)
        failure = (trace, replay_fresh(spec, description, timeout_s, trace, properties))
    return TargetReplays(violations, failure)


def target_timelines(spec: Spec, replays: TargetReplays) -> dict[str, Timeline]:
    """Each replayed finding's timeline, by the name its trace is saved under: a violation
    judged by its property, the target failure's trace by none (it violates answering)."""
    by_id = {prop.id: prop for prop in observer_properties()}
    out: dict[str, Timeline] = {
        counterexample_name(prop_id, Method.FUZZ): target_timeline(
            spec, trace, replayed, by_id.get(prop_id))
        for prop_id, (trace, replayed) in replays.violations.items()}
    if replays.failure is not None:
        out[TARGET_FAILURE_TRACE] = target_timeline(spec, *replays.failure)
    return dict(sorted(out.items()))
