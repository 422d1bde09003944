"""``pumpproof protocol``: the machine-readable target protocol, for firmware test suites.

``--schema request|answer`` prints the shipped JSON Schema byte for byte, so a firmware team
can validate its own traffic with exactly the file pumpproof validates answers with
(``pumpproof protocol --schema answer > answer.schema.json``). Without options it prints the
protocol version and where the schemas are installed.
"""

from __future__ import annotations

import argparse
import sys

from pumpproof.errors import ExitCode
from pumpproof.pump_model import PROTOCOL_VERSION
from pumpproof.pump_model.jsonschemas import SCHEMA_NAMES, schema_path, schema_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", choices=SCHEMA_NAMES,
                        help="print the JSON Schema (draft 2020-12) of a request or an answer")


def run(args: argparse.Namespace) -> ExitCode:
    if args.schema:
        sys.stdout.flush()
        sys.stdout.buffer.write(schema_text(args.schema).encode("utf-8"))
        sys.stdout.buffer.flush()
        return ExitCode.OK
    print(f"target protocol v{PROTOCOL_VERSION} (docs/protocol.md)")
    for name in SCHEMA_NAMES:
        print(f"{name} schema: {schema_path(name)}")
    return ExitCode.OK
