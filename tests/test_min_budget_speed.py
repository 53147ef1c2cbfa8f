"""min-budget --per-year: the per-level relaxation bounds and guides the least ceiling (issue 13).

Nothing is timed (benchmarks/min_budget.py prints the times); these check the answer
stays exact whether the guide holds (Bến Tre) or not (Kon Tum: per-type rules bind).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from trainplan.models.loader import load_scenario
from trainplan.models.scenario import MONEY_SCALE
from trainplan.models.solution import SolveSettings, Status
from trainplan.optimizer.explain import _least_ceiling, is_feasible, without_budget
from trainplan.optimizer.level_bound import level_ceiling

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SETTINGS = SolveSettings(time_limit_s=60, workers=1)


def _free(name: str):
    return without_budget(load_scenario(SCENARIOS / name).scenario, None)


def _peak(sc, starts: dict[tuple[str, str, int], int]) -> int:
    """Highest yearly spending of a plan's starters (model money units)."""
    return max(sum(sc.level(lv).cost_scaled * n for (_, lv, y), n in starts.items()
                   if y <= year <= sc.graduation_year(lv, y)) for year in sc.years)


def test_ben_tre_least_ceiling_is_the_per_level_bound_reached_by_a_plan():
    free = _free("ben_tre_2010_2020.yaml")
    guide = level_ceiling(free, 5000, SETTINGS)
    assert guide is not None and guide.steps == 701  # 3,505 million VND, proven
    high, low, step, starts = _least_ceiling(free, SETTINGS)
    assert (high, low, step) == (3505 * MONEY_SCALE, 3505 * MONEY_SCALE, 5000)
    assert starts is not None and _peak(free, starts) <= high
    # the plan's starters per level and year are the guide's
    for (level, year), people in guide.starts.items():
        assert sum(n for (_, lv, y), n in starts.items() if (lv, y) == (level, year)) == people
    assert is_feasible(without_budget(free, Decimal("3504.999")), SETTINGS) is False


@pytest.mark.parametrize("name", ["ben_tre_2010_2020.yaml", "kon_tum_2021_2025.yaml",
                                  "tay_ninh_2016_2020.yaml", "thua_thien_hue_2021_2030.yaml"])
def test_per_level_bound_never_exceeds_the_least_ceiling(name):
    free = _free(name)
    found = _least_ceiling(free, SETTINGS)
    assert found is not None
    high, low, step, _ = found
    guide = level_ceiling(free, step, SETTINGS)
    assert guide is not None and guide.steps * step <= low == high


def test_a_guide_the_units_cannot_carry_falls_back_to_the_exact_ceiling():
    free = _free("kon_tum_2021_2025.yaml")  # per-type places bind: bound 1,370 steps
    high, low, step, starts = _least_ceiling(free, SETTINGS)
    guide = level_ceiling(free, step, SETTINGS)
    assert guide is not None and guide.steps * step < high == low
    assert starts is not None and _peak(free, starts) <= high
    assert is_feasible(without_budget(free, Decimal(high - 1) / MONEY_SCALE), SETTINGS) is False


def test_ben_tre_plan_at_the_least_ceiling_is_proven_optimal():
    from trainplan.models.checker import verify
    from trainplan.optimizer.explain import at_least_budget, min_budget

    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    answer = min_budget(sc, SolveSettings(time_limit_s=60, workers=2), per_year=True,
                        shares=())
    assert answer.proven and answer.least_flat_ceiling == Decimal(3505)
    plan = answer.plan
    assert plan is not None and plan.roster is not None
    assert plan.status == Status.optimal  # before: 60 s stages, "feasible, not proven"
    assert [g.value for g in plan.goals] == [37_640_000, 164, 2948]
    assert all(g.optimal for g in plan.goals)
    assert verify(at_least_budget(sc, answer, True), plan.roster, plan.goals).ok


def test_plan_at_the_ceiling_is_the_scenarios_own_where_it_has_tied_plans():
    """Thừa Thiên Huế: the capped model's tie-break picks another tied plan; not shown."""
    from trainplan.optimizer.budget_plan import plan_at_ceiling
    from trainplan.optimizer.level_bound import best_counts, capped_at
    from trainplan.optimizer.solve import solve

    sc = load_scenario(SCENARIOS / "thua_thien_hue_2021_2030.yaml").scenario
    at = without_budget(sc, Decimal(1090))
    settings = SolveSettings(time_limit_s=60, workers=2)
    own = solve(at, settings)
    best = best_counts(at, settings)
    assert best is not None and own.roster is not None
    capped = solve(capped_at(at, best[0]), settings)
    assert capped.roster is not None and capped.roster.rows != own.roster.rows  # tied plans
    shown = plan_at_ceiling(at, settings, None)
    assert shown.status == Status.optimal and shown.roster is not None
    assert shown.roster.rows == own.roster.rows and shown.goals == own.goals
