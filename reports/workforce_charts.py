"""Charts of the workforce: per unit type, staff holding at least each qualification per year.

Drawn like `reports.charts` (same style, fixed size, deterministic bytes), with each
coverage target that counts the type marked as a star at its year: the type's own
share of it, ceil(staff in post x share / 100). Only scenarios with a workforce
section have these charts.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from trainplan.models.scenario import Scenario, qualification_ids
from trainplan.models.solution import Roster
from trainplan.models.workforce import share_of, staff_in_post, target_types, workforce_stock
from trainplan.reports.charts import (
    FIGSIZE,
    PALETTE,
    PNG_DPI,
    PNG_METADATA,
    STYLE,
    SVG_METADATA,
)
from trainplan.reports.i18n import (
    WORKFORCE_TEXT,
    Lang,
    number,
    qualification_label,
    t,
    unit_type_label,
    words,
)

IN_POST_COLOUR = "#555555"


def stock_chart_names(sc: Scenario) -> list[str]:
    """One chart name per unit type with staff: `workforce-<type id>`."""
    if sc.workforce is None:
        return []
    return [f"workforce-{s.unit_type}" for s in sc.workforce.staff]


def stock_chart_title(sc: Scenario, name: str, lang: Lang) -> str:
    """A stock chart's title."""
    type_id = name.removeprefix("workforce-")
    return words(WORKFORCE_TEXT, "chart_title", lang, unit_type=unit_type_label(sc, type_id, lang))


def draw_stock(ax: Axes, sc: Scenario, roster: Roster, type_id: str, lang: Lang) -> None:
    """Staff in post and staff holding at least each qualification, with the targets."""
    assert sc.workforce is not None
    years = workforce_stock(sc, roster)[type_id]
    ax.plot(sc.years, [ys.staff_in_post for ys in years], color=IN_POST_COLOUR, linewidth=2,
            label=words(WORKFORCE_TEXT, "in_post", lang))
    quals = qualification_ids(sc)[1:]
    for i, q in enumerate(quals):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(sc.years, [ys.at_least(sc, q) for ys in years], color=colour, linewidth=1.5,
                marker="o", markersize=3, label=words(WORKFORCE_TEXT, "at_least", lang,
                                                      q=qualification_label(sc, q, lang)))
        for c in sc.workforce.coverage:
            if c.at_least == q and type_id in target_types(sc, c):
                need = share_of(staff_in_post(sc, type_id)[c.by_year], c.share_percent)
                ax.plot([c.by_year], [need], color=colour, marker="*", markersize=14,
                        markeredgecolor="black", linestyle="none",
                        label=words(WORKFORCE_TEXT, "chart_target", lang, id=c.id))
    ax.set_title(stock_chart_title(sc, f"workforce-{type_id}", lang))
    ax.set_ylabel(words(WORKFORCE_TEXT, "people_axis", lang))
    ax.use_sticky_edges = False
    ax.margins(x=0.02, y=0.08)
    ax.set_ylim(bottom=0)
    ax.set_xticks(sc.years)
    ax.set_xticklabels([str(y) for y in sc.years])
    ax.set_xlabel(t("year", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(round(v), lang)))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def render_stock(sc: Scenario, roster: Roster, name: str, lang: Lang, fmt: str) -> bytes:
    """One stock chart as SVG or PNG bytes, deterministic for the same inputs."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=FIGSIZE)
        ax = fig.add_subplot()
        draw_stock(ax, sc, roster, name.removeprefix("workforce-"), lang)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False,
                  fontsize=8)
        fig.tight_layout()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


def stock_svgs(sc: Scenario, roster: Roster, lang: Lang) -> dict[str, str]:
    """Each stock chart's SVG text by chart name (none without a workforce)."""
    return {name: render_stock(sc, roster, name, lang, "svg").decode("utf-8")
            for name in stock_chart_names(sc)}


def stock_pngs(out_dir: Path, sc: Scenario, roster: Roster, lang: Lang) -> dict[Path, bytes]:
    """Each stock chart as PNG bytes by its path `out_dir/NAME.png`."""
    return {out_dir / f"{name}.png": render_stock(sc, roster, name, lang, "png")
            for name in stock_chart_names(sc)}
