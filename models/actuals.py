"""What actually happened in a plan's past years, and the re-plan scenario built from it.

An `actuals` section (in the scenario file, or a separate YAML file holding only
`actuals:`) gives, per past start year, unit type and level (course): starters,
graduates and drop-outs, and the money actually spent per year. `trainplan replan
--from YEAR` keeps the years before YEAR as they happened and re-plans the rest:

- each cohort that started before YEAR is fixed at the people who stayed (starters
  minus drop-outs): for a finished course those are its graduates, for a course
  still under way its trainees, who graduate at the level's completion rate;
  a course the actuals do not list did not start;
- short-course classes before YEAR are fixed as held (classes and person-times per
  course, place and year, per unit type when split); a slot not listed held none;
- the limits of the past years (places, seats, yearly ceilings) are raised to what
  the past used where it used more: the past happened and is not re-planned (a
  limit that is one figure for every year, a group's places or a yearly minimum of
  starters, cannot be raised for the past alone and binds it too);
- the total budget is what is left after the money actually spent;
- milestones whose deadline is before YEAR are judged on the actuals alone;
- staff counted by qualification at the end of YEAR - 1 are the stock YEAR starts
  from (`models.workforce.counted_start`, the same in the model and the checker).

No solver here: the optimizer fixes the cohorts and classes (`optimizer.model.keep_past`)
and `past_problems` / `short_past_problems` re-check a roster against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

if TYPE_CHECKING:  # the scenario is read through its own fields only
    from trainplan.models.scenario import Scenario
    from trainplan.models.solution import Roster

#: Cohort key: (unit type, level, start year).
Cohort = tuple[str, str, int]
#: Largest figure of an actuals row (people), as for the scenario's people figures.
MAX_PEOPLE = 10**8


def _figure(value: Any) -> Any:
    """Refuse true/false and figures written with a Vietnamese thousands dot (52.500)."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number; write the figure")
    if isinstance(value, Decimal) and type(value) is not Decimal:
        raise ValueError(f"{value} is ambiguous (a decimal point or a thousands dot); "
                         "write the figure without the dot, or with more decimals")
    return value


People = Annotated[int, Field(ge=0, le=MAX_PEOPLE, strict=True), BeforeValidator(_figure)]
Year = Annotated[int, Field(ge=1900, le=2200, strict=True), BeforeValidator(_figure)]
Money = Annotated[Decimal, Field(ge=0, le=10**15, decimal_places=3), BeforeValidator(_figure)]
Ident = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CohortActual(_Strict):
    """One course as it happened: who started it in a year, who graduated, who left."""

    year: Year = Field(description="start year")
    unit_type: Ident
    level: Ident
    starters: People
    graduates: People | None = Field(
        default=None, description="finished courses only; default: starters - drop-outs")
    dropouts: People | None = Field(
        default=None, description="left before the end; default: starters - graduates, or 0")


class StaffCount(_Strict):
    """Staff in post of one unit type counted at the end of a past year, and what they hold."""

    year: Year
    unit_type: Ident
    in_post: People = Field(description="staff in post at the end of the year")
    held: dict[str, People] = Field(
        default_factory=dict, description="of them, holding each qualification ('none')")


class ShortActual(_Strict):
    """Short-course classes of one course at one place in a past year, as they happened."""

    year: Year
    course: Ident
    place: Ident
    classes: People = Field(description="classes held")
    participants: People = Field(description="person-times of those classes")
    by_unit_type: dict[str, People] = Field(
        default_factory=dict, description="of them, per unit type (optional; adds up)")


class Actuals(_Strict):
    """The past as it happened: courses, staff counted and money, per year."""

    source: str = Field(default="", max_length=10_000,
                        description="where the figures come from")
    from_year: Year | None = Field(
        default=None, description="first year re-planned (set by `trainplan replan --from`)")
    cohorts: list[CohortActual] = Field(default_factory=list, max_length=100_000)
    spending: dict[int, Money] = Field(
        default_factory=dict, description="million VND actually spent on training, per year")
    staff: list[StaffCount] = Field(
        default_factory=list, max_length=100_000,
        description="staff in post counted (needs a workforce section)")
    short_courses: list[ShortActual] = Field(
        default_factory=list, max_length=100_000, exclude_if=lambda rows: not rows,
        description="short-course classes held (needs a short-course section)")

    def stayed(self, row: CohortActual) -> int:
        """People of a course who did not drop out: its graduates, or trainees still in it."""
        if row.dropouts is not None:
            return row.starters - row.dropouts
        return row.starters if row.graduates is None else row.graduates

    def kept_starts(self, sc: Scenario) -> dict[Cohort, int]:
        """Every cohort that started before `from_year`, fixed at the people who stayed."""
        if self.from_year is None:
            return {}
        kept = {c: 0 for c in sc.cohorts() if c[2] < self.from_year}
        for row in self.cohorts:
            key = (row.unit_type, row.level, row.year)
            if key in kept:
                kept[key] += self.stayed(row)
        return kept


Loc = tuple[str | int, ...]


def _row_problems(sc: Scenario, i: int, row: CohortActual, from_year: int) -> list[tuple[Loc, str]]:
    """What is wrong with one course row (ids, years, people that do not add up)."""
    at: Loc = ("actuals", "cohorts", i)
    first, last = sc.horizon.first_year, sc.horizon.last_year
    types = [ut.id for ut in sc.unit_types]
    levels = [lv.id for lv in sc.levels]
    if not first <= row.year <= last:
        return [((*at, "year"), f"year {row.year} is outside the plan {first}-{last}")]
    if row.year >= from_year:
        return [((*at, "year"), f"year {row.year} is not before --from {from_year}: actuals "
                 f"are for past years ({first}-{from_year - 1}); re-plan from a later year")]
    if row.unit_type not in types:
        return [((*at, "unit_type"), f"unknown unit type '{row.unit_type}' "
                 f"(known: {', '.join(types)})")]
    if row.level not in levels:
        return [((*at, "level"), f"unknown level '{row.level}' (known: {', '.join(levels)})")]
    ut = sc.unit_type(row.unit_type)
    if row.level not in ut.quotas:
        return [((*at, "level"), f"unit type '{ut.id}' has no quota at level '{row.level}' "
                 f"(its levels: {', '.join(ut.quotas)})")]
    if row.year not in sc.start_years(row.level):
        return [((*at, "year"), f"a {row.level} course started in {row.year} would end in "
                 f"{sc.graduation_year(row.level, row.year)}, after the plan's last year {last}")]
    return _people_problems(sc, at, row, from_year)


def _people_problems(sc: Scenario, at: Loc, row: CohortActual,
                     from_year: int) -> list[tuple[Loc, str]]:
    """Graduates and drop-outs against starters, and graduates only of finished courses."""
    ends = sc.graduation_year(row.level, row.year)
    g, d = row.graduates, row.dropouts
    if g is not None and g > row.starters:
        return [((*at, "graduates"), f"{g} graduates but only {row.starters} starters; "
                 "graduates are at most the starters")]
    if d is not None and d > row.starters:
        return [((*at, "dropouts"), f"{d} drop-outs but only {row.starters} starters")]
    if g is not None and ends >= from_year and g > 0:
        return [((*at, "graduates"), f"the course started in {row.year} ends in {ends}, not "
                 f"before --from {from_year}: it has no graduates yet (give drop-outs only)")]
    if g is not None and d is not None and ends < from_year and g + d != row.starters:
        return [((*at, "graduates"), f"{g} graduates + {d} drop-outs = {g + d}, but "
                 f"{row.starters} started; they must add up for a finished course")]
    rate = sc.level(row.level).completion_rate_percent
    if ends < from_year and rate != 100:
        return [((*at, "level"), f"level '{row.level}' has a completion rate of {rate}%: a "
                 "re-plan counts a finished course's actual graduates only at 100% (set "
                 "completion_rate_percent: 100 for it, or re-plan from an earlier year)")]
    return []


def _count_problems(sc: Scenario, at: Loc, row: StaffCount, from_year: int
                    ) -> list[tuple[Loc, str]]:
    """What is wrong with one staff count (year, unit type, qualifications, sum)."""
    from trainplan.models.scenario import qualification_ids

    first = sc.horizon.first_year
    if not first <= row.year < from_year:
        return [((*at, "year"), f"year {row.year} is not a past year of a re-plan from "
                 f"{from_year} ({first}-{from_year - 1})")]
    described = [] if sc.workforce is None else [s.unit_type for s in sc.workforce.staff]
    if row.unit_type not in described:
        return [((*at, "unit_type"), f"unit type '{row.unit_type}' has no staff in the "
                 f"workforce section (described: {', '.join(described) or 'none'})")]
    quals = qualification_ids(sc)
    unknown = [q for q in row.held if q not in quals]
    if unknown:
        return [((*at, "held", unknown[0]), f"unknown qualification '{unknown[0]}' "
                 f"(known: {', '.join(quals)})")]
    if row.held and sum(row.held.values()) != row.in_post:
        parts = "+".join(str(n) for n in row.held.values())
        return [((*at, "held"), f"qualifications held add up to {parts}="
                 f"{sum(row.held.values())} but in_post says {row.in_post}")]
    return []


def _staff_problems(sc: Scenario, act: Actuals, from_year: int) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    seen: set[tuple[str, int]] = set()
    for i, row in enumerate(act.staff):
        at: Loc = ("actuals", "staff", i)
        if (row.unit_type, row.year) in seen:
            out.append((at, f"{row.unit_type}, {row.year} is counted twice"))
        seen.add((row.unit_type, row.year))
        out += _count_problems(sc, at, row, from_year)
    return out


def actuals_problems(sc: Scenario, from_year: int) -> list[tuple[Loc, str]]:
    """Everything wrong with the scenario's actuals for a re-plan from `from_year`."""
    first, last = sc.horizon.first_year, sc.horizon.last_year
    if not first < from_year <= last:
        return [(("--from",), f"{from_year} is not a year to re-plan from: give a year after "
                 f"the first ({first}) and at most the last ({last})")]
    act = sc.actuals
    if act is None:
        return [(("actuals",), "no actuals: give --actuals FILE or an actuals section")]
    out: list[tuple[Loc, str]] = []
    seen: dict[Cohort, int] = {}
    for i, row in enumerate(act.cohorts):
        key = (row.unit_type, row.level, row.year)
        if key in seen:
            out.append((("actuals", "cohorts", i), f"{row.unit_type}, {row.level}, {row.year} "
                        f"is given twice (first as item {seen[key] + 1})"))
        seen.setdefault(key, i)
        out += _row_problems(sc, i, row, from_year)
    out += _staff_problems(sc, act, from_year)
    out += short_actuals_problems(sc, from_year)
    for year in act.spending:
        if not first <= year < from_year:
            out.append((("actuals", "spending", year), f"year {year} is not a past year of a "
                        f"re-plan from {from_year} ({first}-{from_year - 1})"))
    return out


# ----- short courses as they happened ---------------------------------------------------

#: Short-course key: (course, place, year).
ClassKey = tuple[str, str, int]


def kept_classes(sc: Scenario) -> dict[ClassKey, ShortActual]:
    """Every short-course class slot before `from_year`, as it happened.

    Nothing without a short-course section or a re-plan year; a slot the actuals do
    not list held no class (0 classes, 0 participants).
    """
    from trainplan.models.scenario import short_places

    act, short = sc.actuals, sc.short_courses
    if act is None or act.from_year is None or short is None:
        return {}
    given = {(r.course, r.place, r.year): r for r in act.short_courses}
    return {(c.id, p, y): given.get((c.id, p, y), ShortActual(
                year=y, course=c.id, place=p, classes=0, participants=0))
            for c in short.courses for p in short_places(sc, c)
            for y in sc.years if y < act.from_year}


def short_spent_in(sc: Scenario, year: int) -> Decimal:
    """Money the kept past short-course classes cost in `year` at the plan's costs."""
    out = Decimal(0)
    for (cid, _, y), row in kept_classes(sc).items():
        if y == year:
            assert sc.short_courses is not None
            c = sc.short_courses.course(cid)
            out += row.classes * c.cost_per_class + row.participants * c.cost_per_participant
    return out


def _short_ids_problem(sc: Scenario, at: Loc, row: ShortActual) -> list[tuple[Loc, str]]:
    """An unknown course, a place the course is not held at, or unit types it does not take."""
    from trainplan.models.scenario import short_attendees, short_places

    assert sc.short_courses is not None
    courses = [c.id for c in sc.short_courses.courses]
    if row.course not in courses:
        return [((*at, "course"), f"unknown short course '{row.course}' "
                 f"(known: {', '.join(courses)})")]
    c = sc.short_courses.course(row.course)
    places = short_places(sc, c)
    if row.place not in places:
        return [((*at, "place"), f"course '{c.id}' is not held at '{row.place}' "
                 f"(its places: {', '.join(places)})")]
    types = short_attendees(sc, c)
    unknown = [t for t in row.by_unit_type if t not in types]
    if unknown:
        return [((*at, "by_unit_type", unknown[0]), f"unit type '{unknown[0]}' does not "
                 f"attend course '{c.id}' (its unit types: {', '.join(types)})")]
    return []


def _short_size_problem(sc: Scenario, at: Loc, row: ShortActual) -> list[tuple[Loc, str]]:
    """Participants that do not fit the classes held, or a split that does not add up."""
    assert sc.short_courses is not None
    c = sc.short_courses.course(row.course)
    low, high = row.classes * c.min_class, row.classes * c.max_class
    if not low <= row.participants <= high:
        return [((*at, "participants"), f"{row.participants} participants in {row.classes} "
                 f"classes of {c.min_class}-{c.max_class}: give {low}-{high} participants "
                 "(or the classes actually held)")]
    if row.by_unit_type and sum(row.by_unit_type.values()) != row.participants:
        parts = "+".join(str(n) for n in row.by_unit_type.values())
        return [((*at, "by_unit_type"), f"participants per unit type add up to {parts}="
                 f"{sum(row.by_unit_type.values())} but participants says {row.participants}")]
    return []


def _short_row_problems(sc: Scenario, at: Loc, row: ShortActual, from_year: int
                        ) -> list[tuple[Loc, str]]:
    """What is wrong with one short-course row (year, ids, sizes)."""
    first, last = sc.horizon.first_year, sc.horizon.last_year
    if not first <= row.year <= last:
        return [((*at, "year"), f"year {row.year} is outside the plan {first}-{last}")]
    if row.year >= from_year:
        return [((*at, "year"), f"year {row.year} is not before --from {from_year}: actuals "
                 f"are for past years ({first}-{from_year - 1}); re-plan from a later year")]
    return _short_ids_problem(sc, at, row) or _short_size_problem(sc, at, row)


def short_actuals_problems(sc: Scenario, from_year: int) -> list[tuple[Loc, str]]:
    """Everything wrong with the short-course part of the actuals."""
    assert sc.actuals is not None
    rows = sc.actuals.short_courses
    if rows and sc.short_courses is None:
        return [(("actuals", "short_courses"), "short-course actuals but the scenario has no "
                 "short_courses section (see README, 'Short courses')")]
    out: list[tuple[Loc, str]] = []
    seen: dict[ClassKey, int] = {}
    for i, row in enumerate(rows):
        at: Loc = ("actuals", "short_courses", i)
        key = (row.course, row.place, row.year)
        if key in seen:
            out.append((at, f"{row.course}, {row.place}, {row.year} is given twice (first as "
                        f"item {seen[key] + 1})"))
        seen.setdefault(key, i)
        out += _short_row_problems(sc, at, row, from_year)
    return out


def short_past_problems(sc: Scenario, roster: Roster) -> list[str]:
    """Where a plan's past short-course classes differ from what happened."""
    classes = {(r.course, r.place, r.year): r for r in roster.classes}
    people: dict[tuple[str, str, int, str], int] = {}
    for r in roster.attendance:
        key = (r.course, r.place, r.year, r.unit_type)
        people[key] = people.get(key, 0) + r.participants
    out = []
    for (cid, place, year), row in kept_classes(sc).items():
        got = classes.get((cid, place, year))
        n, k = (0, 0) if got is None else (got.classes, got.participants)
        if (n, k) != (row.classes, row.participants):
            out.append(f"{cid}, {place}, {year}: {n} classes, {k} person-times in the plan; "
                       f"{row.classes} classes, {row.participants} as it happened")
        if row.by_unit_type:
            out += [f"{cid}, {place}, {year}, {t}: {people.get((cid, place, year, t), 0)} "
                    f"person-times in the plan, {m} as it happened"
                    for t, m in _split(sc, row).items()
                    if people.get((cid, place, year, t), 0) != m]
    return out


def _split(sc: Scenario, row: ShortActual) -> dict[str, int]:
    """Person-times of a row per unit type attending its course (unlisted types: 0)."""
    from trainplan.models.scenario import short_attendees

    assert sc.short_courses is not None
    return {t: row.by_unit_type.get(t, 0)
            for t in short_attendees(sc, sc.short_courses.course(row.course))}


def kept_people(sc: Scenario) -> dict[tuple[str, str, int, str], int]:
    """Past person-times fixed per unit type: rows split by unit type, or one type only."""
    from trainplan.models.scenario import short_attendees

    out = {}
    for (cid, place, year), row in kept_classes(sc).items():
        assert sc.short_courses is not None
        types = short_attendees(sc, sc.short_courses.course(cid))
        if row.by_unit_type or len(types) == 1 or row.participants == 0:
            split = _split(sc, row) if row.by_unit_type else {
                t: row.participants for t in types}
            out.update({(cid, place, year, t): n for t, n in split.items()})
    return out


def _spent_in(sc: Scenario, kept: dict[Cohort, int], year: int, level: str | None = None
              ) -> Decimal:
    """Money the fixed past cohorts cost in `year` at the plan's unit costs (million VND)."""
    return sum((sc.level(lv).cost_per_trainee_year * n for (_, lv, y), n in kept.items()
                if (level is None or lv == level) and y <= year <= sc.graduation_year(lv, y)),
               Decimal(0))


def _in_training(sc: Scenario, kept: dict[Cohort, int], year: int,
                 level: str | None = None) -> int:
    return sum(n for (_, lv, y), n in kept.items()
               if (level is None or lv == level) and y <= year <= sc.graduation_year(lv, y))


def _started(kept: dict[Cohort, int], year: int, levels: list[str] | None = None) -> int:
    return sum(n for (_, lv, y), n in kept.items()
               if y == year and (levels is None or lv in levels))


def _raised(by_year: dict[int, Any], default: Any, years: list[int], used: Any) -> dict[int, Any]:
    """Per-year limits with each past year raised to what it used (when it used more)."""
    out = dict(by_year)
    for y in years:
        cap = by_year.get(y, default)
        if cap is not None and used(y) > cap:
            out[y] = used(y)
    return out


def _past_capacity(sc: Scenario, kept: dict[Cohort, int], past: list[int]) -> dict:
    cap = sc.capacity.model_dump()
    cap["starts_by_year"] = _raised(sc.capacity.starts_by_year, sc.capacity.starts_per_year,
                                    past, lambda y: _started(kept, y))
    cap["seats_by_year"] = _raised(sc.capacity.seats_by_year, sc.capacity.seats, past,
                                   lambda y: _in_training(sc, kept, y))
    for lid, lc in sc.capacity.by_level.items():
        cap["by_level"][lid]["starts_by_year"] = _raised(
            lc.starts_by_year, lc.starts_per_year, past,
            lambda y, lid=lid: _started(kept, y, [lid]))
        cap["by_level"][lid]["seats_by_year"] = _raised(
            lc.seats_by_year, lc.seats, past, lambda y, lid=lid: _in_training(sc, kept, y, lid))
    # A group's places are one figure for every year: raising it for the past would
    # raise it for the remaining years too, so it stays (and binds the past as well).
    return cap


def _past_cost(sc: Scenario, kept: dict[Cohort, int], year: int) -> Decimal:
    """Money the kept past (cohorts and short-course classes) costs in `year`."""
    return _spent_in(sc, kept, year) + short_spent_in(sc, year)


def _past_short_courses(sc: Scenario, past: list[int]) -> dict:
    """The short-course section with past years' trainer-days raised to what they used."""
    assert sc.short_courses is not None
    short = sc.short_courses

    def used(year: int) -> int:
        return sum(row.classes * short.course(c).trainer_days
                   for (c, _, y), row in kept_classes(sc).items() if y == year)

    data = short.model_dump()
    data["trainer_days_by_year"] = _raised(short.trainer_days_by_year,
                                           short.trainer_days_per_year, past, used)
    return data


def remaining_budget(sc: Scenario, kept: dict[Cohort, int], past: list[int]) -> Decimal | None:
    """The re-plan's total budget: the money left after the past, plus the past years' part.

    The model counts the past cohorts' past years at the plan's unit costs; adding that
    part back leaves the remaining years exactly the money not actually spent.
    """
    total = sc.budget.total
    if total is None:
        return None
    assert sc.actuals is not None
    counted = sum((_past_cost(sc, kept, y) for y in past), Decimal(0))
    spent = sum((sc.actuals.spending.get(y, _past_cost(sc, kept, y)) for y in past), Decimal(0))
    return counted + max(total - spent, Decimal(0))


def replan_scenario(sc: Scenario, from_year: int) -> Scenario:
    """The scenario a re-plan from `from_year` solves (see the module docstring).

    Call after `actuals_problems` found nothing. The result still holds the whole
    horizon; its `actuals.from_year` makes the model fix the past cohorts.
    """
    assert sc.actuals is not None
    act = sc.actuals.model_copy(update={"from_year": from_year})
    sc = sc.model_copy(update={"actuals": act})
    kept = act.kept_starts(sc)
    past = [y for y in sc.years if y < from_year]
    data = sc.model_dump()
    data["capacity"] = _past_capacity(sc, kept, past)
    data["budget"]["total"] = remaining_budget(sc, kept, past)
    data["budget"]["by_year"] = _raised(sc.budget.by_year, sc.budget.per_year, past,
                                        lambda y: _past_cost(sc, kept, y))
    if sc.short_courses is not None:
        data["short_courses"] = _past_short_courses(sc, past)
    data["milestones"] = [ms for ms in data["milestones"] if ms["by_year"] >= from_year]
    if sc.workforce is not None and act.staff:
        data["workforce"]["staff"] = _counted_staff(sc)
    return type(sc).model_validate(data)


def _shifted(planned: dict[int, int], counted: dict[int, int]) -> dict[int, int]:
    """Staff in post per year: a counted year as counted, a later one shifted.

    A year after a count is as planned plus the difference found at that count (the
    plan's changes kept on top of what was counted).
    """
    out, shift = {}, 0
    for year, n in planned.items():
        if year in counted:
            shift = counted[year] - n
            out[year] = counted[year]
        else:
            out[year] = max(n + shift, 0)
    return out


def _counted_staff(sc: Scenario) -> list[dict]:
    """Each unit type's staff in post per year: counted in past years, else planned.

    Years after a count are shifted by its difference (see `_shifted`).
    """
    assert sc.workforce is not None and sc.actuals is not None
    counted = {(r.unit_type, r.year): r.in_post for r in sc.actuals.staff}
    out = []
    for st in sc.workforce.staff:
        data = st.model_dump()
        if any(t == st.unit_type for t, _ in counted):
            data["by_year"] = _shifted(st.staff_in_post(sc.years),
                                       {y: n for (t, y), n in counted.items()
                                        if t == st.unit_type})
            data["growth_percent"] = {}
        out.append(data)
    return out


def past_problems(sc: Scenario, starts: dict[Cohort, int]) -> list[str]:
    """Where a plan's starters (per cohort) differ from the past it must keep."""
    if sc.actuals is None:
        return []
    return [f"{t}, {lv}, {y}: {starts.get((t, lv, y), 0)} starters in the plan, "
            f"{n} as it happened (starters who stayed)"
            for (t, lv, y), n in sc.actuals.kept_starts(sc).items()
            if starts.get((t, lv, y), 0) != n]


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _scenario_origins(path: Path) -> dict:
    """Where each part of a scenario file was written: YAML lines or workbook cells."""
    from trainplan.models.loader import _read  # the one YAML reader, with line numbers

    if _is_workbook(path):
        from trainplan.models.workbook import read_workbook

        return read_workbook(path)[1]
    return _read(path)[1] if path.suffix.lower() in (".yaml", ".yml") else {}


def read_actuals_file(path: Path, scenario: dict) -> tuple[dict, dict]:
    """The `actuals` mapping of a separate file, with the origin of every part.

    A YAML file holds one top-level key, `actuals:`, the same text a scenario's section
    holds (so it can be pasted into the scenario); a workbook holds the actuals sheets
    of the scenario template, read against the scenario's data (its years).
    """
    from trainplan.models.errors import Problem, ScenarioError
    from trainplan.models.loader import _read  # the one YAML reader, with line numbers

    if _is_workbook(path):
        from trainplan.models.workbook import read_actuals_workbook

        return read_actuals_workbook(path, scenario)
    data, origins = _read(path)
    extra = [k for k in data if k != "actuals"]
    if extra or "actuals" not in data:
        key = extra[0] if extra else "actuals"
        line = origins.get((key,), (str(path), None))[1]
        raise ScenarioError([Problem(str(path), line, key, "an actuals file holds one "
                                     "top-level key, 'actuals:' (see README, 'Re-planning')")])
    return data["actuals"], origins


@dataclass(frozen=True)
class GapRow:
    """One unit type and level: the original plan against what happened, and what is left.

    Past figures are for courses started before the re-plan year; graduates are of
    courses that ended before it. `remaining_*` are starters from the re-plan year on.
    """

    unit_type: str
    level: str
    planned_starters: int
    actual_starters: int
    planned_graduates: int
    actual_graduates: int
    quota: int
    remaining_planned: int
    remaining_replanned: int | None  # None when no re-plan meets every rule

    @property
    def starters_gap(self) -> int:
        """Actual minus planned starters (negative: fewer started than planned)."""
        return self.actual_starters - self.planned_starters

    @property
    def graduates_gap(self) -> int:
        """Actual minus planned graduates (negative: fewer graduated than planned)."""
        return self.actual_graduates - self.planned_graduates

    @property
    def remaining_change(self) -> int | None:
        """How many more (or fewer) the remaining years must start than first planned."""
        if self.remaining_replanned is None:
            return None
        return self.remaining_replanned - self.remaining_planned


@dataclass(frozen=True)
class YearGap:
    """One past year: starters and money, planned against actual (None: not reported)."""

    year: int
    planned_starters: int
    actual_starters: int
    planned_spending: Decimal
    actual_spending: Decimal | None


@dataclass(frozen=True)
class PastMilestone:
    """A milestone whose deadline is before the re-plan year, judged on the actuals."""

    id: str
    label: str
    by_year: int
    required: int
    achieved: int

    @property
    def met(self) -> bool:
        """Whether the actual graduates reached it."""
        return self.achieved >= self.required


def _graduated(sc: Scenario, starts: dict[Cohort, int], t: str, lv: str, before: int) -> int:
    """Whole graduates of a plan's cohorts ending before `before` (plan's completion rule)."""
    started = sum(n for (ct, cl, y), n in starts.items()
                  if ct == t and cl == lv and sc.graduation_year(lv, y) < before)
    return started * sc.level(lv).rate_scaled // 10_000


def actual_graduates(sc: Scenario, t: str, lv: str, before: int) -> int:
    """Graduates the actuals report for courses of a unit type and level ending before a year."""
    assert sc.actuals is not None
    return sum(sc.actuals.stayed(r) for r in sc.actuals.cohorts
               if r.unit_type == t and r.level == lv
               and sc.graduation_year(lv, r.year) < before)


def _total(starts: dict[Cohort, int], t: str, lv: str, from_year: int, past: bool) -> int:
    """Starters of a unit type and level before `from_year` (past) or from it on."""
    return sum(n for (ct, cl, y), n in starts.items()
               if ct == t and cl == lv and (y < from_year) == past)


def gap_rows(sc: Scenario, planned: dict[Cohort, int], replanned: dict[Cohort, int] | None,
             from_year: int) -> list[GapRow]:
    """Per unit type and level: planned, actual, gap, and what the remaining years must do."""
    assert sc.actuals is not None
    out = []
    for ut in sc.unit_types:
        for lv, quota in ut.quotas.items():
            actual = sum(r.starters for r in sc.actuals.cohorts
                         if r.unit_type == ut.id and r.level == lv)
            again = None if replanned is None else _total(replanned, ut.id, lv, from_year, False)
            out.append(GapRow(ut.id, lv, _total(planned, ut.id, lv, from_year, True), actual,
                              _graduated(sc, planned, ut.id, lv, from_year),
                              actual_graduates(sc, ut.id, lv, from_year), quota.people,
                              _total(planned, ut.id, lv, from_year, False), again))
    return out


def year_gaps(sc: Scenario, planned: dict[Cohort, int], from_year: int) -> list[YearGap]:
    """Each past year: starters and spending, planned against actual."""
    assert sc.actuals is not None
    act = sc.actuals
    out = []
    for year in (y for y in sc.years if y < from_year):
        out.append(YearGap(
            year, sum(n for (_, _, y), n in planned.items() if y == year),
            sum(r.starters for r in act.cohorts if r.year == year),
            _spent_in(sc, planned, year), act.spending.get(year)))
    return out


def past_milestones(sc: Scenario, from_year: int) -> list[PastMilestone]:
    """Milestones due before the re-plan year, against the graduates actually reported."""
    out = []
    for ms in sc.milestones:
        if ms.by_year < from_year:
            got = sum(actual_graduates(sc, t, lv, ms.by_year + 1)
                      for t, lv in sc.milestone_pairs(ms))
            out.append(PastMilestone(ms.id, ms.label, ms.by_year, sc.milestone_target(ms), got))
    return out


def with_actuals(sc: Scenario, scenario_path: Path, actuals_path: Path | None,
                 from_year: int) -> Scenario:
    """The scenario with its actuals (from `actuals_path` or its own section), checked.

    Raises ScenarioError naming the file, line and field of every problem (and
    `--from` when the year cannot be re-planned from); nothing is written.
    """
    from trainplan.models.errors import Problem, ScenarioError
    from trainplan.models.loader import _at, validate

    data = sc.model_dump()
    if actuals_path is not None:
        section, origins = read_actuals_file(actuals_path, data)
        name = str(actuals_path)
        data["actuals"] = section
    else:
        name = str(scenario_path)
        origins = _scenario_origins(scenario_path)
    checked = validate(data, origins, name)
    if checked.actuals is None:
        raise ScenarioError([Problem(name, None, "actuals", "no actuals section: give "
                                     "--actuals FILE or an 'actuals:' section")])
    problems = actuals_problems(checked, from_year)
    if problems:
        raise ScenarioError([Problem("--from", None, "", msg) if loc == ("--from",)
                             else _at(data, origins, name, loc, msg) for loc, msg in problems])
    return checked


@dataclass(frozen=True)
class StaffGap:
    """Staff counted in a past year against the original plan's stock for that year."""

    unit_type: str
    year: int
    planned_in_post: int
    counted_in_post: int
    planned_qualified: int
    counted_qualified: int | None  # None when the count gives no qualifications


def staff_gaps(sc: Scenario, planned: Roster | None) -> list[StaffGap]:
    """Each staff count against the plan: staff in post, and staff holding a qualification."""
    from trainplan.models.scenario import NO_QUALIFICATION
    from trainplan.models.workforce import stock_by_year

    if sc.actuals is None or sc.workforce is None or planned is None:
        return []
    original = sc.model_copy(update={"actuals": None})
    out = []
    for row in sc.actuals.staff:
        ys = next(y for y in stock_by_year(original, planned, row.unit_type)
                  if y.year == row.year)
        held = sum(n for q, n in row.held.items() if q != NO_QUALIFICATION)
        out.append(StaffGap(row.unit_type, row.year, ys.staff_in_post, row.in_post,
                            ys.staff_in_post - ys.end[NO_QUALIFICATION],
                            held if row.held else None))
    return out


@dataclass(frozen=True)
class ShortGap:
    """One short course: classes and person-times planned against actual, and what is left.

    Past figures are for years before the re-plan year; `remaining_*` are person-times
    from it on, in the first plan and in the re-plan (None when no re-plan meets every rule).
    """

    course: str
    planned_classes: int
    actual_classes: int
    planned_person_times: int
    actual_person_times: int
    remaining_planned: int
    remaining_replanned: int | None

    @property
    def classes_gap(self) -> int:
        """Actual minus planned classes (negative: fewer held than planned)."""
        return self.actual_classes - self.planned_classes

    @property
    def person_times_gap(self) -> int:
        """Actual minus planned person-times."""
        return self.actual_person_times - self.planned_person_times


def _held(roster: Roster | None, course: str, past: bool, from_year: int) -> tuple[int, int]:
    """Classes and person-times of a course in a roster, before `from_year` (past) or after."""
    rows = [r for r in (roster.classes if roster is not None else [])
            if r.course == course and (r.year < from_year) == past]
    return sum(r.classes for r in rows), sum(r.participants for r in rows)


def short_gaps(sc: Scenario, planned: Roster | None, replanned: Roster | None,
               from_year: int) -> list[ShortGap]:
    """Per short course: classes and person-times planned, actual, and left to hold."""
    if sc.short_courses is None or sc.actuals is None:
        return []
    out = []
    for c in sc.short_courses.courses:
        rows = [r for r in sc.actuals.short_courses if r.course == c.id]
        classes, people = _held(planned, c.id, True, from_year)
        again = None if replanned is None else _held(replanned, c.id, False, from_year)[1]
        out.append(ShortGap(c.id, classes, sum(r.classes for r in rows), people,
                            sum(r.participants for r in rows),
                            _held(planned, c.id, False, from_year)[1], again))
    return out
