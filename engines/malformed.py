"""Malformed events derived from request.schema.json, for the robustness scenario.

Hand-written junk covers what someone thought of; these cover every field the schema
names: for each event kind, a well-formed event with one field broken the way the schema
forbids (missing when required, the wrong JSON type, one past a bound, a value outside an
enumeration, a malformed basal schedule). Only mutants that the schema itself refuses are
kept, so each one must be answered ``bad_request`` and change nothing (docs/protocol.md §9;
property P-SEC-BAD-REQUEST).

hypothesis-jsonschema would generate such values from the schema, but its current release
(0.23.1) fails on every object schema under Hypothesis 6.170 (it calls an internal API that
no longer exists) and supports drafts 4–7 only (no ``prefixItems``); the derivation here is
deterministic and needs neither.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from pumpproof.pump_model.jsonschemas import event_is_valid, schema

__all__ = ["WELL_FORMED", "malformed_events"]

# One well-formed event per kind that has fields (schema-valid; the tests check it).
WELL_FORMED: dict[str, dict[str, Any]] = {
    "bolus": {"kind": "bolus", "amount_mU": 50, "extended_mU": 0, "extended_min": 0,
              "source": "user", "id": "malformed-bolus"},
    "temp_basal": {"kind": "temp_basal", "rate_mU_per_h": 800, "duration_min": 30,
                   "source": "user", "id": "malformed-temp"},
    "set_basal_schedule": {"kind": "set_basal_schedule", "basal_schedule": [[0, 800]]},
    "suspend": {"kind": "suspend", "source": "user"},
    "resume": {"kind": "resume", "source": "user"},
    "cgm": {"kind": "cgm", "glucose_mg_dL": 120},
    "set_clock": {"kind": "set_clock", "offset_min": 0},
    "fill": {"kind": "fill", "reservoir_mU": 1000},
    "ack_alarm": {"kind": "ack_alarm", "code": "auto_off"},
    "fault": {"kind": "fault", "fault": "battery_low"},
}

_DELETE = object()
_SCHEDULES: tuple[Any, ...] = ([], [[0]], [[0, -1]], [[1, 800]], [[0, 800]] * 49, [[0, "800"]],
                               "0-800")


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(defs[ref.removeprefix("#/$defs/")], defs)
    return node


def _broken_values(node: Mapping[str, Any], name: str) -> Iterator[Any]:
    """Values this property schema forbids (some may still be allowed; filtered later)."""
    if name == "basal_schedule":
        yield from _SCHEDULES
        return
    if node.get("type") == "integer":
        yield from ("1", True, 1.5, None)
        if "minimum" in node:
            yield node["minimum"] - 1
        if "maximum" in node:
            yield node["maximum"] + 1
        return
    yield from (7, "", "bogus", None, ["user"])


def malformed_events() -> list[dict[str, Any]]:
    """Every one-field mutant of :data:`WELL_FORMED` that request.schema.json refuses (a
    fresh copy each time: the schema is judged once per process, ~0.2 s)."""
    return copy.deepcopy(_malformed_events())


@cache
def _malformed_events() -> list[dict[str, Any]]:
    request = schema("request")
    defs = request["$defs"]
    kinds = {s["properties"]["kind"]["const"]: s for s in defs["event"]["oneOf"]}
    out: list[dict[str, Any]] = []
    for kind, event in WELL_FORMED.items():
        properties = kinds[kind]["properties"]
        required = set(kinds[kind].get("required", ()))
        for name, node in properties.items():
            if name == "kind":
                continue
            values = [_DELETE] if name in required else []
            values += list(_broken_values(_resolve(node, defs), name))
            for value in values:
                mutant = {k: v for k, v in event.items() if k != name}
                if value is not _DELETE:
                    mutant[name] = value
                if not event_is_valid(mutant):
                    out.append(mutant)
    return out
