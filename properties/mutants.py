"""Deliberately broken variants of the reference model, one or more per property.

A mutant is a realistic firmware bug (an off-by-one on a limit, a missing check, a
wrong unit, a lost reset, an alarm that never latches) applied to the *same* model code
by swapping a handler or a helper of :mod:`pump_model.transition` for the duration of a
``with`` block. ``pumpproof selftest`` runs every mutant against the property that must
catch it: the evidence that each check can fail.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pumpproof.pump_model import FAULTS, Params, Request, State
from pumpproof.pump_model.logic import and_, eq, ite, not_, or_

__all__ = ["MUTANTS", "Mutant"]

_T = sys.modules["pumpproof.pump_model.transition"]
Patch = Callable[[], Iterator[None]]


@dataclass(frozen=True)
class Mutant:
    name: str
    property_id: str
    description: str
    patch: Callable[[], Any] | None  # a context manager factory (model mutants)
    contract_targets: tuple[str, ...] = ()  # broken functions (contract mutants)


@contextmanager
def _swap(name: str, replacement: Any, in_handlers: bool = False) -> Iterator[None]:
    if in_handlers:
        original = _T._HANDLERS[name]
        _T._HANDLERS[name] = replacement(original)
        try:
            yield
        finally:
            _T._HANDLERS[name] = original
    else:
        original = getattr(_T, name)
        setattr(_T, name, replacement(original))
        try:
            yield
        finally:
            setattr(_T, name, original)


def _settings(params: Params, **changes: Any) -> Params:
    return dataclasses.replace(params, settings=dataclasses.replace(params.settings, **changes))


def _handler_sees(handler: str, change: Callable[[Any], dict[str, Any]]) -> Callable[[], Any]:
    """The handler reads settings changed by ``change(settings)`` (e.g. a limit off by one)."""

    def wrap(original: Any) -> Any:
        def mutant(params: Params, state: State, request: Request) -> Any:
            return original(_settings(params, **change(params.settings)), state, request)

        return mutant

    return lambda: _swap(handler, wrap, in_handlers=True)


def _helper_sees(helper: str, change: Callable[[Any], dict[str, Any]]) -> Callable[[], Any]:
    """A helper of the transition (``_settle``, ``observe``) reads changed settings."""

    def wrap(original: Any) -> Any:
        def mutant(params: Params, *args: Any) -> Any:
            return original(_settings(params, **change(params.settings)), *args)

        return mutant

    return lambda: _swap(helper, wrap)


def _replace_function(name: str, make: Callable[[Any], Any]) -> Callable[[], Any]:
    return lambda: _swap(name, make)


def _tick_ignores_suspend(original: Any) -> Any:
    def mutant(params: Params, state: State, request: Request) -> Any:
        outcome = original(params, state.replace(suspended=False), request)
        return dataclasses.replace(outcome, state=outcome.state.replace(suspended=state.suspended))

    return mutant


def _resume_after_alarm(original: Any) -> Any:
    def mutant(params: Params, before: State, state: State, detected: Any) -> State:
        after: State = original(params, before, state, detected)
        cleared_last = and_(or_(*before.latched), not_(or_(*after.latched)))
        return after.replace(suspended=and_(after.suspended, not_(cleared_last)))

    return mutant


def _motor_never_latches(original: Any) -> Any:
    def mutant(params: Params, before: State, state: State, detected: Any) -> State:
        after: State = original(params, before, state.replace(motor_fault=False), detected)
        return after.replace(motor_fault=state.motor_fault)

    return mutant


def _ack_alone_clears(original: Any) -> Any:
    def mutant(params: Params, before: State, state: State, detected: Any) -> State:
        after: State = original(params, before, state, detected)
        pairs = zip(after.latched, after.acked, strict=True)
        latched = tuple(and_(latch, not_(ack)) for latch, ack in pairs)
        return after.replace(latched=latched, acked=tuple(False for _ in after.acked))

    return mutant


def _battery_depleted_ignored(original: Any) -> Any:
    def mutant(params: Params, state: State, request: Request) -> Any:
        depleted, low = FAULTS.index("battery_depleted"), FAULTS.index("battery_low")
        code = ite(eq(request.code, depleted), low, request.code)
        return original(params, state, dataclasses.replace(request, code=code))

    return mutant


def _restart_loses_iob(original: Any) -> Any:
    def mutant(params: Params, state: State, request: Request) -> Any:
        outcome = original(params, state, request)
        ring = tuple(0 for _ in outcome.state.iob_ring)
        return dataclasses.replace(outcome, state=outcome.state.replace(iob_ring=ring))

    return mutant


def _clock_resets_history(original: Any) -> Any:
    def mutant(params: Params, state: State, request: Request) -> Any:
        outcome = original(params, state, request)
        cleared = outcome.state.replace(
            iob_ring=tuple(0 for _ in state.iob_ring),
            daily_ring=tuple(0 for _ in state.daily_ring),
        )
        return dataclasses.replace(outcome, state=cleared)

    return mutant


def _invalid_suspends(original: Any) -> Any:
    def mutant(params: Params, state: State, request: Request) -> Any:
        outcome = original(params, state, request)
        return dataclasses.replace(outcome, state=outcome.state.replace(suspended=True))

    return mutant


@contextmanager
def _combined(*patches: Any) -> Iterator[None]:
    entered = []
    try:
        for patch in patches:
            patch_cm = patch()
            patch_cm.__enter__()
            entered.append(patch_cm)
        yield
    finally:
        for patch_cm in reversed(entered):
            patch_cm.__exit__(None, None, None)


MUTANTS: tuple[Mutant, ...] = (
    Mutant("max_bolus_off_by_one", "P-DOSE-MAX-BOLUS",
           "accepts a bolus one pulse above max_bolus_mU",
           _handler_sees("bolus", lambda s: {"max_bolus_mU": s.max_bolus_mU + s.pulse_mU})),
    Mutant("max_basal_off_by_one", "P-DOSE-MAX-BASAL",
           "accepts a temp basal 1 mU/h above the max basal rate",
           _handler_sees("temp_basal",
                         lambda s: {"max_basal_rate_mU_per_h": s.max_basal_rate_mU_per_h + 1})),
    Mutant("daily_total_doubled", "P-DOSE-DAILY-TOTAL",
           "the daily limit is checked against twice max_daily_total_mU",
           lambda: _combined(
               _handler_sees("bolus", lambda s: {"max_daily_total_mU": 2 * s.max_daily_total_mU}),
               _handler_sees("tick", lambda s: {"max_daily_total_mU": 2 * s.max_daily_total_mU}),
           )),
    Mutant("iob_cap_wrong_unit", "P-DOSE-AUTO-BOLUS-IOB",
           "max_iob compared in U·1000 (a unit error): no cap for automation",
           _handler_sees("bolus", lambda s: {"max_iob_mU": s.max_iob_mU * 1000})),
    Mutant("ragged_amounts_accepted", "P-DOSE-WHOLE-PULSES",
           "the whole-pulse check uses 1 mU",
           _handler_sees("bolus", lambda s: {"pulse_mU": 1})),
    Mutant("bolus_in_progress_unchecked", "P-DOSE-NO-STACKING",
           "a bolus is accepted while another is running",
           _replace_function("bolus_in_progress", lambda original: lambda state: False)),
    Mutant("stale_cgm_accepted", "P-CGM-AUTO-FRESH",
           "automation treats any CGM value as fresh",
           _handler_sees("bolus", lambda s: {"cgm_stale_min": 10**9})),
    Mutant("auto_bolus_ignores_low", "P-HYPO-AUTO-LOW",
           "automation ignores the low-glucose threshold",
           _handler_sees("bolus", lambda s: {"lgs_threshold_mg_dL": 0})),
    Mutant("lgs_missing", "P-HYPO-LGS",
           "basal continues while glucose is low",
           _handler_sees("tick", lambda s: {"lgs_threshold_mg_dL": 0})),
    Mutant("iob_wrong_dia", "P-HYPO-IOB-ACCOUNTING",
           "the IOB shown uses an ultra-rapid 55 min peak for a 75 min insulin (under-counts)",
           _helper_sees("observe", lambda s: {"peak_min": 55})),
    Mutant("replay_unchecked", "P-SEC-REPLAY",
           "seen ids are never checked",
           _replace_function("set_contains", lambda original: lambda members, key: False)),
    Mutant("occlusion_limit_doubled", "P-DKA-OCCLUSION",
           "the occlusion check compares against twice the limit",
           _handler_sees("tick", lambda s: {
               "occlusion_max_missed_mU": 2 * s.occlusion_max_missed_mU})),
    Mutant("empty_never_latches", "P-DKA-RESERVOIR",
           "the empty-reservoir alarm never latches",
           _helper_sees("_settle", lambda s: {"pulse_mU": 0})),
    Mutant("delivers_while_suspended", "P-DKA-NO-DELIVERY-SUSPENDED",
           "the delivery loop ignores the suspension",
           lambda: _swap("tick", _tick_ignores_suspend, in_handlers=True)),
    Mutant("resumes_after_alarm", "P-DKA-NO-SELF-RESUME",
           "delivery restarts by itself when the last alarm clears",
           _replace_function("_settle", _resume_after_alarm)),
    Mutant("suspend_timer_doubled", "P-DKA-SUSPEND-TOO-LONG",
           "suspend_too_long uses twice max_suspend_min",
           _helper_sees("observe", lambda s: {"max_suspend_min": 2 * s.max_suspend_min})),
    Mutant("auto_off_wrong_unit", "P-DKA-AUTO-OFF",
           "auto-off counted in the wrong unit (twice as long)",
           _helper_sees("_settle", lambda s: {"auto_off_min": 2 * s.auto_off_min})),
    Mutant("battery_depleted_ignored", "P-DKA-BATTERY",
           "a depleted battery is treated as low",
           lambda: _swap("fault", _battery_depleted_ignored, in_handlers=True)),
    Mutant("motor_never_latches", "P-DKA-MOTOR",
           "the motor alarm never latches",
           _replace_function("_settle", _motor_never_latches)),
    Mutant("alarm_clears_on_ack", "P-ALARM-LATCH",
           "a stopping alarm clears on acknowledgement alone",
           _replace_function("_settle", _ack_alone_clears)),
    Mutant("restart_loses_iob", "P-ALARM-RESTART",
           "a restart forgets insulin on board",
           lambda: _swap("restart", _restart_loses_iob, in_handlers=True)),
    Mutant("clock_resets_history", "P-TIME-CLOCK",
           "a clock change resets daily totals and IOB (history keyed by clock day)",
           lambda: _swap("set_clock", _clock_resets_history, in_handlers=True)),
    Mutant("cgm_stale_off_by_one", "P-ALARM-CONDITIONS",
           "cgm_stale shown one minute late",
           _helper_sees("observe", lambda s: {"cgm_stale_min": s.cgm_stale_min + 1})),
    Mutant("bad_request_suspends", "P-SEC-BAD-REQUEST",
           "a malformed event suspends the pump",
           lambda: _swap("invalid", _invalid_suspends, in_handlers=True)),
    Mutant("calculator_uncapped", "P-HYPO-CALCULATOR",
           "the calculator forgets the max-bolus cap", None,
           ("pumpproof.properties.contract_mutants.suggest_bolus_uncapped",)),
    Mutant("pulses_rounded_up", "P-HYPO-CALCULATOR",
           "amounts rounded up to whole pulses", None,
           ("pumpproof.properties.contract_mutants.round_up_to_pulses",)),
    Mutant("window_one_bin_short", "P-PARAM-WINDOWS",
           "the daily ring has one bin too few", None,
           ("pumpproof.properties.contract_mutants.day_bins_one_short",)),
    Mutant("iob_bin_oldest_age", "P-PARAM-WINDOWS",
           "IOB bins valued at their oldest age (under-counts)", None,
           ("pumpproof.properties.contract_mutants.oldest_age_min",)),
)
