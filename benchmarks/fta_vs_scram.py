"""Whole-process time of our fault-tree engine vs SCRAM 0.16.2 on the 18 public models.

For each model, in one run, both as subprocesses on the same MEF file:

* SCRAM: ``scram --bdd --probability true --importance true --limit-order 1000 --no-indent``
  (``apt-get install scram``);
* ours: ``python -m pumpproof.hazards.fta MODEL --json --cut-sets --importance``.

Each is run ``--repeat`` times (default 3) and the best time is kept, which filters noise
from a busy machine. Prints one line per model, then a last line of JSON:
``{"models": {name: {"ours_s", "scram_s", "ratio"}}, "geomean_ratio": …}`` (ratio =
ours / SCRAM; below 1 is faster). Models are read from ``../shared/data/fault_trees``
beside the repository, or ``--models DIR``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fault_trees" / "models"


def best_time(command: list[str], repeat: int) -> float:
    """The fastest of ``repeat`` whole-process runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
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
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted(args.models.glob("*.xml")):
            scram_s = best_time([scram, "--bdd", "--probability", "true", "--importance",
                                 "true", "--limit-order", "1000", "--no-indent", "-o",
                                 f"{tmp}/report.xml", str(model)], args.repeat)
            ours_s = best_time([sys.executable, "-m", "pumpproof.hazards.fta", str(model),
                                "--json", "--cut-sets", "--importance"], args.repeat)
            ratio = ours_s / scram_s
            results[model.stem] = {"ours_s": round(ours_s, 4), "scram_s": round(scram_s, 4),
                                   "ratio": round(ratio, 3)}
            print(f"{model.stem:12} ours {ours_s:7.3f} s   SCRAM {scram_s:7.3f} s   "
                  f"ratio {ratio:5.2f}", flush=True)
    geomean = math.exp(math.fsum(math.log(r["ours_s"] / r["scram_s"]) for r in
                                 results.values()) / len(results))
    print(json.dumps({"models": results, "geomean_ratio": round(geomean, 3)}, sort_keys=True))


if __name__ == "__main__":
    main()
