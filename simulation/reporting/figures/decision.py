"""Which option is cheaper as assumptions change: the break-even of one swept assumption and
the decision map over two."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    PALETTE,
    EuroFormatter,
    FigureContext,
    FigureResult,
    decimals_needed,
    figure_legend,
    finish_figure,
    fit_width,
    house_style,
    new_figure,
    offset_points,
    place_labels,
    runs_text,
    thin_category_ticks,
    wrap_text,
)
from simulation.reporting.figures.parameters import (
    format_parameter_value,
    parameter_kind,
    parameter_label,
    quantity_words,
    value_formatter,
    with_unit,
    wrap_label,
)
from simulation.reporting.labels import format_eur_short, format_percent, label

_BAND_COLOUR = "#9E9E9E"
_HATCH_COLOUR = "#B3B3B3"

# -- break-even -----------------------------------------------------------------------------------


def _scenario_id(ctx: FigureContext, name: str, given: str | None) -> str | None:
    """The id of the scenario labelled `name` (`given` if known)."""
    if given:
        return given
    if name in ctx.scenario_labels:
        return name
    return next((s for s, text in ctx.scenario_labels.items() if text == name), None)


def _break_even_sentence(
    x: np.ndarray, d: np.ndarray, break_even: float, names: tuple[str, str], value_text, lang: str
) -> str:
    """The result in words: which option becomes cheaper beyond the break-even, or which is
    cheaper (or neither) over the whole range swept."""
    a_label, b_label = names
    if math.isfinite(break_even):
        before, after = d[x < break_even], d[x > break_even]
        dearer_before = before[-1] > 0 if before.size and before[-1] != 0 else after[:1].sum() < 0
        cheaper, other = (a_label, b_label) if dearer_before else (b_label, a_label)
        return label("sens_becomes_cheaper", lang, a=cheaper, b=other, value=value_text(break_even))
    finite = d[np.isfinite(d)]
    ends = {"low": value_text(x.min()), "high": value_text(x.max())} if x.size else {}
    ends = ends or {"low": "–", "high": "–"}
    if finite.size and (finite <= 0).all() and (finite < 0).any():
        return label("sens_cheaper_throughout", lang, a=a_label, b=b_label, **ends)
    if finite.size and (finite >= 0).all() and (finite > 0).any():
        return label("sens_cheaper_throughout", lang, a=b_label, b=a_label, **ends)
    return label("sens_same_throughout", lang, a=a_label, b=b_label, **ends)


def _difference_curve(ax, x: np.ndarray, d: np.ndarray, ci: tuple[np.ndarray, np.ndarray], lang):
    """The mean difference with its confidence band and the zero line, the axes fitted to
    them; returns the mean line and the legend entries."""
    ci_low, ci_high = ci
    (mean_line,) = ax.plot(x, d, color=DARK, linewidth=2.6, marker="o", markersize=6, zorder=4)
    handles, names = [mean_line], [label("sens_mean_difference", lang)]
    if np.isfinite(ci_low).any():
        fill = ax.fill_between(
            x, ci_low, ci_high, color=_BAND_COLOUR, alpha=0.3, linewidth=0, zorder=2
        )
        handles.append(fill)
        names.append(label("sens_ci95", lang))
    ax.axhline(0, color=NEUTRAL, linewidth=1.4, zorder=3)
    shown = np.concatenate([d, ci_low, ci_high, [0.0]])
    shown = shown[np.isfinite(shown)]
    lo, hi = float(shown.min()), float(shown.max())
    pad = 0.08 * (hi - lo if hi > lo else abs(hi) or 1.0)
    ax.set_ylim(lo - pad, hi + pad)
    if x.size:
        x_pad = 0.02 * (x.max() - x.min() or abs(x.max()) or 1.0)
        ax.set_xlim(x.min() - x_pad, x.max() + x_pad)
    return mean_line, handles, names


def _unclear_band(ax, band: tuple[float, float]):
    """The range of values where the interval includes zero, hatched (at least a sliver)."""
    left, right = min(band), max(band)
    if right - left < 1e-9 * max(1.0, abs(right)):
        width = 0.004 * (ax.get_xlim()[1] - ax.get_xlim()[0])
        left, right = left - width, right + width
    span = ax.axvspan(
        left, right, facecolor="none", edgecolor=_HATCH_COLOUR, hatch="//", linewidth=0, zorder=1
    )
    span.set_hatch_linewidth(0.8)
    return span


def _cheaper_sides(fig, ax, names: tuple[str, str], colours: tuple[str, str], lang: str) -> None:
    """Right of the axes at the zero line: "b cheaper" above it, "a cheaper" below it."""
    blend = blended_transform_factory(ax.transAxes, ax.transData)
    for text, colour, va, dy in (
        (label("sens_cheaper_above", lang, b=names[1]), colours[1], "bottom", 5),
        (label("sens_cheaper_below", lang, a=names[0]), colours[0], "top", -5),
    ):
        ax.text(
            1.01,
            0,
            wrap_text(text, 16),
            transform=blend + offset_points(fig, 0, dy),
            ha="left",
            va=va,
            fontsize=13,
            fontweight="bold",
            color=colour,
            clip_on=False,
        )


def _break_even_marker(ax, break_even: float, parameter: str, lang: str):
    """A ring at the break-even on the zero line and its value beside it; returns both."""
    (marker,) = ax.plot(
        [break_even],
        [0.0],
        linestyle="none",
        marker="o",
        markersize=15,
        markerfacecolor="white",
        markeredgecolor=DARK,
        markeredgewidth=2.6,
        zorder=6,
    )
    marker.set_gid("break_even")
    short = format_parameter_value(parameter, break_even, lang)
    note = ax.annotate(
        label("sens_break_even_mark", lang, value=short),
        (break_even, 0.0),
        xytext=(12, 10),
        textcoords="offset points",
        fontsize=14,
        fontweight="bold",
        color=DARK,
        zorder=7,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
    )
    note.set_gid("break_even_label")
    return marker, note


def _break_even_axes(ax, parameter: str, difference: str, ctx: FigureContext) -> None:
    """The parameter's values on x, the cost difference in euros on y."""
    ax.xaxis.set_major_formatter(value_formatter(parameter, ctx.lang))
    ax.xaxis.set_major_locator(MaxNLocator(10))
    ax.yaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.yaxis.set_major_locator(MaxNLocator(8))
    ax.set_xlabel(parameter_label(parameter, ctx.lang, ctx, wrap=None))
    ax.set_ylabel(wrap_label(with_unit(difference, "eur", ctx.lang), 44))


def _sweep_arrays(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Value, mean difference and its interval of each point of the sweep, by value."""
    frame = table.sort_values("value")
    x = frame["value"].to_numpy(float)
    missing = np.full(x.size, np.nan)
    return {
        "value": x,
        "mean_difference": frame["mean_difference"].to_numpy(float),
        "ci_low": frame["ci_low"].to_numpy(float) if "ci_low" in frame else missing,
        "ci_high": frame["ci_high"].to_numpy(float) if "ci_high" in frame else missing,
    }


def plot_break_even(
    table: pd.DataFrame,
    flip: Mapping[str, float] | None,
    ctx: FigureContext,
    out_base: str | Path,
    parameter: str,
    a_label: str,
    b_label: str,
    unit_of_x: str | None = None,
    *,
    a: str | None = None,
    b: str | None = None,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Break-even of a swept parameter: the mean cost difference a − b (y, EUR) against the
    parameter's value (x) with its confidence band, the zero line, the break-even point marked
    and stated in words ("Hybrid becomes cheaper than External above 87 EUR per user per
    month"; without a flip: which option is cheaper over the whole range) and the band where
    the interval includes zero hatched. `a`/`b` are the scenario ids (for their colours; found
    from the labels if not given); `unit_of_x` overrides the unit words of the parameter."""
    lang, flip = ctx.lang, dict(flip or {})
    sweep = _sweep_arrays(table)
    x, d = sweep["value"], sweep["mean_difference"]
    break_even = float(flip.get("break_even", math.nan))
    band = (float(flip.get("band_low", math.nan)), float(flip.get("band_high", math.nan)))
    has_band = all(math.isfinite(v) for v in band)
    unit: bool | str = unit_of_x if unit_of_x else True

    def value_text(v: float) -> str:
        return format_parameter_value(parameter, v, lang, unit=unit)

    sentence = _break_even_sentence(x, d, break_even, (a_label, b_label), value_text, lang)
    title = label("sens_break_even_title", lang, a=a_label, b=b_label)
    key = "sens_break_even_subtitle_band" if has_band else "sens_break_even_subtitle"
    subtitle = label(key, lang, runs=runs_text(ctx), a=a_label)
    id_a, id_b = _scenario_id(ctx, a_label, a), _scenario_id(ctx, b_label, b)
    colours = (ctx.colour(id_a) if id_a else PALETTE[0], ctx.colour(id_b) if id_b else PALETTE[1])
    quantity, _ = quantity_words(column, ctx)
    difference = label("sens_output_difference", lang, a=a_label, b=b_label, quantity=quantity)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        ci = (sweep["ci_low"], sweep["ci_high"])
        mean_line, handles, names = _difference_curve(ax, x, d, ci, lang)
        if has_band:
            handles.append(_unclear_band(ax, band))
            names.append(label("sens_no_clear_winner", lang))
        data: dict[str, Any] = {**sweep, "break_even": break_even, "band": band}
        data.update(sentence=sentence, marker=None)
        _cheaper_sides(fig, ax, (a_label, b_label), colours, lang)
        if math.isfinite(break_even):
            marker, note = _break_even_marker(ax, break_even, parameter, lang)
            data["marker"] = (break_even, 0.0)
        headline = ax.set_title(sentence, fontsize=15, color=DARK, loc="left")
        fit_width(headline, fig.bbox.width - 3.2 * fig.dpi, fig.canvas.get_renderer())
        _break_even_axes(ax, parameter, difference, ctx)
        figure_legend(fig, handles, names, "bottom", ncols=len(handles), fontsize=13)
        if math.isfinite(break_even):
            place_labels(fig, ax, [note], [mean_line, marker])
        return finish_figure(fig, out_base, ctx, data)


# -- decision map ---------------------------------------------------------------------------------


def _tick_values(path: str, values: list[float], lang: str) -> list[str]:
    """Parameter values on a grid axis: as in the text; amounts compact ("€39k") on an axis
    reaching 10,000 EUR, with the same unit and decimals on every tick."""
    biggest = max((abs(v) for v in values), default=0.0)
    if parameter_kind(path) == "eur" and biggest >= 10_000:
        scale, most = (1e6, 1) if biggest >= 1e6 else (1e3, 0)
        decimals = decimals_needed([v / scale for v in values], most)
        return [format_eur_short(v, lang, scale=scale, decimals=decimals) for v in values]
    return [format_parameter_value(path, v, lang) for v in values]


def cell_shade(p: float, n_options: int) -> float:
    """Opacity of a cell: 0.2 where the preferred option is no more likely to be the cheapest
    than a random pick (1/n), 1.0 where it is always the cheapest."""
    if not math.isfinite(p):
        return 0.2
    floor = 1.0 / max(n_options, 2)
    return 0.2 + 0.8 * float(np.clip((p - floor) / (1.0 - floor), 0.0, 1.0))


def text_colour(colour: str, alpha: float) -> str:
    """White or dark text, whichever reads on `colour` at opacity `alpha` over white."""
    rgb = np.array(mcolors.to_rgb(colour))
    seen = 1.0 - alpha * (1.0 - rgb)  # over white
    luminance = float(seen @ np.array([0.2126, 0.7152, 0.0722]))
    return "white" if luminance < 0.5 else DARK


def _decision_cells(ax, table: pd.DataFrame, grid: tuple[list, list], ctx, n_options: int):
    """One square per grid point in the colour of its cheapest option, shaded by how often that
    option is the cheapest; returns the cells (value, option, probability, colour, ...)."""
    xs, ys = grid
    cells = []
    for row in table.itertuples(index=False):
        i, j = xs.index(float(row.x)), ys.index(float(row.y))
        preferred, p = str(row.preferred), float(row.p_cheapest)
        colour = ctx.colour(preferred)
        alpha = cell_shade(p, n_options)
        patch = Rectangle(
            (i - 0.5, j - 0.5),
            1.0,
            1.0,
            facecolor=colour,
            alpha=alpha,
            edgecolor="white",
            linewidth=2.0,
            zorder=2,
        )
        patch.set_gid(f"cell:{i}:{j}")
        ax.add_patch(patch)
        cells.append(
            {
                "x": float(row.x),
                "y": float(row.y),
                "preferred": preferred,
                "p_cheapest": p,
                "colour": colour,
                "alpha": alpha,
                "text": format_percent(p, ctx.lang),
            }
        )
    return cells


def _decision_axes(ax, grid: tuple[list, list], parameters: tuple[str, str], ctx) -> None:
    """The grid's values as ticks on both axes, the parameters' names as axis labels."""
    xs, ys = grid
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.set_ylim(-0.5, len(ys) - 0.5)
    ax.set_xticks(range(len(xs)), _tick_values(parameters[0], xs, ctx.lang))
    ax.set_yticks(range(len(ys)), _tick_values(parameters[1], ys, ctx.lang))
    ax.tick_params(axis="both", length=0, labelsize=13)
    ax.grid(visible=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(parameter_label(parameters[0], ctx.lang, ctx, wrap=None))
    ax.set_ylabel(parameter_label(parameters[1], ctx.lang, ctx, wrap=36))


def _cell_texts(fig, ax, cells: list[dict], grid: tuple[list, list], name) -> None:
    """In every cell the same content: the option's name and the probability where that fits
    every cell, else the probability alone, else nothing; `cell["written"]` says which."""
    xs, ys = grid
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    cell_w, cell_h = box.width / max(len(xs), 1), box.height / max(len(ys), 1)
    size = 14 if min(cell_w, cell_h) >= 0.55 * fig.dpi else 12
    texts = []
    for cell in cells:
        text = ax.text(
            xs.index(cell["x"]),
            ys.index(cell["y"]),
            f"{name(cell['preferred'])}\n{cell['text']}",
            ha="center",
            va="center",
            fontsize=size,
            color=text_colour(cell["colour"], cell["alpha"]),
            zorder=3,
            linespacing=1.25,
        )
        text.set_gid("cell_text")
        texts.append(text)

    def fits(share: float) -> bool:
        boxes = [t.get_window_extent(renderer) for t in texts]
        return all(b.width <= share * cell_w and b.height <= share * cell_h for b in boxes)

    if not fits(0.86):
        for text, cell in zip(texts, cells, strict=True):
            text.set_text(cell["text"])
        if not fits(0.96):
            for text in texts:
                text.set_visible(False)
    for text, cell in zip(texts, cells, strict=True):
        cell["written"] = text.get_text() if text.get_visible() else ""


def plot_decision_map(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    x_parameter: str,
    y_parameter: str,
    scenario_labels: Mapping[str, str] | None = None,
) -> FigureResult:
    """Decision map over two parameters: each cell coloured by the option with the lowest mean
    cost (`ctx.colour`), its opacity by the probability that this option is the cheapest
    (darker = more certain), the probability written in the cell (with the option's name where
    it fits)."""
    lang = ctx.lang
    grid = (sorted(set(table["x"].astype(float))), sorted(set(table["y"].astype(float))))
    compared = [str(c)[5:] for c in table.columns if str(c).startswith("mean_")]
    scenarios = ctx.ordered([*compared, *table["preferred"].astype(str)])
    n_options = len(compared) if compared else max(len(scenarios), 2)

    def name(s: str) -> str:
        return (scenario_labels or {}).get(s) or ctx.scenario_label(s)

    title = label("sens_decision_title", lang)
    subtitle = label("sens_decision_subtitle", lang, runs=runs_text(ctx))
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        figure_legend(
            fig,
            [Patch(color=ctx.colour(s)) for s in scenarios],
            [name(s) for s in scenarios],
            "right",
            fontsize=13,
            title=label("sens_cheapest_on_average", lang),
            alignment="left",
        )
        cells = _decision_cells(ax, table, grid, ctx, n_options)
        _decision_axes(ax, grid, (x_parameter, y_parameter), ctx)
        _cell_texts(fig, ax, cells, grid, name)
        thin_category_ticks(fig, ax, "x")
        thin_category_ticks(fig, ax, "y")
        data = {
            "x_parameter": x_parameter,
            "y_parameter": y_parameter,
            "x_values": grid[0],
            "y_values": grid[1],
            "scenarios": scenarios,
            "cells": cells,
        }
        return finish_figure(fig, out_base, ctx, data)
