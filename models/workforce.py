"""The workforce over time, recomputed from a roster: stock by qualification per year.

The integer rules (stated in `models.scenario.StaffInPost`, the same in
`optimizer.model`'s workforce block):
- a year runs: staff at its start -> leavers leave -> courses ending this year
  graduate -> recruits arrive; the stock at its end is the next year's start.
- leavers holding q = floor(staff holding q at the start of the year x attrition
  of q / 100); with a first-year attrition, floor(last year's recruits holding q x
  first-year attrition / 100) + floor(the other staff holding q x attrition of q / 100).
- graduates of a cohort (unit type, course, start year) = floor(starters x
  completion rate); the others keep the qualification they held.
- people in training hold their starting qualification and stay in post.
- recruits holding 'none' = staff in post at the end of the year - at its start
  + leavers - recruits arriving qualified (the roster's recruit rows).
No solver here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from trainplan.models.scenario import (
    NO_QUALIFICATION,
    RATE_SCALE,
    CoverageTarget,
    Scenario,
    StaffedUnitsTarget,
    TrainedTarget,
    course_routes,
    qualification_ids,
)
from trainplan.models.solution import Roster

#: Attrition and target shares are held as integers of this many units per 100 %.
SHARE_SCALE = 10_000


def scaled(percent: Decimal) -> int:
    """A percent with at most two decimals as an integer out of SHARE_SCALE."""
    return int(percent * SHARE_SCALE / 100)


def leavers(stock: int, percent: Decimal) -> int:
    """People leaving a stock in a year: floor(stock x percent / 100)."""
    return stock * scaled(percent) // SHARE_SCALE


def share_of(total: int, percent: Decimal) -> int:
    """Whole persons a share of a total asks for: ceil(total x percent / 100)."""
    return -(-total * scaled(percent) // SHARE_SCALE)


@dataclass(frozen=True)
class YearStock:
    """One unit type's staff in one year, by qualification (whole persons)."""

    year: int
    start: dict[str, int]
    leavers: dict[str, int]
    in_training: dict[str, int]
    graduated_out: dict[str, int]
    graduated_in: dict[str, int]
    recruits: dict[str, int]
    end: dict[str, int]
    staff_in_post: int

    def at_least(self, sc: Scenario, qualification: str) -> int:
        """Staff at the end of the year holding this qualification or a higher one."""
        quals = qualification_ids(sc)
        return sum(self.end[q] for q in quals[quals.index(qualification):])


def staffed_types(sc: Scenario) -> list[str]:
    """Unit types with a workforce description, in the scenario's order."""
    if sc.workforce is None:
        return []
    described = {s.unit_type for s in sc.workforce.staff}
    return [ut.id for ut in sc.unit_types if ut.id in described]


def target_types(sc: Scenario, target: CoverageTarget | TrainedTarget | StaffedUnitsTarget
                 ) -> list[str]:
    """The unit types a target counts: those it names, else every type with staff."""
    return list(target.unit_types) if target.unit_types is not None else staffed_types(sc)


def staff_in_post(sc: Scenario, type_id: str) -> dict[int, int]:
    """Planned staff in post at the end of each year, with the start under first_year - 1."""
    assert sc.workforce is not None
    st = sc.workforce.staff_of(type_id)
    assert st is not None
    return {sc.horizon.first_year - 1: st.at_start, **st.staff_in_post(sc.years)}


def cohort_graduates(sc: Scenario, starters: int, course: str) -> int:
    """Graduates of one cohort: floor(starters x completion rate)."""
    return starters * sc.level(course).rate_scaled // RATE_SCALE


def _cohorts(roster: Roster, type_id: str) -> Counter[tuple[str, int]]:
    """Starters of one unit type per (course, start year), summed over its units."""
    out: Counter[tuple[str, int]] = Counter()
    for r in roster.rows:
        if r.unit_type == type_id:
            out[r.level, r.year] += r.starts
    return out


def _year(sc: Scenario, type_id: str, year: int, held: dict[str, int],
          last_recruits: dict[str, int], cohorts: Counter[tuple[str, int]],
          hired: dict[str, int]) -> YearStock:
    """One year of one type's stock from the stock at its start (see the module's rules)."""
    assert sc.workforce is not None
    st = sc.workforce.staff_of(type_id)
    assert st is not None
    quals = qualification_ids(sc)
    routes = course_routes(sc)
    if st.first_year_attrition_percent is None:
        left = {q: leavers(held[q], st.attrition(q)) for q in quals}
    else:
        left = {q: leavers(last_recruits[q], st.first_year_attrition(q))
                + leavers(held[q] - last_recruits[q], st.attrition(q)) for q in quals}
    away, out, into = Counter[str](), Counter[str](), Counter[str]()
    for (course, start), n in cohorts.items():
        route = routes[course]
        end = sc.graduation_year(course, start)
        if start <= year <= end:
            away[route.from_qualification] += n
        if end == year:
            grads = cohort_graduates(sc, n, course)
            out[route.from_qualification] += grads
            into[route.to_qualification] += grads
    posts = staff_in_post(sc, type_id)
    recruits = {q: hired.get(q, 0) for q in quals}
    recruits[NO_QUALIFICATION] = (posts[year] - posts[year - 1] + sum(left.values())
                                  - sum(hired.values()))
    end = {q: held[q] - left[q] - out[q] + into[q] + recruits[q] for q in quals}
    return YearStock(year, dict(held), left, {q: away[q] for q in quals},
                     {q: out[q] for q in quals}, {q: into[q] for q in quals}, recruits, end,
                     posts[year])


def counted_start(sc: Scenario, type_id: str) -> tuple[int, dict[str, int]] | None:
    """Where a re-plan restarts a type's stock from a count: (year, staff by qualification).

    A re-plan from year Y (`actuals.from_year`) whose actuals count this type's staff
    by qualification at the end of Y - 1 starts year Y from those counts (every
    qualification not named: 0), all taken as past their first year; the years
    before Y keep the stock the plan and the kept courses give. None otherwise.
    The counts add up to the staff in post counted (`actuals_problems` checks it).
    """
    act = sc.actuals
    if act is None or act.from_year is None:
        return None
    row = next((r for r in act.staff
                if r.unit_type == type_id and r.year == act.from_year - 1 and r.held), None)
    if row is None:
        return None
    return act.from_year, {q: row.held.get(q, 0) for q in qualification_ids(sc)}


def stock_by_year(sc: Scenario, roster: Roster, type_id: str) -> list[YearStock]:
    """One unit type's stock in every plan year, from the roster and the scenario.

    A re-plan starts from the staff counted before it, if counted (`counted_start`).
    """
    assert sc.workforce is not None
    st = sc.workforce.staff_of(type_id)
    assert st is not None
    quals = qualification_ids(sc)
    held = {q: st.held_at_start.get(q, 0) for q in quals}
    last = dict.fromkeys(quals, 0)
    cohorts = _cohorts(roster, type_id)
    restart = counted_start(sc, type_id)
    out = []
    for year in sc.years:
        if restart is not None and restart[0] == year:
            held, last = dict(restart[1]), dict.fromkeys(quals, 0)
        hired = {r.qualification: r.people for r in roster.recruits
                 if r.unit_type == type_id and r.year == year}
        ys = _year(sc, type_id, year, held, last, cohorts, hired)
        out.append(ys)
        held, last = ys.end, ys.recruits
    return out


def workforce_stock(sc: Scenario, roster: Roster) -> dict[str, list[YearStock]]:
    """Every described unit type's stock per year (empty without a workforce section)."""
    return {t: stock_by_year(sc, roster, t) for t in staffed_types(sc)}


def coverage_needed(sc: Scenario, target: CoverageTarget) -> int:
    """Staff a coverage target asks for: ceil(staff in post at its year x share / 100)."""
    total = sum(staff_in_post(sc, t)[target.by_year] for t in target_types(sc, target))
    return share_of(total, target.share_percent)


def trained_needed(sc: Scenario, target: TrainedTarget) -> int:
    """Graduates a phase's target asks for: ceil(staff in post at the phase's end x share)."""
    phase = next(p for p in sc.phases if p.id == target.phase)
    total = sum(staff_in_post(sc, t)[phase.last_year] for t in target_types(sc, target))
    return share_of(total, target.share_percent)


def staffed_units_needed(sc: Scenario, target: StaffedUnitsTarget) -> int:
    """Qualified staff a units target asks for: staff x ceil(units x share / 100)."""
    units = sum(sc.unit_type(t).units for t in target_types(sc, target))
    return target.staff * share_of(units, target.share_percent)


def phase_years(sc: Scenario, target: TrainedTarget) -> range:
    """The years of the phase a trained-share target counts."""
    phase = next(p for p in sc.phases if p.id == target.phase)
    return range(phase.first_year, phase.last_year + 1)


def recruit_cost(sc: Scenario, roster: Roster) -> Decimal:
    """What hiring the qualified recruits costs (million VND)."""
    return sum((r.cost_million_vnd for r in roster.recruits), Decimal(0))



def with_attrition_margin(sc: Scenario, points: Decimal) -> Scenario:
    """The scenario with every attrition raised by `points` percentage points (--robust).

    Each qualification's rate and the first-year rate go up by the margin, capped at
    99.99; the plan solved for it holds its targets with that many more leavers.
    """
    assert sc.workforce is not None
    return sc.model_copy(update={"workforce": sc.workforce.with_attrition_margin(points)})
