"""Counterexample timelines: replayed under the trace's own settings, each request
described and judged by the property the trace is a counterexample of."""

from __future__ import annotations

from pumpproof.campaigns.timeline import timeline
from pumpproof.properties.dose import MaxBolus
from pumpproof.spec import load_spec

SPEC = load_spec()


def _bolus(amount_mU: int) -> dict[str, object]:
    return {"op": "event", "event": {"kind": "bolus", "id": f"b{amount_mU}",
                                     "amount_mU": amount_mU, "source": "user"}}


def test_a_trace_replays_under_its_own_configure_and_each_step_is_judged() -> None:
    settings = {**SPEC.settings.to_protocol(), "max_bolus_mU": 500}
    trace = [{"op": "configure", "settings": settings}, _bolus(400), {"op": "tick"},
             _bolus(600), {"op": "event", "event": {"kind": "teleport"}}]
    points = timeline(SPEC, trace, MaxBolus())["points"]
    assert [p["i"] for p in points] == [1, 2, 3, 4]  # the configure is not a point
    assert points[0]["detail"] == "bolus amount_mU=400 source=user"
    assert points[2]["accepted"] is False  # 600 mU is over the trace's max_bolus_mU of 500
    assert points[3]["detail"].startswith("a malformed or unknown event")
    assert [p["judgement"] for p in points] == ["ok", "ok", "triggered, ok", "ok"]


def test_the_violating_step_carries_the_observers_sentence_then_after_the_violation() -> None:
    class Strict(MaxBolus):  # the model accepts 400 mU; this observer forbids over 300
        def update(self, ctx, memory, view):  # type: ignore[no-untyped-def]
            check = super().update(ctx, memory, view)
            return type(check)(check.memory, view.request.amount_mU <= 300, check.triggered)

    points = timeline(SPEC, [_bolus(200), _bolus(400), {"op": "tick"}], Strict())["points"]
    judgements = [p["judgement"] for p in points]
    assert judgements[0] == "ok" and judgements[2] == "after the violation"
    assert judgements[1].startswith("violated: ")
    assert "400" in judgements[1]


def test_without_a_property_there_is_no_judgement() -> None:
    (point,) = timeline(SPEC, [_bolus(200)])["points"]
    assert "judgement" not in point and point["detail"] == "bolus amount_mU=200 source=user"
