"""The example C firmware: `check` passes the correct build and fails every planted bug."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest

from pumpproof.properties.catalogue import observer_properties
from tests.fixtures.cli import pumpproof
from tests.fixtures.firmware import FIRMWARE, toolchain_missing
from tests.fixtures.gate import GateRun

PLANTED = {
    "off_by_one_max_bolus": "P-DOSE-MAX-BOLUS",
    "daily_total_midnight_reset": "P-DOSE-DAILY-TOTAL",
    "occlusion_wrong_compare": "P-DKA-OCCLUSION",
    "alarm_clears_on_ack": "P-ALARM-LATCH",
    "crash_on_unknown_event": None,  # a target failure: the process dies
}
# what each finding's sentence says, with the numbers
SENTENCES = {
    "off_by_one_max_bolus": "accepted a bolus of 10050 mU (10050 now + 0 extended); limit "
                            "max_bolus_mU 10000 mU",
    "daily_total_midnight_reset": "mU in the 1440 minutes up to minute",
    "occlusion_wrong_compare": "mU after the occlusion fault",
    "alarm_clears_on_ack": "stopping alarm occlusion cleared at minute",
}

pytestmark = pytest.mark.skipif(toolchain_missing() is not None, reason="needs make and gcc")


def check(binary: Path, out: Path) -> tuple[int, dict[str, object]]:
    code, evidence, _ = check_output(binary, out)
    return code, evidence


def check_output(binary: Path, out: Path) -> tuple[int, dict[str, object], str]:
    result = pumpproof("check", "--target-cmd", f"{binary} --json", "--budget", "10",
                       "--out", str(out))
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads((out / "evidence.json").read_text()), result.stdout


@pytest.mark.slow
def test_correct_build_passes_the_gate(firmware: Path, tmp_path: Path) -> None:
    code, evidence = check(firmware / "pump_host", tmp_path)
    assert code == 0, evidence["summary"]
    assert evidence["target"]["failure"] is None


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(PLANTED))
def test_every_planted_bug_fails_the_gate(bug: str, firmware: Path, tmp_path: Path) -> None:
    code, evidence, stdout = check_output(firmware / f"pump_host_{bug}", tmp_path)
    assert code == 1
    violated = {p["id"] for p in evidence["properties"] if p["verdict"] == "violated"}
    expected = PLANTED[bug]
    if expected is None:
        assert "target exited" in evidence["target"]["failure"]["message"]
        assert f"(trace: {tmp_path / 'counterexamples' / 'target-failure.jsonl'}" in stdout
        return
    assert expected in violated, violated
    # the console says what went wrong, with the numbers, and how to replay it
    lines = stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith(f"VIOLATED {expected} ["))
    assert SENTENCES[bug] in lines[head], lines[head]
    replay = shlex.split(lines[head + 2].removeprefix("  replay: "))
    again = pumpproof(*replay[1:])
    assert again.returncode == 1 and lines[head] in again.stderr.splitlines()


def test_malformed_input_under_address_and_undefined_sanitizers(tmp_path: Path) -> None:
    """The C JSON reader and protocol edge never crash or read out of bounds (ASan, UBSan)."""
    import random

    from pumpproof.spec import load_spec

    binary = tmp_path / "pump_asan"
    sources = [str(FIRMWARE / name) for name in ("main.c", "pump.c", "json.c")]
    build = subprocess.run(["gcc", "-std=c11", "-g", "-O1", "-fsanitize=address,undefined",
                            "-fno-sanitize-recover=all", "-o", str(binary), *sources, "-lm"],
                           capture_output=True, text=True, timeout=300, check=False)
    if build.returncode != 0:
        pytest.skip(f"sanitizers unavailable: {build.stderr[-300:]}")
    rng = random.Random(7)
    settings = load_spec().settings.to_protocol()
    samples = [
        '{"op":"event","event":{"kind":"bolus","amount_mU":100,"source":"user","id":"a"}}',
        '{"op":"tick"}', "[" * 300 + "]" * 300,
        '{"op":"event","event":' + '{"a":' * 100 + "1" + "}" * 100 + "}",
        '{"op":"event","event":{"kind":"bolus","amount_mU":99999999999999999999999,'
        '"source":"user","id":"x"}}',
        '"\\u12', '{"op":"tick"',
        '{"op":"event","event":{"kind":"set_basal_schedule","basal_schedule":[[0,1]'
        + ",[1,1]" * 100 + "]}}",
        "x" * 70000,
        '{"op":"event","event":{"kind":"cgm","glucose_mg_dL":-9223372036854775808}}',
    ]
    lines = [json.dumps({"op": "configure", "settings": settings})]
    for _ in range(1500):
        text = rng.choice(samples)
        if rng.random() < 0.5:
            raw = bytearray(text.encode())
            for _ in range(rng.randint(1, 5)):
                raw[rng.randrange(len(raw))] = rng.randrange(1, 256)
            text = raw.decode("latin-1").replace("\n", " ").replace("\r", " ")
        if text.strip():
            lines.append(text)
    lines.append('{"op":"quit"}')
    run = subprocess.run([str(binary)], input=("\n".join(lines) + "\n").encode("latin-1"),
                         capture_output=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert len(run.stdout.decode().splitlines()) == len(lines)  # one answer per request


def test_follows_settled_resume_and_battery_rules(firmware: Path) -> None:
    """S9 (was D1): an automated resume of a running pump is accepted with no effect, CGM or
    not, and checks the CGM value only while suspended. S10 (was D2): battery_low is listed
    while the battery is low or depleted, until battery_replaced."""
    from pumpproof.spec import load_spec

    def event(kind: str, **fields: object) -> str:
        return json.dumps({"op": "event", "event": {"kind": kind, **fields}})

    lines = [json.dumps({"op": "configure", "settings": load_spec().settings.to_protocol()}),
             event("resume", source="auto"),
             event("suspend", source="user"), event("resume", source="auto"),
             event("fault", fault="battery_depleted"), event("fault", fault="battery_replaced"),
             '{"op":"quit"}']
    run = subprocess.run([str(firmware / "pump_host")], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    running, suspended, depleted, replaced = answers[1], answers[3], answers[4], answers[5]
    assert running["accepted"] and running["mode"] == "running"
    assert suspended["reason"] == "cgm_stale" and suspended["mode"] == "suspended"
    assert depleted["mode"] == "stopped"
    assert {"battery_depleted", "battery_low"} <= set(depleted["alarms"])
    assert "battery_low" not in replaced["alarms"] and "battery_depleted" in replaced["alarms"]


@pytest.mark.slow
def test_a_planted_bug_and_a_garbage_target_change_the_run_headline_risk_and_exit_code(
        gate_run: GateRun, tmp_path: Path) -> None:
    """`run --target` judges each build on its own evidence: the occlusion bug leads the
    report (headline, the build's risk-matrix row, exit 1), and a target answering garbage
    leaves its properties unknown ("not exercised: target failure"), JUnit errors, not a pass.
    (The shared run also checks a third target and a controller, see tests/conftest.py.)"""
    import re
    import xml.etree.ElementTree as ET

    from tests.reports.test_reports import CHROMIUM, chromium

    result, out = gate_run.result, gate_run.out
    buggy, garbage = gate_run.buggy, gate_run.garbage
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # console: one line per target, the residual risk of each build, the verdict last
    lines = result.stdout.splitlines()
    watched = len(observer_properties())
    (buggy_line,) = [line for line in lines if line.startswith(f"target {buggy}: ")]
    # (a property whose situation a 10 s budget never reached is listed as vacuous, unknown)
    assert buggy_line.startswith(f"target {buggy}: VIOLATED — 1 violated, ")
    assert "(violated: P-DKA-OCCLUSION)" in buggy_line
    # the garbage target broke REQ-COMM-2 (one answer per request, without crashing); every
    # other property was never exercised on it
    assert any(line.startswith(f"target {garbage}: VIOLATED — 1 violated, {watched - 1} unknown "
                               "(violated: P-COMM-ANSWER-STEP); TARGET FAILURE: "
                               "answer is not JSON") for line in lines), lines
    (risk_line,) = [line for line in lines if line.startswith(f"residual risk on {buggy}: ")]
    # violated → RC-OCCLUSION fails on every demand: 6 occlusions a year × 1 × 0.05 (the user
    # does not catch it) = 0.3 per patient-year
    assert risk_line.startswith(f"residual risk on {buggy}: UNACCEPTABLE ")
    assert "H-OCCLUSION 0.3/patient-year (RC-OCCLUSION violated p_fail=1/demand" in risk_line
    # the properties' verdict, then how many of the assessments (3 builds and the design) keep
    # an unacceptable residual risk: the reason for exit 1 besides the violations
    risky = sum(1 for line in lines
                if line.startswith("residual risk on ") and ": UNACCEPTABLE " in line)
    assert risky >= 2  # the buggy build and the design at least
    assert lines[-1] == ("verdict: VIOLATED (the worst of the reference model and 3 target(s)); "
                         f"residual risk UNACCEPTABLE on {risky} of 4 assessment(s)")

    bundle = json.loads((out / "bundle.json").read_text())
    assert bundle["evidence"]["verdict"] in ("proved", "passed")  # the design is fine …
    assert bundle["verdict"] == "violated"  # … the build is not
    first, second, _ = bundle["targets"]
    assert first["verdict"] == "violated" and second["verdict"] == "violated"
    control = {c["id"]: c for c in first["hazards"]["controls"]}["RC-OCCLUSION"]
    assert control["verdict"] == "violated" and control["p_fail_per_demand"] == 1.0
    design = {c["id"]: c for c in bundle["hazards"]["controls"]}["RC-OCCLUSION"]
    # the model's "passed" no longer speaks for the build
    assert design["p_fail_per_demand"] < 1.0
    assert json.loads((out / "targets" / "0" / "hazards.json").read_text()) == first["hazards"]
    unexercised = [p for p in second["properties"] if p["id"] != "P-COMM-ANSWER-STEP"]
    assert {p["verdict"] for p in unexercised} == {"unknown"}
    assert all(r["detail"].startswith("not exercised: target failure")
               for p in unexercised for r in p["results"])
    suites = ET.fromstring((out / "junit.xml").read_text()).findall("testsuite")
    failed = next(s for s in suites if s.get("name") == f"check: {garbage}")
    assert failed.get("errors") == str(len(unexercised))
    assert (out / "report.md").read_text().splitlines()[2].startswith("**Verdict: VIOLATED**")

    # each target's findings replayed on it: the build's answers beside the model's
    occlusion = first["timelines"]["counterexamples/P-DKA-OCCLUSION.fuzz.jsonl"]
    (step,) = [p for p in occlusion["points"] if p["judgement"].startswith("violated")]
    assert step["model"] != {k: step[k] for k in step["model"]}  # the build parts from it
    assert "ended" not in occlusion
    answering = second["timelines"]["counterexamples/target-failure.jsonl"]
    assert answering["points"] == [] and "not JSON" in answering["ended"]
    html = (out / "report.html").read_text()
    row = re.search(r'<tr id="target-0-risk-H-OCCLUSION">.*?</tr>', html, re.S)
    assert row and "unacceptable" in row.group(0) and "violated</span> 1" in row.group(0)
    if CHROMIUM is not None:
        dom = chromium(out / "report.html", tmp_path, "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        headline = re.search(r'<p class="headline">(.*?)</p>', dom.stdout, re.S)
        assert headline and re.sub(r"<[^>]+>", "", headline.group(1)).startswith(
            "Overall verdict: VIOLATED — the worst of 3 checked target(s)")
        assert "Overall verification verdict: PASSED" not in dom.stdout
        assert "&lt;b&gt;&amp;amp; ready&lt;/b&gt;" in dom.stdout  # what the target said, as text
        # the build's finding as a timeline under the build: its plot, its answers, the
        # model's beside them, and the violating step judged
        figure = re.search(r'<figure class="timeline" id="target-0-timeline-P-DKA-OCCLUSION"'
                           r'.*?</figure>', dom.stdout, re.S)
        assert figure and "<svg" in figure.group(0)
        assert "answer of the target" in figure.group(0) and "(differs)" in figure.group(0)
        assert re.search(r'<tr class="violation">.*?<td class="v-violated">violated: ',
                         figure.group(0), re.S)
        failed = re.search(r'<figure class="timeline" id="target-1-timeline-failure".*?'
                           r'</figure>', dom.stdout, re.S)
        assert failed and "then it ended: " in failed.group(0) and "not JSON" in failed.group(0)
    again = tmp_path / "again.html"
    assert pumpproof("report", str(out / "bundle.json"), "--format", "html", "--out",
                     str(again)).returncode == 0
    assert again.read_bytes() == (out / "report.html").read_bytes()
