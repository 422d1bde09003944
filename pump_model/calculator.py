"""The bolus calculator: a pure function from meal and glucose to a dose in whole pulses.

Integer arithmetic throughout (grams, mg/dL, mU). Every rounding goes down (towards
less insulin), insulin on board is subtracted from the whole suggestion (not only the
correction) to prevent stacking, and at or below the low-glucose threshold the
suggestion is zero. The result is capped at ``max_bolus_mU``; a suggestion above the
cap is *reported* as capped by :func:`suggest_bolus`, never silently truncated.

The contracts below (PEP 316 style) are checked by CrossHair.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BolusSuggestion", "round_down_to_pulses", "suggest_bolus", "suggest_bolus_mU"]


def round_down_to_pulses(amount_mU: int, pulse_mU: int) -> int:
    """The largest whole number of pulses not above ``amount_mU`` (never rounds up).

    pre: 0 <= amount_mU <= 1000000
    pre: 1 <= pulse_mU <= 1000
    post: __return__ % pulse_mU == 0
    post: 0 <= amount_mU - __return__ < pulse_mU
    """
    return amount_mU // pulse_mU * pulse_mU


def suggest_bolus_mU(
    carbs_g: int,
    carb_ratio_g_per_U: int,
    glucose_mg_dL: int,
    target_mg_dL: int,
    isf_mg_dL_per_U: int,
    iob_mU: int,
    pulse_mU: int,
    max_bolus_mU: int,
    lgs_threshold_mg_dL: int,
) -> int:
    """Suggested bolus in mU: whole pulses, never negative, never above the max bolus.

    pre: 0 <= carbs_g <= 400
    pre: 2 <= carb_ratio_g_per_U <= 150
    pre: 1 <= glucose_mg_dL <= 1000
    pre: 80 <= target_mg_dL <= 200
    pre: 10 <= isf_mg_dL_per_U <= 500
    pre: 0 <= iob_mU <= 100000
    pre: 1 <= pulse_mU <= 1000
    pre: pulse_mU <= max_bolus_mU <= 25000
    pre: 67 <= lgs_threshold_mg_dL <= 110
    post: 0 <= __return__ <= max_bolus_mU
    post: __return__ % pulse_mU == 0
    post: glucose_mg_dL > lgs_threshold_mg_dL or __return__ == 0

    >>> suggest_bolus_mU(60, 10, 180, 110, 50, 0, 50, 10000, 70)  # 6 U carbs + 1.4 U correction
    7400
    >>> suggest_bolus_mU(60, 10, 65, 110, 50, 0, 50, 10000, 70)  # low: nothing
    0
    """
    return suggest_bolus(
        carbs_g, carb_ratio_g_per_U, glucose_mg_dL, target_mg_dL, isf_mg_dL_per_U,
        iob_mU, pulse_mU, max_bolus_mU, lgs_threshold_mg_dL,
    ).dose_mU


@dataclass(frozen=True)
class BolusSuggestion:
    dose_mU: int
    uncapped_mU: int  # the suggestion before the max-bolus cap (≥ dose_mU)
    capped: bool  # True when the cap cut the suggestion: the user must be told
    reason: str  # "ok", "low_glucose", "capped", "iob_covers"


def suggest_bolus(
    carbs_g: int,
    carb_ratio_g_per_U: int,
    glucose_mg_dL: int,
    target_mg_dL: int,
    isf_mg_dL_per_U: int,
    iob_mU: int,
    pulse_mU: int,
    max_bolus_mU: int,
    lgs_threshold_mg_dL: int,
) -> BolusSuggestion:
    """The suggestion with the facts a user interface must show (capped, why zero)."""
    if glucose_mg_dL <= lgs_threshold_mg_dL:
        return BolusSuggestion(0, 0, False, "low_glucose")
    carb_mU = carbs_g * 1000 // carb_ratio_g_per_U
    # Floor division rounds a negative correction towards more negative: less insulin.
    correction_mU = (glucose_mg_dL - target_mg_dL) * 1000 // isf_mg_dL_per_U
    raw_mU = carb_mU + correction_mU - iob_mU
    if raw_mU <= 0:
        return BolusSuggestion(0, 0, False, "iob_covers")
    whole_mU = round_down_to_pulses(raw_mU, pulse_mU)
    cap_mU = round_down_to_pulses(max_bolus_mU, pulse_mU)
    if whole_mU > cap_mU:
        return BolusSuggestion(cap_mU, whole_mU, True, "capped")
    return BolusSuggestion(whole_mU, whole_mU, False, "ok")
