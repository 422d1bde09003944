"""Every property pumpproof checks, in one list (the order of reports), and user extensions.

Users add properties without editing pumpproof: an installed package may declare an entry
point in the group ``pumpproof.properties``, and ``--properties MODULE`` (a module name or a
``.py`` file) names one for a single command. Either resolves to a :class:`Property` subclass
or instance, a sequence of them, a module with ``PROPERTIES`` or ``properties()``, or a
function returning any of these. User properties follow the built-in ones of their kind, in
load order, so they take part in ``verify``, ``check``, ``simulate --check``, evidence, the
trace matrix and the selftest's counts. ``--properties`` modules are remembered in
``PUMPPROOF_PROPERTIES``, so worker processes load them too.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import import_module, metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from pumpproof.errors import UsageError

from .alarms import (
    BadRequestsChangeNothing,
    ClockChangeKeepsLimits,
    ConditionAlarms,
    RestartPersists,
    StoppingAlarmsLatch,
)
from .answers import AnswerMatchesRequest
from .contracts import CalculatorContracts, ContractProperty, WindowContracts
from .delivery import (
    AutoOff,
    BatteryAlarms,
    BolusNotStacked,
    MotorStops,
    NoDeliveryWhenNotRunning,
    NoSelfResume,
    OcclusionStopsInTime,
    ReservoirHonest,
    SuspendTooLong,
)
from .dose import AutoBolusIobCap, DailyTotal, MaxBasal, MaxBolus, WholePulses
from .extended import ExtendedBolusEven
from .glucose import (
    AutomationNeedsFreshCgm,
    AutomationRefusedWhenLow,
    IobNeverUndercounted,
    LowGlucoseSuspend,
    ReplayRefused,
)
from .observer import Property
from .requiring import (
    AlarmAcknowledged,
    AlarmsOnlyWithCause,
    AutoTempBasalEndsOnStaleCgm,
    AutoTempBasalIobCap,
    BasalDeliveredAsProgrammed,
    SuspendResumeAccepted,
    SuspendTooLongOnlyWhenDue,
    ValidBolusAccepted,
    ValidTempBasalAccepted,
)

__all__ = ["MODULES_ENV", "PLUGIN_GROUP", "add_property_modules", "all_properties", "by_id",
           "contract_properties", "extension_properties", "observer_properties",
           "property_modules"]

#: Entry-point group of installed property plugins.
PLUGIN_GROUP = "pumpproof.properties"
#: Environment variable holding the ``--properties`` modules (comma-separated).
MODULES_ENV = "PUMPPROOF_PROPERTIES"
_PROPERTY_ID = re.compile(r"^P-[A-Z0-9]+(?:-[A-Z0-9]+)*$")

_CLASSES: tuple[type[Property], ...] = (
    MaxBolus,
    DailyTotal,
    MaxBasal,
    AutoBolusIobCap,
    AutoTempBasalIobCap,
    WholePulses,
    BolusNotStacked,
    ExtendedBolusEven,
    AutomationNeedsFreshCgm,
    AutomationRefusedWhenLow,
    LowGlucoseSuspend,
    IobNeverUndercounted,
    ReplayRefused,
    OcclusionStopsInTime,
    ReservoirHonest,
    NoDeliveryWhenNotRunning,
    NoSelfResume,
    SuspendTooLong,
    AutoOff,
    BatteryAlarms,
    MotorStops,
    StoppingAlarmsLatch,
    RestartPersists,
    ClockChangeKeepsLimits,
    ConditionAlarms,
    BadRequestsChangeNothing,
    ValidBolusAccepted,
    ValidTempBasalAccepted,
    SuspendResumeAccepted,
    BasalDeliveredAsProgrammed,
    AutoTempBasalEndsOnStaleCgm,
    SuspendTooLongOnlyWhenDue,
    AlarmsOnlyWithCause,
    AlarmAcknowledged,
    AnswerMatchesRequest,
)


def _builtin() -> list[Property]:
    return [*(cls() for cls in _CLASSES), CalculatorContracts(), WindowContracts()]


def add_property_modules(modules: Sequence[str]) -> None:
    """Load properties from these modules (``--properties``) in this process and its workers."""
    known = _modules_in_env()
    os.environ[MODULES_ENV] = ",".join([*known, *(m for m in modules if m not in known)])


def _modules_in_env() -> list[str]:
    return [m for m in os.environ.get(MODULES_ENV, "").split(",") if m.strip()]


def property_modules() -> tuple[str, ...]:
    """The ``--properties`` modules in use (for a replay command that needs them again)."""
    return tuple(_modules_in_env())


def extension_properties() -> tuple[Property, ...]:
    """The user's properties: installed plugins first, then ``--properties`` modules.

    Raises :class:`~pumpproof.errors.UsageError` (exit 2) naming the plugin or module when
    one cannot be loaded, is not a property, or reuses an id.
    """
    return _load_extensions(tuple(_modules_in_env()))


@lru_cache(maxsize=8)
def _load_extensions(modules: tuple[str, ...]) -> tuple[Property, ...]:
    found: list[tuple[str, Property]] = []
    for entry in sorted(metadata.entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        where = f"plugin {entry.name} ({entry.value}, entry point group {PLUGIN_GROUP})"
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin is bad input, not a crash
            raise UsageError(f"{where}: cannot load: {type(exc).__name__}: {exc}") from None
        found.extend((where, p) for p in _as_properties(loaded, where))
    for name in modules:
        where = f"--properties {name}"
        found.extend((where, p) for p in _as_properties(_import(name, where), where))
    seen = {p.id for p in _builtin()}
    out = []
    for where, prop in found:
        problem = _problem(prop, seen)
        if problem:
            raise UsageError(f"{where}: {problem}")
        seen.add(prop.id)
        out.append(prop)
    return tuple(out)


def _import(name: str, where: str) -> ModuleType:
    """A module by name (the working directory is on the path, as for ``python -m``) or file."""
    try:
        if name.endswith(".py"):
            path = Path(name).resolve()
            spec = importlib.util.spec_from_file_location(f"pumpproof_user_{path.stem}", path)
            if spec is None or spec.loader is None or not path.is_file():
                raise ImportError(f"no such file: {name}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            return module
        if os.getcwd() not in sys.path:
            sys.path.append(os.getcwd())
        return import_module(name)
    except Exception as exc:  # the user's module failed to import: say which and why
        raise UsageError(f"{where}: cannot import: {type(exc).__name__}: {exc}") from None


def _as_properties(obj: Any, where: str, depth: int = 0) -> list[Property]:
    """Whatever a plugin or module gives, as property instances."""
    if depth > 3:
        raise UsageError(f"{where}: nested too deeply; give Property classes or instances")
    if isinstance(obj, Property):
        return [obj]
    if isinstance(obj, type) and issubclass(obj, Property):
        return [obj()]
    if isinstance(obj, ModuleType):
        given = getattr(obj, "PROPERTIES", None) or getattr(obj, "properties", None)
        if given is None:
            raise UsageError(f"{where}: module {obj.__name__} has neither a PROPERTIES list "
                             "nor a properties() function")
        return _as_properties(given, where, depth + 1)
    if isinstance(obj, list | tuple):
        return [p for item in obj for p in _as_properties(item, where, depth + 1)]
    if callable(obj):
        try:
            made = obj()
        except Exception as exc:  # the user's factory failed
            raise UsageError(f"{where}: calling {getattr(obj, '__name__', obj)!r} raised "
                             f"{type(exc).__name__}: {exc}") from None
        return _as_properties(made, where, depth + 1)
    raise UsageError(f"{where}: {obj!r} is not a pumpproof Property (subclass "
                     "pumpproof.properties.observer.Property)")


def _problem(prop: Property, seen: set[str]) -> str | None:
    """Why a user property cannot be checked, or None."""
    prop_id = getattr(prop, "id", None)
    if not isinstance(prop_id, str) or not _PROPERTY_ID.match(prop_id):
        return (f"{type(prop).__name__}: id must look like P-NAME (e.g. P-ACME-BOLUS), "
                f"got {prop_id!r}")
    if prop_id in seen:
        return f"{prop_id}: a property with this id already exists"
    for name in ("title", "trigger"):
        if not isinstance(getattr(prop, name, None), str) or not getattr(prop, name):
            return f"{prop_id}: needs a {name} (a string)"
    requirements = getattr(prop, "requirements", None)
    if (not isinstance(requirements, tuple) or not requirements
            or not all(isinstance(r, str) for r in requirements)):
        return f"{prop_id}: requirements must be a non-empty tuple of requirement ids"
    if not isinstance(prop, ContractProperty) and type(prop).update is Property.update:
        return f"{prop_id}: implements no update(ctx, memory, view)"
    if hasattr(prop, "proof_timeout_ms"):
        return (f"{prop_id}: proof_timeout_ms (milliseconds of wall clock) is replaced by "
                "proof_rlimit, Z3's resource limit per check (deterministic): see README, "
                "Proof budgets")
    rlimit = getattr(prop, "proof_rlimit", 0)
    if not isinstance(rlimit, int) or isinstance(rlimit, bool) or rlimit < 0:
        return f"{prop_id}: proof_rlimit must be a whole number >= 0, got {rlimit!r}"
    return None


@cache
def _builtin_observers() -> tuple[Property, ...]:
    """One instance of each built-in observer, shared: they hold no state (metadata is
    class-level), and monitors compile their generated code once per list of instances
    (``engines/compiled.py``), so every ``check`` round reuses the same plans."""
    return tuple(cls() for cls in _CLASSES)


def observer_properties() -> list[Property]:
    """Every property that is an observer (proved, searched, fuzzed, monitored)."""
    extra = [p for p in extension_properties() if not isinstance(p, ContractProperty)]
    return [*_builtin_observers(), *extra]


def contract_properties() -> list[ContractProperty]:
    """Every property verified by CrossHair contracts on pure functions."""
    extra = [p for p in extension_properties() if isinstance(p, ContractProperty)]
    return [CalculatorContracts(), WindowContracts(), *extra]


def all_properties() -> list[Property]:
    """One instance of every property, in report order."""
    return [*observer_properties(), *contract_properties()]


def by_id(prop_id: str) -> Property:
    for prop in all_properties():
        if prop.id == prop_id:
            return prop
    raise KeyError(prop_id)
