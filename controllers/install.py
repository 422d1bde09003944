"""``pumpproof controllers setup``: install the real controllers, pinned, idempotently.

* oref0 (npm ``oref0@OREF0_VERSION``) with ``npm install --prefix`` into the controllers
  cache: ``$PUMPPROOF_CONTROLLERS_DIR``, else ``$XDG_CACHE_HOME/pumpproof/controllers``, else
  ``~/.cache/pumpproof/controllers``. Needs node and npm on PATH.
* PyLoopKit (PyPI ``pyloopkit-test==PYLOOPKIT_VERSION``) into *this* Python environment
  with ``pip install --no-deps`` — its pins (numpy 1.16.4) do not build on Python 3.11 —
  plus what it really imports: numpy and backports-datetime-fromisoformat.

* simglucose (PyPI ``simglucose==SIMGLUCOSE_VERSION``, the virtual patients of the closed
  loop) likewise with ``--no-deps`` — its gym 0.9.4 pin does not install — plus what the
  patient model imports: numpy, scipy, pandas and ``setuptools<81`` (``pkg_resources``).

A step already done (the pinned version present) is skipped, so a second run is quick.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from pumpproof.errors import UsageError

__all__ = [
    "OREF0_VERSION",
    "PYLOOPKIT_IMPORTS",
    "PYLOOPKIT_VERSION",
    "SIMGLUCOSE_VERSION",
    "controllers_dir",
    "oref0_dir",
    "oref0_status",
    "pyloopkit_status",
    "setup",
    "simglucose_status",
]

OREF0_VERSION = "0.7.1"
PYLOOPKIT_VERSION = "0.0.15"
SIMGLUCOSE_VERSION = "0.2.11"
#: What simglucose's patient model imports (its own pins include gym 0.9.4).
SIMGLUCOSE_IMPORTS = ("numpy", "scipy", "pandas", "setuptools<81")
#: PyLoopKit's real imports beyond the standard library (its setup.py pins are unbuildable).
PYLOOPKIT_IMPORTS = ("numpy", "backports-datetime-fromisoformat")


def controllers_dir() -> Path:
    if os.environ.get("PUMPPROOF_CONTROLLERS_DIR"):
        return Path(os.environ["PUMPPROOF_CONTROLLERS_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "pumpproof" / "controllers"


def oref0_dir() -> Path:
    return controllers_dir() / "node_modules" / "oref0"


def oref0_status() -> str | None:
    """Why oref0 cannot run here (None: it can)."""
    if shutil.which("node") is None:
        return "node is not on PATH (oref0 runs on Node.js; install node and npm)"
    package = oref0_dir() / "package.json"
    if not package.exists():
        return f"oref0 is not installed in {controllers_dir()} (run: pumpproof controllers setup)"
    version = json.loads(package.read_text(encoding="utf-8")).get("version")
    if version != OREF0_VERSION:
        return f"oref0 {version} is installed, {OREF0_VERSION} is pinned (run: pumpproof " \
               "controllers setup)"
    return None


def _installed(name: str, version: str) -> str | None:
    try:
        found = metadata.version(name)
    except metadata.PackageNotFoundError:
        return f"{name} is not installed in this Python (run: pumpproof controllers setup)"
    return None if found == version else f"{name} {found} is installed, {version} is pinned"


def simglucose_status() -> str | None:
    """Why the virtual patients cannot run in this Python (None: they can)."""
    problem = _installed("simglucose", SIMGLUCOSE_VERSION)
    if problem is not None:
        return problem
    for name in ("numpy", "scipy", "pandas", "setuptools"):
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            return f"{name}, which simglucose imports, is not installed (run: pumpproof " \
                   "controllers setup)"
    if int(metadata.version("setuptools").split(".")[0]) >= 81:
        return "setuptools 81 or later has no pkg_resources, which simglucose needs (run: " \
               "pumpproof controllers setup)"
    return None


def pyloopkit_status() -> str | None:
    """Why PyLoopKit cannot run in this Python (None: it can)."""
    try:
        version = metadata.version("pyloopkit-test")
    except metadata.PackageNotFoundError:
        return "PyLoopKit (pyloopkit-test) is not installed in this Python (run: pumpproof " \
               "controllers setup)"
    if version != PYLOOPKIT_VERSION:
        return f"pyloopkit-test {version} is installed, {PYLOOPKIT_VERSION} is pinned"
    for name in PYLOOPKIT_IMPORTS:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            return f"{name}, which PyLoopKit imports, is not installed (run: pumpproof " \
                   "controllers setup)"
    return None


def _run(argv: list[str], say: Callable[[str], None]) -> None:
    say("$ " + " ".join(argv))
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise UsageError(f"{argv[0]} failed (exit {result.returncode}): " + " | ".join(tail))


def _setup_oref0(say: Callable[[str], None]) -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise UsageError(f"oref0 needs {' and '.join(missing)} on PATH: install Node.js 18 or "
                         "later with npm (e.g. apt-get install nodejs npm), then run "
                         "'pumpproof controllers setup' again")
    if oref0_status() is None:
        say(f"oref0 {OREF0_VERSION}: already installed in {controllers_dir()}")
        return
    controllers_dir().mkdir(parents=True, exist_ok=True)
    _run(["npm", "install", "--prefix", str(controllers_dir()), "--no-audit", "--no-fund",
          "--ignore-scripts", "--omit=dev", "--loglevel=error", f"oref0@{OREF0_VERSION}"], say)
    say(f"oref0 {OREF0_VERSION}: installed in {controllers_dir()}")


def _pip_setup(label: str, dist: str, version: str, imports: tuple[str, ...],
               status: Callable[[], str | None], say: Callable[[str], None]) -> None:
    """Pip-install ``dist==version`` with ``--no-deps`` (its own pins do not install on this
    Python), then what it really ``imports``; skipped when ``status`` says it can run."""
    if status() is None:
        say(f"{label} {version}: already installed in {sys.prefix}")
        return
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--no-deps", f"{dist}=={version}"], say)
    _run([*pip, *imports], say)
    say(f"{label} {version}: installed in {sys.prefix}")


def _setup_pyloopkit(say: Callable[[str], None]) -> None:
    _pip_setup("PyLoopKit", "pyloopkit-test", PYLOOPKIT_VERSION, PYLOOPKIT_IMPORTS,
               pyloopkit_status, say)


def _setup_simglucose(say: Callable[[str], None]) -> None:
    _pip_setup("simglucose", "simglucose", SIMGLUCOSE_VERSION, SIMGLUCOSE_IMPORTS,
               simglucose_status, say)


SETUPS: dict[str, Callable[[Callable[[str], None]], None]] = {
    "oref0": _setup_oref0, "pyloopkit": _setup_pyloopkit, "simglucose": _setup_simglucose}


def setup(names: list[str], say: Callable[[str], None]) -> None:
    """Install each named controller (all when ``names`` is empty)."""
    for name in names or list(SETUPS):
        SETUPS[name](say)
