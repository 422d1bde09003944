"""What validating answers with answer.schema.json costs, per answer and in fuzzing.

Compares, per observation answer, the codec's hand-written checks
(``observation_from_json``) with the compiled schema validator (``answer_problems``), and
runs the CI fuzz profile on the reference target twice: as shipped (codec on every answer,
schema on each session's configure answer) and with the schema also run on every answer.
Last line JSON: ``codec_us``, ``schema_us``, ``fuzz_requests_per_s``,
``fuzz_requests_per_s_schema_every_answer`` and ``slowdown``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pumpproof.engines import session as session_module
from pumpproof.engines.fuzz import PROFILES, fuzz
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.pump_model.jsonschemas import answer_problems
from pumpproof.pump_model.protocol import Observation, observation_from_json
from pumpproof.spec import load_spec
from pumpproof.targets import make_target


def per_answer_us(check: Any, answer: Any, n: int = 20_000) -> float:
    started = time.perf_counter()
    for _ in range(n):
        check(answer)
    return (time.perf_counter() - started) / n * 1e6


def fuzz_rate(spec: Any) -> float:
    outcome = fuzz(spec, Params(spec.settings), observer_properties(),
                   lambda: make_target("reference", spec), PROFILES["ci"], seed=0)
    return outcome.requests / outcome.seconds


def main() -> None:
    spec = load_spec()
    pump = ReferencePump(spec)
    pump.handle({"op": "configure", "settings": spec.settings.to_protocol()})
    answer = pump.handle({"op": "tick"})
    codec_us = per_answer_us(observation_from_json, answer)
    schema_us = per_answer_us(answer_problems, answer)
    shipped = fuzz_rate(spec)

    def codec_and_schema(value: Any) -> Observation:
        problems = answer_problems(value)
        if problems:
            raise session_module.AnswerError("; ".join(problems))
        return observation_from_json(value)

    session_module.observation_from_json = codec_and_schema  # type: ignore[assignment]
    try:
        every = fuzz_rate(spec)
    finally:
        session_module.observation_from_json = observation_from_json
    slowdown = shipped / every - 1
    print(f"per answer: codec {codec_us:.1f} µs, schema {schema_us:.1f} µs; fuzzing "
          f"{shipped:,.0f} requests/s as shipped, {every:,.0f} with the schema on every "
          f"answer ({slowdown:+.0%})")
    print(json.dumps({"codec_us": round(codec_us, 1), "schema_us": round(schema_us, 1),
                      "fuzz_requests_per_s": round(shipped),
                      "fuzz_requests_per_s_schema_every_answer": round(every),
                      "slowdown": round(slowdown, 3)}))


if __name__ == "__main__":
    main()
