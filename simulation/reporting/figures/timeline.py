"""How cost builds up over the horizon: the fan chart of cumulative cost per option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from simulation.reporting.figures.frame import (
    DARK,
    EuroFormatter,
    FigureContext,
    FigureResult,
    NumberFormatter,
    decimals_needed,
    figure_legend,
    finish_figure,
    house_style,
    new_figure,
    runs_text,
    wrap_text,
)
from simulation.reporting.labels import format_eur_short, format_number, label


def _fan_panel(ax, rows: pd.DataFrame, budget: pd.DataFrame | None, offset: int, colour: str):
    """One scenario's fan: P10–P90 and P25–P75 bands, the median line and, with `budget`, the
    median of budget cost alone (dashed). Returns the arrays drawn."""
    x = (rows["month"].to_numpy(float) + offset) / 12
    arrays = {q: rows[q].to_numpy(float) for q in ("p10", "p25", "p50", "p75", "p90")}
    ax.fill_between(x, arrays["p10"], arrays["p90"], color=colour, alpha=0.17, lw=0)
    ax.fill_between(x, arrays["p25"], arrays["p75"], color=colour, alpha=0.38, lw=0)
    ax.plot(x, arrays["p50"], color=colour, linewidth=2.6)
    drawn = {"x": x, **arrays}
    if budget is not None and len(budget):
        budget_x = (budget["month"].to_numpy(float) + offset) / 12
        drawn["budget_p50"] = budget["p50"].to_numpy(float)
        ax.plot(budget_x, drawn["budget_p50"], color=DARK, linewidth=2.0, linestyle=(0, (5, 2)))
    return drawn


def _fan_note(ax, drawn: dict, lang: str) -> None:
    """The figures at the horizon, top left in the panel."""
    x = drawn["x"]
    end = label(
        "fan_end",
        lang,
        years=format_number(x[-1], lang, decimals_needed([x[-1]], 1)),
        median=format_eur_short(drawn["p50"][-1], lang),
        low=format_eur_short(drawn["p10"][-1], lang),
        high=format_eur_short(drawn["p90"][-1], lang),
    )
    if "budget_p50" in drawn:
        median = format_eur_short(drawn["budget_p50"][-1], lang)
        end += "\n" + label("fan_end_budget", lang, median=median)
    ax.text(
        0.03,
        0.97,
        end,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=12.5,
        color=DARK,
        linespacing=1.35,
    )


def plot_fan_chart(
    bands: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    budget_bands: pd.DataFrame | None = None,
) -> FigureResult:
    """Cumulative total cost (budget + risk, not discounted) by month, one panel per scenario
    (shared y axis): P10–P90 light band, P25–P75 darker band, median line.

    `bands` columns: scenario, month, mean, p10, p25, p50, p75, p90 (EUR), e.g. from
    `cumulative_cost_bands` of `cost_total_eur`. `budget_bands` (optional, same columns, of
    budget cost alone: `cumulative_cost_bands(monthly, "cost_budget_eur")`) adds its median as
    a dashed dark line. Months counted from 0 are the end of month month+1, so
    x = (month + 1) / 12 years; months counted from 1 give x = month / 12.
    `data["scenarios"][s]` holds the arrays passed to `fill_between` and `plot`.
    """
    lang, years = ctx.lang, ctx.horizon_years
    title = label("fan_title", lang, years=years)
    subtitle = label("fan_subtitle", lang, runs=runs_text(ctx))
    scenarios = ctx.ordered(bands["scenario"])
    offset = 1 if len(bands) and bands["month"].min() == 0 else 0
    with house_style():
        ncols = min(max(len(scenarios), 1), 3)  # more than three: a second row of panels
        nrows = -(-max(len(scenarios), 1) // ncols)
        fig, axes = new_figure(ctx, title, subtitle, ncols=ncols, sharey=True, nrows=nrows)
        for ax in axes[max(len(scenarios), 1) :]:
            fig.delaxes(ax)
        axes = axes[: max(len(scenarios), 1)]
        data: dict[str, Any] = {"scenarios": {}, "month_offset": offset}
        for i, (ax, s) in enumerate(zip(axes, scenarios, strict=False)):
            rows = bands[bands["scenario"] == s].sort_values("month")
            budget = None
            if budget_bands is not None:
                budget = budget_bands[budget_bands["scenario"] == s].sort_values("month")
            colour = ctx.colour(s)
            drawn = _fan_panel(ax, rows, budget, offset, colour)
            ax.set_title(wrap_text(ctx.scenario_label(s), 24), color=colour, fontsize=16)
            ax.set_xlim(0, max(years, float(drawn["x"].max()) if drawn["x"].size else years))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(years, 6) or 1))
            ax.xaxis.set_major_formatter(NumberFormatter(lang))
            if i + ncols >= len(scenarios):  # no panel below
                ax.set_xlabel(label("fan_x_axis", lang))
                ax.tick_params(axis="x", labelbottom=True)
            if i % ncols == 0:
                ax.set_ylabel(label("fan_y_axis", lang))
            if drawn["x"].size:
                _fan_note(ax, drawn, lang)
            data["scenarios"][s] = drawn
        axes[0].yaxis.set_major_formatter(EuroFormatter(lang))
        top = max(
            (float(np.nanmax(d["p90"])) for d in data["scenarios"].values() if d["p90"].size),
            default=1.0,
        )
        axes[0].set_ylim(0, top * (1.42 if budget_bands is not None else 1.32))
        _fan_legend(fig, lang, budget_bands is not None)
        return finish_figure(fig, out_base, ctx, data)


def _fan_legend(fig: Figure, lang: str, budget: bool) -> None:
    """Median line and the two bands in grey (each panel has its option's colour) below."""
    grey = "#7f7f7f"
    handles = [
        Line2D([], [], color=grey, linewidth=2.6, label=label("fan_median", lang)),
        Patch(facecolor=grey, alpha=0.55, label=label("band_50", lang)),
        Patch(facecolor=grey, alpha=0.22, label=label("band_80", lang)),
    ]
    if budget:
        handles.append(
            Line2D(
                [],
                [],
                color=DARK,
                linewidth=2.0,
                linestyle=(0, (5, 2)),
                label=label("fan_budget", lang),
            )
        )
    names = [h.get_label() for h in handles]
    figure_legend(fig, handles, names, "bottom", ncols=len(handles), fontsize=13)
