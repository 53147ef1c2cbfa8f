"""Where one Bến Tre what-if's time goes: each stage of one point, in a running process.

Run (from the project root):
    .venv/bin/python benchmarks/profile_point.py              # 7 rounds of 3 points
    .venv/bin/python benchmarks/profile_point.py --cprofile   # also cProfile's top 15

A what-if is a scenario change answered by a verified plan, as the web page and
each sweep point ask it: apply the change and validate, hash, build the model, each
goal stage, the tie-break, hand the plan to the units, re-check with
models/checker.py. The stages are run here one by one with the functions `solve`
uses (`build`, `goal_solver`, `new_solver` for the tie-break, `roster_rows`,
`verify`); a point whose per-type plan does not split over the units is solved
again with them held exactly, and that second pass is timed apart. Also printed: a
worker process's start-up (spawn, import, first point), and the whole of
`solve_verified` for the same points. Printed per stage: median [min-max] ms.
Target: one what-if <= 0.3 s in a running process.

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import platform
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ortools  # noqa: E402
from ortools.sat.python import cp_model  # noqa: E402
from trainplan.models.checker import verify  # noqa: E402
from trainplan.models.files import scenario_hash  # noqa: E402
from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.models.sweep import Point  # noqa: E402
from trainplan.optimizer.assign import AssignmentError  # noqa: E402
from trainplan.optimizer.model import GOAL_REGISTRY, build, canonical_order  # noqa: E402
from trainplan.optimizer.solve import (  # noqa: E402
    TIE_BREAK_SEED,
    exactly_held,
    goal_solver,
    new_solver,
    roster_rows,
    solve_verified,
)
from trainplan.optimizer.whatif import plan_sweep, point_scenario  # noqa: E402

from benchmarks.run import cpu_name  # noqa: E402
from benchmarks.sweep import GRID, SCENARIO  # noqa: E402

SETTINGS = SolveSettings(time_limit_s=60, workers=1)
#: Three points of the README's grid: near the base, a tight budget, many places.
POINTS = [Point(0, (("budget.total", 50000), ("capacity.starts_per_year", 70),
                    ("levels.university.cost_per_trainee_year", 24))),
          Point(1, (("budget.total", 42000), ("capacity.starts_per_year", 60),
                    ("levels.university.cost_per_trainee_year", 18))),
          Point(2, (("budget.total", 56000), ("capacity.starts_per_year", 95),
                    ("levels.university.cost_per_trainee_year", 32)))]

Times = dict[str, float]


def _pass(sc, exact: frozenset[str], tag: str, times: Times) -> tuple[object, object]:
    """One pass of `solve`'s loop: build, goal stages, tie-break; (model, solver)."""
    t = time.perf_counter()
    m = build(sc, exact=exact)
    stages = [(name, GOAL_REGISTRY[name](m)) for name in sc.objective]
    tie_break = canonical_order(m)
    times[f"{tag}build"] = time.perf_counter() - t
    times[f"{tag}size"] = len(m.model.proto.variables)
    for name, expr in stages:
        t = time.perf_counter()
        m.model.minimize(expr)
        solver = goal_solver(m, SETTINGS)
        assert solver.solve(m.model) == cp_model.OPTIMAL
        value = int(solver.value(expr))
        m.model.add(expr <= value)
        m.model.clear_hints()
        for i, v in enumerate(solver.response_proto.solution):
            m.model.add_hint(m.model.get_int_var_from_proto_index(i), v)
        times[f"{tag}goal {name}"] = time.perf_counter() - t
    t = time.perf_counter()
    m.model.clear_hints()
    m.model.minimize(tie_break)
    solver = new_solver(SETTINGS, workers=1, seed=TIE_BREAK_SEED)
    assert solver.solve(m.model) == cp_model.OPTIMAL
    times[f"{tag}tie-break"] = time.perf_counter() - t
    return m, solver


def stages(base: dict, point: Point, name: str) -> Times:
    """Seconds of each stage of one point (keys in order of the work)."""
    times: Times = {}
    t = time.perf_counter()
    sc = point_scenario(base, point, name)
    times["apply+validate"] = time.perf_counter() - t
    t = time.perf_counter()
    scenario_hash(sc)
    times["hash"] = time.perf_counter() - t
    m, solver = _pass(sc, frozenset(), "", times)
    t = time.perf_counter()
    try:
        rows = roster_rows(m, solver, SETTINGS, no_exact_split=exactly_held(sc))
        times["assign to units"] = time.perf_counter() - t
    except AssignmentError:
        times["assign to units"] = time.perf_counter() - t
        m, solver = _pass(sc, frozenset(exactly_held(sc)), "exact pass: ", times)
        t = time.perf_counter()
        rows = roster_rows(m, solver, SETTINGS)
        times["exact pass: assign"] = time.perf_counter() - t
    del rows
    t = time.perf_counter()
    result, check = solve_verified(sc, SETTINGS)
    whole = time.perf_counter() - t
    t = time.perf_counter()
    assert result.roster is not None
    assert verify(sc, result.roster, result.goals).ok and check is not None and check.ok
    times["checker"] = time.perf_counter() - t
    times["= solve_verified, whole"] = whole + times["checker"]
    return times


def _first_point(base: dict, name: str) -> float:
    """In a fresh process: import the solver side and answer one point (seconds)."""
    t = time.perf_counter()
    from trainplan.optimizer.whatif import run_point

    run_point(base, POINTS[0], SETTINGS, name)
    return time.perf_counter() - t


def worker_start(base: dict, name: str) -> float:
    """Seconds from asking a spawned process to its first point's row."""
    t = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.apply(_first_point, (base, name))
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    print(f"machine: {cpu_name()}, Python {platform.python_version()}, "
          f"OR-Tools {ortools.__version__}")
    sweep = plan_sweep(load_scenario(SCENARIO), GRID, SETTINGS)
    got: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        for point in POINTS:
            for key, sec in stages(sweep.base, point, sweep.name).items():
                got[key].append(sec)
    print(f"{len(POINTS)} points x {args.rounds} rounds, {SCENARIO.name}, one process, "
          "1 solver worker")
    for key, values in got.items():
        if key.endswith("size"):
            print(f"  {key:34s} {int(statistics.median(values)):8d} variables")
            continue
        ms = [v * 1000 for v in values]
        print(f"  {key:34s} {statistics.median(ms):8.1f} ms [{min(ms):.1f}-{max(ms):.1f}]"
              f"  ({len(ms)} runs)")
    starts = [worker_start(sweep.base, sweep.name) for _ in range(3)]
    print(f"  {'worker start + first point':34s} {statistics.median(starts) * 1000:8.1f} ms "
          f"[{min(starts) * 1000:.1f}-{max(starts) * 1000:.1f}]  (3 runs)")
    if args.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        for point in POINTS:
            solve_verified(point_scenario(sweep.base, point, sweep.name), SETTINGS)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
