"""Diagnostic figures of `itsim fit`: each fitted distribution against its records, each
posterior against its prior and its data, in the house style, in English and German.

The figures draw what a `simulation.fitting.FitResult` holds and fit nothing: the Kaplan-Meier
estimate and the Q-Q plotting positions are read off the records, the densities are those of
the priors and posteriors the fit stored. Each figure is a 16:9 slide with the fit's provenance
footer (`FitProvenance`), written as a 300 dpi PNG and a vector PDF (`figures.frame.save`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, LogLocator, MaxNLocator, NullFormatter, NullLocator
from scipy import stats

from simulation.fitting.censored import Z95, EventFit
from simulation.fitting.rates import HOURS_PER_MONTH, BetaPosterior, GammaPosterior, SeverityMix
from simulation.reporting import catalogue
from simulation.reporting.figures.frame import (
    DARK,
    NEUTRAL,
    PALETTE,
    FigureContext,
    FigureResult,
    NumberFormatter,
    PercentFormatter,
    Provenance,
    decimals_needed,
    figure_legend,
    finish_figure,
    fit_width,
    house_style,
    new_figure,
    wrap_text,
)
from simulation.reporting.labels import format_date, format_number, format_percent

#: Kinds of quantity drawn as a per-event distribution against its records.
EVENT_KINDS = ("effort", "resolution", "repair", "time_to_failure", "time_to_fill")
#: Kinds drawn as prior, data and posterior of a rate (a gamma posterior).
RATE_KINDS = ("ticket_rate", "turnover", "mtbf", "outage_factor")
#: Where a diagnostic drawn on a report page is drawn to: the page and the top of the space
#: left on it (page fraction); None for a slide of its own.
Target = tuple[Figure, float] | None
#: A drawn diagnostic: the figure and the numbers drawn.
Drawn = tuple[Figure, dict[str, Any]]
#: Bottom of the space a diagnostic takes on a report page, above the page's footer.
PAGE_BOTTOM = 0.055
#: Left and right margin of texts on a report page (page fraction, as `pages.wrapped` writes),
#: and the id a report page carries once a diagnostic is drawn on it.
PAGE_MARGIN, PAGE_GID = 0.05, "report-page"
#: Font size of a diagnostic's subtitle on a report page, and the sizes of its other texts
#: there (a page is read at arm's length, a slide across a room).
PAGE_SUBTITLE_PT = 10.0
PAGE_RC = {
    "font.size": 10.0,
    "axes.titlesize": 11.5,
    "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "lines.linewidth": 1.8,
}
#: Left and right margin of figure texts, as the frame's title and footer (inches).
MARGIN_IN = 0.22
#: Posterior interval shaded under the posterior curve.
LEVEL = 0.95
#: Colours of the curves: records dark, the chosen fit and the posterior in the first scenario
#: colour, the runner-up and the prior in the second, the data alone in the third.
COLOURS = {"records": DARK, "best": PALETTE[0], "runner": PALETTE[1], "prior": PALETTE[1]}
COLOURS |= {"data": PALETTE[2], "posterior": PALETTE[0], "written": DARK, "outside": PALETTE[1]}


def fit_text(name: str, lang: str, /, **values: Any) -> str:
    """The text `name` of the catalogue's section "fit" in `lang`, with `values` filled in."""
    return catalogue.entry("fit", name)[lang].format(**values)


def sig(value: float, lang: str, digits: int = 3) -> str:
    """A number to `digits` significant digits (larger numbers whole), with the language's
    separators: 0.0434, 1.09, 1,824 (en) / 0,0434, 1,09, 1.824 (de)."""
    if not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    rounded = round(value, decimals)
    return format_number(rounded, lang, decimals_needed([rounded], decimals))


def family_name(family: str, lang: str) -> str:
    """A candidate family as written in a sentence: "lognormal" / "Lognormalverteilung"."""
    return fit_text(f"family_{family}", lang)


@dataclass(frozen=True)
class FitProvenance(Provenance):
    """What produced a fit's figures and pages, for their footer: the record files, the fit's
    seed and bootstrap refits, what it was fitted against (`source`), version and day."""

    records: str = ""
    replicates: int = 0
    source: str = ""

    def footer(self, lang: str) -> str:
        """The provenance line of the fit."""
        return fit_text(
            "footer_source" if self.source else "footer",
            lang,
            version=self.version,
            records=self.records,
            seed=self.seed,
            refits=format_number(self.replicates, lang),
            source=self.source,
            date=format_date(self.day or date.today().isoformat(), lang),
        )


@dataclass(frozen=True)
class Quantity:
    """One fitted quantity of a FitResult, as the report shows it.

    `key` names it (`tickets.<service>.<P>.effort`, `outages.<service>.mtbf`, ...); `kind` says
    how it is drawn (`EVENT_KINDS`, `RATE_KINDS`, `business_hours`, `severity_mix`); `fit` is the
    EventFit, GammaPosterior, BetaPosterior or SeverityMix; `config_key` the key its value is
    written to (empty: none); `factor` the knowledge factor the written value was divided (or, for
    the MTBF, multiplied) by; `detail` what else a kind needs (monthly counts, users, ...).
    """

    key: str
    kind: str
    fit: Any
    service: str = ""
    severity: str = ""
    provider: str = ""
    config_key: str = ""
    factor: float | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def quantity_title(q: Quantity, ctx: FigureContext) -> str:
    """The title of a quantity's figure and page: "Service desk: effort per P3 ticket"."""
    provider = catalogue.pairs("providers").get(q.provider, (q.provider, q.provider))
    return fit_text(
        f"title_{q.kind}",
        ctx.lang,
        service=ctx.service_label(q.service) if q.service else "",
        severity=q.severity,
        provider=provider[0 if ctx.lang == "en" else 1],
    )


def draw_quantity(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """Draw the diagnostic of one fitted quantity (see `draw_event_fit`, `draw_rate`,
    `draw_share`, `draw_severity_mix`) on a new slide, or with `target` (a report page and the
    top of the space left on it) on the page; call inside `house_style()`. Returns the figure
    and the numbers drawn."""
    if q.kind in EVENT_KINDS:
        return draw_event_fit(q, ctx, target)
    if q.kind in RATE_KINDS:
        return draw_rate(q, ctx, target)
    if q.kind == "business_hours":
        return draw_share(q, ctx, target)
    if q.kind == "severity_mix":
        return draw_severity_mix(q, ctx, target)
    if q.kind == "performance":
        from simulation.reporting.fit_calibration import draw_performance

        return draw_performance(q, ctx, target)
    raise ValueError(f"kind (={q.kind!r}) must be one of {(*EVENT_KINDS, *RATE_KINDS)}")


def plot_quantity(q: Quantity, ctx: FigureContext, out_base: str | Path) -> FigureResult:
    """The diagnostic figure of one fitted quantity on a 16:9 slide in the house style, written
    as a 300 dpi PNG and a vector PDF (`out_base` without extension); `data` holds the numbers
    drawn (for a per-event fit the Q-Q points `qq`: fitted quantiles, recorded values)."""
    with house_style():
        fig, data = draw_quantity(q, ctx)
        return finish_figure(fig, out_base, ctx, data)


def figure_frame(ctx: FigureContext, q: Quantity, subtitle: str, ncols: int, target: Target):
    """The figure and axes a diagnostic is drawn in: a new slide with title, subtitle and
    footer (`new_figure`); or, with `target` = (page, top), the subtitle on the report page
    from `top` down and the axes laid out (constrained) between it and the page's footer."""
    if target is None:
        return new_figure(ctx, quantity_title(q, ctx), subtitle, ncols=ncols)
    fig, top = target
    fig.set_gid(PAGE_GID)
    fig.set_layout_engine("constrained")
    renderer = fig.canvas.get_renderer()
    # about 0.55 em a character: lines as long as the page's paragraph
    chars = int(fig.get_figwidth() * (1 - 2 * PAGE_MARGIN) * 72 / (PAGE_SUBTITLE_PT * 0.55))
    text = fig.text(
        PAGE_MARGIN,
        top,
        wrap_text(subtitle, chars),
        fontsize=PAGE_SUBTITLE_PT,
        color=NEUTRAL,
        va="top",
    )
    text.set_gid("subtitle")
    fit_width(text, fig.bbox.width * (1 - 2 * PAGE_MARGIN), renderer)
    below = top - text.get_window_extent(renderer).height / fig.bbox.height - 0.015
    fig.get_layout_engine().set(rect=(0.02, PAGE_BOTTOM, 0.96, below - PAGE_BOTTOM))
    return fig, list(fig.subplots(1, ncols, squeeze=False).flat)


# -- what the figures read off the records (no fitting) -------------------------------------------


def empirical_cdf(fit: EventFit) -> tuple[np.ndarray, np.ndarray]:
    """The records' distribution function at each recorded value (censored ones included, where
    it does not jump): the Kaplan-Meier estimate, the empirical CDF without censoring."""
    values, censored = fit.values, fit.censored
    data = (
        stats.CensoredData(uncensored=values[~censored], right=values[censored])
        if censored.any()
        else values
    )
    cdf = stats.ecdf(data).cdf
    return np.asarray(cdf.quantiles, dtype=float), np.asarray(cdf.probabilities, dtype=float)


def qq_points(fit: EventFit, dist: Any | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Q-Q points of the uncensored records: (quantile of `dist`, default the chosen fit;
    recorded value), sorted. The plotting position of a record x is (F(x-) + F(x)) / 2 of the
    Kaplan-Meier estimate F: Hazen's (i - 1/2) / n without censoring; with censoring, records
    still open when they were exported move the later positions up, as they should."""
    dist = fit.frozen if dist is None else dist
    steps, probabilities = empirical_cdf(fit)
    before = np.concatenate([[0.0], probabilities[:-1]])
    recorded = np.sort(fit.values[~fit.censored])
    index = np.searchsorted(steps, recorded)
    positions = (before[index] + probabilities[index]) / 2
    return np.asarray(dist.ppf(positions), dtype=float), recorded


def censored_share(fit: EventFit) -> float:
    """Share of the records that are censored (still open at the export)."""
    return fit.n_censored / fit.n if fit.n else 0.0


# -- figure pieces -------------------------------------------------------------------------------


def _margin(fig) -> float:
    """Left margin of texts (figure fraction): the frame's on a slide, the text's on a page."""
    return PAGE_MARGIN if fig.get_gid() == PAGE_GID else MARGIN_IN / fig.get_size_inches()[0]


def add_caption(fig, text: str):
    """A caption (12 pt, grey) between the axes and the footer, in space taken from the layout
    rectangle, so that it overlaps neither axes nor footer."""
    engine = fig.get_layout_engine()
    left, bottom, width, height = engine.get()["rect"]
    renderer = fig.canvas.get_renderer()
    height_in = fig.get_size_inches()[1]
    margin = _margin(fig)
    size = matplotlib.rcParams["legend.fontsize"]  # 12 pt on a slide, less on a page
    caption = fig.text(margin, bottom, text, fontsize=size, color=NEUTRAL, ha="left", va="bottom")
    caption.set_gid("caption")
    fit_width(caption, fig.bbox.width * (1 - 2 * margin), renderer)
    used = caption.get_window_extent(renderer).height / fig.bbox.height + 0.12 / height_in
    engine.set(rect=(left, bottom + used, width, height - used))
    return caption


class PlainFormatter(Formatter):
    """Tick labels with the decimals each value needs (0.05, 0.5, 5, 50; log axes), in the
    language's number format."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.lang, decimals_needed([x], 3))


def bottom_legend(fig, handles: list, labels: list[str], ncols: int = 2):
    """A figure legend under the axes (`figure_legend`), in one column if `ncols` would be
    wider than the figure."""
    legend = figure_legend(fig, handles, labels, "bottom", ncols=ncols)
    renderer = fig.canvas.get_renderer()
    if ncols > 1 and legend.get_window_extent(renderer).width > 0.97 * fig.bbox.width:
        engine = fig.get_layout_engine()
        left, bottom, width, height = engine.get()["rect"]
        used = legend.get_window_extent(renderer).height / fig.bbox.height + 0.01
        engine.set(rect=(left, bottom - used, width, height + used))
        legend.remove()
        legend = figure_legend(fig, handles, labels, "bottom", ncols=1)
    return legend


def _use_log(values: np.ndarray) -> bool:
    """Durations that span more than a factor of 20 are shown on a log scale."""
    positive = values[values > 0]
    return positive.size > 1 and positive.max() / positive.min() > 20


def _scale_axis(axis, log: bool, lang: str) -> None:
    """Log axes with ticks at 1, 2, 5 x 10^k (1 x 10^k over many decades), plain numbers."""
    if log:
        lo, hi = axis.get_view_interval()
        decades = math.log10(max(hi, 1e-12) / max(lo, 1e-12))
        subs = (1.0, 2.0, 5.0) if decades <= 2 else (1.0, 3.0) if decades <= 4 else (1.0,)
        axis.set_major_locator(LogLocator(subs=subs))
        axis.set_minor_formatter(NullFormatter())
        axis.set_major_formatter(PlainFormatter(lang))
    else:
        axis.set_major_locator(MaxNLocator(6))
        axis.set_major_formatter(NumberFormatter(lang))


def _grid(fit: EventFit, log: bool) -> np.ndarray:
    """Where the distribution functions are drawn: over the records, widened to the best fit's
    1% and 99% points (at most three times beyond the records)."""
    lo, hi = float(fit.values.min()), float(fit.values.max())
    q01, q99 = (float(v) for v in fit.frozen.ppf([0.01, 0.99]))
    if log:
        return np.geomspace(max(min(lo / 1.5, q01), lo / 3), min(max(hi * 1.5, q99), hi * 3), 500)
    return np.linspace(0.0, min(max(hi * 1.1, q99), hi * 3), 500)


# -- per-event distributions ---------------------------------------------------------------------


def _event_words(q: Quantity, lang: str) -> tuple[str, str]:
    """(what is measured, its unit) of an event quantity: ("effort per ticket", "hours")."""
    unit = fit_text("unit_months" if q.kind == "time_to_fill" else "unit_hours", lang)
    return fit_text(f"measure_{q.kind}", lang), unit


def _event_subtitle(fit: EventFit, lang: str) -> str:
    """How many records, how many censored, and pseudo-observations if the config entered."""
    n = format_number(fit.n, lang)
    if fit.n_censored:
        text = fit_text(
            "subtitle_censored",
            lang,
            n=n,
            k=format_number(fit.n_censored, lang),
            share=format_percent(censored_share(fit), lang, 1),
        )
    else:
        text = fit_text("subtitle_records", lang, n=n)
    if fit.pseudo.size:
        text += " " + fit_text("subtitle_pseudo", lang, k=format_number(fit.pseudo.size, lang))
    return text


def ranking_caption(fit: EventFit, lang: str) -> str:
    """The AIC ranking of the candidates and the goodness-of-fit test, in one caption."""
    best = fit.best.aic
    ranked = [
        f"{family_name(c.family, lang)} {format_number(c.aic, lang, 1)}"
        if i == 0
        else f"{family_name(c.family, lang)} +{sig(c.aic - best, lang)}"
        for i, c in enumerate(fit.candidates)
    ]
    text = fit_text("caption_aic", lang, ranking=" · ".join(ranked))
    if math.isfinite(fit.gof_pvalue):
        test = fit_text(
            "caption_gof",
            lang,
            distance=format_number(fit.gof_statistic, lang, 3),
            p=format_number(fit.gof_pvalue, lang, 2),
            refits=format_number(fit.gof_replicates, lang),
        )
    else:
        test = fit_text("caption_no_gof", lang)
    return f"{text} {test}"


def _cdf_panel(ax, q: Quantity, lang: str, log: bool) -> dict[str, Any]:
    """Left: the records' distribution (Kaplan-Meier with censored records marked) against the
    chosen fit and the runner-up."""
    fit: EventFit = q.fit
    measure, unit = _event_words(q, lang)
    steps, probabilities = empirical_cdf(fit)
    if not steps.size:  # every record censored: no step of the empirical CDF to draw
        steps, probabilities = np.asarray(fit.limits, dtype=float)[:1], np.zeros(1)
    ax.step(
        np.r_[steps[0], steps],
        np.r_[0.0, probabilities],
        where="post",
        color=COLOURS["records"],
        linewidth=2.6,
        label=_records_label(fit, lang),
        zorder=3,
    )
    if fit.censored.any():
        at = fit.values[fit.censored]
        level = probabilities[np.searchsorted(steps, at, side="right") - 1]
        ax.plot(at, level, "|", color=COLOURS["records"], markersize=12, markeredgewidth=2)
    grid = _grid(fit, log)
    curves = {}
    for role, candidate in zip(("best", "runner"), fit.candidates[:2], strict=False):
        name = family_name(candidate.family, lang)
        ax.plot(
            grid,
            candidate.cdf(grid),
            color=COLOURS[role],
            linewidth=2.4,
            linestyle="-" if role == "best" else "--",
            label=fit_text(f"legend_{role}", lang, family=name),
        )
        curves[role] = candidate.family
    if log:
        ax.set_xscale("log")
    ax.set_xlim(grid[0], grid[-1])
    ax.set_ylim(0.0, 1.02)
    _scale_axis(ax.xaxis, log, lang)
    ax.yaxis.set_major_formatter(PercentFormatter(lang))
    axis = fit_text("axis_log" if log else "axis_linear", lang, measure=measure, unit=unit)
    ax.set_xlabel(axis)
    ax.set_ylabel(fit_text("axis_cdf", lang))
    ax.set_title(fit_text("panel_cdf", lang))
    return {"km": (steps, probabilities), "curves": curves}


def _records_label(fit: EventFit, lang: str) -> str:
    if fit.n_censored:
        share = format_percent(censored_share(fit), lang, 1)
        return fit_text("legend_km", lang, share=share)
    return fit_text("legend_ecdf", lang)


def _qq_panel(ax, q: Quantity, lang: str, log: bool) -> dict[str, Any]:
    """Right: each uncensored record against the chosen fit's quantile at its plotting
    position; on the diagonal, fit and records agree."""
    fit: EventFit = q.fit
    measure, unit = _event_words(q, lang)
    fitted, recorded = qq_points(fit)
    many = recorded.size > 300
    ax.scatter(
        fitted,
        recorded,
        s=16 if many else 36,
        alpha=0.55 if many else 0.9,
        color=COLOURS["best"],
        edgecolor="none",
        zorder=3,
    )
    both = np.concatenate([fitted, recorded])
    lo, hi = float(both.min()), float(both.max())
    lo, hi = (lo / 1.3, hi * 1.3) if log else (0.0, hi * 1.05)
    ax.plot(
        [lo, hi],
        [lo, hi],
        color=NEUTRAL,
        linestyle="--",
        linewidth=1.6,
        label=fit_text("legend_diagonal", lang),
        zorder=2,
    )
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    for axis in (ax.xaxis, ax.yaxis):
        _scale_axis(axis, log, lang)
    family = family_name(fit.best.family, lang)
    ax.set_xlabel(fit_text("axis_qq_x", lang, family=family, unit=unit))
    ax.set_ylabel(fit_text("axis_qq_y", lang, measure=measure, unit=unit))
    ax.set_title(fit_text("panel_qq", lang))
    return {"qq": (fitted, recorded)}


def draw_event_fit(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """A per-event distribution against its records: left the records' distribution
    (Kaplan-Meier when some are censored, the censored share in the legend) with the chosen fit
    and the runner-up; right the Q-Q plot of the recorded values against the chosen fit; under
    them the AIC ranking and the goodness-of-fit test. `data` holds the Kaplan-Meier steps, the
    Q-Q points (`qq`: fitted quantiles, recorded values) and the families drawn."""
    fit: EventFit = q.fit
    lang = ctx.lang
    log = _use_log(fit.values)
    fig, (left, right) = figure_frame(ctx, q, _event_subtitle(fit, lang), 2, target)
    caption = add_caption(fig, ranking_caption(fit, lang))
    data = _cdf_panel(left, q, lang, log) | _qq_panel(right, q, lang, log)
    handles, labels = left.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    bottom_legend(fig, handles + more[0], labels + more[1])
    return fig, data | {"log": log, "caption": caption.get_text()}


# -- rates and shares: prior, data and posterior -------------------------------------------------


def gamma_curves(post: GammaPosterior, factor: float = 1.0, inverse: bool = False) -> dict:
    """Frozen scipy distributions of a Poisson rate's prior (only an informative one), of the
    records alone (the normalised likelihood, Gamma(events/dispersion + 1, exposure/dispersion))
    and of the posterior: of `factor` x rate, or with `inverse` of `factor` / rate (a mean time
    between events, inverse gamma)."""
    phi = post.dispersion
    parts = {"data": (post.events / phi + 1.0, post.exposure / phi)}
    if post.has_prior:
        parts = {"prior": (post.prior_shape, post.prior_rate)} | parts
    parts["posterior"] = (post.shape, post.rate)
    if inverse:
        return {k: stats.invgamma(a, scale=factor * b) for k, (a, b) in parts.items()}
    return {k: stats.gamma(a, scale=factor / b) for k, (a, b) in parts.items()}


def beta_curves(post: BetaPosterior) -> dict:
    """Frozen scipy distributions of a share's prior (only an informative one), of the records
    alone (Beta(successes + 1, failures + 1)) and of the posterior."""
    failures = post.trials - post.successes
    curves = {"data": stats.beta(post.successes + 1.0, failures + 1.0)}
    if post.has_prior:
        curves = {"prior": stats.beta(post.prior_alpha, post.prior_beta)} | curves
    curves["posterior"] = stats.beta(post.alpha, post.beta)
    return curves


def mix_curves(mix: SeverityMix, category: str) -> dict:
    """As `beta_curves` for one category of a severity mix (the Dirichlet's marginals); the
    prior only when the config's mix entered (not Jeffreys' Dirichlet(1/2, ...))."""
    i = mix.categories.index(category)
    alpha, prior, counts = mix.alpha, np.asarray(mix.prior), np.asarray(mix.counts)
    curves = {"data": stats.beta(counts[i] + 1.0, counts.sum() - counts[i] + 1.0)}
    if set(mix.prior) != {0.5} and prior[i] > 0:
        curves = {"prior": stats.beta(prior[i], prior.sum() - prior[i])} | curves
    curves["posterior"] = stats.beta(alpha[i], alpha.sum() - alpha[i])
    return curves


def _density_range(curves: Mapping[str, Any], lower: float = 0.0) -> tuple[float, float]:
    """Where the curves lie (0.5% to 99.5% of each), but never more than three widths of the
    posterior's range beyond it: a vague prior must not squeeze the posterior to a line."""
    post = curves["posterior"]
    p_lo, p_hi = (float(v) for v in post.ppf([0.005, 0.995]))
    width = p_hi - p_lo
    lo = min(float(c.ppf(0.005)) for c in curves.values())
    hi = max(float(c.ppf(0.995)) for c in curves.values())
    lo, hi = max(lo, p_lo - 3 * width, lower), min(hi, p_hi + 3 * width)
    pad = 0.04 * (hi - lo)
    return max(lower, lo - pad), hi + pad


def density_panel(ax, curves: Mapping[str, Any], lang: str, upper: float | None = None) -> dict:
    """Prior, data and posterior densities, each scaled to its peak (their spreads differ by
    orders of magnitude), the posterior's 95% interval shaded. `upper` caps the x range (1 for
    shares). Returns the x range, the posterior interval and each curve's mode by name."""
    lo, hi = _density_range(curves)
    hi = min(hi, upper) if upper is not None else hi
    grid = np.linspace(lo, hi, 800)
    post = curves["posterior"]
    grid = np.unique(np.concatenate([grid, post.ppf(np.linspace(0.001, 0.999, 300))]))
    grid = grid[(grid >= lo) & (grid <= hi)]
    modes = {}
    for name, dist in curves.items():
        density = np.nan_to_num(dist.pdf(grid))
        peak = density.max() or 1.0
        style = {"prior": ":", "data": "--", "posterior": "-", "written": (0, (6, 2, 1, 2))}
        ax.plot(
            grid,
            density / peak,
            color=COLOURS[name],
            linestyle=style[name],
            linewidth=2.8 if name == "posterior" else 2.2,
            zorder={"data": 4, "posterior": 3}.get(name, 2),
        )
        modes[name] = float(grid[np.argmax(density)])
    low, high = (float(v) for v in post.ppf([(1 - LEVEL) / 2, (1 + LEVEL) / 2]))
    inside = (grid >= low) & (grid <= high)
    shade = np.nan_to_num(post.pdf(grid[inside]))
    peak = np.nan_to_num(post.pdf(grid)).max() or 1.0
    ax.fill_between(grid[inside], 0, shade / peak, color=COLOURS["posterior"], alpha=0.18)
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_ylabel(fit_text("axis_density", lang))
    return {"range": (lo, hi), "interval": (low, high), "modes": modes}


def _curve_handles(curves: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[list, list]:
    """Legend entries of the curves drawn, in drawing order, with the shaded interval."""
    style = {"prior": ":", "data": "--", "posterior": "-", "written": (0, (6, 2, 1, 2))}
    handles, texts = [], []
    for name in curves:
        handles.append(Line2D([], [], color=COLOURS[name], linestyle=style[name], linewidth=2.6))
        texts.append(labels[name])
    handles.append(Patch(color=COLOURS["posterior"], alpha=0.18))
    texts.append(labels["interval"])
    return handles, texts


def _rate_curves(q: Quantity) -> dict:
    """The curves of a rate quantity on the scale the config takes: MTBF in hours at full
    knowledge (factor / rate) with the lognormal written to the config; the others as rates."""
    post: GammaPosterior = q.fit
    if q.kind != "mtbf":
        return gamma_curves(post)
    kappa = q.factor or 1.0
    curves = gamma_curves(post, kappa, inverse=True)
    spec = post.inverse_spec(kappa)
    sigma = math.log(spec["p95"] / spec["median"]) / Z95
    return curves | {"written": stats.lognorm(sigma, scale=spec["median"])}


def curve_labels(q: Quantity, curves: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Legend texts of the curves of a rate or share: the prior's weight in records, the
    records, the posterior's centre and its 95% interval, in the quantity's units (for a mix,
    whose panels share one legend, without numbers)."""
    post = q.fit
    events = fit_text(f"events_{q.kind}", lang)
    if isinstance(post, SeverityMix):
        weight, n = sum(post.prior), post.n
    elif isinstance(post, GammaPosterior):
        weight, n = post.prior_shape, post.events
    else:
        weight, n = post.prior_alpha + post.prior_beta - 2.0, post.trials
    prior_key = "legend_prior_mix" if isinstance(post, SeverityMix) else "legend_prior"
    labels = {
        "prior": fit_text(prior_key, lang, weight=sig(weight, lang, 2), events=events),
        "data": fit_text("legend_data", lang, n=format_number(n, lang), events=events),
        "written": fit_text("legend_written", lang),
    }
    if isinstance(post, SeverityMix):
        labels["posterior"] = fit_text("legend_posterior_mix", lang)
        return labels | {"interval": fit_text("legend_interval_mix", lang)}
    show = _value_text(q.kind, lang)
    centre = curves["posterior"].median() if q.kind == "mtbf" else curves["posterior"].mean()
    low, high = curves["posterior"].ppf([(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    key = "legend_posterior_median" if q.kind == "mtbf" else "legend_posterior"
    labels["posterior"] = fit_text(key, lang, value=show(centre))
    return labels | {"interval": fit_text("legend_interval", lang, low=show(low), high=show(high))}


def _value_text(kind: str, lang: str):
    """How values of a kind are written: shares as percentages, others to three digits."""
    if kind in ("business_hours", "severity_mix"):
        return lambda v: format_percent(float(v), lang, 1)
    return lambda v: sig(float(v), lang)


def _rate_subtitle(q: Quantity, lang: str) -> str:
    if isinstance(q.fit, SeverityMix):
        return fit_text(
            "subtitle_mix" if set(q.fit.prior) != {0.5} else "subtitle_mix_no_prior", lang
        )
    return fit_text("subtitle_prior" if q.fit.has_prior else "subtitle_no_prior", lang)


def poisson_band(q: Quantity) -> dict[str, np.ndarray]:
    """Tickets per month of a ticket-rate quantity, what a Poisson process at the posterior
    mean rate expects of each month (its hours in the period x users x rate) and its central
    95% band, and which months lie outside the band."""
    post: GammaPosterior = q.fit
    monthly, users = q.detail["monthly"], q.detail["users"]
    counts = monthly["tickets"].to_numpy(dtype=float)
    expected = post.mean * users * monthly["hours"].to_numpy(dtype=float) / HOURS_PER_MONTH
    low, high = stats.poisson.ppf(0.025, expected), stats.poisson.ppf(0.975, expected)
    outside = (counts < low) | (counts > high)
    return {"counts": counts, "expected": expected, "low": low, "high": high, "outside": outside}


def _monthly_panel(ax, q: Quantity, lang: str) -> dict[str, Any]:
    """Tickets per calendar month against the band a Poisson process at the posterior mean
    rate gives (95%), and the wider band of the counts' extra variation when there is any;
    the panel's legend entries under the key `legend` (handles, labels)."""
    band = poisson_band(q)
    counts, expected, outside = band["counts"], band["expected"], band["outside"]
    months = np.arange(counts.size)
    colour = COLOURS["best"]
    area = ax.fill_between(months, band["low"], band["high"], step="mid", color=colour, alpha=0.2)
    (line,) = ax.step(months, expected, where="mid", color=colour, linewidth=2.2)
    handles, labels = [(area, line)], [fit_text("legend_expected", lang)]
    phi = q.fit.dispersion
    if phi > 1.05:
        spread = 1.96 * np.sqrt(phi * expected)
        for bound in (expected - spread, expected + spread):
            (wide,) = ax.step(months, bound, where="mid", color=colour, linestyle=":", lw=1.8)
        handles.append(wide)
        labels.append(fit_text("legend_band_wide", lang, phi=sig(phi, lang, 2)))
    handles += ax.plot(months[~outside], counts[~outside], "o", color=DARK, markersize=7)
    labels.append(fit_text("legend_counts", lang))
    if outside.any():
        handles += ax.plot(
            months[outside], counts[outside], "o", color=COLOURS["outside"], markersize=9
        )
        k, m = format_number(int(outside.sum()), lang), format_number(counts.size, lang)
        labels.append(fit_text("legend_outside", lang, k=k, m=m))
    _month_ticks(ax, q.detail["start"], counts.size, lang)
    ax.set_ylim(0, max(float(band["high"].max()), float(counts.max())) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax.yaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_ylabel(fit_text("axis_monthly", lang))
    ax.set_title(fit_text("panel_monthly", lang))
    drawn = {key: band[key] for key in ("counts", "expected", "outside")}
    return drawn | {"band": (band["low"], band["high"]), "legend": (handles, labels)}


def _month_ticks(ax, start, months: int, lang: str) -> None:
    """Month names at every third (sixth, over three years) month of the record period."""
    names = catalogue.entry("fit", "month_names")[lang]
    first = start.to_period("M")
    step = 3 if months <= 12 else 6 if months <= 36 else 12
    ticks = list(range(0, months, step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{names[(first + t).month - 1]} {(first + t).year}" for t in ticks])
    ax.set_xlim(-0.7, months - 0.3)


def draw_rate(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """A rate's prior (the config's range, when it had one), the records alone and the
    posterior that goes into the config, on the scale the config takes (MTBF in hours at full
    knowledge, with the lognormal written to the config); for tickets per user per month, beside
    it the monthly counts against the Poisson band. `data` holds the curves' ranges, modes and
    the posterior interval, and the monthly counts."""
    lang = ctx.lang
    curves = _rate_curves(q)
    monthly = q.kind == "ticket_rate" and "monthly" in q.detail
    fig, axes = figure_frame(ctx, q, _rate_subtitle(q, lang), 2 if monthly else 1, target)
    handles, labels = _curve_handles(curves, curve_labels(q, curves, lang))
    data = density_panel(axes[0], curves, lang)
    axes[0].xaxis.set_major_formatter(NumberFormatter(lang))
    axes[0].set_xlabel(fit_text(f"axis_{q.kind}", lang))
    axes[0].set_title(fit_text("panel_density", lang))
    if monthly:  # one legend under both panels: the densities' column, then the counts'
        axes[0].get_subplotspec().get_gridspec().set_width_ratios([1.0, 1.25])
        data |= _monthly_panel(axes[1], q, lang)
        more_handles, more_labels = data.pop("legend")
        rows = max(len(handles), len(more_handles))
        handles = _padded(handles, rows) + _padded(more_handles, rows)
        labels = _padded(labels, rows, "") + _padded(more_labels, rows, "")
    bottom_legend(fig, handles, labels)
    return fig, data | {"curves": list(curves)}


def _padded(items: list, length: int, filler: Any = None) -> list:
    """`items` filled up to `length` with invisible legend entries (or `filler`)."""
    blank = Line2D([], [], linestyle="none") if filler is None else filler
    return items + [blank] * (length - len(items))


def draw_share(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """A share's prior (when the config gave a range), the records alone and the posterior,
    in percent."""
    lang = ctx.lang
    curves = beta_curves(q.fit)
    fig, (ax,) = figure_frame(ctx, q, _rate_subtitle(q, lang), 1, target)
    labels = curve_labels(q, curves, lang)
    bottom_legend(fig, *_curve_handles(curves, labels))
    data = density_panel(ax, curves, lang, upper=1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(lang))
    ax.set_xlabel(fit_text(f"axis_{q.kind}", lang))
    ax.set_title(fit_text("panel_density", lang))
    return fig, data | {"curves": list(curves)}


def draw_severity_mix(q: Quantity, ctx: FigureContext, target: Target = None) -> Drawn:
    """The severity mix: one panel per severity with the marginal prior (the config's mix, when
    it entered), the records alone and the posterior share, in percent."""
    lang = ctx.lang
    mix: SeverityMix = q.fit
    means = mix.means()
    subtitle = _rate_subtitle(q, lang)
    fig, axes = figure_frame(ctx, q, subtitle, len(mix.categories), target)
    data: dict[str, Any] = {}
    for ax, category in zip(axes, mix.categories, strict=True):
        curves = mix_curves(mix, category)
        data[category] = density_panel(ax, curves, lang, upper=1.0)
        ax.xaxis.set_major_locator(MaxNLocator(3))
        ax.xaxis.set_major_formatter(PercentFormatter(lang))
        share = format_percent(means[category], lang, 1)
        ax.set_title(fit_text("panel_severity", lang, severity=category, share=share))
        ax.set_xlabel(fit_text("axis_severity_mix", lang))
    for ax in axes[1:]:
        ax.set_ylabel("")
    curves = mix_curves(mix, mix.categories[0])
    bottom_legend(fig, *_curve_handles(curves, curve_labels(q, curves, lang)))
    return fig, data
