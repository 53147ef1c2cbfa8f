"""Each planning rule tested three ways: trivially feasible, broken, allowed alternative.

Every case is solved by the full model; feasible rosters go through the
independent checker. For a broken case, the model without that one rule must
be feasible (so the rule, not something else, is what breaks it) and, where a
roster comes back, the checker must name the rule.
"""

from __future__ import annotations

import copy

import pytest
from trainplan.models.checker import goal_values, verify
from trainplan.models.scenario import MONEY_SCALE
from trainplan.models.solution import Roster, RosterRow, Status
from trainplan.optimizer.model import RULE_REGISTRY
from trainplan.optimizer.solve import solve

from tests.conftest import FAST, TINY, scenario, solve_verified, tiny


def with_type(**fields) -> list[dict]:
    ut = copy.deepcopy(TINY["unit_types"][0])
    ut.update(fields)
    return [ut]


def with_level(level_id: str, **fields) -> list[dict]:
    levels = copy.deepcopy(TINY["levels"])
    for lv in levels:
        if lv["id"] == level_id:
            lv.update(fields)
    return levels


def workforce(staff: dict | None = None, capacity: dict | None = None, **section) -> dict:
    """The tiny scenario with a workforce: 3 communes, 6 staff holding none, any course.

    Default routes: A takes staff from none to A (1 year), B from A to B (2 years);
    `staff` changes the commune's staff description, `capacity` the scenario's places,
    `section` the section's lists.
    """
    described = {"unit_type": "commune", "at_start": 6, "held_at_start": {"none": 6}}
    described.update(staff or {})
    return tiny(unit_types=with_type(staff_per_unit=4, quotas={"A": {"at_least": 0},
                                                                "B": {"at_least": 0}}),
                phases=[{"id": "p1", "first_year": 2020, "last_year": 2020}],
                capacity=capacity or {}, workforce={"staff": [described], **section})


def _cover(qualification: str, year: int, share: int = 100) -> list[dict]:
    return [{"id": "c", "by_year": year, "at_least": qualification, "share_percent": share}]


def _quota_a(data: dict, people: int) -> dict:
    """The workforce scenario asking for at least `people` graduates at A."""
    data["unit_types"][0]["quotas"]["A"] = {"at_least": people}
    return data


_TEN = {"at_start": 10, "held_at_start": {"none": 10}, "attrition_percent": 10}
_FALLING = {2020: 10, 2021: 9, 2022: 9, 2023: 9, 2024: 9}


# rule -> (trivially feasible, broken, allowed alternative); each a scenario dict
CASES: dict[str, tuple[dict, dict, dict]] = {
    "quota_met": (
        tiny(),
        tiny(unit_types=with_type(quotas={"A": 5, "B": 2})),  # 7 people, 6 staff
        tiny(unit_types=with_type(quotas={"A": {"at_most": 5}, "B": 2})),
    ),
    "annual_places": (
        tiny(capacity={"starts_per_year": 10}),
        tiny(capacity={"starts_per_year": 0}),
        tiny(capacity={"starts_per_year": 0, "starts_by_year": {2022: 4}}),
    ),
    "level_places": (
        tiny(capacity={"by_level": {"A": {"starts_per_year": 5}}}),
        tiny(capacity={"by_level": {"A": {"starts_per_year": 0}}}),
        tiny(capacity={"by_level": {"A": {"starts_per_year": 0, "starts_by_year": {2024: 2}}}}),
    ),
    "group_places": (  # A and B share places: 4 starters over 5 years
        tiny(capacity={"groups": [{"id": "g", "levels": ["A", "B"], "starts_per_year": 1}]}),
        tiny(capacity={"groups": [{"id": "g", "levels": ["A", "B"], "starts_per_year": 0}]}),
        tiny(capacity={"groups": [{"id": "g", "levels": ["A"], "starts_per_year": 0}]},
             unit_types=with_type(quotas={"A": {"at_most": 2}, "B": 2})),
    ),
    "minimum_intake": (
        tiny(capacity={"min_starts_per_year": 0}),
        tiny(capacity={"min_starts_per_year": 1}),  # 5 years x 1 > 4 people
        tiny(capacity={"min_starts_per_year": 1},
             unit_types=with_type(quotas={"A": {"at_least": 2}, "B": 2})),
    ),
    "seats": (
        tiny(capacity={"seats": 10}),
        tiny(capacity={"seats": 0}),
        tiny(capacity={"seats": 0, "seats_by_year": {2023: 4, 2024: 4}}),
    ),
    "level_seats": (
        tiny(capacity={"by_level": {"B": {"seats": 10}}}),
        tiny(capacity={"by_level": {"B": {"seats": 0}}}),
        tiny(capacity={"by_level": {"B": {"seats": 0, "seats_by_year": {2021: 2, 2022: 2}}}}),
    ),
    "total_budget": (
        tiny(budget={"total": 100}),  # 2 x 1 x 10 + 2 x 2 x 20 = 100
        tiny(budget={"total": 99}),
        tiny(budget={"total": 99}, levels=with_level("B", cost_per_trainee_year="19.5")),
    ),
    "annual_budget": (
        tiny(budget={"per_year": 100}),
        tiny(budget={"per_year": 10}),  # one B trainee-year costs 20
        tiny(budget={"per_year": 10, "by_year": {2021: 40, 2022: 40}}),
    ),
    "funding_sources": (
        tiny(budget={"sources": [{"id": "state", "amount": 1000}]}),
        tiny(budget={"sources": [{"id": "state", "amount": 1000, "levels": ["A"]}]}),
        tiny(budget={"sources": [{"id": "state", "amount": 1000, "levels": ["A"]},
                                 {"id": "oda", "amount": 80, "levels": ["B"]}]}),
    ),
    "milestones": (
        tiny(milestones=[{"id": "m", "by_year": 2024, "levels": ["B"], "share_percent": 100}]),
        tiny(milestones=[{"id": "m", "by_year": 2020, "levels": ["B"], "share_percent": 100}]),
        tiny(milestones=[{"id": "m", "by_year": 2021, "levels": ["B"], "people": 2}]),
    ),
    "unit_staff": (
        tiny(),
        tiny(unit_types=with_type(units=3, staff_per_unit=1)),  # 3 staff, 4 people
        tiny(unit_types=with_type(units=4, staff_per_unit=1)),
    ),
    "unit_concurrency": (
        tiny(unit_types=with_type(max_in_training_per_unit=2)),
        tiny(horizon={"first_year": 2020, "last_year": 2021},  # B fills 2020-21 alone
             unit_types=with_type(units=2, max_in_training_per_unit=1)),
        tiny(unit_types=with_type(units=2, max_in_training_per_unit=1)),
    ),
    # 10 staff hold none, 10% leave: a stock of 10 loses 1, of 9 or fewer nobody. Staff
    # fall from 10 to 9 in 2021, so 2021 needs a leaver; a starter in 2020 (A ends that
    # year) leaves 9 holding none in 2021, and nobody leaves: a layoff
    "staff_turnover": (
        workforce(_TEN),
        workforce(_TEN | {"by_year": _FALLING}, capacity={"min_starts_per_year": 1}),
        workforce(_TEN | {"by_year": _FALLING}),
    ),
    # 6 hold none and nobody leaves or is hired: at most 6 ever start A
    "trainees_from_staff": (
        workforce(coverage=_cover("A", 2020)),
        _quota_a(workforce(), 7),
        _quota_a(workforce({"growth_percent": {2021: 50}}), 7),
    ),
    # all 6 hold B; 1 leaves in 2020 and B universal by the end of 2020 needs a B recruit
    "qualified_recruits": (
        workforce({"held_at_start": {"B": 6}, "recruits": {"B": {"per_year": 1}}}),
        workforce({"held_at_start": {"B": 6}, "attrition_percent": 20,
                   "recruits": {"B": {"per_year": 0}}}, coverage=_cover("B", 2020)),
        workforce({"held_at_start": {"B": 6}, "attrition_percent": 20,
                   "recruits": {"B": {"per_year": 1}}}, coverage=_cover("B", 2020)),
    ),
    # A universal by 2020 needs all 6 to start A in 2020, but there are 5 places a year
    "coverage": (
        workforce(coverage=_cover("A", 2024, 50)),
        workforce(coverage=_cover("A", 2020), capacity={"starts_per_year": 5}),
        workforce(coverage=_cover("A", 2021), capacity={"starts_per_year": 5}),
    ),
    "trained_share": (  # phase p1 = 2020: 6 graduates need 6 A starters that year
        workforce(trained=[{"id": "t", "phase": "p1", "share_percent": 50}]),
        workforce(trained=[{"id": "t", "phase": "p1", "share_percent": 100}],
                  capacity={"starts_per_year": 5}),
        workforce(trained=[{"id": "t", "phase": "p1", "share_percent": 80}],
                  capacity={"starts_per_year": 5}),
    ),
    "staffed_units": (  # 2 holding A in each of the 3 units by 2020: 6 A starters in 2020
        workforce(staffed_units=[{"id": "u", "by_year": 2024, "at_least": "A",
                                  "share_percent": 100}]),
        workforce(staffed_units=[{"id": "u", "by_year": 2020, "at_least": "A", "staff": 2,
                                  "share_percent": 100}], capacity={"starts_per_year": 5}),
        workforce(staffed_units=[{"id": "u", "by_year": 2020, "at_least": "A", "staff": 2,
                                  "share_percent": 60}], capacity={"starts_per_year": 5}),
    ),
}


def roster(data: dict, *rows: tuple[int, str, str, int]) -> Roster:
    """A hand-built roster of the tiny scenario: (start year, unit, level, starters) rows."""
    sc = scenario(data)
    return Roster(rows=[RosterRow(
        year=year, unit_type="commune", unit=unit, level=level, starts=n,
        graduation_year=sc.graduation_year(level, year),
        cost_million_vnd=n * sc.level(level).duration_years * sc.level(level).cost_per_trainee_year)
        for year, unit, level, n in rows])


# Per-unit rules: without the rule the model's plan still cannot be handed to units
# (status unassigned, no roster), so the checker half reads a hand-built roster of the
# broken scenario that breaks only this rule.
BROKEN_ROSTERS: dict[str, Roster] = {
    "unit_staff": roster(CASES["unit_staff"][1],  # commune-001 sends 2 of its 1 staff
                         (2020, "commune-001", "A", 1), (2021, "commune-001", "A", 1),
                         (2020, "commune-002", "B", 1),
                         (2020, "commune-003", "B", 1)),
    "unit_concurrency": roster(CASES["unit_concurrency"][1],  # 2 of commune-001 away in 2020
                               (2020, "commune-001", "A", 1), (2020, "commune-001", "B", 1),
                               (2021, "commune-002", "A", 1), (2020, "commune-002", "B", 1)),
}


def test_every_registered_rule_has_three_cases():
    assert set(CASES) == set(RULE_REGISTRY)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_trivially_feasible(rule):
    result = solve_verified(scenario(CASES[rule][0]))
    assert result.status == Status.optimal


@pytest.mark.parametrize("rule", sorted(CASES))
def test_broken_is_infeasible_because_of_this_rule(rule):
    sc = scenario(CASES[rule][1])
    assert solve_verified(sc).status == Status.infeasible
    others = [r for r in RULE_REGISTRY if r != rule]
    relaxed = solve(sc, FAST, rules=others)
    assert relaxed.status in (Status.optimal, Status.unassigned), relaxed.status
    broken = relaxed.roster if relaxed.roster is not None else BROKEN_ROSTERS.get(rule)
    assert broken is not None, f"{rule}: no roster for the checker half"
    rules_broken = {v.rule for v in verify(sc, broken).violations}
    assert rule in rules_broken
    if relaxed.roster is None:  # the hand-built roster breaks this rule and no other
        assert rules_broken == {rule}, rules_broken


@pytest.mark.parametrize("rule", sorted(CASES))
def test_allowed_alternative_is_feasible(rule):
    result = solve_verified(scenario(CASES[rule][2]))
    assert result.status == Status.optimal


# goal -> (scenario whose only goal it is, the value the optimum must have in model units)
GOAL_CASES: dict[str, tuple[dict, int]] = {
    # 2 A x 1 year x 10 + 2 B x 2 years x 20 = 100 million VND
    "min_cost": (tiny(objective=["min_cost"]), 100 * MONEY_SCALE),
    # 4 starters over 5 years cannot be level: one change of one person at least
    "smooth_intake": (tiny(objective=["smooth_intake"]), 1),
    # everyone starts in 2020: A graduates that year (0), B a year later (1 each)
    "earliest_completion": (tiny(objective=["earliest_completion"]), 2),
}


@pytest.mark.parametrize("goal", sorted(GOAL_CASES))
def test_goal_reaches_its_optimum_and_the_checker_agrees(goal):
    data, expected = GOAL_CASES[goal]
    sc = scenario(data)
    result = solve_verified(sc)
    assert result.status == Status.optimal
    assert result.goals[0].name == goal and result.goals[0].value == expected
    assert goal_values(sc, result.roster)[goal] == expected


# ----- person rules (`--staff`): the tiny scenario's communes with named people -----------
# Each case: (register rows, unit roster as (unit, level, year, starts), scenario changes).
# Without a workforce section, A's course starts from 'none', B's from A.

def _p(pid: str, **fields) -> dict:
    from tests.test_people import person

    return person(pid, **fields)


A2 = {"levels": with_level("A", duration_years=2)}
PERSON_CASES: dict[str, tuple[tuple, tuple, tuple]] = {
    "person_courses": (
        ([_p("p1")], [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1")], [("commune-002", "A", 2020, 1)], {}),  # no one works at commune-002
        ([_p("p1"), _p("p2")], [("commune-001", "A", 2020, 2)], {}),
    ),
    "person_one_at_a_time": (
        ([_p("p1")], [("commune-001", "A", 2020, 1), ("commune-001", "B", 2021, 1)], {}),
        ([_p("p1")], [("commune-001", "A", 2020, 1), ("commune-001", "B", 2021, 1)], A2),
        ([_p("p1")], [("commune-001", "A", 2020, 1), ("commune-001", "B", 2022, 1)], A2),
    ),
    "person_routes": (
        ([_p("p1", qualification="A")], [("commune-001", "B", 2020, 1)], {}),
        ([_p("p1")], [("commune-001", "B", 2020, 1)], {}),  # B needs A
        ([_p("p1")], [("commune-001", "A", 2020, 1), ("commune-001", "B", 2021, 1)], {}),
    ),
    "person_retirement": (
        ([_p("p1", retirement_year=2030)], [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1", retirement_year=2021)], [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1", retirement_year=2022)], [("commune-001", "A", 2020, 1)], {}),
    ),
    "person_available": (
        ([_p("p1", hired_year=2015)], [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1", hired_year=2021)], [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1", hired_year=2021)], [("commune-001", "A", 2021, 1)], {}),
    ),
    "person_pins": (
        ([_p("p1"), _p("p2", must_train_year=2020, must_train_level="A")],
         [("commune-001", "A", 2020, 1)], {}),
        ([_p("p1"), _p("p2", must_train_year=2021, must_train_level="A")],
         [("commune-001", "A", 2020, 1)], {}),  # the plan has no A in 2021 at commune-001
        ([_p("p1", last_trained_year=2019), _p("p2", must_train_year=2020, must_train_level="A")],
         [("commune-001", "A", 2020, 1)], {}),  # p2 ranks first anyway
    ),
    "person_in_training": (
        ([_p("p1", in_training_level="A", in_training_since=2019)],
         [("commune-001", "B", 2020, 1)], {}),
        ([_p("p1", in_training_level="A", in_training_since=2019)],
         [("commune-001", "B", 2020, 1)], A2),  # A of 2 years runs to 2020
        ([_p("p1", in_training_level="A", in_training_since=2019)],
         [("commune-001", "B", 2021, 1)], A2),
    ),
}


def _person_case(case: tuple, folder):
    from tests.test_people import courses, register

    people, spec, changes = case
    sc = scenario(tiny(**changes))
    return sc, register(sc, people, folder), courses(sc, spec)


def test_every_person_rule_is_declared_modelled_checked_and_tabled():
    from trainplan.models.checker import PERSON_CHECKS
    from trainplan.models.rules import PERSON_RULES
    from trainplan.optimizer.people import PERSON_RULE_REGISTRY

    assert set(PERSON_RULES) == set(PERSON_RULE_REGISTRY) == set(PERSON_CHECKS) \
        == set(PERSON_CASES)
    assert all(r.label_vi != r.label for r in PERSON_RULES.values())


@pytest.mark.parametrize("rule", sorted(PERSON_CASES))
def test_person_rule_three_ways(rule, tmp_path):
    from trainplan.models.checker import verify_people
    from trainplan.optimizer.people import PERSON_RULE_REGISTRY, PeopleStatus, assign_people

    from tests.test_people import solve_with_rules

    feasible, broken, alternative = PERSON_CASES[rule]
    for case in (feasible, alternative):
        sc, reg, rows = _person_case(case, tmp_path)
        got = assign_people(sc, reg, rows)
        assert got.status == PeopleStatus.optimal, (rule, got.conflicts)
        assert verify_people(sc, reg, rows, got.rows, got.goals).ok
    sc, reg, rows = _person_case(broken, tmp_path)
    got = assign_people(sc, reg, rows)
    assert got.status == PeopleStatus.unassigned
    named = {(i.rule, i.person_id) for c in got.conflicts for i in c.instances}
    if rule != "person_courses":  # always on: the conflict is the unit's courses themselves
        assert rule in {r for r, _ in named}, named
    others = [r for r in PERSON_RULE_REGISTRY if r != rule]
    relaxed = solve_with_rules(sc, reg, rows, others)
    assert relaxed is not None, f"{rule}: still infeasible without it"
    assert rule in {v.rule for v in verify_people(sc, reg, rows, relaxed).violations}
