"""``pumpproof fta MODEL.xml [--json] [--cut-sets] [--importance] [--limit-order N]
[--max-cut-sets N]``.

Imports only the fault-tree modules it needs, when it runs: on a small tree, start-up is
most of the command's time (``benchmarks/fta_vs_scram.py``).
"""

from __future__ import annotations

import argparse
import json
import sys

from pumpproof.errors import ExitCode


def _count(text: str) -> int:
    """A whole number ≥ 0 for ``--limit-order`` and ``--max-cut-sets``."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options; shared with ``python -m pumpproof.hazards.fta``."""
    from pumpproof.hazards.fta.api import DEFAULT_MAX_CUT_SETS

    parser.add_argument("model", help="Open-PSA MEF XML file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cut-sets", action="store_true", help="list the minimal cut sets")
    parser.add_argument("--importance", action="store_true", help="importance measures per event")
    parser.add_argument("--top", help="analyse this gate instead of the MEF top gate")
    parser.add_argument("--limit-order", type=_count, metavar="N",
                        help="only cut sets of at most N events (n_mcs, rare event, MCUB "
                             "and the list; P(top) and importance stay exact)")
    parser.add_argument("--max-cut-sets", type=_count, metavar="N",
                        default=DEFAULT_MAX_CUT_SETS,
                        help="list at most N cut sets, lowest orders first; more sets "
                             "'cut_sets_truncated' (default %(default)s)")


def run(args: argparse.Namespace) -> ExitCode:
    from pumpproof.hazards.fta.api import render_fta_text, run_fta

    result = run_fta(args.model, cut_sets=args.cut_sets, importance=args.importance,
                     top=args.top, limit_order=args.limit_order,
                     max_cut_sets=args.max_cut_sets)
    if args.json:
        sys.stdout.write(json.dumps(result, sort_keys=True, allow_nan=False) + "\n")
    else:
        sys.stdout.write(render_fta_text(result))
    return ExitCode.OK
