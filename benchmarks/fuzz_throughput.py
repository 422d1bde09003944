"""Fuzzing's requests per second against a raw ``step`` loop over *the same requests*.

In one run: the ``ci`` fuzz campaign (directed scenarios, then Hypothesis with every
observer as a runtime monitor) drives the in-process reference pump while a thin wrapper
records every request it sends; then the same requests, parsed beforehand, go through a
bare ``step`` loop (a fresh state at each ``configure``, as the sessions had). ``ratio`` =
fuzzing's rate ÷ the raw loop's rate: what the fuzzer's machinery (Hypothesis, protocol
JSON, the answer checks and 35 monitors) costs on top of the model itself. 1.0 would mean
free. Last line JSON: ``ratio``, ``fuzz_requests_per_s``, ``raw_steps_per_s``,
``requests``, ``observers``, ``monitor_share`` (the fraction of fuzzing's time spent in
the monitors).
"""

from __future__ import annotations

import json
import time
from typing import Any

from pumpproof.engines import monitor as monitor_module
from pumpproof.engines.fuzz import PROFILES, fuzz
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, initial_state, step
from pumpproof.pump_model.protocol import request_from_json
from pumpproof.spec import load_spec
from pumpproof.targets import Target, make_target


class Recording:
    """A target that forwards to another and records what it was sent."""

    def __init__(self, inner: Target, sent: list[Any]) -> None:
        self.name, self._inner, self._sent = inner.name, inner, sent

    def send(self, request: Any) -> Any:
        self._sent.append(request)
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


def raw_rate(params: Params, messages: list[Any]) -> float:
    """Steps per second of ``step`` alone over ``messages`` (parsed before timing)."""
    sessions: list[list[Any]] = []
    for message in messages:
        if message.get("op") == "configure":
            sessions.append([])
        elif sessions:
            request = request_from_json(message, params)
            if request is not None:
                sessions[-1].append(request)
    count = sum(map(len, sessions))
    started = time.perf_counter()
    for requests in sessions:
        state = initial_state(params)
        for request in requests:
            state, _ = step(params, state, request)
    return count / (time.perf_counter() - started)


def main() -> None:
    spec = load_spec()
    params = Params(spec.settings)
    properties = observer_properties()
    sent: list[Any] = []
    in_monitors = [0.0]
    feed = monitor_module.Monitor.feed

    def timed_feed(self: Any, request: Any, after: Any) -> Any:
        started = time.perf_counter()
        try:
            return feed(self, request, after)
        finally:
            in_monitors[0] += time.perf_counter() - started

    monitor_module.Monitor.feed = timed_feed  # type: ignore[method-assign]
    outcome = fuzz(spec, params, properties,
                   lambda: Recording(make_target("reference", spec), sent),
                   PROFILES["ci"], seed=0)
    monitor_module.Monitor.feed = feed  # type: ignore[method-assign]
    fuzz_rate = outcome.requests / outcome.seconds
    raw = raw_rate(params, sent)
    ratio = fuzz_rate / raw
    print(f"fuzzing: {fuzz_rate:,.0f} requests/s ({outcome.requests} requests, "
          f"{len(properties)} observers, {in_monitors[0] / outcome.seconds:.0%} of the time "
          f"in monitors); raw step loop over the same requests: {raw:,.0f} steps/s")
    print(json.dumps({"ratio": round(ratio, 3), "fuzz_requests_per_s": round(fuzz_rate),
                      "raw_steps_per_s": round(raw), "requests": outcome.requests,
                      "observers": len(properties),
                      "monitor_share": round(in_monitors[0] / outcome.seconds, 3)}))


if __name__ == "__main__":
    main()
