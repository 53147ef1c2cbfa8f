"""What-if use cases: compare scenarios side by side, and sweep a grid of values.

A sweep point is a set of dotted-key values applied to the effective scenario
(base files, variants and `--set` values already merged). Workers receive the
scenario as plain data and the point's values, never solver objects (CP-SAT
variables do not pickle); each worker loads, solves, verifies with the
independent checker and returns one flat row of text. Rows are appended to the
results file as they arrive (flushed and synced), so an interrupted sweep
resumes without redoing finished points.

The grid (`optimizer.grid`), where points are solved (`optimizer.backends`) and
the results file (`optimizer.results`) each have their own module; a point's
figures come from `models.measures`.
"""

from __future__ import annotations

import copy
import itertools
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ortools
from trainplan.models.checker import Verification
from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.files import scenario_hash
from trainplan.models.loader import (
    LoadedScenario,
    apply_change,
    validate,
)
from trainplan.models.measures import graduates, peak_spending, peak_starts, starters, total_cost
from trainplan.models.results import Compared, FrontierPoint
from trainplan.models.scenario import Scenario
from trainplan.models.solution import GoalResult, SolveResult, SolveSettings, Status
from trainplan.models.sweep import (
    SETTINGS_COLUMNS,
    Point,
    Sweep,
    chunks,
    dominates,
    text,
)
from trainplan.optimizer.backends import CHUNK_POINTS, CHUNKS_PER_JOB, dask_rows, local_rows
from trainplan.optimizer.grid import MAX_POINTS, grid_error, parse_grid
from trainplan.optimizer.results import ResultsFile, Row
from trainplan.optimizer.solve import solve_verified

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
    roster = result.roster
    if roster is None or check is None:
        return row
    row |= {
        "total_cost": total_cost(sc, roster),
        "people": starters(roster),
        **{f"graduates_{lv.id}": sum(graduates(sc, roster, ut.id, lv.id) for ut in sc.unit_types
                                     if lv.id in ut.quotas) for lv in sc.levels},
        "peak_starts": peak_starts(sc, roster),
        "peak_spending": peak_spending(sc, roster),
        "finish_year": max((r.graduation_year for r in roster.rows), default=None),
        "verified": check.ok,
        "violations": len(check.violations),
    }
    return row


def _row_start(point: Point, settings: SolveSettings) -> dict[str, Any]:
    """What every row says whatever happens: the point and what solves it."""
    return {"point": point.id, **dict(point.values), "ortools": ortools.__version__,
            "time_limit_s": settings.time_limit_s, "solver_workers": settings.workers,
            "seed": settings.seed}


def error_row(point: Point, settings: SolveSettings, exc: BaseException) -> Row:
    """The row of a point that failed with an exception outside the solve."""
    row = _row_start(point, settings) | {"status": "error",
                                         "error": f"{type(exc).__name__}: {exc}"}
    return {k: text(v) for k, v in row.items()}


def run_point(base: dict, point: Point, settings: SolveSettings, name: str,
              known: Known | None = None) -> Row:
    """Load, solve and verify one point; a flat row of text. Never raises.

    `known`: what earlier points of the same chunk proved (see `run_chunk`); the
    point's answer is taken from them when they decide it, else solved.
    """
    t0 = time.perf_counter()
    row = _row_start(point, settings)
    try:
        sc = point_scenario(base, point, name)
        row["scenario_hash"] = scenario_hash(sc)
        result, check = _answer(sc, point, settings, known)
        row |= _indicators(sc, result, check)
    except ScenarioError as exc:
        row |= {"status": Status.invalid.name, "error": "; ".join(map(str, exc.problems))}
    except Exception as exc:  # one failing point never kills the sweep
        row |= {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    row["seconds"] = round(time.perf_counter() - t0, 3)
    return {k: text(v) for k, v in row.items()}


class Known:
    """What a chunk's points proved so far, for the points they dominate.

    Points come loosest first (`models.sweep.chunks`), and every plan of a point is a
    plan of each point dominating it (`models.sweep.dominates`). So a point dominated
    by one whose first model has no plan has none either; and the goal values a
    dominating point proved for a pass's model serve the same pass here
    (`optimizer.solve.solve`, `memory`): the tie-break stage alone then proves them,
    and gives the roster a full solve gives.
    """

    def __init__(self) -> None:
        """Nothing known yet."""
        self.infeasible: list[Point] = []
        self.goals: list[tuple[Point, frozenset[str], list[GoalResult]]] = []

    def infeasible_at(self, point: Point) -> bool:
        """Whether a point dominating this one has no plan at all."""
        return any(dominates(p, point) for p in self.infeasible)

    def at(self, point: Point) -> PointMemory:
        """What the solve of `point` recalls and remembers."""
        return PointMemory(self, point)


class PointMemory:
    """One point's view of `Known`: the latest goals of a dominating point, per pass."""

    def __init__(self, known: Known, point: Point):
        """Recall for, and remember as, `point`."""
        self.known, self.point = known, point
        #: The passes the solve made, by the types each held exactly.
        self.passes: list[frozenset[str]] = []

    def recall(self, exact: frozenset[str]) -> list[GoalResult] | None:
        """The goal values of the latest dominating point's pass with the same exact types."""
        self.passes.append(exact)
        return next((goals for p, held, goals in reversed(self.known.goals)
                     if held == exact and dominates(p, self.point)), None)

    def remember(self, exact: frozenset[str], goals: list[GoalResult]) -> None:
        """Keep a pass's proven goal values for the points this one dominates."""
        self.known.goals.append((self.point, exact, goals))


def _answer(sc: Scenario, point: Point, settings: SolveSettings, known: Known | None
            ) -> tuple[SolveResult, Verification | None]:
    """The point's verified result, using what earlier points of its chunk proved."""
    if known is None or sc.actuals is not None:
        return solve_verified(sc, settings)
    if known.infeasible_at(point):
        return SolveResult(status=Status.infeasible, settings=settings), None
    memory = known.at(point)
    result, check = solve_verified(sc, settings, memory)
    if result.status == Status.infeasible and memory.passes == [frozenset()]:
        known.infeasible.append(point)  # the first, per-type, model has no plan
    return result, check


def run_chunk(base: dict, points: list[Point], settings: SolveSettings, name: str
              ) -> list[Row]:
    """The rows of a chunk of points, using what the points before each proved (`Known`)."""
    known = Known()
    return [run_point(base, p, settings, name, known) for p in points]


# --------------------------------------------------------------------------- the sweep


def plan_sweep(loaded: LoadedScenario, grids: list[str], settings: SolveSettings,
               first_goal: bool = False) -> Sweep:
    """Check the grid options against the scenario and expand them into points.

    With `first_goal`, each point minimises only the scenario's first goal (then the
    tie-break), which is several times faster; the rows' scenario hash says so.
    """
    if not grids:
        raise grid_error("", "give at least one --grid KEY=VALUES")
    axes = [parse_grid(g) for g in grids]
    keys = [a.key for a in axes]
    if math.prod(len(a.values) for a in axes) > MAX_POINTS:
        raise grid_error(", ".join(keys), f"more than {MAX_POINTS:,} combinations; take "
                                          "larger steps or fewer values")
    if len(set(keys)) != len(keys):
        raise grid_error(", ".join(keys), "each key may appear in one --grid only")
    base = loaded.scenario.model_dump()
    if first_goal:
        base["objective"] = base["objective"][:1]
    probe = copy.deepcopy(base)
    for axis in axes:  # an unknown key fails here, before anything is solved
        apply_change(probe, {}, axis.key, axis.values[0], "--grid", None)
    return Sweep(loaded.scenario.name, base, axes, settings)


class SweepRun:
    """One run of a sweep into a results file, resuming from what it already holds.

    Rows already in the file (same columns, same settings, no error) count as done;
    the file is rewritten without the others, then new rows are appended as they
    arrive. `finish` rewrites it in point order.
    """

    def __init__(self, sweep: Sweep, out: Path | None):
        """Read what `out` already holds and work out the points still to solve."""
        self.sweep, self.out = sweep, out
        self.file = None if out is None else ResultsFile(out, sweep.columns)
        self.rows: dict[str, Row] = {}
        if self.file is not None and self.file.has_rows():
            self.rows = self.file.finished_rows()
            self._same_origin(self.rows)
        self.todo = [p for p in sweep.points if p.id not in self.rows]
        if self.file is not None:
            self.file.write_all(list(self.rows.values()))

    def _same_origin(self, rows: dict[str, Row]) -> None:
        """Refuse to resume rows made by other settings or from another scenario."""
        points = {p.id: p for p in self.sweep.points}
        mine = _row_start(self.sweep.points[0], self.sweep.settings)
        for row in rows.values():
            for key in SETTINGS_COLUMNS:
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

    def _error_row(self, point: Point, exc: BaseException) -> Row:
        return error_row(point, self.sweep.settings, exc)

    def _solved(self, backend: str, jobs: int, scheduler: str | None) -> Iterator[list[Row]]:
        """Rows of the points still to do, from the chosen backend, a chunk at a time."""
        sweep = self.sweep
        args = (sweep.settings, sweep.name)
        todo = chunks(self.todo, jobs, CHUNK_POINTS, CHUNKS_PER_JOB)
        if backend == "dask":
            return dask_rows(run_chunk, sweep.base, todo, args, jobs, scheduler,
                             self._error_row)
        return local_rows(run_chunk, sweep.base, todo, args, jobs, self._error_row)

    def results(self, backend: str = "local", jobs: int = 1,
                scheduler: str | None = None) -> Iterator[Row]:
        """Solve the points still to do; yield each row once it is safely written.

        A chunk's rows are written together and synced once, then yielded.
        """
        if not self.todo:
            return
        batches = self._solved(backend, jobs, scheduler)
        fh = self.file.path.open("a", encoding="utf-8", newline="") if self.file else None
        try:
            for got in batches:
                rows = [{c: row.get(c, "") for c in self.sweep.columns} for row in got]
                if self.file is not None and fh is not None:
                    self.file.append(fh, rows)
                for row in rows:
                    self.rows[row["point"]] = row
                    yield row
        finally:
            batches.close()
            if fh is not None:
                fh.close()

    def finish(self) -> list[Row]:
        """All rows in point order (points outside this grid last); the file rewritten so."""
        order = {p.id: p.index for p in self.sweep.points}
        rows = sorted(self.rows.values(), key=lambda r: order.get(r["point"], len(order)))
        if self.file is not None:
            self.file.write_all(rows)
        return rows


# --------------------------------------------------------------------------- frontier


def frontier(sweep: Sweep, rows: list[Row], along: str) -> list[FrontierPoint]:
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
