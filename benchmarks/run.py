"""Time build, solve (per lexicographic stage), unit assignment and checking.

Run (from the project root):
    .venv/bin/python benchmarks/run.py                      # every scenarios/*.yaml + national
    .venv/bin/python benchmarks/run.py --repeats 10 --workers 8
    .venv/bin/python benchmarks/run.py --only national --profile national

For each scenario (every scenarios/*.yaml as it stands, no variant, plus the
generated national one from benchmarks/national.py) the full `optimizer.solve.solve`
is repeated N times, then the roster is re-checked by `models.checker.verify`.
Printed per scenario: median [min-max] of build seconds (as solve reports them:
the model with its goals), each solver stage's seconds, assignment seconds (the
call to `assign_to_units` inside solve, timed by wrapping it), checker seconds;
model size (variables / constraints of the CP-SAT proto at each stage); status,
goal values and gap. Targets (national, 2 cores): build <= 2 s; solve stages plus
assignment <= 10 s with every goal proven optimal.

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ortools  # noqa: E402
import trainplan.optimizer.solve as solve_mod  # noqa: E402
from ortools.sat.python import cp_model  # noqa: E402
from trainplan.models.checker import verify  # noqa: E402
from trainplan.models.errors import ScenarioError  # noqa: E402
from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.scenario import Scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402

from benchmarks.national import national_scenario  # noqa: E402

BUILD_TARGET_S = 2.0
SOLVE_TARGET_S = 10.0


# ----- machine --------------------------------------------------------------------------


def cpu_name() -> str:
    """The processor's model name (Linux), else what platform knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def machine_info() -> dict[str, str]:
    cpu = cpu_name()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "python": platform.python_version(),
        "ortools": ortools.__version__,
        "os": f"{platform.system()} {platform.release()}",
        "load average at start": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# ----- instrumentation ------------------------------------------------------------------


class Recorder:
    """Wraps CpSolver.solve and assign_to_units for the duration of one solve."""

    def __init__(self) -> None:
        self.stages: list[dict] = []
        self.assign_s = 0.0
        self.builds: list[dict[str, str]] = []  # per-unit path of each type, per model

    @contextlib.contextmanager
    def active(self):
        real_solve = cp_model.CpSolver.solve
        real_assign = solve_mod.assign_to_units
        real_build = solve_mod.build
        rec = self

        def recorded_build(*args, **kwargs):
            m = real_build(*args, **kwargs)
            rec.builds.append(dict(m.unit_paths))
            return m

        def timed_solve(solver, model, *args, **kwargs):
            t0 = time.perf_counter()
            code = real_solve(solver, model, *args, **kwargs)
            proto = model.proto
            rec.stages.append({
                "seconds": time.perf_counter() - t0,
                "solver_wall": solver.wall_time,
                "status": solver.status_name(code),
                "vars": len(proto.variables),
                "constraints": len(proto.constraints),
                "workers": solver.parameters.num_workers,
            })
            return code

        def timed_assign(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return real_assign(*args, **kwargs)
            finally:
                rec.assign_s += time.perf_counter() - t0

        cp_model.CpSolver.solve = timed_solve
        solve_mod.assign_to_units = timed_assign
        solve_mod.build = recorded_build
        try:
            yield self
        finally:
            cp_model.CpSolver.solve = real_solve
            solve_mod.assign_to_units = real_assign
            solve_mod.build = real_build


def one_run(sc: Scenario, settings: SolveSettings) -> dict:
    rec = Recorder()
    t0 = time.perf_counter()
    with rec.active():
        result = solve_mod.solve(sc, settings)
    wall = time.perf_counter() - t0
    run = {
        "status": str(result.status.name),
        "build": result.build_seconds,
        "solve": result.solve_seconds,
        "assign": rec.assign_s,
        "wall": wall,
        "stages": rec.stages,
        "goals": [(g.name, g.value, g.bound, g.gap, g.optimal) for g in result.goals],
        "rows": len(result.roster.rows) if result.roster else 0,
        "units": len({(r.unit_type, r.unit) for r in result.roster.rows})
        if result.roster else 0,
        "message": result.message,
        # pass 1: per-unit rules per type (split by assign_to_units); pass 2, only when
        # that split fails: exact unit-state flows where they fit
        "passes": len(rec.builds),
        "paths": ", ".join(f"{t} {p}" for t, p in rec.builds[-1].items()) if rec.builds
        else "",
    }
    if result.roster is not None:
        t1 = time.perf_counter()
        check = verify(sc, result.roster, result.goals)
        run["verify"] = time.perf_counter() - t1
        run["check"] = check.summary()
        run["violations"] = [f"{v.rule}: {v.message}" for v in check.violations]
    return run


# ----- scenarios ------------------------------------------------------------------------


def scenarios(args: argparse.Namespace) -> list[tuple[str, Scenario]]:
    out: list[tuple[str, Scenario]] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if args.only and path.stem not in args.only:
            continue
        try:
            out.append((path.name, load_scenario(path).scenario))
        except ScenarioError as exc:
            print(f"skip {path.name}: does not load ({exc})", file=sys.stderr)
    if not args.only or "national" in args.only:
        data = national_scenario(years=args.years, seed=args.seed)
        out.append((f"national (seed {args.seed}, {args.years} y)",
                    Scenario.model_validate(data)))
    return out


# ----- printing -------------------------------------------------------------------------


def stat(values: list[float], fmt: str = "{:.3f}") -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    if lo == hi:
        return fmt.format(med)
    return f"{fmt.format(med)} [{fmt.format(lo)}-{fmt.format(hi)}]"


def report(name: str, sc: Scenario, runs: list[dict], workers: int) -> dict:
    units = sum(ut.units for ut in sc.unit_types)
    people = sum(q.people for ut in sc.unit_types for q in ut.quotas.values())
    print(f"\n== {name}: {units:,} units, {people:,} people in quotas, "
          f"{len(sc.years)} years, {len(runs)} runs, {workers} workers ==")
    rows: list[tuple[str, str]] = []
    rows.append(("build s (model + goals)", stat([r["build"] for r in runs])))
    n_stages = max(len(r["stages"]) for r in runs)
    stage_names = [*sc.objective, "tie-break (1 worker)"]
    stage_names += [f"exact pass: {n}" for n in stage_names]
    for i in range(n_stages):
        st = [r["stages"][i] for r in runs if len(r["stages"]) > i]
        label = stage_names[i] if i < len(stage_names) else f"stage {i + 1}"
        rows.append((f"  stage {i + 1} {label} s", stat([s["seconds"] for s in st])))
    rows.append(("solve s (all stages)", stat([r["solve"] for r in runs])))
    rows.append(("assign_to_units s", stat([r["assign"] for r in runs])))
    rows.append(("build+solve+assign s", stat([r["build"] + r["solve"] + r["assign"]
                                               for r in runs])))
    rows.append(("solve() wall s", stat([r["wall"] for r in runs])))
    rows.append(("verify s (checker)", stat([r["verify"] for r in runs if "verify" in r])))
    first = runs[0]
    sizes = ", ".join(f"{s['vars']}/{s['constraints']}" for s in first["stages"])
    rows.append(("vars/constraints per stage", sizes or "-"))
    rows.append(("model passes", ", ".join(sorted({str(r["passes"]) for r in runs}))))
    rows.append(("per-unit limits (last model)", "; ".join(sorted({r["paths"] for r in runs}))))
    rows.append(("status", ", ".join(sorted({r["status"] for r in runs}))))
    stage_status = ", ".join(s["status"] for s in first["stages"])
    rows.append(("solver status per stage", stage_status))
    objectives = {tuple((g[0], g[1]) for g in r["goals"]) for r in runs}
    for goals in objectives:
        rows.append(("goal values", ", ".join(f"{n}={v:,}" for n, v in goals)))
    rows.append(("max gap", stat([max((g[3] for g in r["goals"]), default=0.0)
                                  for r in runs], "{:.4f}")))
    rows.append(("roster rows / units used",
                 ", ".join(sorted({f"{r['rows']:,} / {r['units']:,}" for r in runs}))))
    checks = sorted({r.get("check", "no roster: " + r["message"]) for r in runs})
    rows.append(("checker", "; ".join(checks)))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    for r in runs:
        for v in r.get("violations", [])[:10]:
            print(f"  VIOLATION: {v}")
    return {
        "build": statistics.median(r["build"] for r in runs),
        "total": statistics.median(r["build"] + r["solve"] + r["assign"] for r in runs),
        "solve_assign": statistics.median(r["solve"] + r["assign"] for r in runs),
        "optimal": all(r["status"] == "optimal" for r in runs),
        "verified": all(not r.get("violations") and "verify" in r for r in runs),
    }


def profile(name: str, sc: Scenario, settings: SolveSettings, top: int) -> None:
    print(f"\n== cProfile of one solve + verify: {name} (top {top} by cumulative time) ==")
    prof = cProfile.Profile()
    prof.enable()
    result = solve_mod.solve(sc, settings)
    if result.roster is not None:
        verify(sc, result.roster, result.goals)
    prof.disable()
    pstats.Stats(prof).strip_dirs().sort_stats("cumulative").print_stats(top)


def _span(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def sweep(args: argparse.Namespace) -> int:
    years_text, _, seeds_text = args.sweep.partition(":")
    settings = SolveSettings(time_limit_s=args.time_limit, workers=args.workers)
    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine_info().items()))
    print(f"national sweep, {args.workers} workers; one solve each")
    print(f"{'years':>5} {'seed':>4}  {'status':<10} {'build s':>7} {'solve s':>8} "
          f"{'assign s':>8} {'passes':>6} {'vars':>6}  checker / message")
    counts: dict[str, int] = {}
    for years in _span(years_text):
        for seed in _span(seeds_text or "0"):
            sc = Scenario.model_validate(national_scenario(years=years, seed=seed))
            run = one_run(sc, settings)
            counts[run["status"]] = counts.get(run["status"], 0) + 1
            size = run["stages"][-1]["vars"] if run["stages"] else 0
            print(f"{years:>5} {seed:>4}  {run['status']:<10} {run['build']:>7.3f} "
                  f"{run['solve']:>8.3f} {run['assign']:>8.3f} {run['passes']:>6} {size:>6}  "
                  f"{run.get('check', run['message'])}")
            counts["optimal+verified"] = counts.get("optimal+verified", 0) + (
                run["status"] == "optimal" and not run.get("violations") and "verify" in run)
    print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Time trainplan's solve on the shipped and "
                                             "national scenarios.")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=60.0, help="per stage, seconds")
    ap.add_argument("--seed", type=int, default=0, help="national generator's seed")
    ap.add_argument("--years", type=int, default=11, help="national horizon length")
    ap.add_argument("--only", action="append",
                    help="scenario file stem or 'national' (repeatable)")
    ap.add_argument("--profile", action="append", default=[],
                    help="also cProfile one run of this scenario (file stem or 'national')")
    ap.add_argument("--top", type=int, default=25, help="profile lines to print")
    ap.add_argument("--sweep", metavar="YEARS:SEEDS",
                    help="instead: solve the national scenario once per horizon length and "
                         "seed, e.g. 8-12:0-7, and print status, assignment seconds, checker")
    args = ap.parse_args(argv)
    if args.sweep:
        return sweep(args)

    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine_info().items()))
    settings = SolveSettings(time_limit_s=args.time_limit, workers=args.workers)
    print(f"settings: {args.repeats} repeats, {args.workers} workers, "
          f"time limit {args.time_limit:g} s per stage, solver seed {settings.seed}")
    print("figures: median [min-max] over the repeats, seconds of wall time")

    summary = {}
    for name, sc in scenarios(args):
        solve_mod.solve(sc, settings)  # warm-up: imports, caches
        runs = [one_run(sc, settings) for _ in range(args.repeats)]
        summary[name] = report(name, sc, runs, args.workers)
        if any(name.startswith(p) or Path(name).stem == p for p in args.profile):
            profile(name, sc, settings, args.top)

    for name, s in summary.items():
        if not name.startswith("national"):
            continue
        ok_build = s["build"] <= BUILD_TARGET_S
        ok_solve = s["solve_assign"] <= SOLVE_TARGET_S and s["optimal"]
        print(f"\ntargets, {name}, {args.workers} workers:")
        print(f"  build median {s['build']:.3f} s <= {BUILD_TARGET_S:g} s: "
              f"{'met' if ok_build else 'MISSED'}")
        print(f"  solve+assign median {s['solve_assign']:.3f} s <= {SOLVE_TARGET_S:g} s, "
              f"proven optimal every run ({s['optimal']}): "
              f"{'met' if ok_solve else 'MISSED'}")
        print(f"  roster verified by the checker every run: {s['verified']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
