"""``pumpproof protocol``: the shipped schemas, byte for byte, for firmware test suites."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pumpproof.pump_model import PROTOCOL_VERSION
from tests.fixtures.cli import command, pumpproof

SCHEMAS = Path(__file__).resolve().parents[2] / "pump_model" / "schemas"


@pytest.mark.parametrize("name", ["request", "answer"])
def test_schema_is_printed_byte_for_byte(name: str) -> None:
    run = subprocess.run([*command(), "protocol", "--schema", name], capture_output=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (SCHEMAS / f"{name}.schema.json").read_bytes()


def test_without_options_names_version_and_files() -> None:
    run = pumpproof("protocol")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0] == f"target protocol v{PROTOCOL_VERSION} (docs/protocol.md)"
    for name, line in zip(["request", "answer"], lines[1:], strict=True):
        path = line.removeprefix(f"{name} schema: ")
        assert Path(path).read_bytes() == (SCHEMAS / f"{name}.schema.json").read_bytes()


def test_unknown_schema_is_bad_input() -> None:
    run = pumpproof("protocol", "--schema", "settings")
    assert run.returncode == 2 and "invalid choice" in run.stderr
