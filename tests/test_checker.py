"""The independent checker: no solver inside, and it catches what it should."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from trainplan.models.checker import verify
from trainplan.models.solution import Roster, RosterRow

from tests.conftest import ROOT, scenario, solve_verified, tiny


def test_checker_does_not_import_the_solver():
    code = ("import sys, models.checker, models.results, reports.tables; "
            "sys.exit(1 if any(m.startswith('ortools') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def row(year, unit, level, starts=1, **kw):
    sc = scenario(tiny())
    lv = sc.level(level)
    return RosterRow(year=year, unit_type="commune", unit=unit, level=level, starts=starts,
                     graduation_year=kw.get("grad", year + lv.duration_years - 1),
                     cost_million_vnd=kw.get("cost", starts * lv.duration_years
                                             * lv.cost_per_trainee_year))


def test_a_hand_made_valid_roster_passes():
    sc = scenario(tiny())
    roster = Roster(rows=[row(2020, "commune-001", "B", 2), row(2022, "commune-002", "A", 2)])
    assert verify(sc, roster).ok


def test_unit_staff_is_checked_unit_by_unit():
    sc = scenario(tiny())
    roster = Roster(rows=[row(2020, "commune-001", "B", 2), row(2022, "commune-001", "A", 2)])
    rules = {v.rule for v in verify(sc, roster).violations}
    assert rules == {"unit_staff"}


def test_unit_concurrency_is_checked_unit_by_unit():
    data = tiny()
    data["unit_types"][0]["max_in_training_per_unit"] = 1
    sc = scenario(data)
    roster = Roster(rows=[row(2020, "commune-001", "B", 2), row(2022, "commune-002", "A", 2)])
    messages = [v.message for v in verify(sc, roster).violations]
    assert any("commune-001, 2020: 2 staff in training, at most 1" in m for m in messages)
    assert any("commune-002, 2022" in m for m in messages)


def test_malformed_rows_are_reported():
    sc = scenario(tiny())
    roster = Roster(rows=[row(2020, "commune-009", "B", 2, grad=2020, cost=Decimal(1)),
                          row(2024, "commune-001", "B", 2)])
    messages = " | ".join(v.message for v in verify(sc, roster).violations)
    assert "unknown unit" in messages
    assert "does not follow" in messages
    assert "ends after the plan" in messages
    assert "does not match" in messages


def test_a_wrong_claimed_objective_is_caught():
    sc = scenario(tiny())
    result = solve_verified(sc)
    lying = [g.model_copy(update={"value": g.value - 1}) for g in result.goals]
    assert any(v.rule == "objective" for v in verify(sc, result.roster, lying).violations)
