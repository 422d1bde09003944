"""Property-based fuzzing: a Hypothesis state machine drives a target over the protocol.

Rules cover every request kind, faults, clock changes, restarts, replayed ids, bad
values, malformed events and runs of ticks; every property's observer is a runtime
monitor and the machine's invariant is that none is violated. Hypothesis shrinks a
failure to a minimal trace, which is returned as replayable protocol requests.

Runs are deterministic for a given seed (Hypothesis' public ``@seed`` on the machine, no
example database, no per-example deadline). The ``ci`` profile takes seconds; ``thorough``
explores far more.

**A wall-clock deadline** (``deadline``, a :func:`time.monotonic` instant) bounds a campaign,
shrinking included: Hypothesis' settings have none, so every example and every request
checks it, and once it has passed a private :class:`_OutOfTime` (a ``BaseException``, which
Hypothesis neither counts as a failure nor shrinks) unwinds the run. Each failing example
Hypothesis tries is recorded as it happens, so the best (fewest requests) trace found so far
is the result; :attr:`FuzzOutcome.cut_short` names the findings whose shrinking was cut.
A run that ends before its deadline never looks at the clock's value otherwise, so it is
exactly the run it would be without one.

A violation the observers find (:class:`PropertyViolation`) and a failing target
(:class:`TargetFailure`) are findings; any other exception while fuzzing is a bug in
pumpproof and is raised as :class:`InternalError`, never blamed on the target.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pumpproof.errors import Finding, InternalError, PropertyViolation, TargetFailure
from pumpproof.properties.observer import Property
from pumpproof.pump_model import ALARMS, FAULTS, Params, ReferencePump
from pumpproof.spec import MAX_SCHEDULE_SEGMENTS, Spec
from pumpproof.spec.settings import MINUTES_PER_DAY
from pumpproof.targets import Target

from .draws import seed_only_draws
from .gc_pause import fewer_collections
from .scenarios import directed_scenarios
from .session import ConformanceDiff, Session

__all__ = ["PROFILES", "TARGET_FAILURE", "FuzzOutcome", "FuzzProfile", "fuzz",
           "merge_outcomes"]


@dataclass(frozen=True)
class FuzzProfile:
    examples: int
    steps: int  # rules per example
    max_tick_run: int


PROFILES: dict[str, FuzzProfile] = {
    "ci": FuzzProfile(examples=60, steps=60, max_tick_run=240),
    "thorough": FuzzProfile(examples=1500, steps=200, max_tick_run=1500),
}


@dataclass
class FuzzOutcome:
    """What one fuzz campaign found: violations with shrunk traces, trigger counts."""

    examples: int = 0
    requests: int = 0
    triggers: dict[str, int] = field(default_factory=dict)
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    target_failure: str | None = None
    target_trace: list[dict[str, Any]] | None = None
    target_stderr: str = ""
    conformance: list[ConformanceDiff] = field(default_factory=list)
    seconds: float = 0.0
    # The deadline passed before the campaign finished (scenarios or examples left undone).
    budget_exhausted: bool = False
    scenarios_cut_short: bool = False  # ... before every directed scenario had run
    # Findings (property ids, and TARGET_FAILURE) whose trace is the best found before the
    # deadline: shrinking was cut short.
    cut_short: set[str] = field(default_factory=set)


TARGET_FAILURE = "target-failure"  # the target failure's key in :attr:`FuzzOutcome.cut_short`


class _OutOfTime(BaseException):
    """The deadline passed: unwinds Hypothesis without being a failure it would shrink."""


@dataclass
class _Clock:
    """The campaign's deadline, and the best failing traces seen while Hypothesis runs."""

    deadline: float | None
    fired: bool = False
    best: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failure: tuple[str, str] | None = None  # (message, stderr) of the best target failure

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def check(self) -> None:
        if self.expired():
            self.fired = True
            raise _OutOfTime

    def keep(self, key: str, trace: list[dict[str, Any]]) -> bool:
        """Record ``trace`` for ``key`` if it is the shortest (then smallest) so far."""
        old = self.best.get(key)
        if old is None or _shorter_key(trace) < _shorter_key(old):
            self.best[key] = list(trace)
            return True
        return False


def _shorter_key(trace: list[dict[str, Any]]) -> tuple[int, str]:
    return len(trace), json.dumps(trace, sort_keys=True)


def _start(make_target: Callable[[], Target]) -> Target:
    return make_target()


def _schedules(rates: st.SearchStrategy[int]) -> st.SearchStrategy[list[list[int]]]:
    """Basal schedules over the whole protocol domain: two thirds of any length (1 to 49
    segments, any starts), a third at the edge, 48 segments (the most a pump must take)
    or 49 (one too many: it must refuse), evenly spaced from a drawn offset (three draws,
    where 48 random segments take about a hundred). Without the edge ones a schedule
    longer than about 40 segments is practically never drawn. A schedule of any length
    is a first rate and (start, rate) pairs with distinct starts, sorted (no ``flatmap``)."""
    most = MAX_SCHEDULE_SEGMENTS
    later = st.lists(st.tuples(st.integers(1, MINUTES_PER_DAY - 1), rates), max_size=most,
                     unique_by=lambda pair: pair[0])
    spacing = (MINUTES_PER_DAY - 1) // (most + 1)
    edge = st.builds(lambda count, offset, rate: [(offset + i * spacing, rate)
                                                  for i in range(count)],
                     st.sampled_from([most - 1, most]), st.integers(1, spacing), rates)
    return st.tuples(rates, st.one_of(later, later, edge)).map(
        lambda drawn: [[0, drawn[0]], *([start, rate] for start, rate in sorted(drawn[1]))])


def _make_machine(
    spec: Spec,
    params: Params,
    properties: Sequence[Property],
    make_target: Callable[[], Target],
    profile: FuzzProfile,
    outcome: FuzzOutcome,
    last_trace: list[list[dict[str, Any]]],
    sessions: list[Session],
    make_reference: Callable[[], ReferencePump] | None,
    clock: _Clock,
) -> type[RuleBasedStateMachine]:
    s = params.settings
    pulse = s.pulse_mU
    amounts = st.one_of(
        st.integers(1, s.max_bolus_mU // pulse + 2).map(lambda n: n * pulse),
        st.sampled_from([s.max_bolus_mU, s.max_bolus_mU + pulse, s.max_bolus_mU - pulse]),
        st.integers(-pulse, s.max_bolus_mU + 3 * pulse),  # ragged and negative values
    )
    rates = st.one_of(
        st.integers(0, s.max_basal_rate_mU_per_h + 500),
        st.sampled_from([0, s.max_basal_rate_mU_per_h, s.max_basal_rate_mU_per_h + 1]),
    )
    sources = st.sampled_from(["user", "auto"])
    schedules = _schedules(rates)
    glucose = st.one_of(
        st.integers(40, 400),
        st.sampled_from([s.lgs_threshold_mg_dL, s.lgs_threshold_mg_dL + 1]),
    )

    class PumpMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            clock.check()
            self.ids = 0
            self.session = Session(params, properties, _start(make_target),
                                   make_reference() if make_reference else None)
            self.monitor = self.session.monitor
            self.trace = self.session.trace
            last_trace.append(self.trace)
            sessions.append(self.session)
            outcome.examples += 1
            self._guarded(self.session.configure)

        def teardown(self) -> None:
            self.session.target.close()

        def _guarded(self, action: Callable[[], None]) -> None:
            """``action``; a target failure is kept as a candidate for the best trace."""
            try:
                action()
            except TargetFailure as exc:
                if clock.keep(TARGET_FAILURE, self.trace):
                    clock.failure = (str(exc).splitlines()[0][:500], exc.stderr)
                raise

        def _send(self, message: dict[str, Any]) -> None:
            clock.check()
            outcome.requests += 1
            self._guarded(lambda: self.session.send(message))

        def _ticks(self, n: int) -> None:
            clock.check()
            outcome.requests += n
            self._guarded(lambda: self.session.send_batch([{"op": "tick"}] * n))

        def _event(self, **event: Any) -> None:
            self._send({"op": "event", "event": event})

        def _id(self, reuse: bool) -> str:
            if reuse and self.ids:
                return f"id-{self.ids - 1}"
            self.ids += 1
            return f"id-{self.ids - 1}"

        @rule(n=st.integers(1, 30))
        def ticks(self, n: int) -> None:
            self._ticks(n)

        @rule(n=st.integers(31, profile.max_tick_run))
        def long_ticks(self, n: int) -> None:
            self._ticks(n)

        @rule(
            amount=amounts,
            extended=st.sampled_from([0, 0, 0, pulse, 10 * pulse, 3 * pulse + 1]),
            extended_min=st.sampled_from([0, 1, 30, 120]),
            source=sources,
            reuse=st.booleans(),
        )
        def bolus(self, amount: int, extended: int, extended_min: int, source: str,
                  reuse: bool) -> None:
            self._event(kind="bolus", amount_mU=amount, extended_mU=extended,
                        extended_min=extended_min, source=source, id=self._id(reuse))

        @rule(rate=rates, duration=st.sampled_from([1, 30, 120, 600]), source=sources,
              reuse=st.booleans())
        def temp_basal(self, rate: int, duration: int, source: str, reuse: bool) -> None:
            self._event(kind="temp_basal", rate_mU_per_h=rate, duration_min=duration,
                        source=source, id=self._id(reuse))

        @rule(kind=st.sampled_from(["cancel_bolus", "cancel_temp_basal", "restart"]))
        def plain(self, kind: str) -> None:
            self._event(kind=kind)

        @rule(schedule=schedules)
        def schedule(self, schedule: list[list[int]]) -> None:
            self._event(kind="set_basal_schedule", basal_schedule=schedule)

        @rule(kind=st.sampled_from(["suspend", "resume"]), source=sources)
        def suspend_resume(self, kind: str, source: str) -> None:
            self._event(kind=kind, source=source)

        @rule(value=glucose)
        def cgm(self, value: int) -> None:
            self._event(kind="cgm", glucose_mg_dL=value)

        @rule(offset=st.integers(-1440, 1440))
        def clock(self, offset: int) -> None:
            self._event(kind="set_clock", offset_min=offset)

        @rule(amount=st.sampled_from(
            [s.reservoir_capacity_mU, s.reservoir_capacity_mU + pulse, 2 * pulse, pulse + 1, 0]
        ))
        def fill(self, amount: int) -> None:
            self._event(kind="fill", reservoir_mU=amount)

        @rule(code=st.sampled_from(ALARMS))
        def ack(self, code: str) -> None:
            self._event(kind="ack_alarm", code=code)

        @rule(fault=st.sampled_from(FAULTS))
        def fault(self, fault: str) -> None:
            self._event(kind="fault", fault=fault)

        @rule(event=st.sampled_from([
            {"kind": "bolus"},
            {"kind": "bolus", "amount_mU": "500", "source": "user", "id": "x"},
            {"kind": "bolus", "amount_mU": 500.0, "source": "user", "id": "x"},
            {"kind": "temp_basal", "rate_mU_per_h": True, "duration_min": 30,
             "source": "user", "id": "y"},
            {"kind": "warp_drive"},
            {"kind": "cgm", "glucose_mg_dL": None},
            {"kind": "suspend", "source": "robot"},
            {"kind": "fault", "fault": "meteor"},
        ]))
        def malformed(self, event: dict[str, Any]) -> None:
            self._event(**event)

        @invariant()
        def observers_hold(self) -> None:
            violated = self.monitor.violated
            if violated:
                for run in violated:
                    clock.keep(run.prop.id, self.trace)
                raise PropertyViolation([run.prop.id for run in violated])

    return PumpMachine


# Scenario requests go out in pipelined batches of this many (a subprocess target answers
# a batch in one round trip); the deadline is checked between batches.
_SCENARIO_BATCH = 64


def _run_scenarios(
    params: Params,
    properties: Sequence[Property],
    make_target: Callable[[], Target],
    outcome: FuzzOutcome,
    make_reference: Callable[[], ReferencePump] | None,
    clock: _Clock | None = None,
) -> None:
    """The directed scenarios, each on a fresh target, every observer watching (until the
    clock's deadline, if any, passes: then ``outcome.budget_exhausted``).

    Shortest first: a budget that runs out during the scenarios has then run the most of
    them (each limit's own short scenario before the day-long ones), and a property broken
    by several gets the shortest trace.
    """
    clock = clock or _Clock(None)
    scenarios = directed_scenarios(params.settings)
    for _, trace in sorted(scenarios.items(), key=lambda item: (len(item[1]), item[0])):
        if clock.expired():
            outcome.budget_exhausted = outcome.scenarios_cut_short = True
            return
        session: Session | None = None
        try:
            session = Session(params, properties, _start(make_target),
                              make_reference() if make_reference else None)
            session.configure()
            for start in range(0, len(trace), _SCENARIO_BATCH):
                if clock.expired():
                    outcome.budget_exhausted = outcome.scenarios_cut_short = True
                    break
                batch = trace[start:start + _SCENARIO_BATCH]
                outcome.requests += len(batch)
                session.send_batch(batch)
                for run in session.monitor.violated:  # the trace up to the violating request
                    assert run.violation_at is not None
                    outcome.violations.setdefault(
                        run.prop.id, session.trace[:run.violation_at + 2])
        except TargetFailure as exc:
            if outcome.target_failure is None:
                outcome.target_failure = str(exc)
                outcome.target_trace = list(session.trace) if session else []
                outcome.target_stderr = exc.stderr
        except Finding:
            raise
        except Exception as exc:  # a bug of pumpproof, not of the target
            raise InternalError(f"while running scenarios: {type(exc).__name__}: {exc}") from exc
        finally:
            if session is not None:
                session.target.close()
        outcome.examples += 1
        if session is not None:
            _collect(outcome, session)


def _finding(exc: Exception) -> Exception:
    """``exc`` when it is a finding (or a group of findings); else an :class:`InternalError`.

    Hypothesis re-raises the shrunk failure itself, or a group of them (e.g. a failure
    that does not reproduce on the target); only observers and targets raise findings.
    """
    if isinstance(exc, Finding):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        _, rest = exc.split(Finding)
        if rest is None:
            return exc
    raise InternalError(f"while fuzzing: {type(exc).__name__}: {exc}") from exc


def _expected_when_cut(exc: BaseException) -> None:
    """After the deadline, only the stop itself, findings, and Hypothesis' report that a
    replay stopped early (``Flaky``: the stop's doing) are expected; anything else is a bug
    of pumpproof and is raised as an :class:`InternalError`."""
    expected = (_OutOfTime, Finding, Flaky)
    if isinstance(exc, expected):
        return
    if isinstance(exc, BaseExceptionGroup):
        _, rest = exc.split(expected)
        if rest is None:
            return
    raise InternalError(f"while fuzzing: {type(exc).__name__}: {exc}") from exc


def _collect(outcome: FuzzOutcome, session: Session) -> None:
    for run in session.monitor.runs:
        outcome.triggers[run.prop.id] += run.triggers
    room = 20 - len(outcome.conformance)
    outcome.conformance.extend(session.diffs[:max(room, 0)])


@fewer_collections()  # a context manager, here around each call
def fuzz(
    spec: Spec,
    params: Params,
    properties: Sequence[Property],
    make_target: Callable[[], Target],
    profile: FuzzProfile,
    seed: int,
    make_reference: Callable[[], ReferencePump] | None = None,
    scenarios: bool = True,
    deadline: float | None = None,
) -> FuzzOutcome:
    """Directed scenarios, then Hypothesis; each violated property gets a shrunk trace.

    With ``make_reference``, a reference pump runs in lockstep and differences are
    recorded as conformance findings. A target failure (crash, hang, malformed answer)
    ends the campaign with its shrunk trace. With ``deadline`` (a :func:`time.monotonic`
    instant) the campaign stops there, shrinking included, and keeps the best traces so far.
    """
    started = time.perf_counter()
    outcome = FuzzOutcome(triggers={p.id: 0 for p in properties})
    clock = _Clock(deadline)
    if scenarios:
        _run_scenarios(params, properties, make_target, outcome, make_reference, clock)
    active = [p for p in properties if p.id not in outcome.violations]
    settings = hypothesis_settings(
        max_examples=profile.examples,
        stateful_step_count=profile.steps,
        deadline=None,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    while active and outcome.target_failure is None and not outcome.budget_exhausted:
        last_trace: list[list[dict[str, Any]]] = []
        sessions: list[Session] = []
        clock.best.clear()
        machine = _make_machine(spec, params, active, make_target, profile, outcome, last_trace,
                                sessions, make_reference, clock)
        # Hypothesis' public ``@seed`` on the machine fixes the run; no example database.
        seeded = hypothesis_seed(seed)(machine)
        failure: BaseException | None = None
        try:
            with seed_only_draws():
                run_state_machine_as_test(seeded, settings=settings)
        except BaseException as exc:
            if clock.fired:
                _expected_when_cut(exc)
            elif isinstance(exc, Exception):
                failure = _finding(exc)
            else:
                raise  # KeyboardInterrupt and the like
        for session in sessions:
            _collect(outcome, session)
        if clock.fired:
            _keep_best(outcome, clock, {p.id for p in active})
            break
        if failure is None:
            break
        final = sessions[-1] if sessions else None
        trace = list(last_trace[-1]) if last_trace else []
        violated = [r.prop.id for r in final.monitor.violated] if final else []
        if not violated:
            outcome.target_failure = str(failure).splitlines()[0][:500]
            outcome.target_trace = trace
            outcome.target_stderr = getattr(failure, "stderr", "")
            break
        for prop_id in violated:
            outcome.violations[prop_id] = trace
        active = [p for p in active if p.id not in outcome.violations]
    outcome.seconds = time.perf_counter() - started
    return outcome


def _keep_best(outcome: FuzzOutcome, clock: _Clock, active: set[str]) -> None:
    """The deadline cut Hypothesis short: its best failing traces so far are the findings."""
    outcome.budget_exhausted = True
    for key, trace in sorted(clock.best.items()):
        if key == TARGET_FAILURE:
            assert clock.failure is not None
            outcome.target_failure, outcome.target_stderr = clock.failure
            outcome.target_trace = trace
        elif key in active:
            outcome.violations[key] = trace
        else:
            continue
        outcome.cut_short.add(key)


def merge_outcomes(outcomes: Sequence[FuzzOutcome]) -> FuzzOutcome:
    """One outcome from campaigns run under several settings: counts add up, and each
    violation keeps the first trace found (each trace starts with its own ``configure``)."""
    merged = FuzzOutcome(triggers={})
    for outcome in outcomes:
        merged.examples += outcome.examples
        merged.requests += outcome.requests
        merged.seconds += outcome.seconds
        for prop_id, count in outcome.triggers.items():
            merged.triggers[prop_id] = merged.triggers.get(prop_id, 0) + count
        for prop_id, trace in outcome.violations.items():
            merged.violations.setdefault(prop_id, trace)
        if merged.target_failure is None and outcome.target_failure is not None:
            merged.target_failure = outcome.target_failure
            merged.target_trace = outcome.target_trace
            merged.target_stderr = outcome.target_stderr
        merged.conformance.extend(outcome.conformance[:max(20 - len(merged.conformance), 0)])
    return merged
