"""A planned sweep as plain data: the grid's axes, its points and the results' columns.

Built by `optimizer.whatif` from the `--grid` options, read by the sweep
workers and by `reports.whatif`; no solver here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from trainplan.models.solution import SolveSettings

#: Columns that vary from run to run; leave them out when comparing results.
TIMING_COLUMNS = ("seconds",)

@dataclass(frozen=True)
class Axis:
    """One `--grid` option: a dotted key and the values it takes."""

    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Point:
    """One combination of grid values, in grid order."""

    index: int
    values: tuple[tuple[str, Any], ...]

    @property
    def id(self) -> str:
        """A stable key from the values, e.g. `budget.total=40000;capacity.starts_per_year=50`."""
        return ";".join(f"{k}={text(v)}" for k, v in self.values)


def grid_points(axes: list[Axis]) -> list[Point]:
    """Every combination of the axes' values; the last axis varies fastest."""
    combos = itertools.product(*[[(a.key, v) for v in a.values] for a in axes])
    return [Point(i, tuple(c)) for i, c in enumerate(combos)]


def text(value: Any) -> str:
    """A value as it appears in the results file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class Sweep:
    """A planned sweep: the scenario as data, the grid, and solver settings."""

    name: str
    base: dict
    axes: list[Axis]
    settings: SolveSettings
    points: list[Point] = field(init=False)
    columns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        """Expand the grid and fix the result columns."""
        self.points = grid_points(self.axes)
        self.columns = result_columns(self.axes, [lv["id"] for lv in self.base["levels"]])


#: Columns that say what solved a row; a resumed run must use the same.
SETTINGS_COLUMNS = ("ortools", "time_limit_s", "solver_workers", "seed")


def result_columns(axes: list[Axis], level_ids: list[str]) -> list[str]:
    """The results file's columns: the point, its grid values, its figures, what solved it."""
    return ["point", *[a.key for a in axes], "status", "feasible", "total_cost", "people",
            *[f"graduates_{lid}" for lid in level_ids], "peak_starts", "peak_spending",
            "finish_year", "verified", "violations", "error", "scenario_hash",
            *SETTINGS_COLUMNS, *TIMING_COLUMNS]


