"""What changed between two releases' bundles, and whether anything got worse.

A release branch gates on this (``pumpproof diff OLD NEW`` exits 1 when anything is worse):
a verdict weaker on the model or a target (:data:`STRENGTH`: losing a proof is a regression,
a violation the worst), a target newly failing, a hazard's residual risk class worse. What
only changed (requirements added, removed or reworded, spec files rehashed, a property or
target gone) is listed too, for the reviewer, without failing the gate. Pure functions over
the stored bundles, so the answer depends on the two files alone and is printed in a
stable order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pumpproof.properties.evidence import STRENGTH
from pumpproof.properties.verdicts import Verdict

from .bundle import BundleDocument

__all__ = ["DIFF_SCHEMA", "RISK_ORDER", "Change", "diff_bundles", "diff_json",
           "diff_markdown"]

DIFF_SCHEMA = "pumpproof.diff/1"
#: Residual-risk classes, best first (ISO 14971 acceptability of the spec's hazard log).
RISK_ORDER = ("acceptable", "alarp", "unacceptable")
MODEL = "reference model"
ABSENT = "—"


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` (verdict, target, risk, requirement, spec file), the item
    and where it was judged, the old and new values, and whether it is worse."""

    kind: str
    item: str
    where: str
    old: str
    new: str
    worse: bool


def _strength(verdict: str | None) -> int | None:
    try:
        return STRENGTH[Verdict(verdict)] if verdict is not None else None
    except ValueError:
        return None


def _weaker(old: str | None, new: str | None) -> bool:
    before, after = _strength(old), _strength(new)
    return before is not None and after is not None and after < before


def _text(value: Any) -> str:
    return ABSENT if value is None else str(value)


def _verdicts(properties: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(p["id"]): str(p["verdict"]) for p in properties}


def _compare_verdicts(where: str, old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    out = []
    for prop in sorted(set(old) | set(new)):
        before, after = old.get(prop), new.get(prop)
        if before != after:
            out.append(Change("verdict", prop, where, _text(before), _text(after),
                              _weaker(before, after)))
    return out


def _risks(hazards: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(h["id"]): str(h["risk_after"]) for h in (hazards or {}).get("hazards", [])}


def _compare_risks(where: str, old: Mapping[str, Any] | None,
                   new: Mapping[str, Any] | None) -> list[Change]:
    before, after = _risks(old), _risks(new)
    out = []
    for hazard in sorted(set(before) | set(after)):
        a, b = before.get(hazard), after.get(hazard)
        if a != b:
            worse = (a in RISK_ORDER and b in RISK_ORDER
                     and RISK_ORDER.index(b) > RISK_ORDER.index(a))
            out.append(Change("risk", hazard, where, _text(a), _text(b), worse))
    return out


def _targets(bundle: BundleDocument) -> dict[str, Mapping[str, Any]]:
    """Targets by their description (how a release names its build)."""
    return {str((t.get("target") or {}).get("description", i)): t
            for i, t in enumerate(bundle.get("targets", []))}


def _controllers(bundle: BundleDocument) -> dict[str, dict[str, str]]:
    """Each checked AID controller's property verdicts, by its name."""
    return {f"controller {(c.get('controller') or {}).get('name', i)}":
            _verdicts(c.get("properties", []))
            for i, c in enumerate(bundle.get("controllers", []))}


def _failure(target: Mapping[str, Any] | None) -> str | None:
    failure = ((target or {}).get("target") or {}).get("failure")
    return str(failure.get("message", "failure")) if failure else None


def _requirements(bundle: BundleDocument) -> dict[str, dict[str, Any]]:
    # the line in requirements.yaml moves with every edit above it: not a change
    return {str(r["id"]): {k: v for k, v in r.items() if k != "line"}
            for r in bundle["spec"]["requirements"]}


def diff_bundles(old: BundleDocument, new: BundleDocument) -> list[Change]:
    """Every difference, in a stable order: the overall verdict, the model's verdicts, each
    target's (its verdict, failure, property verdicts), each AID controller's property
    verdicts, residual risks (design, then each target), requirements, spec file hashes."""
    out: list[Change] = []
    if old.get("verdict") != new.get("verdict"):
        out.append(Change("verdict", "campaign", "overall", _text(old.get("verdict")),
                          _text(new.get("verdict")),
                          _weaker(old.get("verdict"), new.get("verdict"))))
    out += _compare_verdicts(MODEL, _verdicts(old["evidence"]["properties"]),
                             _verdicts(new["evidence"]["properties"]))
    old_targets, new_targets = _targets(old), _targets(new)
    for name in sorted(set(old_targets) | set(new_targets)):
        before, after = old_targets.get(name), new_targets.get(name)
        if before is None or after is None:
            out.append(Change("target", name, name, "checked" if before else ABSENT,
                              "checked" if after else ABSENT, False))
            continue
        if before.get("verdict") != after.get("verdict"):
            out.append(Change("target", "verdict", name, _text(before.get("verdict")),
                              _text(after.get("verdict")),
                              _weaker(before.get("verdict"), after.get("verdict"))))
        failed_before, failed_after = _failure(before), _failure(after)
        if failed_before != failed_after:
            out.append(Change("target", "failure", name, _text(failed_before),
                              _text(failed_after), failed_after is not None
                              and failed_before is None))
        out += _compare_verdicts(name, _verdicts(before.get("properties", [])),
                                 _verdicts(after.get("properties", [])))
    old_controllers, new_controllers = _controllers(old), _controllers(new)
    for name in sorted(set(old_controllers) & set(new_controllers)):
        out += _compare_verdicts(name, old_controllers[name], new_controllers[name])
    out += _compare_risks(MODEL, old.get("hazards"), new.get("hazards"))
    for name in sorted(set(old_targets) & set(new_targets)):
        out += _compare_risks(name, old_targets[name].get("hazards"),
                              new_targets[name].get("hazards"))
    before_reqs, after_reqs = _requirements(old), _requirements(new)
    for req in sorted(set(before_reqs) | set(after_reqs)):
        a, b = before_reqs.get(req), after_reqs.get(req)
        if a is None:
            out.append(Change("requirement", req, "spec", ABSENT, "added", False))
        elif b is None:
            out.append(Change("requirement", req, "spec", "present", "removed", False))
        elif a != b:
            fields = ", ".join(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
            out.append(Change("requirement", req, "spec", "changed", fields, False))
    before_files, after_files = old["spec"].get("files", {}), new["spec"].get("files", {})
    for name in sorted(set(before_files) | set(after_files)):
        a, b = before_files.get(name), after_files.get(name)
        if a != b:
            out.append(Change("spec file", name, "spec", _text(a and a[:12]),
                              _text(b and b[:12]), False))
    return out


def diff_json(old: BundleDocument, new: BundleDocument,
              changes: list[Change]) -> dict[str, Any]:
    """The diff as ``--format json`` prints it (schema ``pumpproof.diff/1``)."""
    def side(bundle: BundleDocument) -> dict[str, Any]:
        return {"spec": bundle["spec"]["name"], "verdict": bundle.get("verdict"),
                "firmware_revision": bundle.get("firmware_revision")}

    return {"schema": DIFF_SCHEMA, "old": side(old), "new": side(new),
            "worse": any(c.worse for c in changes), "changes": [asdict(c) for c in changes]}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def diff_markdown(old: BundleDocument, new: BundleDocument, changes: list[Change]) -> str:
    """A table for a release PR: worse changes marked **worse**."""
    worse = sum(c.worse for c in changes)
    lines = [f"# pumpproof diff: {_cell(_text(old.get('firmware_revision')))} → "
             f"{_cell(_text(new.get('firmware_revision')))}", "",
             f"**{worse} worse**, {len(changes)} change(s)" if changes else "No changes.", ""]
    if changes:
        lines += ["| change | item | where | old | new | worse |", "|---|---|---|---|---|---|"]
        lines += [f"| {c.kind} | {_cell(c.item)} | {_cell(c.where)} | {_cell(c.old)} | "
                  f"{_cell(c.new)} | {'**worse**' if c.worse else ''} |" for c in changes]
    return "\n".join(lines) + "\n"
