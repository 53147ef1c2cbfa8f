"""Where a sweep's points are solved: a pool of local processes, or a Dask cluster.

A backend calls `task(shared, chunk, *args)` for every chunk of points (made by
`models.sweep.chunks`), in worker processes, and yields each chunk's rows as it
completes. `shared` (the scenario as plain data), the task and its arguments are
sent once per worker (local processes: when the worker starts, and it imports the
solver then, once; Dask: scattered once), and each job carries only its chunk of
points: a point costs one solve, not one round trip. A point whose worker fails
gets the row `on_error(point, exception)` instead, so one failure never ends the
sweep. Dask is an optional extra, imported only when used.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from trainplan.models.loader import Problem, ScenarioError
from trainplan.models.sweep import Point

Row = dict[str, str]
#: Solves a chunk of points: task(shared, points, *args) -> their rows.
Task = Callable[..., list[Row]]
#: The row of a point whose worker failed.
OnError = Callable[[Point, BaseException], Row]

#: Seconds between a worker's checks that the sweep that started it still runs.
PARENT_POLL_S = 0.5
#: Chunks per worker wanted, and the most points in a chunk cut to get them
#: (`models.sweep.chunks`), so the work stays balanced between workers and rows keep
#: arriving.
CHUNK_POINTS = 8
CHUNKS_PER_JOB = 4
#: What to do when `--backend dask` is asked for without the extra installed.
DASK_MISSING = "Dask is not installed; install the extra with: pip install 'trainplan[dask]'"


def default_jobs(solver_workers: int) -> int:
    """Concurrent solves so that solves x solver workers stays within the cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // solver_workers)


def require_dask() -> None:
    """Raise an input error naming the install command when Dask is not installed."""
    try:
        import distributed  # noqa: F401 - only whether it imports
    except ImportError:
        raise ScenarioError([Problem("--backend", None, "dask", DASK_MISSING)]) from None


def _exit_when_orphaned(parent: int) -> None:
    """Poll the parent process; once it is gone (e.g. `kill -9`), end this process at once."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


#: A local worker's task, shared data and arguments, set once when it starts.
_WORK: tuple[Task, Any, tuple] | None = None


def _start_worker(parent: int, task: Task, shared: Any, args: tuple) -> None:
    """Set up a pool worker: its work, Ctrl-C left to the sweep, and it dies with the sweep.

    Receiving `task` imports its module (the solver) here, once per worker. The main
    process stops its workers cleanly on Ctrl-C; if it is killed outright, a watchdog
    thread ends the worker within PARENT_POLL_S seconds instead of leaving it running
    (and holding the caller's terminal) with no one to report to.
    """
    global _WORK
    _WORK = (task, shared, args)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True,
                     name="exit-when-orphaned").start()


def _local_chunk(points: list[Point]) -> list[Row]:
    """In a local worker: the rows of a chunk of points, with the work set at start."""
    assert _WORK is not None, "worker not started by _start_worker"
    task, shared, args = _WORK
    return task(shared, points, *args)


def _chunk(task: Task, shared: Any, points: list[Point], args: tuple) -> list[Row]:
    """In a Dask worker: the rows of a chunk of points."""
    return task(shared, points, *args)


def _chunk_rows(fut: Any, points: list[Point], on_error: OnError) -> list[Row]:
    """A finished chunk's rows, or each of its points' error row if its worker failed."""
    try:
        return fut.result()
    except Exception as exc:  # a lost worker fails its points, not the sweep
        return [on_error(p, exc) for p in points]


def local_rows(task: Task, shared: Any, todo: list[list[Point]], args: tuple, jobs: int,
               on_error: OnError) -> Iterator[list[Row]]:
    """Rows from a pool of `jobs` local processes, a chunk's rows at a time, as they complete."""
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker,
                               initargs=(os.getpid(), task, shared, args))
    try:
        futures: dict[Future, list[Point]] = {pool.submit(_local_chunk, c): c
                                              for c in todo}
        for fut in as_completed(futures):
            yield _chunk_rows(fut, futures[fut], on_error)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask_rows(task: Task, shared: Any, todo: list[list[Point]], args: tuple, jobs: int,
              scheduler: str | None, on_error: OnError) -> Iterator[list[Row]]:
    """Rows from a Dask cluster, a chunk's rows at a time, as they complete.

    With no scheduler named, a local cluster of `jobs` workers (one thread each).
    """
    require_dask()
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    if scheduler is None:
        # Loopback only: a local cluster has no authentication, so no other machine may reach it.
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
    try:
        client = Client(scheduler if cluster is None else cluster, timeout="10s")
    except OSError as exc:
        raise ScenarioError([Problem("--scheduler", None, "", f"cannot reach the Dask "
                                     f"scheduler at {scheduler}: {exc}")]) from None
    try:
        [data] = client.scatter([shared], broadcast=True)
        futures = {client.submit(_chunk, task, data, c, args, pure=False): c
                   for c in todo}
        for fut in dask_completed(futures):
            yield _chunk_rows(fut, futures[fut], on_error)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
