"""Fault-tree analysis: Open-PSA MEF in and out, exact BDD analysis, minimal cut sets.

Data flows one way: :mod:`.mef` (or your own code) builds a frozen :class:`FaultTree`
(:mod:`.model`); :func:`to_graph` validates it as a networkx DiGraph (:mod:`.graph`);
:func:`analyse` runs the stages — CUDD BDD (:mod:`.bdd`), minimal cut sets (:mod:`.cutsets`
on :mod:`.zdd`), probabilities (:mod:`.probability`), SCRAM's importance factors
(:mod:`.importance`) — and :func:`run_fta`/:func:`render_fta_text` (:mod:`.api`) are what
the ``pumpproof fta`` command prints. Results agree with SCRAM 0.16.2 on its 18 public
benchmark models (``tests/hazards/fta``).
"""

from .analysis import Analysis, analyse
from .api import render_fta_text, run_fta
from .bdd import Bdd, FlatBdd, build_bdd
from .cutsets import count_cut_sets, minimal_cut_sets
from .graph import choose_top, reachable, to_graph
from .importance import Importance
from .mef import DEFAULT_MISSION_TIME_H, export_mef, parse_mef, read_mef
from .model import BasicEvent, FaultTree, Gate, GateKind

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
