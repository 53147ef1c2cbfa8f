"""Time a 1,000-point Bến Tre sweep on 1 and 2 local processes and on a Dask LocalCluster.

Run (from the project root):
    .venv/bin/python benchmarks/sweep.py                  # 1,000 points, 3 repeats
    .venv/bin/python benchmarks/sweep.py --repeats 1 --points 200
    .venv/bin/python benchmarks/sweep.py --profile 100    # where one point's time goes

A sweep answers points that differ only in ceilings (budget.total,
capacity.starts_per_year) from the points that dominate them: goal values proven at
a point with higher ceilings are held and only the tie-break stage is solved, and a
first model without a plan makes every tighter point infeasible
(optimizer.whatif.Known). `--profile` times N points one by one, stage by stage,
then the same points the way a sweep solves them.

The grid is budget.total x capacity.starts_per_year x
levels.university.cost_per_trainee_year (10 x 10 x 10 values; `--points` keeps the
first N). Each run writes its results CSV (with fsync per row) as a real sweep
does, from process start-up to the last row. Printed: machine, per backend the
median [min-max] seconds and points/s, the speed-up from 1 to 2 local processes
and from local processes to the Dask LocalCluster (2 workers, 1 thread each), and
whether all backends gave the same rows (timing columns aside). `--first-goal`
also times 2 local processes minimising only the first goal (min_cost; the
tie-break stage still runs), as `trainplan sweep --first-goal` does.
Targets (issue 13): 1,000 points <= 15 s on 2 cores, >= 1.8x from 1 to 2 processes,
Dask LocalCluster within 1.2x of 2 local processes.

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ortools  # noqa: E402
from trainplan.models.checker import verify  # noqa: E402
from trainplan.models.files import scenario_hash  # noqa: E402
from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.models.sweep import TIMING_COLUMNS, chunks  # noqa: E402
from trainplan.optimizer.backends import CHUNK_POINTS, CHUNKS_PER_JOB  # noqa: E402
from trainplan.optimizer.solve import solve  # noqa: E402
from trainplan.optimizer.whatif import SweepRun, plan_sweep, point_scenario, run_chunk  # noqa: E402

from benchmarks.run import cpu_name  # noqa: E402

SCENARIO = ROOT / "scenarios" / "ben_tre_2010_2020.yaml"
GRID = ["budget.total=40000:58000:2000", "capacity.starts_per_year=55:100:5",
        "levels.university.cost_per_trainee_year=16:34:2"]
SETTINGS = SolveSettings(time_limit_s=60, workers=1)


def make_sweep(points: int, first_goal: bool = False):
    sweep = plan_sweep(load_scenario(SCENARIO), GRID, SETTINGS, first_goal)
    sweep.points = sweep.points[:points]
    return sweep


def timed_run(sweep, backend: str, jobs: int) -> tuple[float, list[dict]]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run = SweepRun(sweep, Path(tmp) / "results.csv")
        for _ in run.results(backend, jobs):
            pass
        rows = run.finish()
        return time.perf_counter() - t0, rows


def untimed(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in rows]


def profile(n: int) -> None:
    """Time the parts of a point in this process (no start-up, no IPC)."""
    sweep = make_sweep(n)
    parts = {"load+validate": 0.0, "hash": 0.0, "build": 0.0, "solve stages": 0.0,
             "assign+rest": 0.0, "verify": 0.0}
    for point in sweep.points:
        t0 = time.perf_counter()
        sc = point_scenario(sweep.base, point, sweep.name)
        t1 = time.perf_counter()
        scenario_hash(sc)
        t2 = time.perf_counter()
        result = solve(sc, SETTINGS)
        t3 = time.perf_counter()
        if result.roster is not None:
            verify(sc, result.roster, result.goals)
        t4 = time.perf_counter()
        parts["load+validate"] += t1 - t0
        parts["hash"] += t2 - t1
        parts["build"] += result.build_seconds
        parts["solve stages"] += result.solve_seconds
        parts["assign+rest"] += t3 - t2 - result.build_seconds - result.solve_seconds
        parts["verify"] += t4 - t3
    total = sum(parts.values())
    print(f"profile of {n} points in one process: {total:.2f} s, {total / n * 1000:.1f} ms/point")
    for name, sec in parts.items():
        print(f"  {name:14s} {sec / n * 1000:7.2f} ms/point  {sec / total:6.1%}")
    t0 = time.perf_counter()
    for chunk in chunks(sweep.points, 1, CHUNK_POINTS, CHUNKS_PER_JOB):
        run_chunk(sweep.base, chunk, SETTINGS, sweep.name)
    sec = time.perf_counter() - t0
    print(f"the same points as a sweep solves them (chunks of points differing only in "
          f"ceilings, optimizer.whatif.Known): {sec / n * 1000:.1f} ms/point")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="only profile N points in this process")
    parser.add_argument("--first-goal", action="store_true",
                        help="also time 2 local processes with only the first goal")
    args = parser.parse_args()
    print(f"machine: {cpu_name()}, {len(__import__('os').sched_getaffinity(0))} cores, "
          f"Python {platform.python_version()}, OR-Tools {ortools.__version__}")
    if args.profile:
        profile(args.profile)
        return
    sweep = make_sweep(args.points)
    print(f"scenario: {SCENARIO.name}, {len(sweep.points)} points, grid {' x '.join(GRID)}")
    runs = [("local, 1 process", "local", 1), ("local, 2 processes", "local", 2),
            ("Dask LocalCluster, 2 workers", "dask", 2)]
    seconds: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    results: dict[str, list[dict]] = {}
    for _ in range(args.repeats):
        for name, backend, jobs in runs:
            sec, rows = timed_run(sweep, backend, jobs)
            print(f"  run: {name}: {sec:.2f} s", flush=True)
            seconds[name].append(sec)
            results[name] = untimed(rows)
    statuses: dict[str, int] = {}
    for row in results[runs[0][0]]:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    print(f"points by status: {statuses}")
    med = {name: statistics.median(v) for name, v in seconds.items()}
    for name, v in seconds.items():
        print(f"  {name:30s} {med[name]:7.2f} s [{min(v):.2f}-{max(v):.2f}]  "
              f"{len(sweep.points) / med[name]:6.1f} points/s  ({len(v)} runs)")
    one, two, dask = (med[name] for name, _, _ in runs)
    print(f"speed-up 1 -> 2 local processes: {one / two:.2f}x")
    print(f"Dask LocalCluster vs 2 local processes: {two / dask:.2f}x")
    same = all(rows == results[runs[0][0]] for rows in results.values())
    print(f"same rows on every backend (timing aside): {same}")
    if args.first_goal:
        sec, _ = timed_run(make_sweep(args.points, first_goal=True), "local", 2)
        print(f"  --first-goal (min_cost only), 2 local processes: {sec:.2f} s, "
              f"{len(sweep.points) / sec:.1f} points/s")


if __name__ == "__main__":
    main()
