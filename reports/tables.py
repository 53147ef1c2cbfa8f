"""Reports read the verified roster as pandas tables; they never touch the model."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from trainplan.models.checker import Tally, Verification
from trainplan.models.files import scenario_hash
from trainplan.models.loader import LoadedScenario
from trainplan.models.measures import (
    Spending,
    budget_spending,
    milestone_results,
    quota_results,
    spending_per_phase,
    spending_per_source,
    spending_per_year,
    total_cost,
)
from trainplan.models.rules import GOALS
from trainplan.models.scenario import MONEY_SCALE, Scenario, unambiguous
from trainplan.models.solution import ROSTER_COLUMNS, Roster, SolveResult
from trainplan.reports.i18n import (
    Lang,
    amount,
    goal_words,
    level_label,
    money,
    number,
    percent,
    status_text,
    t,
    unit_type_label,
)
from trainplan.reports.workforce import workforce_lines, workforce_summary


def scenario_yaml(loaded: LoadedScenario) -> str:
    """The effective scenario as YAML, every default filled in, with a header."""
    head = [f"# effective scenario from {loaded.path}"]
    if loaded.applied:
        head.append(f"# variants applied: {', '.join(loaded.applied)}")
    if loaded.sets:
        head.append(f"# values set: {', '.join(loaded.sets)}")
    if loaded.variants:
        head.append(f"# variants defined: {', '.join(sorted(loaded.variants))}")
    head.append(f"# scenario hash: {scenario_hash(loaded.scenario)}")
    return "\n".join(head) + "\n" + scenario_dump(loaded.scenario.model_dump())


class _ScenarioDumper(yaml.SafeDumper):
    """YAML a scenario file can be read back from: exact, never ambiguous figures."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", unambiguous(value))


_ScenarioDumper.add_representer(Decimal, _decimal)


def scenario_dump(data: Any) -> str:
    """Scenario data as YAML: every digit of money kept, 14.1160 rather than 14.116."""
    return yaml.dump(_plain(data), Dumper=_ScenarioDumper, sort_keys=False,
                     allow_unicode=True, width=100)


def _plain(value: Any) -> Any:
    """Pydantic dump -> YAML-friendly data: enums as text (Decimals kept, see _decimal)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def roster_frame(roster: Roster) -> pd.DataFrame:
    """The roster as a table with exactly the published columns."""
    data = [r.model_dump() for r in roster.rows]
    frame = pd.DataFrame(data, columns=ROSTER_COLUMNS)
    return frame.astype({"year": int, "starts": int, "graduation_year": int})


def unit_names(sc: Scenario) -> dict[tuple[str, str], str]:
    """The names the scenario gives its units, by (unit type, unit id); unnamed units absent."""
    return {(ut.id, u.id): u.name for ut in sc.unit_types for u in ut.unit_list or [] if u.name}


def roster_csv(sc: Scenario, roster: Roster) -> str:
    """roster.csv: the seven published columns, then `unit_name` if the scenario names units.

    A scenario that names no unit gets exactly the seven columns.
    """
    frame = roster_frame(roster)
    names = unit_names(sc)
    if names:
        frame["unit_name"] = [names.get((t, u), "") for t, u in
                              zip(frame["unit_type"], frame["unit"], strict=True)]
    return frame.to_csv(index=False, lineterminator="\n")


def starts_by_year_level(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Starters per year (rows) and level (columns), with totals."""
    frame = roster_frame(roster)
    table = frame.pivot_table(index="year", columns="level", values="starts", aggfunc="sum",
                              fill_value=0)
    table = table.reindex(index=sc.years, columns=[lv.id for lv in sc.levels], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.astype(int)


def spending_by_year(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Money spent per year on trainees in training, against the yearly ceiling."""
    rows = [{"year": y.year, "spending": y.spent, "ceiling": y.available, "left": y.left}
            for y in spending_per_year(sc, roster)]
    return pd.DataFrame(rows).set_index("year")


def totals_vs_quotas(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Starters and graduates per unit type and level against the plan's table."""
    return pd.DataFrame([{"unit_type": q.unit_type, "level": q.level, "quota": q.required,
                          "mode": q.mode, "starters": q.starters, "graduates": q.graduates}
                         for q in quota_results(sc, roster)])


def plan_table(sc: Scenario, roster: Roster | None = None) -> pd.DataFrame:
    """The plan's own table: per unit type, units, staff and people per level (quota).

    The last row holds the totals (staff per unit has none).

    With a roster, a second block of columns gives the graduates the roster yields,
    so a reader can set the two side by side.
    """
    level_ids = [lv.id for lv in sc.levels]
    tally = Tally(sc, roster) if roster is not None else None
    rows = []
    for ut in sc.unit_types:
        row: dict[str, Any] = {"unit_type": ut.id, "units": ut.units,
                               "staff_per_unit": ut.staff_per_unit,
                               "staff": ut.units * ut.staff_per_unit}
        for lid in level_ids:
            row[lid] = ut.quotas[lid].people if lid in ut.quotas else 0
        row["total"] = sum(row[lid] for lid in level_ids)
        if tally is not None:
            for lid in level_ids:
                row[f"graduates_{lid}"] = tally.graduates(ut.id, lid) if lid in ut.quotas else 0
            row["graduates_total"] = sum(row[f"graduates_{lid}"] for lid in level_ids)
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("unit_type")
    frame = frame.astype("Int64")
    totals = frame.sum()
    totals["staff_per_unit"] = pd.NA  # a sum of per-unit figures means nothing
    frame.loc["total"] = totals
    return frame


def in_training_by_year(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """People in training each year (per level and in all), against the seats ceiling."""
    tally = Tally(sc, roster)
    rows = []
    for year in sc.years:
        row: dict[str, Any] = {"year": year}
        for lv in sc.levels:
            row[lv.id] = tally.in_training(year, lv.id)
        row["total"] = tally.in_training(year)
        row["seats"] = sc.seats_cap(year)
        rows.append(row)
    return pd.DataFrame(rows).set_index("year")


def spending_by_source(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Money each funding source pays per year (empty when the plan has no sources)."""
    ids = [s.id for s in sc.budget.sources]
    table = pd.DataFrame(0, index=pd.Index(sc.years, name="year"), columns=ids, dtype=object)
    for f in roster.funding:
        table.loc[f.year, f.source] += f.amount
    return table


def milestones_frame(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Each milestone: graduates required by its year, graduates achieved, met or not."""
    rows = [{"milestone": m.id, "label": m.label, "by_year": m.by_year,
             "unit_types": ", ".join(ms.unit_types or ["all"]),
             "levels": ", ".join(ms.levels or ["all"]),
             "required": m.required, "achieved": m.achieved, "met": m.met}
            for ms, m in zip(sc.milestones, milestone_results(sc, roster), strict=True)]
    return pd.DataFrame(rows, columns=["milestone", "label", "by_year", "unit_types", "levels",
                                       "required", "achieved", "met"])


def terminal_report(sc: Scenario, result: SolveResult, check: Verification | None,
                    lang: Lang = "en", next_step: str | None = None) -> str:
    """A compact text report: status, starts, spending, quotas, verification.

    In English the tables keep the scenario's ids; in Vietnamese they use the
    scenario's Vietnamese level and unit-type names and Vietnamese number format.
    `next_step` (a command) is said after the status when there is no plan.
    """
    lines = [f"{sc.name}: {status_text(result.status, lang)}"]
    for g in result.goals:
        gap = "" if g.optimal else " (" + t("bound_gap", lang, bound=goal_value(
            g.name, g.bound, lang), gap=percent(g.gap, lang)) + ")"
        lines.append(f"  {goal_words(g.name, g.value, lang)}{gap}")
    if result.message:
        lines.append(f"  {result.message}")
    if next_step is not None:
        lines.append(f"  {t('next_step', lang, command=next_step)}")
    if result.roster is None:
        return "\n".join(lines)
    roster = result.roster
    starts = _localised(starts_by_year_level(sc, roster), sc, lang)
    lines += ["", f"{t('starts_by_year_level', lang)}:", starts.to_string()]
    lines += ["", budget_line(budget_spending(sc, roster), lang)]
    lines += _spending_tables(sc, roster, lang)
    quotas = totals_vs_quotas(sc, roster)
    if lang != "en":
        quotas["unit_type"] = [unit_type_label(sc, u, lang) for u in quotas["unit_type"]]
        quotas["level"] = [level_label(sc, lv, lang) for lv in quotas["level"]]
        quotas["mode"] = [t(f"mode_{m}", lang) for m in quotas["mode"]]
    lines += ["", f"{t('graduates_vs_table', lang)}:",
              _localised(quotas, sc, lang).to_string(index=False)]
    lines += workforce_lines(sc, roster, lang)
    if check is not None:
        lines += ["", t("verified", lang, rules=len(check.rules_checked),
                        violations=len(check.violations))]
        lines += [f"  {v.rule}: {v.message}" for v in check.violations[:20]]
    return "\n".join(lines)


def budget_line(total: Spending, lang: Lang) -> str:
    """The whole plan's spending against the total budget, in one sentence."""
    if total.available is None:
        return t("budget_spent_no_total", lang, spent=amount(total.spent, lang))
    return t("budget_spent", lang, spent=amount(total.spent, lang),
             total=amount(total.available, lang), left=amount(total.left, lang))


def _spending_row(label: str, s: Spending, lang: Lang, unused: bool = False) -> list[str]:
    """One row of a spending table: label, spent, available, left (and 'unused' if asked)."""
    row = [label, amount(s.spent, lang), amount(s.available, lang), amount(s.left, lang)]
    return [*row, t("unused", lang) if unused and s.unused else ""]


def _text_table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows of text as an aligned table: the first column left, the others right."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(" ".join(c.ljust(w) if i == 0 else c.rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                     for r in [headers, *rows])


def _spending_tables(sc: Scenario, roster: Roster, lang: Lang) -> list[str]:
    """Spending by funding source, phase and year against what is available, with totals."""
    total = budget_spending(sc, roster)
    heads = [t("spent", lang), t("available", lang), t("left", lang), ""]
    lines: list[str] = []
    sources = spending_per_source(sc, roster)
    if sources:
        rows = [_spending_row(s.source.id if lang == "en" else s.label, s, lang, unused=True)
                for s in sources]
        paid = Spending("total", sum((s.spent for s in sources), Decimal(0)),
                        sum((s.available or Decimal(0) for s in sources), Decimal(0)))
        rows.append(_spending_row(t("total", lang), paid, lang))
        lines += ["", f"{t('spending_by_source', lang)}:",
                  _text_table([t("source", lang), *heads], rows)]
    rows = [_spending_row(p.label if p.label == f"{p.first_year}-{p.last_year}"
                          else f"{p.label} ({p.first_year}-{p.last_year})", p, lang)
            for p in spending_per_phase(sc, roster)]
    rows.append(_spending_row(t("total", lang), total, lang))
    lines += ["", f"{t('spending_by_phase', lang)}:",
              _text_table([t("phase", lang), *heads], rows)]
    rows = [_spending_row(y.label, y, lang) for y in spending_per_year(sc, roster)]
    rows.append(_spending_row(t("total", lang), total, lang))
    lines += ["", f"{t('spending_by_year', lang)}:",
              _text_table([t("year", lang), *heads], rows)]
    return lines


def _localised(frame: pd.DataFrame, sc: Scenario, lang: Lang) -> pd.DataFrame:
    """Column and index names in `lang`; English keeps the ids the CLI always printed."""
    if lang == "en":
        return frame
    names = {lv.id: level_label(sc, lv.id, lang) for lv in sc.levels}
    names |= {key: t(key, lang) for key in ("year", "level", "unit_type", "quota", "mode",
                                            "starters", "graduates", "total", "spending",
                                            "ceiling")}
    out = frame.rename(columns=names)
    out.columns.name = names.get(str(frame.columns.name), frame.columns.name)
    out.index.name = names.get(str(frame.index.name), frame.index.name)
    return out


def goal_value(name: str, value: int, lang: Lang = "en") -> str:
    """A goal's value for people: money for min_cost, a plain number otherwise."""
    if name == "min_cost":
        return money(Decimal(value) / MONEY_SCALE, lang)
    return number(value, lang)


def goal_figure(name: str, value: int) -> Decimal | int:
    """A goal's value in its unit: million VND for min_cost (the model counts thousands)."""
    return Decimal(value) / MONEY_SCALE if name == "min_cost" else value


def _spending_dict(s: Spending, spent: str = "spent", available: str = "ceiling") -> dict:
    return {spent: s.spent, available: s.available, "left": s.left}


def _spending_summary(sc: Scenario, roster: Roster) -> dict[str, Any]:
    """summary.json's money: total, per funding source, per phase and per year."""
    return {
        "total": _spending_dict(budget_spending(sc, roster), available="budget"),
        "per_source": [{"source": s.source.id, "label": s.label,
                        **_spending_dict(s, spent="used", available="amount"),
                        "unused": s.unused} for s in spending_per_source(sc, roster)],
        "per_phase": [{"phase": p.label, "first_year": p.first_year, "last_year": p.last_year,
                       **_spending_dict(p)} for p in spending_per_phase(sc, roster)],
        "per_year": [{"year": y.year, **_spending_dict(y)} for y in spending_per_year(sc, roster)],
    }


def summary_dict(sc: Scenario, result: SolveResult, check: Verification | None,
                 next_step: str | None = None) -> dict[str, Any]:
    """Everything a reader of summary.json needs; money as exact Decimals in million VND."""
    out: dict[str, Any] = {
        "scenario": sc.name,
        "scenario_hash": scenario_hash(sc),
        "status": result.status.value,
        "status_code": result.status.name,
        "message": result.message,
    }
    if next_step is not None:
        out["next_step"] = t("next_step", "en", command=next_step)
    out |= {
        "goals": [{"name": g.name, "meaning": GOALS[g.name].meaning, "unit": GOALS[g.name].unit,
                   "value": goal_figure(g.name, g.value), "bound": goal_figure(g.name, g.bound),
                   "gap": g.gap, "proven_optimal": g.optimal} for g in result.goals],
        "build_seconds": round(result.build_seconds, 3),
        "solve_seconds": round(result.solve_seconds, 3),
        "settings": result.settings.model_dump(),
    }
    if result.roster is not None:
        roster = result.roster
        frame = roster_frame(roster)
        out["total_cost_million_vnd"] = total_cost(sc, roster)
        out["totals"] = {
            "people": int(frame["starts"].sum()),
            "per_level": {k: int(v) for k, v in frame.groupby("level")["starts"].sum().items()},
            "per_unit_type": {k: int(v)
                              for k, v in frame.groupby("unit_type")["starts"].sum().items()},
            "per_year": {str(k): int(v) for k, v in frame.groupby("year")["starts"].sum().items()},
        }
        out["quotas"] = [vars(q) for q in quota_results(sc, roster)]
        out["milestones"] = [vars(m) for m in milestone_results(sc, roster)]
        out["spending_million_vnd"] = _spending_summary(sc, roster)
        if sc.workforce is not None:
            out["workforce"] = workforce_summary(sc, roster)
    if check is not None:
        out["verification"] = {"rules_checked": len(check.rules_checked),
                               "violations": [{"rule": v.rule, "message": v.message}
                                              for v in check.violations],
                               "ok": check.ok}
    return out


def _marked(value: Any, token: str) -> Any:
    """Plain data with each Decimal replaced by `token` and its digits, as text."""
    if isinstance(value, Mapping):
        return {k: _marked(v, token) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_marked(v, token) for v in value]
    if isinstance(value, Decimal):
        return f"{token}{value.normalize():f}"
    return value


def exact_json(data: Any) -> str:
    """JSON text in which every Decimal is written digit for digit (never through float)."""
    token = uuid.uuid4().hex  # text no scenario holds; gone from the result
    text = json.dumps(_marked(data, token), indent=2, ensure_ascii=False)
    return re.sub(f'"{token}(-?[0-9.]+)"', r"\1", text)


def summary_json(sc: Scenario, result: SolveResult, check: Verification | None,
                 next_step: str | None = None) -> str:
    """summary.json's text."""
    return exact_json(summary_dict(sc, result, check, next_step)) + "\n"


def solve_files(out_dir: Path, sc: Scenario, result: SolveResult, check: Verification | None,
                next_step: str | None = None) -> dict[Path, str]:
    """roster.csv (when there is a roster) and summary.json for `out_dir`, as text."""
    files = {}
    if result.roster is not None:
        files[out_dir / "roster.csv"] = roster_csv(sc, result.roster)
    files[out_dir / "summary.json"] = summary_json(sc, result, check, next_step)
    return files


def stale_files(out_dir: Path, result: SolveResult) -> list[Path]:
    """Files of an earlier run in `out_dir` that would contradict this one (an old roster)."""
    return [out_dir / "roster.csv"] if result.roster is None else []
