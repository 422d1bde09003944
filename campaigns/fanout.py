"""One fan-out for the campaigns that spread independent jobs (``check``'s rounds, the closed
loop's patients, ``verify``'s proofs): on an existing Dask cluster, on local worker processes,
or in this process.

Results always come back in job order, so a campaign's outcome does not depend on where its
jobs ran. A job function must be importable at module level and its jobs picklable: both the
process pool and Dask send them to other processes.

``fresh=True`` runs each job in a process of its own, for Z3 proofs: Z3 counts the work of a
check (the resource limit that bounds it) in a context every proof of a process shares (its
terms, their order, its caches). On the reference model one inductive step consumed 30.3 M
units in a fresh process and more than 310 M after another nonlinear proof in the same
process, and the quick proofs' counts moved by a fifth. So each job's process is forked from
a server that has imported pumpproof and proved nothing (the ``forkserver`` start method;
``spawn``, a fresh interpreter, where there is none), and a result is the same whatever the
number of workers, the order in which they pick jobs, or the machine's load. Not covered: a
direct call of ``k_induction`` or ``bmc`` (tests, the Python API) shares its process's context.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

from pumpproof.errors import UsageError

__all__ = ["fan_out"]

J = TypeVar("J")
R = TypeVar("R")


#: What the fork server imports once, so that a fresh job's process starts with it loaded.
_PRELOAD = ["pumpproof.campaigns.verify"]


def fan_out(run: Callable[[J], R], jobs: Sequence[J], workers: int = 1,
            dask_address: str | None = None, fresh: bool = False) -> list[R]:
    """``[run(job) for job in jobs]``, on ``dask_address``'s cluster when given, else on
    ``workers`` processes (in this process for one worker, unless ``fresh``: then each job
    in a new process, ``workers`` at a time)."""
    if dask_address:
        if fresh:
            raise UsageError("jobs that need a fresh process each cannot run on Dask")
        return _on_dask(run, jobs, dask_address)
    if fresh:
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))),
                                 mp_context=_fresh_context(), max_tasks_per_child=1) as pool:
            return list(pool.map(run, jobs))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run, jobs))
    return [run(job) for job in jobs]


def _fresh_context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)  # type: ignore[attr-defined]
        return context
    return multiprocessing.get_context("spawn")


def _on_dask(run: Callable[[J], R], jobs: Sequence[J], address: str) -> list[R]:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--dask needs the 'distributed' package (pip install "
                         "'pumpproof[dask]')") from None
    try:
        client = Client(address, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = client.map(run, list(jobs), pure=False)
        results: list[R] = client.gather(futures)  # type: ignore[no-untyped-call]
        return results
    finally:
        client.close()  # type: ignore[no-untyped-call]
