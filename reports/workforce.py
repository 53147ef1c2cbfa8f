"""The workforce in stock terms: staff by qualification per year, targets, in two languages.

Read from `models.workforce` and `models.measures` (the checker's figures), never from
the solver. Empty without a workforce section, so other scenarios' outputs are unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from trainplan.models.checker import Verification
from trainplan.models.measures import TargetResult, workforce_targets
from trainplan.models.scenario import Scenario, qualification_ids
from trainplan.models.solution import Roster
from trainplan.models.workforce import YearStock, workforce_stock
from trainplan.reports.i18n import (
    WORKFORCE_TEXT,
    Lang,
    amount,
    number,
    qualification_label,
    unit_type_label,
    words,
)


def _w(key: str, lang: Lang, **values: object) -> str:
    return words(WORKFORCE_TEXT, key, lang, **values)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Rows of text as aligned lines: the first column left, the others right."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return [" ".join(c.ljust(w) if i == 0 else c.rjust(w)
                     for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in [headers, *rows]]


def stock_rows(sc: Scenario, years: list[YearStock], lang: Lang) -> list[list[str]]:
    """One row per year: in post, each qualification held, leavers, graduates, recruits."""
    quals = qualification_ids(sc)
    return [[str(ys.year), number(ys.staff_in_post, lang),
             *(number(ys.end[q], lang) for q in quals),
             number(sum(ys.leavers.values()), lang), number(sum(ys.graduated_in.values()), lang),
             number(sum(ys.recruits.values()), lang),
             number(sum(n for q, n in ys.recruits.items() if q != "none"), lang)]
            for ys in years]


def stock_headers(sc: Scenario, lang: Lang) -> list[str]:
    """The stock table's column names."""
    return [_w("year", lang), _w("in_post", lang),
            *(qualification_label(sc, q, lang) for q in qualification_ids(sc)),
            _w("leavers", lang), _w("graduates", lang), _w("recruits", lang),
            _w("qualified_recruits", lang)]


def target_row(r: TargetResult, lang: Lang) -> list[str]:
    """A target as a table row: id, when, required, achieved, met."""
    return [r.id, r.when, number(r.required, lang), number(r.achieved, lang),
            _w("met" if r.met else "not_met", lang)]


def target_headers(lang: Lang) -> list[str]:
    """The targets table's column names."""
    return [_w(k, lang) for k in ("target", "when", "required", "achieved", "met")]


def workforce_lines(sc: Scenario, roster: Roster, lang: Lang = "en") -> list[str]:
    """The terminal's workforce block (no lines without a workforce section)."""
    if sc.workforce is None:
        return []
    lines: list[str] = []
    for t, years in workforce_stock(sc, roster).items():
        lines += ["", _w("stock_head", lang, unit_type=unit_type_label(sc, t, lang)) + ":"]
        lines += _table(stock_headers(sc, lang), stock_rows(sc, years, lang))
    targets = workforce_targets(sc, roster)
    if targets:
        lines += ["", _w("targets_head", lang) + ":"]
        lines += _table(target_headers(lang), [target_row(r, lang) for r in targets])
    return lines


def workforce_summary(sc: Scenario, roster: Roster) -> dict[str, Any]:
    """summary.json's workforce: stock per unit type and year, targets, qualified recruits."""
    stock = {t: [{"year": ys.year, "staff_in_post": ys.staff_in_post, "held": ys.end,
                  "leavers": ys.leavers, "graduates_in": ys.graduated_in,
                  "recruits": ys.recruits} for ys in years]
             for t, years in workforce_stock(sc, roster).items()}
    return {"stock": stock, "targets": [vars(r) for r in workforce_targets(sc, roster)],
            "qualified_recruits": [r.model_dump() for r in roster.recruits]}


def robust_lines(points: Decimal, expected: Verification, lang: Lang = "en") -> list[str]:
    """What --robust solved for, and whether the plan also holds at the expected attrition."""
    return ["", _w("robust", lang, points=amount(points.normalize(), lang)),
            _w("robust_expected", lang, rules=len(expected.rules_checked),
               violations=len(expected.violations)),
            *(f"  {v.rule}: {v.message}" for v in expected.violations[:10])]
