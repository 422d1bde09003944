"""Whole-process time of our fault-tree engine vs SCRAM 0.16.2 on the 18 public models.

For each model, in one run, both as subprocesses on the same MEF file:

* SCRAM: ``scram --bdd --probability true --importance true --limit-order 1000 --no-indent``
  (``apt-get install scram``);
* ours: ``pumpproof fta MODEL --json --cut-sets --importance`` (the installed console
  script beside this Python, so the CLI's start-up is counted, as a user meets it).

Each is run ``--repeat`` times (default 3) and the best time is kept, which filters noise
from a busy machine. Prints one line per model, then a last line of JSON:
``{"models": {name: {"ours_s", "scram_s", "ratio"}}, "median_ratio", "worst_ratio",
"geomean_ratio"}`` (ratio = ours / SCRAM; below 1 is faster). Models are read from
``../shared/data/fault_trees`` beside the repository, or ``--models DIR``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fault_trees" / "models"


# As installed by pip, which compiles bytecode: a PYTHONDONTWRITEBYTECODE environment (a CI
# sandbox) would otherwise recompile every pumpproof module on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_time(command: list[str], repeat: int) -> float:
    """The fastest of ``repeat`` whole-process runs, in seconds (the first warms caches)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV,
                       stderr=subprocess.DEVNULL)  # no timeout: it would poll every 50 ms
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=MODELS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scram = shutil.which("scram")
    if scram is None:
        sys.exit("scram is not installed (apt-get install scram)")
    pumpproof = Path(sys.executable).parent / "pumpproof"
    ours = [str(pumpproof), "fta"] if pumpproof.exists() else [sys.executable, "-m",
                                                                "pumpproof.cli", "fta"]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted(args.models.glob("*.xml")):
            scram_s = best_time([scram, "--bdd", "--probability", "true", "--importance",
                                 "true", "--limit-order", "1000", "--no-indent", "-o",
                                 f"{tmp}/report.xml", str(model)], args.repeat)
            ours_s = best_time([*ours, str(model), "--json", "--cut-sets", "--importance"],
                               args.repeat)
            ratio = ours_s / scram_s
            results[model.stem] = {"ours_s": round(ours_s, 4), "scram_s": round(scram_s, 4),
                                   "ratio": round(ratio, 3)}
            print(f"{model.stem:12} ours {ours_s:7.3f} s   SCRAM {scram_s:7.3f} s   "
                  f"ratio {ratio:5.2f}", flush=True)
    geomean = math.exp(math.fsum(math.log(r["ours_s"] / r["scram_s"]) for r in
                                 results.values()) / len(results))
    ratios = [r["ours_s"] / r["scram_s"] for r in results.values()]
    print(json.dumps({"models": results, "geomean_ratio": round(geomean, 3),
                      "median_ratio": round(statistics.median(ratios), 3),
                      "worst_ratio": round(max(ratios), 3)}, sort_keys=True))


if __name__ == "__main__":
    main()
