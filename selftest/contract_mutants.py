"""Broken variants of the contracted pure functions, for ``selftest``.

Each repeats the original's contract lines (CrossHair reads them from the source; a
test keeps them equal to the original's) and
breaks the body the way real code breaks: a cap forgotten, rounding up, a window one
bin short, a bin valued at its oldest age.
"""

from __future__ import annotations

from pumpproof.pump_model import calculator, windows


def suggest_bolus_uncapped(
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
    """Mutant of ``suggest_bolus_mU`` with the same contract (kept equal by a test).

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
    """
    return calculator.suggest_bolus(
        carbs_g, carb_ratio_g_per_U, glucose_mg_dL, target_mg_dL, isf_mg_dL_per_U, iob_mU,
        pulse_mU, 10 * max_bolus_mU, lgs_threshold_mg_dL,
    ).dose_mU



def round_up_to_pulses(amount_mU: int, pulse_mU: int) -> int:
    """Mutant of ``round_down_to_pulses`` with the same contract (kept equal by a test).

    pre: 0 <= amount_mU <= 1000000
    pre: 1 <= pulse_mU <= 1000
    post: __return__ % pulse_mU == 0
    post: 0 <= amount_mU - __return__ < pulse_mU
    """
    return -(-amount_mU // pulse_mU) * pulse_mU



def day_bins_one_short(bin_min: int) -> int:
    """Mutant of ``day_bins`` with the same contract (kept equal by a test).

    pre: 1 <= bin_min <= 1440
    post: bin_min * (__return__ - 1) + 1 >= 1440
    post: bin_min * (__return__ - 2) + 1 < 1440
    """
    return windows.day_bins(bin_min) - 1



def oldest_age_min(j: int, bin_min: int) -> int:
    """Mutant of ``youngest_age_min`` with the same contract (kept equal by a test).

    pre: 0 <= j <= 600
    pre: 1 <= bin_min <= 60
    post: __return__ >= 0
    post: j == 0 or __return__ <= bin_min * j - (bin_min - 1)
    post: j == 0 or __return__ >= bin_min * (j - 1) + 1
    """
    return 0 if j == 0 else bin_min * j + (bin_min - 1)

