"""Reports: the evidence bundle and its renderings (HTML, Markdown, JUnit, SARIF) and the
auditor's exports (CSV traceability matrix, ReqIF).

Every renderer reads only the bundle as stored (:data:`BundleDocument`), so ``run`` and an
auditor's ``pumpproof report`` render the same bytes without re-running anything.
"""

from .bundle import BUNDLE_SCHEMA, Bundle, BundleDocument, build_bundle, load_bundle, manifest
from .exports import render_csv, render_reqif
from .formats import render_junit, render_markdown, render_sarif
from .html import render_html

RENDERERS = {
    "html": render_html,
    "md": render_markdown,
    "junit": render_junit,
    "sarif": render_sarif,
    "csv": render_csv,
    "reqif": render_reqif,
}

__all__ = [
    "BUNDLE_SCHEMA",
    "RENDERERS",
    "Bundle",
    "BundleDocument",
    "build_bundle",
    "load_bundle",
    "manifest",
    "render_csv",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_reqif",
    "render_sarif",
]
