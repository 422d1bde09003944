"""Typed, immutable records of the spec, and the pydantic schemas that parse them.

Parsing is strict: unknown keys, wrong types (no silent ``"5"`` → ``5``) and missing
fields are refused. Consistency between files (dangling references, duplicate ids)
is checked by the loader's later phases, not here.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from .strict import StrictModel

__all__ = [
    "RECORD_METHODS",
    "VERIFICATION_METHODS",
    "PumpFile",
    "Requirement",
    "RequirementsFile",
    "SettingEntry",
]

VERIFICATION_METHODS = ("proof", "fuzz", "contract", "analysis", "review", "test")
VerificationMethod = Literal["proof", "fuzz", "contract", "analysis", "review", "test"]
#: Methods whose evidence is a record outside pumpproof (a review, an analysis, a bench or
#: usability test report): a requirement verified only by these must name its record.
RECORD_METHODS = frozenset({"analysis", "review", "test"})
_REQ_ID = re.compile(r"^REQ-([A-Z]+)-([0-9]+)$")


class SettingEntry(StrictModel):
    """One setting in ``pump.yaml``: its value, unit, hard range and sources."""

    value: int | list[list[int]]
    unit: str = Field(min_length=1)
    range: tuple[int, int] | None = None
    description: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class PumpFile(StrictModel):
    """``spec/pump.yaml``."""

    schema_: Literal["pumpproof.pump/1"] = Field(alias="schema")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    settings: dict[str, SettingEntry]


class Requirement(StrictModel):
    """One requirement of ``requirements.yaml`` with a stable id (``REQ-DOSE-1``)."""

    id: str
    title: str = Field(min_length=1)
    shall: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    settings: tuple[str, ...] = ()
    verification: tuple[VerificationMethod, ...] = Field(min_length=1)
    protocol_rules: tuple[int, ...] = ()
    review_record: str | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _REQ_ID.match(value):
            raise ValueError(f"must look like REQ-FAMILY-N (e.g. REQ-DOSE-1), got {value!r}")
        return value

    @field_validator("shall")
    @classmethod
    def _is_shall(cls, value: str) -> str:
        if " shall " not in f" {value} ":
            raise ValueError("must be a 'shall' statement")
        return value

    @property
    def family(self) -> str:
        """The family code in the id: ``REQ-DOSE-1`` → ``DOSE``."""
        match = _REQ_ID.match(self.id)
        assert match is not None  # checked by the validator
        return match.group(1)


class RequirementsFile(StrictModel):
    """``spec/requirements.yaml``."""

    schema_: Literal["pumpproof.requirements/1"] = Field(alias="schema")
    families: dict[str, str]
    requirements: tuple[Requirement, ...] = Field(min_length=1)
