"""A plan's edits as dotted-key changes, the forms that make them, and the YAML that keeps them.

The page edits the *effective* scenario's data (`Scenario.model_dump()`): every
figure has a dotted key there (`budget.total`, `unit_types.commune.quotas.college.people`),
the same keys as `--set` and the variants of a scenario file. An edit is the text a
planner typed, read like a `--set` value and applied with the loader's own
`apply_change`, then the whole scenario is validated by the same schema as the CLI:
one source of truth. The forms are made from the data, so fields added to the
schema later appear on the page without page code.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.loader import apply_change, parse_set, validate
from trainplan.models.scenario import Scenario, unambiguous

#: Lists of items longer than this are shown as a count, not as editable rows.
MAX_ROWS = 200


def value_text(value: Any) -> str:
    """A value as a planner types it (and `--set` reads it): 52500, 14.1160, [a, b], true."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return unambiguous(value)
    if isinstance(value, int | str):
        return str(value)
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    """Data JSON can hold: Decimals as numbers written exactly, enums as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(unambiguous(value))
    return value


def apply_edits(base: dict, edits: dict[str, str], name: str) -> Scenario:
    """The base data with every edit applied, validated; ScenarioError names each bad field."""
    data = copy.deepcopy(base)
    problems: list[Problem] = []
    for key, text in edits.items():
        try:
            _, value = parse_set(f"{key}={text}")
            apply_change(data, {}, key, value, "--set", None)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return validate(data, {}, name)


def field_key(problem: Problem) -> str:
    """The form key a problem concerns: `levels[college].duration_years` -> dotted."""
    return re.sub(r"\[([^\]]*)\]", r".\1", problem.field).strip(".")


def problems_by_field(exc: ScenarioError) -> dict[str, list[str]]:
    """Each problem's text, as the CLI prints it, under the form key it concerns."""
    out: dict[str, list[str]] = {}
    for p in exc.problems:
        out.setdefault(field_key(p), []).append(f"error: {p}")
    return out


@dataclass
class Field:
    """One editable value: its dotted key, a short label and the text it holds."""

    key: str
    label: str
    text: str
    editable: bool = True


@dataclass
class Grid:
    """An editable table: one row per item of a list (named by id), one column per field."""

    key: str
    columns: list[str]
    rows: list[tuple[str, list[Field]]] = field(default_factory=list)


@dataclass
class Section:
    """One part of the scenario (a top-level field): single values, then tables."""

    key: str
    fields: list[Field] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)


def _is_items(value: Any) -> bool:
    """A list of mappings named by `id` (levels, unit types, milestones, sources...)."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and "id" in v for v in value))


def _flat(value: Any, prefix: str) -> list[tuple[str, Any]]:
    """(dotted key, value) of every leaf below `prefix`; lists are leaves."""
    if isinstance(value, dict) and value:
        return [kv for k, v in value.items() for kv in _flat(v, f"{prefix}.{k}")]
    return [(prefix, value)]


def _leaf(key: str, label: str, value: Any, edits: dict[str, str]) -> Field:
    """A form field for one leaf; long lists of items are counted, not edited."""
    if _is_items(value) and len(value) > MAX_ROWS:
        return Field(key, label, f"({len(value)})", editable=False)
    return Field(key, label, edits.get(key, value_text(value)))


def _grid(key: str, items: list[dict], edits: dict[str, str]) -> Grid:
    """The table of a list of items: columns are the union of their leaves."""
    leaves = [(item["id"], _flat({k: v for k, v in item.items() if k != "id"}, ""))
              for item in items]
    columns: list[str] = []
    for _, flat in leaves:
        columns += [k.lstrip(".") for k, _ in flat if k.lstrip(".") not in columns]
    grid = Grid(key, columns)
    for ident, flat in leaves[:MAX_ROWS]:
        values = {k.lstrip("."): v for k, v in flat}
        grid.rows.append((str(ident), [
            _leaf(f"{key}.{ident}.{c}", c, values.get(c), edits) for c in columns]))
    return grid


def sections(data: dict, edits: dict[str, str]) -> list[Section]:
    """The forms of a scenario's data, section by section, with the edits' texts shown."""
    plan = Section("plan")
    out = [plan]
    for top, value in data.items():
        if _is_items(value):
            out.append(Section(top, grids=[_grid(top, value, edits)]))
        elif isinstance(value, dict):
            out.append(_section(top, value, edits))
        else:
            plan.fields.append(_leaf(top, top, value, edits))
    return out


def _section(top: str, value: dict, edits: dict[str, str]) -> Section:
    """A mapping section (capacity, budget, horizon): its values, then its item tables."""
    section = Section(top)
    for key, sub in value.items():
        dotted = f"{top}.{key}"
        if _is_items(sub):
            section.grids.append(_grid(dotted, sub, edits))
        else:
            section.fields += [_leaf(k, k.removeprefix(f"{top}."), v, edits)
                               for k, v in _flat(sub, dotted)]
    return section


def override_data(base_file: str, base: dict, edited: dict, edits: dict[str, str]
                  ) -> dict[str, Any]:
    """A scenario file that extends `base_file` with the edits as `overrides`.

    An edit inside a list item (a unit type's quota) is written as the item's whole
    field (`unit_types.commune.quotas: {...}`), so it merges into what the base file
    holds whatever shorthand that file used (`college: 128`).
    """
    overrides: dict[str, Any] = {}
    for key in edits:
        cut = _item_field(base, key.split("."))
        overrides[".".join(cut)] = _plain(value_at(edited, cut))
    return {"extends": base_file, "overrides": overrides}


def _item_field(data: dict, parts: list[str]) -> list[str]:
    """The key cut just after the first list item's field (or whole if no item is crossed)."""
    node: Any = data
    for i, part in enumerate(parts):
        if isinstance(node, list):
            return parts[: i + 2]
        node = _child(node, part)
    return parts


def _child(node: Any, part: str) -> Any:
    """One step down a dotted key: a list item by id, a field, or a year key."""
    if isinstance(node, list):
        return next((item for item in node if str(item.get("id")) == part), None)
    if not isinstance(node, dict):
        return None
    return node[part] if part in node else node.get(int(part)) if part.isdigit() else None


def value_at(data: Any, parts: list[str]) -> Any:
    """The value at a dotted key of scenario data (list items by id, years as numbers)."""
    node = data
    for part in parts:
        node = _child(node, part)
    return node


def with_row(data: dict, key: str, ident: str, add: bool) -> list[dict] | str:
    """A table's items with a row added (a copy of the last, named `ident`) or removed.

    The reason in words when that cannot be done (no such table, the id taken or unknown).
    """
    items = value_at(data, key.split("."))
    if not _is_items(items):
        return f"{key}: not a table of items with ids"
    ids = [str(item["id"]) for item in items]
    if not add:
        if ident not in ids:
            return f"{key}: no row with id '{ident}' (known: {', '.join(ids)})"
        return [item for item in items if str(item["id"]) != ident]
    if not ident or ident in ids:
        return f"{key}: give the new row an id not used yet (used: {', '.join(ids)})"
    return [*items, {**copy.deepcopy(items[-1]), "id": ident}]
