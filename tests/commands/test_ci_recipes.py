"""The CI recipes in examples/ci work as written: the gate script of each, run as is (with a
shorter budget) against a host build, writes the first baseline, then checks against it."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.cli import command

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "ci"


def _github(recipe: dict[str, Any]) -> list[str]:
    return [step["run"] for step in recipe["jobs"]["safety-gate"]["steps"] if "run" in step]


def _gitlab(recipe: dict[str, Any]) -> list[str]:
    script: list[str] = recipe["pumpproof"]["script"]
    return script


SCRIPTS = {"github-actions.yml": _github, "gitlab-ci.yml": _gitlab}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_recipe_installs_pumpproof_from_its_repository(name: str) -> None:
    lines = SCRIPTS[name](yaml.safe_load((RECIPES / name).read_text()))
    installs = [line for line in lines if line.startswith("pip install")]
    assert installs == ['pip install "pumpproof @ git+https://github.com/OWNER/pumpproof@REF"']
    gate = next(line for line in lines if "pumpproof check" in line)
    assert "--write-baseline" in gate and "--baseline safety/baseline.json" in gate


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_recipe_writes_the_first_baseline_then_checks_against_it(name: str,
                                                                     tmp_path: Path) -> None:
    lines = SCRIPTS[name](yaml.safe_load((RECIPES / name).read_text()))
    gate = next(line for line in lines if "pumpproof check" in line)
    gate = gate.replace("--budget 120", "--budget 10")  # the only change: a shorter budget
    # The "firmware": the reference pump behind the program name the recipe expects.
    host = tmp_path / "build" / "pump_host"
    host.parent.mkdir()
    host.write_text(f"#!/bin/sh\nexec {shlex.join(command())} serve\n")
    host.chmod(host.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(command()[0]).parent),
                                                  os.environ.get("PATH", "")])}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-e", "-c", gate], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=600, check=False)

    first = run()
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "no safety/baseline.json yet" in first.stdout
    written = tmp_path / "pumpproof-check" / "baseline.json"
    assert json.loads(written.read_text())["accepted"] == []
    (tmp_path / "safety").mkdir()
    written.rename(tmp_path / "safety" / "baseline.json")  # reviewed and committed

    second = run()
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    evidence = json.loads((tmp_path / "pumpproof-check" / "evidence.json").read_text())
    assert evidence["target"]["baseline"]["file"] == "safety/baseline.json"
    assert (tmp_path / "pumpproof-check" / "junit.xml").exists()
