"""The closed loop on a virtual patient (simglucose; skipped with the reason when it is not
set up), and its statistics."""

from __future__ import annotations

import pytest

from pumpproof.campaigns.closed_loop import (
    LoopResult,
    mean_ci,
    poisson_rate_ci,
    run_patient,
    summary,
)
from pumpproof.campaigns.virtual_patients import load_patient, simglucose_status
from tests.fixtures.aid_controller import make


def test_a_careful_controller_keeps_a_virtual_adult_in_range() -> None:
    problem = simglucose_status()
    if problem is not None:
        pytest.skip(f"simglucose not available: {problem}")
    patient = load_patient("adult#001")
    outcome = run_patient(make(), patient, minutes=480, seed=0)  # 00:00–08:00, breakfast
    assert outcome.minutes == 480 and outcome.decisions == 96
    assert outcome.violations == {}
    assert outcome.below_54 == 0
    assert outcome.in_range > 0.8 * outcome.minutes
    data = summary(LoopResult("fixture", "1", 1, 0, (outcome,), ("C-MAX-BASAL",)))
    assert data["patients"][0]["total_insulin_U"] > 5
    assert data["hazards"]["C-MAX-BASAL_per_1000_decisions"]["rate"] == 0.0


def test_statistics() -> None:
    assert mean_ci([1.0]) == {"mean": 1.0, "ci95_low": None, "ci95_high": None}
    ci = mean_ci([10.0, 12.0, 14.0])
    assert ci["mean"] == 12.0 and ci["ci95_low"] == pytest.approx(12 - 4.303 * 2 / 3 ** 0.5,
                                                                  abs=1e-3)
    assert poisson_rate_ci(0, 10) == {"rate": 0.0, "ci95_low": 0.0, "ci95_high": 0.3}
    ten = poisson_rate_ci(10, 1)
    assert ten["ci95_low"] == pytest.approx(4.795, abs=0.01)  # exact: 4.795
    assert ten["ci95_high"] == pytest.approx(18.39, abs=0.05)  # exact: 18.390


def test_patients_in_parallel_give_the_same_outcomes(tmp_path: object) -> None:
    """One patient per job, in local processes or on a Dask cluster: the same outcomes, in
    patient order, as one after the other."""
    problem = simglucose_status()
    if problem is not None:
        pytest.skip(f"simglucose not available: {problem}")
    import os
    import sys
    from pathlib import Path

    from pumpproof.campaigns.closed_loop import run_closed_loop_parallel
    root = str(Path(__file__).resolve().parents[2])
    os.environ["PYTHONPATH"] = root + os.pathsep + os.environ.get("PYTHONPATH", "")
    spec = f"cmd:{sys.executable} -m tests.fixtures.aid_controller"
    names = ["adult#002", "child#001"]
    serial = run_closed_loop_parallel(spec, "fixture", names, 1, 0, workers=1, minutes=60)
    local = run_closed_loop_parallel(spec, "fixture", names, 1, 0, workers=2, minutes=60)
    assert [o.to_json() for o in local.patients] == [o.to_json() for o in serial.patients]
    assert [o.patient for o in local.patients] == names
    from distributed import LocalCluster
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        dask = run_closed_loop_parallel(spec, "fixture", names, 1, 0,
                                        dask_address=cluster.scheduler_address, minutes=60)
    assert [o.to_json() for o in dask.patients] == [o.to_json() for o in serial.patients]
