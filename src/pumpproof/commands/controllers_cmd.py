"""``pumpproof controllers``: set up the real AID controllers, say whether they can run, and
ask one a single decision (the replay of a finding's input file).

``setup [NAME ...]`` installs oref0 (npm, into the controllers cache), PyLoopKit and
simglucose (pip, into this Python), pinned and idempotent; ``status`` prints one line per
controller; ``decide --controller C FILE`` prints the command for an input (a finding file or a bare
``pumpproof.controller/1`` input).
"""

from __future__ import annotations

import argparse
import json
import sys

from pumpproof.controllers import make_controller
from pumpproof.controllers.install import (
    SETUPS,
    oref0_status,
    pyloopkit_status,
    setup,
    simglucose_status,
)
from pumpproof.controllers.interface import decode_input, encode_command
from pumpproof.errors import ExitCode, UsageError
from pumpproof.files import load_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    set_up = sub.add_parser("setup", help="install oref0 (needs node and npm), PyLoopKit "
                            "and simglucose's virtual patients")
    set_up.add_argument("names", nargs="*", metavar="NAME",
                        help="oref0 | pyloopkit | simglucose (default: all three)")
    sub.add_parser("status", help="whether each controller can run here")
    decide = sub.add_parser("decide", help="print a controller's command for one input file")
    decide.add_argument("--controller", required=True, help="oref0 | pyloopkit | cmd:COMMAND")
    decide.add_argument("file", help="a finding file (controller-inputs/*.json) or an input")


def run(args: argparse.Namespace) -> ExitCode:
    if args.action == "setup":
        for name in args.names:
            if name not in SETUPS:
                raise UsageError(f"unknown controller {name!r}: give oref0, pyloopkit or "
                                 "simglucose")
        setup(list(args.names), lambda line: print(line, flush=True))
        return ExitCode.OK
    if args.action == "status":
        for name, problem in (("oref0", oref0_status()), ("pyloopkit", pyloopkit_status()),
                              ("simglucose", simglucose_status())):
            print(f"{name}: {'ready' if problem is None else problem}")
        return ExitCode.OK
    if args.action == "decide":
        data = load_json(args.file, "controller input")
        i = decode_input(data.get("input", data) if isinstance(data, dict) else data)
        controller = make_controller(args.controller)
        try:
            command = controller.decide(i)
        finally:
            controller.close()
        json.dump(encode_command(command), sys.stdout, sort_keys=True)
        print()
        return ExitCode.OK
    print("pumpproof: error: give an action: setup, status or decide (see 'pumpproof "
          "controllers --help')", file=sys.stderr)
    return ExitCode.BAD_INPUT
