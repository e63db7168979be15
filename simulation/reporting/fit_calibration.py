"""The diagnostic of a provider's performance factor calibrated by the model on its SLA reports
(`simulation.fitting.performance`): what the model resolves within target at each factor
against what the provider reported, and the prior, the reports alone and the posterior of the
factor. Draws what the calibration holds; simulates nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullLocator

from simulation.fitting.performance import GRID, Calibration
from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    FigureContext,
    NumberFormatter,
    PercentFormatter,
)
from simulation.reporting.fit_plots import (
    COLOURS,
    LEVEL,
    Drawn,
    Quantity,
    Target,
    _curve_handles,
    bottom_legend,
    density_panel,
    figure_frame,
    fit_text,
    sig,
)
from simulation.reporting.labels import format_number, format_percent


class Tabulated:
    """A density known on a grid (the reports' likelihood of the factor), with the `pdf` and
    `ppf` that `density_panel` draws with."""

    def __init__(self, x: np.ndarray, density: np.ndarray) -> None:
        self.x, self.density = x, density
        steps = np.diff(x) * (density[1:] + density[:-1]) / 2
        cdf = np.concatenate([[0.0], np.cumsum(steps)])
        self.cdf = cdf / cdf[-1]

    def pdf(self, x: Any) -> np.ndarray:
        """The density, 0 beyond the grid."""
        return np.interp(x, self.x, self.density, left=0.0, right=0.0)

    def ppf(self, q: Any) -> np.ndarray:
        """The quantile, by the tabulated CDF."""
        return np.interp(q, self.cdf, self.x)


def curves(cal: Calibration) -> dict[str, Any]:
    """Prior, reports alone (the likelihood) and posterior of the factor."""
    likelihood = np.exp(cal.loglik - np.max(cal.loglik))
    data = Tabulated(np.exp(cal.fine), likelihood)
    return {"prior": cal.prior.frozen, "data": data, "posterior": cal.posterior.frozen}


def curve_labels(cal: Calibration, lang: str) -> dict[str, str]:
    """Legend texts of the factor's curves, in the report's language."""
    low, high = cal.prior.ppf([(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    prior = {"median": sig(float(cal.prior.ppf(0.5)), lang)}
    prior |= {"low": sig(float(low), lang), "high": sig(float(high), lang)}
    key = "legend_prior_factor_assumed" if cal.prior_assumed else "legend_prior_factor"
    post_low, post_high = cal.interval(LEVEL)
    return {
        "prior": fit_text(key, lang, **prior),
        "data": fit_text(
            "legend_data_factor",
            lang,
            met=format_number(cal.met, lang),
            tickets=format_number(cal.tickets, lang),
        ),
        "posterior": fit_text(
            "legend_posterior_factor", lang, value=sig(cal.posterior.median, lang)
        ),
        "interval": fit_text(
            "legend_interval", lang, low=sig(post_low, lang), high=sig(post_high, lang)
        ),
    }


def draw_performance(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """Left, each simulated future's share within target against the factor, their mean, and
    the reported share with its binomial 95% band; right, the factor's prior, the reports alone
    and the posterior written to the config. `data` holds the shares drawn and the interval."""
    lang = ctx.lang
    cal: Calibration = q.fit
    fig, axes = figure_frame(ctx, q, fit_text("subtitle_performance", lang), 2, target)
    handles, labels = _calibration_panel(axes[0], cal, lang)
    drawn = curves(cal)
    data = density_panel(axes[1], drawn, lang)
    axes[1].xaxis.set_major_formatter(NumberFormatter(lang))
    axes[1].set_xlabel(fit_text("axis_factor", lang))
    axes[1].set_title(fit_text("panel_density", lang))
    more_handles, more_labels = _curve_handles(drawn, curve_labels(cal, lang))
    bottom_legend(fig, handles + more_handles, labels + more_labels)
    return fig, data | {"mean_share": np.nanmean(cal.shares, axis=0), "observed": cal.observed}


def _calibration_panel(ax, cal: Calibration, lang: str) -> tuple[list, list]:
    """The model's share within target by factor (log axis) against the reported share."""
    for row in cal.shares:
        ax.plot(GRID, row, color=NEUTRAL, linewidth=0.9, alpha=0.6, zorder=1)
    mean = np.nanmean(cal.shares, axis=0)
    ax.plot(GRID, mean, color=COLOURS["best"], linewidth=2.8, zorder=3)
    half = 1.96 * np.sqrt(cal.observed * (1 - cal.observed) / cal.tickets)
    ax.axhspan(cal.observed - half, cal.observed + half, color=DARK, alpha=0.12, zorder=0)
    ax.axhline(cal.observed, color=DARK, linestyle="--", linewidth=2.0, zorder=2)
    ax.axvline(cal.posterior.median, color=COLOURS["posterior"], linestyle=":", linewidth=2.0)
    ax.set_xscale("log")
    ticks = [0.25, 0.5, 1.0, 2.0, 4.0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    decimals = [len(f"{t:g}".partition(".")[2]) for t in ticks]
    ax.set_xticklabels([format_number(t, lang, d) for t, d in zip(ticks, decimals, strict=True)])
    ax.set_xlim(GRID[0], GRID[-1])
    ax.set_ylim(min(float(np.nanmin(cal.shares)), cal.observed - half) - 0.03, 1.005)
    ax.yaxis.set_major_formatter(PercentFormatter(lang))
    ax.set_xlabel(fit_text("axis_factor", lang))
    ax.set_ylabel(fit_text("axis_within_target", lang))
    ax.set_title(fit_text("panel_calibration", lang))
    runs = format_number(len(cal.shares), lang)
    handles = [
        Line2D([], [], color=NEUTRAL, linewidth=1.2),
        Line2D([], [], color=COLOURS["best"], linewidth=2.8),
        (Patch(color=DARK, alpha=0.12), Line2D([], [], color=DARK, linestyle="--")),
        Line2D([], [], color=COLOURS["posterior"], linestyle=":", linewidth=2.0),
    ]
    labels = [
        fit_text("legend_futures", lang, runs=runs),
        fit_text("legend_model_mean", lang),
        fit_text("legend_reported", lang, share=format_percent(cal.observed, lang, 1)),
        fit_text("legend_factor_median", lang),
    ]
    return handles, labels
