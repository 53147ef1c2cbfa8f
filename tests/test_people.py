"""Named people: the staff register, the per-person roster, its checker and the CLI options."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from trainplan.models.checker import person_goal_values, verify_people
from trainplan.models.errors import ScenarioError
from trainplan.models.register import (
    PERSON_GOALS,
    PersonRow,
    Register,
    read_people_csv,
    read_register,
)
from trainplan.models.scenario import Scenario
from trainplan.models.solution import RosterRow
from trainplan.optimizer.people import (
    PeopleStatus,
    assign_people,
)

from tests.conftest import SCENARIOS, scenario, tiny

COLUMNS = ["person_id", "name", "unit", "unit_type", "qualification", "hired_year",
           "retirement_year", "not_before", "must_train_year", "must_train_level",
           "in_training_level", "in_training_since", "last_trained_year", "birth_year"]


def person(pid: str, unit: str = "commune-001", qualification: str = "none", **fields) -> dict:
    """A register row: hired 2010, retiring 2040 unless told otherwise."""
    row = {"person_id": pid, "name": f"Người {pid}", "unit": unit, "unit_type": "commune",
           "qualification": qualification, "hired_year": 2010, "retirement_year": 2040}
    row.update(fields)
    return row


def register_text(rows: list[dict], comment: str = "# SYNTHETIC test register") -> str:
    lines = [comment, ",".join(COLUMNS)]
    lines += [",".join(str(r.get(c, "")) for c in COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


def register(sc: Scenario, rows: list[dict], folder: Path) -> Register:
    path = folder / "staff.csv"
    path.write_text(register_text(rows), "utf-8")
    return read_register(path, sc)


def courses(sc: Scenario, spec: list[tuple[str, str, int, int]]) -> list[RosterRow]:
    """Unit roster rows from (unit, level, year, starts)."""
    out = []
    for unit, level, year, n in spec:
        lv = sc.level(level)
        out.append(RosterRow(year=year, unit_type="commune", unit=unit, level=level, starts=n,
                             graduation_year=sc.graduation_year(level, year),
                             cost_million_vnd=n * lv.duration_years * lv.cost_per_trainee_year))
    return out


# ----- brute force: every way to hand the courses out, judged by the checker -------------


def _assignments(reg: Register, rows: list[RosterRow], sc: Scenario):
    """Every hand-out of the courses to distinct people of each course's unit."""
    choices = []
    for r in rows:
        staff = [p for p in reg.people if (p.unit_type, p.unit) == (r.unit_type, r.unit)]
        choices.append([[PersonRow(p.id, p.name, r.unit, r.unit_type, r.level, r.year,
                                   r.graduation_year, r.cost_million_vnd / r.starts)
                         for p in group] for group in itertools.combinations(staff, r.starts)])
    for pick in itertools.product(*choices):
        yield [row for group in pick for row in group]


def brute_force(sc: Scenario, reg: Register, rows: list[RosterRow],
                previous: list[PersonRow] | None = None) -> tuple[bool, list[int] | None]:
    """Feasible?, and the lexicographically least goal values over every valid hand-out."""
    goals = (["people_changed"] if previous is not None else []) + PERSON_GOALS[1:]
    best = None
    for roster in _assignments(reg, rows, sc):
        if verify_people(sc, reg, rows, roster).ok:
            values = person_goal_values(sc, reg, roster, previous)
            key = [values[g] for g in goals]
            best = key if best is None or key < best else best
    return best is not None, best


def random_case(rng: random.Random, folder: Path):
    sc = scenario(tiny(levels=[
        {"id": "A", "label_vi": "A", "label_en": "A", "duration_years": rng.randint(1, 2),
         "cost_per_trainee_year": 10},
        {"id": "B", "label_vi": "B", "label_en": "B", "duration_years": rng.randint(1, 2),
         "cost_per_trainee_year": 20}]))
    rows, spec = [], []
    for unit in ("commune-001", "commune-002")[:rng.randint(1, 2)]:
        for i in range(rng.randint(2, 4)):
            fields = {}
            if rng.random() < 0.3:
                fields["retirement_year"] = rng.randint(2021, 2028)
            if rng.random() < 0.2:
                fields["not_before"] = rng.randint(2020, 2023)
            if rng.random() < 0.2:
                fields["last_trained_year"] = rng.randint(2000, 2019)
            if rng.random() < 0.1:
                fields.update(must_train_year=rng.randint(2020, 2023), must_train_level="A")
            rows.append(person(f"{unit[-1]}{i}", unit, rng.choice(["none", "none", "A"]),
                               birth_year=rng.randint(1970, 1990), **fields))
        for level, year in rng.sample([(lv, y) for lv in "AB" for y in range(2020, 2024)],
                                      rng.randint(1, 2)):
            spec.append((unit, level, year, 1 if rng.random() < 0.8 else 2))
    try:
        reg = register(sc, rows, folder)
    except ScenarioError:  # a pin its person cannot hold: refused at load (tested below)
        return None
    return sc, reg, courses(sc, [s for s in spec if sc.graduation_year(s[1], s[2]) <= 2024])


def test_random_registers_match_a_brute_force_over_every_hand_out(tmp_path):
    rng = random.Random(3)
    seen = {"feasible": 0, "infeasible": 0, "with previous": 0}
    for case in range(200):
        made = random_case(rng, tmp_path)
        if made is None:
            continue
        sc, reg, rows = made
        previous = None
        if rng.random() < 0.5:  # a previous roster: a random valid hand-out, if any
            valid = [r for r in _assignments(reg, rows, sc) if verify_people(sc, reg, rows, r).ok]
            previous = rng.choice(valid) if valid else None
        feasible, best = brute_force(sc, reg, rows, previous)
        got = assign_people(sc, reg, rows, previous=previous)
        assert (got.status == PeopleStatus.optimal) == feasible, (case, got.status)
        if feasible:
            assert [g.value for g in got.goals] == best, case
            check = verify_people(sc, reg, rows, got.rows, got.goals, previous)
            assert check.ok, check.violations
        else:
            assert got.status == PeopleStatus.unassigned and got.conflicts, case
        seen["feasible" if feasible else "infeasible"] += 1
        seen["with previous"] += previous is not None
    assert min(seen.values()) >= 20, seen  # these 200: 46 feasible, 125 not, 25 with previous


def solve_with_rules(sc: Scenario, reg: Register, rows: list[RosterRow], rules: list[str]
                     ) -> list[PersonRow] | None:
    """A hand-out under only `rules` (person_courses always), or None when there is none;
    for `person_courses` itself, the courses are dropped and nobody trains."""
    from ortools.sat.python import cp_model
    from trainplan.optimizer.people import build_people, cohorts_of

    if "person_courses" not in rules:
        return []
    cohorts = cohorts_of(rows)
    m = build_people(sc, reg.people, cohorts, rules=rules)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.solve(m.model) != cp_model.OPTIMAL:
        return None
    out = []
    for (pi, ci), v in m.x.items():
        if solver.value(v):
            p, c = reg.people[pi], cohorts[ci]
            lv = sc.level(c.level)
            out.append(PersonRow(p.id, p.name, c.unit, c.unit_type, c.level, c.year,
                                 c.graduation_year, lv.duration_years * lv.cost_per_trainee_year))
    return out


# ----- pins, retirement, the register's bad rows ------------------------------------------


def test_a_pin_sends_the_pinned_person_even_before_a_better_ranked_one(tmp_path):
    sc = scenario(tiny())
    rows = courses(sc, [("commune-001", "A", 2021, 1)])
    free = [person("p1", birth_year=1960), person("p2", birth_year=1980)]
    got = assign_people(sc, register(sc, free, tmp_path), rows)
    assert [r.person_id for r in got.rows] == ["p1"]  # older first
    free[1].update(must_train_year=2021, must_train_level="A")
    got = assign_people(sc, register(sc, free, tmp_path), rows)
    assert [r.person_id for r in got.rows] == ["p2"]


def test_a_retiring_person_is_passed_over_and_when_alone_named_with_the_rule(tmp_path):
    sc = scenario(tiny())
    rows = courses(sc, [("commune-001", "B", 2021, 1)])  # 2021-2022
    staff = [person("p1", "commune-001", "A", retirement_year=2023, birth_year=1960),
             person("p2", "commune-001", "A", birth_year=1980)]
    got = assign_people(sc, register(sc, staff, tmp_path), rows)
    assert got.status == PeopleStatus.optimal
    assert [r.person_id for r in got.rows] == ["p2"]  # p1, older, must end by 2021
    staff[1]["retirement_year"] = 2023
    got = assign_people(sc, register(sc, staff, tmp_path), rows)
    assert got.status == PeopleStatus.unassigned
    (conflict,) = got.conflicts
    assert conflict.unit == "commune-001"
    assert {(i.rule, i.person_id) for i in conflict.instances} == {
        ("person_retirement", "p1"), ("person_retirement", "p2")}
    assert "retires in 2023: courses must end by 2021" in conflict.instances[0].text


def test_the_retirement_margin_is_one_full_year_of_service(tmp_path):
    sc = scenario(tiny())
    rows = courses(sc, [("commune-001", "A", 2021, 1)])  # ends 2021
    for retires, ok in ((2023, True), (2022, False)):
        reg = register(sc, [person("p1", retirement_year=retires)], tmp_path)
        assert (assign_people(sc, reg, rows).status == PeopleStatus.optimal) == ok, retires


BAD_ROWS = [  # (row changes, column, words in the message)
    ({"person_id": "p1"}, "person_id", "repeated (first at"),
    ({"unit_type": "hamlet"}, "unit_type", "unknown unit type 'hamlet': expected one of commune"),
    ({"unit": "commune-009"}, "unit", "unknown unit 'commune-009'"),
    ({"qualification": "phd"}, "qualification", "'phd' is not a qualification: expected one "
                                                "of none, A, B"),
    ({"hired_year": "20x0"}, "hired_year", "'20x0' is not a year"),
    ({"retirement_year": "", "birth_year": ""}, "birth_year", "give birth_year or "
                                                              "retirement_year"),
    ({"must_train_year": 2022}, "must_train_level", "give both or neither"),
    ({"must_train_year": 2020, "must_train_level": "A", "retirement_year": 2021},
     "must_train_year", "pin cannot hold"),
    ({"qualification": "B", "must_train_year": 2020, "must_train_level": "A"},
     "must_train_level", "pin cannot hold: a 'A' course starts from 'none'"),
    ({"gender": "X"}, "gender", "not a gender code"),
    ({"hired_year": 2041}, "hired_year", "hired in 2041 but retires in 2040"),
    ({"birth_year": 2000, "retirement_year": ""}, "hired_year",
     "hired in 2010, born in 2000: expected a hiring year from 2015"),
]


@pytest.mark.parametrize(("changes", "column", "words"), BAD_ROWS)
def test_a_bad_register_row_is_named_by_file_line_and_column(tmp_path, changes, column, words):
    sc = scenario(tiny())
    bad = person("p2")
    bad.update(changes)
    path = tmp_path / "staff.csv"
    columns = [*COLUMNS, "gender"]
    lines = ["# SYNTHETIC", ",".join(columns),
             ",".join(str(person("p1").get(c, "")) for c in columns),
             ",".join(str(bad.get(c, "")) for c in columns)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ScenarioError) as err:
        read_register(path, sc)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 4, column)
    assert words in str(problem)


def test_a_missing_column_and_an_unknown_one(tmp_path):
    sc = scenario(tiny())
    path = tmp_path / "staff.csv"
    path.write_text("person_id,name,unit,unit_type,qualification,birth_year,shoe_size\n", "utf-8")
    with pytest.raises(ScenarioError, match="missing column hired_year"):
        read_register(path, sc)
    text = register_text([person("p1")]).replace("birth_year", "shoe_size")
    path.write_text(text, "utf-8")
    assert "columns not read: shoe_size" in read_register(path, sc).warnings[0]


def test_a_workbook_sheet_is_read_like_the_csv(tmp_path):
    from openpyxl import Workbook

    sc = scenario(tiny())
    book = Workbook()
    sheet = book.active
    sheet.title = "staff"
    sheet.append(COLUMNS)
    sheet.append([person("p1").get(c) for c in COLUMNS])
    sheet.append([person("p2", unit="nowhere").get(c) for c in COLUMNS])
    book.save(tmp_path / "staff.xlsx")
    with pytest.raises(ScenarioError) as err:
        read_register(tmp_path / "staff.xlsx", sc)
    assert "sheet 'staff', cell C3" in str(err.value.problems[0])
    sheet.delete_rows(3)
    book.save(tmp_path / "staff.xlsx")
    assert [p.id for p in read_register(tmp_path / "staff.xlsx", sc).people] == ["p1"]


# ----- the command line: Bến Tre's shipped register ---------------------------------------

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")
BEN_TRE_STAFF = SCENARIOS / "ben_tre_staff.csv"


def run(*args: str):
    from click.testing import CliRunner
    from trainplan.cli import main

    return CliRunner().invoke(main, [*args, "--time-limit", "120"], catch_exceptions=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def ben_tre_named(tmp_path_factory) -> Path:
    """Bến Tre solved with its synthetic register: out folder, workbook and page."""
    out = tmp_path_factory.mktemp("named")
    result = run("solve", BEN_TRE, "--staff", str(BEN_TRE_STAFF), "--out", str(out),
                 "--xlsx", str(out / "plan.xlsx"), "--html", str(out / "plan.html"))
    assert result.exit_code == 0, result.output
    assert "people verified: 7 rules, 0 violations" in result.output
    return out


def test_ben_tre_register_is_marked_synthetic_and_every_course_gets_a_named_person(
        ben_tre_named):
    assert BEN_TRE_STAFF.read_text("utf-8").startswith("# SYNTHETIC")
    lines = (ben_tre_named / "roster_people.csv").read_text("utf-8").splitlines()
    assert lines[0] == "person_id,name,unit,unit_type,level,start_year,graduation_year," \
                       "cost_million_vnd"
    assert len(lines) == 1 + 500 and all(line.split(",")[1] for line in lines[1:])
    from openpyxl import load_workbook

    book = load_workbook(ben_tre_named / "plan.xlsx", read_only=True)
    assert {"People commune", "People district", "In theo đơn vị"} <= set(book.sheetnames)
    printable = [row for row in book["In theo đơn vị"].iter_rows(values_only=True)]
    assert printable[0][0] == "Danh sách cán bộ được cử đi đào tạo"
    assert printable[1][0] == "Đơn vị: commune-001" and printable[2][1] == "Họ và tên"
    assert "Dương Ngọc Ngân" in (ben_tre_named / "plan.html").read_text("utf-8")


def test_same_files_for_one_and_two_workers(ben_tre_named, tmp_path):
    result = run("solve", BEN_TRE, "--staff", str(BEN_TRE_STAFF), "--out", str(tmp_path),
                 "--xlsx", str(tmp_path / "plan.xlsx"), "--html", str(tmp_path / "plan.html"),
                 "--workers", "1")
    assert result.exit_code == 0, result.output
    one, two = files_of(tmp_path), files_of(ben_tre_named)
    assert one.pop("summary.json") and two.pop("summary.json")  # timings and settings differ
    assert one == two


def test_redact_writes_ids_but_no_names(tmp_path):
    names = {line.split(",")[1] for line in BEN_TRE_STAFF.read_text("utf-8").splitlines()[2:]}
    result = run("solve", BEN_TRE, "--staff", str(BEN_TRE_STAFF), "--redact", "--out",
                 str(tmp_path), "--xlsx", str(tmp_path / "plan.xlsx"), "--html",
                 str(tmp_path / "plan.html"), "--lang", "vi")
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "roster_people.csv").read_text("utf-8").splitlines()[1:]
    assert rows and all(r.split(",")[0].startswith("P") and r.split(",")[1] == "" for r in rows)
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "plan.xlsx", read_only=True)
    cells = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None}
    assert "In theo đơn vị" in book.sheetnames
    page = (tmp_path / "plan.html").read_text("utf-8")
    for name in names:
        assert name not in cells and name not in page and name not in result.output


def test_one_person_retired_early_changes_only_what_it_must(ben_tre_named, tmp_path):
    before = read_people_csv(ben_tre_named / "roster_people.csv")
    leaving = next(r for r in before if r.unit_type == "commune" and r.level == "intermediate")
    lines = BEN_TRE_STAFF.read_text("utf-8").splitlines()
    header = lines[1].split(",")
    edited = [lines[0], lines[1] + ",retirement_year"]
    for line in lines[2:]:
        cells = line.split(",")
        early = str(leaving.start_year) if cells[0] == leaving.person_id else ""
        edited.append(line + "," + early)
    staff = tmp_path / "staff.csv"
    staff.write_text("\n".join(edited) + "\n", "utf-8")
    assert header[0] == "person_id"
    result = run("solve", BEN_TRE, "--staff", str(staff), "--previous",
                 str(ben_tre_named / "roster_people.csv"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    after = read_people_csv(tmp_path / "out" / "roster_people.csv")
    moved = set(before) ^ set(after)
    assert {r.person_id for r in moved if r in before} == {leaving.person_id}
    (taken,) = [r for r in after if r not in before]
    assert (taken.unit, taken.level, taken.start_year) == (
        leaving.unit, leaving.level, leaving.start_year)
    assert "changed against the previous roster: 2 people" in result.output
    changes = (tmp_path / "out" / "roster_people_changes.csv").read_text("utf-8")
    assert f'{leaving.person_id},intermediate {leaving.start_year},-,"retires in' in changes
    assert f"{taken.person_id},-,intermediate {leaving.start_year},takes a course" in changes


def test_a_register_error_exits_2_and_an_unstaffable_unit_exits_4_naming_people(tmp_path):
    import yaml

    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(tiny(unit_types=[{
        "id": "commune", "label_vi": "xã", "label_en": "commune", "units": 1,
        "staff_per_unit": 1, "quotas": {"A": 1, "B": 0}}])), "utf-8")
    staff = tmp_path / "staff.csv"
    staff.write_text(register_text([person("p1", unit="commune-002")]), "utf-8")
    result = run("solve", str(plan), "--staff", str(staff), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"{staff}:3: unit: unknown unit 'commune-002'" in result.output
    assert not (tmp_path / "out").exists()
    staff.write_text(register_text([person("p1", hired_year=2030)]), "utf-8")
    result = run("solve", str(plan), "--staff", str(staff), "--out", str(tmp_path / "out"))
    assert result.exit_code == 4, result.output
    assert "commune commune-001 (courses: A 2020 x1) cannot be staffed" in result.output
    assert "person_available: p1 (Người p1) hired in 2030" in result.output
    assert not (tmp_path / "out" / "roster_people.csv").exists()
    import json

    block = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))["people"]
    assert block["status"] == "unassigned"
    assert block["conflicts"] == [{"unit_type": "commune", "unit": "commune-001", "rules": [
        {"rule": "person_available", "person_id": "p1", "text": "p1 hired in 2030"}]}]
    result = run("explain", str(plan), "--staff", str(staff))
    assert result.exit_code == 4, result.output
    assert "person_available: p1 (Người p1) hired in 2030" in result.output


def test_previous_keeps_what_fits_and_replan_from_pins_past_courses(tmp_path):
    sc = scenario(tiny())
    rows = courses(sc, [("commune-001", "A", 2020, 1)])
    staff = [person("p1", birth_year=1960), person("p2", birth_year=1980)]
    reg = register(sc, staff, tmp_path)
    assert [r.person_id for r in assign_people(sc, reg, rows).rows] == ["p1"]  # older first
    previous = [PersonRow("p2", "", "commune-001", "commune", "A", 2020, 2020,
                          rows[0].cost_million_vnd)]
    kept = assign_people(sc, reg, rows, previous=previous)
    assert [r.person_id for r in kept.rows] == ["p2"] and kept.changes == []
    assert kept.goals[0].name == "people_changed" and kept.goals[0].value == 0
    staff[1]["not_before"] = 2021  # p2 may no longer go in 2020
    reg = register(sc, staff, tmp_path)
    moved = assign_people(sc, reg, rows, previous=previous)
    assert [r.person_id for r in moved.rows] == ["p1"]
    assert [(c.person_id, c.why) for c in moved.changes] == [
        ("p1", "takes a course of the plan its earlier person no longer can"),
        ("p2", "may not start before 2021")]
    pinned = assign_people(sc, reg, rows, previous=previous, replan_from=2021)
    assert pinned.status == PeopleStatus.unassigned
    assert {(i.rule, i.person_id) for c in pinned.conflicts for i in c.instances} == {
        ("person_pins", "p2"), ("person_available", "p2")}


def test_a_workforce_section_gives_the_qualifications_and_routes(tmp_path):
    # Routes: A takes staff from none to A, B also from none (straight to B).
    data = tiny(workforce={
        "qualifications": ["A", "B"],
        "staff": [{"unit_type": "commune", "at_start": 6, "held_at_start": {"none": 6}}],
        "routes": [{"course": "A", "from_qualification": "none", "to_qualification": "A"},
                   {"course": "B", "from_qualification": "none", "to_qualification": "B"}]})
    sc = scenario(data)
    rows = courses(sc, [("commune-001", "B", 2020, 1)])
    reg = register(sc, [person("p1")], tmp_path)
    got = assign_people(sc, reg, rows)
    assert [r.person_id for r in got.rows] == ["p1"]  # without the section B needs A
    assert verify_people(sc, reg, rows, got.rows).ok
    reg = register(sc, [person("p1", qualification="A")], tmp_path)
    assert assign_people(sc, reg, rows).status == PeopleStatus.unassigned  # A reaches no B
    assert reg.warnings == [
        f"{tmp_path / 'staff.csv'}: commune: 0 staff hold 'none' but the workforce section "
        "starts with 6",
        f"{tmp_path / 'staff.csv'}: commune: 1 staff hold 'A' but the workforce section "
        "starts with 0"]
    no_section = scenario(tiny())
    reg = register(no_section, [person("p1")], tmp_path)
    assert assign_people(no_section, reg, rows).status == PeopleStatus.unassigned
