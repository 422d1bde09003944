"""Fixtures shared across test folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.firmware import build_all, toolchain_missing


@pytest.fixture(scope="session")
def firmware(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The C example's ``build`` directory: ``pump_host`` and ``pump_host_<bug>`` for every
    planted bug, built once per run (shared by the xdist workers)."""
    why = toolchain_missing()
    if why is not None:
        pytest.skip(why)
    base = tmp_path_factory.getbasetemp()
    return build_all(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
