"""What ``pumpproof fta MODEL.xml [--json] [--cut-sets] [--importance]`` prints.

Contract: :func:`run_fta` reads one MEF file, analyses it and returns the JSON object of
the command, with deterministic key and list order; :func:`render_fta_text` turns that
object into a short human summary. Neither prints. Non-finite importance values (a
division by zero, see :mod:`.importance`) become ``null`` so the JSON stays standard.
Errors are :class:`~pumpproof.errors.ModelError` (file: element: problem), for the CLI
to report.
"""

from __future__ import annotations

import math
from typing import Any

from .analysis import analyse
from .mef import read_mef

__all__ = ["render_fta_text", "run_fta"]

_FACTORS = ("mif", "cif", "dif", "raw", "rrw")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def run_fta(path: str, *, cut_sets: bool = False, importance: bool = False,
            top: str | None = None) -> dict[str, Any]:
    """The analysis of one MEF file as the CLI's JSON object.

    Keys: ``top_event``, ``n_mcs``, ``p_top`` (exact), ``p_rare_event``, ``p_mcub``; with
    ``cut_sets`` also ``cut_sets`` (sorted lists of names, sorted by (order, names)); with
    ``importance`` also ``importance`` ({event: {mif, cif, dif, raw, rrw}}). ``top``
    overrides the gate analysed.
    """
    result = analyse(read_mef(path, top=top), importance=importance)
    out: dict[str, Any] = {
        "top_event": result.top_event,
        "n_mcs": len(result.cut_sets),
        "p_top": result.p_top,
        "p_rare_event": result.p_rare_event,
        "p_mcub": result.p_mcub,
    }
    if cut_sets:
        out["cut_sets"] = list(map(list, result.cut_sets))
    if importance:
        out["importance"] = {
            event: {name: _finite(getattr(m, name)) for name in _FACTORS}
            for event, m in sorted(result.measures.items())
        }
    return out


def _number(value: float | None, width: int = 10) -> str:
    return f"{'n/a' if value is None else format(value, '.4g'):>{width}}"


def render_fta_text(result: dict[str, Any], max_cut_sets: int = 50) -> str:
    """A human summary of :func:`run_fta`'s object (first cut sets, importance by DIF)."""
    lines = [
        f"top event         {result['top_event']}",
        f"minimal cut sets  {result['n_mcs']}",
        f"P(top) exact      {result['p_top']:.6g}",
        f"rare event        {result['p_rare_event']:.6g}",
        f"MCUB              {result['p_mcub']:.6g}",
    ]
    listed = result.get("cut_sets")
    if listed is not None:
        lines.append("cut sets (order: events)")
        lines += [f"  {len(cs)}: {{{', '.join(cs)}}}" for cs in listed[:max_cut_sets]]
        if len(listed) > max_cut_sets:
            lines.append(f"  … {len(listed) - max_cut_sets} more (use --json for all)")
    importance = result.get("importance")
    if importance is not None:
        lines.append(f"{'event':30} " + " ".join(f"{n.upper():>10}" for n in _FACTORS))
        ranked = sorted(importance.items(), key=lambda kv: (-(kv[1]["dif"] or 0.0), kv[0]))
        for event, m in ranked:
            lines.append(f"{event[:30]:30} " + " ".join(_number(m[n]) for n in _FACTORS))
    return "\n".join(lines) + "\n"
