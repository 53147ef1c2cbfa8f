"""What-if engine: compare scenarios side by side, and sweep a grid of values.

A sweep point is a set of dotted-key values applied to the effective scenario
(base files, variants and `--set` values already merged). Workers receive the
scenario as plain data and the point's values, never solver objects (CP-SAT
variables do not pickle); each worker loads, solves, verifies with the
independent checker and returns one flat row of text. Rows are appended to the
results file as they arrive (flushed and synced), so an interrupted sweep
resumes without redoing finished points.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import ortools
import yaml

from models.checker import Tally, Verification
from models.errors import Problem, ScenarioError
from models.files import scenario_hash, write_atomic
from models.loader import (
    LoadedScenario,
    apply_change,
    validate,
)
from models.measures import peak_spending, peak_starts
from models.results import Compared, FrontierPoint
from models.scenario import Scenario
from models.solution import SolveResult, SolveSettings, Status
from models.sweep import Axis, Point, Sweep, text
from optimizer.solve import solve_verified

#: Row statuses: Status names, plus `error` when a point failed with an exception.
FEASIBLE = ("optimal", "feasible")


# --------------------------------------------------------------------------- compare


def parse_spec(text: str) -> tuple[str, list[str]]:
    """`FILE` or `FILE:variant[+variant...]` -> (file, variants).

    A path that exists as a file is taken whole, so a file name with a colon works.
    """
    if Path(text).is_file() or ":" not in text:
        return text, []
    path, _, names = text.rpartition(":")
    variants = [v for v in names.split("+") if v]
    if not variants:
        raise ScenarioError([Problem(text, None, "", "name a variant after ':', e.g. "
                                     "plan.yaml:less-money or plan.yaml:a+b")])
    return path, variants


def labels(specs: list[tuple[str, list[str]]]) -> list[str]:
    """Short unique column names: variant names (or `base`), with the file stem if files differ."""
    one_file = len({Path(p).resolve() for p, _ in specs}) == 1
    out: list[str] = []
    for path, variants in specs:
        name = "+".join(variants) or "base"
        label = name if one_file else f"{Path(path).stem}:{name}"
        out.append(label if label not in out else f"{label}#{len(out) + 1}")
    return out


def compare(loaded: list[tuple[str, LoadedScenario]], settings: SolveSettings) -> list[Compared]:
    """Solve and verify each labelled scenario."""
    out = []
    for label, ls in loaded:
        result, check = solve_verified(ls.scenario, settings)
        out.append(Compared(label, ls.scenario, result, check))
    return out


# --------------------------------------------------------------------------- grid


def _grid_error(spec: str, message: str) -> ScenarioError:
    return ScenarioError([Problem("--grid", None, spec, message)])


def _scalar(raw: str, spec: str) -> Any:
    """A grid value read like a --set value (YAML), but only numbers, text or true/false."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    if value is None or isinstance(value, dict | list):
        raise _grid_error(spec, f"'{raw}' is not a single value")
    return value


def _number(raw: str, spec: str) -> Decimal:
    value = _scalar(raw, spec)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _grid_error(spec, f"'{raw}' is not a number; write start:stop:step, "
                                "e.g. budget.total=40000:60000:2000")
    return Decimal(str(value))


#: The most points one sweep may have (a typo such as a step of 1 on a budget
#: would otherwise expand into millions of points before anything is checked).
MAX_POINTS = 100_000


def _range(raw: str, spec: str) -> tuple[Any, ...]:
    """`start:stop:step` with the stop included, in exact decimal steps."""
    parts = raw.split(":")
    if len(parts) != 3:
        raise _grid_error(spec, "a range is start:stop:step, e.g. 40000:60000:2000")
    start, stop, step = (_number(p, spec) for p in parts)
    if step == 0 or (stop - start) * step < 0:
        raise _grid_error(spec, f"step {step} never gets from {start} to {stop}")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise _grid_error(spec, f"{count:,} values; a sweep takes at most {MAX_POINTS:,} "
                                "points, take a larger step")
    values = [start + i * step for i in range(count)]
    whole = all(v == v.to_integral_value() for v in values)
    return tuple(int(v) if whole else float(v) for v in values)


def parse_grid(spec: str) -> Axis:
    """`key=start:stop:step` (stop included) or `key=v1,v2,...` -> an Axis."""
    key, eq, raw = spec.partition("=")
    key, raw = key.strip(), raw.strip()
    if not eq or not key or not raw:
        raise _grid_error(spec, "write KEY=START:STOP:STEP or KEY=V1,V2,..., e.g. "
                                "budget.total=40000:60000:2000")
    if ":" in raw and "," not in raw:
        return Axis(key, _range(raw, spec))
    values = tuple(_scalar(v.strip(), spec) for v in raw.split(","))
    if len(set(map(text, values))) != len(values):
        raise _grid_error(spec, "a value is listed twice")
    return Axis(key, values)


# --------------------------------------------------------------------------- one point


def point_scenario(base: dict, point: Point, name: str) -> Scenario:
    """The base scenario data with the point's values set, validated."""
    data = copy.deepcopy(base)
    for key, value in point.values:
        apply_change(data, {}, key, value, "--grid", None)
    return validate(data, {}, name)


def _indicators(sc: Scenario, result: SolveResult, check: Verification | None) -> dict:
    """Key numbers of one solved point."""
    row: dict[str, Any] = {"status": result.status.name, "feasible": result.roster is not None}
    if result.roster is None or check is None:
        return row
    t = Tally(sc, result.roster)
    row |= {
        "total_cost": t.total_cost(),
        "people": t.total(),
        **{f"graduates_{lv.id}": sum(t.graduates(ut.id, lv.id) for ut in sc.unit_types
                                     if lv.id in ut.quotas) for lv in sc.levels},
        "peak_starts": peak_starts(sc, result.roster),
        "peak_spending": peak_spending(sc, result.roster),
        "finish_year": max((r.graduation_year for r in result.roster.rows), default=None),
        "verified": check.ok,
        "violations": len(check.violations),
    }
    return row


def _row_start(point: Point, settings: SolveSettings) -> dict[str, Any]:
    """What every row says whatever happens: the point and what solves it."""
    return {"point": point.id, **dict(point.values), "ortools": ortools.__version__,
            "time_limit_s": settings.time_limit_s, "solver_workers": settings.workers,
            "seed": settings.seed}


def error_row(point: Point, settings: SolveSettings, exc: BaseException) -> dict[str, str]:
    """The row of a point that failed with an exception outside the solve."""
    row = _row_start(point, settings) | {"status": "error",
                                         "error": f"{type(exc).__name__}: {exc}"}
    return {k: text(v) for k, v in row.items()}


def run_point(base: dict, point: Point, settings: SolveSettings, name: str) -> dict[str, str]:
    """Load, solve and verify one point; a flat row of text. Never raises."""
    t0 = time.perf_counter()
    row = _row_start(point, settings)
    try:
        sc = point_scenario(base, point, name)
        row["scenario_hash"] = scenario_hash(sc)
        result, check = solve_verified(sc, settings)
        row |= _indicators(sc, result, check)
    except ScenarioError as exc:
        row |= {"status": Status.invalid.name, "error": "; ".join(map(str, exc.problems))}
    except Exception as exc:  # one failing point never kills the sweep
        row |= {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    row["seconds"] = round(time.perf_counter() - t0, 3)
    return {k: text(v) for k, v in row.items()}


# --------------------------------------------------------------------------- the sweep


def plan_sweep(loaded: LoadedScenario, grids: list[str], settings: SolveSettings,
               first_goal: bool = False) -> Sweep:
    """Check the grid options against the scenario and expand them into points.

    With `first_goal`, each point minimises only the scenario's first goal (then the
    tie-break), which is several times faster; the rows' scenario hash says so.
    """
    if not grids:
        raise _grid_error("", "give at least one --grid KEY=VALUES")
    axes = [parse_grid(g) for g in grids]
    keys = [a.key for a in axes]
    if math.prod(len(a.values) for a in axes) > MAX_POINTS:
        raise _grid_error(", ".join(keys), f"more than {MAX_POINTS:,} combinations; take "
                                           "larger steps or fewer values")
    if len(set(keys)) != len(keys):
        raise _grid_error(", ".join(keys), "each key may appear in one --grid only")
    base = loaded.scenario.model_dump()
    if first_goal:
        base["objective"] = base["objective"][:1]
    probe = copy.deepcopy(base)
    for axis in axes:  # an unknown key fails here, before anything is solved
        apply_change(probe, {}, axis.key, axis.values[0], "--grid", None)
    return Sweep(loaded.scenario.name, base, axes, settings)


def default_jobs(solver_workers: int) -> int:
    """Concurrent solves so that solves x solver workers stays within the cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // solver_workers)


#: Seconds between a worker's checks that the sweep that started it still runs.
PARENT_POLL_S = 0.5


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


def _local(sweep: Sweep, todo: list[Point], jobs: int) -> Iterator[dict[str, str]]:
    """Rows from a pool of local processes, as they complete."""
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        futures: dict[Future, Point] = {
            pool.submit(run_point, sweep.base, p, sweep.settings, sweep.name): p for p in todo}
        for fut in as_completed(futures):
            exc = fut.exception()
            yield fut.result() if exc is None else error_row(futures[fut], sweep.settings, exc)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(sweep: Sweep, todo: list[Point], jobs: int,
          scheduler: str | None) -> Iterator[dict[str, str]]:
    """Rows from a Dask cluster (a local one with `jobs` workers when no scheduler is named)."""
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
        [base] = client.scatter([sweep.base], broadcast=True)
        futures = {client.submit(run_point, base, p, sweep.settings, sweep.name, pure=False): p
                   for p in todo}
        for fut in dask_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # a lost worker fails its point, not the sweep
                yield error_row(futures[fut], sweep.settings, exc)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class SweepRun:
    """One run of a sweep into a results file, resuming from what it already holds.

    Rows already in the file (same columns, same settings, no error) count as done;
    the file is rewritten without the others, then new rows are appended as they
    arrive. `finish` rewrites it in point order.
    """

    def __init__(self, sweep: Sweep, out: Path | None):
        """Read what `out` already holds and work out the points still to solve."""
        self.sweep, self.out = sweep, out
        resume = out is not None and out.exists() and out.stat().st_size > 0
        self.rows: dict[str, dict[str, str]] = self._resume() if resume else {}
        self.todo = [p for p in sweep.points if p.id not in self.rows]
        if out is not None:
            self._write_all(list(self.rows.values()))

    def _resume(self) -> dict[str, dict[str, str]]:
        assert self.out is not None
        other = ScenarioError([Problem(str(self.out), 1, "", "this file holds results with "
                                       "other columns (another scenario or grid, or not a "
                                       "sweep's CSV); choose another --out file")])
        try:
            with self.out.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if reader.fieldnames != self.sweep.columns:
                    raise other
                rows = {r["point"]: r for r in reader
                        if None not in r.values() and None not in r and r["status"] != "error"}
        except (UnicodeDecodeError, csv.Error):
            raise other from None
        self._same_origin(rows)
        return rows

    def _same_origin(self, rows: dict[str, dict[str, str]]) -> None:
        """Refuse to resume rows made by other settings or from another scenario."""
        points = {p.id: p for p in self.sweep.points}
        mine = _row_start(self.sweep.points[0], self.sweep.settings)
        for row in rows.values():
            for key in ("ortools", "time_limit_s", "solver_workers", "seed"):
                if row[key] != text(mine[key]):
                    raise ScenarioError([Problem(str(self.out), None, key, f"the file's rows "
                                                 f"were made with {row[key]}, this run uses "
                                                 f"{text(mine[key])}; resume with the same "
                                                 "settings or choose another --out file")])
        probe = next((r for r in rows.values() if r["point"] in points and r["scenario_hash"]),
                     None)
        if probe is not None:
            sc = point_scenario(self.sweep.base, points[probe["point"]], self.sweep.name)
            if scenario_hash(sc) != probe["scenario_hash"]:
                raise ScenarioError([Problem(str(self.out), None, "scenario_hash", "the file's "
                                             "rows come from another scenario; choose another "
                                             "--out file")])

    def _write_all(self, rows: list[dict[str, str]]) -> None:
        assert self.out is not None
        buf = io.StringIO()
        writer = csv.DictWriter(buf, self.sweep.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(self.out, buf.getvalue())

    def _append(self, fh: TextIO, row: dict[str, str]) -> None:
        csv.DictWriter(fh, self.sweep.columns, lineterminator="\n").writerow(row)
        fh.flush()
        os.fsync(fh.fileno())

    def results(self, backend: str = "local", jobs: int = 1,
                scheduler: str | None = None) -> Iterator[dict[str, str]]:
        """Solve the points still to do; yield each row once it is safely written."""
        if not self.todo:
            return
        rows = (_dask(self.sweep, self.todo, jobs, scheduler) if backend == "dask"
                else _local(self.sweep, self.todo, jobs))
        fh = self.out.open("a", encoding="utf-8", newline="") if self.out else None
        try:
            for got in rows:
                row = {c: got.get(c, "") for c in self.sweep.columns}
                if fh is not None:
                    self._append(fh, row)
                self.rows[row["point"]] = row
                yield row
        finally:
            rows.close()
            if fh is not None:
                fh.close()

    def finish(self) -> list[dict[str, str]]:
        """All rows in point order (points outside this grid last); the file rewritten so."""
        order = {p.id: p.index for p in self.sweep.points}
        rows = sorted(self.rows.values(), key=lambda r: order.get(r["point"], len(order)))
        if self.out is not None:
            self._write_all(rows)
        return rows


# --------------------------------------------------------------------------- frontier


def frontier(sweep: Sweep, rows: list[dict[str, str]], along: str) -> list[FrontierPoint]:
    """For each combination of the other keys, the least feasible, verified value of `along`."""
    others = [a for a in sweep.axes if a.key != along]
    axis = next(a for a in sweep.axes if a.key == along)
    ok = {r["point"]: r for r in rows if r["status"] in FEASIBLE and r["verified"] == "yes"}
    out = []
    for combo in itertools.product(*[[(o.key, text(v)) for v in o.values] for o in others]):
        held = dict(combo)
        hits = [(v, ok[pid]) for v in sorted(axis.values, key=_order)
                if (pid := _point_id(sweep, held | {along: text(v)})) in ok]
        least = hits[0] if hits else None
        out.append(FrontierPoint(tuple(combo), text(least[0]) if least else None,
                                 least[1]["total_cost"] if least else None))
    return out


def _order(value: Any) -> tuple[int, Any]:
    """Numbers by size, anything else by its text."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return (0, value) if is_number else (1, text(value))


def _point_id(sweep: Sweep, values: dict[str, str]) -> str:
    return ";".join(f"{a.key}={values[a.key]}" for a in sweep.axes)

