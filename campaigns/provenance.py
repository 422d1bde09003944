"""Traceability that survives a release: when, from which spec commit, with which tool,
against which executables, and with what tool-validation evidence a bundle was made.

Every value is deterministic for the same inputs: the run time is recorded only when
``SOURCE_DATE_EPOCH`` is set (reproducible-builds convention; without it the bundle has
``run_time: null`` and reruns stay byte-identical), the git commit and dirty flag come from
the spec directory's repository (null outside one or without git, never a crash), and each
executable is hashed by content.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pumpproof import __version__
from pumpproof.errors import UsageError
from pumpproof.files import load_json

__all__ = ["SHA256", "load_selftest_summary", "provenance", "run_time", "spec_git",
           "target_hashes", "tool_validation"]

SHA256 = re.compile(r"[0-9a-f]{64}")


def run_time(environ: Mapping[str, str] | None = None) -> str | None:
    """``SOURCE_DATE_EPOCH`` as ISO 8601 UTC, else None (a wall-clock time would break
    byte-identical reruns); a value that is not a whole number of seconds is bad input."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if value is None or not value.strip():
        return None
    try:
        when = datetime.fromtimestamp(int(value.strip()), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError("SOURCE_DATE_EPOCH must be whole seconds since 1970, "
                         f"got {value!r}") from None
    return when.isoformat().replace("+00:00", "Z")


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):  # no git, or it hung
        return None
    return done.stdout if done.returncode == 0 else None


def spec_git(directory: Path) -> dict[str, Any] | None:
    """``{commit, dirty}`` of the repository holding the spec directory (dirty: the spec
    directory has uncommitted changes), or None outside a repository or without git."""
    directory = directory.resolve()
    commit = _git(directory, "rev-parse", "HEAD")
    if commit is None:
        return None
    status = _git(directory, "status", "--porcelain", "--", ".")
    return {"commit": commit.strip(), "dirty": bool(status.strip()) if status is not None
            else None}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _executable(description: str) -> Path | None:
    """The file a ``cmd:`` target runs: its first word, as a path or found on PATH."""
    kind, _, command = description.partition(":")
    if kind != "cmd":
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words:
        return None
    found = shutil.which(words[0])
    path = Path(found) if found else Path(words[0])
    return path if path.is_file() else None


def target_hashes(descriptions: Sequence[str], given: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One entry per target, in order: ``sha256`` given by the user (``--target-hash``, in
    target order) or of its executable, ``source`` saying which; null when neither exists
    (a ``py:`` target, a command not found)."""
    if len(given) > len(descriptions):
        raise UsageError(f"--target-hash given {len(given)} times for {len(descriptions)} "
                         "target(s): one per --target, in order")
    out = []
    for index, description in enumerate(descriptions):
        if index < len(given):
            out.append({"target": description, "sha256": given[index], "source": "given",
                        "executable": None})
            continue
        path = _executable(description)
        out.append({"target": description, "sha256": _sha256(path) if path else None,
                    "source": "computed" if path else None,
                    "executable": path.name if path else None})
    return out


def tool_validation(summary: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The bundle's ``tool_validation``: selftest's mutants, killed, and per property."""
    return {"mutants": summary["mutants"], "killed": summary["killed"],
            "per_property": summary.get("per_property"), "source": source}


def load_selftest_summary(path: str | Path) -> dict[str, Any]:
    """A saved ``pumpproof selftest --json``; anything else is bad input."""
    data = load_json(path, "the selftest summary")
    if not (isinstance(data, dict) and isinstance(data.get("mutants"), int)
            and isinstance(data.get("killed"), int)
            and isinstance(data.get("per_property", {}), dict)):
        raise UsageError(f"{path}: not the output of 'pumpproof selftest --json'")
    return data


def provenance(spec_directory: Path, targets: Sequence[str],
               given_hashes: Sequence[str] = ()) -> dict[str, Any]:
    """The bundle's ``provenance``: run time, spec git state, tool version, target hashes."""
    return {"run_time": run_time(), "spec_git": spec_git(spec_directory),
            "pumpproof_version": __version__,
            "targets": target_hashes(targets, given_hashes)}
