"""Per-target assessment: what each checked build showed, judged on its own evidence.

The reference model's proofs are *design* evidence: they say the design is safe, not that
a build is. A risk file signed for a firmware build must rest on what that build did, so
each target gets its own verdicts per property and its own residual-risk assessment:

- a property the target violated: its risk control failed on that build (``violated``);
- a property exercised only by fuzzing on the target: the fuzz mapping (``passed``);
- a property the target's check cannot exercise (a CrossHair contract of the model's own
  pure functions), one whose trigger never happened there (vacuous), or every property
  of a target that crashed, hung or answered garbage: ``unknown`` for that target.

The overall verdict of a campaign is the worst of the model's and every target's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.hazards.risk import HazardAssessment, assess
from pumpproof.properties.catalogue import all_properties
from pumpproof.properties.evidence import Evidence, TargetFailureRecord
from pumpproof.properties.verdicts import Verdict, worst
from pumpproof.spec import Spec

__all__ = ["NOT_EXERCISED_ON_TARGET", "TargetAssessment", "assess_target", "campaign_verdict"]

#: Why a catalogue property has no verdict on a protocol target.
NOT_EXERCISED_ON_TARGET = ("not exercised on the target: a contract of the reference model's "
                           "own code (design evidence only)")


@dataclass(frozen=True)
class TargetAssessment:
    """One target's evidence (the check's), the properties it could not exercise, and the
    hazard analysis with control probabilities from that target's verdicts alone."""

    evidence: Evidence
    not_exercised: tuple[tuple[str, str], ...]  # (property id, why), catalogue order
    hazards: HazardAssessment | None
    # its findings replayed on it, by trace name (campaigns.timeline.target_timelines)
    timelines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return self.evidence.target.description if self.evidence.target is not None else ""

    @property
    def failure(self) -> TargetFailureRecord | None:
        return self.evidence.target.failure if self.evidence.target is not None else None

    @property
    def verdict(self) -> Verdict:
        """The worst verdict the target's check gave; a target failure is never a pass.

        Properties the check cannot exercise are ``unknown`` in the risk assessment but do
        not make every target inconclusive: they are listed, with why, beside the verdict.
        """
        verdict = self.evidence.verdict
        if self.failure is not None and verdict is not Verdict.VIOLATED:
            return Verdict.UNKNOWN
        return verdict

    @property
    def verdicts(self) -> dict[str, Verdict]:
        """Every catalogue property's verdict on this target (``unknown`` if not exercised)."""
        exercised = self.evidence.verdicts
        return {prop.id: exercised.get(prop.id, Verdict.UNKNOWN) for prop in all_properties()}

    @property
    def unacceptable(self) -> list[str]:
        return self.hazards.unacceptable if self.hazards is not None else []


def assess_target(spec: Spec, evidence: Evidence,
                  property_requirements: Mapping[str, Sequence[str]] | None = None
                  ) -> TargetAssessment:
    """The target's own assessment; the hazard analysis reads only its verdicts."""
    requirements = property_requirements or {p.id: p.requirements for p in all_properties()}
    checked = set(evidence.verdicts)
    not_exercised = tuple((prop.id, NOT_EXERCISED_ON_TARGET) for prop in all_properties()
                          if prop.id not in checked)
    # ``assess`` takes the worst verdict behind each control and reads a property missing
    # from the evidence as ``unknown``: exactly "never exercised on this target".
    hazards = assess(spec, requirements, evidence) if spec.hazard_log is not None else None
    return TargetAssessment(evidence, not_exercised, hazards)


def campaign_verdict(model: Evidence, targets: Sequence[TargetAssessment],
                     controllers: Sequence[Mapping[str, Any]] = ()) -> Verdict:
    """The worst of the model's verdict, every target's and every AID controller's (the
    controller evidence as stored: its ``verdict`` value)."""
    return worst([model.verdict, *(target.verdict for target in targets),
                  *(Verdict(c["verdict"]) for c in controllers)])
