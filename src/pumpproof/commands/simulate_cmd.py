"""``pumpproof simulate FILE``: replay protocol requests and print the observations.

FILE holds protocol requests as JSON lines or as a YAML list (a counterexample file
works as is). When its first request is not ``configure``, the target is configured
with the spec's settings first (that answer is not printed). ``--target`` replays on
any target (default: the reference model); ``--table`` prints a readable table.

``--check`` runs every property's monitor on the replay: exit 1 with one finding (property,
requirements, a sentence with the numbers, the trace and this command) per violated
property, 0 when none is, so a saved counterexample is a regression test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from rich.table import Table

from pumpproof.engines.replay import replay
from pumpproof.errors import ExitCode, UsageError
from pumpproof.properties.catalogue import observer_properties
from pumpproof.spec import load_spec
from pumpproof.targets import TargetFailure, make_target

from ._args import seconds
from ._console import console
from ._findings import finding_lines, replay_command
from ._properties import add_properties_argument, use_properties


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="requests: JSON lines, or a YAML list (- for stdin)")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--table", action="store_true", help="print a readable table")
    parser.add_argument("--target", default="reference",
                        help="reference (default) | py:module:Factory | cmd:COMMAND")
    parser.add_argument("--timeout", type=seconds, default=5.0, help="seconds per request")
    parser.add_argument("--check", action="store_true",
                        help="run every property's monitor on the replay: exit 1 on a "
                        "violation (a counterexample as a regression test)")


def read_requests(path: str) -> list[Any]:
    """Requests from JSON lines or a YAML list; malformed lines stay as raw text."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].lstrip().startswith("{"):
        out: list[Any] = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append(line)  # the target answers bad_request, as on the wire
        return out
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: neither JSON lines nor YAML: {exc}") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: a YAML file must hold a list of requests")
    return data


def run(args: argparse.Namespace) -> ExitCode:
    spec = load_spec(args.spec)
    use_properties(args, spec)
    requests = read_requests(args.file)
    try:
        target = make_target(args.target, spec, args.timeout)
    except TargetFailure as exc:
        raise UsageError(f"{args.target}: the target cannot start: {exc}") from None
    properties = observer_properties()
    try:
        replayed = replay(spec, target, requests, properties, watch=args.check)
    finally:
        target.close()
    _emit(replayed.answers, args.table)
    code = ExitCode.OK
    if args.check:
        command = replay_command(args.file, args.target, args.spec, args.timeout)
        for violation in replayed.violations:
            for line in finding_lines(violation, violation.prop.id,
                                      violation.prop.requirements, args.file, command):
                print(line, file=sys.stderr)
        if replayed.violations:
            code = ExitCode.FINDING
        elif replayed.failure is None:
            print(f"no violation: {len(properties)} properties watched "
                  f"{len(replayed.answers)} requests", file=sys.stderr)
    failure = replayed.failure
    if failure is not None:
        print(f"pumpproof: target failure after {len(replayed.answers)} requests: {failure}",
              file=sys.stderr)
        if failure.stderr:
            print(failure.stderr[-2000:], file=sys.stderr)
        return ExitCode.FINDING
    return code


def _emit(answers: list[tuple[Any, Any]], table: bool) -> None:
    if table:
        _print_table(answers)
    else:
        for _, answer in answers:
            sys.stdout.write(json.dumps(answer, separators=(",", ":")) + "\n")


def _describe(request: Any) -> str:
    if not isinstance(request, dict):
        return repr(request)
    if request.get("op") == "event" and isinstance(request.get("event"), dict):
        event = dict(request["event"])
        kind = event.pop("kind", "?")
        args = " ".join(f"{k}={v}" for k, v in event.items())
        return f"{kind} {args}".strip()
    return str(request.get("op"))


def _print_table(answers: list[tuple[Any, Any]]) -> None:
    table = Table(title="pumpproof simulate")
    for column in ("request", "t", "delivered mU", "reservoir mU", "IOB mU", "basal mU/h",
                   "mode", "alarms", "result"):
        table.add_column(column)
    for request, answer in answers:
        if not isinstance(answer, dict) or "t" not in answer:
            verdict = answer.get("ok") if isinstance(answer, dict) else answer
            reason = answer.get("reason") if isinstance(answer, dict) else ""
            table.add_row(_describe(request), "", "", "", "", "", "", "",
                          "ok" if verdict is True else str(reason))
            continue
        result = "accepted" if answer["accepted"] else f"refused: {answer['reason']}"
        table.add_row(
            _describe(request), str(answer["t"]), str(answer["delivered_mU"]),
            str(answer["reservoir_mU"]), str(answer["iob_mU"]),
            str(answer["basal_rate_mU_per_h"]), answer["mode"], ", ".join(answer["alarms"]),
            result,
        )
    console().print(table)
