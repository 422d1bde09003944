"""A seeded campaign draws the same requests whatever modules the process has imported."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from pumpproof.engines.draws import seed_only_draws
from pumpproof.engines.fuzz import FuzzProfile, fuzz
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec
from pumpproof.targets import Target, make_target

PLANTED = tuple(123_456_789 + 1_000 * i for i in range(200))
PLANTED_OTHER = tuple(value + 1 for value in PLANTED)  # a second module's, never the same
# in the ranges the fuzzer draws (amounts, rates, clock offsets, schedule starts)
PLANTED_SMALL = tuple(range(-1_433, 1_440, 13))


def _draws(count: int) -> list[int]:
    """``count`` seeded draws of an integer in a range the planted constants fall in."""
    drawn: list[int] = []

    @settings(max_examples=count, database=None, deadline=None)
    @seed(7)
    @given(st.integers(PLANTED[0] - 1, PLANTED_OTHER[-1] + 1))  # no other constant falls in here
    def record(value: int) -> None:
        drawn.append(value)

    record()
    return drawn


def _plant_module(tmp_path: Path, name: str, constants: tuple[int, ...] = PLANTED) -> None:
    """Import a new local module full of integer constants in the drawn range."""
    values = ", ".join(map(str, constants))
    (tmp_path / f"{name}.py").write_text(f"TABLE = ({values},)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.skipif(not hasattr(providers, "_get_local_constants"),
                    reason="this Hypothesis draws no constants from local modules")
def test_an_imported_module_changes_plain_hypothesis_draws(tmp_path: Path) -> None:
    """The problem pinned here exists: without the pin, a module imported in between
    changes what the same seed draws (its constants join the pool)."""
    before = _draws(300)
    _plant_module(tmp_path, "planted_constants_plain")
    after = _draws(300)
    assert before != after
    assert set(PLANTED) & set(after)


def test_within_the_pin_an_imported_module_changes_nothing(tmp_path: Path) -> None:
    with seed_only_draws():
        before = _draws(300)
    _plant_module(tmp_path, "planted_constants_pinned", PLANTED_OTHER)
    with seed_only_draws():
        after = _draws(300)
    assert before == after  # the unpinned twin of this test shows they would differ


class _Recording:
    def __init__(self, inner: Target, sent: list[Any]) -> None:
        self.name, self._inner, self._sent = inner.name, inner, sent

    def send(self, request: Any) -> Any:
        self._sent.append(request)
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


def test_a_fuzz_campaign_sends_the_same_requests_after_an_import(tmp_path: Path) -> None:
    spec = load_spec()
    params = Params(spec.settings)
    profile = FuzzProfile(examples=8, steps=20, max_tick_run=60)

    def requests() -> list[Any]:
        sent: list[Any] = []
        fuzz(spec, params, observer_properties(),
             lambda: _Recording(make_target("reference", spec), sent), profile, seed=3,
             scenarios=False)
        return sent

    before = requests()
    _plant_module(tmp_path, "planted_constants_fuzz", PLANTED_SMALL)
    assert requests() == before
