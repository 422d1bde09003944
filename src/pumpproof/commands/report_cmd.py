"""``pumpproof report BUNDLE --format html|md|junit|sarif|csv|reqif [--out FILE]``: re-render
or export (CSV traceability matrix, ReqIF requirements with links), from the bundle alone."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pumpproof.errors import ExitCode
from pumpproof.files import write_atomic
from pumpproof.reports import RENDERERS, load_bundle


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", help="bundle.json written by pumpproof run")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="html")
    parser.add_argument("--out", help="output file (default: stdout)")


def run(args: argparse.Namespace) -> ExitCode:
    text = RENDERERS[args.format](load_bundle(args.bundle))
    if args.out:
        write_atomic(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return ExitCode.OK
