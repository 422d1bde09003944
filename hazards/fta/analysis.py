"""The analysis pipeline: validated tree → BDD → cut sets → probabilities → importance.

Contract: :func:`analyse` is a pure function of a :class:`~.model.FaultTree`; it validates
the tree (:func:`~.graph.check_tree`) and returns a frozen :class:`Analysis`. Each stage
consumes the previous one's result: the BDD of the top (:mod:`.bdd`), minimal cut
sets from it (:mod:`.cutsets`), exact and approximate P(top) (:mod:`.probability`), SCRAM's
importance factors (:mod:`.importance`).

Scale: P(top) and importance come from the BDD alone (the events reported are those the
coherent function depends on, which are exactly those in some minimal cut set): they need
no cut sets, and ``cut_sets=False`` skips cut sets altogether. Otherwise the cut
sets are a ZDD (:class:`~.cutsets.CutSetFamily`): ``n_mcs`` and the rare-event sum are
exact over every cut set (of order ≤ ``limit_order``), while at most ``max_cut_sets`` are
listed; when some are left out ``cut_sets_truncated`` is set and ``p_mcub`` (a product
over every listed set) is NaN. A ZDD beyond ``zdd_budget`` entries gives up the cut sets
(``n_mcs`` −1, ``cut_sets_note`` says why), never P(top) or importance. Not applied: a
probability cut-off.

>>> from .model import BasicEvent, FaultTree, Gate
>>> tree = FaultTree("t", "top", {"top": Gate("top", "and", ("a", "b"))},
...                  {"a": BasicEvent("a", 0.5), "b": BasicEvent("b", 0.5)})
>>> result = analyse(tree)
>>> result.cut_sets, result.p_top, result.importance["a"]["mif"]
((('a', 'b'),), 0.25, 0.5)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from itertools import chain
from types import MappingProxyType

from .bdd import Bdd, Engine, build_bdd, relevant_levels
from .cutsets import ZDD_BUDGET, ZddBudget, cut_set_family
from .graph import check_tree
from .importance import Importance, importance_measures
from .model import FaultTree, Frozen
from .probability import cut_set_probabilities, exact_probability, mcub, rare_event

__all__ = ["Analysis", "analyse"]


class Analysis(Frozen):
    """Everything one analysis of one top event found."""

    FIELDS = ("top_event", "p_top", "cut_sets", "p_rare_event", "p_mcub", "measures",
              "occurrence", "coherent", "n_mcs", "cut_sets_truncated", "limit_order",
              "max_cut_sets", "cut_sets_note")
    __slots__ = FIELDS
    top_event: str
    p_top: float  # exact, from the BDD
    cut_sets: tuple[tuple[str, ...], ...]  # minimal, listed; sorted by (order, names)
    p_rare_event: float  # NaN when cut sets were not asked for
    p_mcub: float  # NaN when not every cut set was listed
    measures: Mapping[str, Importance]  # empty if not asked
    occurrence: Mapping[str, int]
    coherent: bool  # False: cut sets are of the coherent approximation
    n_mcs: int  # every minimal cut set (of order ≤ limit_order); -1: not computed
    cut_sets_truncated: bool  # True: fewer listed than there are (max_cut_sets, budget)
    limit_order: int | None
    max_cut_sets: int | None
    cut_sets_note: str  # why cut sets are missing or truncated; "" when complete

    def __init__(self, top_event: str, p_top: float, cut_sets: tuple[tuple[str, ...], ...],
                 p_rare_event: float, p_mcub: float,
                 measures: Mapping[str, Importance] | None = None,
                 occurrence: Mapping[str, int] | None = None, coherent: bool = True,
                 n_mcs: int = -1, cut_sets_truncated: bool = False,
                 limit_order: int | None = None, max_cut_sets: int | None = None,
                 cut_sets_note: str = "") -> None:
        self._set(top_event=top_event, p_top=p_top, cut_sets=cut_sets,
                  p_rare_event=p_rare_event, p_mcub=p_mcub,
                  measures=MappingProxyType(dict(measures or {})),
                  occurrence=MappingProxyType(dict(occurrence or {})), coherent=coherent,
                  n_mcs=n_mcs, cut_sets_truncated=cut_sets_truncated,
                  limit_order=limit_order, max_cut_sets=max_cut_sets,
                  cut_sets_note=cut_sets_note)

    def __hash__(self) -> int:  # its mappings are not hashable, as with the dataclass
        raise TypeError(f"unhashable type: '{type(self).__name__}'")

    @property
    def importance(self) -> dict[str, dict[str, float]]:
        """The factors as plain JSON-ready dictionaries, keyed by event name."""
        return {event: m.as_dict() for event, m in self.measures.items()}


def analyse(tree: FaultTree, *, importance: bool = True, cut_sets: bool = True,
            limit_order: int | None = None, max_cut_sets: int | None = None,
            engine: Engine = "auto", zdd_budget: int | None = ZDD_BUDGET,
            bdd: Bdd | None = None) -> Analysis:
    """Exact P(top), and (if asked) cut sets with the approximations, and importance.
    ``bdd``: the tree's BDD when the caller built it already (``build_bdd(tree)``)."""
    check_tree(tree)
    if bdd is None:
        bdd = build_bdd(tree, engine)
    p = {name: tree.basic_events[name].p for name in bdd.events}
    p_by_level = [p[name] for name in bdd.events]
    p_top = exact_probability(bdd.function, p_by_level)
    listed: tuple[tuple[str, ...], ...] = ()
    p_rare, p_mcub, n_mcs, truncated = math.nan, math.nan, -1, False
    counts: dict[str, int] = {}
    note = ""
    if cut_sets:
        try:
            family = cut_set_family(bdd, limit_order, zdd_budget)
        except ZddBudget:
            truncated = True
            note = (f"too many minimal cut sets to compute within {zdd_budget} ZDD entries; "
                    "give a smaller limit order")
        else:
            n_mcs = family.count()
            listed, truncated = family.listing(max_cut_sets)
    if cut_sets and n_mcs >= 0:
        if truncated:
            note = f"{len(listed)} of {n_mcs} listed (max_cut_sets {max_cut_sets})"
            p_rare = family.rare_event(p_by_level)
            counts = family.occurrences()
        else:
            products = cut_set_probabilities(listed, p)
            p_rare, p_mcub = rare_event(products), mcub(products)
            counts = dict(Counter(chain.from_iterable(listed)))
    measures: dict[str, Importance] = {}
    if importance:
        # events in some minimal cut set = the levels the coherent function depends on
        relevant = counts or {bdd.events[level]: 0 for level in relevant_levels(bdd.monotone)}
        measures = importance_measures(bdd.function, bdd.events, p, p_top, relevant)
    return Analysis(tree.top, p_top, listed, p_rare, p_mcub, measures, counts, bdd.coherent,
                    n_mcs, truncated, limit_order, max_cut_sets, note)
