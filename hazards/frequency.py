"""Frequency of a top event per patient-year, from initiating events and per-demand events.

A pump's fault tree mixes two kinds of basic event. An *initiating event* (an occlusion, a
reservoir running down, a bolus keyed too large) is a **frequency**: events per
patient-year, possibly ≫ 1. A *conditional event* (a risk control failing, the user not
checking ketones) is a **probability per demand**: given that an initiating event has
happened. Multiplying a "probability per year" capped near 1 by per-demand probabilities
under-counts by about the number of demands per year, so the top event is quantified as a
frequency::

    F = Σ_i f_i · P(top | IE_i true, every other initiating event false)

with each conditional probability computed exactly on the top event's BDD (Shannon: the
BDD evaluated with IE_i's probability set to 1 and every other initiator's to 0 is the
probability of its cofactor). This is exact under the **rare-initiator assumption**: an
initiating event is short and rare enough that two never overlap (each is a separate
demand), and a conditional event's probability per demand is independent of the previous
demands. Hence every minimal cut set must hold exactly one initiating event: a cut set with
two (a product of two frequencies has no meaning) or with none (the top would happen with
no demand at all) is refused, naming the tree, the top and the cut set.

Worked example (the README's, asserted by ``tests/hazards/test_frequency.py``): top =
OR(AND(A, x), AND(B, x, y)), A at 4 per year, B at 100 per year, x 0.1 and y 0.01 per
demand. P(top | A) = 0.1, P(top | B) = 0.1·0.01 = 0.001, so F = 4·0.1 + 100·0.001 = 0.5 per
patient-year.

>>> from .fta import BasicEvent, FaultTree, Gate
>>> tree = FaultTree("t", "top", {"top": Gate("top", "or", ("ga", "gb")),
...                               "ga": Gate("ga", "and", ("A", "x")),
...                               "gb": Gate("gb", "and", ("B", "x", "y"))},
...                  {"A": BasicEvent("A", 0.0), "B": BasicEvent("B", 0.0),
...                   "x": BasicEvent("x", 0.1), "y": BasicEvent("y", 0.01)})
>>> result = quantify(tree, {"A": 4.0, "B": 100.0})
>>> round(result.frequency_per_year, 12), [round(c.contribution_per_year, 12)
...                                        for c in result.contributions]
(0.5, [0.4, 0.1])

Importance (pump trees): for each conditional event, the top frequency if it always fails
and if it never fails, and their difference, Birnbaum's measure of the frequency (per
patient-year per unit of probability); for each initiator, its contribution. SCRAM's
ratio measures of P(top) are not reported for these trees: P(top) itself is not the
quantity of interest.

Not checked here: the tree's structure (the loader and :func:`~.fta.check_tree` do that).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pumpproof.errors import SpecError

from .fta import FaultTree, analyse, build_bdd, check_tree
from .fta.probability import exact_probability

__all__ = ["Contribution", "EventImportance", "FrequencyResult", "quantify"]


@dataclass(frozen=True)
class Contribution:
    """One initiating event's share of the top frequency."""

    initiator: str
    frequency_per_year: float  # f_i, events per patient-year
    p_top_given_initiator: float  # P(top | IE_i, other initiators false), per demand

    @property
    def contribution_per_year(self) -> float:
        return self.frequency_per_year * self.p_top_given_initiator

    def to_json(self) -> dict[str, object]:
        return {"initiator": self.initiator, "frequency_per_year": self.frequency_per_year,
                "p_top_given_initiator": self.p_top_given_initiator,
                "contribution_per_year": self.contribution_per_year}


@dataclass(frozen=True)
class EventImportance:
    """What one conditional event does to the top frequency (all per patient-year)."""

    frequency_if_fails_per_year: float  # its probability set to 1
    frequency_if_works_per_year: float  # set to 0

    @property
    def birnbaum_per_year(self) -> float:
        return self.frequency_if_fails_per_year - self.frequency_if_works_per_year

    def to_json(self) -> dict[str, float]:
        return {"birnbaum_per_year": self.birnbaum_per_year,
                "frequency_if_fails_per_year": self.frequency_if_fails_per_year,
                "frequency_if_works_per_year": self.frequency_if_works_per_year}


@dataclass(frozen=True)
class FrequencyResult:
    """The top event's frequency per patient-year, and how it is made up."""

    top_event: str
    frequency_per_year: float  # exact: Σ f_i · P(top | IE_i)
    contributions: tuple[Contribution, ...]  # initiators the top depends on, by name
    cut_sets: tuple[tuple[str, ...], ...]  # minimal, each with exactly one initiator
    frequency_rare_event_per_year: float  # Σ over cut sets f(initiator) · Π p(others)
    importance: Mapping[str, EventImportance] = field(default_factory=dict)


def _cut_set_problems(where: str, cut_sets: Sequence[Sequence[str]],
                      initiators: Mapping[str, float]) -> list[str]:
    problems = []
    for cut_set in cut_sets:
        found = [e for e in cut_set if e in initiators]
        shown = "{" + ", ".join(cut_set) + "}"
        if len(found) > 1:
            problems.append(f"{where}: minimal cut set {shown} holds {len(found)} initiating "
                            f"events ({', '.join(found)}): a product of two frequencies has "
                            "no meaning; make all but one a conditional event (p_per_demand, "
                            "given the other)")
        elif not found:
            problems.append(f"{where}: minimal cut set {shown} holds no initiating event: "
                            "the top event would occur without a demand, so it has no "
                            "frequency; add the initiating event that demands these events")
    return problems


def quantify(tree: FaultTree, initiators: Mapping[str, float], *,
             importance: bool = False) -> FrequencyResult:
    """The frequency per patient-year of ``tree.top``.

    ``initiators`` maps each initiating event to its frequency per patient-year; every
    other basic event of ``tree`` is conditional, with its probability per demand as
    ``p``. The initiators' own ``p`` in ``tree`` is ignored. Raises
    :class:`~pumpproof.errors.SpecError` (prefixed with ``tree.source``) when a minimal
    cut set does not hold exactly one initiating event.
    """
    where = f"{tree.source or tree.name}: {tree.top}"
    check_tree(tree)  # build_bdd's contract
    bdd = build_bdd(tree)  # once: for the cut-set check and the conditional probabilities
    structure = analyse(tree, importance=False, bdd=bdd)
    if structure.cut_sets_truncated:
        raise SpecError([f"{where}: too many minimal cut sets to check that each holds one "
                         f"initiating event ({structure.cut_sets_note})"])
    problems = _cut_set_problems(where, structure.cut_sets, initiators)
    if problems:
        raise SpecError(problems)
    base = [0.0 if name in initiators else tree.basic_events[name].p for name in bdd.events]
    levels = [(level, name) for level, name in enumerate(bdd.events) if name in initiators]

    def given(p_by_level: list[float], level: int) -> float:
        """P(top | the initiator at ``level`` true), the other events as ``p_by_level``."""
        vector = list(p_by_level)
        vector[level] = 1.0
        return exact_probability(bdd.function, vector)

    def frequency(p_by_level: list[float]) -> float:
        return math.fsum(initiators[name] * given(p_by_level, level) for level, name in levels)

    contributions = [Contribution(name, initiators[name], given(base, level))
                     for level, name in sorted(levels, key=lambda item: item[1])]
    total = math.fsum(c.contribution_per_year for c in contributions)
    p = {name: tree.basic_events[name].p for name in tree.basic_events}
    rare = math.fsum(
        math.prod(initiators[e] if e in initiators else p[e] for e in cut_set)
        for cut_set in structure.cut_sets)
    measures: dict[str, EventImportance] = {}
    if importance:
        for level, name in enumerate(bdd.events):
            if name in initiators:
                continue
            fails, works = list(base), list(base)
            fails[level], works[level] = 1.0, 0.0
            measures[name] = EventImportance(frequency(fails), frequency(works))
    return FrequencyResult(tree.top, total, tuple(contributions), structure.cut_sets, rare,
                           dict(sorted(measures.items())))
