"""The hazard log (``hazards.yaml``) and fault trees (``fault_trees/*.yaml``), strictly.

Phases: parse (strict schemas) → check scales and matrix → check risk controls (ids,
requirements exist) → check hazards (ids, levels, controls, a benefit-risk justification
when the declared residual risk is ALARP, fault trees and gates exist)
→ check each fault tree (ids, children defined, k within 1..n, NOT has one child, no
cycle, every gate and event reachable from the top, controls exist, each basic event
either an initiating event with a frequency ≥ 0 per patient-year or a conditional event
with a probability per demand in [0, 1], and at least one initiating event). Every problem
names the file, the item and the problem.

Not checked here (it needs the BDD, downstream in :mod:`pumpproof.hazards.frequency`):
that every minimal cut set holds exactly one initiating event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from pumpproof.errors import SpecError

from .references import Reference, source_problems
from .strict import StrictModel, parse_model
from .yaml_io import read_yaml

__all__ = ["MAX_LAMBDA_T", "FaultTreeSpec", "HazardLog", "TreeEvent", "load_hazard_log"]

Acceptability = Literal["acceptable", "alarp", "unacceptable"]


class Level(StrictModel):
    id: int
    name: str = Field(min_length=1)
    description: str = ""
    band_per_year: tuple[float, float] | None = None  # harms per patient-year, [low, high)


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
    benefit_risk_justification: str | None = Field(default=None, min_length=1)


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


#: A standby (latent) failure found by a test every T hours is unavailable λT/2 on average;
#: the approximation needs λT ≪ 1, so a larger λT is refused (give p_per_demand instead).
MAX_LAMBDA_T = 0.2

EventKind = Literal["initiating", "conditional"]


class TreeEvent(StrictModel):
    """A basic event: an initiating event (a frequency per patient-year) or a conditional
    event (a probability per demand, or a control's failure probability on demand).

    Initiating: ``frequency_per_year``, or ``lambda_per_h`` with ``use_h_per_year`` (the
    hours of pump use per patient-year): f = λ·hours. Conditional: ``p_per_demand``;
    ``lambda_per_h`` with ``test_interval_h`` (a latent failure found by a test every T
    hours: mean unavailability λT/2); ``lambda_per_h`` with ``mission_time_h`` (fails
    during the t hours the demand lasts: 1 − e^(−λt)); or ``control: RC-…``. ``p`` is the
    old, ambiguous form: it is read only so that the loader can refuse it by name.
    """

    label: str = Field(min_length=1)
    frequency_per_year: float | None = None
    p_per_demand: float | None = None
    lambda_per_h: float | None = None
    use_h_per_year: float | None = None
    test_interval_h: float | None = None
    mission_time_h: float | None = None
    control: str | None = None
    sources: tuple[str, ...] = ()
    p: float | None = None  # refused: ambiguous between a frequency and a probability

    def forms(self) -> list[str]:
        """The quantification forms this event gives (exactly one is valid)."""
        out = []
        if self.frequency_per_year is not None:
            out.append("frequency_per_year")
        if self.lambda_per_h is not None:
            with_ = [n for n in ("use_h_per_year", "test_interval_h", "mission_time_h")
                     if getattr(self, n) is not None]
            out.append(" with ".join(["lambda_per_h", *with_]))
        else:
            out += [n for n in ("use_h_per_year", "test_interval_h", "mission_time_h")
                    if getattr(self, n) is not None]
        if self.p_per_demand is not None:
            out.append("p_per_demand")
        if self.control is not None:
            out.append("control")
        return out

    @property
    def kind(self) -> EventKind:
        return ("initiating" if self.frequency_per_year is not None
                or self.use_h_per_year is not None else "conditional")

    def frequency(self) -> float | None:
        """Events per patient-year of an initiating event (None for a conditional one)."""
        if self.frequency_per_year is not None:
            return self.frequency_per_year
        if self.lambda_per_h is not None and self.use_h_per_year is not None:
            return self.lambda_per_h * self.use_h_per_year
        return None

    def probability(self) -> float | None:
        """The probability per demand of a conditional event (None for a control event,
        whose probability comes from the control, and for an initiating event)."""
        if self.p_per_demand is not None:
            return self.p_per_demand
        if self.lambda_per_h is not None and self.test_interval_h is not None:
            return self.lambda_per_h * self.test_interval_h / 2.0
        if self.lambda_per_h is not None and self.mission_time_h is not None:
            return -math.expm1(-self.lambda_per_h * self.mission_time_h)
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
    tree_files: Mapping[str, str] = field(default_factory=dict)  # tree id → file, for errors

    def control(self, control_id: str) -> RiskControl:
        return next(c for c in self.risk_controls if c.id == control_id)

    def tree(self, tree_id: str) -> FaultTreeSpec:
        return next(t for t in self.fault_trees if t.id == tree_id)

    def probability_level(self, frequency_per_year: float) -> int:
        """The level whose band [low, high) holds a frequency of harm per patient-year (the
        last band is open above, so a frequency ≥ 1 per year is the top level)."""
        for level in self.probability_levels:
            assert level.band_per_year is not None
            low, high = level.band_per_year
            if low <= frequency_per_year < high:
                return level.id
        return self.probability_levels[-1].id

    def acceptable(self, severity: int, probability: int) -> str:
        return self.acceptability[severity][probability - 1]

    def severity_name(self, severity: int) -> str:
        """The scale's name of a severity level ("catastrophic" for 5); "" if undefined."""
        return next((level.name for level in self.severity_levels if level.id == severity), "")


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
        band = level.band_per_year
        if band is None or band[0] != previous_high or band[1] <= band[0]:
            problems.append(f"{display}: probability_levels[{level.id}].band_per_year: must "
                            f"start at {previous_high} and increase")
        else:
            previous_high = band[1]
    if previous_high != math.inf:
        problems.append(f"{display}: probability_levels[5].band_per_year: the top band must "
                        "be open above (.inf), so that no frequency of harm falls off the scale")
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


def _event_problems(where: str, event: TreeEvent, controls: set[str],
                    references: Mapping[str, Reference]) -> list[str]:
    """One basic event: exactly one quantification form, in range, with its sources."""
    if event.p is not None:
        return [f"{where}.p: ambiguous: give frequency_per_year (an initiating event, "
                "events per patient-year) or p_per_demand (a conditional event, probability "
                "per demand)"]
    forms = event.forms()
    valid = {"frequency_per_year", "p_per_demand", "control", "lambda_per_h with use_h_per_year",
             "lambda_per_h with test_interval_h", "lambda_per_h with mission_time_h"}
    if len(forms) != 1 or forms[0] not in valid:
        given = ", ".join(forms) or "none"
        return [f"{where}: give exactly one of frequency_per_year, lambda_per_h with "
                "use_h_per_year (initiating), p_per_demand, lambda_per_h with test_interval_h "
                f"or mission_time_h, control (conditional); got {given}"]
    problems = source_problems(where, event.sources, references)
    for name in ("frequency_per_year", "lambda_per_h", "use_h_per_year", "test_interval_h",
                 "mission_time_h"):
        value = getattr(event, name)
        if value is not None and not (value >= 0.0 and math.isfinite(value)):
            problems.append(f"{where}.{name}: must be a finite number ≥ 0, got {value}")
    if event.p_per_demand is not None and not 0.0 <= event.p_per_demand <= 1.0:
        problems.append(f"{where}.p_per_demand: a probability must be within [0, 1], got "
                        f"{event.p_per_demand}")
    if event.lambda_per_h is not None and event.test_interval_h is not None \
            and event.lambda_per_h * event.test_interval_h > MAX_LAMBDA_T:
        problems.append(f"{where}.test_interval_h: λT = "
                        f"{event.lambda_per_h * event.test_interval_h:g} > {MAX_LAMBDA_T}: the "
                        "mean unavailability λT/2 needs λT ≪ 1; give p_per_demand instead")
    if event.control is not None:
        if event.control not in controls:
            problems.append(f"{where}.control: no risk control '{event.control}'")
    elif not event.sources:
        problems.append(f"{where}.sources: a frequency or probability needs its sources")
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
        problems.extend(_event_problems(f"{display}: basic_events.{event_id}", event,
                                        controls, references))
    if not any(e.kind == "initiating" for e in tree.basic_events.values()):
        problems.append(f"{display}: basic_events: no initiating event (frequency_per_year), "
                        "so the top event has no frequency per patient-year")
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
    tree_files: dict[str, str] = {}
    tree_dir = spec_dir / "fault_trees"
    tree_paths = sorted(tree_dir.glob("*.yaml")) if tree_dir.is_dir() else []
    parsed_trees: list[tuple[str, FaultTreeSpec]] = []
    for tree_path in tree_paths:
        tree_display = f"{display_dir}/fault_trees/{tree_path.name}"
        tree = parse_model(FaultTreeSpec, tree_display, read_yaml(tree_path, tree_display))
        tree_files[tree.id] = tree_display
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
        tree_files=tree_files,
    )
