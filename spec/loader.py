"""Load and validate a spec directory once, at the edge, in named phases.

Phases (each adds the file and item to its problems, and all problems of a phase are
reported together): ``read`` (strict YAML) → ``parse`` (schemas) → ``check_settings``
(types, hard ranges, protocol consistency) → ``check_requirements`` (unique ids,
known families, settings that exist) → ``check_sources`` (every ``sources`` entry names a
reference of ``references.yaml``). After this, analyses trust the :class:`Spec`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pumpproof.errors import SpecError

from .hazard_log import HazardLog, load_hazard_log
from .references import Reference, ReferencesFile, source_problems
from .schema import RECORD_METHODS, PumpFile, Requirement, RequirementsFile, SettingEntry
from .settings import SETTING_NAMES, Settings, settings_problems
from .strict import parse_model
from .yaml_io import read_yaml

__all__ = ["SPEC_FILES", "Spec", "default_spec_dir", "load_spec"]

SPEC_FILES = ("pump.yaml", "requirements.yaml", "references.yaml")


def default_spec_dir() -> Path:
    """The built-in spec shipped with pumpproof (package data of ``pumpproof.spec``)."""
    return Path(str(resources.files("pumpproof.spec")))


@dataclass(frozen=True)
class Spec:
    """A validated spec: settings of the reference pump, requirements, file hashes."""

    directory: Path
    name: str
    description: str
    settings: Settings
    setting_entries: Mapping[str, SettingEntry]
    ranges: Mapping[str, tuple[int, int]]
    families: Mapping[str, str]
    requirements: tuple[Requirement, ...]
    file_hashes: tuple[tuple[str, str], ...] = field(default=())
    hazard_log: HazardLog | None = None
    # line of each requirement's ``id:`` in requirements.yaml (for SARIF locations)
    requirement_lines: Mapping[str, int] = field(default_factory=dict)
    # the works cited by every ``sources`` entry (references.yaml), by id
    references: Mapping[str, Reference] = field(default_factory=dict)

    def requirement(self, req_id: str) -> Requirement:
        """The requirement with this id (KeyError if none)."""
        for req in self.requirements:
            if req.id == req_id:
                return req
        raise KeyError(req_id)

    @property
    def requirement_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.requirements)


def _display_dir(directory: Path) -> str:
    if directory.resolve() == default_spec_dir().resolve():
        return "spec"
    return str(directory)


def _check_settings(display: str, pump: PumpFile) -> tuple[Settings, dict[str, tuple[int, int]]]:
    problems: list[str] = []
    ranges: dict[str, tuple[int, int]] = {}
    for name, entry in pump.settings.items():
        if entry.range is not None:
            low, high = entry.range
            if low > high:
                problems.append(f"{display}: {name}.range: low {low} is above high {high}")
            ranges[name] = entry.range
        elif name != "basal_schedule":
            problems.append(f"{display}: {name}.range: missing")
    values = {name: entry.value for name, entry in pump.settings.items()}
    for item, problem in settings_problems(values, ranges):
        problems.append(f"{display}: {item}: {problem}")
    if problems:
        raise SpecError(problems)
    return Settings.from_values(values), ranges


def _check_requirements(display: str, reqs: RequirementsFile) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for index, req in enumerate(reqs.requirements):
        where = f"{display}: requirements[{index}] ({req.id})"
        if req.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(req.id)
        if req.family not in reqs.families:
            problems.append(
                f"{where}: family {req.family} is not one of {', '.join(sorted(reqs.families))}"
            )
        for name in req.settings:
            if name not in SETTING_NAMES:
                problems.append(f"{where}.settings: no setting named {name!r}")
        for rule in req.protocol_rules:
            if not 1 <= rule <= 13:
                problems.append(
                    f"{where}.protocol_rules: target protocol v1 has rules 1–13, got {rule}"
                )
        if set(req.verification) <= RECORD_METHODS and not req.review_record:
            methods = "/".join(req.verification)
            problems.append(f"{where}: verified by {methods} only, so it needs a review_record "
                            "naming the record that verifies it")
    if problems:
        raise SpecError(problems)


def _check_sources(pump_display: str, pump: PumpFile, reqs_display: str,
                   reqs: RequirementsFile, references: Mapping[str, Reference]) -> None:
    problems: list[str] = []
    for name, entry in pump.settings.items():
        problems.extend(source_problems(f"{pump_display}: settings.{name}", entry.sources,
                                        references))
    for index, req in enumerate(reqs.requirements):
        problems.extend(source_problems(f"{reqs_display}: requirements[{index}] ({req.id})",
                                        req.sources, references))
    if problems:
        raise SpecError(problems)


def _hashes(directory: Path, names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, hashlib.sha256((directory / name).read_bytes()).hexdigest()) for name in names
    )


def _requirement_lines(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip().removeprefix("- ").strip()
        if stripped.startswith("id: REQ-"):
            out.setdefault(stripped.removeprefix("id:").strip(), number)
    return out


def load_spec(directory: Path | str | None = None) -> Spec:
    """Load and validate the spec in ``directory`` (the built-in one by default).

    Raises :class:`~pumpproof.errors.SpecError` listing every problem found, each
    naming the file, the item and the problem.
    """
    spec_dir = Path(directory) if directory is not None else default_spec_dir()
    shown = _display_dir(spec_dir)
    if not spec_dir.is_dir():
        raise SpecError([f"{shown}: not a directory"])
    pump_display = f"{shown}/pump.yaml"
    reqs_display = f"{shown}/requirements.yaml"
    pump_raw = read_yaml(spec_dir / "pump.yaml", pump_display)
    reqs_raw = read_yaml(spec_dir / "requirements.yaml", reqs_display)
    pump: PumpFile = parse_model(PumpFile, pump_display, pump_raw)
    reqs: RequirementsFile = parse_model(RequirementsFile, reqs_display, reqs_raw)
    settings, ranges = _check_settings(pump_display, pump)
    _check_requirements(reqs_display, reqs)
    refs_display = f"{shown}/references.yaml"
    refs: ReferencesFile = parse_model(
        ReferencesFile, refs_display, read_yaml(spec_dir / "references.yaml", refs_display))
    _check_sources(pump_display, pump, reqs_display, reqs, refs.references)
    requirement_ids = frozenset(r.id for r in reqs.requirements)
    hazard_log = load_hazard_log(spec_dir, shown, requirement_ids, refs.references)
    files = SPEC_FILES + (hazard_log.files if hazard_log else ())
    return Spec(
        directory=spec_dir,
        name=pump.name,
        description=pump.description,
        settings=settings,
        setting_entries=dict(pump.settings),
        ranges=ranges,
        families=dict(reqs.families),
        requirements=reqs.requirements,
        file_hashes=_hashes(spec_dir, files),
        hazard_log=hazard_log,
        requirement_lines=_requirement_lines(spec_dir / "requirements.yaml"),
        references=dict(refs.references),
    )
