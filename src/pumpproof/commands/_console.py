"""Consoles for people and for CI logs.

At a terminal: rich tables sized to the window and a spinner for progress. Without one
(stdout or stderr is not a TTY, or ``CI`` is set, as in every CI service): tables as wide
as their content (no truncated property ids, no wrapped paths) and progress as plain
lines, ``stage i/N: …``, that a log keeps.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

__all__ = ["Stages", "console", "plain"]

# Wide enough for any table pumpproof prints: rich tables do not expand, so a table is as
# wide as its content, never cut.
_LOG_WIDTH = 1000


def plain() -> bool:
    """True when the output goes to a log, not to a person at a terminal."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return True
    return not (sys.stdout.isatty() and sys.stderr.isatty())


def console(stderr: bool = False) -> Console:
    """A console for tables and messages: the terminal's width, or unbounded in a log."""
    if plain():
        return Console(stderr=stderr, width=_LOG_WIDTH, soft_wrap=True, no_color=True,
                       highlight=False, emoji=False)
    return Console(stderr=stderr)


class Stages:
    """A command's progress: ``stage i/N: name`` (and each engine message under it).

    In a log every message is one line on stderr (repeats are dropped); at a terminal
    the current stage is a spinner that the engine's messages update.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.index = 0
        self._console = console(stderr=True)
        self._plain = plain()

    def _line(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    @contextmanager
    def stage(self, name: str) -> Iterator[Callable[[str], None]]:
        """Enter the next stage; yields ``update(message)`` for the engine's progress."""
        self.index += 1
        head = f"stage {self.index}/{self.total}: {name}"
        if self._plain:
            self._line(head)
            last = [""]

            def update(message: str) -> None:
                if message != last[0]:
                    last[0] = message
                    self._line(f"{head}: {message}")

            yield update
            return
        with self._console.status(head) as status:
            yield lambda message: status.update(f"{head}: {message}")
