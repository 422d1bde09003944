"""The evidence bundle: one self-contained, reproducible JSON file per campaign.

``bundle.json`` (schema ``pumpproof.bundle/1``) holds the verification evidence, the
hazard analysis, the target checks, the timelines of every counterexample (replayed on
the reference model, so reports need nothing else), the spec's hashes, tool versions,
seed and profile, the firmware revision when given, and a manifest of every artifact
written beside it with its SHA-256. It is written atomically and deterministically
(sorted keys, no wall-clock values).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pumpproof.pump_model import ALARMS, MODES, ReferencePump
from pumpproof.spec import Spec

__all__ = ["BUNDLE_SCHEMA", "build_bundle", "load_bundle", "manifest", "timeline"]

BUNDLE_SCHEMA = "pumpproof.bundle/1"


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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(directory: Path, names: Sequence[str]) -> list[dict[str, str]]:
    return [{"path": name, "sha256": _sha256(directory / name)} for name in sorted(names)
            if (directory / name).is_file()]


def build_bundle(
    spec: Spec,
    evidence: Mapping[str, Any],
    hazards: Mapping[str, Any] | None,
    targets: Sequence[Mapping[str, Any]],
    artifacts: list[dict[str, str]],
    traces: Mapping[str, Sequence[Any]],
    revision: str | None = None,
    diagrams: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The bundle dict; ``traces`` maps an artifact name to its protocol requests."""
    lines = requirement_lines(spec)
    return {
        "schema": BUNDLE_SCHEMA,
        "tool": evidence.get("tool", {}),
        "seed": evidence.get("seed"),
        "profile": evidence.get("profile"),
        "firmware_revision": revision,
        "spec": {
            "name": spec.name,
            "files": dict(spec.file_hashes),
            "requirements": [
                {**r.model_dump(mode="json"), "family": r.family, "line": lines.get(r.id, 1)}
                for r in spec.requirements
            ],
            "families": dict(spec.families),
            "settings": spec.settings.to_protocol(),
        },
        "acceptability": (
            {str(k): list(v) for k, v in spec.hazard_log.acceptability.items()}
            if spec.hazard_log else None
        ),
        "evidence": dict(evidence),
        "hazards": dict(hazards) if hazards is not None else None,
        "targets": [dict(t) for t in targets],
        "timelines": {name: timeline(spec, trace) for name, trace in sorted(traces.items())},
        "manifest": artifacts,
        "diagrams": dict(sorted(diagrams.items())) if diagrams else {},
    }


def requirement_lines(spec: Spec) -> dict[str, int]:
    """Line of each requirement's ``id:`` in requirements.yaml (for SARIF locations)."""
    out: dict[str, int] = {}
    text = (spec.directory / "requirements.yaml").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().removeprefix("- ").strip()
        if stripped.startswith("id: REQ-"):
            out.setdefault(stripped.removeprefix("id:").strip(), number)
    return out


def load_bundle(path: str | Path) -> dict[str, Any]:
    from pumpproof.errors import UsageError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read the bundle: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != BUNDLE_SCHEMA:
        raise UsageError(f"{path}: not a pumpproof bundle (schema {BUNDLE_SCHEMA})")
    return data
