"""One real campaign shared by the report tests (it takes about a minute)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.cli import pumpproof


@pytest.fixture(scope="session")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("campaign") / "out"
    result = pumpproof("run", "--out", str(out), "--seed", "3", "--revision", "fw-1.2.3",
                       timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out
