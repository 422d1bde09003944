"""Files in and out: one atomic writer, one canonical JSON writer, one JSON loader.

* :func:`write_atomic` — a temporary file in the same folder, then rename: an interrupted
  run leaves the old file or the new one, never half of one.
* :func:`dumps` / :func:`write_json` — canonical JSON (sorted keys, two-space indent,
  trailing newline), so the same data gives the same bytes.
* :func:`load_json` — an unreadable or malformed file is bad input: a one-line
  :class:`~pumpproof.errors.UsageError` naming the file, never a traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pumpproof.errors import UsageError

__all__ = ["dumps", "jsonl", "load_json", "write_atomic", "write_json"]


def write_atomic(path: Path, text: str) -> None:
    """An interrupted run leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def dumps(data: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def jsonl(records: Iterable[Any]) -> str:
    """One canonical JSON object per line (traces of protocol requests)."""
    return "".join(json.dumps(record, sort_keys=True) + "\n" for record in records)


def write_json(path: Path, data: Any) -> None:
    """Canonical JSON, written atomically."""
    write_atomic(path, dumps(data))


def load_json(path: str | Path, what: str) -> Any:
    """The JSON in ``path``; unreadable or malformed → ``UsageError`` ("cannot read {what}")."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read {what}: {exc}") from None
