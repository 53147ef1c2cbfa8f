"""What the page shows of a finished job, and the files it offers, from `reports/`.

Every figure and sentence comes from the reports the CLI prints and writes
(`reports.html`, `reports.explain`, `reports.whatif`, `reports.excel`,
`reports.tables`), so the page and the command line never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from trainplan.models.errors import ScenarioError
from trainplan.models.loader import parse_set
from trainplan.models.register import NamedRun
from trainplan.models.results import Compared
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Status
from trainplan.reports.explain import explanation_text, repair_words
from trainplan.reports.html import key_figures, status_items
from trainplan.reports.i18n import LEVER_TEXT, REPLAN_TEXT, Lang, amount, status_text, words
from trainplan.reports.tables import scenario_dump
from trainplan.reports.whatif import (  # the terminal's own words for each measure
    compare_frame,
    measure_name,
    roster_differences,
)
from trainplan.web.edits import apply_edits, override_data
from trainplan.web.jobs import Replan, Risk, Solved, Swept
from trainplan.web.sessions import Session
from trainplan.web.words import w

#: Roster differences shown on the page (as on the terminal).
ROSTER_LINES = 30
_PLOT_W, _PLOT_H, _PAD = 560, 220, 40


def solved_view(s: Solved, lang: Lang) -> dict[str, Any]:
    """A solve's status, verification and figures; when infeasible, why and the repairs."""
    view: dict[str, Any] = {"status": status_items(s.result, s.check, lang), "figures": [],
                            "explanation": "", "repairs": [], "unexplained": s.unexplained}
    if s.result.roster is not None:
        view["figures"] = key_figures(s.scenario, s.result.roster, lang)
    view["robust"] = _robust_lines(s, lang)
    view["named"] = s.named.report if s.named is not None else ""
    view["named_ok"] = s.named is not None and s.named.assigned
    if s.explanation is not None:
        view["explanation"] = explanation_text(s.scenario.name, s.explanation, s.repairs,
                                               s.combination, s.priority, lang)
        fixes = [*s.repairs, *([s.combination] if s.combination else [])]
        view["repairs"] = [(i, _lever(r.lever, lang), repair_words(r, lang))
                           for i, r in enumerate(fixes)]
    return view


def _robust_lines(s: Solved, lang: Lang) -> str:
    """With `--robust`: what was solved for, and how the plan holds at the expected attrition."""
    if s.expected is None or s.robust is None:
        return ""
    from trainplan.reports.workforce import robust_lines

    return "\n".join(robust_lines(s.robust, s.expected, lang)).strip()


def _lever(lever: str, lang: Lang) -> str:
    """A repair's lever as the planner calls it ('the total budget', 'tổng kinh phí')."""
    if lever in LEVER_TEXT:
        return words(LEVER_TEXT, lever, lang)
    return w("cheapest", lang) if lever == "combination" else lever


def compared_view(compared: list[Compared], lang: Lang) -> dict[str, Any]:
    """The compare table (rows that differ marked) and the roster rows that differ."""
    frame = compare_frame(compared, lang)
    labels = [c.label for c in compared]
    rows = [(measure_name(r["measure"], lang), [r[label] for label in labels],
             bool(r["differs"]))
            for _, r in frame.iterrows()]
    diff = roster_differences(compared)
    return {"labels": labels, "rows": rows, "diff_columns": list(diff.columns),
            "diff_rows": [[str(v) for v in row] for row in diff.head(ROSTER_LINES).values],
            "diff_total": len(diff)}


@dataclass(frozen=True)
class Dot:
    """One sweep point on the frontier chart."""

    x: float
    y: float
    feasible: bool
    label: str


def swept_view(s: Swept, lang: Lang) -> dict[str, Any]:
    """The sweep's rows, the least feasible value, and the cost curve as SVG points."""
    rows = [{"value": r[s.key], "status": r["status"], "cost": r.get("total_cost", ""),
             "people": r.get("people", ""), "verified": r.get("verified", "")} for r in s.rows]
    least = [f.least for f in s.frontier]
    costs = [c for c in (_number(r["cost"]) for r in rows) if c is not None]
    return {"key": s.key, "rows": rows, "least": least[0] if least else None,
            "dots": _dots(rows, lang), "width": _PLOT_W + 2 * _PAD,
            "height": _PLOT_H + 2 * _PAD,
            "cost_range": (amount(min(costs), lang), amount(max(costs), lang)) if costs else None}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _dots(rows: list[dict[str, str]], lang: Lang) -> list[Dot]:
    """Each point placed on the chart: value across, cost up (infeasible ones on the floor)."""
    xs = [_number(r["value"]) for r in rows]
    costs = [c for c in (_number(r["cost"]) for r in rows) if c is not None]
    if None in xs or not xs:
        return []
    x0, x1 = min(xs), max(xs)
    y0, y1 = (min(costs), max(costs)) if costs else (0.0, 1.0)
    dots = []
    for x, r in zip(xs, rows, strict=True):
        cost = _number(r["cost"])
        fx = 0.5 if x1 == x0 else (x - x0) / (x1 - x0)
        fy = 0.0 if cost is None else 0.5 if y1 == y0 else (cost - y0) / (y1 - y0)
        label = f"{r['value']}: {amount(cost, lang) if cost is not None else r['status']}"
        dots.append(Dot(round(_PAD + fx * _PLOT_W, 1), round(_PAD + (1 - fy) * _PLOT_H, 1),
                        cost is not None, label))
    return dots


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The files the page offers (the short-course and named rosters when the solve has them).
DOWNLOADS = ("scenario.yaml", "plan.xlsx", "report.html", "roster.csv", "classes.csv",
             "participants.csv", "roster_people.csv")


def scenario_file(session: Session) -> str:
    """The scenario as YAML: the opened YAML file extended by the changes, or whole."""
    opened = session.opened
    assert opened is not None
    try:
        edited: Scenario | None = apply_edits(opened.base, session.edits, opened.shown)
    except ScenarioError:  # a plan with errors still downloads its changes
        edited = None
    if opened.yaml and edited is not None:
        data = override_data(opened.shown, opened.base, edited.model_dump(), session.edits)
    elif opened.yaml:
        data = {"extends": opened.shown,
                "overrides": {k: _as_typed(k, v) for k, v in session.edits.items()}}
    else:  # a workbook cannot be extended: the effective scenario, whole
        data = (edited or apply_edits(opened.base, {}, opened.shown)).model_dump()
    head = (f"# {opened.shown} with the changes made on trainplan's page "
            f"(variant {session.variant})\n")
    return head + scenario_dump(data)


def _as_typed(key: str, text: str) -> Any:
    """An edit's value as `--set` reads it, or the text typed when unreadable.

    Also the text when the value cannot be written back as it was (`52.500`, which
    the loader refuses as ambiguous).
    """
    try:
        value = parse_set(f"{key}={text}")[1]
        scenario_dump(value)
    except (ScenarioError, yaml.YAMLError):
        return text
    return value


def download_body(session: Session, name: str, solved: Solved | None
                  ) -> tuple[str | bytes, str] | None:
    """A download's content and type; None when it needs a solve that has not happened."""
    if name == "scenario.yaml":
        return scenario_file(session), "application/yaml; charset=utf-8"
    if solved is None:
        return None
    sc, result, check, lang = solved.scenario, solved.result, solved.check, session.lang
    named = solved.named if solved.named is not None and solved.named.assigned else None
    if name == "plan.xlsx":
        from trainplan.reports.excel import workbook_bytes

        body = workbook_bytes(sc, result, check, lang)
        if named is not None:  # as `solve --staff --xlsx`: a sheet per unit type and to print
            from trainplan.reports.people import with_people_sheets

            body = with_people_sheets(body, named.output, lang)
        return body, XLSX
    if name == "report.html":
        return solve_report(solved, lang), "text/html; charset=utf-8"
    if result.roster is None:
        return None
    return _roster_file(name, solved, named)


def _roster_file(name: str, solved: Solved, named: NamedRun | None) -> tuple[str, str] | None:
    """roster.csv, the short courses' classes.csv and participants.csv, roster_people.csv."""
    from trainplan.reports import tables

    sc, roster, csv = solved.scenario, solved.result.roster, "text/csv; charset=utf-8"
    assert roster is not None
    if name == "roster.csv":
        return tables.roster_csv(sc, roster), csv
    if name == "classes.csv" and sc.short_courses is not None:
        return tables.classes_csv(roster), csv
    if name == "participants.csv" and sc.short_courses is not None:
        return tables.participants_csv(roster), csv
    if name == "roster_people.csv" and named is not None:
        from trainplan.models.register import people_csv

        return people_csv(named.output.rows, named.output.redact), csv
    return None


def solve_report(solved: Solved, lang: Lang) -> str:
    """The HTML report of a solve as the CLI writes it (`--html`, with `--staff` its people)."""
    from trainplan.reports.html import html_report

    page = html_report(solved.scenario, solved.result, solved.check, lang)
    if solved.named is not None and solved.named.assigned:
        from trainplan.reports.people import with_people_section

        page = with_people_section(page, solved.named.output, lang)
    return page


# --------------------------------------------------------------------------- risk, re-plan


def risk_view(risk: Risk, lang: Lang) -> dict[str, Any]:
    """`trainplan simulate`'s page: each target's share of runs, and the fan chart."""
    from trainplan.reports.simulate import html_page

    if risk.simulation is None:
        words_ = (risk.check.summary() if risk.check is not None and not risk.check.ok else
                  f"{risk.scenario.name}: {status_text(risk.result.status, lang)}; "
                  "no plan to simulate")
        return {"nothing": words_, "body": ""}
    page = html_page(risk.scenario.name, risk.simulation, lang)
    body = page[page.index("<body>") + len("<body>"):page.rindex("</body>")]
    return {"nothing": "", "body": body}  # HTML the report escaped; the template marks it safe


def replan_view(r: Replan, lang: Lang) -> dict[str, Any]:
    """`trainplan replan`'s answer: plan against actual, the re-plan, or why it cannot be met."""
    from trainplan.reports.replan import html_section

    view = solved_view(r.solved, lang)
    view["cannot"] = (words(REPLAN_TEXT, "cannot", lang, year=r.from_year)
                      if r.solved.result.status == Status.infeasible else "")
    view["against"] = html_section(r.against, lang)  # HTML, escaped by the report
    return view


def replan_report(r: Replan, lang: Lang) -> str:
    """The re-plan's HTML report with its plan-against-actual section (`replan --html`)."""
    from trainplan.reports.html import html_report
    from trainplan.reports.replan import with_section

    s = r.solved
    return with_section(html_report(s.scenario, s.result, s.check, lang), r.against, lang)
