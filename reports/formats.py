"""Markdown (reviews, PR comments), JUnit XML (CI) and SARIF 2.1.0 (code scanning).

All three render from the bundle alone, through the same views as the HTML report.
"""

from __future__ import annotations

import html
import json
from typing import Any

from pumpproof.campaigns.junit import JUnitCase, JUnitSuite, junit_text
from pumpproof.properties.evidence import NOT_EXERCISED_FAILURE
from pumpproof.properties.verdicts import Verdict

from .bundle import BundleDocument
from .views import (
    DESIGN,
    findings,
    headline_verdict,
    target_line,
    target_summaries,
    trace_rows,
    verdict_counts,
    verdict_line,
)

__all__ = ["render_junit", "render_markdown", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cell(text: Any) -> str:
    """Text as Markdown shows it: HTML escaped (a target's answer may hold markup), one
    table cell (no pipe, no line break)."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


def _bold(text: str) -> str:
    return f"**{text}**"


def render_markdown(bundle: BundleDocument) -> str:
    """Its first lines are the verdict, each target's, then the design's: what a reviewer
    signs must be about the build."""
    counts = verdict_counts(bundle)
    targets = target_summaries(bundle)
    lines = [f"# pumpproof: {_cell(bundle['spec']['name'])}", "",
             f"**Verdict: {headline_verdict(bundle).upper()}** — the worst of "
             f"{len(targets)} checked target(s) and the reference model", ""]
    for target in targets:
        risk = ("unacceptable residual risk: " + ", ".join(target["unacceptable"])
                if target["unacceptable"] else "no hazard unacceptable"
                if target["hazards"] else "no hazard analysis")
        lines.append(f"- {_cell(target_line(target, _bold))}; {risk}")
    lines.append(f"- {verdict_line(DESIGN, bundle['evidence']['verdict'], counts, _bold)}")
    lines += ["", "## Findings", ""]
    items = findings(bundle)
    lines += [f"- {_cell(f['source'])}: **{f['kind']}** {_cell(f['item'])}: "
              f"{_cell(f['message'])}" for f in items] or ["No findings."]
    for target in targets:
        lines += ["", f"## Target {_cell(target['description'])}: {target['verdict']}", "",
                  "| property | verdict | triggers | detail |", "|---|---|---|---|"]
        entry = bundle["targets"][target["index"]]
        for prop in entry["properties"]:
            detail = "; ".join(str(r.get("detail", "")) for r in prop["results"])
            lines.append(f"| {prop['id']} | {prop['verdict']} | {prop['triggers']} | "
                         f"{_cell(detail)} |")
        for item in target["not_exercised"]:
            lines.append(f"| {item['id']} | unknown | 0 | {_cell(item['reason'])} |")
    lines += ["", f"## Properties: {DESIGN}", "",
              "| property | verdict | triggers | requirements |", "|---|---|---|---|"]
    for prop in bundle["evidence"]["properties"]:
        lines.append(f"| {prop['id']} | {prop['verdict']} | {prop['triggers']} | "
                     f"{', '.join(prop['requirements'])} |")
    lines += _hazard_lines(bundle.get("hazards"))
    rows = trace_rows(bundle)
    if rows:
        heads = [f"on {_cell(t['description'])}" for t in targets]
        design = "design (reference model)" if targets else "evidence"
        lines += ["", "## Traceability", "",
                  "| hazard | control | requirement | property | "
                  + "".join(f"{h} | " for h in heads) + f"{design} |",
                  "|---|---|---|---|" + "---|" * (len(heads) + 1)]
        for row in rows:
            on = "".join(f"{v} | " for v in row.get("targets", []))
            lines.append(f"| {row['hazard']} | {row['control']} | {row['requirement']} | "
                         f"{row['property'] or '—'} | {on}{row['verdict']} |")
    lines += _provenance_lines(bundle)
    return "\n".join(lines) + "\n"


def _level_cell(frequency_per_year: Any, level: Any) -> str:
    """A frequency with its band, or the declared band of a hazard without a fault tree."""
    if frequency_per_year is None:
        return f"— (P{level}, declared, no fault tree)"
    return f"{frequency_per_year:.2g} (P{level})"


def _hazard_lines(hazards: Any) -> list[str]:
    """The design's hazard log: severity with its name, frequencies with their unit (or the
    declared level of a hazard without a fault tree), the residual risk and the benefit-risk
    justification an ALARP risk needs."""
    if not hazards:
        return []
    lines = ["", f"## Hazards: {DESIGN}", "",
             "Frequencies are harms per patient-year of pump use (before: every risk control "
             "failing; after: with the controls' probabilities of failure per demand); "
             "P1–P5 is the frequency band, S1–S5 the severity; a hazard without a fault tree "
             "keeps its declared level.", "",
             "| hazard | severity | before (per patient-year) | after (per patient-year) | "
             "risk after | benefit-risk justification |", "|---|---|---|---|---|---|"]
    for h in hazards["hazards"]:
        severity = f"S{h['severity']} {h.get('severity_name') or ''}".rstrip()
        risk = str(h.get("risk_after", ""))
        text = h.get("benefit_risk_justification")
        justification = (_cell(text) if text else "**missing**" if risk == "alarp" else "—")
        lines.append(f"| {_cell(h['id'])} {_cell(h['hazard'])} | {_cell(severity)} | "
                     f"{_level_cell(h['frequency_before_per_year'], h['probability_before'])} | "
                     f"{_level_cell(h['frequency_after_per_year'], h['probability_after'])} | "
                     f"{risk} | {justification} |")
    return lines


def _provenance_lines(bundle: BundleDocument) -> list[str]:
    """Run time, spec commit, target hashes and selftest, for a reviewer who signs the build
    (nothing for a bundle without them: its Markdown keeps its bytes)."""
    provenance, validation = bundle.get("provenance"), bundle.get("tool_validation")
    if not provenance and not validation:
        return []
    lines = ["", "## Provenance", ""]
    if provenance:
        git = provenance.get("spec_git")
        commit = (f"`{git['commit']}`" + (" (uncommitted changes)" if git.get("dirty") else "")
                  if git else "not in a git repository")
        lines += [f"- run time: {provenance.get('run_time') or 'not recorded'}",
                  f"- pumpproof {provenance.get('pumpproof_version')}; spec commit {commit}"]
        lines += [f"- target {_cell(t['target'])}: "
                  + (f"SHA-256 `{t['sha256']}` ({t['source']})" if t.get("sha256")
                     else "no executable to hash") for t in provenance.get("targets", [])]
    if validation:
        lines.append(f"- tool validation: {validation['killed']} of {validation['mutants']} "
                     f"mutants killed ({_cell(validation.get('source', ''))})")
    return lines


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
                details = [str(r.get("detail", "")) for r in prop.get("results", [])]
                failed = [d for d in details if d.startswith(NOT_EXERCISED_FAILURE)]
                if failed:  # never judged: the target could not answer
                    cases.append(JUnitCase(name, prop["id"], "error", NOT_EXERCISED_FAILURE,
                                           failed[0]))
                else:
                    cases.append(JUnitCase(name, prop["id"], "skipped",
                                           "; ".join(details) or "inconclusive"))
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
