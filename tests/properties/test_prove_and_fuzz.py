"""The checks can fail: broken variants of the model are caught, the reference is not."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import pytest

from pumpproof.engines.fuzz import PROFILES, FuzzProfile, fuzz
from pumpproof.engines.monitor import replay_violates
from pumpproof.engines.prove import ProofSettings, bmc, k_induction
from pumpproof.properties.catalogue import all_properties, by_id, observer_properties
from pumpproof.properties.observer import Context
from pumpproof.properties.verdicts import Verdict
from pumpproof.pump_model import REFERENCE, Params, ReferencePump, Rules
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget

SPEC = load_spec()
PARAMS = Params(SPEC.settings)


def bolus_limit_shifted(extra_mU: int, field: str = "max_bolus_mU") -> Rules:
    """A mutant: the bolus handler sees a limit ``extra_mU`` looser than the spec's."""
    original = REFERENCE.handlers["bolus"]

    def mutant(params: Params, state: Any, request: Any) -> Any:
        settings = params.settings
        loose = dataclasses.replace(settings, **{field: getattr(settings, field) + extra_mU})
        return original(dataclasses.replace(params, settings=loose), state, request)

    return REFERENCE.replacing(f"{field}+{extra_mU}", handlers={"bolus": mutant})


def test_reference_proves_max_bolus_and_daily_total() -> None:
    for prop_id in ("P-DOSE-MAX-BOLUS", "P-DOSE-DAILY-TOTAL", "P-SEC-REPLAY"):
        result = k_induction(by_id(prop_id), PARAMS, ProofSettings(max_k=1))
        assert result.verdict is Verdict.PROVED, (prop_id, result.detail)
        assert result.depth == 1


def test_off_by_one_max_bolus_is_violated_with_a_replayable_trace() -> None:
    prop = by_id("P-DOSE-MAX-BOLUS")
    rules = bolus_limit_shifted(PARAMS.settings.pulse_mU)
    result = k_induction(prop, PARAMS, ProofSettings(max_k=1), rules=rules)
    assert result.verdict is Verdict.VIOLATED
    trace = result.counterexample
    assert trace is not None and trace[-1]["event"]["kind"] == "bolus"
    event = trace[-1]["event"]
    assert event["amount_mU"] + event["extended_mU"] == PARAMS.settings.max_bolus_mU + 50
    assert replay_violates(prop, PARAMS, trace, Context.for_proof(PARAMS), rules)
    # The same trace on the correct model does not violate.
    assert not replay_violates(prop, PARAMS, trace, Context.for_proof(PARAMS))


def test_a_loose_daily_limit_is_not_proved() -> None:
    """A deep violation: BMC cannot reach it at depth 3, and k-induction must not say proved."""
    prop = by_id("P-DOSE-DAILY-TOTAL")
    rules = bolus_limit_shifted(50, field="max_daily_total_mU")
    assert k_induction(prop, PARAMS, ProofSettings(max_k=1), rules=rules).verdict is Verdict.UNKNOWN
    assert bmc(prop, PARAMS, ProofSettings(bmc_depth=3), rules=rules).verdict is Verdict.PASSED


class _OverBolusPump(ReferencePump):
    """A buggy target: clips nothing, accepts one pulse over the max bolus."""

    def handle(self, message: Any) -> Any:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "bolus":
            amount = event.get("amount_mU")
            if amount == PARAMS.settings.max_bolus_mU + PARAMS.settings.pulse_mU:
                event = {**event, "amount_mU": PARAMS.settings.max_bolus_mU}
                answer = super().handle({**message, "event": event})
                return answer
        return super().handle(message)


def test_fuzzing_finds_and_shrinks_a_target_bug() -> None:
    outcome = fuzz(
        SPEC, PARAMS, observer_properties(),
        lambda: InProcessTarget("buggy", _OverBolusPump(SPEC)),
        FuzzProfile(examples=150, steps=40, max_tick_run=60), seed=3,
        scenarios=False,  # the Hypothesis part alone: it must find and shrink the bug
    )
    assert "P-DOSE-MAX-BOLUS" in outcome.violations
    trace = outcome.violations["P-DOSE-MAX-BOLUS"]
    assert trace[0]["op"] == "configure"
    assert len(trace) <= 6, trace  # shrunk
    assert outcome.target_failure is None


def test_reference_passes_fuzzing_and_no_property_is_vacuous() -> None:
    outcome = fuzz(SPEC, PARAMS, observer_properties(), lambda: InProcessTarget(
        "reference", ReferencePump(SPEC)), PROFILES["ci"], seed=0)
    assert outcome.violations == {}
    vacuous = [pid for pid, n in outcome.triggers.items() if n == 0]
    assert vacuous == []


@pytest.mark.parametrize("prop", all_properties(), ids=lambda p: p.id)
def test_every_property_names_existing_requirements(prop: Any) -> None:
    assert prop.requirements
    for req_id in prop.requirements:
        assert req_id in SPEC.requirement_ids


@pytest.mark.slow
def test_selftest_kills_every_mutant() -> None:
    import json as _json
    import shutil as _shutil
    import subprocess as _subprocess

    exe = _shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    result = _subprocess.run([*command, "selftest", "--json"], capture_output=True, text=True,
                             timeout=1200, check=False)
    summary = _json.loads(result.stdout)
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
