"""Directed scenarios: short protocol traces that drive each property's trigger.

Random fuzzing rarely reaches some situations (a day's insulin, an occlusion while
delivering, twelve quiet hours); these traces, generated from the spec's settings, make
sure every observer sees its trigger, so that no verdict is vacuous.
"""

from __future__ import annotations

from typing import Any

from pumpproof.spec import Settings
from pumpproof.spec.settings import MINUTES_PER_DAY as DAY_MIN

__all__ = ["directed_scenarios"]

Trace = list[dict[str, Any]]


def _event(**event: Any) -> dict[str, Any]:
    return {"op": "event", "event": event}


def _ticks(n: int) -> Trace:
    return [{"op": "tick"}] * n


def directed_scenarios(s: Settings) -> dict[str, Trace]:
    """Named traces (after configure) for the limits of the given settings."""
    pulse = s.pulse_mU
    bolus_min = -(-s.max_bolus_mU // (s.bolus_rate_mU_per_min // pulse * pulse)) + 1
    daily: Trace = []
    for i in range(s.max_daily_total_mU // s.max_bolus_mU + 2):
        daily.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user", id=f"d{i}"))
        daily += _ticks(bolus_min)
    # A day that crosses local midnight: a pump that resets its daily total at midnight
    # (instead of counting 1440 elapsed minutes) accepts more than the limit.
    midnight: Trace = [_event(kind="set_clock", offset_min=DAY_MIN - 90)]
    for i in range(s.max_daily_total_mU // s.max_bolus_mU):
        midnight.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user",
                               id=f"m{i}"))
        midnight += _ticks(bolus_min)
    midnight += _ticks(max(0, 100 - len(midnight)))
    for i in range(3):
        midnight.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user",
                               id=f"after-midnight-{i}"))
        midnight += _ticks(bolus_min)
    # Then basal at the max rate fills what is left of the day until pulses are withheld.
    daily.append(_event(kind="temp_basal", rate_mU_per_h=s.max_basal_rate_mU_per_h,
                        duration_min=1440, source="user", id="d-temp"))
    daily += _ticks(max(60, 60 * s.max_bolus_mU // max(s.max_basal_rate_mU_per_h, 1) + 60))
    iob: Trace = [_event(kind="cgm", glucose_mg_dL=180)]
    for i in range(s.max_iob_mU // s.max_bolus_mU + 2):
        iob.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="auto", id=f"a{i}"))
        iob += _ticks(bolus_min)
        iob.append(_event(kind="cgm", glucose_mg_dL=180))
    iob.append(_event(kind="temp_basal", rate_mU_per_h=s.max_basal_rate_mU_per_h,
                      duration_min=120, source="auto", id="tb-auto"))
    iob += _ticks(10)
    occlusion: Trace = [
        _event(kind="fault", fault="occlusion"),
        _event(kind="bolus", amount_mU=s.max_bolus_mU, source="user", id="o1"),
        *_ticks(bolus_min + 5),
        _event(kind="ack_alarm", code="occlusion"),
        _event(kind="fault", fault="occlusion_cleared"),
        _event(kind="resume", source="user"),
        *_ticks(5),
    ]
    quiet: Trace = [*_ticks(max(s.auto_off_min, 1) + 5),
                    _event(kind="ack_alarm", code="auto_off"), *_ticks(s.max_suspend_min + 5)]
    low: Trace = [_event(kind="cgm", glucose_mg_dL=s.lgs_threshold_mg_dL), *_ticks(60),
                  _event(kind="bolus", amount_mU=pulse, source="auto", id="low-auto"),
                  *_ticks(s.cgm_stale_min + 5)]
    empty: Trace = [_event(kind="suspend", source="user"),
                    _event(kind="fill", reservoir_mU=3 * pulse),
                    _event(kind="resume", source="user"),
                    _event(kind="bolus", amount_mU=10 * pulse, source="user", id="e1"),
                    *_ticks(10),
                    _event(kind="fill", reservoir_mU=s.reservoir_capacity_mU),
                    _event(kind="ack_alarm", code="reservoir_empty"),
                    _event(kind="resume", source="user"), *_ticks(5)]
    # Automation at the freshness limit: fresh at exactly cgm_stale_min, stale one minute later.
    stale: Trace = [_event(kind="cgm", glucose_mg_dL=150), *_ticks(s.cgm_stale_min),
                    _event(kind="bolus", amount_mU=pulse, source="auto", id="fresh-auto"),
                    *_ticks(bolus_min),
                    _event(kind="cgm", glucose_mg_dL=150), *_ticks(s.cgm_stale_min + 1),
                    _event(kind="bolus", amount_mU=pulse, source="auto", id="stale-auto"),
                    _event(kind="temp_basal", rate_mU_per_h=pulse * 20, duration_min=30,
                           source="auto", id="stale-temp"),
                    _event(kind="suspend", source="auto"),
                    _event(kind="resume", source="auto"), *_ticks(5)]
    # User boluses take IOB just under max_iob_mU (the cap does not limit the user); then an
    # automated temp basal at the max rate must have its pulses withheld at the cap
    # (REQ-DOSE-4), must end when its CGM value goes stale, and the schedule applies again
    # (REQ-CGM-2); an automated zero-rate temp basal is accepted.
    auto_temp: Trace = []
    for i in range(min(s.max_iob_mU, s.max_daily_total_mU // 2) // s.max_bolus_mU):
        auto_temp.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user",
                                id=f"iob-user-{i}"))
        auto_temp += _ticks(bolus_min)
    auto_temp += [_event(kind="cgm", glucose_mg_dL=180),
                  _event(kind="temp_basal", rate_mU_per_h=s.max_basal_rate_mU_per_h,
                         duration_min=4 * s.cgm_stale_min + 60, source="auto",
                         id="auto-temp-1"),
                  *_ticks(2 * s.cgm_stale_min + 10),
                  _event(kind="temp_basal", rate_mU_per_h=0, duration_min=30,
                         source="auto", id="auto-temp-0"),
                  *_ticks(70)]
    # Each limit one pulse below, at, and one pulse above, across a restart and a clock change.
    limits: Trace = []
    for round_index, disturbance in enumerate(
        [_event(kind="restart"), _event(kind="set_clock", offset_min=600), None]
    ):
        for delta, tag in ((-pulse, "below"), (0, "at"), (pulse, "above")):
            limits.append(_event(kind="bolus", amount_mU=s.max_bolus_mU + delta, source="user",
                                 id=f"lim-{round_index}-{tag}"))
            limits += _ticks(bolus_min)
        for delta in (-1, 0, 1):
            limits.append(_event(kind="temp_basal", rate_mU_per_h=s.max_basal_rate_mU_per_h + delta,
                                 duration_min=30, source="user", id=f"tb-{round_index}-{delta}"))
        limits.append(_event(kind="bolus", amount_mU=pulse + 1, source="user",
                             id=f"ragged-{round_index}"))
        limits += _ticks(30)
        if disturbance is not None:
            limits.append(disturbance)
        limits.append(_event(kind="bolus", amount_mU=pulse, source="user",
                             id=f"lim-{round_index}-at"))  # a replay across the disturbance
    # Robustness: malformed and unknown events must be refused, never crash the target.
    robustness: Trace = [
        _event(kind="x_unknown_kind"),
        _event(kind="bolus"),
        _event(kind="bolus", amount_mU="500", source="user", id="r1"),
        _event(kind="bolus", amount_mU=500.0, source="user", id="r2"),
        _event(kind="bolus", amount_mU=-50, source="user", id="r3"),
        _event(kind="temp_basal", rate_mU_per_h=True, duration_min=30, source="user", id="r4"),
        _event(kind="cgm", glucose_mg_dL=None),
        _event(kind="fault", fault="meteor"),
        _event(kind="ack_alarm", code="x_nonsense"),
        {"op": "event"},
        {"op": "event", "event": "bolus"},
        *_ticks(3),
    ]
    return {
        "robustness": robustness,
        "limits": limits,
        "stale_cgm": stale,
        "auto_temp_outlives_cgm": auto_temp,
        "daily_total": daily,
        "daily_total_across_midnight": midnight,
        "iob_cap": iob,
        "occlusion": occlusion,
        "quiet_user": quiet,
        "low_glucose": low,
        "empty_reservoir": empty,
    }
