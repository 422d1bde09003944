"""`SubprocessTarget`: answers in order, pipelining, and every misbehaviour as a finding."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pumpproof.errors import TargetFailure
from pumpproof.spec import load_spec
from pumpproof.targets import make_target
from pumpproof.targets.subprocess import SubprocessTarget

SPEC = load_spec()
CONFIGURE = {"op": "configure", "settings": SPEC.settings.to_protocol()}


def _python(code: str, **kwargs: Any) -> SubprocessTarget:
    return SubprocessTarget([sys.executable, "-c", code], **kwargs)


@pytest.fixture
def serve() -> Iterator[SubprocessTarget]:
    """The reference pump over a pipe (``pumpproof serve``, without the CLI's start-up)."""
    code = ("import sys, json\n"
            "from pumpproof.pump_model import ReferencePump\n"
            "pump = ReferencePump()\n"
            "for line in sys.stdin:\n"
            "    print(json.dumps(pump.handle(json.loads(line))), flush=True)\n"
            "    if pump.quit: break\n")
    target = _python(code, timeout_s=30)
    yield target
    target.close()


def test_answers_come_back_in_order_one_by_one_and_pipelined(serve: SubprocessTarget) -> None:
    assert serve.send(CONFIGURE)["ok"] is True
    assert serve.send({"op": "tick"})["t"] == 1
    serve.window = 7  # more requests than the window: several batches
    answers = serve.send_many([{"op": "tick"}] * 30)
    assert [a["t"] for a in answers] == list(range(2, 32))


def test_work_meanwhile_runs_once_between_writing_and_reading(serve: SubprocessTarget) -> None:
    """``meanwhile`` runs once per call, after the requests went out (the target answers
    while it runs) and before the answers are read; the answers are unchanged."""
    calls: list[int] = []

    def meanwhile() -> None:
        time.sleep(0.05)  # the target has its answers ready by now
        calls.append(len(serve._buffer))  # nothing read yet

    assert serve.send(CONFIGURE, meanwhile=meanwhile)["ok"] is True
    assert serve.send({"op": "tick"}, meanwhile=meanwhile)["t"] == 1
    serve.window = 7
    answers = serve.send_many([{"op": "tick"}] * 30, meanwhile=meanwhile)
    assert [a["t"] for a in answers] == list(range(2, 32))
    assert calls == [0, 0, 0]


def test_close_ends_the_process(serve: SubprocessTarget) -> None:
    serve.send(CONFIGURE)
    serve.close()
    assert serve._process.poll() is not None


def test_the_name_is_the_command_line() -> None:
    target = make_target("cmd:cat", SPEC)
    try:
        assert target.name == "cmd:cat"
    finally:
        target.close()


def test_a_command_that_cannot_start_is_a_target_failure() -> None:
    with pytest.raises(TargetFailure, match="cannot start '/nonexistent/pump'"):
        SubprocessTarget("/nonexistent/pump --json")


def test_a_hang_times_out_and_kills_the_process() -> None:
    target = _python("import time\ninput()\ntime.sleep(60)", timeout_s=0.5)
    start = time.monotonic()
    with pytest.raises(TargetFailure, match=r"no answer within 0.5 s \(hang\)"):
        target.send({"op": "tick"})
    assert time.monotonic() - start < 10
    assert target._process.poll() is not None
    target.close()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("print('hello', flush=True)", "answer is not JSON: 'hello'"),
        ("print('[1, 2]', flush=True)", "answer is not a JSON object: '[1, 2]'"),
        ("import sys\nsys.exit(3)", "target exited with status 3 before answering"),
    ],
)
def test_a_bad_answer_is_a_target_failure(code: str, message: str) -> None:
    target = _python(f"input()\n{code}\nimport time\ntime.sleep(0.2)", timeout_s=10)
    try:
        with pytest.raises(TargetFailure, match=re.escape(message)):
            target.send({"op": "tick"})
    finally:
        target.close()


def test_an_exit_before_answering_reports_the_status_and_stderr() -> None:
    target = _python("import sys\nsys.stderr.write('panic: no reservoir\\n')\nsys.exit(3)",
                     timeout_s=10)
    try:
        with pytest.raises(TargetFailure) as caught:
            for _ in range(3):  # the first write may still reach the pipe
                target.send({"op": "tick"})
    finally:
        target.close()
    assert "exited" in str(caught.value)
    assert "panic: no reservoir" in caught.value.stderr  # read when the exit was found
    assert "panic: no reservoir" in target.stderr


def test_stderr_is_bounded() -> None:
    target = _python("import sys\nsys.stderr.write('x' * 5000)\nsys.stderr.flush()\ninput()",
                     stderr_limit=100, timeout_s=10)
    try:
        deadline = time.monotonic() + 5
        while len(target.stderr) < 100 and time.monotonic() < deadline:  # reading drains
            time.sleep(0.02)
    finally:
        target.close()
    assert target.stderr == "x" * 100 + "\n[stderr truncated at 100 bytes]"


def test_a_target_writing_much_to_stderr_never_blocks_an_answer() -> None:
    """Far more than a pipe holds (64 KiB) before each answer: it is drained while the
    answer is awaited, one by one and pipelined, and the first bytes are kept."""
    code = ("import sys\n"
            "for n, line in enumerate(sys.stdin):\n"
            "    sys.stderr.write(f'{n}:' + 'e' * 300_000 + '\\n'); sys.stderr.flush()\n"
            "    print('{\"n\": %d}' % n, flush=True)\n")
    target = _python(code, stderr_limit=1000, timeout_s=20)
    try:
        assert target.send({"op": "tick"}) == {"n": 0}
        assert [a["n"] for a in target.send_many([{"op": "tick"}] * 5)] == [1, 2, 3, 4, 5]
    finally:
        target.close()
    assert target.stderr.startswith("0:eee") and "truncated at 1000 bytes" in target.stderr


# -- the fast codec decides exactly as the stdlib did (issue #15)

_TRICKY = [b'{"t":1,"alarms":[]}', b"", b'{"t":18446744073709551616}',
           b'{"t":-9223372036854775809}',
           b'{"t":1e400}', b'{"t":NaN}', b'{"t":1,"t":2}', b'{"t":"\\ud800"}', b'[1]', b'7',
           b'{"t":1.5e3}', b'{"t":"\xff"}', b'not json', b'{"t":12345678901234567890123}']


def _verdicts(target: SubprocessTarget, lines: list[bytes]) -> list[Any]:
    out: list[Any] = []
    for line in lines:
        try:
            out.append(("ok", target._parse(line)))
        except TargetFailure as exc:
            out.append(("failure", str(exc)))
    try:
        out.append(("batch", target._parse_all(b"\n".join(lines))))
    except TargetFailure as exc:
        out.append(("batch failure", str(exc)))
    return out


def _bare_target() -> SubprocessTarget:
    target = SubprocessTarget.__new__(SubprocessTarget)
    target._stderr, target._stderr_limit, target._stderr_fd = bytearray(), 1024, None
    target._process = subprocess.Popen(["true"])  # a target that has already ended
    target._process.wait()
    return target


@given(st.lists(st.one_of(
    st.sampled_from(_TRICKY),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                 lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                 max_leaves=8).map(lambda v: json.dumps({"t": v}).encode()),
), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_fast_answer_parsing_gives_the_stdlib_verdicts(lines: list[bytes]) -> None:
    import pumpproof.targets.subprocess as transport

    fast = _verdicts(_bare_target(), lines)
    saved = transport._fast_loads
    transport._fast_loads = None  # type: ignore[assignment]
    try:
        slow = _verdicts(_bare_target(), lines)
    finally:
        transport._fast_loads = saved
    assert repr(fast) == repr(slow)  # repr: NaN == NaN, 1 vs 1.0 and -0.0 told apart


def test_request_lines_are_the_stdlib_encoding() -> None:
    target = _bare_target()
    target._encoded = {}
    for request in ({"op": "tick"}, {"op": "event", "event": {"kind": "bolus", "amount_mU": 1.0}},
                    {"op": "event", "event": {"kind": "bolus", "amount_mU": 1}},
                    {"op": "event", "event": {"kind": "cgm", "glucose_mg_dL": None}},
                    {"op": "event", "event": {"kind": "x", "note": "é"}}, {1: 2}) * 2:
        assert target._line(request) == (json.dumps(request, separators=(",", ":"))
                                          + "\n").encode()
