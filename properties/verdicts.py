"""Verdicts, methods and results: closed enums, frozen records, each carrying its evidence.

The one order of verdicts lives here (:data:`SEVERITY`, worst first): the overall
verdict of a campaign, the worst verdict behind a risk control and the order reports
list verdicts in all come from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["BACKSTOP", "SEVERITY", "Method", "MethodResult", "Verdict", "overall_verdict",
           "verdict_counts", "worst"]


class Verdict(StrEnum):
    """``proved``: for all reachable states (k-induction). ``passed``: no violation found
    by bounded search or fuzzing (evidence, not proof). ``violated``: a counterexample
    exists and was replayed. ``unknown``: no conclusion (Z3's resource limit ran out, k
    exhausted, …)."""

    PROVED = "proved"
    PASSED = "passed"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


class Method(StrEnum):
    """How a verdict was reached."""

    KINDUCTION = "kinduction"  # Z3 k-induction: proves for all reachable states
    BMC = "bmc"  # Z3 bounded model checking
    FUZZ = "fuzz"  # Hypothesis state-machine fuzzing (and directed scenarios)
    CONTRACT = "contract"  # CrossHair contracts of a pure function
    INVARIANTS = "invariants"  # Z3: the model's own invariants are inductive (an obligation)


#: How a result stopped by the wall clock (not by Z3's deterministic resource limit) says so:
#: such a verdict may differ on another run, so the evidence lists it as degraded.
BACKSTOP = "wall-clock backstop, load-dependent"

#: Worst first: a violation outweighs no conclusion, which outweighs evidence, which
#: outweighs proof. The single place this order is written.
SEVERITY: tuple[Verdict, ...] = (Verdict.VIOLATED, Verdict.UNKNOWN, Verdict.PASSED,
                                 Verdict.PROVED)


def worst(verdicts: Iterable[Verdict], default: Verdict = Verdict.PROVED) -> Verdict:
    """The most severe of ``verdicts`` (``default`` when there are none)."""
    present = set(verdicts)
    return next((v for v in SEVERITY if v in present), default)


def verdict_counts(verdicts: Iterable[Verdict]) -> dict[Verdict, int]:
    """How many of each verdict, every verdict present, in :data:`SEVERITY` order."""
    counts = dict.fromkeys(SEVERITY, 0)
    for verdict in verdicts:
        counts[verdict] += 1
    return counts


@dataclass(frozen=True)
class MethodResult:
    """The result of one method on one property."""

    method: Method
    verdict: Verdict
    depth: int | None = None  # BMC depth, k of k-induction
    examples: int | None = None  # fuzz: test cases run
    triggers: int = 0  # how often the property's trigger happened
    counterexample: list[dict[str, Any]] | None = None  # protocol requests
    detail: str = ""
    seconds: float = field(default=0.0, compare=False)  # wall clock: timings.json only
    # What a proof or bounded search covered: settings (all valid but the fixed ones, or
    # fixed), schedule segments, whether the request domain was checked against the parser.
    scope: dict[str, Any] | None = None
    # The most of Z3's resource limit one check consumed (calibration: timings.json only)
    rlimit_peak: int | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method.value, "verdict": self.verdict.value}
        if self.depth is not None:
            out["depth" if self.method is Method.BMC else "k"] = self.depth
        if self.examples is not None:
            out["examples"] = self.examples
        out["triggers"] = self.triggers
        if self.detail:
            out["detail"] = self.detail
        if self.scope is not None:
            out["scope"] = self.scope
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MethodResult:
        """A result as recorded in an evidence file (counterexamples stay in their files)."""
        method = Method(data["method"])
        depth = data.get("depth" if method is Method.BMC else "k")
        return cls(method, Verdict(data["verdict"]), depth=depth, examples=data.get("examples"),
                   triggers=int(data.get("triggers", 0)), detail=str(data.get("detail", "")),
                   scope=data.get("scope"))


def overall_verdict(results: list[MethodResult]) -> Verdict:
    """One property's verdict from its methods — the strongest conclusion, not the worst:
    violated beats everything; then proved; then passed; unknown if nothing concluded."""
    verdicts = {r.verdict for r in results}
    for verdict in (Verdict.VIOLATED, Verdict.PROVED, Verdict.PASSED):
        if verdict in verdicts:
            return verdict
    return Verdict.UNKNOWN
