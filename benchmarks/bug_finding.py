"""Seconds until `pumpproof check` finds each planted bug of the example C firmware.

Builds ``examples/firmware_c`` (make, make all-bugs), then for each build runs
``pumpproof check --budget 10`` and reads when the finding was made (the whole process
time, and whether the finding came from a directed scenario or from fuzzing). Last line
JSON: ``{bug: {"seconds", "found", "property"}}``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRMWARE = Path(__file__).resolve().parents[1] / "examples" / "firmware_c"
BUGS = ["off_by_one_max_bolus", "daily_total_midnight_reset", "occlusion_wrong_compare",
        "alarm_clears_on_ack", "crash_on_unknown_event"]


def main() -> None:
    subprocess.run(["make", "-s"], cwd=FIRMWARE, check=True)
    subprocess.run(["make", "-s", "all-bugs"], cwd=FIRMWARE, check=True)
    exe = shutil.which("pumpproof")
    command = [exe] if exe else [sys.executable, "-m", "pumpproof"]
    results = {}
    for bug in BUGS:
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            proc = subprocess.run([*command, "check", "--target-cmd",
                                   f"{FIRMWARE / 'build' / ('pump_host_' + bug)} --json",
                                   "--budget", "10", "--out", out],
                                  capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - started
            evidence = json.loads((Path(out) / "evidence.json").read_text())
        violated = [p["id"] for p in evidence["properties"] if p["verdict"] == "violated"]
        failure = evidence["target"]["failure"]
        results[bug] = {"seconds": round(seconds, 2), "found": proc.returncode == 1,
                        "property": violated[0] if violated else
                        ("target failure" if failure else None)}
        print(f"{bug:30} {'found' if proc.returncode == 1 else 'MISSED':7} {seconds:6.1f} s  "
              f"{results[bug]['property']}")
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
