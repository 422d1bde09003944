"""Worked numbers for the curve, the calculator and basal delivery, ."""

from __future__ import annotations

import itertools

import pytest

from pumpproof.pump_model import (
    TICK,
    ReferencePump,
    iob_fraction,
    iob_fraction_ppm,
    iob_table_ppm,
    suggest_bolus,
    suggest_bolus_mU,
)
from pumpproof.spec import load_spec

SPEC = load_spec()


@pytest.mark.parametrize(
    ("dia", "peak", "expected"),
    [
        (300, 75, (0.764, 0.411, 0.159, 0.033)),
        (360, 75, (0.779, 0.450, 0.208, 0.073)),
        (300, 55, (0.668, 0.288, 0.088, 0.015)),
    ],
)
def test_iob_matches_the_oracle_table(dia: int, peak: int, expected: tuple[float, ...]) -> None:
    for minutes, value in zip((60, 120, 180, 240), expected, strict=True):
        assert abs(float(iob_fraction(minutes, dia, peak)) - value) <= 0.0015


def test_iob_curve_is_monotone_and_tables_never_undercount() -> None:
    values = [iob_fraction_ppm(m, 360, 75) for m in range(0, 361)]
    assert values[0] == 1_000_000 and values[-1] == 0
    assert all(a >= b for a, b in itertools.pairwise(values))
    for m in range(0, 360):
        assert values[m] >= float(iob_fraction(m, 360, 75)) * 1_000_000
    table = iob_table_ppm(360, 75, 5)
    for j, fraction in enumerate(table):  # bin j holds insulin at least 5j-4 minutes old
        for age in range(max(0, 5 * j - 4), min(5 * j + 5, 360)):
            assert fraction >= values[age]


def test_calculator_edges() -> None:
    # 60 g / 10 g/U = 6 U; (180-110)/50 = 1.4 U; 7.4 U = 7400 mU.
    assert suggest_bolus_mU(60, 10, 180, 110, 50, 0, 50, 10000, 70) == 7400
    assert suggest_bolus_mU(60, 10, 70, 110, 50, 0, 50, 10000, 70) == 0  # at threshold
    assert suggest_bolus(0, 10, 150, 110, 50, 5000, 50, 10000, 70).reason == "iob_covers"
    capped = suggest_bolus(300, 10, 300, 110, 50, 0, 50, 10000, 70)
    assert capped.capped and capped.dose_mU == 10000 and capped.uncapped_mU > 10000
    # 1 g / 3 g/U = 333 mU → 300 mU in whole pulses, never rounded up.
    assert suggest_bolus_mU(1, 3, 110, 110, 50, 0, 50, 10000, 70) == 300


def test_a_day_of_basal_delivers_the_schedule_integral() -> None:
    pump = ReferencePump(SPEC)
    pump.configure({**SPEC.settings.to_protocol(), "auto_off_min": 0})
    delivered = sum(pump.apply(TICK).delivered_mU for _ in range(1440))
    # 800·6 h + 1000·6 h + 900·9 h + 850·3 h = 21 450 mU, a multiple of the 50 mU pulse.
    assert abs(delivered - 21_450) <= 50


def test_max_bolus_accepted_and_one_pulse_more_refused() -> None:
    pump = ReferencePump(SPEC)
    pump.configure(SPEC.settings.to_protocol())
    over = pump.handle({"op": "event", "event": {
        "kind": "bolus", "amount_mU": 10050, "source": "user", "id": "a"}})
    assert over["accepted"] is False and over["reason"] == "exceeds_max_bolus"
    at = pump.handle({"op": "event", "event": {
        "kind": "bolus", "amount_mU": 10000, "source": "user", "id": "b"}})
    assert at["accepted"] is True
    first = pump.handle({"op": "tick"})
    assert first["delivered_mU"] >= 1500  # the bolus rate, 1.5 U per minute, from the next tick
