"""The reference pump: one transition function for target protocol v1.

``step(params, state, request) -> (state, observation)`` is written once on the logic
layer (:mod:`pump_model.logic`), never with a Python ``if`` on state, so the same code
runs on Python ints (concrete runs, ``serve``, fuzzing) and on Z3 terms (proofs).

Structure: one handler per request kind computes the state after that request; for a
concrete request only its handler runs, for a symbolic one every handler runs and the
results are merged with ``ite`` on the kind. Then :func:`_settle` applies the rules that
hold after every request (temp basal expiry, latching and clearing of stopping alarms,
the start of a suspension), and :func:`observe` reads the observation off the state.

Conservative abstractions (documented in the README): the daily total is counted in
60-minute bins that cover at least the last 1440 minutes, and insulin on board in
5-minute bins valued at their youngest age with fractions rounded up. The pump therefore
never under-counts either quantity compared with the protocol's exact definitions; it may
refuse or withhold slightly earlier than an exact pump.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

from .codes import ALARMS, FAULTS, KINDS, MODES, STOPPING_ALARMS, alarm_code, kind_code, reason_code
from .curves import PPM
from .logic import (
    Bool,
    Int,
    and_,
    div_const,
    div_var,
    dot_const,
    eq,
    is_concrete,
    ite,
    lookup_step,
    max_,
    min_,
    mod_const,
    mod_var,
    not_,
    or_,
    set_add,
    set_contains,
)
from .request import Request
from .state import Params, State
from .windows import DAY_MIN, add_to_current, ring_total, shift_if_new_block

__all__ = [
    "MAX_TEMP_DURATION_MIN",
    "REFERENCE",
    "Handler",
    "Observation",
    "Observe",
    "Outcome",
    "Rules",
    "Settle",
    "bolus_in_progress",
    "cgm_fresh",
    "cgm_low",
    "iob_ppm",
    "mode_of",
    "observe",
    "select_state",
    "step",
]

RUNNING, SUSPENDED, STOPPED = (MODES.index(m) for m in MODES)
MAX_TEMP_DURATION_MIN = 4320  # 72 h, the longest temp basal of common pumps
MAX_CLOCK_OFFSET_MIN = DAY_MIN
CGM_RANGE_MG_DL = (1, 1000)
NONE = reason_code(None)
_OCCL, _RES, _BATT, _MOTOR, _AUTO_OFF = range(len(STOPPING_ALARMS))


@dataclass(frozen=True)
class Observation:
    """What the pump shows after a request (codes; the protocol edge names them)."""

    t: Int
    delivered_mU: Int
    reservoir_mU: Int
    iob_mU: Int
    basal_rate_mU_per_h: Int
    mode: Int
    alarms: tuple[Bool, ...]  # per ALARMS
    accepted: Bool
    reason: Int


@dataclass(frozen=True)
class Outcome:
    """What one request's handler did: the state after it, before the settle rules."""

    state: State
    delivered_mU: Int = 0
    reason: Int = NONE
    occlusion_detected: Bool = False


Handler = Callable[[Params, State, Request], Outcome]
Settle = Callable[[Params, State, State, Bool], State]
Observe = Callable[[Params, State, Int, Int], Observation]


# ---------------------------------------------------------------- derived quantities


def mode_of(state: State) -> Int:
    return ite(or_(*state.latched), STOPPED, ite(state.suspended, SUSPENDED, RUNNING))


def cgm_fresh(params: Params, state: State) -> Bool:
    return and_(state.cgm_seen, state.t - state.cgm_t <= params.settings.cgm_stale_min)


def cgm_low(params: Params, state: State) -> Bool:
    return and_(cgm_fresh(params, state), state.cgm_mg_dL <= params.settings.lgs_threshold_mg_dL)


def iob_ppm(params: Params, ring: tuple[Int, ...]) -> Int:
    """Insulin on board in mU·ppm from a ring of 5-minute bins (never under-counts)."""
    return dot_const(ring, params.iob_table)


def pending_bolus(state: State) -> Int:
    return state.bolus_now_mU + state.ext_left_mU


def bolus_in_progress(state: State) -> Bool:
    return pending_bolus(state) > 0


def _time_of_day(state: State) -> Int:
    return mod_const(state.t + state.offset_min, DAY_MIN)


def _scheduled_rate(state: State) -> Int:
    """Rate of the schedule segment containing the current time of day."""
    starts = tuple(start for start, _ in state.schedule)
    rates = tuple(rate for _, rate in state.schedule)
    return lookup_step(starts, rates, _time_of_day(state))


def _temp_now(state: State) -> Bool:
    return and_(state.temp_on, state.t < state.temp_end)


def _basal_rate(params: Params, state: State) -> Int:
    """The rate delivered in the minute starting now: 0 unless running and not low."""
    running = eq(mode_of(state), RUNNING)
    nominal = ite(_temp_now(state), state.temp_rate_mU_per_h, _scheduled_rate(state))
    return ite(and_(running, not_(cgm_low(params, state))), nominal, 0)


def _auto_temp_delivering(params: Params, state: State) -> Bool:
    return and_(
        _temp_now(state),
        state.temp_auto,
        eq(mode_of(state), RUNNING),
        not_(cgm_low(params, state)),
    )


def _auto_off_expired(params: Params, state: State) -> Bool:
    limit = params.settings.auto_off_min  # 0 switches auto-off off
    return and_(limit > 0, state.t - state.last_interaction >= limit)


# ---------------------------------------------------------------- small state edits


def _cancel_bolus(state: State, cond: Bool = True) -> State:
    return state.replace(
        bolus_now_mU=ite(cond, 0, state.bolus_now_mU),
        ext_left_mU=ite(cond, 0, state.ext_left_mU),
        ext_min_left=ite(cond, 0, state.ext_min_left),
        ext_acc=ite(cond, 0, state.ext_acc),
    )


def _cancel_temp(state: State, cond: Bool = True) -> State:
    return state.replace(temp_on=and_(state.temp_on, not_(cond)))


def _interaction(state: State, cond: Bool) -> State:
    return state.replace(last_interaction=ite(cond, state.t, state.last_interaction))


def _first_reason(checks: Sequence[tuple[Bool, str]]) -> Int:
    """The reason code of the first failing check, or NONE."""
    reason: Int = NONE
    for cond, name in reversed(checks):
        reason = ite(cond, reason_code(name), reason)
    return reason


def select_state(cond: Bool, then: Any, other: Any) -> Any:
    """``ite`` on whole states (field by field) and on nested tuples."""
    if is_concrete(cond):
        return then if cond else other
    if isinstance(then, State):
        return State(
            **{
                f.name: select_state(cond, getattr(then, f.name), getattr(other, f.name))
                for f in fields(State)
            }
        )
    if isinstance(then, tuple):
        return tuple(select_state(cond, a, b) for a, b in zip(then, other, strict=True))
    return ite(cond, then, other)


# ---------------------------------------------------------------- handlers


def _tick(params: Params, s: State, r: Request) -> Outcome:
    """Minute [t, t+1): bolus, extended and basal pulses, within every limit."""
    st = params.settings
    pulse = st.pulse_mU
    running = eq(mode_of(s), RUNNING)
    rate = _basal_rate(params, s)
    daily = shift_if_new_block(s.daily_ring, s.t, params.daily_bin_min)
    iob_ring = shift_if_new_block(s.iob_ring, s.t, params.iob_bin_min)

    per_minute = div_const(st.bolus_rate_mU_per_min, pulse) * pulse  # whole pulses a minute
    now_part = ite(running, min_(s.bolus_now_mU, per_minute), 0)
    ext_active = and_(running, s.ext_min_left > 0)
    acc = s.ext_acc + s.ext_r
    extra = acc >= s.ext_n
    ext_pulses = s.ext_q_pulses + ite(extra, 1, 0)
    ext_part = ite(ext_active, min_(ext_pulses * pulse, s.ext_left_mU), 0)
    ext_acc = ite(ext_active, acc - ite(extra, s.ext_n, 0), s.ext_acc)

    basal_acc = s.basal_acc + rate
    basal_pulses = div_const(basal_acc, 60 * pulse)
    basal_acc = basal_acc - basal_pulses * (60 * pulse)
    # Daily total: the pending bolus is already committed, so basal fits in what is left.
    room_daily = st.max_daily_total_mU - ring_total(daily) - pending_bolus(s)
    basal_pulses = min_(basal_pulses, div_const(max_(room_daily, 0), pulse))
    # Automated temp basal: withhold pulses that would take IOB above max_iob_mU.
    room_iob = st.max_iob_mU * PPM - iob_ppm(params, iob_ring) - (now_part + ext_part) * PPM
    iob_pulses = div_const(max_(room_iob, 0), PPM * pulse)
    auto_temp = and_(_temp_now(s), s.temp_auto)
    basal_pulses = ite(auto_temp, min_(basal_pulses, iob_pulses), basal_pulses)

    desired = now_part + ext_part + basal_pulses * pulse
    after_reservoir = min_(desired, div_const(s.reservoir_mU, pulse) * pulse)
    occlusion_room = max_(st.occlusion_max_missed_mU - 1 - s.occl_pushed_mU, 0)
    occlusion_cap = div_const(occlusion_room, pulse) * pulse
    detected = and_(s.occluded, after_reservoir > occlusion_cap)
    delivered = ite(s.occluded, min_(after_reservoir, occlusion_cap), after_reservoir)

    new = s.replace(
        t=s.t + 1,
        bolus_now_mU=s.bolus_now_mU - now_part,
        ext_left_mU=s.ext_left_mU - ext_part,
        ext_min_left=ite(ext_active, s.ext_min_left - 1, s.ext_min_left),
        ext_acc=ext_acc,
        basal_acc=basal_acc,
        reservoir_mU=s.reservoir_mU - delivered,
        occl_pushed_mU=ite(s.occluded, s.occl_pushed_mU + delivered, s.occl_pushed_mU),
        daily_ring=add_to_current(daily, delivered),
        iob_ring=add_to_current(iob_ring, delivered),
    )
    return Outcome(new, delivered_mU=delivered, occlusion_detected=detected)


def _bolus(params: Params, s: State, r: Request) -> Outcome:
    st = params.settings
    pulse = st.pulse_mU
    total = r.amount_mU + r.extended_mU
    malformed = or_(
        r.amount_mU < 0,
        r.extended_mU < 0,
        r.extended_min < 0,
        r.extended_min > DAY_MIN,
        and_(r.extended_mU > 0, r.extended_min <= 0),
        total <= 0,
    )
    mode = mode_of(s)
    auto = r.auto
    reason = _first_reason(
        [
            (malformed, "bad_request"),
            (set_contains(s.seen_ids, r.id_key), "replayed_id"),
            (
                or_(mod_const(r.amount_mU, pulse) != 0, mod_const(r.extended_mU, pulse) != 0),
                "not_whole_pulses",
            ),
            (eq(mode, STOPPED), "stopped"),
            (eq(mode, SUSPENDED), "suspended"),
            (total > st.max_bolus_mU, "exceeds_max_bolus"),
            (bolus_in_progress(s), "bolus_in_progress"),
            (and_(auto, not_(cgm_fresh(params, s))), "cgm_stale"),
            (and_(auto, cgm_low(params, s)), "low_glucose"),
            (
                and_(auto, iob_ppm(params, s.iob_ring) + total * PPM > st.max_iob_mU * PPM),
                "exceeds_max_iob",
            ),
            (ring_total(s.daily_ring) + total > st.max_daily_total_mU, "exceeds_max_daily_total"),
        ]
    )
    accepted = eq(reason, NONE)
    ext_pulses = div_const(r.extended_mU, pulse)
    n = max_(r.extended_min, 1)
    started = s.replace(
        bolus_now_mU=r.amount_mU,
        ext_left_mU=r.extended_mU,
        ext_min_left=ite(r.extended_mU > 0, r.extended_min, 0),
        ext_q_pulses=div_var(ext_pulses, n),
        ext_r=mod_var(ext_pulses, n),
        ext_n=n,
        ext_acc=0,
    )
    well_formed = not_(malformed)
    new = select_state(accepted, started, s)
    new = new.replace(seen_ids=select_state(well_formed, set_add(s.seen_ids, r.id_key), s.seen_ids))
    new = _interaction(new, and_(well_formed, not_(auto)))
    return Outcome(new, reason=reason)


def _temp_basal(params: Params, s: State, r: Request) -> Outcome:
    st = params.settings
    malformed = or_(
        r.rate_mU_per_h < 0, r.duration_min < 1, r.duration_min > MAX_TEMP_DURATION_MIN
    )
    mode = mode_of(s)
    adds_insulin = and_(r.auto, r.rate_mU_per_h > 0)
    reason = _first_reason(
        [
            (malformed, "bad_request"),
            (set_contains(s.seen_ids, r.id_key), "replayed_id"),
            (eq(mode, STOPPED), "stopped"),
            (eq(mode, SUSPENDED), "suspended"),
            (r.rate_mU_per_h > st.max_basal_rate_mU_per_h, "exceeds_max_basal"),
            (and_(adds_insulin, not_(cgm_fresh(params, s))), "cgm_stale"),
            (and_(adds_insulin, cgm_low(params, s)), "low_glucose"),
        ]
    )
    accepted = eq(reason, NONE)
    started = s.replace(
        temp_on=True,
        temp_rate_mU_per_h=r.rate_mU_per_h,
        temp_end=s.t + r.duration_min,
        temp_auto=r.auto,
    )
    well_formed = not_(malformed)
    new = select_state(accepted, started, s)
    new = new.replace(seen_ids=select_state(well_formed, set_add(s.seen_ids, r.id_key), s.seen_ids))
    new = _interaction(new, and_(well_formed, not_(r.auto)))
    return Outcome(new, reason=reason)


def _cancel_bolus_event(params: Params, s: State, r: Request) -> Outcome:
    return Outcome(_interaction(_cancel_bolus(s), True))


def _cancel_temp_event(params: Params, s: State, r: Request) -> Outcome:
    return Outcome(_interaction(_cancel_temp(s), True))


def _set_schedule(params: Params, s: State, r: Request) -> Outcome:
    too_high = or_(
        *(
            and_(start < DAY_MIN, rate > params.settings.max_basal_rate_mU_per_h)
            for start, rate in r.schedule
        )
    )
    reason = _first_reason([(too_high, "exceeds_max_basal")])
    new = select_state(eq(reason, NONE), s.replace(schedule=r.schedule), s)
    return Outcome(_interaction(new, True), reason=reason)


def _suspend(params: Params, s: State, r: Request) -> Outcome:
    new = _cancel_temp(_cancel_bolus(s)).replace(suspended=True)
    return Outcome(_interaction(new, not_(r.auto)))


def _resume(params: Params, s: State, r: Request) -> Outcome:
    # S9: only resuming a suspended pump adds insulin; a resume while running is accepted
    # with no effect, for either source and whatever the CGM value.
    adds_insulin = and_(r.auto, eq(mode_of(s), SUSPENDED))
    reason = _first_reason(
        [
            (eq(mode_of(s), STOPPED), "stopped"),
            (and_(adds_insulin, not_(cgm_fresh(params, s))), "cgm_stale"),
            (and_(adds_insulin, cgm_low(params, s)), "low_glucose"),
        ]
    )
    new = select_state(eq(reason, NONE), s.replace(suspended=False), s)
    return Outcome(_interaction(new, not_(r.auto)), reason=reason)


def _cgm(params: Params, s: State, r: Request) -> Outcome:
    low, high = CGM_RANGE_MG_DL
    malformed = or_(r.glucose_mg_dL < low, r.glucose_mg_dL > high)
    reason = _first_reason([(malformed, "bad_request")])
    reading = s.replace(cgm_seen=True, cgm_mg_dL=r.glucose_mg_dL, cgm_t=s.t)
    return Outcome(select_state(eq(reason, NONE), reading, s), reason=reason)


def _set_clock(params: Params, s: State, r: Request) -> Outcome:
    malformed = or_(r.offset_min < -MAX_CLOCK_OFFSET_MIN, r.offset_min > MAX_CLOCK_OFFSET_MIN)
    reason = _first_reason([(malformed, "bad_request")])
    ok = eq(reason, NONE)
    new = select_state(ok, s.replace(offset_min=r.offset_min), s)
    return Outcome(_interaction(new, ok), reason=reason)


def _fill(params: Params, s: State, r: Request) -> Outcome:
    st = params.settings
    reason = _first_reason(
        [
            (r.reservoir_mU < 0, "bad_request"),
            (mod_const(r.reservoir_mU, st.pulse_mU) != 0, "not_whole_pulses"),
            (eq(mode_of(s), RUNNING), "not_suspended"),
            (r.reservoir_mU > st.reservoir_capacity_mU, "exceeds_capacity"),
        ]
    )
    ok = eq(reason, NONE)
    new = select_state(ok, s.replace(reservoir_mU=r.reservoir_mU), s)
    return Outcome(_interaction(new, r.reservoir_mU >= 0), reason=reason)


def _ack(params: Params, s: State, r: Request) -> Outcome:
    acked = tuple(
        or_(was, and_(latched, eq(r.code, alarm_code(name))))
        for name, was, latched in zip(STOPPING_ALARMS, s.acked, s.latched, strict=True)
    )
    too_long = and_(eq(r.code, alarm_code("suspend_too_long")), _suspend_too_long(params, s))
    new = s.replace(acked=acked, suspend_since=ite(too_long, s.t, s.suspend_since))
    return Outcome(_interaction(new, True))


def _fault(params: Params, s: State, r: Request) -> Outcome:
    def is_(name: str) -> Bool:
        return eq(r.code, FAULTS.index(name))

    starts_occlusion = and_(is_("occlusion"), not_(s.occluded))
    clears_occlusion = is_("occlusion_cleared")
    new = s.replace(
        occluded=or_(and_(s.occluded, not_(clears_occlusion)), is_("occlusion")),
        occl_pushed_mU=ite(or_(starts_occlusion, clears_occlusion), 0, s.occl_pushed_mU),
        battery_low=and_(or_(s.battery_low, is_("battery_low")), not_(is_("battery_replaced"))),
        battery_depleted=and_(
            or_(s.battery_depleted, is_("battery_depleted")), not_(is_("battery_replaced"))
        ),
        motor_fault=and_(or_(s.motor_fault, is_("motor")), not_(is_("motor_cleared"))),
    )
    return Outcome(new)


def _restart(params: Params, s: State, r: Request) -> Outcome:
    """Power cycle: volatile delivery state is lost; history, limits and alarms persist."""
    new = _cancel_temp(_cancel_bolus(s)).replace(basal_acc=0)
    return Outcome(new)


def _invalid(params: Params, s: State, r: Request) -> Outcome:
    return Outcome(s, reason=r.code)


_REFERENCE_HANDLERS: dict[str, Handler] = {
    "tick": _tick,
    "bolus": _bolus,
    "cancel_bolus": _cancel_bolus_event,
    "temp_basal": _temp_basal,
    "cancel_temp_basal": _cancel_temp_event,
    "set_basal_schedule": _set_schedule,
    "suspend": _suspend,
    "resume": _resume,
    "cgm": _cgm,
    "set_clock": _set_clock,
    "fill": _fill,
    "ack_alarm": _ack,
    "fault": _fault,
    "restart": _restart,
    "invalid": _invalid,
}


# ---------------------------------------------------------------- after every request


def _suspend_too_long(params: Params, s: State) -> Bool:
    return and_(
        eq(mode_of(s), SUSPENDED), s.t - s.suspend_since > params.settings.max_suspend_min
    )


def _settle(params: Params, before: State, s: State, occlusion_detected: Bool) -> State:
    """Rules that hold after every request (protocol rules 3, 6–10)."""
    fresh = cgm_fresh(params, s)
    temp_on = and_(s.temp_on, s.t < s.temp_end, not_(and_(s.temp_auto, not_(fresh))))
    s = s.replace(temp_on=temp_on)

    reservoir_empty = s.reservoir_mU < params.settings.pulse_mU
    auto_off = _auto_off_expired(params, s)
    causes = (s.occluded, reservoir_empty, s.battery_depleted, s.motor_fault, auto_off)
    raises = (occlusion_detected, reservoir_empty, s.battery_depleted, s.motor_fault, auto_off)
    latched, acked, newly = [], [], []
    for was, ack, cause, rise in zip(s.latched, s.acked, causes, raises, strict=True):
        cleared = and_(was, ack, not_(cause))
        now = or_(and_(was, not_(cleared)), rise)
        new_alarm = and_(not_(was), now)
        latched.append(now)
        acked.append(and_(now, not_(new_alarm), ack))
        newly.append(new_alarm)
    stop = or_(*newly)
    s = _cancel_temp(_cancel_bolus(s, stop), stop).replace(
        latched=tuple(latched), acked=tuple(acked), suspended=or_(s.suspended, stop)
    )
    became_suspended = and_(eq(mode_of(s), SUSPENDED), not_(eq(mode_of(before), SUSPENDED)))
    return s.replace(suspend_since=ite(became_suspended, s.t, s.suspend_since))


def observe(params: Params, s: State, delivered_mU: Int, reason: Int) -> Observation:
    """The observation of state ``s`` (the protocol's answer to a request)."""
    st = params.settings
    iob = iob_ppm(params, s.iob_ring)
    alarm_values = {
        "auto_off": s.latched[_AUTO_OFF],
        "battery_depleted": s.latched[_BATT],
        "battery_low": or_(s.battery_low, s.battery_depleted),  # S10: depleted is also low
        "cgm_stale": and_(s.cgm_seen, not_(cgm_fresh(params, s))),
        "low_glucose": cgm_low(params, s),
        "max_daily_total": ring_total(s.daily_ring) + pending_bolus(s) + st.pulse_mU
        > st.max_daily_total_mU,
        "max_iob": and_(
            _auto_temp_delivering(params, s), iob + st.pulse_mU * PPM > st.max_iob_mU * PPM
        ),
        "motor": s.latched[_MOTOR],
        "occlusion": s.latched[_OCCL],
        "reservoir_empty": s.latched[_RES],
        "reservoir_low": s.reservoir_mU <= st.low_reservoir_mU,
        "suspend_too_long": _suspend_too_long(params, s),
    }
    return Observation(
        t=s.t,
        delivered_mU=delivered_mU,
        reservoir_mU=s.reservoir_mU,
        iob_mU=div_const(iob + PPM - 1, PPM),
        basal_rate_mU_per_h=_basal_rate(params, s),
        mode=mode_of(s),
        alarms=tuple(alarm_values[name] for name in ALARMS),
        accepted=eq(reason, NONE),
        reason=reason,
    )


@dataclass(frozen=True, eq=False)
class Rules:
    """The pump's behaviour as a value: one handler per request kind, the rules that hold
    after every request (``settle``) and the observation (``observe``).

    :data:`REFERENCE` is protocol v1. A selftest mutant is another ``Rules`` value built
    with :meth:`replacing`, so a deliberately broken pump never patches a module global.
    """

    name: str
    handlers: Mapping[str, Handler]
    settle: Settle
    observe: Observe

    def __post_init__(self) -> None:
        if tuple(self.handlers) != KINDS:
            raise ValueError(f"rules {self.name!r} need one handler per kind, in order {KINDS}")

    def replacing(
        self,
        name: str,
        handlers: Mapping[str, Handler] | None = None,
        settle: Settle | None = None,
        observe: Observe | None = None,
    ) -> Rules:
        """These rules with some parts replaced (``handlers`` maps kind → handler)."""
        merged = dict(self.handlers)
        for kind, handler in (handlers or {}).items():
            if kind not in merged:
                raise KeyError(f"no request kind {kind!r}")
            merged[kind] = handler
        return Rules(name, MappingProxyType(merged), settle or self.settle,
                     observe or self.observe)


REFERENCE = Rules("reference", MappingProxyType(_REFERENCE_HANDLERS), _settle, observe)


def step(
    params: Params, state: State, request: Request, rules: Rules = REFERENCE
) -> tuple[State, Observation]:
    """One request: the next state and the observation the pump answers with."""
    if is_concrete(request.kind):
        outcome = rules.handlers[KINDS[request.kind]](params, state, request)
    else:
        outcome = _merge(params, state, request, rules)
    after = rules.settle(params, state, outcome.state, outcome.occlusion_detected)
    return after, rules.observe(params, after, outcome.delivered_mU, outcome.reason)


def _merge(params: Params, state: State, request: Request, rules: Rules) -> Outcome:
    """Every handler's outcome, selected by the symbolic kind."""
    merged: Outcome | None = None
    for name in reversed(KINDS):
        outcome = rules.handlers[name](params, state, request)
        if merged is None:
            merged = outcome
            continue
        is_kind = eq(request.kind, kind_code(name))
        merged = Outcome(
            state=select_state(is_kind, outcome.state, merged.state),
            delivered_mU=ite(is_kind, outcome.delivered_mU, merged.delivered_mU),
            reason=ite(is_kind, outcome.reason, merged.reason),
            occlusion_detected=ite(is_kind, outcome.occlusion_detected, merged.occlusion_detected),
        )
    assert merged is not None
    return merged
