"""Estimates with intervals from replications, and the pass rule of a validation check.

A check passes when the closed form lies inside the estimate's 99.9% interval AND that interval
is tight: its half-width is within the check's relative tolerance of the closed form. The first
condition alone would pass a vague estimate; the second makes the check able to catch an error of
the tolerance's size (an error that large lies outside the interval). The 95% interval is what the
table shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from simulation.analysis._common import t_interval

SHOWN = 0.95  # confidence of the interval in the table
DECIDING = 0.999  # confidence of the interval that decides pass or fail


@dataclass(frozen=True)
class Estimate:
    """A simulated value with its shown (95%) and deciding (99.9%) intervals."""

    value: float
    low: float
    high: float
    decide_low: float
    decide_high: float

    def passes(self, theory: float, rel_tolerance: float) -> bool:
        """Theory inside the deciding interval, and that interval within the tolerance."""
        inside = self.decide_low <= theory <= self.decide_high
        half_width = max(self.value - self.decide_low, self.decide_high - self.value)
        return bool(inside and half_width <= rel_tolerance * abs(theory))


def mean_estimate(values: np.ndarray) -> Estimate:
    """Mean of independent replications' values, with Student-t intervals."""
    values = np.asarray(values, dtype=float)
    low, high = t_interval(values, SHOWN)
    decide_low, decide_high = t_interval(values, DECIDING)
    return Estimate(float(np.mean(values)), low, high, decide_low, decide_high)


def poisson_interval(count: float, confidence: float) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson mean from one observed count."""
    alpha = 1.0 - confidence
    low = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count)) / 2
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2
    return low, high


def rate_estimate(total_count: float, exposure: float) -> Estimate:
    """Events per unit of exposure from a Poisson total, with exact (Garwood) intervals."""
    low, high = poisson_interval(total_count, SHOWN)
    decide_low, decide_high = poisson_interval(total_count, DECIDING)
    return Estimate(
        total_count / exposure,
        low / exposure,
        high / exposure,
        decide_low / exposure,
        decide_high / exposure,
    )


def variance_estimate(values: np.ndarray) -> Estimate:
    """Sample variance of independent values, with large-sample normal intervals whose standard
    error uses the sample fourth central moment (valid without assuming normal data)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    variance = float(np.var(values, ddof=1))
    m4 = float(np.mean((values - values.mean()) ** 4))
    se = np.sqrt(max(m4 - variance**2 * (n - 3) / (n - 1), 0.0) / n)
    return _normal(variance, se)


def ratio_estimate(numerators: np.ndarray, denominators: np.ndarray) -> Estimate:
    """Ratio of sums over replications, sum(y) / sum(x), with a linearised (delta-method)
    Student-t interval: the replications' residuals y - R x carry the uncertainty."""
    y = np.asarray(numerators, dtype=float)
    x = np.asarray(denominators, dtype=float)
    ratio = float(y.sum() / x.sum())
    residuals = (y - ratio * x) / x.mean()
    low, high = t_interval(residuals, SHOWN)
    decide_low, decide_high = t_interval(residuals, DECIDING)
    return Estimate(ratio, ratio + low, ratio + high, ratio + decide_low, ratio + decide_high)


def exact(value: float, rel_precision: float = 1e-12) -> Estimate:
    """A deterministic value: the shown interval is the value itself, the deciding one allows
    for floating-point rounding (`rel_precision` of the value)."""
    value = float(value)
    slack = rel_precision * abs(value)
    return Estimate(value, value, value, value - slack, value + slack)


def _normal(value: float, se: float) -> Estimate:
    z_shown = float(stats.norm.ppf(0.5 + SHOWN / 2))
    z_decide = float(stats.norm.ppf(0.5 + DECIDING / 2))
    return Estimate(
        value,
        value - z_shown * se,
        value + z_shown * se,
        value - z_decide * se,
        value + z_decide * se,
    )
