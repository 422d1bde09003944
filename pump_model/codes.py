"""Integer codes for the protocol's names, so that the model can run on Z3 Ints.

The protocol speaks strings (``"running"``, ``"exceeds_max_bolus"``); the model speaks
small integers; :mod:`pump_model.protocol` translates at the edge. Every tuple below is
the single list of its kind: the index of a name is its code.
"""

from __future__ import annotations

__all__ = [
    "ALARMS",
    "FAULTS",
    "KINDS",
    "MODES",
    "REASONS",
    "STOPPING_ALARMS",
    "alarm_code",
    "kind_code",
    "reason_code",
]

# Request kinds: ``tick`` plus every event kind of protocol v1, plus ``invalid`` for a
# malformed event (bad_request / unknown_kind), which changes nothing.
KINDS: tuple[str, ...] = (
    "tick",
    "bolus",
    "cancel_bolus",
    "temp_basal",
    "cancel_temp_basal",
    "set_basal_schedule",
    "suspend",
    "resume",
    "cgm",
    "set_clock",
    "fill",
    "ack_alarm",
    "fault",
    "restart",
    "invalid",
)

MODES: tuple[str, ...] = ("running", "suspended", "stopped")

# Sorted lexicographically, as observations list them.
ALARMS: tuple[str, ...] = (
    "auto_off",
    "battery_depleted",
    "battery_low",
    "cgm_stale",
    "low_glucose",
    "max_daily_total",
    "max_iob",
    "motor",
    "occlusion",
    "reservoir_empty",
    "reservoir_low",
    "suspend_too_long",
)

# Alarms that stop the pump and latch (protocol rule 10), in the order of the state's
# latch tuples.
STOPPING_ALARMS: tuple[str, ...] = (
    "occlusion",
    "reservoir_empty",
    "battery_depleted",
    "motor",
    "auto_off",
)

FAULTS: tuple[str, ...] = (
    "occlusion",
    "occlusion_cleared",
    "battery_low",
    "battery_depleted",
    "battery_replaced",
    "motor",
    "motor_cleared",
)

REASONS: tuple[str | None, ...] = (
    None,
    "bad_request",
    "unknown_kind",
    "replayed_id",
    "not_whole_pulses",
    "stopped",
    "suspended",
    "exceeds_max_bolus",
    "exceeds_max_basal",
    "exceeds_max_daily_total",
    "exceeds_max_iob",
    "bolus_in_progress",
    "cgm_stale",
    "low_glucose",
    "not_suspended",
    "exceeds_capacity",
)


_KIND_CODES = {name: code for code, name in enumerate(KINDS)}
_ALARM_CODES = {name: code for code, name in enumerate(ALARMS)}


def kind_code(name: str) -> int:
    return _KIND_CODES[name]


def reason_code(name: str | None) -> int:
    return REASONS.index(name)


def alarm_code(name: str) -> int:
    return _ALARM_CODES[name]
