"""Targets behind one interface: kinds, loading, and failures as findings (no subprocess)."""

from __future__ import annotations

from typing import Any

import pytest

from pumpproof.errors import TargetFailure, UsageError
from pumpproof.spec import load_spec
from pumpproof.targets import TARGET_KINDS, InProcessTarget, make_target

SPEC = load_spec()
CONFIGURE = {"op": "configure", "settings": SPEC.settings.to_protocol()}


def test_the_reference_target_answers_the_protocol() -> None:
    target = make_target("reference", SPEC)
    assert target.name == "reference"
    assert target.send(CONFIGURE) == {"ok": True, "name": "reference", "protocol": 1}
    assert target.send({"op": "tick"})["t"] == 1
    target.close()


def test_a_py_target_is_loaded_from_its_factory() -> None:
    target = make_target("py:tests.fixtures.off_by_one:make", SPEC)
    assert target.name == "py:tests.fixtures.off_by_one:make"
    assert target.send(CONFIGURE)["ok"] is True
    over = SPEC.settings.max_bolus_mU + SPEC.settings.pulse_mU
    answer = target.send({"op": "event", "event": {"kind": "bolus", "amount_mU": over,
                                                   "source": "user", "id": "b1"}})
    assert answer["accepted"] is True  # the planted bug: one pulse over the limit passes


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("warp:drive", "unknown target kind 'warp'"),
        ("py:tests.fixtures.off_by_one", "py target must look like py:package.module:Factory"),
        ("py:tests.fixtures.off_by_one:missing", "cannot load"),
        ("py:no_such_module_anywhere:make", "cannot load"),
        ("cmd:   ", "cmd target needs a command line"),
    ],
)
def test_a_bad_description_is_a_usage_error(description: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make_target(description, SPEC)


def test_every_kind_is_registered() -> None:
    assert set(TARGET_KINDS) == {"reference", "py", "cmd"}


class _Crashes:
    def handle(self, request: Any) -> Any:
        raise ZeroDivisionError("boom")


def test_a_crash_inside_a_python_target_is_a_target_failure() -> None:
    target = InProcessTarget("crashy", _Crashes())
    with pytest.raises(TargetFailure, match="target raised ZeroDivisionError: boom"):
        target.send({"op": "tick"})


def test_a_factory_that_raises_is_a_target_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.fixtures.off_by_one as module

    def broken() -> Any:
        raise RuntimeError("no hardware")

    monkeypatch.setattr(module, "broken", broken, raising=False)
    with pytest.raises(TargetFailure, match="the factory raised RuntimeError: no hardware"):
        make_target("py:tests.fixtures.off_by_one:broken", SPEC)


def test_a_pump_without_a_spec_checks_settings_against_the_built_in_ranges() -> None:
    """A pump made without a spec (as a ``py:`` target makes one per session) reads the
    built-in ranges, loaded once per process, not a whole spec per configure."""
    from pumpproof.pump_model import ReferencePump, protocol

    assert protocol._builtin_ranges() is protocol._builtin_ranges()
    assert dict(protocol._builtin_ranges()) == dict(SPEC.ranges)
    low, _ = SPEC.ranges["max_bolus_mU"]
    below = {**CONFIGURE["settings"], "max_bolus_mU": low - 1}
    answer = ReferencePump().handle({"op": "configure", "settings": below})
    assert answer["ok"] is False and "max_bolus_mU" in answer["reason"]
    assert ReferencePump().handle(CONFIGURE)["ok"] is True
