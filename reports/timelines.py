"""The request table beside a counterexample's timeline: what was asked, what the reference
model answered (or a target, with the model's answer to the same request beside it), and
what the property made of each step.

A plot of a one-step trace says little; the table always says what happened. Bundles from
before the timelines carried a request description or a judgement show the request kind
and a dash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["request_rows"]


def _answer(point: Mapping[str, Any]) -> str:
    result = "accepted" if point["accepted"] else f"refused ({point['reason']})"
    alarms = ", ".join(point["alarms"]) or "none"
    return (f"{result}; delivered {point['delivered_mU']} mU, IOB {point['iob_mU']} mU, "
            f"mode {point['mode']}, alarms {alarms}")


def request_rows(timeline: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per replayed request: its trace line (1-based, as findings count), minute,
    request, answer, judgement, and whether the property failed there (``violated``); on a
    target's timeline also the model's answer (``model``) and whether the two differ."""
    rows = []
    for point in timeline.get("points", []):
        judgement = str(point.get("judgement", "—"))
        model = point.get("model")
        rows.append({
            "model": _answer(model) if model is not None else None,
            "differs": model is not None and any(model[k] != point[k] for k in model),
            "line": int(point["i"]) + 1 if "i" in point else None,
            "t": point["t"],
            "request": str(point.get("detail") or point["request"]),
            "answer": _answer(point),
            "judgement": judgement,
            "violated": judgement.startswith("violated"),
        })
    return rows
