"""Time `trainplan simulate`'s draws: 1,000 runs of Bến Tre (target: 2 s or less on 2 cores).

Run (from the project root):
    .venv/bin/python benchmarks/simulate.py                  # 1,000 runs, 5 repeats
    .venv/bin/python benchmarks/simulate.py --runs 10000 --repeats 3

Cases, each on Bến Tre's optimal plan (solved once, not timed):
- "completion": Bến Tre as shipped, completion drawn (100 % there, so every draw
  is certain; the time is the draws' and the targets' arithmetic all the same);
- "completion 90%": the same plan with every level's completion rate at 90 %;
- "workforce": the same plan with an ASSUMED workforce section (every unit type's
  staff in post = units x staff per unit, held at start spread over the levels,
  8 % yearly attrition, 12 % in a recruit's first year, staff +15 % by 2015 and
  +50 % by 2020 as the seed says, a coverage target per level) so leavers are drawn
  too. It times the draws; it is not a plan the workforce model solved.
Printed: seconds per `models.simulate.simulate` call as median [min-max], the
share of runs per target for the last repeat's first three targets.

This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.simulate import simulate  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.optimizer.replan import cohort_starts  # noqa: E402
from trainplan.optimizer.solve import solve  # noqa: E402

from benchmarks.run import machine_info, stat  # noqa: E402

TARGET_S = 2.0


def _with_rates(sc, percent: int):
    data = sc.model_dump()
    for level in data["levels"]:
        level["completion_rate_percent"] = percent
    return type(sc).model_validate(data)


def _with_workforce(sc):
    data = sc.model_dump()
    levels = [lv.id for lv in sc.levels]
    staff = []
    for ut in sc.unit_types:
        total = ut.units * ut.staff_per_unit
        held = {"none": total - (len(levels) * (total // (len(levels) + 1)))}
        held |= {lv: total // (len(levels) + 1) for lv in levels}
        staff.append({"unit_type": ut.id, "at_start": total, "held_at_start": held,
                      "growth_percent": {2015: 15, 2020: 50}, "attrition_percent": 8,
                      "first_year_attrition_percent": 12})
    data["workforce"] = {"staff": staff, "coverage": [
        {"id": f"{lv}-2020", "by_year": 2020, "at_least": lv, "share_percent": 10}
        for lv in levels]}
    return type(sc).model_validate(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for key, value in machine_info().items():
        print(f"{key}: {value}")
    sc = load_scenario(ROOT / "scenarios" / "ben_tre_2010_2020.yaml").scenario
    plan = cohort_starts(solve(sc, SolveSettings(time_limit_s=60, workers=2)).roster)
    print(f"\nBến Tre plan: {len(plan)} cohorts, {sum(plan.values())} starters; "
          f"{args.runs:,} runs, {args.repeats} repeats; target <= {TARGET_S} s\n")
    cases = [("completion", sc), ("completion 90%", _with_rates(sc, 90)),
             ("workforce", _with_workforce(sc))]
    for name, case in cases:
        times = []
        for seed in range(args.repeats):
            t0 = time.perf_counter()
            sim = simulate(case, plan, args.runs, seed)
            times.append(time.perf_counter() - t0)
        shares = ", ".join(f"{r.id} {r.share:.1%}" for r in sim.targets[:3])
        verdict = "ok" if max(times) <= TARGET_S else "OVER TARGET"
        print(f"{name:<15} {stat(times)} s  ({verdict}; {len(sim.targets)} targets: "
              f"{shares}, ...)")


if __name__ == "__main__":
    main()
