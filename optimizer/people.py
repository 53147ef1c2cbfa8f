"""Hand the unit roster's courses to the named people of a staff register (CP-SAT).

A model after the per-type plan and its split over units (`optimizer.assign`): the
unit roster is fixed, and each of its courses goes to one person of the unit, under
the person rules of `models.rules.PERSON_RULES` (one function each below). Units do
not interact, so each unit is its own small model (units equal up to the names
share one answer), which makes the national register fast.

Goals, lexicographic, each a stage with the earlier held at their values:
1. `people_changed` (only with a previous roster): fewest people whose courses
   differ from the previous roster's (minimal disruption; cost is the plan's, fixed).
2. `priority`: within each unit people are ranked (no qualification first, i.e. the
   lowest qualification held; then longest since last training, never trained first;
   then older first: earlier birth year, else earlier retirement; then person id),
   and courses reach as many people as they can, the better ranked first: maximise
   the sum over people trained of 2^(PRIORITY_RANKS - 1 - rank) (rank capped), which is
   lexicographic over the first PRIORITY_RANKS people of each unit.
3. `priority_first`: the better ranked go first: minimise the sum over courses of
   (people in the unit - rank) x (start year - first plan year).
Every stage runs with one worker, a fixed seed and a deterministic time limit, so
the same files come out whatever `--workers`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model
from trainplan.models.checker import Verification, verify_people
from trainplan.models.register import (
    PERSON_GOALS,
    Change,
    Cohort,
    PeopleResult,
    PeopleStatus,
    Person,
    PersonConflict,
    PersonRow,
    Register,
    RuleInstance,
    first_term,
    pins,
    priority_key,
    priority_weight,
    reachable,
    routes,
    start_state,
)
from trainplan.models.rules import PERSON_RULES
from trainplan.models.scenario import Scenario
from trainplan.models.solution import GoalResult, RosterRow


class PeopleModel:
    """Variables `takes(person, cohort)` per unit block, and the rule switches."""

    def __init__(self, sc: Scenario, people: list[Person], cohorts: list[Cohort],
                 extra_pins: dict[str, list[tuple[int, str]]], switches: bool = False,
                 rules: list[str] | None = None):
        self.sc = sc
        self.model = cp_model.CpModel()
        self.people = people
        self.cohorts = cohorts
        self.routes = routes(sc)
        self.pins = {p.id: pins(sc, p) + extra_pins.get(p.id, []) for p in people}
        self.true = self.model.new_bool_var("true")
        self.model.add(self.true == 1)
        self.switches_on = switches
        self.switch: dict[tuple[str, str], cp_model.IntVar] = {}
        by_unit: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, c in enumerate(cohorts):
            by_unit[c.unit_type, c.unit].append(i)
        self.unit_cohorts = by_unit
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.forbidden: dict[tuple[int, int], list[str]] = {}
        for pi, p in enumerate(people):
            for ci in by_unit.get((p.unit_type, p.unit), []):
                why = [rule for rule, forbids in STATIC_RULES.items()
                       if (rules is None or rule in rules) and forbids(sc, p, cohorts[ci])]
                if why and not switches:
                    continue
                self.forbidden[pi, ci] = why
                self.x[pi, ci] = self.model.new_bool_var(
                    f"takes[{p.id},{c_name(cohorts[ci])}]")
        self.of_person: dict[int, list[int]] = defaultdict(list)
        self.of_cohort: dict[int, list[int]] = defaultdict(list)
        for pi, ci in self.x:
            self.of_person[pi].append(ci)
            self.of_cohort[ci].append(pi)

    def lit(self, rule: str, person_id: str) -> cp_model.IntVar:
        """The literal that switches on one rule for one person (always true unless switched)."""
        if not self.switches_on:
            return self.true
        key = (rule, person_id)
        if key not in self.switch:
            self.switch[key] = self.model.new_bool_var(f"on[{rule},{person_id}]")
        return self.switch[key]

    def takes(self, pi: int, ci: int) -> cp_model.IntVar | None:
        """Whether person `pi` takes course `ci` (None: not allowed)."""
        return self.x.get((pi, ci))


Taken = tuple[str, str, int]
"""A course a person took in a roster: unit, level, start year."""


def c_name(c: Cohort) -> str:
    """A course's name in variable names and messages."""
    return f"{c.unit},{c.level},{c.year}"


# ----- static rules: which person may take which course at all ---------------------------


def _retired(sc: Scenario, p: Person, c: Cohort) -> bool:
    return c.graduation_year > p.last_graduation_year


def _unavailable(sc: Scenario, p: Person, c: Cohort) -> bool:
    return c.year < p.hired_year or (p.not_before is not None and c.year < p.not_before)


def _busy_before(sc: Scenario, p: Person, c: Cohort) -> bool:
    if p.in_training is None or p.in_training[1] >= sc.horizon.first_year:
        return False
    level, since = p.in_training
    return c.year <= sc.graduation_year(level, since)


def _unreachable(sc: Scenario, p: Person, c: Cohort) -> bool:
    held, _ = start_state(sc, p)
    return routes(sc)[c.level][0] not in reachable(sc, held)


#: Rules that forbid a (person, course) pair outright, by rule id.
STATIC_RULES: dict[str, Callable[[Scenario, Person, Cohort], bool]] = {
    "person_retirement": _retired,
    "person_available": _unavailable,
    "person_in_training": _busy_before,
    "person_routes": _unreachable,
}


def _forbid(m: PeopleModel, rule: str) -> None:
    """Pairs the rule forbids are off while the rule is on (only in the switched model)."""
    for (pi, ci), why in m.forbidden.items():
        if rule in why:
            m.model.add(m.x[pi, ci] == 0).only_enforce_if(m.lit(rule, m.people[pi].id))


# ----- the rules -------------------------------------------------------------------------


def person_courses(m: PeopleModel) -> None:
    """Each course the plan gives a unit goes to one person of that unit."""
    for ci, c in enumerate(m.cohorts):
        m.model.add(sum(m.x[pi, ci] for pi in m.of_cohort[ci]) == c.starts)


def person_one_at_a_time(m: PeopleModel) -> None:
    """A person takes at most one course at a time."""
    for pi, cis in m.of_person.items():
        lit = m.lit("person_one_at_a_time", m.people[pi].id)
        years = sorted({c.year for ci in cis for c in [m.cohorts[ci]]})
        for y in years:
            away = [m.x[pi, ci] for ci in cis
                    if m.cohorts[ci].year <= y <= m.cohorts[ci].graduation_year]
            if len(away) > 1:
                m.model.add(sum(away) <= 1).only_enforce_if(lit)


def person_routes(m: PeopleModel) -> None:
    """A person starts a course only from the qualification held then; sequences follow routes.

    At most one course from each qualification; a course from a qualification other
    than the one held at the start needs a course leading to it that started before
    (that it also ended before is `person_one_at_a_time`).
    """
    _forbid(m, "person_routes")
    for pi, cis in m.of_person.items():
        p = m.people[pi]
        lit = m.lit("person_routes", p.id)
        held, _ = start_state(m.sc, p)
        by_from: dict[str, list[int]] = defaultdict(list)
        for ci in cis:
            by_from[m.routes[m.cohorts[ci].level][0]].append(ci)
        for q, group in by_from.items():
            if len(group) > 1:
                m.model.add(sum(m.x[pi, ci] for ci in group) <= 1).only_enforce_if(lit)
            if q == held:
                continue
            for ci in group:
                before = [m.x[pi, cj] for cj in cis if m.routes[m.cohorts[cj].level][1] == q
                          and m.cohorts[cj].year < m.cohorts[ci].year]
                m.model.add(sum(before) >= m.x[pi, ci]).only_enforce_if(lit)


def person_retirement(m: PeopleModel) -> None:
    """A course ends at least one full year before the person's retirement year."""
    _forbid(m, "person_retirement")


def person_available(m: PeopleModel) -> None:
    """A person starts no course before their hiring year or their 'not before' year."""
    _forbid(m, "person_available")


def person_pins(m: PeopleModel) -> None:
    """A person pinned to a level and year takes exactly that course."""
    index = {(c.unit_type, c.unit, c.level, c.year): ci for ci, c in enumerate(m.cohorts)}
    for pi, p in enumerate(m.people):
        for year, level in m.pins[p.id]:
            lit = m.lit("person_pins", p.id)
            ci = index.get((p.unit_type, p.unit, level, year))
            var = m.takes(pi, ci) if ci is not None else None
            if var is None:  # the plan has no such course at the unit, or a rule forbids it
                m.model.add_bool_or([~lit])
            else:
                m.model.add(var == 1).only_enforce_if(lit)


def person_in_training(m: PeopleModel) -> None:
    """A person already in training starts nothing else before that course ends."""
    _forbid(m, "person_in_training")


#: The person rules, by id (models.rules.PERSON_RULES), each adding its constraints.
PERSON_RULE_REGISTRY: dict[str, Callable[[PeopleModel], None]] = {
    "person_courses": person_courses,
    "person_one_at_a_time": person_one_at_a_time,
    "person_routes": person_routes,
    "person_retirement": person_retirement,
    "person_available": person_available,
    "person_pins": person_pins,
    "person_in_training": person_in_training,
}


def build_people(sc: Scenario, people: list[Person], cohorts: list[Cohort],
                 extra_pins: dict[str, list[tuple[int, str]]] | None = None,
                 switches: bool = False, rules: list[str] | None = None) -> PeopleModel:
    """The per-person model of the given people and courses: every person rule, or `rules`.

    With `switches`, every rule instance of a person has a literal that turns it on
    (explain's conflict finder); `person_courses` is always on.
    """
    m = PeopleModel(sc, people, cohorts, extra_pins or {}, switches, rules)
    for rule, add in PERSON_RULE_REGISTRY.items():
        if rules is None or rule in rules or rule == "person_courses":
            add(m)
    return m


# ----- goals -------------------------------------------------------------------------------


def _changed(m: PeopleModel, previous: dict[str, set[Taken]]) -> cp_model.LinearExpr:
    """People whose courses differ from the previous roster's (a sum of 0/1 terms)."""
    terms = []
    for pi, p in enumerate(m.people):
        before = previous.get(p.id, set())
        mine = m.of_person.get(pi, [])
        if not before and not mine:
            continue
        changed = m.model.new_bool_var(f"changed[{p.id}]")
        have = {(m.cohorts[ci].unit, m.cohorts[ci].level, m.cohorts[ci].year): ci
                for ci in mine}
        for course in before:
            if course not in have:
                m.model.add(changed == 1)
            else:
                m.model.add(changed >= 1 - m.x[pi, have[course]])
        for course, ci in have.items():
            if course not in before:
                m.model.add(changed >= m.x[pi, ci])
        terms.append(changed)
    return sum(terms)


# ----- solving -----------------------------------------------------------------------------


def cohorts_of(rows: list[RosterRow]) -> list[Cohort]:
    """The unit roster's rows as courses to hand out, in roster order."""
    return [Cohort(r.unit_type, r.unit, r.level, r.year, r.graduation_year, r.starts)
            for r in rows]


def _solver(time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = time_limit_s
    return solver


def _stages(m: PeopleModel, previous: dict[str, set[Taken]] | None
            ) -> list[tuple[str, cp_model.LinearExpr]]:
    """The goals in order, as expressions to minimise."""
    stages = [("people_changed", _changed(m, previous))] if previous is not None else []
    size = len(m.people)  # people are in priority order: rank = position
    trained = []
    for pi, cis in m.of_person.items():
        y = m.model.new_bool_var(f"trained[{m.people[pi].id}]")
        m.model.add(y <= sum(m.x[pi, ci] for ci in cis))
        trained.append(-priority_weight(pi) * y)
    stages.append(("priority", sum(trained)))
    stages.append(("priority_first", sum(first_term(m.sc, pi, size, m.cohorts[ci].year) * v
                                         for (pi, ci), v in m.x.items())))
    return stages


def _involved(people: list[Person], cohorts: list[Cohort],
              extra_pins: dict[str, list[tuple[int, str]]],
              before: dict[str, set[Taken]]) -> list[Person]:
    """People of units with courses, with pins of their own, or in the previous roster."""
    units = {(c.unit_type, c.unit) for c in cohorts}
    return [p for p in people if (p.unit_type, p.unit) in units or p.pin is not None
            or p.in_training is not None or p.id in extra_pins or p.id in before]


@dataclass
class _UnitAnswer:
    """One unit's assignment, by position: (person position, course position), goal values."""

    taken: list[tuple[int, int]]
    values: list[tuple[int, int, bool]]


def _signature(sc: Scenario, people: list[Person], cohorts: list[Cohort],
               pinned: dict[str, list[tuple[int, str]]],
               before: dict[str, set[Taken]] | None) -> tuple:
    """What one unit's model depends on, with people in rank order: equal units share answers."""
    courses = tuple((c.level, c.year, c.graduation_year, c.starts) for c in cohorts)
    index = {(c.level, c.year): i for i, c in enumerate(cohorts)}
    taken = {(c.unit, c.level, c.year): i for i, c in enumerate(cohorts)}
    rows = []
    for p in people:
        allowed = tuple(i for i, c in enumerate(cohorts)
                        if not any(f(sc, p, c) for f in STATIC_RULES.values()))
        pin = tuple(sorted(index.get((lv, y), -1) for y, lv in pinned[p.id]))
        old = None if before is None else tuple(sorted(taken.get(k, -1)
                                                       for k in before.get(p.id, ())))
        rows.append((start_state(sc, p)[0], allowed, pin, old))
    return courses, tuple(rows)


def _solve_unit(sc: Scenario, people: list[Person], cohorts: list[Cohort],
                extra: dict[str, list[tuple[int, str]]],
                before: dict[str, set[Taken]] | None, time_limit_s: float
                ) -> _UnitAnswer | cp_model.CpSolverStatus:
    """One unit's lexicographic stages; the CP-SAT status code when no assignment is found."""
    m = build_people(sc, people, cohorts, extra)
    solver = _solver(time_limit_s)
    values = []
    for _, expr in _stages(m, before):
        if isinstance(expr, int):  # no variable: nothing to choose
            values.append((expr, expr, True))
            continue
        m.model.minimize(expr)
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return code
        value = round(solver.objective_value)
        values.append((value, round(solver.best_objective_bound), code == cp_model.OPTIMAL))
        m.model.clear_hints()
        for v in m.x.values():
            m.model.add_hint(v, solver.value(v))
        m.model.add(expr <= value)
    if not m.x:  # no stage ran a solver: feasible only if nothing is asked
        code = solver.solve(m.model)
        if code != cp_model.OPTIMAL:
            return code
    return _UnitAnswer([k for k, v in m.x.items() if solver.value(v)], values)


def _units(sc: Scenario, people: list[Person], cohorts: list[Cohort]
           ) -> dict[tuple[str, str], tuple[list[Person], list[Cohort]]]:
    """Each unit with courses or people: its people in priority order and its courses."""
    units: dict[tuple[str, str], tuple[list[Person], list[Cohort]]] = {}
    for c in cohorts:
        units.setdefault((c.unit_type, c.unit), ([], []))[1].append(c)
    for p in people:
        units.setdefault((p.unit_type, p.unit), ([], []))[0].append(p)
    for members, _ in units.values():
        members.sort(key=lambda q: priority_key(sc, q))
    return units


def _goal_results(names: list[str], answers: list[_UnitAnswer]) -> list[GoalResult]:
    """The goals over every unit: sums of the units' values (units do not interact)."""
    return [GoalResult(name=name, value=sum(a.values[i][0] for a in answers),
                       bound=sum(a.values[i][1] for a in answers),
                       optimal=all(a.values[i][2] for a in answers))
            for i, name in enumerate(names)]


def assign_people(sc: Scenario, register: Register, unit_rows: list[RosterRow],
                  previous: list[PersonRow] | None = None, replan_from: int | None = None,
                  time_limit_s: float = 60.0) -> PeopleResult:
    """Hand every course of the unit roster to a named person, or say why it cannot be done.

    Each unit is its own model (units share nothing), solved goal by goal; units
    whose model is the same up to the names (`_signature`) share one answer.
    `previous`: an earlier roster_people.csv; its courses starting before `replan_from`
    are pinned, and the fewest people change otherwise.
    """
    t0 = time.perf_counter()
    cohorts = cohorts_of(unit_rows)
    before = _previous_courses(previous) if previous is not None else None
    extra = _past_pins(before or {}, replan_from)
    people = _involved(register.people, cohorts, extra, before or {})
    pinned = {p.id: pins(sc, p) + extra.get(p.id, []) for p in people}
    names = (["people_changed"] if before is not None else []) + PERSON_GOALS[1:]
    cache: dict[tuple, _UnitAnswer | cp_model.CpSolverStatus] = {}
    answers, rows, failed = [], [], []
    for (ut, unit), (members, mine) in _units(sc, people, cohorts).items():
        key = _signature(sc, members, mine, pinned, before)
        if key not in cache:
            cache[key] = _solve_unit(sc, members, mine, extra, before, time_limit_s)
        answer = cache[key]
        if not isinstance(answer, _UnitAnswer):
            failed.append((ut, unit, members, mine, answer))
            continue
        answers.append(answer)
        rows += [_person_row(sc, members[pi], mine[ci]) for pi, ci in answer.taken]
    seconds = time.perf_counter() - t0
    if any(code == cp_model.INFEASIBLE for *_, code in failed):
        conflicts = [PersonConflict(ut, unit, mine, _unit_conflict(sc, members, mine, extra,
                                                                   time_limit_s) or [])
                     for ut, unit, members, mine, code in failed
                     if code == cp_model.INFEASIBLE]
        return PeopleResult(PeopleStatus.unassigned, conflicts=conflicts,
                            seconds=time.perf_counter() - t0)
    if failed:
        return PeopleResult(PeopleStatus.unknown, seconds=seconds)
    goals = _goal_results(names, answers)
    rows.sort(key=_RowOrder(sc).key)
    status = PeopleStatus.optimal if all(g.optimal for g in goals) else PeopleStatus.feasible
    changes = explain_changes(sc, register, cohorts, previous, rows) if previous else []
    return PeopleResult(status, rows, goals, changes=changes, seconds=seconds)


def assign_and_verify(sc: Scenario, register: Register, unit_rows: list[RosterRow],
                      previous: list[PersonRow] | None, replan_from: int | None,
                      time_limit_s: float) -> tuple[PeopleResult, Verification | None]:
    """The verified unit roster handed to the register's people, and the independent check.

    No check when the hand-out failed with a conflict and gave no rows to check.
    """
    found = assign_people(sc, register, unit_rows, previous, replan_from, time_limit_s)
    if not found.rows and found.conflicts:
        return found, None
    return found, verify_people(sc, register, unit_rows, found.rows, found.goals, previous)


def _person_row(sc: Scenario, p: Person, c: Cohort) -> PersonRow:
    lv = sc.level(c.level)
    return PersonRow(p.id, p.name, c.unit, c.unit_type, c.level, c.year, c.graduation_year,
                     lv.duration_years * lv.cost_per_trainee_year)


class _RowOrder:
    """roster_people.csv order: start year, unit type, unit, level (scenario order), person."""

    def __init__(self, sc: Scenario):
        self.types = {ut.id: i for i, ut in enumerate(sc.unit_types)}
        self.levels = {lv.id: i for i, lv in enumerate(sc.levels)}
        self.units = {(ut.id, u): i for ut in sc.unit_types for i, u in enumerate(ut.unit_ids)}

    def key(self, r: PersonRow) -> tuple[int, int, int, int, str]:
        """The sort key of one row."""
        return (r.start_year, self.types[r.unit_type], self.units[r.unit_type, r.unit],
                self.levels[r.level], r.person_id)


def _previous_courses(previous: list[PersonRow] | None) -> dict[str, set[Taken]]:
    """Each person's courses in the previous roster, as (unit, level, start year)."""
    out: dict[str, set[Taken]] = defaultdict(set)
    for r in previous or []:
        out[r.person_id].add((r.unit, r.level, r.start_year))
    return out


def _past_pins(before: dict[str, set[Taken]], replan_from: int | None
               ) -> dict[str, list[tuple[int, str]]]:
    """Previous courses that started before the re-planning year: kept as pins."""
    if replan_from is None:
        return {}
    return {pid: sorted((y, lv) for _, lv, y in courses if y < replan_from)
            for pid, courses in before.items() if any(y < replan_from for *_, y in courses)}


# ----- why not: the smallest set of person rules that cannot hold together ----------------


def _describe(sc: Scenario, m: PeopleModel, rule: str, p: Person) -> str:
    """One rule instance for one person, with its numbers."""
    who = p.id
    held, first = start_state(sc, p)
    if rule == "person_retirement":
        return (f"{who} retires in {p.retirement_year}: courses must end by "
                f"{p.last_graduation_year}")
    if rule == "person_available":
        nb = f", not before {p.not_before}" if p.not_before is not None else ""
        return f"{who} hired in {p.hired_year}{nb}"
    if rule == "person_in_training":
        assert p.in_training is not None
        level, since = p.in_training
        return (f"{who} in training at {level} since {since} (until "
                f"{sc.graduation_year(level, since)})")
    if rule == "person_routes":
        return f"{who} holds '{held}' (from {first}); courses follow the upgrade routes"
    if rule == "person_pins":
        listed = ", ".join(f"{lv} in {y}" for y, lv in m.pins[p.id])
        return f"{who} must train: {listed}"
    return f"{who} takes one course at a time"


def _proved_infeasible(m: PeopleModel, active: set[tuple[str, str]], time_limit_s: float
                       ) -> bool:
    """Whether the switched model is proved infeasible with only `active` rule instances on."""
    m.model.clear_assumptions()
    m.model.add_assumptions([lit if key in active else ~lit for key, lit in m.switch.items()])
    return _solver(time_limit_s).solve(m.model) == cp_model.INFEASIBLE


def _unit_conflict(sc: Scenario, people: list[Person], cohorts: list[Cohort],
                   extra: dict[str, list[tuple[int, str]]], time_limit_s: float
                   ) -> list[RuleInstance] | None:
    """The person rule instances of one unit that cannot hold together (None: they can).

    A deletion filter: every instance whose removal keeps the model proved infeasible
    is dropped, so what is left is irreducible (an instance is kept when its removal
    is not proved either way in time).
    """
    m = build_people(sc, people, cohorts, extra, switches=True)
    keys = sorted(m.switch, key=lambda k: (PERSON_RULES[k[0]].specific, k[1]))
    on = set(keys)
    if not _proved_infeasible(m, on, time_limit_s):
        return None
    for k in keys:  # deletion filter: drop each instance the conflict does not need
        if _proved_infeasible(m, on - {k}, time_limit_s):
            on.discard(k)
    by_id = {p.id: p for p in people}
    return [RuleInstance(rule, pid, _describe(sc, m, rule, by_id[pid]))
            for rule, pid in keys if (rule, pid) in on]


# ----- what changed against the previous roster, and why -----------------------------------


def explain_changes(sc: Scenario, register: Register, cohorts: list[Cohort],
                    previous: list[PersonRow] | None, rows: list[PersonRow]) -> list[Change]:
    """Each person whose courses differ from the previous roster, with the reason."""
    before = _previous_courses(previous)
    after: dict[str, set[Taken]] = defaultdict(set)
    for r in rows:
        after[r.person_id].add((r.unit, r.level, r.start_year))
    people = register.by_id()
    planned = {(c.unit_type, c.unit, c.level, c.year) for c in cohorts}
    out = []
    for pid in sorted(set(before) | set(after)):
        old, new = before.get(pid, set()), after.get(pid, set())
        if old == new:
            continue
        p = people.get(pid)
        out.append(Change(pid, tuple(sorted((lv, y) for _, lv, y in old)),
                          tuple(sorted((lv, y) for _, lv, y in new)),
                          _why(sc, p, old - new, planned)))
    return out


def _why(sc: Scenario, p: Person | None, lost: set[Taken],
         planned: set[tuple[str, str, str, int]]) -> str:
    """Why a person lost courses of the previous roster (or gained one)."""
    if p is None:
        return "no longer in the register"
    m_routes = routes(sc)
    for unit, level, year in sorted(lost):
        if unit != p.unit:
            return f"now works at {p.unit}, not {unit}"
        if (p.unit_type, p.unit, level, year) not in planned:
            return f"the plan no longer has {level} in {year} at {p.unit}"
        grad = sc.graduation_year(level, year)
        if grad > p.last_graduation_year:
            return (f"retires in {p.retirement_year}: the {level} course from {year} ends in "
                    f"{grad}, after {p.last_graduation_year}")
        if year < p.hired_year or (p.not_before is not None and year < p.not_before):
            return f"may not start before {max(p.hired_year, p.not_before or 0)}"
        held, _ = start_state(sc, p)
        if m_routes[level][0] not in reachable(sc, held):
            return f"holds '{held}': cannot take {level}"
    if not lost:
        return "takes a course of the plan its earlier person no longer can"
    return "to keep every course of the plan assigned with the fewest people changed"
