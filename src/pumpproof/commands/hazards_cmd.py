"""``pumpproof hazards [--evidence evidence.json] [--out DIR]``: the hazard analysis.

Writes ``DIR/hazards.json``, and per fault tree an SVG diagram and, per initiating event,
an Open-PSA MEF file of the tree given that event (``FT-….BE-….mef.xml``: MEF has no
frequencies, so SCRAM or XFTA can check P(top | initiator), the factor of each
contribution to the frequency). Exit 0 when the analysis ran (gaps are
reported, not failed), 1 when a residual risk is unacceptable, 2 on bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from pumpproof.errors import ExitCode, UsageError
from pumpproof.files import load_json, write_atomic, write_json
from pumpproof.hazards.diagram import fault_tree_dot, graphviz_available, render_svg
from pumpproof.hazards.fta import export_mef
from pumpproof.hazards.risk import HazardAssessment, assess, conditional_tree
from pumpproof.properties.catalogue import all_properties
from pumpproof.properties.evidence import Evidence
from pumpproof.spec import Spec, load_spec
from pumpproof.spec.hazard_log import HazardLog

from ._console import console
from ._properties import add_properties_argument, use_properties


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--evidence", help="evidence.json from verify or check")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    add_properties_argument(parser)
    parser.add_argument("--out", default="pumpproof-hazards", help="output directory")


def load_evidence(path: str) -> Evidence:
    """An evidence file (or the evidence in a bundle) given on the command line."""
    data = load_json(path, "evidence")
    if isinstance(data, dict) and isinstance(data.get("evidence"), dict):
        data = data["evidence"]  # a bundle
    if not (isinstance(data, dict) and str(data.get("schema", "")).startswith("pumpproof.evidence/")
            and isinstance(data.get("properties"), list)):
        raise UsageError(f"{path}: not a pumpproof evidence file (schema pumpproof.evidence/1)")
    return Evidence.from_json(data, path)


def _hazard_log(spec: Spec) -> HazardLog:
    if spec.hazard_log is None:
        raise UsageError(f"{spec.directory}: the spec has no hazards.yaml")
    return spec.hazard_log


def analyse_hazards(spec: Spec, evidence: Evidence | None,
                    out: Path) -> tuple[HazardAssessment, dict[str, str]]:
    """Run the analysis and write its files; returns it, and the SVG diagrams by file name."""
    log = _hazard_log(spec)
    property_requirements = {p.id: p.requirements for p in all_properties()}
    result = assess(spec, property_requirements, evidence)
    control_p = {c.id: c.p_fail_per_demand for c in result.controls}
    files: dict[str, tuple[str | None, dict[str, str]]] = {}
    diagrams: dict[str, str] = {}
    for tree_out, tree in zip(result.fault_trees, log.fault_trees, strict=True):
        values = {e.id: e.frequency_per_year if e.kind == "initiating" else e.p_per_demand
                  for e in tree_out.basic_events}
        dot_source = fault_tree_dot(tree, values)
        svg: str | None = None
        if graphviz_available():
            svg = f"{tree.id}.svg"
            diagrams[svg] = render_svg(dot_source)
            write_atomic(out / svg, diagrams[svg])
        else:  # a machine without Graphviz still gets the analysis and the DOT source
            write_atomic(out / f"{tree.id}.dot", dot_source)
        # One self-contained MEF file per initiator: the tree given that initiator.
        mef = {}
        for contribution in tree_out.contributions:
            name = f"{tree.id}.{contribution.initiator}.mef.xml"
            write_atomic(out / name, export_mef(conditional_tree(tree, control_p,
                                                                 contribution.initiator)))
            mef[contribution.initiator] = name
        files[tree.id] = (svg, mef)
    result = result.with_files(files)
    write_json(out / "hazards.json", result.to_json())
    return result, diagrams


def _per_year(frequency: float | None) -> str:
    """A frequency per patient-year for the console ('—': no fault tree, declared level)."""
    return f"{frequency:.2g}" if frequency is not None else "—"


def run(args: argparse.Namespace) -> ExitCode:
    out = Path(args.out)
    spec = load_spec(args.spec)
    use_properties(args, spec)
    _hazard_log(spec)  # before reading the evidence, as a reviewer would
    evidence = load_evidence(args.evidence) if args.evidence else None
    result, _ = analyse_hazards(spec, evidence, out)
    out_console = console()
    table = Table(title="pumpproof hazards" + (" (with evidence)" if args.evidence else
                                                " (prior control probabilities)")
                  + ": frequency of harm per patient-year")
    for column in ("hazard", "severity", "before /patient-year", "after /patient-year",
                   "risk before", "risk after"):
        table.add_column(column)
    for hazard in result.hazards:
        table.add_row(hazard.id, f"S{hazard.severity} {hazard.severity_name}",
                      f"{_per_year(hazard.frequency_before_per_year)} "
                      f"(P{hazard.probability_before})",
                      f"{_per_year(hazard.frequency_after_per_year)} "
                      f"(P{hazard.probability_after}{'' if hazard.fault_tree else ', declared'})",
                      hazard.risk_before, hazard.risk_after.upper()
                      if not hazard.acceptable else hazard.risk_after)
    out_console.print(table)
    for tree in result.fault_trees:
        out_console.print(f"{tree.id}: {tree.frequency_per_year:.3g} per patient-year after "
                      f"controls, {tree.frequency_before_controls_per_year:.3g} before; "
                      f"{len(tree.cut_sets)} cut sets")
    out_console.print(f"{len(result.gaps)} traceability gap(s); output in {out}/hazards.json")
    if not graphviz_available():
        console(stderr=True).print("note: Graphviz 'dot' is not installed, so the fault-tree "
                                   "diagrams were written as .dot files (apt-get install graphviz)")
    unacceptable = result.unacceptable
    if unacceptable:
        out_console.print(f"[bold red]unacceptable residual risk[/]: {', '.join(unacceptable)}")
        return ExitCode.FINDING
    return ExitCode.OK
