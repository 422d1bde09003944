"""The CLI end to end, as a user types it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def pumpproof(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          timeout=900, check=False)


def test_generic_names_are_not_top_level_modules() -> None:
    for name in ("properties", "reports", "hazards", "pump_model", "spec"):
        assert importlib.util.find_spec(name) is None, name
    assert importlib.util.find_spec("pumpproof.properties") is not None


def test_help_lists_commands() -> None:
    result = pumpproof("--help")
    assert result.returncode == 0
    for command in ("run", "verify", "serve", "simulate", "spec"):
        assert command in result.stdout


def test_spec_export_links_both_directions() -> None:
    result = pumpproof("spec", "export", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["settings"]["max_bolus_mU"] == 10000
    by_id = {r["id"]: r for r in data["requirements"]}
    assert "P-DOSE-MAX-BOLUS" in by_id["REQ-DOSE-1"]["properties"]
    assert len(data["requirements"]) >= 40


def test_simulate_replays_a_trace(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text(
        '{"op":"event","event":{"kind":"bolus","amount_mU":10050,"source":"user","id":"b"}}\n'
        '{"op":"tick"}\n'
    )
    result = pumpproof("simulate", str(trace))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["reason"] == "exceeds_max_bolus" and lines[1]["t"] == 1


@pytest.mark.slow
def test_verify_is_deterministic_and_exits_zero(tmp_path: Path) -> None:
    first = pumpproof("verify", "--out", str(tmp_path / "a"), "--seed", "7")
    assert first.returncode == 0, first.stderr[-2000:]
    second = pumpproof("verify", "--out", str(tmp_path / "b"), "--seed", "7")
    assert second.returncode == 0
    a = (tmp_path / "a" / "evidence.json").read_bytes()
    assert a == (tmp_path / "b" / "evidence.json").read_bytes()
    evidence = json.loads(a)
    assert evidence["schema"] == "pumpproof.evidence/1"
    assert evidence["summary"]["violated"] == 0 and evidence["summary"]["unknown"] == 0
    assert len(evidence["properties"]) >= 20
    assert not [p["id"] for p in evidence["properties"] if p["vacuous"]]
    proved = [p for p in evidence["properties"] if p["verdict"] == "proved"]
    assert len(proved) >= 15
    junit = (tmp_path / "a" / "junit.xml").read_text()
    assert junit.count("<testcase") >= 3 * len(proved)
