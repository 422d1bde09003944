"""User properties in the catalogue: loaded from --properties modules, checked, refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pumpproof.errors import UsageError
from pumpproof.properties.catalogue import (
    MODULES_ENV,
    add_property_modules,
    all_properties,
    by_id,
    observer_properties,
    property_modules,
)
from pumpproof.spec import load_spec
from pumpproof.spec.settings import UNKNOWN_SETTING, settings_problems

GOOD = '''
from pumpproof.properties.api import Check, Property

class Quiet(Property):
    id = "P-USER-QUIET"
    title = "never fails"
    requirements = ("REQ-DOSE-1",)
    trigger = "never"

    def update(self, ctx, memory, view):
        return Check(memory, True, False)
'''


def _module(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(body, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``--properties`` modules before a test, and none left after it.

    ``add_property_modules`` writes ``os.environ`` (so worker processes inherit it), and
    monkeypatch undoes only its own changes: ``delenv`` of an unset variable records
    nothing, so the modules a test added used to stay in the environment and every later
    test in the process saw the user property too (a vacuous ``P-USER-QUIET`` then failed
    the fuzz test). ``setenv`` records the unset variable and removes it at teardown.
    """
    monkeypatch.setenv(MODULES_ENV, "")


def test_a_module_property_joins_every_list(tmp_path: Path) -> None:
    module = _module(tmp_path, "good_props", GOOD + "\nPROPERTIES = [Quiet]\n")
    built_in = len(all_properties())
    add_property_modules([module])
    assert property_modules() == (module,)
    assert [p.id for p in observer_properties()][-1] == "P-USER-QUIET"
    assert by_id("P-USER-QUIET").title == "never fails"
    assert len(all_properties()) == built_in + 1


def test_a_properties_function_is_accepted(tmp_path: Path) -> None:
    add_property_modules([_module(tmp_path, "fn_props", GOOD + "\ndef properties():\n"
                                  "    return [Quiet()]\n")])
    assert "P-USER-QUIET" in {p.id for p in all_properties()}


@pytest.mark.parametrize(("body", "expected"), [
    (GOOD.replace("P-USER-QUIET", "P-DOSE-MAX-BOLUS") + "\nPROPERTIES = [Quiet]\n",
     "P-DOSE-MAX-BOLUS: a property with this id already exists"),
    (GOOD.replace('"P-USER-QUIET"', '"quiet"') + "\nPROPERTIES = [Quiet]\n",
     "id must look like P-NAME"),
    (GOOD.replace('("REQ-DOSE-1",)', '"REQ-DOSE-1"') + "\nPROPERTIES = [Quiet]\n",
     "requirements must be a non-empty tuple"),
    (GOOD, "has neither a PROPERTIES list nor a properties() function"),
    (GOOD.replace('    trigger = "never"', '    trigger = "never"\n    proof_timeout_ms = 600_000')
     + "\nPROPERTIES = [Quiet]\n",
     "P-USER-QUIET: proof_timeout_ms (milliseconds of wall clock) is replaced by "
     "proof_rlimit, Z3's resource limit per check (deterministic): see README, Proof budgets"),
    (GOOD.replace('    trigger = "never"', '    trigger = "never"\n    proof_rlimit = -1')
     + "\nPROPERTIES = [Quiet]\n",
     "P-USER-QUIET: proof_rlimit must be a whole number >= 0, got -1"),
    ("raise RuntimeError('boom')\n", "cannot import: RuntimeError: boom"),
])
def test_a_bad_user_property_is_bad_input_naming_it(tmp_path: Path, body: str,
                                                    expected: str) -> None:
    module = _module(tmp_path, "bad_props", body)
    add_property_modules([module])
    with pytest.raises(UsageError) as error:
        all_properties()
    assert f"--properties {module}: " in str(error.value)
    assert expected in str(error.value)


def test_an_unknown_setting_is_refused_with_the_reason() -> None:
    values = {**load_spec().settings.to_protocol(), "max_bolus_U": 10}
    problems = dict(settings_problems(values))
    assert problems["max_bolus_U"] == UNKNOWN_SETTING
    assert "protocol v1 fixes the set of settings" in UNKNOWN_SETTING
