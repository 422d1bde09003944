"""``pumpproof run``: the main job — one campaign, one bundle, every report.

Validates the spec, verifies the reference model (proofs, bounded search, fuzzing,
contracts), checks each ``--target``, analyses hazards with that evidence, writes
``OUT/bundle.json`` (atomically) and renders ``report.html``, ``report.md``,
``junit.xml`` and ``report.sarif`` from it. Exit 1 on a violation, a target failure or an
unacceptable residual risk; 3 when something is inconclusive; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from pumpproof.campaigns.check import CheckOptions, run_check, target_section
from pumpproof.campaigns.evidence import dumps, evidence_json
from pumpproof.campaigns.verify import verify
from pumpproof.properties.verdicts import Verdict
from pumpproof.reports import RENDERERS, build_bundle, manifest
from pumpproof.spec import load_spec

from ._files import write_atomic
from .hazards_cmd import analyse_hazards
from .verify_cmd import exit_code, print_summary, write_outputs

REPORTS = {"html": "report.html", "md": "report.md", "junit": "junit.xml",
           "sarif": "report.sarif"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--target", action="append", default=[],
                        help="also check this target (repeatable): py:… or cmd:…")
    parser.add_argument("--profile", choices=("ci", "thorough"), default="ci")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per target")
    parser.add_argument("--revision", help="revision of the firmware under test")
    parser.add_argument("--out", default="pumpproof-out", help="output directory")


def _traces(out: Path, names: list[str]) -> dict[str, list[Any]]:
    traces = {}
    for name in names:
        path = out / name
        if path.is_file():
            traces[name] = [json.loads(line) for line in path.read_text().splitlines() if line]
    return traces


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    out = Path(args.out)
    started = time.perf_counter()
    spec = load_spec(args.spec)
    with console.status("verifying the reference model…") as status:
        evidence = verify(spec, profile=args.profile, seed=args.seed, workers=args.workers,
                          progress=lambda message: status.update(message))
    data = evidence_json(spec, evidence, seed=args.seed, profile=args.profile)
    write_outputs(out, data, evidence, time.perf_counter() - started)
    print_summary(Console(), evidence)
    targets: list[dict[str, Any]] = []
    target_failed = False
    for index, description in enumerate(args.target):
        with console.status(f"checking {description}…") as status:
            options = CheckOptions(target=description, budget_s=args.budget, seed=args.seed,
                                   workers=1, spec_dir=args.spec)
            result = run_check(spec, options, progress=lambda m: status.update(m))
        target_dir = out / "targets" / str(index)
        target_data = evidence_json(spec, result.evidence, seed=args.seed, profile="ci",
                                    target=target_section(options, result))
        write_outputs(target_dir, target_data, result.evidence, result.seconds)
        targets.append(target_data)
        target_failed |= bool(result.violated or result.outcome.target_failure)
    hazards_dir = out / "hazards"
    hazards = None
    diagrams: dict[str, str] = {}
    if spec.hazard_log is not None:
        hazards = analyse_hazards(args.spec, str(out / "evidence.json"), hazards_dir)
        for tree in hazards["fault_trees"]:
            if tree["svg"]:
                diagrams[tree["svg"]] = (hazards_dir / tree["svg"]).read_text()
    artifacts = [str(p.relative_to(out)) for p in sorted(out.rglob("*"))
                 if p.is_file() and p.name not in ("bundle.json", "timings.json")
                 and p.name not in REPORTS.values()]
    counterexamples = [r.get("counterexample") for p in data["properties"] for r in p["results"]]
    bundle = build_bundle(spec, data, hazards, targets, manifest(out, artifacts),
                          _traces(out, [c for c in counterexamples if c]), args.revision,
                          diagrams)
    text = dumps(bundle)
    write_atomic(out / "bundle.json", text)
    stored = json.loads(text)  # render what an auditor re-renders: the bundle as stored
    for fmt, name in REPORTS.items():
        write_atomic(out / name, RENDERERS[fmt](stored))
    write_atomic(out / "timings.json",
                 dumps({"total_seconds": round(time.perf_counter() - started, 3)}))
    console.print(f"bundle: {out / 'bundle.json'} — open {out / 'report.html'} in a browser")
    unacceptable = hazards and any(not h["acceptable"] for h in hazards["hazards"])
    code = exit_code(evidence)
    if code == 1 or target_failed or unacceptable:
        return 1
    if code == 3 or data["verdict"] == Verdict.UNKNOWN.value:
        return 3
    return 0
