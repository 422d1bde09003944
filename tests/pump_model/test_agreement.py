"""Concrete and symbolic semantics agree: one ``step``, two backends.

For random states and requests, ``step`` on Python ints equals ``step`` on Z3 terms
after substituting the same values and simplifying. The symbolic step is built once
(with every request kind merged), so this also checks the ``ite`` merge of handlers.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from typing import Any

import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pumpproof.pump_model import KINDS, Params, Request, State, step
from pumpproof.pump_model.codes import ALARMS, FAULTS, REASONS
from pumpproof.pump_model.symbolic import symbolic_request, symbolic_state
from pumpproof.spec import load_spec

SLOTS = 4  # fewer schedule slots keep the symbolic terms small; the code is the same


@lru_cache(maxsize=1)
def _params() -> Params:
    return Params(load_spec().settings, schedule_slots=SLOTS)


@lru_cache(maxsize=1)
def _symbolic() -> tuple[State, Request, State, Any]:
    params = _params()
    state = symbolic_state(params, "s")
    request = symbolic_request(params, "r")
    after, obs = step(params, state, request)
    return state, request, after, obs


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _flatten(item)]
    if hasattr(value, "__dataclass_fields__"):
        return [leaf for f in fields(value) for leaf in _flatten(getattr(value, f.name))]
    return [value]


def _to_z3(value: Any) -> Any:
    if isinstance(value, bool):
        return z3.BoolVal(value)
    return z3.IntVal(value)


def _ids_array(ids: frozenset[int]) -> Any:
    array = z3.K(z3.IntSort(), z3.BoolVal(False))
    for key in sorted(ids):
        array = z3.Store(array, key, True)
    return array


small = st.integers(min_value=-3, max_value=40)
minutes = st.integers(min_value=0, max_value=3000)
mU = st.integers(min_value=0, max_value=12000).map(lambda v: v - v % 50)


@st.composite
def states(draw: st.DrawFn) -> State:
    params = _params()
    n = params.daily_bins
    starts = sorted(draw(st.sets(st.integers(1, 1439), max_size=SLOTS - 1)))
    schedule = [(0, draw(st.integers(0, 3000)))] + [(s, draw(st.integers(0, 3000))) for s in starts]
    schedule += [(1440, 0)] * (SLOTS - len(schedule))
    ext_n = draw(st.integers(1, 120))
    t = draw(minutes)
    return State(
        t=t,
        offset_min=draw(st.integers(-1440, 1440)),
        suspended=draw(st.booleans()),
        suspend_since=draw(st.integers(0, t)),
        reservoir_mU=draw(st.integers(0, 300000)),
        bolus_now_mU=draw(mU),
        ext_left_mU=draw(mU),
        ext_min_left=draw(st.integers(0, 120)),
        ext_q_pulses=draw(st.integers(0, 5)),
        ext_r=draw(st.integers(0, ext_n - 1)),
        ext_n=ext_n,
        ext_acc=draw(st.integers(0, ext_n - 1)),
        basal_acc=draw(st.integers(0, 2999)),
        temp_on=draw(st.booleans()),
        temp_rate_mU_per_h=draw(st.integers(0, 3000)),
        temp_end=draw(st.integers(0, t + 200)),
        temp_auto=draw(st.booleans()),
        schedule=tuple(schedule),
        cgm_seen=draw(st.booleans()),
        cgm_mg_dL=draw(st.integers(40, 400)),
        cgm_t=draw(st.integers(max(0, t - 40), t)),
        occluded=draw(st.booleans()),
        occl_pushed_mU=draw(st.integers(0, 1000)),
        battery_low=draw(st.booleans()),
        battery_depleted=draw(st.booleans()),
        motor_fault=draw(st.booleans()),
        last_interaction=draw(st.integers(max(0, t - 800), t)),
        latched=tuple(draw(st.booleans()) for _ in range(5)),
        acked=tuple(draw(st.booleans()) for _ in range(5)),
        daily_ring=tuple(draw(st.integers(0, 4000)) for _ in range(n)),
        iob_ring=tuple(draw(st.integers(0, 500)) for _ in range(len(params.iob_table))),
        seen_ids=frozenset(draw(st.sets(st.integers(0, 5), max_size=3))),
    )


@st.composite
def requests(draw: st.DrawFn) -> Request:
    kind = draw(st.integers(0, len(KINDS) - 1))
    name = KINDS[kind]
    code = 0
    if name == "ack_alarm":
        code = draw(st.integers(0, len(ALARMS) - 1))
    elif name == "fault":
        code = draw(st.integers(0, len(FAULTS) - 1))
    elif name == "invalid":
        code = draw(st.sampled_from([1, 2]))
    starts = sorted(draw(st.sets(st.integers(1, 1439), max_size=SLOTS - 1)))
    schedule = [(0, draw(st.integers(0, 4000)))] + [(s, draw(st.integers(0, 4000))) for s in starts]
    schedule += [(1440, 0)] * (SLOTS - len(schedule))
    return Request(
        kind=kind,
        amount_mU=draw(st.integers(-100, 12000)),
        extended_mU=draw(st.sampled_from([0, 0, 50, 1000, 2450, 75])),
        extended_min=draw(st.integers(-1, 130)),
        rate_mU_per_h=draw(st.integers(-10, 4000)),
        duration_min=draw(st.integers(-1, 500)),
        auto=draw(st.booleans()),
        id_key=draw(st.integers(0, 6)),
        glucose_mg_dL=draw(st.integers(-5, 1100)),
        offset_min=draw(st.integers(-1500, 1500)),
        reservoir_mU=draw(st.integers(-50, 310000)),
        code=code,
        schedule=tuple(schedule),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(), requests())
def test_concrete_and_symbolic_step_agree(state: State, request: Request) -> None:
    params = _params()
    sym_state, sym_request, sym_after, sym_obs = _symbolic()
    after, obs = step(params, state, request)

    pairs = []
    for sym_leaf, leaf in zip(_flatten(sym_state), _flatten(state), strict=True):
        if isinstance(sym_leaf, z3.ArrayRef):
            pairs.append((sym_leaf, _ids_array(leaf)))
        else:
            pairs.append((sym_leaf, _to_z3(leaf)))
    for sym_leaf, leaf in zip(_flatten(sym_request), _flatten(request), strict=True):
        pairs.append((sym_leaf, _to_z3(leaf)))

    def value(term: Any) -> Any:
        result = z3.simplify(z3.substitute(term, *pairs))
        if z3.is_bool(result):
            assert z3.is_true(result) or z3.is_false(result), result
            return z3.is_true(result)
        return result.as_long()

    for f in fields(State):
        sym_field, concrete = getattr(sym_after, f.name), getattr(after, f.name)
        if f.name == "seen_ids":
            for key in range(7):
                assert value(z3.Select(sym_field, key)) == (key in concrete), (f.name, key)
            continue
        for sym_leaf, leaf in zip(_flatten(sym_field), _flatten(concrete), strict=True):
            assert value(sym_leaf) == leaf, (f.name, KINDS[request.kind])
    for sym_leaf, leaf in zip(_flatten(sym_obs), _flatten(obs), strict=True):
        assert value(sym_leaf) == leaf, ("observation", KINDS[request.kind], REASONS[obs.reason])
