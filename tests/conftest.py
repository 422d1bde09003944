"""Fixtures shared across test folders.

A session fixture is made once per xdist worker: the tests that read one share an
``xdist_group`` (``--dist loadgroup`` in ``pyproject.toml``; ``GATE_RUN`` for ``gate_run``)
so that one worker makes it, unless the fixture shares its work between workers itself
(``firmware``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.fixtures import garbage_pump
from tests.fixtures.cli import pumpproof
from tests.fixtures.firmware import ROOT, build_all, toolchain_missing
from tests.fixtures.gate import OFF_BY_ONE, GateRun


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
