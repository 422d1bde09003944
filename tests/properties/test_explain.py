"""`Property.explain`: one sentence with the numbers, for any step, never a crash."""

from __future__ import annotations

import dataclasses

import pytest

from pumpproof.properties.catalogue import by_id, observer_properties
from pumpproof.properties.observer import Context, Property, StepView
from pumpproof.pump_model import TICK, Params, Request, initial_state, observe
from pumpproof.pump_model.codes import ALARMS, FAULTS, KINDS, reason_code
from pumpproof.spec import load_spec

SPEC = load_spec()
CTX = Context.exact(Params(SPEC.settings))
START = observe(CTX.params, initial_state(CTX.params), 0, reason_code(None))
REQUESTS = [
    TICK,
    Request(kind=KINDS.index("bolus"), amount_mU=10050),
    Request(kind=KINDS.index("temp_basal"), rate_mU_per_h=99999, duration_min=30),
    Request(kind=KINDS.index("set_basal_schedule"), schedule=((0, 99999),)),
    Request(kind=KINDS.index("fault"), code=FAULTS.index("occlusion")),
    Request(kind=KINDS.index("ack_alarm"), code=ALARMS.index("motor")),
    Request(kind=KINDS.index("invalid"), code=reason_code("bad_request")),
]


@pytest.mark.parametrize("prop", observer_properties(), ids=lambda p: p.id)
def test_every_observer_explains_any_step_in_one_sentence(prop: Property) -> None:
    after = dataclasses.replace(START, t=1, delivered_mU=1500)
    for request in REQUESTS:
        sentence = prop.explain(CTX, prop.init(CTX), StepView(request, START, after))
        assert isinstance(sentence, str) and sentence and "\n" not in sentence


def test_the_occlusion_sentence_has_the_pushed_insulin_and_the_limit() -> None:
    prop = by_id("P-DKA-OCCLUSION")
    after = dataclasses.replace(START, t=7, delivered_mU=1500)
    sentence = prop.explain(CTX, (True, 0), StepView(TICK, START, after))
    assert sentence.startswith("pushed 1500 mU after the occlusion fault")
    assert sentence.endswith("limit occlusion_max_missed_mU 1000 mU")


def test_the_generic_sentence_names_the_request_and_the_answer() -> None:
    after = dataclasses.replace(START, t=1, delivered_mU=50)
    bolus = Request(kind=KINDS.index("bolus"), amount_mU=500, id_key="b")
    sentence = Property.explain(by_id("P-ALARM-RESTART"), CTX, (), StepView(bolus, START, after))
    assert sentence.startswith("bolus amount_mU=500 source=user was answered: accepted")
    assert "delivered 50 mU" in sentence
