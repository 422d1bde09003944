"""Rolling windows as rings of bins, shared by the pump and by the observers.

A ring holds delivered insulin per block of ``bin_min`` elapsed minutes: bin 0 is the
block of the minute being delivered, bin ``j`` the block ``j`` blocks earlier. At the
tick of minute ``t`` the ring shifts first when ``t`` starts a new block
(``t mod bin_min == 0``), then the minute's delivery is added to bin 0.

Why bins: the symbolic pump cannot carry 1440 per-minute values through a proof, so the
reference pump counts its 1440-minute daily total in 60-minute bins. With
``n = ceil(1439 / bin_min) + 1`` bins the ring always covers **at least** the last 1440
minutes (more when the current block is partly over), so the pump over-counts and is
stricter than the protocol, never looser. With ``bin_min = 1`` the same code is the
exact window that runtime monitors use. Time is elapsed minutes, never the clock.
"""

from __future__ import annotations

from .logic import Int, eq, ite, mod_const, sum_

__all__ = ["DAY_MIN", "add_to_current", "day_bins", "ring_total", "shift_if_new_block"]

DAY_MIN = 1440


def day_bins(bin_min: int) -> int:
    """Bins needed so that the ring always covers the last 1440 minutes.

    pre: 1 <= bin_min <= 1440
    post: bin_min * (__return__ - 1) + 1 >= 1440
    post: bin_min * (__return__ - 2) + 1 < 1440
    """
    return -(-(DAY_MIN - 1) // bin_min) + 1


def shift_if_new_block(ring: tuple[Int, ...], t: Int, bin_min: int) -> tuple[Int, ...]:
    """The ring as it is at the start of minute ``t`` (shifted when a block starts)."""
    if bin_min == 1:
        return (0, *ring[:-1])
    new_block = eq(mod_const(t, bin_min), 0)
    shifted = (0, *ring[:-1])
    if type(new_block) is bool:
        return shifted if new_block else ring
    return tuple(ite(new_block, new, old) for new, old in zip(shifted, ring, strict=True))


def add_to_current(ring: tuple[Int, ...], amount: Int) -> tuple[Int, ...]:
    return (ring[0] + amount, *ring[1:])


def ring_total(ring: tuple[Int, ...]) -> Int:
    return sum_(ring)
