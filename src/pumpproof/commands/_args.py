"""Argument types shared by the commands: a bad number is bad input (exit 2), named.

Each is an argparse ``type=`` function; argparse turns the ``ArgumentTypeError`` into one
line, ``pumpproof: error: argument --budget: must be a number of seconds > 0, got '-1'``.

>>> positive_int("3"), seconds("2.5"), seed("0")
(3, 2.5, 0)
"""

from __future__ import annotations

import argparse
import math

__all__ = ["positive_int", "seconds", "seed", "sha256"]


def _number(text: str, kind: type[int] | type[float], what: str) -> int | float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A count of at least 1 (``--workers``)."""
    what = "a whole number ≥ 1"
    value = int(_number(text, int, what))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def seconds(text: str) -> float:
    """A finite duration above zero (``--budget``, ``--timeout``)."""
    what = "a number of seconds > 0"
    value = float(_number(text, float, what))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def seed(text: str) -> int:
    """A seed: a whole number ≥ 0 (``--seed``)."""
    what = "a whole number ≥ 0"
    value = int(_number(text, int, what))
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def sha256(text: str) -> str:
    """A SHA-256 as 64 hex digits (``--target-hash``), lower-cased."""
    value = text.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise argparse.ArgumentTypeError(f"must be a SHA-256 (64 hex digits), got {text!r}")
    return value
