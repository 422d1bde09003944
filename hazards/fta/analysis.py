"""The analysis pipeline: validated tree → BDD → cut sets → probabilities → importance.

Contract: :func:`analyse` is a pure function of a :class:`~.model.FaultTree`; it validates
the tree (:func:`~.graph.to_graph`) and returns a frozen :class:`Analysis`. Each stage
consumes the previous one's result: the CUDD BDD of the top (:mod:`.bdd`), minimal cut
sets from it (:mod:`.cutsets`), exact and approximate P(top) (:mod:`.probability`), SCRAM's
importance factors (:mod:`.importance`).

Not checked: nothing beyond what the graph phase checks; no order limit or cut-off is
applied, so a tree with a huge number of cut sets is analysed in full.

>>> from .model import BasicEvent, FaultTree, Gate
>>> tree = FaultTree("t", "top", {"top": Gate("top", "and", ("a", "b"))},
...                  {"a": BasicEvent("a", 0.5), "b": BasicEvent("b", 0.5)})
>>> result = analyse(tree)
>>> result.cut_sets, result.p_top, result.importance["a"]["mif"]
((('a', 'b'),), 0.25, 0.5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .bdd import build_bdd
from .cutsets import minimal_cut_sets
from .graph import to_graph
from .importance import Importance, importance_measures, occurrences
from .model import FaultTree
from .probability import cut_set_probabilities, exact_probability, mcub, rare_event

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """Everything one analysis of one top event found."""

    top_event: str
    p_top: float  # exact, from the BDD
    cut_sets: tuple[tuple[str, ...], ...]  # minimal; sorted by (order, names)
    p_rare_event: float
    p_mcub: float
    measures: Mapping[str, Importance] = field(default_factory=dict)  # empty if not asked
    occurrence: Mapping[str, int] = field(default_factory=dict)
    coherent: bool = True  # False: cut sets are of the coherent approximation

    def __post_init__(self) -> None:
        for attribute in ("measures", "occurrence"):
            value = dict(getattr(self, attribute))
            object.__setattr__(self, attribute, MappingProxyType(value))

    @property
    def importance(self) -> dict[str, dict[str, float]]:
        """The factors as plain JSON-ready dictionaries, keyed by event name."""
        return {event: m.as_dict() for event, m in self.measures.items()}


def analyse(tree: FaultTree, *, importance: bool = True) -> Analysis:
    """Cut sets, exact and approximate P(top) and (if asked) importance of ``tree``."""
    to_graph(tree)
    bdd = build_bdd(tree)
    p = {name: tree.basic_events[name].p for name in bdd.events}
    p_top = exact_probability(bdd.function, [p[name] for name in bdd.events])
    cut_sets = minimal_cut_sets(bdd)
    products = cut_set_probabilities(cut_sets, p)
    counts = occurrences(cut_sets)
    measures = (importance_measures(bdd.function, bdd.events, p, p_top, counts)
                if importance else {})
    return Analysis(tree.top, p_top, cut_sets, rare_event(products), mcub(products),
                    measures, counts, bdd.coherent)
