"""`pumpproof check`: a gate that never crashes on a misbehaving target."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures import faulty_pump
from tests.fixtures.cli import pumpproof

ROOT = Path(__file__).resolve().parents[2]
# py:tests.fixtures.… targets load in the pumpproof process: the repository root on its path
WITH_FIXTURES = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
OFF_BY_ONE = "py:tests.fixtures.off_by_one:make"


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
    # a crash or a bad answer is found without any timeout: a generous one (a loaded machine
    # may take seconds to start Python) and a fixed amount of work, whatever the load
    result = pumpproof("check", "--target-cmd", command, "--budget", "300", "--rounds", "1",
                       "--timeout", "30", "--out", str(tmp_path))
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
    result = pumpproof("check", *args, "--budget", "10", "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_target_that_exits_at_once_is_a_target_failure(tmp_path: Path) -> None:
    result = pumpproof("check", "--target-cmd", "false", "--budget", "10", "--out", str(tmp_path))
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


@pytest.mark.slow
def test_the_budget_bounds_the_whole_check_shrinking_included(tmp_path: Path) -> None:
    # Every answer of this target is slow and its bug takes Hypothesis minutes to shrink:
    # --budget 30 once ran 471 s. Now the check stops at the budget with the best trace so far.
    budget = 10.0
    started = time.monotonic()
    result = pumpproof("check", "--target", "py:tests.fixtures.slow_pump:make",
                       "--budget", str(budget), "--out", str(tmp_path), env=WITH_FIXTURES)
    wall = time.monotonic() - started
    assert result.returncode in (0, 1), result.stderr[-2000:]
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert evidence["target"]["budget_exhausted"] is True
    campaign = json.loads((tmp_path / "timings.json").read_text())["total_seconds"]
    assert campaign <= budget * 1.1 + 5, campaign  # the bound check promises
    # and the whole process, interpreter start and imports included, with a margin a slow
    # machine cannot exceed (this target ran for minutes before the deadline)
    assert wall <= budget * 2 + 20, wall
    cut = evidence["target"]["shrinking_cut_short"]
    assert set(cut) <= {p["id"] for p in evidence["properties"] if p["verdict"] == "violated"}


@pytest.mark.slow
def test_write_baseline_then_check_against_it(tmp_path: Path) -> None:
    # --budget 20 leaves the directed scenarios (which find this bug) time to finish, even on
    # a slow or busy machine; each run then fuzzes until its budget is spent.
    baseline = tmp_path / "safety" / "baseline.json"
    first = pumpproof("check", "--target", OFF_BY_ONE, "--budget", "20",
                      "--write-baseline", str(baseline), "--out", str(tmp_path / "first"),
                      env=WITH_FIXTURES)
    assert first.returncode == 1, first.stderr[-2000:]  # it exits as the check does
    written = json.loads(baseline.read_text())
    assert written["target"]["scenarios_cut_short"] is False
    assert written["accepted"] == []
    assert [p["id"] for p in written["properties"] if p["verdict"] == "violated"] == [
        "P-DOSE-MAX-BOLUS"]

    # committed as is: the known violation still fails the gate, and says so
    again = pumpproof("check", "--target", OFF_BY_ONE, "--budget", "20",
                      "--baseline", str(baseline), "--out", str(tmp_path / "again"),
                      env=WITH_FIXTURES)
    assert again.returncode == 1, again.stderr[-2000:]
    comparison = json.loads((tmp_path / "again" / "evidence.json").read_text())["target"][
        "baseline"]
    assert comparison["still_failing"] == ["P-DOSE-MAX-BOLUS"]
    assert comparison["new"] == comparison["known"] == comparison["fixed"] == []

    # justified in writing: known, shown, not failed
    written["accepted"] = [{"property": "P-DOSE-MAX-BOLUS",
                            "justification": "hardware interlock caps a bolus, see HW-7"}]
    baseline.write_text(json.dumps(written))
    justified = pumpproof("check", "--target", OFF_BY_ONE, "--budget", "20",
                          "--baseline", str(baseline), "--write-baseline", str(baseline),
                          "--out", str(tmp_path / "justified"), env=WITH_FIXTURES)
    assert justified.returncode == 0, justified.stdout[-2000:] + justified.stderr[-2000:]
    comparison = json.loads((tmp_path / "justified" / "evidence.json").read_text())["target"][
        "baseline"]
    assert comparison["known"] == ["P-DOSE-MAX-BOLUS"]
    assert comparison["still_failing"] == comparison["new"] == []
    # refreshing the baseline keeps the justification of a violation still there
    assert json.loads(baseline.read_text())["accepted"] == written["accepted"]
