"""Time the exact verdicts: how each unit type is held, model size, check and solve seconds.

Run (from the project root):
    .venv/bin/python benchmarks/verdicts.py               # the cases below, 5 runs each
    .venv/bin/python benchmarks/verdicts.py --repeats 9

Cases: issue 9's D1 (infeasible) and D2 (feasible; both 2 facilities, 1/2/4-year
courses), each again with the per-unit formulation forced (no flows), the shipped Bến
Tre plan and its `budget.per_year=3500` variant (infeasible), and the national case
of tests/test_assignment.py (11,867 units, 9 years). Printed per case: each unit type's
path in the exact model (flow / per unit / relaxed), the exact model's variables and
constraints, `check` (optimizer.solve.check_feasible) and `solve` seconds as median
[min-max], and their statuses. This prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trainplan.optimizer.model as model_module  # noqa: E402
from trainplan.models.loader import load_scenario  # noqa: E402
from trainplan.models.scenario import Scenario  # noqa: E402
from trainplan.models.solution import SolveSettings  # noqa: E402
from trainplan.optimizer.model import build  # noqa: E402
from trainplan.optimizer.solve import check_feasible, solve  # noqa: E402

from benchmarks.national import national_scenario  # noqa: E402
from benchmarks.run import machine_info, stat  # noqa: E402
from tests.test_verdicts import d1, d2  # noqa: E402

SETTINGS = SolveSettings(time_limit_s=60, workers=2)


def cases() -> list[tuple[str, Scenario, bool]]:
    """(name, scenario, force the per-unit formulation)."""
    ben_tre = ROOT / "scenarios" / "ben_tre_2010_2020.yaml"
    return [
        ("D1 (flow)", d1(), False), ("D1 (per unit)", d1(), True),
        ("D2 (flow)", d2(), False), ("D2 (per unit)", d2(), True),
        ("Ben Tre", load_scenario(ben_tre).scenario, False),
        ("Ben Tre per_year=3500", load_scenario(ben_tre, sets=["budget.per_year=3500"]).scenario,
         False),
        ("national 9 years", Scenario.model_validate(national_scenario(years=9, seed=0)), False),
    ]


def measure(sc: Scenario, repeats: int) -> dict:
    m = build(sc)
    proto = m.model.proto
    checks, solves, check_status, solve_status = [], [], "", ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        check_status = check_feasible(sc, SETTINGS).status.value
        checks.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        solve_status = solve(sc, SETTINGS).status.value
        solves.append(time.perf_counter() - t0)
    return {"paths": "; ".join(f"{t}: {p}" for t, p in m.unit_paths.items()) or "-",
            "size": f"{len(proto.variables):,} vars / {len(proto.constraints):,} cons",
            "check": f"{stat(checks)} s ({check_status})",
            "solve": f"{stat(solves)} s ({solve_status})"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(machine_info())
    flow_limit = model_module.FLOW_VAR_LIMIT
    for name, sc, per_unit in cases():
        model_module.FLOW_VAR_LIMIT = 0 if per_unit else flow_limit
        row = measure(sc, args.repeats)
        print(f"{name}: {row['paths']}\n  exact model {row['size']}; check {row['check']}; "
              f"solve {row['solve']}")
    model_module.FLOW_VAR_LIMIT = flow_limit


if __name__ == "__main__":
    main()
