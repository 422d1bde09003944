"""The Property API for your own properties: everything a property module needs, in one place.

A property is an observer (see :mod:`pumpproof.properties.observer`): ``init`` gives its
memory, ``update`` judges one step from the request and the observations before and after
it, with the logic helpers below so that the same code runs on Python values (a monitor in
``check``, ``simulate --check`` and the pytest plugin) and on Z3 terms (``verify``'s proofs).
Use ``and_``/``or_``/``not_``/``ite`` instead of Python's ``and``/``or``/``not``/``if`` on
anything that comes from the view or the memory.

>>> from pumpproof.properties.api import Property, Check
>>> class Never(Property):
...     id, title, requirements, trigger = "P-X", "x", ("REQ-X-1",), "never"
...     def update(self, ctx, memory, view):
...         return Check(memory, True, False)
>>> Never().id
'P-X'
"""

from __future__ import annotations

from pumpproof.pump_model.logic import and_, eq, ite, max_, min_, not_, or_

from .observer import Check, Context, Property, StepView, describe_request
from .trackers import accepted_kind, is_kind, is_tick

__all__ = ["Check", "Context", "Property", "StepView", "accepted_kind", "and_",
           "describe_request", "eq", "is_kind", "is_tick", "ite", "max_", "min_", "not_",
           "or_"]
