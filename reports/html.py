"""The HTML report: one self-contained file rendered with Jinja2, autoescape on.

Inline CSS and SVG, no JavaScript and no network; fault-tree diagrams are embedded as
``data:`` images (an SVG image cannot run scripts). Every string from the spec or a
target goes through Jinja's escaping; charts escape their own texts.
"""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .bundle import BundleDocument
from .charts import ranked_bars, timeline_svg
from .views import (
    DESIGN,
    findings,
    headline_verdict,
    properties_by_family,
    risk_matrices,
    scope_text,
    source_parts,
    target_summaries,
    trace_rows,
    verdict_counts,
)

__all__ = ["render_html"]


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
    diagrams = {name: base64.b64encode(svg.encode()).decode()
                for name, svg in (bundle.get("diagrams") or {}).items()}
    bars = {}
    if hazards:
        for tree in hazards["fault_trees"]:
            contributions = {c["initiator"]: c["contribution_per_year"]
                             for c in tree["contributions"]}
            bars[tree["id"]] = Markup(ranked_bars(
                contributions, f"Contribution of each initiating event to {tree['id']}",
                "per patient-year"))
    timelines = {name: Markup(timeline_svg(series, f"Timeline of {name}"))
                 for name, series in (bundle.get("timelines") or {}).items()}
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
        trace=trace_rows(bundle),
        requirements={r["id"]: r for r in bundle["spec"]["requirements"]},
        hazards=hazards,
        diagrams=diagrams,
        bars=bars,
        timelines=timelines,
    )
