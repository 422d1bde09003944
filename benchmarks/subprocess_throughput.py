"""Requests per second through the subprocess transport vs a raw pipe echo.

Both use the same pipelined lines (a window of 64); the target is ``pumpproof serve``
(or ``--target-cmd``). Last line JSON with ``ratio`` and ``requests_per_s``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time

from pumpproof.spec import load_spec
from pumpproof.targets.subprocess import SubprocessTarget

ECHO = [sys.executable, "-u", "-c",
        "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line)\n    sys.stdout.flush()"]


def rate(target: SubprocessTarget, requests: list[dict[str, object]]) -> float:
    started = time.perf_counter()
    answers = target.send_many(requests)
    assert len(answers) == len(requests)
    return len(requests) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target-cmd", default=None)
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    spec = load_spec()
    exe = shutil.which("pumpproof")
    command = args.target_cmd or (f"{exe} serve" if exe else f"{sys.executable} -m pumpproof serve")
    target = SubprocessTarget(command)
    target.send({"op": "configure", "settings": spec.settings.to_protocol()})
    ticks: list[dict[str, object]] = [{"op": "tick"}] * args.requests
    target_rate = rate(target, ticks)
    target.close()
    echo = SubprocessTarget(ECHO, name="echo")
    transport_echo_rate = rate(echo, ticks)
    echo.close()
    raw_rate = raw_echo(ticks)
    print(f"{command}: {target_rate:,.0f} requests/s through the transport")
    print(f"echo through the transport: {transport_echo_rate:,.0f} lines/s; raw pipe echo "
          f"(one write, one read, no JSON): {raw_rate:,.0f} lines/s")
    print(json.dumps({"ratio": round(target_rate / raw_rate, 3),
                      "requests_per_s": round(target_rate),
                      "transport_overhead_ratio": round(transport_echo_rate / raw_rate, 3),
                      "raw_echo_per_s": round(raw_rate)}))


def raw_echo(requests: list[dict[str, object]]) -> float:
    """The same lines through a bare pipe to the same echo program."""
    import subprocess

    data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in requests).encode()
    started = time.perf_counter()
    out = subprocess.run(ECHO, input=data, capture_output=True, check=True).stdout
    assert out.count(b"\n") == len(requests)
    return len(requests) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
