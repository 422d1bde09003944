"""Extension points from outside the repository: a separately installed property plugin,
``--properties MODULE``, the user's own spec directory and the pytest plugin.

One module-scoped fixture makes a fresh venv (pumpproof importable from the environment
running these tests, as installed there), installs ``tests/fixtures/acme_plugin`` into it
non-editable (its entry point in the group ``pumpproof.properties``), and writes a user's
spec directory (the built-in one plus ACME's requirements). Every command then runs in a
subprocess from a directory outside the repository.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import default_spec_dir, load_spec

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "acme_plugin"
REPO = Path(__file__).resolve().parents[2]

ACME_REQUIREMENTS = """
- id: REQ-ACME-1
  title: No phantom bolus
  shall: The pump shall refuse a bolus of 0 mU, so that a key bounce never logs a bolus.
  rationale: A phantom bolus in the history misleads the next dosing decision.
  sources:
  - "FDA-TPLC-2014: Table 6, incorrect dose entered (key de-bounce failure)"
  verification:
  - proof
  - fuzz
- id: REQ-ACME-2
  title: ACME bolus cap
  shall: The pump shall refuse a bolus above 5000 mU.
  rationale: ACME's pump is for children.
  sources:
  - "AAPS-HARDLIMITS: MAX_BOLUS child 5 U"
  verification:
  - fuzz
"""


@dataclass(frozen=True)
class Acme:
    python: Path
    work: Path
    spec: Path

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PUMPPROOF_PROPERTIES")}
        env["CI"] = "1"
        return subprocess.run([str(self.python), *args], cwd=self.work, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def pumpproof(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "pumpproof", *args, timeout=timeout)


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Acme:
    root = tmp_path_factory.mktemp("acme")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    # pumpproof, pip and setuptools as installed where these tests run (an editable install
    # through its own .pth files, hence addsitedir), and no path of the repository
    here = sysconfig.get_paths()["purelib"]
    (purelib / "_pumpproof_under_test.pth").write_text(
        f"import site; site.addsitedir({here!r})\n")
    source = root / "acme-src"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("__pycache__"))
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", str(source)], capture_output=True, text=True, timeout=300, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    work = root / "work"
    work.mkdir()
    shutil.copy(source / "acme_extra.py", work)
    shutil.copy(source / "firmware_tests.py", work)
    spec = work / "acme-spec"
    shutil.copytree(default_spec_dir(), spec, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    reqs = spec / "requirements.yaml"
    text = reqs.read_text(encoding="utf-8")
    text = text.replace("families:\n", "families:\n  ACME: ACME pump specifics\n", 1)
    reqs.write_text(text.rstrip("\n") + ACME_REQUIREMENTS, encoding="utf-8")
    hazards = spec / "hazards.yaml"
    log = hazards.read_text(encoding="utf-8")
    edited = log.replace("requirements: [REQ-DOSE-1, REQ-HF-1", "requirements: [REQ-DOSE-1, "
                         "REQ-HF-1, REQ-ACME-1", 1)
    assert edited != log, "RC-MAX-BOLUS's requirement list moved; update the fixture"
    hazards.write_text(edited, encoding="utf-8")
    return Acme(python, work, spec)


def test_the_plugin_is_installed_outside_the_repository(acme: Acme) -> None:
    found = acme.run("-c", "import acme_pump_props, pumpproof; print(acme_pump_props.__file__)")
    assert found.returncode == 0, found.stderr
    assert "site-packages" in found.stdout and str(REPO) not in found.stdout
    assert str(REPO) not in str(acme.work)


def test_a_property_naming_a_requirement_not_in_the_spec_is_refused(acme: Acme) -> None:
    result = acme.pumpproof("check", "--target", "reference", "--budget", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "P-ACME-NO-ZERO-BOLUS: requirement REQ-ACME-1 is not in requirements.yaml" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_spec_validate_says_which_directory(acme: Acme) -> None:
    result = acme.pumpproof("spec", "validate", "acme-spec")
    assert result.returncode == 0, result.stderr
    assert f"{acme.spec.resolve()}: valid (spec directory)" in result.stdout
    # the built-in requirements and ACME's two: the edited directory, not the installed one
    assert f"{len(load_spec().requirement_ids) + 2} requirements" in result.stdout


def test_spec_export_links_the_plugin_property_to_its_requirement(acme: Acme) -> None:
    result = acme.pumpproof("spec", "export", "acme-spec", "--json")
    assert result.returncode == 0, result.stderr
    reqs = {r["id"]: r for r in json.loads(result.stdout)["requirements"]}
    assert reqs["REQ-ACME-1"]["properties"] == ["P-ACME-NO-ZERO-BOLUS"]


def test_unknown_property_modules_and_non_properties_are_bad_input(acme: Acme) -> None:
    missing = acme.pumpproof("check", "--target", "reference", "--spec", "acme-spec",
                             "--properties", "no_such_module", "--budget", "1")
    assert missing.returncode == 2
    assert "--properties no_such_module: cannot import: ModuleNotFoundError" in missing.stderr
    (acme.work / "not_props.py").write_text("PROPERTIES = [42]\n")
    wrong = acme.pumpproof("check", "--target", "reference", "--spec", "acme-spec",
                           "--properties", "not_props.py", "--budget", "1")
    assert wrong.returncode == 2
    assert "42 is not a pumpproof Property" in wrong.stderr


def test_check_and_simulate_run_plugin_and_module_properties(acme: Acme) -> None:
    result = acme.pumpproof("check", "--target", "reference", "--spec", "acme-spec",
                            "--properties", "acme_extra", "--budget", "5", "--out", "out")
    assert result.returncode == 1, result.stdout + result.stderr
    evidence = json.loads((acme.work / "out" / "evidence.json").read_text())
    verdicts = {p["id"]: p["verdict"] for p in evidence["properties"]}
    # a 5 s check may never send a 0 mU bolus: then the property is vacuous on the target
    # (unknown, not evidence), never passed on nothing
    zero = next(p for p in evidence["properties"] if p["id"] == "P-ACME-NO-ZERO-BOLUS")
    assert zero["verdict"] == "passed" if zero["triggers"] else zero["verdict"] == "unknown"
    assert verdicts["P-ACME-BOLUS-5U"] == "violated"
    assert [p for p, v in verdicts.items() if v == "violated"] == ["P-ACME-BOLUS-5U"]
    head = next(line for line in result.stdout.splitlines()
                if line.startswith("VIOLATED P-ACME-BOLUS-5U"))
    assert "[REQ-ACME-2]" in head and "ACME's cap is 5000 mU" in head
    replay = next(line for line in result.stdout.splitlines() if "replay:" in line)
    command = shlex.split(replay.split("replay:", 1)[1])
    assert command[:2] == ["pumpproof", "simulate"]
    assert command[command.index("--spec"):][:2] == ["--spec", "acme-spec"]
    assert command[command.index("--properties"):][:2] == ["--properties", "acme_extra"]
    again = acme.pumpproof(*command[1:])
    assert again.returncode == 1, again.stderr
    assert "VIOLATED P-ACME-BOLUS-5U [REQ-ACME-2]" in again.stderr


def test_selftest_counts_and_hazard_trace_include_plugin_properties(acme: Acme) -> None:
    counted = acme.run("-c", "from pumpproof.selftest.runner import selftest_summary; "
                       "from pumpproof.properties.catalogue import all_properties; "
                       "print(selftest_summary([])['properties'], len(all_properties()))")
    assert counted.returncode == 0, counted.stderr
    # the plugin's property joins the built-in ones, in the selftest's count too
    expected = str(len(all_properties()) + 1)
    assert counted.stdout.split() == [expected, expected]
    hazards = acme.pumpproof("hazards", "--spec", "acme-spec", "--out", "hz")
    assert hazards.returncode in (0, 1), hazards.stderr
    controls = {c["id"]: c for c in json.loads((acme.work / "hz" / "hazards.json").read_text())
                ["controls"]}
    assert "P-ACME-NO-ZERO-BOLUS" in controls["RC-MAX-BOLUS"]["properties"]


def test_the_pytest_plugin_is_inert_without_a_target(acme: Acme) -> None:
    result = acme.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "firmware_tests.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_pytest_plugin_runs_one_test_per_property_on_a_cmd_target(acme: Acme) -> None:
    target = f"cmd:{acme.python} -m pumpproof serve --spec acme-spec"
    result = acme.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "firmware_tests.py",
                      "--pumpproof-target", target, "--pumpproof-spec", "acme-spec",
                      "--pumpproof-properties", "acme_extra", "--pumpproof-budget", "8",
                      "--pumpproof-seed", "3", "-k", "ACME or acme", "--junitxml", "j.xml",
                      timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "2 passed" in out and "1 failed" in out, out
    assert "VIOLATED P-ACME-BOLUS-5U [REQ-ACME-2] at trace line" in out
    assert "replay: pumpproof simulate pumpproof-pytest/counterexamples/P-ACME-BOLUS-5U" in out
    cases = {case.get("name"): case for case in ET.parse(acme.work / "j.xml").iter("testcase")}
    assert set(cases) == {"P-ACME-NO-ZERO-BOLUS", "P-ACME-BOLUS-5U",
                          "test_acme_firmware_version_is_set"}
    assert cases["P-ACME-BOLUS-5U"].find("failure") is not None
    assert cases["P-ACME-NO-ZERO-BOLUS"].find("failure") is None
    assert (acme.work / "pumpproof-pytest" / "counterexamples" /
            "P-ACME-BOLUS-5U.fuzz.jsonl").is_file()


def test_verify_proves_the_plugin_property_on_the_users_spec(acme: Acme) -> None:
    result = acme.pumpproof("verify", "--spec", "acme-spec", "--properties", "acme_extra",
                            "--property", "P-ACME-NO-ZERO-BOLUS", "--property",
                            "P-ACME-BOLUS-5U", "--out", "v", timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    evidence = json.loads((acme.work / "v" / "evidence.json").read_text())
    verdicts = {p["id"]: p["verdict"] for p in evidence["properties"]}
    assert verdicts == {"P-ACME-NO-ZERO-BOLUS": "proved", "P-ACME-BOLUS-5U": "violated"}
