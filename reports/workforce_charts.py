"""Charts of the workforce: per unit type, staff holding at least each qualification per year.

Drawn like `reports.charts` (same style, fixed size, deterministic bytes), with each
coverage target that counts the type marked as a star at its year: the type's own
share of it, ceil(staff in post x share / 100). Only scenarios with a workforce
section have these charts.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from matplotlib.axes import Axes
from trainplan.models.scenario import Scenario, qualification_ids
from trainplan.models.solution import Roster
from trainplan.models.workforce import share_of, staff_in_post, target_types, workforce_stock
from trainplan.reports.charts import PALETTE, render, years_axis
from trainplan.reports.i18n import (
    WORKFORCE_TEXT,
    Lang,
    qualification_label,
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
    years_axis(ax, sc.years, lang)


def render_stock(sc: Scenario, roster: Roster, name: str, lang: Lang, fmt: str) -> bytes:
    """One stock chart as SVG or PNG bytes, deterministic for the same inputs."""
    draw = partial(draw_stock, sc=sc, roster=roster, type_id=name.removeprefix("workforce-"),
                   lang=lang)
    return render(draw, fmt, legend_columns=3)


def stock_svgs(sc: Scenario, roster: Roster, lang: Lang) -> dict[str, str]:
    """Each stock chart's SVG text by chart name (none without a workforce)."""
    return {name: render_stock(sc, roster, name, lang, "svg").decode("utf-8")
            for name in stock_chart_names(sc)}


def stock_pngs(out_dir: Path, sc: Scenario, roster: Roster, lang: Lang) -> dict[Path, bytes]:
    """Each stock chart as PNG bytes by its path `out_dir/NAME.png`."""
    return {out_dir / f"{name}.png": render_stock(sc, roster, name, lang, "png")
            for name in stock_chart_names(sc)}
