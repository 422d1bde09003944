"""Every property pumpproof checks, in one list (the order of reports)."""

from __future__ import annotations

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

__all__ = ["all_properties", "by_id", "contract_properties", "observer_properties"]

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


def observer_properties() -> list[Property]:
    """Every property that is an observer (proved, searched, fuzzed, monitored)."""
    return [cls() for cls in _CLASSES]


def contract_properties() -> list[ContractProperty]:
    """Every property verified by CrossHair contracts on pure functions."""
    return [CalculatorContracts(), WindowContracts()]


def all_properties() -> list[Property]:
    """One instance of every property, in report order."""
    return [*observer_properties(), *contract_properties()]


def by_id(prop_id: str) -> Property:
    for prop in all_properties():
        if prop.id == prop_id:
            return prop
    raise KeyError(prop_id)
