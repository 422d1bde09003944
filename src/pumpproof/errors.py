"""One small hierarchy of errors that users see.

Inner code raises the problem; outer layers add where it happened (file, item) and
re-raise. The CLI turns any :class:`PumpproofError` into one clear line and exit
status 2 — never a traceback.
"""

from __future__ import annotations


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
