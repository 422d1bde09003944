"""Symbolic states and requests: the same records filled with Z3 variables.

:func:`symbolic_state` and :func:`symbolic_request` make fresh Z3 constants for every
field; :func:`request_domain` states which requests are well-formed (what the protocol
edge can hand to the model), and :func:`concretize` reads a Z3 model back into Python
values so that a symbolic trace can be replayed on the concrete pump.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from itertools import pairwise
from typing import Any

import z3

from pumpproof.spec.settings import CONSISTENCY_RULES, INT_SETTINGS, Settings

from .codes import ALARMS, FAULTS, KINDS, REASONS
from .request import Request
from .state import Params, State
from .windows import DAY_MIN

__all__ = [
    "ALWAYS_CONCRETE_SETTINGS",
    "concrete_settings",
    "concretize",
    "request_domain",
    "settings_domain",
    "symbolic_request",
    "symbolic_settings",
    "symbolic_state",
]

_BOOL_FIELDS_STATE = {
    "suspended",
    "temp_on",
    "temp_auto",
    "cgm_seen",
    "occluded",
    "battery_low",
    "battery_depleted",
    "motor_fault",
}


def symbolic_state(params: Params, prefix: str) -> State:
    """A state whose every field is a fresh Z3 constant named ``prefix.field``."""
    values: dict[str, Any] = {}
    n_stop = 5
    for f in fields(State):
        name = f"{prefix}.{f.name}"
        if f.name in _BOOL_FIELDS_STATE:
            values[f.name] = z3.Bool(name)
        elif f.name in ("latched", "acked"):
            values[f.name] = tuple(z3.Bool(f"{name}[{i}]") for i in range(n_stop))
        elif f.name == "daily_ring":
            values[f.name] = tuple(z3.Int(f"{name}[{i}]") for i in range(params.daily_bins))
        elif f.name == "iob_ring":
            values[f.name] = tuple(z3.Int(f"{name}[{i}]") for i in range(len(params.iob_table)))
        elif f.name == "schedule":
            values[f.name] = tuple(
                (z3.Int(f"{name}[{i}].start"), z3.Int(f"{name}[{i}].rate"))
                for i in range(params.schedule_slots)
            )
        elif f.name == "seen_ids":
            values[f.name] = z3.Array(name, z3.IntSort(), z3.BoolSort())
        else:
            values[f.name] = z3.Int(name)
    return State(**values)


def symbolic_request(params: Params, prefix: str) -> Request:
    """A request whose every field is a fresh Z3 constant named ``prefix.field``."""
    values: dict[str, Any] = {}
    for f in fields(Request):
        name = f"{prefix}.{f.name}"
        if f.name == "auto":
            values[f.name] = z3.Bool(name)
        elif f.name == "schedule":
            values[f.name] = tuple(
                (z3.Int(f"{name}[{i}].start"), z3.Int(f"{name}[{i}].rate"))
                for i in range(params.schedule_slots)
            )
        else:
            values[f.name] = z3.Int(name)
    return Request(**values)


def request_domain(params: Params, request: Request) -> Any:
    """Constraints every request handed to the model satisfies (the edge checks them)."""
    kind = request.kind
    code_limit = z3.If(
        kind == KINDS.index("ack_alarm"),
        len(ALARMS),
        z3.If(kind == KINDS.index("fault"), len(FAULTS), len(REASONS)),
    )
    constraints = [
        kind >= 0,
        kind < len(KINDS),
        request.code >= 0,
        request.code < code_limit,
        z3.Implies(kind == KINDS.index("invalid"), request.code > 0),
    ]
    constraints += _schedule_domain(request.schedule, None)
    return z3.And(*constraints)


def concretize(model: z3.ModelRef, value: Any) -> Any:
    """Python value of a symbolic record (dataclass, tuple, Z3 term) under ``model``."""
    if is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: concretize(model, getattr(value, f.name)) for f in fields(value)}
        return type(value)(**parts)
    if isinstance(value, tuple):
        return tuple(concretize(model, item) for item in value)
    if isinstance(value, z3.ArrayRef):
        raise TypeError("arrays are read with concretize_ids")
    if isinstance(value, z3.BoolRef):
        return z3.is_true(model.eval(value, model_completion=True))
    if isinstance(value, z3.ArithRef):
        return model.eval(value, model_completion=True).as_long()
    return value


# Settings every proof keeps at the spec's value: the pulse is a divisor of the delivery
# arithmetic (symbolic, it would make the proof nonlinear), and the IOB curve's ``dia_min``
# and ``peak_min`` select integer tables. A verdict's scope names them with their values.
ALWAYS_CONCRETE_SETTINGS: tuple[str, ...] = ("pulse_mU", "dia_min", "peak_min")


def symbolic_settings(settings: Settings, concrete: Iterable[str], slots: int) -> Settings:
    """Settings whose values are Z3 constants ``set.NAME``, except the ``concrete`` ones.

    The basal schedule becomes ``slots`` symbolic segments (unused ones start at 1440), so a
    proof covers every schedule of up to ``slots`` segments at any starts.
    """
    keep = set(concrete)
    values: dict[str, Any] = {
        name: getattr(settings, name) if name in keep else z3.Int(f"set.{name}")
        for name in INT_SETTINGS
    }
    values["basal_schedule"] = tuple(
        (z3.Int(f"set.basal_schedule[{i}].start"), z3.Int(f"set.basal_schedule[{i}].rate"))
        for i in range(slots)
    )
    return Settings(**values)


def _schedule_domain(schedule: tuple[tuple[Any, Any], ...], max_rate: Any) -> list[Any]:
    """A padded schedule: starts at 0, strictly increasing, unused slots at 1440 at the end."""
    starts = [start for start, _ in schedule]
    constraints: list[Any] = [starts[0] == 0]
    for previous, current in pairwise(starts):
        constraints.append(z3.Or(current > previous, current == DAY_MIN))
        constraints.append(z3.Implies(previous == DAY_MIN, current == DAY_MIN))
        constraints.append(current <= DAY_MIN)
    for _, rate in schedule:
        constraints.append(rate >= 0)
        if max_rate is not None:
            constraints.append(rate <= max_rate)
    return constraints


def settings_domain(settings: Settings, ranges: Mapping[str, tuple[int, int]]) -> Any:
    """Every settings object ``configure`` accepts: the spec's hard ranges and the protocol's
    consistency rules — the very rules :func:`settings_problems` applies, as constraints."""
    values = {name: getattr(settings, name) for name in INT_SETTINGS}
    constraints: list[Any] = []
    for name, value in values.items():
        if name in ranges and not isinstance(value, int):
            low, high = ranges[name]
            constraints += [value >= low, value <= high]
    constraints += [holds(values) for _, _, holds, _ in CONSISTENCY_RULES]
    schedule = settings.basal_schedule
    if schedule and not isinstance(schedule[0][0], int):
        constraints += _schedule_domain(schedule, values["max_basal_rate_mU_per_h"])
    return z3.And(*[z3.BoolVal(c) if isinstance(c, bool) else c for c in constraints])


def concrete_settings(model: z3.ModelRef, settings: Settings) -> Settings:
    """The settings a Z3 model picked (unused schedule slots dropped)."""
    values: dict[str, Any] = {}
    for name in INT_SETTINGS:
        value = getattr(settings, name)
        values[name] = value if isinstance(value, int) else model.eval(
            value, model_completion=True).as_long()
    schedule = []
    for start, rate in settings.basal_schedule:
        start_value = start if isinstance(start, int) else model.eval(
            start, model_completion=True).as_long()
        rate_value = rate if isinstance(rate, int) else model.eval(
            rate, model_completion=True).as_long()
        if start_value < DAY_MIN:
            schedule.append((start_value, rate_value))
    values["basal_schedule"] = tuple(schedule)
    return Settings(**values)
