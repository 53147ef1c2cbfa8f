"""The plan-against-actual report of `trainplan replan`: terminal, CSV, Excel sheet, HTML.

Per unit type and level: starters and graduates planned against actual, the gap,
and the starters the remaining years must now hold (first plan and re-plan); per
past year: starters and money planned against actual; milestones already due,
judged on the actuals. Figures come from `models.actuals`, never from the solver.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape
from trainplan.models.actuals import (
    GapRow,
    PastMilestone,
    ShortGap,
    StaffGap,
    YearGap,
    gap_rows,
    past_milestones,
    short_gaps,
    staff_gaps,
    year_gaps,
)
from trainplan.models.measures import short_spent_in_year
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Roster
from trainplan.reports.i18n import (
    REPLAN_TEXT,
    Lang,
    amount,
    course_label,
    level_label,
    number,
    t,
    unit_type_label,
    words,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Cell = int | Decimal | str | None
#: File name of the plan-against-actual chart in `replan --png DIR`.
CHART_PNG = "plan-vs-actual.png"


@dataclass(frozen=True)
class PlanVsActual:
    """Everything the report shows, computed once."""

    scenario: Scenario
    from_year: int
    rows: list[GapRow]
    years: list[YearGap]
    milestones: list[PastMilestone]
    staff: list[StaffGap]
    #: Per short course: classes and person-times (empty without short courses).
    short: list[ShortGap]
    #: Per plan year: starters in the first plan, actual (past years; None after), and
    #: in the re-plan (from the re-plan year; None before).
    by_year: list[tuple[int, int, int | None, int | None]]


def _starts(roster: Roster | None) -> dict[tuple[str, str, int], int]:
    out: dict[tuple[str, str, int], int] = {}
    for r in roster.rows if roster is not None else []:
        out[r.unit_type, r.level, r.year] = out.get((r.unit_type, r.level, r.year), 0) + r.starts
    return out


def plan_vs_actual(sc: Scenario, planned: Roster | None, replanned: Roster | None,
                   from_year: int) -> PlanVsActual:
    """The report's figures: `sc` holds the actuals, the rosters are the two plans."""
    first = _starts(planned)
    again = None if replanned is None else _starts(replanned)
    assert sc.actuals is not None
    actual = {y: sum(r.starters for r in sc.actuals.cohorts if r.year == y) for y in sc.years}
    by_year = [(y, sum(n for (_, _, cy), n in first.items() if cy == y),
                actual[y] if y < from_year else None,
                sum(n for (_, _, cy), n in again.items() if cy == y)
                if y >= from_year and again is not None else None) for y in sc.years]
    return PlanVsActual(sc, from_year, gap_rows(sc, first, again, from_year),
                        _with_short_spending(year_gaps(sc, first, from_year), planned),
                        past_milestones(sc, from_year), staff_gaps(sc, planned),
                        short_gaps(sc, planned, replanned, from_year), by_year)


def _with_short_spending(years: list[YearGap], planned: Roster | None) -> list[YearGap]:
    """Past years' planned spending with the first plan's short-course classes added.

    Actual spending counts all training money, so the planned figure must too.
    """
    if planned is None or not planned.classes:
        return years
    return [replace(y, planned_spending=y.planned_spending
                    + short_spent_in_year(planned, y.year)) for y in years]


def _w(key: str, lang: Lang, **values: object) -> str:
    return words(REPLAN_TEXT, key, lang, **values)


def gap_headers(p: PlanVsActual, lang: Lang) -> list[str]:
    """Column names of the unit type and level table."""
    return [t("unit_type", lang), t("level", lang), _w("planned_starters", lang),
            _w("actual_starters", lang), _w("gap", lang), _w("planned_graduates", lang),
            _w("actual_graduates", lang), _w("gap", lang), t("quota", lang),
            _w("remaining_planned", lang, year=p.from_year),
            _w("remaining_replanned", lang, year=p.from_year), _w("change", lang)]


def gap_cells(p: PlanVsActual, lang: Lang, ids: bool = False) -> list[list[Cell]]:
    """One row of cells per unit type and level (ids instead of names with `ids`)."""
    sc = p.scenario
    return [[r.unit_type if ids else unit_type_label(sc, r.unit_type, lang),
             r.level if ids else level_label(sc, r.level, lang),
             r.planned_starters, r.actual_starters, r.starters_gap, r.planned_graduates,
             r.actual_graduates, r.graduates_gap, r.quota, r.remaining_planned,
             r.remaining_replanned, r.remaining_change] for r in p.rows]


def short_headers(p: PlanVsActual, lang: Lang) -> list[str]:
    """Column names of the short-course table."""
    return [t("short_course", lang), _w("planned_classes", lang), _w("actual_classes", lang),
            _w("gap", lang), _w("planned_person_times", lang), _w("actual_person_times", lang),
            _w("gap", lang), _w("remaining_planned", lang, year=p.from_year),
            _w("remaining_replanned", lang, year=p.from_year)]


def short_cells(p: PlanVsActual, lang: Lang, ids: bool = False) -> list[list[Cell]]:
    """One row of cells per short course (person-times from the re-plan year on last)."""
    return [[g.course if ids else course_label(p.scenario, g.course, lang),
             g.planned_classes, g.actual_classes, g.classes_gap, g.planned_person_times,
             g.actual_person_times, g.person_times_gap, g.remaining_planned,
             g.remaining_replanned] for g in p.short]


def year_headers(lang: Lang) -> list[str]:
    """Column names of the past-year table."""
    return [t("year", lang), _w("planned_starters", lang), _w("actual_starters", lang),
            _w("gap", lang), _w("planned_spending", lang), _w("actual_spending", lang)]


def year_cells(p: PlanVsActual) -> list[list[Cell]]:
    """One row of cells per past year."""
    return [[str(y.year), y.planned_starters, y.actual_starters,
             y.actual_starters - y.planned_starters, y.planned_spending, y.actual_spending]
            for y in p.years]


def milestone_lines(p: PlanVsActual, lang: Lang) -> list[str]:
    """Each milestone already due, in words."""
    return [_w("past_milestone", lang, label=m.label or m.id, year=m.by_year,
               got=number(m.achieved, lang), need=number(m.required, lang),
               verdict=t("met" if m.met else "not_met", lang)) for m in p.milestones]


def staff_lines(p: PlanVsActual, lang: Lang) -> list[str]:
    """Each staff count against the plan's stock, in words."""
    return [_w("staff_count", lang, type=unit_type_label(p.scenario, g.unit_type, lang),
               year=g.year, counted=number(g.counted_in_post, lang),
               planned=number(g.planned_in_post, lang),
               qualified="-" if g.counted_qualified is None else number(g.counted_qualified, lang),
               planned_q=number(g.planned_qualified, lang)) for g in p.staff]


def must_do_line(p: PlanVsActual, lang: Lang) -> str:
    """What the remaining years must start, against the first plan."""
    if any(r.remaining_replanned is None for r in p.rows):
        return _w("no_replan", lang)
    n = sum(r.remaining_replanned or 0 for r in p.rows)
    change = sum(r.remaining_change or 0 for r in p.rows)
    return _w("must_do", lang, n=number(n, lang), change=change)


def _text(value: Cell, lang: Lang) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return amount(value, lang)
    return "-" + number(-value, lang) if value < 0 else number(value, lang)


def _aligned(headers: list[str], rows: list[list[str]], names: int = 2) -> str:
    """Columns padded to their widths: the first `names` to the left, figures to the right."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(" ".join(c.ljust(w) if i < names else c.rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                     for r in [headers, *rows])


def terminal_text(p: PlanVsActual, lang: Lang) -> str:
    """The report as terminal text."""
    sc = p.scenario
    out = [_w("title", lang, first=sc.horizon.first_year, last=p.from_year - 1,
              year=p.from_year), ""]
    out.append(_aligned(gap_headers(p, lang),
                        [[_text(c, lang) for c in row] for row in gap_cells(p, lang, ids=True)]))
    out.append("")
    if p.short:
        out.append(_aligned(short_headers(p, lang), [[_text(c, lang) for c in row]
                                                     for row in short_cells(p, lang, ids=True)],
                            names=1))
        out.append("")
    years = [[_text(c, lang) for c in row] for row in year_cells(p)]
    out.append(_aligned(["", *year_headers(lang)], [["", *row] for row in years]))
    out += ["", *milestone_lines(p, lang), *staff_lines(p, lang), must_do_line(p, lang)]
    return "\n".join(out)


def gap_csv(p: PlanVsActual) -> str:
    """The unit type and level table as CSV (ids, plain numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit_type", "level", "planned_starters", "actual_starters",
                     "starters_gap", "planned_graduates", "actual_graduates", "graduates_gap",
                     "quota", "remaining_planned_starters", "remaining_replanned_starters",
                     "remaining_change"])
    writer.writerows(gap_cells(p, "en", ids=True))
    return buffer.getvalue()


def short_csv(p: PlanVsActual) -> str:
    """The short-course table as CSV (ids, plain numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["course", "planned_classes", "actual_classes", "classes_gap",
                     "planned_person_times", "actual_person_times", "person_times_gap",
                     "remaining_planned_person_times", "remaining_replanned_person_times"])
    writer.writerows(short_cells(p, "en", ids=True))
    return buffer.getvalue()


def csv_files(p: PlanVsActual, out: Path) -> dict[Path, str]:
    """The report's CSV files in folder `out`: the short-course one only with short courses."""
    files = {out / "plan_vs_actual.csv": gap_csv(p)}
    if p.short:
        files[out / "plan_vs_actual_short.csv"] = short_csv(p)
    return files


def add_sheet(wb: object, p: PlanVsActual, lang: Lang) -> None:
    """Add the plan-against-actual sheet to a plan workbook (openpyxl Workbook)."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(_w("sheet", lang))  # type: ignore[attr-defined]
    sc = p.scenario
    ws.cell(row=1, column=1, value=_w("title", lang, first=sc.horizon.first_year,
                                      last=p.from_year - 1, year=p.from_year)).font = \
        Font(bold=True, size=13)
    row = 3
    tables = [(gap_headers(p, lang), gap_cells(p, lang))]
    if p.short:
        tables.append((short_headers(p, lang), short_cells(p, lang)))
    for headers, cells in (*tables, (year_headers(lang), year_cells(p))):
        for col, head in enumerate(headers, start=1):
            ws.cell(row=row, column=col, value=head).font = Font(bold=True)
        for values in cells:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                if isinstance(value, int | Decimal):
                    cell.number_format = "#,##0.###" if isinstance(value, Decimal) else "#,##0"
        row += 2
    for line in [*milestone_lines(p, lang), *staff_lines(p, lang), must_do_line(p, lang)]:
        ws.cell(row=row, column=1, value=line)
        row += 1
    ws.column_dimensions["A"].width = 40
    _sheet_chart(ws, p, lang, row + 1)


def _series_names(lang: Lang) -> list[str]:
    return [_w("first_plan", lang), _w("actual", lang), _w("replan", lang)]


def _sheet_chart(ws: object, p: PlanVsActual, lang: Lang, top: int) -> None:
    """Starters per year (first plan, actual, re-plan) as a table and a column chart."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    for col, head in enumerate([t("year", lang), *_series_names(lang)], start=1):
        ws.cell(row=top, column=col, value=head).font = Font(bold=True)  # type: ignore[attr-defined]
    for i, values in enumerate(p.by_year, start=top + 1):
        for col, value in enumerate(values, start=1):
            ws.cell(row=i, column=col, value=str(value) if col == 1 else value)  # type: ignore[attr-defined]
    end = top + len(p.by_year)
    chart = BarChart()
    chart.type, chart.title = "col", _w("chart_title", lang)
    chart.y_axis.title, chart.x_axis.title = t("starters", lang), t("year", lang)
    chart.add_data(Reference(ws, min_col=2, max_col=4, min_row=top, max_row=end),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=end))
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, f"F{top}")  # type: ignore[attr-defined]


def _draw_plan_vs_actual(ax: Axes, p: PlanVsActual, lang: Lang) -> None:
    """Starters per year: the first plan (line), actual and re-plan (columns)."""
    from trainplan.reports.charts import PALETTE, years_axis

    years = [y for y, *_ in p.by_year]
    past = [(y, a) for y, _, a, _ in p.by_year if a is not None]
    rest = [(y, r) for y, _, _, r in p.by_year if r is not None]
    names = _series_names(lang)
    ax.bar([y for y, _ in past], [a for _, a in past], color=PALETTE[1], label=names[1])
    ax.bar([y for y, _ in rest], [r for _, r in rest], color=PALETTE[0], label=names[2])
    ax.plot(years, [f for _, f, _, _ in p.by_year], color="#000000", marker="o",
            linewidth=1.2, label=names[0])
    ax.axvline(p.from_year - 0.5, color="#777777", linestyle="--", linewidth=0.8)
    ax.set_title(_w("chart_title", lang), fontsize=9)
    years_axis(ax, years, lang)


def chart(p: PlanVsActual, lang: Lang, fmt: str = "svg") -> bytes:
    """Starters per year, planned, actual and re-planned, as SVG or PNG bytes."""
    from trainplan.reports.charts import render

    return render(partial(_draw_plan_vs_actual, p=p, lang=lang), fmt, legend_columns=3)


def _html_table(table_id: str, headers: list[str], rows: list[list[Cell]], lang: Lang) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{escape(_text(c, lang))}</td>'
                         if not isinstance(c, str) else f"<td>{escape(c)}</td>" for c in row)
        + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def html_section(p: PlanVsActual, lang: Lang) -> str:
    """The report as an HTML section for the plan's HTML report."""
    sc = p.scenario
    title = _w("title", lang, first=sc.horizon.first_year, last=p.from_year - 1,
               year=p.from_year)
    lines = "".join(f"<p>{escape(line)}</p>"
                    for line in [*milestone_lines(p, lang), *staff_lines(p, lang),
                                 must_do_line(p, lang)])
    from trainplan.reports.html import inline_svg

    svg = inline_svg(chart(p, lang).decode("utf-8"), "pva", _w("chart_title", lang))
    return (f'<section class="plan-vs-actual"><h2>{escape(title)}</h2>'
            + f'<figure class="chart" id="chart-plan-vs-actual">{svg}</figure>'
            + _html_table("plan-vs-actual", gap_headers(p, lang), gap_cells(p, lang), lang)
            + (_html_table("plan-vs-actual-short", short_headers(p, lang),
                           short_cells(p, lang), lang) if p.short else "")
            + _html_table("past-years", year_headers(lang), year_cells(p), lang)
            + lines + "</section>")


def with_section(page: str, p: PlanVsActual, lang: Lang) -> str:
    """The plan's HTML report with the plan-against-actual section before its footer."""
    at = page.rindex("<footer>")
    return page[:at] + html_section(p, lang) + page[at:]
