"""Where a sweep's points are solved: a pool of local processes, or a Dask cluster.

A backend calls `task(shared, point, *args)` for every point, in worker
processes, and yields the rows as they complete. `shared` (the scenario as
plain data) is sent once per worker where the backend allows it; a point whose
worker fails gets the row `on_error(point, exception)` instead, so one failure
never ends the sweep. Dask is an optional extra, imported only when used.
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
#: Solves one point: task(shared, point, *args) -> its row.
Task = Callable[..., Row]
#: The row of a point whose worker failed.
OnError = Callable[[Point, BaseException], Row]

#: Seconds between a worker's checks that the sweep that started it still runs.
PARENT_POLL_S = 0.5
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


def _start_worker(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is left to the sweep, and the worker dies with it.

    The main process stops its workers cleanly on Ctrl-C; if it is killed outright,
    a watchdog thread ends the worker within PARENT_POLL_S seconds instead of leaving
    it running (and holding the caller's terminal) with no one to report to.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True,
                     name="exit-when-orphaned").start()


def local_rows(task: Task, shared: Any, todo: list[Point], args: tuple, jobs: int,
               on_error: OnError) -> Iterator[Row]:
    """Rows from a pool of `jobs` local processes, as they complete."""
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        futures: dict[Future, Point] = {pool.submit(task, shared, p, *args): p for p in todo}
        for fut in as_completed(futures):
            exc = fut.exception()
            yield fut.result() if exc is None else on_error(futures[fut], exc)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask_rows(task: Task, shared: Any, todo: list[Point], args: tuple, jobs: int,
              scheduler: str | None, on_error: OnError) -> Iterator[Row]:
    """Rows from a Dask cluster (a local one with `jobs` workers when no scheduler is named)."""
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
        futures = {client.submit(task, data, p, *args, pure=False): p for p in todo}
        for fut in dask_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # a lost worker fails its point, not the sweep
                yield on_error(futures[fut], exc)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
