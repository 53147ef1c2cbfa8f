"""Every shipped scenario solves (or is truthfully infeasible) and is verified."""

from __future__ import annotations

import pytest

from models.loader import load_scenario
from models.solution import Status
from optimizer.checker import Tally
from tests.conftest import SCENARIOS, solve_verified

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
EXPECTED_INFEASIBLE = {"ben_tre_dropout_whatif.yaml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenario_solves_and_verifies(path):
    sc = load_scenario(path).scenario
    result = solve_verified(sc)
    expected = Status.infeasible if path.name in EXPECTED_INFEASIBLE else Status.optimal
    assert result.status == expected


def test_ben_tre_reproduces_the_plan_table_exactly():
    sc = load_scenario(SCENARIOS / "ben_tre_2010_2020.yaml").scenario
    result = solve_verified(sc)
    tally = Tally(sc, result.roster)
    table = {
        "commune": {"intermediate": 100, "college": 128, "university": 100},
        "district": {"university": 18, "postgraduate": 9},
        "facility": {"intermediate": 8, "college": 16, "university": 40, "postgraduate": 8},
        "province": {"university": 3, "postgraduate": 10},
        "school": {"university": 39, "postgraduate": 21},
    }
    for unit_type, levels in table.items():
        for level, people in levels.items():
            assert tally.graduates(unit_type, level) == people
    assert tally.total() == 500
    assert all(tally.total(year=y) <= 70 for y in sc.years)
    assert tally.total_cost() <= 52500
