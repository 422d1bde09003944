"""Glucose and automation properties: CGM freshness, low glucose, replay, IOB accounting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pumpproof.pump_model import PPM, State
from pumpproof.pump_model.logic import and_, div_const, eq, ite, not_, or_, set_contains

from .observer import Check, Context, Property, StepView
from .trackers import (
    CGM_INIT,
    RUNNING,
    accepted_kind,
    bolus_step_mU,
    carries_id,
    cgm_after,
    cgm_fresh_low,
    cgm_lemmas,
    ids_after,
    iob_abstraction,
    iob_ring_after,
    iob_ring_init,
    is_kind,
    is_tick,
    observer_iob_ppm,
    rings_agree,
)

__all__ = [
    "AutomationNeedsFreshCgm",
    "AutomationRefusedWhenLow",
    "IobNeverUndercounted",
    "LowGlucoseSuspend",
    "ReplayRefused",
]




def _adds_insulin_auto(view: StepView) -> Any:
    """An automated request that would add insulin if accepted (R3): a bolus, a temp basal
    above 0, or a resume of a pump that is not running. A resume while running adds nothing
    and is accepted with no effect whatever the CGM value (S9), so it is no hazard."""
    r = view.request
    return and_(
        r.auto,
        or_(
            is_kind(view, "bolus"),
            and_(is_kind(view, "temp_basal"), r.rate_mU_per_h > 0),
            and_(is_kind(view, "resume"), not_(eq(view.before.mode, RUNNING))),
        ),
    )


class AutomationNeedsFreshCgm(Property):
    id = "P-CGM-AUTO-FRESH"
    title = "Automation adds insulin only with a fresh CGM value"
    requirements = ("REQ-CGM-1", "REQ-COMM-1")
    trigger = "automated requests that would add insulin while the CGM value is stale or absent"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (CGM_INIT,)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (cgm,) = memory
        fresh, _ = cgm_fresh_low(ctx, cgm, view.before.t)
        risky = and_(_adds_insulin_auto(view), not_(fresh))
        return Check((cgm_after(cgm, view),), not_(and_(risky, view.after.accepted)), risky)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return cgm_lemmas(pump, memory[0])


class AutomationRefusedWhenLow(Property):
    id = "P-HYPO-AUTO-LOW"
    title = "Automation adds no insulin while the latest fresh CGM value is low"
    requirements = ("REQ-HYPO-2", "REQ-HYPO-1")
    trigger = "automated requests that would add insulin while glucose is low"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (CGM_INIT,)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (cgm,) = memory
        _, low = cgm_fresh_low(ctx, cgm, view.before.t)
        risky = and_(_adds_insulin_auto(view), low)
        return Check((cgm_after(cgm, view),), not_(and_(risky, view.after.accepted)), risky)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return cgm_lemmas(pump, memory[0])


class LowGlucoseSuspend(Property):
    id = "P-HYPO-LGS"
    title = "No basal is delivered in a minute that starts with a fresh low CGM value"
    requirements = ("REQ-HYPO-1",)
    trigger = "minutes that start with a fresh low CGM value and no bolus running"
    prove = False
    why_not_proved = (
        "its lemma would bound the extended bolus still to deliver by minutes left × pulses "
        "per minute, a product of two unknowns (nonlinear): checked by BMC, the directed "
        "low-glucose scenario and fuzzing instead")

    def init(self, ctx: Context) -> tuple[Any, ...]:
        # (cgm tracker, minute until which a bolus may still be delivering)
        return (CGM_INIT, 0)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        cgm, bolus_until = memory
        _, low = cgm_fresh_low(ctx, cgm, view.before.t)
        r = view.request
        step_mU = bolus_step_mU(ctx)
        immediate_min = div_const(r.amount_mU + step_mU - 1, step_mU)
        longest = ite(r.extended_min > immediate_min, r.extended_min, immediate_min)
        bolus_until = ite(accepted_kind(view, "bolus"), view.after.t + longest + 1, bolus_until)
        quiet = view.before.t >= bolus_until
        situation = and_(is_tick(view), low, quiet)
        ok = not_(and_(situation, view.after.delivered_mU > 0))
        return Check((cgm_after(cgm, view), bolus_until), ok, situation)


class ReplayRefused(Property):
    id = "P-SEC-REPLAY"
    title = "A bolus or temp basal id is used at most once in the pump's life, restarts included"
    requirements = ("REQ-HYPO-6",)
    trigger = "bolus or temp basal requests that reuse an earlier id"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (frozenset(),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (seen,) = memory
        replay = and_(carries_id(view), set_contains(seen, view.request.id_key))
        return Check((ids_after(seen, view),), not_(and_(replay, view.after.accepted)), replay)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        return [memory[0] == pump.seen_ids]


class IobNeverUndercounted(Property):
    id = "P-HYPO-IOB-ACCOUNTING"
    title = ("The IOB the pump reports is never a whole mU below IOB recomputed from delivered "
             "insulin")
    requirements = ("REQ-HYPO-4", "REQ-PARAM-2")
    trigger = "steps with insulin on board"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (iob_ring_init(ctx),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (ring,) = memory
        ring = iob_ring_after(ctx, ring, view)
        exact = observer_iob_ppm(ctx, ring)
        # iob_mU is "rounded to an integer" by the protocol: allow less than 1 mU of rounding.
        return Check((ring,), (view.after.iob_mU + 1) * PPM > exact, exact > 0)

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        (ring,) = memory
        return rings_agree(ring, pump.iob_ring)

    def abstractions(self, ctx: Context) -> Sequence[tuple[str, bool, str]]:
        return [iob_abstraction(ctx)]

