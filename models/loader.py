"""Read a scenario file, validate it, and say clearly what is wrong.

Errors name the file, the line and the field, what is wrong and what would be
right. Inconsistencies in the plan's own numbers become warnings that name
both numbers; nothing is silently fixed.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from trainplan.models.errors import Origins, Problem, ScenarioError
from trainplan.models.scenario import (
    AMBIGUOUS_DOT,
    INT_LIMIT,
    MONEY_SCALE,
    NOT_IN_ID,
    RATE_SCALE,
    DottedNumber,
    Scenario,
    UnresolvedReferences,
    unambiguous,
)


@dataclass
class LoadedScenario:
    """A validated scenario with where it came from and what looked odd."""

    scenario: Scenario
    path: Path
    warnings: list[Problem] = field(default_factory=list)
    variants: dict[str, Variant] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)


#: Keys of a scenario file that compose files rather than describe the plan.
COMPOSE_KEYS = ("extends", "overrides", "variants")
#: Largest scenario file read, in bytes (5 MB).
MAX_FILE_BYTES = 5_000_000
#: Deepest nesting of lists and mappings in a scenario file or a --set value.
MAX_DEPTH = 20
#: Most values a file may hold once its aliases are expanded.
MAX_VALUES = 1_000_000
#: Most characters in one written number.
MAX_DIGITS = 60
#: File endings of YAML scenario files (the only files `extends` may name).
YAML_SUFFIXES = (".yaml", ".yml")

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                    r"|[0-9]+[eE][-+]?[0-9]+)")


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2-like plain scalars: no octal 010, no base-60 2:44, no yes/no, no dates.

    `010` and `2:44` stay text, so a figure written that way is refused by the
    field it is given to, with the text in the message.
    """


for _tag, _pattern, _first in (
        ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
        ("int", _INT.pattern, "-+0123456789"),
        ("float", _FLOAT.pattern, "-+.0123456789"),
        ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""])):
    _Resolver.add_implicit_resolver(_TAG + _tag, re.compile(f"^(?:{_pattern})$"), list(_first))


class _Refused(Exception):
    """A YAML construct a scenario never needs, at a line, with the reason."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                yaml.composer.Composer, _Resolver):
    """PyYAML's composer with the resolver above and a cap on nesting depth."""

    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose one node, refusing lists and mappings nested deeper than MAX_DEPTH."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark.line + 1, _too_deep())
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep() -> str:
    """What is wrong with a file nested too deep."""
    return f"lists and mappings nested deeper than {MAX_DEPTH} levels; a scenario needs fewer"


def _number(node: yaml.ScalarNode) -> int | Decimal:
    """An int or float scalar as an exact number: floats become Decimals of the text."""
    text = node.value
    if len(text) > MAX_DIGITS:
        raise _Refused(node.start_mark.line + 1, f"a number with more than {MAX_DIGITS} "
                       "characters; no figure of a plan is that long")
    if node.tag == _TAG + "int" and _INT.fullmatch(text):
        return int(text)
    if node.tag == _TAG + "float" and _FLOAT.fullmatch(text):
        return DottedNumber(text) if AMBIGUOUS_DOT.fullmatch(text) else Decimal(text)
    raise _Refused(node.start_mark.line + 1, f"'{text}' is not a plain number")


def _short(tag: str) -> str:
    """A tag as it is written: !!python/object rather than tag:yaml.org,2002:python/object."""
    return tag.replace(_TAG, "!!", 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar's value: text, a whole number, a Decimal (never a float), true/false or null."""
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return node.value
    if tag in ("int", "float"):
        return _number(node)
    if tag == "bool" and node.value.lower() in ("true", "false"):
        return node.value.lower() == "true"
    if tag == "null" and node.value in ("~", "null", "Null", "NULL", ""):
        return None
    raise _Refused(node.start_mark.line + 1, f"YAML tag {_short(node.tag)} is not used in "
                   "scenario files; write plain values")


@dataclass
class _Builder:
    """Plain data from composed YAML nodes, with the line of every key and item."""

    lines: dict[tuple, int] = field(default_factory=dict)
    values: int = 0
    inside: set[int] = field(default_factory=set)

    def build(self, node: yaml.Node, path: tuple) -> Any:
        """The value of `node`, found at `path`."""
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refused(line, f"more than {MAX_VALUES:,} values (aliases count each time "
                           "they are used); a scenario needs far fewer")
        if len(path) > MAX_DEPTH:
            raise _Refused(line, _too_deep())
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if id(node) in self.inside:
            raise _Refused(line, "an alias (*name) is used inside itself; a recursive alias "
                           "has no end")
        if node.tag not in (_TAG + "map", _TAG + "seq"):
            raise _Refused(line, f"YAML tag {_short(node.tag)} is not used in scenario files")
        self.inside.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(v, (*path, i)) for i, v in enumerate(node.value)]
        finally:
            self.inside.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        out: dict = {}
        for k, v in node.value:
            line = k.start_mark.line + 1
            key = _scalar(k) if isinstance(k, yaml.ScalarNode) else None
            if isinstance(key, bool) or not isinstance(key, str | int):
                raise _Refused(line, "a key must be a name or a number, not a list, a mapping "
                               "or true/false/null")
            if key in out:
                raise _Refused(line, f"'{key}' given twice (first on line "
                               f"{self.lines[(*path, key)]}); keep one")
            self.lines[(*path, key)] = line
            out[key] = self.build(v, (*path, key))
        return out


def _parse(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML text into plain data and remember the line of every key and item."""
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    finally:
        composer.dispose()
    if node is None:
        return None, {}
    builder = _Builder()
    return builder.build(node, ()), builder.lines


def _yaml_error(name: str, text: str, exc: yaml.YAMLError) -> ScenarioError:
    """A syntax error with its line; never the file's text (it may not be a scenario)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return ScenarioError([Problem(name, line, "", f"the character {chr(exc.character)!a} "
                                      "cannot appear in a YAML file; remove it")])
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or "not valid YAML"
    return ScenarioError([Problem(name, mark.line + 1 if mark else None, "",
                                  f"YAML syntax error: {what}; fix the indentation or quoting")])


def _read_text(path: Path, name: str) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES."""
    try:
        if not path.exists():
            raise ScenarioError([Problem(name, None, "", "file not found")])
        if not path.is_file():
            raise ScenarioError([Problem(name, None, "", "not a regular file (a folder or a "
                                         "device); give a scenario file (.yaml or .xlsx)")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise ScenarioError([Problem(name, None, "", f"cannot read the file: {exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(name, None, "", f"the file is larger than "
                                     f"{MAX_FILE_BYTES // 1_000_000} MB; a scenario is far "
                                     "smaller (is this the right file?)")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(name, None, "", f"not UTF-8 text (byte {exc.start + 1}); "
                                     "save the file as UTF-8")]) from None


def _read(path: Path) -> tuple[dict, Origins]:
    """Read one YAML scenario file as a mapping, with the origin of every part."""
    name = str(path)
    text = _read_text(path, name)
    try:
        data, lines = _parse(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(name, text, exc) from None
    except _Refused as exc:
        raise ScenarioError([Problem(name, exc.line, "", exc.message)]) from None
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


def item_id(item: Any) -> Any:
    """What names a list item: its `id` (a workforce staff item: its `unit_type`).

    Rows of a year (actuals: many per unit type) keep their position instead.
    """
    if not isinstance(item, dict):
        return None
    return item.get("id", None if "year" in item else item.get("unit_type"))


def _field_name(data: Any, loc: tuple) -> str:
    """A readable dotted path, using ids instead of list positions where known."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            ident = item_id(item)
            shown = isinstance(ident, str) and ident.isprintable() and 0 < len(ident) <= 60
            parts.append(f"[{ident}]" if shown else f"[{part}]")
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


def _base_path(path: Path, parent: Any, line: int | None) -> Path:
    """The file `extends` names: a regular .yaml or .yml file (relative to this one)."""
    def refused(message: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), line, "extends", message)])

    if not isinstance(parent, str) or not parent.strip():
        raise refused("give the path of the base scenario file")
    if NOT_IN_ID.search(parent):
        raise refused("the path holds a control character; write the file name plainly")
    base = path.parent / parent
    if not base.exists():
        raise refused(f"base file {parent} not found (looked for {base})")
    if not base.is_file():
        raise refused(f"{parent} is not a regular file; name a .yaml scenario file")
    if base.suffix.lower() not in YAML_SUFFIXES:
        raise refused(f"{parent} is not a scenario file: a base file ends in .yaml or .yml")
    return base


def _mapping_of(raw: dict, key: str, origins: Origins, name: str, what: str) -> dict:
    """A compose section (`variants`, `overrides`) that must map text names to values."""
    value = raw.get(key) or {}
    line = origins.get((key,), (name, None))[1]
    if not isinstance(value, dict):
        raise ScenarioError([Problem(name, line, key, f"must be a mapping of {what}, "
                                     f"not a {type(value).__name__}")])
    for sub in value:
        if not isinstance(sub, str):
            raise ScenarioError([Problem(name, origins.get((key, sub), (name, line))[1], key,
                                         f"the name {sub} must be text; write it in quotes "
                                         f"('{sub}')")])
    return value


def _variant(name: str, vname: str, spec: Any, origins: Origins) -> Variant:
    """One variant of a file, checked for its shape."""
    line = origins.get(("variants", vname), (name, None))[1]
    problem = None
    if not isinstance(spec, dict):
        problem = "a variant is a mapping with 'description' and 'set'"
    elif set(map(str, spec)) - {"description", "set"}:
        extra = sorted(set(map(str, spec)) - {"description", "set"})
        problem = f"unknown field(s) {', '.join(extra)}; use 'description' and 'set'"
    elif not isinstance(spec.get("description", ""), str):
        problem = "the description is text"
    if problem:
        raise ScenarioError([Problem(name, line, f"variants.{vname}", problem)])
    own = {k[2:]: v for k, v in origins.items() if k[:2] == ("variants", vname)}
    changes = _mapping_of(spec, "set", own, name, "dotted keys to values")
    return Variant(vname, spec.get("description", ""), changes, name,
                   {k: own.get(("set", k), (name, line))[1] for k in changes})


def _variants(raw: dict, origins: Origins, name: str) -> dict[str, Variant]:
    """The variants a file defines."""
    specs = _mapping_of(raw, "variants", origins, name, "variant names to {description, set}")
    return {vname: _variant(name, vname, spec, origins) for vname, spec in specs.items()}


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
        parent = _base_path(path, raw["extends"], origins[("extends",)][1])
        base, merged_origins, variants = _resolve(parent, (*chain, path))
        data = _merge(base, data, merged_origins, origins, ())
        own_origins, origins = origins, merged_origins
        origins.update({k: v for k, v in own_origins.items() if k and k[0] in COMPOSE_KEYS})
    variants.update(_variants(raw, origins, name))
    overrides = _mapping_of(raw, "overrides", origins, name, "dotted keys to values")
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
            ids = [item_id(item) for item in node]
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
    key = key.strip()
    try:
        value, _ = _parse(raw) if raw.strip() else (None, {})
    except yaml.YAMLError:
        value = raw
    except _Refused as exc:
        raise ScenarioError([Problem("--set", None, key, exc.message)]) from None
    return key, value


def load_scenario(path: str | Path, variants: list[str] | tuple[str, ...] = (),
                  sets: list[str] | tuple[str, ...] = ()) -> LoadedScenario:
    """Load a scenario (with its base files, named variants and ad-hoc `--set` values)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from trainplan.models.workbook import (
            read_workbook,  # the workbook layout loads only for one
        )

        data, origins, warnings = read_workbook(path)
        known: dict[str, Variant] = {}
    else:
        data, origins, known = _resolve(path)
        warnings = []
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
    warnings += consistency_warnings(scenario, str(path), origins)
    return LoadedScenario(scenario, path, warnings,
                          variants=dict(known), applied=list(variants), sets=list(sets))


def validate(data: dict, origins: Origins, name: str) -> Scenario:
    """Validate merged data; each problem names the file and line it was written on."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
            unresolved = err.get("ctx", {}).get("error")
            found = unresolved.problems if isinstance(unresolved, UnresolvedReferences) \
                else [((), _message(err))]
            for where, msg in found:
                file, line = _origin(origins, (*loc, *where))
                problems.append(Problem(file or name, line, _field_name(data, (*loc, *where)),
                                        msg))
        raise ScenarioError(problems) from None
    overflow = _overflow_problems(scenario, data, origins, name)
    overflow += _source_problems(scenario, data, origins, name)
    if overflow:
        raise ScenarioError(overflow)
    return scenario


def _message(err: Any) -> str:
    """Pydantic's message in the planner's words, with what was written (shortened)."""
    msg = err["msg"].removeprefix("Value error, ")
    kind = err["type"]
    if kind == "missing":
        return "missing; this field is required"
    if kind == "extra_forbidden":
        return "unknown field; check the spelling against README's scenario format"
    if kind == "less_than_equal":
        return f"{_shown(err['input'])} is too large: at most {err['ctx']['le']:,}"
    if "input" in err and kind not in ("value_error", "assertion_error"):
        return f"{msg} (got {_shown(err['input'])})"
    return msg


def _shown(value: Any) -> str:
    """A value as the message repeats it: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _cohort_bound(sc: Scenario) -> int:
    """Most starters one cohort may hold in any model (the bound loosened for explanations)."""
    everyone = sum(ut.units * ut.staff_per_unit for ut in sc.unit_types)
    needed = sum(sc.starters_needed(ut.id, lid) for ut in sc.unit_types for lid in ut.quotas)
    return 2 * (everyone + needed)


def _cohorts(sc: Scenario) -> dict[str, int]:
    """Cohort variables per level: unit types with a quota there times start years."""
    return {lv.id: len(sc.start_years(lv.id)) * sum(lv.id in ut.quotas for ut in sc.unit_types)
            for lv in sc.levels}


def _source_problems(sc: Scenario, data: dict, origins: Origins, name: str) -> list[Problem]:
    """A source's payments, one per level and year it may pay, each up to its amount."""
    out = []
    for i, src in enumerate(sc.budget.sources):
        payments = sum(sc.source_pays(src, lv.id, y) for lv in sc.levels for y in sc.years)
        if payments and int(src.amount * MONEY_SCALE) * payments >= INT_LIMIT:
            allowed = Decimal((INT_LIMIT - 1) // payments) / MONEY_SCALE
            out.append(_at(data, origins, name, ("budget", "sources", i, "amount"), (
                f"{src.amount:,} million VND is too large to keep the plan's sums exact over "
                f"its {payments} level-years; the largest allowed here is "
                f"{unambiguous(allowed)} million VND")))
    return out


def _overflow_problems(sc: Scenario, data: dict, origins: Origins, name: str) -> list[Problem]:
    """No sum the model forms may reach INT_LIMIT; name the figure to lower, and to what.

    Every cohort holds at most `_cohort_bound` starters. The total cost adds, over the
    cohorts, starters x years x cost (in 1/MONEY_SCALE million VND); sums of people carry
    at most RATE_SCALE (completion rates) or the number of years as a factor.
    """
    bound, cohorts = _cohort_bound(sc), _cohorts(sc)
    money = {lv.id: lv.cost_scaled * lv.duration_years * cohorts[lv.id] for lv in sc.levels}
    people = (RATE_SCALE + len(sc.years)) * sum(cohorts.values())
    limit = INT_LIMIT - 1
    if bound * max(sum(money.values()), people) <= limit:
        return []

    if bound * people <= limit:
        i, lv = max(enumerate(sc.levels), key=lambda item: money[item[1].id])
        rest = sum(money.values()) - money[lv.id]
        allowed = (limit // bound - rest) // (lv.duration_years * cohorts[lv.id])
        if allowed >= 1:
            return [_at(data, origins, name, ("levels", i, "cost_per_trainee_year"), (
                f"{lv.cost_per_trainee_year:,} million VND is too large to keep the plan's "
                f"sums exact with up to {bound:,} trainees a cohort; the largest allowed here "
                f"is {unambiguous(Decimal(allowed) / MONEY_SCALE)} million VND (or plan fewer "
                "people)"))]
    i, ut = max(enumerate(sc.unit_types), key=lambda item: item[1].units * item[1].staff_per_unit)
    others = bound // 2 - ut.units * ut.staff_per_unit
    allowed = (limit // max(sum(money.values()), people) // 2 - others) // ut.staff_per_unit
    hint = f"the largest allowed here is {allowed:,}" if allowed >= 1 else \
        "lower the units, staff, quotas or costs"
    return [_at(data, origins, name, ("unit_types", i, "units"), (
        f"{ut.units:,} units of {ut.staff_per_unit:,} staff is too many to keep the plan's "
        f"sums exact (with these costs and completion rates); {hint}"))]


def _at(data: dict, origins: Origins, name: str, loc: tuple, message: str) -> Problem:
    """A problem with the field at `loc`, named where it was written."""
    file, line = _origin(origins, loc)
    return Problem(file or name, line, _field_name(data, loc), message)


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
        if ut.quotas and all(q.mode == "exact" for q in ut.quotas.values()) and by_level != table:
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


def explained_changes(loaded: LoadedScenario) -> list[tuple[str, Any]]:
    """The dotted-key changes that made a loaded scenario from its file, in order."""
    changes = [kv for name in loaded.applied for kv in loaded.variants[name].changes.items()]
    return changes + [parse_set(text) for text in loaded.sets]
