"""Options compared: expected cost against cost in the worst futures, and the paired difference
of two options in each simulated future."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from simulation.reporting.figures.frame import (
    DARK,
    EuroFormatter,
    FigureContext,
    FigureResult,
    PercentFormatter,
    beyond_note,
    bulk_range,
    finish_figure,
    fit_width,
    histogram_bin_width,
    house_style,
    new_figure,
    place_labels,
    runs_text,
    wrap_text,
)
from simulation.reporting.figures.texts import figure_text
from simulation.reporting.labels import format_eur_short, format_percent, label

# -- risk and return ------------------------------------------------------------------------------


def _interval_lines(ax, row: pd.Series, point: tuple[float, float], colour: str):
    """The 95% intervals of the mean (horizontal) and the CVaR95 (vertical) through a point,
    where the row has them; returns the lines and the intervals drawn by axis."""
    mx, my = point
    lines, intervals = [], {}
    for axis, key, marker in (("x", "mean", "|"), ("y", "cvar95", "_")):
        low, high = f"{key}_ci_low", f"{key}_ci_high"
        if {low, high} <= set(row.index) and pd.notna(row[low]) and pd.notna(row[high]):
            ends = [float(row[low]), float(row[high])]
            # a plain segment with end caps: the interval need not contain the point
            segment = (ends, [my, my]) if axis == "x" else ([mx, mx], ends)
            (line,) = ax.plot(
                *segment,
                color=colour,
                linewidth=1.6,
                alpha=0.8,
                marker=marker,
                markersize=11,
                markeredgewidth=1.6,
                zorder=2,
            )
            lines.append(line)
            intervals[axis] = tuple(ends)
    return lines, intervals


def _risk_point(ax, ctx: FigureContext, s: str, row: pd.Series):
    """One option: its intervals, its point and its name; returns the name's annotation, the
    artists its name must not cover and the intervals drawn."""
    mx, my = float(row["mean"]), float(row["cvar95"])
    colour = ctx.colour(s)
    obstacles, intervals = _interval_lines(ax, row, (mx, my), colour)
    obstacles.append(
        ax.scatter([mx], [my], s=180, color=colour, edgecolor="white", linewidth=1.5, zorder=3)
    )
    annotation = ax.annotate(
        ctx.scenario_label(s),
        (mx, my),
        xytext=(12, 10),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=15,
        color=colour,
        fontweight="bold",
        zorder=4,
    )
    return annotation, obstacles, intervals


def plot_risk_return(
    risk: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Mean cost (x) against CVaR95 (y) per scenario, labelled points; optional 95 % intervals
    from columns mean_ci_low/high and cvar95_ci_low/high. Lower left is better."""
    lang, years = ctx.lang, ctx.horizon_years
    has_ci = {"mean_ci_low", "mean_ci_high"} <= set(risk.columns) or {
        "cvar95_ci_low",
        "cvar95_ci_high",
    } <= set(risk.columns)
    title = label("risk_title", lang, years=years)
    subtitle = label("risk_subtitle_ci" if has_ci else "risk_subtitle", lang)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"points": {}, "intervals": {}}
        annotations, obstacles = [], []
        xs, ys = [], []
        for s in ctx.ordered(risk.index):
            annotation, blocking, intervals = _risk_point(ax, ctx, s, risk.loc[s])
            annotations.append(annotation)
            obstacles += blocking
            if intervals:
                data["intervals"][s] = intervals
            xs += [*intervals.get("x", ()), float(risk.loc[s, "mean"])]
            ys += [*intervals.get("y", ()), float(risk.loc[s, "cvar95"])]
            data["points"][s] = (float(risk.loc[s, "mean"]), float(risk.loc[s, "cvar95"]))
        for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
            if values:
                lo, hi = min(values), max(values)
                pad = 0.25 * (hi - lo) if hi > lo else 0.1 * (abs(hi) or 1.0)
                setter(lo - pad, hi + pad)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(EuroFormatter(lang))
            axis.set_major_locator(MaxNLocator(7))
        ax.set_xlabel(label("risk_x_npv" if column == "cost_npv_eur" else "risk_x_total", lang))
        ax.set_ylabel(
            figure_text("risk_y_npv" if column == "cost_npv_eur" else "risk_y_total", lang)
        )
        place_labels(fig, ax, annotations, obstacles)
        return finish_figure(fig, out_base, ctx, data)


# -- paired difference ----------------------------------------------------------------------------


def probability_words(p: float, lang: str) -> str:
    """A probability for a sentence: "12%", "less than 1%", "more than 99%" (German alike)."""
    if 0 < p < 0.005:
        return label("less_than", lang, p=format_percent(0.01, lang))
    if 0.995 <= p < 1:
        return label("more_than", lang, p=format_percent(0.99, lang))
    return format_percent(p, lang)


def _budget_words(comparison: Mapping[str, Any] | None, name_a: str, lang: str) -> str | None:
    """The budget-only result of a paired comparison in one sentence (None without one)."""
    if comparison is None:
        return None
    p = probability_words(float(comparison["p_a_cheaper"]), lang)
    difference = float(comparison["mean_difference"])
    amount = format_eur_short(abs(difference), lang)
    key = "budget_less" if difference < 0 else "budget_more" if difference > 0 else "budget_same"
    return f"{label('budget_cheaper_in', lang, a=name_a, p=p)}, {label(key, lang, amount=amount)}"


def _paired_words(comparison: Mapping[str, Any], ctx: FigureContext) -> tuple[str, str]:
    """The result in two sentences: how often a is cheaper, and by how much on average."""
    lang = ctx.lang
    name_a = ctx.scenario_label(str(comparison["a"]))
    name_b = ctx.scenario_label(str(comparison["b"]))
    p = float(comparison["p_a_cheaper"])
    mean_difference = float(comparison["mean_difference"])
    statement = label("cheaper_in", lang, a=name_a, p=probability_words(p, lang))
    amount = format_eur_short(abs(mean_difference), lang)
    if mean_difference < 0:
        average = label("costs_less", lang, a=name_a, b=name_b, amount=amount)
    elif mean_difference > 0:
        average = label("costs_more", lang, a=name_a, b=name_b, amount=amount)
    else:
        average = label("costs_same", lang, a=name_a, b=name_b)
    return statement, average


def _headline(fig: Figure, ax, statement: str, average: str, budget: str | None) -> None:
    """The result in words above the histogram: one line if it fits, else one per sentence;
    the budget-only result, if any, on a line of its own."""
    headline = ax.set_title(f"{statement}. {average}.", fontsize=15, color=DARK, loc="left")
    renderer = fig.canvas.get_renderer()
    room = fig.bbox.width - 1.4 * fig.dpi  # the axes: figure width less the y axis labels
    if headline.get_window_extent(renderer).width > room:
        headline.set_text(f"{statement}.\n{average}.")
        if headline.get_window_extent(renderer).width > room:
            fit_width(headline, room, renderer)
    if budget:
        headline.set_text(f"{headline.get_text()}\n{budget}.")


def _difference_bins(d: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Bin edges over the bulk of the differences (both tails cut), with zero as an edge;
    returns the edges and the bulk's limits (widened to include zero)."""
    lo, hi = bulk_range(d, two_sided=True)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    step = histogram_bin_width([d[(d >= lo) & (d <= hi)]], lo, hi) if hi > lo else 1.0
    edges = np.arange(np.floor(lo / step), np.ceil(hi / step) + 1) * step  # 0 is an edge
    if edges.size < 2:
        edges = np.array([-step, 0.0, step])
    if edges[-1] < hi:  # rounding: keep the largest difference inside the last bin
        edges = np.append(edges, edges[-1] + step)
    if edges[0] > lo:
        edges = np.insert(edges, 0, edges[0] - step)
    return edges, lo, hi


def _difference_bars(ax, edges: np.ndarray, heights: np.ndarray, colours: tuple[str, str]):
    """Bars left of zero in a's colour, right of zero in b's, and the zero line."""
    left = edges[:-1] < 0
    widths = np.diff(edges)
    for side, colour in ((left, colours[0]), (~left, colours[1])):
        ax.bar(
            edges[:-1][side],
            heights[side],
            widths[side],
            align="edge",
            color=colour,
            alpha=0.8,
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
        )
    ax.axvline(0, color=DARK, linewidth=1.8, zorder=3)


def _cheaper_sides(ax, span: float, names: tuple[str, str], colours: tuple[str, str], lang: str):
    """ "◀ a cheaper" left of the zero line and "b cheaper ▶" right of it, at the top."""
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    gap = 0.01 * span
    for x, key, values, ha, colour in (
        (-gap, "cheaper_left", {"a": names[0]}, "right", colours[0]),
        (gap, "cheaper_right", {"b": names[1]}, "left", colours[1]),
    ):
        ax.text(
            x,
            0.97,
            wrap_text(label(key, lang, **values), 20),
            transform=blend,
            ha=ha,
            va="top",
            fontsize=14,
            fontweight="bold",
            color=colour,
        )


def plot_paired_difference(
    difference: pd.Series | np.ndarray,
    comparison: Mapping[str, Any] | pd.Series,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
    budget_comparison: Mapping[str, Any] | pd.Series | None = None,
) -> FigureResult:
    """Histogram of the per-replication difference a − b of total cost (budget + risk, EUR)
    with a zero line; bars left of zero (a cheaper) in a's colour, right of zero (b cheaper) in
    b's colour; the probability that a is cheaper (`comparison["p_a_cheaper"]`) and the mean
    difference written in words. `budget_comparison` (`compare_pair` of the same a and b on
    budget cost alone, e.g. `cost_budget_npv_eur`) adds the budget-only result in words."""
    lang, years = ctx.lang, ctx.horizon_years
    a, b = str(comparison["a"]), str(comparison["b"])
    name_a, name_b = ctx.scenario_label(a), ctx.scenario_label(b)
    title = label("paired_title", lang, a=name_a, b=name_b)
    subtitle = label(
        "paired_subtitle_npv" if column == "cost_npv_eur" else "paired_subtitle_total",
        lang,
        runs=runs_text(ctx),
        years=years,
    )
    d = pd.Series(difference).dropna().to_numpy(float)
    statement, average = _paired_words(comparison, ctx)
    note = beyond_note(d, *bulk_range(d, two_sided=True), lang)
    edges, lo, hi = _difference_bins(d)
    heights = np.histogram(d, bins=edges)[0] / max(d.size, 1)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        colours = (ctx.colour(a), ctx.colour(b))
        _difference_bars(ax, edges, heights, colours)
        span = hi - lo if hi > lo else 1.0
        ax.set_xlim(min(lo - 0.02 * span, -0.28 * span), max(hi + 0.02 * span, 0.28 * span))
        ax.set_ylim(0, float(heights.max()) * 1.3 if heights.max() > 0 else 1.0)
        _cheaper_sides(ax, span, (name_a, name_b), colours, lang)
        budget_line = _budget_words(budget_comparison, name_a, lang)
        _headline(fig, ax, statement, average, budget_line)
        ax.xaxis.set_major_formatter(EuroFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(9))
        ax.yaxis.set_major_formatter(PercentFormatter(lang))
        axis_key = "paired_axis_npv" if column == "cost_npv_eur" else "paired_axis_total"
        axis = figure_text(axis_key, lang, a=name_a, b=name_b)
        ax.set_xlabel(f"{axis}\n{note}" if note else axis)
        ax.set_ylabel(label("density_axis", lang))
        data = {
            "a": a,
            "b": b,
            "bins": edges,
            "heights": heights,
            "beyond": note,
            "p_a_cheaper": float(comparison["p_a_cheaper"]),
            "mean_difference": float(comparison["mean_difference"]),
            "statement": statement,
            "average": average,
            "budget_statement": budget_line,
            "differences": d,
        }
        return finish_figure(fig, out_base, ctx, data)
