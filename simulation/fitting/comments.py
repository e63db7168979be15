"""The comment text of fitted values: source, records, period, family, fit quality, prior."""

from __future__ import annotations

import math

from simulation.config.distributions import Distribution, LogNormal
from simulation.fitting.censored import EventFit
from simulation.fitting.fragment import between, fmt
from simulation.fitting.rates import GammaPosterior
from simulation.fitting.records import RecordSet


def source(records: RecordSet, n: int, what: str) -> str:
    """`tickets.csv: 1,234 tickets, 2023-01-01..2024-12-31`."""
    return f"{records.name}: {n:,} {what}, {records.period_text()}"


def describe(dist: Distribution) -> str:
    """A configured distribution as a reader of the config knows it: `pert(min 0.5, mode 1,
    max 2)`, `lognormal(median 8, p95 40)`."""
    if isinstance(dist, LogNormal):
        return f"lognormal(median {fmt(dist.median)}, p95 {fmt(float(dist.ppf(0.95)))})"
    spec = dist.to_spec()
    shown = {k: v for k, v in spec.items() if k != "dist" and not (k == "lamb" and v == 4.0)}
    params = ", ".join(f"{k} {fmt(float(v))}" for k, v in shown.items())
    return f"{spec['dist']}({params})"


def spec_text(spec: dict[str, object], unit: str) -> str:
    """A spec in words: `lognormal (median 2.9, p95 11.7 h)`."""
    params = ", ".join(f"{k} {fmt(float(v))}" for k, v in spec.items() if k != "dist")
    return f"{spec['dist']} ({params} {unit})".replace(f"shape {unit}", "shape")


def gamma_prior_text(
    post: GammaPosterior, config: Distribution | None, events: str, unit: str
) -> str:
    """How a rate's prior entered: moment-matched to the config's range, or none."""
    if post.has_prior:
        return (
            f"prior: gamma with the mean and spread of the config's {describe(config)} (worth "
            f"{fmt(post.prior_shape)} {events} in {fmt(post.prior_rate)} {unit}), conjugate update"
        )
    if config is not None and config.is_fixed:
        return "no prior: the config's value is a fixed number (no range to combine); data alone"
    return "no prior (Jeffreys): data alone"


def fit_text(
    fit: EventFit,
    unit: str,
    level: float,
    prior: Distribution | None = None,
    divide_by: float | None = None,
) -> str:
    """How a per-event distribution was fitted and how well it fits, in one comment."""
    parts = [f"{fit.best.family} by AIC"]
    if len(fit.candidates) > 1:
        parts[0] += f" (next {fit.candidates[1].family} +{fmt(fit.delta_aic)})"
    records = f"{fit.n:,} records"
    if fit.n_censored:
        records += f", {fit.n_censored} censored (still open at the export)"
    parts.append(records)
    if fit.pseudo.size:
        parts.append(
            f"+ {fit.pseudo.size} pseudo-observations at the quantiles of the config's "
            f"{describe(prior)} (few records: config and data combined)"
        )
    if math.isfinite(fit.gof_pvalue):
        parts.append(
            f"KS to Kaplan-Meier {fit.gof_statistic:.3f}, "
            f"parametric bootstrap p={fit.gof_pvalue:.2f}"
        )
    mean_low, mean_high = fit.interval("mean", level)
    scale = divide_by or 1.0
    observed_mean = float(fit.frozen.mean()) / scale
    parts.append(
        f"mean {fmt(observed_mean)} {unit} ({between(mean_low / scale, mean_high / scale, level)},"
        " observed information)"
    )
    if divide_by is not None:
        parts.append(
            f"divided by {divide_by:.3f} = 1 + knowledge effect x (1 - initial_knowledge): "
            "recorded at the team's knowledge, the config's value is at full knowledge"
        )
    return "; ".join(parts)
