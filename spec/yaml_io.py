"""Strict YAML reading for reviewed spec files.

``yaml.safe_load`` alone is not strict enough for safety data: PyYAML silently keeps
the last of two equal mapping keys, so a reviewer who sees ``max_bolus_mU`` twice
cannot know which value the tool used. This loader is a ``SafeLoader`` (it never
constructs Python objects from tags) that refuses duplicate keys with their line
numbers. It does not check the schema: that is the loader's next phase.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pumpproof.errors import SpecError

__all__ = ["read_yaml"]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise _DuplicateKey(f"{key}: duplicate key (line {line}, first at line {seen[key]})")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    pass


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file strictly; errors name ``display`` (the file as the user knows it).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = p.write_text("a: 1\\na: 2\\n")
    >>> try:
    ...     read_yaml(p, "x.yaml")
    ... except SpecError as e:
    ...     print(e)
    x.yaml: a: duplicate key (line 2, first at line 1)
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([f"{display}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([f"{display}: cannot read: {exc}"]) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise SpecError([f"{display}: {exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError([f"{display}: not valid YAML{where}: {problem}"]) from None
