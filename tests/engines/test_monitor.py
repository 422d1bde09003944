"""`Monitor`: observers over a protocol trace, first violations and trigger counts."""

from __future__ import annotations

from typing import Any

from pumpproof.engines.monitor import Monitor, replay_violates
from pumpproof.properties.catalogue import by_id, observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.pump_model.protocol import observation_from_json, request_from_json
from pumpproof.spec import load_spec
from tests.fixtures.mutants import bolus_limit_shifted

SPEC = load_spec()
PARAMS = Params(SPEC.settings)
MAX = SPEC.settings.max_bolus_mU
PULSE = SPEC.settings.pulse_mU


def _bolus(amount: int, ident: str) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": "bolus", "amount_mU": amount, "source": "user",
                                     "id": ident}}


def _feed(monitor: Monitor, message: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    request = request_from_json(message, PARAMS)
    assert request is not None
    return [p.id for p in monitor.feed(request, observation_from_json(answer))]


def _reference_answers(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pump = ReferencePump(SPEC)
    pump.handle({"op": "configure", "settings": SPEC.settings.to_protocol()})
    return [pump.handle(message) for message in trace]


def test_the_reference_trace_violates_nothing_and_counts_triggers() -> None:
    trace = [_bolus(MAX, "a"), *[{"op": "tick"}] * 10, _bolus(MAX + PULSE, "b"), {"op": "tick"}]
    monitor = Monitor(PARAMS, observer_properties())
    for message, answer in zip(trace, _reference_answers(trace), strict=True):
        assert _feed(monitor, message, answer) == []
    assert monitor.violated == []
    assert monitor.index == len(trace)
    runs = {run.prop.id: run for run in monitor.runs}
    assert all(run.steps == len(trace) for run in runs.values())
    assert runs["P-DOSE-MAX-BOLUS"].triggers >= 1  # two bolus requests were judged


def test_an_accepted_over_limit_bolus_is_reported_once_at_its_index() -> None:
    monitor = Monitor(PARAMS, [by_id("P-DOSE-MAX-BOLUS")])
    over = _bolus(MAX + PULSE, "b")
    answer = _reference_answers([_bolus(MAX, "b")])[0]  # what a pump that accepts it answers
    assert answer["accepted"] is True
    assert _feed(monitor, {"op": "tick"}, _reference_answers([{"op": "tick"}])[0]) == []
    assert _feed(monitor, over, {**answer, "t": 1}) == ["P-DOSE-MAX-BOLUS"]
    [run] = monitor.violated
    assert run.violation_at == 1
    # a second violation of the same property is not reported again
    assert _feed(monitor, {**over, "event": {**over["event"], "id": "c"}},
                 {**answer, "t": 1}) == []
    assert run.violation_at == 1


def test_replay_violates_only_on_the_model_that_has_the_bug() -> None:
    prop = by_id("P-DOSE-MAX-BOLUS")
    trace = [{"op": "configure", "settings": SPEC.settings.to_protocol()},
             {"op": "tick"}, _bolus(MAX + PULSE, "x"), {"op": "tick"}]
    assert not replay_violates(prop, PARAMS, trace)
    assert replay_violates(prop, PARAMS, trace, rules=bolus_limit_shifted(PULSE))
    assert not replay_violates(prop, PARAMS, trace[:2], rules=bolus_limit_shifted(PULSE))
