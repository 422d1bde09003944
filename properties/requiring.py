"""Properties that *require*: valid requests are accepted, alarms come only when due,
basal is delivered as programmed, automation is held to its IOB cap by what it delivered.

Every other property forbids something, and a pump that refuses everything passes them
all — yet under-delivery and spurious refusals or alarms are DKA hazards. These observers
decide from what they saw that *nothing in the protocol forbids* a request (or withholds
a pulse), conservatively, and then require the pump to act.

Shared memory, recomputed from requests and answers only:

* ``busy_until`` — an upper bound of the minute at which the last accepted bolus can have
  ended: its immediate part at whole pulses of ``bolus_rate_mU_per_min`` per minute, plus
  ``extended_min``, plus a minute. A cancel, a suspend, a restart or a mode other than
  running ends it for certain (R1, R7, R10, R11).
* ``temp`` — ``(until, auto)`` of the last accepted temp basal: the minute its duration
  ends and whether it was automated; ``until`` is 0 once it is certainly over (cancelled,
  suspended, restarted, stopped, or automated and its CGM value not fresh after a step).
* ``delivered`` — insulin delivered over the whole trace: never less than what the
  pump's (conservative) 1440-minute window holds.
* ``schedule, offset`` — the basal schedule and clock offset in force, so that the
  programmed rate of any minute is the schedule at ``(t + offset) mod 1440`` (R12).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pumpproof.pump_model import PPM, State, pad_schedule
from pumpproof.pump_model.codes import ALARMS, KINDS, REASONS, STOPPING_ALARMS
from pumpproof.pump_model.logic import (
    and_,
    div_const,
    div_var,
    eq,
    ite,
    lookup_step,
    mod_const,
    not_,
    or_,
    set_contains,
    sum_,
)

from .definitions import DAY_MIN
from .observer import Check, Context, Property, StepView, describe_request
from .trackers import (
    CGM_INIT,
    RUNNING,
    SUSPENDED,
    SUSPENDED_SINCE_INIT,
    accepted_kind,
    alarm,
    bolus_step_mU,
    cgm_after,
    cgm_fresh_low,
    cgm_lemmas,
    fault_event,
    ids_after,
    iob_abstraction,
    iob_ring_after,
    iob_ring_init,
    is_kind,
    is_tick,
    observer_iob_ppm,
    pump_mode,
    rings_agree,
    suspended_since_after,
    suspended_since_lemmas,
    user_interaction,
)

__all__ = [
    "AlarmAcknowledged",
    "AlarmsOnlyWithCause",
    "AutoTempBasalEndsOnStaleCgm",
    "AutoTempBasalIobCap",
    "BasalDeliveredAsProgrammed",
    "SuspendResumeAccepted",
    "SuspendTooLongOnlyWhenDue",
    "ValidBolusAccepted",
    "ValidTempBasalAccepted",
]

_NO_TEMP = (0, False)  # (until, auto) of the last accepted temp basal



# -- shared trackers ---------------------------------------------------------------------



def _ended(view: StepView, cancel_kind: str) -> Any:
    """What certainly ends a bolus (``cancel_bolus``) or a temp basal (``cancel_temp_basal``)."""
    return or_(
        accepted_kind(view, cancel_kind),
        is_kind(view, "suspend"),
        is_kind(view, "restart"),
        not_(eq(view.after.mode, RUNNING)),
    )


def _busy_after(ctx: Context, busy_until: Any, view: StepView) -> Any:
    """Upper bound of the minute the last accepted bolus can still be delivering."""
    r = view.request
    step = bolus_step_mU(ctx)
    longest = div_const(r.amount_mU + step - 1, step) + r.extended_min + 1
    return ite(
        accepted_kind(view, "bolus"),
        view.after.t + longest,
        ite(_ended(view, "cancel_bolus"), 0, busy_until),
    )


def _temp_after(
    ctx: Context, temp: tuple[Any, Any], view: StepView, cgm: tuple[Any, Any, Any]
) -> tuple[Any, Any]:
    """The last accepted temp basal after this step (``cgm``: the tracker after it); an
    automated one ends for certain once the CGM value is not fresh after a step (R3, S16)."""
    until, auto = temp
    r = view.request
    started = accepted_kind(view, "temp_basal")
    ended = _ended(view, "cancel_temp_basal")
    until = ite(started, view.after.t + r.duration_min, ite(ended, 0, until))
    auto = ite(started, r.auto, auto)
    fresh, _ = cgm_fresh_low(ctx, cgm, view.after.t)
    return ite(and_(auto, not_(fresh)), 0, until), auto


def _busy_lemmas(ctx: Context, pump: State, busy_until: Any) -> list[Any]:
    """The pump has no bolus in progress from ``busy_until`` on.

    The immediate part still to deliver fits in the minutes left at ``step`` per minute,
    the extended part's minutes fit too, a bolus runs only while running, and the
    extended part's pulses left are exactly what its Bresenham bookkeeping still spreads
    over its minutes left: ``q·m + ⌊(acc + m·r)/n⌋`` (nonlinear; Z3 decides it here), so
    none is left when no minute is.
    """
    step = bolus_step_mU(ctx)
    left = busy_until - pump.t - 1
    idle = and_(eq(pump.bolus_now_mU, 0), eq(pump.ext_left_mU, 0), eq(pump.ext_min_left, 0))
    m = pump.ext_min_left
    spread = div_var(pump.ext_acc + m * pump.ext_r, pump.ext_n)
    return [
        or_(idle, eq(pump_mode(pump), RUNNING)),
        or_(eq(pump.bolus_now_mU, 0), pump.bolus_now_mU <= left * step),
        or_(eq(m, 0), m <= left),
        eq(pump.ext_left_mU, ctx.params.settings.pulse_mU * (pump.ext_q_pulses * m + spread)),
    ]


def _temp_lemmas(pump: State, temp: tuple[Any, Any]) -> list[Any]:
    """The pump's temp basal is the one the tracker saw accepted, and only while running."""
    until, auto = temp
    return [
        or_(pump.t >= until, pump.temp_on),
        or_(not_(pump.temp_on), and_(eq(pump.temp_end, until), eq(pump.temp_auto, auto))),
        or_(not_(pump.temp_on), eq(pump_mode(pump), RUNNING)),
    ]


def _schedule_init(ctx: Context) -> tuple[tuple[int, int], ...]:
    p = ctx.params
    return pad_schedule(p.settings.basal_schedule, p.schedule_slots)


def _programme_after(programme: tuple[Any, Any], view: StepView) -> tuple[Any, Any]:
    schedule, offset = programme
    r = view.request
    new_schedule = accepted_kind(view, "set_basal_schedule")
    if len(r.schedule) == len(schedule):  # concretely, only a schedule request carries one
        schedule = tuple(
            (ite(new_schedule, a, b), ite(new_schedule, c, d))
            for (a, c), (b, d) in zip(r.schedule, schedule, strict=True)
        )
    offset = ite(accepted_kind(view, "set_clock"), r.offset_min, offset)
    return schedule, offset


def _programmed_rate(programme: tuple[Any, Any], t: Any) -> Any:
    """The schedule's rate (mU/h) at elapsed minute ``t`` (R12: time of day selects it)."""
    schedule, offset = programme
    starts = tuple(start for start, _ in schedule)
    rates = tuple(rate for _, rate in schedule)
    return lookup_step(starts, rates, mod_const(t + offset, DAY_MIN))


def _programme_lemmas(pump: State, programme: tuple[Any, Any]) -> list[Any]:
    schedule, offset = programme
    facts = [eq(offset, pump.offset_min)]
    for (start, rate), (p_start, p_rate) in zip(schedule, pump.schedule, strict=True):
        facts += [eq(start, p_start), eq(rate, p_rate)]
    return facts



def _well_formed_bolus(view: StepView) -> Any:
    r = view.request
    return and_(
        r.amount_mU >= 0,
        r.extended_mU >= 0,
        r.extended_min >= 0,
        r.extended_min <= DAY_MIN,
        or_(r.extended_mU <= 0, r.extended_min > 0),
        r.amount_mU + r.extended_mU > 0,
    )


# -- valid requests are accepted -----------------------------------------------------------


class SuspendResumeAccepted(Property):
    id = "P-HF-SUSPEND-RESUME"
    title = "A suspend is always accepted, and a user resume of a suspended pump is accepted"
    requirements = ("REQ-HF-3",)
    trigger = "suspend requests, and user resume requests while suspended"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        suspend = is_kind(view, "suspend")
        resume = and_(
            is_kind(view, "resume"), not_(view.request.auto), eq(view.before.mode, SUSPENDED)
        )
        due = or_(suspend, resume)
        return Check(memory, or_(not_(due), view.after.accepted), due)


class ValidTempBasalAccepted(Property):
    id = "P-DKA-TEMP-BASAL-ACCEPTED"
    title = ("A well-formed temp basal with a new id within max basal, by the user or "
             "automated at rate 0, is accepted while running")
    requirements = ("REQ-DKA-9",)
    trigger = "temp basal requests that nothing in the protocol refuses"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (frozenset(),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (seen,) = memory
        r = view.request
        s = ctx.params.settings
        temp = is_kind(view, "temp_basal")
        well_formed = and_(r.rate_mU_per_h >= 0, r.duration_min >= 1, r.duration_min <= 4320)
        due = and_(
            temp,
            well_formed,
            not_(set_contains(seen, r.id_key)),
            eq(view.before.mode, RUNNING),
            r.rate_mU_per_h <= s.max_basal_rate_mU_per_h,
            or_(not_(r.auto), eq(r.rate_mU_per_h, 0)),
        )
        seen = ids_after(seen, view)
        return Check((seen,), or_(not_(due), view.after.accepted), due)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return [memory[0] == pump.seen_ids]


class ValidBolusAccepted(Property):
    id = "P-DKA-BOLUS-ACCEPTED"
    title = ("A user bolus within every limit (max bolus, whole pulses, new id, none in "
             "progress, the daily total) is accepted while running")
    requirements = ("REQ-DKA-8",)
    trigger = "user bolus requests that nothing in the protocol refuses"
    # The bolus bound divides by the delivery per minute (nonlinear when the rate is
    # symbolic): proofs keep the bolus rate at the spec's value, and the scope says so.
    concrete_settings = ("bolus_rate_mU_per_min",)
    # Searched by BMC and fuzzed, not proved by k-induction: "no bolus can be in progress"
    # needs the nonlinear Bresenham lemma (_busy_lemmas) and "a new id" the id set, and
    # Z3 does not decide the inductive step with both within 15 minutes (without the id
    # set it takes about a minute, above the ci limit). The lemmas are kept for a future
    # proof; P-DOSE-AUTO-TEMP-IOB and P-DKA-BASAL-DELIVERED use the same Bresenham lemma
    # and are proved.
    induction = False

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (frozenset(), 0, 0)  # (seen ids, busy_until, delivered over the trace)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        seen, busy_until, delivered = memory
        r = view.request
        s = ctx.params.settings
        bolus = is_kind(view, "bolus")
        total = r.amount_mU + r.extended_mU
        due = and_(
            bolus,
            not_(r.auto),
            _well_formed_bolus(view),
            not_(set_contains(seen, r.id_key)),
            eq(mod_const(r.amount_mU, s.pulse_mU), 0),
            eq(mod_const(r.extended_mU, s.pulse_mU), 0),
            eq(view.before.mode, RUNNING),
            total <= s.max_bolus_mU,
            view.before.t >= busy_until,
            delivered + total <= s.max_daily_total_mU,
        )
        new_memory = (
            ids_after(seen, view),
            _busy_after(ctx, busy_until, view),
            delivered + view.after.delivered_mU,
        )
        return Check(new_memory, or_(not_(due), view.after.accepted), due)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        seen, busy_until, delivered = memory
        return [
            seen == pump.seen_ids,
            sum_(pump.daily_ring) <= delivered,
            *_busy_lemmas(ctx, pump, busy_until),
        ]


# -- alarms only when due ------------------------------------------------------------------


class SuspendTooLongOnlyWhenDue(Property):
    id = "P-ALARM-SUSPEND-TOO-LONG-DUE"
    title = "suspend_too_long is active only after more than max_suspend_min minutes suspended"
    requirements = ("REQ-ALARM-6", "REQ-HF-2")
    trigger = "steps that end suspended"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (SUSPENDED_SINCE_INIT,)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (since,) = memory
        after = view.after
        since = suspended_since_after(since, view)
        due = and_(
            eq(after.mode, SUSPENDED), after.t - since > ctx.params.settings.max_suspend_min
        )
        ok = or_(not_(alarm(after, "suspend_too_long")), due)
        return Check((since,), ok, eq(after.mode, SUSPENDED))

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return suspended_since_lemmas(pump, memory[0])


_FAULT_CAUSES = (  # stopping alarm, the fault that raises it, the fault that repairs it
    ("occlusion", "occlusion", "occlusion_cleared"),
    ("battery_depleted", "battery_depleted", "battery_replaced"),
    ("motor", "motor", "motor_cleared"),
)
_CAUSES_INIT = (False, False, False, 0)  # the three faults present; last user interaction


def _causes_after(ctx: Context, memory: tuple[Any, ...], view: StepView
                  ) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Each stopping alarm's cause after this step, from the faults injected and repaired,
    the reservoir shown and the minute of the latest user interaction (R5, R6, R8, R9)."""
    *faults, last = memory
    faults = [
        and_(or_(present, fault_event(view, raised)), not_(fault_event(view, repaired)))
        for present, (_, raised, repaired) in zip(faults, _FAULT_CAUSES, strict=True)
    ]
    last = ite(user_interaction(view), view.after.t, last)
    s = ctx.params.settings
    after = view.after
    auto_off_due = False if s.auto_off_min == 0 else after.t - last >= s.auto_off_min
    causes = {name: present for (name, _, _), present in zip(_FAULT_CAUSES, faults, strict=True)}
    causes["reservoir_empty"] = after.reservoir_mU < s.pulse_mU
    causes["auto_off"] = auto_off_due
    return (*faults, last), causes


def _causes_lemmas(pump: State, memory: tuple[Any, ...]) -> list[Any]:
    occluded, depleted, motor, last = memory
    return [
        eq(occluded, pump.occluded),
        eq(depleted, pump.battery_depleted),
        eq(motor, pump.motor_fault),
        eq(last, pump.last_interaction),
    ]


class AlarmsOnlyWithCause(Property):
    id = "P-ALARM-STOP-CAUSE"
    title = "A stopping alarm is raised only when its cause is present"
    requirements = ("REQ-ALARM-6", "REQ-HF-2")
    trigger = "steps that raise a stopping alarm"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return _CAUSES_INIT

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        memory, causes = _causes_after(ctx, memory, view)
        raised = [and_(not_(alarm(view.before, name)), alarm(view.after, name))
                  for name in causes]
        checks = [or_(not_(rise), cause)
                  for rise, cause in zip(raised, causes.values(), strict=True)]
        return Check(memory, and_(*checks), or_(*raised))

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return _causes_lemmas(pump, memory)


class AlarmAcknowledged(Property):
    id = "P-HF-ALARM-ACK"
    title = ("An acknowledgement of an active stopping alarm or suspend_too_long is accepted, "
             "and an acknowledged stopping alarm whose cause is gone is no longer active")
    requirements = ("REQ-HF-2",)
    trigger = ("acknowledgements of active alarms, and steps where an acknowledged alarm's "
               "cause is gone")
    # Acknowledging an alarm that is not active is accepted by the protocol (S11), but a
    # target that refuses it harms no one: a conformance note, not this property's concern.

    def init(self, ctx: Context) -> tuple[Any, ...]:
        # (causes memory, acknowledged while active: one flag per stopping alarm)
        return (_CAUSES_INIT, (False,) * len(STOPPING_ALARMS))

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        causes_memory, acked = memory
        causes_memory, causes = _causes_after(ctx, causes_memory, view)
        before, after = view.before, view.after
        ack = is_kind(view, "ack_alarm")

        def acks(name: str) -> Any:
            return and_(ack, eq(view.request.code, ALARMS.index(name)))

        of_active = or_(*(and_(acks(name), alarm(before, name))
                          for name in (*STOPPING_ALARMS, "suspend_too_long")))
        checks, due, new_acked = [or_(not_(of_active), after.accepted)], [of_active], []
        for name, was_acked in zip(STOPPING_ALARMS, acked, strict=True):
            acked_now = and_(alarm(before, name), or_(was_acked, acks(name)))
            should_clear = and_(acked_now, not_(causes[name]))
            checks.append(or_(not_(should_clear), not_(alarm(after, name))))
            due.append(should_clear)
            new_acked.append(and_(acked_now, alarm(after, name)))
        return Check((causes_memory, tuple(new_acked)), and_(*checks), or_(*due))

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        causes_memory, acked = memory
        return [*_causes_lemmas(pump, causes_memory),
                *(eq(mine, theirs) for mine, theirs in zip(acked, pump.acked, strict=True))]

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        what = describe_request(ctx, view.request)
        if KINDS[view.request.kind] == "ack_alarm" and not view.after.accepted:
            return (f"{what} of an active alarm was refused ({REASONS[view.after.reason]}); "
                    "it must be accepted")
        still = ", ".join(name for name in STOPPING_ALARMS if alarm(view.after, name))
        return (f"after {what} at t={view.after.t}, {still} stayed active although it was "
                "acknowledged and its cause is gone")


# -- basal as programmed; automation within its IOB cap -------------------------------------


class AutoTempBasalEndsOnStaleCgm(Property):
    id = "P-CGM-AUTO-TEMP-ENDS"
    title = ("After an automated temp basal, a stale CGM value brings back the scheduled "
             "basal rate")
    requirements = ("REQ-CGM-2", "REQ-TIME-2")
    trigger = "steps that end running, after an automated temp basal, without a fresh CGM value"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        # (CGM tracker, the last accepted temp basal was automated, (schedule, offset))
        return (CGM_INIT, False, (_schedule_init(ctx), 0))

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        cgm, last_auto, programme = memory
        cgm = cgm_after(cgm, view)
        last_auto = ite(accepted_kind(view, "temp_basal"), view.request.auto, last_auto)
        programme = _programme_after(programme, view)
        after = view.after
        fresh, _ = cgm_fresh_low(ctx, cgm, after.t)
        due = and_(last_auto, not_(fresh), eq(after.mode, RUNNING))
        ok = or_(not_(due), eq(after.basal_rate_mU_per_h, _programmed_rate(programme, after.t)))
        return Check((cgm, last_auto, programme), ok, due)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        cgm, last_auto, programme = memory
        return [
            *cgm_lemmas(pump, cgm),
            or_(not_(pump.temp_on), eq(pump.temp_auto, last_auto)),
            *_programme_lemmas(pump, programme),
        ]


class BasalDeliveredAsProgrammed(Property):
    id = "P-DKA-BASAL-DELIVERED"
    title = ("Basal follows the programmed schedule within one pulse whenever nothing "
             "withholds it")
    requirements = ("REQ-DKA-10", "REQ-ALG-3", "REQ-TIME-2", "REQ-CGM-2")
    trigger = "minutes of a run in which nothing withholds the scheduled basal"
    # The bolus bound divides by the delivery per minute (nonlinear when the rate is
    # symbolic): proofs keep the bolus rate at the spec's value, and the scope says so.
    concrete_settings = ("bolus_rate_mU_per_min",)
    # A run is a stretch of consecutive *quiet* minutes: ticks that start and end running,
    # with no bolus possibly in progress (busy_until), no temp basal possibly applying
    # (none live: expired, cancelled, suspended, stopped, restarted, or automated and
    # ended by a CGM value that was not fresh after a step — R3/S16), no fresh low CGM
    # value at the minute's start (R4), and room in the daily total for a minute's pulses
    # even counting everything delivered over the trace (so the pump's conservative
    # 60-minute bins cannot withhold). Events between ticks keep the run (their effects
    # show in the next minute's conditions and programmed rate), except a restart, which
    # drops the basal's fraction of a pulse (R11); a tick that is not quiet ends it.
    # Over every run, from its first minute, the insulin delivered D and the programmed
    # rates E = Σ rate (mU/h, one term per minute, the schedule at (t + offset) mod 1440)
    # must satisfy |60·D − E| < 60·pulse_mU: D is within one pulse of ∫rate. Every window
    # of a run, in particular every 60 consecutive quiet minutes, is therefore within two
    # pulses of rate·60/60, and windows that start a run within one. (The basal
    # accumulator carries less than one pulse into the run: the lemma
    # 0 ≤ 60·D − E + basal_acc < 60·pulse_mU.) Proved by 1-induction with the nonlinear
    # Bresenham lemma (_busy_lemmas): its inductive step consumed 30.3 M of Z3's resource
    # count (46 s on a loaded machine: nonlinear arithmetic counts slowly), so k-induction,
    # with ten times that, runs only in the thorough profile; ci gives BMC + fuzzing.
    proof_rlimit = 310_000_000
    # Its bounded search over symbolic settings did not finish within 300 s at depth 3.
    bmc_symbolic_settings = False

    def init(self, ctx: Context) -> tuple[Any, ...]:
        # (CGM tracker, busy_until, temp, delivered, (schedule, offset), run D, run E)
        return (CGM_INIT, 0, _NO_TEMP, 0, (_schedule_init(ctx), 0), 0, 0)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        cgm, busy_until, temp, delivered, programme, run_d, run_e = memory
        s = ctx.params.settings
        before, after = view.before, view.after
        t = before.t
        _, low = cgm_fresh_low(ctx, cgm, t)
        no_temp = t >= temp[0]
        rate = _programmed_rate(programme, t)
        # at most this many pulses fall due in a minute (the accumulator holds < one pulse)
        pulses_due = div_const(60 * s.pulse_mU - 1 + rate, 60 * s.pulse_mU)
        quiet = and_(
            is_tick(view),
            eq(before.mode, RUNNING),
            eq(after.mode, RUNNING),
            t >= busy_until,
            no_temp,
            not_(low),
            delivered + pulses_due * s.pulse_mU <= s.max_daily_total_mU,
        )
        ends = or_(is_tick(view), is_kind(view, "restart"))
        run_d = ite(quiet, run_d + after.delivered_mU, ite(ends, 0, run_d))
        run_e = ite(quiet, run_e + rate, ite(ends, 0, run_e))
        band = 60 * s.pulse_mU
        ok = or_(not_(quiet), and_(60 * run_d - run_e < band, run_e - 60 * run_d < band))
        cgm = cgm_after(cgm, view)
        new_memory = (
            cgm,
            _busy_after(ctx, busy_until, view),
            _temp_after(ctx, temp, view, cgm),
            delivered + after.delivered_mU,
            _programme_after(programme, view),
            run_d,
            run_e,
        )
        return Check(new_memory, ok, quiet)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        cgm, busy_until, temp, delivered, programme, run_d, run_e = memory
        carried = 60 * run_d - run_e + pump.basal_acc
        return [
            *cgm_lemmas(pump, cgm),
            *_busy_lemmas(ctx, pump, busy_until),
            *_temp_lemmas(pump, temp),
            sum_(pump.daily_ring) <= delivered,
            *_programme_lemmas(pump, programme),
            carried >= 0,
            carried < 60 * ctx.params.settings.pulse_mU,
        ]


class AutoTempBasalIobCap(Property):
    id = "P-DOSE-AUTO-TEMP-IOB"
    title = "An automated temp basal never takes recomputed IOB above max_iob_mU"
    requirements = ("REQ-DOSE-4",)
    trigger = "minutes delivering an automated temp basal with no bolus in progress"
    # The bolus bound divides by the delivery per minute (nonlinear when the rate is
    # symbolic): proofs keep the bolus rate at the spec's value, and the scope says so.
    concrete_settings = ("bolus_rate_mU_per_min",)
    # On a tick where an automated temp basal seen accepted still applies (not expired,
    # not cancelled, no suspend/stop/restart since, CGM fresh at the minute's start) and
    # no bolus can be in progress (busy_until), the IOB recomputed from delivered insulin
    # after the tick is at most max_iob_mU — unless nothing was delivered. Proved by
    # 1-induction with the nonlinear Bresenham lemma: its inductive step consumed 40.5 M of
    # Z3's resource count (56 s on a loaded machine); ten times that, thorough only.
    proof_rlimit = 410_000_000

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (CGM_INIT, 0, _NO_TEMP, iob_ring_init(ctx))

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        cgm, busy_until, temp, ring = memory
        t = view.before.t
        fresh, _ = cgm_fresh_low(ctx, cgm, t)
        until, auto = temp
        due = and_(is_tick(view), auto, t < until, fresh, t >= busy_until)
        ring = iob_ring_after(ctx, ring, view)
        within = observer_iob_ppm(ctx, ring) <= ctx.params.settings.max_iob_mU * PPM
        ok = or_(not_(due), within, eq(view.after.delivered_mU, 0))
        cgm = cgm_after(cgm, view)
        new_memory = (cgm, _busy_after(ctx, busy_until, view), _temp_after(ctx, temp, view, cgm),
                      ring)
        return Check(new_memory, ok, due)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        cgm, busy_until, temp, ring = memory
        return [
            *cgm_lemmas(pump, cgm),
            *rings_agree(ring, pump.iob_ring),
            *_temp_lemmas(pump, temp),
            *_busy_lemmas(ctx, pump, busy_until),
        ]

    def abstractions(self, ctx: Context) -> Sequence[tuple[str, bool, str]]:
        return [iob_abstraction(ctx)]
