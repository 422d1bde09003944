"""The shipped JSON Schemas of target protocol v1, loaded and compiled once.

``schemas/request.schema.json`` and ``schemas/answer.schema.json`` are the machine-readable
protocol (docs/protocol.md): firmware teams validate their own traffic with them, and
pumpproof validates the answers of a target with the same files, so the prose, the schemas
and the codec in :mod:`pump_model.protocol` cannot drift apart unnoticed (the tests hold all
three together).

Validation here is *strict* about integers: JSON Schema counts ``50.0`` as an integer, the
protocol does not (docs/protocol.md §1), so the validators use a type checker that accepts
only real integers (and never ``true``).

Cost: the compiled validator takes about 130–180 µs per answer, more than a reference step,
and would cost about 30 % of fuzzing throughput (benchmarks/answer_validation.py), so the
fuzzing loop runs the codec's equivalent checks instead; the schema runs on every answer of
``conformance`` and of replays (``simulate --check``), and on each session's configure answer.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any, Literal

__all__ = [
    "SCHEMA_NAMES",
    "SchemaName",
    "answer_problems",
    "answer_problems_remembered",
    "event_is_valid",
    "request_problems",
    "schema_path",
    "schema_text",
]

SchemaName = Literal["request", "answer"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("request", "answer")


def schema_path(name: SchemaName) -> str:
    """Where the installed schema file is (for people and firmware test suites)."""
    return str(files("pumpproof.pump_model") / "schemas" / f"{name}.schema.json")


def schema_text(name: SchemaName) -> str:
    """The shipped schema, byte for byte."""
    return (files("pumpproof.pump_model") / "schemas" / f"{name}.schema.json").read_text("utf-8")


@cache
def schema(name: SchemaName) -> dict[str, Any]:
    """The parsed schema (cached; do not modify)."""
    parsed: dict[str, Any] = json.loads(schema_text(name))
    return parsed


def _strict_integer(_checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _validator(name: SchemaName, definition: str | None = None) -> Any:
    """A compiled draft 2020-12 validator of the schema, or of one of its ``$defs``.

    Validating an answer against the definition it claims to be (an observation when it has
    ``t``, else a lifecycle answer) names the problem precisely instead of "is not valid under
    any of the given schemas".
    """
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    strict = extend(
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
    )
    root = schema(name)
    if definition is None:
        return strict(root)
    return strict({"$schema": root["$schema"], "$defs": root["$defs"],
                   "$ref": f"#/$defs/{definition}"})


def _problems(validator: Any, instance: Any, limit: int) -> list[str]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors[:limit]:
        where = "/".join(str(part) for part in error.absolute_path) or "(the answer)"
        out.append(f"{where}: {error.message}"[:200])
    return out


def answer_problems(answer: Any, limit: int = 3) -> list[str]:
    """Why ``answer`` breaks answer.schema.json (empty when it validates).

    Each problem is ``location: message``. Sortedness of ``alarms`` is outside JSON Schema;
    :func:`pump_model.protocol.observation_from_json` checks it.
    """
    if isinstance(answer, dict):
        definition = "observation" if "t" in answer else "lifecycle"
        return _problems(_validator("answer", definition), answer, limit)
    return _problems(_validator("answer"), answer, limit)


# Canonical JSON of answers that validated: a target answers every session's ``configure``
# alike, and the full schema costs about 1 ms, more than a short session's requests.
_VALIDATED: set[str] = set()
_VALIDATED_MAX = 256
_SCALARS = (str, int, float, bool)


def answer_problems_remembered(answer: Any) -> list[str]:
    """:func:`answer_problems`, skipping an answer equal (as JSON, keys sorted) to one
    that validated before. Only flat objects are remembered (string keys; string, number,
    boolean or null values; no NaN): their JSON text keeps ``1``, ``1.0`` and ``true``
    apart, so equal text means an equal verdict. Anything else is validated anew."""
    if not (type(answer) is dict and all(
            type(key) is str and (value is None or type(value) in _SCALARS)
            for key, value in answer.items())):
        return answer_problems(answer)
    try:
        text = json.dumps(answer, sort_keys=True, allow_nan=False)
    except ValueError:  # NaN or an infinity
        return answer_problems(answer)
    if text in _VALIDATED:
        return []
    problems = answer_problems(answer)
    if not problems:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED.add(text)
    return problems


def request_problems(request: Any, limit: int = 3) -> list[str]:
    """Why ``request`` breaks request.schema.json (empty when it validates)."""
    return _problems(_validator("request"), request, limit)


@cache
def _event_branches() -> dict[str, int]:
    """Each event kind's branch of ``$defs/event/oneOf`` (each fixes ``kind`` by ``const``)."""
    branches = schema("request")["$defs"]["event"]["oneOf"]
    return {branch["properties"]["kind"]["const"]: index for index, branch in enumerate(branches)}


def event_is_valid(event: Any) -> bool:
    """Would request.schema.json accept ``{"op": "event", "event": event}``? Judged against
    the event's own kind's branch alone (every other branch refuses its ``kind``), ten
    times faster than the whole ``oneOf``."""
    kind = event.get("kind") if isinstance(event, dict) else None
    index = _event_branches().get(kind) if isinstance(kind, str) else None
    if index is None:
        return not request_problems({"op": "event", "event": event}, limit=1)
    valid: bool = _validator("request", f"event/oneOf/{index}").is_valid(event)
    return valid
