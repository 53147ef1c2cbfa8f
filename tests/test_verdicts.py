"""Verdicts are exact: check, explain, solve and min-budget agree with a per-unit brute force.

The cases that found the defects (issue 9, A-C) have few units and mixed course lengths
(1, 2 and 4 years); the random comparison below draws many more like them.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
import trainplan.optimizer.model as model_module
import yaml
from click.testing import CliRunner
from ortools.sat.python import cp_model
from trainplan import cli
from trainplan.models.checker import verify
from trainplan.models.scenario import MONEY_SCALE, Scenario
from trainplan.models.solution import Status
from trainplan.optimizer.explain import explain, min_budget
from trainplan.optimizer.solve import check_feasible, solve

from tests.conftest import FAST

LEVELS = {"one": 1, "two": 2, "four": 4}


def plan(units: int, staff: int, away: int, quotas: dict, last_year: int = 2026,
         costs: dict | None = None, milestones: list | None = None) -> Scenario:
    """One unit type of `units` units over 2020-`last_year`, levels of 1, 2 and 4 years."""
    costs = costs or {"one": 45, "two": 30, "four": 10}
    return Scenario.model_validate({
        "name": "verdict",
        "horizon": {"first_year": 2020, "last_year": last_year},
        "levels": [{"id": lid, "label_vi": lid, "label_en": lid, "duration_years": d,
                    "cost_per_trainee_year": costs[lid]} for lid, d in LEVELS.items()
                   if lid in quotas],
        "unit_types": [{"id": "f", "label_vi": "f", "label_en": "f", "units": units,
                        "staff_per_unit": staff, "max_in_training_per_unit": away,
                        "quotas": quotas}],
        "milestones": milestones or [],
        "objective": ["min_cost"],
    })


def d1() -> Scenario:
    """Issue 9, A: `check` said infeasible, `explain` said feasible (truth: infeasible)."""
    return plan(2, 6, 4, {"four": 7, "one": 4}, costs={"four": 10, "one": 10, "two": 10},
                milestones=[{"id": "by-2023", "label": "everyone by 2023", "by_year": 2023,
                             "share_percent": 100}])


def d2() -> Scenario:
    """Issue 9, B: `solve` gave no plan and claimed 460; the optimum is 465."""
    return plan(2, 6, 4, {lid: {"at_least": 0} for lid in LEVELS},
                milestones=[{"id": "eleven", "label": "11 by 2023", "by_year": 2023,
                             "people": 11}])


def brute_force(sc: Scenario) -> int | None:
    """Least cost (model units) with explicit variables per unit; None when infeasible."""
    ut = sc.unit_types[0]
    m = cp_model.CpModel()
    cohorts = [(lv, y) for _, lv, y in sc.cohorts()]
    x = {(u, c): m.new_int_var(0, ut.staff_per_unit, f"x{u}{c}")
         for u in range(ut.units) for c in cohorts}
    for u in range(ut.units):
        m.add(sum(x[u, c] for c in cohorts) <= ut.staff_per_unit)
        for year in sc.years:
            m.add(sum(x[u, (lv, y)] for lv, y in cohorts
                      if y <= year <= sc.graduation_year(lv, y)) <= ut.concurrency)
    for lid, q in ut.quotas.items():
        total = sum(v for (_, (lv, _)), v in x.items() if lv == lid)
        if q.mode != "at_most":
            m.add(total >= q.people)
        if q.mode != "at_least":
            m.add(total <= q.people)
    for ms in sc.milestones:
        m.add(sum(v for (_, (lv, y)), v in x.items()
                  if sc.graduation_year(lv, y) <= ms.by_year) >= sc.milestone_target(ms))
    cost = sum(sc.level(lv).cost_scaled * sc.level(lv).duration_years * v
               for (_, (lv, _)), v in x.items())
    m.minimize(cost)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    code = solver.solve(m)
    assert code in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return int(solver.value(cost)) if code == cp_model.OPTIMAL else None


def roster_cost(sc: Scenario, result) -> int:
    return sum(r.cost_million_vnd for r in result.roster.rows) * MONEY_SCALE


def test_d1_is_infeasible_for_every_command():
    sc = d1()
    assert brute_force(sc) is None
    assert check_feasible(sc, FAST).status == Status.infeasible
    exp = explain(sc, FAST)
    assert exp.feasible is False and exp.irreducible
    assert solve(sc, FAST).status == Status.infeasible
    assert min_budget(sc, FAST, shares=()).feasible is False


def test_d2_optimum_is_the_roster_written():
    sc = d2()
    assert brute_force(sc) == 465 * MONEY_SCALE
    result = solve(sc, FAST)
    assert result.status == Status.optimal
    assert result.goals[0].value == roster_cost(sc, result) == 465 * MONEY_SCALE
    assert verify(sc, result.roster, result.goals).ok
    assert min_budget(sc, FAST, shares=()).least_total == Decimal(465)


@pytest.mark.parametrize("path_limit", ["default", "per-unit"])
def test_every_command_agrees_with_a_per_unit_brute_force(monkeypatch, path_limit):
    # Few units, mixed course lengths, milestones: where the relaxed and the flow models
    # went wrong. "per-unit" forces the per-unit formulation instead of the flows.
    if path_limit == "per-unit":
        monkeypatch.setattr(model_module, "FLOW_VAR_LIMIT", 0)
    rng = random.Random(9)
    kinds = {"infeasible": 0, "feasible": 0}
    for case in range(60):
        staff = rng.randint(2, 6)
        levels = rng.sample(list(LEVELS), rng.randint(2, 3))
        quotas = {lv: {rng.choice(["exact", "at_least"]): rng.randint(0, 5)} for lv in levels}
        last = 2020 + rng.randint(3, 6)
        milestones = ([{"id": "m", "by_year": rng.randint(2021, last),
                        "people": rng.randint(1, 10)}] if rng.random() < 0.6 else [])
        sc = plan(rng.randint(1, 3), staff, rng.randint(1, staff - 1), quotas, last,
                  {lv: rng.randint(1, 50) for lv in LEVELS}, milestones)
        truth = brute_force(sc)
        result = solve(sc, FAST)
        checked = check_feasible(sc, FAST).status
        if truth is None:
            assert result.status == checked == Status.infeasible, (case, sc)
            assert explain(sc, FAST).feasible is False, case
        else:
            assert result.status == Status.optimal and checked == Status.optimal, (case, sc)
            assert result.goals[0].value == roster_cost(sc, result) == truth, (case, sc)
            assert verify(sc, result.roster, result.goals).ok, case
        kinds["infeasible" if truth is None else "feasible"] += 1
    assert min(kinds.values()) >= 10, kinds  # both verdicts are exercised


def test_the_roster_is_the_same_whatever_seed_and_workers():
    sc = plan(3, 4, 2, {"one": 5, "two": 3, "four": 2}, costs={"one": 1, "two": 1, "four": 1})
    rosters = {solve(sc, FAST.model_copy(update={"workers": w, "seed": s})).roster.model_dump_json()
               for w in (1, 2) for s in (0, 1, 7)}
    assert len(rosters) == 1


def test_money_beyond_float_precision_is_exact(tmp_path):
    sc = Scenario.model_validate({
        "name": "big", "horizon": {"first_year": 2020, "last_year": 2021},
        "levels": [{"id": "a", "label_vi": "a", "label_en": "a", "duration_years": 1,
                    "cost_per_trainee_year": Decimal("3000000000000.001")}],
        "unit_types": [{"id": "t", "label_vi": "t", "label_en": "t", "units": 7,
                        "staff_per_unit": 1, "quotas": {"a": 7}}]})
    result = solve(sc, FAST)
    assert result.status == Status.optimal
    assert result.goals[0].value == 21_000_000_000_000_007  # float would say ...008
    assert verify(sc, result.roster, result.goals).ok
    assert min_budget(sc, FAST, shares=()).least_total == Decimal("21000000000000.007")


def test_check_prints_the_verdict_even_when_the_explanation_runs_out(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "CHECK_EXPLAIN_S", 0.0)  # no time at all to explain
    path = tmp_path / "d1.yaml"
    path.write_text(yaml.safe_dump(d1().model_dump(mode="json", exclude_none=True)),
                    encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["check", str(path)])
    assert result.exit_code == 3, result.output  # the proven verdict stands
    lines = [ln for ln in result.output.splitlines() if not ln.startswith("warning:")]
    assert lines[0] == "verdict: infeasible"  # first, before any explanation
    assert "not every one was proved necessary" in result.output
    assert "trainplan explain" in result.output


def test_repair_files_keep_the_variant_and_set_values_they_repair(tmp_path):
    from trainplan.models.loader import explained_changes, load_scenario
    from trainplan.models.results import Change
    from trainplan.optimizer.explain import apply_changes

    from tests.conftest import SCENARIOS

    variants = SCENARIOS / "ben_tre_variants.yaml"
    args = ["--variant", "early-deadline", "--set", "budget.per_year=7000"]
    result = CliRunner().invoke(cli.main, ["explain", str(variants), *args, "--repairs-out",
                                           str(tmp_path), "--time-limit", "120"])
    assert result.exit_code == 3, result.output
    explained = load_scenario(variants, ["early-deadline"], ["budget.per_year=7000"])
    made = dict(explained_changes(explained))
    files = sorted(tmp_path.glob("repair-*.yaml"))
    assert files
    for path in files:
        overrides = yaml.safe_load(path.read_text(encoding="utf-8"))["overrides"]
        own = [Change(k, None, v, "") for k, v in overrides.items()
               if k not in made or made[k] != v]
        assert own, path  # the repair itself
        repaired = load_scenario(path).scenario
        assert repaired == apply_changes(explained.scenario, own), path
        assert check_feasible(repaired, FAST).status == Status.optimal, path


def thirteen_staff() -> Scenario:
    """13 staff; quotas of 3 and 10 graduates at 95% completion need 4 + 11 = 15 starters."""
    return Scenario.model_validate({
        "name": "thirteen", "horizon": {"first_year": 2020, "last_year": 2023},
        "levels": [{"id": lid, "label_vi": lid, "label_en": lid, "duration_years": 1,
                    "cost_per_trainee_year": 1, "completion_rate_percent": 95}
                   for lid in ("short", "long")],
        "unit_types": [{"id": "office", "label_vi": "o", "label_en": "o", "units": 1,
                        "staff_per_unit": 13, "quotas": {"short": 3, "long": 10}}]})


def test_the_explanation_states_its_arithmetic():
    exp = explain(thirteen_staff(), FAST)
    assert any("4 + 11 = 15 starters needed" in line and "13 staff" in line
               for line in exp.arithmetic), exp.arithmetic


def test_a_milestone_before_a_course_can_end_names_the_course_length():
    sc = plan(2, 6, 4, {"four": 2}, milestones=[{"id": "early", "by_year": 2022,
                                                  "people": 1}])
    exp = explain(sc, FAST)
    assert not exp.feasible
    assert ("milestone early: a 4-year four course cannot end by 2022 (started in 2020, it "
            "ends in 2023)") in exp.arithmetic


def test_completion_rates_are_raised_together_when_no_single_one_is_enough():
    from trainplan.optimizer.explain import repair_with

    repair = repair_with(thirteen_staff(), "completion_rate", FAST)
    assert repair is not None and repair.verified_feasible
    assert {(c.key, c.new) for c in repair.changes} == {
        ("levels.short.completion_rate_percent", 100),
        ("levels.long.completion_rate_percent", 100)}


def test_more_staff_is_a_repair_lever():
    from trainplan.optimizer.explain import repair_with

    repair = repair_with(thirteen_staff(), "staff", FAST)
    assert repair is not None and repair.verified_feasible and repair.minimal_checked
    assert [(c.key, c.new) for c in repair.changes] == [("unit_types.office.staff_per_unit", 15)]


def test_the_same_explanation_and_repairs_whatever_seed_and_workers():
    from tests.conftest import SCENARIOS

    args = ["explain", str(SCENARIOS / "ben_tre_variants.yaml"), "--variant",
            "low-completion", "--time-limit", "120"]
    outputs = {CliRunner().invoke(cli.main, [*args, "--seed", seed, "--workers", workers]).output
               for seed, workers in (("0", "2"), ("3", "1"))}
    assert len(outputs) == 1, outputs


def test_a_later_goal_out_of_time_keeps_the_plan_found(monkeypatch):
    import trainplan.optimizer.solve as solve_module

    real = solve_module.new_solver
    calls = []

    def starved_after_first(settings, workers=None, seed=None):
        solver = real(settings, workers, seed)
        calls.append(solver)
        if len(calls) > 1:  # every stage after the first goal gets no time at all
            solver.parameters.max_time_in_seconds = 0.0
        return solver

    monkeypatch.setattr(solve_module, "new_solver", starved_after_first)
    sc = plan(3, 4, 2, {"one": 5, "two": 3, "four": 2}).model_copy(
        update={"objective": ["min_cost", "smooth_intake"]})
    result = solve(sc, FAST)
    assert result.status == Status.feasible  # a plan, not "no answer", not "optimal"
    first, second = result.goals
    assert first.optimal and first.value == roster_cost(sc, result)
    assert not second.optimal
    assert verify(sc, result.roster, result.goals).ok
