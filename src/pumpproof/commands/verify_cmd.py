"""``pumpproof verify``: prove, search and fuzz every property on the reference model.

Writes ``OUT/evidence.json`` (deterministic), ``OUT/junit.xml``, ``OUT/timings.json`` and
``OUT/counterexamples/*.jsonl``. Exit 0 when every property is proved or passed, 1 when
one is violated, 3 when none is violated but one has no conclusive evidence.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pumpproof.campaigns.evidence import (
    counterexample_name,
    dumps,
    evidence_json,
    junit_xml,
    timings_json,
)
from pumpproof.campaigns.verify import PropertyEvidence, verify
from pumpproof.properties.verdicts import Verdict
from pumpproof.spec import load_spec

from ._files import write_atomic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--out", default="pumpproof-out", help="output directory")
    parser.add_argument("--profile", choices=("ci", "thorough"), default="ci")
    parser.add_argument("--seed", type=int, default=0, help="fuzzing seed (default 0)")
    parser.add_argument("--workers", type=int, default=2, help="processes for proofs")


def write_outputs(out: Path, spec_evidence: dict[str, Any], evidence: list[PropertyEvidence],
                  seconds: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for item in evidence:
        for result in item.results:
            if result.counterexample is not None:
                lines = "".join(json.dumps(m, sort_keys=True) + "\n" for m in result.counterexample)
                write_atomic(out / counterexample_name(item.prop.id, result.method), lines)
    write_atomic(out / "evidence.json", dumps(spec_evidence))
    write_atomic(out / "junit.xml", junit_xml(evidence))
    write_atomic(out / "timings.json", dumps(timings_json(evidence, seconds)))


def print_summary(console: Console, evidence: list[PropertyEvidence]) -> None:
    table = Table(title="pumpproof verify")
    for column in ("property", "verdict", "methods", "triggers", "requirements"):
        table.add_column(column)
    for item in evidence:
        methods = ", ".join(f"{r.method}:{r.verdict.value}" for r in item.results)
        vacuous = " (vacuous!)" if item.triggers == 0 else ""
        table.add_row(item.prop.id, item.verdict.value.upper(), methods,
                      f"{item.triggers}{vacuous}", ", ".join(item.prop.requirements))
    console.print(table)


def exit_code(evidence: list[PropertyEvidence]) -> int:
    verdicts = {item.verdict for item in evidence}
    if Verdict.VIOLATED in verdicts:
        return 1
    if Verdict.UNKNOWN in verdicts:
        return 3
    return 0


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    spec = load_spec(args.spec)
    started = time.perf_counter()
    with console.status("verifying…") as status:
        evidence = verify(spec, profile=args.profile, seed=args.seed, workers=args.workers,
                          progress=lambda message: status.update(message))
    seconds = time.perf_counter() - started
    out = Path(args.out)
    data = evidence_json(spec, evidence, seed=args.seed, profile=args.profile)
    write_outputs(out, data, evidence, seconds)
    print_summary(Console(), evidence)
    console.print(f"evidence: {out / 'evidence.json'}  junit: {out / 'junit.xml'}  "
                  f"({seconds:.1f} s)")
    return exit_code(evidence)
