"""Strict pydantic parsing shared by every spec file: one base model, one error format.

Unknown keys, wrong types (no silent ``"5"`` → ``5``) and missing fields are refused;
YAML lists are accepted where a field is a frozen tuple. Problems name the file and the
item (``requirements[3] (REQ-DOSE-4).shall``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from pumpproof.errors import SpecError

__all__ = ["StrictModel", "parse_model"]


class StrictModel(BaseModel):
    """Frozen, strict, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _lists_to_tuples(cls, data: Any) -> Any:
        """YAML has only lists; accept them where a field is a (frozen) tuple."""
        if isinstance(data, dict):
            tuple_fields = {
                name
                for name, info in cls.model_fields.items()
                if "tuple" in str(info.annotation)
            }
            return {
                key: tuple(value) if key in tuple_fields and isinstance(value, list) else value
                for key, value in data.items()
            }
        return data


def _pydantic_problems(display: str, exc: ValidationError, data: Any) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        item = _describe_location(loc, data)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "missing"
        elif "input" in err and err["type"].endswith("_type"):
            message = f"{message}, got {err['input']!r}"
        problems.append(f"{display}: {item}: {message}")
    return problems


def _describe_location(loc: list[Any], data: Any) -> str:
    """``['requirements', 3, 'shall']`` → ``requirements[3] (REQ-DOSE-4).shall``."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def parse_model(model: type[Any], display: str, data: Any) -> Any:
    if not isinstance(data, dict):
        raise SpecError([f"{display}: must be a mapping at the top level"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_pydantic_problems(display, exc, data)) from None
