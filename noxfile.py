"""``nox`` runs lint, typecheck and the fast tests; ``nox -s tests_slow`` the long ones.

The repository's top-level folders (spec/, pump_model/, …) are symlinked into
src/pumpproof/, so they install as ``pumpproof.*``; mypy and import-linter follow the
src layout through ``pyproject.toml`` with no build step.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over src/, the top-level packages, tests/, benchmarks/ and this file (examples/
    is excluded in pyproject.toml), then the import-linter contract (README "Layout")."""
    session.install("-e", ".[test]")
    session.run("ruff", "check")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the pumpproof package (``[tool.mypy]`` in pyproject.toml)."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The fast tests (not marked slow) against a non-editable install (what users get)."""
    session.install(".[test]")
    session.run("pytest", "-q", "-m", "not slow", *session.posargs)


@nox.session
def tests_slow(session: nox.Session) -> None:
    """The long tests: end-to-end runs, selftest, firmware builds, long fuzzing campaigns."""
    session.install(".[test]")
    session.run("pytest", "-q", "-m", "slow", *session.posargs)


@nox.session
def run(session: nox.Session) -> None:
    """The main job on the built-in reference pump."""
    session.install(".")
    session.run("pumpproof", "run", "--out", "pumpproof-out", *session.posargs)
