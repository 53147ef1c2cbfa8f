"""Shared helpers: a tiny scenario, and solve-and-verify."""

from __future__ import annotations

import copy
from pathlib import Path

from trainplan.models.checker import verify
from trainplan.models.scenario import Scenario
from trainplan.models.solution import SolveResult, SolveSettings
from trainplan.optimizer.solve import solve

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
#: Generous: a proven solve ends long before; a loaded machine must not turn a test's
#: "optimal" or byte-identical roster into "feasible, not proven" (issue 15).
FAST = SolveSettings(time_limit_s=120, workers=2)

TINY: dict = {
    "name": "tiny",
    "horizon": {"first_year": 2020, "last_year": 2024},
    "levels": [
        {"id": "A", "label_vi": "A", "label_en": "A", "duration_years": 1,
         "cost_per_trainee_year": 10},
        {"id": "B", "label_vi": "B", "label_en": "B", "duration_years": 2,
         "cost_per_trainee_year": 20},
    ],
    "unit_types": [
        {"id": "commune", "label_vi": "xã", "label_en": "commune", "units": 3,
         "staff_per_unit": 2, "quotas": {"A": 2, "B": 2}},
    ],
}


def tiny(**changes) -> dict:
    """A deep copy of the tiny scenario with top-level keys replaced."""
    data = copy.deepcopy(TINY)
    data.update(copy.deepcopy(changes))
    return data


def scenario(data: dict) -> Scenario:
    return Scenario.model_validate(data)


def solve_verified(sc: Scenario, rules: list[str] | None = None) -> SolveResult:
    """Solve; if a roster comes back, the independent checker must find nothing wrong."""
    result = solve(sc, FAST, rules=rules)
    if result.roster is not None and rules is None:
        check = verify(sc, result.roster, result.goals)
        assert check.ok, check.violations
    return result
