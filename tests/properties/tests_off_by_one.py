"""A Python target (``py:tests_off_by_one:make``) that accepts one pulse over max bolus."""

from __future__ import annotations

from typing import Any

from pumpproof.pump_model import ReferencePump


class OffByOne(ReferencePump):
    def handle(self, message: Any) -> Any:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("kind") == "bolus" and self.params is not None:
            limit = self.params.settings.max_bolus_mU + self.params.settings.pulse_mU
            if event.get("amount_mU") == limit and not event.get("extended_mU"):
                message = {**message, "event": {**event, "amount_mU": limit - 50}}
        return super().handle(message)


def make() -> OffByOne:
    return OffByOne()
