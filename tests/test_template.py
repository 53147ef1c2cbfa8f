"""The Excel template (issue 9, item 13): blank, Vietnamese names, dropdowns, extra sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from trainplan.cli import main
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import load_scenario
from trainplan.models.workbook import (
    ACTUAL_COHORTS,
    ACTUAL_SPENDING,
    ACTUALS_ROWS,
    CAPACITY,
    LEVELS,
    MILESTONES,
    PHASES,
    PLAN_ROWS,
    SCHEMA_SHEETS,
    SOURCES,
    UNIT_TYPES,
    UNITS,
    WORKFORCE_SHEETS,
    actual_staff_columns,
    field_name,
    staff_by_year_columns,
    staff_columns,
)

from tests.conftest import SCENARIOS

BEN_TRE = str(SCENARIOS / "ben_tre_2010_2020.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def template(tmp_path: Path, *extra: str, name: str = "plan.xlsx") -> Path:
    path = tmp_path / name
    result = run("template", "--xlsx", str(path), *extra)
    assert result.exit_code == 0, result.output
    return path


def test_writing_the_template_prints_no_warning_about_the_example(tmp_path):
    # Bến Tre's text and table disagree (a warning on solve); the template says nothing of it
    result = run("template", "--xlsx", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == f"wrote {tmp_path / 't.xlsx'}\n"


def test_blank_template_has_headers_but_no_example_figures(tmp_path):
    wb = load_workbook(template(tmp_path, "--blank"))
    assert [wb["plan"].cell(row=r, column=2).value for r in range(2, 9)] == [None] * 7
    assert wb["plan"]["A2"].value == "name"
    for sheet in ("phases", "unit_types", "units", "by_year", "sources", "milestones"):
        ws = wb[sheet]
        assert ws["A1"].value and ws["A2"].value  # field name and its explanation
        assert ws.max_row <= 2, sheet
    levels = wb["levels"]
    assert [levels.cell(row=3, column=c).value for c in range(1, 8)] == [
        "intermediate", "Sơ, trung cấp", "Elementary and intermediate", None, None, None, None]
    assert wb["budget"]["B2"].value is None
    assert wb["unit_types"]["H1"].value == "quotas.intermediate"


def test_example_template_still_holds_the_figures(tmp_path):
    wb = load_workbook(template(tmp_path))
    assert wb["plan"]["B2"].value == "Bến Tre 2010-2020"
    assert wb["unit_types"].max_row > 2


def test_vietnamese_template_names_sheets_and_fields_in_vietnamese(tmp_path):
    wb = load_workbook(template(tmp_path, "--lang", "vi"))
    assert wb.sheetnames[:11] == ["hướng dẫn", "kế hoạch", "giai đoạn", "trình độ",
                                  "loại đơn vị", "đơn vị", "quy mô đào tạo", "kinh phí",
                                  "theo năm", "nguồn kinh phí", "mốc"]
    assert wb.sheetnames[11:] == [*(s.sheet_vi for s in SCHEMA_SHEETS),  # from the schema
                                  "đội ngũ", "nhân sự", "nhân sự theo năm",
                                  "lộ trình nâng trình độ", "chỉ tiêu đạt chuẩn",
                                  "tỷ lệ được đào tạo", "đơn vị có người đạt chuẩn",
                                  "thực tế", "thực tế khóa học", "thực tế kinh phí",
                                  "thực tế nhân sự"]
    assert [c.value for c in wb["trình độ"][1]][:4] == ["mã", "tên tiếng Việt", "tên tiếng Anh",
                                                       "số năm học"]
    assert wb["kế hoạch"]["A2"].value == "tên"
    assert wb["loại đơn vị"]["H1"].value == "chỉ tiêu intermediate"


def test_vietnamese_template_reads_back_as_the_same_scenario(tmp_path):
    from_vi = load_scenario(template(tmp_path, "--lang", "vi"))
    from_en = load_scenario(template(tmp_path, name="en.xlsx"))
    assert from_vi.scenario.model_dump() == from_en.scenario.model_dump()
    assert "sheet 'loại đơn vị', cell G4" in str(from_vi.warnings[0])


def test_names_in_either_language_can_be_mixed(tmp_path):
    path = template(tmp_path)
    wb = load_workbook(path)
    wb["levels"].title = "trình độ"
    wb["trình độ"]["D1"] = "số năm học"
    wb["trình độ"]["E3"] = "many"
    wb["plan"]["A2"] = "tên"
    wb.save(path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "sheet 'trình độ', cell E3" in str(info.value)
    wb["trình độ"]["E3"] = 10
    wb.save(path)
    assert load_scenario(path).scenario.level("intermediate").duration_years == 2


@pytest.mark.parametrize("columns", [
    PLAN_ROWS, PHASES, LEVELS, UNIT_TYPES, UNITS, CAPACITY, SOURCES, MILESTONES,
    staff_columns(["none", "a", "b"]), staff_by_year_columns(["x", "y"]),
    *(s.columns for s in WORKFORCE_SHEETS), ACTUALS_ROWS, ACTUAL_COHORTS.columns,
    ACTUAL_SPENDING, actual_staff_columns(["none", "a"])])
def test_vietnamese_field_names_are_unique_on_each_sheet(columns):
    keys = [c.key for c in columns]
    names = [field_name(k, "vi") for k in keys]
    assert len(set(names)) == len(names)
    assert not set(names) & set(keys)


def test_per_level_fields_have_vietnamese_names():
    assert field_name("quotas.college.mode", "vi") == "loại chỉ tiêu college"
    assert field_name("capacity.by_level.college.seats_by_year", "vi") == "chỗ học college"
    by_year = ["year", "capacity.starts_by_year", "capacity.seats_by_year", "budget.by_year",
               *[f"capacity.by_level.{lv}.{k}" for lv in ("a", "b")
                 for k in ("starts_by_year", "seats_by_year")]]
    assert len({field_name(k, "vi") for k in by_year}) == len(by_year)


def _lists(ws) -> dict[str, str]:
    """Each list dropdown of a sheet: cell ranges -> what it offers."""
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation
            if dv.type == "list"}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_dropdowns_for_modes_and_ids(tmp_path, lang):
    wb = load_workbook(template(tmp_path, "--lang", lang))
    names = dict(zip(["unit_types", "units", "capacity", "levels"],
                     ["unit_types", "units", "capacity", "levels"] if lang == "en"
                     else ["loại đơn vị", "đơn vị", "quy mô đào tạo", "trình độ"], strict=True))
    modes = _lists(wb[names["unit_types"]])
    assert list(modes.values()) == ['"exact,at_least,at_most"']
    assert next(iter(modes)).split() == ["L3:L502", "M3:M502", "N3:N502", "O3:O502"]
    assert _lists(wb[names["units"]]) == {"A3:A502": f"'{names['unit_types']}'!$A$3:$A$502"}
    assert _lists(wb[names["capacity"]]) == {"A3:A502": f"'{names['levels']}'!$A$3:$A$502"}


def test_an_extra_sheet_is_ignored_with_a_warning(tmp_path):
    path = template(tmp_path)
    wb = load_workbook(path)
    wb.create_sheet("notes")["A1"] = "ask the district about 2014"
    wb.save(path)
    result = run("check", str(path), "--time-limit", "120")
    assert result.exit_code == 0, result.output
    assert f"warning: {path}, sheet 'notes': ignored" in result.stderr
    vi = run("check", str(path), "--time-limit", "120", "--lang", "vi")
    assert "cảnh báo: " in vi.stderr and "sheet 'notes'" in vi.stderr


def test_a_list_field_not_laid_out_by_hand_gets_its_own_sheet_from_the_schema():
    from pydantic import BaseModel, Field
    from trainplan.models.workbook import schema_sheets

    class Item(BaseModel):
        id: str = Field(description="short id", json_schema_extra={"vi": "mã"})
        size: int = Field(description="how many (persons)")

    class Part(BaseModel):
        items: list[Item] = Field(default_factory=list, json_schema_extra={"vi": "mục"})

    class Plan(BaseModel):
        levels: list[Item] = Field(default_factory=list)  # laid out by hand
        part: Part = Field(default_factory=Part)

    (sheet,) = schema_sheets(Plan)
    assert (sheet.sheet, sheet.sheet_vi, sheet.path) == ("items", "mục", ("part", "items"))
    assert [(c.key, c.en, c.vi) for c in sheet.columns] == [
        ("id", "short id", "mã"), ("size", "how many (persons)", "how many (persons)")]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_level_groups_go_through_the_workbook_without_workbook_code(tmp_path, lang):
    from trainplan.reports.template import template_workbook

    from tests.conftest import scenario, tiny

    groups = [{"id": "long-courses", "levels": ["A", "B"], "starts_per_year": 10}]
    sc = scenario(tiny(capacity={"groups": groups}))
    path = tmp_path / "groups.xlsx"
    template_workbook(sc, lang).save(path)
    back = load_scenario(path).scenario
    assert [g.model_dump() for g in back.capacity.groups] == groups
