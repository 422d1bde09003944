"""references.yaml: every source in the spec resolves to a full citation, or the loader refuses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pumpproof.errors import SpecError
from pumpproof.spec import default_spec_dir, load_spec
from pumpproof.spec.references import parse_source

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(default_spec_dir(), target,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _cited() -> set[str]:
    spec = load_spec()
    log = spec.hazard_log
    assert log is not None
    entries = [s for r in spec.requirements for s in r.sources]
    entries += [s for e in spec.setting_entries.values() for s in e.sources]
    entries += [s for c in log.risk_controls for s in c.sources]
    entries += [s for h in log.hazards for s in h.sources]
    entries += [s for t in log.fault_trees for e in t.basic_events.values() for s in e.sources]
    ids = set()
    for entry in entries:
        ref = parse_source(entry)
        assert ref is not None, entry
        ids.add(ref.id)
    return ids


def test_every_source_resolves_and_every_reference_is_cited() -> None:
    spec = load_spec()
    assert _cited() == set(spec.references)
    for rid, ref in spec.references.items():
        assert ref.citation and ref.supports and (ref.url or ref.identifier), rid


def test_every_basic_event_with_a_probability_has_sources() -> None:
    log = load_spec().hazard_log
    assert log is not None
    for tree in log.fault_trees:
        for eid, event in tree.basic_events.items():
            assert bool(event.sources) == (event.control is None), (tree.id, eid)


def test_protocol_references_resolve_to_anchors_of_docs_protocol_md() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.M):
        anchors.add(re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-"))
    protocol = {rid: ref for rid, ref in load_spec().references.items()
                if (ref.identifier or "").startswith("docs/protocol.md")}
    assert protocol
    for rid, ref in protocol.items():
        assert ref.identifier is not None
        _, _, anchor = ref.identifier.partition("#")
        assert not anchor or anchor in anchors, (rid, anchor)


@pytest.mark.parametrize(("file_name", "old", "new", "expected"), [
    ("requirements.yaml", '"SOMMERVILLE-INSULIN-PUMP: SR1"', '"NO-SUCH-REF: SR1"',
     "requirements.yaml: requirements[0] (REQ-DOSE-1).sources[0]: no reference 'NO-SUCH-REF' "
     "in references.yaml"),
    ("requirements.yaml", '"SOMMERVILLE-INSULIN-PUMP: SR1"', '"Sommerville SR1 (notes)"',
     "(REQ-DOSE-1).sources[0]: 'Sommerville SR1 (notes)' is not 'REFERENCE-ID'"),
    ("fault_trees/dka.yaml", '"TANDEM-TCONNECT-RECALL-2024: an abnormal drain makes it more '
     'frequent"', '"GONE-1"',
     "fault_trees/dka.yaml: basic_events.BE-BATT-DEPLETES.sources[1]: no reference 'GONE-1'"),
    ("hazards.yaml", '"MEDTRONIC-508-CYBERSECURITY-2019"]}', '"GONE-2"]}',
     "hazards.yaml: risk_controls[6] (RC-REPLAY).sources[0]: no reference 'GONE-2'"),
    ("pump.yaml", '"TANDEM-TSLIM-X2-ALERTS: 0.05 U increments"', '"GONE-3"',
     "pump.yaml: settings.pulse_mU.sources[0]: no reference 'GONE-3'"),
])
def test_a_dangling_source_is_refused_naming_file_item_and_id(
        tmp_path: Path, file_name: str, old: str, new: str, expected: str) -> None:
    spec_dir = _copy(tmp_path)
    path = spec_dir / file_name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError) as error:
        load_spec(spec_dir)
    assert any(expected in problem for problem in error.value.problems), error.value.problems


def test_a_spec_without_references_yaml_is_refused(tmp_path: Path) -> None:
    spec_dir = _copy(tmp_path)
    (spec_dir / "references.yaml").unlink()
    with pytest.raises(SpecError) as error:
        load_spec(spec_dir)
    assert any("references.yaml: file not found" in p for p in error.value.problems)


def test_a_reference_needs_a_url_or_an_identifier(tmp_path: Path) -> None:
    spec_dir = _copy(tmp_path)
    path = spec_dir / "references.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('    identifier: "ISO 14971:2019"\n', "", 1), encoding="utf-8")
    with pytest.raises(SpecError) as error:
        load_spec(spec_dir)
    assert any("ISO-14971-2019" in p and "needs a url or an identifier" in p
               for p in error.value.problems), error.value.problems


def test_the_spec_cites_no_private_notes() -> None:
    for path in sorted(default_spec_dir().rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "domain notes" not in text and "/work/" not in text, path
