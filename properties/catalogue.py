"""Every property pumpproof checks, in one list (the order of reports)."""

from __future__ import annotations

from .dose import AutoBolusIobCap, DailyTotal, MaxBasal, MaxBolus, WholePulses
from .observer import Property

__all__ = ["all_properties", "by_id"]


def all_properties() -> list[Property]:
    return [MaxBolus(), DailyTotal(), MaxBasal(), AutoBolusIobCap(), WholePulses()]


def by_id(prop_id: str) -> Property:
    for prop in all_properties():
        if prop.id == prop_id:
            return prop
    raise KeyError(prop_id)
