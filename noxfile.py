"""One gate: ``nox`` runs lint, typecheck and tests; ``nox -s run`` runs the main job.

The repository's top-level folders (spec/, pump_model/, …) install as ``pumpproof.*``;
mypy sees them the same way through a tree of symlinks built by ``typecheck``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
ROOT = Path(__file__).parent
MAPPED = ("spec", "pump_model", "properties", "hazards", "reports")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite against a non-editable install (what users get)."""
    session.install(".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", *MAPPED, "tests", "benchmarks", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package as it installs (symlinked namespace tree)."""
    session.install(".[test]")
    tree = ROOT / "build" / "typecheck"
    shutil.rmtree(tree, ignore_errors=True)
    package = tree / "pumpproof"
    package.mkdir(parents=True)
    for item in (ROOT / "src" / "pumpproof").iterdir():
        os.symlink(item, package / item.name)
    for name in MAPPED:
        os.symlink(ROOT / name, package / name)
    session.run("mypy", "-p", "pumpproof", env={"MYPYPATH": str(tree)})


@nox.session
def run(session: nox.Session) -> None:
    """The main job on the built-in reference pump."""
    session.install(".")
    session.run("pumpproof", "run", "--out", "pumpproof-out", *session.posargs)
