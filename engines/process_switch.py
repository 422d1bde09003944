"""A process-wide setting switched on while any caller is inside, re-entrantly.

Some speed and determinism settings are process-wide (the garbage collector's, Hypothesis'
constant pool): the first campaign to enter switches the setting on, the last to leave
switches it back, whatever the nesting or the threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["ProcessSwitch"]


class ProcessSwitch:
    """``switch_on`` when the first holder enters, ``switch_off`` when the last leaves."""

    def __init__(self, switch_on: Callable[[], None], switch_off: Callable[[], None]) -> None:
        self._on, self._off = switch_on, switch_off
        self._lock = threading.Lock()
        self._depth = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._on()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._off()
