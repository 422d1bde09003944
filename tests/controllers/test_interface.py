"""The controller interface's JSON: exact round trips, one clear error for bad input, and the
three ways a safety setting can be lost kept apart."""

from __future__ import annotations

import pytest

from pumpproof.controllers.interface import (
    SAFETY_SETTINGS,
    decode_command,
    decode_input,
    encode_input,
    example_input,
    with_settings,
)
from pumpproof.controllers.units import mU_ceil
from pumpproof.errors import UsageError


def test_missing_null_and_negative_limits_stay_distinct() -> None:
    i = example_input()
    for name in SAFETY_SETTINGS:
        missing = with_settings(i, missing=(name,), **{name: None})
        null = with_settings(i, **{name: None})
        negative = with_settings(i, **{name: -1})
        assert name not in encode_input(missing)["settings"]
        assert encode_input(null)["settings"][name] is None
        for case in (missing, null, negative):
            assert decode_input(encode_input(case)) == case
            assert case.settings.limit(name) is None


@pytest.mark.parametrize("change", [
    lambda d: d.update(schema="other"),
    lambda d: d.update(now_min=1.5),
    lambda d: d["settings"].update(basal_schedule=[[30, 800]]),
    lambda d: d["settings"].update(basal_schedule=[[0, 800], [0, 900]]),
    lambda d: d["settings"].update(max_bolus_mU="5"),
    lambda d: d["glucose"].append({"t_min": 1}),
])
def test_malformed_input_is_one_usage_error(change: object) -> None:
    data = encode_input(example_input())
    change(data)  # type: ignore[operator]
    with pytest.raises(UsageError, match="malformed controller input"):
        decode_input(data)


def test_commands_are_integers() -> None:
    with pytest.raises(ValueError):
        decode_command({"temp_basal": {"rate_mU_per_h": 1.5, "duration_min": 30}})
    with pytest.raises(ValueError):
        decode_command({"bolus_mU": True})
    assert decode_command({"cancel_temp": True}).cancel_temp


def test_float_units_round_up_exactly() -> None:
    values = (1.25, 1.250001, 1.2500001, 0.025, 35.0)
    assert [mU_ceil(x) for x in values] == [1250, 1251, 1250, 25, 35000]
