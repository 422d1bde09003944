"""``pumpproof run``: the main job — one campaign, one bundle, every report.

Validates the spec, verifies the reference model (proofs, bounded search, fuzzing,
contracts), checks each ``--target`` and each AID ``--controller``, analyses hazards with
the model's evidence (design) and with each target's own evidence (the build), writes
``OUT/bundle.json`` (atomically) and renders ``report.html``, ``report.md``, ``junit.xml``
and ``report.sarif`` from it. The console ends with one line per target, the residual risk
of each, and the verdict. Exit 1 on a violation (model, target or controller), a target
failure or an unacceptable residual risk (model or target); 3 when something is
inconclusive; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from pumpproof.campaigns.assessment import TargetAssessment, assess_target, campaign_verdict
from pumpproof.campaigns.check import CheckOptions, run_check
from pumpproof.campaigns.controller_check import check_controller, controller_evidence
from pumpproof.campaigns.evidence import TARGET_FAILURE_TRACE, conformance_trace_name
from pumpproof.campaigns.junit import evidence_suite, junit_text
from pumpproof.campaigns.provenance import (
    load_selftest_summary,
    provenance,
    target_hashes,
    tool_validation,
)
from pumpproof.campaigns.timeline import counterexample_timelines
from pumpproof.campaigns.verify import verify
from pumpproof.controllers import make_controller
from pumpproof.errors import ExitCode
from pumpproof.files import dumps, jsonl, write_atomic, write_json
from pumpproof.hazards.risk import HazardAssessment
from pumpproof.properties.verdicts import Verdict
from pumpproof.reports import RENDERERS, build_bundle, manifest
from pumpproof.reports.bundle import BundleDocument
from pumpproof.reports.views import (
    DESIGN,
    target_line,
    target_summaries,
    verdict_counts,
    verdict_line,
)
from pumpproof.selftest.runner import selftest, selftest_summary
from pumpproof.spec import load_spec

from ._args import positive_int, seconds, seed, sha256
from ._console import Stages, console
from ._properties import add_properties_argument, use_properties
from .check_cmd import print_target_findings
from .controller_check import print_controller_check, write_controller_outputs
from .hazards_cmd import analyse_hazards
from .verify_cmd import exit_code, print_summary, write_outputs

REPORTS = {"html": "report.html", "md": "report.md", "junit": "junit.xml",
           "sarif": "report.sarif"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--target", action="append", default=[],
                        help="also check this target (repeatable): py:… or cmd:…")
    parser.add_argument("--controller", action="append", default=[],
                        help="also check this AID controller (repeatable): oref0, pyloopkit "
                        "or cmd:…")
    parser.add_argument("--profile", choices=("ci", "thorough"), default="ci")
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--workers", type=positive_int, default=2)
    parser.add_argument("--budget", type=seconds, default=60.0,
                        help="seconds per target and per controller")
    parser.add_argument("--revision", help="revision of the firmware under test")
    parser.add_argument("--out", default="pumpproof-out", help="output directory")
    parser.add_argument("--target-hash", action="append", default=[], type=sha256,
                        metavar="SHA256", help="SHA-256 of each --target's build, in target "
                        "order (repeatable; default: of a cmd: target's executable)")
    validation = parser.add_mutually_exclusive_group()
    validation.add_argument("--selftest", action="store_true",
                            help="also run selftest (minutes) and bundle its mutants killed "
                            "per property as tool-validation evidence")
    validation.add_argument("--selftest-json", metavar="FILE",
                            help="bundle a saved 'pumpproof selftest --json' instead")


def run(args: argparse.Namespace) -> ExitCode:
    """One spec, loaded once; every stage hands typed results to the next, in memory."""
    out = Path(args.out)
    started = time.perf_counter()
    spec = load_spec(args.spec)
    use_properties(args, spec)
    wanted: list[str] = getattr(args, "controller", None) or []  # a Namespace built by hand
    given_hashes: list[str] = getattr(args, "target_hash", None) or []
    target_hashes(args.target, given_hashes)  # more hashes than targets → exit 2 now
    validation: dict[str, Any] | None = None
    saved = getattr(args, "selftest_json", None)
    if saved:  # bad input before the long work, not after
        validation = tool_validation(load_selftest_summary(saved), "saved selftest --json")
    run_selftest = bool(getattr(args, "selftest", False))
    stages = Stages(2 + len(args.target) + len(wanted) + run_selftest)
    controllers = [make_controller(c, timeout_s=10.0) for c in wanted]  # bad → exit 2 now
    for controller in controllers:
        controller.close()
    with stages.stage("verifying the reference model") as update:
        evidence = verify(spec, profile=args.profile, seed=args.seed, workers=args.workers,
                          progress=update)
    # junit.xml of the run is the bundle's report, written once below
    write_outputs(out, evidence, time.perf_counter() - started, junit=None)
    print_summary(console(), evidence, "reference model (design evidence: not a build)")
    targets: list[TargetAssessment] = []
    for index, description in enumerate(args.target):
        target_out = out / "targets" / str(index)
        with stages.stage(f"checking {description}") as update:
            options = CheckOptions(target=description, budget_s=args.budget, seed=args.seed,
                                   workers=1)
            result = run_check(spec, options, progress=update)
            write_outputs(target_out, result.evidence, result.seconds,
                          junit_text([evidence_suite(result.evidence)]))
            failure = result.target.failure
            if failure is not None and failure.trace:
                write_atomic(target_out / TARGET_FAILURE_TRACE, jsonl(failure.trace))
            for number, diff in enumerate(result.target.conformance):
                write_atomic(target_out / conformance_trace_name(number), jsonl(diff.trace))
            update("explaining the findings (replaying each saved trace)")
        if failure is not None:
            print(f"TARGET FAILURE {description}: {failure.message} (trace: "
                  f"{target_out / TARGET_FAILURE_TRACE})", flush=True)
        timelines = print_target_findings(spec, result, description, target_out, 5.0,
                                          args.spec)
        assessment = replace(assess_target(spec, result.evidence), timelines=timelines)
        if assessment.hazards is not None:
            write_json(target_out / "hazards.json", assessment.hazards.to_json())
        targets.append(assessment)
    checked: list[dict[str, Any]] = []
    for index, description in enumerate(wanted):
        controller_out = out / "controllers" / str(index)
        controller = make_controller(description, timeout_s=10.0)
        try:
            with stages.stage(f"checking controller {description}") as update:
                check = check_controller(controller, description, args.budget, args.seed,
                                         progress=update)
        finally:
            controller.close()
        controller_evidence_ = controller_evidence(spec, check)
        write_controller_outputs(controller_out, check, controller_evidence_)
        print_controller_check(check, controller_out)
        checked.append(controller_evidence_)
    if run_selftest:
        with stages.stage("selftest: every mutant against its property") as update:
            results = selftest(spec, seed=args.seed, progress=update)
        validation = tool_validation(selftest_summary(results), "run --selftest")
    hazards: HazardAssessment | None = None
    diagrams: dict[str, str] = {}
    with stages.stage("hazards, bundle and reports"):
        if spec.hazard_log is not None:
            hazards, diagrams = analyse_hazards(spec, evidence, out / "hazards")
        artifacts = [str(p.relative_to(out)) for p in sorted(out.rglob("*"))
                     if p.is_file() and p.name not in ("bundle.json", "timings.json")
                     and p.name not in REPORTS.values()]
        bundle = build_bundle(spec, evidence, hazards, targets, manifest(out, artifacts),
                              counterexample_timelines(spec, evidence), args.revision, diagrams,
                              checked, provenance(spec.directory, args.target, given_hashes),
                              validation)
        text = dumps(bundle.to_json())
        write_atomic(out / "bundle.json", text)
        stored = json.loads(text)  # render what an auditor re-renders: the bundle as stored
        for fmt, name in REPORTS.items():
            write_atomic(out / name, RENDERERS[fmt](stored))
        write_json(out / "timings.json", {"total_seconds": round(time.perf_counter() - started, 3)})
    console(stderr=True).print(f"bundle: {out / 'bundle.json'} — open {out / 'report.html'} "
                               "in a browser", markup=False, highlight=False)
    verdict = campaign_verdict(evidence, targets, checked)
    print_verdicts(stored, hazards, targets, verdict)
    target_failed = any(t.evidence.violated or t.failure is not None for t in targets) or any(
        c["verdict"] == "violated" or c["controller"]["failure"] for c in checked)
    unacceptable = bool(hazards and hazards.unacceptable) or any(t.unacceptable for t in targets)
    code = exit_code(evidence)
    if code is ExitCode.FINDING or target_failed or unacceptable:
        return ExitCode.FINDING
    if code is ExitCode.INCONCLUSIVE or verdict is Verdict.UNKNOWN:
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


def _risk_line(name: str, hazards: HazardAssessment) -> str:
    unacceptable = [h for h in hazards.hazards if not h.acceptable]
    if not unacceptable:
        return f"residual risk on {name}: no hazard unacceptable"
    controls = {c.id: c for c in hazards.controls}
    said = []
    for hazard in unacceptable:
        weak = [f"{c} {status.verdict.value if status.verdict else status.basis} "
                f"p_fail={status.p_fail_per_demand:g}/demand"
                for c in hazard.controls
                if (status := controls.get(c)) is not None and status.verdict is not Verdict.PROVED]
        frequency = (f" {hazard.frequency_after_per_year:.2g}/patient-year"
                     if hazard.frequency_after_per_year is not None else "")
        said.append(f"{hazard.id}{frequency} ({', '.join(weak) or 'every control proved'})")
    return f"residual risk on {name}: UNACCEPTABLE {'; '.join(said)}"


def print_verdicts(bundle: BundleDocument, hazards: HazardAssessment | None,
                   targets: list[TargetAssessment], verdict: Verdict) -> None:
    """The lines a firmware engineer reads last: each target's verdict and the design's
    (read from the stored bundle and worded as the Markdown report words them), the residual
    risk of each build (and of the design), and the campaign's verdict — targets first."""
    out = console()
    lines = [target_line(summary) for summary in target_summaries(bundle)]
    lines.append(verdict_line(DESIGN, bundle["evidence"]["verdict"], verdict_counts(bundle)))
    for target in targets:
        if target.hazards is not None:
            lines.append(_risk_line(target.description, target.hazards))
    if hazards is not None:
        lines.append(_risk_line("the reference model (design)", hazards))
    where = f" and {len(targets)} target(s)" if targets else ""
    assessed = [t.hazards for t in targets if t.hazards is not None]
    assessed += [hazards] if hazards is not None else []
    risky = sum(1 for assessment in assessed if assessment.unacceptable)
    # the properties' verdict alone would read PASSED above an exit code of 1
    risk = (f"; residual risk UNACCEPTABLE on {risky} of {len(assessed)} assessment(s)"
            if risky else "")
    lines.append(f"verdict: {verdict.value.upper()} (the worst of the reference model{where})"
                 f"{risk}")
    for line in lines:
        out.print(line, markup=False, highlight=False)
