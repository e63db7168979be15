"""Why one option costs less than another: the waterfall of the gap by cost category or service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    EuroFormatter,
    FigureContext,
    FigureResult,
    figure_legend,
    finish_figure,
    house_style,
    new_figure,
)
from simulation.reporting.labels import category_label, format_eur_short, format_number, label

#: Waterfall of the gap: teal where option a costs less, orange where it costs more, grey for
#: the options' totals; risk cost (losses) hatched.
GAP_LESS_COLOUR = "#1A8A7A"
GAP_MORE_COLOUR = "#E08214"
GAP_TOTAL_COLOUR = "#8C8C8C"
GAP_RISK_HATCH = "///"


def signed_eur_short(value: float, lang: str) -> str:
    """A difference at board precision with its sign: "+€0.4m", "-€0.7m" (en),
    "+0,4 Mio. €", "-0,7 Mio. €" (de); zero without a sign."""
    text = format_eur_short(value, lang)
    return f"+{text}" if value > 0 and any(c in "123456789" for c in text) else text


def _gap_title(frame: pd.DataFrame, ctx: FigureContext, by: str) -> tuple[str, str]:
    """Title and subtitle of a waterfall: the gap in words, how to read the bars."""
    lang, attrs = ctx.lang, frame.attrs
    name_a, name_b = ctx.scenario_label(attrs["a"]), ctx.scenario_label(attrs["b"])
    gap = float(attrs["gap_eur"])
    amount = format_eur_short(abs(gap), lang)
    key = "gap_title_less" if gap < 0 else "gap_title_more" if gap > 0 else "gap_title_same"
    if amount == format_eur_short(0, lang):
        key = "gap_title_same"
    by_words = label(f"gap_by_{by}", lang)
    title = label(key, lang, a=name_a, b=name_b, amount=amount, by=by_words)
    subtitle = label(
        "gap_subtitle",
        lang,
        a=name_a,
        b=name_b,
        years=ctx.horizon_years,
        runs=format_number(int(attrs["n"]), lang),
    )
    return title, subtitle


def _part_name(part: str, row: pd.Series, ctx: FigureContext, by: str) -> str:
    """The display name of a row of the decomposition."""
    from simulation.analysis.gap import GAP_OTHER

    if part == GAP_OTHER:
        return label("gap_other", ctx.lang, n=int(row["parts"]))
    return category_label(part, ctx.lang) if by == "category" else ctx.service_label(part)


def _waterfall_rows(frame: pd.DataFrame, ctx: FigureContext, by: str) -> list[dict[str, Any]]:
    """Top to bottom: b's mean total, each part as a step from the level before it, a's mean
    total. Each row: name, kind (total or part), left, width (EUR), value, hatched, pale."""
    attrs = frame.attrs
    start, end = float(attrs["mean_b_eur"]), float(attrs["mean_a_eur"])
    rows = [{"name": attrs["b"], "kind": "total", "left": 0.0, "width": start, "value": start}]
    level = start
    for part, row in frame.iterrows():
        value = float(row["mean_difference_eur"])
        rows.append(
            {
                "name": _part_name(str(part), row, ctx, by),
                "part": str(part),
                "kind": "part",
                "left": level,
                "width": value,
                "value": value,
                "hatched": row.get("group") == "risk",
                "pale": not bool(row["clear"]),
            }
        )
        level += value
    rows.append({"name": attrs["a"], "kind": "total", "left": 0.0, "width": end, "value": end})
    return rows


def _waterfall_axis_start(rows: list[dict[str, Any]]) -> tuple[float, bool]:
    """Where the value axis starts: at zero, unless the steps are small against the totals;
    then just below the lowest level (the axis is cut, and the total bars start there)."""
    levels = [r["left"] for r in rows if r["kind"] == "part"]
    levels += [r["left"] + r["width"] for r in rows]
    lo, hi = min(levels), max(levels)
    span = hi - lo if hi > lo else max(abs(hi) * 0.05, 1.0)
    if lo > 3.0 * span:  # steps under about a quarter of the totals: zoom in on them
        return lo - 0.45 * span, True
    return min(lo - 0.05 * span, 0.0), False


def _draw_waterfall(ax, rows: list[dict[str, Any]], start: float) -> list:
    """The bars (totals from the axis start) and the dotted steps between them."""
    bars = []
    for y, row in enumerate(rows):
        if row["kind"] == "total":
            left, width = start, row["value"] - start
            style = {"color": GAP_TOTAL_COLOUR}
        else:
            left, width = row["left"], row["width"]
            colour = GAP_LESS_COLOUR if width < 0 else GAP_MORE_COLOUR
            style = {"color": colour, "alpha": 0.45 if row["pale"] else 1.0}
            if row["hatched"]:
                style.update(hatch=GAP_RISK_HATCH, hatchcolor="white")
        (bar,) = ax.barh(y, width, left=left, height=0.62, linewidth=0, zorder=2, **style)
        bars.append(bar)
    for y in range(len(rows) - 1):
        row = rows[y]
        level = row["value"] if row["kind"] == "total" else row["left"] + row["width"]
        ax.plot([level, level], [y + 0.31, y + 0.69], color=DARK, lw=1.0, ls=":", zorder=3)
    return bars


def _break_marks(ax, rows: list[dict[str, Any]], start: float, span: float) -> None:
    """Two white slanted strokes near the base of each total bar: the axis is cut there."""
    for y, row in enumerate(rows):
        if row["kind"] != "total":
            continue
        for dx in (0.012, 0.024):
            x = start + dx * span
            ax.plot(
                [x - 0.004 * span, x + 0.004 * span],
                [y + 0.36, y - 0.36],
                color="white",
                lw=2.2,
                zorder=3,
                solid_capstyle="butt",
            )


def _waterfall_values(fig: Figure, ax, rows: list[dict[str, Any]], lang: str) -> list:
    """Each bar's amount right of its right end (totals bold, steps signed); the axis is
    widened until every amount fits inside it."""
    texts = []
    for y, row in enumerate(rows):
        total = row["kind"] == "total"
        right = row["value"] if total else max(row["left"], row["left"] + row["width"])
        amount = (
            format_eur_short(row["value"], lang) if total else signed_eur_short(row["value"], lang)
        )
        text = ax.annotate(
            amount,
            (right, y),
            xytext=(7, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=14,
            fontweight="bold" if total else "normal",
            color=DARK,
        )
        texts.append(text)
    renderer = fig.canvas.get_renderer()
    for _ in range(4):
        fig.draw_without_rendering()
        edge = ax.get_window_extent(renderer).x1
        overshoot = max(t.get_window_extent(renderer).x1 for t in texts) - edge
        if overshoot <= 0:
            break
        lo, hi = ax.get_xlim()
        width_px = ax.get_window_extent(renderer).width
        ax.set_xlim(lo, hi + (overshoot + 10) / max(width_px - overshoot, 1.0) * (hi - lo))
    return texts


def _waterfall_axes(ax, ctx: FigureContext, rows: list[dict[str, Any]], limits) -> None:
    """Row names (option totals bold), euro axis, no y grid."""
    ax.set_ylim(len(rows) - 0.5, -0.5)  # inverted: b at the top, a at the bottom
    ax.set_xlim(*limits)
    names = [
        label("gap_total_row", ctx.lang, name=ctx.scenario_label(r["name"]))
        if r["kind"] == "total"
        else r["name"]
        for r in rows
    ]
    ax.set_yticks(np.arange(len(rows)), names, fontsize=14)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row["kind"] == "total":  # dark, not in the option's colour: teal and orange are steps
            tick.set_color(DARK)
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.xaxis.set_major_locator(MaxNLocator(8))
    ax.set_xlabel(label("gap_axis", ctx.lang, years=ctx.horizon_years))


def _waterfall_legend(fig: Figure, rows: list[dict[str, Any]], name_a: str, lang: str) -> None:
    """Teal and orange steps, grey totals; hatching and paleness only when drawn."""
    parts = [r for r in rows if r["kind"] == "part"]
    handles = [
        Patch(color=GAP_LESS_COLOUR, label=label("gap_less", lang, a=name_a)),
        Patch(color=GAP_MORE_COLOUR, label=label("gap_more", lang, a=name_a)),
        Patch(color=GAP_TOTAL_COLOUR, label=label("gap_total_bar", lang)),
    ]
    if any(r["hatched"] for r in parts):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=NEUTRAL,
                hatch=GAP_RISK_HATCH,
                label=label("gap_risk_hatched", lang),
            )
        )
    if any(r["pale"] for r in parts):
        handles.append(Patch(color=NEUTRAL, alpha=0.45, label=label("gap_unclear", lang)))
    names = [h.get_label() for h in handles]
    trial = fig.legend(handles, names, ncols=len(handles), fontsize=13)
    wide = trial.get_window_extent(fig.canvas.get_renderer()).width > 0.96 * fig.bbox.width
    trial.remove()
    ncols = -(-len(handles) // 2) if wide else len(handles)  # two rows when one is too wide
    figure_legend(fig, handles, names, "bottom", ncols=ncols, fontsize=13)


def plot_gap_waterfall(
    decomposition: pd.DataFrame, ctx: FigureContext, out_base: str | Path
) -> FigureResult:
    """Why option a costs less (or more) than option b: a horizontal waterfall from b's mean
    total cost (top, net present value) through one step per part to a's mean total (bottom).

    `decomposition`: `analysis.gap_decomposition` condensed for a chart (sorted by size, small
    parts in `GAP_OTHER`), by cost category or by service (`attrs["by"]`); its attrs give a, b,
    the totals and the number of replications. Steps where a costs less are teal, where it
    costs more orange; risk categories hatched; steps whose 95% interval includes zero pale.
    Each bar carries its amount at board precision (steps signed). When the steps are small
    against the totals the value axis is cut (the subtitle says so; break marks on the totals).
    """
    by, lang = str(decomposition.attrs["by"]), ctx.lang
    title, subtitle = _gap_title(decomposition, ctx, by)
    rows = _waterfall_rows(decomposition, ctx, by)
    start, cut = _waterfall_axis_start(rows)
    if cut:
        subtitle = label("gap_axis_cut", lang, subtitle=subtitle)
    top = max(max(r["left"], r["left"] + r["width"]) for r in rows)
    span = top - start
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        bars = _draw_waterfall(ax, rows, start)
        if cut:
            _break_marks(ax, rows, start, span)
        _waterfall_axes(ax, ctx, rows, (start, top + 0.12 * span))
        _waterfall_legend(fig, rows, ctx.scenario_label(decomposition.attrs["a"]), lang)
        texts = _waterfall_values(fig, ax, rows, lang)
        data = {
            "a": decomposition.attrs["a"],
            "b": decomposition.attrs["b"],
            "by": by,
            "rows": rows,
            "bars": bars,
            "values": [t.get_text() for t in texts],
            "axis_start": start,
            "axis_cut": cut,
        }
        return finish_figure(fig, out_base, ctx, data)
