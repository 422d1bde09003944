"""The subprocess transport against a bare pipe to *the same* program, in one run.

Builds the C example firmware (``examples/firmware_c``, ``make`` in a temporary copy), then
sends it the same protocol lines twice, each time to a fresh process after ``configure``:

* through :class:`SubprocessTarget` (``send_many``: JSON encoding, pipelining, a timeout
  on every answer, each answer parsed and checked to be a JSON object);
* through a bare pipe: the lines pre-encoded, written by a thread while the main thread
  reads the answers as raw lines (no JSON, no timeouts, no checks).

``ratio`` = the transport's rate ÷ the bare pipe's (1.0: the transport costs nothing);
``requests_per_s`` = the C example through the transport. The same pair is measured on an
echo program (``transport_overhead_ratio``), where the program costs ~nothing, so that
ratio is the transport's own cost per line. The requests are a realistic mix: runs of
ticks with boluses, CGM values, temp basals and suspends between them. Last line JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from pumpproof.spec import load_spec
from pumpproof.targets.subprocess import SubprocessTarget

REPO = Path(__file__).resolve().parents[1]
ECHO = [sys.executable, "-u", "-c",
        "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line)\n    sys.stdout.flush()"]


def build_c_example(into: Path) -> Path:
    """``make`` in a copy of the example (the repository stays clean)."""
    source = into / "firmware_c"
    shutil.copytree(REPO / "examples" / "firmware_c", source,
                    ignore=shutil.ignore_patterns("build"))
    subprocess.run(["make", "-s", "-C", str(source)], check=True)
    return source / "build" / "pump_host"


def requests(n: int) -> list[dict[str, Any]]:
    """``n`` protocol requests: mostly ticks, an event every 10th (a deterministic mix)."""
    events: list[dict[str, Any]] = [
        {"kind": "cgm", "glucose_mg_dL": 150},
        {"kind": "bolus", "amount_mU": 1000, "extended_mU": 0, "extended_min": 0,
         "source": "user", "id": "b"},
        {"kind": "temp_basal", "rate_mU_per_h": 500, "duration_min": 30, "source": "user",
         "id": "t"},
        {"kind": "suspend", "source": "user"},
        {"kind": "resume", "source": "user"},
    ]
    out: list[dict[str, Any]] = []
    for i in range(n):
        if i % 10 == 9:
            event = dict(events[(i // 10) % len(events)])
            if "id" in event:
                event["id"] = f"{event['id']}{i}"
            out.append({"op": "event", "event": event})
        else:
            out.append({"op": "tick"})
    return out


def through_transport(argv: list[str], configure: dict[str, Any] | None,
                      lines: list[dict[str, Any]]) -> float:
    target = SubprocessTarget(argv, name="bench")
    try:
        if configure is not None:
            target.send(configure)
        started = time.perf_counter()
        answers = target.send_many(lines)
        seconds = time.perf_counter() - started
    finally:
        target.close()
    assert len(answers) == len(lines)
    return len(lines) / seconds


def through_bare_pipe(argv: list[str], configure: dict[str, Any] | None,
                      lines: list[dict[str, Any]]) -> float:
    """The same lines, pre-encoded, written by a thread; answers read as raw lines."""
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout
    if configure is not None:
        stdin.write((json.dumps(configure) + "\n").encode())
        stdin.flush()
        stdout.readline()
    data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in lines).encode()
    started = time.perf_counter()
    writer = threading.Thread(target=lambda: (stdin.write(data), stdin.flush()))
    writer.start()
    for _ in range(len(lines)):
        if not stdout.readline():
            raise RuntimeError("the program stopped answering")
    seconds = time.perf_counter() - started
    writer.join()
    stdin.close()
    process.wait()
    return len(lines) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of each")
    args = parser.parse_args()
    configure = {"op": "configure", "settings": load_spec().settings.to_protocol()}
    lines = requests(args.requests)
    echo_lines = [{"op": "tick"}] * args.requests
    with tempfile.TemporaryDirectory() as tmp:
        firmware = [str(build_c_example(Path(tmp)))]
        best = {"c_transport": 0.0, "c_bare": 0.0, "echo_transport": 0.0, "echo_bare": 0.0}
        for _ in range(args.repeat):  # interleaved, so load changes hit both alike
            best["c_transport"] = max(best["c_transport"],
                                      through_transport(firmware, configure, lines))
            best["c_bare"] = max(best["c_bare"], through_bare_pipe(firmware, configure, lines))
            best["echo_transport"] = max(best["echo_transport"],
                                         through_transport(ECHO, None, echo_lines))
            best["echo_bare"] = max(best["echo_bare"], through_bare_pipe(ECHO, None, echo_lines))
    print(f"C example: {best['c_transport']:,.0f} requests/s through the transport, "
          f"{best['c_bare']:,.0f} lines/s through a bare pipe")
    print(f"echo: {best['echo_transport']:,.0f} lines/s through the transport, "
          f"{best['echo_bare']:,.0f} lines/s through a bare pipe")
    print(json.dumps({"ratio": round(best["c_transport"] / best["c_bare"], 3),
                      "requests_per_s": round(best["c_transport"]),
                      "bare_pipe_per_s": round(best["c_bare"]),
                      "transport_overhead_ratio": round(best["echo_transport"]
                                                        / best["echo_bare"], 3),
                      "echo_transport_per_s": round(best["echo_transport"]),
                      "echo_bare_per_s": round(best["echo_bare"])}))


if __name__ == "__main__":
    main()
