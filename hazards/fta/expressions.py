"""Point values of Open-PSA MEF expressions (what a basic event's probability is).

Contract: :meth:`Evaluator.value` turns one expression element into a float, as SCRAM
0.16.2 does for a point-estimate analysis: constants (``float``, ``int``, ``bool``),
``parameter`` references (evaluated once, cycles refused), ``system-mission-time``,
``exponential`` (λ, t), ``GLM`` (γ, λ, μ, t), ``Weibull`` (α, β, t0, t), the 4-argument
``periodic-test`` (instant repair), arithmetic (``add``, ``sub``, ``mul``, ``div``,
``neg``, ``exp``, ``log``, ``sqrt``, ``pow``, ``min``, ``max``, ``pi``), and random deviates
replaced by their mean (``lognormal-deviate``, ``normal-deviate``, ``uniform-deviate``,
``gamma-deviate``, ``beta-deviate``). The formulas follow SCRAM's ``src/expression``.

Not checked: units, and the argument ranges SCRAM validates per expression (e.g. λ > 0);
only the final probability is checked (by the graph phase). Unknown expressions, missing
or non-numeric arguments are refused with :class:`~pumpproof.errors.ModelError`.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from pumpproof.errors import ModelError

__all__ = ["DEFAULT_MISSION_TIME_H", "Evaluator", "glm", "periodic_test_instant_repair"]

DEFAULT_MISSION_TIME_H = 8760.0  # SCRAM's default mission time: one year in hours
_SKIP = ("label", "attributes")
_Fail = Callable[[str, str], ModelError]


def glm(gamma: float, lam: float, mu: float, t: float) -> float:
    """Unavailability with failure on demand γ, failure rate λ, repair rate μ at time t.

    SCRAM's ``Glm::Compute``: (λ − (λ − γ(λ+μ))·e^{−(λ+μ)t}) / (λ+μ).

    >>> round(glm(0.0, 1e-6, 0.1, 8760.0), 12)
    9.9999e-06
    """
    rate = lam + mu
    return (lam - (lam - gamma * rate) * math.exp(-rate * t)) / rate


def periodic_test_instant_repair(lam: float, tau: float, theta: float, t: float) -> float:
    """Periodically tested component, instant repair (SCRAM's 4-argument ``periodic-test``)."""
    if t <= theta:  # not tested yet
        return -math.expm1(-lam * t)
    delta = t - theta
    after_test = delta - int(delta / tau) * tau
    return -math.expm1(-lam * (after_test if after_test else tau))


def _weibull(alpha: float, beta: float, t0: float, t: float) -> float:
    return 0.0 if t <= t0 else -math.expm1(-(((t - t0) / alpha) ** beta))


def _lognormal_mean(args: list[float]) -> float:
    # (mean, error factor, level) gives the mean directly; (mu, sigma) of the log does not.
    return args[0] if len(args) == 3 else math.exp(args[0] + args[1] ** 2 / 2)


def _divide(args: list[float]) -> float:
    result = args[0]
    for value in args[1:]:
        result /= value
    return result


# name -> (minimum and maximum number of arguments, formula over the argument values)
_OPERATORS: dict[str, tuple[int, int, Callable[[list[float]], float]]] = {
    "exponential": (2, 2, lambda a: -math.expm1(-a[0] * a[1])),
    "GLM": (4, 4, lambda a: glm(a[0], a[1], a[2], a[3])),
    "Weibull": (4, 4, lambda a: _weibull(a[0], a[1], a[2], a[3])),
    "periodic-test": (4, 4, lambda a: periodic_test_instant_repair(a[0], a[1], a[2], a[3])),
    "lognormal-deviate": (2, 3, _lognormal_mean),
    "normal-deviate": (2, 2, lambda a: a[0]),
    "uniform-deviate": (2, 2, lambda a: (a[0] + a[1]) / 2),
    "gamma-deviate": (2, 2, lambda a: a[0] * a[1]),
    "beta-deviate": (2, 2, lambda a: a[0] / (a[0] + a[1])),
    "add": (1, 1 << 30, math.fsum),
    "sub": (1, 1 << 30, lambda a: a[0] - math.fsum(a[1:])),
    "mul": (1, 1 << 30, math.prod),
    "div": (2, 1 << 30, _divide),
    "neg": (1, 1, lambda a: -a[0]),
    "exp": (1, 1, lambda a: math.exp(a[0])),
    "log": (1, 1, lambda a: math.log(a[0])),
    "sqrt": (1, 1, lambda a: math.sqrt(a[0])),
    "pow": (2, 2, lambda a: float(a[0] ** a[1])),
    "min": (1, 1 << 30, min),
    "max": (1, 1 << 30, max),
}


class Evaluator:
    """Evaluates expressions against the model's parameters; one instance per file."""

    def __init__(self, parameters: Mapping[str, ET.Element], fail: _Fail,
                 mission_time_h: float = DEFAULT_MISSION_TIME_H) -> None:
        self._parameters = parameters
        self._fail = fail
        self._mission_time_h = mission_time_h
        self._values: dict[str, float] = {}
        self._evaluating: list[str] = []

    def value(self, element: ET.Element, where: str) -> float:
        """The point value of ``element``; ``where`` names the owner for error messages."""
        tag = element.tag
        if tag in ("float", "int"):
            text = element.get("value", "")
            try:
                return float(text)
            except ValueError:
                raise self._fail(where, f"<{tag} value={text!r}> is not a number") from None
        if tag == "bool":
            return self._bool(element, where)
        if tag == "system-mission-time":
            return self._mission_time_h
        if tag == "pi":
            return math.pi
        if tag == "parameter":
            return self._parameter(element.get("name", ""), where)
        if tag not in _OPERATORS:
            raise self._fail(where, f"unsupported expression <{tag}>")
        low, high, formula = _OPERATORS[tag]
        args = [self.value(child, where) for child in element if child.tag not in _SKIP]
        if not low <= len(args) <= high:
            expected = str(low) if low == high else f"at least {low}"
            raise self._fail(where, f"<{tag}> takes {expected} argument(s), has {len(args)}")
        try:
            return float(formula(args))
        except (ArithmeticError, ValueError) as exc:
            raise self._fail(where, f"<{tag}> cannot be evaluated: {exc}") from None

    def _bool(self, element: ET.Element, where: str) -> float:
        text = element.get("value", "")
        if text not in ("true", "false"):
            raise self._fail(where, f"<bool value={text!r}> must be 'true' or 'false'")
        return 1.0 if text == "true" else 0.0

    def _parameter(self, name: str, where: str) -> float:
        if name in self._values:
            return self._values[name]
        if name not in self._parameters:
            raise self._fail(where, f"reference to undefined parameter '{name}'")
        if name in self._evaluating:
            path = " → ".join([*self._evaluating[self._evaluating.index(name):], name])
            raise self._fail(f"parameter '{name}'", f"is in a cycle {path}")
        body = [c for c in self._parameters[name] if c.tag not in _SKIP]
        if len(body) != 1:
            raise self._fail(f"parameter '{name}'",
                             f"needs exactly one expression, has {len(body)}")
        self._evaluating.append(name)
        try:
            value = self.value(body[0], f"parameter '{name}'")
        finally:
            self._evaluating.pop()
        self._values[name] = value
        return value
