""""Proved" must mean proved: regressions for each way a proof used to claim too much.

Each test breaks the model (or the proof's assumptions) on purpose in a way the proof
must notice, and checks that the verdict is no longer "proved".
"""

from __future__ import annotations

import dataclasses
from typing import Any

import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pumpproof.engines.monitor import replay_violates
from pumpproof.engines.prove import ProofSettings, k_induction, prove_state_invariants
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.observer import Context
from pumpproof.properties.verdicts import Verdict
from pumpproof.pump_model import ALARMS, FAULTS, KINDS, REFERENCE, Params, Request, parse_event
from pumpproof.pump_model.symbolic import request_domain, symbolic_request
from pumpproof.selftest.mutants import MUTANTS, _sees
from pumpproof.spec import MAX_SCHEDULE_SEGMENTS, load_spec

SPEC = load_spec()
PARAMS = Params(SPEC.settings)
K1 = ProofSettings(max_k=1)


def mutant(name: str) -> Any:
    return next(m for m in MUTANTS if m.name == name).rules


def test_a_schedule_checked_on_its_first_segments_only_is_not_proved() -> None:
    """Finding: proofs covered 4 of the 48 schedule segments the pump accepts."""
    prop = by_id("P-DOSE-MAX-BASAL")
    rules = mutant("schedule_checks_first_segments")
    result = k_induction(prop, PARAMS, K1, rules=rules)
    assert result.verdict is Verdict.VIOLATED, result.detail
    trace = result.counterexample
    assert trace is not None
    schedule = trace[-1]["event"]["basal_schedule"]
    assert len(schedule) > 4
    assert trace[0]["op"] == "configure"  # the proof picked the settings that break it
    limit = trace[0]["settings"]["max_basal_rate_mU_per_h"]
    assert max(rate for _, rate in schedule[4:]) > limit
    assert replay_violates(prop, PARAMS, trace, Context.exact(PARAMS), rules)
    assert k_induction(prop, PARAMS, K1).verdict is Verdict.PROVED


def test_a_spec_with_more_than_four_schedule_segments_is_proved_without_crashing() -> None:
    """Finding: a spec with a 5-segment schedule made ``verify`` crash."""
    five = tuple((start, 800) for start in (0, 300, 600, 900, 1200))
    params = Params(dataclasses.replace(SPEC.settings, basal_schedule=five))
    result = k_induction(by_id("P-DOSE-MAX-BASAL"), params, K1)
    assert result.verdict is Verdict.PROVED, result.detail


def test_a_contradiction_in_the_request_domain_proves_nothing() -> None:
    """Finding: the antecedent of the inductive step was never checked satisfiable."""

    def contradictory(params: Params, request: Request) -> Any:
        return z3.And(request_domain(params, request), request.kind < 0)

    for prop_id in ("P-DOSE-MAX-BOLUS", "P-SEC-REPLAY"):
        result = k_induction(by_id(prop_id), PARAMS, K1, domain=contradictory)
        assert result.verdict is Verdict.UNKNOWN
        assert result.detail.startswith("vacuous"), result.detail


def test_a_broken_invariant_is_reported_by_name() -> None:
    """Finding: a false invariant silently downgraded every property to "not inductive"."""
    fill = _sees(lambda s: {"reservoir_capacity_mU": 2 * s.reservoir_capacity_mU})
    rules = REFERENCE.replacing("fill_above_capacity",
                                handlers={"fill": fill(REFERENCE.handlers["fill"])})
    capacity = "set.reservoir_capacity_mU"  # settings are symbolic: the name says so
    obligation = prove_state_invariants(PARAMS, rules=rules)
    assert obligation.verdict is Verdict.UNKNOWN
    assert f"s0.reservoir_mU <= {capacity}" in obligation.detail
    assert obligation.counterexample and obligation.counterexample[-1]["event"]["kind"] == "fill"
    result = k_induction(by_id("P-DOSE-MAX-BOLUS"), PARAMS, K1, rules=rules)
    assert result.verdict is Verdict.UNKNOWN
    assert f"invariant `s0.reservoir_mU <= {capacity}`" in result.detail
    assert prove_state_invariants(PARAMS).verdict is Verdict.PROVED


# -- the symbolic request domain against what the protocol edge really accepts

_ints = st.one_of(st.integers(-5000, 400_000),
                 st.sampled_from([-1, 0, 1, 49, 50, 1439, 1440, 1441, -1440, -1441, 4320, 4321]))
_bad = st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.floats(allow_nan=False))
_source = st.sampled_from(["user", "auto"])
_ids = st.text(min_size=1, max_size=4)
_schedule = st.lists(st.tuples(st.integers(-10, 1500), st.integers(-10, 5000)),
                     min_size=0, max_size=MAX_SCHEDULE_SEGMENTS + 2).map(
                         lambda rows: [[a, b] for a, b in rows])
_sorted_schedule = st.lists(st.integers(1, 1439), max_size=MAX_SCHEDULE_SEGMENTS - 1,
                            unique=True).flatmap(lambda later: st.lists(
                                st.integers(0, 5000), min_size=len(later) + 1,
                                max_size=len(later) + 1).map(
                                    lambda rates: [[a, r] for a, r in
                                                   zip([0, *sorted(later)], rates, strict=True)]))
# Well-typed events of every kind (what the parser must accept), written from the protocol
# and not from the parser's own tables; the parser refuses the rest as ``invalid``.
_well_typed = st.one_of(
    st.fixed_dictionaries({"kind": st.just("bolus"), "amount_mU": _ints, "source": _source,
                           "id": _ids},
                          optional={"extended_mU": _ints, "extended_min": _ints}),
    st.fixed_dictionaries({"kind": st.just("temp_basal"), "rate_mU_per_h": _ints,
                           "duration_min": _ints, "source": _source, "id": _ids}),
    st.fixed_dictionaries({"kind": st.sampled_from(["suspend", "resume"]), "source": _source}),
    st.fixed_dictionaries({"kind": st.just("set_basal_schedule"),
                           "basal_schedule": st.one_of(_sorted_schedule, _schedule)}),
    st.fixed_dictionaries({"kind": st.just("cgm"), "glucose_mg_dL": _ints}),
    st.fixed_dictionaries({"kind": st.just("set_clock"), "offset_min": _ints}),
    st.fixed_dictionaries({"kind": st.just("fill"), "reservoir_mU": _ints}),
    st.fixed_dictionaries({"kind": st.just("ack_alarm"), "code": st.sampled_from(ALARMS)}),
    st.fixed_dictionaries({"kind": st.just("fault"), "fault": st.sampled_from(FAULTS)}),
    st.fixed_dictionaries({"kind": st.sampled_from(
        ["cancel_bolus", "cancel_temp_basal", "restart"])}),
)
_events = st.one_of(
    _well_typed,
    _well_typed.flatmap(lambda event: st.sampled_from(sorted(event)).flatmap(
        lambda key: _bad.map(lambda value: {**event, key: value}))),  # one ill-typed field
    st.fixed_dictionaries({"kind": st.sampled_from(["warp_drive", "tick", "invalid"])}),
)


def _satisfies_domain(request: Request) -> bool:
    """Does the concrete request satisfy ``request_domain`` (the proofs' assumption)?"""
    symbolic = symbolic_request(PARAMS, "r")
    solver = z3.Solver()
    solver.add(request_domain(PARAMS, symbolic))
    for field in dataclasses.fields(Request):
        value = getattr(request, field.name)
        term = getattr(symbolic, field.name)
        if field.name == "id_key":
            continue  # ids are opaque keys: any string maps to some integer key
        if field.name == "schedule":
            for (start, rate), (s_start, s_rate) in zip(value, term, strict=False):
                solver.add(s_start == start, s_rate == rate)
            continue
        solver.add(term == value)
    return solver.check() == z3.sat


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(event=_events)
def test_every_event_the_parser_accepts_lies_in_the_proof_domain(event: dict[str, Any]) -> None:
    """Finding: ``request_domain`` was assumed, never compared with the parser."""
    request = parse_event(event, PARAMS)
    assert _satisfies_domain(request), (event, request)


def test_the_request_domain_is_satisfiable_for_every_kind() -> None:
    symbolic = symbolic_request(PARAMS, "r")
    for code in range(len(KINDS)):
        solver = z3.Solver()
        solver.add(request_domain(PARAMS, symbolic), symbolic.kind == code)
        assert solver.check() == z3.sat, KINDS[code]


# -- observers that share no window or IOB code with the pump


class _ShortWindowParams(Params):
    """A pump whose daily ring is one bin short: it forgets 60 minutes of insulin."""

    @property
    def daily_bins(self) -> int:
        return super().daily_bins - 1


class _OlderIobParams(Params):
    """A pump that values each IOB bin at the bin's oldest age: it under-counts IOB."""

    @property
    def iob_table(self) -> tuple[int, ...]:
        table = super().iob_table
        return (*table[1:], 0)


def test_a_pump_window_one_bin_short_is_not_proved() -> None:
    """Finding: the observer borrowed the pump's window code, so both were one bin short."""
    short = _ShortWindowParams(SPEC.settings)
    assert short.daily_bins == PARAMS.daily_bins - 1
    result = k_induction(by_id("P-DOSE-DAILY-TOTAL"), short, K1)
    assert result.verdict is Verdict.UNKNOWN, result.detail
    assert "not inductive" in result.detail


def test_a_pump_that_values_iob_at_an_older_age_is_not_proved() -> None:
    """Finding: observer and pump shared the IOB table, so an under-counting pump was proved."""
    older = _OlderIobParams(SPEC.settings)
    for prop_id in ("P-DOSE-AUTO-BOLUS-IOB", "P-HYPO-IOB-ACCOUNTING"):
        result = k_induction(by_id(prop_id), older, K1)
        assert result.verdict is not Verdict.PROVED, (prop_id, result.detail)


def test_every_proof_lists_the_abstraction_obligations_it_rests_on() -> None:
    result = k_induction(by_id("P-DOSE-DAILY-TOTAL"), PARAMS, K1)
    assert result.verdict is Verdict.PROVED
    assert "obligation discharged: 1440-minute window never under-counts" in result.detail


def test_abstraction_obligations_fail_when_a_bin_is_missing_or_valued_older() -> None:
    from pumpproof.properties import definitions

    assert definitions.window_obligation(60, definitions.window_bin_count(60))[0]
    assert not definitions.window_obligation(60, definitions.window_bin_count(60) - 1)[0]
    assert definitions.iob_obligation(5, 300, 75)[0]
    honest = definitions.iob_weights
    try:
        definitions.iob_weights = lambda b, d, p: (*honest(b, d, p)[1:], 0)  # type: ignore
        assert not definitions.iob_obligation(5, 300, 75)[0]
    finally:
        definitions.iob_weights = honest  # type: ignore[assignment]


# -- settings: every valid configuration, not only the spec's


def test_settings_dependent_rounding_is_not_proved_for_the_spec_settings_alone() -> None:
    """Finding: a proof covered one settings object; ``bolus_rate_mU_per_min: 1520`` broke it."""
    rules = mutant("immediate_part_not_whole_pulses")
    prop = by_id("P-DOSE-WHOLE-PULSES")
    fixed = k_induction(prop, PARAMS, dataclasses.replace(K1, symbolic_settings=False),
                        rules=rules)
    assert fixed.verdict is Verdict.PROVED  # 1500 is a multiple of 50: the bug hides
    result = k_induction(prop, PARAMS, K1, rules=rules)
    assert result.verdict is not Verdict.PROVED, result.detail
    assert result.scope is not None
    assert set(result.scope["settings"]["all valid except fixed"]) == {
        "pulse_mU", "dia_min", "peak_min"}
