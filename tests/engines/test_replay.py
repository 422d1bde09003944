"""`replay`: a saved trace on a target, every monitor watching, each violation explained.

Each planted bug (a mutant of the reference model) is driven by a short trace; the
finding names the line of the trace and says what went wrong with the numbers.
"""

from __future__ import annotations

from typing import Any

import pytest

from pumpproof.engines.replay import replay
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import ReferencePump
from pumpproof.selftest.mutants import MUTANTS
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget

SPEC = load_spec()
BY_NAME = {m.name: m for m in MUTANTS}
TICK = {"op": "tick"}


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": kind, **fields}}


def _bolus(amount: int, ident: str = "b") -> dict[str, Any]:
    return _event("bolus", amount_mU=amount, source="user", id=ident)


CASES = [
    ("max_bolus_off_by_one", [_bolus(10050)], "P-DOSE-MAX-BOLUS", 1,
     "accepted a bolus of 10050 mU (10050 now + 0 extended); limit max_bolus_mU 10000 mU"),
    ("occlusion_limit_doubled", [_event("fault", fault="occlusion"), _bolus(5000), *[TICK] * 5],
     "P-DKA-OCCLUSION", 3,
     "pushed 1500 mU after the occlusion fault (minute 1, mode running); limit "
     "occlusion_max_missed_mU 1000 mU"),
    ("empty_never_latches",
     [_event("suspend", source="user"), _event("fill", reservoir_mU=100),
      _event("resume", source="user"), *[TICK] * 10],
     "P-DKA-RESERVOIR", 11, "reservoir at 0 mU, less than one 50 mU pulse, but mode running"),
    ("delivers_while_suspended", [_event("suspend", source="user"), *[TICK] * 10],
     "P-DKA-NO-DELIVERY-SUSPENDED", 5,
     "delivered 50 mU in the minute starting at 3 while suspended; limit 0 mU"),
    ("suspend_timer_doubled", [_event("suspend", source="user"), *[TICK] * 130],
     "P-DKA-SUSPEND-TOO-LONG", 122,
     "suspended since minute 0, now minute 121 (121 min; limit max_suspend_min 120 min)"),
    ("alarm_clears_on_ack",
     [_event("fault", fault="occlusion"), _bolus(5000), *[TICK] * 3,
      _event("ack_alarm", code="occlusion"), TICK],
     "P-ALARM-LATCH", 6, "stopping alarm occlusion cleared at minute 3 although its cause"),
    ("cgm_stale_off_by_one", [_event("cgm", glucose_mg_dL=120), *[TICK] * 20],
     "P-ALARM-CONDITIONS", 17,
     "cgm_stale off at minute 16, 16 min after the last CGM reading (limit cgm_stale_min"),
    ("resumes_after_alarm",
     [_event("fault", fault="motor"), TICK, _event("fault", fault="motor_cleared"),
      _event("ack_alarm", code="motor"), TICK],
     "P-DKA-NO-SELF-RESUME", 4, "went from stopped to running at minute 1 on ack_alarm motor"),
    ("bad_request_suspends", [_event("warp")], "P-SEC-BAD-REQUEST", 1,
     "a malformed or unknown event (unknown_kind) was refused but changed mode running → "
     "suspended"),
]


@pytest.mark.parametrize(("mutant", "trace", "prop_id", "line", "sentence"), CASES,
                         ids=[case[0] for case in CASES])
def test_a_planted_bug_is_explained_with_numbers(mutant: str, trace: list[dict[str, Any]],
                                                 prop_id: str, line: int,
                                                 sentence: str) -> None:
    rules = BY_NAME[mutant].rules
    assert rules is not None
    result = replay(SPEC, InProcessTarget(mutant, ReferencePump(rules=rules)), trace,
                    observer_properties())
    assert result.failure is None
    found = {v.prop.id: v for v in result.violations}
    assert prop_id in found, found
    assert found[prop_id].line == line
    assert sentence in found[prop_id].explanation


def test_the_reference_pump_violates_nothing_on_the_same_traces() -> None:
    for _, trace, *_ in CASES:
        result = replay(SPEC, InProcessTarget("reference", ReferencePump(SPEC)), trace,
                        observer_properties())
        assert result.failure is None and result.violations == []


def test_a_property_without_its_own_sentence_names_the_request_and_the_answer() -> None:
    rules = BY_NAME["restart_loses_iob"].rules
    assert rules is not None
    trace = [_bolus(1000), *[TICK] * 5, _event("restart")]
    result = replay(SPEC, InProcessTarget("m", ReferencePump(rules=rules)), trace,
                    observer_properties())
    (violation,) = [v for v in result.violations if v.prop.id == "P-ALARM-RESTART"]
    assert violation.line == 7
    assert violation.explanation.startswith("restart was answered: accepted, t=5 min")
    assert "mode running" in violation.explanation


def test_a_malformed_answer_is_a_target_failure_with_its_line() -> None:
    class Broken:
        def handle(self, message: Any) -> Any:
            if isinstance(message, dict) and message.get("op") == "configure":
                return {"ok": True}
            return {"t": 0}

    result = replay(SPEC, InProcessTarget("broken", Broken()), [TICK, TICK],
                    observer_properties())
    assert result.failure is not None and result.failed_at == 1
    assert "breaks the protocol" in str(result.failure)


def test_a_lifecycle_answer_that_breaks_the_schema_is_a_target_failure() -> None:
    class BadQuit(ReferencePump):
        def handle(self, message: Any) -> Any:
            answer = super().handle(message)
            return {"ok": "yes"} if message == {"op": "quit"} else answer

    result = replay(SPEC, InProcessTarget("bad-quit", BadQuit(SPEC)), [TICK, {"op": "quit"}],
                    observer_properties())
    assert result.failed_at == 2
    assert str(result.failure) == ("answer to request 2 breaks answer.schema.json: "
                                   "ok: 'yes' is not of type 'boolean'")
