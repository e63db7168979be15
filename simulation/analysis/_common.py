"""Helpers shared by the analysis modules (not public API)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def scenario_order(frame: pd.DataFrame, scenarios: Sequence[str] | None = None) -> list[str]:
    """The scenarios to report, in order: `scenarios` if given (each must occur in `frame`),
    else the order of first appearance in `frame["scenario"]`."""
    present = list(dict.fromkeys(frame["scenario"]))
    if scenarios is None:
        return present
    order = list(scenarios)
    missing = [s for s in order if s not in set(present)]
    if missing:
        raise KeyError(f"scenarios not in the results: {missing} (present: {present})")
    return order


def clean(values: object) -> np.ndarray:
    """A flat float array with NaNs removed."""
    array = np.asarray(values, dtype=float).ravel()
    return array[~np.isnan(array)]


def check_share(value: float, name: str) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")


def quantile_name(q: float) -> str:
    """Column name of a quantile: 0.1 -> "p10", 0.95 -> "p95"."""
    return f"p{round(q * 100)}"


def t_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """Student-t interval of the mean of `values` (NaN, NaN for fewer than two values)."""
    n = len(values)
    if n < 2:
        return (np.nan, np.nan)
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1)) / np.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * se
    return (mean - half, mean + half)


def sd_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """Chi-square interval of the standard deviation (exact for normal data)."""
    n = len(values)
    if n < 2:
        return (np.nan, np.nan)
    ss = float(np.var(values, ddof=1)) * (n - 1)
    alpha = 1.0 - confidence
    upper_chi2 = float(stats.chi2.ppf(1.0 - alpha / 2.0, n - 1))
    lower_chi2 = float(stats.chi2.ppf(alpha / 2.0, n - 1))
    return (float(np.sqrt(ss / upper_chi2)), float(np.sqrt(ss / lower_chi2)))


def wilson_interval(p: float, n: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval of a proportion `p` observed in `n` trials (p may be fractional,
    e.g. when ties count half)."""
    if n <= 0 or np.isnan(p):
        return (np.nan, np.nan)
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z / denom * np.sqrt(max(p * (1.0 - p), 0.0) / n + z * z / (4.0 * n * n))
    return (float(max(centre - half, 0.0)), float(min(centre + half, 1.0)))
