"""Evidence meets risk: control failure probabilities from verdicts, trees, residual risk.

A risk control's failure probability is its prior (``hazards.yaml``) unless evidence is
given: then it is the ``verdict_probability`` of the *worst* verdict (in the one order of
:data:`~pumpproof.properties.verdicts.SEVERITY`) among the properties that verify the
control's requirements (violated → 1: the control is assumed to fail). Each fault tree is
analysed with those probabilities (after control) and with every control failing (before
control); a hazard takes the probability of its gate, its level from the probability bands
and its acceptability from the matrix; a hazard without a fault tree keeps its declared
levels (``probability_basis: declared``). Traceability gaps are findings, not errors. Pure
functions: a frozen :class:`Spec` and :class:`Evidence` in, a frozen
:class:`HazardAssessment` out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pumpproof.properties.evidence import Evidence
from pumpproof.properties.verdicts import Verdict, worst
from pumpproof.spec import Spec
from pumpproof.spec.hazard_log import FaultTreeSpec, HazardLog

from .fta import BasicEvent, FaultTree, Gate, analyse

__all__ = ["HAZARDS_SCHEMA", "BasicEventRisk", "ControlStatus", "Gap", "HazardAssessment",
           "HazardRisk", "TreeAssessment", "alarp_without_justification", "assess", "tree_model"]

HAZARDS_SCHEMA = "pumpproof.hazards-analysis/1"


@dataclass(frozen=True)
class ControlStatus:
    id: str
    p: float
    basis: str  # "prior" or "evidence"
    verdict: Verdict | None
    properties: tuple[str, ...]
    requirements: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "p": self.p, "basis": self.basis,
                "verdict": self.verdict.value if self.verdict is not None else None,
                "properties": list(self.properties), "requirements": list(self.requirements)}


@dataclass(frozen=True)
class BasicEventRisk:
    id: str
    label: str
    p: float | None
    control: str | None
    properties: tuple[str, ...]
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "p": self.p, "control": self.control,
                "properties": list(self.properties), "sources": list(self.sources)}


@dataclass(frozen=True)
class TreeAssessment:
    id: str
    title: str
    top_event: str
    p_top: float
    p_top_before_controls: float
    p_rare_event: float
    p_mcub: float
    cut_sets: tuple[tuple[str, ...], ...]
    importance: Mapping[str, Mapping[str, float]]
    basic_events: tuple[BasicEventRisk, ...]
    svg: str | None = None  # file names of the diagram and the MEF export, once written
    mef: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "top_event": self.top_event,
            "p_top": self.p_top, "p_top_before_controls": self.p_top_before_controls,
            "p_rare_event": self.p_rare_event, "p_mcub": self.p_mcub,
            "n_mcs": len(self.cut_sets), "cut_sets": [list(cs) for cs in self.cut_sets],
            "importance": {e: dict(m) for e, m in self.importance.items()},
            "basic_events": [e.to_json() for e in self.basic_events],
            "svg": self.svg, "mef": self.mef,
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
    p_before: float | None
    p_after: float | None
    probability_before: int
    probability_after: int
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
            "p_before": self.p_before, "p_after": self.p_after,
            "probability_before": self.probability_before,
            "probability_after": self.probability_after,
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

    def with_files(self, files: Mapping[str, tuple[str | None, str]]) -> HazardAssessment:
        """The assessment with each tree's diagram and MEF file names (by tree id)."""
        trees = tuple(replace(t, svg=files[t.id][0], mef=files[t.id][1]) if t.id in files else t
                      for t in self.fault_trees)
        return replace(self, fault_trees=trees)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": HAZARDS_SCHEMA,
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


def tree_model(tree: FaultTreeSpec, control_p: Mapping[str, float], top: str | None = None,
               controls_fail: bool = False) -> FaultTree:
    """The YAML tree as an FTA model; control events take the control's probability."""
    gates = {gid: Gate(gid, g.type, g.children, g.k or 0, g.label) for gid, g in tree.gates.items()}
    events = {}
    for eid, event in tree.basic_events.items():
        if event.control is not None:
            p = 1.0 if controls_fail else control_p[event.control]
        else:
            own = event.probability()
            assert own is not None  # checked by the loader
            p = own
        events[eid] = BasicEvent(eid, p, event.label)
    return FaultTree(tree.id, top or tree.top, gates, events, source=tree.id)


def assess(spec: Spec, property_requirements: Mapping[str, Sequence[str]],
           evidence: Evidence | None) -> HazardAssessment:
    """The hazard analysis, with control probabilities from ``evidence`` (priors if None)."""
    log = spec.hazard_log
    assert log is not None
    verdicts = evidence.verdicts if evidence is not None else None
    controls = control_statuses(log, property_requirements, verdicts)
    control_p = {cid: status.p for cid, status in controls.items()}
    control_of_event = {
        (tree.id, eid): event.control
        for tree in log.fault_trees for eid, event in tree.basic_events.items()
    }
    trees_out = []
    for tree in log.fault_trees:
        after = analyse(tree_model(tree, control_p), importance=True)
        before = analyse(tree_model(tree, control_p, controls_fail=True), importance=False)
        basic_events = []
        for eid in sorted(tree.basic_events):
            control = control_of_event[(tree.id, eid)]
            basic_events.append(BasicEventRisk(
                eid, tree.basic_events[eid].label,
                control_p[control] if control else tree.basic_events[eid].probability(),
                control, controls[control].properties if control else (),
                tree.basic_events[eid].sources))
        importance = after.importance
        trees_out.append(TreeAssessment(
            tree.id, tree.title, tree.top, after.p_top, before.p_top, after.p_rare_event,
            after.p_mcub, tuple(tuple(cs) for cs in after.cut_sets),
            {e: importance[e] for e in sorted(importance)}, tuple(basic_events)))
    hazards_out = []
    for hazard in log.hazards:
        fault_tree: str | None = None
        gate: str | None = None
        p_before: float | None = None
        p_after: float | None = None
        if hazard.fault_tree is not None:
            tree = log.tree(hazard.fault_tree)
            fault_tree, gate = tree.id, hazard.fault_tree_gate or tree.top
            p_after = analyse(tree_model(tree, control_p, gate), importance=False).p_top
            p_before = analyse(tree_model(tree, control_p, gate, True), importance=False).p_top
            level_before = log.probability_level(p_before)
            level_after = log.probability_level(p_after)
        else:
            level_before = hazard.probability_before
            violated = any(controls[c].verdict is Verdict.VIOLATED for c in hazard.controls)
            level_after = hazard.probability_before if violated else hazard.probability_after
        hazards_out.append(HazardRisk(
            hazard.id, hazard.hazard, hazard.harm, hazard.severity, tuple(hazard.controls),
            fault_tree, gate, p_before, p_after, level_before, level_after,
            hazard.probability_after, log.acceptable(hazard.severity, level_before),
            log.acceptable(hazard.severity, level_after),
            _severity_name(log, hazard.severity), hazard.benefit_risk_justification))
    return HazardAssessment(evidence is not None, tuple(controls.values()), tuple(hazards_out),
                            tuple(trees_out), tuple(gaps(spec, property_requirements)
                                                    + alarp_without_justification(hazards_out)))


def _severity_name(log: HazardLog, severity: int) -> str:
    return next((level.name for level in log.severity_levels if level.id == severity), "")


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


def gaps(spec: Spec, property_requirements: Mapping[str, Sequence[str]]) -> list[Gap]:
    """Traceability gaps: each a finding with its kind, item and message."""
    log = spec.hazard_log
    assert log is not None
    out: list[Gap] = []
    verified_reqs = {r for reqs in property_requirements.values() for r in reqs}
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
