"""The report views over a hand-made bundle: counts, findings order, risk matrix, trace."""

from __future__ import annotations

from typing import Any

from pumpproof.reports.views import (
    findings,
    properties_by_family,
    risk_matrix,
    trace_rows,
    verdict_counts,
)


def _bundle() -> dict[str, Any]:
    return {
        "spec": {
            "families": {"DOSE": "Dosing limits"},
            "requirements": [
                {"id": "REQ-DOSE-1", "family": "DOSE"},
                {"id": "REQ-DKA-1", "family": "DKA"},
                {"id": "REQ-ORPHAN", "family": "DKA"},
            ],
        },
        "evidence": {"properties": [
            {"id": "P-A", "title": "A", "requirements": ["REQ-DOSE-1"], "verdict": "violated",
             "vacuous": False},
            {"id": "P-B", "title": "B", "requirements": ["REQ-DOSE-1", "REQ-DKA-1"],
             "verdict": "proved", "vacuous": True},
            {"id": "P-C", "title": "C", "requirements": ["REQ-DKA-1"], "verdict": "unknown",
             "vacuous": False},
        ]},
        "targets": [{"target": {"description": "cmd:./fw", "failure": {"message": "hang"}},
                     "properties": [{"id": "P-A", "title": "A", "verdict": "violated"}]}],
        "hazards": {
            "hazards": [
                {"id": "H-1", "hazard": "over-delivery", "acceptable": False, "severity": 5,
                 "frequency_before_per_year": 0.2, "frequency_after_per_year": 2e-4,
                 "probability_before": 5, "probability_after": 3, "risk_after": "unacceptable",
                 "controls": ["RC-1"]},
                {"id": "H-2", "hazard": "occlusion", "acceptable": True, "severity": 5,
                 "frequency_before_per_year": None, "frequency_after_per_year": None,
                 "probability_before": 3, "probability_after": 2, "risk_after": "alarp",
                 "controls": ["RC-2", "RC-GONE"]},
            ],
            "controls": [{"id": "RC-1", "requirements": ["REQ-DOSE-1"]},
                         {"id": "RC-2", "requirements": ["REQ-ORPHAN"]}],
        },
        "acceptability": {"5": ["acceptable", "alarp", "unacceptable", "unacceptable",
                                "unacceptable"]},
    }


def test_verdict_counts_include_every_verdict() -> None:
    assert verdict_counts(_bundle()) == {"violated": 1, "unknown": 1, "passed": 0, "proved": 1}


def test_properties_are_counted_once_per_family() -> None:
    rows = properties_by_family(_bundle())
    assert rows == [
        {"family": "DKA", "title": "DKA", "violated": 0, "unknown": 1, "passed": 0, "proved": 1},
        {"family": "DOSE", "title": "Dosing limits", "violated": 1, "unknown": 0, "passed": 0,
         "proved": 1},
    ]


def test_findings_lead_with_the_targets_then_the_design() -> None:
    kinds = [(f["source"], f["kind"], f["item"]) for f in findings(_bundle())]
    design = "reference model (design evidence)"
    assert kinds == [("cmd:./fw", "target failure", "cmd:./fw"),
                     ("cmd:./fw", "target violation", "P-A"),
                     (design, "violation", "P-A"), (design, "unacceptable risk", "H-1"),
                     (design, "vacuous", "P-B"), (design, "inconclusive", "P-C")]
    assert findings(_bundle())[1]["anchor"] == "target-0-P-A"
    assert findings(_bundle())[2]["anchor"] == "prop-P-A"


def test_a_bundle_without_hazards_or_targets_has_only_property_findings() -> None:
    bundle = _bundle()
    del bundle["targets"], bundle["hazards"]
    assert {f["kind"] for f in findings(bundle)} == {"violation", "inconclusive", "vacuous"}
    assert trace_rows(bundle) == []
    assert all(not cell["hazards"] for row in risk_matrix(bundle)["rows"] for cell in row)


def test_the_risk_matrix_places_hazards_and_classes() -> None:
    rows = risk_matrix(_bundle())["rows"]
    assert [row[0]["severity"] for row in rows] == [5, 4, 3, 2, 1]
    assert [cell["probability"] for cell in rows[0]] == [1, 2, 3, 4, 5]
    assert rows[0][1]["hazards"] == ["H-2"] and rows[0][2]["hazards"] == ["H-1"]
    assert [cell["class"] for cell in rows[0]][:3] == ["acceptable", "alarp", "unacceptable"]
    assert rows[1][0]["class"] == "alarp"  # no acceptability row: the cautious default


def test_trace_rows_link_hazard_to_evidence_and_show_gaps() -> None:
    rows = trace_rows(_bundle())
    assert rows == [
        {"hazard": "H-1", "control": "RC-1", "requirement": "REQ-DOSE-1", "property": "P-A",
         "verdict": "violated", "targets": ["violated"]},
        {"hazard": "H-1", "control": "RC-1", "requirement": "REQ-DOSE-1", "property": "P-B",
         "verdict": "proved", "targets": ["not exercised"]},
        {"hazard": "H-2", "control": "RC-2", "requirement": "REQ-ORPHAN", "property": None,
         "verdict": "no property", "targets": ["no property"]},
    ]


def test_scope_text_names_the_fixed_settings_and_the_domain() -> None:
    from pumpproof.reports.views import scope_text

    symbolic = {"settings": {"all valid except fixed": {"pulse_mU": 50, "dia_min": 360}},
                "schedule_segments": 48, "request_domain": "checked"}
    assert scope_text(symbolic) == (
        "Covers every valid setting (the spec's hard ranges) except dia_min = 360, "
        "pulse_mU = 50; basal schedules of up to 48 segments; every request the protocol "
        "parser accepts.")
    budget = {"z3_rlimit_per_check": 200_000_000, "wall_clock_backstop_s": 600}
    assert scope_text({**symbolic, "budget": budget}).endswith(
        "parser accepts. Each Z3 check within a resource limit of 200,000,000 "
        "(deterministic, whatever the load).")
    assert scope_text({"settings": {"fixed": {}}, "schedule_segments": 48}).startswith(
        "Covers the spec's settings only")
    assert scope_text(None) == ""


def _with_target_hazards() -> dict[str, Any]:
    bundle = _bundle()
    bundle["verdict"] = "violated"
    bundle["targets"][0].update({
        "verdict": "violated",
        "hazards": {"hazards": [{"id": "H-2", "hazard": "occlusion", "acceptable": False,
                                 "severity": 5, "probability_after": 4, "controls": ["RC-2"]}],
                    "controls": [{"id": "RC-2", "verdict": "violated", "p_fail_per_demand": 1.0}]},
        "not_exercised": [{"id": "P-C", "reason": "not exercised on the target"}]})
    return bundle


def test_each_target_has_its_own_verdict_and_risk_matrix_before_the_design() -> None:
    from pumpproof.reports.views import headline_verdict, risk_matrices, target_summaries

    bundle = _with_target_hazards()
    (summary,) = target_summaries(bundle)
    assert summary["verdict"] == "violated" and summary["violated"] == ["P-A"]
    assert summary["unacceptable"] == ["H-2"] and summary["failure"] == "hang"
    matrices = risk_matrices(bundle)
    assert [(m["title"], m["design"]) for m in matrices] == [
        ("cmd:./fw", False), ("reference model (design evidence)", True)]
    cells = {(c["severity"], c["probability"]): c["hazards"]
             for row in matrices[0]["matrix"]["rows"] for c in row}
    assert cells[(5, 4)] == ["H-2"]  # the build's occlusion control failed
    assert headline_verdict(bundle) == "violated"
    kinds = [(f["source"], f["kind"]) for f in findings(bundle)][:3]
    assert kinds == [("cmd:./fw", "target failure"), ("cmd:./fw", "target violation"),
                     ("cmd:./fw", "unacceptable risk")]


def test_markdown_says_the_verdict_first_and_escapes_what_a_target_said() -> None:
    from pumpproof.reports.formats import render_markdown

    bundle = _with_target_hazards()
    bundle["spec"]["name"] = "pump"
    bundle["evidence"]["verdict"] = "violated"
    for prop in bundle["evidence"]["properties"]:
        prop.update({"triggers": 1})
    target = bundle["targets"][0]
    target["target"]["failure"]["message"] = "answer is not JSON: '<img src=x onerror=alert(1)>'"
    target["properties"][0].update({"triggers": 3, "results": [{"detail": "a|b"}]})
    lines = render_markdown(bundle).splitlines()
    assert lines[2].startswith("**Verdict: VIOLATED**")
    assert lines[4].startswith("- target cmd:./fw: **violated**")
    assert "unacceptable residual risk: H-2" in lines[4]
    assert "&lt;img src=x onerror=alert(1)&gt;" in lines[4] and "<img" not in "\n".join(lines)
    assert lines[5].startswith("- reference model (design evidence): **violated**")
    # the design's hazards, each frequency with its unit
    assert "| hazard | severity | before (per patient-year) | after (per patient-year) | " \
           "risk after | benefit-risk justification |" in lines
    assert any(line.startswith("| H-1 ") and "| S5 | 0.2 (P5) | 0.0002 (P3) | unacceptable | — |"
               in line for line in lines), lines
    h2 = ("| S5 | — (P3, declared, no fault tree) | — (P2, declared, no fault tree) | alarp | "
          "**missing** |")
    assert any(line.startswith("| H-2 ") and h2 in line for line in lines), lines


def test_a_property_vacuous_on_a_target_is_a_finding_of_that_target() -> None:
    bundle = _bundle()
    target = bundle["targets"][0]
    target["target"]["failure"] = None
    target["properties"].append({"id": "P-B", "title": "B", "verdict": "unknown",
                                 "vacuous": True})
    from pumpproof.reports.views import target_summaries

    assert target_summaries(bundle)[0]["vacuous"] == ["P-B"]
    first = [(f["source"], f["kind"], f["item"]) for f in findings(bundle)][:2]
    assert first == [("cmd:./fw", "target violation", "P-A"), ("cmd:./fw", "vacuous", "P-B")]
    assert findings(bundle)[1]["message"] == (
        "its trigger never happened on the target: not evidence")
