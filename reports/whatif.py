"""What-if reports: the comparison table, roster differences, sweep table and frontier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.checker import Tally
from optimizer.whatif import Compared, FrontierPoint, Sweep, text
from reports.tables import roster_frame, scenario_hash, write_atomic

MISSING = "-"
#: Roster differences shown in the terminal; the files under --out hold all of them.
ROSTER_LINES = 30
_ROSTER_KEY = ["year", "unit_type", "unit", "level"]
_SWEEP_SHOWN = ["status", "total_cost", "people", "peak_starts", "peak_spending", "verified",
                "error"]


def _measures(c: Compared) -> dict[str, str]:
    """Every compared measure of one scenario, as text, in display order."""
    sc, roster = c.scenario, c.result.roster
    out = {"status": c.result.status.value, "feasible": text(roster is not None),
           "verified": MISSING if c.check is None else text(c.check.ok),
           "scenario hash": scenario_hash(sc)}
    if roster is None:
        return out
    t = Tally(sc, roster)
    out["total cost (million VND)"] = text(t.total_cost())
    out["people trained"] = text(t.total())
    out |= {f"spending {y}": text(t.spending(y)) for y in sc.years}
    out |= {f"starts {y} {lv.id}": text(t.total(level=lv.id, year=y))
            for y in sc.years for lv in sc.levels}
    for ut in sc.unit_types:
        for lid, q in ut.quotas.items():
            got = t.graduates(ut.id, lid)
            met = (q.mode == "at_most" or got >= q.people) and (
                q.mode == "at_least" or got <= q.people)
            mode = "" if q.mode == "exact" else f"{q.mode.value.replace('_', ' ')} "
            out[f"quota {ut.id} {lid}"] = f"{got} of {mode}{q.people}: {_met(met)}"
    for ms in sc.milestones:
        got = sum(t.graduates(u, lv, ms.by_year) for u, lv in sc.milestone_pairs(ms))
        need = sc.milestone_target(ms)
        out[f"milestone {ms.id}"] = f"{got} of {need} by {ms.by_year}: {_met(got >= need)}"
    return out


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def compare_frame(compared: list[Compared]) -> pd.DataFrame:
    """One row per measure, one column per scenario, and whether the values differ.

    `differs` compares the scenarios that have the measure (an infeasible scenario
    has no spending, starts or quotas; its status row already says so).
    """
    per = {c.label: _measures(c) for c in compared}
    order: list[str] = []
    for values in per.values():
        order += [m for m in values if m not in order]
    rows = []
    for m in order:
        values = [per[c.label].get(m, MISSING) for c in compared]
        present = {v for v in values if v != MISSING}
        rows.append({"measure": m, **dict(zip(per, values, strict=True)),
                     "differs": len(present) > 1})
    return pd.DataFrame(rows, columns=["measure", *per, "differs"])


def roster_differences(compared: list[Compared]) -> pd.DataFrame:
    """Roster rows (year, unit type, unit, level) whose starters differ between scenarios."""
    frames = []
    for c in compared:
        if c.result.roster is None:
            continue
        f = roster_frame(c.result.roster)[[*_ROSTER_KEY, "starts"]]
        frames.append(f.rename(columns={"starts": c.label}).set_index(_ROSTER_KEY))
    if not frames:
        return pd.DataFrame(columns=[*_ROSTER_KEY, *(c.label for c in compared)])
    table = pd.concat(frames, axis=1).fillna(0).astype(int)
    table = table[table.nunique(axis=1) > 1]
    return table.sort_index().reset_index()


def compare_text(compared: list[Compared]) -> str:
    """The comparison for the terminal: differing rows marked with `*`."""
    frame = compare_frame(compared)
    labels = [c.label for c in compared]
    body = [["*" if r["differs"] else "", r["measure"], *(r[k] for k in labels)]
            for r in frame.to_dict("records")]
    lines = [f"Comparison of {len(compared)} scenarios ('*': the values differ):",
             *_aligned([["", "measure", *labels], *body])]
    diff = roster_differences(compared)
    lines += ["", f"Roster rows that differ (starters): {len(diff)}"]
    if len(diff):
        lines.append(diff.head(ROSTER_LINES).to_string(index=False))
    if len(diff) > ROSTER_LINES:
        lines.append(f"... and {len(diff) - ROSTER_LINES} more (--out DIR writes them all)")
    return "\n".join(lines)


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows of text as left-aligned columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]


def compare_dict(compared: list[Compared]) -> dict[str, Any]:
    """The comparison in plain JSON types."""
    frame = compare_frame(compared)
    labels = [c.label for c in compared]
    return {
        "scenarios": [{"label": c.label, "name": c.scenario.name,
                       "scenario_hash": scenario_hash(c.scenario),
                       "settings": c.result.settings.model_dump()} for c in compared],
        "measures": [{"measure": r["measure"], "values": {k: r[k] for k in labels},
                      "differs": bool(r["differs"])} for r in frame.to_dict("records")],
        "roster_differences": roster_differences(compared).to_dict("records"),
    }


def write_compare(out_dir: Path, compared: list[Compared]) -> list[Path]:
    """Write comparison.csv, roster_differences.csv and comparison.json into `out_dir`."""
    files = {
        "comparison.csv": compare_frame(compared).to_csv(index=False, lineterminator="\n"),
        "roster_differences.csv": roster_differences(compared).to_csv(
            index=False, lineterminator="\n"),
        "comparison.json": json.dumps(compare_dict(compared), indent=2, ensure_ascii=False,
                                      default=_json_default) + "\n",
    }
    for name, body in files.items():
        write_atomic(out_dir / name, body)
    return [out_dir / name for name in files]


def _json_default(value: Any) -> Any:
    """Numbers from pandas (numpy types) as plain JSON numbers."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def sweep_text(sweep: Sweep, rows: list[dict[str, str]]) -> str:
    """One line per point: its values, status, cost and key indicators."""
    keys = [a.key for a in sweep.axes]
    failed = any(r["error"] for r in rows)
    columns = keys + [c for c in sweep.columns if c in _SWEEP_SHOWN or c.startswith("graduates_")
                      if c != "error" or failed]
    frame = pd.DataFrame(rows, columns=columns)
    counts = pd.Series([r["status"] for r in rows]).value_counts()
    tally = ", ".join(f"{n} {s}" for s, n in counts.items())
    return f"{sweep.name}: {len(rows)} points ({tally})\n" + frame.to_string(index=False)


def frontier_text(points: list[FrontierPoint], along: str) -> str:
    """The least feasible value of `along` for each combination of the other keys."""
    lines = [f"Feasibility frontier: least {along} with a verified plan"]
    for p in points:
        held = ", ".join(f"{k}={v}" for k, v in p.others) or "all points"
        found = (f"{along}={p.least} (cost {p.cost} million VND)" if p.least is not None
                 else "none feasible on this grid")
        lines.append(f"  {held}: {found}")
    return "\n".join(lines)
