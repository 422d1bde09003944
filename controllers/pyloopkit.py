"""PyLoopKit (Tidepool's Python port of Loop's algorithm) as a controller, unmodified.

The input becomes the dictionary ``loop_data_manager.update`` documents: index-matched
lists of time-zone-aware datetimes (at the input's UTC offset) and values in U, U/h, mg/dL,
g; schedules as local ``datetime.time`` starts. Its answer — ``recommended_temp_basal``
(``None``: leave things as they are; ``[0, 0]``: cancel; ``[rate, minutes]``) and
``recommended_bolus`` (``[units, pending, notice]``) — comes back in mU, rounded up.

Choices (docs/controller.md): ``rate_rounder`` is the basal increment (PyLoopKit rounds
temp basals and boluses with it); Loop's bolus is a recommendation a user confirms, judged
here as if confirmed; retrospective correction on, dynamic carb absorption on. PyLoopKit
has no max IOB input, so C-MAX-IOB does not apply to it.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from pumpproof.errors import UsageError

from .install import PYLOOPKIT_VERSION, pyloopkit_status
from .interface import Command, ControllerInput, TempBasal
from .units import minutes_ceil, mU_ceil, units

__all__ = ["PyLoopKitController", "loop_input"]


def _time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _ends(starts: list[int]) -> list[time]:
    return [_time(s) for s in starts[1:]] + [_time(starts[0])]


def loop_input(i: ControllerInput, dose_type: Any) -> dict[str, Any]:
    """``update``'s input dictionary for this decision (``dose_type``: PyLoopKit's enum)."""
    s = i.settings
    zone = timezone(timedelta(minutes=i.utc_offset_min))

    def at(t_min: int) -> datetime:
        return datetime.fromtimestamp(t_min * 60, UTC).astimezone(zone)

    glucose = sorted(i.glucose, key=lambda g: g.t_min)
    doses: list[tuple[Any, datetime, datetime, float]] = []
    for bolus in i.boluses:
        doses.append((dose_type.bolus, at(bolus.t_min), at(bolus.t_min), units(bolus.amount_mU)))
    for dose in i.temp_basals:
        doses.append((dose_type.tempbasal, at(dose.t_min), at(dose.t_min + dose.duration_min),
                      units(dose.rate_mU_per_h)))
    doses.sort(key=lambda d: d[1])
    settings: dict[str, Any] = {
        "model": [s.dia_min, s.peak_min],
        "momentum_data_interval": 15,
        "dynamic_carb_absorption_enabled": True,
        "retrospective_correction_enabled": True,
        "default_absorption_times": [120.0, 180.0, 240.0],
        "rate_rounder": units(s.basal_increment_mU_per_h),
    }
    for name, key, scale in (("max_basal_mU_per_h", "max_basal_rate", True),
                             ("max_bolus_mU", "max_bolus", True),
                             ("suspend_threshold_mg_dL", "suspend_threshold", False)):
        if name not in s.missing:
            value = getattr(s, name)
            settings[key] = None if value is None else (units(value) if scale else value)
    basal_starts = [b[0] for b in s.basal_schedule]
    running = i.running_temp
    latest = max(i.temp_basals, key=lambda d: d.t_min) if i.temp_basals else None
    last = running or latest
    return {
        "glucose_dates": [at(g.t_min) for g in glucose],
        "glucose_values": [float(g.glucose_mg_dL) for g in glucose],
        "dose_types": [d[0] for d in doses],
        "dose_start_times": [d[1] for d in doses],
        "dose_end_times": [d[2] for d in doses],
        "dose_values": [d[3] for d in doses],
        "carb_dates": [at(c.t_min) for c in i.carbs],
        "carb_values": [float(c.carbs_g) for c in i.carbs],
        "carb_absorption_times": [180.0 for _ in i.carbs],
        "settings_dictionary": settings,
        "sensitivity_ratio_start_times": [_time(r[0]) for r in s.isf_schedule],
        "sensitivity_ratio_end_times": _ends([r[0] for r in s.isf_schedule]),
        "sensitivity_ratio_values": [float(r[1]) for r in s.isf_schedule],
        "carb_ratio_start_times": [_time(r[0]) for r in s.carb_ratio_schedule],
        "carb_ratio_values": [float(r[1]) for r in s.carb_ratio_schedule],
        "basal_rate_start_times": [_time(m) for m in basal_starts],
        "basal_rate_minutes": [float(end - start) for start, end in
                               zip(basal_starts, [*basal_starts[1:], 1440], strict=True)],
        "basal_rate_values": [units(r[1]) for r in s.basal_schedule],
        "target_range_start_times": [_time(r[0]) for r in s.target_schedule],
        "target_range_end_times": _ends([r[0] for r in s.target_schedule]),
        "target_range_minimum_values": [float(r[1]) for r in s.target_schedule],
        "target_range_maximum_values": [float(r[2]) for r in s.target_schedule],
        "last_temporary_basal": ([dose_type.tempbasal, at(last.t_min),
                                  at(last.t_min + last.duration_min), units(last.rate_mU_per_h)]
                                 if last else []),
        "time_to_calculate_at": at(i.now_min),
    }


def command_from_loop(output: Any) -> Command:
    """``update``'s recommendations as a command; no recommendations is a refusal."""
    if not isinstance(output, dict) or "recommended_temp_basal" not in output:
        return Command(refused="PyLoopKit returned no recommendation (input validation)")
    temp_rec = output.get("recommended_temp_basal")
    bolus_rec = output.get("recommended_bolus")
    raw = {"recommended_temp_basal": temp_rec, "recommended_bolus":
           None if bolus_rec is None else [bolus_rec[0], bolus_rec[1],
                                           None if bolus_rec[2] is None else str(bolus_rec[2])]}
    temp, cancel = None, False
    if temp_rec is not None:
        rate, minutes = temp_rec
        if minutes_ceil(minutes) <= 0:
            cancel = True
        else:
            temp = TempBasal(mU_ceil(rate), minutes_ceil(minutes))
    bolus = mU_ceil(bolus_rec[0]) if bolus_rec and bolus_rec[0] else 0
    notices = (str(bolus_rec[2]),) if bolus_rec and bolus_rec[2] else ()
    return Command(temp, cancel, max(0, bolus), notices, None, raw)


class PyLoopKitController:
    name = "pyloopkit"
    version = PYLOOPKIT_VERSION
    supported = frozenset({"max_basal_mU_per_h", "max_bolus_mU", "suspend_threshold_mg_dL"})

    def __init__(self) -> None:
        problem = pyloopkit_status()
        if problem is not None:
            raise UsageError(f"pyloopkit: {problem}")
        from pyloopkit.dose import DoseType
        from pyloopkit.loop_data_manager import update
        self._dose_type = DoseType
        self._update = update

    def decide(self, i: ControllerInput) -> Command:
        data = loop_input(i, self._dose_type)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                output = self._update(data)
        except Exception as exc:  # PyLoopKit declined (an assertion, a TypeError on None)
            return Command(refused=f"PyLoopKit raised {type(exc).__name__}: {exc}"[:300])
        return command_from_loop(output)

    def close(self) -> None:
        return None
