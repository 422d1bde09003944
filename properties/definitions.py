"""The protocol's own definitions of what properties measure, written apart from the pump.

A property that borrowed the pump's window or insulin-on-board code would check the pump
against itself: a window one bin short, or IOB valued at an older age, would be "proved".
So the quantities that the protocol defines are computed here again, from the protocol's
text, sharing no code with :mod:`pumpproof.pump_model` (only the logic layer, the
language both are written in):

* the daily total is insulin delivered in the last 1440 elapsed minutes;
* insulin on board is each delivery weighted by the protocol's exponential curve.

At run time observers use 1-minute bins (the exact quantities). Proofs use coarser bins;
a coarse bin stands for a block of minutes and must never *under*-count the exact
quantity. That is a proof obligation of its own (:func:`window_obligation`,
:func:`iob_obligation`), checked exhaustively over every phase and every age, and listed
in the evidence beside each proof that relies on it. Not checked here: that the pump uses
the same bins (a proof relates the two with lemmas, which are themselves proved).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, localcontext
from functools import lru_cache

__all__ = [
    "CLOCK_OFFSET_MAX_MIN",
    "DAY_MIN",
    "EXTENDED_MIN_MAX",
    "PPM",
    "TEMP_BASAL_MIN_RANGE",
    "iob_bin_ages",
    "iob_fraction_ppm_ceil",
    "iob_obligation",
    "iob_weights",
    "window_bin_count",
    "window_obligation",
]

DAY_MIN = 1440  # the protocol's daily window, in elapsed minutes
PPM = 1_000_000
# Valid ranges of event fields the model judges (§5; S2, S4, S5): outside them an event is
# bad_request. Written here again from the protocol's text, apart from the pump.
EXTENDED_MIN_MAX = DAY_MIN  # a bolus's extended_min is 0–1440 (S5)
TEMP_BASAL_MIN_RANGE = (1, 4320)  # a temp basal lasts 1–4320 minutes (S2)
CLOCK_OFFSET_MAX_MIN = DAY_MIN  # set_clock takes −1440 … 1440 minutes (S4)


def window_bin_count(bin_min: int) -> int:
    """Bins of ``bin_min`` minutes an observer keeps for the 1440-minute window.

    After the tick of minute ``t`` the newest bin holds ``(t mod bin_min) + 1`` minutes
    (at least 1) and each older bin ``bin_min``; the smallest count whose worst case still
    covers 1440 minutes.

    >>> window_bin_count(1), window_bin_count(60)
    (1440, 25)
    """
    count = 1
    while 1 + bin_min * (count - 1) < DAY_MIN:
        count += 1
    return count


def window_obligation(bin_min: int, bins: int) -> tuple[bool, str]:
    """Do ``bins`` bins of ``bin_min`` minutes cover the last 1440 minutes at every phase?"""
    for newest in range(1, bin_min + 1):  # minutes in the newest bin, every phase
        covered = newest + bin_min * (bins - 1)
        if covered < DAY_MIN:
            return False, (f"{bins} bins of {bin_min} min cover only {covered} minutes when the "
                           f"newest bin holds {newest}: the window under-counts")
    return True, (f"{bins} bins of {bin_min} min cover ≥ 1440 minutes at each of the "
                  f"{bin_min} phases")


def _fraction(m: int, dia_min: int, peak_min: int) -> Decimal:
    """The protocol's fraction of a dose still on board ``m`` minutes after delivery."""
    if m >= dia_min:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 60
        td, tp, age = Decimal(dia_min), Decimal(peak_min), Decimal(m)
        tau = tp * (1 - tp / td) / (1 - 2 * tp / td)
        a = 2 * tau / td
        scale = 1 / (1 - a + (1 + a) * (-td / tau).exp())
        shape = (age * age / (tau * td * (1 - a)) - age / tau - 1) * (-age / tau).exp() + 1
        return min(Decimal(1), max(Decimal(0), 1 - scale * (1 - a) * shape))


@lru_cache(maxsize=4096)
def iob_fraction_ppm_ceil(m: int, dia_min: int, peak_min: int) -> int:
    """The fraction in parts per million, rounded up (so IOB is never under-counted)."""
    with localcontext() as ctx:
        ctx.prec = 60
        return int((_fraction(m, dia_min, peak_min) * PPM).to_integral_value(ROUND_CEILING))


def iob_bin_ages(bin_min: int, dia_min: int) -> tuple[int, ...]:
    """The youngest age insulin in each IOB bin can have; bins stop where all is past DIA.

    Bin 0 holds the newest block (age ≥ 0); bin ``j ≥ 1`` holds a block at least
    ``bin_min·(j−1) + 1`` minutes old.

    >>> iob_bin_ages(5, 20)
    (0, 1, 6, 11, 16)
    """
    ages = [0]
    while bin_min * len(ages) - bin_min + 1 < dia_min:
        ages.append(bin_min * len(ages) - bin_min + 1)
    return tuple(ages)


@lru_cache(maxsize=64)
def iob_weights(bin_min: int, dia_min: int, peak_min: int) -> tuple[int, ...]:
    """Weight (ppm) of each IOB bin: the curve at the bin's youngest age, rounded up."""
    return tuple(iob_fraction_ppm_ceil(age, dia_min, peak_min)
                 for age in iob_bin_ages(bin_min, dia_min))


def _ages_in_bin(index: int, bin_min: int) -> range:
    """Every age (minutes) insulin in bin ``index`` can have, over all phases of the block."""
    if index == 0:
        return range(0, bin_min)
    return range(bin_min * (index - 1) + 1, bin_min * index + bin_min)


def iob_obligation(bin_min: int, dia_min: int, peak_min: int) -> tuple[bool, str]:
    """Does every bin weigh at least the exact fraction of every age its insulin can have,
    and does the ring keep all insulin still on board?

    Checked exhaustively over every bin and every minute of age, without assuming that the
    curve decreases.
    """
    weights = iob_weights(bin_min, dia_min, peak_min)
    for index, weight in enumerate(weights):
        for m in _ages_in_bin(index, bin_min):
            exact = _fraction(m, dia_min, peak_min) * PPM
            if Decimal(weight) < exact:
                return False, (f"IOB bin {index} weighs {weight} ppm but insulin {m} min old "
                               f"in it is worth {float(exact):.1f} ppm: under-counts")
    kept = _ages_in_bin(len(weights) - 1, bin_min).stop  # older insulin leaves the ring
    if kept < dia_min and _fraction(kept, dia_min, peak_min) > 0:
        return False, f"insulin {kept} min old is still on board but has left the IOB ring"
    return True, (f"{len(weights)} IOB bins of {bin_min} min never under-count the protocol's "
                  f"curve at any age 0–{dia_min} min")
