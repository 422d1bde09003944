"""Search a controller for violations of the C-… properties: directed cases first, then one
Hypothesis search per property, each shrinking its counterexample to a minimal input.

Every property judges every decision (so triggers are counted everywhere); a property's own
search then raises only on its violation, so Hypothesis shrinks that one. Runs are
deterministic for a seed unless the budget cuts them short: the budget is a deadline on
the wall clock, split between the properties still searching; when it passes, a private
``BaseException`` (which Hypothesis neither counts as a failure nor shrinks) unwinds the run
and the smallest failing input seen so far is kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from pumpproof.controllers import Controller
from pumpproof.controllers.interface import Command, ControllerInput, encode_input
from pumpproof.controllers.properties import PROPERTIES, Case, ControllerProperty
from pumpproof.errors import TargetFailure

from .controller_cases import cases, directed_cases
from .draws import seed_only_draws

__all__ = ["Finding", "SearchResult", "applicable", "search"]


@dataclass(frozen=True)
class Finding:
    """A property's violation: the (shrunk) case, the command, and the sentence."""

    prop_id: str
    case: Case
    command: Command
    problem: str
    shrunk: bool  # False: the budget ran out first; this is the smallest seen


@dataclass
class SearchResult:
    examples: int = 0
    decisions: int = 0
    refusals: int = 0
    refusal_examples: list[str] = field(default_factory=list)
    triggers: dict[str, int] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    failure: str | None = None
    failure_case: Case | None = None
    budget_exhausted: bool = False


class _OutOfTime(BaseException):
    """The budget ran out: unwinds Hypothesis without being a failure it shrinks."""


class _Violated(Exception):
    pass


def applicable(prop: ControllerProperty, controller: Controller) -> bool:
    return all(name in controller.supported for name in prop.needs)


def _size(case: Case) -> int:
    return len(json.dumps(encode_input(case.input)))


class _Session:
    """Asks the controller, judges, counts."""

    def __init__(self, controller: Controller, result: SearchResult) -> None:
        self.controller = controller
        self.result = result
        self.deadline = float("inf")
        self.current: Case | None = None

    def decide(self, i: ControllerInput) -> Command:
        if time.monotonic() > self.deadline:
            raise _OutOfTime
        self.result.decisions += 1
        command = self.controller.decide(i)
        if command.refused is not None:
            self.result.refusals += 1
            if len(self.result.refusal_examples) < 5 and \
                    command.refused not in self.result.refusal_examples:
                self.result.refusal_examples.append(command.refused)
        return command

    def judge(self, case: Case, props: list[ControllerProperty]) -> dict[str, tuple[Command, str]]:
        """Every property's verdict on one case: the violated ones with their sentence."""
        self.result.examples += 1
        self.current = case
        command = self.decide(case.input)
        violated = {}
        for prop in props:
            judgement = prop.judge(case, command, self.decide, self.controller.supported)
            if judgement.triggered:
                self.result.triggers[prop.id] = self.result.triggers.get(prop.id, 0) + 1
            if judgement.problem is not None:
                violated[prop.id] = (command, judgement.problem)
        return violated

    def record(self, case: Case, violated: dict[str, tuple[Command, str]], shrunk: bool) -> None:
        for prop_id, (command, problem) in violated.items():
            old = self.result.findings.get(prop_id)
            if old is None or (not old.shrunk and (shrunk or _size(case) < _size(old.case))):
                self.result.findings[prop_id] = Finding(prop_id, case, command, problem, shrunk)


def _hypothesis(session: _Session, prop: ControllerProperty, props: list[ControllerProperty],
                seed: int, max_examples: int) -> None:
    seen: list[tuple[Case, dict[str, tuple[Command, str]]]] = []

    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              phases=(Phase.generate, Phase.shrink), print_blob=False)
    @hypothesis_seed(seed)
    @given(cases(session.controller.supported))
    def run(case: Case) -> None:
        violated = session.judge(case, props)
        others = {k: v for k, v in violated.items() if k != prop.id}
        session.record(case, others, shrunk=False)
        if prop.id in violated:
            seen.append((case, {prop.id: violated[prop.id]}))
            raise _Violated(prop.id)

    try:
        with seed_only_draws():
            run()
    except _Violated:
        case, violated = seen[-1]  # Hypothesis replays the minimal example last
        session.record(case, violated, shrunk=True)
    except _OutOfTime:
        session.result.budget_exhausted = True
        if seen:
            case, violated = min(seen, key=lambda s: _size(s[0]))
            session.record(case, violated, shrunk=False)
        raise


def _smaller(case: Case) -> list[Case]:
    """Candidate simplifications of a case, biggest cuts first."""
    i, s = case.input, case.input.settings
    out: list[Case] = []
    for name in ("glucose", "boluses", "temp_basals", "carbs"):
        items = getattr(i, name)
        if len(items) > 1:
            out.append(replace(case, input=replace(i, **{name: items[len(items) // 2:]})))
        out.extend(replace(case, input=replace(i, **{name: items[:k] + items[k + 1:]}))
                   for k in range(len(items)))
    for name in ("basal_schedule", "isf_schedule", "carb_ratio_schedule", "target_schedule"):
        rows = getattr(s, name)
        for k in range(1, len(rows)):
            out.append(replace(case, input=replace(i, settings=replace(
                s, **{name: rows[:k] + rows[k + 1:]}))))
    return out


def _minimize(session: _Session, prop: ControllerProperty, props: list[ControllerProperty],
              finding: Finding) -> None:
    """Greedy shrinking of a finding Hypothesis did not shrink (found while searching for
    another property): drop readings, doses and schedule segments while it still fails."""
    case = finding.case
    progress = True
    while progress:
        progress = False
        for candidate in _smaller(case):
            violated = session.judge(candidate, [prop])
            if prop.id in violated:
                case = candidate
                session.result.findings[prop.id] = Finding(prop.id, case, *violated[prop.id],
                                                           shrunk=False)
                progress = True
                break


def search(controller: Controller, budget_s: float, seed: int,
           progress: Callable[[str], None] = lambda _: None,
           max_examples: int = 200, only: frozenset[str] | None = None) -> SearchResult:
    """Directed cases, then a shrinking search per applicable property (``only`` these, if
    given), within the budget."""
    result = SearchResult()
    session = _Session(controller, result)
    start = time.monotonic()
    session.deadline = start + budget_s
    props = [p for p in PROPERTIES if applicable(p, controller)
             and (only is None or p.id in only)]
    try:
        progress(f"directed cases on {controller.name}")
        for case in directed_cases(controller.supported):
            # A directed case is small by construction: its finding is final.
            session.record(case, session.judge(case, props), shrunk=True)
        for index, prop in enumerate(props):
            if prop.id in result.findings and result.findings[prop.id].shrunk:
                continue
            remaining = start + budget_s - time.monotonic()
            if remaining <= 0:
                result.budget_exhausted = True
                break
            session.deadline = time.monotonic() + remaining / (len(props) - index)
            progress(f"searching {prop.id} on {controller.name}")
            try:
                _hypothesis(session, prop, props, seed + index, max_examples)
            except _OutOfTime:
                continue
        for prop in props:
            finding = result.findings.get(prop.id)
            if finding is not None and not finding.shrunk:
                progress(f"shrinking {prop.id} on {controller.name}")
                session.deadline = start + budget_s
                _minimize(session, prop, props, finding)
                result.findings[prop.id] = replace(result.findings[prop.id], shrunk=True)
    except _OutOfTime:
        result.budget_exhausted = True
    except TargetFailure as exc:
        result.failure = str(exc)
        result.failure_case = session.current
    return result
