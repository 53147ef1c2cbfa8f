"""What a solve produces: a status, goal values and a roster of whole persons."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

ROSTER_COLUMNS = [
    "year", "unit_type", "unit", "level", "starts", "graduation_year", "cost_million_vnd",
]


class Status(StrEnum):
    """Truthful solver outcome."""

    optimal = "optimal"
    feasible = "feasible, not proven optimal"
    infeasible = "infeasible"
    unknown = "unknown (time limit reached before any plan was found)"
    invalid = "invalid input"
    unassigned = "plan found per unit type, but not assignable to individual units"


class RosterRow(BaseModel):
    """Starters of one unit at one level in one start year."""

    model_config = ConfigDict(frozen=True)

    year: int = Field(description="start year")
    unit_type: str
    unit: str
    level: str
    starts: int = Field(gt=0, description="people starting, whole persons")
    graduation_year: int
    cost_million_vnd: Decimal = Field(description="whole course cost of these starters")


class FundingRow(BaseModel):
    """Money one source pays for one level in one year (million VND)."""

    model_config = ConfigDict(frozen=True)

    source: str
    level: str
    year: int
    amount: Decimal


class RecruitRow(BaseModel):
    """Recruits of one unit type arriving already holding a qualification at the end of a year."""

    model_config = ConfigDict(frozen=True)

    year: int
    unit_type: str
    qualification: str
    people: int = Field(gt=0, description="whole persons")
    cost_million_vnd: Decimal = Field(description="their hiring cost")


#: Columns of classes.csv: short-course classes per year, course and place.
CLASS_COLUMNS = ["year", "course", "place", "classes", "participants", "cost_million_vnd"]


class ClassRow(BaseModel):
    """Short-course classes of one course at one place in one year."""

    model_config = ConfigDict(frozen=True)

    year: int
    course: str
    place: str
    classes: int = Field(ge=0)
    participants: int = Field(ge=0, description="person-times of these classes")
    cost_million_vnd: Decimal = Field(description="classes x cost per class + participants "
                                                  "x cost per participant")


class AttendanceRow(BaseModel):
    """Person-times of one unit type on one course at one place in one year."""

    model_config = ConfigDict(frozen=True)

    year: int
    course: str
    place: str
    unit_type: str
    participants: int = Field(gt=0)


class Roster(BaseModel):
    """The plan: who starts which course when, who pays, who is hired, which classes run.

    Qualified recruits come with a workforce section, classes with short courses.
    """

    rows: list[RosterRow]
    funding: list[FundingRow] = Field(default_factory=list)
    recruits: list[RecruitRow] = Field(default_factory=list, exclude_if=lambda rows: not rows)
    classes: list[ClassRow] = Field(default_factory=list)
    attendance: list[AttendanceRow] = Field(default_factory=list)


class GoalResult(BaseModel):
    """One lexicographic goal: value found, best bound, gap."""

    name: str
    value: int
    bound: int
    optimal: bool

    @property
    def gap(self) -> float:
        """Relative gap between value and bound (0 when proven optimal)."""
        if self.optimal or self.value == self.bound:
            return 0.0
        return abs(self.value - self.bound) / max(1, abs(self.value))


class SolveSettings(BaseModel):
    """Solver settings, stated explicitly."""

    time_limit_s: float = Field(default=60.0, gt=0, description="per solve stage, seconds")
    workers: int = Field(default=2, ge=1, le=64)
    seed: int = 0
    log: bool = False


class SolveResult(BaseModel):
    """Everything one solve says."""

    status: Status
    goals: list[GoalResult] = Field(default_factory=list)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    settings: SolveSettings
    roster: Roster | None = None
    message: str = ""
