"""The answer belongs to its request: the protocol's time rule, seen from the outside.

Every observer reads windows, ages and timers off the answers' ``t``; an answer that
belongs to another request (out of order, repeated, or from a target that lost a line)
shows as time moving wrongly: a tick answered without advancing one minute, an event
answered with time moved or insulin delivered. The transport catches crashes, hangs and
garbage (a target failure); this property catches an answer that parses but is not the
answer to the request it follows.
"""

from __future__ import annotations

from typing import Any

from pumpproof.pump_model.logic import and_, eq, ite

from .observer import Check, Context, Property, StepView, describe_request
from .trackers import is_tick

__all__ = ["AnswerMatchesRequest"]


class AnswerMatchesRequest(Property):
    id = "P-COMM-ANSWER-STEP"
    title = ("Each answer is its request's: a tick advances time by one minute, an event "
             "keeps the time and delivers nothing")
    requirements = ("REQ-COMM-2",)
    trigger = "every request"
    # "Answer every request with exactly one line, in order, without crashing": a target that
    # crashes, hangs or answers garbage breaks exactly this (the transport's finding).
    violated_by_target_failure = True

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        before, after = view.before, view.after
        tick = is_tick(view)
        ok = ite(
            tick,
            eq(after.t, before.t + 1),
            and_(eq(after.t, before.t), eq(after.delivered_mU, 0)),
        )
        return Check(memory, ok, True)

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        before, after = view.before, view.after
        what = describe_request(ctx, view.request)
        if what == "tick":
            return (f"a tick at t={before.t} was answered with t={after.t}; it must be "
                    f"t={before.t + 1}")
        return (f"{what} at t={before.t} was answered with t={after.t} and "
                f"delivered_mU={after.delivered_mU}; an event keeps t and delivers 0 mU")
