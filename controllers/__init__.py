"""AID controllers behind one interface (docs/controller.md): ``decide(input) -> command``.

A :class:`Controller` is given a :class:`~.interface.ControllerInput` of integers and
answers a :class:`~.interface.Command`; adapters translate to and from each controller's
own units (``oref0``: determine-basal through node; ``pyloopkit``: PyLoopKit in this
Python; ``cmd:COMMAND``: any program speaking the interface's JSON lines). A controller that
declines to decide (an error, a rejected profile) answers a command with ``refused`` set;
one that crashes, hangs or answers garbage raises :class:`~pumpproof.errors.TargetFailure`.
"""

from __future__ import annotations

from typing import Protocol

from pumpproof.errors import UsageError

from .interface import Command, ControllerInput

__all__ = ["CONTROLLER_KINDS", "Controller", "make_controller"]

CONTROLLER_KINDS = ("oref0", "pyloopkit", "cmd:COMMAND")


class Controller(Protocol):
    name: str
    version: str
    #: Safety settings (``interface.SAFETY_SETTINGS``) this controller takes as input.
    supported: frozenset[str]

    def decide(self, i: ControllerInput) -> Command: ...

    def close(self) -> None: ...


def make_controller(spec: str, timeout_s: float = 10.0) -> Controller:
    """``oref0``, ``pyloopkit`` or ``cmd:COMMAND``; unknown or not set up → UsageError."""
    if spec == "oref0":
        from .oref0 import Oref0Controller
        return Oref0Controller(timeout_s=timeout_s)
    if spec == "pyloopkit":
        from .pyloopkit import PyLoopKitController
        return PyLoopKitController()
    if spec.startswith("cmd:") and spec[4:].strip():
        from .command import CommandController
        return CommandController(spec[4:], timeout_s=timeout_s)
    raise UsageError(f"unknown controller {spec!r}: give one of {', '.join(CONTROLLER_KINDS)}")
