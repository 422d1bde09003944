"""CI logs: without a terminal, full property ids, unwrapped paths, plain progress lines."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from pumpproof.commands import _console
from pumpproof.properties.catalogue import observer_properties
from tests.fixtures.cli import pumpproof


def test_a_check_in_a_log_has_full_ids_and_progress_lines(tmp_path: Path) -> None:
    out = tmp_path / ("evidence-" + "x" * 120)  # longer than any terminal line
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "COLUMNS")}
    result = pumpproof("check", "--target", "reference", "--budget", "10", "--out", str(out),
                       env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    for prop in observer_properties():
        assert f"│ {prop.id} " in result.stdout, prop.id
    assert "…" not in result.stdout
    assert "P-DOSE-DAILY-TO\n" not in result.stdout
    assert (f"evidence: {out / 'evidence.json'}  junit: {out / 'junit.xml'}  "
            f"timelines: {out / 'timelines.json'}") in result.stdout.splitlines()
    assert json.loads((out / "timelines.json").read_text()) == {}  # nothing violated
    stages = result.stderr.splitlines()
    assert "stage 1/2: checking reference" in stages
    assert "stage 1/2: checking reference: round 1/1 on 1 worker(s)" in stages
    assert "stage 2/2: explaining the findings (replaying each saved trace)" in stages
    assert "\x1b[" not in result.stdout + result.stderr  # no spinner, no colour codes


@pytest.mark.parametrize(("ci", "tty", "plain"), [
    (None, True, False), ("true", True, True), ("1", True, True), ("false", True, False),
    (None, False, True),
])
def test_plain_output_without_a_terminal_or_in_ci(monkeypatch: pytest.MonkeyPatch,
                                                  ci: str | None, tty: bool,
                                                  plain: bool) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    monkeypatch.setattr("sys.stdout", Stream())
    monkeypatch.setattr("sys.stderr", Stream())
    assert _console.plain() is plain


def test_stages_are_lines_in_a_log(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CI", "1")
    stages = _console.Stages(2)
    with stages.stage("first") as update:
        update("a")
        update("a")
        update("b")
    with stages.stage("second"):
        pass
    assert capsys.readouterr().err.splitlines() == [
        "stage 1/2: first", "stage 1/2: first: a", "stage 1/2: first: b", "stage 2/2: second"]
