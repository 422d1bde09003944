"""Scenario tests of every behaviour rule of target protocol v1, through the protocol.

Each test drives the reference pump with protocol requests (as `serve` receives them)
and checks numbers worked out here from the default settings: pulse 50 mU, bolus rate
1500 mU/min (30 pulses a minute), max bolus 10 000 mU, max basal 3000 mU/h, max daily
80 000 mU, max IOB 20 000 mU, occlusion limit 1000 mU, max suspend 120 min, low glucose
≤ 70 mg/dL, CGM fresh for 15 min, auto-off 720 min, schedule 800/1000/900/850 mU/h.
"""

from __future__ import annotations

from typing import Any

from pumpproof.pump_model import ReferencePump
from pumpproof.spec import load_spec

SPEC = load_spec()


class Pump:
    """A protocol session with the reference pump."""

    def __init__(self, **overrides: Any) -> None:
        self.pump = ReferencePump(SPEC)
        answer = self.pump.handle({"op": "configure",
                                   "settings": {**SPEC.settings.to_protocol(), **overrides}})
        assert answer == {"ok": True, "name": "reference", "protocol": 1}
        self.ids = 0

    def tick(self, n: int = 1) -> list[dict[str, Any]]:
        return [self.pump.handle({"op": "tick"}) for _ in range(n)]

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        if kind in ("bolus", "temp_basal") and "id" not in fields:
            self.ids += 1
            fields["id"] = f"e{self.ids}"
        if kind in ("bolus", "temp_basal", "suspend", "resume") and "source" not in fields:
            fields["source"] = "user"
        message = {"op": "event", "event": {"kind": kind, **fields}}
        answer: dict[str, Any] = self.pump.handle(message)
        return answer


def delivered(observations: list[dict[str, Any]]) -> int:
    return sum(o["delivered_mU"] for o in observations)


# Rule 1: limits refuse, never clip silently ------------------------------------------------


def test_rule1_bolus_limit_refuses_and_immediate_part_runs_at_the_bolus_rate() -> None:
    pump = Pump(auto_off_min=0)
    assert pump.event("bolus", amount_mU=10050)["reason"] == "exceeds_max_bolus"
    assert pump.event("bolus", amount_mU=6000, extended_mU=4050, extended_min=30)["reason"] == \
        "exceeds_max_bolus"
    accepted = pump.event("bolus", amount_mU=3000)
    assert accepted["accepted"] and accepted["delivered_mU"] == 0  # an event delivers nothing
    first, second, third = pump.tick(3)
    # 1500 mU a minute from the next tick: 1500 + 1500, then nothing but basal (800 mU/h).
    assert first["delivered_mU"] - 1500 in (0, 50)
    assert second["delivered_mU"] - 1500 in (0, 50)
    assert third["delivered_mU"] in (0, 50)


def test_rule1_extended_part_spread_evenly_in_whole_pulses() -> None:
    pump = Pump(auto_off_min=0, basal_schedule=[[0, 0]])
    pump.event("bolus", amount_mU=0 + 50, extended_mU=1000, extended_min=30)
    minutes = pump.tick(31)
    # immediate 50 mU in minute 1, then 20 pulses over 30 minutes: floor(k·20/30) cumulative
    assert delivered(minutes) == 1050
    extended = [m["delivered_mU"] for m in minutes]
    extended[0] -= 50
    cumulative = 0
    for k, amount in enumerate(extended[:30], start=1):
        cumulative += amount
        assert cumulative == (k * 20 // 30) * 50
    assert all(m["delivered_mU"] % 50 == 0 for m in minutes)


def test_rule1_bolus_in_progress_suspended_stopped_and_basal_limits() -> None:
    pump = Pump()
    pump.event("bolus", amount_mU=5000)
    assert pump.event("bolus", amount_mU=50)["reason"] == "bolus_in_progress"
    assert pump.event("temp_basal", rate_mU_per_h=3001, duration_min=30)["reason"] == \
        "exceeds_max_basal"
    assert pump.event("set_basal_schedule", basal_schedule=[[0, 3001]])["reason"] == \
        "exceeds_max_basal"
    pump.event("suspend")
    assert pump.event("bolus", amount_mU=50)["reason"] == "suspended"
    assert pump.event("temp_basal", rate_mU_per_h=100, duration_min=30)["reason"] == "suspended"
    pump.event("fault", fault="motor")
    assert pump.event("bolus", amount_mU=50)["reason"] == "stopped"


def test_rule1_daily_total_over_any_1440_minutes() -> None:
    # Max daily 3000 mU, no basal: two 1500 mU boluses fill the day; a third is refused.
    pump = Pump(max_daily_total_mU=3000, basal_schedule=[[0, 0]], auto_off_min=0)
    pump.event("bolus", amount_mU=1500)
    pump.tick(2)
    pump.event("bolus", amount_mU=1500)
    pump.tick(2)
    assert pump.event("bolus", amount_mU=50)["reason"] == "exceeds_max_daily_total"
    # Basal pulses that would cross are withheld while max_daily_total is active, running.
    pump.event("temp_basal", rate_mU_per_h=3000, duration_min=600)
    minutes = pump.tick(60)
    assert delivered(minutes) == 0
    assert all("max_daily_total" in m["alarms"] and m["mode"] == "running" for m in minutes)
    # The window is elapsed time: a clock change does not reset it.
    pump.event("set_clock", offset_min=720)
    assert pump.event("bolus", amount_mU=50)["reason"] == "exceeds_max_daily_total"


def test_rule1_daily_total_frees_up_after_the_window() -> None:
    pump = Pump(max_daily_total_mU=3000, basal_schedule=[[0, 0]], auto_off_min=0)
    pump.event("bolus", amount_mU=3000)  # delivered in minutes 0 and 1
    pump.tick(1439)
    assert pump.event("bolus", amount_mU=50)["reason"] == "exceeds_max_daily_total"
    # The reference pump counts in 60-minute bins covering at least 1440 minutes, so the
    # block of minute 0 leaves the count at the tick of minute 1500 (conservative).
    pump.tick(1501 - 1439)
    assert pump.event("bolus", amount_mU=1000)["accepted"]


# Rule 2: whole pulses from the reservoir ----------------------------------------------------


def test_rule2_whole_pulses_and_basal_integral() -> None:
    pump = Pump(auto_off_min=0)
    assert pump.event("bolus", amount_mU=75)["reason"] == "not_whole_pulses"
    minutes = pump.tick(1440)
    assert all(m["delivered_mU"] % 50 == 0 for m in minutes)
    # 800·6 + 1000·6 + 900·9 + 850·3 = 21 450 mU over the day
    assert abs(delivered(minutes) - 21450) <= 50
    assert minutes[-1]["reservoir_mU"] == 300000 - delivered(minutes)


# Rule 3: automation --------------------------------------------------------------------------


def test_rule3_automation_needs_fresh_high_enough_glucose_and_iob_room() -> None:
    pump = Pump()
    assert pump.event("bolus", amount_mU=500, source="auto")["reason"] == "cgm_stale"
    assert pump.event("temp_basal", rate_mU_per_h=500, duration_min=30, source="auto")[
        "reason"] == "cgm_stale"
    assert pump.event("temp_basal", rate_mU_per_h=0, duration_min=30, source="auto")["accepted"]
    pump.event("cgm", glucose_mg_dL=70)
    assert pump.event("bolus", amount_mU=500, source="auto")["reason"] == "low_glucose"
    pump.event("cgm", glucose_mg_dL=180)
    assert pump.event("bolus", amount_mU=10000, source="auto")["accepted"]
    pump.tick(8)
    pump.event("cgm", glucose_mg_dL=180)
    # About 10 U on board now: another 10 U would exceed the 20 U cap (IOB rounds up).
    assert pump.event("bolus", amount_mU=10000, source="auto")["reason"] == "exceeds_max_iob"
    assert pump.event("bolus", amount_mU=10000, source="user")["accepted"]  # user: no IOB cap


def test_rule3_automated_resume_checks_cgm_only_while_suspended() -> None:
    # S9 (was D1): a resume while running adds no insulin, so it is accepted with no effect for
    # either source and whatever the CGM value; the model used to refuse it cgm_stale.
    pump = Pump()
    running = pump.event("resume", source="auto")  # no CGM value at all
    assert running["accepted"] and running["reason"] is None and running["mode"] == "running"
    pump.event("cgm", glucose_mg_dL=60)
    low = pump.event("resume", source="auto")  # fresh and low
    assert low["accepted"] and low["mode"] == "running"
    # Resuming a suspended pump adds insulin: refused without a fresh value above the threshold.
    pump.event("suspend", source="user")
    assert pump.event("resume", source="auto")["reason"] == "low_glucose"
    pump.tick(16)
    assert pump.event("resume", source="auto")["reason"] == "cgm_stale"
    pump.event("cgm", glucose_mg_dL=150)
    resumed = pump.event("resume", source="auto")
    assert resumed["accepted"] and resumed["mode"] == "running"


def test_rule3_auto_temp_basal_withheld_at_iob_cap_and_ends_when_stale() -> None:
    pump = Pump(max_iob_mU=500, basal_schedule=[[0, 0]], auto_off_min=0)
    pump.event("cgm", glucose_mg_dL=150)
    assert pump.event("temp_basal", rate_mU_per_h=3000, duration_min=120, source="auto")[
        "accepted"]
    minutes = pump.tick(15)
    # 3000 mU/h is 50 mU a minute; pulses stop once IOB would pass 500 mU (about 10 minutes).
    assert delivered(minutes[:10]) == 500 - 50 or delivered(minutes[:10]) == 500
    assert delivered(minutes) <= 550
    assert "max_iob" in minutes[-1]["alarms"]
    stale = pump.tick(2)[-1]  # minute 17: the reading of minute 0 is stale (> 15 min)
    assert "cgm_stale" in stale["alarms"] and stale["basal_rate_mU_per_h"] == 0


# Rule 4: low-glucose suspend ----------------------------------------------------------------


def test_rule4_low_glucose_suspend_and_restart_by_itself() -> None:
    pump = Pump(auto_off_min=0)
    pump.event("cgm", glucose_mg_dL=65)
    minutes = pump.tick(10)
    assert delivered(minutes) == 0 and all("low_glucose" in m["alarms"] for m in minutes)
    assert minutes[-1]["mode"] == "running" and minutes[-1]["basal_rate_mU_per_h"] == 0
    pump.event("cgm", glucose_mg_dL=90)
    assert pump.tick(1)[0]["basal_rate_mU_per_h"] == 800
    pump.event("cgm", glucose_mg_dL=60)
    later = pump.tick(20)  # the low value goes stale after 15 minutes: basal restarts
    assert "cgm_stale" in later[-1]["alarms"] and later[-1]["basal_rate_mU_per_h"] == 800


# Rule 5: occlusion --------------------------------------------------------------------------


def test_rule5_occlusion_stops_before_the_missed_insulin_limit() -> None:
    pump = Pump()
    pump.event("fault", fault="occlusion")
    pump.event("bolus", amount_mU=5000)
    minutes = pump.tick(5)
    pushed = delivered(minutes)
    assert 0 < pushed < 1000  # pushed insulin still counts in delivered_mU
    assert minutes[-1]["mode"] == "stopped" and "occlusion" in minutes[-1]["alarms"]
    assert pushed == 950  # the largest whole-pulse amount below 1000 mU


# Rule 6: reservoir --------------------------------------------------------------------------


def test_rule6_reservoir_low_empty_and_fill() -> None:
    pump = Pump(auto_off_min=0)
    assert pump.event("fill", reservoir_mU=1000)["reason"] == "not_suspended"
    pump.event("suspend")
    assert pump.event("fill", reservoir_mU=1000)["accepted"]
    assert "reservoir_low" in pump.tick(1)[0]["alarms"]
    pump.event("resume")
    pump.event("bolus", amount_mU=2000)
    minutes = pump.tick(2)
    assert minutes[-1]["reservoir_mU"] == 0
    assert minutes[-1]["mode"] == "stopped" and "reservoir_empty" in minutes[-1]["alarms"]
    assert pump.event("fill", reservoir_mU=300000)["accepted"]  # allowed while stopped


# Rule 7: suspension -------------------------------------------------------------------------


def test_rule7_suspend_too_long_and_no_self_restart() -> None:
    pump = Pump(auto_off_min=0)
    pump.event("suspend")
    minutes = pump.tick(121)
    assert delivered(minutes) == 0
    assert "suspend_too_long" not in minutes[119]["alarms"]  # 120 minutes: not more than
    assert "suspend_too_long" in minutes[120]["alarms"]  # 121 minutes suspended
    assert pump.event("ack_alarm", code="suspend_too_long")["alarms"] == []
    assert pump.tick(1)[0]["mode"] == "suspended"  # never restarts by itself
    pump.event("resume")
    assert pump.tick(1)[0]["mode"] == "running"


# Rule 8: auto-off ---------------------------------------------------------------------------


def test_rule8_auto_off_counts_from_minute_zero_and_user_interaction_resets_it() -> None:
    pump = Pump()
    minutes = pump.tick(720)
    assert minutes[-2]["mode"] == "running"
    assert minutes[-1]["mode"] == "stopped" and "auto_off" in minutes[-1]["alarms"]
    pump2 = Pump()
    pump2.tick(700)
    pump2.event("cancel_bolus")  # user interaction
    assert pump2.tick(100)[-1]["mode"] == "running"


# Rule 9: battery and motor ------------------------------------------------------------------


def test_rule9_battery_low_alerts_depleted_and_motor_stop() -> None:
    pump = Pump()
    pump.event("fault", fault="battery_low")
    minute = pump.tick(1)[0]
    assert "battery_low" in minute["alarms"] and minute["mode"] == "running"
    answer = pump.event("fault", fault="battery_depleted")
    assert answer["mode"] == "stopped" and "battery_depleted" in answer["alarms"]
    assert "battery_low" in answer["alarms"]  # S10: a depleted battery is also low
    replaced = pump.event("fault", fault="battery_replaced")
    assert "battery_low" not in replaced["alarms"]
    assert pump.event("ack_alarm", code="battery_depleted")["mode"] == "suspended"
    assert pump.event("fault", fault="motor")["mode"] == "stopped"


def test_rule9_depleted_battery_alone_lists_battery_low() -> None:
    # S10 (was D2): battery_low is active while the battery is low *or depleted*, until
    # battery_replaced; the model used to list only battery_depleted after a depletion alone.
    pump = Pump()
    answer = pump.event("fault", fault="battery_depleted")
    assert answer["mode"] == "stopped"
    assert {"battery_depleted", "battery_low"} <= set(answer["alarms"])
    assert "battery_low" in pump.tick(1)[0]["alarms"]
    replaced = pump.event("fault", fault="battery_replaced")
    assert "battery_low" not in replaced["alarms"] and "battery_depleted" in replaced["alarms"]


# Rule 10: stopping alarms latch -------------------------------------------------------------


def test_rule10_latch_needs_cause_gone_and_ack_in_either_order() -> None:
    pump = Pump()
    pump.event("bolus", amount_mU=5000)
    pump.event("temp_basal", rate_mU_per_h=2000, duration_min=60)
    pump.event("fault", fault="motor")
    assert pump.event("ack_alarm", code="motor")["mode"] == "stopped"  # cause still there
    after = pump.event("fault", fault="motor_cleared")
    assert after["mode"] == "suspended" and after["alarms"] == []
    pump.event("resume")
    minute = pump.tick(1)[0]
    assert minute["basal_rate_mU_per_h"] == 800  # temp basal and bolus were cancelled
    assert minute["delivered_mU"] <= 50
    pump.event("fault", fault="motor")
    pump.event("fault", fault="motor_cleared")  # cause gone first
    assert pump.tick(1)[0]["mode"] == "stopped"
    assert pump.event("ack_alarm", code="motor")["mode"] == "suspended"


# Rule 11: restart ---------------------------------------------------------------------------


def test_rule11_restart_keeps_history_ids_alarms_and_drops_the_bolus() -> None:
    pump = Pump()
    pump.event("set_clock", offset_min=120)
    pump.event("cgm", glucose_mg_dL=150)
    pump.event("bolus", amount_mU=6000, id="keep")
    before = pump.tick(2)[-1]
    after = pump.event("restart")
    for key in ("t", "reservoir_mU", "iob_mU", "mode", "alarms"):
        assert after[key] == before[key]
    assert pump.tick(1)[0]["delivered_mU"] <= 50  # the bolus in progress is not resumed
    assert pump.event("bolus", amount_mU=50, id="keep")["reason"] == "replayed_id"


# Rule 12: clock changes ---------------------------------------------------------------------


def test_rule12_clock_change_moves_only_the_basal_segment() -> None:
    pump = Pump()
    assert pump.tick(1)[0]["basal_rate_mU_per_h"] == 800  # 00:01
    moved = pump.event("set_clock", offset_min=400)  # now 06:41 local
    assert moved["basal_rate_mU_per_h"] == 1000 and moved["t"] == 1


# Rule 13: condition alarms; ids; bad requests ----------------------------------------------


def test_rule13_conditions_and_replayed_ids_even_after_refusal() -> None:
    pump = Pump()
    assert pump.event("bolus", amount_mU=20000, id="x")["reason"] == "exceeds_max_bolus"
    assert pump.event("bolus", amount_mU=50, id="x")["reason"] == "replayed_id"
    pump.event("cgm", glucose_mg_dL=65)
    assert "low_glucose" in pump.tick(1)[0]["alarms"]
    pump.event("cgm", glucose_mg_dL=100)
    assert "low_glucose" not in pump.tick(1)[0]["alarms"]


def test_bad_requests_never_stop_the_pump() -> None:
    pump = ReferencePump(SPEC)
    assert pump.handle_line("not json") == '{"ok":false,"reason":"bad_request"}'
    assert pump.handle({"op": "dance"}) == {"ok": False, "reason": "bad_request"}
    assert pump.handle({"op": "tick"}) == {"ok": False, "reason": "not_configured"}
    settings = SPEC.settings.to_protocol()
    assert pump.handle({"op": "configure", "settings": {**settings, "peak_min": 200}})[
        "ok"] is False
    assert pump.handle({"op": "configure", "settings": settings})["ok"] is True
    assert pump.handle({"op": "configure", "settings": settings})["reason"] == "already_configured"
    before = pump.handle({"op": "tick"})
    for event in ({"kind": "warp"}, {"kind": "bolus", "amount_mU": "5", "source": "user",
                                      "id": "q"},
                  {"kind": "bolus", "amount_mU": True, "source": "user", "id": "q"},
                  {"kind": "bolus", "amount_mU": 5.0, "source": "user", "id": "q"}):
        answer = pump.handle({"op": "event", "event": event})
        assert answer["accepted"] is False
        assert answer["reason"] in ("unknown_kind", "bad_request")
        assert {k: answer[k] for k in ("t", "reservoir_mU", "mode", "alarms")} == \
            {k: before[k] for k in ("t", "reservoir_mU", "mode", "alarms")}
    assert pump.handle({"op": "event", "event": {"kind": "bolus", "amount_mU": 50,
                                                 "source": "user", "id": "q"}})["accepted"]
