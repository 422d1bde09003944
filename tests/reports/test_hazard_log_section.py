"""The hazard log in the HTML report and report.md: severity names, declared levels, and the
benefit-risk justification of every ALARP hazard, escaped."""

from __future__ import annotations

from typing import Any

from pumpproof.hazards.risk import assess
from pumpproof.properties.catalogue import all_properties
from pumpproof.reports import render_html
from pumpproof.reports.formats import render_markdown
from pumpproof.spec import load_spec

EVIL = '<script>alert("x")</script> | pipe'


def _bundle(justification: str | None = EVIL) -> dict[str, Any]:
    spec = load_spec()
    hazards = assess(spec, {p.id: p.requirements for p in all_properties()}, None).to_json()
    for hazard in hazards["hazards"]:
        if hazard["id"] == "H-FREE-FLOW":
            hazard["benefit_risk_justification"] = justification
    requirements = [{**r.model_dump(mode="json"), "family": r.family, "line": 1}
                    for r in spec.requirements]
    return {
        "schema": "pumpproof.bundle/1", "tool": {"dependencies": {}}, "seed": 0, "profile": "ci",
        "verdict": "passed", "firmware_revision": None,
        "spec": {"name": "x", "files": {}, "requirements": requirements,
                 "families": dict(spec.families), "settings": {},
                 "references": {k: v.model_dump(mode="json") for k, v in spec.references.items()}},
        "acceptability": None,
        "evidence": {"properties": [], "model": {"sha256": "0"}, "verdict": "passed"},
        "hazards": hazards, "targets": [], "timelines": {}, "manifest": [], "diagrams": {},
    }


def test_html_shows_severity_names_declared_levels_and_escaped_justifications() -> None:
    html = render_html(_bundle())
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)" in html
    assert "Benefit-risk justification (H-FREE-FLOW):" in html
    assert "Benefit-risk justification (H-OVER-BOLUS):" in html
    assert "S5 catastrophic" in html and "S4 critical" not in html
    runaway = html[html.index('id="hazard-H-RUNAWAY-MOTOR"'):]
    assert runaway[:runaway.index("</tr>")].count("declared, no fault tree") == 2
    over = html[html.index('id="hazard-H-OVER-BOLUS"'):]
    assert "declared" not in over[:over.index("</tr>")]


def test_html_flags_an_alarp_hazard_without_justification() -> None:
    html = render_html(_bundle(justification=None))
    assert "ALARP without a benefit-risk justification (H-FREE-FLOW)" in html
    assert "Benefit-risk justification (H-FREE-FLOW)" not in html


def test_markdown_lists_the_hazard_log_with_justifications() -> None:
    markdown = render_markdown(_bundle())
    row = next(line for line in markdown.splitlines() if line.startswith("| H-FREE-FLOW "))
    assert "S5 catastrophic" in row and "(P2, declared, no fault tree)" in row
    assert "&lt;script&gt;alert" in row and "\\| pipe" in row and "<script>" not in row
    assert row.count(" | ") == 5  # the pipe in the text stays inside its cell
    over = next(line for line in markdown.splitlines() if line.startswith("| H-OVER-BOLUS "))
    assert "(P3) |" in over and "declared" not in over
    missing = render_markdown(_bundle(justification=None))
    assert "| alarp | **missing** |" in missing


def test_the_sections_are_deterministic() -> None:
    assert render_markdown(_bundle()) == render_markdown(_bundle())
