"""Fault-tree diagrams in Graphviz (DOT → SVG with the ``dot`` program).

Conventions of fault-tree drawing: AND gates as house shapes, OR gates inverted, k/n
gates as hexagons, NOT as a triangle, basic events as circles and risk-control failures
as double circles; an initiating event has a bold border and its frequency per
patient-year (``f = … /yr``), a conditional event its probability per demand
(``p = … /demand``); every label is escaped. Raises ``RuntimeError`` when Graphviz is
missing (install ``graphviz``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping

from pumpproof.spec.hazard_log import FaultTreeSpec

__all__ = ["fault_tree_dot", "graphviz_available", "render_svg"]

_SYMBOL = {"and": "AND", "or": "OR", "not": "NOT"}
_SHAPE = {"and": "house", "or": "invhouse", "atleast": "hexagon", "not": "invtriangle"}


def _quote(text: str) -> str:
    """A DOT string literal: backslashes and quotes escaped, newlines as DOT line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def fault_tree_dot(tree: FaultTreeSpec, values: Mapping[str, float | None]) -> str:
    """DOT source of ``tree``; ``values`` holds each event's frequency per patient-year
    (initiating) or probability per demand (conditional)."""
    lines = [f"digraph {_quote(tree.id)} {{", "  rankdir=TB;",
             '  node [fontname="Helvetica", fontsize=10];',
             f"  label={_quote(tree.title)}; labelloc=t;"]
    for gate_id, gate in tree.gates.items():
        symbol = f"{gate.k}/{len(gate.children)}" if gate.type == "atleast" else _SYMBOL[gate.type]
        text = "\n".join(part for part in (gate_id, gate.label, f"[{symbol}]") if part)
        lines.append(f'  {_quote(gate_id)} [shape={_SHAPE[gate.type]}, style=filled, '
                     f'fillcolor="#e8eef7", label={_quote(text)}];')
    for event_id, event in tree.basic_events.items():
        value = values.get(event_id)
        initiating = event.kind == "initiating"
        text = f"{event_id}\n{event.label}"
        if value is not None:
            text += f"\nf = {value:.3g} /yr" if initiating else f"\np = {value:.3g} /demand"
        shape = "doublecircle" if event.control else "circle"
        color = "#fdecea" if event.control else "#ffffff"
        pen = ", penwidth=2.5" if initiating else ""
        lines.append(f'  {_quote(event_id)} [shape={shape}, style=filled, fillcolor="{color}"'
                     f"{pen}, label={_quote(text)}];")
    for gate_id, gate in tree.gates.items():
        for child in gate.children:
            lines.append(f"  {_quote(gate_id)} -> {_quote(child)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def render_svg(dot_source: str) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("Graphviz 'dot' is not installed (apt-get install graphviz)")
    result = subprocess.run([dot, "-Tsvg"], input=dot_source, capture_output=True, text=True,
                            check=True, timeout=60)
    return result.stdout
