"""Under-delivery (DKA) properties: occlusion, reservoir, suspension, auto-off, battery, motor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pumpproof.pump_model import State
from pumpproof.pump_model.codes import MODES
from pumpproof.pump_model.logic import and_, div_const, eq, ite, not_, or_

from .observer import Check, Context, Property, StepView, describe_request, shown_alarms
from .trackers import (
    RUNNING,
    STOPPED,
    SUSPENDED,
    SUSPENDED_SINCE_INIT,
    accepted_kind,
    alarm,
    bolus_step_mU,
    fault_event,
    is_kind,
    is_tick,
    pump_mode,
    suspended_since_after,
    suspended_since_lemmas,
    user_interaction,
)

__all__ = [
    "AutoOff",
    "BatteryAlarms",
    "BolusNotStacked",
    "MotorStops",
    "NoDeliveryWhenNotRunning",
    "NoSelfResume",
    "OcclusionStopsInTime",
    "ReservoirHonest",
    "SuspendTooLong",
]


class OcclusionStopsInTime(Property):
    id = "P-DKA-OCCLUSION"
    title = "After an occlusion the pump stops before pushing occlusion_max_missed_mU"
    requirements = ("REQ-DKA-1",)
    trigger = "minutes of attempted delivery into an occluded line"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (False, 0)  # (occluded, pushed since the fault)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        occluded, pushed = memory
        starts = and_(fault_event(view, "occlusion"), not_(occluded))
        clears = fault_event(view, "occlusion_cleared")
        pushed = ite(or_(starts, clears), 0, pushed)
        occluded = and_(or_(occluded, fault_event(view, "occlusion")), not_(clears))
        pushed = ite(occluded, pushed + view.after.delivered_mU, pushed)
        limit = ctx.params.settings.occlusion_max_missed_mU
        return Check(
            (occluded, pushed), pushed < limit, and_(occluded, is_tick(view), pushed > 0)
        )

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        _, pushed = self.update(ctx, memory, view).memory
        return (f"pushed {pushed} mU after the occlusion fault (minute {view.after.t}, mode "
                f"{MODES[view.after.mode]}); limit occlusion_max_missed_mU "
                f"{ctx.params.settings.occlusion_max_missed_mU} mU")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        occluded, pushed = memory
        return [
            eq(occluded, pump.occluded),
            or_(not_(occluded), eq(pushed, pump.occl_pushed_mU)),
            pump.occl_pushed_mU < ctx.params.settings.occlusion_max_missed_mU,
            pushed < ctx.params.settings.occlusion_max_missed_mU,  # kept when cleared
        ]


class ReservoirHonest(Property):
    id = "P-DKA-RESERVOIR"
    title = (
        "Delivery comes from the reservoir; an empty reservoir alarms and stops; "
        "fill only when not running"
    )
    requirements = ("REQ-DKA-3",)
    trigger = "steps that end with less than one pulse in the reservoir"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        before, after = view.before, view.after
        pulse = ctx.params.settings.pulse_mU
        filled = accepted_kind(view, "fill")
        empty = after.reservoir_mU < pulse
        ok = and_(
            after.reservoir_mU >= 0,
            or_(filled, eq(after.reservoir_mU, before.reservoir_mU - after.delivered_mU)),
            or_(not_(empty), and_(alarm(after, "reservoir_empty"), eq(after.mode, STOPPED))),
            or_(not_(filled), not_(eq(before.mode, RUNNING))),
        )
        return Check(memory, ok, empty)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        before, after = view.before, view.after
        pulse = ctx.params.settings.pulse_mU
        filled = accepted_kind(view, "fill")
        if after.reservoir_mU < 0:
            return f"reservoir shown as {after.reservoir_mU} mU, below zero"
        if filled and before.mode == RUNNING:
            return "accepted a fill while running (fill only when suspended or stopped)"
        if not filled and after.reservoir_mU != before.reservoir_mU - after.delivered_mU:
            return (f"reservoir went from {before.reservoir_mU} to {after.reservoir_mU} mU "
                    f"while delivering {after.delivered_mU} mU (expected "
                    f"{before.reservoir_mU - after.delivered_mU} mU)")
        alarms = ", ".join(shown_alarms(after)) or "none"
        return (f"reservoir at {after.reservoir_mU} mU, less than one {pulse} mU pulse, but "
                f"mode {MODES[after.mode]} and alarms {alarms}; needs reservoir_empty and "
                "stopped")


class NoDeliveryWhenNotRunning(Property):
    id = "P-DKA-NO-DELIVERY-SUSPENDED"
    title = "Nothing is delivered in a minute that starts suspended or stopped"
    requirements = ("REQ-DKA-5", "REQ-ALARM-1")
    trigger = "minutes that start suspended or stopped"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        idle = and_(is_tick(view), not_(eq(view.before.mode, RUNNING)))
        return Check(memory, not_(and_(idle, view.after.delivered_mU > 0)), idle)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        return (f"delivered {view.after.delivered_mU} mU in the minute starting at "
                f"{view.before.t} while {MODES[view.before.mode]}; limit 0 mU")


class NoSelfResume(Property):
    id = "P-DKA-NO-SELF-RESUME"
    title = "Delivery never restarts by itself: running again only on an accepted resume"
    requirements = ("REQ-DKA-5", "REQ-ALARM-1", "REQ-DKA-2")
    trigger = "steps that start suspended or stopped"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        halted = not_(eq(view.before.mode, RUNNING))
        restarted = and_(halted, eq(view.after.mode, RUNNING))
        ok = or_(not_(restarted), accepted_kind(view, "resume"))
        return Check(memory, ok, halted)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        return (f"went from {MODES[view.before.mode]} to running at minute {view.after.t} on "
                f"{describe_request(ctx, view.request)}, not on an accepted resume")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return [or_(not_(or_(*pump.latched)), pump.suspended)]


class SuspendTooLong(Property):
    id = "P-DKA-SUSPEND-TOO-LONG"
    title = "A suspension longer than max_suspend_min raises suspend_too_long"
    requirements = ("REQ-DKA-5",)
    trigger = "minutes suspended for longer than max_suspend_min"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (SUSPENDED_SINCE_INIT,)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (since,) = memory
        after = view.after
        since = suspended_since_after(since, view)
        too_long = and_(
            eq(after.mode, SUSPENDED), after.t - since > ctx.params.settings.max_suspend_min
        )
        return Check((since,), or_(not_(too_long), alarm(after, "suspend_too_long")), too_long)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        (since,) = self.update(ctx, memory, view).memory
        t = view.after.t
        return (f"suspended since minute {since}, now minute {t} ({t - since} min; limit "
                f"max_suspend_min {ctx.params.settings.max_suspend_min} min) without the "
                "suspend_too_long alarm")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return suspended_since_lemmas(pump, memory[0])


class AutoOff(Property):
    """The harm: a pump left delivering when nobody has operated it for ``auto_off_min``
    minutes (an incapacitated user). A user interaction is judged from the request the user
    sent (:func:`user_interaction`), not from the answer: an ``ack_alarm`` of an alarm that is
    not active is a person at the pump whether the target accepts it (S11) or refuses it,
    with any reason. A target that does not count such a request stops earlier, which this
    property allows; one that counts a malformed request keeps running unattended, which it
    does not."""

    id = "P-DKA-AUTO-OFF"
    title = "auto_off_min minutes without user interaction stop the pump with auto_off"
    requirements = ("REQ-DKA-7",)
    trigger = "steps at or past the auto-off time"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (0,)  # minute of the last user interaction

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (last,) = memory
        last = ite(user_interaction(view), view.after.t, last)
        limit = ctx.params.settings.auto_off_min  # 0 switches auto-off off
        due = and_(limit > 0, view.after.t - last >= limit)
        ok = or_(not_(due), and_(eq(view.after.mode, STOPPED), alarm(view.after, "auto_off")))
        return Check((last,), ok, due)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        (last,) = self.update(ctx, memory, view).memory
        after = view.after
        alarms = ", ".join(shown_alarms(after)) or "none"
        return (f"no user interaction since minute {last}, now minute {after.t} (limit "
                f"auto_off_min {ctx.params.settings.auto_off_min} min), but mode "
                f"{MODES[after.mode]} and alarms {alarms}; needs auto_off and stopped")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return [eq(memory[0], pump.last_interaction)]


class BatteryAlarms(Property):
    """The harm: a pump that stops without warning, or keeps going on a dead battery. While
    the battery is only low, a battery alarm must warn of the coming stop (``battery_low``, or
    ``battery_depleted`` still latched from an earlier depletion); once it is depleted the pump
    must be stopped with ``battery_depleted``. Whether ``battery_low`` is listed beside
    ``battery_depleted`` does not matter (S10 settles the listing: it is, but the stopping
    alarm already says more). ``battery_low`` is never shown for a good battery."""

    id = "P-DKA-BATTERY"
    title = (
        "A depleted battery stops the pump with battery_depleted; battery_low warns while "
        "only low"
    )
    requirements = ("REQ-DKA-4",)
    trigger = "steps with a low or depleted battery"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (False, False)  # (low, depleted)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        low, depleted = memory
        replaced = fault_event(view, "battery_replaced")
        low = and_(or_(low, fault_event(view, "battery_low")), not_(replaced))
        depleted = and_(or_(depleted, fault_event(view, "battery_depleted")), not_(replaced))
        after = view.after
        shown_low = alarm(after, "battery_low")
        warned = or_(shown_low, alarm(after, "battery_depleted"))
        ok = and_(
            or_(not_(low), depleted, warned),  # only low: a battery alarm warns
            or_(low, depleted, not_(shown_low)),  # a good battery: no warning
            or_(not_(depleted), and_(alarm(after, "battery_depleted"), eq(after.mode, STOPPED))),
        )
        return Check((low, depleted), ok, or_(low, depleted))

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        low, depleted = self.update(ctx, memory, view).memory
        after = view.after
        alarms = ", ".join(shown_alarms(after)) or "none"
        state = "depleted" if depleted else "low" if low else "fine"
        return (f"battery {state} after {describe_request(ctx, view.request)}, but mode "
                f"{MODES[after.mode]} and alarms {alarms}")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        low, depleted = memory
        return [eq(low, pump.battery_low), eq(depleted, pump.battery_depleted)]

class MotorStops(Property):
    id = "P-DKA-MOTOR"
    title = "A motor fault stops the pump with the motor alarm"
    requirements = ("REQ-DKA-6",)
    trigger = "steps with a motor fault"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (False,)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (fault,) = memory
        cleared = fault_event(view, "motor_cleared")
        fault = and_(or_(fault, fault_event(view, "motor")), not_(cleared))
        after = view.after
        ok = or_(not_(fault), and_(alarm(after, "motor"), eq(after.mode, STOPPED)))
        return Check((fault,), ok, fault)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        after = view.after
        alarms = ", ".join(shown_alarms(after)) or "none"
        return (f"motor fault present at minute {after.t}, but mode {MODES[after.mode]} and "
                f"alarms {alarms}; needs motor and stopped")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return [eq(memory[0], pump.motor_fault)]


class BolusNotStacked(Property):
    id = "P-DOSE-NO-STACKING"
    title = "A bolus is refused while the immediate part of the previous one is still running"
    requirements = ("REQ-DOSE-5",)
    trigger = "bolus requests while an earlier bolus is still being delivered"
    # Its bound divides by the delivery per minute, which is nonlinear when the bolus rate
    # is symbolic: proofs fix the rate to the spec's value (and say so in their scope).
    concrete_settings = ("bolus_rate_mU_per_min",)

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (0,)  # minute before which the last bolus is certainly still running

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (busy_until,) = memory
        r = view.request
        step_mU = bolus_step_mU(ctx)
        busy = and_(is_kind(view, "bolus"), view.before.t < busy_until)
        stacked = and_(busy, view.after.accepted)
        cancelled = or_(
            accepted_kind(view, "cancel_bolus"),
            is_kind(view, "suspend"),
            is_kind(view, "restart"),
            not_(eq(view.after.mode, RUNNING)),
        )
        started = accepted_kind(view, "bolus")
        busy_until = ite(
            started,
            view.after.t + div_const(r.amount_mU + step_mU - 1, step_mU),
            ite(cancelled, 0, busy_until),
        )
        return Check((busy_until,), not_(stacked), busy)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        (busy_until,) = memory
        return (f"accepted {describe_request(ctx, view.request)} at minute {view.before.t} "
                f"while the previous bolus runs until minute {busy_until} at least")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        (busy_until,) = memory
        step_mU = bolus_step_mU(ctx)
        running = eq(pump_mode(pump), RUNNING)
        return [
            or_(
                pump.t >= busy_until,
                and_(running, pump.bolus_now_mU >= (busy_until - pump.t - 1) * step_mU + 1),
            )
        ]
