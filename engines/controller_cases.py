"""Situations to put to an AID controller: Hypothesis strategies for realistic inputs, and
directed cases at each limit.

Realistic means what a pump and CGM produce: readings every 5 minutes as a bounded random
walk (39–401 mg/dL, the CGM's range), sometimes ending stale or dated in the future;
boluses and temp basals in whole pump steps over the last hours; schedules of 1–4
segments at half-hour starts; limits that are any whole mU (not only multiples of the
pump's step: a limit between two steps is where a controller that rounds after clamping
goes over); real UTC offsets; and, now and then, a safety setting missing, null or
negative. Every draw shrinks toward a short, quiet, single-segment input.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from pumpproof.controllers.insulin import net_iob_mU
from pumpproof.controllers.interface import (
    REAL_OFFSETS_MIN,
    SAFETY_SETTINGS,
    Bolus,
    Carbs,
    ControllerInput,
    Dose,
    Glucose,
    Settings,
    example_input,
    with_settings,
)
from pumpproof.controllers.properties import Case

__all__ = ["NOW_BASE_MIN", "cases", "directed_cases"]

#: 2026-01-01T00:00Z in minutes since the epoch; generated instants fall in 2026.
NOW_BASE_MIN = 29_453_760


@st.composite
def _schedule(draw: st.DrawFn, values: st.SearchStrategy[int]) -> tuple[tuple[int, int], ...]:
    starts = draw(st.lists(st.integers(1, 47), max_size=3, unique=True))
    return tuple((start * 30, draw(values)) for start in [0, *sorted(starts)])


@st.composite
def _settings(draw: st.DrawFn, supported: frozenset[str]) -> Settings:
    increment = draw(st.sampled_from((50, 25, 100)))
    basal = draw(_schedule(st.integers(1, 60).map(lambda k: k * increment)))
    targets = draw(_schedule(st.integers(80, 140)))
    widths = draw(st.lists(st.integers(0, 40), min_size=len(targets), max_size=len(targets)))
    top = max(rate for _, rate in basal)
    limits: dict[str, int | None] = {
        "max_basal_mU_per_h": draw(st.one_of(st.integers(top, max(top, 5000)),
                                             st.integers(1, 100).map(lambda k: k * increment))),
        "max_bolus_mU": draw(st.integers(0, 10_000)),
        "max_iob_mU": draw(st.integers(0, 8000)),
        "suspend_threshold_mg_dL": draw(st.integers(54, 100)),
    }
    missing: tuple[str, ...] = ()
    lost = [n for n in SAFETY_SETTINGS if n in supported]
    if lost and draw(st.integers(0, 5)) == 5:  # one in six: a safety setting lost
        name = draw(st.sampled_from(lost))
        how = draw(st.sampled_from(("missing", "null", "negative")))
        limits[name] = -1 if how == "negative" else None
        missing = (name,) if how == "missing" else ()
    return Settings(
        basal_schedule=basal,
        isf_schedule=draw(_schedule(st.integers(20, 200))),
        carb_ratio_schedule=draw(_schedule(st.integers(5, 30))),
        target_schedule=tuple((start, low, low + w) for (start, low), w in zip(targets, widths,
                                                                              strict=True)),
        dia_min=draw(st.sampled_from((300, 360, 420, 480))),
        peak_min=draw(st.sampled_from((75, 65, 55))),
        basal_increment_mU_per_h=increment,
        bolus_increment_mU=draw(st.sampled_from((50, 100, 25))),
        missing=missing,
        max_basal_mU_per_h=limits["max_basal_mU_per_h"],
        max_bolus_mU=limits["max_bolus_mU"],
        max_iob_mU=limits["max_iob_mU"],
        suspend_threshold_mg_dL=limits["suspend_threshold_mg_dL"],
    )


@st.composite
def _glucose(draw: st.DrawFn, now: int) -> tuple[Glucose, ...]:
    count = draw(st.integers(0, 36))
    # Age of the newest reading: mostly fresh, sometimes stale, sometimes in the future.
    age = draw(st.one_of(st.integers(0, 5), st.integers(6, 90), st.integers(-30, -1)))
    value = draw(st.integers(39, 401))
    out = []
    for k in range(count):
        out.append(Glucose(now - age - 5 * k, value))
        value = min(401, max(39, value + draw(st.integers(-15, 15))))
    return tuple(reversed(out))


@st.composite
def _temps(draw: st.DrawFn, now: int, increment: int) -> tuple[Dose, ...]:
    out: list[Dose] = []
    start = now - draw(st.integers(0, 240))
    for _ in range(draw(st.integers(0, 3))):
        duration = draw(st.sampled_from((30, 30, 60, 120)))
        out.append(Dose(start, duration, draw(st.integers(0, 60)) * increment))
        gap = draw(st.integers(5, 60))
        if start + gap > now:
            break
        out[-1] = replace(out[-1], duration_min=min(duration, gap))
        start += gap
    return tuple(out)


@st.composite
def cases(draw: st.DrawFn, supported: frozenset[str]) -> Case:
    """One realistic situation, with a UTC-offset shift for C-TZ-INVARIANT."""
    now = NOW_BASE_MIN + draw(st.integers(0, 365 * 1440 - 1))
    settings = draw(_settings(supported))
    offset = draw(st.sampled_from(REAL_OFFSETS_MIN))
    other = draw(st.sampled_from(REAL_OFFSETS_MIN))
    i = ControllerInput(
        now_min=now, utc_offset_min=offset,
        glucose=draw(_glucose(now)),
        boluses=tuple(Bolus(now - draw(st.integers(0, 360)),
                            draw(st.integers(1, 100)) * settings.bolus_increment_mU)
                      for _ in range(draw(st.integers(0, 3)))),
        temp_basals=draw(_temps(now, settings.basal_increment_mU_per_h)),
        carbs=tuple(Carbs(now - draw(st.integers(0, 240)), draw(st.integers(5, 80)))
                    for _ in range(draw(st.integers(0, 2)))),
        settings=settings,
    )
    return Case(i, other - offset)


def _high(i: ControllerInput, value: int = 250) -> ControllerInput:
    """Glucose high and rising: every controller wants more insulin."""
    return replace(i, glucose=tuple(Glucose(i.now_min - 5 * k, value - 3 * k)
                                    for k in range(12, -1, -1)),
                   carbs=(), boluses=(), temp_basals=())


def _falling(i: ControllerInput, last: int, step: int) -> ControllerInput:
    return replace(i, glucose=tuple(Glucose(i.now_min - 5 * k, last + step * k)
                                    for k in range(12, -1, -1)), carbs=())


def directed_cases(supported: frozenset[str]) -> list[Case]:
    """Each limit one step below, at and above; each way of losing a setting; clocks."""
    base = example_input()
    high = _high(base)
    out: list[Case] = [Case(base), Case(high)]
    for limit in (1230, 1201, 1249, 1250, 1001, 3000, 3001):  # off and on the 50 mU/h grid
        out.append(Case(with_settings(high, max_basal_mU_per_h=limit)))
    very_high = _high(base, 350)
    for limit in (0, 1, 330, 349, 350, 1000, 1001):
        out.append(Case(with_settings(high, max_bolus_mU=limit)))
        out.append(Case(with_settings(very_high, max_bolus_mU=limit)))
    recent = replace(high, boluses=(Bolus(high.now_min - 30, 3000),))
    iob = net_iob_mU(recent)
    for limit in (0, iob - 1, iob, iob + 1, iob + 500):
        out.append(Case(with_settings(recent, max_iob_mU=max(0, limit))))
    for last in (69, 70, 71, 55, 40):
        out.append(Case(_falling(base, last, 0)))
        out.append(Case(_falling(base, last, 2)))
    for last, step in ((120, 6), (100, 8), (130, 15)):  # falling toward low, above target
        out.append(Case(_falling(base, last, step)))
    for age in (15, 16, 30, 60):
        out.append(Case(replace(high, now_min=high.now_min + age)))
    out.append(Case(replace(high, glucose=())))
    for ahead in (1, 5, 6, 60):
        out.append(Case(replace(high, glucose=(*high.glucose,
                                               Glucose(high.now_min + ahead, 260)))))
    for name in SAFETY_SETTINGS:
        if name not in supported:
            continue
        out.append(Case(with_settings(high, missing=(name,), **{name: None})))
        out.append(Case(with_settings(high, **{name: None})))
        out.append(Case(with_settings(high, **{name: -1})))
    for offset, shift in ((60, -60), (0, 330), (-300, 840), (345, -645), (570, -1140)):
        shifted = replace(high, utc_offset_min=offset)
        out.append(Case(shifted, shift))
        out.append(Case(replace(base, utc_offset_min=offset), shift))
    return out
