"""`pumpproof check`: a gate that never crashes on a misbehaving target."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pumpproof.campaigns.check import Baseline, CheckOptions, compare_baseline, run_check
from pumpproof.spec import load_spec

FAULTY = Path(__file__).resolve().parents[1] / "targets" / "faulty_pump.py"
SPEC = load_spec()


def pumpproof(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=900,
                          check=False)


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
    command = f"{sys.executable} {FAULTY} {fault}"
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


def test_an_off_by_one_python_target_is_caught_with_a_short_trace() -> None:
    options = CheckOptions(target="py:tests_off_by_one:make", budget_s=10)
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        result = run_check(SPEC, options)
    finally:
        sys.path.remove(str(Path(__file__).parent))
    assert result.violated == ["P-DOSE-MAX-BOLUS"]
    trace = result.outcome.violations["P-DOSE-MAX-BOLUS"]
    assert trace[-1]["event"]["amount_mU"] == SPEC.settings.max_bolus_mU + SPEC.settings.pulse_mU
    kinds = {d.field for d in result.outcome.conformance}
    assert "accepted" in kinds  # the reference refuses what the target accepted


def test_baseline_new_known_fixed(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({
        "properties": [{"id": "P-A", "verdict": "violated"}, {"id": "P-B", "verdict": "violated"},
                       {"id": "P-C", "verdict": "passed"}],
        "accepted": [{"property": "P-B", "justification": "hardware interlock, see HW-7"}],
    }))
    baseline = Baseline.load(str(path))
    assert compare_baseline(["P-B", "P-C"], baseline) == {
        "new": ["P-C"], "still_failing": [], "known": ["P-B"], "fixed": ["P-A"]}


def test_workers_and_dask_give_the_same_findings_as_each_other() -> None:
    distributed = pytest.importorskip("distributed")
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        local = run_check(SPEC, CheckOptions(target="py:tests_off_by_one:make", budget_s=10,
                                             workers=2, seed=5))
        # the worker processes (forked from this one) import the test target from this folder
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster:
            on_dask = run_check(SPEC, CheckOptions(target="py:tests_off_by_one:make",
                                                   budget_s=10, workers=2, seed=5,
                                                   dask_address=cluster.scheduler_address))
    finally:
        sys.path.remove(str(Path(__file__).parent))
    assert local.violated == on_dask.violated == ["P-DOSE-MAX-BOLUS"]
    assert local.outcome.violations == on_dask.outcome.violations
    assert local.outcome.requests == on_dask.outcome.requests


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target-cmd", "/nonexistent/pump_host --json"], "the target cannot start"),
        (["--target", "py:tests_off_by_one:missing"], "cannot load"),
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
