"""Handing a per-type plan to individual units (optimizer.assign.assign_to_units)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from ortools.sat.python import cp_model
from trainplan.models.checker import verify
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Roster, Status
from trainplan.optimizer.assign import AssignmentError, assign_to_units
from trainplan.optimizer.explain import explain
from trainplan.optimizer.model import RULE_REGISTRY, build
from trainplan.optimizer.solve import solve

from benchmarks.national import national_scenario
from tests.conftest import FAST


def one_type(units: int, staff: int, concurrency: int, quotas: dict, last_year: int = 2025,
             costs: tuple[int, int, int] = (1, 1, 1), **extra) -> Scenario:
    """Three levels of 1, 2 and 3 years over 2020-`last_year`, one unit type."""
    return Scenario.model_validate({
        "name": "assignment",
        "horizon": {"first_year": 2020, "last_year": last_year},
        "levels": [
            {"id": lid, "label_vi": lid, "label_en": lid, "duration_years": d,
             "cost_per_trainee_year": c}
            for (lid, d), c in zip((("S", 1), ("M", 2), ("L", 3)), costs, strict=True)
        ],
        "unit_types": [{"id": "u", "label_vi": "u", "label_en": "u", "units": units,
                        "staff_per_unit": staff, "max_in_training_per_unit": concurrency,
                        "quotas": quotas}],
        **extra,
    })


def unit_limits_hold(sc: Scenario, per_type: dict, rows: list) -> None:
    ut = sc.unit_types[0]
    handed = Counter()
    sent = Counter()
    away = Counter()
    for r in rows:
        handed[r.unit_type, r.level, r.year] += r.starts
        sent[r.unit] += r.starts
        for y in range(r.year, r.graduation_year + 1):
            away[r.unit, y] += r.starts
    assert handed == Counter({k: n for k, n in per_type.items() if n})
    assert max(sent.values(), default=0) <= ut.staff_per_unit
    assert max(away.values(), default=0) <= ut.concurrency


def test_greedy_dead_end_is_rescued_by_a_swap():
    # Two units of 2 staff, one away at a time. Year by year the greedy gives the
    # 2022 long course to the untouched unit 2 and the 2022 short one to unit 1; in
    # 2023 unit 1 has no one left and unit 2 is away. A split exists: unit 1 takes
    # S2020 + L2022, unit 2 takes S2022 + M2023.
    sc = one_type(2, 2, 1, {"S": 2, "M": 1, "L": 1})
    per_type = {("u", "S", 2020): 1, ("u", "S", 2022): 1, ("u", "L", 2022): 1,
                ("u", "M", 2023): 1}
    rows = assign_to_units(sc, per_type)
    unit_limits_hold(sc, per_type, rows)
    check = verify(sc, Roster(rows=rows))
    assert check.ok, check.violations
    by_unit = {u: sorted((r.level, r.year) for r in rows if r.unit == u)
               for u in ("u-001", "u-002")}
    assert by_unit == {"u-001": [("L", 2022), ("S", 2020)],
                       "u-002": [("M", 2023), ("S", 2022)]}


def test_plan_that_no_split_can_hold_is_refused():
    # Per type it fits (two away each year, four people); per unit it cannot: the
    # 2020-2022 course overlaps all three short ones, so its unit trains one person.
    sc = one_type(2, 2, 1, {"S": 3, "L": 1})
    per_type = {("u", "S", 2020): 1, ("u", "S", 2021): 1, ("u", "S", 2022): 1,
                ("u", "L", 2020): 1}
    with pytest.raises(AssignmentError, match="cannot be split"):
        assign_to_units(sc, per_type)


def random_plan(rng: random.Random, sc: Scenario) -> dict:
    """A random per-type plan within the per-type staff and concurrency limits."""
    ut = sc.unit_types[0]
    plan = dict.fromkeys(sc.cohorts(), 0)
    keys = list(plan)
    for _ in range(ut.units * ut.staff_per_unit):
        key = rng.choice(keys)
        plan[key] += 1
        away = [sum(n for (_, lv, y), n in plan.items()
                    if y <= year <= sc.graduation_year(lv, y)) for year in sc.years]
        if sum(plan.values()) > ut.units * ut.staff_per_unit or \
                max(away) > ut.units * ut.concurrency:
            plan[key] -= 1
    return plan


def test_random_plans_split_within_every_unit_limit_or_are_refused():
    rng = random.Random(7)
    split = 0
    for _ in range(300):
        staff = rng.randint(2, 5)
        sc = one_type(rng.randint(2, 5), staff, rng.randint(1, staff - 1),
                      {"S": 0, "M": 0, "L": 0})
        plan = random_plan(rng, sc)
        try:
            rows = assign_to_units(sc, plan)
        except AssignmentError:
            continue
        split += 1
        unit_limits_hold(sc, plan, rows)
        assert assign_to_units(sc, plan) == rows  # deterministic
    assert split >= 280  # these 300: the greedy alone split 276, with swaps 299


# ----- the exact per-unit model (unit-state flow) ----------------------------------------


def unsplittable() -> Scenario:
    """Two communes of 2 staff, one away at a time, 2020-2022; three 1-year and one
    3-year course. Per type it fits (4 people, 2 away each year); per unit it cannot:
    the 3-year course fills its unit's three years, leaving all three short courses
    to the other unit's two staff."""
    return one_type(2, 2, 1, {"S": 3, "L": 1}, last_year=2022)


def _status(m) -> str:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.status_name(solver.solve(m.model))


def test_plan_the_relaxation_accepts_but_no_unit_split_holds_is_infeasible():
    sc = unsplittable()
    assert _status(build(sc, exact=frozenset())) == "OPTIMAL"  # the per-type relaxation
    assert _status(build(sc)) == "INFEASIBLE"
    assert solve(sc, FAST).status == Status.infeasible  # was: unassigned


def test_explain_names_the_unit_by_unit_concurrency_of_that_type():
    found = explain(unsplittable(), FAST)
    assert not found.feasible
    keys = {(i.rule, i.key) for i in found.conflict}
    assert ("unit_concurrency", "u/units") in keys, keys


def _brute_force(sc: Scenario, staff_rule: bool, plan: dict | None = None
                 ) -> tuple[str, int | None]:
    """Lowest total cost with explicit variables per unit (the definition of the rules);
    with `plan`, the starters of each cohort are fixed and quotas are not asked."""
    ut = sc.unit_types[0]
    model = cp_model.CpModel()
    cohorts = sc.cohorts()
    x = {(u, c): model.new_int_var(0, ut.staff_per_unit, f"x{u}{c}")
         for u in range(ut.units) for c in cohorts}
    for u in range(ut.units):
        if staff_rule:
            model.add(sum(x[u, c] for c in cohorts) <= ut.staff_per_unit)
        for year in sc.years:
            model.add(sum(x[u, (t, lv, y)] for t, lv, y in cohorts
                          if y <= year <= sc.graduation_year(lv, y)) <= ut.concurrency)
    for c, n in (plan or {}).items():
        model.add(sum(x[u, c] for u in range(ut.units)) == n)
    for lid, q in ({} if plan else ut.quotas).items():
        total = sum(v for (u, (t, lv, y)), v in x.items() if lv == lid)
        if q.mode != "at_most":
            model.add(total >= q.people)
        if q.mode != "at_least":
            model.add(total <= q.people)
    for year in sc.years:
        if (cap := sc.starts_cap(year)) is not None:
            model.add(sum(v for (u, (t, lv, y)), v in x.items() if y == year) <= cap)
    model.minimize(sum(sc.level(lv).cost_scaled * sc.level(lv).duration_years * v
                       for (u, (t, lv, y)), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    code = solver.solve(model)
    return solver.status_name(code), (round(solver.objective_value)
                                      if code == cp_model.OPTIMAL else None)


def _model_cost(m, fix_switches: bool = False) -> tuple[str, int | None]:
    if fix_switches:
        for lit in m.literals.values():
            m.model.add(lit == 1)
    m.model.minimize(m.vars.total_cost())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    code = solver.solve(m.model)
    return solver.status_name(code), (round(solver.objective_value)
                                      if code == cp_model.OPTIMAL else None)


def test_flow_model_equals_a_per_unit_brute_force_on_random_small_plans():
    # Same status and lowest cost as explicit per-unit variables, with and without the
    # staff rule, and the same again in the switchable model with every rule on.
    rng = random.Random(11)
    for case in range(300):
        staff, units = rng.randint(2, 4), rng.randint(1, 3)
        levels = rng.sample(["S", "M", "L"], rng.randint(1, 3))
        if rng.random() < 0.5:  # every staff member trained, as in the plans' tables
            cuts = sorted(rng.randint(0, units * staff) for _ in levels[1:])
            people = [b - a for a, b in zip([0, *cuts], [*cuts, units * staff], strict=True)]
            quotas = dict(zip(levels, people, strict=True))
        else:
            quotas = {lv: {rng.choice(["exact", "at_least", "at_most"]): rng.randint(0, 4)}
                      for lv in levels}
        capacity = {"starts_per_year": rng.randint(1, 4)} if rng.random() < 0.4 else {}
        sc = one_type(units, staff, rng.randint(1, staff - 1), quotas,
                      last_year=2020 + rng.randint(2, 5),
                      costs=tuple(rng.randint(1, 5) for _ in range(3)), capacity=capacity)
        staff_rule = rng.random() < 0.8
        rules = None if staff_rule else [r for r in RULE_REGISTRY if r != "unit_staff"]
        expected = _brute_force(sc, staff_rule)
        assert _model_cost(build(sc, rules=rules)) == expected, (case, sc)
        # with every rule switched on, the switchable model is the same
        assert _model_cost(build(sc, switches=True, rules=rules), True) == expected, case


def test_flow_model_holds_exactly_the_random_plans_units_can_split():
    # Random per-type plans within the per-type limits (which the relaxation accepts),
    # fixed in the model with only the two per-unit rules: feasible iff a split exists.
    rng = random.Random(5)
    unsplittable = 0
    for case in range(300):
        staff = rng.randint(2, 4)
        sc = one_type(rng.randint(2, 3), staff, rng.randint(1, staff - 1),
                      {"S": 0, "M": 0, "L": 0}, last_year=2020 + rng.randint(2, 4))
        plan = random_plan(rng, sc)
        expected = _brute_force(sc, True, plan)[0]
        m = build(sc, rules=["unit_staff", "unit_concurrency"])
        for c, n in plan.items():
            m.model.add(m.vars.start(*c) == n)
        assert _model_cost(m)[0] == expected, (case, plan)
        unsplittable += expected == "INFEASIBLE"
    assert unsplittable >= 3  # these 300: 4


def test_national_case_the_relaxation_could_not_split_is_solved_and_verified():
    # 9 years, seed 0: per type, 3,843 commune university starters in 2012 could only
    # be paired with the 3,243 college starters of 2016; no split over communes existed.
    sc = Scenario.model_validate(national_scenario(years=9, seed=0))
    result = solve(sc, FAST)
    assert result.status == Status.optimal, result.message
    check = verify(sc, result.roster, result.goals)
    assert check.ok, check.violations[:5]
    one_worker = solve(sc, FAST.model_copy(update={"workers": 1}))
    assert one_worker.roster == result.roster  # the flow's split is deterministic
