"""The scenario: a province's training plan as validated, typed data.

Everything the model relies on (ids that resolve, years inside the horizon,
numbers that fit CP-SAT's integers) is checked here, when the file loads.
Money is in million VND, people are whole persons, rates are percentages.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)
from trainplan.models.actuals import Actuals
from trainplan.models.rules import GOALS

#: Money is held in the model as integers of this many units per million VND
#: (1,000 = thousand VND), so costs like 12.5 million VND stay exact.
MONEY_SCALE = 1000
#: Completion rates are held as integers of this many units per 100 %.
RATE_SCALE = 10_000
#: CP-SAT works with signed 64-bit integers; we keep a factor-2 safety margin.
INT_LIMIT = 2**62

#: Largest money figure (million VND): scaled by MONEY_SCALE it stays below INT_LIMIT.
MAX_MONEY = 10**15
#: Largest people figure (a quota, a capacity, staff per unit...).
MAX_PEOPLE = 10**8
#: Most units of one unit type (and rows of its unit list).
MAX_UNITS = 100_000
#: Longest id, label or name, in characters.
MAX_LABEL = 500
#: Longest description or source text, in characters.
MAX_TEXT = 10_000
#: Most items of the lists of a scenario.
MAX_LEVELS, MAX_UNIT_TYPES, MAX_ITEMS = 100, 1_000, 1_000

#: A dot followed by exactly three digits after one to three digits: 52.500 is 52.5 with
#: a decimal point, but 52,500 with the dot Vietnamese writes between thousands.
AMBIGUOUS_DOT = re.compile(r"[+-]?\d{1,3}\.\d{3}")
_LEADING_ZERO = re.compile(r"[+-]?0\d+")
#: Control characters, lone surrogates and non-characters: never part of a plan's text.
NOT_IN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def money_words(value: Decimal | int) -> str:
    """Million VND as the model's and optimizer's English text: 52,500 or 12.5."""
    return f"{Decimal(value):,.3f}".rstrip("0").rstrip(".")


def plain_number(value: Decimal) -> int | float:
    """A Decimal as a plain number for JSON or a spreadsheet cell: int when whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def unambiguous(value: Decimal) -> str:
    """A figure as a scenario file can hold it: 52.5, 14.1160 (not 14.116), 52500."""
    text = f"{value.normalize():f}"
    return text + "0" if AMBIGUOUS_DOT.fullmatch(text) else text


def _ambiguity(text: str) -> str:
    """What 52.500 could mean, and how to write each meaning unambiguously."""
    point = Decimal(text).normalize()
    thousands = text.replace(".", "")
    return (f"{text} is ambiguous: {point:f} with a decimal point, or {int(thousands):,} with "
            f"the Vietnamese thousands dot; write {unambiguous(point)} or {thousands}")


class DottedNumber(Decimal):
    """A number read from text written like 52.500: a decimal point or a thousands dot.

    The YAML reader gives such numbers this type; money and people fields refuse
    them, while computed Decimals (52.125 from a sum) are never in doubt.
    """


def _figure(value: Any) -> Any:
    """Refuse true/false, 52.500 and 010 where a figure is expected; pass the rest on."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number; write the figure")
    if isinstance(value, DottedNumber):
        raise ValueError(_ambiguity(str(value)))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if AMBIGUOUS_DOT.fullmatch(text):
        raise ValueError(_ambiguity(text))
    if _LEADING_ZERO.fullmatch(text):
        raise ValueError(f"{text} starts with 0, which some tools read as an octal number; "
                         f"write {int(text)} (without the leading 0)")
    return value


def _checked_text(text: str, match: re.Match[str] | None) -> str:
    """The text, or an error naming the character that cannot be part of a plan's text."""
    if match is None:
        return text
    char = match.group()
    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    raise ValueError(f"holds {kind} ({char!a}) at position {match.start() + 1}; "
                     "remove it (it cannot be written to Excel, HTML or a terminal)")


def _id_text(value: Any) -> Any:
    """Ids: no control characters, no line breaks, no lone surrogates."""
    return _checked_text(value, NOT_IN_ID.search(value)) if isinstance(value, str) else value


def _free_text(value: Any) -> Any:
    """Labels and descriptions: line breaks and tabs allowed, other control characters not."""
    return _checked_text(value, NOT_IN_TEXT.search(value)) if isinstance(value, str) else value


Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=3, description="million VND"),
                  BeforeValidator(_figure)]
Count = Annotated[int, Field(ge=0, le=MAX_PEOPLE, description="whole persons"),
                  BeforeValidator(_figure)]
# A type with a validator keeps only the bounds written inside it (pydantic drops those
# given in `= Field(...)`), so each range of figures has its own type.
PositiveCount = Annotated[int, Field(ge=1, le=MAX_PEOPLE), BeforeValidator(_figure)]
UnitCount = Annotated[int, Field(ge=1, le=MAX_UNITS), BeforeValidator(_figure)]
Duration = Annotated[int, Field(ge=1, le=10), BeforeValidator(_figure)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]
Year = Annotated[int, Field(ge=1900, le=2200, description="calendar year"),
                 BeforeValidator(_figure)]
Id = Annotated[str, Field(min_length=1, max_length=MAX_LABEL), BeforeValidator(_id_text)]
Label = Annotated[str, Field(max_length=MAX_LABEL), BeforeValidator(_free_text)]
Text = Annotated[str, Field(max_length=MAX_TEXT), BeforeValidator(_free_text)]


class Strict(BaseModel):
    """Base for every scenario section: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Horizon(Strict):
    """The years the plan covers, both ends included."""

    first_year: Year = Field(description="first year trainees may start")
    last_year: Year = Field(description="last year of the plan; every course ends by then")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.last_year < self.first_year:
            raise ValueError(
                f"last_year {self.last_year} is before first_year {self.first_year}"
            )
        return self

    @property
    def years(self) -> list[int]:
        """All years of the plan in order."""
        return list(range(self.first_year, self.last_year + 1))


class Phase(Strict):
    """A named stretch of the plan (e.g. 2010-2015), used in reports."""

    id: Id = Field(description="short name, e.g. 'phase-1'")
    first_year: Year
    last_year: Year


class Level(Strict):
    """A qualification level with its course length, cost and completion rate."""

    id: Id = Field(description="short id used everywhere else")
    label_vi: Label = Field(description="Vietnamese name, e.g. 'Trung cấp'")
    label_en: Label = Field(description="English name, e.g. 'Intermediate'")
    duration_years: Duration = Field(description="course length in whole years")
    cost_per_trainee_year: Money = Field(
        description="training cost of one trainee for one year, million VND"
    )
    completion_rate_percent: Percent = Field(
        default=Decimal(100),
        description="share of starters who graduate, percent (100 when unknown)",
    )

    @property
    def rate_scaled(self) -> int:
        """Completion rate as an integer out of RATE_SCALE."""
        return int(self.completion_rate_percent * RATE_SCALE / 100)

    @property
    def cost_scaled(self) -> int:
        """Cost per trainee-year in 1/MONEY_SCALE million VND."""
        return int(self.cost_per_trainee_year * MONEY_SCALE)


class QuotaMode(StrEnum):
    """How a quota binds: exactly, at least or at most that many graduates."""

    exact = "exact"
    at_least = "at_least"
    at_most = "at_most"


class Quota(Strict):
    """People of one unit type to graduate at one level over the plan."""

    people: Count
    mode: QuotaMode = QuotaMode.exact

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        """Accept `100` (exact) or `{at_least: 100}` / `{at_most: 100}` / `{exact: 100}`."""
        if isinstance(value, bool):
            raise ValueError("a quota is a whole number of people, not true/false")
        if isinstance(value, int | Decimal | float | str):
            return {"people": value, "mode": "exact"}
        if isinstance(value, dict) and len(value) == 1:
            (key, number), = value.items()
            if key in QuotaMode.__members__:
                return {"people": number, "mode": key}
        return value


class Unit(Strict):
    """One named unit (a commune, a facility...)."""

    id: Id
    name: Label = ""


class UnitType(Strict):
    """A kind of unit (commune, district...) and what its staff must reach."""

    id: Id
    label_vi: Label
    label_en: Label
    units: UnitCount = Field(description="number of units of this type")
    staff_per_unit: PositiveCount = Field(
        description="people per unit to be trained; each is trained at most once"
    )
    max_in_training_per_unit: PositiveCount | None = Field(
        default=None,
        description="at most this many staff of one unit in training at the same time",
    )
    stated_minimum_per_unit: Count | None = Field(
        default=None,
        description="what the plan's text says per unit, checked against the table",
    )
    quotas: dict[Id, Quota] = Field(
        description="graduates per level id over the plan (the plan's table)"
    )
    unit_list: list[Unit] | None = Field(
        default=None, max_length=MAX_UNITS,
        description="individual units; generated as '<id>-001'... if absent",
    )

    @model_validator(mode="after")
    def _unit_list_matches(self) -> UnitType:
        if self.unit_list is not None:
            if len(self.unit_list) != self.units:
                raise ValueError(
                    f"unit_list names {len(self.unit_list)} units but units says {self.units}"
                )
            ids = [u.id for u in self.unit_list]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"unit ids repeated in unit_list: {', '.join(dup)}")
        return self

    @property
    def unit_ids(self) -> list[str]:
        """Ids of the individual units, given or generated."""
        if self.unit_list is not None:
            return [u.id for u in self.unit_list]
        width = max(3, len(str(self.units)))
        return [f"{self.id}-{i:0{width}d}" for i in range(1, self.units + 1)]

    @property
    def concurrency(self) -> int:
        """Most staff of one unit in training at once (staff size when unlimited)."""
        if self.max_in_training_per_unit is None:
            return self.staff_per_unit
        return min(self.max_in_training_per_unit, self.staff_per_unit)


class LevelCapacity(Strict):
    """Places and seats for one level."""

    starts_per_year: Count | None = Field(default=None, description="new starters per year")
    starts_by_year: dict[int, Count] = Field(default_factory=dict)
    min_starts_per_year: Count | None = Field(
        default=None, description="at least this many new starters every year"
    )
    seats: Count | None = Field(default=None, description="people in training at once")
    seats_by_year: dict[int, Count] = Field(default_factory=dict)


class LevelGroup(Strict):
    """Places shared by a group of levels, e.g. about 10 a year on long courses."""

    id: Id = Field(description="short id, e.g. long-courses", json_schema_extra={"vi": "mã nhóm"})
    levels: list[Id] = Field(min_length=1, max_length=MAX_LEVELS,
                             description="levels of the group, separated by commas",
                             json_schema_extra={"vi": "các trình độ, cách nhau bởi dấu phẩy"})
    starts_per_year: Count = Field(
        description="new starters per year at these levels together (persons)",
        json_schema_extra={"vi": "tuyển mới mỗi năm ở các trình độ này cộng lại (người)"})


class Capacity(Strict):
    """Training places (new starters per year) and seats (people in training at once)."""

    starts_per_year: Count | None = Field(default=None, description="all levels, per year")
    starts_by_year: dict[int, Count] = Field(default_factory=dict, description="overrides")
    min_starts_per_year: Count | None = Field(default=None)
    seats: Count | None = Field(default=None, description="all levels, at once")
    seats_by_year: dict[int, Count] = Field(default_factory=dict)
    by_level: dict[Id, LevelCapacity] = Field(default_factory=dict)
    groups: list[LevelGroup] = Field(default_factory=list, max_length=MAX_ITEMS,
                                     description="places shared by groups of levels",
                                     json_schema_extra={"vi": "nhóm trình độ"})


class FundingSource(Strict):
    """A source of money (state, ODA, socialised) and what it may pay for."""

    id: Id
    label: Label = ""
    amount: Money = Field(description="most this source pays over the plan, million VND")
    levels: list[Id] | None = Field(default=None, max_length=MAX_LEVELS,
                                    description="levels it may pay; all if absent")
    first_year: Year | None = None
    last_year: Year | None = None


class Budget(Strict):
    """Training money: a total, yearly ceilings, and optionally sources."""

    total: Money | None = Field(default=None, description="whole plan, million VND")
    per_year: Money | None = Field(default=None, description="ceiling for every year")
    by_year: dict[int, Money] = Field(default_factory=dict, description="ceiling overrides")
    sources: list[FundingSource] = Field(default_factory=list, max_length=MAX_LEVELS)


class Milestone(Strict):
    """At least so many graduates of some unit types and levels by a year."""

    id: Id
    label: Label = ""
    by_year: Year
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES,
                                        description="all if absent")
    levels: list[Id] | None = Field(default=None, max_length=MAX_LEVELS,
                                    description="all if absent")
    people: Count | None = Field(default=None, description="graduates needed")
    share_percent: Percent | None = Field(
        default=None, description="or this share of the matching quotas"
    )

    @model_validator(mode="after")
    def _one_target(self) -> Milestone:
        if (self.people is None) == (self.share_percent is None):
            raise ValueError("give exactly one of 'people' or 'share_percent'")
        return self


# ----- the workforce over time (optional section `workforce`) ---------------------------

#: The qualification of staff who hold none of the plan's levels.
NO_QUALIFICATION = "none"

def _below_all(value: Any) -> Any:
    """Refuse attrition of 100% or more: everyone leaving every year leaves no one to train."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value >= 100:
        raise ValueError(f"{value} is too large: with {value}% attrition everyone leaves "
                         "every year; give a share below 100 (at most 99.99)")
    return _figure(value)


AttritionPercent = Annotated[Decimal, Field(ge=0, lt=100, decimal_places=2),
                             BeforeValidator(_below_all)]
SharePercent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2),
                         BeforeValidator(_figure)]
GrowthPercent = Annotated[Decimal, Field(ge=-99, le=10_000, decimal_places=2),
                          BeforeValidator(_figure)]


class QualifiedRecruits(Strict):
    """Recruits who arrive already holding a qualification: at most so many a year."""

    per_year: Count = Field(description="at most this many recruits a year hold it (persons)")
    cost_per_person: Money = Field(default_factory=Decimal,
                                   description="cost of hiring one such recruit, million VND")


class StaffInPost(Strict):
    """The staff of one unit type over the years: how many, what they hold, who leaves.

    The integer rules (the same in `optimizer.model` and `models.workforce`):
    - staff in post is counted at the end of each year; `at_start` is the count at
      the start of the first plan year. With `growth_percent`, the staff in post of a
      named year is start x (100 + growth) / 100 rounded half up; years between two
      named years (or between the start and the first named year) go linearly,
      rounded down; years after the last named year keep its figure.
    - leavers of a qualification in a year = floor(stock holding it at the start of
      the year x attrition / 100); with `first_year_attrition_percent`, computed
      separately for the staff in their first year (last year's recruits, at that
      rate) and for the others, each rounded down. Staff in training are among
      those who stay.
    - recruits at the end of each year fill growth and leavers exactly: recruits =
      staff in post (end of year) - staff in post (start of year) + leavers.
    """

    unit_type: Id = Field(description="the unit type whose staff this describes")
    at_start: PositiveCount = Field(description="staff in post at the start of the plan")
    held_at_start: dict[Id, Count] = Field(
        description="staff holding each qualification at plan start ('none' for none); "
                    "must add up to at_start")
    by_year: dict[int, Count] = Field(
        default_factory=dict, description="staff in post at the end of each plan year")
    growth_percent: dict[int, GrowthPercent] = Field(
        default_factory=dict, description="or growth over at_start by named years, percent")
    attrition_percent: AttritionPercent = Field(
        default=Decimal(0), description="share of staff leaving each year, percent")
    attrition_by_qualification: dict[Id, AttritionPercent] = Field(
        default_factory=dict, description="the same per qualification held (overrides)")
    first_year_attrition_percent: AttritionPercent | None = Field(
        default=None, description="share of recruits leaving in their first year, percent")
    recruits: dict[Id, QualifiedRecruits] = Field(
        default_factory=dict, description="recruits arriving qualified, per qualification; "
                                          "every other recruit holds none")

    @model_validator(mode="after")
    def _adds_up(self) -> StaffInPost:
        held = sum(self.held_at_start.values())
        if held != self.at_start:
            parts = "+".join(str(n) for n in self.held_at_start.values())
            sum_text = f"{parts}={held}" if len(self.held_at_start) > 1 else str(held)
            raise UnresolvedReferences([(("held_at_start",), (
                f"unit type '{self.unit_type}': qualifications held at start add up to "
                f"{sum_text} but at_start says {self.at_start} staff in post"))])
        if self.by_year and self.growth_percent:
            raise ValueError("give by_year or growth_percent, not both")
        return self

    def attrition(self, qualification: str) -> Decimal:
        """Yearly leavers' share of the staff holding a qualification, percent."""
        return self.attrition_by_qualification.get(qualification, self.attrition_percent)

    def first_year_attrition(self, qualification: str) -> Decimal:
        """Leavers' share of recruits in their first year, percent."""
        if self.first_year_attrition_percent is None:
            return self.attrition(qualification)
        return self.first_year_attrition_percent

    def staff_in_post(self, years: list[int]) -> dict[int, int]:
        """Staff in post at the end of each plan year (see the class's integer rules)."""
        if self.by_year:
            return {y: self.by_year[y] for y in years}
        anchors = [(years[0] - 1, self.at_start)] + [
            (y, math.floor(self.at_start * (100 + g) / 100 + Decimal("0.5")))
            for y, g in sorted(self.growth_percent.items())]
        out = {}
        for y in years:
            before = [a for a in anchors if a[0] <= y][-1]
            after = next((a for a in anchors if a[0] > y), None)
            if after is None:
                out[y] = before[1]
            else:
                (y0, n0), (y1, n1) = before, after
                out[y] = n0 + (n1 - n0) * (y - y0) // (y1 - y0)
        return out


class Route(Strict):
    """An upgrade route: a level's course takes staff from one qualification to another.

    The course's length, cost per trainee-year, completion rate and places are the
    level's. Without routes each level's course takes staff from the qualification
    just below it (the first from 'none') to the level itself.
    """

    course: Id = Field(description="the level whose course this is")
    from_qualification: Id = Field(description="held before ('none' for none)")
    to_qualification: Id = Field(description="held after graduating")


class CoverageTarget(Strict):
    """By a year, at least a share of staff in post hold at least a qualification.

    Needed: ceil(staff in post at the end of the year x share / 100) persons;
    'universal' is share 100.
    """

    id: Id
    label: Label = ""
    by_year: Year
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES,
                                        description="all unit types with staff if absent")
    at_least: Id = Field(description="the qualification (or a higher one) to hold")
    share_percent: SharePercent = Field(default=Decimal(100), description="100 = universal")


class TrainedTarget(Strict):
    """During a phase, graduates reach at least a share of the working staff.

    Needed: graduates of courses ending in the phase >= ceil(staff in post at the end
    of the phase x share / 100); one person graduating twice counts twice.
    """

    id: Id
    label: Label = ""
    phase: Id = Field(description="a phase id of the scenario")
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES)
    share_percent: SharePercent


class StaffedUnitsTarget(Strict):
    """By a year, at least a share of units can each have `staff` qualified staff.

    Staff are counted per unit type, not per unit (the province posts them): needed
    are staff x ceil(units x share / 100) persons holding at least the qualification.
    """

    id: Id
    label: Label = ""
    by_year: Year
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES)
    at_least: Id
    staff: PositiveCount = Field(default=1, description="qualified staff per unit")
    share_percent: SharePercent


class Workforce(Strict):
    """Staff who come and go, what they hold, how they upgrade, and coverage targets."""

    qualifications: list[Id] | None = Field(
        default=None, max_length=MAX_LEVELS,
        description="qualifications from lowest to highest, without 'none'; "
                    "the level ids in order if absent")
    staff: list[StaffInPost] = Field(min_length=1, max_length=MAX_UNIT_TYPES)
    routes: list[Route] = Field(default_factory=list, max_length=MAX_ITEMS)
    coverage: list[CoverageTarget] = Field(default_factory=list, max_length=MAX_ITEMS)
    trained: list[TrainedTarget] = Field(default_factory=list, max_length=MAX_ITEMS)
    staffed_units: list[StaffedUnitsTarget] = Field(default_factory=list,
                                                    max_length=MAX_ITEMS)

    def staff_of(self, type_id: str) -> StaffInPost | None:
        """The staff description of a unit type, None when it has none."""
        return next((s for s in self.staff if s.unit_type == type_id), None)

    def with_attrition_margin(self, points: Decimal) -> Workforce:
        """The same workforce with every attrition raised by `points` (capped at 99.99)."""
        cap = Decimal("99.99")

        def raised(pct: Decimal) -> Decimal:
            return min(pct + points, cap)

        staff = [s.model_copy(update={
            "attrition_percent": raised(s.attrition_percent),
            "attrition_by_qualification": {q: raised(p)
                                           for q, p in s.attrition_by_qualification.items()},
            "first_year_attrition_percent": None if s.first_year_attrition_percent is None
            else raised(s.first_year_attrition_percent)}) for s in self.staff]
        return self.model_copy(update={"staff": staff})

# ----- short courses (tập huấn, bồi dưỡng): classes and person-times ---------------------

#: The pseudo level id under which funding rows record what a source pays for short courses.
SHORT_COURSES = "short-courses"


class ShortPlace(Strict):
    """Where short-course classes are held (the province town, a district)."""

    id: Id = Field(description="short id, e.g. province-town")
    label_vi: Label = ""
    label_en: Label = ""
    classes_per_year: Count | None = Field(
        default=None, description="most classes held here in a year, all courses together")


class ShortCourse(Strict):
    """A kind of short course: who may attend, class sizes, costs, trainer-days."""

    id: Id = Field(description="short id, e.g. case-management")
    label_vi: Label
    label_en: Label
    days: PositiveCount = Field(description="course length in days (2 weeks = 10 days)")
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES,
                                        description="unit types whose staff may attend; all "
                                                    "if absent")
    qualification: Id | None = Field(
        default=None, description="level id an attendee must hold (e.g. university)")
    holders: Count = Field(
        default=0, description="staff of those unit types holding the qualification at plan "
                               "start; long-course graduates of earlier years are added")
    places: list[Id] | None = Field(default=None, max_length=MAX_ITEMS,
                                    description="places holding its classes; all if absent")
    min_class: PositiveCount = Field(description="fewest participants in one class")
    max_class: PositiveCount = Field(description="most participants in one class")
    cost_per_class: Money = Field(description="hall, trainers: million VND per class")
    cost_per_participant: Money = Field(
        description="per diem, materials: million VND per participant")
    trainer_days_per_class: Count | None = Field(
        default=None, description="trainer-days one class uses (its days if absent)")

    @model_validator(mode="after")
    def _sizes_ordered(self) -> ShortCourse:
        if self.min_class > self.max_class:
            raise ValueError(f"min_class {self.min_class} is above max_class {self.max_class}; "
                             "a class needs min_class <= max_class")
        return self

    @property
    def trainer_days(self) -> int:
        """Trainer-days one class of this course uses."""
        return self.days if self.trainer_days_per_class is None else self.trainer_days_per_class


class ShortTarget(Strict):
    """Person-times of some courses and unit types: at least, at most or exactly N."""

    id: Id
    label: Label = ""
    courses: list[Id] | None = Field(default=None, max_length=MAX_ITEMS,
                                     description="course ids; all if absent")
    unit_types: list[Id] | None = Field(default=None, max_length=MAX_UNIT_TYPES,
                                        description="unit types; all if absent")
    each_year: bool = Field(default=False, description="the figure holds in every year")
    year: Year | None = Field(default=None, description="the figure holds in this year only")
    by_year: Year | None = Field(default=None,
                                 description="the figure counts the years up to this one")
    at_least: Count | None = None
    at_most: Count | None = None
    exactly: Count | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> ShortTarget:
        if self.at_least is None and self.at_most is None and self.exactly is None:
            raise ValueError("give at_least, at_most or exactly (person-times)")
        if self.exactly is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("give either exactly or at_least/at_most, not both")
        if self.each_year + (self.year is not None) + (self.by_year is not None) > 1:
            raise ValueError("give at most one of each_year, year and by_year")
        return self

    @property
    def low(self) -> int | None:
        """Fewest person-times allowed."""
        return self.exactly if self.exactly is not None else self.at_least

    @property
    def high(self) -> int | None:
        """Most person-times allowed."""
        return self.exactly if self.exactly is not None else self.at_most


class EveryoneBy(Strict):
    """Every staff member of the unit types attends one of the courses by a year."""

    id: Id
    label: Label = ""
    courses: list[Id] = Field(min_length=1, max_length=MAX_ITEMS)
    unit_types: list[Id] = Field(min_length=1, max_length=MAX_UNIT_TYPES)
    by_year: Year


class ShortCourses(Strict):
    """Short courses: course kinds, places, trainers, targets and per-unit limits."""

    courses: list[ShortCourse] = Field(min_length=1, max_length=MAX_ITEMS)
    places: list[ShortPlace] = Field(min_length=1, max_length=MAX_ITEMS)
    trainer_days_per_year: Count | None = Field(
        default=None, description="trainer-days available each year; unlimited if absent")
    trainer_days_by_year: dict[int, Count] = Field(default_factory=dict)
    targets: list[ShortTarget] = Field(default_factory=list, max_length=MAX_ITEMS)
    everyone_by: list[EveryoneBy] = Field(default_factory=list, max_length=MAX_ITEMS)
    max_per_unit_per_year: dict[Id, Count] = Field(
        default_factory=dict, description="most person-times of one unit of a type in a year")
    long_course_trainees_attend: bool = Field(
        default=False, description="staff on a long course that year may attend short ones")
    sources: list[Id] | None = Field(
        default=None, max_length=MAX_ITEMS,
        description="funding sources that may pay for short courses; all if absent")

    def course(self, course_id: str) -> ShortCourse:
        """The course kind with this id."""
        return next(c for c in self.courses if c.id == course_id)

    def trainer_days_cap(self, year: int) -> int | None:
        """Trainer-days available in a year (None: unlimited)."""
        return self.trainer_days_by_year.get(year, self.trainer_days_per_year)


#: A goal id, as declared in models.rules.
Goal = Literal[tuple(GOALS)]


class Scenario(Strict):
    """A province's multi-year training plan."""

    name: Label
    description: Text = ""
    source: Text = Field(default="", description="the plan document the figures come from")
    horizon: Horizon
    phases: list[Phase] = Field(default_factory=list, max_length=MAX_ITEMS)
    levels: list[Level] = Field(min_length=1, max_length=MAX_LEVELS)
    unit_types: list[UnitType] = Field(min_length=1, max_length=MAX_UNIT_TYPES)
    capacity: Capacity = Field(default_factory=Capacity)
    budget: Budget = Field(default_factory=Budget)
    milestones: list[Milestone] = Field(default_factory=list, max_length=MAX_ITEMS)
    objective: list[Goal] = Field(
        default_factory=lambda: list(GOALS),
        description="goals applied in order (lexicographically)",
    )
    stated_total_people: Count | None = Field(
        default=None, description="the plan's stated grand total, checked against the table"
    )
    stated_level_totals: dict[Id, Count] = Field(
        default_factory=dict, description="the plan's stated totals per level"
    )
    workforce: Workforce | None = Field(
        default=None, exclude_if=lambda value: value is None,
        description="staff over time, upgrade routes and coverage targets")
    actuals: Actuals | None = Field(
        default=None, exclude_if=lambda value: value is None,
        description="what happened in past years (for `trainplan replan`)")
    short_courses: ShortCourses | None = Field(
        default=None, description="short courses (classes, person-times); none if absent")

    @model_serializer(mode="wrap")
    def _without_absent_sections(self, handler: Any) -> Any:
        """Leave out an absent short-course section, so older scenarios dump as before."""
        data = handler(self)
        if isinstance(data, dict) and data.get("short_courses", 0) is None:
            del data["short_courses"]
        return data

    @field_validator("objective")
    @classmethod
    def _goals_unique(cls, goals: list[str]) -> list[str]:
        if len(set(goals)) != len(goals):
            raise ValueError("each goal may appear once")
        return goals

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        """Every id and year that one part names must exist in another."""
        problems = reference_problems(self)
        if problems:
            raise UnresolvedReferences(problems)
        return self

    # ----- derived views the model and checker share -------------------------------

    @property
    def years(self) -> list[int]:
        """All years of the plan."""
        return self.horizon.years

    def level(self, level_id: str) -> Level:
        """The level with this id (a plain loop: the checker and the model call it often)."""
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise KeyError(f"no level {level_id!r}")

    def unit_type(self, type_id: str) -> UnitType:
        """The unit type with this id."""
        for ut in self.unit_types:
            if ut.id == type_id:
                return ut
        raise KeyError(f"no unit type {type_id!r}")

    def graduation_year(self, level_id: str, start_year: int) -> int:
        """Year a course of this level started in `start_year` ends."""
        return start_year + self.level(level_id).duration_years - 1

    def start_years(self, level_id: str) -> list[int]:
        """Start years whose course of this level ends inside the horizon."""
        d = self.level(level_id).duration_years
        return [y for y in self.years if y + d - 1 <= self.horizon.last_year]

    def cohorts(self) -> list[tuple[str, str, int]]:
        """Every (unit type, level, start year) the plan could schedule, in canonical order."""
        return [
            (ut.id, lid, y)
            for ut in self.unit_types
            for lid in (lv.id for lv in self.levels)
            if lid in ut.quotas
            for y in self.start_years(lid)
        ]

    def starts_cap(self, year: int) -> int | None:
        """Training places for all levels in a year."""
        return self.capacity.starts_by_year.get(year, self.capacity.starts_per_year)

    def seats_cap(self, year: int) -> int | None:
        """Seats for all levels in a year."""
        return self.capacity.seats_by_year.get(year, self.capacity.seats)

    def level_starts_cap(self, level_id: str, year: int) -> int | None:
        """Training places for one level in a year."""
        lc = self.capacity.by_level.get(level_id)
        return None if lc is None else lc.starts_by_year.get(year, lc.starts_per_year)

    def level_seats_cap(self, level_id: str, year: int) -> int | None:
        """Seats for one level in a year."""
        lc = self.capacity.by_level.get(level_id)
        return None if lc is None else lc.seats_by_year.get(year, lc.seats)

    def budget_ceiling(self, year: int) -> Decimal | None:
        """Training money available in a year, million VND."""
        return self.budget.by_year.get(year, self.budget.per_year)

    def source_pays(self, source: FundingSource, level_id: str, year: int) -> bool:
        """Whether a funding source may pay for this level (or short courses) in this year."""
        if level_id == SHORT_COURSES:
            return short_source(self, source.id) and (
                (source.first_year is None or year >= source.first_year)
                and (source.last_year is None or year <= source.last_year))
        return (
            (source.levels is None or level_id in source.levels)
            and (source.first_year is None or year >= source.first_year)
            and (source.last_year is None or year <= source.last_year)
        )

    def milestone_pairs(self, ms: Milestone) -> list[tuple[str, str]]:
        """(unit type, level) pairs a milestone counts."""
        return [
            (ut.id, lid)
            for ut in self.unit_types
            if ms.unit_types is None or ut.id in ms.unit_types
            for lid in ut.quotas
            if ms.levels is None or lid in ms.levels
        ]

    def milestone_target(self, ms: Milestone) -> int:
        """Graduates a milestone asks for, in whole persons (shares round up)."""
        if ms.people is not None:
            return ms.people
        base = sum(self.unit_type(t).quotas[lv].people for t, lv in self.milestone_pairs(ms))
        assert ms.share_percent is not None
        return math.ceil(base * ms.share_percent / 100)

    def starters_needed(self, type_id: str, level_id: str) -> int:
        """Fewest starters whose graduates (rounded down) reach the quota."""
        q = self.unit_type(type_id).quotas[level_id].people
        r = self.level(level_id).rate_scaled
        return -(-q * RATE_SCALE // r)


Loc = tuple[str | int, ...]


class UnresolvedReferences(ValueError):
    """Ids and years that do not resolve, each with the field path it was written at."""

    def __init__(self, problems: list[tuple[Loc, str]]):
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems


def _repeated(ids: list[str]) -> list[int]:
    """Positions of ids already given earlier in the list."""
    return [i for i, x in enumerate(ids) if x in ids[:i]]


def _unknown(kind: str, known: list[str], refs: list[tuple[Loc, str]]) -> list[tuple[Loc, str]]:
    """One problem per reference (where, id) that names no known id."""
    return [(loc, f"unknown {kind} '{ref}' (known: {', '.join(known)})")
            for loc, ref in refs if ref not in known]


def _items(loc: Loc, refs: list[str] | None) -> list[tuple[Loc, str]]:
    """The ids of a list field with the place of each."""
    return [((*loc, j), ref) for j, ref in enumerate(refs or [])]


def _keys(loc: Loc, mapping: dict) -> list[tuple[Loc, str]]:
    """The keys of a mapping field with the place of each."""
    return [((*loc, key), key) for key in mapping]


def _outside(sc: Scenario, years: list[tuple[Loc, int | None]]) -> list[tuple[Loc, str]]:
    """One problem per year outside the plan's horizon."""
    first, last = sc.horizon.first_year, sc.horizon.last_year
    return [(loc, f"year {year} is outside the horizon {first}-{last}")
            for loc, year in years if year is not None and not first <= year <= last]


def _capacity_references(sc: Scenario, levels: list[str]) -> list[tuple[Loc, str]]:
    cap = sc.capacity
    out = _outside(sc, [(("capacity", key, y), y) for key in ("starts_by_year", "seats_by_year")
                        for y in getattr(cap, key)])
    out += _unknown("level", levels, _keys(("capacity", "by_level"), cap.by_level))
    out += [(("capacity", "groups", i, "id"), f"group id '{cap.groups[i].id}' given twice")
            for i in _repeated([g.id for g in cap.groups])]
    for i, group in enumerate(cap.groups):
        out += _unknown("level", levels, _items(("capacity", "groups", i, "levels"), group.levels))
    for lid, lc in cap.by_level.items():
        out += _outside(sc, [(("capacity", "by_level", lid, key, y), y)
                             for key in ("starts_by_year", "seats_by_year")
                             for y in getattr(lc, key)])
    return out


def _budget_references(sc: Scenario, levels: list[str]) -> list[tuple[Loc, str]]:
    out = _outside(sc, [(("budget", "by_year", y), y) for y in sc.budget.by_year])
    sources = sc.budget.sources
    out += [(("budget", "sources", i, "id"), f"source id '{sources[i].id}' given twice")
            for i in _repeated([s.id for s in sources])]
    for i, src in enumerate(sources):
        out += _unknown("level", levels, _items(("budget", "sources", i, "levels"), src.levels))
        out += _outside(sc, [(("budget", "sources", i, key), getattr(src, key))
                             for key in ("first_year", "last_year")])
    return out


def _milestone_references(sc: Scenario, levels: list[str],
                          types: list[str]) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for i, ms in enumerate(sc.milestones):
        out += _outside(sc, [(("milestones", i, "by_year"), ms.by_year)])
        out += _unknown("level", levels, _items(("milestones", i, "levels"), ms.levels))
        out += _unknown("unit type", types,
                        _items(("milestones", i, "unit_types"), ms.unit_types))
    return out


def qualification_ids(sc: Scenario) -> list[str]:
    """The workforce's qualifications from lowest to highest, 'none' first."""
    assert sc.workforce is not None
    given = sc.workforce.qualifications
    return [NO_QUALIFICATION, *(given if given is not None else [lv.id for lv in sc.levels])]


def course_routes(sc: Scenario) -> dict[str, Route]:
    """The upgrade route of each course (level id): given, or from the qualification below."""
    assert sc.workforce is not None
    if sc.workforce.routes:
        return {r.course: r for r in sc.workforce.routes}
    quals = qualification_ids(sc)
    return {lv.id: Route(course=lv.id, from_qualification=quals[i], to_qualification=lv.id)
            for i, lv in enumerate(sc.levels) if lv.id in quals}


def _staff_references(sc: Scenario, quals: list[str], types: list[str]) -> list[tuple[Loc, str]]:
    wf = sc.workforce
    assert wf is not None
    out = [(("workforce", "staff", i, "unit_type"),
            f"unit type '{wf.staff[i].unit_type}' given twice")
           for i in _repeated([s.unit_type for s in wf.staff])]
    for i, st in enumerate(wf.staff):
        loc: Loc = ("workforce", "staff", i)
        out += _unknown("unit type", types, [((*loc, "unit_type"), st.unit_type)])
        for key in ("held_at_start", "attrition_by_qualification"):
            out += _unknown("qualification", quals, _keys((*loc, key), getattr(st, key)))
        out += _unknown("qualification", quals[1:], _keys((*loc, "recruits"), st.recruits))
        out += _outside(sc, [((*loc, key, y), y) for key in ("by_year", "growth_percent")
                             for y in getattr(st, key)])
        missing = [y for y in sc.years if y not in st.by_year]
        if st.by_year and missing:
            out.append(((*loc, "by_year"), "staff in post missing for "
                        f"{', '.join(map(str, missing))}: give every plan year"))
    return out


def _route_references(sc: Scenario, quals: list[str], levels: list[str]) -> list[tuple[Loc, str]]:
    wf = sc.workforce
    assert wf is not None
    out = [(("workforce", "routes", i, "course"), f"course '{wf.routes[i].course}' has two "
            "routes; a level's course takes staff along one route")
           for i in _repeated([r.course for r in wf.routes])]
    for i, r in enumerate(wf.routes):
        loc: Loc = ("workforce", "routes", i)
        out += _unknown("level", levels, [((*loc, "course"), r.course)])
        found = _unknown("qualification", quals, [((*loc, "from_qualification"),
                                                    r.from_qualification)])
        found += _unknown("qualification", quals[1:], [((*loc, "to_qualification"),
                                                        r.to_qualification)])
        out += found
        if not found and quals.index(r.to_qualification) <= quals.index(r.from_qualification):
            out.append(((*loc, "to_qualification"), f"'{r.to_qualification}' is not above "
                        f"'{r.from_qualification}'; a route leads to a higher qualification"))
    return out


def _target_references(sc: Scenario, quals: list[str], types: list[str]) -> list[tuple[Loc, str]]:
    wf = sc.workforce
    assert wf is not None
    staffed = [s.unit_type for s in wf.staff]
    out: list[tuple[Loc, str]] = []
    for key in ("coverage", "trained", "staffed_units"):
        targets = getattr(wf, key)
        out += [(("workforce", key, i, "id"), f"target id '{targets[i].id}' given twice")
                for i in _repeated([t.id for t in targets])]
        for i, target in enumerate(targets):
            loc: Loc = ("workforce", key, i)
            out += _unknown("unit type with staff (workforce.staff)", staffed,
                            _items((*loc, "unit_types"), target.unit_types))
            if key == "trained":
                out += _unknown("phase", [p.id for p in sc.phases],
                                [((*loc, "phase"), target.phase)])
            else:
                out += _outside(sc, [((*loc, "by_year"), target.by_year)])
                out += _unknown("qualification", quals[1:],
                                [((*loc, "at_least"), target.at_least)])
    return out


def _workforce_references(sc: Scenario, levels: list[str],
                          types: list[str]) -> list[tuple[Loc, str]]:
    """Workforce ids and years that do not resolve; courses of staffed types without a route."""
    wf = sc.workforce
    if wf is None:
        return []
    quals = qualification_ids(sc)
    out = [(("workforce", "qualifications", i), f"qualification '{quals[i + 1]}' given twice")
           for i in _repeated(quals[1:])]
    if NO_QUALIFICATION in quals[1:]:
        out.append((("workforce", "qualifications"), f"'{NO_QUALIFICATION}' is implied "
                    "below the first qualification; leave it out"))
    out += _staff_references(sc, quals, types)
    out += _route_references(sc, quals, levels)
    out += _target_references(sc, quals, types)
    if out:
        return out
    routes = course_routes(sc)
    for st in wf.staff:
        ut = sc.unit_type(st.unit_type)
        out += [((("unit_types", types.index(ut.id), "quotas", lid)),
                 f"'{ut.id}' trains at level '{lid}' but that course has no upgrade route "
                 "(workforce.routes)") for lid in ut.quotas if lid not in routes]
    return out


def reference_problems(sc: Scenario) -> list[tuple[Loc, str]]:
    """Ids repeated, ids that name nothing, years outside the horizon: where and what."""
    levels = [lv.id for lv in sc.levels]
    types = [ut.id for ut in sc.unit_types]
    out = [(("levels", i, "id"), f"level id '{levels[i]}' given twice")
           for i in _repeated(levels)]
    out += [(("unit_types", i, "id"), f"unit type id '{types[i]}' given twice")
            for i in _repeated(types)]
    for i, ut in enumerate(sc.unit_types):
        out += _unknown("level", levels, _keys(("unit_types", i, "quotas"), ut.quotas))
    for i, ph in enumerate(sc.phases):
        out += _outside(sc, [(("phases", i, key), getattr(ph, key))
                             for key in ("first_year", "last_year")])
    out += _capacity_references(sc, levels)
    out += _budget_references(sc, levels)
    out += _milestone_references(sc, levels, types)
    out += _unknown("level", levels, _keys(("stated_level_totals",), sc.stated_level_totals))
    out += _workforce_references(sc, levels, types)
    out += short_course_problems(sc)
    return out


# ----- short courses: views and load-time checks ------------------------------------------


def short_source(sc: Scenario, source_id: str) -> bool:
    """Whether a funding source may pay for short courses."""
    short = sc.short_courses
    return short is not None and (short.sources is None or source_id in short.sources)


def short_attendees(sc: Scenario, course: ShortCourse) -> list[str]:
    """Unit types whose staff may attend a course, in scenario order."""
    return [ut.id for ut in sc.unit_types
            if course.unit_types is None or ut.id in course.unit_types]


def short_places(sc: Scenario, course: ShortCourse) -> list[str]:
    """Places that may hold a course's classes, in scenario order."""
    assert sc.short_courses is not None
    return [p.id for p in sc.short_courses.places if course.places is None or p.id in course.places]


def short_target_types(sc: Scenario, target: ShortTarget | EveryoneBy) -> list[str]:
    """Unit types a target counts."""
    return [ut.id for ut in sc.unit_types
            if target.unit_types is None or ut.id in target.unit_types]


def short_target_courses(sc: Scenario, target: ShortTarget | EveryoneBy) -> list[str]:
    """Course kinds a target counts."""
    assert sc.short_courses is not None
    return [c.id for c in sc.short_courses.courses
            if target.courses is None or c.id in target.courses]


def short_target_years(sc: Scenario, target: ShortTarget) -> list[list[int]]:
    """The groups of years a target bounds: each year, one year, or the whole plan."""
    if target.each_year:
        return [[y] for y in sc.years]
    if target.by_year is not None:
        return [[y for y in sc.years if y <= target.by_year]]
    return [[target.year]] if target.year is not None else [sc.years]


def _short_ids(short: ShortCourses, levels: list[str]) -> list[tuple[Loc, str]]:
    """Repeated ids in the short-course section, and a level named like short courses."""
    out: list[tuple[Loc, str]] = []
    for key, items in (("courses", short.courses), ("places", short.places),
                       ("targets", short.targets), ("everyone_by", short.everyone_by)):
        ids = [item.id for item in items]
        out += [(("short_courses", key, i, "id"), f"id '{ids[i]}' given twice")
                for i in _repeated(ids)]
    if SHORT_COURSES in levels:
        out.append((("levels",), f"level id '{SHORT_COURSES}' is kept for short courses; "
                                 "rename the level"))
    return out


def _short_course_refs(sc: Scenario, short: ShortCourses, levels: list[str],
                       types: list[str]) -> list[tuple[Loc, str]]:
    """Each course's unit types, places and qualification resolve; someone can hold it."""
    places = [p.id for p in short.places]
    out: list[tuple[Loc, str]] = []
    for i, c in enumerate(short.courses):
        loc = ("short_courses", "courses", i)
        out += _unknown("unit type", types, _items((*loc, "unit_types"), c.unit_types))
        out += _unknown("place", places, _items((*loc, "places"), c.places))
        if c.qualification is None:
            continue
        if c.qualification not in levels:
            out += _unknown("level", levels, [((*loc, "qualification"), c.qualification)])
        elif c.holders == 0 and not any(c.qualification in sc.unit_type(t).quotas
                                        for t in short_attendees(sc, c) if t in types):
            out.append(((*loc, "qualification"), (
                f"course '{c.id}' needs qualification '{c.qualification}', which no one may "
                "attend with: holders is 0 and no attending unit type trains at that level; "
                "give holders (staff holding it at plan start) or drop the qualification")))
    return out


def _short_target_refs(sc: Scenario, short: ShortCourses,
                       types: list[str]) -> list[tuple[Loc, str]]:
    """Targets and coverage rules name known courses, unit types and plan years."""
    courses = [c.id for c in short.courses]
    out: list[tuple[Loc, str]] = []
    for key, items in (("targets", short.targets), ("everyone_by", short.everyone_by)):
        for i, target in enumerate(items):
            loc = ("short_courses", key, i)
            out += _unknown("course", courses, _items((*loc, "courses"), target.courses))
            out += _unknown("unit type", types, _items((*loc, "unit_types"), target.unit_types))
            years = [("by_year", target.by_year)]
            if isinstance(target, ShortTarget):
                years.append(("year", target.year))
            out += _outside(sc, [((*loc, key), year) for key, year in years])
    out += _unknown("unit type", types,
                    _keys(("short_courses", "max_per_unit_per_year"), short.max_per_unit_per_year))
    out += _outside(sc, [(("short_courses", "trainer_days_by_year", y), y)
                         for y in short.trainer_days_by_year])
    out += _unknown("funding source", [s.id for s in sc.budget.sources],
                    _items(("short_courses", "sources"), short.sources))
    return out


def _short_trainers(sc: Scenario, short: ShortCourses) -> list[tuple[Loc, str]]:
    """A person-times target in years with no trainer-days at all can never be met."""
    out: list[tuple[Loc, str]] = []
    for target in short.targets:
        if not target.low or not any(short.course(c).trainer_days > 0
                                     for c in short_target_courses(sc, target)):
            continue
        empty = [years for years in short_target_years(sc, target)
                 if all(short.trainer_days_cap(y) == 0 for y in years)]
        if not empty:
            continue
        where = "trainer_days_by_year" if empty[0][0] in short.trainer_days_by_year \
            else "trainer_days_per_year"
        spans = ", ".join(str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}" for ys in empty)
        out.append((("short_courses", where), (
            f"0 trainer-days in {spans} but target '{target.id}' asks for at least "
            f"{target.low} person-times {'each year' if target.each_year else 'then'}; "
            "give trainer-days or lower the target")))
    return out


def _short_overflow(sc: Scenario, short: ShortCourses) -> list[tuple[Loc, str]]:
    """Short-course costs so large that the plan's sums could overflow exact integers."""
    everyone = sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
    out: list[tuple[Loc, str]] = []
    for i, c in enumerate(short.courses):
        worst = int((c.cost_per_class + c.cost_per_participant) * MONEY_SCALE) * everyone \
            * len(sc.years) * len(short_places(sc, c))
        if worst >= INT_LIMIT // 4:
            out.append((("short_courses", "courses", i, "cost_per_class"), (
                f"course '{c.id}': costs of {money_words(c.cost_per_class)} a class and "
                f"{money_words(c.cost_per_participant)} a participant are too large to keep "
                f"the plan's sums exact for {everyone:,} staff over {len(sc.years)} years; "
                "lower them")))
    return out


def short_course_problems(sc: Scenario) -> list[tuple[Loc, str]]:
    """Everything the short-course section names must exist and be possible to use."""
    short = sc.short_courses
    if short is None:
        return []
    levels = [lv.id for lv in sc.levels]
    types = [ut.id for ut in sc.unit_types]
    problems = (_short_ids(short, levels) + _short_course_refs(sc, short, levels, types)
                + _short_target_refs(sc, short, types) + _short_trainers(sc, short))
    return problems or _short_overflow(sc, short)
