"""Dose-limit properties: single bolus, daily total, basal rate, IOB cap, whole pulses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pumpproof.pump_model import PPM, State
from pumpproof.pump_model.logic import and_, eq, mod_const, not_, or_, sum_

from .definitions import DAY_MIN
from .observer import Check, Context, Property, StepView, describe_request
from .trackers import (
    iob_abstraction,
    iob_ring_after,
    iob_ring_init,
    is_kind,
    observer_iob_ppm,
    ring_total,
    rings_agree,
    window_abstraction,
    window_after,
    window_init,
)

__all__ = ["AutoBolusIobCap", "DailyTotal", "MaxBasal", "MaxBolus", "WholePulses"]


def _nonneg(values: Sequence[Any]) -> list[Any]:
    return [v >= 0 for v in values]


def _pump_basics(pump: State) -> list[Any]:
    """Ranges every reachable pump state keeps (used by several proofs)."""
    return [pump.bolus_now_mU >= 0, pump.ext_left_mU >= 0, pump.reservoir_mU >= 0]


class MaxBolus(Property):
    id = "P-DOSE-MAX-BOLUS"
    title = "A bolus above max_bolus_mU is never accepted (refused, never clipped)"
    requirements = ("REQ-DOSE-1", "REQ-HF-1")
    trigger = "bolus requests whose immediate + extended amount exceeds max_bolus_mU"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        r = view.request
        limit = ctx.params.settings.max_bolus_mU
        over = and_(is_kind(view, "bolus"), r.amount_mU + r.extended_mU > limit)
        return Check(memory, not_(and_(over, view.after.accepted)), over)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        r = view.request
        return (f"accepted a bolus of {r.amount_mU + r.extended_mU} mU ({r.amount_mU} now + "
                f"{r.extended_mU} extended); limit max_bolus_mU "
                f"{ctx.params.settings.max_bolus_mU} mU")


class MaxBasal(Property):
    id = "P-DOSE-MAX-BASAL"
    title = "No temp basal or schedule rate above max_basal_rate_mU_per_h is accepted"
    requirements = ("REQ-DOSE-3",)
    trigger = "temp basal or schedule requests with a rate above max_basal_rate_mU_per_h"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        r = view.request
        limit = ctx.params.settings.max_basal_rate_mU_per_h
        temp_over = and_(is_kind(view, "temp_basal"), r.rate_mU_per_h > limit)
        sched_over = and_(
            is_kind(view, "set_basal_schedule"),
            or_(*(and_(start < DAY_MIN, rate > limit) for start, rate in r.schedule)),
        )
        over = or_(temp_over, sched_over)
        return Check(memory, not_(and_(over, view.after.accepted)), over)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        r = view.request
        limit = ctx.params.settings.max_basal_rate_mU_per_h
        if is_kind(view, "temp_basal"):
            what = f"a temp basal of {r.rate_mU_per_h} mU/h"
        else:
            start, rate = max(((s, q) for s, q in r.schedule if s < DAY_MIN),
                              key=lambda seg: seg[1], default=(0, 0))
            what = f"a basal schedule with {rate} mU/h from minute {start}"
        return f"accepted {what}; limit max_basal_rate_mU_per_h {limit} mU/h"


class DailyTotal(Property):
    id = "P-DOSE-DAILY-TOTAL"
    title = "Delivery in any 1440 consecutive minutes never exceeds max_daily_total_mU"
    requirements = ("REQ-DOSE-2", "REQ-TIME-1")
    trigger = "steps where the rolling 1440-minute total is within one pulse of the cap"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (window_init(ctx),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (ring,) = memory
        ring = window_after(ctx, ring, view)
        s = ctx.params.settings
        total = ring_total(ring)  # sum_(ring); O(1) on a monitor's Ring
        near_cap = total + s.pulse_mU > s.max_daily_total_mU
        return Check((ring,), total <= s.max_daily_total_mU, near_cap)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        total = sum(window_after(ctx, memory[0], view))
        return (f"delivered {total} mU in the 1440 minutes up to minute {view.after.t} "
                f"({view.after.delivered_mU} mU in this step); limit max_daily_total_mU "
                f"{ctx.params.settings.max_daily_total_mU} mU")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        (ring,) = memory
        s = ctx.params.settings
        pending = pump.bolus_now_mU + pump.ext_left_mU
        return [
            *_pump_basics(pump),
            *_nonneg(pump.daily_ring),
            *rings_agree(ring, pump.daily_ring),
            sum_(pump.daily_ring) + pending <= s.max_daily_total_mU,
        ]

    def abstractions(self, ctx: Context) -> Sequence[tuple[str, bool, str]]:
        return [window_abstraction(ctx)]


class AutoBolusIobCap(Property):
    id = "P-DOSE-AUTO-BOLUS-IOB"
    title = "An automated bolus is accepted only if IOB + its amount stays within max_iob_mU"
    requirements = ("REQ-DOSE-4",)
    trigger = "automated bolus requests that would take recomputed IOB above max_iob_mU"

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return (iob_ring_init(ctx),)

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        (ring,) = memory
        r = view.request
        iob = observer_iob_ppm(ctx, ring)  # IOB when the request arrives
        over = and_(
            is_kind(view, "bolus"),
            r.auto,
            iob + (r.amount_mU + r.extended_mU) * PPM > ctx.params.settings.max_iob_mU * PPM,
        )
        ring = iob_ring_after(ctx, ring, view)
        return Check((ring,), not_(and_(over, view.after.accepted)), over)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        r = view.request
        iob_mU = -(-observer_iob_ppm(ctx, memory[0]) // PPM)  # rounded up
        amount = r.amount_mU + r.extended_mU
        return (f"accepted an automated bolus of {amount} mU with {iob_mU} mU on board "
                f"(recomputed from deliveries): {iob_mU + amount} mU; limit max_iob_mU "
                f"{ctx.params.settings.max_iob_mU} mU")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        (ring,) = memory
        return rings_agree(ring, pump.iob_ring)

    def abstractions(self, ctx: Context) -> Sequence[tuple[str, bool, str]]:
        return [iob_abstraction(ctx)]


class WholePulses(Property):
    id = "P-DOSE-WHOLE-PULSES"
    title = "Only whole pulses are delivered, and amounts not in whole pulses are refused"
    requirements = ("REQ-DOSE-6",)
    trigger = "requests with amounts that are not whole pulses"
    # Proved for every valid setting by 1-induction; the 3-deep bounded search over symbolic
    # settings (a bolus rate that is any number of mU per minute) did not finish in 60 s.
    bmc_symbolic_settings = False

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        pulse = ctx.params.settings.pulse_mU
        r = view.request
        ragged = or_(
            and_(
                is_kind(view, "bolus"),
                or_(mod_const(r.amount_mU, pulse) != 0, mod_const(r.extended_mU, pulse) != 0),
            ),
            and_(is_kind(view, "fill"), mod_const(r.reservoir_mU, pulse) != 0),
        )
        whole = eq(mod_const(view.after.delivered_mU, pulse), 0)
        ok = and_(whole, not_(and_(ragged, view.after.accepted)))
        return Check(memory, ok, ragged)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        pulse = ctx.params.settings.pulse_mU
        delivered = view.after.delivered_mU
        if delivered % pulse:
            return (f"delivered {delivered} mU on {describe_request(ctx, view.request)}, "
                    f"not a whole number of {pulse} mU pulses")
        return (f"accepted {describe_request(ctx, view.request)}, an amount that is not a "
                f"whole number of {pulse} mU pulses")

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        pulse = ctx.params.settings.pulse_mU
        return [
            eq(mod_const(pump.bolus_now_mU, pulse), 0),
            eq(mod_const(pump.ext_left_mU, pulse), 0),
            pump.ext_q_pulses >= 0,
        ]

