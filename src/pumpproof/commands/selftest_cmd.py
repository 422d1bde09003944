"""``pumpproof selftest [--json]``: every mutant of the model must be caught.

Exit 0 only when every mutant is killed (each check is shown able to fail), else 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from pumpproof.errors import ExitCode
from pumpproof.selftest.runner import selftest, selftest_summary
from pumpproof.spec import load_spec

from ._args import seed
from ._console import Stages, console
from ._properties import add_properties_argument, use_properties


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")


def run(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.spec)
    use_properties(args, spec)
    with Stages(1).stage("selftest: every mutant against its property") as update:
        results = selftest(spec, seed=args.seed, progress=update)
    summary = selftest_summary(results)
    if args.json:
        json.dump(summary, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        table = Table(title="pumpproof selftest: mutants of the reference model")
        table.add_column("mutant", no_wrap=True, overflow="fold")
        table.add_column("property", no_wrap=True, overflow="fold")
        for column in ("bug", "killed by"):
            table.add_column(column)
        for r in results:
            table.add_row(r.mutant.name, r.mutant.property_id, r.mutant.description,
                          r.by.value if r.by else "NOT KILLED")
        out = console()
        out.print(table)
        out.print(summary)
    return ExitCode.OK if summary["killed"] == summary["mutants"] else ExitCode.FINDING
