"""The one fan-out: results in job order; ``fresh`` jobs each in a process of their own."""

from __future__ import annotations

import os

import pytest

from pumpproof.campaigns.fanout import fan_out
from pumpproof.errors import UsageError


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_fresh_jobs_each_run_in_a_new_process_and_come_back_in_order() -> None:
    results = fan_out(_pid_and_square, list(range(6)), workers=2, fresh=True)
    assert [square for _, square in results] == [0, 1, 4, 9, 16, 25]
    pids = {pid for pid, _ in results}
    assert len(pids) == 6 and os.getpid() not in pids
    # One worker: still a new process per job, never this one.
    alone = fan_out(_pid_and_square, [1, 2], workers=1, fresh=True)
    assert len({pid for pid, _ in alone} | {os.getpid()}) == 3


def test_without_fresh_one_worker_runs_in_this_process() -> None:
    assert fan_out(_pid_and_square, [3], workers=1) == [(os.getpid(), 9)]


def test_fresh_jobs_are_refused_on_dask() -> None:
    with pytest.raises(UsageError, match="fresh process each cannot run on Dask"):
        fan_out(_pid_and_square, [1], dask_address="tcp://127.0.0.1:1", fresh=True)
