"""Reports read the verified roster as pandas tables; they never touch the model."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from models.loader import LoadedScenario
from models.rules import GOALS
from models.scenario import MONEY_SCALE, Scenario
from models.solution import ROSTER_COLUMNS, Roster, SolveResult
from optimizer.checker import Tally, Verification
from reports.i18n import (
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
    body = yaml.safe_dump(_plain(loaded.scenario.model_dump()), sort_keys=False,
                          allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + body


def _plain(value: Any) -> Any:
    """Pydantic dump -> YAML-friendly data: Decimals as numbers, enums as text."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    return value


def scenario_hash(sc: Scenario) -> str:
    """A short fingerprint of the effective scenario (what produced a number)."""
    canonical = json.dumps(sc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def roster_frame(roster: Roster) -> pd.DataFrame:
    """The roster as a table with exactly the published columns."""
    data = [r.model_dump() for r in roster.rows]
    frame = pd.DataFrame(data, columns=ROSTER_COLUMNS)
    return frame.astype({"year": int, "starts": int, "graduation_year": int})


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
    rows = []
    for year in sc.years:
        spent = sum((r.starts * sc.level(r.level).cost_per_trainee_year for r in roster.rows
                     if r.year <= year <= r.graduation_year), Decimal(0))
        ceiling = sc.budget_ceiling(year)
        rows.append({"year": year, "spending": spent, "ceiling": ceiling})
    return pd.DataFrame(rows).set_index("year")


def totals_vs_quotas(sc: Scenario, roster: Roster) -> pd.DataFrame:
    """Starters and graduates per unit type and level against the plan's table."""
    tally = Tally(sc, roster)
    rows = []
    for ut in sc.unit_types:
        for lid, q in ut.quotas.items():
            rows.append({"unit_type": ut.id, "level": lid, "quota": q.people, "mode": q.mode.value,
                         "starters": tally.total(ut.id, lid),
                         "graduates": tally.graduates(ut.id, lid)})
    return pd.DataFrame(rows)


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
    tally = Tally(sc, roster)
    rows = []
    for ms in sc.milestones:
        got = sum(tally.graduates(ut, lv, ms.by_year) for ut, lv in sc.milestone_pairs(ms))
        need = sc.milestone_target(ms)
        rows.append({"milestone": ms.id, "label": ms.label, "by_year": ms.by_year,
                     "unit_types": ", ".join(ms.unit_types or ["all"]),
                     "levels": ", ".join(ms.levels or ["all"]),
                     "required": need, "achieved": got, "met": got >= need})
    return pd.DataFrame(rows, columns=["milestone", "label", "by_year", "unit_types", "levels",
                                       "required", "achieved", "met"])


def terminal_report(sc: Scenario, result: SolveResult, check: Verification | None,
                    lang: Lang = "en") -> str:
    """A compact text report: starts, spending, quotas, status, verification.

    In English the tables keep the scenario's ids; in Vietnamese they use the
    scenario's Vietnamese level and unit-type names and Vietnamese number format.
    """
    lines = [f"{sc.name}: {status_text(result.status, lang)}"]
    for g in result.goals:
        gap = "" if g.optimal else " (" + t("bound_gap", lang, bound=goal_value(
            g.name, g.bound, lang), gap=percent(g.gap, lang)) + ")"
        lines.append(f"  {goal_words(g.name, g.value, lang)}{gap}")
    if result.message:
        lines.append(f"  {result.message}")
    if result.roster is None:
        return "\n".join(lines)
    roster = result.roster
    starts = _localised(starts_by_year_level(sc, roster), sc, lang)
    lines += ["", f"{t('starts_by_year_level', lang)}:", starts.to_string()]
    spend = spending_by_year(sc, roster).apply(lambda c: c.map(lambda v: amount(v, lang)))
    lines += ["", f"{t('spending_by_year', lang)}:", _localised(spend, sc, lang).to_string()]
    quotas = totals_vs_quotas(sc, roster)
    if lang != "en":
        quotas["unit_type"] = [unit_type_label(sc, u, lang) for u in quotas["unit_type"]]
        quotas["level"] = [level_label(sc, lv, lang) for lv in quotas["level"]]
        quotas["mode"] = [t(f"mode_{m}", lang) for m in quotas["mode"]]
    lines += ["", f"{t('graduates_vs_table', lang)}:",
              _localised(quotas, sc, lang).to_string(index=False)]
    if check is not None:
        lines += ["", t("verified", lang, rules=len(check.rules_checked),
                        violations=len(check.violations))]
        lines += [f"  {v.rule}: {v.message}" for v in check.violations[:20]]
    return "\n".join(lines)


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


def summary_dict(sc: Scenario, result: SolveResult, check: Verification | None) -> dict[str, Any]:
    """Everything a reader of summary.json needs, in plain JSON types."""
    out: dict[str, Any] = {
        "scenario": sc.name,
        "scenario_hash": scenario_hash(sc),
        "status": result.status.value,
        "status_code": result.status.name,
        "message": result.message,
        "goals": [{"name": g.name, "meaning": GOALS[g.name], "value": g.value, "bound": g.bound,
                   "gap": g.gap, "proven_optimal": g.optimal} for g in result.goals],
        "build_seconds": round(result.build_seconds, 3),
        "solve_seconds": round(result.solve_seconds, 3),
        "settings": result.settings.model_dump(),
    }
    if result.roster is not None:
        roster = result.roster
        frame = roster_frame(roster)
        out["totals"] = {
            "people": int(frame["starts"].sum()),
            "per_level": {k: int(v) for k, v in frame.groupby("level")["starts"].sum().items()},
            "per_unit_type": {k: int(v)
                              for k, v in frame.groupby("unit_type")["starts"].sum().items()},
            "per_year": {str(k): int(v) for k, v in frame.groupby("year")["starts"].sum().items()},
        }
        spend = spending_by_year(sc, roster)
        out["spending_per_year"] = {
            str(y): {"spending": float(row.spending),
                     "ceiling": None if row.ceiling is None else float(row.ceiling)}
            for y, row in spend.iterrows()}
        per_source: dict[str, float] = {}
        for f in roster.funding:
            per_source[f.source] = per_source.get(f.source, 0.0) + float(f.amount)
        out["spending_per_source"] = per_source
    if check is not None:
        out["verification"] = {"rules_checked": len(check.rules_checked),
                               "violations": [{"rule": v.rule, "message": v.message}
                                              for v in check.violations],
                               "ok": check.ok}
    return out


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file whole or not at all: a temporary file renamed into place.

    Text is written as UTF-8 with the line endings it has. The file gets the
    usual permissions (0666 less the umask), not the temporary file's 0600.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(out_dir: Path, sc: Scenario, result: SolveResult,
                  check: Verification | None) -> list[Path]:
    """Write roster.csv (if there is a roster) and summary.json into `out_dir`."""
    written = []
    if result.roster is not None:
        csv = roster_frame(result.roster).to_csv(index=False, lineterminator="\n")
        write_atomic(out_dir / "roster.csv", csv)
        written.append(out_dir / "roster.csv")
    summary = json.dumps(summary_dict(sc, result, check), indent=2, ensure_ascii=False)
    write_atomic(out_dir / "summary.json", summary + "\n")
    written.append(out_dir / "summary.json")
    return written
