"""pumpproof: safety verification and hazard analysis for insulin pumps.

The packages follow the data flow: ``pumpproof.spec`` (load and validate the reviewed
YAML) → ``pumpproof.pump_model`` (the reference pump, one ``step`` on a dual
int/Z3 logic layer) → ``pumpproof.properties`` (observers, proofs, fuzzing, contracts,
targets) → ``pumpproof.hazards`` (hazard log, fault trees) → ``pumpproof.reports``.
The CLI (``pumpproof.cli``) sits on top. Imports only go with the flow.
"""

__version__ = "0.1.0"
