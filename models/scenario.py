"""The scenario: a province's training plan as validated, typed data.

Everything the model relies on (ids that resolve, years inside the horizon,
numbers that fit CP-SAT's integers) is checked here, when the file loads.
Money is in million VND, people are whole persons, rates are percentages.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Money is held in the model as integers of this many units per million VND
#: (1,000 = thousand VND), so costs like 12.5 million VND stay exact.
MONEY_SCALE = 1000
#: Completion rates are held as integers of this many units per 100 %.
RATE_SCALE = 10_000
#: CP-SAT works with signed 64-bit integers; we keep a factor-2 safety margin.
INT_LIMIT = 2**62

Money = Annotated[Decimal, Field(ge=0, decimal_places=3, description="million VND")]
Count = Annotated[int, Field(ge=0, description="whole persons")]
Year = Annotated[int, Field(ge=1900, le=2200, description="calendar year")]


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

    id: str = Field(min_length=1, description="short name, e.g. 'phase-1'")
    first_year: Year
    last_year: Year


class Level(Strict):
    """A qualification level with its course length, cost and completion rate."""

    id: str = Field(min_length=1, description="short id used everywhere else")
    label_vi: str = Field(description="Vietnamese name, e.g. 'Trung cấp'")
    label_en: str = Field(description="English name, e.g. 'Intermediate'")
    duration_years: int = Field(ge=1, le=10, description="course length in whole years")
    cost_per_trainee_year: Money = Field(
        description="training cost of one trainee for one year, million VND"
    )
    completion_rate_percent: Decimal = Field(
        default=Decimal(100),
        gt=0,
        le=100,
        decimal_places=2,
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
        if isinstance(value, int):
            return {"people": value, "mode": "exact"}
        if isinstance(value, dict) and len(value) == 1:
            (key, number), = value.items()
            if key in QuotaMode.__members__:
                return {"people": number, "mode": key}
        return value


class Unit(Strict):
    """One named unit (a commune, a facility...)."""

    id: str = Field(min_length=1)
    name: str = ""


class UnitType(Strict):
    """A kind of unit (commune, district...) and what its staff must reach."""

    id: str = Field(min_length=1)
    label_vi: str
    label_en: str
    units: int = Field(ge=1, description="number of units of this type")
    staff_per_unit: int = Field(
        ge=1, description="people per unit to be trained; each is trained at most once"
    )
    max_in_training_per_unit: int | None = Field(
        default=None,
        ge=1,
        description="at most this many staff of one unit in training at the same time",
    )
    stated_minimum_per_unit: int | None = Field(
        default=None,
        ge=0,
        description="what the plan's text says per unit, checked against the table",
    )
    quotas: dict[str, Quota] = Field(
        description="graduates per level id over the plan (the plan's table)"
    )
    unit_list: list[Unit] | None = Field(
        default=None, description="individual units; generated as '<id>-001'... if absent"
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


class Capacity(Strict):
    """Training places (new starters per year) and seats (people in training at once)."""

    starts_per_year: Count | None = Field(default=None, description="all levels, per year")
    starts_by_year: dict[int, Count] = Field(default_factory=dict, description="overrides")
    min_starts_per_year: Count | None = Field(default=None)
    seats: Count | None = Field(default=None, description="all levels, at once")
    seats_by_year: dict[int, Count] = Field(default_factory=dict)
    by_level: dict[str, LevelCapacity] = Field(default_factory=dict)


class FundingSource(Strict):
    """A source of money (state, ODA, socialised) and what it may pay for."""

    id: str = Field(min_length=1)
    label: str = ""
    amount: Money = Field(description="most this source pays over the plan, million VND")
    levels: list[str] | None = Field(default=None, description="levels it may pay; all if absent")
    first_year: Year | None = None
    last_year: Year | None = None


class Budget(Strict):
    """Training money: a total, yearly ceilings, and optionally sources."""

    total: Money | None = Field(default=None, description="whole plan, million VND")
    per_year: Money | None = Field(default=None, description="ceiling for every year")
    by_year: dict[int, Money] = Field(default_factory=dict, description="ceiling overrides")
    sources: list[FundingSource] = Field(default_factory=list)


class Milestone(Strict):
    """At least so many graduates of some unit types and levels by a year."""

    id: str = Field(min_length=1)
    label: str = ""
    by_year: Year
    unit_types: list[str] | None = Field(default=None, description="all if absent")
    levels: list[str] | None = Field(default=None, description="all if absent")
    people: Count | None = Field(default=None, description="graduates needed")
    share_percent: Decimal | None = Field(
        default=None, gt=0, le=100, description="or this share of the matching quotas"
    )

    @model_validator(mode="after")
    def _one_target(self) -> Milestone:
        if (self.people is None) == (self.share_percent is None):
            raise ValueError("give exactly one of 'people' or 'share_percent'")
        return self


Goal = Literal["min_cost", "smooth_intake", "earliest_completion"]


class Scenario(Strict):
    """A province's multi-year training plan."""

    name: str
    description: str = ""
    source: str = Field(default="", description="the plan document the figures come from")
    horizon: Horizon
    phases: list[Phase] = Field(default_factory=list)
    levels: list[Level] = Field(min_length=1)
    unit_types: list[UnitType] = Field(min_length=1)
    capacity: Capacity = Field(default_factory=Capacity)
    budget: Budget = Field(default_factory=Budget)
    milestones: list[Milestone] = Field(default_factory=list)
    objective: list[Goal] = Field(
        default_factory=lambda: ["min_cost", "smooth_intake", "earliest_completion"],
        description="goals applied in order (lexicographically)",
    )
    stated_total_people: int | None = Field(
        default=None, description="the plan's stated grand total, checked against the table"
    )
    stated_level_totals: dict[str, int] = Field(
        default_factory=dict, description="the plan's stated totals per level"
    )

    @field_validator("objective")
    @classmethod
    def _goals_unique(cls, goals: list[str]) -> list[str]:
        if len(set(goals)) != len(goals):
            raise ValueError("each goal may appear once")
        return goals

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        """Every id and year that one part names must exist in another."""
        problems: list[str] = []
        levels = [lv.id for lv in self.levels]
        types = [ut.id for ut in self.unit_types]
        for kind, ids in (("level", levels), ("unit type", types)):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                problems.append(f"{kind} ids repeated: {', '.join(dup)}")
        first, last = self.horizon.first_year, self.horizon.last_year

        def level_ref(where: str, lid: str) -> None:
            if lid not in levels:
                problems.append(f"{where}: unknown level '{lid}' (known: {', '.join(levels)})")

        def year_ref(where: str, year: int) -> None:
            if not first <= year <= last:
                problems.append(f"{where}: year {year} is outside the horizon {first}-{last}")

        for ut in self.unit_types:
            for lid in ut.quotas:
                level_ref(f"unit_types.{ut.id}.quotas", lid)
        for ph in self.phases:
            year_ref(f"phases.{ph.id}", ph.first_year)
            year_ref(f"phases.{ph.id}", ph.last_year)
        cap = self.capacity
        for y in [*cap.starts_by_year, *cap.seats_by_year]:
            year_ref("capacity", y)
        for lid, lc in cap.by_level.items():
            level_ref("capacity.by_level", lid)
            for y in [*lc.starts_by_year, *lc.seats_by_year]:
                year_ref(f"capacity.by_level.{lid}", y)
        for y in self.budget.by_year:
            year_ref("budget.by_year", y)
        src_ids = [s.id for s in self.budget.sources]
        if len(set(src_ids)) != len(src_ids):
            problems.append("budget.sources: ids repeated")
        for src in self.budget.sources:
            for lid in src.levels or []:
                level_ref(f"budget.sources.{src.id}", lid)
            for y in (src.first_year, src.last_year):
                if y is not None:
                    year_ref(f"budget.sources.{src.id}", y)
        for ms in self.milestones:
            year_ref(f"milestones.{ms.id}", ms.by_year)
            for lid in ms.levels or []:
                level_ref(f"milestones.{ms.id}", lid)
            for tid in ms.unit_types or []:
                if tid not in types:
                    problems.append(
                        f"milestones.{ms.id}: unknown unit type '{tid}' (known: {', '.join(types)})"
                    )
        for lid in self.stated_level_totals:
            level_ref("stated_level_totals", lid)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ----- derived views the model and checker share -------------------------------

    @property
    def years(self) -> list[int]:
        """All years of the plan."""
        return self.horizon.years

    def level(self, level_id: str) -> Level:
        """The level with this id."""
        return next(lv for lv in self.levels if lv.id == level_id)

    def unit_type(self, type_id: str) -> UnitType:
        """The unit type with this id."""
        return next(ut for ut in self.unit_types if ut.id == type_id)

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
        """Whether a funding source may pay for this level in this year."""
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
