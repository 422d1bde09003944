"""``pumpproof selftest [--json]``: every mutant of the model must be caught.

Exit 0 only when every mutant is killed (each check is shown able to fail), else 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from pumpproof.errors import ExitCode
from pumpproof.selftest.runner import selftest, selftest_summary
from pumpproof.spec import load_spec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")


def run(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.spec)
    console = Console(stderr=True)
    with console.status("selftest…") as status:
        results = selftest(spec, seed=args.seed, progress=lambda m: status.update(m))
    summary = selftest_summary(results)
    if args.json:
        json.dump(summary, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        table = Table(title="pumpproof selftest: mutants of the reference model")
        for column in ("mutant", "property", "bug", "killed by"):
            table.add_column(column)
        for r in results:
            table.add_row(r.mutant.name, r.mutant.property_id, r.mutant.description,
                          r.by.value if r.by else "NOT KILLED")
        Console().print(table)
        Console().print(summary)
    return ExitCode.OK if summary["killed"] == summary["mutants"] else ExitCode.FINDING
