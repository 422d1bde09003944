"""The README's commands for a firmware team work as written, from a fresh directory.

The "Bringing up an adapter" block and the first steps of "Your own pump" are read from the
README itself and run by bash in an empty directory holding only the C example's host build
at ``./build/pump_host`` (the path the README uses), with the installed ``pumpproof`` first on
``PATH``: if the README changes, the test runs the new text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.firmware import toolchain_missing

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(toolchain_missing() is not None, reason="needs make and gcc"),
]


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def code_blocks(text: str) -> list[str]:
    """The plain fenced blocks (no language: shell commands) of ``text``."""
    return re.findall(r"^```\n(.*?)^```$", text, re.M | re.S)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, firmware: Path) -> Path:
    work = tmp_path_factory.mktemp("team")
    (work / "build").mkdir()
    shutil.copy(firmware / "pump_host", work / "build" / "pump_host")
    return work


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_bringing_up_an_adapter_runs_the_kit_on_the_c_example(workdir: Path) -> None:
    (block,) = code_blocks(section("Bringing up an adapter"))
    assert block.strip().startswith("pumpproof conformance --target")
    result = bash(block, workdir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "R5" in result.stdout and "FAIL" not in result.stdout


def test_your_own_spec_directory_is_copied_and_validated_as_written(workdir: Path) -> None:
    blocks = code_blocks(section("Your own pump"))
    copy = next(b for b in blocks if b.startswith("cp -r"))
    result = bash(copy, workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{workdir / 'acme-spec'}: valid (spec directory)" in result.stdout
    assert not list((workdir / "acme-spec").glob("*.py"))
