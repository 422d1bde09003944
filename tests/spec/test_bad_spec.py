"""A bad-spec corpus: each kind of refusal names the file, the item and the problem."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pumpproof.spec import default_spec_dir
from tests.fixtures.cli import pumpproof

Edit = Callable[[str], str]

CASES: dict[str, tuple[str, Edit, str]] = {
    "out_of_range": ("pump.yaml", lambda t: t.replace("value: 10000\n", "value: 40000\n", 1),
                     "pump.yaml: max_bolus_mU: must be ≤ 25000, got 40000"),
    "duplicate_key": ("pump.yaml", lambda t: t.replace("  pulse_mU:\n", "  pulse_mU:\n    value: 50\n", 1),
                      "pump.yaml: value: duplicate key"),
    "unknown_key": ("pump.yaml", lambda t: t.replace("schema: pumpproof.pump/1", "schema: pumpproof.pump/1\ncolour: red"),
                    "pump.yaml: colour: unknown key"),
    "wrong_type": ("pump.yaml", lambda t: t.replace("value: 360\n", "value: '360'\n", 1),
                   "pump.yaml: settings.dia_min.value"),
    "peak_vs_dia": ("pump.yaml", lambda t: t.replace("value: 75\n", "value: 180\n", 1),
                    "peak_min: must be ≤ 120, got 180"),
    "schedule_above_max": ("pump.yaml", lambda t: t.replace("[360, 1000]", "[360, 5000]"),
                           "basal_schedule: segment 1: rate 5000 exceeds max_basal_rate_mU_per_h 3000"),
    "low_reservoir": ("pump.yaml", lambda t: t.replace("low_reservoir_mU:\n    value: 20000", "low_reservoir_mU:\n    value: 300000"),
                      "low_reservoir_mU: must be below reservoir_capacity_mU 300000, got 300000"),
    "missing_field": ("requirements.yaml", lambda t: t.replace("  title: Single bolus cap\n", "", 1),
                      "requirements[0] (REQ-DOSE-1).title: missing"),
    "duplicate_req": ("requirements.yaml", lambda t: t.replace("id: REQ-DOSE-2", "id: REQ-DOSE-1"),
                      "(REQ-DOSE-1): duplicate id"),
    "dangling_setting": ("requirements.yaml", lambda t: t.replace("  - max_daily_total_mU\n", "  - max_daily_mU\n", 1),
                         "settings: no setting named 'max_daily_mU'"),
    "python_tag": ("pump.yaml", lambda t: t.replace("name: Reference adult pump", "name: !!python/object/apply:os.system ['true']"),
                   "pump.yaml: not valid YAML"),
    "not_yaml": ("pump.yaml", lambda t: "settings: [unclosed\n", "pump.yaml: not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_is_refused_with_file_item_and_problem(case: str, tmp_path: Path) -> None:
    target = tmp_path / case
    shutil.copytree(default_spec_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    file_name, edit, expected = CASES[case]
    path = target / file_name
    original = path.read_text(encoding="utf-8")
    changed = edit(original)
    assert changed != original, "the fixture edit did not apply"
    path.write_text(changed, encoding="utf-8")
    result = pumpproof("spec", "validate", str(target), timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert str(target) in result.stderr


def test_builtin_spec_is_valid() -> None:
    result = pumpproof("spec", "validate", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "72 requirements" in result.stdout
