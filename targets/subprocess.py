"""A target that runs as a subprocess speaking target protocol v1 on stdin/stdout.

Robust by construction: the target runs in its own process group (killed whole on
timeout or close); stdout is read in large chunks with ``select`` so that every answer has
a timeout without a thread hop per line; stderr is kept, bounded, for the report, read by
the same ``select`` whenever pumpproof waits for an answer (so a chatty target never
blocks on a full pipe while an answer is awaited, and no thread is started per session:
a thread start cost ~0.8 ms, more than a short session); requests may be pipelined within
a bounded window. Every misbehaviour — a
crash, a hang, a line that is not a JSON object, a missing answer — raises
:class:`TargetFailure`, a finding against the target, never an exception that escapes
pumpproof.

Speed (``benchmarks/subprocess_throughput.py``): the window *slides* — a new request is
written as soon as an answer frees a slot, through a non-blocking pipe, so the target
computes while pumpproof parses instead of waiting for a whole window; identical requests
of a batch (runs of ticks) are encoded once; answers are parsed with orjson when it is
installed. orjson refuses some of what :func:`json.loads` accepts (``NaN``, ``1e400``,
invalid UTF-8) and reads integers beyond 64 bits as floats; a line it refuses, and any
chunk holding a run of 19 or more digits, is parsed by the stdlib path instead, so every
answer gets exactly the value and verdict it had before.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any

from pumpproof.errors import TargetFailure

try:  # optional: a C JSON codec, several times the stdlib's speed
    from orjson import dumps as _fast_dumps
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency, but keep working without
    _fast_dumps = _fast_loads = None  # type: ignore[assignment]

_ENCODED_MAX = 4096  # distinct request lines remembered per target
# orjson reads an integer beyond 64 bits as a float, json as an int: such text (19+ digits in
# a row, anywhere) goes to the stdlib. Found by mapping digits to "0" and the rest to " "
# (bytes.translate, then a substring search: ~0.1 µs per answer, a regex costs 1.3 µs).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_RUN = b"0" * 19


def _long_digit_run(text: bytes) -> bool:
    return _LONG_RUN in text.translate(_DIGITS_AS_ZERO)


def _encode(request: Any) -> bytes:
    """The request's line exactly as :func:`json.dumps` writes it (compact)."""
    return (json.dumps(request, separators=(",", ":")) + "\n").encode()

__all__ = ["SubprocessTarget"]



class SubprocessTarget:
    """``cmd:./build/pump_host --json``: one process per session."""

    overlaps_work = True  # ``send``/``send_many`` take ``meanwhile`` (see Session)

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        timeout_s: float = 5.0,
        window: int = 1024,
        stderr_limit: int = 64 * 1024,
        name: str | None = None,
    ) -> None:
        self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        self.name = name or f"cmd:{' '.join(self.argv)}"
        self.timeout_s = timeout_s
        self.window = window
        self._stderr_limit = stderr_limit
        self._stderr = bytearray()
        self._buffer = bytearray()
        self._encoded: dict[bytes, bytes] = {}
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # its own process group, killed as a whole (a process group, not a new
                # session: setsid keeps Python from vfork, and a start cost 4.4 ms, not 1)
                process_group=0,
            )
        except OSError as exc:
            raise TargetFailure(f"cannot start {self.argv[0]!r}: {exc}") from None
        assert self._process.stdout is not None and self._process.stderr is not None
        self._stdout_fd = self._process.stdout.fileno()
        self._stderr_fd: int | None = self._process.stderr.fileno()  # None once at its end
        os.set_blocking(self._stderr_fd, False)

    # -- reading

    def _drain_stderr(self, wait_for_end_s: float = 0.0) -> None:
        """Keep what the target wrote to stderr (up to the limit; the rest is read and
        dropped); with ``wait_for_end_s``, wait that long at most for its end (after the
        target exited or was killed)."""
        deadline = time.monotonic() + wait_for_end_s
        while self._stderr_fd is not None:
            try:
                chunk = os.read(self._stderr_fd, 1 << 16)
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._stderr_fd], [], [], remaining)[0]:
                    return
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._stderr_fd = None
                return
            room = self._stderr_limit - len(self._stderr)
            if room > 0:
                self._stderr.extend(chunk[:room])

    def _wait_readable(self, writers: list[int], timeout_s: float) -> tuple[bool, bool]:
        """Wait until stdout is readable or (if ``writers``) stdin writable, draining stderr
        meanwhile: (stdout readable, stdin writable); both False when time ran out."""
        deadline = time.monotonic() + timeout_s
        while True:
            readers = [self._stdout_fd]
            if self._stderr_fd is not None:
                readers.append(self._stderr_fd)
            remaining = max(deadline - time.monotonic(), 0.0)
            readable, writable, _ = select.select(readers, writers, [], remaining)
            if self._stderr_fd is not None and self._stderr_fd in readable:
                self._drain_stderr()
            if self._stdout_fd in readable or writable:
                return self._stdout_fd in readable, bool(writable)
            if time.monotonic() >= deadline:
                return False, False

    @property
    def stderr(self) -> str:
        self._drain_stderr()
        text = self._stderr.decode("utf-8", "replace")
        if len(self._stderr) >= self._stderr_limit:
            text += f"\n[stderr truncated at {self._stderr_limit} bytes]"
        return text

    # -- the protocol

    def _write(self, lines: Sequence[str]) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write("".join(line + "\n" for line in lines).encode())
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._failure("target closed its input (it exited)") from None

    def _next_line(self) -> bytes | None:
        """One line of stdout within the timeout; None at end of file."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._wait_readable([], remaining)[0]:
                self.kill()
                raise self._failure(f"no answer within {self.timeout_s:g} s (hang)")
            chunk = os.read(self._stdout_fd, 1 << 16)
            if not chunk:
                return None
            self._buffer.extend(chunk)

    def _read(self) -> Any:
        line = self._next_line()
        if line is None:
            status = self._process.wait(timeout=5)
            raise self._failure(f"target exited with status {status} before answering")
        return self._parse(line)

    def _parse(self, line: bytes) -> Any:
        """One answer line as a JSON object, or a :class:`TargetFailure`."""
        if _fast_loads is not None and not _long_digit_run(line):
            try:
                answer = _fast_loads(line)
            except ValueError:
                pass  # the stdlib decides (and words the failure), as it always did
            else:
                if isinstance(answer, dict):
                    return answer
        text = line.decode("utf-8", "replace").strip()
        try:
            answer = json.loads(text)
        except ValueError:
            raise self._failure(f"answer is not JSON: {text[:200]!r}") from None
        if not isinstance(answer, dict):
            raise self._failure(f"answer is not a JSON object: {text[:200]!r}")
        return answer

    def _failure(self, message: str) -> TargetFailure:
        if self._process.poll() is not None:  # exited or killed: its last words too
            self._drain_stderr(wait_for_end_s=1.0)
        return TargetFailure(message, self.stderr)

    def send(self, request: Any, meanwhile: Callable[[], None] | None = None) -> Any:
        """One request and its answer; ``meanwhile`` runs while the target computes."""
        self._write([json.dumps(request, separators=(",", ":"))])
        if meanwhile is not None:
            meanwhile()
        return self._read()

    def send_many(self, requests: Sequence[Any],
                  meanwhile: Callable[[], None] | None = None) -> list[Any]:
        """Pipelined: at most ``window`` requests in flight (a sliding window: each answer
        lets one more request go), answers in order, each within the timeout.
        ``meanwhile`` runs once, after the first requests went out and before the first
        wait for an answer (pumpproof's own work overlaps the target's)."""
        lines = list(map(self._line, requests))
        assert self._process.stdin is not None
        stdin_fd = self._process.stdin.fileno()
        self._process.stdin.flush()
        answers: list[Any] = []
        pending = b""  # written only in part (the pipe was full)
        sent = 0
        os.set_blocking(stdin_fd, False)
        try:
            while len(answers) < len(lines):
                room = self.window - (sent - len(answers))
                if room > 0 and sent < len(lines):
                    pending += b"".join(lines[sent:sent + room])
                    sent = min(sent + room, len(lines))
                if pending:
                    pending = self._write_some(stdin_fd, pending)
                if meanwhile is not None:
                    work: Callable[[], None] = meanwhile
                    meanwhile = None
                    work()
                answers.extend(self._parse_all(self._lines_available(pending != b"")))
        finally:
            os.set_blocking(stdin_fd, True)
        return answers

    def _parse_all(self, block: bytes | None) -> list[Any]:
        """:meth:`_parse` of every line of ``block`` (None: no line); in one C loop when
        every line is a JSON object."""
        if block is None:
            return []
        lines = block.split(b"\n")
        if _fast_loads is not None and not _long_digit_run(block):
            try:
                answers = list(map(_fast_loads, lines))
            except ValueError:
                pass
            else:
                if set(map(type, answers)) == {dict}:
                    return answers
        return list(map(self._parse, lines))

    def _line(self, request: Any) -> bytes:
        """The wire line of ``request`` (what :func:`_encode` gives), remembered by value:
        orjson's text of the request is the key (fast), the stdlib's the line sent, so the
        bytes on the wire do not change. ``null`` (from None or a NaN) is never a key."""
        if _fast_dumps is None:
            return _encode(request)
        try:
            key = _fast_dumps(request)
        except TypeError:  # e.g. a key that is not a string: the stdlib decides
            return _encode(request)
        line = self._encoded.get(key)
        if line is None:
            line = _encode(request)
            if b"null" not in key:
                if len(self._encoded) >= _ENCODED_MAX:
                    self._encoded.clear()
                self._encoded[key] = line
        return line

    def _write_some(self, fd: int, data: bytes) -> bytes:
        """Write what the pipe takes now; the rest is returned for later."""
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            return data
        except (BrokenPipeError, OSError):
            raise self._failure("target closed its input (it exited)") from None
        return data[written:]

    def _lines_available(self, writing: bool) -> bytes | None:
        """Complete answer lines (without the last newline): those buffered, else wait
        (within the timeout) for more; None when only the pipe to the target has room.

        While requests are still waiting to be written, also wake when the pipe to the
        target has room again.
        """
        while True:
            end = self._buffer.rfind(b"\n")
            if end >= 0:
                block = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return block
            assert self._process.stdin is not None
            writers = [self._process.stdin.fileno()] if writing else []
            readable, writable = self._wait_readable(writers, self.timeout_s)
            if not readable and not writable:
                self.kill()
                raise self._failure(f"no answer within {self.timeout_s:g} s (hang)")
            if writable and not readable:
                return None
            chunk = os.read(self._stdout_fd, 1 << 16)
            if not chunk:
                status = self._process.wait(timeout=5)
                raise self._failure(f"target exited with status {status} before answering")
            self._buffer.extend(chunk)

    # -- lifetime

    def kill(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)

    def close(self) -> None:
        """Ask politely (quit), then kill the whole process group."""
        if self._process.poll() is None:
            with contextlib.suppress(TargetFailure):
                self._write([json.dumps({"op": "quit"})])
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(timeout=min(self.timeout_s, 2.0))
        self.kill()
        self._drain_stderr(wait_for_end_s=0.2)  # its last words, before the pipe is closed
        self._stderr_fd = None
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
