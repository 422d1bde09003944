"""The worked examples of docs/protocol.md are real: replayed on the reference pump, every
request gets exactly the answer the document shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pumpproof.pump_model import ReferencePump
from pumpproof.spec import load_spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _transcripts() -> dict[str, list[tuple[str, str]]]:
    """Each example's (request line, answer line) pairs, by the example's heading."""
    text = DOC.read_text("utf-8")
    examples = text.split("## 12. Worked examples", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[tuple[str, str]]] = {}
    for heading, block in re.findall(r"### (Example \d+)[^\n]*\n.*?```\n(.*?)```", examples,
                                     flags=re.S):
        lines = block.splitlines()
        requests, answers = lines[0::2], lines[1::2]
        assert len(requests) == len(answers), f"{heading}: a request without its answer"
        assert all(r.startswith("> ") for r in requests), heading
        assert all(a.startswith("< ") for a in answers), heading
        found[heading] = [(r[2:], a[2:]) for r, a in zip(requests, answers, strict=True)]
    return found


TRANSCRIPTS = _transcripts()


def test_the_document_has_its_examples() -> None:
    assert len(TRANSCRIPTS) >= 3


@pytest.mark.parametrize("heading", sorted(TRANSCRIPTS))
def test_example_replays_exactly(heading: str) -> None:
    pump = ReferencePump(load_spec())
    for request, shown in TRANSCRIPTS[heading]:
        assert json.loads(pump.handle_line(request)) == json.loads(shown), (heading, request)
