"""Strict YAML: duplicate keys and Python tags refused; errors name the file as shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pumpproof.errors import SpecError
from pumpproof.spec.yaml_io import read_yaml


def _read(tmp_path: Path, text: str | bytes) -> object:
    path = tmp_path / "x.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return read_yaml(path, "spec/x.yaml")


def _problem(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(SpecError) as caught:
        _read(tmp_path, text)
    [line] = str(caught.value).splitlines()
    return line


def test_a_valid_file_reads_as_plain_data(tmp_path: Path) -> None:
    assert _read(tmp_path, "a: 1\nb: [x, 2.5]\nc: {d: true}\n") == {
        "a": 1, "b": ["x", 2.5], "c": {"d": True}}


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    assert _problem(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n") == \
        "spec/x.yaml: c: duplicate key (line 4, first at line 3)"


def test_equal_keys_in_different_mappings_are_fine(tmp_path: Path) -> None:
    assert _read(tmp_path, "- {id: 1}\n- {id: 2}\n") == [{"id": 1}, {"id": 2}]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    problem = _problem(tmp_path, "a: !!python/object/apply:os.system ['true']\n")
    assert problem.startswith("spec/x.yaml: not valid YAML (line 1, column 4)")


def test_syntax_errors_name_line_and_column(tmp_path: Path) -> None:
    assert _problem(tmp_path, "a: [1, 2\nb: 3\n").startswith("spec/x.yaml: not valid YAML (line")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"^spec/nope.yaml: file not found$"):
        read_yaml(tmp_path / "nope.yaml", "spec/nope.yaml")
    assert _problem(tmp_path, b"a: \xff\xfe\n").startswith("spec/x.yaml: cannot read:")
