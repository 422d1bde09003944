"""Every mutant of the model is killed; contract mutants keep the original contracts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pumpproof.properties.catalogue import all_properties
from pumpproof.selftest.mutants import MUTANTS
from tests.fixtures.cli import pumpproof


@pytest.mark.slow
def test_selftest_kills_every_mutant() -> None:
    result = pumpproof("selftest", "--json", timeout=1200)
    summary = json.loads(result.stdout)
    assert summary["mutants"] >= len(all_properties())
    assert summary["killed"] == summary["mutants"], result.stdout
    assert summary["properties_covered"] == len(all_properties())
    assert result.returncode == 0


@pytest.mark.slow
def test_run_selftest_bundles_the_real_selftest_per_property(tmp_path: Path) -> None:
    """``run --selftest`` on the built-in model runs every real mutant (``run`` has no
    ``--property`` to narrow it) and bundles, per property, the mutants the selftest killed."""
    out = tmp_path / "out"
    result = pumpproof("run", "--selftest", "--out", str(out), timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "stage 2/3: selftest: every mutant against its property" in result.stderr
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
