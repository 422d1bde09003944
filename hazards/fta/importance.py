"""Importance measures of basic events, as SCRAM 0.16.2 defines them (BDD analysis).

Contract, with P = P(top), p = P(e), MIF = ∂P/∂p = P(top | e) − P(top | ¬e) (Birnbaum):
CIF = p·MIF/P, RAW = 1 + (1 − p)·MIF/P = P(top | e)/P, DIF = p·RAW = p·P(top | e)/P,
RRW = P/(P − p·MIF) = P/P(top | ¬e) (SCRAM's ``importance_analysis.cc``). Only events
that occur in at least one minimal cut set (the keys of ``occurrence``) are reported, with
that count as ``occurrence`` (0 when cut sets were not counted), as SCRAM does.

MIF of every event comes from one pass over the BDD instead of two conditional
probabilities per event: P(top) is multilinear in the node probabilities, so
∂P/∂p(e) = Σ over nodes n labelled e of ∂P/∂P(n)·(P(high) − P(low)), and ∂P/∂P(n) flows
from the root to the leaves (with a sign through complemented edges).

Denominators of 0: when P(top | ¬e) = 0 (e is in every cut set) RRW is reported as 0, not
∞, because that is what SCRAM 0.16.2 writes (``theatre``: ``Mains_Fail`` has RRW="0").
When P = 0, CIF and DIF are 0 and RAW is ``math.inf`` (``run_fta`` writes it as null).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

from .bdd import FlatBdd
from .model import Frozen
from .probability import edge_probability, node_probabilities

__all__ = ["Importance", "birnbaum", "importance_measures", "occurrences"]


class Importance(Frozen):
    """SCRAM's five factors for one basic event, and how many cut sets hold it."""

    FIELDS = ("mif", "cif", "dif", "raw", "rrw", "occurrence")
    __slots__ = FIELDS
    mif: float
    cif: float
    dif: float
    raw: float
    rrw: float
    occurrence: int

    def __init__(self, *, mif: float, cif: float, dif: float, raw: float, rrw: float,
                 occurrence: int) -> None:
        self._set(mif=mif, cif=cif, dif=dif, raw=raw, rrw=rrw, occurrence=occurrence)

    def as_dict(self) -> dict[str, float]:
        """The five factors, as the ``pumpproof fta --json`` object lists them."""
        return {"mif": self.mif, "cif": self.cif, "dif": self.dif, "raw": self.raw,
                "rrw": self.rrw}


def birnbaum(function: FlatBdd, p_by_level: Sequence[float]) -> list[float]:
    """∂P(top)/∂p for every variable level, in one pass over the BDD."""
    level, high, low = function.level, function.high, function.low
    prob = node_probabilities(function, p_by_level)
    sensitivity = [0.0] * len(level)
    sensitivity[function.root >> 1] = -1.0 if function.root & 1 else 1.0
    mif = [0.0] * len(p_by_level)
    for n in range(len(level) - 1, 0, -1):  # parents before children
        d = sensitivity[n]
        if d == 0.0:
            continue
        hi, lo = high[n], low[n]
        q = p_by_level[level[n]]
        mif[level[n]] += d * (edge_probability(hi, prob) - edge_probability(lo, prob))
        sensitivity[hi >> 1] += -d * q if hi & 1 else d * q
        sensitivity[lo >> 1] += -d * (1.0 - q) if lo & 1 else d * (1.0 - q)
    return mif


def occurrences(cut_sets: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many cut sets contain each event."""
    return dict(Counter(chain.from_iterable(cut_sets)))


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0.0 else 0.0


def importance_measures(function: FlatBdd, events: Sequence[str], p: Mapping[str, float],
                        p_top: float, occurrence: Mapping[str, int]) -> dict[str, Importance]:
    """SCRAM's factors for each event with ``occurrence`` > 0, keyed by name, sorted."""
    mif_by_level = birnbaum(function, [p[name] for name in events])
    result: dict[str, Importance] = {}
    for level, name in sorted(enumerate(events), key=lambda item: item[1]):
        if name not in occurrence:
            continue
        count = occurrence[name]
        mif, q = mif_by_level[level], p[name]
        raw = 1.0 + (1.0 - q) * mif / p_top if p_top > 0.0 else math.inf
        result[name] = Importance(
            mif=mif,
            cif=_ratio(q * mif, p_top),
            dif=q * raw if p_top > 0.0 else 0.0,
            raw=raw,
            rrw=_ratio(p_top, p_top - q * mif),  # 0 when P(top | ¬e) = 0, as SCRAM
            occurrence=count,
        )
    return result
