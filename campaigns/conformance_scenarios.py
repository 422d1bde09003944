"""The conformance kit's scenarios: what docs/protocol.md says, written down as answers.

Each scenario is a short session under fixed settings (those of the protocol's worked
examples, with a few changes named per scenario to keep it short) and cites the rule it
checks. The expected fields come from the document, not from the reference model, so that
the reference is held to them too (tests/campaigns/test_conformance.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KIT_SETTINGS", "SCENARIOS", "Scenario", "Step"]

# The settings of docs/protocol.md §12 (also the built-in spec's).
KIT_SETTINGS: dict[str, Any] = {
    "pulse_mU": 50, "bolus_rate_mU_per_min": 1500, "max_bolus_mU": 10000,
    "max_basal_rate_mU_per_h": 3000, "max_daily_total_mU": 80000, "max_iob_mU": 20000,
    "dia_min": 360, "peak_min": 75, "reservoir_capacity_mU": 300000,
    "low_reservoir_mU": 20000, "occlusion_max_missed_mU": 1000, "max_suspend_min": 120,
    "lgs_threshold_mg_dL": 70, "cgm_stale_min": 15, "auto_off_min": 720,
    "basal_schedule": [[0, 800], [360, 1000], [720, 900], [1260, 850]],
}


@dataclass(frozen=True)
class Step:
    """One request and what its answer must show.

    ``fields`` must be equal (``alarms`` without ``x_`` codes, S14); ``prefix`` fields must
    start with the text; ``at_most`` fields must not exceed the number; ``has``/``lacks``
    alarms must be / must not be active.
    """

    request: Any
    fields: Mapping[str, Any] = field(default_factory=dict)
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    prefix: Mapping[str, str] = field(default_factory=dict)
    at_most: Mapping[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> dict[str, Any]:
        """The expectation as one JSON object (for the table and ``--json``)."""
        out: dict[str, Any] = dict(self.fields)
        out.update({f"{k} starts with": v for k, v in self.prefix.items()})
        out.update({f"{k} at most": v for k, v in self.at_most.items()})
        if self.has:
            out["alarms include"] = list(self.has)
        if self.lacks:
            out["alarms exclude"] = list(self.lacks)
        return out


@dataclass(frozen=True)
class Scenario:
    rule: str  # R1..R13, S1..S22 or a section (§9)
    name: str
    title: str
    steps: tuple[Step, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)  # changes to KIT_SETTINGS
    configure: bool = True  # False: the steps do their own lifecycle

    @property
    def anchor(self) -> str:
        if self.rule.startswith("§9"):
            return "9-bad-requests"
        return self.rule.lower()


# -- building blocks

OK: dict[str, Any] = {"accepted": True, "reason": None}


def refused(reason: str) -> dict[str, Any]:
    return {"accepted": False, "reason": reason}


def ev(kind: str, **fields: Any) -> dict[str, Any]:
    return {"op": "event", "event": {"kind": kind, **fields}}


TICK: dict[str, Any] = {"op": "tick"}


def step(request: Any, fields: Mapping[str, Any] | None = None, *, has: tuple[str, ...] = (),
         lacks: tuple[str, ...] = (), prefix: Mapping[str, str] | None = None,
         at_most: Mapping[str, int] | None = None, **more: Any) -> Step:
    return Step(request, {**(fields or {}), **more}, has, lacks, prefix or {}, at_most or {})


def ticks(n: int, **expect_last: Any) -> list[Step]:
    """``n`` ticks; the last one's answer is checked against ``expect_last``."""
    return [*(step(TICK) for _ in range(n - 1)), step(TICK, **expect_last)]


def user_bolus(amount: int, key: str, fields: Mapping[str, Any] | None = None,
               **expect: Any) -> Step:
    return step(ev("bolus", amount_mU=amount, source="user", id=key), fields or OK, **expect)


def bolus_and_wait(amount: int, key: str, minutes: int) -> list[Step]:
    return [user_bolus(amount, key), *ticks(minutes)]


# -- the scenarios

_R1_LIMITS = Scenario("R1", "limits-refuse", "limits refuse, never clip: max bolus, max basal, "
                      "bolus in progress, suspended", (
    user_bolus(10050, "b1", refused("exceeds_max_bolus"), delivered_mU=0, reservoir_mU=300000),
    user_bolus(10000, "b2"),
    user_bolus(50, "b3", refused("bolus_in_progress")),
    step(ev("temp_basal", rate_mU_per_h=3001, duration_min=30, source="user", id="t1"),
         refused("exceeds_max_basal")),
    step(ev("set_basal_schedule", basal_schedule=[[0, 3001]]), refused("exceeds_max_basal")),
    step(TICK, delivered_mU=1500, reservoir_mU=298500),
    step(ev("suspend", source="user"), OK, mode="suspended", basal_rate_mU_per_h=0),
    user_bolus(50, "b4", refused("suspended")),
    step(ev("temp_basal", rate_mU_per_h=0, duration_min=30, source="user", id="t2"),
         refused("suspended")),
    step(TICK, delivered_mU=0, mode="suspended"),
    step(ev("resume", source="user"), OK, mode="running"),
    step(TICK, at_most={"delivered_mU": 50}),  # the suspension ended the bolus
))


def _daily(prefix: str) -> list[Step]:
    """Basal off, then eight 10 U boluses: exactly max_daily_total_mU (80 U) in 56 minutes."""
    steps = [step(ev("temp_basal", rate_mU_per_h=0, duration_min=4320, source="user",
                     id=f"{prefix}-off"), OK, basal_rate_mU_per_h=0)]
    for i in range(8):
        steps += bolus_and_wait(10000, f"{prefix}{i}", 7)
    steps.append(user_bolus(50, f"{prefix}-over", refused("exceeds_max_daily_total"),
                            has=("max_daily_total",), mode="running"))
    return steps


_R1_DAILY = Scenario("R1", "daily-total", "a bolus past max_daily_total_mU is refused and "
                     "max_daily_total is active", tuple(_daily("d")))

_R2 = Scenario("R2", "whole-pulses", "a bolus at bolus_rate per minute in whole pulses; basal "
               "accumulates to a pulse (Example 1)", (
    user_bolus(75, "p0", refused("not_whole_pulses")),
    user_bolus(3000, "p1"),
    step(TICK, t=1, delivered_mU=1500, reservoir_mU=298500),
    step(TICK, t=2, delivered_mU=1500, reservoir_mU=297000),
    step(TICK, t=3, delivered_mU=0, reservoir_mU=297000),
    step(TICK, t=4, delivered_mU=50, reservoir_mU=296950),  # 4 × 800 mU/h ≥ one pulse
))

_R3_CGM = Scenario("R3", "automation-needs-fresh-cgm", "automation is refused without a fresh "
                   "CGM value and its temp basal ends when the value goes stale (Example 3)", (
    step(ev("bolus", amount_mU=500, source="auto", id="a0"), refused("cgm_stale")),
    step(ev("cgm", glucose_mg_dL=180), OK, lacks=("cgm_stale",)),
    step(ev("temp_basal", rate_mU_per_h=2000, duration_min=30, source="auto", id="a1"), OK,
         basal_rate_mU_per_h=2000),
    step(TICK, t=1, basal_rate_mU_per_h=2000),
    step(TICK, t=2, lacks=("cgm_stale",)),
    step(TICK, t=3, basal_rate_mU_per_h=800, has=("cgm_stale",), mode="running"),
    step(ev("temp_basal", rate_mU_per_h=2000, duration_min=30, source="auto", id="a2"),
         refused("cgm_stale")),
    step(ev("bolus", amount_mU=500, source="auto", id="a3"), refused("cgm_stale")),
    step(ev("resume", source="auto"), OK, mode="running"),  # S9
    step(ev("temp_basal", rate_mU_per_h=0, duration_min=30, source="auto", id="a4"), OK,
         basal_rate_mU_per_h=800),  # S16: ends at once without a fresh value
), settings={"cgm_stale_min": 2})

_R3_IOB = Scenario("R3", "automation-iob-cap", "an automated bolus above max_iob_mU is refused; "
                   "a user bolus is not limited by it", (
    step(ev("cgm", glucose_mg_dL=180), OK),
    step(ev("bolus", amount_mU=1050, source="auto", id="i1"), refused("exceeds_max_iob")),
    step(ev("bolus", amount_mU=1000, source="auto", id="i2"), OK),
    step(TICK, delivered_mU=1000),
    user_bolus(2000, "i3"),
    step(TICK, delivered_mU=1500),
), settings={"max_iob_mU": 1000})

_R4 = Scenario("R4", "low-glucose-suspend", "a fresh low CGM value stops basal (rate 0, still "
               "running) until a value above the threshold; a bolus is not affected", (
    step(ev("cgm", glucose_mg_dL=70), OK, has=("low_glucose",), basal_rate_mU_per_h=0,
         mode="running"),
    *[step(TICK, delivered_mU=0, basal_rate_mU_per_h=0) for _ in range(8)],
    step(ev("bolus", amount_mU=500, source="auto", id="l1"), refused("low_glucose")),
    user_bolus(500, "l2"),
    step(TICK, delivered_mU=500, has=("low_glucose",)),
    step(ev("cgm", glucose_mg_dL=71), OK, lacks=("low_glucose",), basal_rate_mU_per_h=800),
))

_R5 = Scenario("R5", "occlusion-stops", "after an occlusion the pump stops before pushing "
               "occlusion_max_missed_mU (Example 2)", (
    user_bolus(4000, "b1"),
    step(TICK, delivered_mU=1500),
    step(ev("fault", fault="occlusion"), OK, mode="running", lacks=("occlusion",)),
    step(TICK, mode="stopped", has=("occlusion",), at_most={"delivered_mU": 950}),
    step(TICK, delivered_mU=0, mode="stopped"),
    step(ev("fault", fault="occlusion_cleared"), OK, mode="stopped", has=("occlusion",)),
    step(ev("ack_alarm", code="occlusion"), OK, mode="suspended", lacks=("occlusion",)),
    step(ev("resume", source="user"), OK, mode="running"),
    step(TICK, at_most={"delivered_mU": 50}),  # the stop cancelled the bolus
))

_R6 = Scenario("R6", "reservoir", "fill only while suspended and up to capacity; an empty "
               "reservoir stops the pump", (
    step(ev("fill", reservoir_mU=100000), refused("not_suspended")),
    step(ev("suspend", source="user"), OK),
    step(ev("fill", reservoir_mU=300050), refused("exceeds_capacity")),
    step(ev("fill", reservoir_mU=150), OK, reservoir_mU=150, has=("reservoir_low",),
         mode="suspended"),
    step(ev("resume", source="user"), OK),
    user_bolus(500, "f1"),
    step(TICK, delivered_mU=150, reservoir_mU=0, mode="stopped", has=("reservoir_empty",)),
    step(TICK, delivered_mU=0, mode="stopped"),
    step(ev("fill", reservoir_mU=300000), OK, reservoir_mU=300000, mode="stopped",
         has=("reservoir_empty",), lacks=("reservoir_low",)),
    step(ev("ack_alarm", code="reservoir_empty"), OK, mode="suspended",
         lacks=("reservoir_empty",)),
))

_R7 = Scenario("R7", "suspension", "nothing is delivered while suspended; suspend_too_long after "
               "max_suspend_min; only resume restarts delivery", (
    step(ev("suspend", source="user"), OK, mode="suspended", basal_rate_mU_per_h=0),
    *ticks(5, delivered_mU=0, lacks=("suspend_too_long",)),
    step(TICK, t=6, delivered_mU=0, has=("suspend_too_long",), mode="suspended"),
    step(ev("ack_alarm", code="suspend_too_long"), OK, lacks=("suspend_too_long",)),
    *ticks(5, t=11, lacks=("suspend_too_long",)),
    step(TICK, t=12, delivered_mU=0, has=("suspend_too_long",), mode="suspended"),
    step(ev("resume", source="user"), OK, mode="running", lacks=("suspend_too_long",)),
), settings={"max_suspend_min": 5})

_R8 = Scenario("R8", "auto-off", "auto_off stops the pump auto_off_min after the last user "
               "interaction (a CGM value is none); acknowledging it clears it", (
    *ticks(5),
    step(ev("cgm", glucose_mg_dL=150), OK),
    *ticks(4, t=9, mode="running", lacks=("auto_off",)),
    step(TICK, t=10, mode="stopped", has=("auto_off",)),
    step(ev("ack_alarm", code="auto_off"), OK, mode="suspended", lacks=("auto_off",)),
    step(ev("resume", source="user"), OK, mode="running"),
), settings={"auto_off_min": 10})

_R9 = Scenario("R9", "battery-and-motor", "a low battery keeps delivering; a depleted battery or "
               "a motor fault stops the pump (S10: a depleted battery is also low)", (
    step(ev("fault", fault="battery_low"), OK, mode="running", has=("battery_low",)),
    user_bolus(1500, "bt1"),
    step(TICK, delivered_mU=1500, mode="running"),
    step(ev("fault", fault="battery_depleted"), OK, mode="stopped",
         has=("battery_depleted", "battery_low")),
    step(ev("fault", fault="battery_replaced"), OK, mode="stopped", has=("battery_depleted",),
         lacks=("battery_low",)),
    step(ev("ack_alarm", code="battery_depleted"), OK, mode="suspended",
         lacks=("battery_depleted",)),
    step(ev("fault", fault="motor"), OK, mode="stopped", has=("motor",)),
    step(ev("fault", fault="motor_cleared"), OK, mode="stopped", has=("motor",)),
    step(ev("ack_alarm", code="motor"), OK, mode="suspended", lacks=("motor",)),
))

_R10 = Scenario("R10", "stopping-alarms-latch", "a stopping alarm clears only when its cause is "
                "gone and it was acknowledged, in either order; raising it cancels the bolus", (
    step(ev("ack_alarm", code="occlusion"), OK, mode="running"),  # S11: not active, no effect
    user_bolus(4000, "m1"),
    step(TICK, delivered_mU=1500),
    step(ev("fault", fault="occlusion"), OK),
    step(TICK, mode="stopped", has=("occlusion",)),
    step(ev("ack_alarm", code="occlusion"), OK, mode="stopped", has=("occlusion",)),  # cause
    step(TICK, delivered_mU=0, mode="stopped", has=("occlusion",)),
    step(ev("fault", fault="occlusion_cleared"), OK, mode="suspended", lacks=("occlusion",)),
    step(TICK, delivered_mU=0, mode="suspended"),
    step(ev("resume", source="user"), OK, mode="running"),
    step(TICK, at_most={"delivered_mU": 50}),  # the stop cancelled the bolus
    step(ev("fault", fault="motor"), OK, mode="stopped", has=("motor",)),
    step(ev("ack_alarm", code="motor"), OK, mode="stopped", has=("motor",)),
    step(ev("fault", fault="motor_cleared"), OK, mode="suspended", lacks=("motor",)),
))

_R11 = Scenario("R11", "restart-keeps-state", "a restart keeps clock, alarms, ids, mode and "
                "reservoir; it cancels the bolus and the temp basal", (
    step(ev("set_basal_schedule", basal_schedule=[[0, 800], [720, 1000]]), OK),
    step(ev("set_clock", offset_min=720), OK, basal_rate_mU_per_h=1000),
    step(ev("fault", fault="battery_low"), OK, has=("battery_low",)),
    user_bolus(4000, "r1"),
    step(TICK, delivered_mU=1500, reservoir_mU=298500),
    step(ev("temp_basal", rate_mU_per_h=2000, duration_min=30, source="user", id="r2"), OK,
         basal_rate_mU_per_h=2000),
    step(ev("restart"), OK, mode="running", basal_rate_mU_per_h=1000, reservoir_mU=298500,
         has=("battery_low",)),
    step(TICK, at_most={"delivered_mU": 50}, reservoir_mU=298500),
    user_bolus(1000, "r1", refused("replayed_id")),
    step(ev("suspend", source="user"), OK, mode="suspended"),
    step(ev("restart"), OK, mode="suspended"),
))

_R12 = Scenario("R12", "clock-changes", "set_clock picks the schedule segment and nothing else: "
                "the daily total counts elapsed minutes across local midnight", (
    step(ev("set_clock", offset_min=360), OK, basal_rate_mU_per_h=1000),
    step(ev("set_clock", offset_min=-1080), OK, basal_rate_mU_per_h=1000),
    step(ev("set_clock", offset_min=1410), OK, basal_rate_mU_per_h=850),  # 23:30
    *_daily("c"),  # 56 minutes: local midnight falls in the middle
))

_R13 = Scenario("R13", "condition-alarms", "condition alarms follow their condition, need no "
                "acknowledgement and do not change the mode", (
    step(ev("cgm", glucose_mg_dL=150), OK, lacks=("cgm_stale",)),
    *ticks(2, t=2, lacks=("cgm_stale",)),
    step(TICK, t=3, has=("cgm_stale",), mode="running"),
    step(ev("cgm", glucose_mg_dL=150), OK, lacks=("cgm_stale",), mode="running"),
    step(ev("suspend", source="user"), OK),
    step(ev("fill", reservoir_mU=20000), OK, has=("reservoir_low",), mode="suspended"),
    step(ev("fill", reservoir_mU=20050), OK, lacks=("reservoir_low",), mode="suspended"),
    step(ev("resume", source="user"), OK, mode="running"),
), settings={"cgm_stale_min": 2})

_INVALID_SETTINGS = {**KIT_SETTINGS, "peak_min": 200}
_NOTHING_CHANGED: dict[str, Any] = {"t": 0, "delivered_mU": 0, "reservoir_mU": 300000,
                                    "mode": "running", "alarms": []}

_BAD_REQUESTS = Scenario("§9", "bad-requests", "bad requests are answered, refused and change "
                         "nothing; the lifecycle answers of §2 (Example 4)", (
    step(TICK, ok=False, reason="not_configured"),
    step("not an object", ok=False, reason="bad_request"),
    step({"op": "reboot"}, ok=False, reason="bad_request"),
    step(ev("cgm", glucose_mg_dL=100), ok=False, reason="not_configured"),
    step({"op": "configure", "settings": _INVALID_SETTINGS}, ok=False,
         prefix={"reason": "invalid_settings"}),
    step({"op": "configure", "settings": KIT_SETTINGS}, ok=True, protocol=1),
    step({"op": "configure", "settings": KIT_SETTINGS}, ok=False, reason="already_configured"),
    step(ev("x_bubble"), refused("unknown_kind"), **_NOTHING_CHANGED),
    step(ev("bolus", amount_mU=500.0, source="user", id="r1"), refused("bad_request")),
    step(ev("bolus", amount_mU="500", source="user", id="r1"), refused("bad_request")),
    step(ev("bolus", amount_mU=500, source="robot", id="r1"), refused("bad_request")),
    step({"op": "event"}, refused("bad_request")),
    step({"op": "event", "event": "bolus"}, refused("bad_request")),
    step(ev("cgm", glucose_mg_dL=0), refused("bad_request")),  # S3
    step(ev("cgm", glucose_mg_dL=1001), refused("bad_request")),
    step(ev("set_clock", offset_min=1441), refused("bad_request")),  # S4
    step(ev("temp_basal", rate_mU_per_h=800, duration_min=0, source="user", id="r2"),
         refused("bad_request")),  # S2
    step(ev("fault", fault="meteor"), refused("bad_request")),
    step(ev("ack_alarm", code="nonsense"), refused("bad_request")),
    step(ev("fill", reservoir_mU=-50), refused("bad_request")),
    step(TICK, t=1, delivered_mU=0, reservoir_mU=300000, mode="running", alarms=[]),
    user_bolus(500, "r1"),  # a bad request does not use its id (S18)
    step(TICK, t=2, delivered_mU=500, reservoir_mU=299500),
    step({"op": "quit"}, ok=True),
), configure=False)

_S18 = Scenario("S18", "one-id-space", "bolus and temp basal ids share one space; a refused "
                "request uses its id", (
    step(ev("temp_basal", rate_mU_per_h=1000, duration_min=30, source="user", id="x1"), OK),
    user_bolus(500, "x1", refused("replayed_id")),
    user_bolus(12000, "x2", refused("exceeds_max_bolus")),
    user_bolus(500, "x2", refused("replayed_id")),
    step(ev("temp_basal", rate_mU_per_h=1000, duration_min=30, source="user", id="x2"),
         refused("replayed_id")),
))

SCENARIOS: tuple[Scenario, ...] = (
    _R1_LIMITS, _R1_DAILY, _R2, _R3_CGM, _R3_IOB, _R4, _R5, _R6, _R7, _R8, _R9, _R10, _R11,
    _R12, _R13, _BAD_REQUESTS, _S18,
)
