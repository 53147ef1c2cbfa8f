"""The staff register: named people, read from CSV or a workbook sheet, strictly checked.

One row per person. CSV header (any order; `#` lines are comments and skipped):
`person_id,name,unit,unit_type,qualification,hired_year` are required, and
`birth_year` or `retirement_year` (one of them, per row); optional:
`gender` (F/M), `position`, `not_before` ("may not train before YEAR"),
`must_train_year` + `must_train_level` (a pin), `in_training_level` +
`in_training_since` ("already in training at LEVEL since YEAR"),
`last_trained_year` (for the priority among eligible people).

Rules every reader of the register shares (the person model, the checker):
- Qualifications run from lowest to highest: the workforce section's order when
  the scenario has one, else 'none' then the levels in scenario order. A level's
  course takes a person from one qualification to another: the workforce's
  routes, else from the qualification just below (the first level from 'none').
- ASSUMPTION: without `retirement_year`, a person retires in birth year + 60
  (+ 55 for gender F; Labour Code 2012 ages, the plan's period).
- A course must end with at least RETIREMENT_MARGIN_YEARS full calendar year(s)
  of service left before the retirement year: graduation year <= retirement
  year - 1 - margin.
- Everyone is assumed to complete the course they are sent on (the per-person
  roster names who goes; completion rates stay a per-type figure).
Personal data stays on this machine: nothing here (or anywhere in trainplan)
sends it anywhere. No solver, no pandas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from trainplan.models.errors import Problem, ScenarioError
from trainplan.models.scenario import NO_QUALIFICATION, Scenario, course_routes, qualification_ids
from trainplan.models.solution import GoalResult

if TYPE_CHECKING:  # the checker reads this module; only its result type is named here
    from trainplan.models.checker import Verification

REQUIRED = ["person_id", "name", "unit", "unit_type", "qualification", "hired_year"]
OPTIONAL = ["birth_year", "retirement_year", "gender", "position", "not_before",
            "must_train_year", "must_train_level", "in_training_level", "in_training_since",
            "last_trained_year"]
#: The sheet a workbook register is read from.
SHEET = "staff"
#: Full calendar years of service a person must have left between graduation and retirement.
RETIREMENT_MARGIN_YEARS = 1
#: ASSUMPTION: retirement age by gender when only the birth year is given (others: "").
RETIREMENT_AGE = {"F": 55, "": 60, "M": 60}
#: The youngest hiring age a register may state (a birth or hiring year typed wrong).
MIN_HIRING_AGE = 15
#: Years a register may name (birth, hiring, retirement, pins).
YEARS = range(1900, 2201)

PEOPLE_COLUMNS = ["person_id", "name", "unit", "unit_type", "level", "start_year",
                  "graduation_year", "cost_million_vnd"]


@dataclass(frozen=True)
class Person:
    """One person of the register, as checked at load."""

    id: str
    name: str
    unit_type: str
    unit: str
    qualification: str
    hired_year: int
    retirement_year: int
    row: int
    birth_year: int | None = None
    gender: str = ""
    position: str = ""
    not_before: int | None = None
    pin: tuple[int, str] | None = None
    in_training: tuple[str, int] | None = None
    last_trained_year: int | None = None

    @property
    def last_graduation_year(self) -> int:
        """The latest graduation year a course may have for this person (retirement margin)."""
        return self.retirement_year - 1 - RETIREMENT_MARGIN_YEARS


@dataclass
class Register:
    """The people of a register, in file order, and where they came from."""

    source: str
    people: list[Person]
    warnings: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Person]:
        """People by person id."""
        return {p.id: p for p in self.people}


@dataclass(frozen=True)
class PersonRow:
    """One course handed to one named person (a row of roster_people.csv)."""

    person_id: str
    name: str
    unit: str
    unit_type: str
    level: str
    start_year: int
    graduation_year: int
    cost_million_vnd: Decimal


# ----- the per-person result (optimizer.people makes it; reports read it) -----------


class PeopleStatus(StrEnum):
    """Truthful outcome of the per-person roster."""

    optimal = "assigned to named people, every goal proven optimal"
    feasible = "assigned to named people, not proven optimal"
    unassigned = ("the per-type plan holds, but its courses cannot be handed to the "
                  "register's people")
    unknown = "unknown (time limit reached before the people were assigned)"


@dataclass(frozen=True)
class Cohort:
    """Starters of one unit at one level in one year (a unit roster row)."""

    unit_type: str
    unit: str
    level: str
    year: int
    graduation_year: int
    starts: int


@dataclass(frozen=True)
class RuleInstance:
    """One person rule for one person (or one unit's courses), in words."""

    rule: str
    person_id: str
    text: str


@dataclass
class PersonConflict:
    """A unit whose courses no assignment to its people can hold, and the rules why."""

    unit_type: str
    unit: str
    courses: list[Cohort]
    instances: list[RuleInstance]


@dataclass(frozen=True)
class Change:
    """How one person's courses changed against the previous roster, and why."""

    person_id: str
    before: tuple[tuple[str, int], ...]
    after: tuple[tuple[str, int], ...]
    why: str


@dataclass
class PeopleResult:
    """The per-person roster and what it took."""

    status: PeopleStatus
    rows: list[PersonRow] = field(default_factory=list)
    goals: list[GoalResult] = field(default_factory=list)
    conflicts: list[PersonConflict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class PeopleOutput:
    """What the reports need of a per-person run."""

    sc: Scenario
    register: Register
    rows: list[PersonRow]
    check: Verification | None
    redact: bool
    changes_csv: str | None = None


@dataclass
class NamedRun:
    """A run's per-person roster: the people's result, what the reports need, the words."""

    output: PeopleOutput
    result: PeopleResult
    report: str

    @property
    def assigned(self) -> bool:
        """Every course went to a named person."""
        return self.result.status in (PeopleStatus.optimal, PeopleStatus.feasible)

    @property
    def verified(self) -> bool:
        """The checker found no person rule broken."""
        return self.output.check is None or self.output.check.ok



# ----- qualifications and routes -------------------------------------------------------


@dataclass(frozen=True)
class _Paths:
    """A scenario's qualifications, routes and what each qualification reaches."""

    order: tuple[str, ...]
    routes: dict[str, tuple[str, str]]
    reach: dict[str, frozenset[str]]


#: The paths of the scenarios seen last, by id (the scenario kept, so the id stays its own).
_PATHS: dict[int, tuple[Scenario, _Paths]] = {}


def _paths(sc: Scenario) -> _Paths:
    """The scenario's paths, computed once (a register of 28,732 people asks often)."""
    cached = _PATHS.get(id(sc))
    if cached is not None and cached[0] is sc:
        return cached[1]
    if sc.workforce is not None:
        order = tuple(qualification_ids(sc))
        paths = {c: (r.from_qualification, r.to_qualification)
                 for c, r in course_routes(sc).items()}
    else:
        order = (NO_QUALIFICATION, *(lv.id for lv in sc.levels))
        paths = {lv.id: (order[i], lv.id) for i, lv in enumerate(sc.levels)}
    reach = {}
    for q in order:
        seen, todo = {q}, [q]
        while todo:
            now = todo.pop()
            for a, b in paths.values():
                if a == now and b not in seen:
                    seen.add(b)
                    todo.append(b)
        reach[q] = frozenset(seen)
    if len(_PATHS) > 16:
        _PATHS.clear()
    _PATHS[id(sc)] = (sc, _Paths(order, paths, reach))
    return _PATHS[id(sc)][1]


def qualifications(sc: Scenario) -> list[str]:
    """Qualifications from lowest to highest, 'none' first (workforce order, else levels)."""
    return list(_paths(sc).order)


def routes(sc: Scenario) -> dict[str, tuple[str, str]]:
    """Each course (level id) as (from qualification, to qualification)."""
    return _paths(sc).routes


def reachable(sc: Scenario, held: str) -> frozenset[str]:
    """Qualifications a person holding `held` can reach by courses in sequence (held too)."""
    return _paths(sc).reach.get(held, frozenset({held}))


def start_state(sc: Scenario, p: Person) -> tuple[str, int]:
    """What a person holds when free to start a planned course, and the first year they may.

    A course under way since before the plan keeps them busy until it ends; they then
    hold its route's qualification. Hiring year and `not_before` come first.
    """
    first = max(p.hired_year, p.not_before or sc.horizon.first_year, sc.horizon.first_year)
    if p.in_training is None or p.in_training[1] >= sc.horizon.first_year:
        return p.qualification, first
    level, since = p.in_training
    grad = sc.graduation_year(level, since)
    return routes(sc)[level][1], max(first, grad + 1)


def pins(sc: Scenario, p: Person) -> list[tuple[int, str]]:
    """Courses the person must take in the plan, as (start year, level).

    The pin, and a course already under way that started inside the plan's horizon.
    """
    out = [p.pin] if p.pin is not None else []
    if p.in_training is not None and p.in_training[1] >= sc.horizon.first_year:
        level, since = p.in_training
        if (since, level) not in out:
            out.append((since, level))
    return out


# ----- the priority among eligible people (goals of the per-person roster) ----------------

#: People of a unit among whom the priority goal is exactly lexicographic.
PRIORITY_RANKS = 30
#: The per-person goals, in their lexicographic order (the first only with --previous):
#: `people_changed` people whose courses differ from the previous roster (minimised);
#: `priority` minus the sum over people trained of `priority_weight(rank)`: the courses
#: reach as many people as they can, lexicographically in priority order (a person
#: upgrading twice counts once); `priority_first` the sum over courses of `first_term`:
#: the better ranked go first.
PERSON_GOALS = ["people_changed", "priority", "priority_first"]


def priority_key(sc: Scenario, p: Person) -> tuple:
    """A person's place in their unit's priority order (smaller first).

    The lowest qualification held first ('none' before all); then the longest since
    last training (never trained first); then the older (earlier birth year, else
    earlier retirement year - 60); then person id.
    """
    held, _ = start_state(sc, p)
    last = (0, 0) if p.last_trained_year is None else (1, p.last_trained_year)
    age = p.birth_year if p.birth_year is not None else p.retirement_year - 60
    return _paths(sc).order.index(held), last, age, p.id


def unit_ranks(sc: Scenario, people: list[Person]) -> dict[str, tuple[int, int]]:
    """Each person's (rank in the unit's priority order, people in the unit)."""
    units: dict[tuple[str, str], list[Person]] = {}
    for p in people:
        units.setdefault((p.unit_type, p.unit), []).append(p)
    out = {}
    for members in units.values():
        for r, p in enumerate(sorted(members, key=lambda q: priority_key(sc, q))):
            out[p.id] = (r, len(members))
    return out


def priority_weight(rank: int) -> int:
    """The `priority` goal's weight of a person trained: 2^(PRIORITY_RANKS - 1 - rank), capped."""
    return 2 ** (PRIORITY_RANKS - 1 - min(rank, PRIORITY_RANKS - 1))


def first_term(sc: Scenario, rank: int, size: int, start_year: int) -> int:
    """The `priority_first` goal's term of one course: (size - rank) x years from plan start."""
    return (size - rank) * (start_year - sc.horizon.first_year)


# ----- reading -----------------------------------------------------------------------------


@dataclass
class _Cell:
    """Where a value was read: file, line (or sheet cell), column."""

    file: str
    line: int | str
    column: str

    def problem(self, message: str) -> Problem:
        """A problem at this place."""
        return Problem(self.file, self.line, self.column, message)


@dataclass
class _Row:
    """One register row: its values by column and where each was read."""

    values: dict[str, str]
    cells: dict[str, _Cell]
    line: int | str
    file: str

    def where(self, column: str) -> _Cell:
        """The cell of a column (the row itself when the column is absent)."""
        return self.cells.get(column, _Cell(self.file, self.line, column))


def _csv_rows(path: Path) -> tuple[list[str], Iterator[_Row], int]:
    """Header, rows and the header's line of a CSV register (`#` lines skipped)."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), None, "", f"not UTF-8 text ({exc.reason}); "
                                     "save the register as CSV UTF-8")]) from None
    lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ScenarioError([Problem(str(path), None, "", "no header row: expected "
                                     f"{','.join(REQUIRED)},...")])
    header_line, header_text = lines[0]
    header = [h.strip() for h in next(csv.reader([header_text]))]

    def rows() -> Iterator[_Row]:
        for number, line in lines[1:]:
            cells = next(csv.reader(io.StringIO(line)))
            values = {h: (cells[i].strip() if i < len(cells) else "")
                      for i, h in enumerate(header)}
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                values["__extra__"] = ",".join(cells[len(header):])
            yield _Row(values, {h: _Cell(str(path), number, h) for h in header}, number,
                       str(path))
    return header, rows(), header_line


def _cell_text(value: object) -> str:
    """A workbook cell as text: whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_rows(path: Path) -> tuple[list[str], Iterator[_Row], int]:
    """Header and rows of the register sheet of a workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot read the workbook: {exc}")]
                            ) from None
    if SHEET not in book.sheetnames:
        raise ScenarioError([Problem(str(path), None, "", f"no sheet '{SHEET}' (sheets: "
                                     f"{', '.join(book.sheetnames)})")])
    table = [[_cell_text(v) for v in row] for row in book[SHEET].iter_rows(values_only=True)]
    book.close()
    header = [h for h in table[0]] if table else []
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[_Row]:
        for r, cells in enumerate(table[1:], start=2):
            if not any(cells):
                continue
            values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
            where = {h: _Cell(str(path), f"sheet '{SHEET}', cell {get_column_letter(i + 1)}{r}",
                              h) for i, h in enumerate(header)}
            yield _Row(values, where, f"sheet '{SHEET}', row {r}", str(path))
    return header, rows(), 1


def _year(row: _Row, column: str, problems: list[Problem]) -> int | None:
    """A year column: None when blank; a problem when it is not a year."""
    text = row.values.get(column, "")
    if not text:
        return None
    try:
        year = int(text)
    except ValueError:
        year = None
    if year is None or year not in YEARS:
        problems.append(row.where(column).problem(
            f"'{text}' is not a year: expected a whole year such as 1975"))
        return None
    return year


class _RowReader:
    """Turns register rows into people, collecting every problem and warning."""

    def __init__(self, sc: Scenario, source: str):
        self.sc = sc
        self.source = source
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.seen: dict[str, int | str] = {}
        self.quals = qualifications(sc)
        self.routes = routes(sc)
        self.unit_ids = {ut.id: set(ut.unit_ids) for ut in sc.unit_types}

    def person(self, row: _Row) -> Person | None:
        """The row's person, or None after recording what is wrong with it."""
        before = len(self.problems)
        v = row.values
        if "__extra__" in v:
            self.problems.append(_Cell(row.file, row.line, "").problem(
                f"more values than columns ('{v['__extra__']}'): quote a value with a comma"))
        for column in REQUIRED:
            if not v.get(column):
                self.problems.append(row.where(column).problem(
                    f"empty: every person needs a {column}"))
        pid = v.get("person_id", "")
        if pid and pid in self.seen:
            self.problems.append(row.where("person_id").problem(
                f"person id '{pid}' repeated (first at {self.seen[pid]}): ids must be unique"))
        elif pid:
            self.seen[pid] = row.line
        unit_type, unit = self._unit(row)
        qual = self._qualification(row)
        years = {c: _year(row, c, self.problems) for c in (
            "hired_year", "birth_year", "retirement_year", "not_before", "must_train_year",
            "in_training_since", "last_trained_year")}
        gender = v.get("gender", "").upper()
        if gender not in RETIREMENT_AGE:
            self.problems.append(row.where("gender").problem(
                f"'{v['gender']}' is not a gender code: expected F, M or blank"))
        retire = self._retirement(row, years, gender)
        pin = self._pair(row, "must_train_level", "must_train_year", years, unit_type)
        training = self._pair(row, "in_training_level", "in_training_since", years, unit_type)
        if len(self.problems) > before or None in (unit_type, qual, retire,
                                                   years["hired_year"]):
            return None
        assert unit_type is not None and unit is not None and qual is not None
        assert retire is not None and years["hired_year"] is not None
        p = Person(id=pid, name=v["name"], unit_type=unit_type, unit=unit, qualification=qual,
                   hired_year=years["hired_year"], retirement_year=retire, row=row.line,
                   birth_year=years["birth_year"], gender=gender,
                   position=v.get("position", ""), not_before=years["not_before"],
                   pin=(pin[1], pin[0]) if pin else None, in_training=training,
                   last_trained_year=years["last_trained_year"])
        self._consistent(row, p)
        return p

    def _unit(self, row: _Row) -> tuple[str | None, str | None]:
        type_id, unit = row.values.get("unit_type", ""), row.values.get("unit", "")
        types = {ut.id: ut for ut in self.sc.unit_types}
        if not type_id:
            return None, None
        if type_id not in types:
            self.problems.append(row.where("unit_type").problem(
                f"unknown unit type '{type_id}': expected one of {', '.join(types)}"))
            return None, None
        if unit and unit not in self.unit_ids[type_id]:
            example = types[type_id].unit_ids[0]
            self.problems.append(row.where("unit").problem(
                f"unknown unit '{unit}' of type '{type_id}': expected a unit id such as "
                f"{example} (the scenario's unit_list, or {type_id}-001...)"))
            return None, None
        return type_id, unit or None

    def _qualification(self, row: _Row) -> str | None:
        qual = row.values.get("qualification", "")
        if qual and qual not in self.quals:
            self.problems.append(row.where("qualification").problem(
                f"'{qual}' is not a qualification: expected one of {', '.join(self.quals)}"))
            return None
        return qual or None

    def _retirement(self, row: _Row, years: dict[str, int | None], gender: str) -> int | None:
        if years["retirement_year"] is not None:
            return years["retirement_year"]
        if years["birth_year"] is not None:
            return years["birth_year"] + RETIREMENT_AGE[gender]
        if not row.values.get("retirement_year") and not row.values.get("birth_year"):
            self.problems.append(row.where("birth_year").problem(
                "empty: give birth_year or retirement_year"))
        return None

    def _pair(self, row: _Row, level_col: str, year_col: str, years: dict[str, int | None],
              unit_type: str | None) -> tuple[str, int] | None:
        level, year = row.values.get(level_col, ""), years[year_col]
        if not level and not row.values.get(year_col):
            return None
        if not level or year is None:
            if not level:
                self.problems.append(row.where(level_col).problem(
                    f"empty, but {year_col} is given: give both or neither"))
            elif not row.values.get(year_col):
                self.problems.append(row.where(year_col).problem(
                    f"empty, but {level_col} is given: give both or neither"))
            return None
        if level not in self.routes:
            self.problems.append(row.where(level_col).problem(
                f"'{level}' is not a level: expected one of {', '.join(self.routes)}"))
            return None
        if unit_type is not None and level not in self.sc.unit_type(unit_type).quotas:
            self.problems.append(row.where(level_col).problem(
                f"unit type '{unit_type}' trains no one at '{level}' in this plan"))
            return None
        return level, year

    def _consistent(self, row: _Row, p: Person) -> None:
        """Problems between a person's own fields: pins they cannot hold, training under way."""
        sc = self.sc
        if p.retirement_year <= p.hired_year:
            self.problems.append(row.where("hired_year").problem(
                f"hired in {p.hired_year} but retires in {p.retirement_year}: expected a "
                "hiring year before retirement"))
        if p.birth_year is not None and p.hired_year < p.birth_year + MIN_HIRING_AGE:
            self.problems.append(row.where("hired_year").problem(
                f"hired in {p.hired_year}, born in {p.birth_year}: expected a hiring year "
                f"from {p.birth_year + MIN_HIRING_AGE} (age {MIN_HIRING_AGE})"))
        if p.in_training is not None:
            level, since = p.in_training
            if self.routes[level][0] != p.qualification:
                self.problems.append(row.where("in_training_level").problem(
                    f"a '{level}' course starts from '{self.routes[level][0]}' but the person "
                    f"holds '{p.qualification}'"))
            if since > sc.horizon.last_year:
                self.problems.append(row.where("in_training_since").problem(
                    f"{since} is after the plan ({sc.horizon.last_year})"))
        if p.pin is not None:
            self._pin_holds(row, p)
        if p.retirement_year <= sc.horizon.first_year:
            self.warnings.append(f"{self.source}:{row.line}: {p.id} retires in "
                                 f"{p.retirement_year}, before the plan: takes no course")

    def _pin_holds(self, row: _Row, p: Person) -> None:
        sc = self.sc
        assert p.pin is not None
        year, level = p.pin
        cell = row.where("must_train_year")
        held, first = start_state(sc, p)
        if year not in sc.years or sc.graduation_year(level, year) > sc.horizon.last_year:
            self.problems.append(cell.problem(
                f"a {level} course starting in {year} does not fit the plan "
                f"{sc.horizon.first_year}-{sc.horizon.last_year}"))
        elif sc.graduation_year(level, year) > p.last_graduation_year:
            self.problems.append(cell.problem(
                f"pin cannot hold: a {level} course from {year} ends in "
                f"{sc.graduation_year(level, year)}, but {p.id} retires in {p.retirement_year} "
                f"(courses must end by {p.last_graduation_year})"))
        elif year < first:
            self.problems.append(cell.problem(
                f"pin cannot hold: {p.id} may not start a course before {first}"))
        elif self.routes[level][0] not in reachable(sc, held):
            self.problems.append(row.where("must_train_level").problem(
                f"pin cannot hold: a '{level}' course starts from '{self.routes[level][0]}', "
                f"which {p.id} (holding '{held}') cannot reach"))


def _header_problems(source: str, header: list[str], line: int | str) -> list[Problem]:
    """Missing required columns (errors)."""
    missing = [c for c in REQUIRED if c not in header]
    if "birth_year" not in header and "retirement_year" not in header:
        missing.append("birth_year or retirement_year")
    return [Problem(source, line, "header", f"missing column {c}: the header needs "
                    f"{','.join(REQUIRED)} and birth_year or retirement_year")
            for c in missing]


def read_register(path: str | Path, sc: Scenario) -> Register:
    """The register in a CSV file or a workbook's `staff` sheet, checked against the scenario.

    Raises ScenarioError listing every problem (file, row and column, what was expected);
    warnings (unknown columns, people who cannot train) are in `Register.warnings`.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, "", "no such file")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows, line = _sheet_rows(path)
    else:
        header, rows, line = _csv_rows(path)
    problems = _header_problems(str(path), header, line)
    if problems:
        raise ScenarioError(problems)
    reader = _RowReader(sc, str(path))
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        reader.warnings.append(f"{path}: columns not read: {', '.join(unknown)} (known: "
                               f"{', '.join(REQUIRED + OPTIONAL)})")
    people = [p for row in rows if (p := reader.person(row)) is not None]
    if reader.problems:
        raise ScenarioError(reader.problems)
    if not people:
        raise ScenarioError([Problem(str(path), None, "", "no people: one row per person "
                                     "after the header")])
    return Register(str(path), people, reader.warnings + _stock_warnings(sc, people, path))


def _stock_warnings(sc: Scenario, people: list[Person], path: Path) -> list[str]:
    """Where the register and the workforce section's starting stock disagree (warnings).

    The register is that stock person by person: per described unit type, the people
    holding each qualification should be its `held_at_start`.
    """
    if sc.workforce is None:
        return []
    out = []
    for st in sc.workforce.staff:
        held: dict[str, int] = {}
        for p in people:
            if p.unit_type == st.unit_type:
                held[p.qualification] = held.get(p.qualification, 0) + 1
        for q in qualifications(sc):
            if held.get(q, 0) != st.held_at_start.get(q, 0):
                out.append(f"{path}: {st.unit_type}: {held.get(q, 0)} staff hold '{q}' but "
                           f"the workforce section starts with {st.held_at_start.get(q, 0)}")
    return out


# ----- roster_people.csv -------------------------------------------------------------------


def people_csv(rows: list[PersonRow], redact: bool = False) -> str:
    """roster_people.csv's text (names left empty with `redact`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PEOPLE_COLUMNS)
    for r in rows:
        writer.writerow([r.person_id, "" if redact else r.name, r.unit, r.unit_type, r.level,
                         r.start_year, r.graduation_year, r.cost_million_vnd])
    return out.getvalue()


def read_people_csv(path: str | Path) -> list[PersonRow]:
    """A roster_people.csv written before (for `--previous`); ScenarioError when malformed."""
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot read: {exc}")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PEOPLE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ScenarioError([Problem(str(path), 1, "header", f"missing column {c}: expected "
                                     f"{','.join(PEOPLE_COLUMNS)}") for c in missing])
    rows, problems = [], []
    for r in reader:
        try:
            rows.append(PersonRow(r["person_id"], r["name"], r["unit"], r["unit_type"],
                                  r["level"], int(r["start_year"]), int(r["graduation_year"]),
                                  Decimal(r["cost_million_vnd"])))
        except (ValueError, ArithmeticError):
            problems.append(Problem(str(path), reader.line_num, "",
                                    "start_year, graduation_year and cost_million_vnd must be "
                                    "numbers"))
    if problems:
        raise ScenarioError(problems)
    return rows
