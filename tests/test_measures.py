"""models.measures: one function per reported figure, agreeing with the independent checker."""

from __future__ import annotations

from decimal import Decimal

from trainplan.models.checker import Tally
from trainplan.models.loader import load_scenario
from trainplan.models.measures import (
    budget_spending,
    plan_phases,
    quota_results,
    spending_per_phase,
    spending_per_year,
)

from tests.conftest import SCENARIOS, scenario, solve_verified, tiny


def test_phases_from_the_scenario_else_from_milestone_years():
    ben_tre = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    assert [(p.id, p.first_year, p.last_year) for p in plan_phases(ben_tre)] == [
        ("2010-2015", 2010, 2015), ("2016-2020", 2016, 2020)]
    milestones = [{"id": "m", "by_year": 2021, "people": 1},
                  {"id": "n", "by_year": 2022, "people": 2}]
    sc = scenario(tiny(milestones=milestones))
    assert [p.id for p in plan_phases(sc)] == ["2020-2021", "2022", "2023-2024"]
    assert [p.id for p in plan_phases(scenario(tiny()))] == ["2020-2024"]


def test_spending_adds_up_and_agrees_with_the_checker():
    sc = scenario(tiny(budget={"total": 500, "per_year": 200}))
    roster = solve_verified(sc).roster
    tally = Tally(sc, roster)
    years = spending_per_year(sc, roster)
    assert [y.spent for y in years] == [tally.spending(y) for y in sc.years]
    assert all(y.left == 200 - y.spent for y in years)
    total = budget_spending(sc, roster)
    assert total.spent == tally.total_cost() == sum((y.spent for y in years), Decimal(0))
    assert (total.available, total.left) == (500, 500 - total.spent)
    phase, = spending_per_phase(sc, roster)
    assert (phase.spent, phase.available) == (total.spent, 1000)
    assert all(q.met and q.graduates == tally.graduates(q.unit_type, q.level)
               for q in quota_results(sc, roster))
