"""A re-plan starts its stock from the staff counted by qualification (issue 10).

The hand case: 10 commune staff holding nothing, 10% attrition, intermediate (1 year,
10 million VND) universal by the end of 2023. In 2021 4 staff started intermediate
and graduated. The plan's stock at the end of 2021: 10 start, floor(10 x 10%) = 1
leaves and is replaced by an unqualified recruit, 4 graduate: 6 none, 4 intermediate.
"""

from __future__ import annotations

import copy

import pytest
from trainplan.models.actuals import actuals_problems
from trainplan.models.solution import Status
from trainplan.models.workforce import counted_start, stock_by_year
from trainplan.optimizer.replan import cohort_starts, replan

from tests.conftest import FAST, scenario
from tests.test_workforce import HAND

PAST = [{"year": 2021, "unit_type": "commune", "level": "intermediate", "starters": 4,
         "graduates": 4}]


def hand_counted(held: dict[str, int] | None):
    """The hand case with the 2021 course kept and 10 staff counted at the end of 2021."""
    data = copy.deepcopy(HAND)
    count = {"year": 2021, "unit_type": "commune", "in_post": 10}
    data["actuals"] = {"cohorts": PAST, "staff": [count | ({"held": held} if held else {})]}
    return scenario(data)


def remaining_starters(sc) -> int:
    assert actuals_problems(sc, 2022) == []
    done = replan(sc, 2022, FAST)
    assert done.result.status == Status.optimal
    assert done.check is not None and done.check.ok, done.check.violations
    return sum(n for (_, _, y), n in cohort_starts(done.result.roster).items() if y >= 2022)


@pytest.mark.parametrize(("held", "needed"), [
    # Counted as the plan has it, or not counted by qualification: 6 still hold none.
    # From 2022 no stock reaches 10, so nobody leaves: the 6 are trained, 60 million VND.
    (None, 6),
    ({"none": 6, "intermediate": 4}, 6),
    # Counted more qualified than the plan: 3 hold none (7 intermediate, fewer than 10:
    # nobody leaves); only those 3 must be trained.
    ({"none": 3, "intermediate": 7}, 3),
    # Counted less qualified: 9 hold none (floor(9 x 10%) = 0 leave): 9 to train.
    ({"none": 9, "intermediate": 1}, 9),
])
def test_the_replan_starts_from_the_counted_qualifications(held, needed):
    assert remaining_starters(hand_counted(held)) == needed


def test_the_checker_restarts_the_stock_where_the_model_does():
    from trainplan.models.actuals import replan_scenario

    sc = replan_scenario(hand_counted({"none": 3, "intermediate": 7}), 2022)
    assert counted_start(sc, "commune") == (2022, {"none": 3, "intermediate": 7})
    done = replan(hand_counted({"none": 3, "intermediate": 7}), 2022, FAST)
    stock = stock_by_year(done.replan, done.result.roster, "commune")
    # 2021 as the plan and the kept course give it; 2022 from the count
    assert stock[0].end == {"none": 6, "intermediate": 4}
    assert stock[1].start == {"none": 3, "intermediate": 7}
    assert stock[-1].end == {"none": 0, "intermediate": 10}
    assert counted_start(hand_counted({"none": 3, "intermediate": 7}), "commune") is None


def test_counts_that_do_not_add_up_are_refused():
    (loc, msg), = actuals_problems(hand_counted({"none": 3, "intermediate": 6}), 2022)
    assert loc == ("actuals", "staff", 0, "held")
    assert "add up to 3+6=9 but in_post says 10" in msg
