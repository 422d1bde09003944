"""The examples in the package's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import pumpproof


def _modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(pumpproof.__path__, "pumpproof.")]
    return sorted(name for name in names if not name.endswith("__main__"))


MODULES = _modules()


def test_every_package_is_walked() -> None:
    for package in ("spec", "pump_model", "properties", "targets", "engines", "campaigns",
                    "selftest", "hazards", "hazards.fta", "reports", "commands"):
        assert f"pumpproof.{package}" in MODULES
    finder = doctest.DocTestFinder()
    with_examples = [name for name in MODULES
                     if any(test.examples for test in finder.find(importlib.import_module(name)))]
    assert len(with_examples) >= 11, with_examples  # a module whose examples vanish fails here


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             report=True, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
