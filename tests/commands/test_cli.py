"""The CLI end to end, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import load_spec
from tests.fixtures.cli import pumpproof


def test_generic_names_are_not_top_level_modules(tmp_path: Path) -> None:
    """The distribution installs ``pumpproof.*`` only: no top-level ``properties``, ``spec``…

    Checked in a fresh interpreter started outside the repository (whose top-level folders
    would otherwise be importable from the working directory or pytest's ``pythonpath``).
    """
    names = ("properties", "reports", "hazards", "pump_model", "spec", "targets", "engines",
             "campaigns", "selftest")
    script = (
        "import importlib.util, json, sys\n"
        f"names = {names!r}\n"
        "found = {n: importlib.util.find_spec(n) is not None for n in names}\n"
        "found['pumpproof.properties'] = importlib.util.find_spec('pumpproof.properties')"
        " is not None\n"
        "print(json.dumps(found))\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(result.stdout)
    assert found.pop("pumpproof.properties") is True
    assert [name for name, present in found.items() if present] == []


def test_help_lists_commands() -> None:
    result = pumpproof("--help")
    assert result.returncode == 0
    for command in ("run", "verify", "serve", "simulate", "spec"):
        assert command in result.stdout


def test_spec_export_links_both_directions() -> None:
    result = pumpproof("spec", "export", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["settings"]["max_bolus_mU"] == 10000
    by_id = {r["id"]: r for r in data["requirements"]}
    assert "P-DOSE-MAX-BOLUS" in by_id["REQ-DOSE-1"]["properties"]
    assert len(data["requirements"]) >= 40


def test_simulate_replays_a_trace(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text(
        '{"op":"event","event":{"kind":"bolus","amount_mU":10050,"source":"user","id":"b"}}\n'
        '{"op":"tick"}\n'
    )
    result = pumpproof("simulate", str(trace))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["reason"] == "exceeds_max_bolus" and lines[1]["t"] == 1


@pytest.mark.slow
def test_verify_proves_with_scope_and_a_baseline_catches_a_lost_proof(tmp_path: Path) -> None:
    first = pumpproof("verify", "--out", str(tmp_path / "a"), "--seed", "7")
    assert first.returncode == 0, first.stderr[-2000:]
    a = (tmp_path / "a" / "evidence.json").read_bytes()
    evidence = json.loads(a)
    # A baseline that claims more than this run shows (a passed property once proved): a
    # second run of that property alone exits 1, a lost proof. (Byte-identical evidence for
    # the same seed is tested on the whole run, in tests/reports/test_reports.py.)
    passed = next(p for p in evidence["properties"] if p["verdict"] == "passed")
    claimed = {**evidence, "properties": [
        {**p, "verdict": "proved"} if p["id"] == passed["id"] else p
        for p in evidence["properties"]]}
    (tmp_path / "baseline.json").write_text(json.dumps(claimed))
    second = pumpproof("verify", "--out", str(tmp_path / "b"), "--seed", "7",
                       "--property", passed["id"], "--baseline", str(tmp_path / "baseline.json"))
    assert second.returncode == 1, second.stderr[-2000:]
    assert f"WEAKER than the baseline: {passed['id']}: proved → passed" in second.stderr
    again = json.loads((tmp_path / "b" / "evidence.json").read_bytes())
    assert [(p["id"], p["verdict"]) for p in again["properties"]] == [(passed["id"], "passed")]
    assert [o["verdict"] for o in evidence["obligations"]] == ["proved"]
    assert "degraded" not in evidence
    scopes = [r["scope"] for p in evidence["properties"] for r in p["results"]
              if r["method"] == "kinduction" and r["verdict"] == "proved"]
    assert scopes and all(s["schedule_segments"] == 48 for s in scopes)
    assert all(set(s["settings"]["all valid except fixed"]) >= {"pulse_mU"} for s in scopes)
    # the bounded search covers every valid setting too, except where the property says not
    searched = {p["id"]: r["scope"]["settings"] for p in evidence["properties"]
                for r in p["results"] if r["method"] == "bmc"}
    spec_only = {prop.id for prop in all_properties() if not prop.bmc_symbolic_settings}
    assert spec_only == {"P-DOSE-WHOLE-PULSES", "P-DKA-BASAL-DELIVERED"}
    assert {i for i, s in searched.items() if "fixed" in s} == spec_only
    assert all("all valid except fixed" in s for i, s in searched.items() if i not in spec_only)
    assert evidence["schema"] == "pumpproof.evidence/1"
    assert evidence["summary"]["violated"] == 0 and evidence["summary"]["unknown"] == 0
    assert len(evidence["properties"]) >= 20
    assert not [p["id"] for p in evidence["properties"] if p["vacuous"]]
    proved = [p for p in evidence["properties"] if p["verdict"] == "proved"]
    assert len(proved) >= 15
    junit = (tmp_path / "a" / "junit.xml").read_text()
    assert junit.count("<testcase") >= 3 * len(proved)


def test_serve_answers_every_line_in_order() -> None:
    lines = ["{not json", json.dumps({"op": "tick"}),
             json.dumps({"op": "configure", "settings": load_spec().settings.to_protocol()})]
    lines += [json.dumps({"op": "tick"})] * 500 + ['{"op":"event","event":{"kind":"warp"}}']
    lines.append(json.dumps({"op": "quit"}))
    result = pumpproof("serve", stdin="\n".join(lines) + "\n", timeout=120)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert answers[0] == {"ok": False, "reason": "bad_request"}
    assert answers[1] == {"ok": False, "reason": "not_configured"}
    assert answers[2]["ok"] is True and answers[2]["protocol"] == 1
    assert [a["t"] for a in answers[3:503]] == list(range(1, 501))
    assert answers[503]["reason"] == "unknown_kind" and answers[504] == {"ok": True}
