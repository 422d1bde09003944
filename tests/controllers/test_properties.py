"""Each controller property fails on a small controller with one planted bug and passes on
a careful one (tests/fixtures/aid_controller.py); the judge's definitions, exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pumpproof.controllers.insulin import net_iob_mU
from pumpproof.controllers.interface import (
    Command,
    Glucose,
    TempBasal,
    example_input,
    with_settings,
)
from pumpproof.controllers.properties import (
    PROPERTIES,
    Case,
    by_id,
    increases,
    shift_time_zone,
)
from pumpproof.engines.controller_search import search
from tests.fixtures.aid_controller import BUGS, make


def test_every_property_has_a_planted_bug() -> None:
    assert sorted(BUGS.values()) == sorted(p.id for p in PROPERTIES)


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_planted_bug_is_found_by_its_property(bug: str) -> None:
    prop_id = BUGS[bug]
    result = search(make(bug), budget_s=10, seed=0, max_examples=60, only=frozenset({prop_id}))
    assert prop_id in result.findings, result.triggers
    finding = result.findings[prop_id]
    if bug == "jitter":
        return  # a nondeterministic controller need not repeat itself
    again = by_id(prop_id).judge(finding.case, make(bug).decide(finding.case.input),
                                 make(bug).decide, make(bug).supported)
    assert again.problem is not None  # the saved input reproduces it


def test_the_careful_controller_violates_nothing() -> None:
    result = search(make(), budget_s=15, seed=1, max_examples=60)
    assert result.findings == {}
    assert result.failure is None
    for prop in PROPERTIES:
        assert result.triggers.get(prop.id, 0) > 0, prop.id  # every trigger exercised


def test_more_insulin_is_judged_on_the_rate_after_the_command() -> None:
    i = example_input()  # scheduled 1000 mU/h now; a 1200 mU/h temp running
    assert increases(i, Command())  # leaving a high temp running is more insulin
    assert not increases(i, Command(cancel_temp=True))
    assert not increases(i, Command(TempBasal(1000, 30)))
    assert increases(i, Command(TempBasal(1050, 30)))
    assert increases(i, Command(TempBasal(0, 30), bolus_mU=50))


def test_limits_are_judged_exactly_at_the_boundary() -> None:
    high = with_settings(example_input(), max_basal_mU_per_h=1230, max_bolus_mU=350)
    basal, bolus = by_id("C-MAX-BASAL"), by_id("C-MAX-BOLUS")
    ok = basal.judge(Case(high), Command(TempBasal(1230, 30)), make().decide, frozenset())
    over = basal.judge(Case(high), Command(TempBasal(1231, 30)), make().decide, frozenset())
    assert ok.triggered and ok.problem is None
    assert over.problem == "temp basal 1231 mU/h for 30 min > max basal 1230 mU/h"
    at_limit = bolus.judge(Case(high), Command(bolus_mU=350), make().decide, frozenset())
    assert at_limit.problem is None
    assert bolus.judge(Case(high), Command(bolus_mU=351), make().decide, frozenset()).problem


def test_max_iob_counts_net_iob_and_the_commanded_insulin() -> None:
    i = replace(example_input(), temp_basals=())
    iob = net_iob_mU(i)
    prop = by_id("C-MAX-IOB")
    slack = i.settings.bolus_increment_mU
    at = with_settings(i, max_iob_mU=iob + 100 - slack)
    assert prop.judge(Case(at), Command(bolus_mU=100), make().decide, frozenset()).problem is None
    assert prop.judge(Case(at), Command(bolus_mU=101), make().decide, frozenset()).problem


def test_stale_future_and_low_triggers() -> None:
    i = example_input()
    stale = replace(i, now_min=i.now_min + 16)
    future = replace(i, glucose=(*i.glucose, Glucose(i.now_min + 1, 150)))
    low = replace(i, glucose=(Glucose(i.now_min - 5, 75), Glucose(i.now_min, 69)), carbs=())
    falling = replace(i, glucose=(Glucose(i.now_min - 10, 110), Glucose(i.now_min, 90)),
                      carbs=())
    more = Command(TempBasal(3000, 30))
    for prop_id, case in (("C-STALE-CGM", stale), ("C-FUTURE-DATA", future),
                          ("C-LOW-NO-INCREASE", low), ("C-LOW-NO-INCREASE", falling)):
        judgement = by_id(prop_id).judge(Case(case), more, make().decide, frozenset())
        assert judgement.problem is not None, prop_id
    fresh = by_id("C-STALE-CGM").judge(Case(i), more, make().decide, frozenset())
    assert not fresh.triggered


def test_a_time_zone_shift_keeps_every_instants_values() -> None:
    i = example_input()
    for shift in (-780, -60, 330, 345, 780):
        moved = shift_time_zone(i, shift)
        assert moved.settings.basal_schedule[0][0] == 0
        for t in range(i.now_min - 1440, i.now_min + 1440, 7):
            assert moved.scheduled_rate_at(t) == i.scheduled_rate_at(t)
        assert net_iob_mU(moved) == net_iob_mU(i)
