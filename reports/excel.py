"""The plan as an Excel workbook, in English or Vietnamese.

Sheets: a summary laid out like the plan's own table (unit types by level, with
the graduates the plan yields beside it), starters by year and level with a
chart, one roster sheet per year, the budget (spending per year against the
ceiling, per level and per funding source) with a chart, the milestones (met or
not) and the verification. Every figure is a number with a number format, so
a planner can sum and chart it; Excel shows thousands separators in the
reader's own style. Header rows stay in view when scrolling.

The workbooks trainplan writes hold no formulas: text is stored as text even
when it starts with `=` (a unit named `=HYPERLINK(...)` is not a live link).
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet
from trainplan.models.checker import Tally, Verification
from trainplan.models.files import write_atomic
from trainplan.models.measures import (
    Spending,
    budget_spending,
    spending_per_phase,
    spending_per_source,
    workforce_targets,
)
from trainplan.models.scenario import (
    NO_QUALIFICATION,
    Scenario,
    plain_number,
    qualification_ids,
)
from trainplan.models.solution import Roster, SolveResult
from trainplan.models.workforce import workforce_stock
from trainplan.reports.i18n import (
    WORKFORCE_TEXT,
    Lang,
    level_label,
    milestone_label,
    rule_label,
    status_text,
    t,
    unit_type_label,
    words,
)
from trainplan.reports.tables import (
    goal_figure,
    milestones_frame,
    plan_table,
    roster_frame,
    spending_by_source,
    spending_by_year,
    starts_by_year_level,
    unit_names,
)
from trainplan.reports.template import HEADER_FILL, template_workbook
from trainplan.reports.workforce import stock_headers, target_headers
from trainplan.reports.workforce_charts import stock_chart_title

TOTAL_FONT = Font(bold=True)

# ----- cells -------------------------------------------------------------------------


def _cell_value(value: Any) -> Any:
    """Numbers stay numbers (Decimals become int or float); missing values stay blank."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, Decimal):
        return plain_number(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _write_row(ws: Worksheet, row: int, values: list[Any], years: set[int] | None = None,
               bold: bool = False) -> None:
    """One row; numbers get a thousands format, the columns in `years` a plain one."""
    for col, raw in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=_cell_value(raw))
        if bold:
            cell.font = TOTAL_FONT
        if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            continue
        if years and col in years:
            cell.number_format = "0"
        elif isinstance(cell.value, float):
            cell.number_format = "#,##0.0##"
        else:
            cell.number_format = "#,##0"


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(ws: Worksheet, top: int = 1, first: int = 50, high: int = 22) -> None:
    """Readable column widths, measured from the table at row `top` down.

    The first column (names) gets up to `first` characters, the others up to
    `high` (their headers wrap).
    """
    for col in range(1, ws.max_column + 1):
        letter = get_column_letter(col)
        longest = max((len(str(c.value)) for c in ws[letter][top - 1:] if c.value is not None),
                      default=0)
        ws.column_dimensions[letter].width = min(first if col == 1 else high,
                                                 max(10, longest + 2))


def _table(ws: Worksheet, top: int, headers: list[str], rows: list[list[Any]],
           years: set[int] | None = None, total: list[Any] | None = None) -> int:
    """A header row at `top`, the rows, an optional bold total row; the next free row."""
    _header(ws, top, headers)
    for i, values in enumerate(rows, start=top + 1):
        _write_row(ws, i, values, years)
    end = top + 1 + len(rows)
    if total is not None:
        _write_row(ws, end, total, years, bold=True)
        end += 1
    ws.freeze_panes = ws.cell(row=top + 1, column=2).coordinate
    return end


def _title(ws: Worksheet, text: str) -> None:
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=13)


# ----- sheets --------------------------------------------------------------------------


def _summary(wb: Workbook, sc: Scenario, result: SolveResult, check: Verification | None,
             lang: Lang) -> None:
    """The plan's own table, and the graduates the plan yields beside it."""
    ws = wb.active
    ws.title = t("sheet_summary", lang)
    _title(ws, f"{t('report_title', lang)}: {sc.name}")
    ws.cell(row=2, column=1, value=f"{t('status', lang)}: {status_text(result.status, lang)}")
    ws.cell(row=3, column=1, value=f"{t('verification', lang)}: {_verdict(check, lang)}")
    roster = result.roster
    frame = plan_table(sc, roster)
    levels = [lv.id for lv in sc.levels]
    headers = [t("unit_type", lang), t("units", lang), t("people_per_unit", lang),
               t("staff", lang), *[level_label(sc, lid, lang) for lid in levels], t("total", lang)]
    columns = ["units", "staff_per_unit", "staff", *levels, "total"]
    if roster is not None:
        headers += [t("graduates_of", lang, level=level_label(sc, lid, lang)) for lid in levels]
        headers.append(t("graduates_of", lang, level=t("total", lang)))
        columns += [f"graduates_{lid}" for lid in levels] + ["graduates_total"]
    rows = [[unit_type_label(sc, ut.id, lang), *frame.loc[ut.id, columns].tolist()]
            for ut in sc.unit_types]
    total = [t("total", lang), *frame.loc["total", columns].tolist()]
    _table(ws, 5, headers, rows, total=total)
    _widths(ws, top=5, high=16)


def _verdict(check: Verification | None, lang: Lang) -> str:
    if check is None:
        return t("not_verified", lang)
    return t("verified", lang, rules=len(check.rules_checked), violations=len(check.violations))


def _starts(wb: Workbook, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Starters per year and level, with a stacked bar chart."""
    ws = wb.create_sheet(t("sheet_starts", lang))
    table = starts_by_year_level(sc, roster)
    levels = [lv.id for lv in sc.levels]
    headers = [t("year", lang), *[level_label(sc, lid, lang) for lid in levels],
               t("total", lang), t("places", lang)]
    rows = [[year, *table.loc[year, [*levels, "total"]].tolist(), sc.starts_cap(year)]
            for year in sc.years]
    total = [t("total", lang), *table[[*levels, "total"]].sum().tolist(), None]
    end = _table(ws, 1, headers, rows, years={1}, total=total)
    _widths(ws, high=22)
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = t("starts_by_year_level", lang)
    chart.y_axis.title, chart.x_axis.title = t("starters", lang), t("year", lang)
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(levels), min_row=1,
                             max_row=1 + len(rows)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(rows)))
    _place(ws, chart, f"A{end + 2}")


def _place(ws: Worksheet, chart: BarChart, anchor: str) -> None:
    """Put a chart on the sheet, axes shown (newer Excel hides axes not marked as kept)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, anchor)


def _roster_sheets(wb: Workbook, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """One sheet per year: who starts which course, when they graduate, what it costs.

    When the scenario names its units, each row ends with the unit's name.
    """
    frame = roster_frame(roster)
    names = unit_names(sc)
    headers = [t("unit_type", lang), t("unit", lang), t("level", lang), t("starters", lang),
               t("graduation_year", lang), t("cost", lang)]
    headers += [t("unit_name", lang)] if names else []
    for year in sc.years:
        ws = wb.create_sheet(t("sheet_roster", lang, year=year))
        rows = [[unit_type_label(sc, r.unit_type, lang), r.unit, level_label(sc, r.level, lang),
                 r.starts, r.graduation_year, r.cost_million_vnd,
                 *([names.get((r.unit_type, r.unit), "")] if names else [])]
                for r in frame[frame["year"] == year].itertuples()]
        total = [t("total", lang), None, None, sum(r[3] for r in rows), None,
                 sum((Decimal(r[5]) for r in rows), Decimal(0))]
        _table(ws, 1, headers, rows, years={5}, total=total)
        _widths(ws, high=16)


def _budget(wb: Workbook, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Spending per year by level and by source against the ceiling, with a chart.

    Below the years: the whole plan against the total budget, each funding source
    against its amount and each phase against its years' ceilings.
    """
    ws = wb.create_sheet(t("sheet_budget", lang))
    levels = [lv.id for lv in sc.levels]
    sources = sc.budget.sources
    tally = Tally(sc, roster)
    spend = spending_by_year(sc, roster)
    paid = spending_by_source(sc, roster)
    total = budget_spending(sc, roster)
    headers = [t("year", lang),
               *[t("spending_of", lang, name=level_label(sc, lid, lang)) for lid in levels],
               t("spending", lang), t("ceiling", lang), t("left", lang),
               *[t("spending_of", lang, name=s.label or s.id) for s in sources]]
    rows = [[year, *[tally.spending(year, lid) for lid in levels],
             *spend.loc[year, ["spending", "ceiling", "left"]].tolist(),
             *[paid.loc[year, s.id] for s in sources]] for year in sc.years]
    total_row = [t("total", lang), *[sum((r[i] for r in rows), Decimal(0))
                                     for i in range(1, len(levels) + 2)],
                 total.available, total.left,
                 *[sum((r[i] for r in rows), Decimal(0))
                   for i in range(len(levels) + 4, len(headers))]]
    end = _table(ws, 1, headers, rows, years={1}, total=total_row)
    if sources:
        _write_row(ws, end, [t("source_amount", lang), *[None] * (len(levels) + 3),
                             *[s.amount for s in sources]])
        end += 1
    end = _budget_summary(ws, sc, roster, end + 1, lang)
    _widths(ws, high=22)
    _spending_chart(ws, sc, len(levels), len(rows), f"A{end + 2}", lang)


def _spending_cells(label: str, s: Spending, lang: Lang, unused: bool = False) -> list[Any]:
    """Label, spent, available, left (and 'unused' when asked and nothing is spent)."""
    return [label, s.spent, s.available, s.left,
            t("unused", lang) if unused and s.unused else None]


def _budget_summary(ws: Worksheet, sc: Scenario, roster: Roster, top: int, lang: Lang) -> int:
    """The plan against the total budget, per funding source and per phase; the next free row."""
    heads = [t("spent", lang), t("available", lang), t("left", lang), ""]
    total = budget_spending(sc, roster)
    end = _table(ws, top, [t("budget", lang), *heads],
                 [_spending_cells(t("total_budget", lang), total, lang)])
    sources = spending_per_source(sc, roster)
    if sources:
        paid = Spending("total", sum((s.spent for s in sources), Decimal(0)),
                        sum((s.available or Decimal(0) for s in sources), Decimal(0)))
        end = _table(ws, end + 1, [t("source", lang), *heads],
                     [_spending_cells(s.label, s, lang, unused=True) for s in sources],
                     total=_spending_cells(t("total", lang), paid, lang))
    phases = spending_per_phase(sc, roster)
    end = _table(ws, end + 1, [t("phase", lang), *heads],
                 [_spending_cells(p.label, p, lang) for p in phases],
                 total=_spending_cells(t("total", lang), total, lang))
    ws.freeze_panes = "B2"
    return end


def _spending_chart(ws: Worksheet, sc: Scenario, n_levels: int, n_rows: int, anchor: str,
                    lang: Lang) -> None:
    """Spending per year as bars, the yearly ceiling as a line over them."""
    spending_col = n_levels + 2
    chart = BarChart()
    chart.type = "col"
    chart.title = t("spending_vs_ceiling", lang)
    chart.y_axis.title, chart.x_axis.title = t("million_vnd", lang), t("year", lang)
    chart.add_data(Reference(ws, min_col=spending_col, min_row=1, max_row=1 + n_rows),
                   titles_from_data=True)
    categories = Reference(ws, min_col=1, min_row=2, max_row=1 + n_rows)
    chart.set_categories(categories)
    if any(sc.budget_ceiling(year) is not None for year in sc.years):
        line = LineChart()
        line.add_data(Reference(ws, min_col=spending_col + 1, min_row=1, max_row=1 + n_rows),
                      titles_from_data=True)
        line.set_categories(categories)
        chart += line
    _place(ws, chart, anchor)


def _milestones(wb: Workbook, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Each milestone: what it asks, what the plan achieves, met or not."""
    ws = wb.create_sheet(t("sheet_milestones", lang))
    frame = milestones_frame(sc, roster)
    headers = [t("milestone", lang), t("by_year", lang), t("unit_type", lang), t("level", lang),
               t("required", lang), t("achieved", lang), t("status", lang)]
    rows = []
    for ms, row in zip(sc.milestones, frame.itertuples(), strict=True):
        label = milestone_label(sc, ms.id, lang) if lang == "vi" or not ms.label else ms.label
        types = ", ".join(unit_type_label(sc, u, lang) for u in ms.unit_types or []) \
            or t("all", lang)
        levels = ", ".join(level_label(sc, lv, lang) for lv in ms.levels or []) or t("all", lang)
        rows.append([label, ms.by_year, types, levels, row.required, row.achieved,
                     t("met", lang) if row.met else t("not_met", lang)])
    _table(ws, 1, headers, rows, years={2})
    _widths(ws, high=50)


def _verification(wb: Workbook, sc: Scenario, result: SolveResult, check: Verification | None,
                  lang: Lang) -> None:
    """Status, each goal's value and bound, and the independent checker's verdict per rule."""
    ws = wb.create_sheet(t("sheet_verification", lang))
    ws.cell(row=1, column=1, value=t("status", lang)).font = TOTAL_FONT
    ws.cell(row=1, column=2, value=status_text(result.status, lang))
    if result.message:
        ws.cell(row=2, column=2, value=result.message)
    goals = [[t(f"goal_{g.name}", lang), *_goal_figures(g.name, g.value, g.bound),
              t("yes" if g.optimal else "no", lang)] for g in result.goals]
    end = _table(ws, 4, [t("goal", lang), t("value", lang), t("bound", lang),
                         t("proven", lang)], goals)
    ws.cell(row=end + 1, column=1, value=t("verification", lang)).font = TOTAL_FONT
    ws.cell(row=end + 1, column=2, value=_verdict(check, lang))
    if check is not None:
        broken = {rule: sum(v.rule == rule for v in check.violations)
                  for rule in check.rules_checked}
        rules = [[rule_label(rule, lang), t("ok", lang) if not n else
                  t("violated", lang, n=n)] for rule, n in broken.items()]
        end = _table(ws, end + 3, [t("rule", lang), t("result", lang)], rules)
        if check.violations:
            _table(ws, end + 1, [t("rule", lang), t("violation", lang)],
                   [[rule_label(v.rule, lang), v.message] for v in check.violations])
    ws.freeze_panes = None
    _widths(ws, top=4, high=90)


# ----- the workforce over time ---------------------------------------------------------


def _workforce(wb: Workbook, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Staff by qualification per year and unit type, each with a line chart; the targets."""
    ws = wb.create_sheet(words(WORKFORCE_TEXT, "sheet", lang))
    quals = qualification_ids(sc)
    top = 1
    for type_id, years in workforce_stock(sc, roster).items():
        ws.cell(row=top, column=1, value=words(WORKFORCE_TEXT, "stock_head", lang,
                                               unit_type=unit_type_label(sc, type_id, lang))
                ).font = TOTAL_FONT
        rows = [[ys.year, ys.staff_in_post, *(ys.end[q] for q in quals),
                 sum(ys.leavers.values()), sum(ys.graduated_in.values()),
                 sum(ys.recruits.values()),
                 sum(n for q, n in ys.recruits.items() if q != NO_QUALIFICATION)]
                for ys in years]
        end = _table(ws, top + 1, stock_headers(sc, lang), rows, years={1})
        chart = LineChart()
        chart.title = stock_chart_title(sc, f"workforce-{type_id}", lang)
        chart.y_axis.title, chart.x_axis.title = (words(WORKFORCE_TEXT, "people_axis", lang),
                                                  t("year", lang))
        chart.add_data(Reference(ws, min_col=2, max_col=2 + len(quals), min_row=top + 1,
                                 max_row=end - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 2, max_row=end - 1))
        _place(ws, chart, f"{get_column_letter(len(quals) + 8)}{top}")
        top = max(end, top + 23) + 1
    targets = workforce_targets(sc, roster)
    if targets:
        ws.cell(row=top, column=1, value=words(WORKFORCE_TEXT, "targets_head", lang)
                ).font = TOTAL_FONT
        _table(ws, top + 1, target_headers(lang),
               [[r.id, r.when, r.required, r.achieved,
                 words(WORKFORCE_TEXT, "met" if r.met else "not_met", lang)] for r in targets])
    ws.freeze_panes = None
    _widths(ws, high=18)


def _goal_figures(name: str, value: int, bound: int) -> list[Any]:
    """Goal value and bound; total cost in million VND, the others as counted."""
    return [goal_figure(name, value), goal_figure(name, bound)]


def plan_workbook(sc: Scenario, result: SolveResult, check: Verification | None,
                  lang: Lang = "en") -> Workbook:
    """The whole workbook in memory (the sheets that need a roster only when there is one).

    Raises ValueError naming the text when some text has a character no workbook can hold.
    """
    wb = Workbook()
    try:
        _plan_sheets(wb, sc, result, check, lang)
    except IllegalCharacterError as exc:
        raise ValueError(f"the text {str(exc).split(' cannot')[0]!r} has a control character "
                         "a workbook cannot hold") from None
    return wb


def _plan_sheets(wb: Workbook, sc: Scenario, result: SolveResult, check: Verification | None,
                 lang: Lang) -> None:
    _summary(wb, sc, result, check, lang)
    roster = result.roster
    if roster is None:
        wb.active.cell(row=4, column=1,
                       value=t("no_roster", lang, status=status_text(result.status, lang)))
    else:
        _starts(wb, sc, roster, lang)
        _roster_sheets(wb, sc, roster, lang)
        _budget(wb, sc, roster, lang)
        _milestones(wb, sc, roster, lang)
        if sc.workforce is not None:
            _workforce(wb, sc, roster, lang)
    _verification(wb, sc, result, check, lang)


def workbook_bytes(sc: Scenario, result: SolveResult, check: Verification | None,
                   lang: Lang = "en") -> bytes:
    """The plan's workbook as the bytes of an .xlsx file."""
    return xlsx_bytes(plan_workbook(sc, result, check, lang))


def write_template(path: Path, sc: Scenario, lang: Lang = "en", blank: bool = False) -> None:
    """Write the template workbook for `sc` (its figures as the example, unless `blank`)."""
    write_atomic(path, xlsx_bytes(template_workbook(sc, lang, blank)))


def _text_stays_text(wb: Workbook) -> None:
    """Store every cell openpyxl took for a formula (text starting with '=') as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def xlsx_bytes(wb: Workbook) -> bytes:
    """A workbook as .xlsx bytes, without formulas; the same plan gives the same bytes."""
    _text_stays_text(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _without_timestamps(buffer.getvalue())


#: openpyxl stamps the save time into docProps/core.xml and every zip entry; a fixed
#: stamp makes the workbook of one scenario identical byte for byte, like its roster.
FIXED_STAMP = "2000-01-01T00:00:00Z"
_STAMPED = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _without_timestamps(xlsx: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _STAMPED.sub(rf"\g<1>{FIXED_STAMP}\g<2>", data.decode("utf-8")).encode()
            dst.writestr(zipfile.ZipInfo(item.filename, (1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
