"""Controller floats → the interface's integers, at the adapter boundary, exactly.

A controller answers in units per hour and units as binary floats (oref0's JSON, PyLoopKit's
Python floats). We read the float's shortest decimal form (what ``repr`` and JSON print),
drop binary noise below a micro-unit (``0.1 + 0.2`` is 0.3 U, not 0.30000000000000004 U:
no pump has a 1e-17 U step), scale to milli-units and round **up** to a whole mU: a limit in
whole mU is exceeded by the value if and only if it is exceeded by its ceiling, so no
command above a limit hides in the rounding. Durations round up to whole minutes likewise.

>>> mU_ceil(1.25), mU_ceil(0.1 + 0.2), mU_ceil(1.2345), mU_ceil(1.2001), mU_ceil(0)
(1250, 300, 1235, 1201, 0)
>>> units(1250), units(25)
(1.25, 0.025)
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

__all__ = ["mU_ceil", "minutes_ceil", "units"]


def _exact(value: float | int | str) -> Fraction:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        value = repr(value)
    return Fraction(Decimal(str(value)).quantize(Decimal("1e-6")))


def mU_ceil(value_U: float | int | str) -> int:
    """Units (or U/h) as whole milli-units (mU/h), rounded up."""
    return math.ceil(_exact(value_U) * 1000)


def minutes_ceil(value_min: float | int | str) -> int:
    """Minutes, rounded up."""
    return math.ceil(_exact(value_min))


def units(value_mU: int) -> float:
    """Milli-units as the float units a controller reads (exact decimal, e.g. 0.025)."""
    return float(Fraction(value_mU, 1000))
