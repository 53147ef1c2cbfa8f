"""Read a scenario file, validate it, and say clearly what is wrong.

Errors name the file, the line and the field, what is wrong and what would be
right. Inconsistencies in the plan's own numbers become warnings that name
both numbers; nothing is silently fixed.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from models.scenario import INT_LIMIT, MONEY_SCALE, RATE_SCALE, Scenario


@dataclass(frozen=True)
class Problem:
    """One finding about a scenario file: where, which field, what."""

    file: str
    line: int | str | None
    field: str
    message: str

    def __str__(self) -> str:
        if isinstance(self.line, str):  # a workbook cell: "sheet 'levels', cell D3"
            field = f", field {self.field}" if self.field else ""
            return f"{self.file}, {self.line}{field}: {self.message}"
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
    variants: dict[str, Variant] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)


Origins = dict[tuple, tuple[str, int | str]]
"""Where each part of the merged data was written: path -> (file, line or workbook cell)."""

#: Keys of a scenario file that compose files rather than describe the plan.
COMPOSE_KEYS = ("extends", "overrides", "variants")


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


def _read(path: Path) -> tuple[dict, Origins]:
    """Read one YAML scenario file as a mapping, with the origin of every part."""
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
    return data, {k: (name, v) for k, v in lines.items()}


def _origin(origins: Origins, loc: tuple) -> tuple[str | None, int | str | None]:
    """File and line of the deepest part of `loc` that was written somewhere."""
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in origins:
            return origins[loc[:cut]]
    return None, None


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


def _merge(base: Any, top: Any, origins: Origins, top_origins: Origins, path: tuple) -> Any:
    """Deep-merge `top` over `base`: mappings merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for key, value in top.items():
            out[key] = _merge(base.get(key), value, origins, top_origins, (*path, key))
        return out
    for k in [k for k in origins if k[: len(path)] == path]:
        del origins[k]
    origins.update({k: v for k, v in top_origins.items() if k[: len(path)] == path})
    return top


@dataclass(frozen=True)
class Variant:
    """A named set of dotted-key changes, defined in a scenario file."""

    name: str
    description: str
    changes: dict[str, Any]
    file: str
    lines: dict[str, int]


def _resolve(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict, Origins, dict[str, Variant]]:
    """A file merged over the files it extends, with its overrides applied."""
    if path.resolve() in [p.resolve() for p in chain]:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError([Problem(str(path), None, "extends",
                                     f"files extend each other in a circle: {cycle}")])
    raw, origins = _read(path)
    name = str(path)
    data = {k: v for k, v in raw.items() if k not in COMPOSE_KEYS}
    variants: dict[str, Variant] = {}
    if "extends" in raw:
        parent = raw["extends"]
        if not isinstance(parent, str):
            raise ScenarioError([Problem(name, origins[("extends",)][1], "extends",
                                         "give the path of the base scenario file")])
        base, merged_origins, variants = _resolve(path.parent / parent, (*chain, path))
        data = _merge(base, data, merged_origins, origins, ())
        own_origins, origins = origins, merged_origins
        origins.update({k: v for k, v in own_origins.items() if k and k[0] in COMPOSE_KEYS})
    for vname, spec in (raw.get("variants") or {}).items():
        where = origins.get(("variants", vname), (name, None))
        if not isinstance(spec, dict) or not isinstance(spec.get("set", {}), dict):
            raise ScenarioError([Problem(name, where[1], f"variants.{vname}",
                                         "a variant is a mapping with 'description' and 'set'")])
        extra = set(spec) - {"description", "set"}
        if extra:
            raise ScenarioError([Problem(name, where[1], f"variants.{vname}",
                                         f"unknown field(s) {', '.join(sorted(extra))}; "
                                         "use 'description' and 'set'")])
        changes = spec.get("set") or {}
        variants[vname] = Variant(
            vname, str(spec.get("description", "")), changes, name,
            {k: origins.get(("variants", vname, "set", k), where)[1] for k in changes})
    overrides = raw.get("overrides") or {}
    lines = {k: origins.get(("overrides", k), (name, None))[1] for k in overrides}
    for key, value in overrides.items():
        apply_change(data, origins, key, value, name, lines[key])
    return data, origins, variants


def apply_change(data: dict, origins: Origins, dotted: str, value: Any, file: str,
                 line: int | None) -> None:
    """Set a dotted key (`budget.total`, `levels.college.duration_years`) in the data.

    List items are named by their `id`. Mappings given as values merge into what is
    there; other values replace it. A key the scenario format does not know is an
    error that names the key and the file.
    """
    parts = str(dotted).split(".")
    node: Any = data
    schema: Any = Scenario
    path: tuple = ()
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = part
        if isinstance(node, list):
            ids = [item.get("id") if isinstance(item, dict) else None for item in node]
            if part not in ids:
                raise ScenarioError([Problem(file, line, dotted, f"no item with id '{part}' "
                                             f"(known: {', '.join(map(str, ids))})")])
            key = ids.index(part)
            schema = _schema_item(schema)
        else:
            if not isinstance(node, dict):
                raise ScenarioError([Problem(file, line, dotted,
                                             f"'{'.'.join(parts[:i])}' holds a value, not fields")])
            key = _typed_key(node, part)
            schema = _schema_field(schema, key)
            if schema is _UNKNOWN:
                raise ScenarioError([Problem(file, line, dotted,
                                             f"unknown key '{part}': the scenario has no such "
                                             "field to override")])
        path = (*path, key)
        if last:
            old = node[key] if isinstance(node, list) else node.get(key)
            node[key] = _merge(old, value, origins, {path: (file, line or 0)}, path)
            if isinstance(value, dict):
                for sub in value:
                    origins[(*path, sub)] = (file, line or 0)
            return
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]


_UNKNOWN = object()


def _typed_key(node: dict, part: str) -> Any:
    """The key as the data holds it: year keys are integers."""
    return int(part) if part not in node and part.isdigit() else part


def _schema_field(schema: Any, key: Any) -> Any:
    """Type of field `key` under `schema`; free-form mappings accept any key."""
    if schema is None:
        return None
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        field = schema.model_fields.get(str(key))
        return _UNKNOWN if field is None else _unwrap(field.annotation)
    origin = typing.get_origin(schema)
    if origin is dict:
        return _unwrap(typing.get_args(schema)[1])
    return None  # a plain value: nothing below to check


def _schema_item(schema: Any) -> Any:
    """Type of the items of a list field."""
    args = typing.get_args(schema)
    return _unwrap(args[0]) if typing.get_origin(schema) is list and args else None


def _unwrap(tp: Any) -> Any:
    """`X | None` -> X; Annotated[X, ...] -> X."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = args[0] if len(args) == 1 else tp
    return tp


def parse_set(text: str) -> tuple[str, Any]:
    """`budget.total=45000` -> ('budget.total', 45000): the value is read as YAML."""
    if "=" not in text:
        raise ScenarioError([Problem("--set", None, text, "write KEY=VALUE, e.g. "
                                     "budget.total=45000")])
    key, _, raw = text.partition("=")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return key.strip(), value


def load_scenario(path: str | Path, variants: list[str] | tuple[str, ...] = (),
                  sets: list[str] | tuple[str, ...] = ()) -> LoadedScenario:
    """Load a scenario (with its base files, named variants and ad-hoc `--set` values)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from models.workbook import read_workbook  # here: models.workbook imports this module

        data, origins = read_workbook(path)
        known: dict[str, Variant] = {}
    else:
        data, origins, known = _resolve(path)
    for vname in variants:
        if vname not in known:
            names = ", ".join(sorted(known)) or "none defined"
            raise ScenarioError([Problem(str(path), None, "variant",
                                         f"unknown variant '{vname}' (known: {names})")])
        v = known[vname]
        for key, value in v.changes.items():
            apply_change(data, origins, key, value, v.file, v.lines.get(key))
    for text in sets:
        key, value = parse_set(text)
        apply_change(data, origins, key, value, "--set", None)
    scenario = validate(data, origins, str(path))
    return LoadedScenario(scenario, path, consistency_warnings(scenario, str(path), origins),
                          variants=dict(known), applied=list(variants), sets=list(sets))


def validate(data: dict, origins: Origins, name: str) -> Scenario:
    """Validate merged data; each problem names the file and line it was written on."""
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
            file, line = _origin(origins, loc)
            problems.append(Problem(file or name, line, _field_name(data, loc), msg))
        raise ScenarioError(problems) from None
    overflow = _overflow_problems(scenario, name)
    if overflow:
        raise ScenarioError(overflow)
    return scenario


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


def consistency_warnings(sc: Scenario, name: str, origins: Origins) -> list[Problem]:
    """Where the plan's own numbers disagree with each other, name both numbers.

    Each warning names the file and line the figure was written on, which may be
    a base file the scenario extends.
    """
    out: list[Problem] = []

    def warn(loc: tuple, field_name: str, message: str) -> None:
        file, line = _origin(origins, loc)
        out.append(Problem(file or name, line, field_name, message))

    for i, ut in enumerate(sc.unit_types):
        table = ut.units * ut.staff_per_unit
        by_level = sum(q.people for q in ut.quotas.values())
        loc = ("unit_types", i)
        if all(q.mode == "exact" for q in ut.quotas.values()) and by_level != table:
            parts = "+".join(str(q.people) for q in ut.quotas.values())
            warn((*loc, "quotas"), f"unit_types[{ut.id}]",
                 f"per-level people {parts}={by_level} but {ut.units} units x "
                 f"{ut.staff_per_unit} staff = {table}")
        stated = ut.stated_minimum_per_unit
        if stated is not None and stated != ut.staff_per_unit:
            warn((*loc, "stated_minimum_per_unit"), f"unit_types[{ut.id}]",
                 f"the plan's text says at least {stated} per unit but its table uses "
                 f"{ut.staff_per_unit} per unit ({table} over {ut.units} units)")
    total = sum(q.people for ut in sc.unit_types for q in ut.quotas.values())
    if sc.stated_total_people is not None and sc.stated_total_people != total:
        warn(("stated_total_people",), "stated_total_people",
             f"the plan states {sc.stated_total_people} people but its table sums to {total}")
    for lid, stated in sc.stated_level_totals.items():
        summed = sum(ut.quotas[lid].people for ut in sc.unit_types if lid in ut.quotas)
        if stated != summed:
            warn(("stated_level_totals", lid), f"stated_level_totals.{lid}",
                 f"the plan states {stated} but the unit types sum to {summed}")
    return out
