"""Typed results flow between stages in memory (Evidence → HazardAssessment → Bundle), and
fuzzing tells findings from bugs of pumpproof."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from pumpproof.campaigns.evidence import evidence_json
from pumpproof.commands import hazards_cmd, run_cmd
from pumpproof.engines.fuzz import FuzzProfile, fuzz
from pumpproof.errors import ExitCode, InternalError, UsageError
from pumpproof.hazards.risk import HazardAssessment, assess
from pumpproof.properties.catalogue import all_properties
from pumpproof.properties.dose import MaxBolus
from pumpproof.properties.evidence import Evidence, PropertyEvidence
from pumpproof.properties.observer import Check, Context, StepView
from pumpproof.properties.verdicts import SEVERITY, Method, MethodResult, Verdict, worst
from pumpproof.pump_model import Params, ReferencePump
from pumpproof.reports import RENDERERS
from pumpproof.spec import Spec, load_spec
from pumpproof.targets import InProcessTarget

SPEC = load_spec()


def _evidence(spec: Spec, violated: str | None = None) -> Evidence:
    """Evidence as a campaign produces it: proved everywhere, one fuzz violation if asked."""
    over = spec.settings.max_bolus_mU + spec.settings.pulse_mU
    trace = [{"op": "event", "event": {"kind": "bolus", "amount_mU": over, "extended_mU": 0,
                                       "extended_min": 0, "source": "user", "id": "id-0"}},
             {"op": "tick"}]
    items = []
    for prop in all_properties():
        if prop.id == violated:
            result = MethodResult(Method.FUZZ, Verdict.VIOLATED, examples=1, triggers=1,
                                  counterexample=trace, detail="violated")
        else:
            result = MethodResult(Method.KINDUCTION, Verdict.PROVED, depth=1, triggers=1)
        items.append(PropertyEvidence.of(prop, [result]))
    return Evidence(spec.name, spec.file_hashes, 0, "ci", tuple(items))


def test_one_verdict_order() -> None:
    assert SEVERITY == (Verdict.VIOLATED, Verdict.UNKNOWN, Verdict.PASSED, Verdict.PROVED)
    assert worst([Verdict.PROVED, Verdict.PASSED]) is Verdict.PASSED
    assert worst([Verdict.PASSED, Verdict.UNKNOWN]) is Verdict.UNKNOWN
    assert worst([]) is Verdict.PROVED
    evidence = _evidence(SPEC, "P-DOSE-MAX-BOLUS")
    assert evidence.verdict is Verdict.VIOLATED
    assert evidence_json(evidence)["verdict"] == "violated"


def test_hazards_take_evidence_and_give_a_typed_assessment() -> None:
    requirements = {p.id: p.requirements for p in all_properties()}
    good = assess(SPEC, requirements, _evidence(SPEC))
    bad = assess(SPEC, requirements, _evidence(SPEC, "P-DOSE-MAX-BOLUS"))
    assert isinstance(bad, HazardAssessment) and bad.evidence_used
    # with every property proved, only the hazards whose controls no property verifies
    # (RC-ALARM-OUTPUT, RC-LABELING: priors 1e-2 and 0.1 per demand) stay unacceptable
    assert good.unacceptable == ["H-OCCLUSION", "H-ALARM-NOT-PERCEIVED", "H-SITE-FAILURE"]
    assert "H-OVER-BOLUS" in bad.unacceptable
    verdicts = {c.verdict for c in bad.controls if c.basis == "evidence"}
    assert Verdict.VIOLATED in verdicts and all(isinstance(v, Verdict) for v in verdicts)
    assert json.loads(json.dumps(bad.to_json()))["schema"] == "pumpproof.hazards-analysis/2"


def test_malformed_evidence_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "evidence.json"
    bad.write_text('{"schema": "pumpproof.evidence/1", "properties": [{"verdict": "nope"}]}')
    with pytest.raises(UsageError, match="malformed evidence"):
        hazards_cmd.load_evidence(str(bad))
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="cannot read evidence"):
        hazards_cmd.load_evidence(str(bad))


def test_run_passes_typed_results_and_reads_nothing_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[Any] = []

    def load_once(directory: Any = None) -> Spec:
        loads.append(directory)
        return SPEC

    def fake_verify(spec: Spec, **_: Any) -> Evidence:
        assert spec is SPEC  # the one spec, passed down
        return _evidence(spec, "P-DOSE-MAX-BOLUS")

    real_analyse = hazards_cmd.analyse_hazards
    seen: list[Any] = []

    def analyse(spec: Spec, evidence: Any, out: Path) -> Any:
        seen.append(evidence)
        return real_analyse(spec, evidence, out)

    read_text = Path.read_text

    def guarded_read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        assert self.name != "evidence.json" and self.suffix != ".jsonl", f"re-read {self}"
        assert self.name != "requirements.yaml", "the spec is loaded once, before"
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(run_cmd, "load_spec", load_once)
    monkeypatch.setattr(hazards_cmd, "load_spec", lambda *_: pytest.fail("spec loaded again"))
    monkeypatch.setattr(run_cmd, "verify", fake_verify)
    monkeypatch.setattr(run_cmd, "analyse_hazards", analyse)
    monkeypatch.setattr(Path, "read_text", guarded_read_text)
    out = tmp_path / "out"
    args = argparse.Namespace(spec=None, target=[], profile="ci", seed=0, workers=1, budget=1.0,
                              revision=None, out=str(out))
    assert run_cmd.run(args) is ExitCode.FINDING
    assert loads == [None]
    assert len(seen) == 1 and isinstance(seen[0], Evidence)
    bundle = json.loads((out / "bundle.json").read_bytes())
    name = "counterexamples/P-DOSE-MAX-BOLUS.fuzz.jsonl"
    assert (out / name).is_file() and bundle["timelines"][name]["points"]  # replayed by run
    # reports only render the bundle: no replay on the model, no spec files
    monkeypatch.setattr(ReferencePump, "handle", lambda *_: pytest.fail("a report replayed"))
    for fmt, file in run_cmd.REPORTS.items():
        assert RENDERERS[fmt](bundle) == (out / file).read_bytes().decode()


class _BuggyObserver(MaxBolus):  # a bug in pumpproof's own observer, not in the target
    id = "P-BUGGY"

    def update(self, ctx: Context, memory: tuple[Any, ...], view: StepView) -> Check:
        if view.after.accepted and view.request.amount_mU > 0:
            raise KeyError("a pumpproof bug")
        return super().update(ctx, memory, view)


@pytest.mark.parametrize("scenarios", [False, True])
def test_a_bug_while_fuzzing_is_an_internal_error_not_a_target_failure(scenarios: bool) -> None:
    params = Params(SPEC.settings)
    with pytest.raises(InternalError, match="KeyError"):
        fuzz(SPEC, params, [_BuggyObserver()],
             lambda: InProcessTarget("reference", ReferencePump(SPEC)),
             FuzzProfile(examples=20, steps=20, max_tick_run=60), seed=0, scenarios=scenarios)
