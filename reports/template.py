"""The scenario workbook template: the sheets a planner fills in, styled, in either language.

The layout (sheets, columns, field names) is `models.workbook`'s, which also
reads the filled-in workbook back; this module only writes and styles it.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from trainplan.models.scenario import (
    NO_QUALIFICATION,
    Scenario,
    StaffInPost,
    UnitType,
    plain_number,
    qualification_ids,
)
from trainplan.models.workbook import (
    ACTUAL_COHORTS,
    ACTUAL_SPENDING,
    ACTUALS_ROWS,
    ALL_LEVELS,
    BUDGET_ROWS,
    CAPACITY,
    FIRST_ROW,
    LEVELS,
    MILESTONES,
    PHASES,
    PLAN_ROWS,
    README_SHEET,
    SCHEMA_SHEETS,
    SOURCES,
    STAFF_BY_YEAR_SHEET,
    STAFF_SHEET,
    UNIT_TYPES,
    UNITS,
    WORKFORCE_ROWS,
    WORKFORCE_SHEETS,
    YEAR_KEYS,
    Column,
    SchemaSheet,
    actual_staff_columns,
    field_name,
    sheet_name,
    staff_by_year_columns,
    staff_columns,
)
from trainplan.reports.i18n import Lang

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(italic=True, color="555555")

#: The key/value sheets' own header row.
KEY_VALUE_HEADS: dict[Lang, tuple[str, str, str]] = {
    "en": ("field", "value", "meaning"), "vi": ("trường", "giá trị", "ý nghĩa")}
#: Quota kinds, offered as a dropdown.
MODES = ("exact", "at_least", "at_most")
#: Rows a dropdown covers below the explanations.
DROPDOWN_ROWS = 500

README_TEXT: dict[Lang, list[str]] = {
    "en": [
        "trainplan scenario workbook",
        "Fill in the sheets with your province's figures, then run: trainplan solve FILE.xlsx",
        "Row 1 of each sheet names the field (do not change it); row 2 says what goes there "
        "and in which unit; your figures start on row 3.",
        "Money is in million VND, people in whole persons, rates in percent.",
        "Sheets: plan (name, years, goals), phases, levels, unit_types (one quota column per "
        "level; blank = none at that level; the .mode column: exact, at_least or at_most), "
        "units (optional names of individual units), capacity (places and seats), budget, "
        "by_year (per-year places, seats and ceilings; blank = the usual figure), sources, "
        "milestones. Staff over time (optional): workforce (qualifications), staff_in_post "
        "(one row per unit type: staff at start, what they hold, attrition, qualified "
        "recruits), staff_by_year (staff in post or growth per year), routes, coverage, "
        "trained, staffed_units. Past results (optional, for trainplan replan): actuals "
        "(source), actual_cohorts (courses as they happened), actual_spending (money spent), "
        "actual_staff (staff counted at the end of a past year).",
        "Formulas are allowed: the value Excel saved is read. Macros are never run. Sheets of "
        "your own (notes) are ignored.",
    ],
    "vi": [
        "Sổ kế hoạch đào tạo (trainplan)",
        "Điền số liệu của tỉnh vào các trang, rồi chạy: trainplan solve TỆP.xlsx",
        "Dòng 1 mỗi trang là tên trường (không sửa); dòng 2 giải thích nội dung và đơn vị; "
        "số liệu bắt đầu từ dòng 3.",
        "Tiền tính bằng triệu đồng, người tính bằng số nguyên, tỷ lệ tính bằng phần trăm.",
        "Các trang: kế hoạch (tên, năm, mục tiêu), giai đoạn, trình độ, loại đơn vị (mỗi "
        "trình độ một cột chỉ tiêu; để trống = không có; cột 'loại chỉ tiêu': chọn exact, "
        "at_least hoặc at_most), đơn vị (tên từng đơn vị, không bắt buộc), quy mô đào tạo "
        "(chỉ tiêu tuyển và chỗ học), kinh phí, theo năm (số liệu riêng từng năm; để trống = "
        "mức chung), nguồn kinh phí, mốc. Nhân sự theo thời gian (không bắt buộc): đội ngũ "
        "(các trình độ), nhân sự (mỗi loại đơn vị một dòng: số người đầu kỳ, trình độ đang "
        "có, tỷ lệ nghỉ việc, tuyển người đã có trình độ), nhân sự theo năm, lộ trình nâng "
        "trình độ, chỉ tiêu đạt chuẩn, tỷ lệ được đào tạo, đơn vị có người đạt chuẩn. Kết "
        "quả thực tế (không bắt buộc, cho lệnh trainplan replan): thực tế (nguồn), thực tế "
        "khóa học, thực tế kinh phí, thực tế nhân sự (đếm cuối năm). Tên trang và tên "
        "trường bằng tiếng Anh cũng được đọc.",
        "Có thể dùng công thức: giá trị Excel đã lưu được đọc. Macro không bao giờ được chạy. "
        "Các trang riêng của bạn (ghi chú) được bỏ qua.",
    ],
}


# ----- writing the template -------------------------------------------------------


def _plain(value: Any) -> Any:
    """A cell value: Decimals as numbers, enums and id lists as text."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _put(ws: Worksheet, row: int, col: int, value: Any, key: str) -> None:
    """One figure: years as plain digits, other numbers with thousands separators.

    Excel shows the separators in the reader's own style (52.500 in a Vietnamese
    Excel); the cell always holds the number itself.
    """
    cell = ws.cell(row=row, column=col, value=_plain(value))
    if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
        return
    if key in YEAR_KEYS:
        cell.number_format = "0"
    else:
        cell.number_format = "#,##0.0##" if isinstance(cell.value, float) else "#,##0"


def _table(wb: Workbook, title: str, columns: list[Column], rows: list[list[Any]],
           lang: Lang) -> Worksheet:
    """A table sheet: field names, explanations, then one row per item."""
    ws = wb.create_sheet(sheet_name(title, lang))
    for j, column in enumerate(columns, start=1):
        head = ws.cell(row=1, column=j, value=field_name(column.key, lang))
        head.font, head.fill = Font(bold=True), HEADER_FILL
        note = ws.cell(row=2, column=j, value=column.vi if lang == "vi" else column.en)
        note.font, note.alignment = NOTE_FONT, Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = max(column.width, len(column.key) + 2)
    for i, values in enumerate(rows, start=FIRST_ROW):
        for j, value in enumerate(values, start=1):
            _put(ws, i, j, value, columns[j - 1].key)
    ws.row_dimensions[2].height = 45
    ws.freeze_panes = "B3"
    return ws


def _key_values(wb: Workbook, title: str, rows: list[Column], values: dict[str, Any],
                lang: Lang) -> Worksheet:
    """A key/value sheet: one field per row, its value, and what it means."""
    ws = wb.create_sheet(sheet_name(title, lang))
    for j, head in enumerate(KEY_VALUE_HEADS[lang], start=1):
        cell = ws.cell(row=1, column=j, value=head)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for i, column in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=field_name(column.key, lang))
        _put(ws, i, 2, values.get(column.key), column.key)
        ws.cell(row=i, column=3, value=column.vi if lang == "vi" else column.en).font = NOTE_FONT
    for letter, width in (("A", 22), ("B", 40), ("C", 70)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return ws


def _unit_type_columns(sc: Scenario) -> list[Column]:
    quota = [Column(f"quotas.{lv.id}", f"graduates at {lv.label_en} over the plan (persons; "
                    "blank = none)", f"số người tốt nghiệp {lv.label_vi} (để trống = không có)",
                    16) for lv in sc.levels]
    modes = [Column(f"quotas.{lv.id}.mode", f"quota kind at {lv.label_en}: exact, at_least, "
                    "at_most (blank = exact)", f"loại chỉ tiêu {lv.label_vi}: exact, at_least, "
                    "at_most (để trống = exact)", 16) for lv in sc.levels]
    return UNIT_TYPES + quota + modes


def _by_year_columns(sc: Scenario) -> list[Column]:
    cols = [Column("year", "year", "năm", 8),
            Column("capacity.starts_by_year", "training places this year, all levels (persons)",
                   "chỉ tiêu tuyển mới năm này, mọi trình độ (người)", 16),
            Column("capacity.seats_by_year", "seats this year, all levels (persons)",
                   "số chỗ học năm này, mọi trình độ (người)", 16),
            Column("budget.by_year", "spending ceiling this year (million VND)",
                   "mức trần chi năm này (triệu đồng)", 16)]
    for lv in sc.levels:
        cols += [Column(f"capacity.by_level.{lv.id}.starts_by_year",
                        f"{lv.label_en}: places this year (persons)",
                        f"{lv.label_vi}: chỉ tiêu tuyển năm này (người)", 16),
                 Column(f"capacity.by_level.{lv.id}.seats_by_year",
                        f"{lv.label_en}: seats this year (persons)",
                        f"{lv.label_vi}: số chỗ học năm này (người)", 16)]
    return cols


def _unit_type_row(sc: Scenario, ut: UnitType) -> list[Any]:
    modes = [ut.quotas[lv.id].mode if lv.id in ut.quotas else None for lv in sc.levels]
    return [ut.id, ut.label_vi, ut.label_en, ut.units, ut.staff_per_unit,
            ut.max_in_training_per_unit, ut.stated_minimum_per_unit,
            *[ut.quotas[lv.id].people if lv.id in ut.quotas else None for lv in sc.levels],
            *modes]


def _by_year_rows(sc: Scenario) -> list[list[Any]]:
    cap, rows = sc.capacity, []
    for year in sc.years:
        row = [year, cap.starts_by_year.get(year), cap.seats_by_year.get(year),
               sc.budget.by_year.get(year)]
        for lv in sc.levels:
            lc = cap.by_level.get(lv.id)
            row += [lc.starts_by_year.get(year), lc.seats_by_year.get(year)] if lc else [None] * 2
        rows.append(row)
    return rows


def template_workbook(sc: Scenario, lang: Lang = "en", blank: bool = False) -> Workbook:
    """The template, filled with a scenario's figures as the worked example.

    `blank` leaves every sheet empty but the level ids and names (the quota and
    per-year columns are named after the levels); the planner changes both together.
    """
    wb = Workbook()
    readme = wb.active
    readme.title = sheet_name(README_SHEET, lang)
    for i, line in enumerate(README_TEXT[lang], start=1):
        readme.cell(row=i, column=1, value=line).font = Font(bold=i == 1)
    readme.column_dimensions["A"].width = 120
    rows = _blank_rows(sc) if blank else _example_rows(sc)
    _key_values(wb, "plan", PLAN_ROWS, {} if blank else _plan_values(sc), lang)
    _table(wb, "phases", PHASES, rows["phases"], lang)
    _table(wb, "levels", LEVELS, rows["levels"], lang)
    _table(wb, "unit_types", _unit_type_columns(sc), rows["unit_types"], lang)
    _table(wb, "units", UNITS, rows["units"], lang)
    _table(wb, "capacity", CAPACITY, rows["capacity"], lang)
    _key_values(wb, "budget", BUDGET_ROWS, {} if blank else {
        "total": sc.budget.total, "per_year": sc.budget.per_year}, lang)
    _table(wb, "by_year", _by_year_columns(sc), rows["by_year"], lang)
    _table(wb, "sources", SOURCES, rows["sources"], lang)
    _table(wb, "milestones", MILESTONES, rows["milestones"], lang)
    for s in SCHEMA_SHEETS:
        _table(wb, s.sheet, s.columns, [] if blank else _schema_rows(sc, s), lang)
    _workforce_sheets(wb, sc, lang, blank)
    _actuals_sheets(wb, sc, lang, blank)
    _dropdowns(wb, sc, lang)
    return wb


def _schema_rows(sc: Scenario, s: SchemaSheet) -> list[list[Any]]:
    """The items of a schema-derived sheet's list field, one row each (none if absent)."""
    node: Any = sc.model_dump()
    for part in s.path:
        node = node.get(part) or {}
    return [[item.get(c.key) for c in s.columns] for item in node or []]


def _workforce_sheets(wb: Workbook, sc: Scenario, lang: Lang, blank: bool) -> None:
    """The workforce section's sheets: qualifications, staff, staff per year, routes, targets.

    Without a workforce section (or with `blank`) they are empty, with a column per
    qualification (the level ids) and per unit type ready to fill in.
    """
    wf = None if blank else sc.workforce
    quals = _qualifications(sc, blank)
    types = [ut.id for ut in sc.unit_types]
    _key_values(wb, "workforce", WORKFORCE_ROWS,
                {"qualifications": wf.qualifications} if wf else {}, lang)
    staff = wf.staff if wf else []
    _table(wb, STAFF_SHEET, staff_columns(quals), [_staff_row(st, quals) for st in staff], lang)
    by_type = {st.unit_type: st for st in staff}
    years = [] if blank else sc.years
    _table(wb, STAFF_BY_YEAR_SHEET, staff_by_year_columns(types), [
        [year, *(v for t in types for v in _staff_in_year(by_type.get(t), year))]
        for year in years], lang)
    for s in WORKFORCE_SHEETS:
        _table(wb, s.sheet, s.columns, [] if blank else _schema_rows(sc, s), lang)


def _qualifications(sc: Scenario, blank: bool) -> list[str]:
    """The qualifications the per-qualification columns are named after, 'none' first."""
    if sc.workforce is not None and not blank:
        return qualification_ids(sc)
    return [NO_QUALIFICATION, *(lv.id for lv in sc.levels)]


def _actuals_sheets(wb: Workbook, sc: Scenario, lang: Lang, blank: bool) -> None:
    """What happened in past years: source, courses, money spent, staff counted.

    Short-course actuals are left out with the short-course section (YAML-only).
    """
    act = None if blank else sc.actuals
    quals = _qualifications(sc, blank)
    _key_values(wb, "actuals", ACTUALS_ROWS, {} if act is None else {
        "source": act.source, "from_year": act.from_year}, lang)
    _table(wb, ACTUAL_COHORTS.sheet, ACTUAL_COHORTS.columns,
           [] if blank else _schema_rows(sc, ACTUAL_COHORTS), lang)
    _table(wb, "actual_spending", ACTUAL_SPENDING,
           [] if act is None else [[y, v] for y, v in act.spending.items()], lang)
    _table(wb, "actual_staff", actual_staff_columns(quals), [] if act is None else [
        [c.year, c.unit_type, c.in_post, *(c.held.get(q) for q in quals)] for c in act.staff],
        lang)


def _staff_row(st: StaffInPost, quals: list[str]) -> list[Any]:
    """A unit type's row on sheet 'staff_in_post' (columns of `staff_columns`)."""
    hired = [getattr(st.recruits[q], k) if q in st.recruits else None
             for q in quals[1:] for k in ("per_year", "cost_per_person")]
    return [st.unit_type, st.at_start, st.attrition_percent, st.first_year_attrition_percent,
            *(st.held_at_start.get(q) for q in quals),
            *(st.attrition_by_qualification.get(q) for q in quals), *hired]


def _staff_in_year(st: StaffInPost | None, year: int) -> tuple[Any, Any]:
    """A unit type's two cells of a year on sheet 'staff_by_year': staff in post, growth."""
    return (st.by_year.get(year), st.growth_percent.get(year)) if st else (None, None)


def _plan_values(sc: Scenario) -> dict[str, Any]:
    return {"name": sc.name, "description": sc.description, "source": sc.source,
            "horizon.first_year": sc.horizon.first_year,
            "horizon.last_year": sc.horizon.last_year, "objective": sc.objective,
            "stated_total_people": sc.stated_total_people}


def _example_rows(sc: Scenario) -> dict[str, list[list[Any]]]:
    """Each table sheet's rows, holding the scenario's figures."""
    cap = sc.capacity
    level_caps = [[lv.id, *((c.starts_per_year, c.min_starts_per_year, c.seats)
                            if (c := cap.by_level.get(lv.id)) else (None,) * 3)]
                  for lv in sc.levels]
    return {
        "phases": [[p.id, p.first_year, p.last_year] for p in sc.phases],
        "levels": [[lv.id, lv.label_vi, lv.label_en, lv.duration_years,
                    lv.cost_per_trainee_year, lv.completion_rate_percent,
                    sc.stated_level_totals.get(lv.id)] for lv in sc.levels],
        "unit_types": [_unit_type_row(sc, ut) for ut in sc.unit_types],
        "units": [[ut.id, u.id, u.name] for ut in sc.unit_types for u in ut.unit_list or []],
        "capacity": [[ALL_LEVELS, cap.starts_per_year, cap.min_starts_per_year, cap.seats],
                     *level_caps],
        "by_year": _by_year_rows(sc),
        "sources": [[s.id, s.label, s.amount, s.levels, s.first_year, s.last_year]
                    for s in sc.budget.sources],
        "milestones": [[m.id, m.label, m.by_year, m.unit_types, m.levels, m.people,
                        m.share_percent] for m in sc.milestones],
    }


def _blank_rows(sc: Scenario) -> dict[str, list[list[Any]]]:
    """Empty tables, but for the level ids and names the other sheets' columns follow."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in (
        "phases", "unit_types", "units", "by_year", "sources", "milestones")}
    rows["levels"] = [[lv.id, lv.label_vi, lv.label_en] for lv in sc.levels]
    rows["capacity"] = [[ALL_LEVELS]]
    return rows


def _dropdowns(wb: Workbook, sc: Scenario, lang: Lang) -> None:
    """Lists to pick from: quota kinds, unit-type ids (units) and level ids (capacity).

    Ids are taken from the sheets that define them, so the lists follow the planner's
    edits; a value typed by hand is still read (and checked when the file loads).
    """
    last = FIRST_ROW + DROPDOWN_ROWS - 1
    types = wb[sheet_name("unit_types", lang)]
    modes = DataValidation(type="list", formula1=f'"{",".join(MODES)}"', allow_blank=True,
                           showErrorMessage=True, error=", ".join(MODES))
    first_mode = len(UNIT_TYPES) + len(sc.levels) + 1
    for j in range(first_mode, first_mode + len(sc.levels)):
        letter = get_column_letter(j)
        modes.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    types.add_data_validation(modes)
    for sheet, letter in (("units", "A"), (STAFF_SHEET, "A"), (ACTUAL_COHORTS.sheet, "B"),
                          ("actual_staff", "B")):
        _id_list(wb[sheet_name(sheet, lang)], letter, _id_range("unit_types", lang, last))
    _id_list(wb[sheet_name("capacity", lang)], "A", _id_range("levels", lang, last),
             ALL_LEVELS)


def _id_range(sheet: str, lang: Lang, last: int) -> str:
    """The id column (A) of a table sheet, as a formula: ='levels'!$A$3:$A$502."""
    return f"'{sheet_name(sheet, lang)}'!$A${FIRST_ROW}:$A${last}"


def _id_list(ws: Worksheet, letter: str, source: str, also: str | None = None) -> None:
    """A dropdown of the ids in `source` on column `letter`; `also` may be typed as well."""
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
    if also is not None:  # a list from a range cannot add a word: warn, do not refuse
        dv.errorStyle = "warning"
        dv.error = f"'{also}' or an id from the list"
    dv.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + DROPDOWN_ROWS - 1}")
    ws.add_data_validation(dv)


# ----- reading a filled workbook ---------------------------------------------------
