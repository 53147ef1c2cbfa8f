"""What-if reports: the comparison table, roster differences, sweep table and frontier."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from trainplan.models.files import scenario_hash, write_atomic
from trainplan.models.measures import (
    milestone_results,
    quota_results,
    starters,
    total_cost,
    yearly_spending,
)
from trainplan.models.results import Compared, FrontierPoint
from trainplan.models.sweep import Sweep, text
from trainplan.reports.i18n import (
    CLI_TEXT,
    MEASURE_VI,
    STATUS_NAMES,
    SWEEP_HEADERS,
    WHATIF_TEXT,
    Lang,
    amount,
    duration,
    money,
    status_text,
    t,
    words,
)
from trainplan.reports.tables import roster_frame

MISSING = "-"
#: Roster differences shown in the terminal; the files under --out hold all of them.
ROSTER_LINES = 30
_ROSTER_KEY = ["year", "unit_type", "unit", "level"]
#: Sweep table columns after the grid keys, in the order they are kept when space is short.
_SWEEP_SHOWN = ["status", "total_cost", "people", "verified", "error", "peak_starts",
                "peak_spending"]


def _measures(c: Compared, lang: Lang | None = None) -> dict[str, str]:
    """Every compared measure of one scenario, as text, in display order.

    Without `lang` the values are as the results files hold them (no separators);
    with it, as a reader sees them: thousands separators and words in `lang`.
    """
    sc, roster = c.scenario, c.result.roster
    fig = text if lang is None else partial(_figure, lang=lang)
    say = partial(words, WHATIF_TEXT, lang=lang or "en")
    out = {"status": c.result.status.value if lang is None
           else status_text(c.result.status, lang),
           "feasible": fig(roster is not None),
           "verified": MISSING if c.check is None else fig(c.check.ok),
           "scenario hash": scenario_hash(sc)}
    if roster is None:
        return out
    out["total cost (million VND)"] = fig(total_cost(sc, roster))
    out["people trained"] = fig(starters(roster))
    spent = yearly_spending(sc, roster)
    out |= {f"spending {y}": fig(spent[y]) for y in sc.years}
    out |= {f"starts {y} {lv.id}": fig(starters(roster, year=y, level=lv.id))
            for y in sc.years for lv in sc.levels}
    for q in quota_results(sc, roster):
        mode = "" if q.mode == "exact" else f"{_mode(q.mode, lang)} "
        need = f"{mode}{fig(q.required)}"
        out[f"quota {q.unit_type} {q.level}"] = (f"{say('of', got=fig(q.graduates), need=need)}: "
                                                 f"{say('met' if q.met else 'not_met')}")
    for m in milestone_results(sc, roster):
        got, need = fig(m.achieved), fig(m.required)
        out[f"milestone {m.id}"] = (f"{say('by', got=got, need=need, year=m.by_year)}"
                                    f": {say('met' if m.met else 'not_met')}")
    return out


def _figure(value: Any, lang: Lang) -> str:
    """A measure for the reader: 37,640 (en), 37.640 (vi), yes/no in words."""
    if isinstance(value, bool):
        return words(WHATIF_TEXT, "yes" if value else "no", lang)
    return amount(value, lang)


def _mode(mode: str, lang: Lang | None) -> str:
    """A quota kind: 'at least' (files and English), 'ít nhất' (Vietnamese)."""
    return t(f"mode_{mode}", "vi") if lang == "vi" else mode.replace("_", " ")


def measure_name(measure: str, lang: Lang) -> str:
    """A measure's name in `lang`: the fixed part translated, ids and years kept."""
    if lang == "en":
        return measure
    if measure in MEASURE_VI:
        return MEASURE_VI[measure]
    head, _, rest = measure.partition(" ")
    return f"{MEASURE_VI.get(head, head)} {rest}"


def compare_frame(compared: list[Compared], lang: Lang | None = None) -> pd.DataFrame:
    """One row per measure, one column per scenario, and whether the values differ.

    `differs` compares the scenarios that have the measure (an infeasible scenario
    has no spending, starts or quotas; its status row already says so). Without
    `lang` the values are those of the results files; with it, those a reader sees.
    """
    per = {c.label: _measures(c, lang) for c in compared}
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


def compare_text(compared: list[Compared], lang: Lang = "en") -> str:
    """The comparison for the terminal: differing rows marked with `*`."""
    frame = compare_frame(compared, lang)
    labels = [c.label for c in compared]
    body = [["*" if r["differs"] else "", measure_name(r["measure"], lang),
             *(r[k] for k in labels)] for r in frame.to_dict("records")]
    say = partial(words, WHATIF_TEXT, lang=lang)
    lines = [say("compare_head", n=len(compared)),
             *_aligned([["", say("measure"), *labels], *body])]
    diff = roster_differences(compared)
    lines += ["", say("roster_diff", n=len(diff))]
    if len(diff):
        lines.append(diff.head(ROSTER_LINES).to_string(index=False))
    if len(diff) > ROSTER_LINES:
        lines.append(say("more_rows", n=len(diff) - ROSTER_LINES))
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


def time_left(done: int, total: int, elapsed_s: float, lang: Lang = "en") -> str:
    """The sweep's time left, from the points done so far: 'about 3 min 20 s left'."""
    if done <= 0 or elapsed_s <= 0:
        return words(CLI_TEXT, "eta_unknown", lang)
    left = elapsed_s / done * max(total - done, 0)
    return words(CLI_TEXT, "eta", lang, time=duration(left, lang))


#: The widest sweep table printed unless --wide is given.
SWEEP_WIDTH = 100


def sweep_text(sweep: Sweep, rows: list[dict[str, str]], lang: Lang = "en",
               wide: bool = False) -> str:
    """One line per point: its values, status, cost and key indicators.

    The table fits SWEEP_WIDTH characters: columns are dropped from the end (the
    graduates per level first) and named below it, unless `wide`.
    """
    keys = [a.key for a in sweep.axes]
    failed = any(r["error"] for r in rows)
    levels = [c for c in sweep.columns if c.startswith("graduates_")]
    shown = [c for c in _SWEEP_SHOWN if c in sweep.columns and (c != "error" or failed)]
    columns = keys + shown + levels
    cells = {c: [_sweep_cell(c, r.get(c, ""), lang) for r in rows] for c in columns}
    heads = {c: _sweep_head(c, lang) for c in columns}
    kept = columns if wide else _fitting(columns, heads, cells, len(keys))
    say = partial(words, WHATIF_TEXT, lang=lang)
    counts = pd.Series([words(STATUS_NAMES, r["status"], lang) if r["status"] in STATUS_NAMES
                        else r["status"] for r in rows]).value_counts()
    tally = ", ".join(f"{n} {s}" for s, n in counts.items())
    table = _right_aligned([[heads[c] for c in kept],
                            *[[cells[c][i] for c in kept] for i in range(len(rows))]])
    lines = [say("points", name=sweep.name, n=len(rows), tally=tally), *table]
    hidden = [heads[c] for c in columns if c not in kept]
    if hidden:
        lines += textwrap.wrap(say("hidden", n=len(hidden), names=", ".join(hidden)),
                               SWEEP_WIDTH)
    return "\n".join(lines)


def _sweep_head(column: str, lang: Lang) -> str:
    """A short header: 'cost', 'grad. college'; grid keys as given."""
    if column in SWEEP_HEADERS:
        return words(SWEEP_HEADERS, column, lang)
    if column.startswith("graduates_"):
        return ("grad. " if lang == "en" else "TN ") + column.removeprefix("graduates_")
    return column


def _sweep_cell(column: str, value: str, lang: Lang) -> str:
    """A results-file value for the table: numbers with separators, statuses in words."""
    if column == "status" and value in STATUS_NAMES:
        return words(STATUS_NAMES, value, lang)
    if column == "verified" and value in ("yes", "no"):
        return words(WHATIF_TEXT, value, lang)
    try:
        return amount(Decimal(value), lang) if value and column != "error" else value
    except ArithmeticError:
        return value


def _fitting(columns: list[str], heads: dict[str, str], cells: dict[str, list[str]],
             fixed: int) -> list[str]:
    """The longest prefix of `columns` (at least the first `fixed`) within SWEEP_WIDTH."""
    kept, width = [], -2
    for i, c in enumerate(columns):
        need = max(len(v) for v in [heads[c], *cells[c]]) + 2
        if i >= fixed and width + need > SWEEP_WIDTH:
            break
        kept.append(c)
        width += need
    return kept


def _right_aligned(rows: list[list[str]]) -> list[str]:
    """Rows of text as right-aligned columns two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in rows]


def frontier_text(points: list[FrontierPoint], along: str, lang: Lang = "en") -> str:
    """The least feasible value of `along` for each combination of the other keys."""
    say = partial(words, WHATIF_TEXT, lang=lang)
    lines = [say("frontier", axis=along)]
    for p in points:
        held = ", ".join(f"{k}={v}" for k, v in p.others) or say("all_points")
        found = (say("frontier_hit", axis=along, value=p.least,
                     cost=money(Decimal(p.cost), lang) if p.cost else MISSING)
                 if p.least is not None else say("none_feasible"))
        lines.append(f"  {held}: {found}")
    return "\n".join(lines)
