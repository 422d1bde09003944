"""Pieces of observer memory that several properties need, as pure functions.

Each tracker recomputes a fact from what the target showed (requests sent, answers
received), never from what the pump says about itself: the CGM reading last *sent*,
delivered insulin in a rolling window, insulin on board recomputed from deliveries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pumpproof.pump_model.codes import (
    ALARMS,
    FAULTS,
    KINDS,
    MODES,
    alarm_code,
    kind_code,
    reason_code,
)
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
    set_add,
    sum_,
)

from .bin_log import BinLog, Int64Array, int64_weights
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
    "SUSPENDED_SINCE_INIT",
    "Ring",
    "accepted_kind",
    "alarm",
    "bolus_step_mU",
    "carries_id",
    "cgm_after",
    "cgm_fresh_low",
    "cgm_lemmas",
    "fault_event",
    "ids_after",
    "iob_abstraction",
    "iob_ring_after",
    "iob_ring_init",
    "is_kind",
    "is_tick",
    "observer_iob_ppm",
    "pump_mode",
    "ring_total",
    "rings_agree",
    "suspended_since_after",
    "suspended_since_lemmas",
    "user_interaction",
    "well_formed",
    "window_abstraction",
    "window_after",
    "window_init",
]

RUNNING, SUSPENDED, STOPPED = (MODES.index(m) for m in MODES)


_KIND_CODES = {name: kind_code(name) for name in KINDS}


def is_kind(view: StepView, name: str) -> Bool:
    return view.request.kind == _KIND_CODES[name]  # ``eq``: == on either backend


def is_tick(view: StepView) -> Bool:
    return is_kind(view, "tick")


def accepted_kind(view: StepView, name: str) -> Bool:
    return and_(is_kind(view, name), view.after.accepted)


def fault_event(view: StepView, name: str) -> Bool:
    """An accepted ``fault`` event of this kind (the world injecting or repairing a fault)."""
    return and_(accepted_kind(view, "fault"), eq(view.request.code, FAULTS.index(name)))


_ALARM_CODES = {name: alarm_code(name) for name in ALARMS}


def alarm(observation: Any, name: str) -> Bool:
    return observation.alarms[_ALARM_CODES[name]]


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


class Ring:
    """A ring of 1-minute bins for runtime monitors: the same values as the tuple ring
    (``ring[0]`` the newest bin), kept so that a shift and the window's total cost O(1).

    Persistent: a shift or an addition returns a new ring and leaves this one as it was
    (observers keep the memory before a step to explain a violation). Completed bins live
    in a log shared between a ring and its successors; ``newest`` and ``total`` are the
    ring's own. A ring remembers its successors and every observer starts from the same
    empty ring, so observers that see the same steps share one ring per step (and its IOB).
    Concrete ints only (a subclass stands for a ring in generated monitor code,
    ``engines/compiled.py``); the symbolic observer keeps the tuple, and
    ``tests/properties/test_rings.py`` checks that both give the same bins, total and IOB.
    """

    __slots__ = ("_added", "_end", "_iob", "_log", "_shifted", "newest", "size", "total")
    _ZEROS: dict[int, Ring] = {}  # noqa: RUF012 - the shared empty ring of each size

    def __init__(self, log: BinLog, end: int, newest: int, total: int, size: int) -> None:
        self._log, self._end, self.newest, self.total, self.size = log, end, newest, total, size
        self._iob: tuple[Sequence[int], int] | None = None  # (weights, dot) cache
        self._shifted: Ring | None = None  # successors, computed once
        self._added: tuple[int, Ring] | None = None

    @classmethod
    def zeros(cls, size: int) -> Ring:
        ring = cls._ZEROS.get(size)
        if ring is None or ring._shifted is not None or ring._added is not None:
            # a fresh chain per session start keeps old sessions' logs collectable
            ring = cls._ZEROS[size] = cls(BinLog(), 0, 0, 0, size)
        return ring

    def __len__(self) -> int:
        return self.size

    def _completed(self) -> list[int]:
        """Bins 1 … size−1, oldest first (zeros before the log began)."""
        start = self._end - (self.size - 1)
        part = self._log.values(max(start, 0), self._end)
        return [0] * (-start if start < 0 else 0) + part

    def __iter__(self) -> Iterator[int]:
        yield self.newest
        yield from reversed(self._completed())

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        if index == 0:
            return self.newest
        position = self._end - index
        return self._log[position] if position >= 0 else 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ring | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ring(total={self.total}, bins={self.size})"

    def shifted(self) -> Ring:
        """A new empty newest bin; the oldest bin leaves the window."""
        if self._shifted is not None:
            return self._shifted
        log, end = self._log, self._end
        if self.size > 1:  # bin size − 1, read from the log directly (no index checks)
            position = end - (self.size - 1)
            evicted = log.items[position] if position >= 0 else 0
        else:
            evicted = self.newest
        if len(log.items) == end:
            log.append(self.newest)
        elif log[end] != self.newest:  # another successor extended the log: fork it
            log = log.fork(end, self.newest)
        self._shifted = Ring(log, end + 1, 0, self.total - evicted, self.size)
        return self._shifted

    def shifted_when(self, shift: bool) -> Ring:
        """:meth:`shifted` if ``shift``, else this ring."""
        return self.shifted() if shift else self

    def added(self, amount: int) -> Ring:
        if not amount:
            return self
        added = self._added
        if added is not None and added[0] == amount:
            return added[1]
        ring = Ring(self._log, self._end, self.newest + amount, self.total + amount, self.size)
        self._added = (amount, ring)
        return ring

    def dot(self, weights: Sequence[int]) -> int:
        """Σ ring[i]·weights[i] (cached per ring: several observers ask per step)."""
        cached = self._iob
        if cached is not None and cached[0] is weights:
            return cached[1]
        n = min(len(weights), self.size)
        start = self._end - (n - 1)
        older, older64 = _older_first(weights, n)  # weights of bins n−1 … 1, as logged
        skip = -start if start < 0 else 0
        value: int = self.newest * weights[0] + self._log.dot(start + skip, self._end, older,
                                                               older64, skip)
        self._iob = (weights, value)
        return value


_Older = tuple[tuple[int, ...], Int64Array | None]
_OLDER_FIRST: dict[tuple[int, int], tuple[Sequence[int], _Older]] = {}


def _older_first(weights: Sequence[int], n: int) -> _Older:
    """``weights[n-1:0:-1]`` (and as int64, when exact), made once per weights table."""
    known = _OLDER_FIRST.get((id(weights), n))
    if known is None or known[0] is not weights:
        older = tuple(weights[n - 1:0:-1])
        known = _OLDER_FIRST[(id(weights), n)] = (weights, (older, int64_weights(older)))
    return known[1]


def ring_total(ring: Any) -> Int:
    """The sum of a ring's bins (the window's total): O(1) on a :class:`Ring`."""
    return ring.total if isinstance(ring, Ring) else sum_(ring)


def shift_if_new_block(ring: Any, t: Int, bin_min: int) -> Any:
    """The ring at the start of minute ``t``: a new empty newest bin when a block starts."""
    if isinstance(ring, Ring):  # 1-minute bins: every minute starts a block
        return ring.shifted()
    shifted = (0, *ring[:-1])
    if bin_min == 1:
        return shifted
    return ite_tuple(eq(mod_const(t, bin_min), 0), shifted, ring)


def add_to_current(ring: Any, amount: Int) -> Any:
    if isinstance(ring, Ring):
        return ring.added(amount)
    return (ring[0] + amount, *ring[1:])


def window_init(ctx: Context) -> Any:
    if ctx.fast_rings and ctx.daily_bin_min == 1:
        return Ring.zeros(ctx.window_bins)
    return (0,) * ctx.window_bins


def _ring_after(ring: Ring, view: StepView) -> Ring:
    """:func:`window_after` on a :class:`Ring` (1-minute bins): shift only on a tick."""
    tick = view.request.kind == _KIND_CODES["tick"]  # a term when traced for every kind
    return ring.shifted_when(tick).added(view.after.delivered_mU)


def window_after(ctx: Context, ring: Any, view: StepView) -> Any:
    """Delivered insulin per bin after this step (a tick shifts into minute ``before.t``)."""
    if isinstance(ring, Ring):
        return _ring_after(ring, view)
    shifted = shift_if_new_block(ring, view.before.t, ctx.daily_bin_min)
    ring = ite_tuple(is_tick(view), shifted, ring)
    return add_to_current(ring, view.after.delivered_mU)


def iob_ring_init(ctx: Context) -> Any:
    if ctx.fast_rings and ctx.iob_bin_min == 1:
        return Ring.zeros(len(ctx.iob_table))
    return (0,) * len(ctx.iob_table)


def iob_ring_after(ctx: Context, ring: Any, view: StepView) -> Any:
    if isinstance(ring, Ring):
        return _ring_after(ring, view)
    shifted = shift_if_new_block(ring, view.before.t, ctx.iob_bin_min)
    ring = ite_tuple(is_tick(view), shifted, ring)
    return add_to_current(ring, view.after.delivered_mU)


def observer_iob_ppm(ctx: Context, ring: Any) -> Int:
    """Insulin on board (mU·ppm) recomputed from delivered insulin with the spec's curve."""
    if isinstance(ring, Ring):
        return ring.dot(ctx.iob_table)
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


def ite_tuple(cond: Bool, a: Any, b: Any) -> Any:
    if type(cond) is bool:
        return a if cond else b
    return tuple(ite(cond, x, y) for x, y in zip(a, b, strict=True))


# -- ids used, and the minute a suspension began


def carries_id(view: StepView) -> Bool:
    """Bolus and temp basal requests carry an id, from one shared space (S18)."""
    return or_(is_kind(view, "bolus"), is_kind(view, "temp_basal"))


def ids_after(seen: Any, view: StepView) -> Any:
    """Used ids after this step: every request that carries one uses it unless refused
    ``bad_request`` (S18)."""
    recorded = and_(carries_id(view), not_(eq(view.after.reason, reason_code("bad_request"))))
    return ite(recorded, set_add(seen, view.request.id_key), seen)


SUSPENDED_SINCE_INIT = 0  # minute the current suspension began or was last acknowledged


def suspended_since_after(since: Int, view: StepView) -> Int:
    """The minute the current suspension began or ``suspend_too_long`` was last
    acknowledged, after this step."""
    before, after = view.before, view.after
    began = and_(eq(after.mode, SUSPENDED), not_(eq(before.mode, SUSPENDED)))
    acked = and_(
        accepted_kind(view, "ack_alarm"),
        eq(view.request.code, ALARMS.index("suspend_too_long")),
        alarm(before, "suspend_too_long"),
    )
    return ite(or_(began, acked), after.t, since)


def suspended_since_lemmas(pump: Any, since: Int) -> list[Bool]:
    """Lemma: while suspended, the memory agrees with the pump's own minute (for proofs)."""
    return [or_(not_(eq(pump_mode(pump), SUSPENDED)), eq(since, pump.suspend_since))]


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


