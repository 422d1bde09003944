"""What the reports show, computed once from a bundle (pure functions over dicts).

Every report format (HTML, Markdown, JUnit, SARIF) reads these views, so they agree.
Targets lead: a risk file is signed for a build, so each checked target's own verdicts,
residual risk and findings come first; the reference model's are *design* evidence,
shown after them and labelled so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from pumpproof.properties.verdicts import SEVERITY
from pumpproof.spec.references import parse_source

from .bundle import BundleDocument

__all__ = ["DESIGN", "findings", "headline_verdict", "properties_by_family", "risk_matrices",
           "risk_matrix", "source_parts", "target_line", "target_summaries", "trace_rows",
           "verdict_counts", "verdict_line"]

VERDICTS = tuple(v.value for v in SEVERITY)  # the one order, worst first
#: How the reports name the reference model's evidence: it is about the design, not a build.
DESIGN = "reference model (design evidence)"


def headline_verdict(bundle: BundleDocument) -> str:
    """The campaign's verdict: the worst of the model's and every target's (older bundles
    without a top-level ``verdict``: the worst the bundle shows)."""
    if "verdict" in bundle:
        return str(bundle["verdict"])
    present = {bundle["evidence"]["verdict"], *(t["verdict"] for t in bundle.get("targets", []))}
    return next(v for v in VERDICTS if v in present)


def _unacceptable(hazards: Mapping[str, Any] | None) -> list[str]:
    return [h["id"] for h in (hazards or {}).get("hazards", []) if not h["acceptable"]]


def target_summaries(bundle: BundleDocument) -> list[dict[str, Any]]:
    """One summary per checked target, in the order they were given: its verdict, counts,
    violations, failure, unacceptable hazards, and what it did not exercise."""
    out = []
    for index, target in enumerate(bundle.get("targets", [])):
        section = target.get("target") or {}
        properties = target.get("properties", [])
        counts = Counter(p["verdict"] for p in properties)
        failure = section.get("failure")
        out.append({
            "index": index,
            "anchor": f"target-{index}",
            "description": str(section.get("description", "")),
            "verdict": str(target.get("verdict", "unknown")),
            "counts": {v: counts.get(v, 0) for v in VERDICTS},
            "violated": [p["id"] for p in properties if p["verdict"] == "violated"],
            "vacuous": [p["id"] for p in properties
                        if p.get("vacuous") and p["verdict"] != "violated"],
            "failure": str(failure["message"]) if failure else None,
            "scenarios_cut_short": bool(section.get("scenarios_cut_short")),
            "unacceptable": _unacceptable(target.get("hazards")),
            "not_exercised": list(target.get("not_exercised", [])),
            "hazards": target.get("hazards"),
            "controls": {c["id"]: c for c in (target.get("hazards") or {}).get("controls", [])},
        })
    return out


def verdict_line(name: str, verdict: str, counts: Mapping[str, int],
                 strong: Callable[[str], str] = str.upper) -> str:
    """``name: VERDICT — 3 proved, 1 passed``: how the console and the Markdown report word
    a verdict with its counts (zeros left out)."""
    said = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    return f"{name}: {strong(verdict)} — {said}"


def target_line(summary: Mapping[str, Any], strong: Callable[[str], str] = str.upper) -> str:
    """A target's verdict line, worded once for the console of ``run`` and the Markdown
    report (``strong`` marks the verdict and a failure: upper case, or bold)."""
    line = verdict_line(f"target {summary['description']}", summary["verdict"],
                        summary["counts"], strong)
    if summary["violated"]:
        line += f" (violated: {', '.join(summary['violated'])})"
    if summary["vacuous"] and summary["failure"] is None:
        line += f" (vacuous on the target, not evidence: {', '.join(summary['vacuous'])})"
    if summary["scenarios_cut_short"] and summary["failure"] is None:
        line += "; the budget ran out before the directed scenarios finished"
    if summary["failure"] is not None:
        line += f"; {strong('target failure')}: {summary['failure']}"
    return line


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


def _target_findings(bundle: BundleDocument) -> list[dict[str, str]]:
    out = []
    for index, target in enumerate(bundle.get("targets", [])):
        where = str((target.get("target") or {}).get("description", ""))
        anchor = f"target-{index}"
        failure = (target.get("target") or {}).get("failure")
        if failure:
            out.append({"kind": "target failure", "item": where, "anchor": anchor,
                        "source": where, "message": str(failure.get("message"))})
        for prop in target.get("properties", []):
            if prop["verdict"] == "violated":
                out.append({"kind": "target violation", "item": prop["id"],
                            "anchor": f"{anchor}-{prop['id']}", "source": where,
                            "message": prop["title"]})
        hazards = {h["id"]: h for h in (target.get("hazards") or {}).get("hazards", [])}
        for hazard_id in _unacceptable(target.get("hazards")):
            out.append({"kind": "unacceptable risk", "item": hazard_id,
                        "anchor": f"{anchor}-risk", "source": where,
                        "message": str(hazards[hazard_id]["hazard"])})
        unknown = [p for p in target.get("properties", []) if p["verdict"] == "unknown"]
        if failure and unknown:
            out.append({"kind": "inconclusive", "item": where, "anchor": anchor, "source": where,
                        "message": f"{len(unknown)} properties not exercised: target failure"})
        elif unknown:
            for prop in unknown:
                kind = "vacuous" if prop.get("vacuous") else "inconclusive"
                message = ("its trigger never happened on the target: not evidence"
                           if prop.get("vacuous") else prop["title"])
                out.append({"kind": kind, "item": prop["id"], "anchor": f"{anchor}-{prop['id']}",
                            "source": where, "message": message})
    return out


def findings(bundle: BundleDocument) -> list[dict[str, str]]:
    """Everything a reviewer must look at first: each target's (failure, violations,
    unacceptable risk, doubt), then the reference model's as design findings."""
    out = _target_findings(bundle)
    for prop in bundle["evidence"]["properties"]:
        if prop["verdict"] == "violated":
            out.append({"kind": "violation", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "source": DESIGN, "message": prop["title"]})
    for controller in bundle.get("controllers", []):
        section = controller.get("controller", {})
        name = f"{section.get('name')} {section.get('version')}"
        if section.get("failure"):
            out.append({"kind": "controller failure", "item": name, "anchor": "controllers",
                        "source": name, "message": str(section["failure"].get("message"))})
        for prop in controller.get("properties", []):
            if prop["verdict"] == "violated":
                problem = section.get("findings", {}).get(prop["id"], {}).get("problem", "")
                out.append({"kind": "controller violation", "item": prop["id"],
                            "anchor": "controllers", "source": name,
                            "message": problem})
    hazards = bundle.get("hazards") or {}
    for hazard in hazards.get("hazards", []):
        if not hazard["acceptable"]:
            out.append({"kind": "unacceptable risk", "item": hazard["id"],
                        "anchor": f"hazard-{hazard['id']}", "source": DESIGN,
                        "message": hazard["hazard"]})
    for prop in bundle["evidence"]["properties"]:
        if prop["verdict"] == "unknown":
            out.append({"kind": "inconclusive", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "source": DESIGN, "message": prop["title"]})
        if prop.get("vacuous"):
            out.append({"kind": "vacuous", "item": prop["id"], "anchor": f"prop-{prop['id']}",
                        "source": DESIGN, "message": "the property's trigger never happened"})
    return out


def risk_matrices(bundle: BundleDocument) -> list[dict[str, Any]]:
    """The residual-risk heat maps: one per target (its own evidence), then the model's."""
    out = []
    for target in target_summaries(bundle):
        if target["hazards"]:
            out.append({"title": target["description"], "anchor": f"{target['anchor']}-matrix",
                        "link": f"{target['anchor']}-risk", "design": False,
                        "matrix": risk_matrix(bundle, target["hazards"])})
    if bundle.get("hazards"):
        out.append({"title": DESIGN, "anchor": "design-matrix", "link": "hazards",
                    "design": True, "matrix": risk_matrix(bundle)})
    return out


def risk_matrix(bundle: BundleDocument,
                assessment: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """5×5 cells (severity rows 5→1, probability columns 1→5) with hazards after control,
    from ``assessment`` (a target's hazards) or else the bundle's (the model's)."""
    source = assessment if assessment is not None else bundle.get("hazards")
    hazards = (source or {}).get("hazards", [])
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
    """Hazard → risk control → requirement → property → evidence, one row per link; the
    evidence on each target (``targets``, in order), then the model's (``verdict``)."""
    on_targets = [{p["id"]: p["verdict"] for p in t.get("properties", [])}
                  for t in bundle.get("targets", [])]
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
                    row = {
                        "hazard": hazard["id"], "control": control_id, "requirement": req,
                        "property": prop["id"] if prop else None,
                        "verdict": prop["verdict"] if prop else "no property",
                    }
                    if on_targets:
                        row["targets"] = [
                            (verdicts.get(prop["id"], "not exercised") if prop else "no property")
                            for verdicts in on_targets]
                    rows.append(row)
    return rows


def source_parts(entries: Any) -> list[dict[str, str | None]]:
    """Each ``sources`` entry as ``{"id", "locator"}``, for a link to its reference.

    An entry that is not ``ID[: locator]`` (a bundle from before references.yaml) is shown
    whole as its id, unlinked.

    >>> source_parts(["FDA-TPLC-2014: Table 3", "ISO-14971-2019"])
    [{'id': 'FDA-TPLC-2014', 'locator': 'Table 3'}, {'id': 'ISO-14971-2019', 'locator': None}]
    """
    out: list[dict[str, str | None]] = []
    for entry in entries or ():
        parsed = parse_source(str(entry))
        out.append({"id": parsed.id, "locator": parsed.locator} if parsed
                   else {"id": str(entry), "locator": None})
    return out


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
    budget = scope.get("budget")
    bounded = (f" Each Z3 check within a resource limit of {budget['z3_rlimit_per_check']:,} "
               "(deterministic, whatever the load)." if budget else "")
    return f"Covers {said}; basal schedules of up to {segments} segments; {domain}.{bounded}"
