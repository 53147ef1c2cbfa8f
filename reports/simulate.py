"""The risk report of `trainplan simulate`: a table of targets, a CSV, and a fan chart.

Reads a `models.simulate.Simulation`; never the solver. The fan chart follows
`reports.charts` (fixed size, deterministic SVG/PNG, plain-text labels).
"""

from __future__ import annotations

import csv
import io
from functools import partial

from matplotlib.axes import Axes
from trainplan.models.simulate import Simulation, TargetRisk
from trainplan.reports.charts import render, years_axis
from trainplan.reports.i18n import (
    SIMULATE_TEXT,
    Lang,
    goal_words,
    number,
    percent,
    words,
)

FAN_COLOUR = "#0072B2"
#: File name of the fan chart in `--png DIR`.
FAN_PNG = "graduates-fan.png"


def _w(key: str, lang: Lang, **values: object) -> str:
    return words(SIMULATE_TEXT, key, lang, **values)


def _label(target: TargetRisk) -> str:
    return target.label if target.kind == "milestone" else target.id


def plan_line(status: str, goals: list[tuple[str, int]], lang: Lang) -> str:
    """The plan drawn on: its status (in words) and what it costs (its goals' values)."""
    return _w("plan", lang, status=status,
              goals="; ".join(goal_words(n, v, lang) for n, v in goals))


def terminal_text(name: str, sim: Simulation, lang: Lang) -> str:
    """The share of runs in which each target held, as aligned text."""
    rows = [[_label(r), _w(r.kind, lang), number(r.required, lang), percent(r.share, lang)]
            for r in sim.targets]
    headers = [_w("target", lang), _w("kind", lang), _w("required", lang), _w("met_in", lang)]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    table = "\n".join(" ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                      for r in [headers, *rows])
    lines = [_w("line", lang, label=r.label, share=percent(r.share, lang),
                runs=number(sim.runs, lang)) for r in sim.targets if r.kind != "quota"]
    title = _w("title", lang, name=name, runs=number(sim.runs, lang), seed=sim.seed)
    return "\n".join([title, "", table, "", *lines]).rstrip()


def simulation_csv(sim: Simulation) -> str:
    """Each target with the runs in which it held (ids, plain numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "id", "label", "required", "runs", "held", "share"])
    for r in sim.targets:
        writer.writerow([r.kind, r.id, r.label, r.required, r.runs, r.held,
                         f"{r.share:.4f}"])
    return buffer.getvalue()


def _draw_fan(ax: Axes, sim: Simulation, lang: Lang) -> None:
    """The bands of the runs' outcomes per year, their median and the plan."""
    years, fan = sim.years, sim.fan
    ax.fill_between(years, fan[5], fan[95], color=FAN_COLOUR, alpha=0.18,
                    label=_w("band_outer", lang))
    ax.fill_between(years, fan[25], fan[75], color=FAN_COLOUR, alpha=0.35,
                    label=_w("band_inner", lang))
    ax.plot(years, fan[50], color=FAN_COLOUR, linewidth=1.6, label=_w("median", lang))
    ax.plot(years, sim.planned, color="#000000", linewidth=1.0, linestyle="--",
            label=_w("planned", lang))
    title = "fan_title_qualified" if sim.measure == "qualified" else "fan_title"
    ax.set_title(_w(title, lang), fontsize=9)
    years_axis(ax, years, lang)


def fan_chart(sim: Simulation, lang: Lang, fmt: str = "png") -> bytes:
    """The fan of cumulative graduates per year, as PNG or SVG bytes (deterministic)."""
    return render(partial(_draw_fan, sim=sim, lang=lang), fmt)


def html_page(name: str, sim: Simulation, lang: Lang) -> str:
    """A self-contained HTML page: the targets' shares and the fan chart (inline SVG)."""
    from markupsafe import escape
    from trainplan.reports.html import inline_svg

    title = _w("title", lang, name=name, runs=number(sim.runs, lang), seed=sim.seed)
    fan_key = "fan_title_qualified" if sim.measure == "qualified" else "fan_title"
    svg = inline_svg(fan_chart(sim, lang, "svg").decode("utf-8"), "fan", _w(fan_key, lang))
    head = "".join(f"<th>{escape(h)}</th>" for h in (
        _w("target", lang), _w("kind", lang), _w("required", lang), _w("met_in", lang)))
    rows = "".join(
        f"<tr><td>{escape(_label(r))}</td><td>{escape(_w(r.kind, lang))}</td>"
        f'<td class="num">{escape(number(r.required, lang))}</td>'
        f'<td class="num">{escape(percent(r.share, lang))}</td></tr>' for r in sim.targets)
    style = ("body{font-family:sans-serif;max-width:60rem;margin:1rem auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
             ".num{text-align:right}figure svg{width:100%;height:auto}")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{style}</style></head><body>"
            f"<h1>{escape(title)}</h1><figure class=\"chart\">{svg}</figure>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            "</body></html>\n")
