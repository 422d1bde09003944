"""Fixtures shared across test folders, and how pytest-xdist schedules their readers.

A session fixture is made once per xdist worker. So the tests that read one of the shared
end-to-end runs are sent to one worker as a unit (``SHARED_RUN_READERS``, by the start of
their test id; the largest units start first), and that worker makes the run once. The
C example's builds (``firmware``) are shared between workers through a file lock instead.
(``xdist_group`` marks with ``--dist loadgroup`` would say the same, but pytest-xdist 3.8
renames test ids through an attribute that pytest 9 no longer reads, so they group nothing.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from tests.fixtures import garbage_pump
from tests.fixtures.cli import pumpproof
from tests.fixtures.firmware import ROOT, build_all, toolchain_missing
from tests.fixtures.gate import OFF_BY_ONE, GateRun

#: Test ids (or their start) → the shared run they read: each group runs on one worker.
SHARED_RUN_READERS = {
    "tests/reports/test_reports.py::": "campaign",  # tests/reports/conftest.py
    "tests/commands/test_firmware_c.py::test_a_planted_bug_and_a_garbage_target": "gate_run",
    "tests/commands/test_findings.py::test_run_prints_the_findings_of_each_target": "gate_run",
    "tests/selftest/test_selftest.py::test_run_selftest_bundles_the_real_selftest": "gate_run",
}


class _SharedRunScheduling(LoadScopeScheduling):
    """``--dist load``, except that the readers of one shared run form one unit."""

    def _split_scope(self, nodeid: str) -> str:
        return next((group for start, group in SHARED_RUN_READERS.items()
                     if nodeid.startswith(start)), nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """The scheduler for ``-n N`` (whose default mode is ``load``); other modes as asked."""
    return _SharedRunScheduling(config, log) if config.getvalue("dist") == "load" else None


@pytest.fixture(scope="session")
def firmware(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The C example's ``build`` directory: ``pump_host`` and ``pump_host_<bug>`` for every
    planted bug, built once per run (shared by the xdist workers)."""
    why = toolchain_missing()
    if why is not None:
        pytest.skip(why)
    base = tmp_path_factory.getbasetemp()
    return build_all(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture(scope="session")
def gate_run(tmp_path_factory: pytest.TempPathFactory, firmware: Path) -> GateRun:
    """One ``pumpproof run`` with three faulty targets, a faulty AID controller and the real
    ``--selftest``, read by several end-to-end tests that each assert their own part (every
    full run pays a verify of the reference model and a minute or more of checks)."""
    out = tmp_path_factory.mktemp("gate") / "out"
    buggy = f"cmd:{firmware / 'pump_host_occlusion_wrong_compare'} --json"
    garbage = f"cmd:{sys.executable} {garbage_pump.__file__}"
    controller = f"cmd:{sys.executable} -m tests.fixtures.aid_controller round-after-clamp"
    targets = [arg for t in (buggy, garbage, OFF_BY_ONE) for arg in ("--target", t)]
    result = pumpproof("run", *targets, "--controller", controller, "--selftest",
                       "--budget", "10", "--out", str(out), timeout=3600, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})  # py:tests.fixtures…
    return GateRun(result, out, buggy, garbage, OFF_BY_ONE, controller)
