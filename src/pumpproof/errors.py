"""Every error and finding pumpproof raises, in one small hierarchy.

Two families, because they mean opposite things to a user:

* :class:`PumpproofError` — **bad input** (a spec, a model file, an argument). Inner code
  raises the problem; outer layers add where it happened (file, item) and re-raise. The CLI
  turns it into one clear line per problem and exit status 2 — never a traceback.
* :class:`Finding` — **evidence against a device under test** (a target that crashed,
  hung or broke the protocol; a property it violated). Engines catch findings and record
  them; they never escape as a crash of pumpproof, and they are never confused with a bug
  of pumpproof itself (:class:`InternalError`).

Exit codes live here too, so that every command returns a named one.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "AnswerError",
    "ExitCode",
    "Finding",
    "InternalError",
    "ModelError",
    "PropertyViolation",
    "PumpproofError",
    "SpecError",
    "TargetFailure",
    "UsageError",
]


class ExitCode(IntEnum):
    """What a command's exit status means to CI."""

    OK = 0  # every check concluded and nothing was found
    FINDING = 1  # a violation, a failed target, or an unacceptable residual risk
    BAD_INPUT = 2  # a malformed spec, model, argument or file
    INCONCLUSIVE = 3  # nothing violated, but some evidence did not conclude
    INTERRUPTED = 130  # the user pressed Ctrl-C


class PumpproofError(Exception):
    """Base of every error pumpproof reports to a user as bad input."""


class SpecError(PumpproofError):
    """The spec is malformed: names the file, the item and the problem.

    ``problems`` holds one line per problem so that a reviewer sees all of them at once.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ModelError(PumpproofError):
    """A model file (e.g. Open-PSA MEF XML) is malformed: file, element and problem."""


class UsageError(PumpproofError):
    """A command-line argument or an input file given to a command is unusable."""


class InternalError(Exception):
    """A bug in pumpproof itself (e.g. a solver counterexample that does not replay).

    Never blamed on a target and never turned into a verdict; reported as such.
    """


class Finding(Exception):
    """Evidence against a device under test; engines record it, it is never a crash."""


class TargetFailure(Finding):
    """The target crashed, hung, or answered outside the protocol.

    ``stderr`` keeps what the target printed (bounded) for the report.
    """

    def __init__(self, message: str, stderr: str = "") -> None:
        self.stderr = stderr
        super().__init__(message)


class AnswerError(TargetFailure):
    """A target's answer is not a valid protocol observation."""


class PropertyViolation(Finding):
    """One or more properties were violated on the current trace (ids in ``property_ids``)."""

    def __init__(self, property_ids: list[str]) -> None:
        self.property_ids = list(property_ids)
        super().__init__(", ".join(self.property_ids))
