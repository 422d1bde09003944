"""Pieces of observer memory that several properties need, as pure functions.

Each tracker recomputes a fact from what the target showed (requests sent, answers
received), never from what the pump says about itself: the CGM reading last *sent*,
delivered insulin in a rolling window, insulin on board recomputed from deliveries.
"""

from __future__ import annotations

from typing import Any

from pumpproof.pump_model.codes import FAULTS, MODES, alarm_code, kind_code
from pumpproof.pump_model.logic import (
    Bool,
    Int,
    and_,
    div_const,
    dot_const,
    eq,
    ite,
    mod_const,
    not_,
    or_,
)

from .definitions import (
    CLOCK_OFFSET_MAX_MIN,
    EXTENDED_MIN_MAX,
    TEMP_BASAL_MIN_RANGE,
    iob_obligation,
    window_obligation,
)
from .observer import Context, StepView

__all__ = [
    "CGM_INIT",
    "RUNNING",
    "STOPPED",
    "SUSPENDED",
    "accepted_kind",
    "alarm",
    "bolus_step_mU",
    "cgm_after",
    "cgm_fresh_low",
    "cgm_lemmas",
    "fault_event",
    "iob_abstraction",
    "iob_ring_after",
    "iob_ring_init",
    "is_kind",
    "is_tick",
    "observer_iob_ppm",
    "pump_mode",
    "rings_agree",
    "user_interaction",
    "well_formed",
    "window_abstraction",
    "window_after",
    "window_init",
]

RUNNING, SUSPENDED, STOPPED = (MODES.index(m) for m in MODES)


def is_kind(view: StepView, name: str) -> Bool:
    return eq(view.request.kind, kind_code(name))


def is_tick(view: StepView) -> Bool:
    return is_kind(view, "tick")


def accepted_kind(view: StepView, name: str) -> Bool:
    return and_(is_kind(view, name), view.after.accepted)


def fault_event(view: StepView, name: str) -> Bool:
    """An accepted ``fault`` event of this kind (the world injecting or repairing a fault)."""
    return and_(accepted_kind(view, "fault"), eq(view.request.code, FAULTS.index(name)))


def alarm(observation: Any, name: str) -> Bool:
    return observation.alarms[alarm_code(name)]


def well_formed(view: StepView) -> Bool:
    """Whether the request *sent* is a well-formed event (§5 types and ranges), judged from
    the request alone, never from the target's answer: a refusal whose reason pumpproof does
    not know reads as ``bad_request``, and a target may refuse a harmless request, but what
    the user sent stays what it was. Types are checked at the edge (kind ``invalid``); the
    ranges the edge leaves to the pump are checked here."""
    r = view.request
    low_min, high_min = TEMP_BASAL_MIN_RANGE
    bad_bolus = or_(
        r.amount_mU < 0,
        r.extended_mU < 0,
        r.extended_min < 0,
        r.extended_min > EXTENDED_MIN_MAX,
        and_(r.extended_mU > 0, r.extended_min <= 0),
        r.amount_mU + r.extended_mU <= 0,
    )
    bad_temp = or_(r.rate_mU_per_h < 0, r.duration_min < low_min, r.duration_min > high_min)
    bad_clock = or_(r.offset_min < -CLOCK_OFFSET_MAX_MIN, r.offset_min > CLOCK_OFFSET_MAX_MIN)
    return and_(
        not_(is_kind(view, "invalid")),
        not_(and_(is_kind(view, "bolus"), bad_bolus)),
        not_(and_(is_kind(view, "temp_basal"), bad_temp)),
        not_(and_(is_kind(view, "set_clock"), bad_clock)),
        not_(and_(is_kind(view, "fill"), r.reservoir_mU < 0)),
    )


_ALWAYS_INTERACTION = (
    "cancel_bolus",
    "cancel_temp_basal",
    "set_basal_schedule",
    "set_clock",
    "fill",
    "ack_alarm",
)


def user_interaction(view: StepView) -> Bool:
    """A user interaction (§5, S11, S12): a well-formed event with ``source: "user"``, or any
    well-formed cancel, schedule, clock, fill or acknowledgement — accepted or refused, for
    whatever reason. A person operated the pump, whatever the pump answered."""
    by_user = and_(
        not_(view.request.auto),
        or_(*(is_kind(view, k) for k in ("bolus", "temp_basal", "suspend", "resume"))),
    )
    return and_(well_formed(view), or_(by_user, *(is_kind(view, k) for k in _ALWAYS_INTERACTION)))


# -- rolling windows of delivered insulin (the observer's own rings, not the pump's)


def shift_if_new_block(ring: tuple[Int, ...], t: Int, bin_min: int) -> tuple[Int, ...]:
    """The ring at the start of minute ``t``: a new empty newest bin when a block starts."""
    shifted = (0, *ring[:-1])
    if bin_min == 1:
        return shifted
    return ite_tuple(eq(mod_const(t, bin_min), 0), shifted, ring)


def add_to_current(ring: tuple[Int, ...], amount: Int) -> tuple[Int, ...]:
    return (ring[0] + amount, *ring[1:])


def window_init(ctx: Context) -> tuple[Int, ...]:
    return (0,) * ctx.window_bins


def window_after(ctx: Context, ring: tuple[Int, ...], view: StepView) -> tuple[Int, ...]:
    """Delivered insulin per bin after this step (a tick shifts into minute ``before.t``)."""
    shifted = shift_if_new_block(ring, view.before.t, ctx.daily_bin_min)
    ring = ite_tuple(is_tick(view), shifted, ring)
    return add_to_current(ring, view.after.delivered_mU)


def iob_ring_init(ctx: Context) -> tuple[Int, ...]:
    return (0,) * len(ctx.iob_table)


def iob_ring_after(ctx: Context, ring: tuple[Int, ...], view: StepView) -> tuple[Int, ...]:
    shifted = shift_if_new_block(ring, view.before.t, ctx.iob_bin_min)
    ring = ite_tuple(is_tick(view), shifted, ring)
    return add_to_current(ring, view.after.delivered_mU)


def observer_iob_ppm(ctx: Context, ring: tuple[Int, ...]) -> Int:
    """Insulin on board (mU·ppm) recomputed from delivered insulin with the spec's curve."""
    return dot_const(ring, ctx.iob_table)


def pump_mode(pump: Any) -> Int:
    """The mode a pump state stands for, read off its fields (for lemmas only): stopped
    while a stopping alarm is latched, else suspended or running."""
    return ite(or_(*pump.latched), STOPPED, ite(pump.suspended, SUSPENDED, RUNNING))


def rings_agree(observer: tuple[Int, ...], pump: tuple[Int, ...]) -> list[Bool]:
    """Lemma: the observer's ring and the pump's hold the same deliveries bin by bin.

    Where the observer keeps bins the pump does not, they must be empty — which is not
    inductive when the pump forgets insulin the protocol still counts, so such a pump is
    never proved.
    """
    facts = [eq(a, b) for a, b in zip(observer, pump, strict=False)]
    facts += [eq(extra, 0) for extra in observer[len(pump):]]
    facts += [v >= 0 for v in pump]
    return facts


def window_abstraction(ctx: Context) -> tuple[str, bool, str]:
    holds, detail = window_obligation(ctx.daily_bin_min, ctx.window_bins)
    return "1440-minute window never under-counts", holds, detail


def iob_abstraction(ctx: Context) -> tuple[str, bool, str]:
    s = ctx.params.settings
    holds, detail = iob_obligation(ctx.iob_bin_min, s.dia_min, s.peak_min)
    return "IOB bins never under-count", holds, detail


def ite_tuple(cond: Bool, a: tuple[Int, ...], b: tuple[Int, ...]) -> tuple[Int, ...]:
    if type(cond) is bool:
        return a if cond else b
    return tuple(ite(cond, x, y) for x, y in zip(a, b, strict=True))


# -- the CGM value last sent to the target

CGM_INIT = (False, 0, 0)  # (seen, glucose_mg_dL, minute read): nothing sent yet


def cgm_lemmas(pump: Any, memory: tuple[Any, Any, Any]) -> list[Bool]:
    """Lemma: the CGM tracker agrees with the pump's latest reading (for proofs)."""
    seen, glucose, read_t = memory
    return [
        eq(seen, pump.cgm_seen),
        or_(not_(seen), and_(eq(glucose, pump.cgm_mg_dL), eq(read_t, pump.cgm_t))),
    ]


def bolus_step_mU(ctx: Context) -> Int:
    """Whole pulses of the immediate bolus part delivered per minute at the bolus rate."""
    s = ctx.params.settings
    return div_const(s.bolus_rate_mU_per_min, s.pulse_mU) * s.pulse_mU


def cgm_after(memory: tuple[Bool, Int, Int], view: StepView) -> tuple[Bool, Int, Int]:
    """(seen, glucose_mg_dL, minute read) after this step; only accepted readings count."""
    seen, glucose, read_t = memory
    new = accepted_kind(view, "cgm")
    return (
        ite(new, True, seen),
        ite(new, view.request.glucose_mg_dL, glucose),
        ite(new, view.after.t, read_t),
    )


def cgm_fresh_low(ctx: Context, memory: tuple[Bool, Int, Int], t: Int) -> tuple[Bool, Bool]:
    """(fresh, low) of the last reading at minute ``t``."""
    seen, glucose, read_t = memory
    s = ctx.params.settings
    fresh = and_(seen, t - read_t <= s.cgm_stale_min)
    return fresh, and_(fresh, glucose <= s.lgs_threshold_mg_dL)


def not_fresh_or_low(ctx: Context, memory: tuple[Bool, Int, Int], t: Int) -> Bool:
    fresh, low = cgm_fresh_low(ctx, memory, t)
    return not_(and_(fresh, not_(low)))


