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


def _money(value: Decimal | int | None) -> str:
    if value is None:
        return "-"
    return f"{Decimal(value):,.3f}".rstrip("0").rstrip(".")


def terminal_report(sc: Scenario, result: SolveResult, check: Verification | None) -> str:
    """A compact text report: starts, spending, quotas, status, verification."""
    lines = [f"{sc.name}: {result.status.value}"]
    for g in result.goals:
        value = _goal_human(g.name, g.value)
        gap = "" if g.optimal else f" (bound {_goal_human(g.name, g.bound)}, gap {g.gap:.1%})"
        lines.append(f"  goal {g.name}: {value}{gap}")
    if result.message:
        lines.append(f"  {result.message}")
    if result.roster is None:
        return "\n".join(lines)
    roster = result.roster
    lines += ["", "Starters by year and level:", starts_by_year_level(sc, roster).to_string()]
    spend = spending_by_year(sc, roster)
    spend_text = spend.apply(lambda c: c.map(_money))
    lines += ["", "Spending by year (million VND):", spend_text.to_string()]
    quotas = totals_vs_quotas(sc, roster)
    lines += ["", "Graduates against the plan's table:", quotas.to_string(index=False)]
    if check is not None:
        lines += ["", check.summary()]
        lines += [f"  {v.rule}: {v.message}" for v in check.violations[:20]]
    return "\n".join(lines)


def _goal_human(name: str, value: int) -> str:
    if name == "min_cost":
        return f"{_money(Decimal(value) / MONEY_SCALE)} million VND"
    return str(value)


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


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
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
