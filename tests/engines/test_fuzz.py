"""Hypothesis fuzzing finds and shrinks a target bug; the reference passes, never vacuously."""

from __future__ import annotations

from typing import Any

import pytest

from pumpproof.engines.fuzz import PROFILES, FuzzProfile, fuzz
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.spec import load_spec
from pumpproof.targets import InProcessTarget

SPEC = load_spec()
PARAMS = Params(SPEC.settings)


class _OverBolusPump(ReferencePump):
    """A buggy target: a bolus up to two pulses over the max is accepted (its immediate part
    clipped silently so that the total is the max) instead of refused."""

    def handle(self, message: Any) -> Any:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "bolus":
            amount, extended = event.get("amount_mU"), event.get("extended_mU", 0)
            limit = PARAMS.settings.max_bolus_mU
            if (isinstance(amount, int) and isinstance(extended, int)
                    and limit < amount + extended <= limit + 2 * PARAMS.settings.pulse_mU
                    and extended <= limit):
                event = {**event, "amount_mU": limit - extended}
                return super().handle({**message, "event": event})
        return super().handle(message)


@pytest.mark.slow
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
