"""Finding lines a firmware engineer can act on from the console.

For each violated property: its id and requirement ids, one sentence with the numbers
(the observer's ``explain`` of the violating step, computed by replaying the saved trace
on the target with every monitor), the trace file, and the command that replays it as a
regression test::

    VIOLATED P-DKA-OCCLUSION [REQ-DKA-1] at trace line 4: pushed 1500 mU after the occlusion
      fault (minute 1, mode running); limit occlusion_max_missed_mU 1000 mU
      trace:  out/counterexamples/P-DKA-OCCLUSION.fuzz.jsonl
      replay: pumpproof simulate out/counterexamples/P-DKA-OCCLUSION.fuzz.jsonl --target … --check
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from pumpproof.engines.replay import Replay, ReplayedViolation, replay_fresh
from pumpproof.properties.catalogue import observer_properties, property_modules
from pumpproof.spec import Spec

__all__ = ["explain_trace", "finding_lines", "print_findings", "replay_command"]


def replay_command(trace: Path | str, target: str, spec_dir: str | None = None,
                   timeout_s: float | None = None) -> str:
    words = ["pumpproof", "simulate", str(trace), "--target", target, "--check"]
    if spec_dir:
        words += ["--spec", spec_dir]
    for module in property_modules():  # a user property replays with its module loaded
        words += ["--properties", module]
    if timeout_s is not None and timeout_s != 5.0:
        words += ["--timeout", f"{timeout_s:g}"]
    return shlex.join(words)


def finding_lines(violation: ReplayedViolation | None, prop_id: str,
                  requirements: Sequence[str], trace: Path | str, command: str,
                  label: str = "VIOLATED", why_not: str | None = None) -> list[str]:
    """Three lines; without ``violation`` (the replay did not show it), ``why_not``."""
    reqs = ", ".join(requirements)
    if violation is None:
        why_not = why_not or ("the saved trace did not violate it again when replayed (is the "
                              "target deterministic?)")
        head = f"{label} {prop_id} [{reqs}]: {why_not}"
    else:
        head = f"{label} {prop_id} [{reqs}] at trace line {violation.line}: {violation.explanation}"
    return [head, f"  trace:  {trace}", f"  replay: {command}"]


def explain_trace(spec: Spec, target: str, timeout_s: float, trace: Sequence[Any]) -> Replay:
    """Replay ``trace`` on a fresh ``target`` with every monitor (never raises for it)."""
    return replay_fresh(spec, target, timeout_s, trace, observer_properties())


def print_findings(out: TextIO, spec: Spec, target: str, timeout_s: float,
                   violations: Mapping[str, tuple[Sequence[Any], Path]],
                   labels: Mapping[str, str] | None = None, spec_dir: str | None = None,
                   replays: Mapping[str, Replay] | None = None) -> None:
    """One finding (three lines) per violated property, in catalogue order; a trace
    already replayed on the target (``replays``, by property id) is not sent again."""
    by_id = {p.id: p for p in observer_properties()}
    for prop_id in [p for p in by_id if p in violations]:
        trace, path = violations[prop_id]
        replayed = (replays or {}).get(prop_id) or explain_trace(spec, target, timeout_s, trace)
        match = next((v for v in replayed.violations if v.prop.id == prop_id), None)
        command = replay_command(path, target, spec_dir, timeout_s)
        why_not = None
        if replayed.failure is not None:
            why_not = f"the target failed when the saved trace was replayed: {replayed.failure}"
        for line in finding_lines(match, prop_id, by_id[prop_id].requirements, path, command,
                                  (labels or {}).get(prop_id, "VIOLATED"), why_not):
            print(line, file=out)
