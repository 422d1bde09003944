"""``cmd:COMMAND``: a controller program speaking the interface itself, one JSON input per
stdin line (``interface.encode_input``) and one command per stdout line. Its first answer
may be to ``{"op": "version"}`` (optional: ``{"version": "..."}``)."""

from __future__ import annotations

import json

from pumpproof.errors import TargetFailure
from pumpproof.targets.subprocess import SubprocessTarget

from .interface import SAFETY_SETTINGS, Command, ControllerInput, decode_command, encode_input

__all__ = ["CommandController"]


class CommandController:
    supported = frozenset(SAFETY_SETTINGS)

    def __init__(self, command: str, timeout_s: float = 10.0) -> None:
        self.name = f"cmd:{command}"
        self._process = SubprocessTarget(command, timeout_s=timeout_s, name=self.name)
        answer = self._process.send({"op": "version"})
        self.version = str(answer.get("version", "unknown"))

    def decide(self, i: ControllerInput) -> Command:
        answer = self._process.send(encode_input(i))
        try:
            return decode_command(answer)
        except (ValueError, KeyError, TypeError) as exc:
            raise TargetFailure(f"bad command from the controller: {exc}: "
                                f"{json.dumps(answer)[:200]}", self._process.stderr) from None

    @property
    def stderr(self) -> str:
        return self._process.stderr

    def close(self) -> None:
        self._process.close()
