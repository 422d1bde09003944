"""Each requirement's and basic event's sources are shown in the HTML report, linked and escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from pumpproof.reports import render_html
from pumpproof.reports.views import source_parts
from pumpproof.spec import load_spec

EVIL = '<script>document.title="pwned"</script>'


def _bundle() -> dict[str, Any]:
    spec = load_spec()
    requirements = [{**r.model_dump(mode="json"), "family": r.family, "line": 1}
                    for r in spec.requirements]
    requirements[0]["sources"] = [*requirements[0]["sources"], f"ISO-14971-2019: {EVIL}"]
    tree = {"id": "FT-X", "title": "x", "frequency_per_year": 0.1,
            "frequency_before_controls_per_year": 0.2, "frequency_rare_event_per_year": 0.1,
            "contributions": [{"initiator": "BE-A", "frequency_per_year": 0.5,
                               "p_top_given_initiator": 0.2, "contribution_per_year": 0.1}],
            "n_mcs": 1, "svg": None, "cut_sets": [["BE-A", "BE-RC-X"]],
            "importance": {}, "basic_events": [
                {"id": "BE-A", "label": "a", "kind": "initiating", "frequency_per_year": 0.5,
                 "p_per_demand": None, "control": None, "properties": [],
                 "sources": ["MAUDE-INSULIN-PUMPS-2023: reservoir 9 %",
                             f"ENGINEERING-JUDGEMENT: {EVIL}"]},
                {"id": "BE-RC-X", "label": "RC-X fails", "kind": "conditional",
                 "frequency_per_year": None, "p_per_demand": 0.001, "control": "RC-X",
                 "properties": [], "sources": []}]}
    return {
        "schema": "pumpproof.bundle/1", "tool": {"dependencies": {}}, "seed": 0, "profile": "ci",
        "verdict": "passed",
        "firmware_revision": None,
        "spec": {"name": "x", "files": {}, "requirements": requirements,
                 "families": dict(spec.families), "settings": {},
                 "references": {k: v.model_dump(mode="json") for k, v in spec.references.items()}},
        "acceptability": None, "evidence": {"properties": [], "model": {"sha256": "0"}},
        "hazards": {"hazards": [], "controls": [{"id": "RC-X", "p_fail_per_demand": 0.001,
                                                 "basis": "prior", "verdict": None,
                                                 "requirements": [], "properties": []}],
                    "fault_trees": [tree], "gaps": []},
        "targets": [], "timelines": {}, "manifest": [], "diagrams": {},
    }


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        self.scripts += tag == "script"


def test_requirement_and_basic_event_sources_link_to_their_references() -> None:
    html = render_html(_bundle())
    page = _Page()
    page.feed(html)
    assert page.scripts == 0 and "&lt;script&gt;" in html
    assert '<a href="#ref-SOMMERVILLE-INSULIN-PUMP">SOMMERVILLE-INSULIN-PUMP</a>: SR1' in html
    maude = "MAUDE-INSULIN-PUMPS-2023"
    assert f'<a href="#ref-{maude}">{maude}</a>: reservoir 9 %' in html
    assert 'from <a href="#control-RC-X">RC-X</a>' in html
    internal = {link[1:] for link in page.links if link.startswith("#")}
    assert {i for i in internal if i.startswith("ref-")} <= page.ids
    assert "ref-FDA-TPLC-2014" in page.ids
    assert all(not link.startswith("http") for link in page.links)  # URLs are text: no network


def test_every_number_of_the_fault_trees_says_its_unit() -> None:
    html = render_html(_bundle())
    assert "Frequency of the top event <strong>0.1 per patient-year</strong>" in html
    assert "0.2 per patient-year before controls" in html
    assert "<td>initiating</td><td>0.5 per patient-year</td>" in html
    assert "<td>conditional</td><td>0.001 per demand</td>" in html
    assert "P(fails) per demand" in html and "P(top | initiator) per demand" in html
    assert "0.1 per patient-year</text>" in html  # the contribution bar


def test_the_report_is_deterministic() -> None:
    assert render_html(_bundle()) == render_html(_bundle())


def test_old_free_text_sources_are_shown_unlinked() -> None:
    assert source_parts(["Sommerville SR1 (notes)"]) == [
        {"id": "Sommerville SR1 (notes)", "locator": None}]
