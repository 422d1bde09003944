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
    """What a monitor learned about one property."""

    prop: Property
    memory: tuple[Any, ...]
    triggers: int = 0
    violation_at: int | None = None  # index of the request that violated
    explanation: str | None = None  # the observer's sentence about that request
    monitor: Monitor | None = field(default=None, repr=False, compare=False)

    @property
    def steps(self) -> int:
        """Steps judged (every run of a monitor judges every step)."""
        return self.monitor.index if self.monitor is not None else 0


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
        self.runs = [PropertyRun(p, p.init(self.ctx), monitor=self) for p in self.properties]
        self.before = observe(self.params, initial_state(self.params), 0, reason_code(None))
        self._memories = [run.memory for run in self.runs]
        self._compiled = compiled_observers(self.params, self.properties) if self.fast else None

    def feed(self, request: Request, after: Observation) -> list[Property]:
        """Judge one step; returns the properties violated for the first time now."""
        newly: list[Property] = []
        before, memories, runs = self.before, self._memories, self.runs
        if self._compiled is None:
            interpreted: Sequence[int] = range(len(runs))
        else:
            plan = self._compiled.plan(request)
            interpreted = plan.interpreted
            results = plan.step(memories, request, before, after)
            for index, (memory, ok, triggered) in zip(plan.compiled, results, strict=True):
                run = runs[index]
                if triggered:
                    run.triggers += 1
                if not ok and run.violation_at is None:
                    self._violated(run, memories[index], StepView(request, before, after), newly)
                memories[index] = run.memory = memory
        if interpreted:
            view = StepView(request, before, after)
            for index in interpreted:
                run = runs[index]
                check = run.prop.update(self.ctx, memories[index], view)
                if check.triggered:
                    run.triggers += 1
                if not check.ok and run.violation_at is None:
                    self._violated(run, memories[index], view, newly)
                memories[index] = run.memory = check.memory
        self.before = after
        self.index += 1
        return newly

    def _violated(self, run: PropertyRun, memory: tuple[Any, ...], view: StepView,
                  newly: list[Property]) -> None:
        run.violation_at = self.index
        run.explanation = _explain(run.prop, self.ctx, memory, view)
        newly.append(run.prop)

    @property
    def violated(self) -> list[PropertyRun]:
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
