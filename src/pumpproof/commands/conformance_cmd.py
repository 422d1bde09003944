"""``pumpproof conformance --target T``: one quick scenario per protocol rule, pass or fail.

The first command a firmware team runs while bringing up its adapter: each behaviour rule of
docs/protocol.md (R1–R13, the bad-request rules of §9 and the id rule S18) as a short named
session with its expected answers. Prints a table (rule, scenario, result, and for a failure
the first differing answer: the request, what the rule expects and what came back) or, with
``--json``, the same as one JSON object. Exit 0 when every scenario passes, 1 when one fails
(a wrong answer, a crash, a hang, an answer that breaks the schema), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from pumpproof.campaigns.conformance import ConformanceResult, ScenarioResult, run_conformance
from pumpproof.errors import ExitCode, UsageError
from pumpproof.spec import load_spec
from pumpproof.targets import TargetFailure

from ._args import seconds
from ._console import Stages, console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", default="reference",
                        help="reference (default) | py:module:Factory | cmd:COMMAND")
    parser.add_argument("--timeout", type=seconds, default=5.0, help="seconds per request")
    parser.add_argument("--spec", help="spec directory whose hard ranges apply (default: "
                        "built-in)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.spec)
    stages = Stages(1)
    try:
        with stages.stage(f"conformance of {args.target}") as update:
            result = run_conformance(spec, args.target, args.timeout, progress=update)
    except TargetFailure as exc:
        raise UsageError(f"{args.target}: the target cannot start: {exc}") from None
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print(result)
    return ExitCode.FINDING if result.failed else ExitCode.OK


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _difference(item: ScenarioResult) -> str:
    if item.mismatch is None:
        return item.note
    m = item.mismatch
    return (f"request {m.step}: {_compact(m.request)}\n{m.message}\n"
            f"expected: {_compact(m.expected)}\ngot: {_compact(m.got)}")


def _print(result: ConformanceResult) -> None:
    console_ = console()
    table = Table(title=f"pumpproof conformance: {result.target}", show_lines=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("scenario", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("first difference (docs/protocol.md)", overflow="fold")
    for item in result.results:
        table.add_row(item.scenario.rule, item.scenario.name, item.status.upper(),
                      _difference(item))
    console_.print(table, markup=False, highlight=False)
    counts = result.to_json()
    console_.print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped "
                   f"of {len(result.results)} scenarios", markup=False, highlight=False)
    for item in result.failed:
        console_.print(f"FAILED {item.scenario.rule} {item.scenario.name}: "
                       f"{item.scenario.title} (see {item.anchor})",
                       markup=False, highlight=False)
