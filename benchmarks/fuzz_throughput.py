"""Requests per second under the Hypothesis state machine vs a raw loop over ``step``.

Both drive the reference model with the same kind of traffic; the fuzzer adds protocol
JSON, Hypothesis's generation and every observer. Last line JSON with ``ratio``.
"""

from __future__ import annotations

import json
import time

from pumpproof.engines.fuzz import PROFILES, fuzz
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import TICK, Params, initial_state, parse_event, step
from pumpproof.spec import load_spec
from pumpproof.targets import make_target


def raw_rate(params: Params, requests: int) -> float:
    state = initial_state(params)
    cgm = parse_event({"kind": "cgm", "glucose_mg_dL": 150}, params)
    started = time.perf_counter()
    for i in range(requests):
        state, _ = step(params, state, cgm if i % 10 == 9 else TICK)
    return requests / (time.perf_counter() - started)


def main() -> None:
    spec = load_spec()
    params = Params(spec.settings)
    outcome = fuzz(spec, params, observer_properties(), lambda: make_target("reference", spec),
                   PROFILES["ci"], seed=0)
    fuzz_rate = outcome.requests / outcome.seconds
    raw = raw_rate(params, 50_000)
    ratio = fuzz_rate / raw
    print(f"fuzzing: {fuzz_rate:,.0f} requests/s ({outcome.requests} requests, "
          f"{len(observer_properties())} observers); raw step loop: {raw:,.0f} steps/s")
    print(json.dumps({"ratio": round(ratio, 3), "fuzz_requests_per_s": round(fuzz_rate),
                      "raw_steps_per_s": round(raw), "requests": outcome.requests}))


if __name__ == "__main__":
    main()
