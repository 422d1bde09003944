"""``pumpproof diff``: a firmware regression between two releases fails the gate (exit 1)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pumpproof.properties.evidence import Evidence
from pumpproof.reports import build_bundle
from tests.fixtures.cli import pumpproof


def _release() -> dict[str, Any]:
    """A release's bundle (as stored): the built-in spec, two properties, one target."""
    from pumpproof.spec import load_spec

    spec = load_spec(None)
    evidence = Evidence(spec.name, tuple(spec.file_hashes), 0, "ci", ())
    bundle: dict[str, Any] = json.loads(json.dumps(
        build_bundle(spec, evidence, None, (), (), {}, "fw-1.0").to_json()))
    bundle["evidence"]["properties"] = [
        {"id": "P-A", "title": "A", "requirements": ["REQ-DOSE-1"], "verdict": "proved"},
        {"id": "P-B", "title": "B", "requirements": ["REQ-DOSE-2"], "verdict": "passed"},
    ]
    bundle["verdict"] = "passed"
    bundle["targets"] = [{
        "target": {"description": "cmd:./fw", "failure": None}, "verdict": "passed",
        "properties": [{"id": "P-A", "verdict": "passed"}, {"id": "P-B", "verdict": "passed"}],
        "hazards": {"hazards": [{"id": "H-1", "risk_after": "acceptable"}]},
    }]
    return bundle


def _write(tmp: Path, name: str, bundle: dict[str, Any]) -> str:
    path = tmp / name
    path.write_text(json.dumps(bundle))
    return str(path)


def test_a_firmware_regression_fails_the_gate(tmp_path: Path) -> None:
    old = _release()
    new = copy.deepcopy(old)
    new["firmware_revision"] = "fw-1.1"
    new["verdict"] = "violated"
    target = new["targets"][0]
    target["verdict"] = "violated"
    target["properties"][0]["verdict"] = "violated"  # P-A: passed → violated on the build
    target["hazards"]["hazards"][0]["risk_after"] = "unacceptable"
    new["spec"]["requirements"][0]["shall"] += " Reworded."
    result = pumpproof("diff", _write(tmp_path, "old.json", old),
                       _write(tmp_path, "new.json", new))
    assert result.returncode == 1, result.stderr
    lines = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines()]
    assert "verdict campaign overall passed violated WORSE" in lines
    assert "target verdict cmd:./fw passed violated WORSE" in lines
    assert "verdict P-A cmd:./fw passed violated WORSE" in lines
    assert "risk H-1 cmd:./fw acceptable unacceptable WORSE" in lines
    assert "requirement REQ-DOSE-1 spec changed shall" in lines
    assert lines[-1] == "diff: 4 worse, 5 change(s)"

    markdown = pumpproof("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"),
                         "--format", "md")
    assert markdown.returncode == 1
    assert markdown.stdout.startswith("# pumpproof diff: fw-1.0 → fw-1.1\n\n**4 worse**")
    assert "| verdict | P-A | cmd:./fw | passed | violated | **worse** |" in markdown.stdout

    as_json = pumpproof("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"),
                        "--format", "json")
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and data["schema"] == "pumpproof.diff/1" and data["worse"]
    assert {"kind": "verdict", "item": "P-A", "where": "cmd:./fw", "old": "passed",
            "new": "violated", "worse": True} in data["changes"]


def test_better_or_only_changed_is_not_worse(tmp_path: Path) -> None:
    old = _release()
    new = copy.deepcopy(old)
    new["evidence"]["properties"][1]["verdict"] = "proved"  # stronger
    new["spec"]["requirements"].pop()  # removed: listed, not worse
    new["spec"]["files"]["pump.yaml"] = "0" * 64
    result = pumpproof("diff", _write(tmp_path, "old.json", old),
                       _write(tmp_path, "new.json", new), "--format", "json")
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)["changes"]
    assert [(c["kind"], c["item"], c["worse"]) for c in changes] == [
        ("verdict", "P-B", False),
        ("requirement", old["spec"]["requirements"][-1]["id"], False),
        ("spec file", "pump.yaml", False)]
    same = pumpproof("diff", str(tmp_path / "old.json"), str(tmp_path / "old.json"))
    assert same.returncode == 0 and same.stdout.strip() == "diff: no changes"


def test_a_file_that_is_not_a_bundle_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    result = pumpproof("diff", str(bad), _write(tmp_path, "ok.json", _release()))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a pumpproof bundle" in result.stderr


def test_a_controller_verdict_weaker_is_worse() -> None:
    from pumpproof.reports.diff import diff_bundles

    old = _release()
    old["controllers"] = [{"controller": {"name": "oref0"}, "verdict": "passed",
                           "properties": [{"id": "C-MAX-BASAL", "verdict": "passed"}]}]
    new = copy.deepcopy(old)
    new["controllers"][0]["properties"][0]["verdict"] = "unknown"
    changes = diff_bundles(old, new)
    assert [(c.item, c.where, c.old, c.new, c.worse) for c in changes] == [
        ("C-MAX-BASAL", "controller oref0", "passed", "unknown", True)]
