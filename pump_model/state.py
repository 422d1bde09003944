"""The pump's state: a frozen record of ints and bools (and one id set).

Everything the pump remembers is here, so that ``step`` is a pure function and the
same record can hold Python values or Z3 terms. Rolling windows are rings of bins
(:mod:`pump_model.windows`); the basal schedule is padded to a fixed number of slots
(unused slots start at minute 1440, so they never apply).

``seen_ids`` is a ``frozenset`` of id strings concretely and a Z3 array Int → Bool
symbolically: ids are remembered for the pump's whole life, so a set is the honest
model (no bounded history that could forget an id and accept a replay).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pumpproof.spec import MAX_SCHEDULE_SEGMENTS, Settings

from .curves import iob_table_ppm
from .logic import Bool, Int
from .windows import DAY_MIN, day_bins

__all__ = ["Params", "State", "initial_state", "pad_schedule"]

NO_SEGMENT = DAY_MIN  # start of an unused schedule slot: never reached by a time of day


@dataclass(frozen=True)
class Params:
    """Settings plus the integer tables and resolutions derived from them."""

    settings: Settings
    iob_bin_min: int = 5
    daily_bin_min: int = 60
    schedule_slots: int = MAX_SCHEDULE_SEGMENTS

    @property
    def iob_table(self) -> tuple[int, ...]:
        s = self.settings
        return iob_table_ppm(s.dia_min, s.peak_min, self.iob_bin_min)

    @property
    def daily_bins(self) -> int:
        return day_bins(self.daily_bin_min)


@dataclass(frozen=True)
class State:
    """What the pump remembers between requests (units in the names)."""

    t: Int  # elapsed minutes since start
    offset_min: Int  # clock offset: time of day = (t + offset_min) mod 1440
    suspended: Bool  # suspended by the user, automation, or after the last alarm cleared
    suspend_since: Int  # minute the current suspension began (or was acknowledged)
    reservoir_mU: Int
    bolus_now_mU: Int  # immediate part still to deliver
    ext_left_mU: Int  # extended part still to deliver
    ext_min_left: Int  # minutes of the extended part still to run
    ext_q_pulses: Int  # whole pulses every extended minute
    ext_r: Int  # extra pulses spread over the extended minutes (Bresenham remainder)
    ext_n: Int  # extended duration (Bresenham denominator)
    ext_acc: Int  # Bresenham accumulator, 0 ≤ ext_acc < ext_n
    basal_acc: Int  # basal accumulator in mU·min/h; a pulse every 60·pulse_mU
    temp_on: Bool
    temp_rate_mU_per_h: Int
    temp_end: Int  # the temp basal applies to minutes t < temp_end
    temp_auto: Bool
    schedule: tuple[tuple[Int, Int], ...]  # padded [start_minute_of_day, rate_mU_per_h]
    cgm_seen: Bool
    cgm_mg_dL: Int
    cgm_t: Int
    occluded: Bool  # the world's occlusion fault is present
    occl_pushed_mU: Int  # pushed since the occlusion fault
    battery_low: Bool
    battery_depleted: Bool
    motor_fault: Bool
    last_interaction: Int
    latched: tuple[Bool, ...]  # per STOPPING_ALARMS
    acked: tuple[Bool, ...]  # per STOPPING_ALARMS
    daily_ring: tuple[Int, ...]  # delivered mU per daily_bin_min block
    iob_ring: tuple[Int, ...]  # delivered mU per iob_bin_min block
    seen_ids: Any  # frozenset[str] | z3 Array(Int, Bool)

    def replace(self, **changes: Any) -> State:
        """A copy with some fields changed (cheaper than ``dataclasses.replace``)."""
        new = object.__new__(State)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new


def pad_schedule(
    schedule: tuple[tuple[int, int], ...], slots: int
) -> tuple[tuple[int, int], ...]:
    """A schedule padded with never-reached slots to the model's fixed slot count."""
    if len(schedule) > slots:
        raise ValueError(f"a schedule has at most {slots} segments, got {len(schedule)}")
    return tuple(schedule) + ((NO_SEGMENT, 0),) * (slots - len(schedule))


def initial_state(params: Params) -> State:
    """Minute 0: running, nothing on board, the settings' schedule, full reservoir."""
    s = params.settings
    n_stop = 5
    return State(
        t=0,
        offset_min=0,
        suspended=False,
        suspend_since=0,
        reservoir_mU=s.reservoir_capacity_mU,
        bolus_now_mU=0,
        ext_left_mU=0,
        ext_min_left=0,
        ext_q_pulses=0,
        ext_r=0,
        ext_n=1,
        ext_acc=0,
        basal_acc=0,
        temp_on=False,
        temp_rate_mU_per_h=0,
        temp_end=0,
        temp_auto=False,
        schedule=pad_schedule(s.basal_schedule, params.schedule_slots),
        cgm_seen=False,
        cgm_mg_dL=0,
        cgm_t=0,
        occluded=False,
        occl_pushed_mU=0,
        battery_low=False,
        battery_depleted=False,
        motor_fault=False,
        last_interaction=0,
        latched=(False,) * n_stop,
        acked=(False,) * n_stop,
        daily_ring=(0,) * params.daily_bins,
        iob_ring=(0,) * len(params.iob_table),
        seen_ids=frozenset(),
    )
