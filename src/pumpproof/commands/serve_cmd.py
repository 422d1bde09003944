"""``pumpproof serve``: the reference pump as a protocol v1 target on stdin/stdout."""

from __future__ import annotations

import argparse
import sys

from pumpproof.errors import ExitCode
from pumpproof.pump_model.protocol import ReferencePump
from pumpproof.spec import load_spec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory whose hard ranges configure checks")


def run(args: argparse.Namespace) -> ExitCode:
    pump = ReferencePump(load_spec(args.spec))
    stdin, stdout = sys.stdin, sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(pump.handle_line(line))
        stdout.write("\n")
        stdout.flush()
        if pump.quit:
            break
    return ExitCode.OK
