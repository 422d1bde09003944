"""Fault-tree diagrams in Graphviz (DOT → SVG with the ``dot`` program).

Conventions of fault-tree drawing: AND gates as house shapes, OR gates inverted, k/n
gates as hexagons, NOT as a triangle, basic events as ellipses (a circle as wide as its
label wastes half the page) and risk-control failures as double ellipses; an initiating
event has a bold border and its frequency per patient-year (``f = … /yr``), a conditional
event its probability per demand (``p = … /demand``); labels are wrapped and escaped.
Raises ``RuntimeError`` when Graphviz is missing (install ``graphviz``).
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Mapping

from pumpproof.spec.hazard_log import FaultTreeSpec

__all__ = ["fault_tree_dot", "graphviz_available", "render_svg"]

_SYMBOL = {"and": "AND", "or": "OR", "not": "NOT"}
_SHAPE = {"and": "house", "or": "invhouse", "atleast": "hexagon", "not": "invtriangle"}
#: Characters per label line: a circle is as wide as its label's diagonal, so one long line
#: would make a huge circle and a tree too wide to read at its natural size.
_WRAP = 24


def _wrapped(text: str) -> str:
    """Each line of ``text`` wrapped at :data:`_WRAP` characters (ids are never split)."""
    return "\n".join(textwrap.fill(line, _WRAP, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def _quote(text: str) -> str:
    """A DOT string literal: backslashes and quotes escaped, newlines as DOT line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def fault_tree_dot(tree: FaultTreeSpec, values: Mapping[str, float | None]) -> str:
    """The tree in DOT; ``values`` holds each event's frequency per patient-year (initiating)
    or probability per demand (conditional). Labels are wrapped so that the diagram stays
    compact at its natural size (10 pt text), where the report shows it."""
    lines = [f"digraph {_quote(tree.id)} {{", "  rankdir=TB; nodesep=0.2; ranksep=0.35;",
             '  graph [fontname="Helvetica", fontsize=12];',
             '  node [fontname="Helvetica", fontsize=10, margin="0.04,0.02"];',
             f"  label={_quote(tree.title)}; labelloc=t;"]
    for gate_id, gate in tree.gates.items():
        symbol = f"{gate.k}/{len(gate.children)}" if gate.type == "atleast" else _SYMBOL[gate.type]
        text = "\n".join(part for part in (gate_id, _wrapped(gate.label or ""), f"[{symbol}]")
                         if part)
        lines.append(f'  {_quote(gate_id)} [shape={_SHAPE[gate.type]}, style=filled, '
                     f'fillcolor="#e8eef7", label={_quote(text)}];')
    for event_id, event in tree.basic_events.items():
        value = values.get(event_id)
        initiating = event.kind == "initiating"
        text = f"{event_id}\n{_wrapped(event.label)}"
        if value is not None:
            text += f"\nf = {value:.3g} /yr" if initiating else f"\np = {value:.3g} /demand"
        rings = 2 if event.control else 1
        color = "#fdecea" if event.control else "#ffffff"
        pen = ", penwidth=2.5" if initiating else ""
        lines.append(f'  {_quote(event_id)} [shape=ellipse, peripheries={rings}, style=filled, '
                     f'fillcolor="{color}"{pen}, label={_quote(text)}];')
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
