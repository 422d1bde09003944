"""Skips for tests that need a real controller: each says why and how to set it up."""

from __future__ import annotations

import pytest

from pumpproof.controllers.install import oref0_status, pyloopkit_status


def needs_oref0() -> None:
    problem = oref0_status()
    if problem is not None:
        pytest.skip(f"oref0 not available: {problem}")


def needs_pyloopkit() -> None:
    problem = pyloopkit_status()
    if problem is not None:
        pytest.skip(f"PyLoopKit not available: {problem}")
