"""Decisions per second of each AID controller through its adapter (300 generated realistic
inputs, the same for each), what the judge costs on top, and simulated patient-minutes per
second of the closed loop (simglucose, careful fixture controller).

Needs ``pumpproof controllers setup`` (a controller that is not set up is reported as such).
Prints human lines and, on the last line, JSON: {"decisions_per_s": {controller: n},
"judge_ms_per_decision", "patient_minutes_per_s"}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from pumpproof.controllers import make_controller
from pumpproof.controllers.interface import SAFETY_SETTINGS
from pumpproof.controllers.properties import PROPERTIES, Case
from pumpproof.engines.controller_cases import cases
from pumpproof.errors import UsageError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N = 300


def _inputs() -> list[Case]:
    out: list[Case] = []

    @settings(max_examples=N, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @hypothesis_seed(0)
    @given(cases(frozenset(SAFETY_SETTINGS)))
    def collect(case: Case) -> None:
        out.append(case)

    collect()
    return out[:N]


def main() -> None:
    inputs = _inputs()
    rates: dict[str, float | str] = {}
    for name in ("oref0", "pyloopkit"):
        try:
            controller = make_controller(name)
        except UsageError as exc:
            rates[name] = f"not set up: {exc}"
            continue
        started = time.perf_counter()
        for case in inputs:
            controller.decide(case.input)
        rates[name] = round(len(inputs) / (time.perf_counter() - started), 1)
        controller.close()
        print(f"{name}: {rates[name]} decisions/s")
    from tests.fixtures.aid_controller import make
    careful = make()
    commands = [careful.decide(case.input) for case in inputs]
    started = time.perf_counter()
    for case, command in zip(inputs, commands, strict=True):
        for prop in PROPERTIES:
            if prop.id not in ("C-TZ-INVARIANT", "C-DETERMINISTIC"):
                prop.judge(case, command, careful.decide, careful.supported)
    judge_ms = 1000 * (time.perf_counter() - started) / len(inputs)
    print(f"judge: {judge_ms:.2f} ms per decision (7 properties that ask once)")
    patient_rate: float | str
    try:
        from pumpproof.campaigns.closed_loop import run_patient
        from pumpproof.campaigns.virtual_patients import load_patient
        patient = load_patient("adult#001")
        started = time.perf_counter()
        run_patient(careful, patient, 240, 0)
        patient_rate = round(240 / (time.perf_counter() - started), 1)
        print(f"closed loop: {patient_rate} patient-minutes/s")
    except UsageError as exc:
        patient_rate = f"not set up: {exc}"
    print(json.dumps({"decisions_per_s": rates, "judge_ms_per_decision": round(judge_ms, 3),
                      "patient_minutes_per_s": patient_rate}))


if __name__ == "__main__":
    main()
