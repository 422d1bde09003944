"""A target that runs as a subprocess speaking target protocol v1 on stdin/stdout.

Robust by construction: the target runs in its own process group (killed whole on
timeout or close); stdout is read in large chunks with ``select`` so that every answer has
a timeout without a thread hop per line; stderr is kept, bounded, by a reader thread for
the report; requests may be pipelined within a bounded window. Every misbehaviour — a
crash, a hang, a line that is not a JSON object, a missing answer — raises
:class:`TargetFailure`, a finding against the target, never an exception that escapes
pumpproof.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from pumpproof.errors import TargetFailure

__all__ = ["SubprocessTarget"]



class SubprocessTarget:
    """``cmd:./build/pump_host --json``: one process per session."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        timeout_s: float = 5.0,
        window: int = 64,
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
        try:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group, killed as a whole
            )
        except OSError as exc:
            raise TargetFailure(f"cannot start {self.argv[0]!r}: {exc}") from None
        assert self._process.stdout is not None and self._process.stderr is not None
        self._stdout_fd = self._process.stdout.fileno()
        threading.Thread(target=self._read_stderr, args=(self._process.stderr,),
                         daemon=True).start()

    # -- reading

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read(4096), b""):
            room = self._stderr_limit - len(self._stderr)
            if room > 0:
                self._stderr.extend(chunk[:room])

    @property
    def stderr(self) -> str:
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
            if remaining <= 0 or not select.select([self._stdout_fd], [], [], remaining)[0]:
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
        text = line.decode("utf-8", "replace").strip()
        try:
            answer = json.loads(text)
        except ValueError:
            raise self._failure(f"answer is not JSON: {text[:200]!r}") from None
        if not isinstance(answer, dict):
            raise self._failure(f"answer is not a JSON object: {text[:200]!r}")
        return answer

    def _failure(self, message: str) -> TargetFailure:
        return TargetFailure(message, self.stderr)

    def send(self, request: Any) -> Any:
        self._write([json.dumps(request, separators=(",", ":"))])
        return self._read()

    def send_many(self, requests: Sequence[Any]) -> list[Any]:
        """Pipelined: at most ``window`` requests in flight, answers in order."""
        answers: list[Any] = []
        lines = [json.dumps(r, separators=(",", ":")) for r in requests]
        for start in range(0, len(lines), self.window):
            batch = lines[start:start + self.window]
            self._write(batch)
            answers.extend(self._read() for _ in batch)
        return answers

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
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
