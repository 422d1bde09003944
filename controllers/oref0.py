"""oref0 (OpenAPS, and the algorithm AndroidAPS and Trio run) as a controller, unmodified.

The input becomes the files OpenAPS's loop feeds oref0 — pump settings, BG targets, ISF,
basal profile, carb ratios and preferences (assembled as ``oref0-get-profile`` does),
Medtronic-style pump history, Nightscout-style glucose and carbs, the current temp — and
``oref0_driver.js`` runs oref0's profile, IOB, meal, glucose-status and determine-basal
functions on them in one long-lived node process, at the input's clock and time zone.

Units: U and U/h floats out (mU / 1000, exact decimals), answers back to mU rounded up
(``units.mU_ceil``). Choices, documented in docs/controller.md: SMB enabled
(``microBolusAllowed``, ``enableSMB_always``), autosens neutral (ratio 1), the exponential
``rapid-acting`` curve with the settings' peak (``useCustomPeakTime``). oref0 has no max
bolus and no suspend threshold input (it derives its threshold from the target), so
C-MAX-BOLUS does not apply and C-LOW-NO-INCREASE uses 70 mg/dL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Any

from pumpproof.errors import TargetFailure, UsageError
from pumpproof.targets.subprocess import SubprocessTarget

from .install import oref0_dir, oref0_status
from .interface import Command, ControllerInput, TempBasal
from .units import minutes_ceil, mU_ceil, units

__all__ = ["OFFSET_ZONES", "Oref0Controller", "oref0_request"]

#: A time zone without daylight saving time for each real UTC offset (node sets zones by
#: name; POSIX offsets are not understood by its ICU).
OFFSET_ZONES: dict[int, str] = {
    **{h * 60: f"Etc/GMT{-h:+d}" for h in range(-12, 15)},
    -570: "Pacific/Marquesas", 270: "Asia/Kabul", 330: "Asia/Kolkata", 345: "Asia/Kathmandu",
    390: "Asia/Yangon", 525: "Australia/Eucla", 570: "Australia/Darwin",
}


def _iso(i: ControllerInput, t_min: int) -> str:
    zone = timezone(timedelta(minutes=i.utc_offset_min))
    return datetime.fromtimestamp(t_min * 60, UTC).astimezone(zone).isoformat()


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _limit(value: int | None, missing: bool) -> tuple[bool, float | None]:
    """(present, value in U): missing keys stay missing, null stays null."""
    if missing:
        return False, None
    return True, None if value is None else units(value)


def oref0_request(i: ControllerInput) -> dict[str, Any]:
    """The driver's request: oref0's inputs for this decision."""
    s = i.settings
    if i.utc_offset_min not in OFFSET_ZONES:
        raise UsageError(f"oref0: no time zone for UTC offset {i.utc_offset_min} min")
    pump_settings: dict[str, Any] = {"insulin_action_curve": s.dia_min / 60}
    present, value = _limit(s.max_basal_mU_per_h, "max_basal_mU_per_h" in s.missing)
    if present:
        pump_settings["maxBasal"] = value
    preferences: dict[str, Any] = {
        "curve": "rapid-acting", "useCustomPeakTime": True, "insulinPeakTime": s.peak_min,
        "enableSMB_always": True, "enableUAM": True,
        "bolus_increment": units(s.bolus_increment_mU),
    }
    present, value = _limit(s.max_iob_mU, "max_iob_mU" in s.missing)
    if present:
        preferences["max_iob"] = value
    history: list[dict[str, Any]] = []
    for bolus in i.boluses:
        history.append({"_type": "Bolus", "amount": units(bolus.amount_mU),
                        "programmed": units(bolus.amount_mU), "duration": 0,
                        "timestamp": _iso(i, bolus.t_min), "_t": bolus.t_min})
    for dose in i.temp_basals:
        stamp = _iso(i, dose.t_min)
        history.append({"_type": "TempBasalDuration", "duration (min)": dose.duration_min,
                        "timestamp": stamp, "_t": dose.t_min, "_o": 0})
        history.append({"_type": "TempBasal", "temp": "absolute",
                        "rate": units(dose.rate_mU_per_h), "timestamp": stamp,
                        "_t": dose.t_min, "_o": 1})
    history.sort(key=lambda r: (-r.pop("_t"), r.pop("_o", 0)))
    running = i.running_temp
    current = ({"duration": running.t_min + running.duration_min - i.now_min,
                "rate": units(running.rate_mU_per_h), "temp": "absolute"}
               if running else {"duration": 0, "rate": 0, "temp": "absolute"})
    return {
        "tz": OFFSET_ZONES[i.utc_offset_min],
        "now_ms": i.now_min * 60_000,
        "clock": _iso(i, i.now_min),
        "preferences": preferences,
        "pump_settings": pump_settings,
        "bg_targets": {"units": "mg/dL", "user_preferred_units": "mg/dL", "targets": [
            {"i": k, "offset": start, "start": _clock(start), "low": low, "high": high,
             "min_bg": low, "max_bg": high} for k, (start, low, high) in
            enumerate(s.target_schedule)]},
        "isf": {"units": "mg/dL", "user_preferred_units": "mg/dL", "sensitivities": [
            {"i": k, "offset": start, "start": _clock(start), "sensitivity": value_}
            for k, (start, value_) in enumerate(s.isf_schedule)]},
        "basal_profile": [{"i": k, "minutes": start, "start": _clock(start),
                           "rate": units(rate)} for k, (start, rate) in
                          enumerate(s.basal_schedule)],
        "carb_ratios": {"units": "grams", "schedule": [
            {"i": k, "offset": start, "start": _clock(start), "ratio": ratio}
            for k, (start, ratio) in enumerate(s.carb_ratio_schedule)]},
        "model": {},
        "pumphistory": history,
        "glucose": [{"date": g.t_min * 60_000, "dateString": _iso(i, g.t_min),
                     "sgv": g.glucose_mg_dL, "glucose": g.glucose_mg_dL, "type": "sgv"}
                    for g in sorted(i.glucose, key=lambda g: -g.t_min)],
        "carbhistory": [{"carbs": c.carbs_g, "created_at": _iso(i, c.t_min),
                         "enteredBy": "pumpproof"} for c in i.carbs],
        "currenttemp": current,
        "autosens": {"ratio": 1},
        "microbolus": True,
    }


def command_from_rt(answer: dict[str, Any]) -> Command:
    """determine-basal's answer (``rT``) as a command; an error is a refusal."""
    if "error" in answer:
        return Command(refused=str(answer["error"])[:300], raw=answer)
    rt = answer.get("rT") or {}
    if rt.get("error"):
        return Command(refused=str(rt["error"])[:300], raw=answer)
    temp, cancel = None, False
    if "rate" in rt and "duration" in rt:
        duration = minutes_ceil(rt["duration"])
        if duration <= 0:
            cancel = True
        else:
            temp = TempBasal(mU_ceil(rt["rate"]), duration)
    bolus = mU_ceil(rt["units"]) if rt.get("units") else 0
    return Command(temp, cancel, bolus, (str(rt.get("reason", ""))[:500],), None, answer)


class Oref0Controller:
    name = "oref0"
    version = ""
    supported = frozenset({"max_basal_mU_per_h", "max_iob_mU"})

    def __init__(self, timeout_s: float = 10.0) -> None:
        problem = oref0_status()
        if problem is not None:
            raise UsageError(f"oref0: {problem}")
        driver = resources.files("pumpproof.controllers").joinpath("oref0_driver.js")
        with resources.as_file(driver) as path:
            self._process = SubprocessTarget(["node", str(path), str(oref0_dir())],
                                             timeout_s=timeout_s, name="oref0")
        self.version = str(self._process.send({"op": "version"}).get("version"))

    def decide(self, i: ControllerInput) -> Command:
        try:
            return command_from_rt(self._process.send(oref0_request(i)))
        except (ValueError, TypeError) as exc:
            raise TargetFailure(f"oref0 answered something unreadable: {exc}") from None

    def determine_basal(self, files: dict[str, Any]) -> dict[str, Any]:
        """determine-basal on oref0's own input files (``op: determine-basal``): the raw rT."""
        answer: dict[str, Any] = self._process.send({"op": "determine-basal", **files})
        return dict(answer["rT"])

    def close(self) -> None:
        self._process.close()
