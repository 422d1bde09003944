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

from pumpproof.errors import UsageError
from pumpproof.pump_model import ReferencePump
from pumpproof.spec import Spec

__all__ = ["TARGET_KINDS", "Target", "make_target"]


class Target(Protocol):
    name: str

    def send(self, request: Any) -> Any: ...

    def close(self) -> None: ...


class InProcessTarget:
    """Any object with ``handle(request) -> answer`` (the reference pump is one)."""

    def __init__(self, name: str, handler: Any) -> None:
        self.name = name
        self._handler = handler

    def send(self, request: Any) -> Any:
        return self._handler.handle(request)

    def close(self) -> None:
        return None


def _reference(spec: Spec, argument: str) -> Target:
    return InProcessTarget("reference", ReferencePump(spec))


def _python(spec: Spec, argument: str) -> Target:
    module_name, _, attribute = argument.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"py target must look like py:package.module:Factory, got py:{argument}")
    try:
        factory = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"py:{argument}: cannot load: {exc}") from None
    return InProcessTarget(f"py:{argument}", factory())


TARGET_KINDS: dict[str, Callable[[Spec, str], Target]] = {
    "reference": _reference,
    "py": _python,
}


def make_target(description: str, spec: Spec) -> Target:
    """``reference`` or ``py:module:Factory`` → a fresh, unconfigured target."""
    kind, _, argument = description.partition(":")
    if kind not in TARGET_KINDS:
        known = ", ".join(sorted(TARGET_KINDS))
        raise UsageError(f"unknown target kind {kind!r} in {description!r} (known: {known})")
    return TARGET_KINDS[kind](spec, argument)
