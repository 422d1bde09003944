"""``pumpproof check --target T``: the CI gate for a firmware (or any protocol target).

Exit 0 when no safety property is violated and the target did not fail; 1 on a
violation or a target failure (a crash or hang stops insulin: it is a safety finding),
or on a conformance difference with ``--strict-conformance``; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pumpproof.campaigns.check import (
    Baseline,
    CheckOptions,
    CheckResult,
    baseline_json,
    run_check,
    with_baseline,
)
from pumpproof.campaigns.evidence import TARGET_FAILURE_TRACE
from pumpproof.campaigns.junit import check_suite, junit_text
from pumpproof.errors import ExitCode
from pumpproof.files import jsonl, write_atomic, write_json
from pumpproof.spec import load_spec

from .verify_cmd import write_outputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="reference | py:module:Factory | cmd:COMMAND")
    parser.add_argument("--target-cmd", help="shorthand for --target 'cmd:COMMAND'")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="local processes")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run the campaign on an existing Dask cluster (tcp://host:port)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per request")
    parser.add_argument("--baseline", help="an earlier evidence.json or bundle.json")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="also write the evidence as a baseline file (with an empty "
                        "'accepted' list for justifications) to commit and pass as --baseline")
    parser.add_argument("--strict-conformance", action="store_true",
                        help="fail the gate on differences from the reference model")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--out", default="pumpproof-check", help="output directory")


def run(args: argparse.Namespace) -> ExitCode:
    if bool(args.target) == bool(args.target_cmd):
        return _usage("give exactly one of --target and --target-cmd")
    target = args.target or f"cmd:{args.target_cmd}"
    spec = load_spec(args.spec)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    options = CheckOptions(target=target, budget_s=args.budget, seed=args.seed,
                           workers=args.workers, timeout_s=args.timeout, dask_address=args.dask)
    console = Console(stderr=True)
    with console.status(f"checking {target}…") as status:
        result = run_check(spec, options, progress=lambda m: status.update(m))
    if baseline is not None:
        result = with_baseline(result, baseline, args.baseline)
    out = Path(args.out)
    junit = junit_text([check_suite(result.evidence, args.strict_conformance)])
    write_outputs(out, result.evidence, result.seconds, junit)
    failure = result.target.failure
    if failure is not None and failure.trace:
        write_atomic(out / TARGET_FAILURE_TRACE, jsonl(failure.trace))
    if args.write_baseline:
        write_json(Path(args.write_baseline), baseline_json(result, baseline))
    _print(result, target)
    comparison = result.target.baseline
    failing = comparison.failing if comparison is not None else result.violated
    if failing or (failure is not None and failure.message):
        return ExitCode.FINDING
    if args.strict_conformance and result.target.conformance:
        return ExitCode.FINDING
    return ExitCode.OK


def _usage(message: str) -> ExitCode:
    print(f"pumpproof: error: {message}", file=sys.stderr)
    return ExitCode.BAD_INPUT


def _print(result: CheckResult, target: str) -> None:
    console = Console()
    table = Table(title=f"pumpproof check: {target}")
    for column in ("property", "verdict", "triggers"):
        table.add_column(column)
    for item in result.evidence.properties:
        table.add_row(item.prop.id, item.verdict.value.upper(), str(item.triggers))
    console.print(table)
    outcome = result.outcome
    console.print(f"{outcome.examples} examples, {outcome.requests} requests, "
                  f"{result.rounds} round(s), {result.seconds:.1f} s")
    if result.budget_exhausted:
        cut = list(result.target.shrinking_cut_short)
        console.print(f"budget exhausted{f': shrinking cut short for {cut}' if cut else ''}")
    if outcome.target_failure:
        console.print(f"[bold red]TARGET FAILURE[/]: {outcome.target_failure} "
                      f"(trace: {len(outcome.target_trace or [])} requests)")
    for diff in outcome.conformance[:5]:
        console.print(f"conformance: request {diff.index}: {diff.field} target={diff.target!r} "
                      f"reference={diff.reference!r}")
    comparison = result.target.baseline
    if comparison is not None:
        console.print(f"baseline: new {list(comparison.new)}, still failing "
                      f"{list(comparison.still_failing)}, known {list(comparison.known)}, "
                      f"fixed {list(comparison.fixed)}")
