"""`run_check`: findings, baselines, workers and Dask (the CLI is in tests/commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pumpproof.campaigns.check import Baseline, CheckOptions, compare_baseline, run_check
from pumpproof.spec import load_spec

OFF_BY_ONE = "py:tests.fixtures.off_by_one:make"
SPEC = load_spec()


def test_an_off_by_one_python_target_is_caught_with_a_short_trace() -> None:
    result = run_check(SPEC, CheckOptions(target=OFF_BY_ONE, budget_s=10))
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
    local = run_check(SPEC, CheckOptions(target=OFF_BY_ONE, budget_s=10, workers=2, seed=5))
    # the worker processes inherit sys.path, where pytest put the repository root
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = run_check(SPEC, CheckOptions(target=OFF_BY_ONE, budget_s=10, workers=2,
                                               seed=5, dask_address=cluster.scheduler_address))
    assert local.violated == on_dask.violated == ["P-DOSE-MAX-BOLUS"]
    assert local.outcome.violations == on_dask.outcome.violations
    assert local.outcome.requests == on_dask.outcome.requests
