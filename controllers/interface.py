"""The controller interface (``pumpproof.controller/1``, docs/controller.md): what pumpproof
gives an AID controller and what it answers, as frozen records of integers.

Units are in the names, as in the pump protocol: insulin in milli-units (``_mU``), rates in
mU per hour, time in whole minutes, glucose in mg/dL. Instants are minutes since the Unix
epoch in UTC (``t_min``); schedules are in *local* minutes after midnight, local time being
UTC plus ``utc_offset_min``. Adapters translate to each controller's own units; the
properties judge only these integers.

>>> i = example_input()
>>> decode_input(encode_input(i)) == i
True
>>> c = decode_command({"bolus_mU": 0, "temp_basal": {"rate_mU_per_h": 0, "duration_min": 30}})
>>> c.temp_basal, c.cancel_temp, c.bolus_mU, c.refused
(TempBasal(rate_mU_per_h=0, duration_min=30), False, 0, None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pumpproof.errors import UsageError

__all__ = ["DAY_MIN", "INPUT_SCHEMA", "REAL_OFFSETS_MIN", "SAFETY_SETTINGS", "Bolus", "Carbs",
           "Command", "ControllerInput", "Dose", "Glucose", "Settings", "TempBasal",
           "decode_command", "decode_input", "encode_command", "encode_input", "example_input",
           "schedule_value", "with_settings"]

INPUT_SCHEMA = "pumpproof.controller/1"

#: The settings whose absence (missing key), null or negative value C-FAIL-CLOSED varies.
SAFETY_SETTINGS = ("max_basal_mU_per_h", "max_bolus_mU", "max_iob_mU", "suspend_threshold_mg_dL")

#: Minutes in a day: schedules cover ``[0, 1440)`` local minutes.
DAY_MIN = 1440

#: The UTC offsets (minutes) in use today: every whole hour from -12 h to +14 h and the
#: fractional ones (Marquesas, Kabul, India, Nepal, Myanmar, Eucla, Darwin).
REAL_OFFSETS_MIN: tuple[int, ...] = tuple(sorted(
    {h * 60 for h in range(-12, 15)} | {-570, 270, 330, 345, 390, 525, 570}))


@dataclass(frozen=True)
class Glucose:
    """A CGM reading: when (UTC minutes) and the value."""

    t_min: int
    glucose_mg_dL: int


@dataclass(frozen=True)
class Bolus:
    """Insulin the pump delivered as a bolus (the whole amount at ``t_min``)."""

    t_min: int
    amount_mU: int


@dataclass(frozen=True)
class Dose:
    """A temp basal as the pump ran it: from ``t_min`` for ``duration_min`` at the rate
    (the running one with its programmed duration; a cancelled one with what it ran)."""

    t_min: int
    duration_min: int
    rate_mU_per_h: int


@dataclass(frozen=True)
class Carbs:
    """Carbohydrate the user entered."""

    t_min: int
    carbs_g: int


@dataclass(frozen=True)
class Settings:
    """The therapy settings (schedules in local minutes) and the safety limits.

    A safety limit is an int, ``None`` (JSON null) or named in ``missing`` (no key at all):
    adapters pass null as their controller's null and a missing key as an absent field, so
    C-FAIL-CLOSED sees both ways a profile field is lost.
    """

    basal_schedule: tuple[tuple[int, int], ...]  # (start_min, rate_mU_per_h)
    isf_schedule: tuple[tuple[int, int], ...]  # (start_min, mg_dL per U)
    carb_ratio_schedule: tuple[tuple[int, int], ...]  # (start_min, g per U)
    target_schedule: tuple[tuple[int, int, int], ...]  # (start_min, low_mg_dL, high_mg_dL)
    max_basal_mU_per_h: int | None
    max_bolus_mU: int | None
    max_iob_mU: int | None
    suspend_threshold_mg_dL: int | None
    dia_min: int = 300
    peak_min: int = 75
    basal_increment_mU_per_h: int = 50
    bolus_increment_mU: int = 50
    max_glucose_age_min: int = 15
    missing: tuple[str, ...] = ()

    def limit(self, name: str) -> int | None:
        """A safety limit if usable (present, not null, not negative), else None."""
        value = getattr(self, name)
        if name in self.missing or value is None or value < 0:
            return None
        return int(value)


@dataclass(frozen=True)
class ControllerInput:
    """Everything a controller is given for one decision."""

    now_min: int
    utc_offset_min: int
    glucose: tuple[Glucose, ...]
    boluses: tuple[Bolus, ...]
    temp_basals: tuple[Dose, ...]
    carbs: tuple[Carbs, ...]
    settings: Settings

    @property
    def local_minute(self) -> int:
        """Minutes after local midnight now."""
        return (self.now_min + self.utc_offset_min) % DAY_MIN

    @property
    def running_temp(self) -> Dose | None:
        """The temp basal running now, if any (the latest one not yet ended)."""
        running = [d for d in self.temp_basals
                   if d.t_min <= self.now_min < d.t_min + d.duration_min]
        return max(running, key=lambda d: d.t_min) if running else None

    def scheduled_rate_at(self, t_min: int) -> int:
        """The scheduled basal rate at an instant (mU/h), by local time."""
        return schedule_value(self.settings.basal_schedule,
                              (t_min + self.utc_offset_min) % DAY_MIN)


@dataclass(frozen=True)
class TempBasal:
    rate_mU_per_h: int
    duration_min: int


@dataclass(frozen=True)
class Command:
    """A controller's answer: set a temp basal, cancel the running one, or leave it; a bolus;
    notices; or a refusal (the controller declined to decide, with its reason)."""

    temp_basal: TempBasal | None = None
    cancel_temp: bool = False
    bolus_mU: int = 0
    notices: tuple[str, ...] = ()
    refused: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def same_dose(self, other: Command) -> bool:
        """The same insulin commanded (notices, refusal wording and raw output aside)."""
        return (self.temp_basal, self.cancel_temp, self.bolus_mU) == (
            other.temp_basal, other.cancel_temp, other.bolus_mU)


def schedule_value(schedule: Sequence[tuple[int, ...]], minute: int) -> int:
    """The value of a daily schedule (sorted by start, first start 0) at a local minute."""
    value = schedule[0][1]
    for entry in schedule:
        if entry[0] <= minute:
            value = entry[1]
    return value


# -- JSON


def _settings_json(s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "basal_schedule": [list(e) for e in s.basal_schedule],
        "isf_schedule": [list(e) for e in s.isf_schedule],
        "carb_ratio_schedule": [list(e) for e in s.carb_ratio_schedule],
        "target_schedule": [list(e) for e in s.target_schedule],
        "dia_min": s.dia_min, "peak_min": s.peak_min,
        "basal_increment_mU_per_h": s.basal_increment_mU_per_h,
        "bolus_increment_mU": s.bolus_increment_mU,
        "max_glucose_age_min": s.max_glucose_age_min,
    }
    for name in SAFETY_SETTINGS:
        if name not in s.missing:
            out[name] = getattr(s, name)
    return out


def encode_input(i: ControllerInput) -> dict[str, Any]:
    """The input as JSON (the file a finding is replayed from)."""
    return {
        "schema": INPUT_SCHEMA,
        "now_min": i.now_min,
        "utc_offset_min": i.utc_offset_min,
        "glucose": [{"t_min": g.t_min, "glucose_mg_dL": g.glucose_mg_dL} for g in i.glucose],
        "boluses": [{"t_min": b.t_min, "amount_mU": b.amount_mU} for b in i.boluses],
        "temp_basals": [{"t_min": d.t_min, "duration_min": d.duration_min,
                         "rate_mU_per_h": d.rate_mU_per_h} for d in i.temp_basals],
        "carbs": [{"t_min": c.t_min, "carbs_g": c.carbs_g} for c in i.carbs],
        "settings": _settings_json(i.settings),
    }


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer, got {value!r}")
    return value


def _rows(data: Mapping[str, Any], key: str, width: int) -> tuple[tuple[int, ...], ...]:
    rows = data[key]
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{key} must be a non-empty list")
    out = []
    for row in rows:
        if (not isinstance(row, list) or len(row) != width
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in row)):
            raise ValueError(f"{key}: each entry must be {width} integers, got {row!r}")
        out.append(tuple(row))
    starts = [r[0] for r in out]
    if starts[0] != 0 or starts != sorted(set(starts)) or starts[-1] >= DAY_MIN:
        raise ValueError(f"{key}: starts must begin at 0, increase, and stay below {DAY_MIN}")
    return tuple(out)


def decode_input(data: Any) -> ControllerInput:
    """A controller input from JSON; malformed → :class:`UsageError` naming the field."""
    try:
        if not isinstance(data, Mapping) or data.get("schema") != INPUT_SCHEMA:
            raise ValueError(f"schema must be {INPUT_SCHEMA!r}")
        s = data["settings"]
        limits: dict[str, int | None] = {}
        for name in SAFETY_SETTINGS:
            value = s.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be an integer or null")
            limits[name] = value
        settings = Settings(
            basal_schedule=_rows(s, "basal_schedule", 2),  # type: ignore[arg-type]
            isf_schedule=_rows(s, "isf_schedule", 2),  # type: ignore[arg-type]
            carb_ratio_schedule=_rows(s, "carb_ratio_schedule", 2),  # type: ignore[arg-type]
            target_schedule=_rows(s, "target_schedule", 3),  # type: ignore[arg-type]
            dia_min=_int(s, "dia_min"), peak_min=_int(s, "peak_min"),
            basal_increment_mU_per_h=_int(s, "basal_increment_mU_per_h"),
            bolus_increment_mU=_int(s, "bolus_increment_mU"),
            max_glucose_age_min=_int(s, "max_glucose_age_min"),
            missing=tuple(n for n in SAFETY_SETTINGS if n not in s),
            **limits,
        )
        return ControllerInput(
            now_min=_int(data, "now_min"),
            utc_offset_min=_int(data, "utc_offset_min"),
            glucose=tuple(Glucose(_int(g, "t_min"), _int(g, "glucose_mg_dL"))
                          for g in data["glucose"]),
            boluses=tuple(Bolus(_int(b, "t_min"), _int(b, "amount_mU")) for b in data["boluses"]),
            temp_basals=tuple(Dose(_int(d, "t_min"), _int(d, "duration_min"),
                                   _int(d, "rate_mU_per_h")) for d in data["temp_basals"]),
            carbs=tuple(Carbs(_int(c, "t_min"), _int(c, "carbs_g")) for c in data["carbs"]),
            settings=settings,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"malformed controller input: {type(exc).__name__}: {exc}") from None


def encode_command(c: Command) -> dict[str, Any]:
    out: dict[str, Any] = {
        "temp_basal": (None if c.temp_basal is None else
                       {"rate_mU_per_h": c.temp_basal.rate_mU_per_h,
                        "duration_min": c.temp_basal.duration_min}),
        "cancel_temp": c.cancel_temp,
        "bolus_mU": c.bolus_mU,
        "notices": list(c.notices),
        "refused": c.refused,
    }
    if c.raw:
        out["raw"] = dict(c.raw)
    return out


def decode_command(data: Any) -> Command:
    """A command in the interface's own JSON (``cmd:`` controllers answer this); malformed →
    ``ValueError`` (the caller makes it a finding against the controller)."""
    if not isinstance(data, Mapping):
        raise ValueError("a command must be a JSON object")
    temp = data.get("temp_basal")
    temp_basal = None
    if temp is not None:
        temp_basal = TempBasal(_int(temp, "rate_mU_per_h"), _int(temp, "duration_min"))
    bolus = data.get("bolus_mU", 0)
    if isinstance(bolus, bool) or not isinstance(bolus, int):
        raise ValueError(f"bolus_mU must be an integer, got {bolus!r}")
    notices = data.get("notices", [])
    refused = data.get("refused")
    if not isinstance(notices, list) or not all(isinstance(n, str) for n in notices):
        raise ValueError("notices must be a list of strings")
    if refused is not None and not isinstance(refused, str):
        raise ValueError("refused must be a string or null")
    return Command(temp_basal, bool(data.get("cancel_temp", False)), bolus, tuple(notices),
                   refused, dict(data.get("raw", {})))


def example_input() -> ControllerInput:
    """A typical adult at 140 mg/dL and rising, 08:00 local (UTC+1), 2026-03-02."""
    now = 29_540_580  # 2026-03-02T07:00Z in minutes since the epoch
    return ControllerInput(
        now_min=now, utc_offset_min=60,
        glucose=tuple(Glucose(now - 5 * k, 140 - 2 * k) for k in range(6, -1, -1)),
        boluses=(Bolus(now - 120, 2000),),
        temp_basals=(Dose(now - 20, 30, 1200),),
        carbs=(Carbs(now - 125, 30),),
        settings=Settings(
            basal_schedule=((0, 800), (360, 1000), (1320, 800)),
            isf_schedule=((0, 50),), carb_ratio_schedule=((0, 10),),
            target_schedule=((0, 100, 110),),
            max_basal_mU_per_h=3000, max_bolus_mU=5000, max_iob_mU=4000,
            suspend_threshold_mg_dL=70),
    )


def with_settings(i: ControllerInput, **changes: Any) -> ControllerInput:
    """The same input with some settings changed."""
    return replace(i, settings=replace(i.settings, **changes))
