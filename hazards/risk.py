"""Evidence meets risk: control failure probabilities from verdicts, trees, residual risk.

A risk control's failure probability is its prior (``hazards.yaml``) unless evidence is
given: then it is the ``verdict_probability`` of the *worst* verdict among the properties
that verify the control's requirements (violated → 1: the control is assumed to fail).
Each fault tree is analysed with those probabilities (after control) and with every
control failing (before control); a hazard takes the probability of its gate, its level
from the probability bands and its acceptability from the matrix. Traceability gaps are
findings, not errors. Pure functions: frozen input, dict out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pumpproof.spec import Spec
from pumpproof.spec.hazard_log import FaultTreeSpec, HazardLog

from .fta import BasicEvent, FaultTree, Gate, analyse

__all__ = ["ControlStatus", "assess", "tree_model"]

_SEVERITY_ORDER = {"violated": 3, "unknown": 2, "passed": 1, "proved": 0}


@dataclass(frozen=True)
class ControlStatus:
    id: str
    p: float
    basis: str  # "prior" or "evidence"
    verdict: str | None
    properties: tuple[str, ...]


def control_statuses(log: HazardLog, property_requirements: Mapping[str, Sequence[str]],
                     verdicts: Mapping[str, str] | None) -> dict[str, ControlStatus]:
    out = {}
    for control in log.risk_controls:
        props = tuple(sorted(
            pid for pid, reqs in property_requirements.items()
            if set(reqs) & set(control.requirements)
        ))
        if verdicts is None or not props:
            out[control.id] = ControlStatus(control.id, control.prior_failure_probability,
                                            "prior", None, props)
            continue
        worst = max((verdicts.get(pid, "unknown") for pid in props),
                    key=lambda v: _SEVERITY_ORDER[v])
        out[control.id] = ControlStatus(control.id, log.verdict_probability[worst].p,
                                        "evidence", worst, props)
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
           evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    """Everything ``hazards.json`` holds except file names of diagrams."""
    log = spec.hazard_log
    assert log is not None
    verdicts = None
    if evidence is not None:
        verdicts = {p["id"]: p["verdict"] for p in evidence.get("properties", [])}
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
            basic_events.append({
                "id": eid,
                "label": tree.basic_events[eid].label,
                "p": control_p[control] if control else tree.basic_events[eid].probability(),
                "control": control,
                "properties": list(controls[control].properties) if control else [],
            })
        trees_out.append({
            "id": tree.id,
            "title": tree.title,
            "top_event": tree.top,
            "p_top": after.p_top,
            "p_top_before_controls": before.p_top,
            "p_rare_event": after.p_rare_event,
            "p_mcub": after.p_mcub,
            "n_mcs": len(after.cut_sets),
            "cut_sets": [list(cs) for cs in after.cut_sets],
            "importance": {e: after.importance[e] for e in sorted(after.importance)},
            "basic_events": basic_events,
        })
    hazards_out = []
    for hazard in log.hazards:
        entry: dict[str, Any] = {"id": hazard.id, "hazard": hazard.hazard, "harm": hazard.harm,
                                 "severity": hazard.severity, "controls": list(hazard.controls)}
        if hazard.fault_tree is not None:
            tree = log.tree(hazard.fault_tree)
            gate = hazard.fault_tree_gate or tree.top
            p_after = analyse(tree_model(tree, control_p, gate), importance=False).p_top
            p_before = analyse(tree_model(tree, control_p, gate, True), importance=False).p_top
            level_before = log.probability_level(p_before)
            level_after = log.probability_level(p_after)
            entry.update(fault_tree=tree.id, gate=gate, p_before=p_before, p_after=p_after)
        else:
            level_before = hazard.probability_before
            violated = any(controls[c].verdict == "violated" for c in hazard.controls)
            level_after = hazard.probability_before if violated else hazard.probability_after
            entry.update(fault_tree=None, gate=None, p_before=None, p_after=None)
        risk_before = log.acceptable(hazard.severity, level_before)
        risk_after = log.acceptable(hazard.severity, level_after)
        entry.update(
            probability_before=level_before,
            probability_after=level_after,
            declared_probability_after=hazard.probability_after,
            risk_before=risk_before,
            risk_after=risk_after,
            acceptable=risk_after != "unacceptable",
        )
        hazards_out.append(entry)
    return {
        "schema": "pumpproof.hazards-analysis/1",
        "evidence_used": evidence is not None,
        "controls": [
            {"id": s.id, "p": s.p, "basis": s.basis, "verdict": s.verdict,
             "properties": list(s.properties),
             "requirements": list(log.control(s.id).requirements)}
            for s in controls.values()
        ],
        "hazards": hazards_out,
        "fault_trees": trees_out,
        "gaps": gaps(spec, property_requirements),
    }


def gaps(spec: Spec, property_requirements: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """Traceability gaps: each a finding with its kind, item and message."""
    log = spec.hazard_log
    assert log is not None
    out: list[dict[str, str]] = []
    verified_reqs = {r for reqs in property_requirements.values() for r in reqs}
    for hazard in log.hazards:
        if not hazard.controls:
            out.append({"kind": "hazard_without_control", "item": hazard.id,
                        "message": f"{hazard.id} has no risk control"})
    cited = {e.control for t in log.fault_trees for e in t.basic_events.values() if e.control}
    used = {c for h in log.hazards for c in h.controls}
    for control in log.risk_controls:
        if not control.requirements:
            out.append({"kind": "control_without_requirement", "item": control.id,
                        "message": f"{control.id} rests on no requirement"})
        if control.id not in used:
            out.append({"kind": "control_without_hazard", "item": control.id,
                        "message": f"{control.id} controls no hazard in the log"})
        if control.id not in cited:
            out.append({"kind": "control_not_in_fault_tree", "item": control.id,
                        "message": f"no fault tree has a '{control.id} fails' event, so its "
                                   "evidence changes no computed probability"})
    for req in spec.requirements:
        checkable = set(req.verification) & {"proof", "fuzz", "contract"}
        if checkable and req.id not in verified_reqs and not req.review_record:
            out.append({"kind": "requirement_without_property", "item": req.id,
                        "message": f"{req.id} is to be verified by {'/'.join(sorted(checkable))} "
                                   "but no property names it and there is no review record"})
    for prop_id, reqs in sorted(property_requirements.items()):
        if not reqs:
            out.append({"kind": "property_without_requirement", "item": prop_id,
                        "message": f"{prop_id} names no requirement"})
    control_reqs = {r for c in log.risk_controls for r in c.requirements}
    for req in spec.requirements:
        if req.id not in control_reqs:
            out.append({"kind": "requirement_without_control", "item": req.id,
                        "message": f"{req.id} supports no risk control in the hazard log"})
    return out
