"""The extended part of a bolus is spread evenly (R2, REQ-ALG-2).

A minute's ``delivered_mU`` mixes basal, the immediate part and the extended part. The
observer separates them only where the protocol makes that exact: in a minute whose
``basal_rate_mU_per_h`` is 0 no basal pulse falls due (R2: the accumulator gains nothing),
and the immediate part delivers ``min(left, whole pulses of bolus_rate_mU_per_min)`` every
running minute (R2), so what is left is the extended part's. Such a minute must carry
``⌊n/k⌋`` or ``⌈n/k⌉`` of the extended part's ``n`` pulses over ``k`` minutes, and when every
minute of the extended part could be separated, the ``k``-th must complete exactly ``n``.
Minutes with basal due are not judged (they are counted, so the minute index stays right).
"""

from __future__ import annotations

from typing import Any

from pumpproof.pump_model.logic import and_, div_const, div_var, eq, ite, min_, mod_var, not_, or_

from .observer import Check, Context, Property, StepView
from .trackers import RUNNING, accepted_kind, bolus_step_mU, is_kind, is_tick

__all__ = ["ExtendedBolusEven"]

# (extended part mU, its minutes k, minutes run, extended mU delivered, immediate mU left,
#  every minute so far separable, an extended part in progress)
_IDLE = (0, 0, 0, 0, 0, False, False)


class ExtendedBolusEven(Property):
    id = "P-ALG-EXTENDED-EVEN"
    title = ("The extended part of a bolus delivers ⌊n/k⌋ or ⌈n/k⌉ of its n pulses each of "
             "its k minutes, and all n in k minutes")
    requirements = ("REQ-ALG-2",)
    trigger = "minutes of an extended bolus with no basal due"
    # The minute's share divides by the request's extended_min (nonlinear in Z3): bounded
    # model checking and fuzzing verify it, as REQ-ALG-2 asks; k-induction would need the
    # Bresenham lemma of the pump's bookkeeping, which Z3 does not decide in ci's limits.
    induction = False

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return _IDLE

    def _shares(self, ctx: Context, ext_mU: Any, k: Any) -> tuple[Any, Any]:
        """The fewest and most mU of the extended part one minute may carry."""
        pulse = ctx.params.settings.pulse_mU
        pulses = div_const(ext_mU, pulse)
        minutes = ite(k > 0, k, 1)
        low = div_var(pulses, minutes)
        high = low + ite(eq(mod_var(pulses, minutes), 0), 0, 1)
        return low * pulse, high * pulse

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        ext_mU, k, i, done, imm_left, clean, active = memory
        r = view.request
        before, after = view.before, view.after
        running_minute = and_(is_tick(view), active, eq(before.mode, RUNNING))
        imm_now = min_(imm_left, bolus_step_mU(ctx))
        ext_now = after.delivered_mU - imm_now
        separable = and_(running_minute, i < k, eq(after.mode, RUNNING),
                         eq(before.basal_rate_mU_per_h, 0))
        low, high = self._shares(ctx, ext_mU, k)
        last = eq(i + 1, k)
        ok = or_(
            not_(separable),
            and_(ext_now >= low, ext_now <= high,
                 or_(not_(and_(last, clean)), eq(done + ext_now, ext_mU))),
        )
        # the bolus ends: cancelled, suspended, restarted or stopped (R1), or delivered
        ended = or_(accepted_kind(view, "cancel_bolus"), is_kind(view, "suspend"),
                    is_kind(view, "restart"), not_(eq(after.mode, RUNNING)))
        minute_done = and_(running_minute, i < k)
        started = and_(accepted_kind(view, "bolus"), r.extended_mU > 0)
        new = (
            ite(started, r.extended_mU, ext_mU),
            ite(started, r.extended_min, k),
            ite(started, 0, ite(minute_done, i + 1, i)),
            ite(started, 0, ite(separable, done + ext_now, done)),
            ite(started, r.amount_mU, ite(running_minute, imm_left - imm_now, imm_left)),
            ite(started, True, and_(clean, or_(not_(minute_done), separable))),
            ite(started, True, and_(active, not_(ended), or_(not_(minute_done), i + 1 < k))),
        )
        return Check(new, ok, separable)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        ext_mU, k, i, done, imm_left, _, _ = memory
        imm_now = min(imm_left, int(bolus_step_mU(ctx)))
        ext_now = view.after.delivered_mU - imm_now
        low, high = self._shares(ctx, ext_mU, k)
        if ext_now < low or ext_now > high:
            return (f"minute {i + 1} of {k} of a {ext_mU} mU extended part carried {ext_now} mU "
                    f"({view.after.delivered_mU} mU delivered, {imm_now} mU of it immediate); "
                    f"each minute must carry {low} or {high} mU")
        return (f"the extended part of {ext_mU} mU over {k} min delivered "
                f"{done + ext_now} mU by its last minute")
