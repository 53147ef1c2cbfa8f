"""Read a scenario file, validate it, and say clearly what is wrong.

Errors name the file, the line and the field, what is wrong and what would be
right. Inconsistencies in the plan's own numbers become warnings that name
both numbers; nothing is silently fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.scenario import INT_LIMIT, MONEY_SCALE, RATE_SCALE, Scenario


@dataclass(frozen=True)
class Problem:
    """One finding about a scenario file: where, which field, what."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class ScenarioError(Exception):
    """The scenario file cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedScenario:
    """A validated scenario with where it came from and what looked odd."""

    scenario: Scenario
    path: Path
    warnings: list[Problem] = field(default_factory=list)


def _compose_with_lines(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML into plain data and remember the line of every key and item."""
    lines: dict[tuple, int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return None, lines
    loader = yaml.SafeLoader("")

    def build(n: yaml.Node, path: tuple) -> Any:
        lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            out: dict = {}
            for k, v in n.value:
                key = loader.construct_object(k, deep=True)
                lines[(*path, key)] = k.start_mark.line + 1
                out[key] = build(v, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(v, (*path, i)) for i, v in enumerate(n.value)]
        return loader.construct_object(n, deep=True)

    return build(node, ()), lines


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    """Line of the deepest part of `loc` that the file has."""
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def _field_name(data: Any, loc: tuple) -> str:
    """A readable dotted path, using ids instead of list positions where known."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(f"[{ident}]" if ident else f"[{part}]")
            node = item
        else:
            parts.append(f".{part}")
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts).lstrip(".")


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load and validate a scenario file; raise ScenarioError with every problem found."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(name, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(name, None, "", f"cannot read the file: {exc}")]) from None
    try:
        data, lines = _compose_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [Problem(name, line, "", f"YAML syntax error: {what}; fix the indentation or quoting")]
        ) from None
    if data is None:
        raise ScenarioError(
            [Problem(name, None, "", "the file is empty; a scenario needs at least name, "
                     "horizon, levels and unit_types (see README)")]
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(name, 1, "", "a scenario is a mapping of fields (name:, horizon:, ...), "
                     f"not a {type(data).__name__}")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "missing; this field is required"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field; check the spelling against README's scenario format"
            elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
                msg = f"{msg} (got {err['input']!r})"
            problems.append(Problem(name, _line_for(lines, loc), _field_name(data, loc), msg))
        raise ScenarioError(problems) from None
    overflow = _overflow_problems(scenario, name)
    if overflow:
        raise ScenarioError(overflow)
    return LoadedScenario(scenario, path, consistency_warnings(scenario, name, lines))


def _overflow_problems(sc: Scenario, name: str) -> list[Problem]:
    """Check that no sum the model forms can exceed CP-SAT's 64-bit integers."""
    people = sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
    dearest = max(lv.cost_scaled * lv.duration_years for lv in sc.levels)
    money_bound = people * dearest
    amounts = [sc.budget.total, sc.budget.per_year, *sc.budget.by_year.values()]
    amounts += [s.amount for s in sc.budget.sources]
    biggest = max([int(a * MONEY_SCALE) for a in amounts if a is not None], default=0)
    worst = max(money_bound * len(sc.years), biggest, people * RATE_SCALE * len(sc.years))
    if worst >= INT_LIMIT:
        return [Problem(name, None, "", f"numbers too large for the solver: a sum can reach "
                        f"{worst:,} units, above {INT_LIMIT:,}; reduce units, staff or costs")]
    return []


def consistency_warnings(sc: Scenario, name: str, lines: dict[tuple, int]) -> list[Problem]:
    """Where the plan's own numbers disagree with each other, name both numbers."""
    out: list[Problem] = []
    for i, ut in enumerate(sc.unit_types):
        table = ut.units * ut.staff_per_unit
        by_level = sum(q.people for q in ut.quotas.values())
        loc = ("unit_types", i)
        if all(q.mode == "exact" for q in ut.quotas.values()) and by_level != table:
            parts = "+".join(str(q.people) for q in ut.quotas.values())
            out.append(Problem(name, _line_for(lines, (*loc, "quotas")), f"unit_types[{ut.id}]",
                               f"per-level people {parts}={by_level} but {ut.units} units x "
                               f"{ut.staff_per_unit} staff = {table}"))
        stated = ut.stated_minimum_per_unit
        if stated is not None and stated != ut.staff_per_unit:
            out.append(Problem(name, _line_for(lines, (*loc, "stated_minimum_per_unit")),
                               f"unit_types[{ut.id}]",
                               f"the plan's text says at least {stated} per "
                               f"unit but its table uses {ut.staff_per_unit} per unit "
                               f"({table} over {ut.units} units)"))
    total = sum(q.people for ut in sc.unit_types for q in ut.quotas.values())
    if sc.stated_total_people is not None and sc.stated_total_people != total:
        out.append(Problem(name, _line_for(lines, ("stated_total_people",)), "stated_total_people",
                           f"the plan states {sc.stated_total_people} people but its table sums "
                           f"to {total}"))
    for lid, stated in sc.stated_level_totals.items():
        summed = sum(ut.quotas[lid].people for ut in sc.unit_types if lid in ut.quotas)
        if stated != summed:
            out.append(Problem(name, _line_for(lines, ("stated_level_totals", lid)),
                               f"stated_level_totals.{lid}",
                               f"the plan states {stated} but the unit types sum to {summed}"))
    return out
