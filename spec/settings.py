"""The pump's settings: the values of target protocol v1, and the rules they obey.

One function, :func:`settings_problems`, decides whether a set of settings is valid.
The spec loader calls it (and adds the file name) and the reference pump calls it on
``configure`` (and answers ``{"ok": false}``), so the two can never disagree.
It checks types, ranges and the consistency rules of the protocol; it does not judge
whether a setting is clinically right for a person (that is the prescriber's job).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "CONSISTENCY_RULES",
    "INT_SETTINGS",
    "MAX_SCHEDULE_SEGMENTS",
    "MINUTES_PER_DAY",
    "SETTING_NAMES",
    "UNKNOWN_SETTING",
    "Settings",
    "settings_problems",
]

MINUTES_PER_DAY = 1440
MAX_SCHEDULE_SEGMENTS = 48

INT_SETTINGS: tuple[str, ...] = (
    "pulse_mU",
    "bolus_rate_mU_per_min",
    "max_bolus_mU",
    "max_basal_rate_mU_per_h",
    "max_daily_total_mU",
    "max_iob_mU",
    "dia_min",
    "peak_min",
    "reservoir_capacity_mU",
    "low_reservoir_mU",
    "occlusion_max_missed_mU",
    "max_suspend_min",
    "lgs_threshold_mg_dL",
    "cgm_stale_min",
    "auto_off_min",
)
SETTING_NAMES: tuple[str, ...] = (*INT_SETTINGS, "basal_schedule")

Schedule = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Settings:
    """Validated settings of one pump (integers; units in the names)."""

    pulse_mU: int
    bolus_rate_mU_per_min: int
    max_bolus_mU: int
    max_basal_rate_mU_per_h: int
    max_daily_total_mU: int
    max_iob_mU: int
    dia_min: int
    peak_min: int
    reservoir_capacity_mU: int
    low_reservoir_mU: int
    occlusion_max_missed_mU: int
    max_suspend_min: int
    lgs_threshold_mg_dL: int
    cgm_stale_min: int
    auto_off_min: int
    basal_schedule: Schedule

    def to_protocol(self) -> dict[str, Any]:
        """The ``settings`` object of a protocol ``configure`` request."""
        out = asdict(self)
        out["basal_schedule"] = [list(seg) for seg in self.basal_schedule]
        return out

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Settings:
        """Build from values already accepted by :func:`settings_problems`."""
        kwargs = {name: values[name] for name in INT_SETTINGS}
        schedule = tuple((int(s), int(r)) for s, r in values["basal_schedule"])
        return cls(**kwargs, basal_schedule=schedule)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def schedule_problems(schedule: Any, max_basal_rate_mU_per_h: int | None) -> list[str]:
    """Problems of a basal schedule (the setting, or a ``set_basal_schedule`` event)."""
    if not isinstance(schedule, list | tuple) or not schedule:
        return ["must be a non-empty list of [start_minute_of_day, rate_mU_per_h]"]
    if len(schedule) > MAX_SCHEDULE_SEGMENTS:
        return [f"must have at most {MAX_SCHEDULE_SEGMENTS} segments, got {len(schedule)}"]
    problems: list[str] = []
    previous_start = -1
    for index, segment in enumerate(schedule):
        if (
            not isinstance(segment, list | tuple)
            or len(segment) != 2
            or not all(_is_int(v) for v in segment)
        ):
            problems.append(
                f"segment {index}: must be [start_minute_of_day, rate_mU_per_h] integers"
            )
            continue
        start, rate = segment
        if index == 0 and start != 0:
            problems.append(f"segment 0: must start at minute 0, got {start}")
        if start <= previous_start:
            problems.append(f"segment {index}: start {start} must be after {previous_start}")
        if not 0 <= start < MINUTES_PER_DAY:
            problems.append(f"segment {index}: start must be in [0, 1439], got {start}")
        if rate < 0:
            problems.append(f"segment {index}: rate must be ≥ 0, got {rate}")
        if max_basal_rate_mU_per_h is not None and rate > max_basal_rate_mU_per_h:
            problems.append(
                f"segment {index}: rate {rate} exceeds max_basal_rate_mU_per_h "
                f"{max_basal_rate_mU_per_h}"
            )
        previous_start = start
    return problems


#: Why an unknown setting is refused (the loader and ``configure`` both say it).
UNKNOWN_SETTING = (
    "unknown setting: target protocol v1 fixes the set of settings (docs/protocol.md §4, S8), "
    "so every pump, proof and property reads the same ones, and a misspelt name never leaves "
    "a limit silently at a default; a spec cannot add one. Express a pump-specific limit as "
    "your own property instead (README, 'Your own pump')"
)


def settings_problems(
    values: Any, ranges: Mapping[str, tuple[int, int]] | None = None
) -> list[tuple[str, str]]:
    """Every problem of a settings object, as ``(item, problem)`` pairs; empty when valid.

    ``ranges`` are the hard limits of the spec (``pump.yaml``); without them only the
    protocol's own rules are checked.

    >>> settings_problems({"pulse_mU": 50})[0]
    ('bolus_rate_mU_per_min', 'missing')
    """
    if not isinstance(values, Mapping):
        return [("settings", "must be an object")]
    problems: list[tuple[str, str]] = []
    for name in SETTING_NAMES:
        if name not in values:
            problems.append((name, "missing"))
    for name in values:
        if name not in SETTING_NAMES:
            problems.append((str(name), UNKNOWN_SETTING))
    ints: dict[str, int] = {}
    for name in INT_SETTINGS:
        if name not in values:
            continue
        value = values[name]
        if not _is_int(value):
            problems.append((name, f"must be an integer, got {value!r}"))
            continue
        if ranges and name in ranges:
            low, high = ranges[name]
            if value < low:
                problems.append((name, f"must be ≥ {low}, got {value}"))
                continue
            if value > high:
                problems.append((name, f"must be ≤ {high}, got {value}"))
                continue
        ints[name] = value
    problems.extend(_consistency_problems(ints))
    if "basal_schedule" in values:
        for problem in schedule_problems(
            values["basal_schedule"], ints.get("max_basal_rate_mU_per_h")
        ):
            problems.append(("basal_schedule", problem))
    return problems


# The consistency rules, once: (item, settings it reads, predicate that must hold, problem).
# Each predicate is one comparison, so it evaluates on Python ints (``configure``, the spec
# loader) and on Z3 terms alike (proofs over every valid setting take the same rules).
Rule = tuple[str, tuple[str, ...], Callable[[Mapping[str, Any]], Any], str]


def _positive(name: str) -> Rule:
    return name, (name,), lambda v: v[name] > 0, "must be > 0, got {" + name + "}"


def _non_negative(name: str) -> Rule:
    return name, (name,), lambda v: v[name] >= 0, "must be ≥ 0, got {" + name + "}"


CONSISTENCY_RULES: tuple[Rule, ...] = (
    _positive("pulse_mU"),
    ("peak_min", ("peak_min", "dia_min"), lambda v: 2 * v["peak_min"] < v["dia_min"],
     "2·peak_min must be < dia_min, got 2·{peak_min} ≥ {dia_min}"),
    _positive("peak_min"),
    ("low_reservoir_mU", ("low_reservoir_mU", "reservoir_capacity_mU"),
     lambda v: v["low_reservoir_mU"] < v["reservoir_capacity_mU"],
     "must be below reservoir_capacity_mU {reservoir_capacity_mU}, got {low_reservoir_mU}"),
    ("bolus_rate_mU_per_min", ("pulse_mU", "bolus_rate_mU_per_min"),
     lambda v: v["bolus_rate_mU_per_min"] >= v["pulse_mU"],
     "must deliver at least one pulse a minute (≥ pulse_mU {pulse_mU}), "
     "got {bolus_rate_mU_per_min}"),
    *(_positive(name) for name in ("max_suspend_min", "cgm_stale_min", "dia_min")),
    *(_non_negative(name) for name in ("max_basal_rate_mU_per_h", "max_daily_total_mU",
                                       "max_iob_mU", "auto_off_min")),
)


def _consistency_problems(v: Mapping[str, int]) -> list[tuple[str, str]]:
    """Rules between settings that the protocol and the IOB curve need."""
    return [
        (item, problem.format(**v))
        for item, needs, holds, problem in CONSISTENCY_RULES
        if all(n in v for n in needs) and not holds(v)
    ]
