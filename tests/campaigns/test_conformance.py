"""The conformance kit: the reference passes every scenario; each broken rule is named.

The scenarios' expected answers are written from docs/protocol.md, so the reference model
passing them is a check of the model against the document as much as of the kit. The slow
test firmware the C example and its planted bugs: each bug fails the scenario of the rule it
breaks (and nothing unrelated).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from pumpproof.campaigns.conformance import (
    SCENARIOS,
    ConformanceResult,
    run_conformance,
    run_scenario,
)
from pumpproof.pump_model import ReferencePump
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget
from tests.fixtures import faulty_pump
from tests.fixtures.cli import pumpproof
from tests.fixtures.firmware import FIRMWARE

ROOT = Path(__file__).resolve().parents[2]
SPEC = load_spec()
BY_RULE = {s.rule: s for s in reversed(SCENARIOS)}  # the first scenario of each rule
# ``py:tests.fixtures…`` targets import from the repository root; CI=1 makes tables plain.
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}


def test_every_behaviour_rule_has_a_scenario_with_a_real_anchor() -> None:
    rules = [s.rule for s in SCENARIOS]
    assert {f"R{n}" for n in range(1, 14)} <= set(rules)
    assert len({(s.rule, s.name) for s in SCENARIOS}) == len(SCENARIOS)
    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([a-z0-9]+)"></a>', doc)) | {"9-bad-requests"}
    assert "## 9. Bad requests" in doc
    for scenario in SCENARIOS:
        assert scenario.anchor in anchors, scenario.rule


def test_the_reference_model_passes_every_scenario_deterministically() -> None:
    first = run_conformance(SPEC, "reference")
    assert [r.status for r in first.results] == ["pass"] * len(SCENARIOS), [
        (r.scenario.rule, r.mismatch) for r in first.failed]
    assert first.to_json() == run_conformance(SPEC, "reference").to_json()


def test_pumpproof_serve_as_a_command_target_passes() -> None:
    run = pumpproof("conformance", "--target", f"cmd:{sys.executable} -m pumpproof serve",
                    "--json", timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert result["pass"] == len(SCENARIOS) and result["fail"] == 0
    assert result["format"] == "pumpproof.conformance/1"


def test_a_planted_bug_fails_its_rule_with_the_first_differing_answer() -> None:
    run = pumpproof("conformance", "--target", "py:tests.fixtures.off_by_one:make", "--json",
                    env=ENV)
    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["failed_rules"] == ["R1"]
    (failed,) = [s for s in result["scenarios"] if s["status"] == "fail"]
    assert failed["anchor"] == "docs/protocol.md#r1"
    mismatch = failed["mismatch"]
    assert mismatch["step"] == 2  # request 1 is the configure
    assert mismatch["request"]["event"]["amount_mU"] == 10050
    assert mismatch["message"] == "accepted: expected False, got True"
    assert mismatch["expected"]["reason"] == "exceeds_max_bolus"
    assert mismatch["got"]["accepted"] is True


def test_the_table_names_rule_scenario_result_and_difference() -> None:
    run = pumpproof("conformance", "--target", "py:tests.fixtures.off_by_one:make",
                    env=ENV)
    assert run.returncode == 1
    row = next(line for line in run.stdout.splitlines() if "limits-refuse" in line)
    assert "R1" in row and "FAIL" in row
    assert '"amount_mU":10050' in row
    assert "accepted: expected False, got True" in run.stdout
    assert f"{len(SCENARIOS) - 1} passed, 1 failed, 0 skipped" in run.stdout
    assert "FAILED R1 limits-refuse:" in run.stdout and "(see docs/protocol.md#r1)" in run.stdout
    ok = pumpproof("conformance", env=ENV)
    assert ok.returncode == 0 and f"{len(SCENARIOS)} passed, 0 failed" in ok.stdout


class _Misbehaving(ReferencePump):
    """The reference, misbehaving once in the way ``how`` names."""

    def __init__(self, how: str) -> None:
        super().__init__(SPEC)
        self.how = how

    def handle(self, message: Any) -> Any:
        answer = super().handle(message)
        if isinstance(answer, dict) and answer.get("accepted") is False:
            if self.how == "reason_null":
                return {**answer, "reason": None}
            if self.how == "raises":
                raise RuntimeError("segfault, as it were")
        return answer


@pytest.mark.parametrize(("how", "message"), [
    ("reason_null", "breaks answer.schema.json: reason: None is not of type 'string'"),
    ("raises", "target failure: target raised RuntimeError: segfault, as it were"),
])
def test_bad_answers_and_crashes_are_failures_of_the_scenario(how: str, message: str) -> None:
    result = run_scenario(BY_RULE["R1"], lambda: InProcessTarget("bad", _Misbehaving(how)), SPEC)
    assert result.status == "fail" and result.mismatch is not None
    assert result.mismatch.message.startswith(message), result.mismatch.message
    assert result.mismatch.step == 2


def test_a_hang_fails_the_scenarios_that_reach_it_and_the_rest_still_run() -> None:
    target = f"cmd:{sys.executable} {faulty_pump.__file__} hang_on_big_bolus"
    # 3 s: starting the Python pump (the first answer's wait) took over 1 s under load
    result = run_conformance(SPEC, target, timeout_s=3.0)
    hung = {r.scenario.name for r in result.failed}
    assert hung == {"limits-refuse", "daily-total", "clock-changes"}, hung
    for item in result.failed:
        assert item.mismatch is not None and item.mismatch.got is None
        assert item.mismatch.message == "target failure: no answer within 3 s (hang)"
        assert item.mismatch.request["event"]["amount_mU"] == 10000
    assert len(result.results) - len(hung) == sum(r.status == "pass" for r in result.results)


def test_settings_the_spec_refuses_skip_the_scenario() -> None:
    narrow = dataclasses.replace(SPEC, ranges={**SPEC.ranges, "max_suspend_min": (60, 1440)})
    result = run_scenario(BY_RULE["R7"], lambda: InProcessTarget("ref", ReferencePump()), narrow)
    assert result.status == "skip" and "max_suspend_min" in result.note
    assert ConformanceResult("x", (result,)).failed == []


def test_a_target_that_cannot_start_is_bad_input(tmp_path: Path) -> None:
    run = pumpproof("conformance", "--target", f"cmd:{tmp_path / 'missing'}")
    assert run.returncode == 2
    assert "the target cannot start" in run.stderr and "Traceback" not in run.stderr


# ------------------------------------------------------------ the C example's planted bugs

# bug -> the rules whose scenarios it must fail (the first is the rule it breaks); a wrong
# occlusion compare also fails R10's latch scenario, which needs a detected occlusion.
PLANTED = {
    "off_by_one_max_bolus": ["R1"],
    "daily_total_midnight_reset": ["R12"],
    "occlusion_wrong_compare": ["R5", "R10"],
    "alarm_clears_on_ack": ["R10"],
    "crash_on_unknown_event": ["§9"],
}


def test_the_planted_bugs_are_those_of_the_makefile() -> None:
    makefile = (FIRMWARE / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^BUGS = (.*?)(?<!\\)$", makefile, re.M | re.S)
    assert listed is not None
    assert set(listed.group(1).replace("\\", " ").split()) == set(PLANTED)


@pytest.mark.slow
def test_the_correct_c_build_passes(firmware: Path) -> None:
    result = run_conformance(SPEC, f"cmd:{firmware / 'pump_host'} --json")
    assert result.failed == [], [(r.scenario.rule, r.mismatch) for r in result.failed]


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(PLANTED))
def test_each_planted_bug_fails_naming_the_rule_it_breaks(bug: str, firmware: Path) -> None:
    run = pumpproof("conformance", "--target", f"cmd:{firmware / f'pump_host_{bug}'} --json",
                    "--json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    result = json.loads(run.stdout)
    assert result["failed_rules"] == sorted(PLANTED[bug])
    first = next(s for s in result["scenarios"] if s["rule"] == PLANTED[bug][0])
    assert first["status"] == "fail" and first["mismatch"]["message"]
