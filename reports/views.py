"""What the reports show, computed once from a bundle (pure functions over dicts).

Every report format (HTML, Markdown, JUnit, SARIF) reads these views, so they agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pumpproof.properties.verdicts import SEVERITY

from .bundle import BundleDocument

__all__ = ["findings", "properties_by_family", "risk_matrix", "trace_rows", "verdict_counts"]

VERDICTS = tuple(v.value for v in SEVERITY)  # the one order, worst first


def verdict_counts(bundle: BundleDocument) -> dict[str, int]:
    counts = Counter(p["verdict"] for p in bundle["evidence"]["properties"])
    return {v: counts.get(v, 0) for v in VERDICTS}


def _requirements(bundle: BundleDocument) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in bundle["spec"]["requirements"]}


def properties_by_family(bundle: BundleDocument) -> list[dict[str, Any]]:
    reqs = _requirements(bundle)
    rows: dict[str, Counter[str]] = {}
    for prop in bundle["evidence"]["properties"]:
        families = {reqs[r]["family"] for r in prop["requirements"] if r in reqs}
        for family in families:
            rows.setdefault(family, Counter())[prop["verdict"]] += 1
    titles = bundle["spec"]["families"]
    return [{"family": f, "title": titles.get(f, f), **{v: rows[f].get(v, 0) for v in VERDICTS}}
            for f in sorted(rows)]


def findings(bundle: BundleDocument) -> list[dict[str, str]]:
    """Everything a reviewer must look at first, most severe first."""
    out = []
    for prop in bundle["evidence"]["properties"]:
        if prop["verdict"] == "violated":
            out.append({"kind": "violation", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "message": prop["title"]})
    for target in bundle.get("targets", []):
        section = target.get("target", {})
        failure = section.get("failure")
        if failure:
            out.append({"kind": "target failure", "item": str(section.get("description")),
                        "anchor": "targets", "message": str(failure.get("message"))})
        for prop in target.get("properties", []):
            if prop["verdict"] == "violated":
                out.append({"kind": "target violation", "item": prop["id"], "anchor": "targets",
                            "message": f"{section.get('description')}: {prop['title']}"})
    for controller in bundle.get("controllers", []):
        section = controller.get("controller", {})
        name = f"{section.get('name')} {section.get('version')}"
        if section.get("failure"):
            out.append({"kind": "controller failure", "item": name, "anchor": "controllers",
                        "message": str(section["failure"].get("message"))})
        for prop in controller.get("properties", []):
            if prop["verdict"] == "violated":
                problem = section.get("findings", {}).get(prop["id"], {}).get("problem", "")
                out.append({"kind": "controller violation", "item": prop["id"],
                            "anchor": "controllers", "message": f"{name}: {problem}"})
    hazards = bundle.get("hazards") or {}
    for hazard in hazards.get("hazards", []):
        if not hazard["acceptable"]:
            out.append({"kind": "unacceptable risk", "item": hazard["id"],
                        "anchor": f"hazard-{hazard['id']}", "message": hazard["hazard"]})
    for prop in bundle["evidence"]["properties"]:
        if prop["verdict"] == "unknown":
            out.append({"kind": "inconclusive", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "message": prop["title"]})
        if prop.get("vacuous"):
            out.append({"kind": "vacuous", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "message": "the property's trigger never happened"})
    return out


def risk_matrix(bundle: BundleDocument) -> dict[str, Any]:
    """5×5 cells (severity rows 5→1, probability columns 1→5) with hazards after control."""
    hazards = (bundle.get("hazards") or {}).get("hazards", [])
    cells: dict[tuple[int, int], list[str]] = {}
    for hazard in hazards:
        cells.setdefault((hazard["severity"], hazard["probability_after"]), []).append(hazard["id"])
    acceptability = bundle.get("acceptability") or {}
    rows = []
    for severity in range(5, 0, -1):
        row = []
        for probability in range(1, 6):
            row.append({"severity": severity, "probability": probability,
                        "hazards": sorted(cells.get((severity, probability), [])),
                        "class": acceptability.get(str(severity), ["alarp"] * 5)[probability - 1]})
        rows.append(row)
    return {"rows": rows}


def trace_rows(bundle: BundleDocument) -> list[dict[str, Any]]:
    """Hazard → risk control → requirement → property → evidence, one row per link."""
    hazards = bundle.get("hazards") or {}
    controls = {c["id"]: c for c in hazards.get("controls", [])}
    props_by_req: dict[str, list[dict[str, Any]]] = {}
    for prop in bundle["evidence"]["properties"]:
        for req in prop["requirements"]:
            props_by_req.setdefault(req, []).append(prop)
    rows = []
    for hazard in hazards.get("hazards", []):
        for control_id in hazard["controls"]:
            control = controls.get(control_id, {"requirements": []})
            for req in control.get("requirements", []):
                props: list[dict[str, Any] | None] = list(props_by_req.get(req, [])) or [None]
                for prop in props:
                    rows.append({
                        "hazard": hazard["id"], "control": control_id, "requirement": req,
                        "property": prop["id"] if prop else None,
                        "verdict": prop["verdict"] if prop else "no property",
                    })
    return rows


def scope_text(scope: Mapping[str, Any] | None) -> str:
    """What a proof or bounded search covered, in one sentence for the report."""
    if not scope:
        return ""
    settings = scope.get("settings", {})
    if "all valid except fixed" in settings:
        fixed = ", ".join(f"{name} = {value}"
                          for name, value in sorted(settings["all valid except fixed"].items()))
        said = f"every valid setting (the spec's hard ranges) except {fixed}"
    else:
        said = "the spec's settings only"
    segments = scope.get("schedule_segments")
    domain = ("every request the protocol parser accepts"
              if scope.get("request_domain") == "checked" else "an assumed request domain")
    return f"Covers {said}; basal schedules of up to {segments} segments; {domain}."
