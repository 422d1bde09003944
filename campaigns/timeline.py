"""Timelines of counterexamples: each trace replayed on the reference model, once, by the
campaign, so that the bundle carries the series and reports only draw them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pumpproof.properties.evidence import Evidence
from pumpproof.pump_model import ALARMS, MODES, ReferencePump
from pumpproof.spec import Spec

from .evidence import counterexample_name

__all__ = ["Timeline", "counterexample_timelines", "timeline"]

Timeline = Mapping[str, Any]  # {"points": [...], "modes": [...], "alarms": [...]}


def timeline(spec: Spec, trace: Sequence[Any]) -> dict[str, Any]:
    """Replay a protocol trace on the reference model: series for a timeline plot."""
    pump = ReferencePump(spec)
    pump.handle({"op": "configure", "settings": spec.settings.to_protocol()})
    points = []
    glucose: int | None = None
    for index, message in enumerate(trace):
        if isinstance(message, dict) and message.get("op") == "configure":
            continue
        answer = pump.handle(message)
        if not isinstance(answer, dict) or "t" not in answer:
            continue
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "cgm" and answer.get("accepted"):
            glucose = event.get("glucose_mg_dL")
        label = "tick" if isinstance(message, dict) and message.get("op") == "tick" else (
            str(event.get("kind")) if isinstance(event, dict) else "bad request")
        points.append({
            "i": index, "t": answer["t"], "request": label,
            "delivered_mU": answer["delivered_mU"], "iob_mU": answer["iob_mU"],
            "glucose_mg_dL": glucose, "mode": answer["mode"], "alarms": answer["alarms"],
            "accepted": answer["accepted"], "reason": answer["reason"],
        })
    return {"points": points, "modes": list(MODES), "alarms": list(ALARMS)}


def counterexample_timelines(spec: Spec, evidence: Evidence) -> dict[str, Timeline]:
    """Every counterexample of ``evidence``, by its artifact name, replayed.

    A trace is replayed in its protocol form (JSON), exactly as a target receives it.
    """
    out: dict[str, Timeline] = {}
    for item in evidence.properties:
        for result in item.results:
            if result.counterexample is not None:
                requests = json.loads(json.dumps(result.counterexample))
                out[counterexample_name(item.prop.id, result.method)] = timeline(spec, requests)
    return dict(sorted(out.items()))
