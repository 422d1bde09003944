"""Degraded evidence is never a pass, and a lost proof is a regression."""

from __future__ import annotations

from pumpproof.commands.verify_cmd import exit_code
from pumpproof.errors import ExitCode
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.evidence import Evidence, PropertyEvidence
from pumpproof.properties.verdicts import Method, MethodResult, Verdict

PROP = by_id("P-DOSE-MAX-BOLUS")
PROVED = MethodResult(Method.KINDUCTION, Verdict.PROVED, depth=1, triggers=1, detail="proved")
FUZZED = MethodResult(Method.FUZZ, Verdict.PASSED, examples=60, triggers=5, detail="ok")


def evidence(*results: MethodResult, obligations: tuple[MethodResult, ...] = ()) -> Evidence:
    return Evidence("spec", (), 0, "ci", (PropertyEvidence.of(PROP, results),),
                    obligations=obligations)


def test_sound_evidence_passes() -> None:
    good = evidence(PROVED, FUZZED,
                    obligations=(MethodResult(Method.INVARIANTS, Verdict.PROVED),))
    assert good.degraded == [] and exit_code(good) is ExitCode.OK


def test_each_kind_of_degradation_is_inconclusive() -> None:
    cases = {
        "failed obligation": evidence(PROVED, FUZZED, obligations=(MethodResult(
            Method.INVARIANTS, Verdict.UNKNOWN, detail="not inductive: `s0.t >= 0`"),)),
        "internal error": evidence(FUZZED, MethodResult(
            Method.BMC, Verdict.UNKNOWN, detail="INTERNAL ERROR: does not replay")),
        "lemma error": evidence(FUZZED, MethodResult(
            Method.KINDUCTION, Verdict.UNKNOWN, detail="a lemma fails (lemma error)")),
        "fuzz exercised nothing": evidence(PROVED, MethodResult(
            Method.FUZZ, Verdict.PASSED, examples=0, triggers=1)),
        "vacuous": evidence(MethodResult(Method.FUZZ, Verdict.PASSED, examples=60, triggers=0)),
    }
    for name, item in cases.items():
        assert item.degraded, name
        assert exit_code(item) is ExitCode.INCONCLUSIVE, name


def test_a_weaker_verdict_than_the_baseline_is_reported() -> None:
    before = evidence(PROVED, FUZZED)
    after = evidence(FUZZED)
    assert after.weaker_than(before) == ["P-DOSE-MAX-BOLUS: proved → passed"]
    assert before.weaker_than(after) == []
