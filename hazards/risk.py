"""Evidence meets risk: control failure probabilities from verdicts, trees, residual risk.

A risk control's failure probability per demand is its prior (``hazards.yaml``) unless
evidence is given: then it is the ``verdict_probability`` of the *worst* verdict (in the one
order of :data:`~pumpproof.properties.verdicts.SEVERITY`) among the properties that verify
the control's requirements (violated → 1: the control is assumed to fail). Each fault tree
is quantified as a frequency per patient-year (:mod:`.frequency`: initiating events are
frequencies, every other event a probability per demand) with those probabilities (after
controls) and with every control failing (before controls); a hazard takes the frequency of
its gate, its level from the frequency bands and its acceptability from the matrix; a
hazard without a fault tree keeps its declared levels (``probability_basis: declared``).
Traceability gaps are findings, not errors; so is a declared level that disagrees with the
level its fault tree gives with the spec's own priors (``declared_level_mismatch``). Pure
functions: a frozen :class:`Spec` and :class:`Evidence` in, a frozen
:class:`HazardAssessment` out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pumpproof.errors import SpecError
from pumpproof.properties.evidence import Evidence
from pumpproof.properties.verdicts import Verdict, worst
from pumpproof.spec import Spec
from pumpproof.spec.hazard_log import FaultTreeSpec, Hazard, HazardLog

from .frequency import Contribution, EventImportance, FrequencyResult, quantify
from .fta import BasicEvent, FaultTree, Gate

__all__ = ["HAZARDS_SCHEMA", "UNITS", "BasicEventRisk", "ControlStatus", "Gap",
           "HazardAssessment", "HazardRisk", "TreeAssessment", "alarp_without_justification",
           "assess", "conditional_tree", "quantify_tree", "structure_problems", "tree_model"]

HAZARDS_SCHEMA = "pumpproof.hazards-analysis/2"

#: What each unit suffix of ``hazards.json`` means (written into the file itself).
UNITS = {
    "_per_year": "events (initiating events) or harms (top events) per patient-year of pump use",
    "_per_demand": "probability given that the initiating event has happened (one demand)",
    "p_top_given_initiator": "probability of the top event per occurrence of that initiator",
}


@dataclass(frozen=True)
class ControlStatus:
    id: str
    p_fail_per_demand: float
    basis: str  # "prior" or "evidence"
    verdict: Verdict | None
    properties: tuple[str, ...]
    requirements: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "p_fail_per_demand": self.p_fail_per_demand,
                "basis": self.basis,
                "verdict": self.verdict.value if self.verdict is not None else None,
                "properties": list(self.properties), "requirements": list(self.requirements)}


@dataclass(frozen=True)
class BasicEventRisk:
    id: str
    label: str
    kind: str  # "initiating" (a frequency) or "conditional" (a probability per demand)
    frequency_per_year: float | None
    p_per_demand: float | None
    control: str | None
    properties: tuple[str, ...]
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind,
                "frequency_per_year": self.frequency_per_year,
                "p_per_demand": self.p_per_demand, "control": self.control,
                "properties": list(self.properties), "sources": list(self.sources)}


@dataclass(frozen=True)
class TreeAssessment:
    id: str
    title: str
    top_event: str
    frequency_per_year: float  # after controls, exact
    frequency_before_controls_per_year: float  # every control failing
    frequency_rare_event_per_year: float  # Σ over cut sets, a hand check
    contributions: tuple[Contribution, ...]
    cut_sets: tuple[tuple[str, ...], ...]
    importance: Mapping[str, EventImportance]
    basic_events: tuple[BasicEventRisk, ...]
    svg: str | None = None  # file names of the diagram and the MEF exports, once written
    mef: Mapping[str, str] = field(default_factory=dict)  # initiator → conditional tree file

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "top_event": self.top_event,
            "frequency_per_year": self.frequency_per_year,
            "frequency_before_controls_per_year": self.frequency_before_controls_per_year,
            "frequency_rare_event_per_year": self.frequency_rare_event_per_year,
            "contributions": [c.to_json() for c in self.contributions],
            "n_mcs": len(self.cut_sets), "cut_sets": [list(cs) for cs in self.cut_sets],
            "importance": {e: m.to_json() for e, m in self.importance.items()},
            "basic_events": [e.to_json() for e in self.basic_events],
            "svg": self.svg, "mef": dict(self.mef),
        }


@dataclass(frozen=True)
class HazardRisk:
    id: str
    hazard: str
    harm: str
    severity: int
    controls: tuple[str, ...]
    fault_tree: str | None
    gate: str | None
    frequency_before_per_year: float | None
    frequency_after_per_year: float | None
    probability_before: int  # level of the frequency band (computed when there is a tree)
    probability_after: int
    declared_probability_before: int
    declared_probability_after: int
    risk_before: str
    risk_after: str
    severity_name: str = ""
    # ISO 14971 cl. 7.4, from hazards.yaml; None when the log gives none
    benefit_risk_justification: str | None = None

    @property
    def acceptable(self) -> bool:
        return self.risk_after != "unacceptable"

    @property
    def probability_basis(self) -> str:
        """``fault_tree`` when the levels are computed, ``declared`` when the log states them
        (a hazard without a fault tree)."""
        return "fault_tree" if self.fault_tree is not None else "declared"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "hazard": self.hazard, "harm": self.harm, "severity": self.severity,
            "controls": list(self.controls), "fault_tree": self.fault_tree, "gate": self.gate,
            "frequency_before_per_year": self.frequency_before_per_year,
            "frequency_after_per_year": self.frequency_after_per_year,
            "probability_before": self.probability_before,
            "probability_after": self.probability_after,
            "declared_probability_before": self.declared_probability_before,
            "declared_probability_after": self.declared_probability_after,
            "risk_before": self.risk_before, "risk_after": self.risk_after,
            "acceptable": self.acceptable,
            "severity_name": self.severity_name,
            "probability_basis": self.probability_basis,
            "benefit_risk_justification": self.benefit_risk_justification,
        }


@dataclass(frozen=True)
class Gap:
    """A traceability gap: a finding with its kind, item and message."""

    kind: str
    item: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "item": self.item, "message": self.message}


@dataclass(frozen=True)
class HazardAssessment:
    """Everything ``hazards.json`` holds."""

    evidence_used: bool
    controls: tuple[ControlStatus, ...]
    hazards: tuple[HazardRisk, ...]
    fault_trees: tuple[TreeAssessment, ...]
    gaps: tuple[Gap, ...] = field(default=())

    @property
    def unacceptable(self) -> list[str]:
        return [h.id for h in self.hazards if not h.acceptable]

    def with_files(self, files: Mapping[str, tuple[str | None, Mapping[str, str]]]
                   ) -> HazardAssessment:
        """The assessment with each tree's diagram and MEF file names (by tree id)."""
        trees = tuple(replace(t, svg=files[t.id][0], mef=dict(files[t.id][1]))
                      if t.id in files else t for t in self.fault_trees)
        return replace(self, fault_trees=trees)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": HAZARDS_SCHEMA,
            "units": dict(UNITS),
            "evidence_used": self.evidence_used,
            "controls": [c.to_json() for c in self.controls],
            "hazards": [h.to_json() for h in self.hazards],
            "fault_trees": [t.to_json() for t in self.fault_trees],
            "gaps": [g.to_json() for g in self.gaps],
        }


def control_statuses(log: HazardLog, property_requirements: Mapping[str, Sequence[str]],
                     verdicts: Mapping[str, Verdict] | None) -> dict[str, ControlStatus]:
    out = {}
    for control in log.risk_controls:
        props = tuple(sorted(
            pid for pid, reqs in property_requirements.items()
            if set(reqs) & set(control.requirements)
        ))
        if verdicts is None or not props:
            out[control.id] = ControlStatus(control.id, control.prior_failure_probability,
                                            "prior", None, props, tuple(control.requirements))
            continue
        verdict = worst(verdicts.get(pid, Verdict.UNKNOWN) for pid in props)
        out[control.id] = ControlStatus(control.id, log.verdict_probability[verdict].p,
                                        "evidence", verdict, props, tuple(control.requirements))
    return out


def _initiators(tree: FaultTreeSpec) -> dict[str, float]:
    out = {}
    for eid, event in tree.basic_events.items():
        frequency = event.frequency()
        if frequency is not None:
            out[eid] = frequency
    return out


def tree_model(tree: FaultTreeSpec, control_p: Mapping[str, float], top: str | None = None,
               controls_fail: bool = False, source: str = "") -> FaultTree:
    """The YAML tree as an FTA model of its conditional events: a control event takes the
    control's probability per demand; an initiating event (a frequency, not a probability)
    holds 0 here, and :func:`~.frequency.quantify` sets it per initiator."""
    gates = {gid: Gate(gid, g.type, g.children, g.k or 0, g.label) for gid, g in tree.gates.items()}
    events = {}
    for eid, event in tree.basic_events.items():
        if event.control is not None:
            p = 1.0 if controls_fail else control_p[event.control]
        else:
            p = event.probability() or 0.0  # None: an initiating event
        events[eid] = BasicEvent(eid, p, event.label)
    return FaultTree(tree.id, top or tree.top, gates, events, source=source or tree.id)


def conditional_tree(tree: FaultTreeSpec, control_p: Mapping[str, float],
                     initiator: str) -> FaultTree:
    """The tree given that ``initiator`` has happened and no other initiating event has:
    initiators become house events (true / false), so that P(top) of this tree, in pumpproof
    or SCRAM, is P(top | initiator). This is what the MEF export holds (MEF has no
    frequencies)."""
    model = tree_model(tree, control_p)
    initiators = _initiators(tree)
    events = {e: ev for e, ev in model.basic_events.items() if e not in initiators}
    houses = {e: e == initiator for e in initiators}
    return FaultTree(f"{tree.id}.{initiator}", model.top, model.gates, events, houses,
                     source=model.source)


def quantify_tree(log: HazardLog, tree: FaultTreeSpec, control_p: Mapping[str, float],
                  top: str | None = None, controls_fail: bool = False,
                  importance: bool = False) -> FrequencyResult:
    """The frequency per patient-year of ``top`` (default the tree's) in ``tree``."""
    model = tree_model(tree, control_p, top, controls_fail, log.tree_files.get(tree.id, ""))
    return quantify(model, _initiators(tree), importance=importance)


def structure_problems(log: HazardLog) -> list[str]:
    """Every fault tree whose minimal cut sets do not each hold exactly one initiating event
    (checked on the top and on every gate a hazard cites), one line per problem; what
    ``spec validate`` adds to the loader's checks, since it needs the BDD."""
    prior = {c.id: c.prior_failure_probability for c in log.risk_controls}
    problems: list[str] = []
    for tree in log.fault_trees:
        gates = [tree.top, *sorted({h.fault_tree_gate for h in log.hazards
                                    if h.fault_tree == tree.id and h.fault_tree_gate
                                    and h.fault_tree_gate != tree.top})]
        for gate in gates:
            try:
                quantify_tree(log, tree, prior, gate)
            except SpecError as error:
                problems.extend(p for p in error.problems if p not in problems)
    return problems


def _basic_events(tree: FaultTreeSpec, controls: Mapping[str, ControlStatus]
                  ) -> tuple[BasicEventRisk, ...]:
    out = []
    for eid in sorted(tree.basic_events):
        event = tree.basic_events[eid]
        control = event.control
        p = controls[control].p_fail_per_demand if control else event.probability()
        out.append(BasicEventRisk(eid, event.label, event.kind, event.frequency(),
                                  None if event.kind == "initiating" else p, control,
                                  controls[control].properties if control else (),
                                  event.sources))
    return tuple(out)


def _hazard_frequencies(log: HazardLog, hazard: Hazard, control_p: Mapping[str, float]
                        ) -> tuple[float, float]:
    """(before, after) frequency per patient-year of a hazard's gate."""
    assert hazard.fault_tree is not None
    tree = log.tree(hazard.fault_tree)
    gate = hazard.fault_tree_gate or tree.top
    before = quantify_tree(log, tree, control_p, gate, controls_fail=True)
    after = quantify_tree(log, tree, control_p, gate)
    return before.frequency_per_year, after.frequency_per_year


def assess(spec: Spec, property_requirements: Mapping[str, Sequence[str]],
           evidence: Evidence | None) -> HazardAssessment:
    """The hazard analysis, with control probabilities from ``evidence`` (priors if None)."""
    log = spec.hazard_log
    assert log is not None
    verdicts = evidence.verdicts if evidence is not None else None
    controls = control_statuses(log, property_requirements, verdicts)
    control_p = {cid: status.p_fail_per_demand for cid, status in controls.items()}
    trees_out = []
    for tree in log.fault_trees:
        after = quantify_tree(log, tree, control_p, importance=True)
        before = quantify_tree(log, tree, control_p, controls_fail=True)
        trees_out.append(TreeAssessment(
            tree.id, tree.title, tree.top, after.frequency_per_year, before.frequency_per_year,
            after.frequency_rare_event_per_year, after.contributions, after.cut_sets,
            after.importance, _basic_events(tree, controls)))
    hazards_out = []
    for hazard in log.hazards:
        fault_tree: str | None = None
        gate: str | None = None
        f_before: float | None = None
        f_after: float | None = None
        if hazard.fault_tree is not None:
            fault_tree = hazard.fault_tree
            gate = hazard.fault_tree_gate or log.tree(fault_tree).top
            f_before, f_after = _hazard_frequencies(log, hazard, control_p)
            level_before = log.probability_level(f_before)
            level_after = log.probability_level(f_after)
        else:
            level_before = hazard.probability_before
            violated = any(controls[c].verdict is Verdict.VIOLATED for c in hazard.controls)
            level_after = hazard.probability_before if violated else hazard.probability_after
        hazards_out.append(HazardRisk(
            hazard.id, hazard.hazard, hazard.harm, hazard.severity, tuple(hazard.controls),
            fault_tree, gate, f_before, f_after, level_before, level_after,
            hazard.probability_before, hazard.probability_after,
            log.acceptable(hazard.severity, level_before),
            log.acceptable(hazard.severity, level_after),
            severity_name=log.severity_name(hazard.severity),
            benefit_risk_justification=hazard.benefit_risk_justification))
    return HazardAssessment(evidence is not None, tuple(controls.values()), tuple(hazards_out),
                            tuple(trees_out), tuple(gaps(spec, property_requirements)
                                                    + alarp_without_justification(hazards_out)))


def alarp_without_justification(hazards: Sequence[HazardRisk]) -> list[Gap]:
    """Hazards whose *computed* residual risk is ALARP but that carry no benefit-risk
    justification: the loader refuses a declared ALARP without one, but evidence or a fault
    tree can move a hazard into ALARP, and ALARP must never count as acceptable unexplained."""
    return [Gap("alarp_without_justification", h.id,
                f"{h.id}'s residual risk is ALARP (S{h.severity} × P{h.probability_after}, "
                f"{'from ' + h.fault_tree if h.fault_tree else 'declared'}) but hazards.yaml "
                "gives no benefit_risk_justification")
            for h in hazards
            if h.risk_after == "alarp" and not (h.benefit_risk_justification or "").strip()]


def _level_gaps(log: HazardLog) -> list[Gap]:
    """A declared level that its fault tree, with the spec's prior control probabilities,
    does not give. Priors, not evidence: the declared levels are the hazard log's own claim
    (evidence moves the computed risk, which the assessment reports)."""
    prior = {c.id: c.prior_failure_probability for c in log.risk_controls}
    out = []
    for hazard in log.hazards:
        if hazard.fault_tree is None:
            continue
        frequencies = _hazard_frequencies(log, hazard, prior)
        declared = (hazard.probability_before, hazard.probability_after)
        gate = hazard.fault_tree_gate or log.tree(hazard.fault_tree).top
        for name, frequency, level in zip(("probability_before", "probability_after"),
                                          frequencies, declared, strict=True):
            computed = log.probability_level(frequency)
            if computed != level:
                out.append(Gap("declared_level_mismatch", hazard.id,
                               f"{hazard.id} declares {name} P{level} but its fault tree "
                               f"{hazard.fault_tree} ({gate}) gives P{computed} "
                               f"({frequency:.3g} per patient-year with the prior control "
                               "probabilities)"))
    return out


def gaps(spec: Spec, property_requirements: Mapping[str, Sequence[str]]) -> list[Gap]:
    """Traceability gaps: each a finding with its kind, item and message."""
    log = spec.hazard_log
    assert log is not None
    out: list[Gap] = []
    verified_reqs = {r for reqs in property_requirements.values() for r in reqs}
    out.extend(_level_gaps(log))
    for hazard in log.hazards:
        if not hazard.controls:
            out.append(Gap("hazard_without_control", hazard.id,
                           f"{hazard.id} has no risk control"))
    cited = {e.control for t in log.fault_trees for e in t.basic_events.values() if e.control}
    used = {c for h in log.hazards for c in h.controls}
    for control in log.risk_controls:
        if not control.requirements:
            out.append(Gap("control_without_requirement", control.id,
                           f"{control.id} rests on no requirement"))
        if control.id not in used:
            out.append(Gap("control_without_hazard", control.id,
                           f"{control.id} controls no hazard in the log"))
        if control.id not in cited:
            out.append(Gap("control_not_in_fault_tree", control.id,
                           f"no fault tree has a '{control.id} fails' event, so its "
                           "evidence changes no computed probability"))
    for req in spec.requirements:
        checkable = set(req.verification) & {"proof", "fuzz", "contract"}
        if checkable and req.id not in verified_reqs and not req.review_record:
            out.append(Gap("requirement_without_property", req.id,
                           f"{req.id} is to be verified by {'/'.join(sorted(checkable))} "
                           "but no property names it and there is no review record"))
    for prop_id, reqs in sorted(property_requirements.items()):
        if not reqs:
            out.append(Gap("property_without_requirement", prop_id,
                           f"{prop_id} names no requirement"))
    control_reqs = {r for c in log.risk_controls for r in c.requirements}
    for req in spec.requirements:
        if req.id not in control_reqs:
            out.append(Gap("requirement_without_control", req.id,
                           f"{req.id} supports no risk control in the hazard log"))
    return out
