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
                 "probability_after": 2, "controls": ["RC-1"]},
                {"id": "H-2", "hazard": "occlusion", "acceptable": True, "severity": 5,
                 "probability_after": 2, "controls": ["RC-2", "RC-GONE"]},
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


def test_findings_put_violations_and_failures_before_risk_and_doubt() -> None:
    kinds = [(f["kind"], f["item"]) for f in findings(_bundle())]
    assert kinds == [("violation", "P-A"), ("target failure", "cmd:./fw"),
                     ("target violation", "P-A"), ("unacceptable risk", "H-1"),
                     ("vacuous", "P-B"), ("inconclusive", "P-C")]
    assert findings(_bundle())[0]["anchor"] == "prop-P-A"


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
    assert rows[0][1]["hazards"] == ["H-1", "H-2"]
    assert [cell["class"] for cell in rows[0]][:3] == ["acceptable", "alarp", "unacceptable"]
    assert rows[1][0]["class"] == "alarp"  # no acceptability row: the cautious default


def test_trace_rows_link_hazard_to_evidence_and_show_gaps() -> None:
    rows = trace_rows(_bundle())
    assert rows == [
        {"hazard": "H-1", "control": "RC-1", "requirement": "REQ-DOSE-1", "property": "P-A",
         "verdict": "violated"},
        {"hazard": "H-1", "control": "RC-1", "requirement": "REQ-DOSE-1", "property": "P-B",
         "verdict": "proved"},
        {"hazard": "H-2", "control": "RC-2", "requirement": "REQ-ORPHAN", "property": None,
         "verdict": "no property"},
    ]


def test_scope_text_names_the_fixed_settings_and_the_domain() -> None:
    from pumpproof.reports.views import scope_text

    symbolic = {"settings": {"all valid except fixed": {"pulse_mU": 50, "dia_min": 360}},
                "schedule_segments": 48, "request_domain": "checked"}
    assert scope_text(symbolic) == (
        "Covers every valid setting (the spec's hard ranges) except dia_min = 360, "
        "pulse_mU = 50; basal schedules of up to 48 segments; every request the protocol "
        "parser accepts.")
    assert scope_text({"settings": {"fixed": {}}, "schedule_segments": 48}).startswith(
        "Covers the spec's settings only")
    assert scope_text(None) == ""
