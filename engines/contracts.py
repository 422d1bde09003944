"""CrossHair on contract properties: PEP 316 pre/postconditions explored symbolically.

CrossHair runs in a subprocess (a fresh interpreter, with a time limit per condition).
Its verdicts map onto ours: "Confirmed over all paths" → ``proved``; "Not confirmed" (no
counterexample within the limit) → ``passed``; an error line with a counterexample →
``violated``; anything else → ``unknown``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from pumpproof.properties.contracts import ContractProperty
from pumpproof.properties.verdicts import Method, MethodResult, Verdict, overall_verdict

__all__ = ["CONTRACT_TIMEOUT_S", "check_contracts"]

CONTRACT_TIMEOUT_S = {"ci": 4.0, "thorough": 60.0}
_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<level>\w+): (?P<message>.*)$")


def _crosshair(target: str, seconds: float) -> tuple[Verdict, int, str]:
    command = [
        sys.executable, "-m", "crosshair", "check", "--analysis_kind=PEP316", "--report_all",
        f"--per_condition_timeout={seconds}", target,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                timeout=max(120.0, 20 * seconds))
    except subprocess.TimeoutExpired:
        return Verdict.UNKNOWN, 0, f"{target}: CrossHair did not finish"
    verdicts: list[Verdict] = []
    problems: list[str] = []
    for line in result.stdout.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        message = match["message"]
        if match["level"] == "error":
            verdicts.append(Verdict.VIOLATED)
            problems.append(message)
        elif message.startswith("Confirmed over all paths"):
            verdicts.append(Verdict.PROVED)
        elif message.startswith("Not confirmed"):
            verdicts.append(Verdict.PASSED)
    if not verdicts:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return Verdict.UNKNOWN, 0, f"{target}: no contract checked ({tail[0][:200]})"
    if Verdict.VIOLATED in verdicts:
        return Verdict.VIOLATED, len(verdicts), f"{target}: {'; '.join(problems)[:500]}"
    if all(v is Verdict.PROVED for v in verdicts):
        return Verdict.PROVED, len(verdicts), f"{target}: confirmed over all paths"
    # How many conditions were confirmed depends on CPU time; the evidence says only that
    # no counterexample was found, so that the same inputs give the same evidence.
    return Verdict.PASSED, len(verdicts), f"{target}: no counterexample within the limit"


def check_contracts(
    prop: ContractProperty, profile: str = "ci", targets: tuple[str, ...] | None = None
) -> MethodResult:
    """Run CrossHair on every function of the property (or the given mutant targets)."""
    started = time.perf_counter()
    seconds = CONTRACT_TIMEOUT_S[profile]
    results = [_crosshair(target, seconds) for target in (targets or prop.contracts)]
    verdicts = [MethodResult(Method.CONTRACT, verdict) for verdict, _, _ in results]
    verdict = overall_verdict(verdicts)
    if verdict is Verdict.PROVED and any(v.verdict is not Verdict.PROVED for v in verdicts):
        verdict = Verdict.PASSED  # proved only if every function is confirmed on all paths
    if any(v.verdict is Verdict.UNKNOWN for v in verdicts) and verdict is not Verdict.VIOLATED:
        verdict = Verdict.UNKNOWN
    return MethodResult(
        Method.CONTRACT, verdict, triggers=sum(n for _, n, _ in results),
        detail="; ".join(detail for _, _, detail in results),
        seconds=time.perf_counter() - started,
    )
