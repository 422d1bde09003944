"""Whole-process time of ``pumpproof fta`` vs SCRAM 0.16.2 on the public benchmark models.

Both run as subprocesses on the same MEF files in one run (SCRAM with BDD probability and
importance, pumpproof with cut sets and importance). Prints a table, and a last line of
JSON: ``{"models": {name: {"pumpproof_s", "scram_s", "ratio"}}, "geomean_ratio": …}``
(ratio = pumpproof / SCRAM; below 1 is faster). Install SCRAM with ``apt-get install scram``.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "shared" / "data" / "fault_trees" / "models"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def main() -> None:
    scram = shutil.which("scram")
    if scram is None:
        sys.exit("scram is not installed (apt-get install scram)")
    exe = shutil.which("pumpproof")
    ours = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted(MODELS.glob("*.xml")):
            scram_s = timed([scram, "--bdd", "--probability", "true", "--importance", "true",
                             "--limit-order", "1000", "--no-indent", "-o",
                             f"{tmp}/report.xml", str(model)])
            ours_s = timed([*ours, "fta", str(model), "--json", "--cut-sets", "--importance"])
            results[model.stem] = {"pumpproof_s": round(ours_s, 3), "scram_s": round(scram_s, 3),
                                   "ratio": round(ours_s / scram_s, 2)}
            print(f"{model.stem:12} pumpproof {ours_s:7.3f} s   SCRAM {scram_s:7.3f} s   "
                  f"ratio {ours_s / scram_s:5.2f}")
    geomean = math.exp(sum(math.log(r["ratio"]) for r in results.values()) / len(results))
    print(json.dumps({"models": results, "geomean_ratio": round(geomean, 2)}, sort_keys=True))


if __name__ == "__main__":
    main()
