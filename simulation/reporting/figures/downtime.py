"""Downtime per service: mean hours of full outage per option, with P95 whiskers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation

from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    FigureContext,
    FigureResult,
    NumberFormatter,
    finish_figure,
    house_style,
    legend_box,
    new_figure,
    runs_text,
    strip_columns,
    wrap_text,
)
from simulation.reporting.labels import format_number, label


def _p95_whiskers(ax, xs: np.ndarray, means: np.ndarray, upper: np.ndarray) -> None:
    """Whiskers from the top of each bar to its P95 (not where both are zero)."""
    shown = (upper > 0) | (means > 0)
    ax.vlines(xs[shown], means[shown], upper[shown], color=DARK, linewidth=1.5, zorder=3)
    ax.plot(
        xs[shown],
        upper[shown],
        linestyle="none",
        marker="_",
        markersize=16,
        markeredgewidth=2.2,
        color=DARK,
        zorder=3,
    )


def _downtime_bars(
    ax, frame: pd.DataFrame, p95: pd.DataFrame | None, services: list[str], ctx: FigureContext
) -> tuple[list, dict[str, Any], float]:
    """One bar per service and scenario (P95 whiskers if given); returns the bar containers,
    the numbers drawn and the highest value drawn."""
    scenarios = ctx.ordered(frame.index)
    x = np.arange(len(services), dtype=float)
    width = 0.8 / max(len(scenarios), 1)
    data: dict[str, Any] = {"services": services, "mean": {}, "x": {}}
    data["p95"] = {} if p95 is not None else None
    top = 0.0
    bars = []
    for i, s in enumerate(scenarios):
        xs = x + (i - (len(scenarios) - 1) / 2) * width
        means = frame.loc[s, services].to_numpy(float)
        bars.append(
            ax.bar(
                xs, means, width * 0.9, color=ctx.colour(s), label=ctx.scenario_label(s), zorder=2
            )
        )
        data["mean"][s] = means
        data["x"][s] = xs
        top = max(top, float(np.nanmax(means)) if means.size else 0.0)
        if p95 is not None and s in p95.index:
            upper = p95.loc[s, services].to_numpy(float)
            _p95_whiskers(ax, xs, means, upper)
            data["p95"][s] = upper
            top = max(top, float(np.nanmax(upper)) if upper.size else 0.0)
    return bars, data, top


def _bar_values(fig: Figure, ax, bars: list, data: dict[str, Any], lang: str) -> None:
    """The mean written inside the top of its bar, when the bar is tall enough."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for container, means in zip(bars, data["mean"].values(), strict=True):
        for patch, value in zip(container.patches, means, strict=True):
            if patch.get_window_extent(renderer).height >= 0.3 * fig.dpi:
                ax.text(
                    patch.get_x() + patch.get_width() / 2,
                    value,
                    format_number(value, lang),
                    ha="center",
                    va="top",
                    fontsize=12,
                    fontweight="bold",
                    color="white",
                    zorder=4,
                    transform=ax.transData + ScaledTranslation(0, -4 / 72, fig.dpi_scale_trans),
                )


def _no_outage_notes(fig: Figure, ax, data: dict[str, Any], lang: str) -> None:
    """ "no outages" above the services where no option has any downtime."""
    for j in range(len(data["services"])):
        levels = [float(means[j]) for means in data["mean"].values()]
        levels += [float(v[j]) for v in (data["p95"] or {}).values()]
        if max(levels, default=0.0) == 0:
            ax.text(
                j,
                0,
                label("no_outage", lang),
                ha="center",
                va="bottom",
                fontsize=13,
                color=NEUTRAL,
                transform=ax.transData + ScaledTranslation(0, 6 / 72, fig.dpi_scale_trans),
            )


def _downtime_legend(ax, whiskers: bool, lang: str) -> None:
    """The options in one row at the top right, with the P95 whisker if drawn."""
    handles, names = ax.get_legend_handles_labels()
    if whiskers:
        handles.append(
            Line2D(
                [], [], color=DARK, marker="_", markersize=16, markeredgewidth=2.2, linewidth=1.5
            )
        )
        names.append(label("p95_whisker", lang))
    legend_box(ax.legend(handles, names, loc="upper right", fontsize=13, ncols=len(handles)))


def plot_downtime_by_service(
    downtime: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    downtime_p95: pd.DataFrame | None = None,
) -> FigureResult:
    """Grouped bars of the mean downtime hours per service (groups) and scenario (bars);
    `downtime`: index scenario, columns service ids. `downtime_p95` (same shape) adds P95
    whiskers from the top of each bar."""
    lang, years = ctx.lang, ctx.horizon_years
    title = label("downtime_service_title", lang, years=years)
    key = "downtime_service_subtitle" if downtime_p95 is None else "downtime_service_subtitle_p95"
    subtitle = label(key, lang, runs=runs_text(ctx))
    frame = strip_columns(downtime, "downtime_", "_hours").drop(columns="total", errors="ignore")
    p95 = None
    if downtime_p95 is not None:
        p95 = strip_columns(downtime_p95, "downtime_", "_hours")
    services = [s for s in ctx.service_labels if s in frame.columns]
    services += [s for s in frame.columns if s not in services]
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        bars, data, top = _downtime_bars(ax, frame, p95, services, ctx)
        ax.set_ylim(0, top * 1.3 if top > 0 else 1)
        _bar_values(fig, ax, bars, data, lang)
        _no_outage_notes(fig, ax, data, lang)
        width_chars = max(10, min(22, 96 // max(len(services), 1) - 2))
        ax.set_xticks(
            np.arange(len(services), dtype=float),
            [wrap_text(ctx.service_label(s), width_chars) for s in services],
            fontsize=14,
        )
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(NumberFormatter(lang))
        ax.set_ylabel(label("downtime_axis", lang))
        _downtime_legend(ax, p95 is not None, lang)
        return finish_figure(fig, out_base, ctx, data)
