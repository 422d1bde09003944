"""``pumpproof diff OLD_BUNDLE NEW_BUNDLE [--format text|md|json]``: what changed between two
releases, a CI gate on a release branch.

Exit 0 when nothing got worse, 1 when something did (a verdict weaker, a target newly
failing, a residual risk class worse), 2 on bad input (a file that is not a bundle).
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table
from rich.text import Text

from pumpproof.errors import ExitCode
from pumpproof.reports import load_bundle
from pumpproof.reports.diff import diff_bundles, diff_json, diff_markdown

from ._console import console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", help="bundle.json of the previous release")
    parser.add_argument("new", help="bundle.json of this release")
    parser.add_argument("--format", choices=("text", "md", "json"), default="text")


def run(args: argparse.Namespace) -> ExitCode:
    old, new = load_bundle(args.old), load_bundle(args.new)
    changes = diff_bundles(old, new)
    worse = [c for c in changes if c.worse]
    if args.format == "json":
        json.dump(diff_json(old, new, changes), sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    elif args.format == "md":
        sys.stdout.write(diff_markdown(old, new, changes))
    else:
        out = console()
        if changes:
            table = Table(title=Text(f"pumpproof diff: {args.old} → {args.new}"))
            for column in ("change", "item", "where", "old", "new", "worse"):
                table.add_column(column, overflow="fold")
            for c in changes:
                table.add_row(*(Text(cell) for cell in (c.kind, c.item, c.where, c.old, c.new,
                                                         "WORSE" if c.worse else "")))
            out.print(table)
        summary = (f"diff: {len(worse)} worse, {len(changes)} change(s)" if changes
                   else "diff: no changes")
        out.print(summary, markup=False, highlight=False)
    return ExitCode.FINDING if worse else ExitCode.OK
