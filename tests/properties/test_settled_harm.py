"""Properties judge harm as the protocol defines it, not how a target words its answer.

Three traces that once convicted a pump written from the protocol alone (S9, S10, S11 of
docs/protocol.md), run with every property as a runtime monitor against
``tests.fixtures.independent_pump`` — and, for each, a target with the real bug the property
exists for, which must still be convicted.
"""

from __future__ import annotations

from typing import Any

from pumpproof.engines.session import Session
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.selftest.mutants import MUTANTS
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget
from tests.fixtures.independent_pump import NOT_ACTIVE, IndependentPump

SPEC = load_spec()
SETTINGS = SPEC.settings.to_protocol()  # the spec's default settings
TICK: dict[str, Any] = {"op": "tick"}


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": kind, **fields}}


def run(pump: ReferencePump, messages: list[dict[str, Any]]) -> tuple[set[str], list[Any]]:
    """Every observer over the session (configure with the spec's settings first): the ids
    of the violated properties, and the target's answers."""
    params = Params(SPEC.settings)
    answers: list[Any] = []

    class Recording:
        def handle(self, message: Any) -> Any:
            answer = pump.handle(message)
            answers.append(answer)
            return answer

    session = Session(params, observer_properties(), InProcessTarget("t", Recording()))
    session.configure()
    for message in messages:
        session.send(message)
    return {run.prop.id for run in session.monitor.violated}, answers[1:]


def mutant(name: str) -> ReferencePump:
    rules = next(m.rules for m in MUTANTS if m.name == name)
    assert rules is not None
    return ReferencePump(SPEC, rules=rules)


# (a) S9: an automated resume of a running pump is accepted with no effect ---------------------


def test_automated_resume_of_a_running_pump_without_cgm_is_no_violation() -> None:
    violated, answers = run(IndependentPump(), [event("resume", source="auto"), TICK])
    assert answers[0]["accepted"] and answers[0]["mode"] == "running"  # no CGM value at all
    assert violated == set()


def test_automated_resume_of_a_running_pump_on_a_low_value_is_no_violation() -> None:
    trace = [event("cgm", glucose_mg_dL=60), event("resume", source="auto"), TICK]
    violated, answers = run(IndependentPump(), trace)
    assert answers[1]["accepted"] and answers[1]["mode"] == "running"
    assert violated == set()


class ResumesBlindly(ReferencePump):
    """The real bug: automation resumes a suspended pump without a fresh CGM value."""

    def handle(self, message: Any) -> Any:
        event_ = message.get("event") if isinstance(message, dict) else None
        if isinstance(event_, dict) and event_.get("kind") == "resume":
            message = {**message, "event": {**event_, "source": "user"}}
        return super().handle(message)


def test_automated_resume_of_a_suspended_pump_without_fresh_cgm_is_still_caught() -> None:
    trace = [event("suspend", source="user"), event("resume", source="auto"), TICK]
    violated, answers = run(ResumesBlindly(SPEC), trace)
    assert answers[1]["accepted"]
    assert "P-CGM-AUTO-FRESH" in violated
    trace = [event("suspend", source="user"), event("cgm", glucose_mg_dL=60),
             event("resume", source="auto")]
    assert "P-HYPO-AUTO-LOW" in run(ResumesBlindly(SPEC), trace)[0]


# (b) S10: battery_low beside battery_depleted is listing, not harm ---------------------------

BATTERY = [event("fault", fault="battery_low"), TICK, event("fault", fault="battery_depleted"),
           TICK, TICK, event("fault", fault="battery_replaced"),
           event("ack_alarm", code="battery_depleted"), TICK]


def test_depleted_battery_without_battery_low_listed_is_no_violation() -> None:
    violated, answers = run(IndependentPump(), BATTERY)
    depleted = answers[2]
    assert depleted["mode"] == "stopped" and "battery_depleted" in depleted["alarms"]
    assert "battery_low" not in depleted["alarms"]
    assert violated == set()


def test_low_battery_while_battery_depleted_still_latched_is_no_violation() -> None:
    # Found by `check`: a battery replaced and low again while battery_depleted still awaits
    # its acknowledgement. The stopping battery alarm warns; battery_low shows once it clears.
    trace = [event("fault", fault="battery_depleted"), event("fault", fault="battery_replaced"),
             event("fault", fault="battery_low"), TICK,
             event("ack_alarm", code="battery_depleted"), TICK]
    violated, answers = run(IndependentPump(), trace)
    assert answers[3]["alarms"] == ["battery_depleted"] and answers[3]["mode"] == "stopped"
    assert "battery_low" in answers[5]["alarms"] and answers[5]["mode"] == "suspended"
    assert violated == set()


def test_the_reference_lists_battery_low_while_depleted_and_passes() -> None:
    violated, answers = run(ReferencePump(SPEC), BATTERY)
    assert {"battery_low", "battery_depleted"} <= set(answers[2]["alarms"])  # S10, D2 fixed
    assert violated == set()


def test_a_depleted_battery_that_does_not_stop_the_pump_is_still_caught() -> None:
    violated, answers = run(mutant("battery_depleted_ignored"), BATTERY)
    assert answers[2]["mode"] == "running"
    assert "P-DKA-BATTERY" in violated


class NoLowWarning(ReferencePump):
    """The real bug: a low battery gives no warning before it stops the pump."""

    def handle(self, message: Any) -> Any:
        answer = super().handle(message)
        alarms = answer.get("alarms") if isinstance(answer, dict) else None
        if alarms is not None and "battery_depleted" not in alarms:
            answer = {**answer, "alarms": [a for a in answer["alarms"] if a != "battery_low"]}
        return answer


def test_a_low_battery_without_warning_is_still_caught() -> None:
    assert "P-DKA-BATTERY" in run(NoLowWarning(SPEC), BATTERY)[0]


# (c) S11: an acknowledgement of an inactive alarm, refused, is still a person at the pump -----


def quiet_day_with_two_inactive_acks() -> list[dict[str, Any]]:
    """723 requests with configure: 720 interaction-free ticks and two ack_alarm auto_off
    while it is inactive (at minutes 300 and 600)."""
    ack = event("ack_alarm", code="auto_off")
    return [*[TICK] * 300, ack, *[TICK] * 300, ack, *[TICK] * 120]


def test_refused_acknowledgements_of_an_inactive_alarm_are_no_dka_hazard() -> None:
    trace = quiet_day_with_two_inactive_acks()
    assert len(trace) + 1 == 723
    violated, answers = run(IndependentPump(), trace)
    acks = [a for m, a in zip(trace, answers, strict=True) if m["op"] == "event"]
    assert [(a["accepted"], a["reason"]) for a in acks] == [(False, NOT_ACTIVE)] * 2
    assert answers[-1]["t"] == 720 and answers[-1]["mode"] == "running"
    assert violated == set()


def test_accepted_acknowledgements_of_an_inactive_alarm_keep_the_reference_running() -> None:
    violated, answers = run(ReferencePump(SPEC), quiet_day_with_two_inactive_acks())
    assert answers[300]["accepted"] and answers[-1]["mode"] == "running"  # S11
    assert violated == set()


def test_a_pump_that_never_stops_unattended_is_still_caught() -> None:
    ticks = [TICK] * (SPEC.settings.auto_off_min + 5)
    violated, answers = run(mutant("auto_off_wrong_unit"), ticks)
    assert answers[-1]["mode"] == "running"
    assert "P-DKA-AUTO-OFF" in violated


class MalformedKeepsItAwake(ReferencePump):
    """The real bug: corrupted traffic (a negative bolus, refused bad_request) counts as a
    user at the pump, so auto-off never comes."""

    def handle(self, message: Any) -> Any:
        answer = super().handle(message)
        if isinstance(answer, dict) and answer.get("reason") == "bad_request":
            assert self.state is not None
            self.state = self.state.replace(last_interaction=self.state.t)
        return answer


def test_malformed_requests_counted_as_interaction_are_still_caught() -> None:
    bad = event("bolus", amount_mU=-50, source="user", id="x")
    trace = [*[TICK] * 400, bad, *[TICK] * 400]
    violated, answers = run(MalformedKeepsItAwake(SPEC), trace)
    assert answers[400]["reason"] == "bad_request" and answers[-1]["mode"] == "running"
    assert "P-DKA-AUTO-OFF" in violated
