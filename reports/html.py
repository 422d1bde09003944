"""The HTML report: one self-contained file rendered with Jinja2, autoescape on.

Inline CSS and SVG, no JavaScript and no network; fault-tree diagrams are embedded as
``data:`` images (an SVG image cannot run scripts), sized by the tree and linked to the
full-size SVG that ``run`` writes beside the report; what is long is folded in
``<details>``. Every string from the spec or a target goes through Jinja's escaping;
charts escape their own texts.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from pumpproof.campaigns.evidence import counterexample_property
from pumpproof.properties.verdicts import Method

from .bundle import BundleDocument
from .charts import not_plotted, ranked_bars, timeline_svg
from .timelines import request_rows
from .trace import trace_by_hazard
from .views import (
    DESIGN,
    findings,
    headline_verdict,
    properties_by_family,
    risk_matrices,
    scope_text,
    source_parts,
    target_summaries,
    verdict_counts,
)

__all__ = ["diagram_views", "render_html"]

#: Width the page gives a diagram (body max-width less its padding), in CSS px.
PAGE_PX = 1060
#: The smallest scale a diagram is shown at: Graphviz's 10 pt labels stay 10 px or more.
MIN_SCALE = 0.75
_SIZE = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)pt"[^>]*?\sheight="([0-9.]+)pt"')


def _natural_px(svg: str) -> tuple[float, float] | None:
    """The diagram's natural size in CSS px (Graphviz writes points: 1 pt = 4/3 px)."""
    match = _SIZE.search(svg)
    return (float(match[1]) * 4 / 3, float(match[2]) * 4 / 3) if match else None


def diagram_views(bundle: BundleDocument) -> dict[str, dict[str, Any]]:
    """Each fault-tree SVG as the report shows it: embedded (``data``), at a size set by the
    tree's own size — natural size when it fits the page, shrunk to fit down to
    :data:`MIN_SCALE`, beyond that at that scale in a horizontally scrolling box — and
    linked (``href``) to the full-size file when the campaign wrote it beside the report."""
    written = {a["path"] for a in bundle.get("manifest", [])}
    out: dict[str, dict[str, Any]] = {}
    for name, svg in (bundle.get("diagrams") or {}).items():
        size = _natural_px(svg)
        view: dict[str, Any] = {"data": base64.b64encode(svg.encode()).decode(),
                                "href": f"hazards/{name}" if f"hazards/{name}" in written
                                else None, "width": None, "height": None, "wide": False}
        if size:
            scale = max(MIN_SCALE, min(1.0, PAGE_PX / size[0]))
            view.update(width=round(size[0] * scale), height=round(size[1] * scale),
                        wide=size[0] * scale > PAGE_PX)
        out[name] = view
    return out


def _timelines(series: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each counterexample's request table, and its plot when a plot can show something."""
    out = {}
    for name, timeline in series.items():
        why_not = not_plotted(timeline)
        out[name] = {"svg": None if why_not else Markup(timeline_svg(timeline,
                                                                     f"Timeline of {name}")),
                     "why_not": why_not, "rows": request_rows(timeline),
                     "ended": timeline.get("ended")}
    return out


def _target_timelines(series: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A target's findings as :func:`_timelines` shows them, each with the property that
    judged it (``None`` for the requests that made the target fail)."""
    out = _timelines(series)
    for name, view in out.items():
        view["property"] = counterexample_property(name, Method.FUZZ)
    return out


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("pumpproof.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        keep_trailing_newline=True,
    )
    environment.filters["scope"] = scope_text
    environment.filters["source_parts"] = source_parts
    return environment


def render_html(bundle: BundleDocument) -> str:
    hazards = bundle.get("hazards")
    bars = {}
    if hazards:
        for tree in hazards["fault_trees"]:
            contributions = {c["initiator"]: c["contribution_per_year"]
                             for c in tree["contributions"]}
            bars[tree["id"]] = Markup(ranked_bars(
                contributions, f"Contribution of each initiating event to {tree['id']}",
                "per patient-year"))
    template = _environment().get_template("report.html.j2")
    return template.render(
        bundle=bundle,
        counts=verdict_counts(bundle),
        families=properties_by_family(bundle),
        verdict=headline_verdict(bundle),
        targets=target_summaries(bundle),
        design=DESIGN,
        matrices=risk_matrices(bundle),
        findings=findings(bundle),
        trace=trace_by_hazard(bundle),
        requirements={r["id"]: r for r in bundle["spec"]["requirements"]},
        hazards=hazards,
        diagrams=diagram_views(bundle),
        bars=bars,
        timelines=_timelines(bundle.get("timelines") or {}),
        target_timelines=[_target_timelines(t.get("timelines") or {})
                          for t in bundle.get("targets", [])],
    )
