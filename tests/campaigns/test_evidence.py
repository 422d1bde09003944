"""`evidence.json`, JUnit XML and timings: pure functions of the results."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from pumpproof.campaigns.evidence import (
    EVIDENCE_SCHEMA,
    TARGET_FAILURE_TRACE,
    counterexample_name,
    counterexample_property,
    evidence_json,
    model_sha256,
    timings_json,
)
from pumpproof.campaigns.junit import evidence_suite, junit_text
from pumpproof.files import dumps
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.evidence import Evidence, PropertyEvidence
from pumpproof.properties.verdicts import Method, MethodResult, Verdict
from pumpproof.spec import load_spec

SPEC = load_spec()
TRACE = [{"op": "configure"}, {"op": "event", "event": {"kind": "bolus", "amount_mU": 10050}}]


def _items() -> list[PropertyEvidence]:
    return [
        PropertyEvidence.of(by_id("P-DOSE-MAX-BOLUS"), (
            MethodResult(Method.KINDUCTION, Verdict.VIOLATED, depth=1, counterexample=TRACE,
                         detail="one pulse over", seconds=1.23456),
            MethodResult(Method.FUZZ, Verdict.PASSED, examples=100, triggers=7, seconds=2.0),
        )),
        PropertyEvidence.of(by_id("P-DOSE-DAILY-TOTAL"), (
            MethodResult(Method.KINDUCTION, Verdict.UNKNOWN, depth=1, detail="k exhausted"),
        )),
        PropertyEvidence.of(by_id("P-SEC-REPLAY"), (
            MethodResult(Method.KINDUCTION, Verdict.PROVED, depth=1, triggers=0),
        )),
    ]


def _evidence(items: list[PropertyEvidence] | None = None, seed: int = 7) -> Evidence:
    return Evidence(SPEC.name, tuple(SPEC.file_hashes), seed, "ci",
                    tuple(_items() if items is None else items))


def test_evidence_counts_verdicts_and_names_counterexample_files() -> None:
    data = evidence_json(_evidence())
    assert data["schema"] == EVIDENCE_SCHEMA
    assert data["summary"] == {"proved": 1, "passed": 0, "violated": 1, "unknown": 1}
    assert data["verdict"] == "violated"
    assert (data["seed"], data["profile"]) == (7, "ci")
    first = data["properties"][0]
    assert first["id"] == "P-DOSE-MAX-BOLUS" and first["verdict"] == "violated"
    assert first["triggers"] == 7 and first["vacuous"] is False
    assert first["results"][0]["counterexample"] == \
        "counterexamples/P-DOSE-MAX-BOLUS.kinduction.jsonl"
    assert "counterexample" not in first["results"][1]
    assert data["properties"][2]["vacuous"] is True  # its trigger never happened
    assert "target" not in data


def test_the_overall_verdict_is_the_worst() -> None:
    proved_only = [item for item in _items() if item.prop.id == "P-SEC-REPLAY"]
    assert evidence_json(_evidence(proved_only))["verdict"] == "proved"
    unknown = _items()[1:]
    assert evidence_json(_evidence(unknown))["verdict"] == "unknown"


def test_evidence_is_deterministic_and_has_no_wall_clock() -> None:
    first = dumps(evidence_json(_evidence(seed=1)))
    assert first == dumps(evidence_json(replace(_evidence(seed=1))))
    assert first.endswith("}\n") and "1.23456" not in first and "seconds" not in first
    assert json.loads(first)["model"]["sha256"] == model_sha256()
    assert len(model_sha256()) == 64


def test_junit_has_one_case_per_method_with_failures_and_skips() -> None:
    root = ET.fromstring(junit_text([evidence_suite(_evidence())]))
    assert root.tag == "testsuite" and root.get("name") == "pumpproof.verify"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", "1")
    cases = root.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("P-DOSE-MAX-BOLUS", "kinduction"), ("P-DOSE-MAX-BOLUS", "fuzz"),
        ("P-DOSE-DAILY-TOTAL", "kinduction"), ("P-SEC-REPLAY", "kinduction")]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "P-DOSE-MAX-BOLUS: one pulse over"
    assert failure.text is not None and '"amount_mU": 10050' in failure.text
    assert "REQ-DOSE-1" in failure.text
    skipped = cases[2].find("skipped")
    assert skipped is not None and skipped.get("message") == "k exhausted"
    assert cases[3].findtext("system-out", "").startswith("proved")


def test_timings_keep_the_wall_clock_rounded() -> None:
    timings = timings_json(_evidence(), 12.34567)
    assert timings["total_seconds"] == 12.346
    assert timings["properties"]["P-DOSE-MAX-BOLUS"] == {"kinduction": 1.235, "fuzz": 2.0}


def test_timings_keep_the_rlimit_peaks_and_the_evidence_does_not() -> None:
    """How close a proof came to its budget goes to timings.json only: the same results
    with other peaks give the same evidence.json."""
    peaked = replace(_items()[2], results=(MethodResult(
        Method.KINDUCTION, Verdict.PROVED, depth=1, triggers=1, rlimit_peak=4_870_485),))
    invariants = MethodResult(Method.INVARIANTS, Verdict.PROVED, rlimit_peak=6_469_341)
    evidence = replace(_evidence([peaked]), obligations=(invariants,))
    assert timings_json(evidence, 1.0)["rlimit_peak"] == {
        "P-SEC-REPLAY": {"kinduction": 4_870_485}, "obligations": {"invariants": 6_469_341}}
    other = replace(peaked, results=(replace(peaked.results[0], rlimit_peak=1),))
    assert evidence_json(evidence) == evidence_json(replace(evidence, properties=(other,)))


def test_a_counterexample_name_gives_back_its_property() -> None:
    name = counterexample_name("P-DOSE-MAX-BOLUS", Method.FUZZ)
    assert counterexample_property(name, Method.FUZZ) == "P-DOSE-MAX-BOLUS"
    assert counterexample_property(name, Method.BMC) is None
    assert counterexample_property(TARGET_FAILURE_TRACE, Method.FUZZ) is None
