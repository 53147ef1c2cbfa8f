"""A sweep's grid: `--grid` options parsed into axes, and every combination as a point.

Values are read like `--set` values (YAML scalars) or expanded from
`start:stop:step` ranges in exact decimal steps. A point's id is made from its
values as the results file writes them, so a resumed sweep finds its points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.sweep import Axis, text

#: The most points one sweep may have (a typo such as a step of 1 on a budget
#: would otherwise expand into millions of points before anything is checked).
MAX_POINTS = 100_000


def grid_error(spec: str, message: str) -> ScenarioError:
    """A problem with a `--grid` option, as the input error it is."""
    return ScenarioError([Problem("--grid", None, spec, message)])


def _scalar(raw: str, spec: str) -> Any:
    """A grid value read like a --set value (YAML), but only numbers, text or true/false."""
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    if value is None or isinstance(value, dict | list):
        raise grid_error(spec, f"'{raw}' is not a single value")
    return value


def _number(raw: str, spec: str) -> Decimal:
    value = _scalar(raw, spec)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise grid_error(spec, f"'{raw}' is not a number; write start:stop:step, "
                               "e.g. budget.total=40000:60000:2000")
    return Decimal(str(value))


def _range(raw: str, spec: str) -> tuple[Any, ...]:
    """`start:stop:step` with the stop included, in exact decimal steps."""
    parts = raw.split(":")
    if len(parts) != 3:
        raise grid_error(spec, "a range is start:stop:step, e.g. 40000:60000:2000")
    start, stop, step = (_number(p, spec) for p in parts)
    if step == 0 or (stop - start) * step < 0:
        raise grid_error(spec, f"step {step} never gets from {start} to {stop}")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise grid_error(spec, f"{count:,} values; a sweep takes at most {MAX_POINTS:,} "
                               "points, take a larger step")
    values = [start + i * step for i in range(count)]
    whole = all(v == v.to_integral_value() for v in values)
    return tuple(int(v) if whole else float(v) for v in values)


def parse_grid(spec: str) -> Axis:
    """`key=start:stop:step` (stop included) or `key=v1,v2,...` -> an Axis."""
    key, eq, raw = spec.partition("=")
    key, raw = key.strip(), raw.strip()
    if not eq or not key or not raw:
        raise grid_error(spec, "write KEY=START:STOP:STEP or KEY=V1,V2,..., e.g. "
                               "budget.total=40000:60000:2000")
    if ":" in raw and "," not in raw:
        return Axis(key, _range(raw, spec))
    values = tuple(_scalar(v.strip(), spec) for v in raw.split(","))
    if len(set(map(text, values))) != len(values):
        raise grid_error(spec, "a value is listed twice")
    return Axis(key, values)
