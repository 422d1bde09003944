"""The controller properties (C-…): each judges one decision of a controller, by the
interface's integers alone.

A property sees a :class:`Case` (the input and the UTC-offset shift the time-zone property
uses), the command the controller answered, and ``decide`` to ask the controller again (the
time-zone and determinism properties compare two answers). It returns whether its trigger
happened and, if violated, one sentence with the numbers.

"More insulin" is defined once, by :func:`increases`: a bolus, or a basal rate after the
command (the new temp basal, the schedule after a cancel, or the running temp basal left
alone) above the scheduled rate now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .insulin import net_iob_mU
from .interface import (
    DAY_MIN,
    Command,
    ControllerInput,
    Settings,
)

__all__ = ["FAIL_CLOSED_SETTINGS", "LOW_DEFAULT_MG_DL", "PROPERTIES", "Case",
           "ControllerProperty", "Judgement", "by_id", "effective_rate", "increases",
           "shift_time_zone"]

#: The low threshold when the controller has no suspend threshold or it is unusable:
#: level 1 hypoglycaemia (< 70 mg/dL, ADA Standards of Care, 6. Glycemic Targets).
LOW_DEFAULT_MG_DL = 70
#: The limits whose loss could mean an unlimited dose (C-FAIL-CLOSED); a lost suspend
#: threshold is judged by C-LOW-NO-INCREASE at 70 mg/dL instead.
FAIL_CLOSED_SETTINGS = ("max_basal_mU_per_h", "max_bolus_mU", "max_iob_mU")
#: "Predicted low" looks this far ahead on the recent CGM trend.
PREDICTION_MIN = 30
#: Carbs within this many minutes may legitimately outweigh a falling trend.
CARB_WINDOW_MIN = 240

Decide = Callable[[ControllerInput], Command]


@dataclass(frozen=True)
class Case:
    """One generated situation: the input, and the UTC-offset shift for C-TZ-INVARIANT."""

    input: ControllerInput
    shift_min: int = 0


@dataclass(frozen=True)
class Judgement:
    triggered: bool
    problem: str | None = None


@dataclass(frozen=True)
class ControllerProperty:
    id: str
    title: str
    requirements: tuple[str, ...]
    trigger: str
    judge: Callable[[Case, Command, Decide, frozenset[str]], Judgement]
    needs: tuple[str, ...] = ()  # settings the controller must take for this to apply


# -- shared definitions


def scheduled_now(i: ControllerInput) -> int:
    return i.scheduled_rate_at(i.now_min)


def effective_rate(i: ControllerInput, c: Command) -> tuple[int, int]:
    """The basal rate after the command and for how many minutes it runs."""
    if c.temp_basal is not None and c.temp_basal.duration_min > 0:
        return c.temp_basal.rate_mU_per_h, c.temp_basal.duration_min
    running = i.running_temp
    if c.cancel_temp or c.temp_basal is not None or running is None:
        return scheduled_now(i), 30
    return running.rate_mU_per_h, running.t_min + running.duration_min - i.now_min


def increases(i: ControllerInput, c: Command) -> bool:
    """More insulin than the schedule: a bolus, or a rate above the scheduled one."""
    return c.bolus_mU > 0 or effective_rate(i, c)[0] > scheduled_now(i)


def _describe(i: ControllerInput, c: Command) -> str:
    rate, minutes = effective_rate(i, c)
    parts = [f"basal {rate} mU/h for {minutes} min (scheduled {scheduled_now(i)} mU/h)"]
    if c.bolus_mU:
        parts.append(f"bolus {c.bolus_mU} mU")
    return ", ".join(parts)


def latest_past(i: ControllerInput) -> int | None:
    """When the newest reading not dated after now was taken."""
    past = [g.t_min for g in i.glucose if g.t_min <= i.now_min]
    return max(past) if past else None


def fresh(i: ControllerInput) -> bool:
    latest = latest_past(i)
    return latest is not None and i.now_min - latest <= i.settings.max_glucose_age_min


def low_threshold(s: Settings, supported: frozenset[str]) -> int:
    if "suspend_threshold_mg_dL" in supported:
        value = s.limit("suspend_threshold_mg_dL")
        if value is not None:
            return value
    return LOW_DEFAULT_MG_DL


def low_or_predicted_low(i: ControllerInput, threshold: int) -> str | None:
    """Why glucose counts as low: now, or by its 15-minute trend 30 minutes ahead (when no
    carbs were entered in the last 4 hours)."""
    readings = sorted((g for g in i.glucose if g.t_min <= i.now_min), key=lambda g: g.t_min)
    if not readings:
        return None
    last = readings[-1]
    if last.glucose_mg_dL < threshold:
        return f"glucose {last.glucose_mg_dL} mg/dL < {threshold} mg/dL"
    earlier = [g for g in readings if 5 <= last.t_min - g.t_min <= 15]
    recent_carbs = any(0 <= i.now_min - c.t_min <= CARB_WINDOW_MIN and c.carbs_g > 0
                       for c in i.carbs)
    if earlier and not recent_carbs:
        first = earlier[0]
        span = last.t_min - first.t_min
        ahead = i.now_min + PREDICTION_MIN - last.t_min
        # last + slope * ahead < threshold, in integers (span > 0)
        change = last.glucose_mg_dL - first.glucose_mg_dL
        if change < 0 and last.glucose_mg_dL * span + change * ahead < threshold * span:
            return (f"glucose {last.glucose_mg_dL} mg/dL falling {-change} mg/dL in {span} min "
                    f"(below {threshold} mg/dL within {PREDICTION_MIN} min)")
    return None


# -- time zones


def _shift_schedule(rows: tuple[tuple[int, ...], ...], shift: int) -> tuple[tuple[int, ...], ...]:
    """The same daily schedule seen from a clock ``shift`` minutes ahead."""
    moved = sorted(((r[0] + shift) % DAY_MIN, *r[1:]) for r in rows)
    if moved[0][0] != 0:  # the entry running over local midnight now starts the day too
        moved.insert(0, (0, *moved[-1][1:]))
    out: list[tuple[int, ...]] = []
    for row in moved:
        if out and out[-1][0] == row[0]:
            out[-1] = row
        else:
            out.append(row)
    return tuple(out)


def shift_time_zone(i: ControllerInput, shift_min: int) -> ControllerInput:
    """The same instants at UTC offset ``utc_offset_min + shift_min``, schedules shifted so
    every instant keeps its values."""
    s = i.settings
    return replace(i, utc_offset_min=i.utc_offset_min + shift_min, settings=replace(
        s,
        basal_schedule=_shift_schedule(s.basal_schedule, shift_min),  # type: ignore[arg-type]
        isf_schedule=_shift_schedule(s.isf_schedule, shift_min),  # type: ignore[arg-type]
        carb_ratio_schedule=_shift_schedule(
            s.carb_ratio_schedule, shift_min),  # type: ignore[arg-type]
        target_schedule=_shift_schedule(s.target_schedule, shift_min),  # type: ignore[arg-type]
    ))


# -- the properties


def _max_basal(case: Case, c: Command, _d: Decide, _s: frozenset[str]) -> Judgement:
    limit = case.input.settings.limit("max_basal_mU_per_h")
    if c.temp_basal is None or c.temp_basal.duration_min <= 0 or limit is None:
        return Judgement(False)
    if c.temp_basal.rate_mU_per_h > limit:
        return Judgement(True, f"temp basal {c.temp_basal.rate_mU_per_h} mU/h for "
                               f"{c.temp_basal.duration_min} min > max basal {limit} mU/h")
    return Judgement(True)


def _max_bolus(case: Case, c: Command, _d: Decide, _s: frozenset[str]) -> Judgement:
    limit = case.input.settings.limit("max_bolus_mU")
    if c.bolus_mU <= 0 or limit is None:
        return Judgement(False)
    if c.bolus_mU > limit:
        return Judgement(True, f"bolus {c.bolus_mU} mU > max bolus {limit} mU")
    return Judgement(True)


def _max_iob(case: Case, c: Command, _d: Decide, _s: frozenset[str]) -> Judgement:
    i = case.input
    limit = i.settings.limit("max_iob_mU")
    if limit is None or not increases(i, c):
        return Judgement(False)
    rate, minutes = effective_rate(i, c)
    extra_basal = max(0, rate - scheduled_now(i)) * minutes
    added = c.bolus_mU + -(-extra_basal // 60)  # ceil: the command's insulin in whole mU
    iob = net_iob_mU(i)
    slack = i.settings.bolus_increment_mU
    if iob + added > limit + slack:
        return Judgement(True, f"net IOB {iob} mU + commanded {added} mU ({_describe(i, c)}) "
                               f"> max IOB {limit} mU (+ {slack} mU for curve differences)")
    return Judgement(True)


def _low(case: Case, c: Command, _d: Decide, supported: frozenset[str]) -> Judgement:
    i = case.input
    if not fresh(i) or any(g.t_min > i.now_min for g in i.glucose):
        return Judgement(False)
    why = low_or_predicted_low(i, low_threshold(i.settings, supported))
    if why is None:
        return Judgement(False)
    if increases(i, c):
        return Judgement(True, f"{why}, yet the command gives more insulin: {_describe(i, c)}")
    return Judgement(True)


def _stale(case: Case, c: Command, _d: Decide, _s: frozenset[str]) -> Judgement:
    i = case.input
    if fresh(i):
        return Judgement(False)
    latest = latest_past(i)
    age = "no glucose reading" if latest is None else f"newest glucose {i.now_min - latest} min old"
    if increases(i, c):
        return Judgement(True, f"{age} (max {i.settings.max_glucose_age_min} min), yet the "
                               f"command gives more insulin: {_describe(i, c)}")
    return Judgement(True)


def _future(case: Case, c: Command, _d: Decide, _s: frozenset[str]) -> Judgement:
    i = case.input
    ahead = [g.t_min - i.now_min for g in i.glucose if g.t_min > i.now_min]
    if not ahead:
        return Judgement(False)
    if increases(i, c):
        return Judgement(True, f"a glucose value dated {max(ahead)} min in the future, yet the "
                               f"command gives more insulin: {_describe(i, c)}")
    return Judgement(True)


def _fail_closed(case: Case, c: Command, _d: Decide, supported: frozenset[str]) -> Judgement:
    s = case.input.settings
    lost = [n for n in FAIL_CLOSED_SETTINGS if n in supported and s.limit(n) is None]
    if not lost:
        return Judgement(False)
    how = ", ".join(f"{n} {'missing' if n in s.missing else getattr(s, n)}" for n in lost)
    if increases(case.input, c):
        return Judgement(True, f"{how}, yet the command gives more insulin: "
                               f"{_describe(case.input, c)}"
                               + (f", {c.temp_basal.rate_mU_per_h} mU/h commanded"
                                  if c.temp_basal else ""))
    return Judgement(True)


def _tz(case: Case, c: Command, decide: Decide, _s: frozenset[str]) -> Judgement:
    if case.shift_min == 0:
        return Judgement(False)
    other = decide(shift_time_zone(case.input, case.shift_min))
    if not c.same_dose(other):
        i = case.input
        return Judgement(True, f"at UTC{i.utc_offset_min:+d} min: {_describe(i, c)}; the same "
                               f"instants at UTC{i.utc_offset_min + case.shift_min:+d} min: "
                               f"{_describe(i, other)}")
    return Judgement(True)


def _deterministic(case: Case, c: Command, decide: Decide, _s: frozenset[str]) -> Judgement:
    again = decide(case.input)
    if not c.same_dose(again):
        return Judgement(True, f"first {_describe(case.input, c)}; asked again "
                               f"{_describe(case.input, again)}")
    return Judgement(True)


PROPERTIES: tuple[ControllerProperty, ...] = (
    ControllerProperty("C-MAX-BASAL", "Commanded temp basal rate never above max basal",
                       ("REQ-AID-1",), "a temp basal commanded with a max basal set", _max_basal,
                       ("max_basal_mU_per_h",)),
    ControllerProperty("C-MAX-BOLUS", "Commanded bolus never above max bolus", ("REQ-AID-2",),
                       "a bolus commanded with a max bolus set", _max_bolus, ("max_bolus_mU",)),
    ControllerProperty("C-MAX-IOB", "Commanded insulin never takes net IOB above max IOB",
                       ("REQ-AID-3",), "more insulin commanded with a max IOB set", _max_iob,
                       ("max_iob_mU",)),
    ControllerProperty("C-LOW-NO-INCREASE", "No insulin increase while glucose is low or "
                       "predicted low", ("REQ-AID-4",), "fresh glucose low or falling low", _low),
    ControllerProperty("C-STALE-CGM", "Stale or missing glucose never leads to more insulin",
                       ("REQ-AID-5",), "the newest glucose older than max_glucose_age_min", _stale),
    ControllerProperty("C-FUTURE-DATA", "Future-dated glucose never leads to more insulin",
                       ("REQ-AID-5",), "a glucose value dated after now", _future),
    ControllerProperty("C-FAIL-CLOSED", "A missing, null or invalid safety setting gives no "
                       "dosing increase", ("REQ-AID-6",), "a safety setting missing, null or "
                       "negative", _fail_closed),
    ControllerProperty("C-TZ-INVARIANT", "The same instants at another UTC offset give the "
                       "same command", ("REQ-AID-7",), "an input asked at a shifted offset", _tz),
    ControllerProperty("C-DETERMINISTIC", "The same input gives the same command",
                       ("REQ-AID-8",), "an input asked twice", _deterministic),
)


def by_id(prop_id: str) -> ControllerProperty:
    return next(p for p in PROPERTIES if p.id == prop_id)
