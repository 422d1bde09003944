"""Fault-tree analysis: Open-PSA MEF in and out, exact BDD analysis, minimal cut sets.

Data flows one way: :mod:`.mef` (or your own code) builds a frozen :class:`FaultTree`
(:mod:`.model`); :func:`check_tree` validates it (:mod:`.graph`; :func:`to_graph` also
makes the networkx DiGraph); :func:`analyse` runs the stages — the BDD, in Python or CUDD
(:mod:`.bdd`), minimal cut sets (:mod:`.cutsets` on :mod:`.zdd`), probabilities
(:mod:`.probability`), SCRAM's importance factors (:mod:`.importance`) — and
:func:`run_fta`/:func:`render_fta_text` (:mod:`.api`) are what
the ``pumpproof fta`` command prints. Results agree with SCRAM 0.16.2 on its 18 public
benchmark models (``tests/hazards/fta``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below load on first use: ``pumpproof fta`` needs few of them
    from .analysis import Analysis, analyse
    from .api import render_fta_text, run_fta
    from .bdd import Bdd, FlatBdd, build_bdd
    from .cutsets import count_cut_sets, minimal_cut_sets
    from .graph import check_tree, choose_top, reachable, to_graph
    from .importance import Importance
    from .mef import DEFAULT_MISSION_TIME_H, export_mef, parse_mef, read_mef
    from .model import BasicEvent, FaultTree, Gate, GateKind

_WHERE = {
    "Analysis": "analysis", "analyse": "analysis", "render_fta_text": "api", "run_fta": "api",
    "Bdd": "bdd", "FlatBdd": "bdd", "build_bdd": "bdd", "count_cut_sets": "cutsets",
    "minimal_cut_sets": "cutsets", "check_tree": "graph", "choose_top": "graph",
    "reachable": "graph", "to_graph": "graph", "Importance": "importance",
    "DEFAULT_MISSION_TIME_H": "mef", "export_mef": "mef", "parse_mef": "mef",
    "read_mef": "mef", "BasicEvent": "model", "FaultTree": "model", "Gate": "model",
    "GateKind": "model",
}


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first use (PEP 562)."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_MISSION_TIME_H",
    "Analysis",
    "BasicEvent",
    "Bdd",
    "FaultTree",
    "FlatBdd",
    "Gate",
    "GateKind",
    "Importance",
    "analyse",
    "build_bdd",
    "check_tree",
    "choose_top",
    "count_cut_sets",
    "export_mef",
    "minimal_cut_sets",
    "parse_mef",
    "reachable",
    "read_mef",
    "render_fta_text",
    "run_fta",
    "to_graph",
]
