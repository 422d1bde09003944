"""Markdown (reviews, PR comments), JUnit XML (CI) and SARIF 2.1.0 (code scanning).

All three render from the bundle alone, through the same views as the HTML report.
"""

from __future__ import annotations

import json
from typing import Any

from pumpproof.campaigns.junit import JUnitCase, JUnitSuite, junit_text
from pumpproof.properties.verdicts import Verdict

from .bundle import BundleDocument
from .views import findings, trace_rows, verdict_counts

__all__ = ["render_junit", "render_markdown", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(bundle: BundleDocument) -> str:
    counts = verdict_counts(bundle)
    lines = [f"# pumpproof: {_cell(bundle['spec']['name'])}", "",
             " · ".join(f"**{n}** {v}" for v, n in counts.items()) +
             f" — overall **{bundle['evidence']['verdict']}**", "", "## Findings", ""]
    items = findings(bundle)
    lines += [f"- **{f['kind']}** `{_cell(f['item'])}`: {_cell(f['message'])}" for f in items] or [
        "No findings."]
    lines += ["", "## Properties", "", "| property | verdict | triggers | requirements |",
              "|---|---|---|---|"]
    for prop in bundle["evidence"]["properties"]:
        lines.append(f"| {prop['id']} | {prop['verdict']} | {prop['triggers']} | "
                     f"{', '.join(prop['requirements'])} |")
    rows = trace_rows(bundle)
    if rows:
        lines += ["", "## Traceability", "",
                  "| hazard | control | requirement | property | evidence |",
                  "|---|---|---|---|---|"]
        for row in rows:
            lines.append(f"| {row['hazard']} | {row['control']} | {row['requirement']} | "
                         f"{row['property'] or '—'} | {row['verdict']} |")
    return "\n".join(lines) + "\n"


def render_junit(bundle: BundleDocument) -> str:
    """One suite for the model and one per checked target; a testcase per property."""
    suites = [("verify: reference model", bundle["evidence"]["properties"], None)]
    for target in bundle.get("targets", []):
        suites.append((f"check: {target['target']['description']}", target["properties"], target))
    for controller in bundle.get("controllers", []):
        suites.append((f"controller: {controller['controller']['name']}",
                       controller["properties"], None))
    out = []
    for name, properties, target in suites:
        cases = []
        for prop in properties:
            if prop["verdict"] == Verdict.VIOLATED:
                text = "\n".join(f"{r['method']}: {r.get('detail', '')}" for r in prop["results"])
                cases.append(JUnitCase(name, prop["id"], "failure", f"{prop['id']} violated",
                                       text))
            elif prop["verdict"] == Verdict.UNKNOWN:
                cases.append(JUnitCase(name, prop["id"], "skipped", "inconclusive"))
            else:
                cases.append(JUnitCase(name, prop["id"]))
        if target is not None and target["target"].get("failure"):
            cases.append(JUnitCase(name, "target", "failure",
                                   str(target["target"]["failure"]["message"])))
        out.append(JUnitSuite(name, tuple(cases), tests=len(properties), with_skipped=False))
    return junit_text(out, root="pumpproof")


def render_sarif(bundle: BundleDocument) -> str:
    requirements = {r["id"]: r for r in bundle["spec"]["requirements"]}
    properties = bundle["evidence"]["properties"]
    rules = [{"id": p["id"], "name": p["id"], "shortDescription": {"text": p["title"]},
              "properties": {"requirements": p["requirements"]}} for p in properties]
    results = []
    violated = [(p, "reference model") for p in properties if p["verdict"] == "violated"]
    for target in bundle.get("targets", []):
        violated += [(p, target["target"]["description"]) for p in target["properties"]
                     if p["verdict"] == "violated"]
    for controller in bundle.get("controllers", []):
        violated += [(p, f"controller {controller['controller']['name']}")
                     for p in controller["properties"] if p["verdict"] == "violated"]
        known = {rule["id"] for rule in rules}
        rules += [{"id": p["id"], "name": p["id"], "shortDescription": {"text": p["title"]},
                   "properties": {"requirements": p["requirements"]}}
                  for p in controller["properties"] if p["id"] not in known]
    for prop, where in violated:
        first = prop["requirements"][0] if prop["requirements"] else None
        line = requirements.get(first, {}).get("line", 1) if first else 1
        details = "; ".join(r.get("detail", "") for r in prop["results"]
                            if r["verdict"] == "violated")
        results.append({
            "ruleId": prop["id"],
            "level": "error",
            "message": {"text": f"{prop['id']} violated on {where}: {prop['title']}. {details}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "spec/requirements.yaml"},
                "region": {"startLine": line},
            }}],
            "properties": {"requirements": prop["requirements"], "target": where},
        })
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "pumpproof", "version": bundle["tool"].get("version", ""),
                            "rules": rules}},
        "results": results,
    }]}
    return json.dumps(sarif, indent=2, sort_keys=True) + "\n"
