"""One self-contained HTML report: charts inline as SVG, the summary tables, the roster.

The file loads nothing from anywhere (no CDN, no fonts, no images by address), so
it opens offline and prints cleanly (print CSS: tables keep their header rows on
every page and rows are not split; charts are not cut). Every label and number
comes from `reports.i18n` in the reader's language.

A tiny inline script checks that every chart has a size and drawn shapes and
records the verdict on the root element (`data-charts="ok"` and the charts'
boxes in `data-chart-boxes`), so a headless browser test can tell whether the
charts drew.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from models.checker import Verification
from models.files import scenario_hash
from models.scenario import Scenario
from models.solution import Roster, SolveResult
from reports.charts import CHART_TITLES, chart_svgs
from reports.i18n import (
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
from reports.tables import (
    goal_value,
    in_training_by_year,
    milestones_frame,
    plan_table,
    roster_frame,
    spending_by_source,
    spending_by_year,
    starts_by_year_level,
)

Cell = str | int | Decimal | None

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 14px;
       color: #111; background: #fff; max-width: 1150px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 1.6rem; border-bottom: 1px solid #ccc; }
.meta { color: #444; margin: 0.2rem 0; }
.status-ok { color: #0a6b2d; font-weight: bold; }
.status-bad { color: #b00020; font-weight: bold; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 0.8rem; }
.figures b { display: block; font-size: 1.3rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr));
          gap: 1rem; }
figure.chart { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #eef2f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td, tr.total th { font-weight: bold; background: #f6f6f6; }
footer { margin-top: 2rem; color: #666; font-size: 0.8rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  .charts { display: block; }
  figure.chart { margin-bottom: 6mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table { break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.roster { break-before: page; page-break-before: always; }
}
"""

CHECK_SCRIPT = """
(function () {
  var root = document.documentElement;
  var charts = document.querySelectorAll("figure.chart svg");
  var boxes = [];
  for (var i = 0; i < charts.length; i++) {
    var r = charts[i].getBoundingClientRect();
    var shapes = charts[i].querySelectorAll("path, use").length;
    if (r.width > 0 && r.height > 0 && shapes > 0) {
      boxes.push([Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
                  Math.round(r.width), Math.round(r.height)]);
    }
  }
  root.setAttribute("data-charts", charts.length > 0 && boxes.length === charts.length
                    ? "ok" : "failed");
  root.setAttribute("data-chart-boxes", JSON.stringify(boxes));
  // a self-contained report fetches nothing from a network: counted once all has loaded
  window.addEventListener("load", function () {
    root.setAttribute("data-resources", performance.getEntriesByType("resource").length);
  });
})();
"""

def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def inline_svg(svg: str, prefix: str, label: str) -> str:
    """Matplotlib's SVG file made fit to sit inside HTML.

    Drops the XML prologue, doctype and metadata, the namespace declarations and
    fixed size (the HTML parser knows SVG; CSS sizes it), and prefixes every id
    and reference with `prefix` so several charts never share an id.
    """
    body = svg[svg.index("<svg"):]
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body, flags=re.DOTALL)
    head_end = body.index(">")
    head = re.sub(r'\s(?:xmlns(?::xlink)?|width|height|version)="[^"]*"', "", body[:head_end])
    head += f' role="img" aria-label="{_esc(label)}"'
    body = head + body[head_end:]
    return (body.replace('id="', f'id="{prefix}-').replace("url(#", f"url(#{prefix}-")
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
           lang: Lang, total_last: bool = False) -> str:
    """An HTML table; the first cell of each row is its header cell."""
    out = [f'<table id="{table_id}"><caption>{_esc(caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{_esc(h)}</th>' for h in headers]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        is_total = total_last and i == len(rows) - 1
        out.append('<tr class="total">' if is_total else "<tr>")
        for j, value in enumerate(row):
            text, numeric = _cell(value, lang)
            if j == 0:
                out.append(f'<th scope="row">{_esc(text)}</th>')
            else:
                out.append(f'<td class="num">{_esc(text)}</td>' if numeric
                           else f"<td>{_esc(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _row_label(sc: Scenario, key: str, lang: Lang) -> str:
    return t("total", lang) if key == "total" else unit_type_label(sc, key, lang)


def plan_table_html(sc: Scenario, lang: Lang) -> str:
    """The plan's own table (summary): units, staff and people per level, with totals."""
    frame = plan_table(sc)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("unit_type", lang), t("units", lang), t("people_per_unit", lang),
               t("staff", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang)]
    rows = [[_row_label(sc, key, lang), row["units"], row["staff_per_unit"], row["staff"],
             *(row[lid] for lid in level_ids), row["total"]] for key, row in frame.iterrows()]
    return _table("plan-table", t("plan_table", lang), headers, rows, lang, total_last=True)


def graduates_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """Graduates the roster yields per unit type and level, laid out like the plan's table."""
    frame = plan_table(sc, roster)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("unit_type", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang)]
    rows = [[_row_label(sc, key, lang), *(row[f"graduates_{lid}"] for lid in level_ids),
             row["graduates_total"]] for key, row in frame.iterrows()]
    return _table("graduates-table", t("graduates_by_unit_type", lang), headers, rows, lang,
                  total_last=True)


def starts_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
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


def in_training_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """People in training per year and level, against the seats."""
    frame = in_training_by_year(sc, roster)
    level_ids = [lv.id for lv in sc.levels]
    headers = [t("year", lang), *(level_label(sc, lid, lang) for lid in level_ids),
               t("total", lang), t("seats", lang)]
    rows = [[str(year), *(row[lid] for lid in level_ids), row["total"], row["seats"]]
            for year, row in frame.iterrows()]
    return _table("in-training-table", t("in_training_by_year", lang), headers, rows, lang)


def spending_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """Spending per year against the ceiling (million VND), with the total."""
    frame = spending_by_year(sc, roster)
    headers = [t("year", lang), t("spending", lang), t("ceiling", lang)]
    rows: list[list[Cell]] = [[str(year), Decimal(row["spending"]),
                               None if row["ceiling"] is None else Decimal(row["ceiling"])]
                              for year, row in frame.iterrows()]
    rows.append([t("total", lang), sum(frame["spending"], Decimal(0)), sc.budget.total])
    return _table("spending-table", t("spending_by_year", lang), headers, rows, lang,
                  total_last=True)


def sources_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """Money each funding source pays per year (empty text when there are no sources)."""
    if not sc.budget.sources:
        return ""
    frame = spending_by_source(sc, roster)
    headers = [t("year", lang), *(s.label or s.id for s in sc.budget.sources)]
    rows = [[str(year), *(Decimal(v) for v in row)] for year, row in frame.iterrows()]
    rows.append([t("total", lang), *(sum(frame[s.id], Decimal(0)) for s in sc.budget.sources)])
    return _table("sources-table", t("spending_by_source", lang), headers, rows, lang,
                  total_last=True)


def milestones_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """Each milestone: what it asks, what the plan achieves, met or not."""
    if not sc.milestones:
        return ""
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


def roster_table_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
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


def status_html(sc: Scenario, result: SolveResult, check: Verification | None,
                lang: Lang) -> str:
    """Solver status, each goal's value (with bound and gap when not proven), verification."""
    items = [f"<li>{_esc(t('status', lang))}: <b>{_esc(status_text(result.status, lang))}</b>"
             "</li>"]
    for g in result.goals:
        text = f"{t('goal_' + g.name, lang)}: {goal_value(g.name, g.value, lang)}"
        if not g.optimal:
            text += " (" + t("bound_gap", lang, bound=goal_value(g.name, g.bound, lang),
                             gap=percent(g.gap, lang)) + ")"
        items.append(f"<li>{_esc(text)}</li>")
    if check is not None:
        css = "status-ok" if check.ok else "status-bad"
        words = t("verified", lang, rules=len(check.rules_checked),
                  violations=len(check.violations))
        items.append(f'<li class="{css}">{_esc(t("verification", lang))}: {_esc(words)}</li>')
        items += [f'<li class="status-bad">{_esc(rule_label(v.rule, lang))}: {_esc(v.message)}</li>'
                  for v in check.violations]
    if result.message:
        items.append(f"<li>{_esc(result.message)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def key_figures_html(sc: Scenario, roster: Roster, lang: Lang) -> str:
    """People trained, total cost and total budget at a glance."""
    frame = roster_frame(roster)
    cost = sum(frame["cost_million_vnd"], Decimal(0))
    figures = [(t("people_trained", lang), f"{number(int(frame['starts'].sum()), lang)} "
                f"{t('people', lang)}"), (t("total_cost", lang), money(cost, lang))]
    if sc.budget.total is not None:
        figures.append((t("total_budget", lang), money(sc.budget.total, lang)))
    items = "".join(f"<li>{_esc(label)}<b>{_esc(value)}</b></li>" for label, value in figures)
    return f'<ul class="figures">{items}</ul>'


def charts_html(sc: Scenario, result: SolveResult, lang: Lang) -> str:
    """The four charts as inline SVG figures."""
    figures = []
    for i, (name, svg) in enumerate(chart_svgs(sc, result, lang).items(), start=1):
        title = t(CHART_TITLES[name], lang)
        figures.append(f'<figure class="chart" id="chart-{name}">'
                       f"{inline_svg(svg, f'c{i}', title)}</figure>")
    return '<div class="charts">' + "".join(figures) + "</div>"


def _section(css_class: str, title: str, body: str) -> str:
    return f'<section class="{css_class}"><h2>{_esc(title)}</h2>{body}</section>'


def html_report(sc: Scenario, result: SolveResult, check: Verification | None,
                lang: Lang) -> str:
    """The whole report as one HTML document in `lang`, needing nothing else to display."""
    head = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(sc.name)} - {_esc(t('report_title', lang))}</title>"
            f"<style>{CSS}</style></head><body>")
    parts = [head, f"<header><h1>{_esc(sc.name)}</h1>"]
    if sc.description:
        parts.append(f'<p class="meta">{_esc(sc.description.strip())}</p>')
    if sc.source:
        parts.append(f'<p class="meta">{_esc(t("source_document", lang))}: {_esc(sc.source)}</p>')
    parts.append("</header>")
    parts.append(_section("status", t("status", lang), status_html(sc, result, check, lang)))
    roster = result.roster
    if roster is None:
        parts.append(f"<p>{_esc(t('no_plan', lang))}</p>")
        parts.append(_section("tables", t("plan_table", lang), plan_table_html(sc, lang)))
    else:
        parts.append(key_figures_html(sc, roster, lang))
        parts.append(_section("charts-section", t("charts", lang), charts_html(sc, result, lang)))
        tables = [plan_table_html(sc, lang), graduates_table_html(sc, roster, lang),
                  starts_table_html(sc, roster, lang), in_training_table_html(sc, roster, lang),
                  spending_table_html(sc, roster, lang), sources_table_html(sc, roster, lang),
                  milestones_table_html(sc, roster, lang)]
        parts.append(_section("tables", t("summary", lang), "".join(tables)))
        parts.append(_section("roster", t("roster", lang), roster_table_html(sc, roster, lang)))
    parts.append(f"<footer>{_esc(t('generated_by', lang, hash=scenario_hash(sc)))}</footer>")
    parts.append(f"<script>{CHECK_SCRIPT}</script></body></html>\n")
    return "".join(parts)
