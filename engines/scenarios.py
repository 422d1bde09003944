"""Directed scenarios: short protocol traces that drive each property's trigger.

Random fuzzing rarely reaches some situations (a day's insulin, an occlusion while
delivering, twelve quiet hours); these traces, generated from the spec's settings, make
sure every observer sees its trigger, so that no verdict is vacuous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pumpproof.properties.definitions import PPM, iob_weights
from pumpproof.spec import Settings
from pumpproof.spec.settings import MINUTES_PER_DAY as DAY_MIN
from pumpproof.spec.settings import settings_problems

from .malformed import malformed_events

__all__ = ["directed_scenarios", "settings_profiles"]

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
    # Extended boluses with basal off, so each minute's extended share shows (REQ-ALG-2):
    # more pulses than minutes, fewer pulses than minutes, and one cancelled midway.
    spread: Trace = [_event(kind="temp_basal", rate_mU_per_h=0, duration_min=600,
                            source="user", id="x-basal-off")]
    ext_pulses = max(1, min(7, s.max_bolus_mU // pulse - 2))
    for i, (now_pulses, pulses, minutes) in enumerate(
        ((2, ext_pulses, 5), (0, max(1, ext_pulses // 2), 11), (1, ext_pulses, 30))
    ):
        if (now_pulses + pulses) * pulse > s.max_bolus_mU:
            continue
        spread.append(_event(kind="bolus", amount_mU=now_pulses * pulse,
                             extended_mU=pulses * pulse, extended_min=minutes, source="user",
                             id=f"x{i}"))
        spread += _ticks(minutes // 2 if i == 2 else minutes + bolus_min)
    spread += [_event(kind="cancel_bolus"), *_ticks(3)]
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
        # and every field of every kind broken the way request.schema.json forbids
        *({"op": "event", "event": event} for event in malformed_events()),
        *_ticks(3),
    ]
    return {
        **_long_horizons(s, bolus_min),
        "robustness": robustness,
        "extended_bolus_spread": spread,
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


def _bolus_deliveries(s: Settings, start_min: int, amount_mU: int) -> list[tuple[int, int]]:
    """(minute, mU) of a user or automated bolus accepted at ``start_min`` (immediate part)."""
    per_minute = s.bolus_rate_mU_per_min // s.pulse_mU * s.pulse_mU
    out, minute, left = [], start_min, amount_mU
    while left > 0:
        out.append((minute, min(per_minute, left)))
        left -= per_minute
        minute += 1
    return out


def _long_horizons(s: Settings, bolus_min: int) -> dict[str, Trace]:
    """Scenarios for what short BMC depths and fuzz runs never reach: a whole day's window,
    restarts in the middle of it, automation followed by hours without a user, and
    automated boluses one pulse over the exact IOB cap."""
    n = max(s.max_daily_total_mU // s.max_bolus_mU, 1)
    # Basal off, two boluses at the very end of the first hour, the rest of the day's
    # allowance in the second, quiet (but attended) until minute 1440, then three more.
    # At 1440 a pump whose window is a bin short forgets the whole first hour while the
    # exact window still holds its two boluses: it accepts boluses past the limit.
    late: Trace = [_event(kind="temp_basal", rate_mU_per_h=0, duration_min=4320,
                          source="user", id="w-basal-off")]
    late += _ticks(max(0, 59 - 2 * bolus_min))
    for i in range(n - 1):
        late.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user", id=f"w{i}"))
        late += _ticks(bolus_min)
    elapsed = max(0, 59 - 2 * bolus_min) + (n - 1) * bolus_min
    while elapsed < DAY_MIN:
        quiet = min(DAY_MIN - elapsed, max(s.auto_off_min // 2, 1) if s.auto_off_min else 600)
        late += [*_ticks(quiet), _event(kind="set_clock", offset_min=0)]  # the user is there
        elapsed += quiet
    for i in range(3):
        late.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user",
                           id=f"w-late-{i}"))
        late += _ticks(bolus_min)
    # Restarts between boluses: a pump that forgets its daily total on a power cycle.
    restarts: Trace = []
    for i in range(n + 2):
        restarts.append(_event(kind="bolus", amount_mU=s.max_bolus_mU, source="user",
                               id=f"r{i}"))
        restarts += [*_ticks(bolus_min), _event(kind="restart")]
    # Automation keeps delivering while nobody touches the pump: automated requests are not
    # user interaction, so auto-off must still stop the pump.
    unattended: Trace = []
    if s.auto_off_min > 0:
        for i in range(s.auto_off_min // 5 + 3):
            unattended.append(_event(kind="cgm", glucose_mg_dL=160))
            unattended.append(_event(kind="temp_basal", rate_mU_per_h=s.max_basal_rate_mU_per_h,
                                     duration_min=30, source="auto", id=f"u{i}"))
            unattended += _ticks(5)
    return {
        "daily_total_last_hour": late,
        "daily_total_across_restarts": restarts,
        "automation_unattended_until_auto_off": unattended,
        "iob_one_pulse_over": _iob_one_pulse_over(s, bolus_min),
    }


def _iob_one_pulse_over(s: Settings, bolus_min: int) -> Trace:
    """Two automated boluses, then, minute after minute, one that is a pulse over the room
    that the exact IOB leaves under the cap.

    Basal is held at 0 so that only the boluses count, and the exact IOB is the protocol's
    curve at 1-minute resolution (the runtime monitor's own weights). A pump that counts
    IOB conservatively refuses every one of the last boluses; one that under-counts at some
    phase of its bins (bins valued at an older age, a wrong curve) accepts one and breaks
    the cap. Ten consecutive minutes cover every phase of bins up to 10 minutes.
    """
    if s.max_iob_mU <= 0:
        return []
    weights = iob_weights(1, s.dia_min, s.peak_min)
    deliveries: list[tuple[int, int]] = []

    def room_pulses(t: int) -> int:
        on_board = sum(amount * weights[t - 1 - minute]
                       for minute, amount in deliveries if 0 <= t - 1 - minute < len(weights))
        return max(s.max_iob_mU * PPM - on_board, 0) // (PPM * s.pulse_mU)

    trace: Trace = [_event(kind="temp_basal", rate_mU_per_h=0, duration_min=DAY_MIN,
                           source="user", id="iob-basal-off")]
    t = 0
    for i, gap in enumerate((60, 30)):
        amount = min(room_pulses(t) * s.pulse_mU, s.max_bolus_mU)
        if amount <= 0:
            return trace
        trace += [_event(kind="cgm", glucose_mg_dL=180),
                  _event(kind="bolus", amount_mU=amount, source="auto", id=f"iob{i}"),
                  *_ticks(gap)]
        deliveries += _bolus_deliveries(s, t, amount)
        t += gap
    for attempt in range(10):
        amount = (room_pulses(t) + 1) * s.pulse_mU
        if amount <= s.max_bolus_mU:
            trace += [_event(kind="cgm", glucose_mg_dL=180),
                      _event(kind="bolus", amount_mU=amount, source="auto",
                             id=f"iob-over-{attempt}")]
        trace += _ticks(1)
        t += 1
    return [*trace, *_ticks(bolus_min)]


def settings_profiles(
    s: Settings, ranges: Mapping[str, tuple[int, int]]
) -> dict[str, Settings]:
    """Other valid settings to fuzz under, beside the spec's: bugs that hide behind round
    numbers (a pulse of 50 mU, a bolus rate that is a whole number of pulses, long timers).

    Each is checked with the same rules as ``configure``; one that the spec's hard ranges
    refuse is left out.
    """
    candidates = {
        "pulse_1_mU": {"pulse_mU": 1},
        "odd_pulse_and_bolus_rate": {"pulse_mU": 30, "bolus_rate_mU_per_min": 1520},
        "short_timers": {"auto_off_min": 30, "max_suspend_min": 5, "cgm_stale_min": 5},
    }
    profiles = {}
    for name, changes in candidates.items():
        values = {**s.to_protocol(), **changes}
        if not settings_problems(values, ranges):
            profiles[name] = Settings.from_values(values)
    return profiles
