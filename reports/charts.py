"""Small inline SVG charts (no JavaScript, no network): timelines and ranked bars
(e.g. each initiating event's contribution to a fault tree's frequency).

Every text that reaches the SVG is escaped; numbers are formatted here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["ranked_bars", "timeline_svg"]

_W, _H, _PAD = 720, 260, 40


def _polyline(values: Sequence[float | None], top: float, height: float, scale: float) -> str:
    n = max(len(values) - 1, 1)
    points = []
    for index, value in enumerate(values):
        if value is None:
            continue
        x = _PAD + (_W - 2 * _PAD) * index / n
        y = top + height - (value / scale * height if scale else 0)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


def timeline_svg(timeline: Mapping[str, Any], title: str) -> str:
    """Delivered insulin, IOB and glucose over the trace; mode band; alarm markers."""
    points = timeline["points"]
    if not points:
        return ""
    delivered = [p["delivered_mU"] for p in points]
    iob = [p["iob_mU"] for p in points]
    glucose = [p["glucose_mg_dL"] for p in points]
    top_insulin = max([*delivered, *iob, 1])
    top_glucose = max([g for g in glucose if g is not None] + [1])
    plot_h = _H - 2 * _PAD - 30
    parts = [
        f'<svg class="timeline" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{_PAD}" y="{_PAD}" width="{_W - 2 * _PAD}" height="{plot_h}" '
        'fill="#fafafa" stroke="#999"/>',
    ]
    n = max(len(points) - 1, 1)
    band_y = _PAD + plot_h + 6
    colors = {"running": "#cfe8cf", "suspended": "#fff0b3", "stopped": "#f6c6c6"}
    for index, point in enumerate(points):
        x = _PAD + (_W - 2 * _PAD) * index / n
        width = max((_W - 2 * _PAD) / n, 1)
        parts.append(f'<rect x="{x:.1f}" y="{band_y}" width="{width:.1f}" height="10" '
                     f'fill="{colors.get(point["mode"], "#ddd")}"><title>t={point["t"]}: '
                     f'{escape(point["mode"])}</title></rect>')
        if point["alarms"]:
            parts.append(f'<circle cx="{x:.1f}" cy="{band_y + 20}" r="3" fill="#c0392b">'
                         f'<title>t={point["t"]}: {escape(", ".join(point["alarms"]))}</title>'
                         "</circle>")
        if not point["accepted"]:
            parts.append(f'<text x="{x:.1f}" y="{_PAD - 6}" font-size="9" fill="#c0392b">✕'
                         f'<title>refused: {escape(str(point["reason"]))}</title></text>')
    parts.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" '
                 f'points="{_polyline(delivered, _PAD, plot_h, top_insulin)}"/>')
    for series, color, dash, scale in ((iob, "#2ca02c", "4 2", top_insulin),
                                       (glucose, "#9467bd", "1 2", top_glucose)):
        line = _polyline(series, _PAD, plot_h, scale)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
                     f'stroke-dasharray="{dash}" points="{line}"/>')
    legend = (f"delivered mU per step (solid, max {max(delivered)}) · IOB mU (dashed, max "
              f"{max(iob)}) · glucose mg/dL (dotted) · mode band: green running, yellow "
              "suspended, red stopped · red dots: alarms · ✕: refused request")
    parts.append(f'<text x="{_PAD}" y="{_H - 4}" font-size="10">{escape(legend)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def ranked_bars(values: Mapping[str, float], title: str, unit: str, limit: int = 12) -> str:
    """Horizontal bars of ``values`` (e.g. each initiator's contribution to a top event's
    frequency), largest first, each labelled with its value and ``unit``."""
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if not ranked:
        return ""
    height = 18 * len(ranked) + 30
    top = max(value for _, value in ranked) or 1.0
    parts = [f'<svg class="bars" viewBox="0 0 {_W} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for index, (name, value) in enumerate(ranked):
        y = 10 + 18 * index
        width = (_W - 330) * value / top
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{escape(name)}</text>')
        parts.append(f'<rect x="230" y="{y}" width="{width:.1f}" height="14" fill="#4c72b0"/>')
        parts.append(f'<text x="{235 + width:.1f}" y="{y + 12}" font-size="11">'
                     f'{value:.3g} {escape(unit)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
