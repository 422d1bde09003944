"""`evidence.json`, JUnit XML and timings: pure functions of the results."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pumpproof.campaigns.evidence import (
    EVIDENCE_SCHEMA,
    dumps,
    evidence_json,
    junit_xml,
    model_sha256,
    timings_json,
)
from pumpproof.campaigns.verify import PropertyEvidence
from pumpproof.properties.catalogue import by_id
from pumpproof.properties.verdicts import MethodResult, Verdict
from pumpproof.spec import load_spec

SPEC = load_spec()
TRACE = [{"op": "configure"}, {"op": "event", "event": {"kind": "bolus", "amount_mU": 10050}}]


def _evidence() -> list[PropertyEvidence]:
    return [
        PropertyEvidence(by_id("P-DOSE-MAX-BOLUS"), (
            MethodResult("kinduction", Verdict.VIOLATED, depth=1, counterexample=TRACE,
                         detail="one pulse over", seconds=1.23456),
            MethodResult("fuzz", Verdict.PASSED, examples=100, triggers=7, seconds=2.0),
        )),
        PropertyEvidence(by_id("P-DOSE-DAILY-TOTAL"), (
            MethodResult("kinduction", Verdict.UNKNOWN, depth=1, detail="k exhausted"),
        )),
        PropertyEvidence(by_id("P-SEC-REPLAY"), (
            MethodResult("kinduction", Verdict.PROVED, depth=1, triggers=0),
        )),
    ]


def test_evidence_counts_verdicts_and_names_counterexample_files() -> None:
    data = evidence_json(SPEC, _evidence(), seed=7, profile="ci")
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
    with_target = evidence_json(SPEC, _evidence(), seed=7, profile="ci", target={"x": 1})
    assert with_target["target"] == {"x": 1}


def test_the_overall_verdict_is_the_worst() -> None:
    proved_only = [item for item in _evidence() if item.prop.id == "P-SEC-REPLAY"]
    assert evidence_json(SPEC, proved_only, seed=0, profile="ci")["verdict"] == "proved"
    unknown = _evidence()[1:]
    assert evidence_json(SPEC, unknown, seed=0, profile="ci")["verdict"] == "unknown"


def test_evidence_is_deterministic_and_has_no_wall_clock() -> None:
    first = dumps(evidence_json(SPEC, _evidence(), seed=1, profile="ci"))
    assert first == dumps(evidence_json(SPEC, _evidence(), seed=1, profile="ci"))
    assert first.endswith("}\n") and "1.23456" not in first and "seconds" not in first
    assert json.loads(first)["model"]["sha256"] == model_sha256()
    assert len(model_sha256()) == 64


def test_junit_has_one_case_per_method_with_failures_and_skips() -> None:
    root = ET.fromstring(junit_xml(_evidence()))
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
