"""``pumpproof check --target T``: the CI gate for a firmware (or any protocol target).

Exit 0 when no safety property is violated and the target did not fail; 1 on a
violation or a target failure (a crash or hang stops insulin: it is a safety finding),
or on a conformance difference with ``--strict-conformance``; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pumpproof.campaigns.check import (
    Baseline,
    CheckOptions,
    CheckResult,
    compare_baseline,
    run_check,
    target_section,
)
from pumpproof.campaigns.evidence import evidence_json, junit_xml
from pumpproof.spec import load_spec

from ._files import write_atomic
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
    parser.add_argument("--strict-conformance", action="store_true",
                        help="fail the gate on differences from the reference model")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--out", default="pumpproof-check", help="output directory")


def _junit(result: CheckResult, base: str, strict: bool) -> str:
    root = ET.fromstring(base.split("\n", 1)[1])
    root.set("name", "pumpproof.check")
    target = ET.SubElement(root, "testcase", classname="target", name="protocol")
    failure = result.outcome.target_failure
    if failure:
        node = ET.SubElement(target, "failure", message=f"target failure: {failure}")
        trace = result.outcome.target_trace or []
        node.text = "\n".join(json.dumps(m, sort_keys=True) for m in trace)
    conformance = ET.SubElement(root, "testcase", classname="target", name="conformance")
    if result.outcome.conformance:
        first = result.outcome.conformance[0]
        tag = "failure" if strict else "system-out"
        node = ET.SubElement(conformance, tag)
        text = (f"{len(result.outcome.conformance)} difference(s); first at request "
                f"{first.index}: {first.field} target={first.target!r} "
                f"reference={first.reference!r}")
        if strict:
            node.set("message", text)
        else:
            node.text = text
    tests = len(root.findall("testcase"))
    root.set("tests", str(tests))
    root.set("failures", str(len(root.findall("testcase/failure"))))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def run(args: argparse.Namespace) -> int:
    if bool(args.target) == bool(args.target_cmd):
        raise SystemExit(_usage("give exactly one of --target and --target-cmd"))
    target = args.target or f"cmd:{args.target_cmd}"
    spec = load_spec(args.spec)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    options = CheckOptions(target=target, budget_s=args.budget, seed=args.seed,
                           workers=args.workers, timeout_s=args.timeout, spec_dir=args.spec,
                           dask_address=args.dask)
    console = Console(stderr=True)
    with console.status(f"checking {target}…") as status:
        result = run_check(spec, options, progress=lambda m: status.update(m))
    section = target_section(options, result)
    comparison = compare_baseline(result.violated, baseline) if baseline else None
    if comparison is not None:
        section["baseline"] = {**comparison, "file": args.baseline,
                               "justifications": baseline.accepted if baseline else {}}
    data = evidence_json(spec, result.evidence, seed=args.seed, profile="ci", target=section)
    out = Path(args.out)
    write_outputs(out, data, result.evidence, result.seconds)
    if result.outcome.target_trace:
        lines = "".join(json.dumps(m, sort_keys=True) + "\n" for m in result.outcome.target_trace)
        write_atomic(out / "counterexamples" / "target-failure.jsonl", lines)
    write_atomic(out / "junit.xml",
                 _junit(result, junit_xml(result.evidence), args.strict_conformance))
    _print(result, comparison, target)
    failing = comparison["new"] + comparison["still_failing"] if comparison else result.violated
    if failing or result.outcome.target_failure:
        return 1
    if args.strict_conformance and result.outcome.conformance:
        return 1
    return 0


def _usage(message: str) -> int:
    print(f"pumpproof: error: {message}", file=__import__("sys").stderr)
    return 2


def _print(result: CheckResult, comparison: dict[str, list[str]] | None, target: str) -> None:
    console = Console()
    table = Table(title=f"pumpproof check: {target}")
    for column in ("property", "verdict", "triggers"):
        table.add_column(column)
    for item in result.evidence:
        table.add_row(item.prop.id, item.verdict.value.upper(), str(item.triggers))
    console.print(table)
    outcome = result.outcome
    console.print(f"{outcome.examples} examples, {outcome.requests} requests, "
                  f"{result.rounds} round(s), {result.seconds:.1f} s")
    if outcome.target_failure:
        console.print(f"[bold red]TARGET FAILURE[/]: {outcome.target_failure} "
                      f"(trace: {len(outcome.target_trace or [])} requests)")
    for diff in outcome.conformance[:5]:
        console.print(f"conformance: request {diff.index}: {diff.field} target={diff.target!r} "
                      f"reference={diff.reference!r}")
    if comparison:
        console.print(f"baseline: new {comparison['new']}, still failing "
                      f"{comparison['still_failing']}, known {comparison['known']}, "
                      f"fixed {comparison['fixed']}")
