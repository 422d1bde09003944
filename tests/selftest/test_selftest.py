"""Every mutant of the model is killed; contract mutants keep the original contracts."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from pumpproof.properties.catalogue import all_properties
from pumpproof.selftest.mutants import MUTANTS
from tests.fixtures.cli import pumpproof
from tests.fixtures.gate import GateRun


@pytest.mark.slow
def test_selftest_kills_every_mutant() -> None:
    result = pumpproof("selftest", "--json", timeout=1200)
    summary = json.loads(result.stdout)
    assert summary["mutants"] >= len(all_properties())
    assert summary["killed"] == summary["mutants"], result.stdout
    assert summary["properties_covered"] == len(all_properties())
    assert result.returncode == 0


@pytest.mark.slow
def test_run_selftest_bundles_the_real_selftest_per_property(gate_run: GateRun) -> None:
    """``run --selftest`` on the built-in model runs every real mutant (``run`` has no
    ``--property`` to narrow it) and bundles, per property, the mutants the selftest killed
    (the shared run of tests/conftest.py, which also checks targets: it exits 1 for them)."""
    result, out = gate_run.result, gate_run.out
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "stage 6/7: selftest: every mutant against its property" in result.stderr.splitlines()
    validation = json.loads((out / "bundle.json").read_text())["tool_validation"]
    written = Counter(m.property_id for m in MUTANTS)
    assert validation["source"] == "run --selftest"
    assert validation["mutants"] == validation["killed"] == len(MUTANTS)
    assert validation["per_property"] == {prop_id: {"mutants": n, "killed": n}
                                          for prop_id, n in sorted(written.items())}
    assert set(validation["per_property"]) == {p.id for p in all_properties()}
    markdown = (out / "report.md").read_text()
    assert f"- tool validation: {len(MUTANTS)} of {len(MUTANTS)} mutants killed " \
           "(run --selftest)" in markdown


def test_contract_mutants_keep_the_original_contracts() -> None:
    from pumpproof.pump_model import calculator, curves, windows
    from pumpproof.selftest import contract_mutants

    def lines(fn: Any) -> list[str]:
        return [ln.strip() for ln in (fn.__doc__ or "").splitlines()
                if ln.strip().startswith(("pre:", "post:"))]

    pairs = [
        (contract_mutants.suggest_bolus_uncapped, calculator.suggest_bolus_mU),
        (contract_mutants.round_up_to_pulses, calculator.round_down_to_pulses),
        (contract_mutants.day_bins_one_short, windows.day_bins),
        (contract_mutants.oldest_age_min, curves.youngest_age_min),
    ]
    for mutant, original in pairs:
        assert lines(mutant) == lines(original) and lines(original)
