"""Properties as observers: small state machines over what a target shows.

An observer sees, for every request, the request itself, the observation before it and
the observation the target answered with. It keeps a small memory (a tuple of ints,
bools and at most one id set) and decides ``ok`` for the step. It judges by what was
delivered (``delivered_mU``), never by what the pump says about itself.

The same ``update`` runs on Python values (a runtime monitor over any target's trace)
and on Z3 terms (composed with the reference model in a proof). Rolling windows use the
resolution of the :class:`Context`: 1-minute bins at run time (exact), the pump's bins in
proofs — a coarser ring covers *more* than the window, so a symbolic observer checks a
stronger property than the exact one and a proof of it implies the exact property.

``lemmas`` (optional) relate the observer's memory to the reference pump's internal
state; they are proved inductive together with the property and only serve proofs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pumpproof.pump_model import Observation, Params, Request, State
from pumpproof.pump_model.codes import ALARMS, KINDS, MODES, REASONS
from pumpproof.pump_model.protocol import request_to_json

from .definitions import iob_weights, window_bin_count

__all__ = ["Check", "Context", "Property", "StepView", "describe_answer", "describe_request",
           "shown_alarms"]


@dataclass(frozen=True)
class Context:
    """What an observer may know: the settings, and the resolution of its windows."""

    params: Params
    daily_bin_min: int = 1
    iob_bin_min: int = 1
    # Runtime monitors only (concrete values): rings are :class:`~.trackers.Ring`, whose
    # shift and window sum cost O(1) instead of copying and summing 1440 bins per step.
    fast_rings: bool = False

    @property
    def iob_table(self) -> tuple[int, ...]:
        """The observer's own IOB weights (ppm) per bin, from the protocol's curve."""
        s = self.params.settings
        return iob_weights(self.iob_bin_min, s.dia_min, s.peak_min)

    @property
    def window_bins(self) -> int:
        """How many bins the observer's 1440-minute window keeps."""
        return window_bin_count(self.daily_bin_min)

    @classmethod
    def exact(cls, params: Params) -> Context:
        return cls(params, daily_bin_min=1, iob_bin_min=1)

    @classmethod
    def monitor(cls, params: Params) -> Context:
        """Exact, with the concrete fast rings (a runtime monitor's context)."""
        return cls(params, daily_bin_min=1, iob_bin_min=1, fast_rings=True)

    @classmethod
    def for_proof(cls, params: Params) -> Context:
        return cls(params, daily_bin_min=params.daily_bin_min, iob_bin_min=params.iob_bin_min)


@dataclass(frozen=True)
class StepView:
    """One step as the observer sees it."""

    request: Request
    before: Observation
    after: Observation


@dataclass(frozen=True)
class Check:
    """An observer's judgement of one step: new memory, ``ok`` and whether it triggered."""

    memory: tuple[Any, ...]
    ok: Any
    triggered: Any


class Property:
    """Base of every property ``P-…``: an observer plus its metadata.

    Subclasses set ``id``, ``title``, ``requirements`` and ``trigger`` (what counts as the
    situation the property is about, for vacuity), and implement ``init`` and ``update``.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    requirements: ClassVar[tuple[str, ...]]
    trigger: ClassVar[str]
    prove: ClassVar[bool] = True  # composed with the model in Z3
    # When ``prove`` is False: why not, shown in the evidence as the k-induction result.
    why_not_proved: ClassVar[str] = ""
    # Settings a proof must keep at the spec's value (beyond those every proof fixes); the
    # verdict's scope lists them.
    concrete_settings: ClassVar[tuple[str, ...]] = ()
    # k-induction attempted (False: composed with the model for BMC only, when its
    # inductive step is known not to be decided within the proof budgets)
    induction: ClassVar[bool] = True
    # k-induction is attempted only in profiles whose Z3 resource limit per check (rlimit,
    # deterministic) is at least this: for a proof known to need more work than ci's limit,
    # which would spend ci's time to conclude nothing
    proof_rlimit: ClassVar[int] = 0
    induction_depth: ClassVar[int] = 1
    # The bounded search runs over every valid setting (symbolic, like the proofs) unless
    # False: then with the spec's settings, and its scope says so. False only where Z3
    # was measured not to finish the symbolic search within ci's limit.
    bmc_symbolic_settings: ClassVar[bool] = True
    # A target that crashes, hangs or answers garbage violates this property (its
    # requirement is the answer itself, REQ-COMM-2), rather than leaving it unexercised.
    violated_by_target_failure: ClassVar[bool] = False

    def init(self, ctx: Context) -> tuple[Any, ...]:
        return ()

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        raise NotImplementedError

    def lemmas(self, ctx: Context, pump: State, memory: tuple[Any, ...]) -> Sequence[Any]:
        """Facts about (pump state, memory) that make the property inductive."""
        return ()

    def explain(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> str:
        """One sentence, with the numbers, saying why ``view`` violates the property.

        Called on concrete values only, with the memory *before* the violating step (what
        ``update`` was given). Observers override it; this fallback names the request and
        the answer.
        """
        return (f"{describe_request(ctx, view.request)} was answered: "
                f"{describe_answer(view.after)}")

    def abstractions(self, ctx: Context) -> Sequence[tuple[str, bool, str]]:
        """Proof obligations of the observer's own abstractions at ``ctx``'s resolution:
        ``(name, holds, detail)``; a proof counts only if every one holds."""
        return ()


def describe_request(ctx: Context, request: Request) -> str:
    """A request in a few words, e.g. ``bolus amount_mU=10050 source=user``."""
    if KINDS[request.kind] == "invalid":
        return f"a malformed or unknown event ({REASONS[request.code]})"
    message = request_to_json(request, ctx.params)
    event = message.get("event")
    if not isinstance(event, dict):
        return str(message.get("op"))
    if event.get("kind") in ("fault", "ack_alarm"):
        return f"{event['kind']} {event.get('fault', event.get('code'))}"
    fields = " ".join(f"{k}={v}" for k, v in event.items()
                      if k not in ("kind", "id") and v not in (0, None))
    return f"{event.get('kind')} {fields}".strip()


def shown_alarms(observation: Observation) -> list[str]:
    return [name for name, on in zip(ALARMS, observation.alarms, strict=True) if on]


def describe_answer(observation: Observation) -> str:
    """An observation in a few words: acceptance, time, delivery, reservoir, mode, alarms."""
    result = ("accepted" if observation.accepted
              else f"refused ({REASONS[observation.reason]})")
    alarms = ", ".join(shown_alarms(observation)) or "none"
    return (f"{result}, t={observation.t} min, delivered {observation.delivered_mU} mU, "
            f"reservoir {observation.reservoir_mU} mU, mode {MODES[observation.mode]}, "
            f"alarms {alarms}")
