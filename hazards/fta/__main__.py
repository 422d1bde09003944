"""``python -m pumpproof.hazards.fta MODEL.xml [--json] [--cut-sets] [--importance]``.

The same output as ``pumpproof fta``, without loading the rest of the CLI (the benchmark
times this entry). Bad input: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from pumpproof.errors import PumpproofError

from .api import DEFAULT_MAX_CUT_SETS, render_fta_text, run_fta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pumpproof.hazards.fta",
                                     description="Analyse an Open-PSA MEF fault tree.")
    parser.add_argument("model", help="Open-PSA MEF XML file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cut-sets", action="store_true", help="list the minimal cut sets")
    parser.add_argument("--importance", action="store_true", help="importance factors")
    parser.add_argument("--top", help="analyse this gate instead of the file's top gate")
    parser.add_argument("--limit-order", type=int, metavar="N",
                        help="only cut sets of at most N events")
    parser.add_argument("--max-cut-sets", type=int, metavar="N", default=DEFAULT_MAX_CUT_SETS,
                        help="list at most N cut sets (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        result = run_fta(args.model, cut_sets=args.cut_sets, importance=args.importance,
                         top=args.top, limit_order=args.limit_order,
                         max_cut_sets=args.max_cut_sets)
    except PumpproofError as exc:
        print(f"pumpproof: {exc}", file=sys.stderr)  # the CLI's one-line form
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, sort_keys=True, allow_nan=False) + "\n")
    else:
        sys.stdout.write(render_fta_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
