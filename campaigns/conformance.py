"""The conformance kit: one quick, named scenario per documented rule of target protocol v1.

``pumpproof conformance --target T`` is the first thing a firmware team runs while bringing
up its adapter: short sessions whose every expected answer field is written down from
docs/protocol.md (not computed by the reference model), each citing the rule it checks, so a
failure says *which rule* and *which answer* — long before fuzzing and properties make sense.

A scenario runs on a fresh target through the ordinary transport (a process per scenario
for ``cmd:`` targets): a crash, a hang, garbage or an answer that breaks answer.schema.json is
a failure of that scenario, never of pumpproof. Everything is deterministic.

Expectations are deliberately loose where the protocol allows freedom: IOB is never compared
(S20 lets a pump over-count), ``x_`` alarms are ignored (S14) and an occlusion may be detected
earlier (R5). Refusal reasons are compared exactly, which is stricter than ``check`` (it
compares only ``accepted``, S17) but fair: at every refusal of the scenarios exactly one reason
of §8 applies, and the rule names it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.errors import AnswerError, TargetFailure
from pumpproof.pump_model.jsonschemas import answer_problems
from pumpproof.pump_model.protocol import observation_from_json
from pumpproof.spec import Spec, settings_problems
from pumpproof.targets import Target, make_target

from .conformance_scenarios import KIT_SETTINGS, SCENARIOS, Scenario, Step

__all__ = [
    "KIT_SETTINGS",
    "SCENARIOS",
    "ConformanceResult",
    "Mismatch",
    "Scenario",
    "ScenarioResult",
    "Step",
    "run_conformance",
    "run_scenario",
]

PROTOCOL_DOC = "docs/protocol.md"


@dataclass(frozen=True)
class Mismatch:
    """The first answer of a scenario that is not what the rule says."""

    step: int  # 1-based request of the scenario (its configure is request 1)
    request: Any
    expected: dict[str, Any]
    got: Any
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "request": self.request, "expected": self.expected,
                "got": self.got, "message": self.message}


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    status: str  # "pass", "fail" or "skip" (the spec's hard ranges refuse its settings)
    mismatch: Mismatch | None = None
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"{PROTOCOL_DOC}#{self.scenario.anchor}"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.scenario.rule, "scenario": self.scenario.name,
                "title": self.scenario.title, "anchor": self.anchor, "status": self.status,
                "mismatch": self.mismatch.to_json() if self.mismatch else None,
                "note": self.note}


@dataclass(frozen=True)
class ConformanceResult:
    target: str
    results: tuple[ScenarioResult, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if r.status == "fail"]

    @property
    def failed_rules(self) -> list[str]:
        return sorted({r.scenario.rule for r in self.failed})

    def to_json(self) -> dict[str, Any]:
        counts = {status: sum(r.status == status for r in self.results)
                  for status in ("pass", "fail", "skip")}
        return {"format": "pumpproof.conformance/1", "target": self.target,
                "protocol_doc": PROTOCOL_DOC, **counts, "failed_rules": self.failed_rules,
                "scenarios": [r.to_json() for r in self.results]}


def _compare(step: Step, answer: Any) -> str | None:
    """Why ``answer`` is not what the step expects (None when it is)."""
    if not isinstance(answer, dict):
        return "the answer is not a JSON object"
    for name, want in step.fields.items():
        got = answer.get(name, "<missing>")
        if name == "alarms" and isinstance(got, list):
            got = [a for a in got if not str(a).startswith("x_")]
        if got != want or type(got) is not type(want):
            return f"{name}: expected {want!r}, got {got!r}"
    for name, prefix in step.prefix.items():
        got = answer.get(name)
        if not (isinstance(got, str) and got.startswith(prefix)):
            return f"{name}: expected a string starting {prefix!r}, got {got!r}"
    for name, limit in step.at_most.items():
        got = answer.get(name)
        if not isinstance(got, int) or got > limit:
            return f"{name}: expected at most {limit!r}, got {got!r}"
    alarms = answer.get("alarms")
    if step.has or step.lacks:
        if not isinstance(alarms, list):
            return f"alarms: expected a list, got {alarms!r}"
        missing = [a for a in step.has if a not in alarms]
        if missing:
            return f"alarms: expected {', '.join(missing)} active, got {alarms!r}"
        extra = [a for a in step.lacks if a in alarms]
        if extra:
            return f"alarms: expected {', '.join(extra)} not active, got {alarms!r}"
    return None


def _protocol_problem(request: Any, answer: Any, configured: bool) -> str | None:
    """What breaks the protocol itself in an answer (schema, sortedness), if anything."""
    problems = answer_problems(answer)
    if problems:
        return "breaks answer.schema.json: " + "; ".join(problems)
    op = request.get("op") if isinstance(request, dict) else None
    if configured and op in ("tick", "event"):
        try:
            observation_from_json(answer)
        except AnswerError as exc:
            return f"breaks the protocol: {exc}"
    return None


def run_scenario(scenario: Scenario, open_target: Callable[[], Target],
                 spec: Spec) -> ScenarioResult:
    """Run one scenario on a fresh target; every misbehaviour becomes its failure."""
    settings = {**KIT_SETTINGS, **scenario.settings}
    problems = settings_problems(settings, spec.ranges)
    if problems:
        reasons = "; ".join(f"{item}: {problem}" for item, problem in problems)
        return ScenarioResult(scenario, "skip", note=f"the spec refuses its settings: {reasons}")
    steps = list(scenario.steps)
    if scenario.configure:
        steps.insert(0, Step({"op": "configure", "settings": settings},
                             {"ok": True, "protocol": 1}))
    configured = False
    index, request = 0, None
    target: Target | None = None
    try:
        target = open_target()
        for index, step in enumerate(steps, start=1):
            request = step.request
            answer = target.send(request)
            problem = _protocol_problem(request, answer, configured)
            if problem is None:
                problem = _compare(step, answer)
            if problem is not None:
                return ScenarioResult(scenario, "fail",
                                      Mismatch(index, request, step.expected, answer, problem))
            if isinstance(request, dict) and request.get("op") == "configure":
                configured = configured or answer.get("ok") is True
    except TargetFailure as exc:
        message = f"target failure: {exc}"
        if exc.stderr.strip():
            message += f" (stderr: {exc.stderr.strip()[-300:]})"
        expected = steps[index - 1].expected if index else {}
        return ScenarioResult(scenario, "fail",
                              Mismatch(index, request, expected, None, message))
    finally:
        if target is not None:
            target.close()
    return ScenarioResult(scenario, "pass")


def run_conformance(spec: Spec, target: str, timeout_s: float = 5.0,
                    scenarios: Sequence[Scenario] = SCENARIOS,
                    progress: Callable[[str], None] | None = None) -> ConformanceResult:
    """Every scenario, in order, each on a fresh target made from ``target``.

    A target that cannot start at all raises :class:`TargetFailure` before any scenario (the
    caller decides whether that is bad input); a later failure to start fails its scenario.
    """
    make_target(target, spec, timeout_s).close()  # cannot start at all: raises, bad input
    results = []
    for number, scenario in enumerate(scenarios, start=1):
        if progress is not None:
            progress(f"{number}/{len(scenarios)} {scenario.rule} {scenario.name}")
        results.append(run_scenario(scenario, _opener(target, spec, timeout_s), spec))
    return ConformanceResult(target, tuple(results))


def _opener(target: str, spec: Spec, timeout_s: float) -> Callable[[], Target]:
    return lambda: make_target(target, spec, timeout_s)
