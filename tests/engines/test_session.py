"""`Session`: configure, judge every answer, and differential conformance in lockstep."""

from __future__ import annotations

from typing import Any

import pytest

from pumpproof.engines.fuzz import FuzzProfile, fuzz
from pumpproof.engines.session import ConformanceDiff, Session
from pumpproof.errors import TargetFailure
from pumpproof.properties.catalogue import by_id, observer_properties
from pumpproof.pump_model import REFERENCE, Params, ReferencePump
from pumpproof.selftest.mutants import MUTANTS
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget
from tests.fixtures.off_by_one import OffByOne

SPEC = load_spec()
PARAMS = Params(SPEC.settings)
MAX = SPEC.settings.max_bolus_mU
PULSE = SPEC.settings.pulse_mU


def _bolus(amount: int, ident: str) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": "bolus", "amount_mU": amount, "source": "user",
                                     "id": ident}}


def _session(handler: Any, *, lockstep: bool = True, **kwargs: Any) -> Session:
    session = Session(PARAMS, observer_properties(), InProcessTarget("t", handler),
                      reference=ReferencePump(SPEC) if lockstep else None, **kwargs)
    session.configure()
    return session


def test_the_reference_against_itself_has_no_diffs_and_no_violations() -> None:
    session = _session(ReferencePump(SPEC))
    session.send(_bolus(MAX, "a"))
    session.send_batch([{"op": "tick"}] * 20)
    assert session.diffs == []
    assert session.monitor.violated == []
    assert session.trace[0]["op"] == "configure" and len(session.trace) == 22


def test_an_off_by_one_target_is_a_violation_and_a_conformance_diff() -> None:
    session = _session(OffByOne())
    session.send_batch([{"op": "tick"}, _bolus(MAX + PULSE, "over"), {"op": "tick"}])
    assert [run.prop.id for run in session.monitor.violated] == ["P-DOSE-MAX-BOLUS"]
    first = session.diffs[0]
    assert (first.index, first.field, first.target, first.reference) == (2, "accepted", True,
                                                                         False)
    assert first.trace[-1] == _bolus(MAX + PULSE, "over")
    assert first.to_json() == {"request_index": 2, "field": "accepted", "target": True,
                               "reference": False, "request": _bolus(MAX + PULSE, "over")}


def test_diffs_are_bounded_and_extension_alarms_are_ignored() -> None:
    class Extended(ReferencePump):
        def handle(self, message: Any) -> Any:
            answer = super().handle(message)
            if isinstance(answer, dict) and "alarms" in answer:
                answer = {**answer, "alarms": [*answer["alarms"], "x_vendor_beep"]}
            return answer

    session = _session(Extended())
    session.send_batch([{"op": "tick"}] * 5)
    assert session.diffs == []  # x_ alarms are the target's own, not a difference
    noisy = _session(OffByOne(), max_diffs=2)
    noisy.send_batch([_bolus(MAX + PULSE, "b"), *[{"op": "tick"}] * 5])
    assert [d.field for d in noisy.diffs] == ["accepted", "delivered_mU"]  # then no more
    assert all(isinstance(d, ConformanceDiff) for d in noisy.diffs)


def test_a_refused_configure_is_a_target_failure() -> None:
    class Refuses:
        def handle(self, message: Any) -> Any:
            return {"ok": False, "reason": "bad_settings"}

    session = Session(PARAMS, [by_id("P-DOSE-MAX-BOLUS")], InProcessTarget("no", Refuses()))
    with pytest.raises(TargetFailure, match="target refused configure"):
        session.configure()


def test_an_answer_outside_the_protocol_ends_the_trace_at_that_request() -> None:
    class DropsMode(ReferencePump):
        def handle(self, message: Any) -> Any:
            answer = dict(super().handle(message))
            if answer.get("t") == 3:
                answer.pop("mode")
            return answer

    session = _session(DropsMode(), lockstep=False)
    with pytest.raises(TargetFailure, match="answer to request 3 breaks the protocol"):
        session.send_batch([{"op": "tick"}] * 5)
    assert len(session.trace) == 4  # configure and three ticks: nothing after the bad answer


def test_a_configure_answer_that_breaks_the_schema_is_a_target_failure() -> None:
    class Nameless(ReferencePump):
        def handle(self, message: Any) -> Any:
            answer = super().handle(message)
            return {**answer, "name": ""} if isinstance(message, dict) and message.get(
                "op") == "configure" else answer

    session = Session(PARAMS, [by_id("P-DOSE-MAX-BOLUS")], InProcessTarget("x", Nameless(SPEC)))
    with pytest.raises(TargetFailure, match=r"answer to configure breaks answer\.schema\.json: "
                       r"name: '' should be non-empty"):
        session.configure()


@pytest.mark.parametrize("mutant", [None, *[m.name for m in MUTANTS if m.rules is not None][:12]])
def test_a_model_target_is_judged_exactly_as_its_json_answers(mutant: str | None) -> None:
    """The built-in pump stepped with parsed requests (``model=True``: no JSON either way)
    gives the same campaign as its protocol answers parsed: requests, triggers, findings
    and their traces, for the reference and for mutants that break properties."""
    rules = next((m.rules for m in MUTANTS if m.name == mutant), None) or REFERENCE
    outcomes = [fuzz(SPEC, PARAMS, observer_properties(),
                     lambda model=model: InProcessTarget("m", ReferencePump(SPEC, rules=rules),
                                                         model=model),
                     FuzzProfile(examples=8, steps=30, max_tick_run=120), seed=3)
                for model in (False, True)]
    plain, direct = ({"requests": o.requests, "examples": o.examples, "triggers": o.triggers,
                      "violations": o.violations, "failure": o.target_failure}
                     for o in outcomes)
    assert plain == direct
    if mutant is None:
        assert plain["violations"] == {}


def test_a_model_target_that_raises_is_a_target_failure() -> None:
    class Crashes(ReferencePump):
        def apply(self, request: Any) -> Any:
            raise RuntimeError("boom")

    session = Session(PARAMS, observer_properties(), InProcessTarget("c", Crashes(SPEC),
                                                                      model=True))
    session.configure()
    assert session._model_target
    with pytest.raises(TargetFailure, match="target raised RuntimeError: boom"):
        session.send({"op": "tick"})
    assert session.trace[-1] == {"op": "tick"}
    with pytest.raises(TypeError):
        InProcessTarget("x", object(), model=True)
