"""A tiny logic layer with two backends: Python ints/bools and Z3 terms.

The reference pump's ``step`` is written once on these functions and never branches
on state with a Python ``if``. Given Python values they compute Python values (fast,
exact, concrete runs); given Z3 terms they build Z3 terms (symbolic runs that the
prover checks). Every function is total on its backend.

Arithmetic is linear integer arithmetic: the only division is by a positive
*constant* (:func:`div_const`), which Z3 decides exactly, so proofs stay in LIA.
Not checked here: overflow (Python ints and Z3 Ints are unbounded; the model keeps
its values in ranges that the properties bound).

>>> ite(True, 1, 2), min_(3, 4), clamp(12, 0, 10)
(1, 3, 10)
>>> import z3
>>> x = z3.Int("x")
>>> z3.simplify(z3.substitute(min_(x, 4), (x, z3.IntVal(3))))
3
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias, TypeVar

import z3

__all__ = [
    "Bool",
    "Int",
    "and_",
    "clamp",
    "div_const",
    "div_var",
    "dot_const",
    "eq",
    "is_concrete",
    "ite",
    "lookup_step",
    "max_",
    "min_",
    "mod_const",
    "mod_var",
    "not_",
    "or_",
    "set_add",
    "set_contains",
    "sum_",
]

Int: TypeAlias = Any  # int | z3.ArithRef
Bool: TypeAlias = Any  # bool | z3.BoolRef
T = TypeVar("T")


def is_concrete(value: Any) -> bool:
    """True for Python ints/bools (the concrete backend)."""
    kind = type(value)
    return kind is bool or kind is int or not isinstance(value, z3.ExprRef)


def ite(cond: Bool, then: T, other: T) -> T:
    """``then if cond else other`` on either backend."""
    if type(cond) is bool or is_concrete(cond):
        return then if cond else other
    if is_concrete(then) and is_concrete(other) and then == other:
        return then
    result: T = z3.If(cond, then, other)
    return result


def not_(value: Bool) -> Bool:
    if type(value) is bool:
        return not value
    return (not value) if is_concrete(value) else z3.Not(value)


def and_(*values: Bool) -> Bool:
    """Conjunction; short-circuits on concrete ``False``."""
    symbolic = []
    for value in values:
        kind = type(value)
        if kind is bool or kind is int or not isinstance(value, z3.ExprRef):
            if not value:
                return False
        else:
            symbolic.append(value)
    if not symbolic:
        return True
    return symbolic[0] if len(symbolic) == 1 else z3.And(*symbolic)


def or_(*values: Bool) -> Bool:
    """Disjunction; short-circuits on concrete ``True``."""
    symbolic = []
    for value in values:
        kind = type(value)
        if kind is bool or kind is int or not isinstance(value, z3.ExprRef):
            if value:
                return True
        else:
            symbolic.append(value)
    if not symbolic:
        return False
    return symbolic[0] if len(symbolic) == 1 else z3.Or(*symbolic)


def eq(a: Any, b: Any) -> Bool:
    """Equality that stays a Python bool on concrete values."""
    return a == b


def min_(a: Int, b: Int) -> Int:
    return ite(a <= b, a, b)


def max_(a: Int, b: Int) -> Int:
    return ite(a >= b, a, b)


def clamp(value: Int, low: Int, high: Int) -> Int:
    """``value`` limited to ``[low, high]`` (``low <= high`` assumed)."""
    return min_(max_(value, low), high)


def div_const(value: Int, divisor: int) -> Int:
    """Floor division by a positive constant (Z3's ``div`` floors for positive divisors)."""
    if divisor <= 0:
        raise ValueError(f"divisor must be a positive constant, got {divisor}")
    if is_concrete(value):
        return value // divisor
    return value / divisor


def mod_const(value: Int, divisor: int) -> Int:
    """Non-negative remainder by a positive constant, as Python's ``%`` and Z3's ``mod``."""
    if divisor <= 0:
        raise ValueError(f"divisor must be a positive constant, got {divisor}")
    if is_concrete(value):
        return value % divisor
    return value % divisor


_INT_ONLY = frozenset({int})


def _all_ints(values: Sequence[Any]) -> bool:
    """True when every value is a Python int (a C-speed check for long rings)."""
    return set(map(type, values)) <= _INT_ONLY


def sum_(values: Iterable[Int]) -> Int:
    """Sum of a bounded sequence of terms."""
    items: Sequence[Int] = values if isinstance(values, list | tuple) else list(values)
    if _all_ints(items):
        return sum(items)
    concrete = [v for v in items if is_concrete(v)]
    symbolic = [v for v in items if not is_concrete(v)]
    total: Int = sum(concrete)
    if not symbolic:
        return total
    term = z3.Sum(*symbolic) if len(symbolic) > 1 else symbolic[0]
    return term + total if total else term


def div_var(value: Int, divisor: Int) -> Int:
    """Floor division by a positive divisor that may be symbolic.

    Concretely ``//``. Symbolically, a divisor that is an ``If`` over constants is
    distributed (``a / If(c, 30, 60)`` → ``If(c, a / 30, a / 60)``) so that the
    division stays linear; only a truly free divisor becomes nonlinear ``div``.
    """
    if is_concrete(divisor):
        return div_const(value, divisor) if divisor > 0 else 0
    if z3.is_app_of(divisor, z3.Z3_OP_ITE):
        cond, a, b = divisor.children()
        return ite(cond, div_var(value, _num(a)), div_var(value, _num(b)))
    return value / divisor


def mod_var(value: Int, divisor: Int) -> Int:
    """Non-negative remainder by a positive divisor that may be symbolic (see div_var)."""
    if is_concrete(divisor):
        return mod_const(value, divisor) if divisor > 0 else 0
    if z3.is_app_of(divisor, z3.Z3_OP_ITE):
        cond, a, b = divisor.children()
        return ite(cond, mod_var(value, _num(a)), mod_var(value, _num(b)))
    return value % divisor


def _num(term: Any) -> Any:
    """A Z3 numeral as a Python int (so constant folding applies); other terms unchanged."""
    if z3.is_int_value(term):
        return term.as_long()
    return term


def dot_const(values: Sequence[Int], weights: Sequence[int]) -> Int:
    """``Σ values[i]·weights[i]`` with constant weights (stays linear)."""
    if _all_ints(values):
        return sum(map(operator.mul, values, weights))
    return sum_([v * w for v, w in zip(values, weights, strict=True) if w != 0])


def lookup_step(keys: Sequence[Int], values: Sequence[Int], x: Int) -> Int:
    """``values[i]`` for the last ``i`` with ``keys[i] <= x`` (keys strictly increasing,
    ``keys[0] <= x``): a step function such as a basal schedule.

    >>> lookup_step((0, 360, 1440), (800, 1000, 0), 400)
    1000
    """
    if is_concrete(x) and all(type(k) is int for k in keys):
        return values[bisect_right(keys, x) - 1]
    result = values[0]
    for key, value in zip(keys[1:], values[1:], strict=True):
        result = ite(key <= x, value, result)
    return result


def set_contains(members: Any, key: Any) -> Bool:
    """Membership in a frozenset (concrete) or a Z3 array Int → Bool (symbolic)."""
    if isinstance(members, frozenset):
        return key in members
    return z3.Select(members, key)


def set_add(members: Any, key: Any) -> Any:
    """``members ∪ {key}`` on either backend."""
    if isinstance(members, frozenset):
        return members | {key}
    return z3.Store(members, key, True)
