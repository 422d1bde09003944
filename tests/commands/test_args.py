"""Bad numbers are bad input: exit 2, one line naming the option and the problem."""

from __future__ import annotations

import pytest

from tests.fixtures.cli import pumpproof

SECONDS = "must be a number of seconds > 0"
COUNT = "must be a whole number ≥ 1"
SEED = "must be a whole number ≥ 0"

CASES = [
    # (command words, option, value, problem)
    *[(["check", "--target", "reference"], "--budget", v, SECONDS)
      for v in ("-1", "0", "nan", "inf", "ten")],
    *[(["check", "--target", "reference"], "--timeout", v, SECONDS) for v in ("0", "-1")],
    *[(["check", "--target", "reference"], "--workers", v, COUNT) for v in ("0", "-3", "1.5")],
    (["check", "--target", "reference"], "--seed", "-1", SEED),
    *[(["run"], "--budget", v, SECONDS) for v in ("-1", "0")],
    *[(["run"], "--workers", v, COUNT) for v in ("0", "-3")],
    (["run"], "--seed", "-1", SEED),
    *[(["verify"], "--workers", v, COUNT) for v in ("0", "-3")],
    (["verify"], "--seed", "-1", SEED),
    (["selftest"], "--seed", "-1", SEED),
    (["selftest"], "--seed", "x", SEED),
    *[(["simulate", "trace.jsonl"], "--timeout", v, SECONDS) for v in ("0", "-1")],
]


@pytest.mark.parametrize(("words", "option", "value", "problem"), CASES,
                         ids=[f"{c[0][0]} {c[1]} {c[2]}" for c in CASES])
def test_a_bad_number_is_one_line_naming_the_option(words: list[str], option: str, value: str,
                                                    problem: str) -> None:
    result = pumpproof(*words, f"{option}={value}", timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"argument {option}: {problem}, got '{value}'" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_negative_number_after_a_space_is_read_as_the_value() -> None:
    result = pumpproof("check", "--target", "reference", "--budget", "-1", timeout=120)
    assert result.returncode == 2
    assert "argument --budget: must be a number of seconds > 0, got '-1'" in result.stderr
