"""What the cost consists of: budget and risk cost per option, and cost by category.

Cost categories have fixed colours (`CATEGORY_COLOURS`): budget cost (cash out) in cool colours
(staff blues, technology teals, providers greys and violet), risk cost (users' lost time, lost
margin, security and compliance losses, deferred change) in reds and oranges, so the two groups
read apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from simulation.model.ledger import RISK_CATEGORIES
from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    EuroFormatter,
    FigureContext,
    FigureResult,
    figure_legend,
    finish_figure,
    fit_width,
    house_style,
    new_figure,
    runs_text,
    strip_columns,
    wrap_text,
)
from simulation.reporting.figures.texts import figure_text
from simulation.reporting.labels import (
    NBSP,
    category_label,
    format_eur_short,
    format_percent,
    label,
)

#: Fixed colours of the cost categories. Budget cost in cool families: staff (blues),
#: technology (teals), providers (greys and violet); risk cost in warm reds and oranges.
CATEGORY_COLOURS = {
    "personnel": "#08306B",
    "recruiting": "#2171B5",
    "training": "#6BAED6",
    "on_call": "#C6DBEF",
    "hardware": "#01665E",
    "licences": "#35978F",
    "operations": "#99D8C9",
    "provider_fees": "#4D4D4D",
    "service_credits": "#D9D9D9",
    "transition": "#969696",
    "vendor_management": "#6A51A3",
    "contractors": "#9E9AC8",
    "change_work": "#CBC9E2",
    "downtime": "#D7301F",
    "lost_margin": "#FC8D59",
    "security_losses": "#7F0000",
    "compliance_losses": "#993404",
    "deferred_change": "#FDD49E",
}
_OTHER_COLOURS = ("#737373", "#BDBDBD", "#525252", "#D9D9D9")
#: Budget cost and risk cost as a whole (figure `cost_budget_risk`).
BUDGET_COLOUR = "#3A6BA5"
RISK_COLOUR = "#D6604D"


# -- cost breakdown -------------------------------------------------------------------------------


def _category_colour(category: str, index: int) -> str:
    """The fixed colour of a category; categories without one take greys in turn."""
    return CATEGORY_COLOURS.get(category, _OTHER_COLOURS[index % len(_OTHER_COLOURS)])


def _group_of(category: str) -> str:
    """The group of a cost category: risk for the ledger's risk categories, else budget."""
    return "risk" if category in RISK_CATEGORIES else "budget"


def _stack(ax, frame: pd.DataFrame, categories: list[str], lang: str) -> dict[str, Any]:
    """Stack the categories as horizontal bars (negative values left of zero); return the
    handles, each segment's (left, width) per scenario and the group spans per scenario."""
    scenarios = list(frame.index)
    y = np.arange(len(scenarios), dtype=float)
    positive, negative = np.zeros(len(scenarios)), np.zeros(len(scenarios))
    segments: dict[str, dict[str, tuple[float, float]]] = {s: {} for s in scenarios}
    spans = {s: {} for s in scenarios}
    handles = {}
    for i, category in enumerate(categories):
        v = frame[category].to_numpy(float)
        left = np.where(v >= 0, positive, negative)
        handles[category] = ax.barh(
            y,
            v,
            left=left,
            height=0.62,
            color=_category_colour(category, i),
            edgecolor="white",
            linewidth=0.8,
            label=category_label(category, lang),
        )
        for j, s in enumerate(scenarios):
            segments[s][category] = (float(left[j]), float(v[j]))
            start, end = spans[s].get(_group_of(category), (np.inf, -np.inf))
            spans[s][_group_of(category)] = (
                min(start, float(min(left[j], left[j] + v[j]))),
                max(end, float(max(left[j], left[j] + v[j]))),
            )
        positive += np.maximum(v, 0)
        negative += np.minimum(v, 0)
    return {
        "handles": handles,
        "segments": segments,
        "spans": spans,
        "positive": positive,
        "negative": negative,
    }


def _group_brackets(fig: Figure, ax, spans: dict, groups: dict, lang: str) -> list:
    """Above each bar, a bracket over its budget part and one over its risk part, each with
    the group's subtotal (`_place_group_labels` keeps the labels apart and inside)."""
    texts = []
    for j, s in enumerate(spans):
        pair = []
        for group in ("budget", "risk"):
            if group not in spans[s]:
                continue
            start, end = spans[s][group]
            top = j - 0.36  # the y axis is inverted: smaller y is higher up
            ax.plot(
                [start, start, end, end],
                [top + 0.03, top, top, top + 0.03],
                color=DARK,
                linewidth=1.2,
                solid_joinstyle="miter",
            )
            value = format_eur_short(groups[s][group], lang)
            text = ax.text(
                (start + end) / 2,
                top,
                label(f"{group}_group", lang, value=value),
                ha="center",
                va="bottom",
                fontsize=13,
                color=DARK,
                transform=ax.transData + ScaledTranslation(0, 2 / 72, fig.dpi_scale_trans),
            )
            pair.append(text)
        texts += pair
        _place_group_labels(fig, ax, pair)
    return texts


def _place_group_labels(fig: Figure, ax, pair: list) -> None:
    """Each label centred over its bracket unless it would stick out left of the axes (then
    it starts at the axes' left edge); the second label starts after the first when they
    would touch."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    left_edge = ax.get_window_extent(renderer).x0
    for text in pair:
        box = text.get_window_extent(renderer)
        if box.x0 < left_edge:
            text.set_horizontalalignment("left")
            text.set_x(to_data.transform((left_edge + 0.06 * fig.dpi, 0))[0])
    if len(pair) == 2:
        first, second = (t.get_window_extent(renderer) for t in pair)
        if first.expanded(1.06, 1.0).overlaps(second):
            pair[1].set_horizontalalignment("left")
            pair[1].set_x(to_data.transform((first.x1 + 0.15 * fig.dpi, 0))[0])


def _grouped_legend(fig: Figure, handles: dict, lang: str):
    """The category legend in two sections, budget cost then risk cost, each under a header."""
    entries, names, headers = [], [], []
    for group in ("budget", "risk"):
        members = [c for c in handles if _group_of(c) == group]
        if not members:
            continue
        if entries:  # an empty line between the groups
            entries.append(Patch(visible=False))
            names.append(" ")
        headers.append(len(entries))
        entries.append(Patch(visible=False))
        names.append(label(f"{group}_header", lang))
        entries += [handles[c] for c in members]
        names += [category_label(c, lang) for c in members]
    legend = figure_legend(fig, entries, names, "right", fontsize=12, alignment="left")
    for index in headers:
        legend.get_texts()[index].set_fontweight("bold")
    return legend


def plot_cost_breakdown(
    breakdown: pd.DataFrame, ctx: FigureContext, out_base: str | Path
) -> FigureResult:
    """Horizontal stacked bars of the mean cost per category and scenario, budget categories
    first (cool colours), risk categories after (reds), with a bracket and subtotal over each
    group and the total at the end of each bar (`breakdown`: index scenario, columns cost
    categories, nominal EUR; negative values such as service credits are drawn left of zero).
    Categories that are zero in every scenario are left out; the legend lists budget and risk
    categories under their own headers."""
    lang, years = ctx.lang, ctx.horizon_years
    title = label("breakdown_title", lang, years=years)
    subtitle = label("breakdown_subtitle", lang, runs=runs_text(ctx))
    frame = strip_columns(breakdown, "cost_", "_eur")
    frame = frame.drop(columns=[c for c in ("total", "npv") if c in frame.columns])
    scenarios = ctx.ordered(frame.index)
    frame = frame.loc[scenarios].astype(float).fillna(0.0)
    present = [c for c in frame.columns if (frame[c] != 0).any()]
    categories = [c for g in ("budget", "risk") for c in present if _group_of(c) == g]
    groups = {
        s: {
            g: float(frame.loc[s, [c for c in categories if _group_of(c) == g]].sum())
            for g in ("budget", "risk")
        }
        for s in scenarios
    }
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        drawn = _stack(ax, frame, categories, lang)
        positive, negative = drawn["positive"], drawn["negative"]
        totals = frame[categories].sum(axis=1) if categories else pd.Series(0.0, scenarios)
        span = float(positive.max() - negative.min()) if len(scenarios) else 1.0
        for j, s in enumerate(scenarios):
            ax.text(
                positive[j] + 0.012 * span,
                j,
                label("total", lang, value=format_eur_short(float(totals[s]), lang)),
                ha="left",
                va="center",
                fontsize=14,
                fontweight="bold",
                color=DARK,
            )
        _style_breakdown_axes(ax, ctx, scenarios, negative, positive, span)
        _grouped_legend(fig, drawn["handles"], lang)
        _group_brackets(fig, ax, drawn["spans"], groups, lang)
        data = {
            "categories": categories,
            "group_of": {c: _group_of(c) for c in categories},
            "segments": drawn["segments"],
            "groups": groups,
            "totals": {s: float(totals[s]) for s in scenarios},
        }
        return finish_figure(fig, out_base, ctx, data)


def _style_breakdown_axes(ax, ctx: FigureContext, scenarios, negative, positive, span) -> None:
    """Limits, zero line, coloured scenario names and the euro axis of the breakdown."""
    ax.set_xlim(
        min(float(negative.min()) * 1.5, 0) - 0.01 * span, float(positive.max()) + 0.2 * span
    )
    ax.set_ylim(len(scenarios) - 0.55, -0.8)  # inverted; room for the brackets above bar 0
    ax.axvline(0, color=DARK, linewidth=1.2, zorder=3)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_yticks(
        np.arange(len(scenarios)),
        [wrap_text(ctx.scenario_label(s), 18) for s in scenarios],
        fontsize=15,
    )
    for tick, s in zip(ax.get_yticklabels(), scenarios, strict=True):
        tick.set_color(ctx.colour(s))
        tick.set_fontweight("bold")
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.xaxis.set_major_locator(MaxNLocator(8))
    ax.set_xlabel(figure_text("breakdown_axis", ctx.lang, years=ctx.horizon_years))


# -- budget cost and risk cost per option ---------------------------------------------------------


def _whiskers(ax, x: np.ndarray, low: np.ndarray, high: np.ndarray, colour: str):
    """Vertical P5–P95 whiskers with end caps at positions x; returns the caps' line."""
    ax.vlines(x, low, high, color=colour, linewidth=2.0, zorder=3)
    (caps,) = ax.plot(
        np.repeat(x, 2),
        np.column_stack([low, high]).ravel(),
        linestyle="none",
        marker="_",
        markersize=18,
        markeredgewidth=2.2,
        color=colour,
        zorder=3,
    )
    return caps


def _two_lines(amount: str) -> str:
    """An amount on two lines, number above unit: "2,0\nMio. €" (German); English unchanged."""
    number, _, unit = amount.partition(NBSP)
    return f"{number}\n{unit}" if unit else amount


def _segment_values(fig: Figure, ax, bars, values: np.ndarray, lang: str) -> list:
    """Each segment's value written in white in its middle: on one line, or on two where the
    bar is narrow; left out where the segment is too small for it."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    written = []
    for patch, value in zip(bars.patches, values, strict=True):
        box = patch.get_window_extent(renderer)
        amount = format_eur_short(float(value), lang)
        text = ax.text(
            patch.get_x() + patch.get_width() / 2,
            patch.get_y() + patch.get_height() / 2,
            amount,
            ha="center",
            va="center",
            fontsize=14,
            fontweight="bold",
            color="white",
            zorder=4,
            linespacing=1.1,
        )
        if text.get_window_extent(renderer).width > 0.92 * box.width:
            text.set_text(_two_lines(amount))
        inner = text.get_window_extent(renderer)
        if inner.width > 0.92 * box.width or inner.height > 0.85 * box.height:
            text.remove()
            continue
        written.append(text)
    return written


def _cheapest_words(cheapest: pd.DataFrame, scenarios: list[str], lang: str) -> list[str]:
    """Per option how often it is the cheapest on budget cost and on total cost, in words."""
    shares = cheapest.reindex(scenarios)
    return [
        label(
            "cheapest_on",
            lang,
            budget=format_percent(float(shares.loc[s, "p_cheapest_budget"]), lang),
            total=format_percent(float(shares.loc[s, "p_cheapest"]), lang),
        )
        for s in scenarios
    ]


def _cheapest_lines(fig: Figure, ax, x: np.ndarray, lines: list[str]) -> None:
    """A note under each option's name (below the x tick labels), wrapped to its slot."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    below = min((b.y0 for b in ticks), default=ax.get_window_extent(renderer).y0)
    drop = (ax.get_window_extent(renderer).y0 - below) / fig.dpi + 0.06
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    slot = ax.get_window_extent(renderer).width / max(len(x), 1)
    for xi, line in zip(x, lines, strict=True):
        text = ax.text(
            xi,
            0,
            line,
            ha="center",
            va="top",
            fontsize=13,
            color=NEUTRAL,
            linespacing=1.3,
            transform=blend + ScaledTranslation(0, -drop, fig.dpi_scale_trans),
        )
        fit_width(text, 0.8 * slot, renderer)


def _total_labels(fig: Figure, ax, x: np.ndarray, totals: np.ndarray, p95: np.ndarray, lang: str):
    """The total written above each bar (on two lines where one would reach the whiskers);
    the P95 of total cost beside its whisker's top where there is room before the next bar."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    unit = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]  # px per bar
    right = ax.get_window_extent(renderer).x1
    for xi, total, high in zip(x, totals, p95, strict=True):
        value = format_eur_short(float(total), lang)
        text = ax.annotate(
            label("total", lang, value=value),
            (xi, total),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=14,
            fontweight="bold",
            color=DARK,
            linespacing=1.1,
        )
        if text.get_window_extent(renderer).width > 0.54 * unit:
            text.set_text(label("total", lang, value="\n" + value).replace(" \n", "\n"))
        note = ax.annotate(
            label("p95_value", lang, value=format_eur_short(float(high), lang)),
            (xi + 0.3, high),
            xytext=(12, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=12,
            color=NEUTRAL,
        )
        room = min(ax.transData.transform((xi + 0.78, 0))[0], right)
        if note.get_window_extent(renderer).x1 > room:
            note.remove()


def _option_axis(ax, ctx: FigureContext, x: np.ndarray, scenarios: list[str]) -> None:
    """Options on x (names bold in their colours), euros on y."""
    ax.set_xticks(x, [wrap_text(ctx.scenario_label(s), 22) for s in scenarios], fontsize=15)
    for tick, s in zip(ax.get_xticklabels(), scenarios, strict=True):
        tick.set_color(ctx.colour(s))
        tick.set_fontweight("bold")
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.yaxis.set_major_locator(MaxNLocator(7))


def plot_cost_budget_risk(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    cheapest: pd.DataFrame | None = None,
) -> FigureResult:
    """Per option a stacked bar: mean budget cost (bottom) and mean risk cost (top), together
    the mean total cost (net present value, EUR), each value written on the bar; whiskers left
    of the bar: P5–P95 of budget cost, right of it: P5–P95 of total cost.

    `table`: `analysis.budget_risk_table` (index scenario; columns budget_mean, risk_mean,
    total_mean, budget_p5, budget_p95, total_p5, total_p95). `cheapest` (optional; index
    scenario, columns p_cheapest_budget and p_cheapest, as in `summary_table`) writes under
    each option how often it is the cheapest on budget cost and on total cost.
    """
    lang, years = ctx.lang, ctx.horizon_years
    title = label("budget_risk_title", lang, years=years)
    subtitle = label("budget_risk_subtitle", lang, runs=runs_text(ctx))
    scenarios = ctx.ordered(table.index)
    rows = table.loc[scenarios].astype(float)
    x = np.arange(len(scenarios), dtype=float)
    column = {k: rows[k].to_numpy(float) for k in rows.columns}
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        budget_bars = ax.bar(x, column["budget_mean"], 0.44, color=BUDGET_COLOUR, zorder=2)
        risk_bars = ax.bar(
            x, column["risk_mean"], 0.44, bottom=column["budget_mean"], color=RISK_COLOUR, zorder=2
        )
        budget_caps = _whiskers(ax, x - 0.3, column["budget_p5"], column["budget_p95"], "#1F3B63")
        total_caps = _whiskers(ax, x + 0.3, column["total_p5"], column["total_p95"], DARK)
        top = float(np.nanmax([column["total_p95"].max(), column["total_mean"].max()]))
        ax.set_ylim(0, top * 1.12)
        ax.set_xlim(-0.6, len(scenarios) - 0.25)
        _option_axis(ax, ctx, x, scenarios)
        ax.set_ylabel(label("budget_risk_axis", lang, years=years))
        handles = [budget_bars, risk_bars, budget_caps, total_caps]
        names = [
            label(k, lang) for k in ("budget_cost", "risk_cost", "budget_range", "total_range")
        ]
        figure_legend(fig, handles, names, "bottom", ncols=4, fontsize=13)
        if cheapest is not None:
            _cheapest_lines(fig, ax, x, _cheapest_words(cheapest, scenarios, lang))
        # the values last: they are placed to fit the final layout
        _total_labels(fig, ax, x, column["total_mean"], column["total_p95"], lang)
        _segment_values(fig, ax, budget_bars, column["budget_mean"], lang)
        _segment_values(fig, ax, risk_bars, column["risk_mean"], lang)
        data = {
            "scenarios": scenarios,
            "x": x,
            **{key: dict(zip(scenarios, column[key].tolist(), strict=True)) for key in column},
        }
        return finish_figure(fig, out_base, ctx, data)
