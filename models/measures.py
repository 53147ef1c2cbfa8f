"""One function per reported figure: what a plan spends and achieves, from its roster alone.

The terminal, summary.json, the workbook and the HTML report all read their
budget, quota and milestone figures here, so they can never disagree. Money is
in million VND (exact Decimals), people in whole persons. No solver, no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trainplan.models.scenario import (
    RATE_SCALE,
    FundingSource,
    Phase,
    Scenario,
    short_target_courses,
    short_target_types,
    short_target_years,
)
from trainplan.models.solution import Roster
from trainplan.models.workforce import (
    coverage_needed,
    phase_years,
    staffed_units_needed,
    target_types,
    trained_needed,
    workforce_stock,
)


@dataclass(frozen=True)
class Spending:
    """Money spent against the money available for it (million VND).

    `available` is None when nothing limits it (no total budget, a year without
    ceiling); then nothing is `left` either.
    """

    label: str
    spent: Decimal
    available: Decimal | None

    @property
    def left(self) -> Decimal | None:
        """What remains of the money available (negative if overspent)."""
        return None if self.available is None else self.available - self.spent

    @property
    def unused(self) -> bool:
        """Nothing of it is spent."""
        return self.spent == 0


@dataclass(frozen=True)
class YearSpending(Spending):
    """Spending in one plan year against that year's ceiling."""

    year: int


@dataclass(frozen=True)
class PhaseSpending(Spending):
    """Spending in a stretch of years against the sum of their ceilings (if every year has one)."""

    first_year: int
    last_year: int


@dataclass(frozen=True)
class SourceSpending(Spending):
    """What one funding source pays against its amount."""

    source: FundingSource


@dataclass(frozen=True)
class QuotaResult:
    """One unit type's quota at one level against the graduates the plan yields."""

    unit_type: str
    level: str
    mode: str
    required: int
    starters: int
    graduates: int
    met: bool


@dataclass(frozen=True)
class MilestoneResult:
    """One milestone: the graduates it asks for by its year, those the plan yields, met or not."""

    id: str
    label: str
    by_year: int
    required: int
    achieved: int
    met: bool


def spent_in_year(sc: Scenario, roster: Roster, year: int, level: str | None = None) -> Decimal:
    """Money spent in `year` on the trainees in training then (at one level, if given).

    Without a level, the year's short-course classes are included.
    """
    return yearly_spending(sc, roster, level).get(year, Decimal(0))


def yearly_spending(sc: Scenario, roster: Roster, level: str | None = None
                    ) -> dict[int, Decimal]:
    """`spent_in_year` of every plan year (and any other year a course runs), in one pass."""
    spent = dict.fromkeys(sc.years, Decimal(0))
    levels = {lv.id: lv for lv in sc.levels}
    for r in roster.rows:
        if level in (None, r.level):
            lv = levels[r.level]
            cost = r.starts * lv.cost_per_trainee_year
            for y in range(r.year, r.year + lv.duration_years):
                spent[y] = spent.get(y, Decimal(0)) + cost
    if level is None and roster.classes:
        for y in spent:
            spent[y] += short_spent_in_year(roster, y)
    return spent


def total_cost(sc: Scenario, roster: Roster) -> Decimal:
    """Money the whole plan spends: each course's years times its level's yearly cost.

    Short-course classes are included.
    """
    long = sum((r.starts * course_cost(sc, r.level) for r in roster.rows), Decimal(0))
    return long + short_total_cost(roster) if roster.classes else long


def course_cost(sc: Scenario, level: str) -> Decimal:
    """What one trainee's whole course at a level costs (million VND)."""
    lv = sc.level(level)
    return lv.duration_years * lv.cost_per_trainee_year


def starters(roster: Roster, year: int | None = None, level: str | None = None) -> int:
    """People starting training (in a year, at a level, if given)."""
    return sum(r.starts for r in roster.rows
               if year in (None, r.year) and level in (None, r.level))


def peak_starts(sc: Scenario, roster: Roster) -> int:
    """The most people starting training in any one plan year."""
    return max(starters(roster, year) for year in sc.years)


def peak_spending(sc: Scenario, roster: Roster) -> Decimal:
    """The most money spent in any one plan year."""
    spent = yearly_spending(sc, roster)
    return max(spent[year] for year in sc.years)


def budget_spending(sc: Scenario, roster: Roster) -> Spending:
    """The whole plan's spending against the total budget.

    Without a total, the funding sources' amounts together are the money available
    (none when the scenario has no sources either).
    """
    available = sc.budget.total
    if available is None and sc.budget.sources:
        available = sum((src.amount for src in sc.budget.sources), Decimal(0))
    return Spending("total", total_cost(sc, roster), available)


def spending_per_year(sc: Scenario, roster: Roster) -> list[YearSpending]:
    """Each plan year's spending against its ceiling."""
    spent = yearly_spending(sc, roster)
    return [YearSpending(str(year), spent[year], sc.budget_ceiling(year), year)
            for year in sc.years]


def plan_phases(sc: Scenario) -> list[Phase]:
    """The plan's phases: the scenario's own, else the milestone years split the horizon.

    Without phases or milestones the whole horizon is one phase. A phase split by
    milestones ends in a milestone year; the last one ends with the plan.
    """
    if sc.phases:
        return list(sc.phases)
    ends = sorted({ms.by_year for ms in sc.milestones} | {sc.horizon.last_year})
    starts = [sc.horizon.first_year, *(end + 1 for end in ends[:-1])]
    return [Phase(id=f"{first}-{last}" if first != last else str(first), first_year=first,
                  last_year=last) for first, last in zip(starts, ends, strict=True)]


def spending_per_phase(sc: Scenario, roster: Roster) -> list[PhaseSpending]:
    """Each phase's spending against the sum of its years' ceilings."""
    out = []
    yearly = yearly_spending(sc, roster)
    for phase in plan_phases(sc):
        years = range(phase.first_year, phase.last_year + 1)
        ceilings = [sc.budget_ceiling(y) for y in years]
        available = None if None in ceilings else sum(ceilings, Decimal(0))
        spent = sum((yearly[y] for y in years), Decimal(0))
        out.append(PhaseSpending(phase.id, spent, available, phase.first_year, phase.last_year))
    return out


def spending_per_source(sc: Scenario, roster: Roster) -> list[SourceSpending]:
    """What each funding source pays over the plan against its amount."""
    return [SourceSpending(src.label or src.id,
                           sum((f.amount for f in roster.funding if f.source == src.id),
                               Decimal(0)), src.amount, src)
            for src in sc.budget.sources]


def graduates(sc: Scenario, roster: Roster, unit_type: str, level: str,
              by_year: int | None = None) -> int:
    """Whole graduates of a unit type at a level (by a year): starters x rate, rounded down."""
    started = sum(r.starts for r in roster.rows if r.unit_type == unit_type and r.level == level
                  and (by_year is None or sc.graduation_year(level, r.year) <= by_year))
    return started * sc.level(level).rate_scaled // RATE_SCALE


def quota_met(mode: str, required: int, got: int) -> bool:
    """Whether `got` graduates meet a quota of `required` in its mode (exact, at least, at most)."""
    return {"at_least": got >= required, "at_most": got <= required}.get(mode, got == required)


def quota_results(sc: Scenario, roster: Roster) -> list[QuotaResult]:
    """Every quota of the plan's table against the graduates the roster yields."""
    out = []
    for ut in sc.unit_types:
        for lid, quota in ut.quotas.items():
            got = graduates(sc, roster, ut.id, lid)
            met = quota_met(quota.mode.value, quota.people, got)
            out.append(QuotaResult(
                ut.id, lid, quota.mode.value, quota.people,
                sum(r.starts for r in roster.rows if r.unit_type == ut.id and r.level == lid),
                got, met))
    return out


def milestone_results(sc: Scenario, roster: Roster) -> list[MilestoneResult]:
    """Every milestone against the graduates the roster yields by its year."""
    out = []
    for ms in sc.milestones:
        got = sum(graduates(sc, roster, ut, lv, ms.by_year) for ut, lv in sc.milestone_pairs(ms))
        need = sc.milestone_target(ms)
        out.append(MilestoneResult(ms.id, ms.label, ms.by_year, need, got, got >= need))
    return out


# ----- the workforce over time ----------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """One workforce target: what it asks for (whole persons), what the plan reaches, met."""

    kind: str  # coverage, trained or staffed_units
    id: str
    label: str
    when: str  # the year, or the phase id
    required: int
    achieved: int
    met: bool


def workforce_targets(sc: Scenario, roster: Roster) -> list[TargetResult]:
    """Every coverage, trained-share and staffed-units target against the roster's stock."""
    if sc.workforce is None:
        return []
    wf, stock = sc.workforce, workforce_stock(sc, roster)
    out = []

    def qualified(types: list[str], year: int, qualification: str) -> int:
        return sum(next(ys for ys in stock[t] if ys.year == year).at_least(sc, qualification)
                   for t in types)

    for c in wf.coverage:
        got, need = qualified(target_types(sc, c), c.by_year, c.at_least), coverage_needed(sc, c)
        out.append(TargetResult("coverage", c.id, c.label, str(c.by_year), need, got,
                                got >= need))
    for tr in wf.trained:
        years = phase_years(sc, tr)
        got = sum(sum(ys.graduated_in.values()) for t in target_types(sc, tr) for ys in stock[t]
                  if ys.year in years)
        need = trained_needed(sc, tr)
        out.append(TargetResult("trained", tr.id, tr.label, tr.phase, need, got, got >= need))
    for su in wf.staffed_units:
        got = qualified(target_types(sc, su), su.by_year, su.at_least)
        need = staffed_units_needed(sc, su)
        out.append(TargetResult("staffed_units", su.id, su.label, str(su.by_year), need, got,
                                got >= need))
    return out


# ----- short courses ----------------------------------------------------------------------


def short_spent_in_year(roster: Roster, year: int) -> Decimal:
    """Money short-course classes spend in a year (million VND)."""
    return sum((r.cost_million_vnd for r in roster.classes if r.year == year), Decimal(0))


def short_total_cost(roster: Roster) -> Decimal:
    """Money short-course classes spend over the plan (million VND)."""
    return sum((r.cost_million_vnd for r in roster.classes), Decimal(0))


def long_total_cost(sc: Scenario, roster: Roster) -> Decimal:
    """Money long courses spend over the plan (million VND)."""
    return sum((r.starts * course_cost(sc, r.level) for r in roster.rows), Decimal(0))


def person_times(roster: Roster, courses: list[str] | None = None,
                 unit_types: list[str] | None = None, years: list[int] | None = None) -> int:
    """Short-course person-times of the courses, unit types and years given (all if None)."""
    return sum(r.participants for r in roster.attendance
               if (courses is None or r.course in courses)
               and (unit_types is None or r.unit_type in unit_types)
               and (years is None or r.year in years))


@dataclass(frozen=True)
class ShortTargetResult:
    """One short-course target over one span of years, against the person-times planned."""

    id: str
    label: str
    span: str
    at_least: int | None
    at_most: int | None
    achieved: int
    met: bool


def short_target_results(sc: Scenario, roster: Roster) -> list[ShortTargetResult]:
    """Every person-time target (each year of a yearly one) against the roster."""
    if sc.short_courses is None:
        return []
    out = []
    for target in sc.short_courses.targets:
        courses = short_target_courses(sc, target)
        types = short_target_types(sc, target)
        for years in short_target_years(sc, target):
            got = person_times(roster, courses, types, years)
            low, high = target.low, target.high
            span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
            out.append(ShortTargetResult(target.id, target.label, span, low, high, got,
                                         (low is None or got >= low)
                                         and (high is None or got <= high)))
    return out


@dataclass(frozen=True)
class PlaceYear:
    """Short-course classes and person-times at one place in one year."""

    year: int
    place: str
    classes: int
    participants: int


def classes_per_place(sc: Scenario, roster: Roster) -> list[PlaceYear]:
    """Classes and person-times per year and place (places in scenario order)."""
    if sc.short_courses is None:
        return []
    return [PlaceYear(y, p.id, sum(r.classes for r in rows), sum(r.participants for r in rows))
            for y in sc.years for p in sc.short_courses.places
            if (rows := [r for r in roster.classes if r.year == y and r.place == p.id])]
