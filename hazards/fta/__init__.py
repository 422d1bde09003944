"""Fault-tree analysis: Open-PSA MEF in and out, exact BDD analysis, ZDD cut sets.

Public API: :func:`read_mef`/:func:`parse_mef`/:func:`export_mef`, :func:`to_graph`,
:func:`analyse`, and :func:`run_fta` (the ``pumpproof fta`` JSON object).
"""

from .analysis import Analysis, analyse
from .api import render_fta_text, run_fta
from .mef import DEFAULT_MISSION_TIME_H, export_mef, parse_mef, read_mef
from .model import BasicEvent, FaultTree, Gate, to_graph

__all__ = [
    "DEFAULT_MISSION_TIME_H",
    "Analysis",
    "BasicEvent",
    "FaultTree",
    "Gate",
    "analyse",
    "export_mef",
    "parse_mef",
    "read_mef",
    "render_fta_text",
    "run_fta",
    "to_graph",
]
