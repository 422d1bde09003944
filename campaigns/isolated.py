"""Each proof in a process of its own, so that Z3's resource count does not depend on what ran
before it.

Z3 counts the work of a check in a context that every proof of a process shares (its terms,
their order, its caches): on the reference model one query consumed 30.3 M units in a fresh
process and more than 310 M after another nonlinear proof in the same process, and the counts
of the quick proofs moved by a fifth. A resource limit is only deterministic if what ran before
is, so each job runs in a process forked from a server that has imported pumpproof and proved
nothing (the ``forkserver`` start method; ``spawn``, a fresh interpreter, where there is none),
and a job's result is the same whatever the number of workers, the order in which they pick
jobs, or the machine's load.

Not covered: a direct call of ``k_induction`` or ``bmc`` (tests, the Python API) shares its
process's context, so its counts depend on that process's history.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

__all__ = ["map_isolated"]

_Job = TypeVar("_Job")
_Result = TypeVar("_Result")

#: What the fork server imports once, so that a job's process starts with it loaded.
_PRELOAD = ["pumpproof.campaigns.verify"]


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)  # type: ignore[attr-defined]
        return context
    return multiprocessing.get_context("spawn")


def map_isolated(run: Callable[[_Job], _Result], jobs: Sequence[_Job],
                 workers: int) -> list[_Result]:
    """``run`` on every job, each in a fresh process, ``workers`` at a time, in job order."""
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))),
                             mp_context=_context(), max_tasks_per_child=1) as pool:
        return list(pool.map(run, jobs))
