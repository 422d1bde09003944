"""What the CLI prints: ``pumpproof fta MODEL.xml [--json] [--cut-sets] [--importance]``."""

from __future__ import annotations

from typing import Any

from .analysis import analyse
from .mef import read_mef

__all__ = ["render_fta_text", "run_fta"]


def run_fta(path: str, *, cut_sets: bool = False, importance: bool = False,
            top: str | None = None) -> dict[str, Any]:
    """The analysis of one MEF file as one JSON-ready object (deterministic order)."""
    tree = read_mef(path, top=top)
    result = analyse(tree, importance=importance)
    out: dict[str, Any] = {
        "top_event": result.top_event,
        "n_mcs": len(result.cut_sets),
        "p_top": result.p_top,
        "p_rare_event": result.p_rare_event,
        "p_mcub": result.p_mcub,
    }
    if cut_sets:
        out["cut_sets"] = [list(cs) for cs in result.cut_sets]
    if importance:
        out["importance"] = {event: result.importance[event]
                             for event in sorted(result.importance)}
    return out


def render_fta_text(result: dict[str, Any]) -> str:
    lines = [
        f"top event      {result['top_event']}",
        f"minimal cut sets {result['n_mcs']}",
        f"P(top) exact   {result['p_top']:.6g}",
        f"rare event     {result['p_rare_event']:.6g}",
        f"MCUB           {result['p_mcub']:.6g}",
    ]
    for cs in result.get("cut_sets", [])[:50]:
        lines.append("  {" + ", ".join(cs) + "}")
    if len(result.get("cut_sets", [])) > 50:
        lines.append(f"  … {len(result['cut_sets']) - 50} more (use --json)")
    importance = result.get("importance")
    if importance:
        lines.append(f"{'event':30} {'MIF':>10} {'CIF':>10} {'DIF':>10} {'RAW':>10} {'RRW':>10}")
        ranked = sorted(importance.items(), key=lambda kv: -kv[1]["dif"])
        for event, m in ranked:
            lines.append(f"{event[:30]:30} {m['mif']:10.4g} {m['cif']:10.4g} {m['dif']:10.4g} "
                         f"{m['raw']:10.4g} {m['rrw']:10.4g}")
    return "\n".join(lines) + "\n"
