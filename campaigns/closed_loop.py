"""A closed loop: an AID controller dosing simglucose's virtual patients for days, with the
outcomes a clinician reads (time in, below and above range; total insulin) and hazard
frequencies, each with a 95% confidence interval.

Every minute the patient takes the insulin of the running basal (the schedule, or the
controller's temp basal) and any bolus; every 5 minutes its glucose, read as a CGM value
(rounded, 39–401 mg/dL), goes to the controller with the delivered history, and the
command is applied as a pump would: a temp basal or cancel, and a bolus (a recommendation is
taken as if confirmed). Three meals a day (about 7:00, 12:00, 18:00; size and time jittered
by the seed) are announced and bolused by the carb ratio, within max bolus. Each decision is
also judged by the controller properties (not the time-zone and determinism ones, which ask
twice), so violations in a realistic loop are counted too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.controllers import Controller
from pumpproof.controllers.interface import (
    Bolus,
    Carbs,
    Command,
    ControllerInput,
    Dose,
    Glucose,
    Settings,
)
from pumpproof.controllers.properties import PROPERTIES, Case
from pumpproof.engines.controller_search import applicable

from .fanout import fan_out
from .virtual_patients import Patient

__all__ = ["LoopResult", "PatientOutcome", "run_closed_loop", "run_closed_loop_parallel",
           "summary"]

START_MIN = 29_453_760  # 2026-01-01T00:00Z
HISTORY_MIN = 360  # what the controller is given: the last 6 hours
MEALS = ((420, 45), (720, 70), (1080, 80))  # local minute, grams
JUDGED = tuple(p for p in PROPERTIES if p.id not in ("C-TZ-INVARIANT", "C-DETERMINISTIC"))


@dataclass
class PatientOutcome:
    patient: str
    minutes: int = 0
    below_54: int = 0
    below_70: int = 0
    in_range: int = 0  # 70–180
    above_180: int = 0
    above_250: int = 0
    insulin_mU: float = 0.0
    severe_hypo_episodes: int = 0  # < 54 mg/dL for at least 15 minutes
    decisions: int = 0
    refusals: int = 0
    violations: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"patient": self.patient, "minutes": self.minutes,
                "tir_pct": round(100 * self.in_range / self.minutes, 2),
                "tbr_70_pct": round(100 * self.below_70 / self.minutes, 2),
                "tbr_54_pct": round(100 * self.below_54 / self.minutes, 2),
                "tar_180_pct": round(100 * self.above_180 / self.minutes, 2),
                "tar_250_pct": round(100 * self.above_250 / self.minutes, 2),
                "total_insulin_U": round(self.insulin_mU / 1000, 2),
                "severe_hypo_episodes": self.severe_hypo_episodes,
                "decisions": self.decisions, "refusals": self.refusals,
                "violations": dict(sorted(self.violations.items()))}


@dataclass(frozen=True)
class LoopResult:
    controller: str
    version: str
    days: int
    seed: int
    patients: tuple[PatientOutcome, ...]
    judged: tuple[str, ...] = ()  # the properties that apply to this controller


def _settings(patient: Patient) -> Settings:
    t = patient.settings
    return Settings(
        basal_schedule=((0, t.basal_mU_per_h),), isf_schedule=((0, t.isf_mg_dL_per_U),),
        carb_ratio_schedule=((0, t.carb_ratio_g_per_U),), target_schedule=((0, 100, 110),),
        max_basal_mU_per_h=4 * t.basal_mU_per_h, max_bolus_mU=10_000,
        max_iob_mU=max(2000, 3 * t.basal_mU_per_h), suspend_threshold_mg_dL=70)


def _meals(seed: int, patient: str, days: int) -> dict[int, int]:
    """Minute of the run → grams, for every meal."""
    rng = random.Random(f"{seed}:{patient}")
    out = {}
    for day in range(days):
        for minute, grams in MEALS:
            out[day * 1440 + minute + rng.randint(-30, 30)] = round(grams * rng.uniform(0.8, 1.2))
    return out


def run_patient(controller: Controller, patient: Patient, minutes: int, seed: int,
                progress: Callable[[str], None] = lambda _: None) -> PatientOutcome:
    """``minutes`` of one patient's life under the controller."""
    settings = _settings(patient)
    outcome = PatientOutcome(patient.name)
    glucose: list[Glucose] = []
    boluses: list[Bolus] = []
    temps: list[Dose] = []
    carbs: list[Carbs] = []
    meals = _meals(seed, patient.name, -(-minutes // 1440))
    basal = settings.basal_schedule[0][1]
    low_run = 0
    for minute in range(minutes):
        now = START_MIN + minute
        bolus_mU = 0
        eat = meals.get(minute, 0)
        if eat:
            carbs.append(Carbs(now, eat))
            bolus_mU += min(10_000, eat * 1000 // patient.settings.carb_ratio_g_per_U // 50 * 50)
        if minute % 5 == 0:
            value = min(401, max(39, round(patient.glucose_mg_dL)))
            glucose.append(Glucose(now, value))
            i = ControllerInput(
                now, 0, tuple(g for g in glucose if g.t_min > now - HISTORY_MIN),
                tuple(b for b in boluses if b.t_min > now - HISTORY_MIN),
                tuple(d for d in temps if d.t_min + d.duration_min > now - HISTORY_MIN),
                tuple(c for c in carbs if c.t_min > now - HISTORY_MIN), settings)
            command = controller.decide(i)
            outcome.decisions += 1
            outcome.refusals += command.refused is not None
            _judge(outcome, controller, i, command)
            temps = _apply(temps, command, now)
            bolus_mU += command.bolus_mU
        if bolus_mU:
            boluses.append(Bolus(now, bolus_mU))
        running = next((d for d in reversed(temps) if d.t_min <= now < d.t_min + d.duration_min),
                       None)
        rate = running.rate_mU_per_h if running else basal
        outcome.insulin_mU += rate / 60 + bolus_mU
        patient.step(eat, (rate / 60 + bolus_mU) / 1000)
        _count(outcome, patient.glucose_mg_dL)
        low_run = low_run + 1 if patient.glucose_mg_dL < 54 else 0
        outcome.severe_hypo_episodes += low_run == 15
        if minute % 1440 == 1439:
            progress(f"{patient.name}: day {minute // 1440 + 1}")
    return outcome


def _apply(temps: list[Dose], command: Command, now: int) -> list[Dose]:
    """The pump's temp basal history after the command (a replaced temp ends now)."""
    if command.temp_basal is None and not command.cancel_temp:
        return temps
    out = [d if d.t_min + d.duration_min <= now else
           Dose(d.t_min, now - d.t_min, d.rate_mU_per_h) for d in temps]
    out = [d for d in out if d.duration_min > 0]
    if command.temp_basal is not None and command.temp_basal.duration_min > 0:
        out.append(Dose(now, command.temp_basal.duration_min, command.temp_basal.rate_mU_per_h))
    return out


def _judge(outcome: PatientOutcome, controller: Controller, i: ControllerInput,
           command: Command) -> None:
    for prop in JUDGED:
        if applicable(prop, controller):
            judgement = prop.judge(Case(i), command, controller.decide, controller.supported)
            if judgement.problem is not None:
                outcome.violations[prop.id] = outcome.violations.get(prop.id, 0) + 1


def _count(outcome: PatientOutcome, value: float) -> None:
    outcome.minutes += 1
    outcome.below_54 += value < 54
    outcome.below_70 += value < 70
    outcome.in_range += 70 <= value <= 180
    outcome.above_180 += value > 180
    outcome.above_250 += value > 250


def run_closed_loop(controller: Controller, patients: Sequence[Patient], days: int, seed: int,
                    progress: Callable[[str], None] = lambda _: None) -> LoopResult:
    outcomes = tuple(run_patient(controller, p, days * 1440, seed, progress) for p in patients)
    judged = tuple(p.id for p in JUDGED if applicable(p, controller))
    return LoopResult(controller.name, controller.version, days, seed, outcomes, judged)


#: One patient's job for a worker process or a Dask worker: (controller spec, patient, minutes,
#: seed). Each worker starts its own controller and patient, so nothing unpicklable travels.
PatientJob = tuple[str, str, int, int]


def _patient_job(job: PatientJob) -> tuple[PatientOutcome, str, tuple[str, ...]]:
    from pumpproof.controllers import make_controller

    from .virtual_patients import load_patient
    spec, name, minutes, seed = job
    controller = make_controller(spec)
    try:
        outcome = run_patient(controller, load_patient(name), minutes, seed)
        judged = tuple(p.id for p in JUDGED if applicable(p, controller))
        return outcome, controller.version, judged
    finally:
        controller.close()


def run_closed_loop_parallel(spec: str, name: str, patients: Sequence[str], days: int,
                             seed: int, workers: int = 1, dask_address: str | None = None,
                             minutes: int | None = None) -> LoopResult:
    """The same loop, one patient per job, on local processes or an existing Dask cluster;
    results come back in patient order, so the result does not depend on where it ran."""
    jobs: list[PatientJob] = [(spec, p, minutes or days * 1440, seed) for p in patients]
    results = fan_out(_patient_job, jobs, workers, dask_address)
    version = results[0][1] if results else ""
    judged = results[0][2] if results else ()
    return LoopResult(name, version, days, seed, tuple(r[0] for r in results), judged)


# -- statistics


_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 29: 2.045}


def mean_ci(values: Sequence[float], low: float = 0.0,
            high: float = math.inf) -> dict[str, float | None]:
    """Mean over patients and its 95% t-interval, within the metric's range ``[low, high]``
    (None with a single patient)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return {"mean": round(mean, 3), "ci95_low": None, "ci95_high": None}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = _T95[max(k for k in _T95 if k <= n - 1)] if n - 1 < 30 else 1.96
    half = t * sd / math.sqrt(n)
    return {"mean": round(mean, 3), "ci95_low": round(max(low, mean - half), 3),
            "ci95_high": round(min(high, mean + half), 3)}


def poisson_rate_ci(events: int, exposure: float) -> dict[str, float]:
    """Events per unit of exposure with a 95% interval (Byar's approximation; 0 events: the
    upper bound 3/exposure)."""
    if events == 0:
        return {"rate": 0.0, "ci95_low": 0.0, "ci95_high": round(3.0 / exposure, 4)}
    z = 1.96
    low = events * (1 - 1 / (9 * events) - z / (3 * math.sqrt(events))) ** 3
    k = events + 1
    high = k * (1 - 1 / (9 * k) + z / (3 * math.sqrt(k))) ** 3
    return {"rate": round(events / exposure, 4), "ci95_low": round(low / exposure, 4),
            "ci95_high": round(high / exposure, 4)}


def summary(result: LoopResult) -> dict[str, Any]:
    """closed-loop.json: per patient, the means with 95% CIs, hazard rates per patient-day."""
    outs = [o.to_json() for o in result.patients]
    patient_days = sum(o.minutes for o in result.patients) / 1440
    metrics = {key: mean_ci([o[key] for o in outs], 0.0, 100.0 if key.endswith("_pct")
                            else math.inf)
               for key in ("tir_pct", "tbr_70_pct", "tbr_54_pct", "tar_180_pct",
                           "tar_250_pct", "total_insulin_U")}
    decisions = sum(o.decisions for o in result.patients)
    hazards = {"severe_hypo_episodes_per_patient_day": poisson_rate_ci(
        sum(o.severe_hypo_episodes for o in result.patients), patient_days)}
    for prop_id in result.judged:
        count = sum(o.violations.get(prop_id, 0) for o in result.patients)
        hazards[f"{prop_id}_per_1000_decisions"] = poisson_rate_ci(count, decisions / 1000)
    return {"schema": "pumpproof.closed-loop/1", "controller": result.controller,
            "version": result.version, "days": result.days, "seed": result.seed,
            "patients": outs, "metrics": metrics, "hazards": hazards,
            "decisions": decisions}
