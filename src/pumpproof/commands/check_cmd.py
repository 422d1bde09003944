"""``pumpproof check --target T``: the CI gate for a firmware (or any protocol target).

Exit 0 when no safety property is violated and the target did not fail; 1 on a
violation or a target failure (a crash or hang stops insulin: it is a safety finding),
or on a conformance difference with ``--strict-conformance``; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.table import Table

from pumpproof.campaigns.check import (
    Baseline,
    CheckOptions,
    CheckResult,
    baseline_json,
    run_check,
    with_baseline,
)
from pumpproof.campaigns.evidence import (
    TARGET_FAILURE_TRACE,
    conformance_trace_name,
    counterexample_name,
)
from pumpproof.campaigns.junit import check_suite, junit_text
from pumpproof.campaigns.timeline import Timeline, replay_findings, target_timelines
from pumpproof.errors import ExitCode
from pumpproof.files import jsonl, write_atomic, write_json
from pumpproof.properties.verdicts import Method
from pumpproof.spec import Spec, load_spec

from ._args import positive_int, seconds, seed
from ._console import Stages, console
from ._findings import print_findings
from ._properties import add_properties_argument, use_properties
from .verify_cmd import write_outputs

#: The timelines of a check's findings, beside its evidence.json.
TIMELINES = "timelines.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="reference | py:module:Factory | cmd:COMMAND")
    parser.add_argument("--target-cmd", help="shorthand for --target 'cmd:COMMAND'")
    parser.add_argument("--controller", metavar="C",
                        help="check an AID controller instead of a pump: oref0 | pyloopkit | "
                        "cmd:COMMAND (docs/controller.md; 'pumpproof controllers setup' first)")
    parser.add_argument("--budget", type=seconds, default=60.0, help="seconds (default 60)")
    parser.add_argument("--rounds", type=positive_int, metavar="N",
                        help="plan exactly N fuzzing rounds (20 examples each) instead of one "
                        "per 10 s of budget: the same work, and so the same findings, on a "
                        "fast or a loaded machine as long as the budget is not reached")
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--workers", type=positive_int, default=1, help="local processes")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run the campaign on an existing Dask cluster (tcp://host:port)")
    parser.add_argument("--timeout", type=seconds, default=5.0, help="seconds per request")
    parser.add_argument("--baseline", help="an earlier evidence.json or bundle.json")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="also write the evidence as a baseline file (with an empty "
                        "'accepted' list for justifications) to commit and pass as --baseline")
    parser.add_argument("--strict-conformance", action="store_true",
                        help="fail the gate on differences from the reference model")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--out", default="pumpproof-check", help="output directory")


def run(args: argparse.Namespace) -> ExitCode:
    if args.controller is not None:
        if args.target or args.target_cmd:
            return _usage("give --controller or a target (--target, --target-cmd), not both")
        unused = [name for name, given in (
            ("--baseline", args.baseline), ("--write-baseline", args.write_baseline),
            ("--dask", args.dask), ("--workers", args.workers != 1), ("--rounds", args.rounds),
            ("--strict-conformance", args.strict_conformance)) if given]
        if unused:
            return _usage(f"{', '.join(unused)} apply to pump targets, not to --controller")
        from .controller_check import run_controller_check
        return run_controller_check(args)
    if bool(args.target) == bool(args.target_cmd):
        return _usage("give exactly one of --target and --target-cmd")
    target = args.target or f"cmd:{args.target_cmd}"
    spec = load_spec(args.spec)
    use_properties(args, spec)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    options = CheckOptions(target=target, budget_s=args.budget, seed=args.seed,
                           workers=args.workers, timeout_s=args.timeout, dask_address=args.dask,
                           rounds=args.rounds)
    stages = Stages(2)
    with stages.stage(f"checking {target}") as update:
        result = run_check(spec, options, progress=update)
    if baseline is not None:
        result = with_baseline(result, baseline, args.baseline)
    out = Path(args.out)
    junit = junit_text([check_suite(result.evidence, args.strict_conformance)])
    write_outputs(out, result.evidence, result.seconds, junit)
    failure = result.target.failure
    if failure is not None and failure.trace:
        write_atomic(out / TARGET_FAILURE_TRACE, jsonl(failure.trace))
    for index, diff in enumerate(result.target.conformance):
        write_atomic(out / conformance_trace_name(index), jsonl(diff.trace))
    if args.write_baseline:
        write_json(Path(args.write_baseline), baseline_json(result, baseline))
    _print(result, target, out)
    with stages.stage("explaining the findings (replaying each saved trace)"):
        timelines = print_target_findings(spec, result, target, out, args.timeout, args.spec)
    write_json(out / TIMELINES, timelines)
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


def print_target_findings(spec: Spec, result: CheckResult, target: str, out: Path,
                          timeout_s: float, spec_dir: str | None) -> dict[str, Timeline]:
    """The finding lines of every violation of a check, and the timelines of its findings
    (by trace name): each trace is replayed once on the target, for both."""
    comparison = result.target.baseline
    labels: dict[str, str] = {}
    if comparison is not None:
        labels = {**{p: "VIOLATED (new)" for p in comparison.new},
                  **{p: "VIOLATED (still failing)" for p in comparison.still_failing},
                  **{p: "KNOWN (accepted in the baseline)" for p in comparison.known}}
    violations = {prop_id: (trace, out / counterexample_name(prop_id, Method.FUZZ))
                  for prop_id, trace in result.outcome.violations.items()}
    replays = replay_findings(spec, target, timeout_s, result.outcome)
    print_findings(sys.stdout, spec, target, timeout_s, violations, labels, spec_dir,
                   replays.by_property)
    sys.stdout.flush()
    return target_timelines(spec, replays)


def _print(result: CheckResult, target: str, out: Path) -> None:
    console_ = console()
    table = Table(title=f"pumpproof check: {target}")
    table.add_column("property", no_wrap=True, overflow="fold")
    for column in ("verdict", "triggers"):
        table.add_column(column)
    for item in result.evidence.properties:
        table.add_row(item.prop.id, item.verdict.value.upper(), str(item.triggers))
    console_.print(table)
    outcome = result.outcome
    console_.print(f"{outcome.examples} examples, {outcome.requests} requests, "
                   f"{result.rounds} round(s), {result.seconds:.1f} s")
    if result.budget_exhausted:
        cut = list(result.target.shrinking_cut_short)
        console_.print(f"budget exhausted{f': shrinking cut short for {cut}' if cut else ''}",
                       markup=False, highlight=False)
    console_.print(f"evidence: {out / 'evidence.json'}  junit: {out / 'junit.xml'}  "
                   f"timelines: {out / TIMELINES}", markup=False, highlight=False)
    if outcome.target_failure:
        trace = outcome.target_trace or []
        where = f"trace: {out / TARGET_FAILURE_TRACE}, " if trace else ""
        console_.print(f"TARGET FAILURE: {outcome.target_failure} ({where}{len(trace)} "
                       "requests)", markup=False, highlight=False)
    for index, diff in enumerate(result.target.conformance[:5]):
        console_.print(f"conformance: trace line {diff.index + 1}: {diff.field} "
                       f"target={diff.target!r} reference={diff.reference!r} (trace: "
                       f"{out / conformance_trace_name(index)})", markup=False, highlight=False)
    comparison = result.target.baseline
    if comparison is not None:
        console_.print(f"baseline: new {list(comparison.new)}, still failing "
                       f"{list(comparison.still_failing)}, known {list(comparison.known)}, "
                       f"fixed {list(comparison.fixed)}", markup=False, highlight=False)
