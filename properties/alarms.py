"""Alarm, restart, clock and robustness properties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pumpproof.pump_model import STOPPING_ALARMS, Observation, State
from pumpproof.pump_model.codes import ALARMS, MODES, reason_code
from pumpproof.pump_model.logic import and_, eq, not_, or_

from .observer import Check, Context, Property, StepView, describe_request, shown_alarms
from .trackers import (
    STOPPED,
    accepted_kind,
    alarm,
    cgm_after,
    cgm_fresh_low,
    fault_event,
    is_kind,
)

__all__ = [
    "BadRequestsChangeNothing",
    "ClockChangeKeepsLimits",
    "ConditionAlarms",
    "RestartPersists",
    "StoppingAlarmsLatch",
]

_KEPT_ALARMS = tuple(
    a for a in ALARMS if a not in ("max_daily_total", "max_iob")  # depend on a cancelled bolus/temp
)


def _same_shown(before: Observation, after: Observation, alarms: Sequence[str]) -> Any:
    return and_(
        eq(before.t, after.t),
        eq(before.reservoir_mU, after.reservoir_mU),
        eq(before.iob_mU, after.iob_mU),
        eq(before.mode, after.mode),
        *(eq(alarm(before, a), alarm(after, a)) for a in alarms),
    )


class RestartPersists(Property):
    id = "P-ALARM-RESTART"
    title = "A restart keeps time, reservoir, insulin on board, mode and alarms"
    requirements = ("REQ-ALARM-3",)
    trigger = "restarts"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        restart = is_kind(view, "restart")
        ok = or_(not_(restart), _same_shown(view.before, view.after, _KEPT_ALARMS))
        return Check(memory, ok, restart)


class ClockChangeKeepsLimits(Property):
    id = "P-TIME-CLOCK"
    title = "A clock change moves only the basal segment: time, limits, alarms unchanged"
    requirements = ("REQ-TIME-1",)
    trigger = "clock changes"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        change = is_kind(view, "set_clock")
        ok = or_(not_(change), _same_shown(view.before, view.after, ALARMS))
        return Check(memory, ok, change)


class BadRequestsChangeNothing(Property):
    id = "P-SEC-BAD-REQUEST"
    title = "A malformed or unknown event is refused and changes nothing"
    requirements = ("REQ-SEC-1", "REQ-UNIT-1")
    trigger = "malformed or unknown events"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        reason = view.after.reason
        bad = or_(
            is_kind(view, "invalid"),
            eq(reason, reason_code("bad_request")),
            eq(reason, reason_code("unknown_kind")),
        )
        ok = or_(
            not_(bad),
            and_(not_(view.after.accepted), _same_shown(view.before, view.after, ALARMS)),
        )
        return Check(memory, ok, bad)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        before, after = view.before, view.after
        what = describe_request(ctx, view.request)
        if after.accepted:
            return f"{what} was accepted; it must be refused"
        changed = [f"{name} {getattr(before, name)} → {getattr(after, name)}"
                   for name in ("t", "reservoir_mU", "iob_mU") if getattr(before, name)
                   != getattr(after, name)]
        if before.mode != after.mode:
            changed.append(f"mode {MODES[before.mode]} → {MODES[after.mode]}")
        if before.alarms != after.alarms:
            changed.append(f"alarms [{', '.join(shown_alarms(before))}] → "
                           f"[{', '.join(shown_alarms(after))}]")
        return f"{what} was refused but changed {'; '.join(changed)}"


class ConditionAlarms(Property):
    id = "P-ALARM-CONDITIONS"
    title = (
        "reservoir_low, low_glucose and cgm_stale are active exactly while their condition holds"
    )
    requirements = ("REQ-ALARM-2",)
    trigger = "steps where one of these conditions holds"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return ((False, 0, 0),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        cgm = cgm_after(memory[0], view)
        after = view.after
        fresh, low = cgm_fresh_low(ctx, cgm, after.t)
        reservoir_low = after.reservoir_mU <= ctx.params.settings.low_reservoir_mU
        stale = and_(cgm[0], not_(fresh))
        ok = and_(
            eq(alarm(after, "reservoir_low"), reservoir_low),
            eq(alarm(after, "low_glucose"), low),
            eq(alarm(after, "cgm_stale"), stale),
        )
        return Check((cgm,), ok, or_(reservoir_low, low, stale))

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        cgm = cgm_after(memory[0], view)
        after = view.after
        fresh, low = cgm_fresh_low(ctx, cgm, after.t)
        s = ctx.params.settings
        wrong = []
        reservoir_low = after.reservoir_mU <= s.low_reservoir_mU
        if bool(alarm(after, "reservoir_low")) != bool(reservoir_low):
            wrong.append(f"reservoir_low {'off' if reservoir_low else 'on'} with the reservoir "
                         f"at {after.reservoir_mU} mU (low_reservoir_mU "
                         f"{s.low_reservoir_mU} mU)")
        if bool(alarm(after, "low_glucose")) != bool(low):
            wrong.append(f"low_glucose {'off' if low else 'on'} with the last CGM reading "
                         f"{cgm[1]} mg/dL at minute {cgm[2]}")
        stale = bool(cgm[0]) and not bool(fresh)
        if bool(alarm(after, "cgm_stale")) != stale:
            seen = (f"{after.t - cgm[2]} min after the last CGM reading" if cgm[0]
                    else "with no CGM reading yet")
            wrong.append(f"cgm_stale {'off' if stale else 'on'} at minute {after.t}, {seen} "
                         f"(limit cgm_stale_min {s.cgm_stale_min} min)")
        return "; ".join(wrong) or "an alarm does not match its condition"

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        seen, glucose, read_t = memory[0]
        return [
            eq(seen, pump.cgm_seen),
            or_(not_(seen), and_(eq(glucose, pump.cgm_mg_dL), eq(read_t, pump.cgm_t))),
        ]


def _cause_after(view: StepView, name: str, cause: Any, pulse: int) -> Any:
    """Whether the cause of stopping alarm ``name`` is present after this step."""

    def fault(f: str) -> Any:
        return fault_event(view, f)

    if name == "occlusion":
        return and_(or_(cause, fault("occlusion")), not_(fault("occlusion_cleared")))
    if name == "reservoir_empty":
        return view.after.reservoir_mU < pulse
    if name == "battery_depleted":
        return and_(or_(cause, fault("battery_depleted")), not_(fault("battery_replaced")))
    if name == "motor":
        return and_(or_(cause, fault("motor")), not_(fault("motor_cleared")))
    return cause  # auto_off: its cause ends with the acknowledgement itself


class StoppingAlarmsLatch(Property):
    id = "P-ALARM-LATCH"
    title = (
        "A stopping alarm stops the pump and clears only when its cause is gone "
        "and it was acknowledged"
    )
    requirements = ("REQ-ALARM-1",)
    trigger = "steps with a stopping alarm active"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        # per stopping alarm: (cause present, acknowledged since raised)
        return tuple((False, False) for _ in STOPPING_ALARMS)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        pulse = ctx.params.settings.pulse_mU
        before, after = view.before, view.after
        new_memory, checks, any_active = [], [], []
        for name, (cause, acked) in zip(STOPPING_ALARMS, memory, strict=True):
            was, now = alarm(before, name), alarm(after, name)
            cause = _cause_after(view, name, cause, pulse)
            ack_now = and_(
                accepted_kind(view, "ack_alarm"), eq(view.request.code, ALARMS.index(name)), was
            )
            acked = or_(and_(acked, was), ack_now)
            if name == "auto_off":
                cause = and_(now, not_(acked))
            checks.append(or_(not_(and_(was, not_(now))), and_(acked, not_(cause))))
            any_active.append(now)
            new_memory.append((cause, and_(acked, now)))
        stopped = or_(not_(or_(*any_active)), eq(after.mode, STOPPED))
        return Check(tuple(new_memory), and_(stopped, *checks), or_(*any_active))

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        pulse = ctx.params.settings.pulse_mU
        before, after = view.before, view.after
        for name, (cause, acked) in zip(STOPPING_ALARMS, memory, strict=True):
            if not (alarm(before, name) and not alarm(after, name)):
                continue
            cause = _cause_after(view, name, cause, pulse)
            ack_now = and_(accepted_kind(view, "ack_alarm"),
                           eq(view.request.code, ALARMS.index(name)))
            acked = or_(acked, ack_now)
            why = ("its cause is still present" if cause and name != "auto_off"
                   else "it was not acknowledged" if not acked else "its cause is present")
            return f"stopping alarm {name} cleared at minute {after.t} although {why}"
        active = [a for a in STOPPING_ALARMS if alarm(after, a)]
        return (f"stopping alarm {', '.join(active)} active at minute {after.t}, but mode "
                f"{MODES[after.mode]}; needs stopped")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        """The observer's cause and acknowledgement trackers agree with the pump's state."""
        auto_off = STOPPING_ALARMS.index("auto_off")
        causes = (
            pump.occluded,
            pump.reservoir_mU < ctx.params.settings.pulse_mU,
            pump.battery_depleted,
            pump.motor_fault,
            and_(pump.latched[auto_off], not_(pump.acked[auto_off])),
        )
        facts = []
        for (cause, acked), pump_cause, pump_acked in zip(memory, causes, pump.acked,
                                                           strict=True):
            facts += [eq(cause, pump_cause), eq(acked, pump_acked)]
        return facts

