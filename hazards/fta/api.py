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

__all__ = ["DEFAULT_MAX_CUT_SETS", "render_fta_text", "run_fta"]

_FACTORS = ("mif", "cif", "dif", "raw", "rrw")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


DEFAULT_MAX_CUT_SETS = 100_000  # ~100 MB of listed cut sets at most; --max-cut-sets N


def run_fta(path: str, *, cut_sets: bool = False, importance: bool = False,
            top: str | None = None, limit_order: int | None = None,
            max_cut_sets: int | None = DEFAULT_MAX_CUT_SETS) -> dict[str, Any]:
    """The analysis of one MEF file as the CLI's JSON object.

    Keys: ``top_event``, ``n_mcs`` (exact, of order ≤ ``limit_order``), ``p_top`` (exact,
    from the BDD), ``p_rare_event`` (over every counted cut set), ``p_mcub`` (``null``
    when not every cut set was listed), ``limit_order``, ``max_cut_sets`` and
    ``cut_sets_truncated`` (not every cut set is listed: more than ``max_cut_sets``, or
    too many to compute, when ``n_mcs`` is ``null``; ``cut_sets_note`` says which); with
    ``cut_sets`` also ``cut_sets`` (at most ``max_cut_sets``, lowest orders first, sorted by (order,
    names)); with ``importance`` also ``importance`` ({event: {mif, cif, dif, raw, rrw}},
    exact from the BDD; reported, as SCRAM does, for the events of the cut sets counted).
    ``top`` overrides the gate analysed.
    """
    result = analyse(read_mef(path, top=top), importance=importance,
                     limit_order=limit_order, max_cut_sets=max_cut_sets)
    out: dict[str, Any] = {
        "top_event": result.top_event,
        "n_mcs": result.n_mcs if result.n_mcs >= 0 else None,
        "p_top": result.p_top,
        "p_rare_event": _finite(result.p_rare_event),
        "p_mcub": _finite(result.p_mcub),
        "limit_order": limit_order,
        "max_cut_sets": max_cut_sets,
        "cut_sets_truncated": result.cut_sets_truncated,
    }
    if result.cut_sets_note:
        out["cut_sets_note"] = result.cut_sets_note
    if cut_sets:
        out["cut_sets"] = list(map(list, result.cut_sets))
    if importance:
        out["importance"] = {
            event: {name: _finite(getattr(m, name)) for name in _FACTORS}
            for event, m in sorted(result.measures.items())
        }
    return out


def _number(value: float | None, width: int = 10) -> str:
    return f"{'n/a' if value is None else format(value, '.4g' if width else '.6g'):>{width}}"


def render_fta_text(result: dict[str, Any], max_cut_sets: int = 50) -> str:
    """A human summary of :func:`run_fta`'s object (first cut sets, importance by DIF)."""
    lines = [
        f"top event         {result['top_event']}",
        f"minimal cut sets  {'n/a' if result['n_mcs'] is None else result['n_mcs']}"
        + (f" of order ≤ {result['limit_order']}" if result.get("limit_order") is not None
           else ""),
        f"P(top) exact      {result['p_top']:.6g}",
        f"rare event        {_number(result['p_rare_event'], 0)}",
        f"MCUB              {_number(result['p_mcub'], 0)}"
        + (" (not every cut set listed)" if result["p_mcub"] is None else ""),
    ]
    listed = result.get("cut_sets")
    if listed is not None:
        lines.append("cut sets (order: events)")
        lines += [f"  {len(cs)}: {{{', '.join(cs)}}}" for cs in listed[:max_cut_sets]]
        if len(listed) > max_cut_sets:
            lines.append(f"  … {len(listed) - max_cut_sets} more (use --json for all)")
    if result.get("cut_sets_note"):
        lines.append(f"note: {result['cut_sets_note']}")
    importance = result.get("importance")
    if importance is not None:
        lines.append(f"{'event':30} " + " ".join(f"{n.upper():>10}" for n in _FACTORS))
        ranked = sorted(importance.items(), key=lambda kv: (-(kv[1]["dif"] or 0.0), kv[0]))
        for event, m in ranked:
            lines.append(f"{event[:30]:30} " + " ".join(_number(m[n]) for n in _FACTORS))
    return "\n".join(lines) + "\n"
