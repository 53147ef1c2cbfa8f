"""Re-planning from actual results: the past kept, the rest re-planned, bad actuals refused."""

from __future__ import annotations

import pytest
from trainplan.models.actuals import actuals_problems, replan_scenario
from trainplan.models.loader import load_scenario
from trainplan.models.solution import Status
from trainplan.optimizer.replan import cohort_starts, replan

from tests.conftest import FAST, SCENARIOS, scenario, solve_verified, tiny


def actuals_of(sc, roster, from_year: int) -> dict:
    """Actuals exactly as the plan had them for the years before `from_year`."""
    rows = [{"year": y, "unit_type": t, "level": lv, "starters": n}
            for (t, lv, y), n in sorted(cohort_starts(roster).items(), key=lambda kv: kv[0][::-1])
            if y < from_year]
    return {"cohorts": rows}


def test_equal_actuals_return_the_original_plan_for_the_remaining_years():
    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    original = solve_verified(sc)
    assert original.status == Status.optimal
    from_year = 2014
    with_actuals = sc.model_copy(update={"actuals": None})
    data = with_actuals.model_dump()
    data["actuals"] = actuals_of(sc, original.roster, from_year)
    sc2 = type(sc).model_validate(data)
    assert actuals_problems(sc2, from_year) == []
    done = replan(sc2, from_year, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok, done.check.violations
    before = cohort_starts(original.roster)
    after = cohort_starts(done.result.roster)
    assert {k: v for k, v in after.items() if k[2] >= from_year} == \
        {k: v for k, v in before.items() if k[2] >= from_year}
    assert after == before
    assert [g.value for g in done.result.goals] == [g.value for g in original.goals]


def test_a_shortfall_moves_training_into_the_remaining_years():
    sc = scenario(tiny(actuals={"cohorts": [
        {"year": 2020, "unit_type": "commune", "level": "A", "starters": 2, "dropouts": 1}]}))
    done = replan(sc, 2021, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok
    starts = cohort_starts(done.result.roster)
    assert starts[("commune", "A", 2020)] == 1  # the one who stayed
    assert sum(n for (t, lv, y), n in starts.items() if lv == "A" and y >= 2021) == 1


def test_the_past_is_fixed_even_when_it_was_more_than_the_plan_allowed():
    data = tiny(capacity={"starts_per_year": 2},
                actuals={"cohorts": [{"year": 2020, "unit_type": "commune", "level": "A",
                                      "starters": 2},
                                     {"year": 2020, "unit_type": "commune", "level": "B",
                                      "starters": 1}]})
    sc = scenario(data)
    again = replan_scenario(sc, 2021)
    assert again.starts_cap(2020) == 3 and again.starts_cap(2021) == 2
    done = replan(sc, 2021, FAST)
    assert done.result.status == Status.optimal and done.check.ok


@pytest.mark.parametrize(("row", "field", "words"), [
    ({"year": 2019, "unit_type": "commune", "level": "A", "starters": 1}, "year",
     "outside the plan"),
    ({"year": 2022, "unit_type": "commune", "level": "A", "starters": 1}, "year",
     "not before --from 2022"),
    ({"year": 2020, "unit_type": "ward", "level": "A", "starters": 1}, "unit_type",
     "unknown unit type 'ward'"),
    ({"year": 2020, "unit_type": "commune", "level": "C", "starters": 1}, "level",
     "unknown level 'C'"),
    ({"year": 2020, "unit_type": "commune", "level": "A", "starters": 1, "graduates": 2},
     "graduates", "2 graduates but only 1 starters"),
    ({"year": 2021, "unit_type": "commune", "level": "B", "starters": 2, "graduates": 1},
     "graduates", "no graduates yet"),
    ({"year": 2020, "unit_type": "commune", "level": "A", "starters": 3, "graduates": 1,
      "dropouts": 1}, "graduates", "must add up"),
])
def test_bad_actuals_are_named(row, field, words):
    sc = scenario(tiny(actuals={"cohorts": [row]}))
    problems = actuals_problems(sc, 2022)
    assert len(problems) == 1
    loc, msg = problems[0]
    assert loc == ("actuals", "cohorts", 0, field) and words in msg, problems


def test_spending_after_from_and_a_bad_from_year_are_refused():
    sc = scenario(tiny(actuals={"spending": {2023: 5}}))
    assert "not a past year" in actuals_problems(sc, 2022)[0][1]
    assert actuals_problems(sc, 2020)[0][0] == ("--from",)
