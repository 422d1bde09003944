"""The real controllers, unmodified, through their adapters: their own example inputs give
their documented outputs, and the adapters' translations are exact.

Needs ``pumpproof controllers setup`` (skipped with the reason otherwise).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import warnings
from pathlib import Path

from pumpproof.controllers import make_controller
from pumpproof.controllers.install import oref0_dir
from pumpproof.controllers.interface import example_input, with_settings
from pumpproof.controllers.oref0 import command_from_rt, oref0_request
from pumpproof.controllers.pyloopkit import command_from_loop

from .conftest import needs_oref0, needs_pyloopkit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "controllers"


def test_oref0_examples_give_the_documented_suggestion() -> None:
    """oref0's examples/ through the driver give exactly what oref0's own
    oref0-determine-basal gives on them (as examples/example.sh runs it; without an autotune
    directory the bin turns --microbolus off), and examples/suggested.json's glucose, IOB,
    COB and IOB predictions. That file predates 0.7.1: its zero-temp prediction, and so its
    rate (0 U/h, 1 U/h now) and insulinReq, are not what 0.7.1 computes (docs/controller.md)."""
    needs_oref0()
    examples = oref0_dir() / "examples"

    def read(name: str) -> object:
        return json.loads((examples / name).read_text())

    controller = make_controller("oref0")
    try:
        rt = controller.determine_basal({  # type: ignore[attr-defined]
            "glucose": read("glucose.json"), "currenttemp": read("temp_basal.json"),
            "iob": read("iob.json"), "profile": read("profile.json"),
            "autosens": read("autosens.json"), "meal": read("meal.json"),
            "microbolus": False, "current_time_ms": 1527924300000})
    finally:
        controller.close()
    bin_output = subprocess.run(
        ["node", str(oref0_dir() / "bin" / "oref0-determine-basal.js"), "iob.json",
         "temp_basal.json", "glucose.json", "profile.json", "--auto-sens", "autosens.json",
         "--meal", "meal.json", "--microbolus", "--currentTime", "1527924300000"],
        cwd=examples, capture_output=True, text=True, check=True, timeout=60).stdout
    assert rt == json.loads(bin_output)
    documented = read("suggested.json")
    assert isinstance(documented, dict)
    for key in ("temp", "bg", "tick", "eventualBG", "deliverAt", "COB", "IOB"):
        assert rt[key] == documented[key], key
    assert rt["predBGs"]["IOB"] == documented["predBGs"]["IOB"]
    assert (rt["rate"], rt["duration"]) == (1, 30)


def test_pyloopkit_example_gives_the_documented_recommendations() -> None:
    """PyLoopKit's example_issue_report_1 (its input_data, run as parse_dictionary_from_
    previous_run does) recommends what its -output.json documents: 1.2 U/h for 30 min and a
    0.15 U bolus."""
    needs_pyloopkit()
    from pyloopkit.pyloop_parser import parse_dictionary_from_previous_run
    example = json.loads((FIXTURES / "pyloopkit_example_1.json").read_text())
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Path(folder, "input.json").write_text(json.dumps(example["input_data"]))
        output = parse_dictionary_from_previous_run(folder, "input.json")
    assert output["recommended_temp_basal"] == example["recommended_temp_basal"] == [1.2, 30]
    assert output["recommended_bolus"] == example["recommended_bolus"] == [0.15, 0, None]
    command = command_from_loop(output)
    assert command.temp_basal is not None
    assert (command.temp_basal.rate_mU_per_h, command.temp_basal.duration_min) == (1200, 30)
    assert command.bolus_mU == 150


def test_both_controllers_decide_the_example_input() -> None:
    """A typical high, rising glucose: both raise insulin within max basal 3000 mU/h."""
    needs_oref0()
    needs_pyloopkit()
    for name in ("oref0", "pyloopkit"):
        controller = make_controller(name)
        try:
            command = controller.decide(example_input())
            again = controller.decide(example_input())
        finally:
            controller.close()
        assert command.refused is None, name
        assert command.temp_basal is not None and command.temp_basal.rate_mU_per_h == 3000
        assert command.same_dose(again)


def test_oref0_translation_keeps_units_and_missing_fields() -> None:
    i = example_input()
    request = oref0_request(i)
    assert request["pump_settings"]["maxBasal"] == 3.0
    assert request["preferences"]["max_iob"] == 4.0
    assert request["tz"] == "Etc/GMT-1"  # UTC+1
    assert request["basal_profile"][1] == {"i": 1, "minutes": 360, "start": "06:00:00",
                                           "rate": 1.0}
    assert request["glucose"][0]["sgv"] == 140  # newest first, as OpenAPS keeps glucose.json
    assert request["currenttemp"] == {"duration": 10, "rate": 1.2, "temp": "absolute"}
    missing = oref0_request(with_settings(i, missing=("max_basal_mU_per_h",),
                                          max_basal_mU_per_h=None))
    assert "maxBasal" not in missing["pump_settings"]
    null = oref0_request(with_settings(i, max_basal_mU_per_h=None))
    assert null["pump_settings"]["maxBasal"] is None


def test_oref0_answers_round_up_to_whole_milli_units() -> None:
    command = command_from_rt({"rT": {"rate": 1.2345, "duration": 30, "units": 0.1 + 0.2}})
    assert command.temp_basal is not None and command.temp_basal.rate_mU_per_h == 1235
    assert command.bolus_mU == 300
    assert command_from_rt({"rT": {"rate": 0, "duration": 0}}).cancel_temp
    assert command_from_rt({"error": "x"}).refused == "x"


def test_setup_is_idempotent_and_says_what_it_needs(tmp_path: Path) -> None:
    """With node missing from PATH, oref0's setup names what to install (one line, exit 2)."""
    from tests.fixtures.cli import pumpproof
    env = {**os.environ, "PATH": str(tmp_path), "PUMPPROOF_CONTROLLERS_DIR": str(tmp_path)}
    result = pumpproof("controllers", "setup", "oref0", env=env, timeout=60)
    assert result.returncode == 2
    assert "needs node and npm on PATH" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
