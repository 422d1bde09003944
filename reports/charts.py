"""Small inline SVG charts (no JavaScript, no network): timelines and ranked bars
(e.g. each initiating event's contribution to a fault tree's frequency).

Every text that reaches the SVG is escaped; numbers are formatted here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["not_plotted", "ranked_bars", "timeline_svg"]

_W, _H, _PAD = 720, 276, 40
_CHAR_PX = 7.0  # width of a character at font-size 11, generous (ids are upper case)


def _x(index: int, count: int) -> float:
    """The centre of step ``index`` of ``count``: each step is a cell of the plot, so a
    one-step trace sits in the middle instead of on the left edge with no line."""
    return _PAD + (_W - 2 * _PAD) * (index + 0.5) / max(count, 1)


def _y(value: float, top: float, height: float, scale: float) -> float:
    return top + height - (value / scale * height if scale else 0)


def _polyline(values: Sequence[float | None], top: float, height: float, scale: float) -> str:
    points = [f"{_x(i, len(values)):.1f},{_y(v, top, height, scale):.1f}"
              for i, v in enumerate(values) if v is not None]
    return " ".join(points)


def _dots(values: Sequence[float | None], top: float, height: float, scale: float,
          color: str) -> list[str]:
    """A dot per value: a line needs two points, a dot shows even one."""
    return [f'<circle class="point" cx="{_x(i, len(values)):.1f}" '
            f'cy="{_y(v, top, height, scale):.1f}" r="2.5" fill="{color}"/>'
            for i, v in enumerate(values) if v is not None]


def not_plotted(timeline: Mapping[str, Any]) -> str | None:
    """Why a timeline is not worth a plot (``None`` when it is): no request, a single
    step (one dot per series says less than the table), or nothing but zeros."""
    points = timeline.get("points", [])
    if not points:
        return "the counterexample has no pump request"
    if len(points) == 1:
        return "a one-step counterexample"
    values = [p[k] for p in points for k in ("delivered_mU", "iob_mU", "glucose_mg_dL")]
    if not any(values) and all(p["mode"] == points[0]["mode"] for p in points):
        return "no insulin delivered or on board, no glucose reading and no mode change"
    return None


def timeline_svg(timeline: Mapping[str, Any], title: str) -> str:
    """Delivered insulin, IOB and glucose over the trace; mode band; alarm markers.

    Every series is drawn as a line and as dots, so a one-step counterexample shows its
    values; the report puts the request table under the plot."""
    points = timeline["points"]
    if not points:
        return ""
    delivered = [p["delivered_mU"] for p in points]
    iob = [p["iob_mU"] for p in points]
    glucose = [p["glucose_mg_dL"] for p in points]
    top_insulin = max([*delivered, *iob, 1])
    top_glucose = max([g for g in glucose if g is not None] + [1])
    plot_h = _H - 2 * _PAD - 46
    parts = [
        f'<svg class="timeline" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{_PAD}" y="{_PAD}" width="{_W - 2 * _PAD}" height="{plot_h}" '
        'fill="#fafafa" stroke="#999"/>',
    ]
    n = len(points)
    band_y = _PAD + plot_h + 6
    colors = {"running": "#cfe8cf", "suspended": "#fff0b3", "stopped": "#f6c6c6"}
    width = (_W - 2 * _PAD) / n
    for index, point in enumerate(points):
        x = _x(index, n)
        parts.append(f'<rect x="{x - width / 2:.1f}" y="{band_y}" width="{width:.1f}" '
                     f'height="10" fill="{colors.get(point["mode"], "#ddd")}"><title>'
                     f't={point["t"]}: {escape(point["mode"])}</title></rect>')
        if point["alarms"]:
            parts.append(f'<circle cx="{x:.1f}" cy="{band_y + 20}" r="3" fill="#c0392b">'
                         f'<title>t={point["t"]}: {escape(", ".join(point["alarms"]))}</title>'
                         "</circle>")
        if not point["accepted"]:
            parts.append(f'<text x="{x:.1f}" y="{_PAD - 6}" font-size="9" fill="#c0392b">✕'
                         f'<title>refused: {escape(str(point["reason"]))}</title></text>')
    first, last = points[0]["t"], points[-1]["t"]
    parts.append(f'<text x="{_PAD}" y="{_PAD - 20}" font-size="10">t = {first} min</text>')
    if n > 1:
        parts.append(f'<text x="{_W - _PAD}" y="{_PAD - 20}" font-size="10" '
                     f'text-anchor="end">t = {last} min</text>')
    for series, color, dash, scale in ((delivered, "#1f77b4", "", top_insulin),
                                       (iob, "#2ca02c", "4 2", top_insulin),
                                       (glucose, "#9467bd", "1 2", top_glucose)):
        line = _polyline(series, _PAD, plot_h, scale)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5"{dashes} '
                     f'points="{line}"/>')
        parts.extend(_dots(series, _PAD, plot_h, scale, color))
    legend = (f"delivered mU per step (blue, solid, max {max(delivered)}) · IOB mU (green, "
              f"dashed, max {max(iob)}) · glucose mg/dL (purple, dotted)",
              "mode band: green running, yellow suspended, red stopped · red dots: alarms · "
              "✕: refused request")
    for offset, text in zip((18, 4), legend, strict=True):
        parts.append(f'<text x="{_PAD}" y="{_H - offset}" font-size="10">{escape(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def ranked_bars(values: Mapping[str, float], title: str, unit: str, limit: int = 12) -> str:
    """Horizontal bars of ``values`` (e.g. each initiator's contribution to a top event's
    frequency), largest first, each labelled with its value and ``unit``; the name column is
    as wide as the longest name and the figures have room on the right (nothing clipped)."""
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if not ranked:
        return ""
    height = 18 * len(ranked) + 30
    top = max(value for _, value in ranked) or 1.0
    label_w = round(max(len(name) for name, _ in ranked) * _CHAR_PX) + 10
    figures_w = round((10 + len(unit)) * _CHAR_PX)
    width = label_w + 300 + figures_w
    parts = [f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for index, (name, value) in enumerate(ranked):
        y = 10 + 18 * index
        bar = 300 * value / top
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="14" '
                     'fill="#4c72b0"/>')
        parts.append(f'<text x="{label_w + bar + 5:.1f}" y="{y + 12}" font-size="11">'
                     f'{value:.3g} {escape(unit)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
