"""One real campaign shared by the report tests (it takes about a minute)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def pumpproof(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=1200,
                          check=False)


@pytest.fixture(scope="session")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("campaign") / "out"
    result = pumpproof("run", "--out", str(out), "--seed", "3", "--revision", "fw-1.2.3")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out
