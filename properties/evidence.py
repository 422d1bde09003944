"""Evidence: what a campaign concluded, as typed, frozen values passed between stages.

:class:`Evidence` is produced by the campaigns (``verify`` on the reference model,
``check`` on a target) and consumed as it is by the hazard analysis and the bundle; the
evidence file (``evidence.json``) is one rendering of it, never re-read by the run that
wrote it. :meth:`Evidence.from_json` reads an evidence file given on the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.errors import UsageError

from .catalogue import by_id
from .observer import Property
from .verdicts import (
    BACKSTOP,
    Method,
    MethodResult,
    Verdict,
    overall_verdict,
    verdict_counts,
    worst,
)

#: How much a verdict claims, for comparing runs: losing a proof is a regression.
STRENGTH: dict[Verdict, int] = {Verdict.VIOLATED: 0, Verdict.UNKNOWN: 1, Verdict.PASSED: 2,
                                Verdict.PROVED: 3}

#: The reason a property has no verdict on a target that crashed, hung or answered garbage
#: (the start of its result's detail): never ``passed``, a JUnit error.
NOT_EXERCISED_FAILURE = "not exercised: target failure"
#: The reason a property whose trigger never happened on a target is no evidence there.
VACUOUS_ON_TARGET = "vacuous on the target: its trigger never happened"

__all__ = ["NOT_EXERCISED_FAILURE", "STRENGTH", "VACUOUS_ON_TARGET", "BaselineComparison",
           "ConformanceDiff", "Evidence", "PropertyEvidence",
           "TargetFailureRecord", "TargetRun"]


@dataclass(frozen=True)
class PropertyEvidence:
    """One property's results by method, and the verdict they give."""

    prop: Property
    verdict: Verdict
    results: tuple[MethodResult, ...] = ()

    @classmethod
    def of(cls, prop: Property, results: Sequence[MethodResult]) -> PropertyEvidence:
        return cls(prop, overall_verdict(list(results)), tuple(results))

    @property
    def triggers(self) -> int:
        return sum(r.triggers for r in self.results)


@dataclass(frozen=True)
class ConformanceDiff:
    """The first field where target and reference disagree on one request."""

    index: int
    field: str
    target: Any
    reference: Any
    trace: tuple[Any, ...]

    def to_json(self) -> dict[str, Any]:
        return {"request_index": self.index, "field": self.field, "target": self.target,
                "reference": self.reference, "request": self.trace[-1]}


@dataclass(frozen=True)
class TargetFailureRecord:
    """A target that crashed, hung or broke the protocol, with the requests that did it."""

    message: str
    trace: tuple[dict[str, Any], ...]
    stderr: str = ""


@dataclass(frozen=True)
class BaselineComparison:
    """Violations against an earlier evidence file: new ones fail the gate."""

    new: tuple[str, ...]
    still_failing: tuple[str, ...]
    known: tuple[str, ...]
    fixed: tuple[str, ...]
    file: str
    justifications: Mapping[str, str] = field(default_factory=dict)

    @property
    def failing(self) -> list[str]:
        return [*self.new, *self.still_failing]


@dataclass(frozen=True)
class TargetRun:
    """How a target was checked: the campaign's size, a failure, conformance differences."""

    description: str
    budget_s: float
    workers: int
    rounds: int
    budget_exhausted: bool
    examples: int
    requests: int
    failure: TargetFailureRecord | None = None
    conformance: tuple[ConformanceDiff, ...] = ()
    baseline: BaselineComparison | None = None
    # Findings (property ids, "target-failure") whose trace is the best found when the budget
    # ran out, not a fully shrunk one.
    shrinking_cut_short: tuple[str, ...] = ()
    scenarios_cut_short: bool = False  # the budget ran out before every directed scenario ran


@dataclass(frozen=True)
class Evidence:
    """Per-property verdicts and method results, for the model or for a checked target."""

    spec_name: str
    spec_files: tuple[tuple[str, str], ...]
    seed: int
    profile: str
    properties: tuple[PropertyEvidence, ...]
    target: TargetRun | None = None
    # Proof obligations every proof rests on (the model's invariants are inductive, …).
    obligations: tuple[MethodResult, ...] = ()

    @property
    def degraded(self) -> list[str]:
        """Why this evidence is weaker than its verdicts look: each is a reason not to pass.

        An obligation not proved, an internal error, a lemma error, a Z3 check stopped by the
        wall-clock backstop (load-dependent), a property whose trigger never happened, a fuzz
        run that exercised nothing, or a check whose budget ran out before its directed
        scenarios finished.
        """
        reasons = [f"obligation {result.method.value}: {result.verdict.value}: {result.detail}"
                   for result in self.obligations if result.verdict is not Verdict.PROVED]
        for item in self.properties:
            for result in item.results:
                if "INTERNAL ERROR" in result.detail:
                    reasons.append(f"{item.prop.id}: {result.method.value}: internal error")
                elif "lemma error" in result.detail or BACKSTOP in result.detail:
                    reasons.append(f"{item.prop.id}: {result.method.value}: {result.detail}")
                if result.method is Method.FUZZ and not result.examples:
                    reasons.append(f"{item.prop.id}: fuzzing exercised nothing")
            if item.results and item.triggers == 0:
                reasons.append(f"{item.prop.id}: vacuous (its trigger never happened)")
        if self.target is not None and self.target.scenarios_cut_short:
            reasons.append("target: the budget ran out before the directed scenarios finished")
        return reasons

    def weaker_than(self, baseline: Evidence) -> list[str]:
        """Properties whose verdict is weaker than in ``baseline`` (a lost proof, …)."""
        before = baseline.verdicts
        return [
            f"{prop_id}: {before[prop_id].value} → {verdict.value}"
            for prop_id, verdict in self.verdicts.items()
            if prop_id in before and STRENGTH[verdict] < STRENGTH[before[prop_id]]
        ]

    @property
    def verdict(self) -> Verdict:
        """The overall verdict: the worst of the properties' verdicts."""
        return worst(item.verdict for item in self.properties)

    @property
    def summary(self) -> dict[Verdict, int]:
        return verdict_counts(item.verdict for item in self.properties)

    @property
    def verdicts(self) -> dict[str, Verdict]:
        return {item.prop.id: item.verdict for item in self.properties}

    @property
    def violated(self) -> list[str]:
        return [item.prop.id for item in self.properties if item.verdict is Verdict.VIOLATED]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str) -> Evidence:
        """Evidence recorded in a file (``pumpproof.evidence/1``): verdicts and results of
        the properties in the catalogue; others are ignored. Malformed → :class:`UsageError`."""
        items = []
        try:
            for entry in data["properties"]:
                try:
                    prop = by_id(entry["id"])
                except KeyError:
                    if not isinstance(entry["id"], str):
                        raise
                    continue  # a property this version of pumpproof does not have
                results = tuple(MethodResult.from_json(r) for r in entry.get("results", []))
                items.append(PropertyEvidence(prop, Verdict(entry["verdict"]), results))
            spec = data.get("spec", {})
            return cls(str(spec.get("name", "")),
                       tuple(sorted(dict(spec.get("files", {})).items())),
                       int(data.get("seed", 0)), str(data.get("profile", "")), tuple(items))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{source}: malformed evidence: {type(exc).__name__}: {exc}") from None
