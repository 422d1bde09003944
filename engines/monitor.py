"""Observers as runtime monitors over a target's protocol trace.

A :class:`Monitor` takes each (request, answer) pair of protocol JSON as it happens,
turns them into the model's records (the same edge code the reference pump uses), runs
every observer, and remembers the first violation of each property and how often each
trigger happened. It knows nothing about the target but its answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.pump_model import (
    REFERENCE,
    Observation,
    Params,
    ReferencePump,
    Request,
    Rules,
    initial_state,
    observe,
)
from pumpproof.pump_model.codes import reason_code
from pumpproof.pump_model.protocol import request_from_json
from pumpproof.spec.settings import Settings

from .compiled import compiled_observers

__all__ = ["Monitor", "PropertyRun", "replay_violates"]


@dataclass
class PropertyRun:
    """What a monitor learned about one property (its memory and trigger count live in
    the monitor's arrays, which the generated code updates all at once)."""

    prop: Property
    monitor: Monitor = field(repr=False, compare=False)
    position: int = 0  # the property's index in the monitor
    violation_at: int | None = None  # index of the request that violated
    explanation: str | None = None  # the observer's sentence about that request

    @property
    def memory(self) -> tuple[Any, ...]:
        memory: tuple[Any, ...] = self.monitor.memories[self.position]
        return memory

    @property
    def triggers(self) -> int:
        return self.monitor.triggers[self.position]

    @property
    def steps(self) -> int:
        """Steps judged (every run of a monitor judges every step)."""
        return self.monitor.index


@dataclass
class Monitor:
    """Every observer over one protocol session (after a successful ``configure``)."""

    params: Params
    properties: Sequence[Property]
    ctx: Context = field(init=False)
    runs: list[PropertyRun] = field(init=False)
    before: Observation = field(init=False)
    index: int = 0
    fast: bool = True  # generated code (engines/compiled.py); False: the observers interpreted

    def __post_init__(self) -> None:
        self.ctx = Context.monitor(self.params)
        self.runs = [PropertyRun(p, self, i) for i, p in enumerate(self.properties)]
        self.memories: Sequence[Any] = [p.init(self.ctx) for p in self.properties]
        self.triggers: list[int] = [0] * len(self.properties)
        self.violations = 0  # properties violated so far
        self.before = observe(self.params, initial_state(self.params), 0, reason_code(None))
        self._compiled = compiled_observers(self.params, self.properties) if self.fast else None
        self._last_request: Request | None = None  # ... and its plan, once it had one
        self._last_plan: Any = None

    def feed(self, request: Request, after: Observation) -> list[Property]:
        """Judge one step; returns the properties violated for the first time now."""
        before, old = self.before, self.memories
        memories: Sequence[Any]
        oks: Sequence[Any]
        triggered: Sequence[Any]
        if request is self._last_request:  # a run of ticks: the same request object
            plan = self._last_plan
        else:
            plan = self._compiled.hot_plan(request) if self._compiled is not None else None
            if plan is not None and plan.kind is not None:  # the kind's own: final
                self._last_request, self._last_plan = request, plan
        if plan is not None and not plan.interpreted:  # the common case: all generated
            memories, all_ok = plan.counted(old, request, before, after, self.triggers)
            if all_ok:
                self.memories, self.before = memories, after
                self.index += 1
                return []
            _, oks, _ = plan.step(old, request, before, after)  # which failed (pure)
            return self._record(memories, oks, request, after, old)
        if plan is None:
            memories, oks, triggered = self._interpret(range(len(old)), old, request, after,
                                                       list(old), [True] * len(old),
                                                       [False] * len(old))
        else:
            memories, oks, triggered = plan.step(old, request, before, after)
            if plan.interpreted:
                memories, oks, triggered = self._interpret(
                    plan.interpreted, old, request, after, list(memories), list(oks),
                    list(triggered))
        for position, triggered_now in enumerate(triggered):
            if triggered_now:
                self.triggers[position] += 1
        return self._record(memories, oks, request, after, old)

    def _record(self, memories: Sequence[Any], oks: Sequence[Any], request: Request,
                after: Observation, old: Sequence[Any]) -> list[Property]:
        """The step's violations (first ones only) recorded; the monitor moves on."""
        newly: list[Property] = []
        if False in oks:
            view = StepView(request, self.before, after)
            for run, ok in zip(self.runs, oks, strict=True):
                if not ok and run.violation_at is None:
                    run.violation_at = self.index
                    run.explanation = _explain(run.prop, self.ctx, old[run.position], view)
                    newly.append(run.prop)
            self.violations += len(newly)
        self.memories = memories
        self.before = after
        self.index += 1
        return newly

    def _interpret(self, indices: Iterable[int], old: Sequence[Any], request: Request,
                   after: Observation, memories: list[Any], oks: list[Any],
                   triggered: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
        """The observers at ``indices`` run as written (no generated code for them)."""
        view = StepView(request, self.before, after)
        for index in indices:
            check = self.properties[index].update(self.ctx, old[index], view)
            memories[index], oks[index] = check.memory, bool(check.ok)
            triggered[index] = bool(check.triggered)
        return memories, oks, triggered

    @property
    def violated(self) -> list[PropertyRun]:
        if not self.violations:
            return []
        return [run for run in self.runs if run.violation_at is not None]


def _explain(prop: Property, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
    """The observer's sentence; its generic one if the observer's own cannot be built."""
    try:
        return prop.explain(ctx, memory, view)
    except Exception:
        return Property.explain(prop, ctx, memory, view)


def replay_violates(
    prop: Property,
    params: Params,
    trace: Iterable[dict[str, Any]],
    ctx: Context | None = None,
    rules: Rules = REFERENCE,
) -> bool:
    """Replay a protocol trace on the concrete model (``rules``): does ``prop`` fail?

    A trace that starts with ``configure`` (a proof over symbolic settings picked them)
    runs with those settings; ``ctx`` gives only the observer's resolution.
    """
    messages = list(trace)
    if messages and isinstance(messages[0], dict) and messages[0].get("op") == "configure":
        chosen = Settings.from_values(messages[0]["settings"])
        params = dataclasses.replace(params, settings=chosen)
    ctx = Context(params, ctx.daily_bin_min, ctx.iob_bin_min) if ctx else Context.exact(params)
    # Configured directly, not through ``configure``: the settings come from the run being
    # replayed (valid under its spec, which need not be the built-in one), with the same
    # resolution and slots.
    pump = ReferencePump(rules=rules)
    memory = prop.init(ctx)
    before = observe(params, initial_state(params), 0, reason_code(None))
    pump.params = params
    pump.state = initial_state(params)
    for message in messages:
        request = request_from_json(message, params)
        if request is None:
            continue
        after = pump.apply(request)
        check = prop.update(ctx, memory, StepView(request, before, after))
        if not check.ok:
            return True
        memory, before = check.memory, after
    return False
