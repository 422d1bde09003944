"""``check --controller``: search an AID controller for violations of the C-… properties and
render the evidence (``pumpproof.evidence/1`` with a ``controller`` section), the JUnit
suite and one replayable input file per finding.

A property a controller cannot be asked about (it takes no such setting: oref0 has no max
bolus, PyLoopKit no max IOB) is ``unknown`` with the reason, never ``passed``.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pumpproof import __version__
from pumpproof.controllers import Controller
from pumpproof.controllers.interface import encode_command, encode_input
from pumpproof.controllers.properties import PROPERTIES, ControllerProperty, shift_time_zone
from pumpproof.engines.controller_search import Finding, SearchResult, search
from pumpproof.properties.verdicts import Method, MethodResult, Verdict, verdict_counts, worst
from pumpproof.spec import Spec

from .evidence import EVIDENCE_SCHEMA, _versions
from .junit import JUnitCase, JUnitSuite

__all__ = ["ControllerCheck", "check_controller", "controller_suite", "finding_file",
           "finding_json"]

FAILURE_FILE = "controller-inputs/controller-failure.json"


def finding_file(prop_id: str) -> str:
    return f"controller-inputs/{prop_id}.json"


@dataclass(frozen=True)
class ControllerCheck:
    """What a controller check found, with everything its files are rendered from."""

    spec_text: str  # what the user gave: oref0, pyloopkit, cmd:…
    name: str
    version: str
    supported: frozenset[str]
    budget_s: float
    seed: int
    seconds: float
    result: SearchResult

    @property
    def verdicts(self) -> dict[str, Verdict]:
        return {p.id: self.verdict(p) for p in PROPERTIES}

    def verdict(self, prop: ControllerProperty) -> Verdict:
        if prop.id in self.result.findings:
            return Verdict.VIOLATED
        if not self.applies(prop) or not self.result.triggers.get(prop.id):
            return Verdict.UNKNOWN
        return Verdict.PASSED

    def applies(self, prop: ControllerProperty) -> bool:
        return all(name in self.supported for name in prop.needs)

    @property
    def violated(self) -> list[str]:
        return [p.id for p in PROPERTIES if p.id in self.result.findings]


def check_controller(controller: Controller, spec_text: str, budget_s: float, seed: int,
                     progress: Callable[[str], None] = lambda _: None) -> ControllerCheck:
    start = time.monotonic()
    result = search(controller, budget_s, seed, progress)
    return ControllerCheck(spec_text, controller.name, controller.version,
                           controller.supported, budget_s, seed,
                           time.monotonic() - start, result)


def finding_json(check: ControllerCheck, finding: Finding) -> dict[str, Any]:
    """A finding's file: the exact input that reproduces it (and the shifted one for
    C-TZ-INVARIANT), the command, the sentence; ``pumpproof controllers decide`` replays it."""
    out: dict[str, Any] = {
        "property": finding.prop_id,
        "controller": check.spec_text,
        "problem": finding.problem,
        "input": encode_input(finding.case.input),
        "command": encode_command(finding.command),
        "shrunk": finding.shrunk,
    }
    if finding.prop_id == "C-TZ-INVARIANT":
        out["shift_min"] = finding.case.shift_min
        out["shifted_input"] = encode_input(shift_time_zone(finding.case.input,
                                                            finding.case.shift_min))
    return out


def _result(check: ControllerCheck, prop: ControllerProperty) -> MethodResult:
    r = check.result
    triggers = r.triggers.get(prop.id, 0)
    if not check.applies(prop):
        detail = (f"not applicable: {check.name} takes no "
                  f"{', '.join(n for n in prop.needs if n not in check.supported)}")
        return MethodResult(Method.FUZZ, Verdict.UNKNOWN, examples=0, triggers=0, detail=detail)
    finding = r.findings.get(prop.id)
    if finding is not None:
        how = "shrunk" if finding.shrunk else "not fully shrunk: the budget ran out"
        return MethodResult(Method.FUZZ, Verdict.VIOLATED, examples=r.examples,
                            triggers=triggers, detail=f"{finding.problem} ({how}; input: "
                            f"{finding_file(prop.id)})")
    verdict = Verdict.PASSED if triggers else Verdict.UNKNOWN
    detail = "no violation found" if triggers else "vacuous: the trigger never happened"
    return MethodResult(Method.FUZZ, verdict, examples=r.examples, triggers=triggers,
                        detail=detail)


def controller_evidence(spec: Spec, check: ControllerCheck) -> dict[str, Any]:
    """evidence.json for a controller check (schema ``pumpproof.evidence/1``)."""
    properties = []
    verdicts = []
    for prop in PROPERTIES:
        result = _result(check, prop)
        verdicts.append(result.verdict)
        entry = result.to_json()
        if prop.id in check.result.findings:
            entry["counterexample"] = finding_file(prop.id)
        properties.append({
            "id": prop.id, "title": prop.title, "requirements": list(prop.requirements),
            "trigger": prop.trigger, "triggers": result.triggers,
            "vacuous": result.triggers == 0, "results": [entry],
            "verdict": result.verdict.value,
        })
    r = check.result
    degraded = [f"{p['id']}: vacuous (its trigger never happened)" for p in properties
                if p["vacuous"] and applicable_by_id(check, str(p["id"]))]
    out: dict[str, Any] = {
        "schema": EVIDENCE_SCHEMA,
        "tool": {"name": "pumpproof", "version": __version__,
                 "python": platform.python_version(), "dependencies": _versions()},
        "spec": {"name": spec.name, "files": dict(spec.file_hashes)},
        "seed": check.seed,
        "profile": "controller",
        "summary": {v.value: n for v, n in verdict_counts(verdicts).items()},
        "verdict": worst(verdicts).value,
        "properties": properties,
        "controller": {
            "name": check.spec_text,
            "controller": check.name,
            "version": check.version,
            "supported_settings": sorted(check.supported),
            "budget_s": check.budget_s,
            "budget_exhausted": r.budget_exhausted,
            "examples": r.examples,
            "decisions": r.decisions,
            "refusals": r.refusals,
            "refusal_examples": list(r.refusal_examples),
            "failure": None if r.failure is None else {"message": r.failure,
                                                       "input": FAILURE_FILE},
            "findings": {f.prop_id: finding_json(check, f)
                         for f in sorted(r.findings.values(), key=lambda f: f.prop_id)},
        },
    }
    if degraded:
        out["degraded"] = degraded
    return out


def applicable_by_id(check: ControllerCheck, prop_id: str) -> bool:
    return check.applies(next(p for p in PROPERTIES if p.id == prop_id))


def controller_suite(check: ControllerCheck) -> JUnitSuite:
    """One JUnit testcase per property; a controller failure is one more."""
    cases = []
    for prop in PROPERTIES:
        name = f"{prop.id} {prop.title}"
        finding = check.result.findings.get(prop.id)
        if finding is not None:
            cases.append(JUnitCase(check.spec_text, name, "failure", finding.problem,
                                   f"input: {finding_file(prop.id)}"))
        elif check.verdict(prop) is Verdict.UNKNOWN:
            cases.append(JUnitCase(check.spec_text, name, "skipped",
                                   _result(check, prop).detail))
        else:
            cases.append(JUnitCase(check.spec_text, name))
    if check.result.failure is not None:
        cases.append(JUnitCase(check.spec_text, "controller failure", "failure",
                               check.result.failure))
    return JUnitSuite(f"pumpproof controller {check.spec_text}", tuple(cases))
