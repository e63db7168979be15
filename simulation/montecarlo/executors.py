"""Where chunks of replications run: local worker processes (the default) or Dask distributed.

`Workers` names the executor and its size; wherever the Monte Carlo code takes `jobs`, it takes a
`Workers` too (an int means that many local processes). `completed` runs fn(*task) for every task
and yields (task, result) as each finishes. A task's result depends only on the task (its
replications' own random streams), never on where or how often it ran, so results are identical
for any executor and number of workers, and a task that Dask runs twice (a lost worker, a retry)
does no harm.

Dask: `Workers(jobs, "dask", scheduler="tcp://host:8786")` uses an existing cluster; without an
address a local cluster of `jobs` single-threaded worker processes is started and closed again.
The shared inputs (the run plan and parameter design) are scattered to every worker once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class Workers:
    """How many workers, and on which executor ("local" processes or "dask")."""

    jobs: int
    executor: str = "local"
    scheduler: str | None = None  # a Dask scheduler's address; None: a local Dask cluster

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"executor (={self.executor!r}) must be one of {EXECUTORS}")


def as_workers(jobs: int | Workers | None, default: int) -> Workers:
    """`jobs` as a `Workers` (None: `default` local processes)."""
    if isinstance(jobs, Workers):
        return jobs
    return Workers(int(jobs or default))


def completed(
    workers: Workers,
    initializer: Callable[..., None],
    initargs: tuple,
    fn: Callable[..., Any],
    tasks: list[tuple],
) -> Iterator[tuple[tuple, Any]]:
    """Run fn(*task) for every task after `initializer(*initargs)` on each worker; yield
    (task, result) in completion order. Closing the iterator early stops the work."""
    if workers.executor == "dask":
        yield from _dask_completed(workers, initializer, initargs, fn, tasks)
        return
    from simulation.montecarlo.workers import worker_pool

    with worker_pool(workers.jobs, initializer, initargs, fn, tasks) as futures:
        for future in as_completed(futures):  # a failed task stops the run at once
            yield futures[future], future.result()


# -- Dask -----------------------------------------------------------------------------------------

#: Runs whose initializer has run in this (Dask worker) process.
_READY: set[str] = set()


def _dask_task(token: str, initializer, initargs: tuple, fn, task: tuple):
    """On a Dask worker: set the run up once per process, then run one task."""
    if token not in _READY:
        initializer(*initargs)
        _READY.add(token)
    return fn(*task)


def _client(workers: Workers, stack: ExitStack):
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "--executor dask needs Dask distributed: pip install 'itsim[dask]'"
        ) from None
    if workers.scheduler:
        return stack.enter_context(Client(workers.scheduler))
    cluster = stack.enter_context(
        LocalCluster(
            n_workers=workers.jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    )
    return stack.enter_context(Client(cluster))


def _dask_completed(workers: Workers, initializer, initargs, fn, tasks):
    from distributed import as_completed as dask_completed

    with ExitStack() as stack:
        client = _client(workers, stack)
        shared = client.scatter(initargs, broadcast=True)
        token = uuid.uuid4().hex
        futures = {
            client.submit(_dask_task, token, initializer, shared, fn, task, pure=False): task
            for task in tasks
        }
        try:
            for future in dask_completed(futures):
                yield futures[future], future.result()
        finally:
            client.cancel(list(futures))
