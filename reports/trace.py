"""The traceability matrix grouped by hazard, for the HTML report.

One group per hazard, so that an auditor reads a hazard's name once and its causes →
controls → requirements → properties → evidence under it, instead of the name repeated
on every row of :func:`~.views.trace_rows` (which this module only regroups: one source
of the links). A group with a problem (a violated or inconclusive property, or an
unacceptable residual risk, on the model or on any target) is marked ``open`` so the report
shows it unfolded. A property a target never exercised is counted but does not open its
group alone: the model's own contracts are never exercised on any build, and a target
failure is a finding of its own. A requirement without a property is verified otherwise
(review, inspection): it is listed, and ranks after every verdict.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .bundle import BundleDocument
from .views import VERDICTS, trace_rows

__all__ = ["EVIDENCE_ORDER", "PROBLEMS", "trace_by_hazard"]

#: Every evidence a trace cell can show, worst first; "no property" is no verdict at all.
EVIDENCE_ORDER = (*VERDICTS[:2], "not exercised", *VERDICTS[2:], "no property")
#: The evidence that opens a hazard's group (as does an unacceptable residual risk).
PROBLEMS = frozenset({"violated", "unknown"})


def _rank(evidence: str) -> int:
    return EVIDENCE_ORDER.index(evidence) if evidence in EVIDENCE_ORDER else 0


def _spans(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with ``control_span``/``requirement_span``: the number of rows its control
    (requirement) cell spans on the first row of the run, 0 on the rows it covers."""
    out = [dict(row) for row in rows]
    for key, span in (("control", "control_span"), ("requirement", "requirement_span")):
        start = 0
        for index in range(len(out) + 1):
            same = (index < len(out) and out[index]["control"] == out[start]["control"]
                    and out[index][key] == out[start][key])
            if not same:
                for covered in range(start, index):
                    out[covered][span] = index - start if covered == start else 0
                start = index
    return out


def _target_risks(bundle: BundleDocument) -> list[dict[str, dict[str, Any]]]:
    return [{h["id"]: h for h in (t.get("hazards") or {}).get("hazards", [])}
            for t in bundle.get("targets", [])]


def trace_by_hazard(bundle: BundleDocument) -> list[dict[str, Any]]:
    """One group per hazard of the model's assessment, in hazard-log order: its summary
    (severity, residual risk on the model and on each target, worst evidence and counts)
    and its trace rows with the spans that avoid repeating a control or requirement."""
    hazards = (bundle.get("hazards") or {}).get("hazards", [])
    rows = trace_rows(bundle)
    on_targets = _target_risks(bundle)
    descriptions = [str((t.get("target") or {}).get("description", ""))
                    for t in bundle.get("targets", [])]
    groups = []
    for hazard in hazards:
        mine = [row for row in rows if row["hazard"] == hazard["id"]]
        evidence = [row["verdict"] for row in mine]
        evidence += [v for row in mine for v in row.get("targets", [])]
        counts = Counter(evidence)
        worst = min(counts, key=_rank) if counts else "no property"
        target_risk = [{"number": number, "description": description,
                        "risk_after": risks[hazard["id"]]["risk_after"],
                        "acceptable": risks[hazard["id"]]["acceptable"]}
                       for number, (description, risks)
                       in enumerate(zip(descriptions, on_targets, strict=True), start=1)
                       if hazard["id"] in risks]
        unacceptable = not hazard["acceptable"] or any(not t["acceptable"] for t in target_risk)
        groups.append({
            "hazard": hazard,
            "target_risk": target_risk,
            "worst": worst,
            "counts": {v: counts[v] for v in EVIDENCE_ORDER if counts[v]},
            "open": unacceptable or bool(PROBLEMS & set(counts)) or not mine,
            "rows": _spans(mine),
        })
    return groups
