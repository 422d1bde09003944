"""One fan-out for the campaigns that spread independent jobs (``check``'s rounds, the closed
loop's patients): on an existing Dask cluster, on local worker processes, or in this process.

Results always come back in job order, so a campaign's outcome does not depend on where its
jobs ran. A job function must be importable at module level and its jobs picklable: both the
process pool and Dask send them to other processes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from pumpproof.errors import UsageError

__all__ = ["fan_out"]

J = TypeVar("J")
R = TypeVar("R")


def fan_out(run: Callable[[J], R], jobs: Sequence[J], workers: int = 1,
            dask_address: str | None = None) -> list[R]:
    """``[run(job) for job in jobs]``, on ``dask_address``'s cluster when given, else on
    ``workers`` processes (in this process for one worker)."""
    if dask_address:
        return _on_dask(run, jobs, dask_address)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run, jobs))
    return [run(job) for job in jobs]


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
