"""Traceability that survives a release: run time, spec git state, target hashes and
selftest evidence in the bundle, deterministic and never a crash."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pumpproof.campaigns.provenance import (
    load_selftest_summary,
    run_time,
    spec_git,
    target_hashes,
)
from pumpproof.commands import run_cmd
from pumpproof.errors import ExitCode, UsageError
from pumpproof.properties.evidence import Evidence
from pumpproof.reports import build_bundle, render_html, render_markdown
from pumpproof.selftest.mutants import MUTANTS
from pumpproof.selftest.runner import MutantResult
from pumpproof.spec import Spec, load_spec
from tests.fixtures.cli import pumpproof

GIT = shutil.which("git")


def test_run_time_only_from_source_date_epoch() -> None:
    assert run_time({}) is None
    assert run_time({"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14T22:13:20Z"
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        run_time({"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_spec_git_commit_and_dirty_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert spec_git(outside) is None  # not a repository
    repo = tmp_path / "repo"
    spec = repo / "spec"
    spec.mkdir(parents=True)
    (spec / "pump.yaml").write_text("name: x\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "spec"]):
        subprocess.run(["git", "-C", str(repo), *command], check=True, env=env)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    assert spec_git(spec) == {"commit": head, "dirty": False}
    (repo / "elsewhere.txt").write_text("not the spec\n")
    assert spec_git(spec) == {"commit": head, "dirty": False}  # only the spec directory
    (spec / "pump.yaml").write_text("name: y\n")
    assert spec_git(spec) == {"commit": head, "dirty": True}
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert spec_git(spec) is None  # no git: absent, not a crash


def test_target_hashes_of_executables_or_given(tmp_path: Path) -> None:
    firmware = tmp_path / "fw"
    firmware.write_bytes(b"#!/bin/sh\nexit 0\n")
    firmware.chmod(0o755)
    expected = hashlib.sha256(firmware.read_bytes()).hexdigest()
    given = "ab" * 32
    entries = target_hashes([f"cmd:{firmware} --serial /dev/x", "py:acme:Pump",
                             f"cmd:{firmware}"], [])
    assert [(e["sha256"], e["source"], e["executable"]) for e in entries] == [
        (expected, "computed", "fw"), (None, None, None), (expected, "computed", "fw")]
    entries = target_hashes([f"cmd:{firmware}", "cmd:sh -c true"], [given])
    assert entries[0] == {"target": f"cmd:{firmware}", "sha256": given, "source": "given",
                          "executable": None}
    assert entries[1]["source"] == "computed"  # found on PATH
    with pytest.raises(UsageError, match="one per --target"):
        target_hashes(["cmd:x"], [given, given])


def test_a_saved_selftest_must_be_selftest_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"mutants": "many"}')
    with pytest.raises(UsageError, match="selftest --json"):
        load_selftest_summary(bad)


def _fake_run(monkeypatch: pytest.MonkeyPatch) -> Spec:
    spec = load_spec(None)
    monkeypatch.setattr(run_cmd, "verify", lambda s, **_: Evidence(
        s.name, tuple(s.file_hashes), 0, "ci", ()))
    results = [MutantResult(m, killed=i != 0, by=None) for i, m in enumerate(MUTANTS[:3])]
    monkeypatch.setattr(run_cmd, "selftest", lambda *_, **__: results)
    return spec


def _args(out: Path, **extra: Any) -> argparse.Namespace:
    values: dict[str, Any] = {"spec": None, "target": [], "profile": "ci", "seed": 0,
                              "workers": 1, "budget": 1.0, "revision": None, "out": str(out),
                              "target_hash": [], "selftest": False, "selftest_json": None}
    values.update(extra)
    return argparse.Namespace(**values)


def test_run_bundles_provenance_and_selftest(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_run(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    run_cmd.run(_args(out, selftest=True))
    bundle = json.loads((out / "bundle.json").read_text())
    provenance = bundle["provenance"]
    assert provenance["run_time"] == "2023-11-14T22:13:20Z"
    assert provenance["pumpproof_version"] == bundle["tool"]["version"]
    assert provenance["targets"] == []
    assert set(provenance) == {"run_time", "spec_git", "pumpproof_version", "targets"}
    validation = bundle["tool_validation"]
    assert (validation["mutants"], validation["killed"]) == (3, 2)
    assert sum(p["killed"] for p in validation["per_property"].values()) == 2
    html = (out / "report.html").read_text()
    assert "2023-11-14T22:13:20Z" in html and 'id="tool-validation"' in html
    assert "2 of 3 mutants" in html
    markdown = (out / "report.md").read_text()
    assert "- run time: 2023-11-14T22:13:20Z" in markdown
    assert "- tool validation: 2 of 3 mutants killed (run --selftest)" in markdown


def test_run_takes_a_saved_selftest_and_stays_byte_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_run(monkeypatch)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    saved = tmp_path / "selftest.json"
    saved.write_text(json.dumps({"mutants": 44, "killed": 44, "properties": 1,
                                 "properties_covered": 1,
                                 "per_property": {"P-X": {"mutants": 44, "killed": 44}}}))
    bundles = []
    for name in ("a", "b"):
        run_cmd.run(_args(tmp_path / name, selftest_json=str(saved)))
        bundles.append((tmp_path / name / "bundle.json").read_bytes())
    assert bundles[0] == bundles[1]
    bundle = json.loads(bundles[0])
    assert bundle["provenance"]["run_time"] is None
    assert bundle["tool_validation"] == {"mutants": 44, "killed": 44, "source":
                                         "saved selftest --json",
                                         "per_property": {"P-X": {"mutants": 44,
                                                                  "killed": 44}}}


def test_a_bundle_without_provenance_renders_as_before() -> None:
    spec = load_spec(None)
    evidence = Evidence(spec.name, tuple(spec.file_hashes), 0, "ci", ())
    bundle = json.loads(json.dumps(build_bundle(spec, evidence, None, (), (), {}).to_json()))
    assert "provenance" not in bundle and "tool_validation" not in bundle
    html = render_html(bundle)
    assert 'id="provenance-run"' not in html and 'id="tool-validation"' not in html
    assert "## Provenance" not in render_markdown(bundle)


@pytest.mark.parametrize(("extra", "said"), [
    (["--target-hash", "xyz"], "must be a SHA-256"),
    (["--target-hash", "ab" * 32], "one per --target"),
    (["--selftest-json", "/nonexistent/selftest.json"], "selftest"),
    (["--selftest", "--selftest-json", "x.json"], "not allowed with"),
])
def test_run_refuses_bad_traceability_options_at_once(tmp_path: Path, extra: list[str],
                                                      said: str) -> None:
    result = pumpproof("run", "--out", str(tmp_path / "out"), *extra, timeout=120)
    assert result.returncode == ExitCode.BAD_INPUT, result.stderr
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
