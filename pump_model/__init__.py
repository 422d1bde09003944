"""The reference pump: one ``step`` for target protocol v1 on a dual int/Z3 logic layer.

Public API::

    params = Params(settings)                 # settings + derived integer tables
    state = initial_state(params)             # minute 0
    state, obs = step(params, state, request) # concrete or symbolic (rules=REFERENCE)
    ReferencePump(spec)                       # the model as a protocol target

See :mod:`pump_model.transition` for the rules and the conservative abstractions.
"""

from .calculator import BolusSuggestion, suggest_bolus, suggest_bolus_mU
from .codes import ALARMS, FAULTS, KINDS, MODES, REASONS, STOPPING_ALARMS
from .curves import PPM, iob_fraction, iob_fraction_ppm, iob_table_ppm
from .protocol import PROTOCOL_VERSION, ReferencePump, observation_to_json, parse_event
from .request import TICK, Request
from .state import Params, State, initial_state, pad_schedule
from .transition import REFERENCE, Observation, Rules, observe, step

__all__ = [
    "ALARMS",
    "FAULTS",
    "KINDS",
    "MODES",
    "PPM",
    "PROTOCOL_VERSION",
    "REASONS",
    "REFERENCE",
    "STOPPING_ALARMS",
    "TICK",
    "BolusSuggestion",
    "Observation",
    "Params",
    "ReferencePump",
    "Request",
    "Rules",
    "State",
    "initial_state",
    "iob_fraction",
    "iob_fraction_ppm",
    "iob_table_ppm",
    "observation_to_json",
    "observe",
    "pad_schedule",
    "parse_event",
    "step",
    "suggest_bolus",
    "suggest_bolus_mU",
]
