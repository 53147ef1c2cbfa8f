"""One self-contained HTML report: charts inline as SVG, the summary tables, the roster.

The file loads nothing from anywhere (no CDN, no fonts, no images by address), so
it opens offline and prints cleanly (print CSS: tables keep their header rows on
every page and rows are not split; charts are not cut). Every label and number
comes from `reports.i18n` in the reader's language.

The page is the Jinja2 template `templates/report.html.j2`, rendered with
autoescaping: every text from a scenario is escaped by the engine; only the
charts' SVG, made here from matplotlib's output, is marked safe.

A tiny inline script checks that every chart has a size and drawn shapes and
records the verdict on the root element (`data-charts="ok"` and the charts'
boxes in `data-chart-boxes`), so a headless browser test can tell whether the
charts drew.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup, escape
from trainplan.models.checker import Verification
from trainplan.models.files import scenario_hash
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Roster, SolveResult
from trainplan.reports.charts import CHART_TITLES, chart_svgs
from trainplan.reports.i18n import (
    Lang,
    amount,
    level_label,
    milestone_label,
    money,
    number,
    percent,
    rule_label,
    status_text,
    t,
    unit_type_label,
)
from trainplan.reports.tables import (
    goal_value,
    in_training_by_year,
    milestones_frame,
    plan_table,
    roster_frame,
    spending_by_source,
    spending_by_year,
    starts_by_year_level,
)
from trainplan.reports.workforce_charts import stock_chart_title, stock_svgs

Cell = str | int | Decimal | None

#: The report's page, filled by `html_report`; shipped as package data.
TEMPLATE = "report.html.j2"


@functools.cache
def _environment() -> jinja2.Environment:
    """Jinja2 set up for the report: autoescaping on, a missing value an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class Row:
    """One table row: each cell's text and whether it is a number (right-aligned)."""

    cells: list[tuple[str, bool]]
    total: bool = False


@dataclass(frozen=True)
class Table:
    """One HTML table; the first cell of each row is its header cell."""

    id: str
    caption: str
    headers: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class Chart:
    """One chart: its name (for the figure's id) and its SVG, ready to sit in the page."""

    name: str
    svg: Markup


def inline_svg(svg: str, prefix: str, label: str) -> Markup:
    """Matplotlib's SVG file made fit to sit inside HTML.

    Drops the XML prologue, doctype and metadata, the namespace declarations and
    fixed size (the HTML parser knows SVG; CSS sizes it), and prefixes every id
    and reference with `prefix` so several charts never share an id. The label
    is escaped; the SVG itself is matplotlib's, which escapes the text it draws.
    """
    body = svg[svg.index("<svg"):]
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body, flags=re.DOTALL)
    head_end = body.index(">")
    head = re.sub(r'\s(?:xmlns(?::xlink)?|width|height|version)="[^"]*"', "", body[:head_end])
    head += f' role="img" aria-label="{escape(label)}"'
    body = head + body[head_end:]
    return Markup(body.replace('id="', f'id="{prefix}-').replace("url(#", f"url(#{prefix}-")
                  .replace('href="#', f'href="#{prefix}-'))


def _cell(value: Cell, lang: Lang) -> tuple[str, bool]:
    """A cell's text and whether it is a number (right-aligned)."""
    if isinstance(value, str):
        return value, False
    if value is None or pd.isna(value):
        return "-", True
    if isinstance(value, Decimal):
        return amount(value, lang), True
    return number(int(value), lang), True


def _table(table_id: str, caption: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
           lang: Lang, total_last: bool = False) -> Table:
    """A table of formatted cells; with `total_last` its last row is the totals row."""
    return Table(table_id, caption, list(headers),
                 [Row([_cell(v, lang) for v in row], total_last and i == len(rows) - 1)
                  for i, row in enumerate(rows)])


def _row_label(sc: Scenario, key: str, lang: Lang) -> str:
    return t("total", lang) if key == "total" else unit_type_label(sc, key, lang)


def plan_table_html(sc: Scenario, lang: Lang) -> Table:
    """The plan's own table (summary): units, staff and people per level, with totals."""
    frame = plan_table(sc)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("unit_type", lang), t("units", lang), t("people_per_unit", lang),
               t("staff", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang)]
    rows = [[_row_label(sc, key, lang), row["units"], row["staff_per_unit"], row["staff"],
             *(row[lid] for lid in level_ids), row["total"]] for key, row in frame.iterrows()]
    return _table("plan-table", t("plan_table", lang), headers, rows, lang, total_last=True)


def graduates_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table:
    """Graduates the roster yields per unit type and level, laid out like the plan's table."""
    frame = plan_table(sc, roster)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("unit_type", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang)]
    rows = [[_row_label(sc, key, lang), *(row[f"graduates_{lid}"] for lid in level_ids),
             row["graduates_total"]] for key, row in frame.iterrows()]
    return _table("graduates-table", t("graduates_by_unit_type", lang), headers, rows, lang,
                  total_last=True)


def starts_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table:
    """Starters per year and level, with yearly totals and the places."""
    frame = starts_by_year_level(sc, roster)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("year", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang), t("places", lang)]
    rows: list[list[Cell]] = [[str(year), *(row[lid] for lid in level_ids), row["total"],
                               sc.starts_cap(int(year))] for year, row in frame.iterrows()]
    rows.append([t("total", lang), *(frame[lid].sum() for lid in level_ids),
                 frame["total"].sum(), None])
    return _table("starts-table", t("starts_by_year_level", lang), headers, rows, lang,
                  total_last=True)


def in_training_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table:
    """People in training per year and level, against the seats."""
    frame = in_training_by_year(sc, roster)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("year", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang), t("seats", lang)]
    rows = [[str(year), *(row[lid] for lid in level_ids), row["total"], row["seats"]]
            for year, row in frame.iterrows()]
    return _table("in-training-table", t("in_training_by_year", lang), headers, rows, lang)


def spending_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table:
    """Spending per year against the ceiling (million VND), with the total."""
    frame = spending_by_year(sc, roster)
    headers = [t("year", lang), t("spending", lang), t("ceiling", lang)]
    rows: list[list[Cell]] = [[str(year), Decimal(row["spending"]),
                               None if row["ceiling"] is None else Decimal(row["ceiling"])]
                              for year, row in frame.iterrows()]
    rows.append([t("total", lang), sum(frame["spending"], Decimal(0)), sc.budget.total])
    return _table("spending-table", t("spending_by_year", lang), headers, rows, lang,
                  total_last=True)


def sources_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table | None:
    """Money each funding source pays per year (None when there are no sources)."""
    if not sc.budget.sources:
        return None
    frame = spending_by_source(sc, roster)
    headers = [t("year", lang), *(s.label or s.id for s in sc.budget.sources)]
    rows = [[str(year), *(Decimal(v) for v in row)] for year, row in frame.iterrows()]
    rows.append([t("total", lang), *(sum(frame[s.id], Decimal(0)) for s in sc.budget.sources)])
    return _table("sources-table", t("spending_by_source", lang), headers, rows, lang,
                  total_last=True)


def milestones_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table | None:
    """Each milestone: what it asks, what the plan achieves, met or not (None without any)."""
    if not sc.milestones:
        return None
    frame = milestones_frame(sc, roster)
    headers = [t("milestone", lang), t("unit_type", lang), t("by_year", lang),
               t("required", lang), t("achieved", lang), t("status", lang)]
    rows = []
    for ms, (_, row) in zip(sc.milestones, frame.iterrows(), strict=True):
        types = ", ".join(unit_type_label(sc, u, lang) for u in ms.unit_types) \
            if ms.unit_types else t("all", lang)
        rows.append([milestone_label(sc, ms.id, lang), types, str(ms.by_year), row["required"],
                     row["achieved"], t("met", lang) if row["met"] else t("not_met", lang)])
    return _table("milestones-table", t("milestones", lang), headers, rows, lang)


def roster_table_html(sc: Scenario, roster: Roster, lang: Lang) -> Table:
    """Every roster row: who starts which course when, and its cost."""
    names = {(ut.id, u.id): u.name or u.id for ut in sc.unit_types for u in ut.unit_list or []}
    frame = roster_frame(roster)
    headers = [t("start_year", lang), t("unit_type", lang), t("unit", lang), t("level", lang),
               t("starters", lang), t("graduation_year", lang), t("cost", lang)]
    rows = [[str(r.year), unit_type_label(sc, r.unit_type, lang),
             names.get((r.unit_type, r.unit), r.unit), level_label(sc, r.level, lang),
             r.starts, str(r.graduation_year), Decimal(r.cost_million_vnd)]
            for r in frame.itertuples()]
    return _table("roster-table", t("roster", lang), headers, rows, lang)


def status_items(result: SolveResult, check: Verification | None, lang: Lang) -> dict[str, Any]:
    """Solver status, each goal's value (with bound and gap when not proven), verification."""
    goals = []
    for g in result.goals:
        text = f"{t('goal_' + g.name, lang)}: {goal_value(g.name, g.value, lang)}"
        if not g.optimal:
            text += " (" + t("bound_gap", lang, bound=goal_value(g.name, g.bound, lang),
                             gap=percent(g.gap, lang)) + ")"
        goals.append(text)
    verified = None
    if check is not None:
        verified = {"css": "status-ok" if check.ok else "status-bad",
                    "words": t("verified", lang, rules=len(check.rules_checked),
                               violations=len(check.violations)),
                    "violations": [(rule_label(v.rule, lang), v.message)
                                   for v in check.violations]}
    return {"text": status_text(result.status, lang), "goals": goals, "check": verified,
            "message": result.message}


def key_figures(sc: Scenario, roster: Roster, lang: Lang) -> list[tuple[str, str]]:
    """People trained, total cost and total budget at a glance, as (label, value)."""
    frame = roster_frame(roster)
    cost = sum(frame["cost_million_vnd"], Decimal(0))
    figures = [(t("people_trained", lang), f"{number(int(frame['starts'].sum()), lang)} "
                f"{t('people', lang)}"), (t("total_cost", lang), money(cost, lang))]
    if sc.budget.total is not None:
        figures.append((t("total_budget", lang), money(sc.budget.total, lang)))
    return figures


def charts(sc: Scenario, result: SolveResult, lang: Lang) -> list[Chart]:
    """The four charts as inline SVG, each labelled with its title."""
    out = [Chart(name, inline_svg(svg, f"c{i}", t(CHART_TITLES[name], lang)))
           for i, (name, svg) in enumerate(chart_svgs(sc, result, lang).items(), start=1)]
    if result.roster is not None:
        out += [Chart(name, inline_svg(svg, f"w{i}", stock_chart_title(sc, name, lang)))
                for i, (name, svg) in enumerate(stock_svgs(sc, result.roster, lang).items(),
                                                start=1)]
    return out


#: Words the page itself uses, by i18n key.
_PAGE_WORDS = ("report_title", "source_document", "status", "verification", "no_plan",
               "plan_table", "charts", "summary", "roster")


def html_report(sc: Scenario, result: SolveResult, check: Verification | None,
                lang: Lang) -> str:
    """The whole report as one HTML document in `lang`, needing nothing else to display."""
    page_words = {key: t(key, lang) for key in _PAGE_WORDS}
    page_words["generated_by"] = t("generated_by", lang, hash=scenario_hash(sc))
    context: dict[str, Any] = {
        "lang": lang, "name": sc.name, "words": page_words,
        "description": sc.description.strip() if sc.description else "",
        "source": sc.source or "", "status": status_items(result, check, lang),
        "figures": None, "charts": [], "roster": None, "tables": [plan_table_html(sc, lang)]}
    roster = result.roster
    if roster is not None:
        tables = [graduates_table_html(sc, roster, lang), starts_table_html(sc, roster, lang),
                  in_training_table_html(sc, roster, lang),
                  spending_table_html(sc, roster, lang), sources_table_html(sc, roster, lang),
                  milestones_table_html(sc, roster, lang)]
        context |= {"figures": key_figures(sc, roster, lang),
                    "charts": charts(sc, result, lang),
                    "roster": roster_table_html(sc, roster, lang),
                    "tables": context["tables"] + [tb for tb in tables if tb is not None]}
    return _environment().get_template(TEMPLATE).render(context)
