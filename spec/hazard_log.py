"""The hazard log (``hazards.yaml``) and fault trees (``fault_trees/*.yaml``), strictly.

Phases: parse (strict schemas) → check scales and matrix → check risk controls (ids,
requirements exist) → check hazards (ids, levels, controls, a benefit-risk justification
when the declared residual risk is ALARP, fault trees and gates exist)
→ check each fault tree (ids, children defined, k within 1..n, NOT has one child, no
cycle, every gate and event reachable from the top, controls exist, probabilities in
[0, 1]). Every problem names the file, the item and the problem.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from pumpproof.errors import SpecError

from .references import Reference, source_problems
from .strict import StrictModel, parse_model
from .yaml_io import read_yaml

__all__ = ["FaultTreeSpec", "HazardLog", "load_hazard_log"]

Acceptability = Literal["acceptable", "alarp", "unacceptable"]


class Level(StrictModel):
    id: int
    name: str = Field(min_length=1)
    description: str = ""
    band: tuple[float, float] | None = None


class VerdictProbability(StrictModel):
    p: float = Field(ge=0.0, le=1.0)
    rationale: str = Field(min_length=1)


class RiskControl(StrictModel):
    id: str = Field(pattern=r"^RC-[A-Z0-9-]+$")
    title: str = Field(min_length=1)
    type: Literal["design", "protective", "information"]
    requirements: tuple[str, ...] = Field(min_length=1)
    prior_failure_probability: float = Field(ge=0.0, le=1.0)
    sources: tuple[str, ...] = Field(min_length=1)


class Cause(StrictModel):
    id: str = Field(pattern=r"^C-[A-Z0-9-]+$")
    description: str = Field(min_length=1)


class Hazard(StrictModel):
    id: str = Field(pattern=r"^H-[A-Z0-9-]+$")
    hazard: str = Field(min_length=1)
    category: Literal["operational", "environmental", "electrical", "hardware", "software",
                      "mechanical", "biological_chemical", "use"]
    system_hazard: str = Field(min_length=1)
    causes: tuple[Cause, ...] = Field(min_length=1)
    sequence_of_events: str = Field(min_length=1)
    hazardous_situation: str = Field(min_length=1)
    harm: str = Field(min_length=1)
    severity: int
    probability_before: int
    controls: tuple[str, ...] = ()
    probability_after: int
    fault_tree: str | None = None
    fault_tree_gate: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    # ISO 14971 cl. 7.4: why the clinical benefit outweighs an ALARP residual risk and why
    # further reduction is impracticable; required when the declared risk is ALARP
    benefit_risk_justification: str | None = None


class HazardsFile(StrictModel):
    schema_: Literal["pumpproof.hazards/1"] = Field(alias="schema")
    severity_levels: tuple[Level, ...] = Field(min_length=5, max_length=5)
    probability_levels: tuple[Level, ...] = Field(min_length=5, max_length=5)
    acceptability: dict[int, list[Acceptability]]
    verdict_probability: dict[Literal["proved", "passed", "unknown", "violated"],
                              VerdictProbability]
    risk_controls: tuple[RiskControl, ...] = Field(min_length=1)
    hazards: tuple[Hazard, ...] = Field(min_length=1)


class TreeGate(StrictModel):
    type: Literal["and", "or", "atleast", "not"]
    children: tuple[str, ...] = Field(min_length=1)
    k: int | None = None
    label: str = ""


class TreeEvent(StrictModel):
    label: str = Field(min_length=1)
    p: float | None = None
    lambda_per_h: float | None = None
    mission_time_h: float | None = None
    control: str | None = None
    sources: tuple[str, ...] = ()

    def probability(self) -> float | None:
        """The event's own probability (None for a control event)."""
        if self.p is not None:
            return self.p
        if self.lambda_per_h is not None and self.mission_time_h is not None:
            return 1.0 - math.exp(-self.lambda_per_h * self.mission_time_h)
        return None


class FaultTreeSpec(StrictModel):
    id: str = Field(pattern=r"^FT-[A-Z0-9-]+$")
    title: str = Field(min_length=1)
    top: str
    gates: dict[str, TreeGate]
    basic_events: dict[str, TreeEvent]


@dataclass(frozen=True)
class HazardLog:
    severity_levels: tuple[Level, ...]
    probability_levels: tuple[Level, ...]
    acceptability: Mapping[int, list[str]]
    verdict_probability: Mapping[str, VerdictProbability]
    risk_controls: tuple[RiskControl, ...]
    hazards: tuple[Hazard, ...]
    fault_trees: tuple[FaultTreeSpec, ...]
    files: tuple[str, ...]  # relative names, for hashes

    def control(self, control_id: str) -> RiskControl:
        return next(c for c in self.risk_controls if c.id == control_id)

    def tree(self, tree_id: str) -> FaultTreeSpec:
        return next(t for t in self.fault_trees if t.id == tree_id)

    def probability_level(self, p: float) -> int:
        """The level whose band [low, high) holds ``p`` (the last band includes 1)."""
        for level in self.probability_levels:
            assert level.band is not None
            low, high = level.band
            if low <= p < high:
                return level.id
        return self.probability_levels[-1].id

    def acceptable(self, severity: int, probability: int) -> str:
        return self.acceptability[severity][probability - 1]


def _justification_problems(where: str, hazard: Hazard,
                            acceptability: Mapping[int, list[Acceptability]]) -> list[str]:
    """A declared ALARP residual risk needs its benefit-risk justification (ISO 14971 cl. 7.4):
    without one, ALARP would silently count as acceptable."""
    row = acceptability.get(hazard.severity)
    if row is None or len(row) != 5 or not 1 <= hazard.probability_after <= 5:
        return []  # reported by the scale and level checks
    if row[hazard.probability_after - 1] != "alarp":
        return []
    if hazard.benefit_risk_justification and hazard.benefit_risk_justification.strip():
        return []
    return [f"{where}.benefit_risk_justification: the residual risk is ALARP (S{hazard.severity} "
            f"× P{hazard.probability_after} in the acceptability matrix), so the hazard needs a "
            "benefit-risk justification: the clinical benefit that outweighs this residual risk "
            "and why further reduction is impracticable (ISO 14971 cl. 7.4)"]


def _check_log(display: str, log: HazardsFile, requirement_ids: frozenset[str],
               trees: Mapping[str, FaultTreeSpec],
               references: Mapping[str, Reference]) -> list[str]:
    problems: list[str] = []
    for name, levels in (("severity_levels", log.severity_levels),
                         ("probability_levels", log.probability_levels)):
        if [level.id for level in levels] != [1, 2, 3, 4, 5]:
            problems.append(f"{display}: {name}: ids must be 1, 2, 3, 4, 5 in order")
    previous_high = 0.0
    for level in log.probability_levels:
        if level.band is None or level.band[0] != previous_high or level.band[1] <= level.band[0]:
            problems.append(f"{display}: probability_levels[{level.id}]: band must start at "
                            f"{previous_high} and increase")
        else:
            previous_high = level.band[1]
    for severity in range(1, 6):
        row = log.acceptability.get(severity)
        if row is None or len(row) != 5:
            problems.append(f"{display}: acceptability.{severity}: needs 5 entries (one per "
                            "probability level)")
    for verdict in ("proved", "passed", "unknown", "violated"):
        if verdict not in log.verdict_probability:
            problems.append(f"{display}: verdict_probability.{verdict}: missing")
    seen: set[str] = set()
    for index, control in enumerate(log.risk_controls):
        where = f"{display}: risk_controls[{index}] ({control.id})"
        if control.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(control.id)
        for req in control.requirements:
            if req not in requirement_ids:
                problems.append(f"{where}.requirements: no requirement '{req}'")
        problems.extend(source_problems(where, control.sources, references))
    hazard_ids: set[str] = set()
    for index, hazard in enumerate(log.hazards):
        where = f"{display}: hazards[{index}] ({hazard.id})"
        if hazard.id in hazard_ids:
            problems.append(f"{where}: duplicate id")
        hazard_ids.add(hazard.id)
        problems.extend(source_problems(where, hazard.sources, references))
        for field_name in ("severity", "probability_before", "probability_after"):
            if not 1 <= getattr(hazard, field_name) <= 5:
                problems.append(f"{where}.{field_name}: must be a level 1–5")
        for control_id in hazard.controls:
            if control_id not in seen:
                problems.append(f"{where}.controls: no risk control '{control_id}'")
        problems.extend(_justification_problems(where, hazard, log.acceptability))
        if hazard.fault_tree is not None:
            tree = trees.get(hazard.fault_tree)
            if tree is None:
                problems.append(f"{where}.fault_tree: no fault tree '{hazard.fault_tree}'")
            elif hazard.fault_tree_gate and hazard.fault_tree_gate not in tree.gates:
                problems.append(f"{where}.fault_tree_gate: no gate '{hazard.fault_tree_gate}' "
                                f"in {hazard.fault_tree}")
        elif hazard.fault_tree_gate is not None:
            problems.append(f"{where}.fault_tree_gate: given without a fault_tree")
    return problems


def _check_tree(display: str, tree: FaultTreeSpec, controls: set[str],
                references: Mapping[str, Reference]) -> list[str]:
    problems: list[str] = []
    names = set(tree.gates) | set(tree.basic_events)
    if set(tree.gates) & set(tree.basic_events):
        problems.append(f"{display}: {sorted(set(tree.gates) & set(tree.basic_events))}: "
                        "used both as gate and basic event")
    if tree.top not in tree.gates:
        problems.append(f"{display}: top: no gate '{tree.top}'")
    for gate_id, gate in tree.gates.items():
        where = f"{display}: gates.{gate_id}"
        for child in gate.children:
            if child not in names:
                problems.append(f"{where}.children: no gate or basic event '{child}'")
        if gate.type == "atleast" and (gate.k is None or not 1 <= gate.k <= len(gate.children)):
            problems.append(f"{where}.k: atleast needs 1 ≤ k ≤ {len(gate.children)}, got {gate.k}")
        if gate.type != "atleast" and gate.k is not None:
            problems.append(f"{where}.k: only an atleast gate has k")
        if gate.type == "not" and len(gate.children) != 1:
            problems.append(f"{where}.children: a NOT gate has exactly one child")
    for event_id, event in tree.basic_events.items():
        where = f"{display}: basic_events.{event_id}"
        problems.extend(source_problems(where, event.sources, references))
        own = event.probability()
        if event.control is not None:
            if event.control not in controls:
                problems.append(f"{where}.control: no risk control '{event.control}'")
            if own is not None:
                problems.append(f"{where}: a control event takes its probability from the "
                                "control; remove p/lambda_per_h")
        elif own is None:
            problems.append(f"{where}: needs p, or lambda_per_h with mission_time_h, or control")
        elif not 0.0 <= own <= 1.0:
            problems.append(f"{where}.p: must be within [0, 1], got {own}")
        elif not event.sources:
            problems.append(f"{where}.sources: a probability needs its sources")
    if problems:
        return problems
    # Cycles and reachability (depth-first from the top, with the path for the message).
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 1:
            cycle = " → ".join([*path[path.index(node):], node])
            problems.append(f"{display}: gates.{node}: cycle {cycle}")
            return
        if state.get(node) == 2 or node not in tree.gates:
            state.setdefault(node, 2)
            return
        state[node] = 1
        for child in tree.gates[node].children:
            visit(child, [*path, node])
        state[node] = 2

    visit(tree.top, [])
    for name in sorted(names - set(state)):
        kind = "gates" if name in tree.gates else "basic_events"
        problems.append(f"{display}: {kind}.{name}: not reachable from the top '{tree.top}'")
    return problems


def load_hazard_log(spec_dir: Path, display_dir: str, requirement_ids: frozenset[str],
                    references: Mapping[str, Reference]) -> HazardLog | None:
    """The validated hazard log, or None when the spec has no ``hazards.yaml``."""
    path = spec_dir / "hazards.yaml"
    if not path.exists():
        return None
    display = f"{display_dir}/hazards.yaml"
    trees: dict[str, FaultTreeSpec] = {}
    problems: list[str] = []
    files = ["hazards.yaml"]
    tree_dir = spec_dir / "fault_trees"
    tree_paths = sorted(tree_dir.glob("*.yaml")) if tree_dir.is_dir() else []
    parsed_trees: list[tuple[str, FaultTreeSpec]] = []
    for tree_path in tree_paths:
        tree_display = f"{display_dir}/fault_trees/{tree_path.name}"
        tree = parse_model(FaultTreeSpec, tree_display, read_yaml(tree_path, tree_display))
        if tree.id in trees:
            problems.append(f"{tree_display}: id: duplicate fault tree id '{tree.id}'")
        trees[tree.id] = tree
        parsed_trees.append((tree_display, tree))
        files.append(f"fault_trees/{tree_path.name}")
    log = parse_model(HazardsFile, display, read_yaml(path, display))
    problems.extend(_check_log(display, log, requirement_ids, trees, references))
    controls = {c.id for c in log.risk_controls}
    for tree_display, tree in parsed_trees:
        problems.extend(_check_tree(tree_display, tree, controls, references))
    if problems:
        raise SpecError(problems)
    return HazardLog(
        severity_levels=log.severity_levels,
        probability_levels=log.probability_levels,
        acceptability=dict(log.acceptability),
        verdict_probability=dict(log.verdict_probability),
        risk_controls=log.risk_controls,
        hazards=log.hazards,
        fault_trees=tuple(tree for _, tree in parsed_trees),
        files=tuple(files),
    )
