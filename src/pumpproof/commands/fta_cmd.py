"""``pumpproof fta MODEL.xml [--json] [--cut-sets] [--importance]``."""

from __future__ import annotations

import argparse
import json
import sys

from pumpproof.errors import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="Open-PSA MEF XML file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cut-sets", action="store_true", help="list the minimal cut sets")
    parser.add_argument("--importance", action="store_true", help="importance measures per event")
    parser.add_argument("--top", help="analyse this gate instead of the MEF top gate")


def run(args: argparse.Namespace) -> ExitCode:
    from pumpproof.hazards.fta import render_fta_text, run_fta

    result = run_fta(args.model, cut_sets=args.cut_sets, importance=args.importance, top=args.top)
    if args.json:
        json.dump(result, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_fta_text(result))
    return ExitCode.OK
