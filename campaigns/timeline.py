"""Timelines of counterexamples: each trace replayed on the reference model, once, by the
campaign, so that the bundle carries the series and reports only draw them.

Each point also says which request it answers (in a few words) and, when the property the
counterexample is about is given, that property's judgement of the step, so the report can
show a request table beside the plot (a one-step counterexample has no line to draw).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pumpproof.engines.replay import TraceMonitor
from pumpproof.properties.evidence import Evidence
from pumpproof.properties.observer import Context, Property, describe_request
from pumpproof.pump_model import ALARMS, MODES, Params, ReferencePump
from pumpproof.pump_model.protocol import request_from_json
from pumpproof.spec import Spec

from .evidence import counterexample_name

__all__ = ["Timeline", "counterexample_timelines", "timeline"]

Timeline = Mapping[str, Any]  # {"points": [...], "modes": [...], "alarms": [...]}


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


def timeline(spec: Spec, trace: Sequence[Any], prop: Property | None = None) -> dict[str, Any]:
    """Replay a protocol trace on the reference model: series for a timeline plot, and per
    request its description and (with ``prop``) the property's judgement."""
    pump, configure = _configured(spec, trace)
    monitor = TraceMonitor(Params(spec.settings), [prop]) if prop is not None else None
    if monitor is not None:
        monitor.feed(0, configure, {"ok": True})
    points = []
    glucose: int | None = None
    for index, message in enumerate(trace):
        if isinstance(message, dict) and message.get("op") == "configure":
            continue
        params = monitor.params if monitor is not None else Params(spec.settings)
        detail = _describe(message, params)
        answer = pump.handle(message)
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
            "accepted": answer["accepted"], "reason": answer["reason"],
        }
        if monitor is not None:
            point["judgement"] = _judge(monitor, index + 1, message, answer)
        points.append(point)
    return {"points": points, "modes": list(MODES), "alarms": list(ALARMS)}


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
