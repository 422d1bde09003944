"""Target timelines: a finding replayed once on a real target, each point with the
target's own answer, the reference model's answer to the same request, and the property's
judgement; a target that fails mid-replay ends its timeline with why."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pumpproof.campaigns.evidence import TARGET_FAILURE_TRACE
from pumpproof.campaigns.timeline import (
    MODEL_FIELDS,
    TargetReplays,
    target_timeline,
    target_timelines,
    timeline,
)
from pumpproof.engines.replay import replay_fresh
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.dose import MaxBolus
from pumpproof.spec import load_spec
from tests.fixtures import faulty_pump, garbage_pump

SPEC = load_spec()
ROOT = Path(__file__).resolve().parents[2]
OFF_BY_ONE = "py:tests.fixtures.off_by_one:OffByOne"
TRACE = [json.loads(line) for line in (ROOT / "tests" / "fixtures" / "traces" /
                                       "off_by_one.P-DOSE-MAX-BOLUS.fuzz.jsonl").open()]
CRASH = f"cmd:{sys.executable} {faulty_pump.__file__} crash_on_unknown"
UNKNOWN = {"op": "event", "event": {"kind": "teleport"}}


def _replayed(target: str, trace: list[Any]) -> Any:
    return replay_fresh(SPEC, target, 5.0, trace, observer_properties())


def test_the_target_accepts_an_over_max_bolus_that_the_model_refuses() -> None:
    tl = target_timeline(SPEC, TRACE, _replayed(OFF_BY_ONE, TRACE), MaxBolus())
    *before, last = tl["points"]
    assert last["detail"] == "bolus amount_mU=10050 source=user"
    assert last["accepted"] is True and last["reason"] is None  # what the target said
    assert last["model"]["accepted"] is False  # what the reference model says to the same
    assert last["model"]["reason"] == "exceeds_max_bolus"
    assert last["judgement"] == ("violated: accepted a bolus of 10050 mU (10050 now + 0 "
                                 "extended); limit max_bolus_mU 10000 mU")
    # up to there the device and the model agree, and the property saw nothing wrong
    assert all(p["model"] == {k: p[k] for k in MODEL_FIELDS} for p in before)
    assert all(not p["judgement"].startswith("violated") for p in before)
    assert "ended" not in tl


def test_on_the_reference_the_same_trace_is_the_models_own_timeline_and_passes() -> None:
    tl = target_timeline(SPEC, TRACE, _replayed("reference", TRACE), MaxBolus())
    model = timeline(SPEC, TRACE, MaxBolus())
    assert [{k: v for k, v in p.items() if k != "model"} for p in tl["points"]] == (
        model["points"])
    assert all(p["model"] == {k: p[k] for k in MODEL_FIELDS} for p in tl["points"])


def test_a_target_that_crashes_mid_replay_ends_the_timeline_with_the_failure() -> None:
    trace = [*TRACE[:6], UNKNOWN, *TRACE[6:]]
    tl = target_timeline(SPEC, trace, _replayed(CRASH, trace), MaxBolus())
    assert trace[0]["op"] == "configure"  # not a point
    assert [p["i"] for p in tl["points"]] == [1, 2, 3, 4, 5]  # up to the last one answered
    assert tl["ended"].startswith("the target failed at request 7: ")
    assert "exited" in tl["ended"]


def test_a_target_answering_garbage_ends_before_its_first_point() -> None:
    garbage = f"cmd:{sys.executable} {garbage_pump.__file__}"
    for trace in (TRACE, TRACE[:1]):  # … also when its only request was the configure
        tl = target_timeline(SPEC, trace, _replayed(garbage, trace), MaxBolus())
        assert tl["points"] == []
        assert tl["ended"].startswith("the target failed at request 1: answer is not JSON")
    tl = target_timeline(SPEC, TRACE[1:], _replayed(garbage, TRACE[1:]))  # spec's configure
    assert tl["ended"].startswith("the target failed before the first request: answer is not")


def test_a_target_that_cannot_start_is_a_timeline_that_says_so() -> None:
    tl = target_timeline(SPEC, TRACE, _replayed("cmd:/nonexistent/pump", TRACE))
    assert tl["points"] == [] and tl["ended"].startswith("the target failed before the first")


def test_timelines_of_a_check_are_named_as_their_saved_traces() -> None:
    crash = [*TRACE[:3], UNKNOWN]
    replays = TargetReplays({"P-DOSE-MAX-BOLUS": (TRACE, _replayed(OFF_BY_ONE, TRACE))},
                            (crash, _replayed(CRASH, crash)))
    out = target_timelines(SPEC, replays)
    assert list(out) == ["counterexamples/P-DOSE-MAX-BOLUS.fuzz.jsonl", TARGET_FAILURE_TRACE]
    assert out[TARGET_FAILURE_TRACE]["ended"].startswith("the target failed at request 4")
    assert "judgement" not in out[TARGET_FAILURE_TRACE]["points"][0]  # judged by no property


def test_the_models_timeline_has_no_model_column_and_never_ends_early() -> None:
    tl = timeline(SPEC, [*TRACE[:3], UNKNOWN, *TRACE[3:]], MaxBolus())
    assert "ended" not in tl and all("model" not in p for p in tl["points"])
