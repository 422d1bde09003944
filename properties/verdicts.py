"""Verdicts and results: closed enums, frozen records, each carrying its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["MethodResult", "Verdict", "overall_verdict"]


class Verdict(StrEnum):
    """``proved``: for all reachable states (k-induction). ``passed``: no violation found
    by bounded search or fuzzing (evidence, not proof). ``violated``: a counterexample
    exists and was replayed. ``unknown``: no conclusion (timeout, k exhausted)."""

    PROVED = "proved"
    PASSED = "passed"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class MethodResult:
    """The result of one method (kinduction, bmc, fuzz, contract) on one property."""

    method: str
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

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "verdict": self.verdict.value}
        if self.depth is not None:
            out["depth" if self.method == "bmc" else "k"] = self.depth
        if self.examples is not None:
            out["examples"] = self.examples
        out["triggers"] = self.triggers
        if self.detail:
            out["detail"] = self.detail
        if self.scope is not None:
            out["scope"] = self.scope
        return out


def overall_verdict(results: list[MethodResult]) -> Verdict:
    """Violated beats everything; then proved; then passed; unknown if nothing concluded."""
    verdicts = {r.verdict for r in results}
    for verdict in (Verdict.VIOLATED, Verdict.PROVED, Verdict.PASSED):
        if verdict in verdicts:
            return verdict
    return Verdict.UNKNOWN
