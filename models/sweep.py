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

#: Grid keys whose larger values only loosen the rules, each with the one rule that
#: reads it: the key is that rule's ceiling (raising it is the rule's repair lever)
#: and is read by no goal, no other rule and no check of the scenario against its
#: other fields (`capacity.starts_per_year`: the places of years without their own).
#: A re-plan's actuals also read them (past places are raised to what happened), so
#: a scenario with actuals is never answered from another point (`optimizer.whatif`).
CEILINGS = {"budget.total": "total_budget", "capacity.starts_per_year": "annual_places"}

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


def dominates(looser: Point, tighter: Point) -> bool:
    """Whether `looser` has every ceiling at least as high as `tighter`, and all else equal.

    Every plan of `tighter` is then a plan of `looser`: an infeasible `looser` makes
    `tighter` infeasible, and goal values optimal at `looser` are optimal at
    `tighter` as soon as a plan of `tighter` reaches them (`optimizer.whatif.Known`).
    """
    for (key, a), (_, b) in zip(looser.values, tighter.values, strict=True):
        if a != b and not (key in CEILINGS and _number(a) and _number(b) and a > b):
            return False
    return True


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def loosest_first(points: list[Point]) -> list[Point]:
    """The points with every point after all those that dominate it (highest ceilings first)."""
    def key(p: Point) -> tuple:
        return tuple(-v if k in CEILINGS and _number(v) else 0 for k, v in p.values)
    return sorted(points, key=key)


def chunks(points: list[Point], jobs: int, size: int, per_job: int) -> list[list[Point]]:
    """The points in chunks for `jobs` workers, each chunk loosest first.

    Points that differ only in ceilings go in one chunk where possible, so one plan
    can answer several of them (`dominates`): one chunk per combination of the other
    keys. While there are fewer than `per_job` chunks per worker, chunks are cut into
    consecutive pieces of at most `size` points (the last axis varies fastest), which
    keeps the work balanced on a grid of ceilings alone.
    """
    groups: dict[tuple, list[Point]] = {}
    for p in points:
        groups.setdefault(tuple((k, text(v)) for k, v in p.values if k not in CEILINGS),
                          []).append(p)
    out = [loosest_first(g) for g in groups.values()]
    if len(out) < jobs * per_job:
        cut = max(1, min(size, len(points) // (jobs * per_job)))
        out = [loosest_first(g[i:i + cut]) for g in groups.values()
               for i in range(0, len(g), cut)]
    return out


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


