"""Time `min-budget` and `min-budget --per-year` on every shipped scenario.

Run (from the project root):
    .venv/bin/python benchmarks/min_budget.py               # 3 repeats, 2 workers, 60 s
    .venv/bin/python benchmarks/min_budget.py --repeats 1 --time-limit 20
    .venv/bin/python benchmarks/min_budget.py --only ben_tre_2010_2020.yaml

For each shipped base scenario, `optimizer.explain.min_budget` (no quota-share
curve) is run N times in this process, with and without `--per-year`. Printed per
run kind: the figures (least total; least flat ceiling and its proven bound), proven
or not, the status of the plan shown at that budget, and seconds as median
[min-max] for the figure alone (least total, or least flat ceiling) and for the whole
command (the figure plus the plan at it, solved for the scenario's goals).
Target (issue 13): each proven in <= 2 s. The workforce and short-course files are
left out: min-budget runs on them, but their least-cost stage alone takes seconds to
a minute and their least ceiling is not proven (see the issue 13 notes).

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ortools  # noqa: E402
from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.optimizer.explain import min_budget  # noqa: E402

from benchmarks.run import cpu_name  # noqa: E402

SCENARIOS = ["ben_tre_2010_2020.yaml", "binh_thuan_2010_2020.yaml", "kon_tum_2021_2025.yaml",
             "tay_ninh_2016_2020.yaml", "thua_thien_hue_2021_2030.yaml"]


def one_run(path: Path, settings: SolveSettings, per_year: bool) -> tuple[float, float, str]:
    """(seconds to the figure, seconds in all, what was found) of one min-budget run."""
    marks: list[float] = []
    t0 = time.perf_counter()
    answer = min_budget(load_scenario(path).scenario, settings, per_year, shares=(),
                        progress=lambda what: marks.append(time.perf_counter())
                        if what == "the plan at that budget" else None)
    whole = time.perf_counter() - t0
    figure = (marks[0] - t0) if marks else whole
    plan = answer.plan.status.name if answer.plan is not None else "-"
    found = (f"total {answer.least_total}" if not per_year else
             f"ceiling {answer.least_flat_ceiling} (bound {answer.flat_ceiling_bound})")
    return figure, whole, f"{found}, proven {answer.proven}, plan {plan}"


def _span(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} s [{min(values):.2f}-{max(values):.2f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=60.0, help="per solve, seconds")
    ap.add_argument("--only", nargs="*", default=SCENARIOS, help="scenario files to run")
    args = ap.parse_args()
    settings = SolveSettings(time_limit_s=args.time_limit, workers=args.workers)
    print(f"machine: {cpu_name()}, Python {platform.python_version()}, OR-Tools "
          f"{ortools.__version__}, load average at start {os.getloadavg()[0]:.2f}; "
          f"{args.repeats} repeats, {args.workers} workers, {args.time_limit:g} s per solve")
    for name in args.only:
        for per_year in (False, True):
            runs = [one_run(ROOT / "scenarios" / name, settings, per_year)
                    for _ in range(args.repeats)]
            kind = "--per-year" if per_year else "total"
            print(f"  {name:32s} {kind:10s} figure {_span([r[0] for r in runs])}  "
                  f"with plan {_span([r[1] for r in runs])}  {runs[-1][2]}", flush=True)


if __name__ == "__main__":
    main()
