"""Contract properties: PEP 316 pre/postconditions on the model's pure functions.

Each contract property names functions whose docstrings hold ``pre:``/``post:`` lines;
:mod:`pumpproof.engines.contracts` has CrossHair explore them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .observer import Check, Context, Property, StepView

__all__ = ["CalculatorContracts", "ContractProperty", "WindowContracts"]



class ContractProperty(Property):
    """A property verified by contracts on pure functions, not by an observer."""

    contracts: ClassVar[tuple[str, ...]]
    prove = False

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        raise TypeError(f"{self.id} is a contract property, not an observer")


class CalculatorContracts(ContractProperty):
    id = "P-HYPO-CALCULATOR"
    title = "Bolus calculator: whole pulses, never negative, never above max bolus, zero when low"
    requirements = ("REQ-HYPO-3", "REQ-DOSE-6")
    trigger = "postconditions analysed"
    contracts = (
        "pumpproof.pump_model.calculator.suggest_bolus_mU",
        "pumpproof.pump_model.calculator.round_down_to_pulses",
    )


class WindowContracts(ContractProperty):
    id = "P-PARAM-WINDOWS"
    title = "Rolling windows cover the last 1440 minutes; IOB bins never use an older age"
    requirements = ("REQ-PARAM-2", "REQ-DOSE-2", "REQ-HYPO-4")
    trigger = "postconditions analysed"
    contracts = (
        "pumpproof.pump_model.windows.day_bins",
        "pumpproof.pump_model.curves.youngest_age_min",
    )
