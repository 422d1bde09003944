"""The ``pumpproof`` command: one sub-command per job, registered in a map.

Exit codes CI can use: 0 success; 1 a safety finding (violation, failed target,
unacceptable risk); 2 bad input (spec, model, arguments); 3 inconclusive (unknown
verdicts, no violation). Bad input is one clear line per problem on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

from pumpproof import __version__
from pumpproof.errors import ExitCode, PumpproofError

__all__ = ["COMMANDS", "main"]

# name -> module under pumpproof.commands providing add_arguments(parser) and
# run(args) -> ExitCode
COMMANDS: dict[str, tuple[str, str]] = {
    "spec": ("spec_cmd", "validate or export the spec (settings, requirements)"),
    "serve": ("serve_cmd", "run the reference pump as a target over stdin/stdout (protocol v1)"),
    "protocol": ("protocol_cmd",
                 "print target protocol v1's JSON Schemas (--schema request|answer)"),
    "conformance": ("conformance_cmd",
                    "run one quick scenario per protocol rule on a target: a pass/fail table"),
    "simulate": ("simulate_cmd", "replay protocol requests on a target and print observations"),
    "verify": ("verify_cmd", "prove, search and fuzz every property on the reference model"),
    "check": ("check_cmd", "the CI gate: drive a target (firmware) through every property"),
    "closed-loop": ("closed_loop_cmd", "an AID controller dosing virtual patients (simglucose): "
                    "time in range, insulin, hazard rates with confidence intervals"),
    "controllers": ("controllers_cmd", "set up the AID controllers (oref0, PyLoopKit), status, "
                    "replay one decision"),
    "selftest": ("selftest_cmd", "run every mutant of the model; each must be caught"),
    "run": ("run_cmd", "the main job: verify, check targets, analyse hazards, bundle, reports"),
    "report": ("report_cmd", "render a bundle as html, md, junit or sarif; export csv or reqif"),
    "diff": ("diff_cmd", "what changed between two releases' bundles; exit 1 when anything got "
             "worse"),
    "hazards": ("hazards_cmd", "hazard log and fault trees, with residual risk from evidence"),
    "fta": ("fta_cmd", "analyse an Open-PSA MEF fault tree: cut sets, probability, importance"),
}

class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without :mod:`shutil`: argparse makes one per
    ``add_argument``, and importing shutil (with bz2, lzma, zlib) is a tenth of a small
    ``pumpproof fta`` run."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            try:
                columns = int(os.environ.get("COLUMNS", "0"))
            except ValueError:
                columns = 0
            if columns <= 0:
                try:
                    columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
                except (AttributeError, ValueError, OSError):
                    columns = 80
            width = columns - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line naming the option and the problem (no usage
    block: ``--help`` is one command away, and the line says so)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"pumpproof: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(ExitCode.BAD_INPUT)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's module is imported (fast start)."""
    parser = _Parser(
        prog="pumpproof",
        description="Safety verification and hazard analysis for insulin pumps.",
    )
    parser.add_argument("--version", action="version", version=f"pumpproof {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if only is not None and name != only:
            continue
        module = import_module(f"pumpproof.commands.{module_name}")
        module.add_arguments(command_parser)
        run: Callable[[argparse.Namespace], ExitCode] = module.run
        command_parser.set_defaults(_run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> ExitCode:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in arguments if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(arguments)
    if not getattr(args, "_run", None):
        parser.print_help()
        return ExitCode.BAD_INPUT
    try:
        code: ExitCode = args._run(args)
    except PumpproofError as exc:
        for line in str(exc).splitlines() or ["error"]:
            print(f"pumpproof: {line}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except OSError as exc:  # an unwritable --out, a full disk: the user's environment
        print(f"pumpproof: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "),
              file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        print("pumpproof: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
