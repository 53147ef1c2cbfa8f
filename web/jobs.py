"""Solves off the web server: worker processes running the CLI's own code path.

Each job is one call of a module-level function below in a process of a
`ProcessPoolExecutor` (spawned, not forked, so no lock of the server's threads is
copied into it). A worker receives the validated scenario as data and returns
plain results (the roster re-checked by `models.checker`, explanations,
comparisons), never solver objects. The solver is imported only inside the
workers' functions, so the server itself never loads OR-Tools.

A worker that dies (a crash in native code, the memory killer) breaks the pool:
the runner starts a new one and tries each job caught in it once more, so a
crashed solve ends as a failed job and the server goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainplan.models.checker import Verification, verify
from trainplan.models.loader import LoadedScenario
from trainplan.models.register import NamedRun, PeopleOutput, Register
from trainplan.models.results import Compared, Explanation, FrontierPoint, Repair
from trainplan.models.scenario import Scenario
from trainplan.models.simulate import Simulation
from trainplan.models.solution import SolveResult, SolveSettings, Status
from trainplan.models.workforce import with_attrition_margin

if TYPE_CHECKING:  # a report type, imported by the worker when it re-plans
    from trainplan.reports.replan import PlanVsActual

#: Seconds each solve stage may take on the page (the CLI's --time-limit).
TIME_LIMIT_S = 30.0
#: A worker process is replaced after this many jobs, so memory cannot creep up.
JOBS_PER_WORKER = 25
#: Tries of a job whose worker process died (the second one fails it for good).
TRIES = 2


def settings() -> SolveSettings:
    """The solver settings of every solve on the page: one thread per worker process."""
    return SolveSettings(time_limit_s=TIME_LIMIT_S, workers=1, seed=0)


@dataclass
class Solved:
    """A solve's answer: the verified plan, or why there is none and the priced repairs."""

    scenario: Scenario
    result: SolveResult
    check: Verification | None
    explanation: Explanation | None = None
    repairs: list[Repair] = field(default_factory=list)
    combination: Repair | None = None
    priority: list[str] = field(default_factory=list)
    unexplained: str = ""
    #: With `--robust`: the points, and the plan checked at the expected attrition.
    robust: Decimal | None = None
    expected: Verification | None = None
    #: With `--staff`: the named roster.
    named: NamedRun | None = None


@dataclass
class SolveOptions:
    """The solve's options the page offers: `--robust P`, `--staff FILE` and `--redact`."""

    robust: Decimal | None = None
    register: Register | None = None
    redact: bool = False


def solve_job(sc: Scenario, options: SolveOptions | None = None) -> Solved:
    """`trainplan solve [--robust P] [--staff FILE [--redact]]`; `explain` when no plan exists.

    With `robust` the plan solved is the scenario with every attrition raised (the
    solve's `scenario`); `expected` is the check of that plan at the expected attrition.
    """
    from trainplan.optimizer.solve import solve_verified

    options = options or SolveOptions()
    planned = sc if options.robust is None else with_attrition_margin(sc, options.robust)
    result, check = solve_verified(planned, settings())
    solved = Solved(planned, result, check)
    solved.robust = options.robust
    if options.robust is not None and result.roster is not None:
        solved.expected = verify(sc, result.roster)
    if options.register is not None:
        solved.named = _named(planned, result, check, options)
    if result.status == Status.infeasible:
        _explain_into(solved)
    return solved


def _explain_into(solved: Solved) -> None:
    """`trainplan explain` for a plan with no answer: why, the repairs and their prices."""
    from trainplan.optimizer.explain import (
        SLACK_LEVERS,
        NoAnswer,
        cheapest_combination,
        explain,
        repairs,
    )

    sc, priority = solved.scenario, list(SLACK_LEVERS)
    try:
        solved.explanation = explain(sc, settings(), TIME_LIMIT_S)
        solved.repairs = repairs(sc, settings())
        solved.combination = cheapest_combination(sc, priority, settings())
        solved.priority = priority
    except NoAnswer as exc:
        solved.unexplained = str(exc)


def _named(sc: Scenario, result: SolveResult, check: Verification | None,
           options: SolveOptions) -> NamedRun | None:
    """The verified unit roster handed to the register's people and re-checked (as the CLI)."""
    if options.register is None or result.roster is None or (check is not None
                                                              and not check.ok):
        return None
    from trainplan.optimizer.people import assign_and_verify
    from trainplan.reports.people import people_report

    found, people_check = assign_and_verify(sc, options.register, result.roster.rows, None,
                                            None, TIME_LIMIT_S)
    output = PeopleOutput(sc, options.register, found.rows, people_check, options.redact)
    return NamedRun(output, found, people_report(found, options.register, people_check,
                                                 options.redact))


def compare_job(scenarios: list[tuple[str, Scenario]]) -> list[Compared]:
    """`trainplan compare`: each labelled scenario solved and verified."""
    from trainplan.optimizer.whatif import compare

    loaded = [(label, LoadedScenario(sc, Path(label))) for label, sc in scenarios]
    return compare(loaded, settings())


@dataclass
class Swept:
    """A one-key sweep: its rows (as the sweep's results file holds them) and the frontier."""

    key: str
    rows: list[dict[str, str]]
    frontier: list[FrontierPoint]


def sweep_job(sc: Scenario, grid: str) -> Swept:
    """`trainplan sweep --grid KEY=VALUES --first-goal` on one key, as one chunk.

    The points run highest ceilings first (`optimizer.whatif.run_chunk`); rows come back
    in grid order.
    """
    from trainplan.models.sweep import loosest_first
    from trainplan.optimizer.whatif import frontier, plan_sweep, run_chunk

    sweep = plan_sweep(LoadedScenario(sc, Path(sc.name)), [grid], settings(), first_goal=True)
    order = {p.id: p.index for p in sweep.points}
    rows = sorted(run_chunk(sweep.base, loosest_first(sweep.points), settings(), sweep.name),
                  key=lambda row: order[row["point"]])
    key = sweep.axes[0].key
    return Swept(key, rows, frontier(sweep, rows, key))


@dataclass
class Risk:
    """`trainplan simulate`: the plan's random runs, or why there is no plan to draw against."""

    scenario: Scenario
    result: SolveResult
    check: Verification | None
    simulation: Simulation | None


def simulate_job(sc: Scenario, runs: int, seed: int, robust: Decimal | None = None) -> Risk:
    """`trainplan simulate --runs N --seed S [--robust P]`: the same calls."""
    from trainplan.models.simulate import simulate
    from trainplan.optimizer.replan import cohort_starts
    from trainplan.optimizer.solve import solve_verified

    planned = sc if robust is None else with_attrition_margin(sc, robust)
    result, check = solve_verified(planned, settings())
    if result.roster is None or (check is not None and not check.ok):
        return Risk(sc, result, check, None)
    hired = {(r.unit_type, r.qualification, r.year): r.people for r in result.roster.recruits}
    return Risk(sc, result, check, simulate(sc, cohort_starts(result.roster), runs, seed, hired))


@dataclass
class Replan:
    """`trainplan replan`: the plan against actual and the re-planned answer (or why not)."""

    solved: Solved
    against: PlanVsActual
    from_year: int


def replan_job(sc: Scenario, from_year: int) -> Replan:
    """`trainplan replan --from YEAR` on a scenario holding its actuals: the same calls.

    When the targets can no longer be met, the explanation and the repairs as the
    CLI prints them.
    """
    from trainplan.optimizer.replan import replan
    from trainplan.reports.replan import plan_vs_actual

    done = replan(sc, from_year, settings())
    solved = Solved(done.replan, done.result, done.check)
    if done.result.status == Status.infeasible:
        _explain_into(solved)
    return Replan(solved, plan_vs_actual(sc, done.original.roster, done.result.roster,
                                         from_year), from_year)


@dataclass
class Job:
    """One piece of work for a worker process, and what became of it."""

    kind: str
    function: Callable[..., Any]
    args: tuple
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    tries: int = 0
    future: Future | None = None
    result: Any = None
    error: str = ""
    #: The changes (dotted key -> text) of the plan the job was asked for.
    edits: dict[str, str] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """queued, running, done or failed."""
        if self.finished is not None:
            return "failed" if self.error else "done"
        return "running" if self.future is not None and self.future.running() else "queued"

    @property
    def seconds(self) -> float:
        """Seconds since the job was asked for (until it finished)."""
        return round((self.finished or time.monotonic()) - self.started, 1)


def _exit_when_orphaned(parent: int) -> None:
    """End this process once its parent, the server, is gone (checked twice a second)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _watch_parent(parent: int) -> None:
    """In a worker: end when the server process is gone (even after kill -9)."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


class Runner:
    """A pool of worker processes that survives the death of any of them."""

    def __init__(self, processes: int):
        """Start (lazily) a pool of `processes` spawned workers."""
        self.processes = processes
        self._lock = threading.Lock()
        #: Jobs not finished yet, in the order they were asked for.
        self._waiting: dict[str, Job] = {}
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_watch_parent, initargs=(os.getpid(),),
                                   max_tasks_per_child=JOBS_PER_WORKER)

    def submit(self, job: Job) -> Job:
        """Send a job to a worker; its `result` or `error` is set when it ends."""
        job.tries += 1
        with self._lock:
            self._waiting[job.id] = job
            try:
                job.future = self._pool.submit(job.function, *job.args)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                job.future = self._pool.submit(job.function, *job.args)
        job.future.add_done_callback(lambda fut: self._done(job, fut))
        return job

    def _done(self, job: Job, fut: Future) -> None:
        """Record a job's end; a job whose worker died is tried again once."""
        exc = fut.exception()
        if isinstance(exc, BrokenProcessPool) and job.tries < TRIES:
            self.submit(job)
            return
        if exc is None:
            job.result = fut.result()
        elif isinstance(exc, BrokenProcessPool):
            job.error = "the solve stopped: its worker process ended unexpectedly"
        elif type(exc).__name__ == "ScenarioError":
            job.error = "\n".join(f"error: {line}" for line in str(exc).splitlines())
        else:
            job.error = f"{type(exc).__name__}: {exc}"
        job.finished = time.monotonic()
        with self._lock:
            self._waiting.pop(job.id, None)

    def ahead(self, job: Job) -> int:
        """How many jobs wait for a worker before this one (0 once it is being solved)."""
        with self._lock:
            order = list(self._waiting)
        if job.id not in order:
            return 0
        return max(order.index(job.id) - self.processes + 1, 0)

    def shutdown(self) -> None:
        """Stop the workers (running jobs are abandoned)."""
        with self._lock:
            self._pool.shutdown(wait=False, cancel_futures=True)
