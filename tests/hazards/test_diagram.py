"""Fault-tree diagrams: DOT shapes by gate kind, escaped labels, and SVG through Graphviz."""

from __future__ import annotations

import shutil

import pytest

from pumpproof.hazards.diagram import fault_tree_dot, graphviz_available, render_svg
from pumpproof.spec.hazard_log import FaultTreeSpec


def _tree() -> FaultTreeSpec:
    return FaultTreeSpec.model_validate({
        "id": "FT-T",
        "title": 'Top "quoted" \\ title',
        "top": "G-TOP",
        "gates": {
            "G-TOP": {"type": "or", "children": ["G-AND", "G-2OF3"], "label": "no\ninsulin"},
            "G-AND": {"type": "and", "children": ["BE-A", "BE-RC"]},
            "G-2OF3": {"type": "atleast", "k": 2, "children": ["BE-A", "BE-B", "G-NOT"]},
            "G-NOT": {"type": "not", "children": ["BE-B"]},
        },
        "basic_events": {
            "BE-A": {"label": "pump fails", "frequency_per_year": 2.0},
            "BE-B": {"label": 'label with "quotes"', "p_per_demand": 0.25},
            "BE-RC": {"label": "RC-X fails", "control": "RC-X"},
        },
    })


def test_dot_has_one_node_per_element_with_its_shape() -> None:
    dot = fault_tree_dot(_tree(), {"BE-A": 2.0, "BE-B": 0.25, "BE-RC": 1e-5})
    assert dot.startswith('digraph "FT-T" {') and dot.endswith("}\n")
    assert '"G-TOP" [shape=invhouse' in dot
    assert '"G-AND" [shape=house' in dot
    assert '"G-2OF3" [shape=hexagon' in dot and "[2/3]" in dot
    assert '"G-NOT" [shape=invtriangle' in dot and "[NOT]" in dot
    assert '"BE-RC" [shape=ellipse, peripheries=2' in dot
    assert '"BE-A" [shape=ellipse, peripheries=1' in dot
    assert "f = 2 /yr" in dot and "p = 1e-05 /demand" in dot and "p = 0.25 /demand" in dot
    assert ('"BE-A" [shape=ellipse, peripheries=1, style=filled, fillcolor="#ffffff", '
            'penwidth=2.5') in dot
    assert dot.count(" -> ") == 2 + 2 + 3 + 1


def test_labels_are_escaped_for_dot() -> None:
    dot = fault_tree_dot(_tree(), {})
    assert 'label="Top \\"quoted\\" \\\\ title"' in dot
    assert 'label with \\"quotes\\"' in dot
    assert "G-TOP\\nno\\ninsulin\\n[OR]" in dot  # newlines become DOT line breaks
    assert "p = " not in dot  # no probabilities given, none shown


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is installed by .ci/run")
def test_long_labels_are_wrapped_and_ids_never_split() -> None:
    tree = _tree().model_copy(deep=True)
    tree.basic_events["BE-A"] = tree.basic_events["BE-A"].model_copy(
        update={"label": "Reservoir reaches empty during use and nobody notices in time"})
    dot = fault_tree_dot(tree, {})
    assert "BE-A\\nReservoir reaches empty\\nduring use and nobody\\nnotices in time" in dot


def test_render_svg_with_graphviz() -> None:
    assert graphviz_available()
    svg = render_svg(fault_tree_dot(_tree(), {"BE-A": 0.001}))
    assert "<svg" in svg and "2OF3" in svg and "pump fails" in svg


def test_without_graphviz_render_svg_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert not graphviz_available()
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        render_svg("digraph {}")
