"""Deliberately broken variants of the reference model, one or more per property.

A mutant is a realistic firmware bug (an off-by-one on a limit, a missing check, a
wrong unit, a lost reset, an alarm that never latches) applied to the *same* model code:
each is a :class:`~pumpproof.pump_model.Rules` value in which one handler, the settle
rules or the observation is replaced. Nothing patches a module global, so a mutant runs
side by side with the reference pump. ``pumpproof selftest`` runs every mutant against
the property that must catch it: the evidence that each check can fail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3

from pumpproof.pump_model import (
    FAULTS,
    REFERENCE,
    Params,
    Request,
    Rules,
    State,
)
from pumpproof.pump_model.codes import reason_code
from pumpproof.pump_model.logic import and_, div_const, eq, ite, min_, not_, or_, set_add
from pumpproof.pump_model.transition import (
    RUNNING,
    Handler,
    Outcome,
    cgm_fresh,
    mode_of,
    select_state,
)

__all__ = ["MUTANTS", "Mutant"]


@dataclass(frozen=True)
class Mutant:
    name: str
    property_id: str
    description: str
    rules: Rules | None  # the broken model (model mutants)
    contract_targets: tuple[str, ...] = ()  # broken functions (contract mutants)


def _settings(params: Params, **changes: Any) -> Params:
    return dataclasses.replace(params, settings=dataclasses.replace(params.settings, **changes))


def _handlers(name: str, **replacements: Callable[[Handler], Handler]) -> Rules:
    """Reference rules with the named handlers wrapped by the given functions."""
    return REFERENCE.replacing(
        name, handlers={kind: wrap(REFERENCE.handlers[kind]) for kind, wrap in replacements.items()}
    )


def _sees(change: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    """A wrapper under which a handler or helper reads changed settings (a limit off by one)."""

    def wrap(original: Any) -> Any:
        def mutant(params: Params, *args: Any) -> Any:
            return original(_settings(params, **change(params.settings)), *args)

        return mutant

    return wrap


def _handler_sees(name: str, kind: str, change: Callable[[Any], dict[str, Any]]) -> Rules:
    return _handlers(name, **{kind: _sees(change)})


def _settle_sees(name: str, change: Callable[[Any], dict[str, Any]]) -> Rules:
    return REFERENCE.replacing(name, settle=_sees(change)(REFERENCE.settle))


def _observe_sees(name: str, change: Callable[[Any], dict[str, Any]]) -> Rules:
    return REFERENCE.replacing(name, observe=_sees(change)(REFERENCE.observe))


def _no_bolus_in_progress(original: Handler) -> Handler:
    """The bolus handler never sees the running bolus (and overwrites it when it starts)."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        idle = state.replace(bolus_now_mU=0, ext_left_mU=0, ext_min_left=0, ext_acc=0)
        outcome = original(params, idle, request)
        started = eq(outcome.reason, reason_code(None))
        kept = {name: ite(started, getattr(outcome.state, name), getattr(state, name))
                for name in ("bolus_now_mU", "ext_left_mU", "ext_min_left", "ext_acc")}
        return dataclasses.replace(outcome, state=outcome.state.replace(**kept))

    return mutant


def _ids_unchecked(original: Handler) -> Handler:
    """Ids are recorded but never looked up, so a replayed request is accepted."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        empty: Any = (frozenset() if isinstance(state.seen_ids, frozenset)
                      else z3.K(z3.IntSort(), z3.BoolVal(False)))
        outcome = original(params, state.replace(seen_ids=empty), request)
        seen = set_add(state.seen_ids, request.id_key)
        return dataclasses.replace(outcome, state=outcome.state.replace(seen_ids=seen))

    return mutant


def _schedule_checks_first_segments(original: Handler) -> Handler:
    """A new schedule is checked against the max basal rate on its first 4 segments only."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        head = tuple((start, ite(index < 4, rate, 0))
                     for index, (start, rate) in enumerate(request.schedule))
        outcome = original(params, state, dataclasses.replace(request, schedule=head))
        accepted = eq(outcome.reason, reason_code(None))
        schedule = tuple(
            (ite(accepted, new_start, old_start), ite(accepted, new_rate, old_rate))
            for (new_start, new_rate), (old_start, old_rate)
            in zip(request.schedule, state.schedule, strict=True)
        )
        return dataclasses.replace(outcome, state=outcome.state.replace(schedule=schedule))

    return mutant


class _OlderIobParams(Params):
    """Params whose IOB table values each bin at the next bin's age (under-counts)."""

    @property
    def iob_table(self) -> tuple[int, ...]:
        table = super().iob_table
        return (*table[1:], 0)


def _older_iob(original: Any) -> Any:
    def mutant(params: Params, *args: Any) -> Any:
        older = _OlderIobParams(params.settings, params.iob_bin_min, params.daily_bin_min,
                                params.schedule_slots)
        return original(older, *args)

    return mutant


def _immediate_part_not_whole_pulses(original: Handler) -> Handler:
    """The immediate bolus part goes out at the raw bolus rate per minute, not rounded down
    to whole pulses: right only when the rate is a whole number of pulses (as in the spec)."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        outcome = original(params, state, request)
        s = params.settings
        after = outcome.state
        rate = s.bolus_rate_mU_per_min
        rest = rate - div_const(rate, s.pulse_mU) * s.pulse_mU  # what rounding left out
        extra = ite(and_(eq(mode_of(state), RUNNING), after.bolus_now_mU > 0,
                         after.reservoir_mU >= after.bolus_now_mU),
                    min_(after.bolus_now_mU, rest), 0)
        after = after.replace(
            bolus_now_mU=after.bolus_now_mU - extra,
            reservoir_mU=after.reservoir_mU - extra,
            daily_ring=(after.daily_ring[0] + extra, *after.daily_ring[1:]),
            iob_ring=(after.iob_ring[0] + extra, *after.iob_ring[1:]),
        )
        return dataclasses.replace(outcome, state=after,
                                   delivered_mU=outcome.delivered_mU + extra)

    return mutant


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


def _settle_blind_to(flag: str) -> Any:
    """Settle rules that never see ``flag`` set (an alarm that never latches, a temp basal
    whose stale-CGM end is forgotten): they run with it False, and it is kept as it was."""

    def mutant(params: Params, before: State, state: State, detected: Any) -> State:
        after: State = REFERENCE.settle(params, before, state.replace(**{flag: False}), detected)
        return after.replace(**{flag: getattr(state, flag)})

    return mutant


def _ack_alone_clears(original: Any) -> Any:
    def mutant(params: Params, before: State, state: State, detected: Any) -> State:
        after: State = original(params, before, state, detected)
        pairs = zip(after.latched, after.acked, strict=True)
        latched = tuple(and_(latch, not_(ack)) for latch, ack in pairs)
        return after.replace(latched=latched, acked=tuple(False for _ in after.acked))

    return mutant


def _user_resume_needs_cgm(original: Handler) -> Handler:
    """A user resume is refused without a fresh CGM value (the automation check for all)."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        outcome = original(params, state, dataclasses.replace(request, auto=True))
        last = ite(request.auto, outcome.state.last_interaction, state.t)
        return dataclasses.replace(outcome, state=outcome.state.replace(last_interaction=last))

    return mutant


def _zero_rate_auto_temp_needs_cgm(original: Handler) -> Handler:
    """An automated temp basal is refused without a fresh CGM value, even at rate 0."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        outcome = original(params, state, request)
        refuse = and_(request.auto, eq(request.rate_mU_per_h, 0),
                      eq(outcome.reason, reason_code(None)), not_(cgm_fresh(params, state)))
        kept = {name: ite(refuse, getattr(state, name), getattr(outcome.state, name))
                for name in ("temp_on", "temp_rate_mU_per_h", "temp_end", "temp_auto")}
        return dataclasses.replace(outcome, state=outcome.state.replace(**kept),
                                   reason=ite(refuse, reason_code("cgm_stale"), outcome.reason))

    return mutant


def _ack_refused_while_stopped(original: Handler) -> Handler:
    """Acknowledgements are refused while the pump is stopped (the UI locked in the alarm
    screen): a stopping alarm can never be cleared."""

    def mutant(params: Params, state: State, request: Request) -> Outcome:
        outcome = original(params, state, request)
        stopped = or_(*state.latched)
        return dataclasses.replace(
            outcome, state=select_state(stopped, state, outcome.state),
            reason=ite(stopped, reason_code("stopped"), outcome.reason))

    return mutant


def _patches_state(change: Callable[[State, State], dict[str, Any]]) -> Callable[[Handler],
                                                                           Handler]:
    """A wrapper under which a handler's new state has the fields ``change(before, after)``
    gives (a lost reset, an unrecorded acknowledgement): one shape for every such bug."""

    def wrap(original: Handler) -> Handler:
        def mutant(params: Params, state: State, request: Request) -> Outcome:
            outcome = original(params, state, request)
            after = outcome.state.replace(**change(state, outcome.state))
            return dataclasses.replace(outcome, state=after)

        return mutant

    return wrap


def _reads_request(change: Callable[[Request], dict[str, Any]]) -> Callable[[Handler], Handler]:
    """A wrapper under which a handler reads the request with the fields ``change`` gives (a
    fault code or a duration misread)."""

    def wrap(original: Handler) -> Handler:
        def mutant(params: Params, state: State, request: Request) -> Outcome:
            return original(params, state, dataclasses.replace(request, **change(request)))

        return mutant

    return wrap


def _fault_read_as(code: str, read: str) -> Callable[[Handler], Handler]:
    """The fault handler takes fault ``code`` for fault ``read``."""
    given, taken = FAULTS.index(code), FAULTS.index(read)
    return _reads_request(lambda r: {"code": ite(eq(r.code, given), taken, r.code)})


#: The daily ring loses its oldest bin every tick: a window one bin short.
_forgets_oldest_daily_bin = _patches_state(
    lambda before, after: {"daily_ring": (*after.daily_ring[:-1], 0)})
_restart_loses_iob = _patches_state(
    lambda before, after: {"iob_ring": tuple(0 for _ in after.iob_ring)})
_clock_resets_history = _patches_state(lambda before, after: {
    "iob_ring": tuple(0 for _ in before.iob_ring),
    "daily_ring": tuple(0 for _ in before.daily_ring)})
_invalid_suspends = _patches_state(lambda before, after: {"suspended": True})
#: The basal accumulator drops its remainder every minute (no carry between minutes).
_basal_rounded_each_minute = _patches_state(lambda before, after: {"basal_acc": 0})
#: An acknowledgement is answered but not stored: a stopping alarm never clears.
_ack_not_recorded = _patches_state(lambda before, after: {"acked": before.acked})
#: A restart answers one minute later (the reboot's minute), as no event may.
_restart_takes_a_minute = _patches_state(lambda before, after: {"t": after.t + 1})
#: A bolus without an extended duration (a standard bolus) is parsed as malformed.
_standard_bolus_malformed = _reads_request(
    lambda r: {"amount_mU": ite(eq(r.extended_min, 0), -1, r.amount_mU)})
#: The extended part is spread over half its minutes (minutes read as half-hours / 2).
_extended_over_half_the_minutes = _reads_request(lambda r: {
    "extended_min": ite(r.extended_min > 1, div_const(r.extended_min, 2), r.extended_min)})


MUTANTS: tuple[Mutant, ...] = (
    Mutant("max_bolus_off_by_one", "P-DOSE-MAX-BOLUS",
           "accepts a bolus one pulse above max_bolus_mU",
           _handler_sees("max_bolus_off_by_one", "bolus",
                         lambda s: {"max_bolus_mU": s.max_bolus_mU + s.pulse_mU})),
    Mutant("max_basal_off_by_one", "P-DOSE-MAX-BASAL",
           "accepts a temp basal 1 mU/h above the max basal rate",
           _handler_sees("max_basal_off_by_one", "temp_basal",
                         lambda s: {"max_basal_rate_mU_per_h": s.max_basal_rate_mU_per_h + 1})),
    Mutant("schedule_checks_first_segments", "P-DOSE-MAX-BASAL",
           "a new basal schedule is checked against the max basal rate on 4 segments only",
           _handlers("schedule_checks_first_segments",
                     set_basal_schedule=_schedule_checks_first_segments)),
    Mutant("daily_total_doubled", "P-DOSE-DAILY-TOTAL",
           "the daily limit is checked against twice max_daily_total_mU",
           _handlers("daily_total_doubled",
                     bolus=_sees(lambda s: {"max_daily_total_mU": 2 * s.max_daily_total_mU}),
                     tick=_sees(lambda s: {"max_daily_total_mU": 2 * s.max_daily_total_mU}))),
    Mutant("daily_window_one_bin_short", "P-DOSE-DAILY-TOTAL",
           "the daily ring keeps one 60-minute bin too few (forgets the window's oldest hour)",
           _handlers("daily_window_one_bin_short", tick=_forgets_oldest_daily_bin)),
    Mutant("iob_bins_older_age", "P-DOSE-AUTO-BOLUS-IOB",
           "IOB bins valued at the next bin's age (under-counts insulin on board)",
           REFERENCE.replacing("iob_bins_older_age",
                               handlers={kind: _older_iob(REFERENCE.handlers[kind])
                                         for kind in ("tick", "bolus")},
                               observe=_older_iob(REFERENCE.observe))),
    Mutant("iob_cap_wrong_unit", "P-DOSE-AUTO-BOLUS-IOB",
           "max_iob compared in U·1000 (a unit error): no cap for automation",
           _handler_sees("iob_cap_wrong_unit", "bolus",
                         lambda s: {"max_iob_mU": s.max_iob_mU * 1000})),
    Mutant("ragged_amounts_accepted", "P-DOSE-WHOLE-PULSES",
           "the whole-pulse check uses 1 mU",
           _handler_sees("ragged_amounts_accepted", "bolus", lambda s: {"pulse_mU": 1})),
    Mutant("immediate_part_not_whole_pulses", "P-DOSE-WHOLE-PULSES",
           "the immediate bolus part is not rounded to whole pulses (hides when the bolus "
           "rate is a whole number of pulses, as in the spec)",
           _handlers("immediate_part_not_whole_pulses", tick=_immediate_part_not_whole_pulses)),
    Mutant("bolus_in_progress_unchecked", "P-DOSE-NO-STACKING",
           "a bolus is accepted while another is running",
           _handlers("bolus_in_progress_unchecked", bolus=_no_bolus_in_progress)),
    Mutant("stale_cgm_accepted", "P-CGM-AUTO-FRESH",
           "automation treats any CGM value as fresh",
           _handler_sees("stale_cgm_accepted", "bolus", lambda s: {"cgm_stale_min": 10**9})),
    Mutant("auto_bolus_ignores_low", "P-HYPO-AUTO-LOW",
           "automation ignores the low-glucose threshold",
           _handler_sees("auto_bolus_ignores_low", "bolus",
                         lambda s: {"lgs_threshold_mg_dL": 0})),
    Mutant("lgs_missing", "P-HYPO-LGS",
           "basal continues while glucose is low",
           _handler_sees("lgs_missing", "tick", lambda s: {"lgs_threshold_mg_dL": 0})),
    Mutant("iob_wrong_dia", "P-HYPO-IOB-ACCOUNTING",
           "the IOB shown uses an ultra-rapid 55 min peak for a 75 min insulin (under-counts)",
           _observe_sees("iob_wrong_dia", lambda s: {"peak_min": 55})),
    Mutant("replay_unchecked", "P-SEC-REPLAY",
           "seen ids are never checked",
           _handlers("replay_unchecked", bolus=_ids_unchecked, temp_basal=_ids_unchecked)),
    Mutant("occlusion_limit_doubled", "P-DKA-OCCLUSION",
           "the occlusion check compares against twice the limit",
           _handler_sees("occlusion_limit_doubled", "tick", lambda s: {
               "occlusion_max_missed_mU": 2 * s.occlusion_max_missed_mU})),
    Mutant("empty_never_latches", "P-DKA-RESERVOIR",
           "the empty-reservoir alarm never latches",
           _settle_sees("empty_never_latches", lambda s: {"pulse_mU": 0})),
    Mutant("delivers_while_suspended", "P-DKA-NO-DELIVERY-SUSPENDED",
           "the delivery loop ignores the suspension",
           _handlers("delivers_while_suspended", tick=_tick_ignores_suspend)),
    Mutant("resumes_after_alarm", "P-DKA-NO-SELF-RESUME",
           "delivery restarts by itself when the last alarm clears",
           REFERENCE.replacing("resumes_after_alarm",
                               settle=_resume_after_alarm(REFERENCE.settle))),
    Mutant("suspend_timer_doubled", "P-DKA-SUSPEND-TOO-LONG",
           "suspend_too_long uses twice max_suspend_min",
           _observe_sees("suspend_timer_doubled",
                         lambda s: {"max_suspend_min": 2 * s.max_suspend_min})),
    Mutant("auto_off_wrong_unit", "P-DKA-AUTO-OFF",
           "auto-off counted in the wrong unit (twice as long)",
           _settle_sees("auto_off_wrong_unit", lambda s: {"auto_off_min": 2 * s.auto_off_min})),
    Mutant("battery_depleted_ignored", "P-DKA-BATTERY",
           "a depleted battery is treated as low",
           _handlers("battery_depleted_ignored",
                     fault=_fault_read_as("battery_depleted", "battery_low"))),
    Mutant("motor_never_latches", "P-DKA-MOTOR",
           "the motor alarm never latches",
           REFERENCE.replacing("motor_never_latches",
                               settle=_settle_blind_to("motor_fault"))),
    Mutant("alarm_clears_on_ack", "P-ALARM-LATCH",
           "a stopping alarm clears on acknowledgement alone",
           REFERENCE.replacing("alarm_clears_on_ack",
                               settle=_ack_alone_clears(REFERENCE.settle))),
    Mutant("restart_loses_iob", "P-ALARM-RESTART",
           "a restart forgets insulin on board",
           _handlers("restart_loses_iob", restart=_restart_loses_iob)),
    Mutant("clock_resets_history", "P-TIME-CLOCK",
           "a clock change resets daily totals and IOB (history keyed by clock day)",
           _handlers("clock_resets_history", set_clock=_clock_resets_history)),
    Mutant("cgm_stale_off_by_one", "P-ALARM-CONDITIONS",
           "cgm_stale shown one minute late",
           _observe_sees("cgm_stale_off_by_one",
                         lambda s: {"cgm_stale_min": s.cgm_stale_min + 1})),
    Mutant("bad_request_suspends", "P-SEC-BAD-REQUEST",
           "a malformed event suspends the pump",
           _handlers("bad_request_suspends", invalid=_invalid_suspends)),
    Mutant("standard_bolus_bad_request", "P-DKA-BOLUS-ACCEPTED",
           "standard boluses (no extended part) refused as bad requests",
           _handlers("standard_bolus_bad_request", bolus=_standard_bolus_malformed)),
    Mutant("zero_rate_auto_temp_refused", "P-DKA-TEMP-BASAL-ACCEPTED",
           "a zero-rate automated temp basal refused without a fresh CGM value",
           _handlers("zero_rate_auto_temp_refused", temp_basal=_zero_rate_auto_temp_needs_cgm)),
    Mutant("user_resume_needs_cgm", "P-HF-SUSPEND-RESUME",
           "a user resume refused without a fresh CGM value",
           _handlers("user_resume_needs_cgm", resume=_user_resume_needs_cgm)),
    Mutant("basal_rounded_each_minute", "P-DKA-BASAL-DELIVERED",
           "the basal accumulator drops its remainder every minute (under-delivers)",
           _handlers("basal_rounded_each_minute", tick=_basal_rounded_each_minute)),
    Mutant("auto_temp_outlives_cgm", "P-CGM-AUTO-TEMP-ENDS",
           "an automated temp basal goes on after the CGM value goes stale",
           REFERENCE.replacing("auto_temp_outlives_cgm",
                               settle=_settle_blind_to("temp_auto"))),
    Mutant("suspend_too_long_at_once", "P-ALARM-SUSPEND-TOO-LONG-DUE",
           "suspend_too_long raised on every suspension",
           _observe_sees("suspend_too_long_at_once", lambda s: {"max_suspend_min": -1})),
    Mutant("low_battery_depletes", "P-ALARM-STOP-CAUSE",
           "a low battery raises battery_depleted and stops the pump",
           _handlers("low_battery_depletes",
                     fault=_fault_read_as("battery_low", "battery_depleted"))),
    Mutant("auto_temp_iob_withholding_dropped", "P-DOSE-AUTO-TEMP-IOB",
           "the temp-basal IOB withholding dropped (max_iob_mU ignored in the tick)",
           _handler_sees("auto_temp_iob_withholding_dropped", "tick",
                         lambda s: {"max_iob_mU": 10**9})),
    Mutant("ack_not_recorded", "P-HF-ALARM-ACK",
           "an acknowledgement is not stored, so a stopping alarm never clears",
           _handlers("ack_not_recorded", ack_alarm=_ack_not_recorded)),
    Mutant("ack_refused_while_stopped", "P-HF-ALARM-ACK",
           "acknowledgements refused while the pump is stopped (an alarm can never clear)",
           _handlers("ack_refused_while_stopped", ack_alarm=_ack_refused_while_stopped)),
    Mutant("extended_over_half_the_minutes", "P-ALG-EXTENDED-EVEN",
           "the extended part is delivered over half its minutes",
           _handlers("extended_over_half_the_minutes", bolus=_extended_over_half_the_minutes)),
    Mutant("restart_takes_a_minute", "P-COMM-ANSWER-STEP",
           "a restart is answered one minute later, so time moves on an event",
           _handlers("restart_takes_a_minute", restart=_restart_takes_a_minute)),
    Mutant("calculator_uncapped", "P-HYPO-CALCULATOR",
           "the calculator forgets the max-bolus cap", None,
           ("pumpproof.selftest.contract_mutants.suggest_bolus_uncapped",)),
    Mutant("pulses_rounded_up", "P-HYPO-CALCULATOR",
           "amounts rounded up to whole pulses", None,
           ("pumpproof.selftest.contract_mutants.round_up_to_pulses",)),
    Mutant("window_one_bin_short", "P-PARAM-WINDOWS",
           "the daily ring has one bin too few", None,
           ("pumpproof.selftest.contract_mutants.day_bins_one_short",)),
    Mutant("iob_bin_oldest_age", "P-PARAM-WINDOWS",
           "IOB bins valued at their oldest age (under-counts)", None,
           ("pumpproof.selftest.contract_mutants.oldest_age_min",)),
)
