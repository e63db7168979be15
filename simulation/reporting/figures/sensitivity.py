"""Which assumptions matter: tornado, spider, Sobol and delta figures, and every figure of a
sensitivity result (`write_sensitivity_figures`).

Same standard as the other figures (house style, 16:9 slide, title, subtitle saying how to read
the figure, provenance footer, 300 dpi PNG and vector PDF, German number formats in German). The
tables come from `simulation.analysis.sensitivity`; every plot function returns a `FigureResult`
whose `data` holds the exact numbers drawn. Parameter paths are shown by `parameter_label`;
scenarios keep the colours of the other figures (`FigureContext.colour`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from simulation.reporting.figures.decision import plot_break_even, plot_decision_map
from simulation.reporting.figures.frame import (
    DARK,
    FigureContext,
    FigureResult,
    PercentFormatter,
    figure_legend,
    figure_path,
    finish_figure,
    house_style,
    new_figure,
    offset_points,
)
from simulation.reporting.figures.parameters import (
    describe_output,
    format_output_value,
    format_parameter_value,
    output_formatter,
    output_unit,
    parameter_label,
    with_unit,
    wrap_label,
)
from simulation.reporting.figures.texts import figure_text
from simulation.reporting.labels import format_number, label

if TYPE_CHECKING:
    from simulation.analysis.sensitivity import SobolReadability

#: File stems of the sensitivity figures (German files get the suffix "_de").
SENSITIVITY_STEMS = (
    "tornado",
    "spider",
    "sobol",
    "delta",
    "break_even",
    "decision_map",
    "structural_grid",
)

#: Tornado: the result with the assumption at its P10 (light) and at its P90 (dark).
LOW_COLOUR = "#9ECAE1"
HIGH_COLOUR = "#08519C"
#: Sobol: first-order (light) and total-order (dark) indices.
FIRST_ORDER_COLOUR = "#BCBDDC"
TOTAL_ORDER_COLOUR = "#54278F"
#: delta: the moment-independent index (dark) and the given-data first-order index (light);
#: teal, apart from Sobol's purple, because the indices measure something else.
DELTA_COLOUR = "#01665E"
DELTA_FIRST_COLOUR = "#80CDC1"
#: Marks an assumption correlated with another one (after its name and in the legend).
CORRELATED_MARK = "↔"
#: Spider lines, one per assumption (Paul Tol's muted scheme: colour-blind safe, and distinct
#: from the scenario palette, since these lines are assumptions, not options).
LINE_COLOURS = (
    "#332288",
    "#CC6677",
    "#117733",
    "#3A87C8",
    "#882255",
    "#B8860B",
    "#44AA99",
    "#7A7A1F",
    "#AA4499",
    "#EE7733",
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_ROW_WRAP = 45  # characters of a parameter name per line in a row of bars


# -- rows of bars (tornado, Sobol) ----------------------------------------------------------------


def _row_names_fit(fig, n: int, reserved_pt: float) -> tuple[int, int]:
    """Wrap width and font size of the row names: two-line names where they fit, else one line
    and a smaller font (`reserved_pt`: height of the axes not available to the rows)."""
    rect_height_pt = fig.get_layout_engine().get()["rect"][3] * fig.get_size_inches()[1] * 72
    pitch = (rect_height_pt - reserved_pt) / max(n, 1)
    if pitch >= 2.6 * 13:
        return _ROW_WRAP, 13
    if pitch >= 2.45 * 12:
        return _ROW_WRAP, 12
    return 80, 12


def _row_limits(ax, n: int) -> None:
    """Rows 0..n-1 from the top down; fewer than four rows are centred at the height of four,
    so that a few bars are not drawn as blocks."""
    pad = max(0.0, (4 - n) / 2)
    ax.set_ylim(n - 0.5 + pad, -0.5 - pad)


def _row_axes(ax, y: np.ndarray, names: list[str], size: int) -> None:
    """Row names on the y axis (no ticks, no grid along the rows), largest at the top."""
    ax.set_yticks(y, names, fontsize=size)
    _row_limits(ax, len(y))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)


def _fit_xlim(fig, ax, texts: list, lo: float, hi: float) -> None:
    """Widen the x limits [lo, hi] until every text lies inside the axes."""
    renderer = fig.canvas.get_renderer()
    ax.set_xlim(lo, hi)
    for _ in range(8):
        fig.draw_without_rendering()
        box = ax.get_window_extent(renderer)
        left = max((box.x0 - t.get_window_extent(renderer).x0 for t in texts), default=0.0)
        right = max((t.get_window_extent(renderer).x1 - box.x1 for t in texts), default=0.0)
        if left <= 0.5 and right <= 0.5:
            return
        per_px = (hi - lo) / max(box.width, 1.0)
        lo -= max(left, 0.0) * per_px * 1.15 + (per_px * 4 if left > 0.5 else 0)
        hi += max(right, 0.0) * per_px * 1.15 + (per_px * 4 if right > 0.5 else 0)
        ax.set_xlim(lo, hi)


# -- tornado --------------------------------------------------------------------------------------


def _tornado_rows(table: pd.DataFrame, top: int) -> tuple[pd.DataFrame, float]:
    """The `top` rows by swing (largest first) and the baseline result."""
    rows = table.sort_values("swing", ascending=False, kind="stable").head(top)
    rows = rows.reset_index(drop=True)
    if len(rows):
        baseline = float(rows["baseline"].iloc[0])
    elif "baseline" in table and len(table):
        baseline = float(table["baseline"].iloc[0])
    else:
        baseline = 0.0
    return rows, baseline


def _tornado_values(rows: pd.DataFrame, has_values: bool, lang: str) -> dict[str, Any]:
    """Each parameter's P10 and P90 values and how they are written at the bar ends."""
    n, parameters = len(rows), [str(p) for p in rows["parameter"]]
    low_value = rows["low_value"].to_numpy(float) if has_values else np.full(n, np.nan)
    high_value = rows["high_value"].to_numpy(float) if has_values else np.full(n, np.nan)
    return {
        "low_value": low_value,
        "high_value": high_value,
        "low_text": [
            format_parameter_value(p, v, lang) for p, v in zip(parameters, low_value, strict=True)
        ],
        "high_text": [
            format_parameter_value(p, v, lang) for p, v in zip(parameters, high_value, strict=True)
        ],
    }


def _row_ends(low: float, high: float, baseline: float) -> tuple[bool, float, float]:
    """Whether both ends lie on one side of the baseline (then two thin bars), and the side of
    the baseline each end's value label goes to."""
    d_low, d_high = np.sign(low - baseline), np.sign(high - baseline)
    split = bool(d_low * d_high > 0)
    if not split:
        if d_low == 0 and d_high == 0:
            d_low, d_high = -1.0, 1.0
        elif d_low == 0:
            d_low = -d_high
        elif d_high == 0:
            d_high = -d_low
    return split, d_low, d_high


def _tornado_row(fig, ax, i: int, parameter: str, ends, texts, baseline: float):
    """Row i: a bar from the baseline to each end (P10 light, P90 dark) with the parameter's
    value at its end (`texts`: the two values, or None); returns whether the row is split and
    the value labels."""
    split, d_low, d_high = _row_ends(ends[0], ends[1], baseline)
    if split:
        y_low, y_high, height = i - 0.19, i + 0.19, 0.36
    else:
        y_low = y_high = float(i)
        height = 0.7
    written = []
    for value, yy, colour, direction, which, k in (
        (ends[0], y_low, LOW_COLOUR, d_low, "low", 0),
        (ends[1], y_high, HIGH_COLOUR, d_high, "high", 1),
    ):
        bar = ax.barh(yy, value - baseline, left=baseline, height=height, color=colour, zorder=2)
        bar.patches[0].set_gid(f"{which}:{parameter}")
        if texts is None:
            continue
        artist = ax.text(
            value,
            yy,
            texts[k],
            ha="left" if direction > 0 else "right",
            va="center",
            fontsize=12,
            color=DARK,
            zorder=4,
            transform=ax.transData + offset_points(fig, 5 * direction),
        )
        artist.set_gid(f"{which}_value")
        written.append(artist)
    return split, written


def _baseline_text(fig, ax, baseline: float, unit: str, lang: str):
    """The baseline line and its value above the axes."""
    ax.axvline(baseline, color=DARK, linewidth=1.4, zorder=3)
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    text = ax.text(
        baseline,
        1.0,
        label("sens_baseline", lang, value=format_output_value(baseline, unit, lang)),
        transform=blend + offset_points(fig, 0, 4),
        ha="center",
        va="bottom",
        fontsize=13,
        fontweight="bold",
        color=DARK,
    )
    text.set_gid("baseline")
    return text


def _merge_colliding(fig, ax, texts, split, low, high, baseline, low_text, high_text) -> None:
    """Rows with both ends on one side of the baseline (two thin bars): where their value labels
    would touch, write both at the far end ("P10 … · P90 …") instead."""
    if len(texts) != 2 * len(split) or not split.any():
        return
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    changed = False
    for i in np.flatnonzero(split):
        t_low, t_high = texts[2 * i], texts[2 * i + 1]
        if not t_low.get_window_extent(renderer).overlaps(t_high.get_window_extent(renderer)):
            continue
        far_is_low = abs(low[i] - baseline) >= abs(high[i] - baseline)
        far, near = (t_low, t_high) if far_is_low else (t_high, t_low)
        far.set_text(f"P10 {low_text[i]} · P90 {high_text[i]}")
        far.set_position((far.get_position()[0], float(i)))
        near.set_visible(False)
        changed = True
    if changed:
        _fit_xlim(fig, ax, [t for t in texts if t.get_visible()], *ax.get_xlim())


def plot_tornado(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int = 15,
    unit: str | None = None,
) -> FigureResult:
    """Tornado: one row per parameter (largest swing at the top, at most `top`), bars from the
    baseline (all parameters at their medians) to the result with the parameter at its P10
    (light) and at its P90 (dark); the parameter's P10/P90 values are written at the bar ends.
    The result axis is in EUR, or in hours (`unit="hours"`, or an `output_label` that says
    hours)."""
    lang = ctx.lang
    unit = output_unit(output_label, unit)
    rows, baseline = _tornado_rows(table, top)
    n, parameters = len(rows), [str(p) for p in rows["parameter"]]
    low, high = rows["output_low"].to_numpy(float), rows["output_high"].to_numpy(float)
    has_values = {"low_value", "high_value"} <= set(rows.columns)
    values = _tornado_values(rows, has_values, lang)
    title = label("sens_tornado_title", lang)
    subtitle = label("sens_tornado_subtitle", lang, output=output_label)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        handles = [Patch(color=LOW_COLOUR), Patch(color=HIGH_COLOUR)]
        keys = ("sens_at_p10", "sens_at_p90")
        figure_legend(fig, handles, [label(k, lang) for k in keys], "bottom", ncols=2, fontsize=13)
        wrap, size = _row_names_fit(fig, n, 95)
        names = [parameter_label(p, lang, ctx, wrap) for p in parameters]
        texts, split = [], np.zeros(n, dtype=bool)
        for i in range(n):
            pair = (values["low_text"][i], values["high_text"][i])
            shown = pair if has_values else None
            split[i], written = _tornado_row(
                fig, ax, i, parameters[i], (low[i], high[i]), shown, baseline
            )
            texts += written
        base_text = _baseline_text(fig, ax, baseline, unit, lang)
        _row_axes(ax, np.arange(n, dtype=float), names, size)  # largest swing at the top
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(output_formatter(unit, lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        ax.set_xlabel(with_unit(output_label, unit, lang))
        ends = [baseline, *low, *high]
        lo, hi = min(ends), max(ends)
        span = hi - lo if hi > lo else abs(hi) * 0.1 or 1.0
        _fit_xlim(fig, ax, [*texts, base_text], lo - 0.04 * span, hi + 0.04 * span)
        _merge_colliding(
            fig, ax, texts, split, low, high, baseline, values["low_text"], values["high_text"]
        )
        data = {
            "parameters": parameters,
            "labels": names,
            "y": np.arange(n, dtype=float),
            "baseline": baseline,
            "output_low": low,
            "output_high": high,
            "swing": rows["swing"].to_numpy(float),
            **values,
            "unit": unit,
        }
        return finish_figure(fig, out_base, ctx, data)


# -- spider ---------------------------------------------------------------------------------------


def _spider_parameters(frame: pd.DataFrame, top: int) -> list[str]:
    """The `top` parameters with the largest range of the result; flat lines left out."""
    ranges = frame.groupby("parameter", sort=False)["output"].agg(lambda s: s.max() - s.min())
    scale = float(frame["output"].abs().max()) if len(frame) else 0.0
    ranges = ranges[ranges > 1e-9 * max(scale, 1.0)]  # flat lines (no effect) are left out
    return [str(p) for p in ranges.sort_values(ascending=False, kind="stable").head(top).index]


def _spider_lines(ax, frame: pd.DataFrame, chosen: list[str], ctx: FigureContext):
    """One line per parameter; returns the lines and the numbers drawn by parameter."""
    lines, drawn = {}, {}
    for i, p in enumerate(chosen):
        rows = frame[frame["parameter"] == p].sort_values("percentile")
        x = rows["percentile"].to_numpy(float)
        yv = rows["output"].to_numpy(float)
        values = rows["value"].to_numpy(float) if "value" in rows else np.full(x.size, np.nan)
        (line,) = ax.plot(
            x,
            yv,
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            marker=_MARKERS[i % len(_MARKERS)],
            markersize=8,
            linewidth=2.4,
            label=parameter_label(p, ctx.lang, ctx, 40),
        )
        lines[p] = line
        drawn[p] = {"percentile": x, "output": yv, "value": values}
    return lines, drawn


def plot_spider(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int = 8,
    unit: str | None = None,
) -> FigureResult:
    """Spider plot: the result (y) against the percentile of one parameter (x, P10 to P90), the
    others at their medians; one line per parameter, the `top` with the largest range (flat
    lines left out). The legend lists the lines in the order of their right ends, top to
    bottom. The axis is in EUR, or in hours (`unit="hours"`, or an `output_label` that says
    hours or downtime)."""
    lang = ctx.lang
    unit = output_unit(output_label, unit)
    frame = table.dropna(subset=["output"])
    chosen = _spider_parameters(frame, top)
    title = label("sens_spider_title", lang)
    subtitle = label("sens_spider_subtitle", lang, output=output_label)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        lines, drawn = _spider_lines(ax, frame, chosen, ctx)
        data: dict[str, Any] = {"parameters": chosen, "lines": drawn, "unit": unit}
        percentiles = np.unique(frame["percentile"].to_numpy(float))
        if percentiles.size:
            ax.set_xticks(percentiles, [f"P{round(100 * q)}" for q in percentiles])
            pad = 0.03 * (percentiles.max() - percentiles.min() or 1.0)
            ax.set_xlim(percentiles.min() - pad, percentiles.max() + pad)
        ax.set_xlabel(label("sens_spider_x", lang))
        ax.set_ylabel(wrap_label(with_unit(output_label, unit, lang), 48))
        ax.yaxis.set_major_formatter(output_formatter(unit, lang))
        ax.yaxis.set_major_locator(MaxNLocator(7))
        order = sorted(chosen, key=lambda p: -drawn[p]["output"][-1])
        data["legend_order"] = order
        if order:
            figure_legend(
                fig,
                [lines[p] for p in order],
                [lines[p].get_label() for p in order],
                "right",
                fontsize=12,
                title=label("sens_spider_legend", lang),
                alignment="left",
                labelspacing=0.8,
            )
        return finish_figure(fig, out_base, ctx, data)


# -- Sobol ----------------------------------------------------------------------------------------


def sobol_note(verdict: SobolReadability, lang: str) -> str:
    """The judgement of `analysis.sensitivity.sobol_readability` in one sentence ('' when the
    estimates are readable): "Estimates unreliable at n = 32: first-order indices sum to 1.28
    and exceed total-order for 4 of 8 assumptions, 95% intervals up to ±23 points; about
    n = 1,024 base samples would settle them"."""
    if verdict.readable:
        return ""
    total = format_number(verdict.first_order_sum, lang, 2)
    k, d = verdict.first_above_total, verdict.parameters
    reasons = set(verdict.reasons)
    parts = []
    if {"first_order_sum", "first_above_total"} <= reasons:
        parts.append(figure_text("sobol_both", lang, sum=total, k=k, d=d))
    elif "first_order_sum" in reasons:
        parts.append(figure_text("sobol_first_order_sum", lang, sum=total))
    elif "first_above_total" in reasons:
        parts.append(figure_text("sobol_first_above_total", lang, k=k, d=d))
    if "wide_intervals" in reasons and verdict.widest_half_width > 0.5:
        parts.append(figure_text("sobol_whole_axis", lang))  # "±196 points" would read oddly
    elif "wide_intervals" in reasons:
        points = format_number(round(100 * verdict.widest_half_width), lang)
        parts.append(figure_text("sobol_wide_intervals", lang, points=points))
    if verdict.n is None:
        head = figure_text("sobol_head_without_n", lang)
        factor = format_number(math.ceil(verdict.sample_factor), lang)
        settle = figure_text("sobol_settle_factor", lang, factor=factor)
    else:
        head = figure_text("sobol_head", lang, n=format_number(verdict.n, lang))
        n = format_number(verdict.recommended_n, lang)
        settle = figure_text("sobol_settle", lang, n=n)
    return f"{head}: {', '.join(parts)}; {settle}"


_SOBOL_COLUMNS = (
    "first_order",
    "first_ci_low",
    "first_ci_high",
    "total_order",
    "total_ci_low",
    "total_ci_high",
)


def _sobol_legend(fig, lang: str) -> None:
    """First- and total-order bars and the interval line, below the axes."""
    interval = Line2D([], [], color=DARK, linewidth=1.6, marker="|", markersize=10)
    figure_legend(
        fig,
        [Patch(color=FIRST_ORDER_COLOUR), Patch(color=TOTAL_ORDER_COLOUR), interval],
        [
            label("sens_first_order", lang),
            label("sens_total_order", lang),
            label("sens_bootstrap_ci", lang),
        ],
        "bottom",
        ncols=3,
        fontsize=13,
    )


def _interval_whiskers(ax, y: float, ci: tuple[float, float]) -> None:
    """A bootstrap interval clipped to [0, 1], with end caps where the interval ends inside."""
    lo_ci, hi_ci = ci
    if not (np.isfinite(lo_ci) and np.isfinite(hi_ci)):
        return
    a, b = float(np.clip(lo_ci, 0, 1)), float(np.clip(hi_ci, 0, 1))
    ax.hlines(y, a, b, color=DARK, linewidth=1.6, zorder=3)
    caps = [v for v, raw in ((a, lo_ci), (b, hi_ci)) if 0 <= raw <= 1]
    if caps:
        ax.plot(
            caps,
            [y] * len(caps),
            linestyle="none",
            marker="|",
            markersize=10,
            markeredgewidth=1.6,
            color=DARK,
            zorder=3,
        )


def _sobol_bars(ax, exact: dict[str, np.ndarray], parameters: list[str]) -> dict[str, Any]:
    """Per parameter a first-order bar above a total-order bar, each with its interval; indices
    below zero drawn at zero, above one at one. Returns the values drawn."""
    y = np.arange(len(parameters), dtype=float)
    height = 0.38
    drawn: dict[str, np.ndarray] = {}
    for key, offset, colour in (
        ("first", -height / 2, FIRST_ORDER_COLOUR),
        ("total", height / 2, TOTAL_ORDER_COLOUR),
    ):
        shown = np.clip(np.nan_to_num(exact[f"{key}_order"], nan=0.0), 0.0, 1.0)
        bars = ax.barh(y + offset, shown, height=height, color=colour, zorder=2)
        for patch, p in zip(bars.patches, parameters, strict=True):
            patch.set_gid(f"{key}:{p}")
        drawn[key] = shown
        ci_low, ci_high = exact[f"{key}_ci_low"], exact[f"{key}_ci_high"]
        for j in range(len(parameters)):
            _interval_whiskers(ax, y[j] + offset, (ci_low[j], ci_high[j]))
    return drawn


def plot_sobol(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int | None = 15,
    sobol_n: int | None = None,
) -> FigureResult:
    """Sobol indices: per parameter a first-order bar (the parameter alone) and a total-order bar
    (with its interactions), with bootstrap intervals, sorted by total order (largest at the
    top; at most `top` rows). The axis runs from 0 to 100 % of the variance; indices below zero
    (estimation noise) are drawn at zero, `data` keeps the exact values.

    Estimates too noisy to read (`analysis.sensitivity.sobol_readability` of the whole table;
    `sobol_n`: the base samples, if known) get a red warning under the subtitle saying why and
    how many base samples would settle them (`data["readability"]`, `data["warning"]`)."""
    lang = ctx.lang
    rows = table.sort_values("total_order", ascending=False, kind="stable", na_position="last")
    rows = rows.head(top) if top else rows
    rows = rows.reset_index(drop=True)
    n = len(rows)
    parameters = [str(p) for p in rows["parameter"]]
    exact = {
        c: rows[c].to_numpy(float) if c in rows else np.full(n, np.nan) for c in _SOBOL_COLUMNS
    }
    title = label("sens_sobol_title", lang)
    subtitle = label("sens_sobol_subtitle", lang, output=output_label)
    from simulation.analysis.sensitivity import sobol_readability  # not needed to import figures

    verdict = sobol_readability(table, sobol_n)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle, warning=sobol_note(verdict, lang))
        _sobol_legend(fig, lang)
        wrap, size = _row_names_fit(fig, n, 70)
        names = [parameter_label(p, lang, ctx, wrap) for p in parameters]
        drawn = _sobol_bars(ax, exact, parameters)
        _row_axes(ax, np.arange(n, dtype=float), names, size)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
        ax.xaxis.set_major_formatter(PercentFormatter(lang))
        ax.set_xlabel(label("sens_sobol_axis", lang))
        data = {
            "parameters": parameters,
            "labels": names,
            "y": np.arange(n, dtype=float),
            **exact,
            "first_drawn": drawn["first"],
            "total_drawn": drawn["total"],
            "readability": verdict,
        }
        return finish_figure(fig, out_base, ctx, data)


# -- delta ----------------------------------------------------------------------------------------

_DELTA_COLUMNS = (
    "delta",
    "delta_ci_low",
    "delta_ci_high",
    "first_order",
    "first_ci_low",
    "first_ci_high",
)


def _delta_legend(fig, lang: str, noise: bool, correlated: bool) -> None:
    """delta and first-order bars, the interval line, the noise level and the mark of a
    correlated assumption (the last two where drawn), below the axes."""
    interval = Line2D([], [], color=DARK, linewidth=1.6, marker="|", markersize=10)
    handles = [Patch(color=DELTA_COLOUR), Patch(color=DELTA_FIRST_COLOUR), interval]
    keys = ["sens_delta_bar", "sens_delta_first", "sens_bootstrap_ci"]
    if noise:
        handles.append(Line2D([], [], color=DARK, linewidth=1.4, linestyle="--"))
        keys.append("sens_delta_noise")
    if correlated:
        mark = r"$\leftrightarrow$"
        handles.append(Line2D([], [], color=DARK, linestyle="none", marker=mark, markersize=14))
        keys.append("sens_delta_correlated_mark")
    figure_legend(
        fig, handles, [label(k, lang) for k in keys], "bottom", ncols=min(len(keys), 3), fontsize=13
    )


def _delta_bars(ax, exact: dict[str, np.ndarray], parameters: list[str]) -> dict[str, Any]:
    """Per parameter a delta bar above a first-order bar, each with its interval; indices below
    zero drawn at zero. Returns the values drawn."""
    y = np.arange(len(parameters), dtype=float)
    height = 0.38
    drawn: dict[str, np.ndarray] = {}
    for key, low, high, offset, colour in (
        ("delta", "delta_ci_low", "delta_ci_high", -height / 2, DELTA_COLOUR),
        ("first_order", "first_ci_low", "first_ci_high", height / 2, DELTA_FIRST_COLOUR),
    ):
        shown = np.clip(np.nan_to_num(exact[key], nan=0.0), 0.0, 1.0)
        bars = ax.barh(y + offset, shown, height=height, color=colour, zorder=2)
        for patch, p in zip(bars.patches, parameters, strict=True):
            patch.set_gid(f"{key}:{p}")
        drawn[key] = shown
        for j in range(len(parameters)):
            _interval_whiskers(ax, y[j] + offset, (exact[low][j], exact[high][j]))
    return drawn


def _noise_level(table: pd.DataFrame) -> float:
    """The noise level of a delta table (`noise_delta`, a dummy's upper bound), NaN where there
    is none to draw (missing, or not inside the axis)."""
    noise = float(table["noise_delta"].iloc[0]) if "noise_delta" in table and len(table) else 0.0
    return noise if np.isfinite(noise) and 0 < noise < 1 else math.nan


def plot_delta(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int | None = 15,
    correlations: list[tuple[str, str, float]] | tuple = (),
) -> FigureResult:
    """delta indices (`analysis.sensitivity.delta_table`): per parameter a delta bar (how far
    knowing it shifts the whole distribution of the result) above a bar of its given-data
    first-order index (share of the variance it explains with what moves with it), with
    bootstrap intervals, sorted by delta (largest at the top; at most `top` rows), and the
    noise level of a dummy parameter as a dashed line. Parameters in `correlations` (path a,
    path b, rho) carry a mark after their name, and the subtitle says that an index then
    includes what the partner carries. Indices below zero are drawn at zero; `data` keeps the
    exact values."""
    lang = ctx.lang
    rows = table.sort_values("delta", ascending=False, kind="stable", na_position="last")
    rows = (rows.head(top) if top else rows).reset_index(drop=True)
    n = len(rows)
    parameters = [str(p) for p in rows["parameter"]]
    exact = {
        c: rows[c].to_numpy(float) if c in rows else np.full(n, np.nan) for c in _DELTA_COLUMNS
    }
    partnered = {p for a, b, _ in correlations for p in (a, b)}
    correlated = [p in partnered for p in parameters]
    title = label("sens_delta_title", lang)
    subtitle = label("sens_delta_subtitle", lang, output=output_label)
    if any(correlated):
        subtitle = f"{subtitle}. {label('sens_delta_correlated', lang, mark=CORRELATED_MARK)}"
    noise = _noise_level(rows)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        _delta_legend(fig, lang, bool(np.isfinite(noise)), any(correlated))
        wrap, size = _row_names_fit(fig, n, 70)
        names = [
            parameter_label(p, lang, ctx, wrap) + (f" {CORRELATED_MARK}" if c else "")
            for p, c in zip(parameters, correlated, strict=True)
        ]
        drawn = _delta_bars(ax, exact, parameters)
        if np.isfinite(noise):
            ax.axvline(noise, color=DARK, linewidth=1.4, linestyle="--", zorder=1).set_gid("noise")
        _row_axes(ax, np.arange(n, dtype=float), names, size)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
        ax.xaxis.set_major_formatter(lambda x, _pos: format_number(x, lang, 1))
        ax.set_xlabel(label("sens_delta_axis", lang))
        data = {
            "parameters": parameters,
            "labels": names,
            "y": np.arange(n, dtype=float),
            **exact,
            "delta_drawn": drawn["delta"],
            "first_drawn": drawn["first_order"],
            "noise_delta": noise,
            "correlated": correlated,
        }
        return finish_figure(fig, out_base, ctx, data)


# -- all figures of a sensitivity result ----------------------------------------------------------


def _break_even_figure(result: Any, settings: Any, ctx: FigureContext, base: Path):
    """The break-even figure of the result's sweep: parameter and options from `settings`, else
    from the table's attrs and the result's output."""
    be = getattr(settings, "break_even", None)
    output = result.output
    if be is not None:
        parameter, a, b = be.sweep.parameter, be.a, be.b
    else:
        parameter = str(result.break_even.attrs.get("parameter", ""))
        a, b = output.scenario, output.baseline or output.scenario
    return plot_break_even(
        result.break_even,
        result.flip,
        ctx,
        base,
        parameter or label("sens_swept", ctx.lang),
        ctx.scenario_label(a),
        ctx.scenario_label(b),
        a=a,
        b=b,
        column=output.column,
    )


def _decision_map_figure(result: Any, settings: Any, ctx: FigureContext, base: Path):
    """The decision map over the two parameters of `settings` (else the table's attrs)."""
    dm = getattr(settings, "decision_map", None)
    attrs = result.decision_map.attrs
    x_parameter = dm.x.parameter if dm is not None else str(attrs.get("x_parameter", "x"))
    y_parameter = dm.y.parameter if dm is not None else str(attrs.get("y_parameter", "y"))
    return plot_decision_map(result.decision_map, ctx, base, x_parameter, y_parameter)


def _structural_figure(result: Any, settings: Any, ctx: FigureContext, base: Path):
    """The grid of structural variants against the options (`reporting.whatif`)."""
    from simulation.reporting.whatif import WhatIf, plot_structural_grid

    st = getattr(settings, "structural", None)
    variants = [v.model_dump(by_alias=True) for v in st.variants] if st is not None else []
    runs = int(getattr(result, "structural_runs", None) or result.runs)
    grid_ctx = replace(ctx, provenance=replace(ctx.provenance, runs=runs))
    return plot_structural_grid(
        WhatIf(result.structural, None, {"variants": variants}), grid_ctx, base
    )


def _has(table: pd.DataFrame | None) -> bool:
    return table is not None and len(table) > 0


def write_sensitivity_figures(
    result: Any,
    ctx: FigureContext,
    out_dir: str | Path,
    settings: Any = None,
) -> dict[str, FigureResult]:
    """Draw every table of a `sensitivity.SensitivityResult` into `out_dir` (stems `tornado`,
    `spider`, `sobol`, `delta`, `break_even`, `decision_map`, "_de" in German); returns the
    figures by stem. The footer states the result's replications per design point and seed.

    The swept parameter and scenarios of the break-even and the two parameters of the decision
    map come from `settings` (the config's `sensitivity` section) or `result.settings`; without
    them the axes are labelled generically."""
    settings = settings if settings is not None else getattr(result, "settings", None)
    provenance = replace(  # planned=0: design points are complete or not written at all
        ctx.provenance,
        runs=int(result.runs),
        seed=int(result.seed),
        footer_key="footer_design",
        planned=0,
    )
    ctx = replace(ctx, provenance=provenance)
    output_label, unit = describe_output(result.output, ctx)
    path = lambda stem: figure_path(out_dir, stem, ctx.lang)  # noqa: E731
    figures: dict[str, FigureResult] = {}
    if _has(result.tornado):
        figures["tornado"] = plot_tornado(
            result.tornado, ctx, path("tornado"), output_label, unit=unit
        )
    if _has(result.spider):
        figures["spider"] = plot_spider(result.spider, ctx, path("spider"), output_label, unit=unit)
    if _has(result.sobol):
        sobol_runs = getattr(result, "sobol_runs", None) or result.runs
        sobol_ctx = replace(ctx, provenance=replace(provenance, runs=int(sobol_runs)))
        figures["sobol"] = plot_sobol(
            result.sobol,
            sobol_ctx,
            path("sobol"),
            output_label,
            sobol_n=getattr(settings, "sobol_n", None),
        )
    if _has(getattr(result, "delta", None)):
        delta_runs = getattr(result, "delta_runs", None) or result.runs
        delta_ctx = replace(ctx, provenance=replace(provenance, runs=int(delta_runs)))
        figures["delta"] = plot_delta(
            result.delta,
            delta_ctx,
            path("delta"),
            output_label,
            correlations=getattr(result, "correlations", None) or (),
        )
    if _has(result.break_even):
        figures["break_even"] = _break_even_figure(result, settings, ctx, path("break_even"))
    if _has(result.decision_map):
        figures["decision_map"] = _decision_map_figure(result, settings, ctx, path("decision_map"))
    if _has(getattr(result, "structural", None)):
        figures["structural_grid"] = _structural_figure(
            result, settings, ctx, path("structural_grid")
        )
    return figures
