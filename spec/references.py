"""The references the spec cites (``references.yaml``), and the check that each citation resolves.

Every ``sources`` entry in the spec is ``ID`` or ``ID: locator`` (a table, clause, issue or
section of the reference), and ``ID`` must be a key of ``references.yaml``: an auditor can
follow each requirement, hazard, control, setting and basic event to a full citation, so a
dangling or free-text source is refused by the loader, naming the file, the item and the id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from .strict import StrictModel

__all__ = ["REFERENCE_ID", "Reference", "ReferencesFile", "SourceRef", "parse_source",
           "source_problems"]

#: A reference id: upper-case letters, digits, ``-`` and ``.`` (``FDA-TPLC-2014``).
REFERENCE_ID = re.compile(r"^[A-Z0-9](?:[A-Z0-9.-]*[A-Z0-9])?$")
_SOURCE = re.compile(r"^(?P<id>[A-Z0-9](?:[A-Z0-9.-]*[A-Z0-9])?)(?:: (?P<locator>\S.*))?$")


class Reference(StrictModel):
    """One cited work: its full citation, where to find it, and what it supports here."""

    citation: str = Field(min_length=1)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    identifier: str | None = Field(default=None, min_length=1)
    supports: str = Field(min_length=1)

    @model_validator(mode="after")
    def _findable(self) -> Reference:
        if self.url is None and self.identifier is None:
            raise ValueError("needs a url or an identifier (DOI, docket, standard clause, "
                             "docs/protocol.md#anchor) so a reader can find it")
        return self


class ReferencesFile(StrictModel):
    """``spec/references.yaml``."""

    schema_: Literal["pumpproof.references/1"] = Field(alias="schema")
    references: dict[str, Reference] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> ReferencesFile:
        bad = [key for key in self.references if not REFERENCE_ID.match(key)]
        if bad:
            raise ValueError(f"reference ids must be upper-case letters, digits, '-' and '.', "
                             f"got {', '.join(repr(b) for b in bad)}")
        return self


@dataclass(frozen=True)
class SourceRef:
    """A parsed ``sources`` entry: the reference id and the optional locator within it."""

    id: str
    locator: str | None


def parse_source(text: str) -> SourceRef | None:
    """``"FDA-TPLC-2014: Table 3"`` → ``SourceRef("FDA-TPLC-2014", "Table 3")``; None if malformed.

    >>> parse_source("FDA-TPLC-2014: Table 3")
    SourceRef(id='FDA-TPLC-2014', locator='Table 3')
    >>> parse_source("Sommerville SR1 (notes)") is None
    True
    """
    match = _SOURCE.match(text)
    if match is None:
        return None
    return SourceRef(match.group("id"), match.group("locator"))


def source_problems(where: str, sources: Iterable[str],
                    references: Mapping[str, Reference]) -> list[str]:
    """One problem per entry that is not ``ID[: locator]`` or names no reference."""
    problems = []
    for index, text in enumerate(sources):
        ref = parse_source(text)
        if ref is None:
            problems.append(f"{where}.sources[{index}]: {text!r} is not 'REFERENCE-ID' or "
                            "'REFERENCE-ID: locator' (ids are listed in references.yaml)")
        elif ref.id not in references:
            problems.append(f"{where}.sources[{index}]: no reference '{ref.id}' in "
                            "references.yaml")
    return problems
