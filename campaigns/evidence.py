"""The evidence file (``evidence.json``, schema ``pumpproof.evidence/1``): a rendering of
typed :class:`~pumpproof.properties.evidence.Evidence`.

Everything here is a pure function of the results, so the same inputs and seed give a
byte-identical ``evidence.json``; wall-clock times go to ``timings.json`` only.
"""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata, resources
from typing import Any

from pumpproof import __version__
from pumpproof.properties.evidence import Evidence, TargetRun
from pumpproof.properties.verdicts import Method

__all__ = ["EVIDENCE_SCHEMA", "TARGET_FAILURE_TRACE", "conformance_trace_name",
           "counterexample_name", "counterexample_property",
           "evidence_json", "model_sha256", "timings_json"]

EVIDENCE_SCHEMA = "pumpproof.evidence/1"
DEPENDENCIES = ("z3-solver", "hypothesis", "crosshair-tool", "networkx", "dd", "pydantic", "PyYAML")
TARGET_FAILURE_TRACE = "counterexamples/target-failure.jsonl"


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


def counterexample_name(prop_id: str, method: Method) -> str:
    return f"counterexamples/{prop_id}.{method.value}.jsonl"


def counterexample_property(name: str, method: Method) -> str | None:
    """The property id in a :func:`counterexample_name` of ``method`` (None if ``name`` is
    not one, e.g. the target failure's trace)."""
    prefix, suffix = "counterexamples/", f".{method.value}.jsonl"
    if name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix + suffix):
        return name[len(prefix):-len(suffix)]
    return None


def conformance_trace_name(index: int) -> str:
    """Where ``check`` saves the requests up to the ``index``-th conformance difference."""
    return f"counterexamples/conformance-{index + 1}.jsonl"


def target_json(target: TargetRun) -> dict[str, Any]:
    """The ``target`` section of evidence.json for a check."""
    failure = None
    if target.failure is not None:
        failure = {
            "message": target.failure.message,
            "trace": TARGET_FAILURE_TRACE,
            "stderr": target.failure.stderr[-4000:],
        }
    out: dict[str, Any] = {
        "description": target.description,
        "budget_s": target.budget_s,
        "workers": target.workers,
        "rounds": target.rounds,
        "budget_exhausted": target.budget_exhausted,
        "shrinking_cut_short": list(target.shrinking_cut_short),
        "scenarios_cut_short": target.scenarios_cut_short,
        "examples": target.examples,
        "requests": target.requests,
        "failure": failure,
        "conformance": [{**diff.to_json(), "trace": conformance_trace_name(index)}
                        for index, diff in enumerate(target.conformance)],
    }
    if target.baseline is not None:
        baseline = target.baseline
        out["baseline"] = {"new": list(baseline.new), "still_failing": list(baseline.still_failing),
                           "known": list(baseline.known), "fixed": list(baseline.fixed),
                           "file": baseline.file, "justifications": dict(baseline.justifications)}
    return out


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    properties = []
    for item in evidence.properties:
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
    out: dict[str, Any] = {
        "schema": EVIDENCE_SCHEMA,
        "tool": {
            "name": "pumpproof",
            "version": __version__,
            "python": platform.python_version(),
            "dependencies": _versions(),
        },
        "spec": {"name": evidence.spec_name, "files": dict(evidence.spec_files)},
        "model": {"sha256": model_sha256()},
        "seed": evidence.seed,
        "profile": evidence.profile,
        "summary": {verdict.value: n for verdict, n in evidence.summary.items()},
        "verdict": evidence.verdict.value,
        "properties": properties,
    }
    if evidence.obligations:
        out["obligations"] = [result.to_json() for result in evidence.obligations]
    degraded = evidence.degraded
    if degraded:
        out["degraded"] = degraded
    if evidence.target is not None:
        out["target"] = target_json(evidence.target)
    return out


def timings_json(evidence: Evidence, total_seconds: float) -> dict[str, Any]:
    """Wall-clock seconds per property and method, and ``rlimit_peak``: the most of Z3's
    resource limit one check of each Z3 method consumed, to see how close a proof came to
    its budget (in the scope of each result)."""
    results = [(item.prop.id, r) for item in evidence.properties for r in item.results]
    results += [("obligations", r) for r in evidence.obligations]
    peaks: dict[str, dict[str, int]] = {}
    for owner, result in results:
        if result.rlimit_peak is not None:
            peaks.setdefault(owner, {})[result.method.value] = result.rlimit_peak
    return {
        "total_seconds": round(total_seconds, 3),
        "properties": {
            item.prop.id: {r.method.value: round(r.seconds, 3) for r in item.results}
            for item in evidence.properties
        },
        "rlimit_peak": peaks,
    }
