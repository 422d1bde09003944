"""Malformed events from request.schema.json: each refused ``bad_request``, nothing changed."""

from __future__ import annotations

from pumpproof.engines.malformed import WELL_FORMED, malformed_events
from pumpproof.engines.scenarios import directed_scenarios
from pumpproof.pump_model import ReferencePump
from pumpproof.pump_model.jsonschemas import request_problems, schema
from pumpproof.spec import load_spec

SPEC = load_spec()


def _configured() -> ReferencePump:
    pump = ReferencePump(SPEC)
    assert pump.handle({"op": "configure", "settings": SPEC.settings.to_protocol()})["ok"]
    return pump


def test_the_bases_are_well_formed_and_every_field_is_broken() -> None:
    mutants = malformed_events()
    for kind, event in WELL_FORMED.items():
        assert request_problems({"op": "event", "event": event}) == [], kind
        assert _configured().handle({"op": "event", "event": event})["reason"] != "bad_request"
    kinds = {s["properties"]["kind"]["const"]: s for s in
             schema("request")["$defs"]["event"]["oneOf"]}
    for kind, kind_schema in kinds.items():
        fields = set(kind_schema["properties"]) - {"kind"}
        assert bool(fields) == (kind in WELL_FORMED), kind
        for name in fields:  # each field is missing or broken in some mutant
            assert any(m["kind"] == kind and m.get(name) != WELL_FORMED[kind][name]
                       for m in mutants), (kind, name)
    assert len(mutants) == len({repr(m) for m in mutants}) >= 80
    assert all(request_problems({"op": "event", "event": m}) for m in mutants)


def test_the_reference_refuses_each_and_changes_nothing() -> None:
    """Each answer shows the state before it; a twin that never saw them stays identical."""
    pump, twin = _configured(), _configured()
    before = pump.handle({"op": "tick"})
    twin.handle({"op": "tick"})
    for mutant in malformed_events():
        answer = pump.handle({"op": "event", "event": mutant})
        assert answer == {**before, "delivered_mU": 0, "accepted": False,
                          "reason": "bad_request"}, mutant
        before = pump.handle({"op": "tick"})
        assert before == twin.handle({"op": "tick"}), mutant


def test_the_robustness_scenario_sends_them() -> None:
    robustness = directed_scenarios(SPEC.settings)["robustness"]
    sent = [m["event"] for m in robustness if isinstance(m.get("event"), dict)]
    assert all(mutant in sent for mutant in malformed_events())
