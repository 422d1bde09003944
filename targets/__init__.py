"""Devices under test behind one small interface.

A :class:`Target` speaks target protocol v1 with parsed JSON: ``send(request) ->
answer``. The reference model runs in-process; a Python object implementing
``handle(request) -> answer`` is another target (``py:package.module:Factory``).
Targets are registered by kind in :data:`TARGET_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, Protocol

from pumpproof.errors import TargetFailure, UsageError
from pumpproof.pump_model import Observation, ReferencePump, Request
from pumpproof.spec import Spec

__all__ = ["TARGET_KINDS", "InProcessTarget", "Target", "TargetFailure", "make_target"]

# TargetFailure is defined with every other finding in pumpproof.errors; re-exported here
# because a target is where it happens.


class Target(Protocol):
    name: str

    def send(self, request: Any) -> Any: ...

    def close(self) -> None: ...


class InProcessTarget:
    """Any object with ``handle(request) -> answer`` (the reference pump is one).

    ``model``: the handler is pumpproof's own :class:`ReferencePump` (the built-in
    reference, a self-test mutant), whose answers need no checking as protocol text. A
    :class:`~pumpproof.engines.session.Session` then steps it with the request it has
    already parsed and takes its :class:`Observation` as is: no JSON either way, the same
    ``step`` and the same answers (``tests/engines/test_session.py`` holds them equal).
    """

    def __init__(self, name: str, handler: Any, model: bool = False) -> None:
        self.name = name
        self._handler = handler
        self.model: ReferencePump | None = handler if model else None
        if model and not isinstance(handler, ReferencePump):
            raise TypeError(f"model=True needs a ReferencePump, got {type(handler).__name__}")

    def send(self, request: Any) -> Any:
        try:
            return self._handler.handle(request)
        except Exception as exc:  # a crash of the target, not of pumpproof
            raise _raised(exc) from None

    def observe(self, request: Request) -> Observation:
        """The model's answer to ``request`` (parsed already), when ``model`` is set."""
        assert self.model is not None
        try:
            return self.model.apply(request)
        except Exception as exc:  # as for send
            raise _raised(exc) from None

    def close(self) -> None:
        return None


def _raised(exc: Exception) -> TargetFailure:
    return TargetFailure(f"target raised {type(exc).__name__}: {exc}"[:500])


def _command(spec: Spec, argument: str, timeout_s: float) -> Target:
    from .subprocess import SubprocessTarget

    if not argument.strip():
        raise UsageError("cmd target needs a command line, e.g. cmd:./build/pump_host --json")
    return SubprocessTarget(argument, timeout_s=timeout_s)


def _reference(spec: Spec, argument: str, timeout_s: float) -> Target:
    return InProcessTarget("reference", ReferencePump(spec), model=True)


def _python(spec: Spec, argument: str, timeout_s: float) -> Target:
    module_name, _, attribute = argument.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"py target must look like py:package.module:Factory, got py:{argument}")
    try:
        factory = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"py:{argument}: cannot load: {exc}") from None
    try:
        handler = factory()
    except Exception as exc:  # the target's own code failed to start
        raise TargetFailure(f"py:{argument}: the factory raised {type(exc).__name__}: {exc}"
                            ) from None
    return InProcessTarget(f"py:{argument}", handler)


TARGET_KINDS: dict[str, Callable[[Spec, str, float], Target]] = {
    "reference": _reference,
    "py": _python,
    "cmd": _command,
}


def make_target(description: str, spec: Spec, timeout_s: float = 5.0) -> Target:
    """``reference``, ``py:module:Factory`` or ``cmd:COMMAND`` → a fresh, unconfigured target.

    Raises :class:`UsageError` for a description that names no target kind, and
    :class:`TargetFailure` when a command target cannot even start.
    """
    kind, _, argument = description.partition(":")
    if kind not in TARGET_KINDS:
        known = ", ".join(sorted(TARGET_KINDS))
        raise UsageError(f"unknown target kind {kind!r} in {description!r} (known: {known})")
    return TARGET_KINDS[kind](spec, argument, timeout_s)
