"""Insulin-on-board curve of the protocol, as exact integer tables.

The protocol's exponential model (oref0/LoopKit, no delay) gives the fraction of a dose
still on board ``m`` minutes after delivery. Tables hold that fraction in parts per
million, **rounded up**, for the youngest age that any insulin in a bin can have: so a
pump (or observer) using the table never under-counts insulin on board compared with
the exact curve. With 1-minute bins the table is the curve itself (to 1 ppm, upward).

Values are computed with 50-digit decimals so that rounding up is truthful.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, localcontext
from functools import lru_cache

__all__ = ["PPM", "iob_fraction", "iob_fraction_ppm", "iob_table_ppm"]

PPM = 1_000_000


def iob_fraction(m: int, dia_min: int, peak_min: int) -> Decimal:
    """Exact (50 digits) fraction of a dose on board ``m`` minutes after delivery.

    >>> round(float(iob_fraction(60, 300, 75)), 3), round(float(iob_fraction(240, 300, 75)), 3)
    (0.764, 0.033)
    """
    if not 2 * peak_min < dia_min:
        raise ValueError(f"the curve needs 2·peak_min < dia_min, got {peak_min}, {dia_min}")
    if m < 0:
        raise ValueError(f"age must be ≥ 0, got {m}")
    if m >= dia_min:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 50
        td, tp, t = Decimal(dia_min), Decimal(peak_min), Decimal(m)
        tau = tp * (1 - tp / td) / (1 - 2 * tp / td)
        a = 2 * tau / td
        s = 1 / (1 - a + (1 + a) * (-td / tau).exp())
        inner = (t * t / (tau * td * (1 - a)) - t / tau - 1) * (-t / tau).exp() + 1
        value = 1 - s * (1 - a) * inner
    return max(Decimal(0), min(Decimal(1), value))


def iob_fraction_ppm(m: int, dia_min: int, peak_min: int) -> int:
    """``iob_fraction`` in parts per million, rounded up (never under-counts)."""
    with localcontext() as ctx:
        ctx.prec = 50
        scaled = iob_fraction(m, dia_min, peak_min) * PPM
        return int(scaled.to_integral_value(rounding=ROUND_CEILING))


def youngest_age_min(j: int, bin_min: int) -> int:
    """Youngest age (minutes) that insulin in bin ``j`` can have, at any phase of the block.

    pre: 0 <= j <= 600
    pre: 1 <= bin_min <= 60
    post: __return__ >= 0
    post: j == 0 or __return__ <= bin_min * j - (bin_min - 1)
    post: j == 0 or __return__ >= bin_min * (j - 1) + 1
    """
    return 0 if j == 0 else bin_min * j - (bin_min - 1)


@lru_cache(maxsize=64)
def iob_table_ppm(dia_min: int, peak_min: int, bin_min: int) -> tuple[int, ...]:
    """Conservative IOB fraction (ppm) per ring bin of ``bin_min`` minutes.

    Bin 0 holds the minutes of the current block (youngest age 0); bin ``j ≥ 1`` holds a
    block whose youngest insulin is at least ``bin_min·j − (bin_min − 1)`` minutes old
    (see :mod:`pump_model.windows`). The table stops at the first bin that can hold
    only insulin older than ``dia_min``.
    """
    table = []
    j = 0
    while True:
        youngest = youngest_age_min(j, bin_min)
        if youngest >= dia_min:
            break
        table.append(iob_fraction_ppm(youngest, dia_min, peak_min))
        j += 1
    return tuple(table)
