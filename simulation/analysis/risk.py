"""Tail-risk metrics of simulated costs: VaR, CVaR, bootstrap intervals, exceedance curves.

Costs are losses: high values are bad, so every tail measure here is an UPPER-tail measure.
`value_at_risk(x, 0.95)` is the cost that is exceeded in 5 % of replications, and
`expected_shortfall(x, 0.95)` (CVaR) is the average cost of those worst 5 %.

Units are those of the input (EUR for `cost_*` columns, hours for `downtime_*`). NaNs are ignored.
Randomness (bootstrap) comes only from `np.random.default_rng(seed)` with an explicit `seed`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import (
    check_share,
    clean,
    scenario_order,
    sd_interval,
    t_interval,
)

#: Metrics of `risk_metrics`, in output order.
RISK_METRICS: tuple[str, ...] = (
    "mean",
    "sd",
    "p5",
    "p10",
    "p50",
    "p90",
    "p95",
    "p99",
    "var95",
    "var99",
    "cvar95",
    "cvar99",
)

# Largest resample matrix built at once (elements); bigger bootstraps run in blocks of rows.
_MAX_BLOCK = 1 << 22

_STAT = re.compile(r"^(p|var|cvar)(\d+(?:\.\d+)?)$")


def value_at_risk(values: Sequence[float] | np.ndarray | pd.Series, level: float = 0.95) -> float:
    """Value at risk: the `level` quantile of a cost sample (UPPER tail; same unit as `values`).

    `np.quantile(values, level)` with numpy's default linear interpolation, so VaR95 is the cost
    exceeded in about 5 % of replications. NaNs are ignored; an empty sample gives NaN.
    """
    check_share(level, "level")
    x = clean(values)
    if x.size == 0:
        return float("nan")
    return float(np.quantile(x, level))


def expected_shortfall(
    values: Sequence[float] | np.ndarray | pd.Series, level: float = 0.95
) -> float:
    """Expected shortfall (CVaR): mean cost of the worst (1 - level) share of outcomes (UPPER
    tail; same unit as `values`).

    Computed with the Rockafellar–Uryasev formula on the empirical distribution,

        CVaR = q + E[(X - q)+] / (1 - level),   q = the empirical level-quantile (inverted CDF),

    which is exactly the mean of the n·(1 - level) largest values when that number is an integer
    (e.g. 1..20 at level 0.9 gives mean(19, 20) = 19.5) and otherwise the mean of the worst
    (1 - level) share with the boundary value weighted in part. It never exceeds the sample
    maximum (an interpolated quantile in the formula could). NaNs are ignored; an empty sample
    gives NaN.
    """
    check_share(level, "level")
    x = clean(values)
    if x.size == 0:
        return float("nan")
    var = float(np.quantile(x, level, method="inverted_cdf"))
    return var + float(np.mean(np.maximum(x - var, 0.0))) / (1.0 - level)


def exceedance_probability(values: Sequence[float] | np.ndarray | pd.Series, x: float) -> float:
    """Empirical P(X > x): share of values strictly above `x` (NaN for an empty sample)."""
    v = clean(values)
    if v.size == 0:
        return float("nan")
    return float(np.mean(v > x))


# --- bootstrap -----------------------------------------------------------------------------------


def _row_cvar(matrix: np.ndarray, level: float) -> np.ndarray:
    var = np.quantile(matrix, level, axis=1, method="inverted_cdf")
    return var + np.mean(np.maximum(matrix - var[:, None], 0.0), axis=1) / (1.0 - level)


def _named_statistic(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """Row-wise statistic for a name: mean, median, sd/std, pNN, varNN, cvarNN."""
    key = name.strip().lower()
    if key == "mean":
        return lambda m: np.mean(m, axis=1)
    if key == "median":
        return lambda m: np.median(m, axis=1)
    if key in ("sd", "std"):
        return lambda m: np.std(m, axis=1, ddof=1)
    match = _STAT.match(key)
    if match is None:
        raise ValueError(
            f"unknown statistic {name!r}: use mean, median, sd, pNN, varNN, cvarNN or a callable"
        )
    kind, level = match.group(1), float(match.group(2)) / 100.0
    check_share(level, f"level of {name!r}")
    if kind == "cvar":
        return lambda m: _row_cvar(m, level)
    return lambda m: np.quantile(m, level, axis=1)


def _callable_statistic(statistic: Callable[..., object]) -> Callable[[np.ndarray], np.ndarray]:
    """Row-wise version of a callable: `statistic(matrix, axis=1)` when it supports that (numpy
    reductions do), else one call per row."""

    def rows(matrix: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(statistic(matrix, axis=1), dtype=float)
        except TypeError:
            out = None
        if out is None or out.shape != (matrix.shape[0],):
            out = np.array([float(statistic(row)) for row in matrix])  # type: ignore[arg-type]
        return out

    return rows


def _resamples(values: np.ndarray, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """Bootstrap resamples of `values` as (rows, n) matrices, n_boot rows in total."""
    rng = np.random.default_rng(seed)
    n = values.size
    block = max(1, _MAX_BLOCK // max(n, 1))
    for start in range(0, n_boot, block):
        rows = min(block, n_boot - start)
        yield values[rng.integers(0, n, size=(rows, n))]


def _percentile_interval(boot: np.ndarray, confidence: float) -> tuple[float, float]:
    boot = boot[~np.isnan(boot)]
    if boot.size == 0:
        return (np.nan, np.nan)
    low, high = np.quantile(boot, [0.5 - confidence / 2.0, 0.5 + confidence / 2.0])
    return (float(low), float(high))


def bootstrap_ci(
    values: Sequence[float] | np.ndarray | pd.Series,
    statistic: str | Callable[..., object],
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile-bootstrap confidence interval (low, high) of `statistic(values)`, same unit as
    `values`.

    Draws an (n_boot, n) matrix of resample indices from `np.random.default_rng(seed)` (in blocks
    of rows for very large samples) and evaluates the statistic row-wise. `statistic` is either
    a name — "mean", "median", "sd", "pNN" (quantile, e.g. "p90"), "varNN" (= pNN, upper-tail
    VaR) or "cvarNN" (upper-tail expected shortfall, e.g. "cvar95") — or a callable; callables
    are tried as `statistic(matrix, axis=1)` (fast: np.mean, np.median, ...) and otherwise called
    once per resample. NaNs in `values` are ignored; an empty sample gives (NaN, NaN).
    """
    check_share(confidence, "confidence")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    x = clean(values)
    if x.size == 0:
        return (np.nan, np.nan)
    if isinstance(statistic, str):
        rowwise = _named_statistic(statistic)
    else:
        rowwise = _callable_statistic(statistic)
    boot = np.concatenate([rowwise(matrix) for matrix in _resamples(x, n_boot, seed)])
    return _percentile_interval(boot, confidence)


# --- per-scenario tables -------------------------------------------------------------------------


def _scenario_metrics(
    x: np.ndarray, confidence: float, n_boot: int, seed: int
) -> list[tuple[str, float, float, float]]:
    """(metric, value, ci_low, ci_high) for one scenario's sample."""
    quantile_metrics = {
        "p5": 0.05,
        "p10": 0.10,
        "p50": 0.50,
        "p90": 0.90,
        "p95": 0.95,
        "p99": 0.99,
        "var95": 0.95,
        "var99": 0.99,
    }
    cvar_metrics = {"cvar95": 0.95, "cvar99": 0.99}
    if x.size == 0:
        return [(m, np.nan, np.nan, np.nan) for m in RISK_METRICS]
    levels = np.array(sorted(set(quantile_metrics.values())))
    point_q = dict(zip(levels, np.quantile(x, levels), strict=True))
    value = {
        "mean": float(np.mean(x)),
        "sd": float(np.std(x, ddof=1)) if x.size > 1 else np.nan,
        **{m: float(point_q[q]) for m, q in quantile_metrics.items()},
        **{m: expected_shortfall(x, q) for m, q in cvar_metrics.items()},
    }
    # One set of resamples for every bootstrapped metric (same draws as bootstrap_ci(seed)).
    boot_q: list[np.ndarray] = []
    boot_cvar: dict[str, list[np.ndarray]] = {m: [] for m in cvar_metrics}
    for matrix in _resamples(x, n_boot, seed):
        q = np.quantile(matrix, levels, axis=1)  # (levels, rows)
        boot_q.append(q)
        for m, level in cvar_metrics.items():
            var = q[int(np.searchsorted(levels, level))]
            excess = np.mean(np.maximum(matrix - var[:, None], 0.0), axis=1)
            boot_cvar[m].append(var + excess / (1.0 - level))
    all_q = np.concatenate(boot_q, axis=1)
    interval = {
        "mean": t_interval(x, confidence),
        "sd": sd_interval(x, confidence),
        **{
            m: _percentile_interval(all_q[int(np.searchsorted(levels, q))], confidence)
            for m, q in quantile_metrics.items()
        },
        **{m: _percentile_interval(np.concatenate(b), confidence) for m, b in boot_cvar.items()},
    }
    return [(m, value[m], *interval[m]) for m in RISK_METRICS]


def risk_metrics(
    replications: pd.DataFrame,
    column: str = "cost_npv_eur",
    scenarios: Sequence[str] | None = None,
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Risk metrics of `column` per scenario, with confidence intervals, as a tidy long frame.

    Columns: `scenario`, `metric`, `value`, `ci_low`, `ci_high`, `n` (replications used). Metrics,
    in this order: mean, sd, p5, p10, p50, p90, p95, p99, var95, var99, cvar95, cvar99 — all in
    the unit of `column` (EUR for costs). VaR and CVaR are UPPER-tail (costs: high is bad);
    varNN equals pNN. Intervals: mean — Student t; sd — chi-square (exact for normal data);
    percentiles, VaR and CVaR — percentile bootstrap with `n_boot` resamples from
    `np.random.default_rng(seed)` (the same resample indices for every scenario, so intervals are
    reproducible and match `bootstrap_ci(values, "p90", n_boot, confidence, seed)`).
    `scenarios` selects and orders scenarios (default: order of first appearance).
    """
    check_share(confidence, "confidence")
    order = scenario_order(replications, scenarios)
    rows = []
    for name, group in replications.groupby("scenario", sort=False):
        if name not in order:
            continue
        x = clean(group[column])
        for metric, value, low, high in _scenario_metrics(x, confidence, n_boot, seed):
            rows.append((name, metric, value, low, high, x.size))
    frame = pd.DataFrame(rows, columns=["scenario", "metric", "value", "ci_low", "ci_high", "n"])
    frame["_s"] = frame["scenario"].map({s: i for i, s in enumerate(order)})
    frame["_m"] = frame["metric"].map({m: i for i, m in enumerate(RISK_METRICS)})
    frame = frame.sort_values(["_s", "_m"], kind="stable").drop(columns=["_s", "_m"])
    return frame.reset_index(drop=True)


def risk_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Pivot `risk_metrics` output to a wide table: index scenario (in input order), columns
    metric (in input order), values `value` (unit of the analysed column)."""
    scenarios = list(dict.fromkeys(metrics["scenario"]))
    names = list(dict.fromkeys(metrics["metric"]))
    table = metrics.pivot(index="scenario", columns="metric", values="value")
    table = table.reindex(index=scenarios, columns=names)
    table.columns.name = None
    table.index.name = "scenario"
    return table


def exceedance_curve(
    replications: pd.DataFrame,
    column: str = "cost_npv_eur",
    scenarios: Sequence[str] | None = None,
    points: int = 200,
) -> pd.DataFrame:
    """Empirical exceedance curves P(X > x) of `column` per scenario on a common grid.

    Columns `scenario`, `x` (unit of `column`), `p_exceed` (share of that scenario's
    replications with a value strictly above x). The grid has `points` evenly spaced values from
    the smallest to the largest value over the selected scenarios, so every curve ends at 0 and
    is non-increasing in x. Costs: the UPPER tail (right end) is the risk.
    """
    if points < 2:
        raise ValueError(f"points must be at least 2, got {points}")
    order = scenario_order(replications, scenarios)
    selected = replications[replications["scenario"].isin(order)]
    everything = clean(selected[column])
    if everything.size == 0:
        return pd.DataFrame({"scenario": [], "x": [], "p_exceed": []})
    grid = np.linspace(everything.min(), everything.max(), points)
    parts = []
    for name in order:
        x = np.sort(clean(selected.loc[selected["scenario"] == name, column]))
        if x.size:
            p = 1.0 - np.searchsorted(x, grid, side="right") / x.size
        else:
            p = np.full(points, np.nan)
        parts.append(pd.DataFrame({"scenario": name, "x": grid, "p_exceed": p}))
    return pd.concat(parts, ignore_index=True)
