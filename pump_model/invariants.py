"""Ranges that every reachable state of the reference pump keeps.

Proofs by induction start from an *arbitrary* state; these facts rule out states the
pump can never reach (a negative reservoir, an accumulator past its modulus). They are
not assumed: every k-induction proves them preserved together with its property, and
the initial state satisfies them (checked in the base case).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from .codes import STOPPING_ALARMS
from .logic import and_, not_, or_
from .state import Params, State
from .transition import _auto_off_expired, cgm_fresh
from .windows import DAY_MIN

__all__ = ["state_invariants"]


def state_invariants(params: Params, s: State) -> list[Any]:
    st = params.settings
    starts = [start for start, _ in s.schedule]
    facts: list[Any] = [
        s.t >= 0,
        s.suspend_since >= 0,
        s.suspend_since <= s.t,
        s.reservoir_mU >= 0,
        s.reservoir_mU <= st.reservoir_capacity_mU,
        s.bolus_now_mU >= 0,
        s.ext_left_mU >= 0,
        s.ext_min_left >= 0,
        s.ext_n >= 1,
        s.ext_q_pulses >= 0,
        s.ext_r >= 0,
        s.ext_r < s.ext_n,
        s.ext_acc >= 0,
        s.ext_acc < s.ext_n,
        s.basal_acc >= 0,
        s.basal_acc < 60 * st.pulse_mU,
        s.temp_rate_mU_per_h >= 0,
        s.cgm_t >= 0,
        s.cgm_t <= s.t,
        s.last_interaction >= 0,
        s.last_interaction <= s.t,
        s.occl_pushed_mU >= 0,
        starts[0] == 0,
    ]
    for previous, current in pairwise(starts):
        facts.append(or_(current > previous, current == DAY_MIN))
        facts.append(current <= DAY_MIN)
    facts.extend(rate >= 0 for _, rate in s.schedule)
    # An alarm can only be acknowledged while it is latched.
    facts.extend(or_(not_(ack), latched) for ack, latched in zip(s.acked, s.latched, strict=True))
    # Every request ends by settling the state (transition._settle), so reachable states
    # are settled: causes present are latched, cleared alarms are gone, temp basals live.
    causes = (
        s.occluded,
        s.reservoir_mU < st.pulse_mU,
        s.battery_depleted,
        s.motor_fault,
        _auto_off_expired(params, s),
    )
    for index, (cause, latched, ack) in enumerate(zip(causes, s.latched, s.acked, strict=True)):
        if index > 0:  # an occlusion latches only when detected
            facts.append(or_(not_(cause), latched))
        facts.append(or_(not_(and_(latched, ack)), cause))
    # Acknowledging auto_off is itself user interaction, which removes its cause: the alarm
    # clears in the same request, so it is never left latched and acknowledged.
    facts.append(not_(s.acked[STOPPING_ALARMS.index("auto_off")]))
    temp_live = and_(s.t < s.temp_end, or_(not_(s.temp_auto), cgm_fresh(params, s)))
    facts.append(or_(not_(s.temp_on), temp_live))
    facts.append(or_(not_(or_(*s.latched)), s.suspended))
    facts.extend(v >= 0 for v in s.daily_ring)
    facts.extend(v >= 0 for v in s.iob_ring)
    return facts

