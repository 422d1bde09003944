"""What a target finding's timeline costs, and what replaying its trace once saves.

``check`` and ``run --target`` replay each finding's saved trace on a fresh target for its
sentence; the timeline is built from that same replay (the recorded answers, the reference
model stepped beside them, the property judging each step) instead of a second replay.
This measures, on the saved off-by-one counterexample (20 requests), on the in-process
Python fixture and on the C example (a subprocess, built here with ``make``), the time of
one replay on a fresh target, of building the timeline from it, and the ratio of "replay
twice" (sentence, then timeline) to "replay once". Last line JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pumpproof.campaigns.timeline import target_timeline
from pumpproof.engines.replay import replay_fresh
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.dose import MaxBolus
from pumpproof.spec import load_spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # py:tests.fixtures…
from subprocess_throughput import build_c_example

TRACE = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "traces"
         / "off_by_one.P-DOSE-MAX-BOLUS.fuzz.jsonl")


def median_s(work: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    spec = load_spec()
    trace = [json.loads(line) for line in TRACE.read_text().splitlines()]
    properties = observer_properties()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        binary = build_c_example(Path(tmp))
        for name, target in (("py", "py:tests.fixtures.off_by_one:OffByOne"),
                             ("c", f"cmd:{binary} --json")):
            replayed = replay_fresh(spec, target, 5.0, trace, properties)
            replay_s = median_s(lambda t=target: replay_fresh(spec, t, 5.0, trace, properties),
                                21)
            build_s = median_s(lambda r=replayed: target_timeline(spec, trace, r, MaxBolus()),
                               21)
            once, twice = replay_s + build_s, 2 * replay_s + build_s
            print(f"{name}: replay {replay_s * 1e3:.2f} ms, timeline from it "
                  f"{build_s * 1e3:.2f} ms; replay twice / once = {twice / once:.2f}")
            figures[name] = {"replay_ms": round(replay_s * 1e3, 3),
                             "timeline_ms": round(build_s * 1e3, 3),
                             "twice_over_once": round(twice / once, 3)}
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
