"""Hypothesis fuzzing finds and shrinks a target bug; the reference passes, never vacuously."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from pumpproof.engines.fuzz import PROFILES, FuzzProfile, _schedules, fuzz
from pumpproof.engines.session import Session
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.spec import MAX_SCHEDULE_SEGMENTS, load_spec
from pumpproof.spec.settings import MINUTES_PER_DAY
from pumpproof.targets import InProcessTarget
from tests.fixtures import slow_pump

SPEC = load_spec()
PARAMS = Params(SPEC.settings)


class _OverBolusPump(ReferencePump):
    """A buggy target: a bolus up to two pulses over the max is accepted (its immediate part
    clipped silently so that the total is the max) instead of refused."""

    def handle(self, message: Any) -> Any:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "bolus":
            amount, extended = event.get("amount_mU"), event.get("extended_mU", 0)
            limit = PARAMS.settings.max_bolus_mU
            if (isinstance(amount, int) and isinstance(extended, int)
                    and limit < amount + extended <= limit + 2 * PARAMS.settings.pulse_mU
                    and extended <= limit):
                event = {**event, "amount_mU": limit - extended}
                return super().handle({**message, "event": event})
        return super().handle(message)


@pytest.mark.slow
def test_fuzzing_finds_and_shrinks_a_target_bug() -> None:
    # one seed: what it draws no longer depends on the modules loaded (engines/draws.py)
    outcome = fuzz(
        SPEC, PARAMS, observer_properties(),
        lambda: InProcessTarget("buggy", _OverBolusPump(SPEC)),
        FuzzProfile(examples=150, steps=40, max_tick_run=60), seed=3,
        scenarios=False,  # the Hypothesis part alone: it must find and shrink the bug
    )
    assert "P-DOSE-MAX-BOLUS" in outcome.violations
    trace = outcome.violations["P-DOSE-MAX-BOLUS"]
    assert trace[0]["op"] == "configure"
    assert len(trace) <= 6, trace  # shrunk
    assert outcome.target_failure is None


def test_reference_passes_fuzzing_and_no_property_is_vacuous() -> None:
    outcome = fuzz(SPEC, PARAMS, observer_properties(), lambda: InProcessTarget(
        "reference", ReferencePump(SPEC)), PROFILES["ci"], seed=0)
    assert outcome.violations == {}
    vacuous = [pid for pid, n in outcome.triggers.items() if n == 0]
    assert vacuous == []


def test_the_deadline_cuts_shrinking_short_and_keeps_the_best_trace_so_far() -> None:
    # A slow target whose bug Hypothesis finds within a few examples: shrinking it would take
    # minutes. The deadline stops it; the shortest failing trace tried so far is the finding.
    seconds = 10.0
    started = time.monotonic()
    outcome = fuzz(
        SPEC, PARAMS, observer_properties(),
        lambda: InProcessTarget("slow", slow_pump.make()),
        FuzzProfile(examples=1000, steps=60, max_tick_run=240), seed=0,
        make_reference=lambda: ReferencePump(SPEC), scenarios=False,
        deadline=started + seconds,
    )
    elapsed = time.monotonic() - started
    assert elapsed <= seconds * 1.1 + 5, elapsed  # the bound check --budget promises
    assert outcome.budget_exhausted
    assert "P-DOSE-MAX-BOLUS" in outcome.violations
    assert outcome.cut_short and outcome.cut_short <= set(outcome.violations)
    for prop_id, trace in outcome.violations.items():
        assert trace[0]["op"] == "configure"
        # the trace kept is a real counterexample: replayed, it violates the property again
        session = Session(PARAMS, observer_properties(), InProcessTarget("slow", slow_pump.make()))
        session.configure()
        for message in trace[1:]:
            session.send(message)
        assert prop_id in [run.prop.id for run in session.monitor.violated], prop_id


def test_a_deadline_not_reached_changes_nothing() -> None:
    def run(deadline: float | None) -> Any:
        return fuzz(SPEC, PARAMS, observer_properties(),
                    lambda: InProcessTarget("buggy", _OverBolusPump(SPEC)),
                    FuzzProfile(examples=5, steps=20, max_tick_run=60), seed=1,
                    scenarios=False, deadline=deadline)

    without, far = run(None), run(time.monotonic() + 3600)
    assert not far.budget_exhausted and not far.cut_short
    assert (far.violations, far.requests, far.examples, far.triggers) == (
        without.violations, without.requests, without.examples, without.triggers)


@given(_schedules(st.integers(0, 5000)))
def test_fuzzed_schedules_are_well_shaped(schedule: list[list[int]]) -> None:
    starts = [start for start, _ in schedule]
    assert starts[0] == 0 and starts == sorted(set(starts))
    assert all(0 <= start < MINUTES_PER_DAY for start in starts)
    assert 1 <= len(schedule) <= MAX_SCHEDULE_SEGMENTS + 1


def test_fuzzed_schedules_reach_the_edges_of_the_domain() -> None:
    """One segment, the most a pump must take, and one too many (it must refuse)."""
    lengths: set[int] = set()

    @seed(0)
    @settings(database=None, max_examples=200, deadline=None)
    @given(_schedules(st.integers(0, 5000)))
    def draw(schedule: list[list[int]]) -> None:
        lengths.add(len(schedule))

    draw()
    assert {1, MAX_SCHEDULE_SEGMENTS, MAX_SCHEDULE_SEGMENTS + 1} <= lengths
