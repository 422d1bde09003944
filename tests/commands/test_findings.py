"""Findings a firmware engineer can act on from the console, and counterexamples as
regression tests (`simulate TRACE --target T --check`)."""

from __future__ import annotations

import io
import json
import os
import shlex
from pathlib import Path

import pytest

from pumpproof.commands._findings import print_findings
from pumpproof.properties.catalogue import observer_properties
from pumpproof.spec import load_spec
from tests.fixtures.cli import pumpproof
from tests.fixtures.gate import GateRun

ROOT = Path(__file__).resolve().parents[2]
OFF_BY_ONE = "py:tests.fixtures.off_by_one:make"
TRACE = ROOT / "tests" / "fixtures" / "traces" / "off_by_one.P-DOSE-MAX-BOLUS.fuzz.jsonl"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # so that py:tests.fixtures… imports
SENTENCE = ("VIOLATED P-DOSE-MAX-BOLUS [REQ-DOSE-1, REQ-HF-1] at trace line 20: accepted a "
            "bolus of 10050 mU (10050 now + 0 extended); limit max_bolus_mU 10000 mU")


def test_a_saved_counterexample_fails_on_the_buggy_target() -> None:
    result = pumpproof("simulate", str(TRACE), "--target", OFF_BY_ONE, "--check", env=ENV)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert SENTENCE in lines
    assert f"  trace:  {TRACE}" in lines
    assert (f"  replay: pumpproof simulate {TRACE} --target {OFF_BY_ONE} --check" in lines)
    assert len(result.stdout.splitlines()) == 20  # the observations, as JSON lines


def test_the_same_counterexample_passes_on_the_reference() -> None:
    result = pumpproof("simulate", str(TRACE), "--target", "reference", "--check", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "VIOLATED" not in result.stderr
    watched = len(observer_properties())
    assert f"no violation: {watched} properties watched 20 requests" in result.stderr


def test_check_and_table_together() -> None:
    result = pumpproof("simulate", str(TRACE), "--target", OFF_BY_ONE, "--check", "--table",
                       env=ENV)
    assert result.returncode == 1
    assert "bolus amount_mU=10050 id=lim-0-above source=user" in result.stdout
    assert SENTENCE in result.stderr.splitlines()


def test_without_check_simulate_only_replays() -> None:
    result = pumpproof("simulate", str(TRACE), "--target", OFF_BY_ONE, env=ENV)
    assert result.returncode == 0 and result.stderr == ""


def test_check_prints_each_finding_and_its_replay_command_works(tmp_path: Path) -> None:
    out = tmp_path / "a long directory name for the evidence of this firmware build"
    # one round whatever the load (a 10 s budget planned one round of ~9 s: on a loaded
    # machine the deadline cut it, and the findings with it)
    result = pumpproof("check", "--target", OFF_BY_ONE, "--budget", "300", "--rounds", "1",
                       "--out", str(out), env=ENV)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("VIOLATED "))
    assert lines[head].startswith("VIOLATED P-DOSE-MAX-BOLUS [REQ-DOSE-1, REQ-HF-1] at trace line ")
    assert lines[head].endswith(": accepted a bolus of 10050 mU (10050 now + 0 extended); "
                                "limit max_bolus_mU 10000 mU")
    trace = out / "counterexamples" / "P-DOSE-MAX-BOLUS.fuzz.jsonl"
    assert lines[head + 1] == f"  trace:  {trace}"
    assert lines[head + 2].startswith("  replay: pumpproof simulate ")
    replay = shlex.split(lines[head + 2].removeprefix("  replay: "))
    again = pumpproof(*replay[1:], env=ENV)
    assert again.returncode == 1 and lines[head] in again.stderr.splitlines()
    # the same replay gave the finding's timeline: the device's answer, the model's, the
    # judgement (timelines.json, named in the line that lists the outputs)
    assert f"timelines: {out / 'timelines.json'}" in next(
        line for line in lines if line.startswith("evidence: "))
    timelines = json.loads((out / "timelines.json").read_text())
    assert list(timelines) == ["counterexamples/P-DOSE-MAX-BOLUS.fuzz.jsonl"]
    (violating,) = [p for p in timelines["counterexamples/P-DOSE-MAX-BOLUS.fuzz.jsonl"]["points"]
                    if p["judgement"].startswith("violated")]
    assert violating["accepted"] is True and violating["model"]["accepted"] is False
    assert violating["judgement"] == "violated: " + lines[head].split(": ", 1)[1]
    assert (out / "timelines.json").read_text() == json.dumps(timelines, indent=2,
                                                              sort_keys=True,
                                                              ensure_ascii=False) + "\n"
    # conformance notes name their saved trace, which replays as well
    notes = [line for line in lines if line.startswith("conformance: ")]
    assert notes
    for number, note in enumerate(notes, start=1):
        saved = out / "counterexamples" / f"conformance-{number}.jsonl"
        assert note.endswith(f"(trace: {saved})") and saved.is_file()
        line = int(note.removeprefix("conformance: trace line ").split(":")[0])
        assert len(saved.read_text().splitlines()) == line  # the trace ends at that request


def test_a_finding_that_does_not_replay_says_why() -> None:
    spec = load_spec()
    trace = [json.loads(line) for line in TRACE.read_text().splitlines()]
    out = io.StringIO()
    violations = {"P-DOSE-MAX-BOLUS": (trace, Path("t.jsonl"))}
    print_findings(out, spec, "reference", 5.0, violations)  # the reference is not buggy
    print_findings(out, spec, "cmd:/nonexistent/pump_host", 5.0, violations)
    lines = out.getvalue().splitlines()
    assert lines[0] == ("VIOLATED P-DOSE-MAX-BOLUS [REQ-DOSE-1, REQ-HF-1]: the saved trace did "
                        "not violate it again when replayed (is the target deterministic?)")
    assert lines[3].startswith("VIOLATED P-DOSE-MAX-BOLUS [REQ-DOSE-1, REQ-HF-1]: the target "
                               "failed when the saved trace was replayed: ")
    assert lines[5] == ("  replay: pumpproof simulate t.jsonl --target "
                        "cmd:/nonexistent/pump_host --check")


@pytest.mark.slow
def test_run_prints_the_findings_of_each_target(gate_run: GateRun) -> None:
    """A target and an AID controller in one run: both in the output, the bundle and the
    reports (the shared run's third target and its controller, see tests/conftest.py)."""
    result, out, controller = gate_run.result, gate_run.out, gate_run.controller
    assert result.returncode == 1, result.stderr[-2000:]
    trace = out / "targets" / "2" / "counterexamples" / "P-DOSE-MAX-BOLUS.fuzz.jsonl"
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines)
                if line.startswith("VIOLATED P-DOSE-MAX-BOLUS "))
    assert lines[head].endswith("limit max_bolus_mU 10000 mU")
    assert lines[head + 1] == f"  trace:  {trace}" and trace.is_file()
    stages = result.stderr.splitlines()
    for stage in ("stage 1/7: verifying the reference model",
                  f"stage 4/7: checking {OFF_BY_ONE}",
                  f"stage 5/7: checking controller {controller}",
                  "stage 7/7: hazards, bundle and reports"):
        assert stage in stages
    assert any(line.startswith("VIOLATED C-MAX-BASAL (REQ-AID-1)") for line in lines)
    assert (out / "controllers" / "0" / "controller-inputs" / "C-MAX-BASAL.json").is_file()
    bundle = json.loads((out / "bundle.json").read_text())
    assert bundle["controllers"][0]["controller"]["name"] == controller
    # the finding's timeline, from the replay that gave its sentence, is in the target's entry
    (violating,) = [p for p in bundle["targets"][2]["timelines"][
        "counterexamples/P-DOSE-MAX-BOLUS.fuzz.jsonl"]["points"]
        if p["judgement"].startswith("violated")]
    assert violating["accepted"] is True and violating["model"]["accepted"] is False
    assert 'id="controllers"' in (out / "report.html").read_text()
