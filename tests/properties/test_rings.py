"""The runtime monitors' fast rings (``Ring``) equal the observers' tuple rings, the
definition the proofs use: the same bins, window total and IOB after any sequence of
ticks and deliveries, and the same verdicts, triggers and memories for every observer
over whole fuzzed sessions (issue #15)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pumpproof.engines.fuzz import PROFILES, FuzzProfile, fuzz
from pumpproof.engines.monitor import Monitor
from pumpproof.properties.bin_log import BinLog, int64_weights
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.observer import Context, StepView
from pumpproof.properties.trackers import (
    Ring,
    iob_ring_after,
    iob_ring_init,
    observer_iob_ppm,
    ring_total,
    window_after,
    window_init,
)
from pumpproof.pump_model import TICK, Params, initial_state, observe, parse_event
from pumpproof.pump_model.codes import reason_code
from pumpproof.spec import load_spec
from pumpproof.targets import Target, make_target

SPEC = load_spec()
PARAMS = Params(SPEC.settings)


def _views(deliveries: list[tuple[bool, int]]) -> list[StepView]:
    """Steps (a tick or an event) delivering the given amounts."""
    before = observe(PARAMS, initial_state(PARAMS), 0, reason_code(None))
    cgm = parse_event({"kind": "cgm", "glucose_mg_dL": 120}, PARAMS)
    views = []
    for t, (tick, delivered) in enumerate(deliveries):
        after = before.__class__(**{**before.__dict__, "t": t + 1, "delivered_mU": delivered})
        views.append(StepView(TICK if tick else cgm, before, after))
        before = after
    return views


# now and then a delivery too large for the int64 log (a lying target): the log goes on in
# Python ints and every value stays exact
AMOUNTS = st.one_of(st.integers(0, 3000), st.sampled_from([2**31 - 1, 2**31, 10**15]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), AMOUNTS), max_size=400), st.integers(1, 30))
def test_ring_equals_the_tuple_ring(deliveries: list[tuple[bool, int]], fork_at: int) -> None:
    slow, fast = Context.exact(PARAMS), Context.monitor(PARAMS)
    window = {"slow": window_init(slow), "fast": window_init(fast)}
    iob = {"slow": iob_ring_init(slow), "fast": iob_ring_init(fast)}
    assert type(window["fast"]) is Ring and type(window["slow"]) is tuple
    kept: Any = None
    for index, view in enumerate(_views(deliveries)):
        window = {"slow": window_after(slow, window["slow"], view),
                  "fast": window_after(fast, window["fast"], view)}
        iob = {"slow": iob_ring_after(slow, iob["slow"], view),
               "fast": iob_ring_after(fast, iob["fast"], view)}
        assert tuple(window["fast"]) == window["slow"] and len(window["fast"]) == 1440
        assert ring_total(window["fast"]) == sum(window["slow"]) == ring_total(window["slow"])
        assert tuple(iob["fast"]) == iob["slow"]
        assert observer_iob_ppm(fast, iob["fast"]) == observer_iob_ppm(slow, iob["slow"])
        if index == fork_at:  # a ring kept aside stays what it was while others move on
            kept = (window["fast"], tuple(window["fast"]), ring_total(window["fast"]))
    if kept is not None:
        ring, bins, total = kept
        assert tuple(ring) == bins and ring.total == total
        forked = ring.shifted().added(7)  # a second successor of an old ring
        assert tuple(forked) == (7, *bins[:-1]) and forked.total == sum(forked)


@given(st.lists(st.integers(-(2**50), 2**50), min_size=1, max_size=300),
       st.lists(st.one_of(st.integers(0, 10**6), st.just(2**40)), min_size=300, max_size=300),
       st.data())
def test_a_bin_log_dot_is_exact_on_both_paths(values: list[int], weights: list[int],
                                             data: st.DataObject) -> None:
    """int64 while it cannot overflow, Python ints otherwise: always the exact product."""
    log = BinLog()
    for value in values:
        log.append(value)
    assert log.values(0, len(log)) == values
    start = data.draw(st.integers(0, len(values)))
    skip = data.draw(st.integers(0, 300 - (len(values) - start)))
    used = weights[skip:skip + len(values) - start]
    table = tuple(weights[:skip + len(values) - start])
    exact = sum(v * w for v, w in zip(values[start:], used, strict=True))
    assert log.dot(start, len(values), table, int64_weights(table), skip) == exact
    if any(abs(v) >= 2**31 for v in values):
        assert log.values(0, 1) == values[:1]  # widened, same contents
    assert (int64_weights(table) is None) == (sum(table) >= 2**32)


class _Recording:
    def __init__(self, inner: Target, sent: list[Any]) -> None:
        self.name, self._inner, self._sent = inner.name, inner, sent

    def send(self, request: Any) -> Any:
        answer = self._inner.send(request)
        self._sent.append((request, answer))
        return answer

    def close(self) -> None:
        self._inner.close()


def test_monitors_with_fast_rings_judge_fuzzed_sessions_as_the_definition() -> None:
    """Every observer, over a fuzz campaign's sessions: the same ok/triggered at every
    step and the same memory (rings compared bin by bin) with and without fast rings."""
    sent: list[Any] = []
    fuzz(SPEC, PARAMS, observer_properties(),
         lambda: _Recording(make_target("reference", SPEC), sent),
         FuzzProfile(examples=8, steps=30, max_tick_run=PROFILES["ci"].max_tick_run), seed=3)
    sessions: list[list[Any]] = []
    for request, answer in sent:
        if request.get("op") == "configure":
            sessions.append([])
        else:
            sessions[-1].append((request, answer))
    assert sum(map(len, sessions)) > 1000
    from pumpproof.pump_model.protocol import observation_from_json, request_from_json

    for session in sessions:
        fast = Monitor(PARAMS, observer_properties())
        slow = Monitor(PARAMS, observer_properties(), fast=False)  # interpreted, tuple rings
        slow.ctx = Context.exact(PARAMS)
        slow.memories = [p.init(slow.ctx) for p in slow.properties]
        for request, answer in session:
            parsed = request_from_json(request, PARAMS)
            assert parsed is not None
            observation = observation_from_json(answer)
            fast.feed(parsed, observation)
            slow.feed(parsed, observation)
            for a, b in zip(fast.runs, slow.runs, strict=True):
                assert (a.triggers, a.violation_at) == (b.triggers, b.violation_at), a.prop.id
                assert _plain(a.memory) == _plain(b.memory), a.prop.id


def _plain(value: Any) -> Any:
    if isinstance(value, Ring):
        return tuple(value)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value



def test_rings_from_one_empty_ring_diverge_independently() -> None:
    """Monitors share the empty ring and memoised successors; different steps fork."""
    a = Ring.zeros(5)
    b = Ring.zeros(5)
    assert a is b  # the shared empty ring of a fresh session
    left = a.added(3).shifted().added(4)
    right = b.added(3).shifted().added(9).shifted()
    assert tuple(left) == (4, 3, 0, 0, 0) and left.total == 7
    assert tuple(right) == (0, 9, 3, 0, 0) and right.total == 12
    again = a.added(3).shifted()
    assert again is a.added(3).shifted() and tuple(again) == (0, 3, 0, 0, 0)
    assert Ring.zeros(5) is not a  # a used ring is never handed to a new session
