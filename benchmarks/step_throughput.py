"""Concrete steps per second of the reference model (a realistic mix of requests).

Prints a human line and, on the last line, JSON: {"steps_per_s", "ticks", "events"}.
"""

from __future__ import annotations

import json
import time

from pumpproof.pump_model import TICK, Params, ReferencePump, initial_state, parse_event, step
from pumpproof.spec import load_spec


def main() -> None:
    spec = load_spec()
    params = Params(spec.settings)
    pump = ReferencePump(spec)
    pump.configure(spec.settings.to_protocol())
    events = [
        parse_event({"kind": "cgm", "glucose_mg_dL": 150}, params),
        parse_event({"kind": "bolus", "amount_mU": 2000, "source": "user", "id": "x"}, params),
        parse_event({"kind": "set_clock", "offset_min": 60}, params),
    ]
    state = initial_state(params)
    ticks = n_events = 0
    started = time.perf_counter()
    for i in range(60_000):
        if i % 20 == 19:
            state, _ = step(params, state, events[(i // 20) % len(events)])
            n_events += 1
        else:
            state, _ = step(params, state, TICK)
            ticks += 1
    seconds = time.perf_counter() - started
    rate = (ticks + n_events) / seconds
    print(f"reference model: {rate:,.0f} concrete steps/s ({ticks} ticks, {n_events} events)")
    print(json.dumps({"steps_per_s": round(rate), "ticks": ticks, "events": n_events}))


if __name__ == "__main__":
    main()
