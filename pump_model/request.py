"""A request to the pump (``tick`` or one event) as a record of ints and bools.

Symbolically a request is a kind plus bounded integer arguments; concretely the same
record carries Python values. Fields an event kind does not use stay 0. The protocol
edge (:mod:`pump_model.protocol`) builds requests from JSON and refuses ill-typed
fields before they get here (kind ``invalid`` with the reason in ``code``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .codes import kind_code
from .logic import Bool, Int

__all__ = ["TICK", "Request"]


@dataclass(frozen=True)
class Request:
    kind: Int
    amount_mU: Int = 0
    extended_mU: Int = 0
    extended_min: Int = 0
    rate_mU_per_h: Int = 0
    duration_min: Int = 0
    auto: Bool = False  # source == "auto"
    id_key: Any = None  # the event id (str concretely, Int symbolically)
    glucose_mg_dL: Int = 0
    offset_min: Int = 0
    reservoir_mU: Int = 0
    code: Int = 0  # alarm code (ack_alarm), fault code (fault) or reason code (invalid)
    schedule: tuple[tuple[Int, Int], ...] = field(default=())  # padded (set_basal_schedule)


TICK = Request(kind=kind_code("tick"))
