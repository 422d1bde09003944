"""``pumpproof verify``: prove, search and fuzz every property on the reference model.

Writes ``OUT/evidence.json`` (deterministic), ``OUT/junit.xml``, ``OUT/timings.json`` and
``OUT/counterexamples/*.jsonl``. Exit 0 when every property is proved or passed, 1 when
one is violated, 3 when none is violated but one has no conclusive evidence.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pumpproof.campaigns.evidence import counterexample_name, evidence_json, timings_json
from pumpproof.campaigns.junit import evidence_suite, junit_text
from pumpproof.campaigns.verify import verify
from pumpproof.errors import ExitCode, UsageError
from pumpproof.files import jsonl, load_json, write_atomic, write_json
from pumpproof.properties.catalogue import all_properties
from pumpproof.properties.evidence import Evidence
from pumpproof.properties.verdicts import Verdict
from pumpproof.spec import load_spec

from ._args import positive_int, seed
from ._console import Stages, console
from ._properties import add_properties_argument, use_properties


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--property", action="append", default=[], metavar="P-ID",
                        dest="only", help="verify only this property (repeatable; the "
                        "invariants obligation always runs): e.g. your own, while writing it")
    parser.add_argument("--out", default="pumpproof-out", help="output directory")
    parser.add_argument("--profile", choices=("ci", "thorough"), default="ci")
    parser.add_argument("--seed", type=seed, default=0, help="fuzzing seed (default 0)")
    parser.add_argument("--workers", type=positive_int, default=2, help="processes for proofs")
    parser.add_argument("--baseline", metavar="OLD_EVIDENCE",
                        help="an earlier evidence.json: exit 1 if any property's verdict got "
                        "weaker (proved → passed/unknown, passed → unknown)")


def write_outputs(out: Path, evidence: Evidence, seconds: float, junit: str | None) -> None:
    """Counterexamples, ``evidence.json``, ``timings.json`` and (when given) ``junit.xml``."""
    out.mkdir(parents=True, exist_ok=True)
    for item in evidence.properties:
        for result in item.results:
            if result.counterexample is not None:
                write_atomic(out / counterexample_name(item.prop.id, result.method),
                             jsonl(result.counterexample))
    write_json(out / "evidence.json", evidence_json(evidence))
    if junit is not None:
        write_atomic(out / "junit.xml", junit)
    write_json(out / "timings.json", timings_json(evidence, seconds))


def print_summary(console: Console, evidence: Evidence, title: str = "pumpproof verify") -> None:
    table = Table(title=title)
    table.add_column("property", no_wrap=True, overflow="fold")
    for column in ("verdict", "methods", "triggers", "requirements"):
        table.add_column(column)
    for item in evidence.properties:
        methods = ", ".join(f"{r.method.value}:{r.verdict.value}" for r in item.results)
        vacuous = " (vacuous!)" if item.triggers == 0 else ""
        table.add_row(item.prop.id, item.verdict.value.upper(), methods,
                      f"{item.triggers}{vacuous}", ", ".join(item.prop.requirements))
    console.print(table)


def exit_code(evidence: Evidence) -> ExitCode:
    """FINDING on a violation; INCONCLUSIVE when something did not conclude or the evidence
    is degraded (a failed obligation, an internal error, a vacuous property, a fuzz run
    that exercised nothing); else OK."""
    verdict = evidence.verdict
    if verdict is Verdict.VIOLATED:
        return ExitCode.FINDING
    if verdict is Verdict.UNKNOWN or evidence.degraded:
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


def print_degradation(console: Console, evidence: Evidence) -> None:
    for reason in evidence.degraded:
        console.print(f"DEGRADED: {reason}", markup=False, highlight=False)


def run(args: argparse.Namespace) -> ExitCode:
    log = console(stderr=True)
    spec = load_spec(args.spec)
    use_properties(args, spec)
    selected = None
    if args.only:
        known = {p.id: p for p in all_properties()}
        unknown = [p for p in args.only if p not in known]
        if unknown:
            raise UsageError(f"--property: no property {', '.join(unknown)} (see 'pumpproof "
                             "spec export --json'; your own need --properties or a plugin)")
        selected = [known[p] for p in dict.fromkeys(args.only)]
    started = time.perf_counter()
    with Stages(1).stage("verifying the reference model") as update:
        evidence = verify(spec, profile=args.profile, seed=args.seed, workers=args.workers,
                          progress=update, properties=selected)
    seconds = time.perf_counter() - started
    out = Path(args.out)
    write_outputs(out, evidence, seconds, junit_text([evidence_suite(evidence)]))
    print_summary(console(), evidence)
    log.print(f"evidence: {out / 'evidence.json'}  junit: {out / 'junit.xml'}  "
              f"({seconds:.1f} s)", markup=False, highlight=False)
    print_degradation(log, evidence)
    code = exit_code(evidence)
    if args.baseline:
        baseline = Evidence.from_json(load_json(args.baseline, "baseline evidence"),
                                      args.baseline)
        weaker = evidence.weaker_than(baseline)
        for line in weaker:
            log.print(f"WEAKER than the baseline: {line}", markup=False, highlight=False)
        if weaker and code is not ExitCode.FINDING:
            code = ExitCode.FINDING
    return code
