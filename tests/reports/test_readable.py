"""What makes the HTML report readable: the trace grouped by hazard, diagrams sized by the
tree, a request table under every timeline (hand-made bundles; the browser test looks)."""

from __future__ import annotations

import base64
import re
from typing import Any

from pumpproof.reports import render_html
from pumpproof.reports.html import MIN_SCALE, PAGE_PX, diagram_views
from pumpproof.reports.timelines import request_rows
from pumpproof.reports.trace import trace_by_hazard
from tests.reports.test_views import _bundle, _with_target_hazards


def _svg(width_pt: float, height_pt: float) -> str:
    return (f'<svg width="{width_pt}pt" height="{height_pt}pt" viewBox="0 0 {width_pt} '
            f'{height_pt}" xmlns="http://www.w3.org/2000/svg"></svg>')


def test_the_trace_is_grouped_once_per_hazard_with_spans_instead_of_repeats() -> None:
    groups = trace_by_hazard(_bundle())
    assert [g["hazard"]["id"] for g in groups] == ["H-1", "H-2"]
    first = groups[0]
    assert [(r["control"], r["control_span"], r["requirement_span"]) for r in first["rows"]] == [
        ("RC-1", 2, 2), ("RC-1", 0, 0)]  # one control cell and one requirement cell for both
    assert "hazard" in first["rows"][0]  # the rows are trace_rows' rows, regrouped
    assert first["worst"] == "violated" and first["counts"] == {
        "violated": 2, "not exercised": 1, "proved": 1}
    assert first["open"]
    second = groups[1]  # a requirement without a property, acceptable: nothing to look at
    assert second["worst"] == "no property" and not second["open"]


def test_a_group_opens_for_an_unacceptable_risk_on_a_target_and_says_so() -> None:
    bundle = _with_target_hazards()
    bundle["targets"][0]["hazards"]["hazards"][0]["risk_after"] = "unacceptable"
    bundle["targets"][0]["not_exercised"] = []
    bundle["targets"][0]["properties"] = []
    bundle["evidence"]["properties"] = []
    groups = {g["hazard"]["id"]: g for g in trace_by_hazard(bundle)}
    assert groups["H-2"]["open"]  # acceptable on the model, unacceptable on the build
    assert groups["H-2"]["target_risk"] == [
        {"number": 1, "description": "cmd:./fw", "risk_after": "unacceptable",
         "acceptable": False}]
    assert groups["H-1"]["target_risk"] == []  # the build's assessment has no H-1


def _renderable() -> dict[str, Any]:
    """The hand-made bundle with what the HTML template reads besides the trace."""
    bundle = _bundle()
    bundle["hazards"].update({"fault_trees": [], "gaps": []})
    for control in bundle["hazards"]["controls"]:
        control.update({"p_fail_per_demand": 0.001, "basis": "prior", "properties": []})
    for hazard in bundle["hazards"]["hazards"]:
        hazard.update({"harm": "harm", "risk_after": "alarp", "fault_tree": None, "gate": None,
                       "frequency_before_per_year": None, "frequency_after_per_year": None,
                       "probability_before": 3,
                       "risk_before": "alarp"})
    bundle.update({"tool": {"version": "0", "dependencies": {}}, "profile": "ci", "seed": 0,
                   "manifest": [], "diagrams": {}, "timelines": {}, "targets": [],
                   "verdict": "violated"})
    bundle["spec"].update({"name": "s", "files": {}})
    for prop in bundle["evidence"]["properties"]:
        prop.update({"trigger": "t", "triggers": 1, "results": []})
    bundle["evidence"].update({"verdict": "violated", "model": {"sha256": "0"}})
    return bundle


def test_the_html_trace_has_one_details_per_hazard_and_no_repeated_hazard_cells() -> None:
    html = render_html(_renderable())
    trace = html[html.index('<section id="trace">'):html.index('<section id="properties">')]
    assert trace.count("<details") == 2 and trace.count("<summary>") == 2
    assert re.search(r'<details class="hazard-trace" id="trace-H-1" open>', trace)
    assert '<details class="hazard-trace" id="trace-H-2">' in trace  # closed: no problem
    assert trace.count('href="#hazard-H-1"') == 1  # the hazard is named once, not per row
    assert 'rowspan="2"' in trace


def test_diagrams_are_sized_by_the_tree_and_link_to_the_file_beside_the_report() -> None:
    bundle = {"diagrams": {"FT-S.svg": _svg(300, 150), "FT-M.svg": _svg(900, 300),
                           "FT-L.svg": _svg(3000, 600)},
              "manifest": [{"path": "hazards/FT-S.svg", "sha256": "0"},
                           {"path": "hazards/FT-L.svg", "sha256": "0"}]}
    views = diagram_views(bundle)
    small, medium, large = views["FT-S.svg"], views["FT-M.svg"], views["FT-L.svg"]
    assert (small["width"], small["height"], small["wide"]) == (400, 200, False)  # natural
    assert medium["width"] == PAGE_PX and not medium["wide"]  # shrunk to fit, text ≥ 10 px
    assert large["width"] == round(4000 * MIN_SCALE) and large["wide"]  # scrolls instead
    assert small["href"] == "hazards/FT-S.svg" and medium["href"] is None  # only if written
    assert base64.b64decode(large["data"]).decode() == bundle["diagrams"]["FT-L.svg"]


def test_request_rows_say_what_was_asked_answered_and_judged() -> None:
    point: dict[str, Any] = {
        "i": 1, "t": 0, "request": "bolus", "detail": "bolus amount_mU=5000 source=user",
        "delivered_mU": 0, "iob_mU": 5000, "glucose_mg_dL": None, "mode": "running",
        "alarms": [], "accepted": True, "reason": None,
        "judgement": "violated: accepted a bolus of 5000 mU"}
    (row,) = request_rows({"points": [point]})
    assert row == {"line": 2, "t": 0, "request": "bolus amount_mU=5000 source=user",
                   "answer": "accepted; delivered 0 mU, IOB 5000 mU, mode running, alarms none",
                   "judgement": "violated: accepted a bolus of 5000 mU", "violated": True,
                   "model": None, "differs": False}
    model = {"accepted": False, "reason": "exceeds_max_bolus", "delivered_mU": 0,
             "iob_mU": 0, "mode": "running", "alarms": []}
    (row,) = request_rows({"points": [{**point, "model": model}]})  # a target's point
    assert row["model"] == ("refused (exceeds_max_bolus); delivered 0 mU, IOB 0 mU, mode "
                            "running, alarms none") and row["differs"]
    old = {k: v for k, v in point.items() if k not in ("detail", "judgement")}
    old.update(accepted=False, reason="over_max_bolus", alarms=["occlusion"])
    (row,) = request_rows({"points": [old]})  # a bundle from before the request table
    assert row["request"] == "bolus" and row["judgement"] == "—" and not row["violated"]
    assert row["answer"].startswith("refused (over_max_bolus);")
    assert "alarms occlusion" in row["answer"]


def test_a_targets_findings_are_drawn_under_it_with_the_models_answers_beside() -> None:
    bundle = _renderable()
    point = {"i": 1, "t": 0, "request": "bolus", "detail": "bolus amount_mU=10050 source=user",
             "delivered_mU": 0, "iob_mU": 0, "glucose_mg_dL": None, "mode": "running",
             "alarms": [], "accepted": True, "reason": None,
             "model": {"accepted": False, "reason": "exceeds_max_bolus", "delivered_mU": 0,
                       "iob_mU": 0, "mode": "running", "alarms": []},
             "judgement": "violated: accepted a bolus of 10050 mU"}
    bundle["targets"] = _bundle()["targets"]  # cmd:./fw, which hung
    bundle["targets"][0].update({"verdict": "violated", "hazards": None, "not_exercised": [],
                                 "timelines": {
        "counterexamples/P-A.fuzz.jsonl": {"points": [point]},
        "counterexamples/target-failure.jsonl": {
            "points": [], "ended": "the target failed at request 1: <hang>"}}})
    bundle["targets"][0]["target"].update({"examples": 1, "requests": 2, "rounds": 1})
    bundle["targets"][0]["properties"][0].update({"triggers": 1, "results": []})
    html = render_html(bundle)
    section = html[html.index('<section id="target-0">'):]
    found = re.search(r'<figure class="timeline" id="target-0-timeline-P-A">.*?</figure>',
                      section, re.S)
    assert found and 'href="#prop-P-A"' in found.group(0)
    assert "<th scope=\"col\">answer of the reference model</th>" in found.group(0)
    assert ('<td class="differs">refused (exceeds_max_bolus); delivered 0 mU, IOB 0 mU, mode '
            "running, alarms none <strong>(differs)</strong></td>") in found.group(0)
    assert '<td class="v-violated">violated: accepted a bolus of 10050 mU</td>' in found.group(0)
    failed = re.search(r'<figure class="timeline" id="target-0-timeline-failure">.*?</figure>',
                       section, re.S)
    assert failed and "then it ended: " in failed.group(0)
    assert "request 1: &lt;hang&gt;" in failed.group(0)  # what a target said stays text
