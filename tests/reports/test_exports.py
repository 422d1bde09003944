"""The auditor's exports: the CSV traceability matrix and a ReqIF round trip, from a bundle."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pumpproof.properties.evidence import Evidence
from pumpproof.reports import build_bundle, render_csv, render_reqif
from pumpproof.spec import load_spec
from tests.fixtures.cli import pumpproof


def _bundle() -> dict[str, Any]:
    """The built-in spec's bundle (as stored) with two properties and one target."""
    spec = load_spec(None)
    evidence = Evidence(spec.name, tuple(spec.file_hashes), 0, "ci", ())
    bundle: dict[str, Any] = json.loads(json.dumps(
        build_bundle(spec, evidence, None, (), (), {}).to_json()))
    bundle["evidence"]["properties"] = [
        {"id": "P-B", "title": "Cap, \"quoted\", <b>", "requirements": ["REQ-DOSE-1"],
         "verdict": "proved", "results": [{"method": "kinduction", "verdict": "proved"},
                                          {"method": "fuzz", "verdict": "passed"}]},
        {"id": "P-A", "title": "Daily total", "requirements": ["REQ-DOSE-1", "REQ-DOSE-2"],
         "verdict": "passed", "results": [{"method": "fuzz", "verdict": "passed"}]},
    ]
    bundle["targets"] = [{"target": {"description": "cmd:./fw, v2"}, "verdict": "violated",
                          "properties": [{"id": "P-A", "verdict": "violated",
                                          "results": [{"method": "fuzz",
                                                       "verdict": "violated"}]}]}]
    return bundle


def test_csv_is_the_traceability_matrix_in_a_stable_order() -> None:
    bundle = _bundle()
    text = render_csv(bundle)
    rows = list(csv.DictReader(io.StringIO(text)))
    dose1 = [(r["property"], r["method"], r["verdict"], r["target"]) for r in rows
             if r["requirement"] == "REQ-DOSE-1"]
    assert dose1 == [("P-A", "fuzz", "passed", "reference model"),
                     ("P-A", "fuzz", "violated", "cmd:./fw, v2"),
                     ("P-B", "fuzz kinduction", "proved", "reference model"),
                     ("P-B", "", "not exercised", "cmd:./fw, v2")]
    ids = [r["requirement"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(bundle["spec"]["requirements"])
    assert next(r for r in rows if r["requirement"] == "REQ-DOSE-3")["verdict"] == "no property"
    assert '"cmd:./fw, v2"' in text  # a comma is quoted, as csv does
    assert render_csv(json.loads(json.dumps(bundle))) == text


def test_reqif_round_trip_keeps_requirements_texts_and_links() -> None:
    from reqif.parser import ReqIFParser

    bundle = _bundle()
    text = render_reqif(bundle)
    assert render_reqif(bundle) == text  # deterministic
    parsed = ReqIFParser.parse_from_string(text)
    assert not parsed.exceptions
    content = parsed.core_content.req_if_content
    values = {o.identifier: {a.definition_ref.split("-", 2)[-1]: a.value
                             for a in o.attributes} for o in content.spec_objects}
    requirements = {v["ID"]: v for k, v in values.items() if k.startswith("REQUIREMENT-")}
    expected = {r["id"]: r for r in bundle["spec"]["requirements"]}
    assert set(requirements) == set(expected)
    for rid, req in expected.items():
        assert requirements[rid]["TEXT"] == req["shall"], rid
        assert requirements[rid]["TITLE"] == req["title"]
    # a bench-tested requirement carries its method and the record that verifies it
    assert requirements["REQ-HW-1"]["VERIFICATION"] == "test"
    assert requirements["REQ-HW-1"]["RECORD"].startswith("Bench fault-injection test HW-TR-01")
    assert requirements["REQ-DOSE-1"]["VERIFICATION"] == "proof, fuzz"
    assert requirements["REQ-DOSE-1"]["RECORD"] == ""
    assert values["PROPERTY-P-B"]["TITLE"] == "Cap, \"quoted\", <b>"
    assert values["PROPERTY-P-A"]["TARGET-VERDICTS"] == "cmd:./fw, v2: violated"
    links = sorted((r.source, r.target) for r in content.spec_relations)
    assert links == [("REQUIREMENT-REQ-DOSE-1", "PROPERTY-P-A"),
                     ("REQUIREMENT-REQ-DOSE-1", "PROPERTY-P-B"),
                     ("REQUIREMENT-REQ-DOSE-2", "PROPERTY-P-A")]
    children = content.specifications[0].children
    assert [c.spec_object for c in children] == [f"REQUIREMENT-{r}" for r in sorted(expected)]


def test_reqif_export_is_valid_against_the_reqif_schema(tmp_path: Path) -> None:
    bundle = _bundle()
    bundle["evidence"]["properties"][0]["id"] = "P-USER: odd id"  # a user property's id
    path = tmp_path / "requirements.reqif"
    path.write_text(render_reqif(bundle))
    tool = shutil.which("reqif", path=str(Path(sys.executable).parent)) or "reqif"
    done = subprocess.run([tool, "validate", "--use-reqif-schema", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "0 errors, 0 schema issues" in done.stdout + done.stderr, done.stdout[-2000:]


def test_report_exports_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle()))
    for fmt in ("csv", "reqif"):
        out = tmp_path / f"out.{fmt}"
        result = pumpproof("report", str(path), "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_text() == (render_csv if fmt == "csv" else render_reqif)(_bundle())


def test_aid_requirements_link_to_the_controller_properties_that_verify_them() -> None:
    bundle = _bundle()
    bundle["controllers"] = [{
        "controller": {"name": "oref0", "version": "0.7.1"},
        "properties": [{"id": "C-MAX-BASAL", "title": "Commanded rate within max basal",
                        "requirements": ["REQ-AID-1"], "verdict": "violated",
                        "results": [{"method": "fuzz", "verdict": "violated"}]}]}]
    rows = [r for r in csv.DictReader(io.StringIO(render_csv(bundle)))
            if r["requirement"] == "REQ-AID-1"]
    assert [(r["property"], r["verdict"], r["target"]) for r in rows] == [
        ("C-MAX-BASAL", "violated", "controller oref0 0.7.1")]
    from reqif.parser import ReqIFParser

    content = ReqIFParser.parse_from_string(render_reqif(bundle)).core_content.req_if_content
    values = {o.identifier: {a.definition_ref.split("-", 2)[-1]: a.value
                             for a in o.attributes} for o in content.spec_objects}
    assert values["PROPERTY-C-MAX-BASAL"]["VERDICT"] == "controller oref0 0.7.1: violated"
    assert ("REQUIREMENT-REQ-AID-1", "PROPERTY-C-MAX-BASAL") in {
        (r.source, r.target) for r in content.spec_relations}
