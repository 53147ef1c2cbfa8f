"""Every shipped scenario solves (or is truthfully infeasible) and is verified."""

from __future__ import annotations

import pytest
from trainplan.models.checker import Tally
from trainplan.models.loader import load_scenario
from trainplan.models.solution import Status
from trainplan.optimizer.explain import explain

from tests.conftest import FAST, SCENARIOS, solve_verified

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


def test_ben_tre_with_kon_tum_dropout_is_explained_by_commune_staff():
    sc = load_scenario(SCENARIOS / "ben_tre_dropout_whatif.yaml").scenario
    assert str(sc.level("intermediate").completion_rate_percent) == "36.67"  # 11 of 30
    exp = explain(sc, FAST)
    assert not exp.feasible and len(exp.proof) == len(exp.conflict)
    words = [i.label for i in exp.conflict]
    assert any("100 graduates at 36.67% completion need 273 starters" in w for w in words)
    assert any("at most 2 staff per unit may train (328 over 164 units)" in w for w in words)
