"""How cost and downtime spread over the simulated futures: histograms and exceedance curves."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, NullFormatter
from matplotlib.transforms import blended_transform_factory

from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    EuroFormatter,
    FigureContext,
    FigureResult,
    NumberFormatter,
    PercentFormatter,
    Provenance,
    beyond_note,
    bulk_range,
    finish_figure,
    histogram_bin_width,
    house_style,
    legend_box,
    new_figure,
    runs_text,
)
from simulation.reporting.labels import format_eur_short, format_number, label

# -- cost distributions ---------------------------------------------------------------------------


def _one_distribution(ax, v: np.ndarray, bins: np.ndarray, colour: str, legend: str) -> np.ndarray:
    """A scenario's histogram (light fill, outline) with its mean (dashed) and P95 (dotted);
    returns the bar heights (shares of the scenario's replications)."""
    weights = np.full(v.size, 1 / v.size)
    heights, _, _ = ax.hist(
        v, bins=bins, weights=weights, histtype="stepfilled", alpha=0.18, color=colour, lw=0
    )
    ax.hist(
        v, bins=bins, weights=weights, histtype="step", linewidth=2.2, color=colour, label=legend
    )
    ax.axvline(float(v.mean()), color=colour, linewidth=1.8, linestyle=(0, (6, 3)))
    ax.axvline(float(np.percentile(v, 95)), color=colour, linewidth=2.2, linestyle=(0, (1, 2)))
    return heights


def _distribution_bins(values: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All values together and the common bin edges over their bulk (`bulk_range`)."""
    everything = np.concatenate(list(values.values())) if values else np.zeros(1)
    lo, hi = bulk_range(everything)
    width = histogram_bin_width([v[(v >= lo) & (v <= hi)] for v in values.values()], lo, hi)
    if hi > lo:
        bins = np.linspace(lo, hi, round((hi - lo) / width) + 1)
    else:
        bins = np.linspace(lo - 5 * width, hi + 5 * width, 11)
    return everything, bins


#: The budget-only column that goes with a total cost column.
_BUDGET_COLUMNS = {"cost_npv_eur": "cost_budget_npv_eur", "cost_total_eur": "cost_budget_total_eur"}


def _draw_distributions(
    ax, replications: pd.DataFrame, values: dict, bins, ctx: FigureContext, budget_column
) -> dict[str, dict[str, Any]]:
    """Each scenario's histogram with its legend entry (mean, P95, mean budget cost if known);
    returns the numbers drawn per scenario."""
    lang, drawn = ctx.lang, {}
    for s, v in values.items():
        rows = replications.loc[replications["scenario"] == s]
        budget = float(rows[budget_column].mean()) if budget_column else None
        mean, p95 = float(v.mean()), float(np.percentile(v, 95))
        legend = label(
            "distribution_legend_budget" if budget_column else "distribution_legend",
            lang,
            name=ctx.scenario_label(s),
            mean=format_eur_short(mean, lang),
            p95=format_eur_short(p95, lang),
            budget=format_eur_short(budget or 0.0, lang),
        )
        heights = _one_distribution(ax, v, bins, ctx.colour(s), legend)
        drawn[s] = {"heights": heights, "mean": mean, "p95": p95, "budget_mean": budget}
    return drawn


def plot_cost_distributions(
    replications: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Overlaid distributions of `column` per scenario (outline and light fill, as share of the
    scenario's replications), with the mean (dashed) and P95 (dotted) marked. The total cost is
    budget + risk; when `replications` also holds the budget column of the same kind
    (`cost_budget_npv_eur` for `cost_npv_eur`, `cost_budget_total_eur` for `cost_total_eur`),
    the legend gives each option's mean budget cost too."""
    lang, years = ctx.lang, ctx.horizon_years
    budget_column = _BUDGET_COLUMNS.get(column)
    if budget_column not in replications.columns:
        budget_column = None
    npv = column == "cost_npv_eur"
    title = label("cost_npv_title" if npv else "cost_total_title", lang, years=years)
    subtitle = label("distribution_subtitle", lang, runs=runs_text(ctx))
    values = {
        s: replications.loc[replications["scenario"] == s, column].dropna().to_numpy(float)
        for s in ctx.ordered(replications["scenario"])
    }
    values = {s: v for s, v in values.items() if v.size}
    everything, bins = _distribution_bins(values)
    note = beyond_note(everything, bins[0], bins[-1], lang)
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        drawn = _draw_distributions(ax, replications, values, bins, ctx, budget_column)
        data: dict[str, Any] = {"bins": bins, "scenarios": drawn, "beyond": note}
        tallest = max((float(d["heights"].max()) for d in drawn.values()), default=0.0)
        ax.set_ylim(0, tallest * 1.38 if tallest > 0 else 1)
        pad = 0.01 * (bins[-1] - bins[0])
        ax.set_xlim(bins[0] - pad, bins[-1] + pad)
        ax.xaxis.set_major_formatter(EuroFormatter(lang))
        ax.yaxis.set_major_formatter(PercentFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        axis = label("cost_npv_axis" if npv else "cost_total_axis", lang, years=years)
        ax.set_xlabel(f"{axis}\n{note}" if note else axis)
        ax.set_ylabel(label("density_axis", lang))
        if values:
            legend_box(ax.legend(loc="upper right", fontsize=13))
        return finish_figure(fig, out_base, ctx, data)


def plot_cost_distribution(
    replications: pd.DataFrame,
    scenario_labels: dict[str, str],
    horizon_years: int,
    provenance: Provenance,
    out_base: Path,
    lang: str = "en",
    column: str = "cost_npv_eur",
) -> list[Path]:
    """Overlaid cost distributions per scenario (the figure of `itsim run`); returns the paths."""
    ctx = FigureContext(
        provenance=provenance,
        lang=lang,
        scenario_labels=dict(scenario_labels),
        horizon_years=horizon_years,
    )
    return plot_cost_distributions(replications, ctx, out_base, column).paths


# -- exceedance -----------------------------------------------------------------------------------


def _exceedance_texts(ctx: FigureContext, cost: bool, column: str, both: bool) -> tuple:
    """Title, subtitle and x label of an exceedance figure."""
    lang, years = ctx.lang, ctx.horizon_years
    if not cost:
        return (
            label("downtime_exceedance_title", lang),
            label("exceedance_subtitle", lang, runs=runs_text(ctx)),
            label("downtime_x_axis", lang, years=years),
        )
    npv = column == "cost_npv_eur"
    x_key = "cost_npv_x_axis" if npv else "cost_total_x_axis"
    if both:
        x_key = "cost_npv_x_axis_both" if npv else "cost_total_x_axis_both"
    subtitle_key = "exceedance_subtitle_budget" if both else "exceedance_subtitle"
    return (
        label("cost_exceedance_title_both" if both else "cost_exceedance_title", lang),
        label(subtitle_key, lang, runs=runs_text(ctx)),
        label(x_key, lang, years=years),
    )


def _exceedance_lines(ax, curve: pd.DataFrame, ctx: FigureContext, log_y: bool, budget: bool):
    """One curve per scenario (dashed and thinner for budget cost alone); the arrays drawn."""
    drawn = {}
    for s in ctx.ordered(curve["scenario"]):
        rows = curve[curve["scenario"] == s]
        x = rows["x"].to_numpy(float)
        p = rows["p_exceed"].to_numpy(float)
        if log_y:
            p = np.where(p > 0, p, np.nan)
        name = ctx.scenario_label(s)
        ax.plot(
            x,
            p,
            color=ctx.colour(s),
            linewidth=2.0 if budget else 2.6,
            linestyle=(0, (6, 2.5)) if budget else "-",
            label=f"{name} – {label('line_budget', ctx.lang)}" if budget else name,
        )
        drawn[s] = {"x": x, "p_exceed": p}
    return drawn


def _reference_levels(ax, lang: str) -> None:
    """Grey dashed lines at 10 % and 5 %, labelled right of the axes (never on a curve)."""
    blend = blended_transform_factory(ax.transAxes, ax.transData)
    for level, key in ((0.10, "reference_10"), (0.05, "reference_5")):
        ax.axhline(level, color=NEUTRAL, linewidth=1.3, linestyle=(0, (5, 3)), zorder=1)
        text = ax.text(
            1.01,
            level,
            label(key, lang),
            transform=blend,
            ha="left",
            va="center",
            fontsize=12,
            color=NEUTRAL,
            clip_on=False,
        )
        text.set_gid(key)


def _probability_axis(ax, log_y: bool, y_floor: float, lang: str) -> None:
    """A y axis of probabilities: 0 to 100 % or logarithmic down to `y_floor`."""
    if log_y:
        ax.set_yscale("log")
        ax.set_ylim(y_floor * 0.7, 1.15)
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_ylim(0, 1.03)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(PercentFormatter(lang))


def _exceedance_legend(ax, n_scenarios: int, both: bool, lang: str) -> None:
    """The scenarios' (total) curves; with budget curves also a key to solid and dashed."""
    handles = ax.get_lines()[:n_scenarios]
    if both:
        handles += [
            Line2D([], [], color=DARK, linewidth=2.6, label=label("line_total", lang)),
            Line2D(
                [],
                [],
                color=DARK,
                linewidth=2.0,
                linestyle=(0, (6, 2.5)),
                label=label("line_budget", lang),
            ),
        ]
    legend_box(ax.legend(handles=handles, loc="upper right", fontsize=14))


def _curve_replications(p: np.ndarray, runs: int) -> int:
    """How many replications an empirical exceedance curve counts: its probabilities are
    multiples of 1/n. `runs` (per scenario, from the provenance) when they are multiples of
    1/runs; else the smallest multiple of their common denominator that is at least `runs` (an
    interrupted run: its scenarios completed different numbers); `runs` for a curve that is no
    count of replications."""
    p = p[np.isfinite(p)]

    def counts_of(n: int) -> bool:
        return bool(np.allclose(p * n, np.round(p * n), rtol=0, atol=1e-6))

    if runs > 0 and counts_of(runs):
        return runs
    denominator = 1
    for value in np.unique(p):
        fraction = Fraction(float(value)).limit_denominator(10**6)
        denominator = math.lcm(denominator, fraction.denominator)
        if denominator > 10**6:
            return max(runs, 1)
    if not counts_of(denominator):
        return max(runs, 1)
    return denominator * max(1, -(-runs // denominator))


def _curve_values(curve: pd.DataFrame, runs: int) -> np.ndarray:
    """The replications behind exceedance curves, each at the first grid point at or above its
    value: a future between two grid points counts at the upper one. Its count above any grid
    point and its largest value (the grid's last point) are those of the replications."""
    values = []
    for _, rows in curve.groupby("scenario", sort=False):
        rows = rows.sort_values("x")
        x, p = rows["x"].to_numpy(float), rows["p_exceed"].to_numpy(float)
        if not np.isfinite(p).any():
            continue
        n = _curve_replications(p, runs)
        above = np.concatenate([[1.0], np.nan_to_num(p, nan=0.0)])
        counts = np.clip(np.round(n * -np.diff(above)), 0, None).astype(int)
        values.append(np.repeat(x, counts))
    return np.concatenate(values) if values else np.zeros(0)


def _exceedance_bulk(curve: pd.DataFrame, ctx: FigureContext, cost: bool) -> tuple[float, str]:
    """The right end of the x axis (`bulk_range` of the futures, up to P99, moved to the next
    grid point so that the note counts exactly) and the note on the futures beyond it."""
    values = _curve_values(curve, ctx.provenance.runs)
    if not values.size:
        return math.inf, ""
    lo, hi = bulk_range(values)
    grid = np.unique(curve["x"].to_numpy(float))
    hi = float(grid[min(np.searchsorted(grid, hi), grid.size - 1)])
    if cost:
        return hi, beyond_note(values, lo, hi, ctx.lang)

    def hours(value: float, lang: str) -> str:
        return label("sens_hours_value", lang, value=format_number(value, lang, 0))

    return hi, beyond_note(values, lo, hi, ctx.lang, hours)


def plot_exceedance(
    curve: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    quantity: str = "cost",
    *,
    log_y: bool = False,
    y_floor: float | None = None,
    column: str = "cost_npv_eur",
    budget_curve: pd.DataFrame | None = None,
) -> FigureResult:
    """Exceedance curves P(X > x) per scenario (`curve`: columns scenario, x, p_exceed).

    `quantity` "cost" (x in EUR: total cost = budget + risk; `column` tells whether it is the
    net present value) or "downtime" (x in hours). `budget_curve` (cost only; same columns, of
    budget cost alone, e.g. `exceedance_curve(..., "cost_budget_npv_eur")`) adds a dashed curve
    per scenario. Reference lines at 10 % and 5 %.

    The x axis shows the bulk of the futures as the cost distribution does: a long tail of
    `curve` is cut at its P99 (`bulk_range`; the curves, computed on the whole range, stay
    exact inside the axis), and the x label says how many futures lie beyond and the maximum
    (`data["beyond"]`). The futures are counted from the curves (probabilities are multiples
    of 1/n, n the scenario's replications; `ctx.provenance.runs` where that fits).

    With `log_y` the y axis is logarithmic down to `y_floor` (default: the decade below the
    smallest positive probability, at least 0.1 %) and shows the whole tail, which is what a
    logarithmic axis is for; probabilities of zero are then not drawn (NaN in `data`).
    """
    if quantity not in ("cost", "downtime"):
        raise ValueError(f"quantity (={quantity!r}) must be 'cost' or 'downtime'")
    lang, cost = ctx.lang, quantity == "cost"
    both = cost and budget_curve is not None
    title, subtitle, x_label = _exceedance_texts(ctx, cost, column, both)
    curves = pd.concat([curve, budget_curve]) if both else curve
    positive = curves.loc[curves["p_exceed"] > 0, "p_exceed"]
    if y_floor is None:
        smallest = float(positive.min()) if len(positive) else 1e-3
        y_floor = max(1e-3, 10 ** np.floor(np.log10(smallest)))
    with house_style():
        fig, (ax,) = new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"reference": (0.10, 0.05), "log_y": log_y}
        data["scenarios"] = _exceedance_lines(ax, curve, ctx, log_y, budget=False)
        if both:
            data["budget"] = _exceedance_lines(ax, budget_curve, ctx, log_y, budget=True)
        _reference_levels(ax, lang)
        _probability_axis(ax, log_y, y_floor, lang)
        ax.xaxis.set_major_formatter(EuroFormatter(lang) if cost else NumberFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        xs = curves["x"].to_numpy(float)
        right, note = (math.inf, "") if log_y else _exceedance_bulk(curve, ctx, cost)
        if xs.size and xs.max() > xs.min():
            ax.set_xlim(xs.min(), min(xs.max(), right))
        data["beyond"] = note
        ax.set_xlabel(f"{x_label}\n{note}" if note else x_label)
        ax.set_ylabel(label("cost_exceed_axis" if cost else "downtime_exceed_axis", lang))
        if data["scenarios"]:
            _exceedance_legend(ax, len(data["scenarios"]), both, lang)
        return finish_figure(fig, out_base, ctx, data)
