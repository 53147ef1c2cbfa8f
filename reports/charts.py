"""The plan's four charts, drawn with matplotlib, as SVG text or PNG files.

The charts are: starters per year stacked by level (against the yearly places),
people in training against the seats, spending against the yearly ceiling, and
cumulative graduates against the milestones. Output is deterministic: fixed
figure size and resolution, a fixed SVG hash salt and no dates in the metadata,
so the same scenario gives byte-identical files. Figures are made without
pyplot (no global state, no interactive backend). Every label is drawn as plain
text (no TeX math), so a `$` in a scenario's names is just a dollar sign.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from trainplan.models.checker import Tally
from trainplan.models.scenario import Scenario
from trainplan.models.solution import Roster, SolveResult
from trainplan.reports.i18n import Lang, level_label, milestone_label, number, t
from trainplan.reports.tables import (
    in_training_by_year,
    spending_by_year,
    starts_by_year_level,
)

FIGSIZE = (8.0, 4.5)
PNG_DPI = 150
# Colour-blind-safe palette (Okabe-Ito), one colour per level in scenario order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
MILESTONE_PALETTE = ["#D55E00", "#7B3294", "#1B7837", "#8C510A"]
LIMIT_COLOUR = "#C00000"
STYLE = {
    "svg.hashsalt": "trainplan",
    "svg.fonttype": "path",
    "text.parse_math": False,  # labels are plain text: "$x^2$" stays as written
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
SVG_METADATA = {"Date": None, "Creator": "trainplan", "Format": None, "Type": None}
PNG_METADATA = {"Software": "trainplan"}

ChartDrawer = Callable[[Axes, Scenario, Roster, Lang], None]


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def years_axis(ax: Axes, years: list[int], lang: Lang) -> None:
    """Every year as a tick, whole numbers on the value axis in `lang`'s format.

    Called after drawing: the value axis starts at 0 with headroom above the tallest
    stack (zero-height bars would otherwise pin the top to their base).
    """
    ax.use_sticky_edges = False
    ax.margins(x=0.02, y=0.08)
    ax.set_ylim(bottom=0)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], rotation=0)
    ax.set_xlabel(t("year", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(round(v), lang)))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _stacked_levels(ax: Axes, sc: Scenario, frame_values: dict[str, list[int]],
                    lang: Lang) -> None:
    """Bars per year stacked by level, in scenario level order."""
    bottom = [0] * len(sc.years)
    for i, lv in enumerate(sc.levels):
        values = frame_values[lv.id]
        ax.bar(sc.years, values, bottom=bottom, color=_colour(i), width=0.7,
               label=level_label(sc, lv.id, lang))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]


def _limit_line(ax: Axes, sc: Scenario, caps: list[float | None], label: str) -> None:
    """A stepped line for a yearly limit; years without a limit leave a gap."""
    if all(c is None for c in caps):
        return
    ys = [float("nan") if c is None else c for c in caps]
    edges = [y - 0.5 for y in sc.years] + [sc.years[-1] + 0.5]
    ax.step(edges, [*ys, ys[-1]], where="post", color=LIMIT_COLOUR, linestyle="--",
            linewidth=1.5, label=label)


def draw_starts(ax: Axes, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Starters per year, stacked by level, against the yearly training places."""
    frame = starts_by_year_level(sc, roster)
    _stacked_levels(ax, sc, {lv.id: frame[lv.id].tolist() for lv in sc.levels}, lang)
    _limit_line(ax, sc, [sc.starts_cap(y) for y in sc.years], t("places", lang))
    ax.set_title(t("starts_by_year_level", lang))
    ax.set_ylabel(t("starters", lang))
    years_axis(ax, sc.years, lang)


def draw_in_training(ax: Axes, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """People in training each year, stacked by level, against the seats."""
    frame = in_training_by_year(sc, roster)
    _stacked_levels(ax, sc, {lv.id: frame[lv.id].tolist() for lv in sc.levels}, lang)
    seats = [sc.seats_cap(y) for y in sc.years]
    _limit_line(ax, sc, seats, t("seats", lang))
    title = t("training_vs_seats", lang)
    if all(s is None for s in seats):
        title += f" ({t('seats', lang).lower()}: {t('no_limit', lang)})"
    ax.set_title(title)
    ax.set_ylabel(t("in_training", lang))
    years_axis(ax, sc.years, lang)


def draw_spending(ax: Axes, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Money spent each year, by level, against the yearly ceiling."""
    tally = Tally(sc, roster)
    _stacked_levels(ax, sc, {lv.id: [float(tally.spending(y, lv.id)) for y in sc.years]
                             for lv in sc.levels}, lang)
    frame = spending_by_year(sc, roster)
    _limit_line(ax, sc, [None if c is None else float(c) for c in frame["ceiling"]],
                t("ceiling", lang))
    ax.set_title(t("spending_vs_ceiling", lang))
    ax.set_ylabel(t("spending", lang))
    years_axis(ax, sc.years, lang)


def draw_graduates(ax: Axes, sc: Scenario, roster: Roster, lang: Lang) -> None:
    """Cumulative graduates counted towards each milestone, and each milestone's target."""
    tally = Tally(sc, roster)
    total = [sum(tally.graduates(ut.id, lid, y) for ut in sc.unit_types for lid in ut.quotas)
             for y in sc.years]
    ax.plot(sc.years, total, color="#555555", linewidth=2, label=t("cumulative_graduates", lang))
    for i, ms in enumerate(sc.milestones):
        colour = MILESTONE_PALETTE[i % len(MILESTONE_PALETTE)]
        pairs = sc.milestone_pairs(ms)
        counted = [sum(tally.graduates(ut, lv, y) for ut, lv in pairs) for y in sc.years]
        ax.plot(sc.years, counted, color=colour, linewidth=1.5, marker="o", markersize=3,
                label=milestone_label(sc, ms.id, lang))
        ax.plot([ms.by_year], [sc.milestone_target(ms)], color=colour, marker="*",
                markersize=14, markeredgecolor="black", linestyle="none")
    ax.set_title(t("graduates_vs_milestones", lang))
    ax.set_ylabel(t("graduates", lang))
    years_axis(ax, sc.years, lang)


CHARTS: dict[str, ChartDrawer] = {
    "starts-by-year-level": draw_starts,
    "in-training-vs-seats": draw_in_training,
    "spending-vs-ceiling": draw_spending,
    "graduates-vs-milestones": draw_graduates,
}

# Each chart's title (an i18n key), for captions and accessible names.
CHART_TITLES = {
    "starts-by-year-level": "starts_by_year_level",
    "in-training-vs-seats": "training_vs_seats",
    "spending-vs-ceiling": "spending_vs_ceiling",
    "graduates-vs-milestones": "graduates_vs_milestones",
}


def render(draw: Callable[[Axes], None], fmt: str, legend_columns: int = 2) -> bytes:
    """One chart drawn by `draw`, as SVG or PNG bytes (deterministic for the same drawing).

    A fixed-size figure in the house style, the legend below the axes.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=FIGSIZE)
        ax = fig.add_subplot()
        draw(ax)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=legend_columns,
                  frameon=False, fontsize=8)
        fig.tight_layout()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


def _render(name: str, sc: Scenario, roster: Roster, lang: Lang, fmt: str) -> bytes:
    """One of CHARTS as SVG or PNG bytes."""
    return render(partial(CHARTS[name], sc=sc, roster=roster, lang=lang), fmt)


def chart_svgs(sc: Scenario, result: SolveResult, lang: Lang) -> dict[str, str]:
    """Each chart's SVG text by chart name (empty when there is no roster)."""
    if result.roster is None:
        return {}
    return {name: _render(name, sc, result.roster, lang, "svg").decode("utf-8")
            for name in CHARTS}


def png_paths(out_dir: Path) -> list[Path]:
    """Where the charts go as PNG files: `out_dir/NAME.png`."""
    return [out_dir / f"{name}.png" for name in CHARTS]


def png_files(out_dir: Path, sc: Scenario, result: SolveResult, lang: Lang) -> dict[Path, bytes]:
    """Each chart as PNG bytes by its path in `out_dir` (none when there is no roster)."""
    if result.roster is None:
        return {}
    from trainplan.reports.workforce_charts import stock_pngs  # it draws in this style

    return {path: _render(name, sc, result.roster, lang, "png")
            for name, path in zip(CHARTS, png_paths(out_dir), strict=True)} | stock_pngs(
        out_dir, sc, result.roster, lang)
