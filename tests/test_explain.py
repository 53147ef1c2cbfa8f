"""Explanations, repairs and least budgets (issue 3)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from trainplan.cli import main
from trainplan.models.loader import load_scenario
from trainplan.optimizer.explain import (
    SLACK_LEVERS,
    Switchboard,
    apply_changes,
    cheapest_combination,
    explain,
    is_feasible,
    min_budget,
    repairs,
)

from tests.conftest import FAST, SCENARIOS, scenario, solve_verified, tiny
from tests.test_rules import CASES

BEN_TRE = SCENARIOS / "ben_tre_2010_2020.yaml"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_family_is_named_in_an_irreducible_conflict(rule):
    sc = scenario(CASES[rule][1])  # infeasible because of this rule
    exp = explain(sc, FAST)
    assert not exp.feasible
    assert rule in {i.rule for i in exp.conflict}
    assert exp.irreducible
    board = Switchboard(sc, FAST, seconds=60)  # re-check independently of explain()'s proof
    assert board.infeasible(exp.conflict) is True
    for member in exp.conflict:
        assert board.infeasible([c for c in exp.conflict if c != member]) is False, member.label


@pytest.mark.parametrize("rule", sorted(CASES))
def test_repairs_are_feasible_and_minimal(rule):
    sc = scenario(CASES[rule][1])
    found = repairs(sc, FAST)
    assert found, f"no repair found for a plan broken by {rule}"
    for repair in found:
        assert repair.verified_feasible
        assert is_feasible(apply_changes(sc, repair.changes), FAST) is True
        assert repair.minimal_checked, repair.words


def test_quota_needing_more_starters_than_staff_is_explained_in_numbers():
    data = tiny()
    data["levels"][1]["completion_rate_percent"] = 95
    data["unit_types"][0]["quotas"] = {"B": 6}
    data["unit_types"][0]["staff_per_unit"] = 2  # 3 units x 2 = 6 staff, 7 starters needed
    exp = explain(scenario(data), FAST)
    words = [i.label for i in exp.conflict]
    assert any("6 graduates at 95% completion need 7 starters" in w for w in words)
    assert any("at most 2 staff per unit may train (6 over 3 units)" in w for w in words)


def test_total_budget_repair_is_priced_and_one_less_fails():
    sc = scenario(tiny(budget={"total": 90}))  # the plan costs 100
    (repair,) = [r for r in repairs(sc, FAST) if r.lever == "total_budget"]
    assert repair.changes[0].new == 100
    assert "+10 million VND" in repair.words
    assert is_feasible(apply_changes(sc, repair.changes), FAST)
    less = [type(c)(c.key, c.old, c.new - 1, "") for c in repair.changes]
    assert is_feasible(apply_changes(sc, less), FAST) is False


def test_milestone_year_repair_moves_the_deadline_by_the_least():
    sc = scenario(tiny(milestones=[{"id": "m", "by_year": 2020, "levels": ["B"],
                                    "share_percent": 100}]))
    (repair,) = [r for r in repairs(sc, FAST) if r.lever == "milestone_year"]
    assert repair.words == "move milestone m from 2020 to 2021"


def test_completion_repair_finds_the_least_rate():
    data = tiny()
    data["levels"][0]["completion_rate_percent"] = 40  # A: 2 graduates need 5 starters
    sc = scenario(data)  # 5 + 2 = 7 starters > 6 staff
    (repair,) = [r for r in repairs(sc, FAST) if r.lever == "completion_rate"]
    assert repair.changes[0].new == 50  # 4 starters x 50% = 2 graduates; 49% gives 1


def test_cheapest_combination_pulls_preferred_levers_first():
    sc = scenario(tiny(budget={"total": 90}, capacity={"starts_per_year": 1}))
    combo = cheapest_combination(sc, ["total_budget", "quota"], FAST)
    assert combo is not None and combo.verified_feasible
    assert {c.key for c in combo.changes} == {"budget.total"}
    combo = cheapest_combination(sc, ["quota", "total_budget"], FAST)
    assert all(c.key.startswith("unit_types") for c in combo.changes)


def test_feasible_scenario_explains_as_feasible():
    sc = load_scenario(BEN_TRE).scenario
    exp = explain(sc, FAST)
    assert exp.feasible and exp.conflict == []


def test_min_budget_equals_the_optimal_cost():
    sc = load_scenario(BEN_TRE).scenario
    answer = min_budget(sc, FAST, shares=(90, 100))
    cost = solve_verified(sc).goals[0]
    assert cost.name == "min_cost" and cost.optimal
    assert answer.least_total == Decimal(cost.value) / 1000
    assert answer.curve[-1] == (100, answer.least_total)
    assert answer.curve[0][1] < answer.least_total


def test_min_budget_of_a_budget_starved_plan_makes_it_feasible():
    sc = scenario(tiny(budget={"total": 50}))
    answer = min_budget(sc, FAST, shares=(100,))
    assert answer.least_total == 100
    fixed = sc.model_copy(update={"budget": sc.budget.model_copy(update={"total": Decimal(100)})})
    assert is_feasible(fixed, FAST)


def test_explain_cli_json_and_repair_files(tmp_path):
    result = CliRunner().invoke(main, [
        "explain", str(BEN_TRE), "--set", "budget.total=30000", "--json",
        "--repairs-out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert not data["feasible"]
    assert "total_budget" in {c["rule"] for c in data["conflict"]}
    (budget,) = [r for r in data["repairs"] if r["lever"] == "total_budget"]
    assert budget["changes"][0]["new"] == 37640
    written = tmp_path / "repair-total_budget.yaml"
    repaired = load_scenario(written).scenario
    assert is_feasible(repaired, FAST)


def test_check_explains_when_infeasible():
    result = CliRunner().invoke(main, ["check", str(BEN_TRE), "--set", "budget.total=30000"])
    assert result.exit_code == 3
    assert "Why: these" in result.output and "Irreducible" in result.output


def test_min_budget_cli():
    result = CliRunner().invoke(main, ["min-budget", str(BEN_TRE), "--json", "--shares", "100"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["least_total_million_vnd"] == 37640
    assert data["roster_verified"] is True


def test_priority_rejects_unknown_levers():
    result = CliRunner().invoke(main, ["explain", str(BEN_TRE), "--priority", "money"])
    assert result.exit_code == 2
    assert set(SLACK_LEVERS) <= set(result.output.replace(",", " ").split())


def test_one_scenario_value_behind_several_instances_is_one_change():
    # 4 people, at least 2 starters in each of 5 years: every year's instance pulls the
    # same value (capacity.min_starts_per_year); the repair lowers it once, to 0
    sc = scenario(tiny(capacity={"min_starts_per_year": 2}))
    (repair,) = [r for r in repairs(sc, FAST, ["minimum_intake"])]
    assert [(c.key, c.old, c.new) for c in repair.changes] == [
        ("capacity.min_starts_per_year", 2, 0)]
    assert repair.verified_feasible and repair.minimal_checked
