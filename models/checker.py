"""The independent checker: every rule and goal recomputed from the roster alone.

This module never imports the solver or the model. It reads the scenario and a
roster of individual units and lists every violation in the planner's words.
Per-unit rules are checked unit by unit, which is stricter than the model's
per-type view.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from trainplan.models.measures import (
    classes_per_place,
    graduates,
    milestone_results,
    quota_results,
    short_spent_in_year,
    short_target_results,
    spending_per_year,
    total_cost,
    workforce_targets,
    yearly_spending,
)
from trainplan.models.register import (
    Person,
    PersonRow,
    Register,
    first_term,
    pins,
    priority_weight,
    routes,
    start_state,
    unit_ranks,
)
from trainplan.models.scenario import (
    MONEY_SCALE,
    NO_QUALIFICATION,
    SHORT_COURSES,
    Scenario,
    short_attendees,
    short_places,
    short_target_courses,
    short_target_types,
)
from trainplan.models.solution import GoalResult, Roster, RosterRow
from trainplan.models.workforce import recruit_cost, workforce_stock


@dataclass(frozen=True)
class Violation:
    """One broken rule instance, in words."""

    rule: str
    message: str


@dataclass
class Verification:
    """What the checker found."""

    rules_checked: list[str]
    violations: list[Violation] = field(default_factory=list)
    goal_values: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing is violated."""
        return not self.violations

    def summary(self) -> str:
        """One line for the terminal."""
        return (f"verified: {len(self.rules_checked)} rules, "
                f"{len(self.violations)} violations")


class Tally:
    """A roster read against its scenario: the totals the rules need, computed once.

    Achieved figures (graduates, spending, cost) come from `models.measures`, the
    one place each is computed, so the checker and every report agree.
    """

    def __init__(self, sc: Scenario, roster: Roster):
        self.sc = sc
        self.roster = roster
        self.starts: Counter[tuple[str, str, int]] = Counter()
        self.unit_starts: Counter[tuple[str, str]] = Counter()
        self.unit_away: Counter[tuple[str, str, int]] = Counter()
        for r in roster.rows:
            self.starts[r.unit_type, r.level, r.year] += r.starts
            self.unit_starts[r.unit_type, r.unit] += r.starts
            for y in range(r.year, r.graduation_year + 1):
                self.unit_away[r.unit_type, r.unit, y] += r.starts
        self.funding = roster.funding
        self._spending: dict[str | None, dict[int, Decimal]] = {}
        #: With a workforce section, each described unit type's stock per year.
        self.stock = workforce_stock(sc, roster)

    def total(self, unit_type: str | None = None, level: str | None = None,
              year: int | None = None) -> int:
        """Starters matching the given unit type, level and start year."""
        return sum(n for (t, lv, y), n in self.starts.items()
                   if (unit_type is None or t == unit_type) and (level is None or lv == level)
                   and (year is None or y == year))

    def in_training(self, year: int, level: str | None = None) -> int:
        """People in training during `year` (at one level, if given)."""
        sc = self.sc
        return sum(n for (_, lv, y), n in self.starts.items()
                   if (level is None or lv == level) and y <= year <= sc.graduation_year(lv, y))

    def graduates(self, unit_type: str, level: str, by_year: int | None = None) -> int:
        """Whole graduates: starters times completion rate, rounded down."""
        return graduates(self.sc, self.roster, unit_type, level, by_year)

    def spending(self, year: int, level: str | None = None) -> Decimal:
        """Money spent in `year` on trainees in training (at one level, if given)."""
        if level not in self._spending:
            self._spending[level] = yearly_spending(self.sc, self.roster, level)
        return self._spending[level].get(year, Decimal(0))

    def total_cost(self) -> Decimal:
        """Money spent over the whole plan, million VND."""
        return total_cost(self.sc, self.roster)


def _quota_met(t: Tally) -> list[str]:
    return [f"{q.unit_type}, {q.level}: {q.graduates} graduates, quota {q.mode} {q.required}"
            for q in quota_results(t.sc, t.roster) if not q.met]


def _annual_places(t: Tally) -> list[str]:
    return [f"{y}: {t.total(year=y)} starters, places {cap}" for y in t.sc.years
            if (cap := t.sc.starts_cap(y)) is not None and t.total(year=y) > cap]


def _level_places(t: Tally) -> list[str]:
    return [f"{lid}, {y}: {t.total(level=lid, year=y)} starters, places {cap}"
            for lid in t.sc.capacity.by_level for y in t.sc.years
            if (cap := t.sc.level_starts_cap(lid, y)) is not None
            and t.total(level=lid, year=y) > cap]


def _group_places(t: Tally) -> list[str]:
    return [f"{g.id}, {y}: {n} starters, places {g.starts_per_year}"
            for g in t.sc.capacity.groups for y in t.sc.years
            if (n := sum(t.total(level=lid, year=y) for lid in g.levels)) > g.starts_per_year]


def _minimum_intake(t: Tally) -> list[str]:
    sc, out = t.sc, []
    for y in sc.years:
        low = sc.capacity.min_starts_per_year
        if low and t.total(year=y) < low:
            out.append(f"{y}: {t.total(year=y)} starters, at least {low} required")
        for lid, lc in sc.capacity.by_level.items():
            if lc.min_starts_per_year and t.total(level=lid, year=y) < lc.min_starts_per_year:
                out.append(f"{lid}, {y}: {t.total(level=lid, year=y)} starters, at least "
                           f"{lc.min_starts_per_year} required")
    return out


def _seats(t: Tally) -> list[str]:
    return [f"{y}: {t.in_training(y)} in training, seats {cap}" for y in t.sc.years
            if (cap := t.sc.seats_cap(y)) is not None and t.in_training(y) > cap]


def _level_seats(t: Tally) -> list[str]:
    return [f"{lid}, {y}: {t.in_training(y, lid)} in training, seats {cap}"
            for lid in t.sc.capacity.by_level for y in t.sc.years
            if (cap := t.sc.level_seats_cap(lid, y)) is not None and t.in_training(y, lid) > cap]


def _total_budget(t: Tally) -> list[str]:
    total = t.sc.budget.total
    cost = t.total_cost()
    return [f"total cost {cost} exceeds budget {total} million VND"] if (
        total is not None and cost > total) else []


def _annual_budget(t: Tally) -> list[str]:
    return [f"{y.year}: spending {y.spent} exceeds ceiling {y.available} million VND"
            for y in spending_per_year(t.sc, t.roster) if y.left is not None and y.left < 0]


def _funding_sources(t: Tally) -> list[str]:
    sc = t.sc
    if not sc.budget.sources:
        return []
    out = []
    sources = {s.id: s for s in sc.budget.sources}
    paid: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for f in t.funding:
        src = sources.get(f.source)
        if src is None:
            out.append(f"unknown source {f.source}")
            continue
        if not sc.source_pays(src, f.level, f.year):
            out.append(f"source {f.source} pays for {f.level} in {f.year}, which it may not")
        paid[f.level, f.year] += f.amount
        by_source[f.source] += f.amount
    for sid, amount in by_source.items():
        if amount > sources[sid].amount:
            out.append(f"source {sid} pays {amount}, more than its {sources[sid].amount}")
    for lv in sc.levels:
        for y in sc.years:
            if paid[lv.id, y] != t.spending(y, lv.id):
                out.append(f"{lv.id}, {y}: spending {t.spending(y, lv.id)} but sources pay "
                           f"{paid[lv.id, y]}")
    return out + _short_covered(t, paid)


def _milestones(t: Tally) -> list[str]:
    return [f"milestone {m.id}: {m.achieved} graduates by {m.by_year}, {m.required} needed"
            for m in milestone_results(t.sc, t.roster) if not m.met]


def _unit_staff(t: Tally) -> list[str]:
    return [f"{ut}, {unit}: {n} starters, staff {t.sc.unit_type(ut).staff_per_unit}"
            for (ut, unit), n in sorted(t.unit_starts.items())
            if n > t.sc.unit_type(ut).staff_per_unit]


def _unit_concurrency(t: Tally) -> list[str]:
    return [f"{ut}, {unit}, {y}: {n} staff in training, at most "
            f"{t.sc.unit_type(ut).concurrency}"
            for (ut, unit, y), n in sorted(t.unit_away.items())
            if n > t.sc.unit_type(ut).concurrency]


# ----- the workforce over time: the stock recomputed with models.workforce's rules ------


def _staff_turnover(t: Tally) -> list[str]:
    return [f"{ut}, {ys.year}: {-ys.recruits[NO_QUALIFICATION]} fewer staff than in post "
            f"after leavers and qualified recruits ({ys.staff_in_post} planned)"
            for ut, years in t.stock.items() for ys in years
            if ys.recruits[NO_QUALIFICATION] < 0]


def _trainees_from_staff(t: Tally) -> list[str]:
    return [f"{ut}, {ys.year}: {ys.in_training[q]} in training from '{q}' but only "
            f"{ys.start[q] - ys.leavers[q]} staff hold it and stay"
            for ut, years in t.stock.items() for ys in years for q in ys.start
            if ys.in_training[q] > ys.start[q] - ys.leavers[q]]


def _qualified_recruits(t: Tally) -> list[str]:
    sc, out = t.sc, []
    for r in t.roster.recruits:
        st = sc.workforce.staff_of(r.unit_type) if sc.workforce is not None else None
        limit = st.recruits.get(r.qualification) if st is not None else None
        if limit is None or r.year not in sc.years:
            out.append(f"{r.unit_type}, {r.year}: recruits with '{r.qualification}' are not "
                       "allowed by the scenario")
        elif r.people > limit.per_year:
            out.append(f"{r.unit_type}, {r.year}: {r.people} recruits with "
                       f"'{r.qualification}', at most {limit.per_year}")
        elif r.cost_million_vnd != r.people * limit.cost_per_person:
            out.append(f"{r.unit_type}, {r.year}: cost of recruits with '{r.qualification}' "
                       f"{r.cost_million_vnd} does not match {limit.cost_per_person} each")
    return out


def _targets(t: Tally, kind: str) -> list[str]:
    return [f"target {r.id} ({r.when}): {r.achieved} of {r.required} needed"
            for r in workforce_targets(t.sc, t.roster) if r.kind == kind and not r.met]


def _coverage(t: Tally) -> list[str]:
    return _targets(t, "coverage")


def _trained_share(t: Tally) -> list[str]:
    return _targets(t, "trained")


def _staffed_units(t: Tally) -> list[str]:
    return _targets(t, "staffed_units")
# ----- short courses ----------------------------------------------------------------------


def _short_covered(t: Tally, paid: dict[tuple[str, int], Decimal]) -> list[str]:
    """Each year's short-course spending is paid in full by the sources."""
    if t.sc.short_courses is None:
        return []
    return [f"short courses, {y}: spending {spent} but sources pay {paid[SHORT_COURSES, y]}"
            for y in t.sc.years
            if (spent := short_spent_in_year(t.roster, y)) != paid[SHORT_COURSES, y]]


def _people(t: Tally, course: str | None = None, unit_type: str | None = None,
            place: str | None = None, years: list[int] | None = None) -> int:
    """Person-times of the roster's attendance rows matching what is given."""
    return sum(r.participants for r in t.roster.attendance
               if course in (None, r.course) and unit_type in (None, r.unit_type)
               and place in (None, r.place) and (years is None or r.year in years))


def _short_attendance(t: Tally) -> list[str]:
    sc, out = t.sc, []
    if sc.short_courses is None:
        return out
    allowed = sc.short_courses.long_course_trainees_attend
    for c in sc.short_courses.courses:
        for tid in short_attendees(sc, c):
            ut = sc.unit_type(tid)
            for y in sc.years:
                away = 0 if allowed else sum(
                    n for (typ, lv, start), n in t.starts.items()
                    if typ == tid and start <= y <= sc.graduation_year(lv, start))
                n = _people(t, c.id, tid, years=[y])
                if n + away > ut.units * ut.staff_per_unit:
                    out.append(f"{c.id}, {tid}, {y}: {n} person-times and {away} on long "
                               f"courses, {ut.units * ut.staff_per_unit} staff")
    return out


def _short_class_size(t: Tally) -> list[str]:
    sc, out = t.sc, []
    if sc.short_courses is None:
        return out
    for r in t.roster.classes:
        c = sc.short_courses.course(r.course)
        if not c.min_class * r.classes <= r.participants <= c.max_class * r.classes:
            out.append(f"{r.course}, {r.place}, {r.year}: {r.participants} participants in "
                       f"{r.classes} classes of {c.min_class} to {c.max_class}")
    return out


def _short_qualification(t: Tally) -> list[str]:
    sc, out = t.sc, []
    if sc.short_courses is None:
        return out
    for c in sc.short_courses.courses:
        if c.qualification is None:
            continue
        types = [x for x in short_attendees(sc, c) if c.qualification in sc.unit_type(x).quotas]
        for y in sc.years:
            holders = c.holders + sum(graduates(sc, t.roster, x, c.qualification, y - 1)
                                      for x in types)
            if (n := _people(t, c.id, years=[y])) > holders:
                out.append(f"{c.id}, {y}: {n} participants, {holders} hold "
                           f"{c.qualification}")
    return out


def _short_classes_per_place(t: Tally) -> list[str]:
    sc = t.sc
    if sc.short_courses is None:
        return []
    most = {p.id: p.classes_per_year for p in sc.short_courses.places}
    return [f"{py.place}, {py.year}: {py.classes} classes, at most {most[py.place]}"
            for py in classes_per_place(sc, t.roster)
            if most[py.place] is not None and py.classes > most[py.place]]


def _short_trainer_days(t: Tally) -> list[str]:
    sc, out = t.sc, []
    if sc.short_courses is None:
        return out
    for y in sc.years:
        cap = sc.short_courses.trainer_days_cap(y)
        used = sum(r.classes * sc.short_courses.course(r.course).trainer_days
                   for r in t.roster.classes if r.year == y)
        if cap is not None and used > cap:
            out.append(f"{y}: {used} trainer-days used, {cap} available")
    return out


def _short_targets(t: Tally) -> list[str]:
    return [f"target {r.id}, {r.span}: {r.achieved} person-times, wanted "
            + " and ".join(f"{word} {n}" for word, n in (("at least", r.at_least),
                                                        ("at most", r.at_most)) if n is not None)
            for r in short_target_results(t.sc, t.roster) if not r.met]


def _short_unit_limit(t: Tally) -> list[str]:
    sc = t.sc
    if sc.short_courses is None:
        return []
    return [f"{tid}, {y}: {n} person-times, at most {most} per unit x {sc.unit_type(tid).units}"
            for tid, most in sc.short_courses.max_per_unit_per_year.items() for y in sc.years
            if (n := _people(t, unit_type=tid, years=[y])) > most * sc.unit_type(tid).units]


def _short_everyone(t: Tally) -> list[str]:
    sc, out = t.sc, []
    if sc.short_courses is None:
        return out
    for item in sc.short_courses.everyone_by:
        years = [y for y in sc.years if y <= item.by_year]
        for tid in short_target_types(sc, item):
            ut = sc.unit_type(tid)
            n = sum(_people(t, c, tid, years=years) for c in short_target_courses(sc, item))
            if n < ut.units * ut.staff_per_unit:
                out.append(f"{item.id}: {n} {tid} person-times by {item.by_year}, "
                           f"{ut.units * ut.staff_per_unit} staff")
    return out


def _short_well_formed(sc: Scenario, roster: Roster) -> list[str]:
    """Class rows name known courses and places, their people and costs add up."""
    short = sc.short_courses
    if short is None:
        has_rows = bool(roster.classes or roster.attendance)
        return ["short-course rows but the scenario has no short courses"] if has_rows else []
    out = []
    for r in roster.attendance:
        c = next((x for x in short.courses if x.id == r.course), None)
        if c is None or r.unit_type not in short_attendees(sc, c) \
                or r.place not in short_places(sc, c) or r.year not in sc.years:
            out.append(f"attendance {r.year},{r.course},{r.place},{r.unit_type}: "
                       "course, place, unit type or year not allowed")
    for r in roster.classes:
        c = next((x for x in short.courses if x.id == r.course), None)
        where = f"classes {r.year},{r.course},{r.place}"
        if c is None or r.place not in short_places(sc, c) or r.year not in sc.years:
            out.append(f"{where}: course, place or year not allowed")
            continue
        people = sum(a.participants for a in roster.attendance
                     if (a.year, a.course, a.place) == (r.year, r.course, r.place))
        if people != r.participants:
            out.append(f"{where}: {r.participants} participants, attendance rows give {people}")
        if r.cost_million_vnd != r.classes * c.cost_per_class \
                + r.participants * c.cost_per_participant:
            out.append(f"{where}: cost {r.cost_million_vnd} does not match the course's costs")
    held = {(r.year, r.course, r.place) for r in roster.classes}
    out += [f"attendance {a.year},{a.course},{a.place}: no class row" for a in roster.attendance
            if (a.year, a.course, a.place) not in held]
    return out


CHECKS: dict[str, Callable[[Tally], list[str]]] = {
    "quota_met": _quota_met,
    "annual_places": _annual_places,
    "level_places": _level_places,
    "group_places": _group_places,
    "minimum_intake": _minimum_intake,
    "seats": _seats,
    "level_seats": _level_seats,
    "total_budget": _total_budget,
    "annual_budget": _annual_budget,
    "funding_sources": _funding_sources,
    "milestones": _milestones,
    "unit_staff": _unit_staff,
    "unit_concurrency": _unit_concurrency,
    "staff_turnover": _staff_turnover,
    "trainees_from_staff": _trainees_from_staff,
    "qualified_recruits": _qualified_recruits,
    "coverage": _coverage,
    "trained_share": _trained_share,
    "staffed_units": _staffed_units,
    "short_attendance": _short_attendance,
    "short_class_size": _short_class_size,
    "short_qualification": _short_qualification,
    "short_classes_per_place": _short_classes_per_place,
    "short_trainer_days": _short_trainer_days,
    "short_targets": _short_targets,
    "short_unit_limit": _short_unit_limit,
    "short_everyone": _short_everyone,
}
#: The short-course rules: checked (and counted) only when a scenario has short courses.
SHORT_CHECKS = frozenset(rule for rule in CHECKS if rule.startswith("short_"))


def _well_formed(sc: Scenario, roster: Roster) -> list[str]:
    """Rows name known units and levels, courses end in the plan, costs add up."""
    out = []
    levels = {lv.id: lv for lv in sc.levels}
    tables = {ut.id: ut.quotas for ut in sc.unit_types}
    units = {(ut.id, u) for ut in sc.unit_types for u in ut.unit_ids}
    years = set(sc.years)
    seen = set()
    for r in roster.rows:
        problems = []
        if (r.unit_type, r.unit) not in units:
            problems.append("unknown unit")
        lv = levels.get(r.level)
        if lv is None or r.level not in tables.get(r.unit_type, {}):
            problems.append("level not in this unit type's table")
        else:
            if r.year not in years or r.graduation_year != r.year + lv.duration_years - 1:
                problems.append(f"graduation year {r.graduation_year} does not follow from "
                                f"a {lv.duration_years}-year course")
            if r.graduation_year > sc.horizon.last_year:
                problems.append(f"course ends after the plan ({sc.horizon.last_year})")
            if r.cost_million_vnd != r.starts * lv.duration_years * lv.cost_per_trainee_year:
                problems.append(f"cost {r.cost_million_vnd} does not match the level's cost")
            if (key := (r.year, r.unit_type, r.unit, r.level)) in seen:
                problems.append("repeated row")
            seen.add(key)
        out += [f"row {r.year},{r.unit_type},{r.unit},{r.level}: {p}" for p in problems]
    return out + _short_well_formed(sc, roster)


def _min_cost(t: Tally) -> int:
    return int((t.total_cost() + recruit_cost(t.sc, t.roster)) * MONEY_SCALE)


def _smooth_intake(t: Tally) -> int:
    yearly = [t.total(year=y) for y in t.sc.years]
    return sum(abs(b - a) for a, b in pairwise(yearly))


def _earliest_completion(t: Tally) -> int:
    sc = t.sc
    return sum(n * (sc.graduation_year(lv, y) - sc.horizon.first_year)
               for (_, lv, y), n in t.starts.items())


#: Each goal's value recomputed from the roster, by goal id (models.rules.GOALS).
GOAL_CHECKS: dict[str, Callable[[Tally], int]] = {
    "min_cost": _min_cost,
    "smooth_intake": _smooth_intake,
    "earliest_completion": _earliest_completion,
}


def goal_values(sc: Scenario, roster: Roster, tally: Tally | None = None) -> dict[str, int]:
    """Each goal's value recomputed from the roster, in the model's integer units."""
    t = tally or Tally(sc, roster)
    return {goal: value(t) for goal, value in GOAL_CHECKS.items()}


def verify(sc: Scenario, roster: Roster, claimed: list[GoalResult] | None = None
           ) -> Verification:
    """Recompute every rule (and, if given, the claimed goal values) from the roster."""
    t = Tally(sc, roster)
    checks = {rule: check for rule, check in CHECKS.items()
              if sc.short_courses is not None or rule not in SHORT_CHECKS}
    result = Verification(rules_checked=list(checks))
    for msg in _well_formed(sc, roster):
        result.violations.append(Violation("roster", msg))
    for rule, check in checks.items():
        for msg in check(t):
            result.violations.append(Violation(rule, msg))
    result.goal_values = goal_values(sc, roster, t)
    for goal in claimed or []:
        actual = result.goal_values[goal.name]
        if actual > goal.value or (goal.optimal and actual != goal.value):
            result.violations.append(Violation(
                "objective", f"{goal.name}: roster gives {actual}, solver reported "
                             f"{goal.value}{' (proven optimal)' if goal.optimal else ''}"))
    return result


# ----- the per-person roster (`--staff`): every person rule from the outputs alone ---------


class PersonTally:
    """A per-person roster read against the register and the unit roster it hands out."""

    def __init__(self, sc: Scenario, register: Register, unit_rows: list[RosterRow],
                 rows: list[PersonRow]):
        self.sc = sc
        self.people = register.by_id()
        self.unit_rows = unit_rows
        self.rows = rows
        self.courses: dict[str, list[PersonRow]] = defaultdict(list)
        for r in rows:
            self.courses[r.person_id].append(r)
        for held in self.courses.values():
            held.sort(key=lambda r: (r.start_year, r.graduation_year, r.level))

    def of_known(self) -> list[tuple[Person, list[PersonRow]]]:
        """Each person of the register who takes courses, with their courses in time order."""
        return [(self.people[pid], held) for pid, held in sorted(self.courses.items())
                if pid in self.people]


def _person_courses(t: PersonTally) -> list[str]:
    out = []
    planned = Counter({(r.unit_type, r.unit, r.level, r.year): r.starts for r in t.unit_rows})
    given: Counter[tuple[str, str, str, int]] = Counter()
    for r in t.rows:
        p = t.people.get(r.person_id)
        if p is None:
            out.append(f"{r.person_id}: not in the register")
        elif (p.unit_type, p.unit) != (r.unit_type, r.unit):
            out.append(f"{r.person_id}: works at {p.unit}, not {r.unit}")
        given[r.unit_type, r.unit, r.level, r.start_year] += 1
    for key in sorted(set(planned) | set(given)):
        if planned[key] != given[key]:
            out.append(f"{key[1]}, {key[2]}, {key[3]}: {planned[key]} planned, "
                       f"{given[key]} named people")
    return out


def _person_one_at_a_time(t: PersonTally) -> list[str]:
    # courses are sorted by start year: any overlap shows between neighbours
    return [f"{p.id}: {a.level} {a.start_year}-{a.graduation_year} overlaps {b.level} "
            f"{b.start_year}-{b.graduation_year}"
            for p, held in t.of_known() for a, b in pairwise(held)
            if b.start_year <= a.graduation_year]


def _person_routes(t: PersonTally) -> list[str]:
    out, paths = [], routes(t.sc)
    for p, held in t.of_known():
        now, _ = start_state(t.sc, p)
        for r in held:
            start, end = paths.get(r.level, ("?", "?"))
            if start != now:
                out.append(f"{p.id}: {r.level} in {r.start_year} starts from '{start}', "
                           f"but the person holds '{now}'")
            now = end
    return out


def _person_retirement(t: PersonTally) -> list[str]:
    return [f"{p.id}: {r.level} ends in {r.graduation_year}, retires in {p.retirement_year} "
            f"(courses must end by {p.last_graduation_year})"
            for p, held in t.of_known() for r in held
            if r.graduation_year > p.last_graduation_year]


def _person_available(t: PersonTally) -> list[str]:
    return [f"{p.id}: {r.level} starts in {r.start_year}, before hiring ({p.hired_year}) "
            f"or 'not before' ({p.not_before})"
            for p, held in t.of_known() for r in held
            if r.start_year < p.hired_year or (p.not_before is not None
                                               and r.start_year < p.not_before)]


def _person_pins(t: PersonTally) -> list[str]:
    return [f"{p.id}: must train at {level} in {year}, roster does not say so"
            for p in t.people.values() for year, level in pins(t.sc, p)
            if not any((r.level, r.start_year) == (level, year)
                       for r in t.courses.get(p.id, []))]


def _person_in_training(t: PersonTally) -> list[str]:
    out = []
    for p, held in t.of_known():
        if p.in_training is None or p.in_training[1] >= t.sc.horizon.first_year:
            continue
        level, since = p.in_training
        end = t.sc.graduation_year(level, since)
        out += [f"{p.id}: {r.level} starts in {r.start_year}, while in training at {level} "
                f"until {end}" for r in held if r.start_year <= end]
    return out


PERSON_CHECKS: dict[str, Callable[[PersonTally], list[str]]] = {
    "person_courses": _person_courses,
    "person_one_at_a_time": _person_one_at_a_time,
    "person_routes": _person_routes,
    "person_retirement": _person_retirement,
    "person_available": _person_available,
    "person_pins": _person_pins,
    "person_in_training": _person_in_training,
}


def _people_well_formed(sc: Scenario, rows: list[PersonRow]) -> list[str]:
    """Rows name known levels, graduation years and costs follow from the level."""
    out = []
    levels = {lv.id: lv for lv in sc.levels}
    for r in rows:
        lv = levels.get(r.level)
        if lv is None:
            out.append(f"{r.person_id}: unknown level {r.level}")
            continue
        if r.graduation_year != r.start_year + lv.duration_years - 1:
            out.append(f"{r.person_id}: {r.level} from {r.start_year} cannot end in "
                       f"{r.graduation_year}")
        if r.cost_million_vnd != lv.duration_years * lv.cost_per_trainee_year:
            out.append(f"{r.person_id}: cost {r.cost_million_vnd} does not match the level")
    return out


def person_goal_values(sc: Scenario, register: Register, rows: list[PersonRow],
                       previous: list[PersonRow] | None = None) -> dict[str, int]:
    """The per-person goals recomputed from the rows (`people_changed` only with `previous`).

    `people_changed` counts the register's people whose (unit, level, start year) courses
    differ from the previous roster's; the priority goals sum `goal_term` over rows,
    with each person's rank among the register's people of their unit.
    """
    ranks = unit_ranks(sc, register.people)
    trained = {r.person_id for r in rows if r.person_id in ranks}
    out = {"priority": -sum(priority_weight(ranks[pid][0]) for pid in trained),
           "priority_first": sum(first_term(sc, *ranks[r.person_id], r.start_year)
                                 for r in rows if r.person_id in ranks)}
    if previous is not None:
        now, before = _courses_by_person(rows), _courses_by_person(previous)
        out["people_changed"] = sum(now.get(pid, set()) != before.get(pid, set())
                                    for pid in (set(now) | set(before)) & set(ranks))
    return out


def _courses_by_person(rows: list[PersonRow]) -> dict[str, set[tuple[str, str, int]]]:
    """Each person's courses as (unit, level, start year)."""
    out: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    for r in rows:
        out[r.person_id].add((r.unit, r.level, r.start_year))
    return out


def verify_people(sc: Scenario, register: Register, unit_rows: list[RosterRow],
                  rows: list[PersonRow], claimed: list[GoalResult] | None = None,
                  previous: list[PersonRow] | None = None) -> Verification:
    """Recompute every person rule (and the claimed goals) from the register and the rosters."""
    t = PersonTally(sc, register, unit_rows, rows)
    result = Verification(rules_checked=list(PERSON_CHECKS))
    for msg in _people_well_formed(sc, rows):
        result.violations.append(Violation("roster_people", msg))
    for rule, check in PERSON_CHECKS.items():
        for msg in check(t):
            result.violations.append(Violation(rule, msg))
    result.goal_values = person_goal_values(sc, register, rows, previous)
    for goal in claimed or []:
        actual = result.goal_values.get(goal.name)
        if actual is None or actual > goal.value or (goal.optimal and actual != goal.value):
            result.violations.append(Violation(
                "objective", f"{goal.name}: roster gives {actual}, solver reported "
                             f"{goal.value}"))
    return result
