"""``pumpproof run``: the main job on the built-in reference pump (or a given spec).

Today the campaign validates the spec and verifies the reference model (proofs,
bounded search, fuzzing), writing the evidence into OUT. Hazard analysis, target checks
and the HTML report join this command as their issues land (see the README).
"""

from __future__ import annotations

import argparse

from . import verify_cmd


def add_arguments(parser: argparse.ArgumentParser) -> None:
    verify_cmd.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return verify_cmd.run(args)
