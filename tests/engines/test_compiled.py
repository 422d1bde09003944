"""Generated monitor code (engines/compiled.py) against the observers it was traced from."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pumpproof.engines import compiled
from pumpproof.engines.compiled import CompiledObservers
from pumpproof.engines.monitor import Monitor
from pumpproof.engines.scenarios import directed_scenarios
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.observer import StepView
from pumpproof.properties.trackers import Ring
from pumpproof.pump_model import REFERENCE, Observation, Params, ReferencePump, Request
from pumpproof.pump_model.codes import ALARMS, KINDS, MODES, REASONS
from pumpproof.pump_model.protocol import observation_from_json, request_from_json
from pumpproof.pump_model.state import pad_schedule
from pumpproof.spec import load_spec
from tests.fixtures.mutants import bolus_limit_shifted

SPEC = load_spec()
PARAMS = Params(SPEC.settings)
PROPERTIES = observer_properties()
COMPILED = CompiledObservers(PARAMS, PROPERTIES)
IDS = st.sampled_from(["a", "b", "c", "id-0"])
INTS = st.one_of(st.integers(-3, 3), st.integers(-100_000, 100_000),
                 st.sampled_from([SPEC.settings.max_bolus_mU, SPEC.settings.lgs_threshold_mg_dL,
                                  SPEC.settings.cgm_stale_min, 1440, 4320]))


def _schedules() -> st.SearchStrategy[tuple[tuple[int, int], ...]]:
    """Padded schedules as the protocol edge hands them on (starts from 0, increasing):
    the logic layer's ``lookup_step`` is defined on those only."""
    starts = st.lists(st.integers(1, 1439), max_size=5, unique=True)
    return starts.flatmap(lambda later: st.tuples(*(
        st.tuples(st.just(start), INTS) for start in [0, *sorted(later)]
    ))).map(lambda pairs: pad_schedule(pairs, PARAMS.schedule_slots))


@st.composite
def _rings(draw: st.DrawFn, size: int) -> Ring:
    """A 1-minute ring after a few random minutes of deliveries."""
    ring = Ring.zeros(size)
    for amount in draw(st.lists(st.integers(0, 2000), max_size=30)):
        ring = ring.shifted().added(amount)
    return ring


def _like(template: Any) -> st.SearchStrategy[Any]:
    """Any value shaped like an observer's initial memory (the generated code must agree
    with the observer on every input, reachable or not; schedules as the edge makes them)."""
    if (isinstance(template, tuple) and len(template) == PARAMS.schedule_slots
            and all(isinstance(pair, tuple) and len(pair) == 2 for pair in template)):
        return _schedules()
    if isinstance(template, bool):
        return st.booleans()
    if isinstance(template, int):
        return INTS
    if isinstance(template, frozenset):
        return st.frozensets(IDS, max_size=3)
    if isinstance(template, Ring):
        return _rings(template.size)
    assert isinstance(template, tuple), type(template)
    return st.tuples(*(_like(item) for item in template))


def _observations() -> st.SearchStrategy[Observation]:
    return st.builds(Observation, t=st.integers(0, 5000), delivered_mU=st.integers(0, 20_000),
                     reservoir_mU=INTS, iob_mU=INTS, basal_rate_mU_per_h=INTS,
                     mode=st.integers(0, len(MODES) - 1),
                     alarms=st.tuples(*(st.booleans() for _ in ALARMS)),
                     accepted=st.booleans(), reason=st.integers(0, len(REASONS) - 1))


@st.composite
def _steps(draw: st.DrawFn) -> tuple[Request, Observation, Observation, list[Any]]:
    kind = draw(st.integers(0, len(KINDS) - 1))
    slots = draw(st.sampled_from([0, PARAMS.schedule_slots]))
    schedule = draw(_schedules()) if slots else ()
    request = Request(kind=kind, amount_mU=draw(INTS), extended_mU=draw(INTS),
                      extended_min=draw(INTS), rate_mU_per_h=draw(INTS),
                      duration_min=draw(INTS), auto=draw(st.booleans()), id_key=draw(IDS),
                      glucose_mg_dL=draw(INTS), offset_min=draw(INTS), reservoir_mU=draw(INTS),
                      code=draw(st.integers(0, 5)), schedule=schedule)
    memories = [draw(_like(p.init(COMPILED.ctx))) for p in PROPERTIES]
    return request, draw(_observations()), draw(_observations()), memories


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_steps(), st.booleans())
def test_generated_code_equals_every_observer_on_any_step(
    step: tuple[Request, Observation, Observation, list[Any]], generic: bool,
) -> None:
    """The plan of the request's kind, or the plan of every kind (the kind read at run
    time), on any memories and answers."""
    request, before, after, memories = step
    plan = COMPILED.generic_plan(request) if generic else COMPILED.plan(request)
    memories_now, oks, triggered = plan.step(memories, request, before, after)
    counts = [0] * len(PROPERTIES)  # the campaign's entry point: triggers counted in place
    assert plan.counted(memories, request, before, after, counts) == (memories_now, all(oks))
    assert counts == [int(bool(t)) for t in triggered]
    results = zip(memories_now, oks, triggered, strict=True)
    view = StepView(request, before, after)
    for index, (memory, ok, triggered) in enumerate(results):
        check = PROPERTIES[index].update(COMPILED.ctx, memories[index], view)
        assert (memory, ok, triggered) == (check.memory, check.ok, check.triggered), \
            PROPERTIES[index].id
        assert type(ok) is type(check.ok) and type(triggered) is type(check.triggered)


def test_every_built_in_observer_is_compiled_for_every_kind() -> None:
    for kind in range(len(KINDS)):
        for slots in (0, PARAMS.schedule_slots):
            request = Request(kind=kind, schedule=((0, 0),) * slots)
            for plan in (COMPILED.plan(request), COMPILED.generic_plan(request)):
                assert plan.interpreted == (), KINDS[kind]
                assert plan.compiled == tuple(range(len(PROPERTIES)))


def _runs(monitor: Monitor) -> list[tuple[Any, ...]]:
    return [(run.prop.id, run.memory, run.triggers, run.steps, run.violation_at,
             run.explanation) for run in monitor.runs]


@pytest.mark.parametrize(("hot_after", "generic_after"), [
    (0, 0), (10**9, 0), (compiled.HOT_AFTER, compiled.GENERIC_AFTER), (10**9, 10**9),
], ids=["kind-plans", "generic-plan", "as-shipped", "interpreted"])
@pytest.mark.parametrize("rules", [None, bolus_limit_shifted(100)], ids=["reference", "mutant"])
def test_generated_monitor_equals_interpreted_on_every_scenario(
    rules: Any, hot_after: int, generic_after: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Step by step, the same memories, trigger counts, violations and explanations,
    whether every kind has its own plan, one plan serves every kind, plans come as they
    would in a campaign, or nothing is compiled."""
    monkeypatch.setattr(compiled, "HOT_AFTER", hot_after)
    monkeypatch.setattr(compiled, "GENERIC_AFTER", generic_after)
    monkeypatch.setattr(compiled, "_CACHE", {})
    for name, trace in sorted(directed_scenarios(SPEC.settings).items()):
        pump = ReferencePump(SPEC, rules=rules or REFERENCE)
        pump.handle({"op": "configure", "settings": SPEC.settings.to_protocol()})
        fast, slow = Monitor(PARAMS, PROPERTIES), Monitor(PARAMS, PROPERTIES, fast=False)
        for message in trace:
            request = request_from_json(message, PARAMS)
            assert request is not None
            observation = observation_from_json(pump.handle(message))
            assert fast.feed(request, observation) == slow.feed(request, observation), name
            assert _runs(fast) == _runs(slow), name
