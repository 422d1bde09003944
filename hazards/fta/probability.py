"""Top-event probability: exact from the BDD, and the two cut-set approximations.

Contract: :func:`exact_probability` is P(top) by Shannon expansion over the flat BDD
(each node once, in float64; a complemented edge reads 1 − P(node)). It assumes basic
events are independent and their probabilities lie in [0, 1] (checked by the graph
phase). :func:`rare_event` is Σ P(cut set), capped at 1 as SCRAM does; :func:`mcub` is
the min-cut upper bound 1 − ∏(1 − P(cut set)). P(cut set) is the product of its events'
probabilities.

Not checked: that the approximations are good ones; for large probabilities the rare-event
sum can exceed P(top) by far (that is why the exact value is the reported one).

>>> from .bdd import FlatBdd
>>> x_or_y = FlatBdd(root=4, level=(-1, 1, 0), high=(0, 0, 0), low=(0, 1, 2))
>>> round(exact_probability(x_or_y, [0.1, 0.2]), 12)
0.28
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from .bdd import FlatBdd

__all__ = ["cut_set_probabilities", "exact_probability", "mcub", "node_probabilities",
           "rare_event"]


def node_probabilities(function: FlatBdd, p_by_level: Sequence[float]) -> list[float]:
    """P(node) for every node of ``function`` (node 0, the TRUE terminal, has 1)."""
    level, high, low = function.level, function.high, function.low
    prob = [1.0] * len(level)
    for n in range(1, len(level)):
        hi, lo = high[n], low[n]
        p_hi = 1.0 - prob[hi >> 1] if hi & 1 else prob[hi >> 1]
        p_lo = 1.0 - prob[lo >> 1] if lo & 1 else prob[lo >> 1]
        q = p_by_level[level[n]]
        prob[n] = q * p_hi + (1.0 - q) * p_lo
    return prob


def edge_probability(edge: int, prob: Sequence[float]) -> float:
    """P of the function an edge points to (complemented: 1 − P(node))."""
    value = prob[edge >> 1]
    return 1.0 - value if edge & 1 else value


def exact_probability(function: FlatBdd, p_by_level: Sequence[float]) -> float:
    """Exact P(top) for independent basic events; ``p_by_level`` indexed by variable level."""
    return edge_probability(function.root, node_probabilities(function, p_by_level))


def cut_set_probabilities(cut_sets: Iterable[Sequence[str]],
                          p: Mapping[str, float]) -> list[float]:
    """The probability of each cut set (its events together)."""
    return [math.prod(map(p.__getitem__, cut_set)) for cut_set in cut_sets]


def rare_event(products: Iterable[float]) -> float:
    """Σ P(cut set), capped at 1.0 (SCRAM's rare-event approximation)."""
    return min(1.0, math.fsum(products))


def mcub(products: Iterable[float]) -> float:
    """1 − ∏(1 − P(cut set)), summed in log space so tiny terms are not lost."""
    values = list(products)
    if not values:  # no cut set (e.g. none within the order limit): 0, not −0.0
        return 0.0
    if any(q >= 1.0 for q in values):
        return 1.0
    return -math.expm1(math.fsum(math.log1p(-q) for q in values))
