"""Z3 solvers bounded by work, not time, so that a verdict does not depend on the machine's load.

A wall-clock timeout makes the same query "proved" on a quiet machine and "unknown" on a
loaded one (two CI jobs on two shared cores). So every check of a :class:`BoundedSolver` is
bounded by Z3's **resource limit** (``rlimit``): a count of solver work (Z3 increments it at
fixed points of its search, such as a conflict or a propagation), the same on every run of
the same query with the same Z3 whatever the load. Z3 applies it per ``check``, counting from
where the context's counter stands. A **wall-clock backstop** far above normal stays only as a
safety net against a search that does not count its work; when it stops a check, the reason
says so (:data:`BACKSTOP`, re-exported from the verdicts) and the evidence lists the result as
degraded, since that verdict may differ on another run.

Not checked here: that one Z3 version counts like another (the bundle's provenance records
the version), nor that a limit suits a query: the limits are calibrated by
``benchmarks/prove_all.py``, which prints the most any check of each kind consumed.

>>> import z3
>>> solver = BoundedSolver(rlimit=1, backstop_s=600)
>>> x = z3.Int("x")
>>> solver.add(x * x * x + 2 * x == 1_000_003)
>>> solver.check() == z3.unknown
True
>>> solver.why_unknown()
"Z3's resource limit of 1 per check ran out (rlimit, deterministic)"
"""

from __future__ import annotations

import time
from typing import Any

import z3

from pumpproof.properties.verdicts import BACKSTOP

__all__ = ["MAX_RLIMIT", "BoundedSolver", "rlimit_text"]

#: Z3 takes the limit as an unsigned 32-bit number.
MAX_RLIMIT = 2**32 - 1
_RLIMIT_MESSAGE = "max. resource limit exceeded"  # Z3's reason_unknown when rlimit stops it


def rlimit_text(rlimit: int) -> str:
    """A resource limit as the reports print it: ``250,000,000``."""
    return f"{rlimit:,}"


class BoundedSolver(z3.Solver):  # type: ignore[misc]  # z3 has no type hints
    """A :class:`z3.Solver` whose every check is bounded by ``rlimit`` units of Z3 work and,
    far above normal, by ``backstop_s`` seconds of wall clock; it remembers what each check
    consumed so that a result can say which bound stopped it, and ``peak`` (the most one
    check consumed) calibrates the limits."""

    def __init__(self, rlimit: int, backstop_s: int) -> None:
        if not 0 < rlimit <= MAX_RLIMIT:
            raise ValueError(f"rlimit must be between 1 and {MAX_RLIMIT}, got {rlimit}")
        if backstop_s <= 0:
            raise ValueError(f"backstop_s must be > 0, got {backstop_s}")
        super().__init__()
        self.set("rlimit", rlimit)
        self.set("timeout", backstop_s * 1000)
        self.rlimit = rlimit
        self.backstop_s = backstop_s
        self.peak = 0
        self._used = 0
        self._seconds = 0.0

    def check(self, *assumptions: Any) -> z3.CheckSatResult:
        before = self._count()
        started = time.perf_counter()
        answer = super().check(*assumptions)
        self._seconds = time.perf_counter() - started
        self._used = self._count() - before
        self.peak = max(self.peak, self._used)
        return answer

    def why_unknown(self) -> str:
        """Why the last check answered ``unknown``, naming the bound that stopped it."""
        reason = str(self.reason_unknown())
        if reason == _RLIMIT_MESSAGE or self._used >= self.rlimit:
            return (f"Z3's resource limit of {rlimit_text(self.rlimit)} per check ran out "
                    "(rlimit, deterministic)")
        if reason in ("timeout", "canceled") or self._seconds >= self.backstop_s:
            return (f"{BACKSTOP}: stopped after {self.backstop_s} s of wall clock with "
                    f"{rlimit_text(self._used)} of its resource limit of "
                    f"{rlimit_text(self.rlimit)} used; another run may conclude")
        return reason

    def _count(self) -> int:
        """Z3's resource counter (cumulative over the context, so a check is a difference)."""
        return int(self.statistics().get_key_value("rlimit count"))
