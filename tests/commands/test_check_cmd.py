"""`pumpproof check`: a gate that never crashes on a misbehaving target."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.fixtures import faulty_pump
from tests.fixtures.cli import pumpproof


def test_reference_passes_the_gate_without_conformance_findings(tmp_path: Path) -> None:
    result = pumpproof("check", "--target", "reference", "--budget", "10", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert evidence["target"]["description"] == "reference"
    assert evidence["target"]["failure"] is None
    assert evidence["target"]["conformance"] == []
    assert evidence["summary"]["violated"] == 0


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("crash_on_unknown", "target exited with status"),
        ("missing_field", "breaks the protocol: field 'mode'"),
    ],
)
def test_a_failing_target_is_a_finding_not_a_crash(fault: str, message: str,
                                                    tmp_path: Path) -> None:
    command = f"{sys.executable} {faulty_pump.__file__} {fault}"
    result = pumpproof("check", "--target-cmd", command, "--budget", "10", "--timeout", "2",
                       "--out", str(tmp_path))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert message in evidence["target"]["failure"]["message"]
    trace = (tmp_path / "counterexamples" / "target-failure.jsonl").read_text().splitlines()
    assert json.loads(trace[0])["op"] == "configure"
    junit = (tmp_path / "junit.xml").read_text()
    assert "target failure" in junit


def test_a_hanging_target_times_out(tmp_path: Path) -> None:
    # An answer that never comes: the whole process group is killed after the timeout.
    hang = f"{sys.executable} -c \"import time; input(); time.sleep(3600)\""
    result = pumpproof("check", "--target-cmd", hang, "--budget", "10", "--timeout", "1",
                       "--out", str(tmp_path))
    assert result.returncode == 1
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert "no answer within 1 s" in evidence["target"]["failure"]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target-cmd", "/nonexistent/pump_host --json"], "the target cannot start"),
        (["--target", "py:tests.fixtures.off_by_one:missing"], "cannot load"),
        (["--target", "warp:drive"], "unknown target kind 'warp'"),
    ],
)
def test_a_target_that_cannot_start_is_bad_input(args: list[str], message: str,
                                                 tmp_path: Path) -> None:
    result = pumpproof("check", *args, "--budget", "5", "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_target_that_exits_at_once_is_a_target_failure(tmp_path: Path) -> None:
    result = pumpproof("check", "--target-cmd", "false", "--budget", "5", "--out", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert "target" in evidence and evidence["target"]["failure"] is not None


@pytest.mark.slow
def test_a_pump_written_from_the_protocol_alone_passes_the_gate(tmp_path: Path) -> None:
    """S9, S10, S11: an automated resume of a running pump accepted, battery_low not listed
    beside battery_depleted, acknowledgements of inactive alarms refused — no hazard, so no
    violation (only conformance differences, which do not fail the gate)."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)}
    result = pumpproof("check", "--target", "py:tests.fixtures.independent_pump:make",
                       "--budget", "20", "--out", str(tmp_path), env=env, cwd=root)
    assert "Traceback" not in result.stderr
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    violated = [p["id"] for p in evidence["properties"] if p["verdict"] == "violated"]
    assert violated == [] and evidence["summary"]["violated"] == 0
    assert evidence["target"]["failure"] is None
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert evidence["target"]["conformance"]  # it does differ from the reference, safely
