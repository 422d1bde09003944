"""Every mutant of the model is killed; contract mutants keep the original contracts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pumpproof.properties.catalogue import all_properties
from tests.fixtures.cli import pumpproof


@pytest.mark.slow
def test_selftest_kills_every_mutant() -> None:
    result = pumpproof("selftest", "--json", timeout=1200)
    summary = json.loads(result.stdout)
    assert summary["mutants"] >= len(all_properties())
    assert summary["killed"] == summary["mutants"], result.stdout
    assert summary["properties_covered"] == len(all_properties())
    assert result.returncode == 0


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
