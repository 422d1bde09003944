"""How cost grows: proof time against BMC depth, fuzz time against horizon (pump time).

In one run:

* **BMC depth**: ``bmc`` of a few properties at depths 1 … ``--max-depth`` (the ci profile's
  proof settings otherwise), seconds per depth and the growth factor from one depth to the
  next (Z3's search grows with the unrolling; exponential in the worst case);
* **horizon**: one session of the reference pump with every observer watching, as the
  fuzzer runs it (the built-in pump stepped directly, every answer monitored), over 1 hour,
  1 day and 7 days of pump time (ticks, with a CGM value every 5 minutes, a bolus every 3
  hours and a temp basal every 8 hours); seconds, microseconds per simulated minute, and
  ``horizon_linearity`` = cost per minute at 7 days ÷ at 1 hour (1.0: linear in horizon).
  An untimed day-long session runs first, so that the monitors' generated code is traced
  before any timing: otherwise the hour is judged by interpreted observers and the day
  pays the tracing, which measures warm-up, not growth.

Last line JSON: ``{"bmc": {prop: {depth: s}}, "horizon": {label: {"minutes", "seconds",
"us_per_minute"}}, "horizon_linearity"}``.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from pumpproof.campaigns.verify import PROOF_SETTINGS
from pumpproof.engines.prove import bmc
from pumpproof.engines.session import Session
from pumpproof.properties.catalogue import by_id, observer_properties
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec
from pumpproof.targets import make_target

HORIZONS = {"1 hour": 60, "1 day": 1440, "7 days": 7 * 1440}
BMC_PROPERTIES = ("P-DOSE-MAX-BOLUS", "P-DKA-OCCLUSION", "P-DOSE-DAILY-TOTAL")


def session_messages(minutes: int) -> list[dict[str, Any]]:
    """A deterministic day-in-the-life: ticks with events between them."""
    messages: list[dict[str, Any]] = []
    tick = {"op": "tick"}
    for minute in range(minutes):
        if minute % 5 == 0:
            messages.append({"op": "event", "event": {"kind": "cgm",
                                                      "glucose_mg_dL": 100 + minute % 90}})
        if minute % 180 == 30:
            messages.append({"op": "event", "event": {
                "kind": "bolus", "amount_mU": 2000, "extended_mU": 0, "extended_min": 0,
                "source": "user", "id": f"b{minute}"}})
        if minute % 480 == 100:
            messages.append({"op": "event", "event": {
                "kind": "temp_basal", "rate_mU_per_h": 600, "duration_min": 60,
                "source": "auto", "id": f"t{minute}"}})
        messages.append(tick)
    return messages


def horizon_seconds(minutes: int) -> float:
    spec = load_spec()
    params = Params(spec.settings)
    session = Session(params, observer_properties(), make_target("reference", spec))
    session.configure()
    messages = session_messages(minutes)
    started = time.perf_counter()
    for message in messages:
        session.send(message)
    seconds = time.perf_counter() - started
    assert not session.monitor.violated, [run.prop.id for run in session.monitor.violated]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--properties", nargs="*", default=list(BMC_PROPERTIES))
    args = parser.parse_args()
    params = Params(load_spec().settings)
    base = PROOF_SETTINGS["ci"]
    bmc_times: dict[str, dict[int, float]] = {}
    for prop_id in args.properties:
        bmc_times[prop_id] = {}
        for depth in range(1, args.max_depth + 1):
            settings = type(base)(**{**base.__dict__, "bmc_depth": depth})
            started = time.perf_counter()
            result = bmc(by_id(prop_id), params, settings)
            seconds = time.perf_counter() - started
            bmc_times[prop_id][depth] = round(seconds, 2)
            growth = (f"  ×{seconds / bmc_times[prop_id][depth - 1]:.1f}"
                      if depth > 1 and bmc_times[prop_id][depth - 1] > 0 else "")
            print(f"bmc {prop_id:22} depth {depth}: {seconds:7.2f} s "
                  f"({result.verdict.value}){growth}", flush=True)
    horizon: dict[str, dict[str, float]] = {}
    horizon_seconds(HORIZONS["1 day"])  # warm-up (see the module's docstring)
    for label, minutes in HORIZONS.items():
        seconds = horizon_seconds(minutes)
        horizon[label] = {"minutes": minutes, "seconds": round(seconds, 3),
                          "us_per_minute": round(seconds / minutes * 1e6, 1)}
        print(f"session of {label:7} ({minutes:5} min): {seconds:7.2f} s, "
              f"{seconds / minutes * 1e6:8.1f} µs per simulated minute", flush=True)
    linearity = horizon["7 days"]["us_per_minute"] / horizon["1 hour"]["us_per_minute"]
    print(json.dumps({"bmc": bmc_times, "horizon": horizon,
                      "horizon_linearity": round(linearity, 3)}, sort_keys=True))


if __name__ == "__main__":
    main()
