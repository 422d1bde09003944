"""The property catalogue: every property is linked to the spec's requirements."""

from __future__ import annotations

from typing import Any

import pytest

from pumpproof.properties.catalogue import all_properties
from pumpproof.spec import load_spec

SPEC = load_spec()


@pytest.mark.parametrize("prop", all_properties(), ids=lambda p: p.id)
def test_every_property_names_existing_requirements(prop: Any) -> None:
    assert prop.requirements
    for req_id in prop.requirements:
        assert req_id in SPEC.requirement_ids
