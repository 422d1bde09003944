"""``pumpproof check --controller C``: the controller gate (exit 0 no violation, 1 a
violation or a controller failure, 2 bad input)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.table import Table

from pumpproof.campaigns.controller_check import (
    FAILURE_FILE,
    ControllerCheck,
    check_controller,
    controller_evidence,
    controller_suite,
    finding_file,
    finding_json,
)
from pumpproof.campaigns.junit import junit_text
from pumpproof.controllers import make_controller
from pumpproof.controllers.interface import encode_input
from pumpproof.controllers.properties import PROPERTIES
from pumpproof.errors import ExitCode
from pumpproof.files import write_atomic, write_json
from pumpproof.spec import load_spec

from ._console import Stages, console

__all__ = ["run_controller_check", "write_controller_outputs"]


def write_controller_outputs(out: Path, check: ControllerCheck,
                             evidence: dict[str, object]) -> None:
    """evidence.json, junit.xml and one replayable input per finding under ``out``."""
    write_json(out / "evidence.json", evidence)
    write_atomic(out / "junit.xml", junit_text([controller_suite(check)]))
    for finding in check.result.findings.values():
        write_json(out / finding_file(finding.prop_id), finding_json(check, finding))
    if check.result.failure is not None and check.result.failure_case is not None:
        write_json(out / FAILURE_FILE, {"controller": check.spec_text,
                                        "problem": check.result.failure,
                                        "input": encode_input(check.result.failure_case.input)})


def run_controller_check(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.spec)
    controller = make_controller(args.controller, timeout_s=max(args.timeout, 10.0))
    stages = Stages(1)
    try:
        with stages.stage(f"checking controller {args.controller}") as update:
            check = check_controller(controller, args.controller, args.budget, args.seed,
                                     progress=update)
    finally:
        controller.close()
    out = Path(args.out)
    evidence = controller_evidence(spec, check)
    write_controller_outputs(out, check, evidence)
    print_controller_check(check, out)
    if check.violated or check.result.failure is not None:
        return ExitCode.FINDING
    return ExitCode.OK


def print_controller_check(check: ControllerCheck, out: Path) -> None:
    console_ = console()
    table = Table(title=f"pumpproof check: controller {check.spec_text} {check.version}")
    table.add_column("property", no_wrap=True, overflow="fold")
    for column in ("verdict", "triggers"):
        table.add_column(column)
    for prop in PROPERTIES:
        verdict = check.verdict(prop).value.upper()
        if not check.applies(prop):
            verdict += " (not applicable)"
        table.add_row(prop.id, verdict, str(check.result.triggers.get(prop.id, 0)))
    console_.print(table)
    r = check.result
    console_.print(f"{r.examples} situations, {r.decisions} decisions ({r.refusals} refused), "
                   f"{check.seconds:.1f} s", markup=False, highlight=False)
    console_.print(f"evidence: {out / 'evidence.json'}  junit: {out / 'junit.xml'}",
                   markup=False, highlight=False)
    for prop in PROPERTIES:
        finding = r.findings.get(prop.id)
        if finding is None:
            continue
        sys.stdout.flush()
        print(f"VIOLATED {prop.id} ({', '.join(prop.requirements)}): {finding.problem}")
        print(f"  input: {out / finding_file(prop.id)}  replay: pumpproof controllers decide "
              f"--controller {check.spec_text} {out / finding_file(prop.id)}")
    if r.failure is not None:
        print(f"CONTROLLER FAILURE: {r.failure} (input: {out / FAILURE_FILE})")
    sys.stdout.flush()
