"""Inline SVG charts: well-formed, escaped, and empty when there is nothing to draw."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from pumpproof.reports.charts import ranked_bars, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script>'


def _point(t: int, **overrides: Any) -> dict[str, Any]:
    return {"t": t, "delivered_mU": 50 * t, "iob_mU": 100 * t, "glucose_mg_dL": None,
            "mode": "running", "alarms": [], "accepted": True, "reason": None, **overrides}


def test_an_empty_timeline_or_importance_draws_nothing() -> None:
    assert timeline_svg({"points": []}, "t") == ""
    assert ranked_bars({}, "t", "/yr") == ""


def test_the_timeline_is_valid_svg_with_modes_alarms_and_refusals() -> None:
    points = [_point(0), _point(1, mode="suspended", glucose_mg_dL=120),
              _point(2, mode="stopped", alarms=["occlusion"], accepted=False,
                     reason="not_running", glucose_mg_dL=60)]
    svg = timeline_svg({"points": points}, f"trace {EVIL}")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == f"trace {EVIL}"  # the title, as text
    assert "<script>" not in svg
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")][1:]
    assert fills == ["#cfe8cf", "#fff0b3", "#f6c6c6"]  # running, suspended, stopped
    circles = list(root.iter(f"{SVG}circle"))
    assert len([c for c in circles if c.get("class") != "point"]) == 1  # one alarm marker
    assert len([c for c in circles if c.get("class") == "point"]) == 3 + 3 + 2  # a dot a value
    assert "refused: not_running" in svg
    assert "max 100" in svg and "max 200" in svg  # legend maxima of delivered and IOB
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 3
    glucose = lines[2].get("points", "").split()
    assert len(glucose) == 2  # the missing glucose value is skipped, not drawn as zero


def test_ranked_bars_rank_by_value_and_respect_the_limit() -> None:
    values = {f"E{i}": i / 10 for i in range(1, 6)}
    values[EVIL] = 0.05
    svg = ranked_bars(values, "contributions", "per patient-year", limit=3)
    root = ET.fromstring(svg)
    labels = [t.text for t in root.iter(f"{SVG}text")
              if t.text and not t.text.endswith("per patient-year")]
    assert labels == ["E5", "E4", "E3"]
    assert "0.5 per patient-year" in svg
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths == sorted(widths, reverse=True) and widths[0] == 300
    escaped = ranked_bars(values, "contributions", "per patient-year", limit=10)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped


def test_a_one_step_timeline_draws_its_values_in_the_middle() -> None:
    root = ET.fromstring(timeline_svg({"points": [_point(1, glucose_mg_dL=90)]}, "one step"))
    dots = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert len(dots) == 3  # delivered, IOB and glucose: visible without a line
    assert {float(c.get("cx", "0")) for c in dots} == {360.0}  # the middle of the plot


def test_bar_labels_have_room_for_the_longest_name_and_the_figures() -> None:
    long_name = "BE-RC-DELIVERY-AVAILABLE-AND-MORE"
    svg = ranked_bars({long_name: 1.0, "E": 0.5}, "contributions", "per patient-year")
    root = ET.fromstring(svg)
    width = float(root.get("width", "0"))
    bars = list(root.iter(f"{SVG}rect"))
    assert float(bars[0].get("x", "0")) >= len(long_name) * 6.5  # the name column fits it
    figures = [t for t in root.iter(f"{SVG}text") if (t.text or "").endswith("per patient-year")]
    assert len(figures) == 2
    # each figure fits: its characters at ~6.5 px each end inside the drawing
    assert all(float(t.get("x", "0")) + len(t.text or "") * 6.5 <= width for t in figures)


def test_a_timeline_is_not_plotted_when_a_plot_would_show_nothing() -> None:
    from pumpproof.reports.charts import not_plotted

    flat = [_point(0), _point(0)]  # delivered and IOB 0 at t = 0, no glucose, no mode change
    assert not_plotted({"points": []}) == "the counterexample has no pump request"
    assert not_plotted({"points": [_point(1)]}) == "a one-step counterexample"
    assert not_plotted({"points": flat}) is not None
    assert not_plotted({"points": [_point(0), _point(0, mode="stopped")]}) is None
    assert not_plotted({"points": [_point(0), _point(1)]}) is None
