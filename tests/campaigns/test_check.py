"""`run_check`: findings, baselines, workers and Dask (the CLI is in tests/commands)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pumpproof.campaigns.check import Baseline, CheckOptions, compare_baseline, run_check
from pumpproof.campaigns.evidence import evidence_json
from pumpproof.engines.fuzz import FuzzProfile
from pumpproof.spec import load_spec

OFF_BY_ONE = "py:tests.fixtures.off_by_one:make"
SPEC = load_spec()
# Rounds small enough that a whole campaign fits well inside its budget, even on a slow
# machine: the same seed then gives the same findings (a budget that runs out cuts a round
# wherever the clock says, and the findings with it).
SMALL = FuzzProfile(examples=3, steps=20, max_tick_run=60)


def test_an_off_by_one_python_target_is_caught_with_a_short_trace() -> None:
    # one round, however loaded the machine (a 10 s budget planned one round of ~9 s, and
    # the deadline could cut it)
    result = run_check(SPEC, CheckOptions(target=OFF_BY_ONE, budget_s=300, rounds=1))
    assert result.violated == ["P-DOSE-MAX-BOLUS"]
    trace = result.outcome.violations["P-DOSE-MAX-BOLUS"]
    assert trace[-1]["event"]["amount_mU"] == SPEC.settings.max_bolus_mU + SPEC.settings.pulse_mU
    kinds = {d.field for d in result.outcome.conformance}
    assert "accepted" in kinds  # the reference refuses what the target accepted


def test_baseline_new_known_fixed(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({
        "properties": [{"id": "P-A", "verdict": "violated"}, {"id": "P-B", "verdict": "violated"},
                       {"id": "P-C", "verdict": "passed"}],
        "accepted": [{"property": "P-B", "justification": "hardware interlock, see HW-7"}],
    }))
    baseline = Baseline.load(str(path))
    assert compare_baseline(["P-B", "P-C"], baseline) == {
        "new": ["P-C"], "still_failing": [], "known": ["P-B"], "fixed": ["P-A"]}


@pytest.mark.slow
def test_workers_and_dask_give_the_same_findings_as_each_other() -> None:
    distributed = pytest.importorskip("distributed")
    # three small rounds; the budget only bounds a stuck run (a busy machine is no failure)
    options = CheckOptions(target=OFF_BY_ONE, budget_s=300, workers=2, seed=5,
                           round_profile=SMALL, rounds=3)
    local = run_check(SPEC, options)
    # the worker processes inherit sys.path, where pytest put the repository root
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = run_check(SPEC, replace(options, dask_address=cluster.scheduler_address))
    assert not local.budget_exhausted and not on_dask.budget_exhausted
    assert local.violated == on_dask.violated == ["P-DOSE-MAX-BOLUS"]
    assert local.outcome.violations == on_dask.outcome.violations
    # Not the request counts: Hypothesis (6.1xx) seeds its generation with constants from the
    # modules loaded in the process (sys.modules), and a forked local worker has loaded other
    # modules than a fresh Dask worker, so the same seed can draw different examples.


def test_the_same_seed_gives_the_same_evidence_when_the_budget_is_not_hit() -> None:
    options = CheckOptions(target=OFF_BY_ONE, budget_s=300, seed=3, round_profile=SMALL,
                           rounds=4)
    first, second = run_check(SPEC, options), run_check(SPEC, options)
    assert first.rounds == second.rounds == 4
    assert not first.budget_exhausted and not second.budget_exhausted
    assert evidence_json(first.evidence) == evidence_json(second.evidence)
    assert evidence_json(first.evidence)["target"]["shrinking_cut_short"] == []


def test_a_spent_budget_stops_the_campaign_and_says_so() -> None:
    result = run_check(SPEC, CheckOptions(target=OFF_BY_ONE, budget_s=0.5))
    assert result.seconds <= 0.5 * 1.1 + 5
    assert result.budget_exhausted and result.target.budget_exhausted
    assert result.rounds == 1
