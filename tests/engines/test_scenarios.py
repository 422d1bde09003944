"""Directed scenarios: well-formed traces at the spec's limits, each property triggered."""

from __future__ import annotations

import dataclasses

from pumpproof.engines.monitor import Monitor
from pumpproof.engines.scenarios import directed_scenarios
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.pump_model.protocol import observation_from_json, request_from_json
from pumpproof.spec import load_spec

SPEC = load_spec()
S = SPEC.settings


def test_every_scenario_is_named_and_made_of_protocol_requests() -> None:
    scenarios = directed_scenarios(S)
    assert {"robustness", "limits", "daily_total", "daily_total_across_midnight", "iob_cap",
            "occlusion", "quiet_user", "low_glucose", "empty_reservoir", "stale_cgm",
            "auto_temp_outlives_cgm", "extended_bolus_spread",
            "daily_total_last_hour", "daily_total_across_restarts",
            "automation_unattended_until_auto_off", "iob_one_pulse_over"} == set(scenarios)
    for name, trace in scenarios.items():
        assert trace, name
        assert all(message.get("op") in ("event", "tick") for message in trace), name


def test_the_limits_are_probed_one_pulse_below_at_and_above() -> None:
    limits = directed_scenarios(S)["limits"]
    amounts = {m["event"]["amount_mU"] for m in limits
               if m["op"] == "event" and m["event"].get("kind") == "bolus"}
    assert {S.max_bolus_mU - S.pulse_mU, S.max_bolus_mU, S.max_bolus_mU + S.pulse_mU} <= amounts
    rates = {m["event"]["rate_mU_per_h"] for m in limits
             if m["op"] == "event" and m["event"].get("kind") == "temp_basal"}
    assert rates == {S.max_basal_rate_mU_per_h + d for d in (-1, 0, 1)}


def test_the_scenarios_follow_the_settings() -> None:
    small = dataclasses.replace(S, max_bolus_mU=5000)
    boluses = [m for m in directed_scenarios(small)["daily_total"]
               if m["op"] == "event" and m["event"]["kind"] == "bolus"]
    assert len(boluses) == S.max_daily_total_mU // 5000 + 2  # enough to pass the daily limit
    assert {m["event"]["amount_mU"] for m in boluses} == {5000}


def test_the_reference_passes_every_scenario_and_the_limits_are_triggered() -> None:
    params = Params(S)
    triggered: set[str] = set()
    for name, trace in directed_scenarios(S).items():
        pump = ReferencePump(SPEC)
        pump.handle({"op": "configure", "settings": S.to_protocol()})
        monitor = Monitor(params, observer_properties())
        for message in trace:
            request = request_from_json(message, params)
            assert request is not None, (name, message)
            monitor.feed(request, observation_from_json(pump.handle(message)))
        assert monitor.violated == [], name
        triggered |= {run.prop.id for run in monitor.runs if run.triggers}
    # the situations random fuzzing rarely reaches (the rest are left to fuzzing)
    assert {"P-DOSE-MAX-BOLUS", "P-DOSE-DAILY-TOTAL", "P-DOSE-MAX-BASAL", "P-DOSE-AUTO-BOLUS-IOB",
            "P-DKA-OCCLUSION", "P-DKA-AUTO-OFF", "P-DKA-SUSPEND-TOO-LONG", "P-DKA-RESERVOIR",
            "P-HYPO-LGS", "P-CGM-AUTO-FRESH", "P-SEC-BAD-REQUEST", "P-SEC-REPLAY",
            "P-TIME-CLOCK"} <= triggered
