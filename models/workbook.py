"""Scenario workbooks: an Excel template a planner fills in, and its reader.

The template holds everything a scenario file holds, one sheet per part of the
plan. Row 1 of each table names the scenario field (the same names as in the
YAML format), row 2 says in words what goes there and in which unit, and the
planner's figures start on row 3. Key/value sheets (plan, budget) have one
field per row.

Reading turns the workbook into the same data the YAML loader validates, and
remembers the sheet and cell of every figure, so an error says e.g.
"new-plan.xlsx, sheet 'levels', cell D3, field levels[college].duration_years: ...".
Formulas are read as the values Excel saved with them; macros are never run
(macro-enabled workbooks are refused).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin
from xml.etree import ElementTree

from pydantic import BaseModel
from trainplan.models.actuals import CohortActual
from trainplan.models.errors import Origins, Problem, ScenarioError
from trainplan.models.scenario import MAX_UNITS, NO_QUALIFICATION, Scenario, Workforce

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is read
    from openpyxl import Workbook

#: File endings read as workbooks; `.xlsm` is named only to refuse it clearly.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Sheets the reader ignores (instructions for the planner).
README_SHEET = "read_me"
#: Table sheets: row 1 field names, row 2 explanations, figures from this row.
FIRST_ROW = 3
#: Largest sheet read: rows (a unit list of MAX_UNITS units, with headers) and columns.
MAX_ROWS, MAX_COLUMNS = MAX_UNITS + FIRST_ROW, 1_000
#: Largest workbook read, as stored and once unzipped (bytes).
MAX_WORKBOOK_BYTES, MAX_UNZIPPED_BYTES = 5_000_000, 100_000_000
ALL_LEVELS = "all"



@dataclass(frozen=True)
class Column:
    """One column of a template table: the field it holds and what to write."""

    key: str
    en: str
    vi: str
    width: int = 14


PLAN_ROWS = [
    Column("name", "name of the plan", "tên kế hoạch"),
    Column("description", "what the plan is about", "mô tả ngắn"),
    Column("source", "the plan document the figures come from", "văn bản kế hoạch (nguồn số liệu)"),
    Column("horizon.first_year", "first year trainees may start (year)",
           "năm đầu tiên của kế hoạch"),
    Column("horizon.last_year", "last year of the plan; every course ends by then (year)",
           "năm cuối của kế hoạch; mọi khóa học kết thúc trước hoặc trong năm này"),
    Column("objective", "goals in order, separated by commas: min_cost, smooth_intake, "
           "earliest_completion", "mục tiêu theo thứ tự, cách nhau bởi dấu phẩy: min_cost, "
           "smooth_intake, earliest_completion"),
    Column("stated_total_people", "the plan's stated grand total (persons; optional)",
           "tổng số người kế hoạch nêu (người; không bắt buộc)"),
]
BUDGET_ROWS = [
    Column("total", "training money over the whole plan (million VND)",
           "tổng kinh phí đào tạo cả giai đoạn (triệu đồng)"),
    Column("per_year", "yearly ceiling on training spending (million VND); "
           "other years on sheet 'by_year'", "mức trần chi đào tạo mỗi năm (triệu đồng); "
           "năm riêng ghi ở trang 'theo năm'"),
]
PHASES = [
    Column("id", "short name, e.g. 2010-2015", "tên giai đoạn, ví dụ 2010-2015"),
    Column("first_year", "first year (year)", "năm bắt đầu"),
    Column("last_year", "last year (year)", "năm kết thúc"),
]
LEVELS = [
    Column("id", "short id used on other sheets", "mã trình độ (dùng ở các trang khác)"),
    Column("label_vi", "Vietnamese name", "tên tiếng Việt", 24),
    Column("label_en", "English name", "tên tiếng Anh", 24),
    Column("duration_years", "course length (years)", "thời gian khóa học (năm)"),
    Column("cost_per_trainee_year", "cost of one trainee for one year (million VND)",
           "chi phí một học viên một năm (triệu đồng)", 16),
    Column("completion_rate_percent", "share of starters who graduate (percent; blank = 100)",
           "tỷ lệ tốt nghiệp (%; để trống = 100)", 16),
    Column("stated_level_totals", "the plan's stated total at this level (persons; optional)",
           "tổng số người kế hoạch nêu ở trình độ này (người; không bắt buộc)", 16),
]
UNIT_TYPES = [
    Column("id", "short id used on other sheets", "mã loại đơn vị (dùng ở các trang khác)"),
    Column("label_vi", "Vietnamese name", "tên tiếng Việt", 28),
    Column("label_en", "English name", "tên tiếng Anh", 28),
    Column("units", "how many units of this type (units)", "số đơn vị"),
    Column("staff_per_unit", "people per unit to train (persons)",
             "số người mỗi đơn vị cần đào tạo"),
    Column("max_in_training_per_unit", "most staff of one unit in training at once "
           "(persons; optional)", "số người tối đa của một đơn vị đi học cùng lúc (không bắt buộc)",
           16),
    Column("stated_minimum_per_unit", "what the plan's text says per unit (persons; optional)",
           "số người mỗi đơn vị theo lời văn kế hoạch (không bắt buộc)", 16),
]
UNITS = [
    Column("unit_type", "unit type id (sheet unit_types)", "mã loại đơn vị (trang 'loại đơn vị')"),
    Column("id", "unit id", "mã đơn vị"),
    Column("name", "unit name", "tên đơn vị", 28),
]
CAPACITY = [
    Column("level", "'all' for all levels together, or a level id",
           "'all' = mọi trình độ, hoặc mã trình độ"),
    Column("starts_per_year", "training places: new starters per year (persons)",
           "chỉ tiêu tuyển mới mỗi năm (người)", 16),
    Column("min_starts_per_year", "at least this many new starters every year (persons)",
           "tối thiểu số người bắt đầu học mỗi năm (người)", 16),
    Column("seats", "people in training at the same time (persons)",
           "số người đang học cùng lúc tối đa (người)", 16),
]
SOURCES = [
    Column("id", "short id", "mã nguồn"),
    Column("label", "name of the source", "tên nguồn kinh phí", 24),
    Column("amount", "most it pays over the plan (million VND)",
           "số tiền tối đa cả giai đoạn (triệu đồng)", 16),
    Column("levels", "levels it pays for, separated by commas (blank = all)",
           "các trình độ được chi, cách nhau bởi dấu phẩy (để trống = tất cả)", 18),
    Column("first_year", "first year it pays (blank = from the start)",
           "năm đầu được chi (để trống = từ đầu)"),
    Column("last_year", "last year it pays (blank = to the end)",
           "năm cuối được chi (để trống = đến hết)"),
]
MILESTONES = [
    Column("id", "short id", "mã mốc"),
    Column("label", "what the milestone says", "nội dung mốc", 30),
    Column("by_year", "deadline: graduates counted up to the end of this year",
           "hạn: tính số tốt nghiệp đến hết năm này"),
    Column("unit_types", "unit types, separated by commas (blank = all)",
           "các loại đơn vị, cách nhau bởi dấu phẩy (để trống = tất cả)", 18),
    Column("levels", "levels, separated by commas (blank = all)",
           "các trình độ, cách nhau bởi dấu phẩy (để trống = tất cả)", 18),
    Column("people", "graduates needed (persons), or leave blank and give a share",
           "số người tốt nghiệp cần đạt, hoặc để trống và ghi tỷ lệ"),
    Column("share_percent", "share of the matching quotas (percent)",
           "tỷ lệ so với chỉ tiêu tương ứng (%)"),
]
#: The workforce section (optional): its key/value sheet, its staff and per-year sheets.
WORKFORCE_ROWS = [
    Column("qualifications", "qualifications from lowest to highest, separated by commas, "
           "without 'none' (blank = the level ids in order); the columns of sheet "
           "'staff_in_post' are named after them: change both together",
           "các trình độ từ thấp đến cao, cách nhau bởi dấu phẩy, không ghi 'none' (để trống "
           "= các mã trình độ theo thứ tự); các cột của trang 'nhân sự' mang tên các trình độ "
           "này: sửa cả hai cùng lúc"),
]
STAFF_SHEET, STAFF_BY_YEAR_SHEET = "staff_in_post", "staff_by_year"
#: Columns of sheet 'staff_in_post' named after a qualification.
QUALIFICATION_FIELDS = ("held_at_start.{q}", "attrition_by_qualification.{q}",
                        "recruits.{q}.per_year", "recruits.{q}.cost_per_person")
STAFF = [
    Column("unit_type", "unit type id (sheet unit_types); one row each",
           "mã loại đơn vị (trang 'loại đơn vị'); mỗi loại một dòng"),
    Column("at_start", "staff in post at the start of the plan (persons)",
           "số người đang làm việc đầu kỳ kế hoạch (người)"),
    Column("attrition_percent", "share of staff leaving each year (percent; blank = 0)",
           "tỷ lệ nghỉ việc mỗi năm (%; để trống = 0)", 16),
    Column("first_year_attrition_percent", "share of recruits leaving in their first year "
           "(percent; blank = as the others)", "tỷ lệ người mới tuyển nghỉ trong năm đầu (%; "
           "để trống = như những người khác)", 18),
]


def staff_columns(qualifications: list[str]) -> list[Column]:
    """The columns of sheet 'staff_in_post' for these qualifications ('none' first).

    The fixed columns, then per qualification what staff hold at start, their
    attrition, and recruits arriving with it (limit and cost).
    """
    held, leave, hire, cost = QUALIFICATION_FIELDS
    out = list(STAFF)
    out += [Column(held.format(q=q), f"of them, holding {q} at start (persons)",
                   f"trong đó, có trình độ {q} đầu kỳ (người)") for q in qualifications]
    out += [Column(leave.format(q=q), f"share of staff holding {q} leaving each year (percent; "
                   "blank = attrition_percent)", f"tỷ lệ nghỉ việc của người có trình độ {q} "
                   "(%; để trống = tỷ lệ chung)", 16) for q in qualifications]
    for q in qualifications[1:]:  # recruits hold 'none' unless hired qualified
        out += [Column(hire.format(q=q), f"at most this many recruits a year hold {q} "
                       "(persons; blank = none)", f"tối đa số người mới tuyển đã có trình độ "
                       f"{q} mỗi năm (người)", 16),
                Column(cost.format(q=q), f"cost of hiring one recruit holding {q} (million "
                       "VND)", f"chi phí tuyển một người đã có trình độ {q} (triệu đồng)", 16)]
    return out


def staff_by_year_columns(unit_types: list[str]) -> list[Column]:
    """Sheet 'staff_by_year': per year, each unit type's staff in post or its growth."""
    cols = [Column("year", "plan year", "năm", 8)]
    for t in unit_types:
        cols += [Column(f"by_year.{t}", f"{t}: staff in post at the end of the year (persons)",
                        f"{t}: số người đang làm việc cuối năm (người)", 16),
                 Column(f"growth_percent.{t}", f"{t}: or growth of staff in post over "
                        "at_start by the end of this year (percent)", f"{t}: hoặc mức tăng số "
                        "người so với đầu kỳ đến hết năm này (%)", 16)]
    return cols


#: What happened in past years (optional; for `trainplan replan`): key/value and tables.
ACTUALS_ROWS = [
    Column("source", "where the actual figures come from", "nguồn số liệu thực tế"),
    Column("from_year", "first year re-planned (blank: `trainplan replan --from YEAR` gives "
           "it)", "năm bắt đầu lập lại kế hoạch (để trống: lệnh `trainplan replan --from "
           "NĂM`)"),
]
ACTUAL_SPENDING = [
    Column("year", "past year", "năm đã qua", 8),
    Column("spent", "money actually spent on training that year (million VND)",
           "kinh phí đào tạo thực chi năm đó (triệu đồng)", 18),
]
#: Columns of sheet 'actual_staff' named after a qualification.
ACTUAL_HELD = ("held.{q}",)


def actual_staff_columns(qualifications: list[str]) -> list[Column]:
    """Sheet 'actual_staff': staff counted at the end of a past year and what they hold."""
    return [Column("year", "past year (counted at its end)", "năm đã qua (đếm cuối năm)", 8),
            Column("unit_type", "unit type id (sheet unit_types)",
                   "mã loại đơn vị (trang 'loại đơn vị')"),
            Column("in_post", "staff in post counted (persons)",
                   "số người đang làm việc đếm được (người)"),
            *(Column(ACTUAL_HELD[0].format(q=q), f"of them, holding {q} (persons; blank = not "
                     "counted)", f"trong đó, có trình độ {q} (người; để trống = không đếm)")
              for q in qualifications)]


@dataclass(frozen=True)
class SchemaSheet:
    """A table sheet derived from a list field of the schema: one column per item field.

    The sheet is named after the field; its columns, their explanations (the
    fields' descriptions) and Vietnamese names (`json_schema_extra={"vi": ...}`)
    come from the item model. A new list field thus gets its sheet, its template
    and its reader with no second list to keep in step.
    """

    sheet: str
    sheet_vi: str
    path: tuple[str, ...]
    columns: list[Column]


#: List fields laid out by hand on the sheets above; every other one is derived.
HAND_LAID = {("phases",), ("levels",), ("unit_types",), ("milestones",), ("budget", "sources"),
             ("workforce", "staff")}
#: What a derived column holds when its field has no description of its own (en, vi).
COLUMN_NOTES = {
    "id": ("short id", "mã"),
    "label": ("what the target says", "nội dung chỉ tiêu"),
    "by_year": ("by the end of this year (year)", "đến hết năm (năm)"),
    "unit_types": ("unit types with staff, separated by commas (blank = all)",
                   "các loại đơn vị có nhân sự, cách nhau bởi dấu phẩy (để trống = tất cả)"),
    "at_least": ("qualification to hold, or a higher one", "trình độ tối thiểu phải có"),
    "share_percent": ("share (percent)", "tỷ lệ (%)"),
    "phase": ("phase id (sheet phases)", "mã giai đoạn (trang 'giai đoạn')"),
    "staff": ("qualified staff per unit (persons)", "số người đạt chuẩn mỗi đơn vị (người)"),
    "course": ("the level whose course this is", "trình độ của khóa học"),
    "from_qualification": ("held before ('none' for none)", "trình độ trước khi học "
                           "('none' = chưa có)"),
    "to_qualification": ("held after graduating", "trình độ sau khi tốt nghiệp"),
    "unit_type": ("unit type id (sheet unit_types)", "mã loại đơn vị (trang 'loại đơn vị')"),
    "level": ("level id of the course (sheet levels)", "mã trình độ của khóa học"),
    "starters": ("people who started the course (persons)",
                 "số người bắt đầu khóa học (người)"),
}


def _vi(field: Any, default: str) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("vi", default))


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The item model of a `list[Model]` annotation, else None."""
    if get_origin(annotation) is not list:
        return None
    (item,) = get_args(annotation)
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _schema_column(key: str, field: Any) -> Column:
    """A column for an item field: its description, or the shared note on that key."""
    en, vi = COLUMN_NOTES.get(key, (key, None))
    en = field.description or en
    return Column(key, en, _vi(field, vi or en), 16)


def schema_sheets(model: type[BaseModel] = Scenario, path: tuple[str, ...] = ()
                  ) -> list[SchemaSheet]:
    """A sheet for each list-of-records field not laid out by hand, in schema order."""
    out = []
    for name, field in model.model_fields.items():
        here = (*path, name)
        item = _item_model(field.annotation)
        if item is not None and here not in HAND_LAID:
            columns = [_schema_column(key, f) for key, f in item.model_fields.items()]
            out.append(SchemaSheet(name, _vi(field, name), here, columns))
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out += schema_sheets(field.annotation, here)
    return out


SCHEMA_SHEETS = schema_sheets()
#: The workforce section's routes and targets, one derived sheet each.
WORKFORCE_SHEETS = schema_sheets(Workforce, ("workforce",))
#: Courses as they happened, one row each (the columns of `actuals.cohorts`).
ACTUAL_COHORTS = SchemaSheet("actual_cohorts", "thực tế khóa học", ("actuals", "cohorts"), [
    _schema_column(key, f) for key, f in CohortActual.model_fields.items()])
#: The actuals' sheets, in the template's order.
ACTUAL_SHEETS = ("actuals", ACTUAL_COHORTS.sheet, "actual_spending", "actual_staff")
#: Scenario fields holding lists of ids, written in one cell separated by commas.
ID_LISTS = {"levels", "unit_types", "objective", "qualifications"}
#: Fields kept exactly as written (names and descriptions).
FREE_TEXT = {"name", "description", "source", "label", "label_vi", "label_en"}
#: Fields holding a calendar year (written without thousands separators).
YEAR_KEYS = {"year", "first_year", "last_year", "by_year", "horizon.first_year",
             "horizon.last_year"}

#: Sheet names in a Vietnamese template (read back in either language).
SHEET_VI = {
    README_SHEET: "hướng dẫn", "plan": "kế hoạch", "phases": "giai đoạn", "levels": "trình độ",
    "unit_types": "loại đơn vị", "units": "đơn vị", "capacity": "quy mô đào tạo",
    "by_year": "theo năm", "budget": "kinh phí", "sources": "nguồn kinh phí", "milestones": "mốc",
    **{s.sheet: s.sheet_vi for s in SCHEMA_SHEETS},
    "workforce": "đội ngũ", STAFF_SHEET: "nhân sự", STAFF_BY_YEAR_SHEET: "nhân sự theo năm",
    "routes": "lộ trình nâng trình độ", "coverage": "chỉ tiêu đạt chuẩn",
    "trained": "tỷ lệ được đào tạo", "staffed_units": "đơn vị có người đạt chuẩn",
    "actuals": "thực tế", "actual_cohorts": "thực tế khóa học",
    "actual_spending": "thực tế kinh phí", "actual_staff": "thực tế nhân sự",
}
#: Field names in a Vietnamese template; fields named after a level id are in FIELD_VI_OF.
FIELD_VI = {
    "name": "tên", "description": "mô tả", "source": "căn cứ", "horizon.first_year": "năm đầu",
    "horizon.last_year": "năm cuối", "objective": "mục tiêu",
    "stated_total_people": "tổng số người kế hoạch nêu", "total": "tổng kinh phí",
    "per_year": "mức trần mỗi năm", "id": "mã", "first_year": "năm đầu",
    "last_year": "năm cuối", "label_vi": "tên tiếng Việt", "label_en": "tên tiếng Anh",
    "duration_years": "số năm học", "cost_per_trainee_year": "chi phí mỗi người mỗi năm",
    "completion_rate_percent": "tỷ lệ tốt nghiệp %",
    "stated_level_totals": "tổng số người kế hoạch nêu", "units": "số đơn vị",
    "staff_per_unit": "số người mỗi đơn vị",
    "max_in_training_per_unit": "tối đa đi học cùng lúc",
    "stated_minimum_per_unit": "số người mỗi đơn vị theo lời văn", "unit_type": "loại đơn vị",
    "level": "trình độ", "starts_per_year": "tuyển mới mỗi năm",
    "min_starts_per_year": "tuyển mới tối thiểu mỗi năm", "seats": "chỗ học",
    "label": "nội dung", "amount": "số tiền", "levels": "trình độ",
    "unit_types": "loại đơn vị", "by_year": "đến năm", "people": "số người",
    "share_percent": "tỷ lệ %", "year": "năm", "capacity.starts_by_year": "tuyển mới",
    "capacity.seats_by_year": "chỗ học", "budget.by_year": "mức trần kinh phí",
    "qualifications": "các trình độ", "at_start": "số người đầu kỳ",
    "attrition_percent": "tỷ lệ nghỉ việc %",
    "first_year_attrition_percent": "tỷ lệ nghỉ năm đầu %", "course": "khóa học",
    "from_qualification": "từ trình độ", "to_qualification": "lên trình độ",
    "at_least": "trình độ tối thiểu", "staff": "số người đạt chuẩn mỗi đơn vị",
    "phase": "giai đoạn", "from_year": "năm lập lại kế hoạch", "starters": "số người bắt đầu",
    "graduates": "số người tốt nghiệp", "dropouts": "số người bỏ học",
    "spent": "kinh phí thực chi", "in_post": "số người đang làm việc",
}
#: Fields named after a level id: (prefix, suffix) of the key -> the Vietnamese name.
FIELD_VI_OF = {
    ("quotas.", ""): "chỉ tiêu {level}", ("quotas.", ".mode"): "loại chỉ tiêu {level}",
    ("capacity.by_level.", ".starts_by_year"): "tuyển mới {level}",
    ("capacity.by_level.", ".seats_by_year"): "chỗ học {level}",
    ("held_at_start.", ""): "có {level} đầu kỳ",
    ("attrition_by_qualification.", ""): "nghỉ việc % {level}",
    ("recruits.", ".per_year"): "tuyển sẵn {level} mỗi năm",
    ("recruits.", ".cost_per_person"): "chi phí tuyển {level}",
    ("by_year.", ""): "số người {level}", ("growth_percent.", ""): "tăng % {level}",
    ("held.", ""): "có {level}",
}


def field_name(key: str, lang: str) -> str:
    """A field's name on the sheet: the scenario key, or its Vietnamese name."""
    if lang == "en":
        return key
    if key in FIELD_VI:
        return FIELD_VI[key]
    for (prefix, suffix), name in FIELD_VI_OF.items():
        if key.startswith(prefix) and key.endswith(suffix):
            level = key[len(prefix):len(key) - len(suffix)]
            if level and "." not in level:
                return name.format(level=level)
    return key


def sheet_name(sheet: str, lang: str) -> str:
    """A sheet's title in `lang`."""
    return SHEET_VI.get(sheet, sheet) if lang == "vi" else sheet


class _Reader:
    """Reads figures off the sheets, remembering where each came from.

    `values` is the workbook as Excel last saved it (formulas as their values);
    `formulas` is the same file with formulas as text, only to name a formula
    that has no saved value.
    """

    def __init__(self, path: Path, values: Workbook, formulas: Workbook,
                 titles: dict[str, str] | None = None):
        self.path = path
        self.values = values
        self.formulas = formulas
        self.titles = titles or {}  # sheet -> its title in the file (a Vietnamese one)
        self.problems: list[Problem] = []
        self.origins: Origins = {}

    def note(self, path: tuple, sheet: str, cell: str | None = None,
             row: int | None = None) -> None:
        """Remember that the field at `path` was written on this sheet (cell, row)."""
        self.origins[path] = (str(self.path), _where(self.titles.get(sheet, sheet), cell, row))

    def fail(self, sheet: str, cell: str | None, field: str, message: str,
             row: int | None = None) -> None:
        """Record a problem at a cell (or, when no cell holds it, a row)."""
        self.problems.append(Problem(str(self.path),
                                     _where(self.titles.get(sheet, sheet), cell, row), field,
                                     message))

    def _value(self, sheet: str, row: int, col: int) -> tuple[Any, str]:
        """A cell's saved value (None when blank) and its name, e.g. 'D4'."""
        from openpyxl.utils import get_column_letter

        cell = f"{get_column_letter(col)}{row}"
        value = self.values[sheet].cell(row=row, column=col).value
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            formula = self.formulas[sheet].cell(row=row, column=col).value
            if isinstance(formula, str) and formula.startswith("="):
                self.fail(sheet, cell, "", f"formula {formula} but no saved value; open the "
                          "file in Excel or LibreOffice and save it, or type the figure")
        return value, cell

    def check_size(self, sheet: str) -> None:
        """A sheet too large to read is a problem that names its farthest cell."""
        from openpyxl.utils import get_column_letter

        ws = self.values[sheet]
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            self.fail(sheet, f"{get_column_letter(ws.max_column)}{ws.max_row}", "",
                      f"the sheet reaches this cell, but at most {MAX_ROWS:,} rows and "
                      f"{MAX_COLUMNS:,} columns are read; delete the rows and columns beyond")

    def key_values(self, sheet: str, keys: list[str]) -> dict[str, tuple[Any, str]]:
        """A key/value sheet: field names in column A, figures in column B, from row 2."""
        if sheet not in self.values.sheetnames:
            return {}
        out: dict[str, tuple[Any, str]] = {}
        seen: dict[str, int] = {}
        for row in range(2, self.values[sheet].max_row + 1):
            key, key_cell = self._value(sheet, row, 1)
            if key is None:
                continue
            key = _field_key(str(key).strip(), keys)
            if key not in keys:
                self.fail(sheet, key_cell, "", f"unknown field '{key}'; the fields are "
                          f"{', '.join(keys)}")
                continue
            if key in seen:
                self.fail(sheet, key_cell, key, f"given twice (first in row {seen[key]})")
                continue
            seen[key] = row
            value, cell = self._value(sheet, row, 2)
            if value is not None:
                out[key] = (value, cell)
        return out

    def records(self, sheet: str, keys: list[str],
                why_unknown: Callable[[str], str | None] | None = None
                ) -> Iterator[tuple[int, dict[str, tuple[Any, str]]]]:
        """A table sheet: field names in row 1, one item per row from FIRST_ROW.

        Yields the row number and the filled cells by field; blank rows are skipped.
        `why_unknown` may say better than "unknown column" what is wrong with a head.
        """
        if sheet not in self.values.sheetnames:
            return
        ws = self.values[sheet]
        columns: dict[int, str] = {}
        first: dict[str, str] = {}
        for col in range(1, ws.max_column + 1):
            head, cell = self._value(sheet, 1, col)
            if head is None:
                continue
            head = _field_key(str(head).strip(), keys)
            if head not in keys:
                why = why_unknown(head) if why_unknown else None
                self.fail(sheet, cell, "", why or f"unknown column '{head}'; the columns are "
                          f"{', '.join(keys)}")
            elif head in first:
                self.fail(sheet, cell, head, f"column given twice (first in cell "
                          f"{first[head]}); keep one")
            else:
                columns[col], first[head] = head, cell
        for row in range(FIRST_ROW, ws.max_row + 1):
            record = {}
            for col, key in columns.items():
                value, cell = self._value(sheet, row, col)
                if value is not None:
                    record[key] = (value, cell)
            if record:
                yield row, record


def _field_key(name: str, keys: list[str]) -> str:
    """The scenario key a sheet's field name stands for (it may be written in Vietnamese)."""
    if name in keys:
        return name
    return next((key for key in keys if field_name(key, "vi") == name), name)


def _where(sheet: str, cell: str | None = None, row: int | None = None) -> str:
    """A place in the workbook in words: "sheet 'levels', cell D4"."""
    if cell is not None:
        return f"sheet '{sheet}', cell {cell}"
    if row is not None:
        return f"sheet '{sheet}', row {row}"
    return f"sheet '{sheet}'"


def _cell_value(key: str, value: Any) -> Any:
    """Comma-separated id lists become lists; stray spaces around ids and figures go."""
    if not isinstance(value, str) or key in FREE_TEXT:
        return value
    if key in ID_LISTS:
        return [part.strip() for part in value.split(",") if part.strip()]
    return value.strip()


def _set(r: _Reader, target: dict, path: tuple, sheet: str, key: str, value: Any,
         cell: str) -> None:
    """Store one figure under its field, noting its cell."""
    target[key] = _cell_value(key.rsplit(".", 1)[-1], value)
    r.note(path, sheet, cell)


def _set_nested(r: _Reader, target: dict, at: tuple, sheet: str, key: str, value: Any,
                cell: str, row: int | None = None) -> None:
    """Store a figure under a dotted key (`recruits.college.per_year`) below `target`.

    `at` is the field path of `target`; each part made on the way is noted at `row`.
    """
    *parents, last = key.split(".")
    node, path = target, at
    for part in parents:
        path = (*path, part)
        node = node.setdefault(part, {})
        if path not in r.origins:
            r.note(path, sheet, row=row)
    _set(r, node, (*path, last), sheet, last, value, cell)


def _read_plan(r: _Reader, data: dict) -> None:
    for key, (value, cell) in r.key_values("plan", [c.key for c in PLAN_ROWS]).items():
        _set_nested(r, data, (), "plan", key, value, cell)
    r.note(("horizon",), "plan")


def _read_list(r: _Reader, data: dict, sheet: str, columns: list[Column], field: str) -> None:
    """A table sheet whose rows are the items of a list field (phases, levels...).

    `field` may be dotted (`capacity.groups`) for a list inside a part of the plan.
    """
    path = tuple(field.split("."))
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    _read_rows(r, node, path, sheet, columns)


def _read_levels(r: _Reader, data: dict) -> None:
    _read_list(r, data, "levels", LEVELS, "levels")
    first: dict[str, int] = {}
    for i, level in enumerate(data["levels"]):
        lid = level.get("id")
        if isinstance(lid, str) and lid in first:
            r.problems.append(Problem(str(r.path), r.origins[("levels", i, "id")][1], "id",
                                      f"level id '{lid}' given twice (first in row "
                                      f"{first[lid] + FIRST_ROW}); each level needs its own id"))
        elif isinstance(lid, str):
            first[lid] = i
        if "stated_level_totals" in level:
            stated = level.pop("stated_level_totals")
            where = r.origins.pop(("levels", i, "stated_level_totals"))
            key = level.get("id", f"row{i + FIRST_ROW}")
            data.setdefault("stated_level_totals", {})[key] = stated
            r.origins[("stated_level_totals", key)] = where


def _read_unit_types(r: _Reader, data: dict) -> None:
    level_ids = [lv.get("id") for lv in data.get("levels", []) if lv.get("id")]
    quota_keys = [f"quotas.{lid}" for lid in level_ids]
    known = [c.key for c in UNIT_TYPES] + quota_keys + [f"{k}.mode" for k in quota_keys]
    items = data.setdefault("unit_types", [])
    r.note(("unit_types",), "unit_types")
    for row, record in r.records("unit_types", known):
        i = len(items)
        item: dict = {"quotas": {}}
        items.append(item)
        r.note(("unit_types", i), "unit_types", row=row)
        r.note(("unit_types", i, "quotas"), "unit_types", row=row)
        for key, (value, cell) in record.items():
            if not key.startswith("quotas."):
                _set(r, item, ("unit_types", i, key), "unit_types", key, value, cell)
                continue
            lid, _, mode = key.removeprefix("quotas.").partition(".")
            quota = item["quotas"].setdefault(lid, {})
            field = "mode" if mode else "people"
            _set(r, quota, ("unit_types", i, "quotas", lid, field), "unit_types", field,
                 value, cell)
            r.origins.setdefault(("unit_types", i, "quotas", lid), r.origins[
                ("unit_types", i, "quotas", lid, field)])


def _read_units(r: _Reader, data: dict) -> None:
    types = {ut.get("id"): i for i, ut in enumerate(data.get("unit_types", []))}
    for row, record in r.records("units", [c.key for c in UNITS]):
        type_id, cell = record.pop("unit_type", (None, None))
        if type_id not in types:
            r.fail("units", cell, "unit_type", f"unknown unit type '{type_id}' (known: "
                   f"{', '.join(str(t) for t in types)})", row)
            continue
        t = types[type_id]
        units = data["unit_types"][t].setdefault("unit_list", [])
        r.note(("unit_types", t, "unit_list"), "units")
        j = len(units)
        units.append({})
        r.note(("unit_types", t, "unit_list", j), "units", row=row)
        for key, (value, cell) in record.items():
            _set(r, units[j], ("unit_types", t, "unit_list", j, key), "units", key, value, cell)


def _read_capacity(r: _Reader, data: dict) -> None:
    capacity = data.setdefault("capacity", {})
    r.note(("capacity",), "capacity")
    for row, record in r.records("capacity", [c.key for c in CAPACITY]):
        level, cell = record.pop("level", (ALL_LEVELS, None))
        level = _cell_value("level", level)
        if not record:
            continue
        target, path = capacity, ("capacity",)
        known = [lv.get("id") for lv in data.get("levels", [])]
        if level != ALL_LEVELS and level not in known:
            r.fail("capacity", cell, "level", f"unknown level '{level}'; write '{ALL_LEVELS}' "
                   f"or one of {', '.join(str(k) for k in known)}", row)
            continue
        if level != ALL_LEVELS:
            target = capacity.setdefault("by_level", {}).setdefault(level, {})
            path = ("capacity", "by_level", level)
            r.note(path, "capacity", cell, row)
        for key, (value, vcell) in record.items():
            _set(r, target, (*path, key), "capacity", key, value, vcell)


def _row_year(r: _Reader, sheet: str, row: int, record: dict, data: dict
              ) -> tuple[int | None, str | None]:
    """The plan year of a per-year row (taken out of `record`) and its cell.

    None, with a problem noted, when the row holds figures but no plan year.
    """
    year, ycell = record.pop("year", (None, None))
    if not record:
        return None, ycell
    if not isinstance(year, int):
        r.fail(sheet, ycell, "year", f"give the year as a whole number (got {year!r})", row)
        return None, ycell
    horizon = data.get("horizon", {})
    first, last = horizon.get("first_year"), horizon.get("last_year")
    if isinstance(first, int) and isinstance(last, int) and not first <= year <= last:
        r.fail(sheet, ycell, "year", f"year {year} is outside the plan's years "
               f"{first}-{last} (sheet 'plan')", row)
        return None, ycell
    return year, ycell


def _set_year(r: _Reader, node: dict, path: tuple, sheet: str, year: int,
              value: Any, cells: tuple[str, str | None], row: int) -> None:
    """Store one year's figure of a per-year field; a year given twice is a problem."""
    cell, ycell = cells
    if year in node:
        r.fail(sheet, ycell, "year", f"year {year} given twice ({'.'.join(map(str, path))})",
               row)
        return
    node[year] = value
    r.note((*path, year), sheet, cell)


def _read_by_year(r: _Reader, data: dict) -> None:
    level_ids = [lv.get("id") for lv in data.get("levels", []) if lv.get("id")]
    known = ["year", "capacity.starts_by_year", "capacity.seats_by_year", "budget.by_year"]
    known += [f"capacity.by_level.{lid}.{k}" for lid in level_ids
              for k in ("starts_by_year", "seats_by_year")]
    for row, record in r.records("by_year", known):
        year, ycell = _row_year(r, "by_year", row, record, data)
        if year is None:
            continue
        for key, (value, cell) in record.items():
            parts = key.split(".")
            node = data
            for part in parts:
                node = node.setdefault(part, {})
            _set_year(r, node, tuple(parts), "by_year", year, value, (cell, ycell), row)


def _read_budget(r: _Reader, data: dict) -> None:
    budget = data.setdefault("budget", {})
    r.note(("budget",), "budget")
    for key, (value, cell) in r.key_values("budget", [c.key for c in BUDGET_ROWS]).items():
        _set(r, budget, ("budget", key), "budget", key, value, cell)
    if "sources" in r.values.sheetnames:
        sources: dict = {}
        _read_list(r, sources, "sources", SOURCES, "sources")
        budget["sources"] = sources["sources"]
        for path in [p for p in r.origins if p[:1] == ("sources",)]:
            r.origins[("budget", *path)] = r.origins.pop(path)


def _qualifications(data: dict) -> list[str]:
    """The workforce's qualifications as read so far, 'none' first (else the level ids)."""
    given = data.get("workforce", {}).get("qualifications")
    levels = [lv.get("id") for lv in data.get("levels", []) if isinstance(lv.get("id"), str)]
    return [NO_QUALIFICATION, *(str(q) for q in (given if isinstance(given, list) else levels))]


def _read_workforce(r: _Reader, data: dict) -> None:
    """The workforce section, from its sheets; absent when none of them holds a figure."""
    part: dict = {"workforce": {}}
    wf = part["workforce"]
    for key, (value, cell) in r.key_values("workforce", [c.key for c in WORKFORCE_ROWS]).items():
        _set(r, wf, ("workforce", key), "workforce", key, value, cell)
    quals = _qualifications({**data, **part})
    items = _read_rows(r, wf, ("workforce", "staff"), STAFF_SHEET, staff_columns(quals),
                       partial(_unknown_qualification, QUALIFICATION_FIELDS, quals))
    _sums_at_totals(r, items, ("workforce", "staff"), "held_at_start", "at_start")
    _read_staff_by_year(r, wf, data)
    for s in WORKFORCE_SHEETS:
        _read_list(r, part, s.sheet, s.columns, ".".join(s.path))
    if any(wf.values()):
        data["workforce"] = wf
        r.note(("workforce",), STAFF_SHEET)


def _read_rows(r: _Reader, node: dict, path: tuple[str, ...], sheet: str,
               columns: list[Column], why_unknown: Callable[[str], str | None] | None = None
               ) -> list[dict]:
    """A table sheet whose rows are the items of `node[path[-1]]`, dotted columns nested.

    `path` is the field path of that list; `why_unknown` names what is wrong with a
    column the sheet does not have (see `_Reader.records`).
    """
    items = node.setdefault(path[-1], [])
    r.note(path, sheet)
    for row, record in r.records(sheet, [c.key for c in columns], why_unknown):
        at = (*path, len(items))
        items.append({})
        r.note(at, sheet, row=row)
        for key, (value, cell) in record.items():
            _set_nested(r, items[-1], at, sheet, key, value, cell, row)
    return items


def _sums_at_totals(r: _Reader, items: list[dict], path: tuple[str, ...], parts: str,
                    total: str) -> None:
    """Name the cell of each row's total for its parts (checked to add up to the total)."""
    for i, item in enumerate(items):
        where = r.origins.get((*path, i, total))
        if parts in item and where is not None:
            r.origins[(*path, i, parts)] = where


def _unknown_qualification(patterns: tuple[str, ...], qualifications: list[str],
                           head: str) -> str | None:
    """What is wrong with a per-qualification column naming no qualification, else None."""
    for pattern in patterns:
        prefix, suffix = pattern.split("{q}")
        q = head.removeprefix(prefix).removesuffix(suffix)
        if head == f"{prefix}{q}{suffix}" and q and "." not in q:
            return (f"unknown qualification '{q}' in column '{head}'; the qualifications are "
                    f"{', '.join(qualifications)} ('{NO_QUALIFICATION}' and sheet 'workforce', "
                    "or the level ids): rename the column or add the qualification there")
    return None


def _read_actuals(r: _Reader, data: dict) -> None:
    """The actuals section, from its sheets; absent when none of them holds a figure."""
    part: dict = {"actuals": {}}
    act = part["actuals"]
    for key, (value, cell) in r.key_values("actuals", [c.key for c in ACTUALS_ROWS]).items():
        _set(r, act, ("actuals", key), "actuals", key, value, cell)
    _read_list(r, part, ACTUAL_COHORTS.sheet, ACTUAL_COHORTS.columns, "actuals.cohorts")
    spending = act.setdefault("spending", {})
    r.note(("actuals", "spending"), "actual_spending")
    for row, record in r.records("actual_spending", [c.key for c in ACTUAL_SPENDING]):
        year, ycell = _row_year(r, "actual_spending", row, record, data)
        if year is not None:
            value, cell = record["spent"]
            _set_year(r, spending, ("actuals", "spending"), "actual_spending", year, value,
                      (cell, ycell), row)
    quals = _qualifications(data)
    items = _read_rows(r, act, ("actuals", "staff"), "actual_staff", actual_staff_columns(quals),
                       partial(_unknown_qualification, ACTUAL_HELD, quals))
    _sums_at_totals(r, items, ("actuals", "staff"), "held", "in_post")
    if any(act.values()):
        data["actuals"] = act
        r.note(("actuals",), "actuals")


def _read_staff_by_year(r: _Reader, wf: dict, data: dict) -> None:
    """Sheet 'staff_by_year': a plan year a row, each unit type's staff in post or growth."""
    types = [ut.get("id") for ut in data.get("unit_types", []) if isinstance(ut.get("id"), str)]
    staff = {}
    for i, st in enumerate(wf["staff"]):
        staff.setdefault(st.get("unit_type"), i)
    sheet = STAFF_BY_YEAR_SHEET
    for row, record in r.records(sheet, [c.key for c in staff_by_year_columns(types)]):
        year, ycell = _row_year(r, sheet, row, record, data)
        if year is None:
            continue
        for key, (value, cell) in record.items():
            field, _, type_id = key.partition(".")
            if type_id not in staff:
                r.fail(sheet, cell, key, f"unit type '{type_id}' has no row on sheet "
                       f"'{STAFF_SHEET}'; add its staff there or leave this column blank", row)
                continue
            path = ("workforce", "staff", staff[type_id], field)
            r.origins.setdefault(path, r.origins[path[:3]])
            node = wf["staff"][staff[type_id]].setdefault(field, {})
            _set_year(r, node, path, sheet, year, value, (cell, ycell), row)


def _open(path: Path, data_only: bool) -> Workbook:
    """Open a workbook for reading only; nothing in it is run."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=data_only, keep_vba=False, keep_links=False)
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, "", "file not found")]) from None
    except SyntaxError:  # XML that does not parse: a part of the file cut short or damaged
        where, what = _broken_part(path)
        raise ScenarioError([Problem(str(path), where, "", f"the XML inside the file is "
                                     f"broken ({what}); the file was cut short or damaged: "
                                     "save it again from Excel or LibreOffice")]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot read this as an Excel "
                                     f"workbook (.xlsx): {exc}")]) from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """The zip member holding each sheet -> the sheet's name (empty if unreadable)."""
    try:
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = sheet.get(
            "name", "")
    return parts


def _broken_part(path: Path) -> tuple[str | None, str]:
    """Which part of a workbook does not parse as XML ("sheet 'levels'"), and why."""
    with zipfile.ZipFile(path) as zf:
        sheets = _sheet_parts(zf)
        for member in zf.namelist():
            if not member.endswith((".xml", ".rels")):
                continue
            try:
                ElementTree.fromstring(zf.read(member))
            except ElementTree.ParseError as exc:
                return (f"sheet '{sheets[member]}'" if member in sheets else f"part {member}",
                        str(exc))
    return None, "unknown part"


def _check_file(path: Path) -> None:
    """A regular file, not too large stored or unzipped, and without macros."""
    name = str(path)
    why = "macro-enabled workbooks are not read (macros are never run); save it as .xlsx"
    if path.suffix.lower() == ".xlsm":
        raise ScenarioError([Problem(name, None, "", why)])
    if path.exists() and not path.is_file():
        raise ScenarioError([Problem(name, None, "", "not a regular file; give an .xlsx file")])
    if path.is_file() and path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise ScenarioError([Problem(name, None, "", f"the file is larger than "
                                     f"{MAX_WORKBOOK_BYTES // 1_000_000} MB; a scenario "
                                     "workbook is far smaller (is this the right file?)")])
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # _open names the problem
    if any("vbaproject" in info.filename.lower() for info in infos):
        raise ScenarioError([Problem(name, None, "", f"the file contains macros: {why}")])
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise ScenarioError([Problem(name, None, "", f"the file unzips to more than "
                                     f"{MAX_UNZIPPED_BYTES // 1_000_000} MB; a scenario "
                                     "workbook is far smaller")])


SHEETS = ("plan", "phases", "levels", "unit_types", "units", "capacity", "by_year", "budget",
          "sources", "milestones", *(s.sheet for s in SCHEMA_SHEETS), "workforce", STAFF_SHEET,
          STAFF_BY_YEAR_SHEET, *(s.sheet for s in WORKFORCE_SHEETS), *ACTUAL_SHEETS)


def _canonical_titles(*workbooks: Workbook) -> dict[str, str]:
    """Give Vietnamese-named sheets their English names (in memory); sheet -> the file's title.

    A Vietnamese sheet whose English twin is also present stays as it is (ignored).
    """
    english = {vi: en for en, vi in SHEET_VI.items()}
    titles: dict[str, str] = {}
    for title in workbooks[0].sheetnames:
        sheet = english.get(title)
        if sheet is not None and sheet not in workbooks[0].sheetnames:
            for wb in workbooks:
                wb[title].title = sheet
            titles[sheet] = title
    return titles


def ignored_sheets(path: Path) -> list[Problem]:
    """A warning for each sheet of a workbook the reader ignores (a planner's notes)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, keep_vba=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return []  # read_workbook names what is wrong with the file
    known = {*SHEETS, README_SHEET, *(SHEET_VI[s] for s in (*SHEETS, README_SHEET))}
    names = wb.sheetnames
    wb.close()
    return [Problem(str(path), f"sheet '{name}'", "", "ignored: not one of the template's "
                    f"sheets ({', '.join(SHEETS)})") for name in names if name not in known]


#: Sheets whose absence drops a rule, and what is then no longer limited.
LIMIT_SHEETS = {
    "capacity": "training places and seats are not limited",
    "budget": "training money is not limited (no total, no yearly ceiling)",
}


def _missing_limits(path: Path, sheets: list[str]) -> list[Problem]:
    """A warning for each deleted sheet that held limits."""
    return [Problem(str(path), f"sheet '{sheet}'", "", f"the sheet is missing: {what}; copy it "
                    "from `trainplan template --xlsx FILE` to set limits")
            for sheet, what in LIMIT_SHEETS.items() if sheet not in sheets]


def _opened(path: Path, required: tuple[str, ...]) -> _Reader:
    """A reader on a checked workbook; a missing required sheet is a problem noted.

    A sheet too large to read is an error raised at once (reading on would take minutes).
    """
    _check_file(path)
    values, formulas = _open(path, True), _open(path, False)
    r = _Reader(path, values, formulas, _canonical_titles(values, formulas))
    missing = [s for s in required if s not in values.sheetnames]
    if missing:
        r.problems.append(Problem(str(path), None, "", f"sheet(s) {', '.join(missing)} missing; "
                                  "start from `trainplan template --xlsx FILE`"))
    before = len(r.problems)
    for sheet in values.sheetnames:
        r.check_size(sheet)
    if len(r.problems) > before:
        raise ScenarioError(r.problems)
    return r


def read_actuals_workbook(path: Path, scenario: dict) -> tuple[dict, Origins]:
    """The `actuals` section from the actuals sheets of a separate workbook, with origins.

    `scenario` (the scenario's data) gives the plan years and qualifications the sheets
    are read against; its own sheets are not needed in the file.
    """
    r = _opened(path, ())
    data = {k: v for k, v in scenario.items() if k != "actuals"}
    _read_actuals(r, data)
    if r.problems:
        raise ScenarioError(r.problems)
    if "actuals" not in data:
        raise ScenarioError([Problem(str(path), None, "actuals", "no actual figures found: "
                                     f"fill sheets {', '.join(ACTUAL_SHEETS[1:])} as "
                                     "`trainplan template --xlsx FILE` writes them")])
    return data["actuals"], r.origins


def read_workbook(path: Path) -> tuple[dict, Origins, list[Problem]]:
    """The workbook as scenario data, the sheet and cell of every figure, and warnings."""
    r = _opened(path, ("plan", "levels", "unit_types"))
    values = r.values
    data: dict = {}
    _read_plan(r, data)
    _read_list(r, data, "phases", PHASES, "phases")
    _read_levels(r, data)
    _read_unit_types(r, data)
    _read_units(r, data)
    _read_capacity(r, data)
    _read_by_year(r, data)
    _read_budget(r, data)
    _read_list(r, data, "milestones", MILESTONES, "milestones")
    for s in SCHEMA_SHEETS:
        if s.sheet in values.sheetnames:
            _read_list(r, data, s.sheet, s.columns, ".".join(s.path))
    _read_workforce(r, data)
    _read_actuals(r, data)
    if r.problems:
        raise ScenarioError(r.problems)
    return data, r.origins, _missing_limits(path, values.sheetnames)
