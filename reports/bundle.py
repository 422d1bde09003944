"""The evidence bundle: one self-contained, reproducible JSON file per campaign.

``bundle.json`` (schema ``pumpproof.bundle/1``) holds the overall ``verdict`` (the worst of
the model's, every target's and every AID controller's), the verification evidence of the
reference model (design evidence) and its hazard analysis, each target check with its own
verdict and its own hazard analysis, the AID controller checks (``controllers``, only when
there are any), the timelines of every counterexample (replayed on
the reference model by the campaign, so reports need nothing else), the spec's hashes,
tool versions, seed and profile, the firmware revision when given, and a manifest of
every artifact written beside it with its SHA-256, and (from ``run``) its ``provenance``
(run time from ``SOURCE_DATE_EPOCH``, spec git commit, pumpproof version, target hashes) and
``tool_validation`` (selftest's mutants killed per property) when asked for. It is written
atomically and deterministically (sorted keys, no wall-clock values).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pumpproof.campaigns.assessment import TargetAssessment, campaign_verdict
from pumpproof.campaigns.evidence import evidence_json
from pumpproof.campaigns.timeline import Timeline
from pumpproof.errors import UsageError
from pumpproof.files import load_json
from pumpproof.hazards.risk import HazardAssessment
from pumpproof.properties.evidence import Evidence
from pumpproof.spec import Spec

__all__ = ["BUNDLE_SCHEMA", "Bundle", "BundleDocument", "build_bundle", "load_bundle",
           "manifest", "target_json"]

BUNDLE_SCHEMA = "pumpproof.bundle/1"

#: A bundle as stored in ``bundle.json`` (and as every renderer reads it).
BundleDocument = Mapping[str, Any]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(directory: Path, names: Sequence[str]) -> list[dict[str, str]]:
    return [{"path": name, "sha256": _sha256(directory / name)} for name in sorted(names)
            if (directory / name).is_file()]


@dataclass(frozen=True)
class Bundle:
    """Everything one campaign produced, typed; :meth:`to_json` is ``bundle.json``."""

    spec: Spec
    evidence: Evidence
    hazards: HazardAssessment | None
    targets: tuple[TargetAssessment, ...]
    artifacts: tuple[Mapping[str, str], ...]
    timelines: Mapping[str, Timeline] = field(default_factory=dict)
    revision: str | None = None
    diagrams: Mapping[str, str] = field(default_factory=dict)
    # evidence.json of each checked AID controller (``check --controller``), as written
    controllers: tuple[Mapping[str, Any], ...] = ()
    # run time, spec git state, pumpproof version, target hashes (campaigns.provenance)
    provenance: Mapping[str, Any] | None = None
    # selftest's mutants killed per property, when run with --selftest or --selftest-json
    tool_validation: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        spec = self.spec
        evidence = evidence_json(self.evidence)
        out: dict[str, Any] = {
            "schema": BUNDLE_SCHEMA,
            "tool": evidence["tool"],
            "seed": evidence["seed"],
            "profile": evidence["profile"],
            "firmware_revision": self.revision,
            "spec": {
                "name": spec.name,
                "files": dict(spec.file_hashes),
                "requirements": [
                    {**r.model_dump(mode="json"), "family": r.family,
                     "line": spec.requirement_lines.get(r.id, 1)}
                    for r in spec.requirements
                ],
                "families": dict(spec.families),
                "settings": spec.settings.to_protocol(),
                "references": {rid: ref.model_dump(mode="json")
                               for rid, ref in sorted(spec.references.items())},
            },
            "acceptability": (
                {str(k): list(v) for k, v in spec.hazard_log.acceptability.items()}
                if spec.hazard_log else None
            ),
            "evidence": evidence,
            "hazards": self.hazards.to_json() if self.hazards is not None else None,
            "verdict": campaign_verdict(self.evidence, self.targets, self.controllers).value,
            "targets": [target_json(t) for t in self.targets],
            "timelines": {name: dict(t) for name, t in sorted(self.timelines.items())},
            "manifest": [dict(a) for a in self.artifacts],
            "diagrams": dict(sorted(self.diagrams.items())),
        }
        if self.controllers:  # only then: bundles without controllers keep their bytes
            out["controllers"] = [dict(c) for c in self.controllers]
        if self.provenance is not None:  # likewise: only when the campaign recorded them
            out["provenance"] = dict(self.provenance)
        if self.tool_validation is not None:
            out["tool_validation"] = dict(self.tool_validation)
        return out


def target_json(target: TargetAssessment) -> dict[str, Any]:
    """A target's entry: its check's evidence.json, with the target's own verdict (a target
    failure is never a pass), the properties it could not exercise, its hazards and the
    timelines of its findings as it answered them (by trace name)."""
    return {
        **evidence_json(target.evidence),
        "verdict": target.verdict.value,
        "not_exercised": [{"id": prop_id, "reason": reason}
                          for prop_id, reason in target.not_exercised],
        "hazards": target.hazards.to_json() if target.hazards is not None else None,
        "timelines": {name: dict(t) for name, t in sorted(target.timelines.items())},
    }


def build_bundle(
    spec: Spec,
    evidence: Evidence,
    hazards: HazardAssessment | None,
    targets: Sequence[TargetAssessment],
    artifacts: Sequence[Mapping[str, str]],
    timelines: Mapping[str, Timeline],
    revision: str | None = None,
    diagrams: Mapping[str, str] | None = None,
    controllers: Sequence[Mapping[str, Any]] = (),
    provenance: Mapping[str, Any] | None = None,
    tool_validation: Mapping[str, Any] | None = None,
) -> Bundle:
    """The bundle of a campaign; ``timelines`` are its counterexamples, already replayed."""
    return Bundle(spec, evidence, hazards, tuple(targets), tuple(artifacts), dict(timelines),
                  revision, dict(diagrams or {}), tuple(controllers), provenance,
                  tool_validation)


def load_bundle(path: str | Path) -> dict[str, Any]:
    """A stored ``bundle.json``, to re-render; unreadable or not a bundle → UsageError."""
    data = load_json(path, "the bundle")
    if not isinstance(data, dict) or data.get("schema") != BUNDLE_SCHEMA:
        raise UsageError(f"{path}: not a pumpproof bundle (schema {BUNDLE_SCHEMA})")
    return data
