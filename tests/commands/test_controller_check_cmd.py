"""``pumpproof check --controller`` and ``pumpproof controllers`` end to end, on the tiny
``cmd:`` controller of tests/fixtures (careful, and with a planted bug)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.fixtures.cli import pumpproof

ROOT = Path(__file__).resolve().parents[2]


def _cmd(bug: str = "") -> str:
    return f"cmd:{sys.executable} -m tests.fixtures.aid_controller {bug}".rstrip()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_a_broken_controller_fails_the_gate_with_a_replayable_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pumpproof("check", "--controller", _cmd("round-after-clamp"), "--budget", "4",
                       "--out", str(out), env=_env(), cwd=ROOT, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "VIOLATED C-MAX-BASAL (REQ-AID-1): temp basal" in result.stdout
    evidence = json.loads((out / "evidence.json").read_text())
    assert evidence["schema"] == "pumpproof.evidence/1"
    verdicts = {p["id"]: p["verdict"] for p in evidence["properties"]}
    assert verdicts["C-MAX-BASAL"] == "violated"
    section = evidence["controller"]
    assert section["version"] == "fixture round-after-clamp"
    finding = section["findings"]["C-MAX-BASAL"]
    saved = json.loads((out / "controller-inputs" / "C-MAX-BASAL.json").read_text())
    assert saved == finding and saved["input"]["schema"] == "pumpproof.controller/1"
    assert 'failures="' in (out / "junit.xml").read_text()
    replay = pumpproof("controllers", "decide", "--controller", _cmd("round-after-clamp"),
                       str(out / "controller-inputs" / "C-MAX-BASAL.json"), env=_env(),
                       cwd=ROOT, timeout=60)
    assert replay.returncode == 0, replay.stderr
    command = json.loads(replay.stdout)
    limit = saved["input"]["settings"]["max_basal_mU_per_h"]
    assert command["temp_basal"]["rate_mU_per_h"] > limit  # the input reproduces it


def test_a_careful_controller_passes(tmp_path: Path) -> None:
    result = pumpproof("check", "--controller", _cmd(), "--budget", "3", "--out",
                       str(tmp_path), env=_env(), cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    evidence = json.loads((tmp_path / "evidence.json").read_text())
    assert evidence["verdict"] in ("passed", "unknown")
    assert not evidence["controller"]["findings"]


def test_bad_controller_arguments_are_one_line_and_exit_2(tmp_path: Path) -> None:
    out = ["--out", str(tmp_path)]
    for args in (["check", "--controller", "nonsense", *out],
                 ["check", "--controller", "oref0", "--target", "reference", *out],
                 ["check", "--controller", _cmd(), "--budget", "-1", *out],
                 ["check", "--controller", _cmd(), "--workers", "2", *out],
                 ["check", "--controller", _cmd(), "--rounds", "2", *out],
                 ["check", "--target", "reference", "--rounds", "0", *out],
                 ["controllers", "setup", "loop3"],
                 ["controllers", "decide", "--controller", _cmd(), str(tmp_path / "none.json")]):
        result = pumpproof(*args, env=_env(), cwd=ROOT, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)


def test_status_names_each_controller() -> None:
    result = pumpproof("controllers", "status", timeout=60)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("oref0: ") and lines[1].startswith("pyloopkit: ")
