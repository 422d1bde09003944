"""Prove every property of the reference model; last line JSON with the times.

Runs k-induction (and the base-case BMC) for every observer property in one process
(``--workers 2`` uses two), so the figure is comparable with the goal of 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time

from pumpproof.campaigns.verify import PROOF_SETTINGS, _prove_one
from pumpproof.properties.catalogue import observer_properties
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="ci", choices=sorted(PROOF_SETTINGS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    params = Params(load_spec().settings)
    settings = PROOF_SETTINGS[args.profile]
    jobs = [(p.id, params, settings) for p in observer_properties() if p.prove]
    started = time.perf_counter()
    per_property: dict[str, dict[str, object]] = {}
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.workers) as pool:
            outcomes = list(pool.map(_prove_one, jobs))
    else:
        outcomes = [_prove_one(job) for job in jobs]
    for (prop_id, _, _), results in zip(jobs, outcomes, strict=True):
        induction = results[0]
        per_property[prop_id] = {"verdict": induction.verdict.value, "k": induction.depth,
                                 "seconds": round(sum(r.seconds for r in results), 2)}
        print(f"{prop_id:32} {induction.verdict.value:8} {per_property[prop_id]['seconds']:7.2f} s")
    seconds = time.perf_counter() - started
    proved = sum(v["verdict"] == "proved" for v in per_property.values())
    print(json.dumps({"seconds": round(seconds, 2), "proved": proved, "properties": len(jobs),
                      "workers": args.workers, "per_property": per_property}, sort_keys=True))


if __name__ == "__main__":
    main()
