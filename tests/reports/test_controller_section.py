"""A bundle with an AID controller check: every report shows its violations, and a bundle
without one keeps its shape (no ``controllers`` key)."""

from __future__ import annotations

import json

from pumpproof.campaigns.controller_check import check_controller, controller_evidence
from pumpproof.properties.evidence import Evidence
from pumpproof.reports import RENDERERS, build_bundle
from pumpproof.spec import load_spec
from tests.fixtures.aid_controller import make


def _bundle(with_controller: bool) -> dict[str, object]:
    spec = load_spec(None)
    evidence = Evidence(spec.name, tuple(spec.file_hashes), 0, "ci", ())
    controllers = []
    if with_controller:
        check = check_controller(make("round-after-clamp"), "cmd:fixture", 2.0, 0)
        controllers.append(controller_evidence(spec, check))
    bundle = build_bundle(spec, evidence, None, (), (), {}, None, {}, controllers)
    return json.loads(json.dumps(bundle.to_json()))  # as stored


def test_reports_show_controller_violations() -> None:
    bundle = _bundle(True)
    html = RENDERERS["html"](bundle)
    assert 'id="controllers"' in html and "C-MAX-BASAL" in html
    assert "controller violation" in RENDERERS["md"](bundle)
    junit = RENDERERS["junit"](bundle)
    assert 'name="controller: cmd:fixture"' in junit and "C-MAX-BASAL violated" in junit
    sarif = json.loads(RENDERERS["sarif"](bundle))
    assert any(r["ruleId"] == "C-MAX-BASAL" for r in sarif["runs"][0]["results"])


def test_a_bundle_without_controllers_has_no_controllers_key() -> None:
    bundle = _bundle(False)
    assert "controllers" not in bundle
    assert 'id="controllers"' not in RENDERERS["html"](bundle)
