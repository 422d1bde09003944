"""Prove every property of the reference model; last line JSON with the times and the budgets.

Runs k-induction (and the base-case BMC) for every observer property, each in a process of
its own as ``verify`` does (``--workers 2``: two at a time), so the figure is comparable with
the goal of 30 s on 2 cores, then the invariants obligation. Each Z3 check is bounded by
Z3's resource limit (rlimit), one per kind of query; the benchmark prints, per kind, the
most any check consumed and the margin (the profile's limit ÷ that peak): the figures the
limits in ``engines/prove.py`` and ``campaigns/verify.py`` are calibrated from (ten times
the peak).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

from pumpproof.campaigns.verify import PROOF_SETTINGS, prove_all
from pumpproof.engines.prove import prove_state_invariants
from pumpproof.properties.catalogue import observer_properties
from pumpproof.properties.verdicts import MethodResult
from pumpproof.pump_model import Params
from pumpproof.spec import load_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="ci", choices=sorted(PROOF_SETTINGS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    spec = load_spec()
    params = Params(spec.settings)
    # As verify does: the spec's hard ranges given, so that no proof process reads the spec.
    ranges = tuple((name, low, high) for name, (low, high) in sorted(spec.ranges.items()))
    settings = dataclasses.replace(PROOF_SETTINGS[args.profile], ranges=ranges)
    jobs = [(p.id, params, settings) for p in observer_properties() if p.prove]
    started = time.perf_counter()
    per_property: dict[str, dict[str, object]] = {}
    outcomes = prove_all(jobs, args.workers)
    proofs_seconds = time.perf_counter() - started
    invariants = prove_state_invariants(params, settings)
    limits = {"kinduction": settings.induction_rlimit, "bmc": settings.bmc_rlimit,
              "invariants": settings.invariants_rlimit}
    peaks: dict[str, tuple[int, str]] = {}

    def note(owner: str, result: MethodResult) -> None:
        peak = result.rlimit_peak or 0
        if peak >= peaks.get(result.method.value, (0, ""))[0]:
            peaks[result.method.value] = (peak, owner)

    for (prop_id, _, _), results in zip(jobs, outcomes, strict=True):
        induction = results[0]
        for result in results:
            note(prop_id, result)
        per_property[prop_id] = {
            "verdict": induction.verdict.value, "k": induction.depth,
            "seconds": round(sum(r.seconds for r in results), 2),
            "rlimit_peak": {r.method.value: r.rlimit_peak for r in results
                            if r.rlimit_peak is not None}}
        print(f"{prop_id:32} {induction.verdict.value:8} {per_property[prop_id]['seconds']:7.2f} s"
              f"  peak rlimit: {per_property[prop_id]['rlimit_peak']}")
    note("obligation", invariants)
    print(f"{'invariants obligation':32} {invariants.verdict.value:8} "
          f"{invariants.seconds:7.2f} s  peak rlimit: {invariants.rlimit_peak}")
    budgets = {kind: {"limit": limits[kind], "peak": peak, "where": owner,
                      "margin": round(limits[kind] / peak, 1) if peak else None}
               for kind, (peak, owner) in sorted(peaks.items())}
    for kind, budget in budgets.items():
        print(f"rlimit {kind:10}: peak {budget['peak']:>13,} ({budget['where']}), "
              f"limit {budget['limit']:>13,}, margin ×{budget['margin']}")
    proved = sum(v["verdict"] == "proved" for v in per_property.values())
    print(json.dumps({"seconds": round(proofs_seconds, 2), "proved": proved,
                      "properties": len(jobs), "workers": args.workers,
                      "invariants": invariants.verdict.value, "rlimit": budgets,
                      "per_property": per_property}, sort_keys=True))


if __name__ == "__main__":
    main()
