"""Excel in and out: the template round-trips, errors name sheet and cell, the plan workbook."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from trainplan.cli import main
from trainplan.models.checker import SHORT_CHECKS
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import load_scenario
from trainplan.models.rules import RULES
from trainplan.models.scenario import Scenario
from trainplan.reports.excel import write_template

from tests.conftest import SCENARIOS, tiny

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The Bến Tre template, written once by the command line."""
    path = tmp_path_factory.mktemp("template") / "new-plan.xlsx"
    result = run("template", "--xlsx", str(path))
    assert result.exit_code == 0, result.output
    return path


def edited(template: Path, tmp_path: Path, cells: dict[tuple[str, str], object]) -> str:
    """A copy of the template with some cells changed, as a planner would."""
    copy = tmp_path / "edited.xlsx"
    shutil.copy(template, copy)
    wb = load_workbook(copy)
    for (sheet, cell), value in cells.items():
        wb[sheet][cell] = value
    wb.save(copy)
    return str(copy)


def errors(path: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


# ----- Excel in --------------------------------------------------------------------


def test_ben_tre_template_loads_as_the_same_scenario(template):
    from_yaml = load_scenario(BEN_TRE)
    from_xlsx = load_scenario(template)
    assert from_xlsx.scenario.model_dump() == from_yaml.scenario.model_dump()
    assert [w.message for w in from_xlsx.warnings] == [w.message for w in from_yaml.warnings]
    assert "sheet 'unit_types', cell G4" in str(from_xlsx.warnings[0])


def test_every_field_round_trips(tmp_path):
    data = tiny(
        description="folded text\n", source="plan 1/KH",
        phases=[{"id": "first", "first_year": 2020, "last_year": 2022}],
        capacity={"starts_per_year": 5, "starts_by_year": {2021: 4}, "min_starts_per_year": 1,
                  "seats": 9, "seats_by_year": {2023: 7},
                  "by_level": {"B": {"starts_per_year": 3, "starts_by_year": {2022: 2},
                                     "min_starts_per_year": 0, "seats": 6,
                                     "seats_by_year": {2020: 4}}}},
        budget={"total": 1000.5, "per_year": 300, "by_year": {2020: 250.125},
                "sources": [{"id": "state", "label": "Ngân sách", "amount": 800,
                             "levels": ["A", "B"], "first_year": 2020, "last_year": 2023},
                            {"id": "oda", "amount": 400}]},
        milestones=[{"id": "m1", "label": "half", "by_year": 2022, "unit_types": ["commune"],
                     "levels": ["A"], "people": 1},
                    {"id": "m2", "by_year": 2024, "share_percent": 50.5}],
        objective=["smooth_intake", "min_cost"], stated_total_people=4,
        stated_level_totals={"B": 2})
    data["levels"][1]["completion_rate_percent"] = 90.25
    data["unit_types"][0].update(
        quotas={"A": {"at_least": 2}, "B": {"at_most": 3}}, max_in_training_per_unit=1,
        stated_minimum_per_unit=2,
        unit_list=[{"id": "x1", "name": "Xã Một"}, {"id": "x2"}, {"id": "x3", "name": "Ba"}])
    sc = Scenario.model_validate(data)
    path = tmp_path / "all.xlsx"
    write_template(path, sc, "vi")
    assert load_scenario(path).scenario.model_dump() == sc.model_dump()


def test_another_provinces_figures_solve_and_verify(template, tmp_path):
    # A smaller province: 120 communes and 6 districts, its own quotas, 50 places a year.
    path = edited(template, tmp_path, {
        ("plan", "B2"): "Tỉnh mẫu 2010-2020", ("plan", "B8"): None,
        ("levels", "G3"): None, ("levels", "G4"): None, ("levels", "G5"): None,
        ("levels", "G6"): None,
        ("unit_types", "D3"): 120, ("unit_types", "H3"): 80, ("unit_types", "I3"): 90,
        ("unit_types", "J3"): 70,
        ("unit_types", "D4"): 6, ("unit_types", "J4"): 12, ("unit_types", "K4"): 6,
        ("capacity", "B3"): 50, ("budget", "B2"): 40000,
    })
    out = tmp_path / "plan.xlsx"
    result = run("solve", path, "--xlsx", str(out), "--time-limit", "120")
    assert result.exit_code == 0, result.output
    assert f"verified: {len(RULES) - len(SHORT_CHECKS)} rules, 0 violations" in result.output
    summary = load_workbook(out)["Summary"]
    assert summary["A6"].value == "Commune / ward / town"
    assert [summary.cell(row=6, column=c).value for c in (2, 5, 6, 7)] == [120, 80, 90, 70]


def test_text_in_a_numeric_cell_names_sheet_and_cell(template, tmp_path):
    path = edited(template, tmp_path, {("levels", "D4"): "three"})
    result = run("solve", path)
    assert result.exit_code == 2
    assert ("edited.xlsx, sheet 'levels', cell D4, field levels[college].duration_years: "
            "Input should be a valid integer") in result.output
    assert "'three'" in result.output


def test_missing_figure_names_the_row(template, tmp_path):
    message = errors(edited(template, tmp_path, {("unit_types", "D5"): None}))
    assert "sheet 'unit_types', row 5, field unit_types[facility].units: missing" in message


def test_formula_without_a_saved_value_is_named(template, tmp_path):
    message = errors(edited(template, tmp_path, {("budget", "B2"): "=50000+2500"}))
    assert "sheet 'budget', cell B2" in message
    assert "formula =50000+2500 but no saved value" in message


def test_formula_is_read_as_its_saved_value(template, tmp_path):
    # As if Excel had saved the file: the formula's value is stored beside it.
    path = Path(edited(template, tmp_path, {("budget", "B2"): "=50000+2000"}))
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename).replace(b"<f>50000+2000</f><v />",
                                                   b"<f>50000+2000</f><v>52000</v>")
            dst.writestr(item, data)
    assert load_scenario(saved).scenario.budget.total == 52000


def test_unknown_sheet_column_and_field_are_named(template, tmp_path):
    path = edited(template, tmp_path, {("levels", "H1"): "cost_per_year",
                                       ("levels", "H3"): 1, ("plan", "A9"): "budget"})
    wb = load_workbook(path)
    wb.create_sheet("notes")
    wb.save(path)
    message = errors(path)
    assert "sheet 'levels', cell H1: unknown column 'cost_per_year'" in message
    assert "sheet 'plan', cell A9: unknown field 'budget'" in message
    assert "notes" not in message  # a planner's own sheet is ignored (tests/test_template.py)


def test_macros_are_refused(template, tmp_path):
    xlsm = tmp_path / "plan.xlsm"
    shutil.copy(template, xlsm)
    assert "macro-enabled workbooks are not read" in errors(str(xlsm))
    hidden = tmp_path / "hidden.xlsx"
    shutil.copy(template, hidden)
    with zipfile.ZipFile(hidden, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\0")
    assert "the file contains macros" in errors(str(hidden))


def test_not_a_workbook_and_variants(template, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name: not excel\n")
    assert "cannot read this as an Excel workbook" in errors(str(fake))
    result = run("show", str(template), "--variant", "less-money")
    assert result.exit_code == 2
    assert "unknown variant 'less-money'" in result.output
    result = run("show", str(template), "--set", "budget.total=40000")
    assert result.exit_code == 0
    assert "total: 40000" in result.output


# ----- Excel out -------------------------------------------------------------------


@pytest.fixture(scope="module")
def vi_workbook(tmp_path_factory) -> Path:
    """Bến Tre solved into a Vietnamese workbook, in one command."""
    path = tmp_path_factory.mktemp("out") / "ke-hoach.xlsx"
    result = run("solve", BEN_TRE, "--xlsx", str(path), "--lang", "vi", "--time-limit", "120")
    assert result.exit_code == 0, result.output
    return path


def test_vietnamese_summary_matches_the_plans_table(vi_workbook):
    wb = load_workbook(vi_workbook)
    assert wb.sheetnames[:3] == ["Tổng hợp", "Tuyển mới", "Danh sách 2010"]
    assert {"Kinh phí", "Mốc thời gian", "Kiểm tra", "Danh sách 2020"} <= set(wb.sheetnames)
    ws = wb["Tổng hợp"]
    assert ws.freeze_panes == "B6"
    header = [c.value for c in ws[5]]
    assert header[:9] == ["Loại đơn vị", "Số đơn vị", "Số người/đơn vị", "Tổng số người",
                          "Sơ, trung cấp", "Cao đẳng", "Đại học", "Sau đại học", "Tổng cộng"]
    table = {row[0].value: [c.value for c in row[1:9]] for row in ws.iter_rows(min_row=6)}
    sc = load_scenario(BEN_TRE).scenario
    for ut in sc.unit_types:
        quotas = [ut.quotas[lv.id].people if lv.id in ut.quotas else 0 for lv in sc.levels]
        assert table[ut.label_vi] == [ut.units, ut.staff_per_unit, ut.units * ut.staff_per_unit,
                                      *quotas, sum(quotas)]
    assert table["Tổng cộng"] == [188, None, 500, 108, 144, 200, 48, 500]
    assert ws["B6"].number_format == "#,##0"
    assert f"đã kiểm tra: {len(RULES) - len(SHORT_CHECKS)} quy tắc, 0 vi phạm" in ws["A3"].value


def test_rosters_budget_and_milestones_are_numbers(vi_workbook):
    wb = load_workbook(vi_workbook)
    roster = wb["Danh sách 2012"]
    assert [c.value for c in roster[1]] == ["Loại đơn vị", "Đơn vị", "Trình độ",
                                            "Số người bắt đầu học", "Năm tốt nghiệp",
                                            "Kinh phí (triệu đồng)"]
    assert roster.freeze_panes == "B2"
    starters = sum(ws.cell(row=r, column=4).value for ws in wb.worksheets
                   if ws.title.startswith("Danh sách")
                   for r in range(2, ws.max_row) if ws.cell(row=r, column=4).value)
    assert starters == 500
    budget = wb["Kinh phí"]
    years = {budget.cell(row=r, column=1).value: r for r in range(2, 14)}
    assert all(isinstance(budget.cell(row=r, column=6).value, int | float) for r in years.values())
    assert all(budget.cell(row=r, column=6).value <= budget.cell(row=r, column=7).value
               for r in years.values())
    assert budget.cell(row=years["Tổng cộng"], column=7).value == 52500
    milestones = wb["Mốc thời gian"]
    assert [milestones.cell(row=r, column=7).value for r in (2, 3)] == ["đạt", "đạt"]
    assert milestones["A2"].value.startswith("Sơ, trung cấp")


def test_native_charts_are_in_the_workbook(vi_workbook):
    wb = load_workbook(vi_workbook)
    names = zipfile.ZipFile(vi_workbook).namelist()
    assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= set(names)
    xml = zipfile.ZipFile(vi_workbook).read("xl/charts/chart2.xml").decode()
    assert "<barChart>" in xml.replace("c:", "") and "<lineChart>" in xml.replace("c:", "")
    assert "Chi tiêu theo năm so với mức trần" in xml
    assert len(wb["Tuyển mới"]._charts) == len(wb["Kinh phí"]._charts) == 1
    assert "Số người bắt đầu học theo năm và trình độ" in zipfile.ZipFile(
        vi_workbook).read("xl/charts/chart1.xml").decode()


def test_english_workbook_and_unwritable_path(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = run("solve", BEN_TRE, "--xlsx", str(blocker / "plan.xlsx"), "--time-limit", "120")
    assert result.exit_code == 2
    assert "error: cannot write" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]
    result = run("solve", BEN_TRE, "--xlsx", str(tmp_path / "plan.xls"))
    assert result.exit_code == 2
    assert "should end in .xlsx" in result.output
    result = run("template", "--xlsx", str(blocker / "t.xlsx"))
    assert result.exit_code == 2


def test_the_same_plan_gives_the_same_workbook_bytes(vi_workbook, tmp_path):
    again = tmp_path / "again.xlsx"
    result = run("solve", BEN_TRE, "--xlsx", str(again), "--lang", "vi", "--time-limit", "120")
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == vi_workbook.read_bytes()
    with zipfile.ZipFile(again) as zf:  # no save time anywhere that could differ
        assert {item.date_time for item in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z</dcterms:modified>" in zf.read("docProps/core.xml")


def test_cross_sheet_mistakes_name_their_cell(template, tmp_path):
    message = errors(edited(template, tmp_path, {
        ("levels", "A4"): "intermediate",                      # the college row, id repeated
        ("capacity", "A3"): "nope",                            # a level that does not exist
        ("by_year", "B3"): 50, ("by_year", "A4"): 2010, ("by_year", "B4"): 60,  # 2010 twice
        ("by_year", "A5"): 2050, ("by_year", "B5"): 10,        # outside 2010-2020
    }))
    assert "sheet 'levels', cell A4, field id: level id 'intermediate' given twice" in message
    assert "sheet 'capacity', cell A3, field level: unknown level 'nope'" in message
    assert "sheet 'by_year', cell A4, field year: year 2010 given twice" in message
    assert "sheet 'by_year', cell A5, field year: year 2050 is outside the plan's years" in message
