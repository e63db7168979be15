"""Rates, shares and mixes with their uncertainty: Poisson rates with exposure (Gamma
posterior), shares (Beta), severity mixes (Dirichlet), person-years and business-hours flags.

Conjugate updates throughout, so that the uncertainty of a fitted value is exact for its model
and shrinks with the amount of data: 40 tickets a month give a wider rate than 4,000. A prior
from the config's own value (an expert's range) enters with the weight its spread implies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from simulation.config.distributions import Distribution
from simulation.config.schema import BusinessHours

#: The model's 365-day year and its twelfths (simulation.model.calendar).
HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12
#: Jeffreys' prior of a Poisson rate, Gamma(1/2, 0), when the config gives no range.
JEFFREYS_SHAPE = 0.5
#: How many tickets a configured severity mix counts as (a fixed mix has no stated spread;
#: assumption: worth a fortnight of a small service desk's tickets).
PRIOR_TICKETS = 10.0


@dataclass(frozen=True)
class GammaPosterior:
    """The posterior Gamma(shape, rate) of a Poisson rate per unit of exposure.

    `events` and `exposure` are the data; `prior_shape`/`prior_rate` the prior (Jeffreys'
    Gamma(0.5, 0) without one), which counts as `prior_shape` events in `prior_rate` units of
    exposure; `dispersion` (>= 1) is the quasi-Poisson factor the data were discounted by.
    """

    shape: float
    rate: float
    events: float
    exposure: float
    prior_shape: float = JEFFREYS_SHAPE
    prior_rate: float = 0.0
    dispersion: float = 1.0

    @property
    def mean(self) -> float:
        """Posterior mean of the rate."""
        return self.shape / self.rate

    @property
    def sd(self) -> float:
        """Posterior standard deviation of the rate."""
        return math.sqrt(self.shape) / self.rate

    @property
    def has_prior(self) -> bool:
        """Whether an informative prior (not Jeffreys') was combined with the data."""
        return self.prior_rate > 0

    def ppf(self, q: float | np.ndarray) -> np.ndarray:
        """Posterior quantiles of the rate."""
        return stats.gamma.ppf(q, self.shape, scale=1.0 / self.rate)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central posterior interval of the rate."""
        low, high = self.ppf([(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)

    def to_spec(self, factor: float = 1.0) -> dict[str, object]:
        """The config spec of `factor` x rate: `{dist: gamma, shape, scale}` (exact)."""
        return {"dist": "gamma", "shape": self.shape, "scale": factor / self.rate}

    def inverse_spec(self, factor: float = 1.0) -> dict[str, object]:
        """A spec of `factor` / rate (a mean time between events): the lognormal with the
        posterior's median and 95th percentile (the inverse gamma has no spec of its own)."""
        median = factor / float(self.ppf(0.5))
        p95 = factor / float(self.ppf(0.05))
        return {"dist": "lognormal", "median": median, "p95": p95}

    def inverse_interval(self, factor: float = 1.0, level: float = 0.95) -> tuple[float, float]:
        """Central posterior interval of `factor` / rate."""
        low, high = self.interval(level)
        return factor / high, factor / low


def gamma_prior(
    dist: Distribution, transform: Callable[[np.ndarray], np.ndarray] | None = None
) -> tuple[float, float] | None:
    """Gamma(shape, rate) with the mean and variance of `dist`, or of `transform(X)` for X
    from `dist` (moments from 4,000 quantiles); None for a fixed value (no spread)."""
    if transform is None:
        mean, var = float(dist.mean), float(dist.variance)
    else:
        u = (np.arange(4000) + 0.5) / 4000
        x = transform(np.asarray(dist.ppf(u), dtype=float))
        mean, var = float(x.mean()), float(x.var())
    if not (var > 0 and mean > 0 and math.isfinite(var)):
        return None
    return mean * mean / var, mean / var


def poisson_rate(
    events: float,
    exposure: float,
    prior: tuple[float, float] | None = None,
    dispersion: float = 1.0,
) -> GammaPosterior:
    """The posterior of a Poisson rate from `events` in `exposure` (conjugate update).

    With `dispersion` above 1 (counts vary more than a Poisson process's), the data count as
    events/dispersion in exposure/dispersion (quasi-Poisson): same mean, wider posterior.
    """
    a0, b0 = prior if prior is not None else (JEFFREYS_SHAPE, 0.0)
    phi = max(1.0, float(dispersion))
    return GammaPosterior(
        a0 + events / phi, b0 + exposure / phi, float(events), float(exposure), a0, b0, phi
    )


def dispersion(counts: np.ndarray, exposures: np.ndarray) -> float:
    """Pearson's chi-square over its degrees of freedom for counts per period against one
    constant rate (1 for a Poisson process); 1.0 with fewer than three periods."""
    counts = np.asarray(counts, dtype=float)
    exposures = np.asarray(exposures, dtype=float)
    keep = exposures > 0
    counts, exposures = counts[keep], exposures[keep]
    if counts.size < 3 or counts.sum() == 0:
        return 1.0
    expected = exposures * counts.sum() / exposures.sum()
    return float(((counts - expected) ** 2 / expected).sum() / (counts.size - 1))


@dataclass(frozen=True)
class BetaPosterior:
    """The posterior Beta(alpha, beta) of a share: `successes` of `trials`, and the prior."""

    alpha: float
    beta: float
    successes: float
    trials: float
    prior_alpha: float = 1.0
    prior_beta: float = 1.0

    @property
    def mean(self) -> float:
        """Posterior mean of the share."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def has_prior(self) -> bool:
        """Whether an informative prior (not the uniform Beta(1, 1)) was combined."""
        return (self.prior_alpha, self.prior_beta) != (1.0, 1.0)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central posterior interval of the share."""
        low, high = stats.beta.ppf([(1 - level) / 2, (1 + level) / 2], self.alpha, self.beta)
        return float(low), float(high)

    def to_spec(self) -> dict[str, object]:
        """The config spec of the posterior: a PERT on [0, 1] is a beta distribution, exactly
        Beta(alpha, beta) with mode (alpha-1)/(alpha+beta-2) and lamb alpha+beta-2 (both
        shapes are at least 1 here, the prior's being clamped to 1)."""
        lamb = self.alpha + self.beta - 2.0
        mode = (self.alpha - 1.0) / lamb if lamb > 0 else 0.5
        return {"dist": "pert", "min": 0.0, "mode": mode, "max": 1.0, "lamb": lamb}


def beta_prior(dist: Distribution | None) -> tuple[float, float]:
    """Beta(a, b) with the mean and variance of `dist` (each shape at least 1); the uniform
    Beta(1, 1) for None or a fixed value."""
    if dist is None or not dist.variance > 0:
        return 1.0, 1.0
    mean, var = float(dist.mean), float(dist.variance)
    common = mean * (1.0 - mean) / var - 1.0
    if not (0 < mean < 1 and common > 0):
        return 1.0, 1.0
    return max(1.0, mean * common), max(1.0, (1.0 - mean) * common)


def share_posterior(
    successes: float, trials: float, prior: tuple[float, float] = (1.0, 1.0)
) -> BetaPosterior:
    """The posterior of a share from `successes` in `trials` (conjugate update)."""
    a0, b0 = prior
    return BetaPosterior(a0 + successes, b0 + trials - successes, successes, trials, a0, b0)


@dataclass(frozen=True)
class SeverityMix:
    """The Dirichlet posterior of a mix of categories (severities P1..P4)."""

    categories: tuple[str, ...]
    counts: tuple[float, ...]
    prior: tuple[float, ...]

    @property
    def alpha(self) -> np.ndarray:
        """Posterior Dirichlet parameters."""
        return np.asarray(self.counts, dtype=float) + np.asarray(self.prior, dtype=float)

    @property
    def n(self) -> int:
        """Records counted."""
        return int(sum(self.counts))

    def means(self) -> dict[str, float]:
        """Posterior mean share of each category."""
        alpha = self.alpha
        return dict(zip(self.categories, (alpha / alpha.sum()).tolist(), strict=True))

    def interval(self, category: str, level: float = 0.95) -> tuple[float, float]:
        """Central posterior interval of one share (its marginal Beta)."""
        alpha = self.alpha
        a = alpha[self.categories.index(category)]
        q = stats.beta.ppf([(1 - level) / 2, (1 + level) / 2], a, alpha.sum() - a)
        return float(q[0]), float(q[1])

    def rounded(self, decimals: int = 4) -> dict[str, float]:
        """Mean shares rounded to `decimals`, the largest adjusted so that they sum to 1."""
        shares = {k: round(v, decimals) for k, v in self.means().items()}
        largest = max(shares, key=shares.get)
        shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), decimals)
        return shares


def severity_mix(
    counts: Mapping[str, float],
    categories: Sequence[str],
    prior_shares: Mapping[str, float] | None = None,
    prior_weight: float = PRIOR_TICKETS,
) -> SeverityMix:
    """The mix of `categories` from counts: Jeffreys' Dirichlet(1/2, ...) without a prior, or
    the configured shares as `prior_weight` records."""
    if prior_shares:
        prior = tuple(prior_weight * float(prior_shares.get(c, 0.0)) for c in categories)
    else:
        prior = tuple(0.5 for _ in categories)
    return SeverityMix(tuple(categories), tuple(float(counts.get(c, 0)) for c in categories), prior)


def person_years(
    start: pd.Series, leave: pd.Series, window_start: pd.Timestamp, window_end: pd.Timestamp
) -> np.ndarray:
    """Years each person was employed within the window (365-day years; 0 outside)."""
    begin = start.clip(lower=window_start)
    end = leave.fillna(window_end).clip(upper=window_end)
    hours = ((end - begin) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    return np.maximum(0.0, hours) / HOURS_PER_YEAR


def in_business_hours(times: pd.Series, hours: BusinessHours) -> np.ndarray:
    """Whether each time falls into the business hours (weekday and whole-hour window)."""
    stamps = pd.DatetimeIndex(times)
    weekday = np.isin(stamps.day_of_week, hours.weekday_numbers)
    hour = stamps.hour.to_numpy()
    return weekday & (hour >= hours.start_hour) & (hour < hours.end_hour)


def monthly_counts(
    times: pd.Series, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """Events per calendar month of [start, end) and each month's hours within the window."""
    edges = pd.date_range(start.to_period("M").start_time, end, freq="MS")
    edges = edges.append(pd.DatetimeIndex([end])) if edges[-1] < end else edges
    cut = edges.copy()
    cut = cut.where(cut > start, start)
    hours = np.diff(cut.to_numpy()) / np.timedelta64(1, "h")
    counts, _ = np.histogram(times.to_numpy(dtype="datetime64[ns]"), bins=cut.to_numpy())
    return counts.astype(float), hours.astype(float)
