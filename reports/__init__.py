"""Reports: the evidence bundle and its renderings (HTML, Markdown, JUnit, SARIF).

Every renderer reads only the bundle, so an auditor can re-render without re-running.
"""

from .bundle import BUNDLE_SCHEMA, build_bundle, load_bundle, manifest, timeline
from .formats import render_junit, render_markdown, render_sarif
from .html import render_html

RENDERERS = {
    "html": render_html,
    "md": render_markdown,
    "junit": render_junit,
    "sarif": render_sarif,
}

__all__ = [
    "BUNDLE_SCHEMA",
    "RENDERERS",
    "build_bundle",
    "load_bundle",
    "manifest",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "timeline",
]
