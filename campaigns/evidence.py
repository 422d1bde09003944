"""The evidence file (``evidence.json``, schema ``pumpproof.evidence/1``) and JUnit XML.

Everything here is a pure function of the results, so the same inputs and seed give a
byte-identical ``evidence.json``; wall-clock times go to ``timings.json`` only.
"""

from __future__ import annotations

import hashlib
import json
import platform
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from importlib import metadata, resources
from typing import Any

from pumpproof import __version__
from pumpproof.properties.verdicts import Verdict
from pumpproof.spec import Spec

from .verify import PropertyEvidence

__all__ = ["EVIDENCE_SCHEMA", "evidence_json", "junit_xml", "model_sha256", "timings_json"]

EVIDENCE_SCHEMA = "pumpproof.evidence/1"
DEPENDENCIES = ("z3-solver", "hypothesis", "crosshair-tool", "networkx", "dd", "pydantic", "PyYAML")


def _versions() -> dict[str, str]:
    out = {}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def model_sha256() -> str:
    """SHA-256 over the reference model's source files (sorted by name)."""
    digest = hashlib.sha256()
    package = resources.files("pumpproof.pump_model")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()


def counterexample_name(prop_id: str, method: str) -> str:
    return f"counterexamples/{prop_id}.{method}.jsonl"


def evidence_json(
    spec: Spec, evidence: Sequence[PropertyEvidence], *, seed: int, profile: str,
    target: dict[str, Any] | None = None,
) -> dict[str, Any]:
    counts = {v.value: 0 for v in Verdict}
    properties = []
    for item in evidence:
        counts[item.verdict.value] += 1
        results = []
        for result in item.results:
            entry = result.to_json()
            if result.counterexample is not None:
                entry["counterexample"] = counterexample_name(item.prop.id, result.method)
            results.append(entry)
        properties.append(
            {
                "id": item.prop.id,
                "title": item.prop.title,
                "requirements": list(item.prop.requirements),
                "trigger": item.prop.trigger,
                "triggers": item.triggers,
                "vacuous": item.triggers == 0,
                "results": results,
                "verdict": item.verdict.value,
            }
        )
    overall = (
        Verdict.VIOLATED if counts["violated"]
        else Verdict.UNKNOWN if counts["unknown"]
        else Verdict.PASSED if counts["passed"]
        else Verdict.PROVED
    )
    out: dict[str, Any] = {
        "schema": EVIDENCE_SCHEMA,
        "tool": {
            "name": "pumpproof",
            "version": __version__,
            "python": platform.python_version(),
            "dependencies": _versions(),
        },
        "spec": {"name": spec.name, "files": dict(spec.file_hashes)},
        "model": {"sha256": model_sha256()},
        "seed": seed,
        "profile": profile,
        "summary": counts,
        "verdict": overall.value,
        "properties": properties,
    }
    if target is not None:
        out["target"] = target
    return out


def dumps(data: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def junit_xml(evidence: Sequence[PropertyEvidence], suite: str = "pumpproof.verify") -> str:
    """One testcase per property and method; violations carry the counterexample."""
    cases = [(item, result) for item in evidence for result in item.results]
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(sum(r.verdict is Verdict.VIOLATED for _, r in cases)),
        skipped=str(sum(r.verdict is Verdict.UNKNOWN for _, r in cases)),
    )
    for item, result in cases:
        case = ET.SubElement(root, "testcase", classname=item.prop.id, name=result.method)
        if result.verdict is Verdict.VIOLATED:
            failure = ET.SubElement(case, "failure", message=f"{item.prop.id}: {result.detail}")
            trace = "\n".join(json.dumps(m, sort_keys=True) for m in result.counterexample or [])
            requirements = ", ".join(item.prop.requirements)
            failure.text = f"{item.prop.title}\nrequirements: {requirements}\n{trace}"
        elif result.verdict is Verdict.UNKNOWN:
            ET.SubElement(case, "skipped", message=result.detail)
        else:
            ET.SubElement(case, "system-out").text = f"{result.verdict.value}: {result.detail}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def timings_json(evidence: Sequence[PropertyEvidence], total_seconds: float) -> dict[str, Any]:
    return {
        "total_seconds": round(total_seconds, 3),
        "properties": {
            item.prop.id: {r.method: round(r.seconds, 3) for r in item.results} for item in evidence
        },
    }
