"""``pumpproof hazards [--evidence evidence.json] [--out DIR]``: the hazard analysis.

Writes ``DIR/hazards.json``, and per fault tree an SVG diagram and an Open-PSA MEF file
(``FT-….mef.xml``, for cross-checking in SCRAM or XFTA). Exit 0 when the analysis ran (gaps are
reported, not failed), 1 when a residual risk is unacceptable, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pumpproof.campaigns.evidence import dumps
from pumpproof.errors import UsageError
from pumpproof.hazards.diagram import fault_tree_dot, graphviz_available, render_svg
from pumpproof.hazards.fta import export_mef
from pumpproof.hazards.risk import assess, tree_model
from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import load_spec

from ._files import write_atomic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--evidence", help="evidence.json from verify or check")
    parser.add_argument("--spec", help="spec directory (default: built-in)")
    parser.add_argument("--out", default="pumpproof-hazards", help="output directory")


def load_evidence(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read evidence: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("evidence"), dict):
        data = data["evidence"]  # a bundle
    if not (isinstance(data, dict) and str(data.get("schema", "")).startswith("pumpproof.evidence/")
            and isinstance(data.get("properties"), list)):
        raise UsageError(f"{path}: not a pumpproof evidence file (schema pumpproof.evidence/1)")
    return data


def analyse_hazards(spec_dir: str | None, evidence_path: str | None,
                    out: Path) -> dict[str, Any]:
    """Run the analysis and write its files; returns the hazards.json content."""
    spec = load_spec(spec_dir)
    if spec.hazard_log is None:
        raise UsageError(f"{spec.directory}: the spec has no hazards.yaml")
    evidence = load_evidence(evidence_path) if evidence_path else None
    property_requirements = {p.id: p.requirements for p in all_properties()}
    result = assess(spec, property_requirements, evidence)
    control_p = {c["id"]: c["p"] for c in result["controls"]}
    for tree_out, tree in zip(result["fault_trees"], spec.hazard_log.fault_trees, strict=True):
        probabilities = {e["id"]: e["p"] for e in tree_out["basic_events"]}
        dot_source = fault_tree_dot(tree, probabilities)
        if graphviz_available():
            tree_out["svg"] = f"{tree.id}.svg"
            write_atomic(out / tree_out["svg"], render_svg(dot_source))
        else:  # a machine without Graphviz still gets the analysis and the DOT source
            tree_out["svg"] = None
            write_atomic(out / f"{tree.id}.dot", dot_source)
        # One self-contained MEF file per tree (gate names are global in MEF).
        tree_out["mef"] = f"{tree.id}.mef.xml"
        write_atomic(out / tree_out["mef"], export_mef(tree_model(tree, control_p)))
    write_atomic(out / "hazards.json", dumps(result))
    return result


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    result = analyse_hazards(args.spec, args.evidence, out)
    console = Console()
    table = Table(title="pumpproof hazards" + (" (with evidence)" if args.evidence else
                                                " (prior control probabilities)"))
    for column in ("hazard", "severity", "P before", "P after", "risk before", "risk after"):
        table.add_column(column)
    for hazard in result["hazards"]:
        p_after = f"{hazard['p_after']:.2g}" if hazard["p_after"] is not None else "—"
        p_before = f"{hazard['p_before']:.2g}" if hazard["p_before"] is not None else "—"
        table.add_row(hazard["id"], str(hazard["severity"]),
                      f"{p_before} (L{hazard['probability_before']})",
                      f"{p_after} (L{hazard['probability_after']})",
                      hazard["risk_before"], hazard["risk_after"].upper()
                      if not hazard["acceptable"] else hazard["risk_after"])
    console.print(table)
    for tree in result["fault_trees"]:
        console.print(f"{tree['id']}: P(top) {tree['p_top']:.3g} after controls, "
                      f"{tree['p_top_before_controls']:.3g} before; {tree['n_mcs']} cut sets")
    console.print(f"{len(result['gaps'])} traceability gap(s); output in {out}/hazards.json")
    if not graphviz_available():
        Console(stderr=True).print("note: Graphviz 'dot' is not installed, so the fault-tree "
                                   "diagrams were written as .dot files (apt-get install graphviz)")
    unacceptable = [h["id"] for h in result["hazards"] if not h["acceptable"]]
    if unacceptable:
        console.print(f"[bold red]unacceptable residual risk[/]: {', '.join(unacceptable)}")
        return 1
    return 0
