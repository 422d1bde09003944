"""``pumpproof spec validate [DIR]`` and ``pumpproof spec export --json [DIR]``."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module
from typing import Any

from pumpproof.errors import ExitCode, SpecError
from pumpproof.hazards.risk import structure_problems
from pumpproof.spec import Spec, load_spec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="spec_action", metavar="ACTION", required=True)
    validate = sub.add_parser("validate", help="check a spec directory; exit 2 with every problem")
    validate.add_argument("directory", nargs="?", help="spec directory (default: built-in)")
    export = sub.add_parser("export", help="print the spec as JSON (settings by protocol name)")
    export.add_argument("directory", nargs="?", help="spec directory (default: built-in)")
    export.add_argument("--json", action="store_true", default=True, help="JSON output (default)")


def _properties_by_requirement() -> dict[str, list[str]]:
    """``{requirement id: [property ids]}``: the backward direction of the trace."""
    try:
        catalogue = import_module("pumpproof.properties.catalogue")
    except ModuleNotFoundError:  # the property catalogue is not built yet
        return {}
    out: dict[str, list[str]] = {}
    for prop in catalogue.all_properties():
        for req_id in prop.requirements:
            out.setdefault(req_id, []).append(prop.id)
    return {key: sorted(value) for key, value in out.items()}


def spec_as_json(spec: Spec) -> dict[str, Any]:
    """The export: protocol settings, their metadata, requirements (and their properties)."""
    backlinks = _properties_by_requirement()
    return {
        "schema": "pumpproof.spec-export/1",
        "name": spec.name,
        "settings": spec.settings.to_protocol(),
        "setting_details": {
            name: {
                "unit": entry.unit,
                "range": list(entry.range) if entry.range else None,
                "description": entry.description,
                "sources": list(entry.sources),
            }
            for name, entry in spec.setting_entries.items()
        },
        "families": dict(spec.families),
        "requirements": [
            {
                **req.model_dump(mode="json"),
                "family": req.family,
                "properties": backlinks.get(req.id, []),
            }
            for req in spec.requirements
        ],
        "file_hashes": {name: sha for name, sha in spec.file_hashes},
    }


def run(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.directory)
    if args.spec_action == "validate":
        if spec.hazard_log is not None:  # cut sets need the BDD, so they are checked here
            problems = structure_problems(spec.hazard_log)
            if problems:
                raise SpecError(problems)
        which = "the built-in spec" if args.directory is None else "spec directory"
        print(
            f"{spec.directory.resolve()}: valid ({which}) — "
            f"{len(spec.settings.to_protocol())} settings, {len(spec.requirements)} "
            f"requirements, {len(spec.references)} references"
        )
        return ExitCode.OK
    json.dump(spec_as_json(spec), sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")
    return ExitCode.OK
