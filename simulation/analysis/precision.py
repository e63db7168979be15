"""How precise a run's answers are, and whether enough replications have run.

Every run reports the precision it reached (95% intervals): of each scenario's mean cost (Student
t), of its P95 (the distribution-free order-statistic interval: the ranks of a binomial(n, 0.95)
interval), and of each pair's mean paired difference (Student t on the replication-by-replication
differences, common random numbers). `recommendation_stability` says how often the cheapest
option stays the cheapest when the replications are drawn again (a paired bootstrap: whole
replications, all scenarios together), the plain-words measure of a settled recommendation.

Stopping rules (`itsim run --precision`, `--decision`): `precision_met` asks every mean within
±share of itself and every pair either told apart (interval excludes zero) or its difference
within ±share of the pair's mean cost; `decision_settled` asks that the cheapest option be
cheaper than each other with 95% confidence jointly (Bonferroni over the pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from simulation.analysis._common import t_interval

COLUMN = "cost_npv_eur"
CONFIDENCE = 0.95


def _wide(replications: pd.DataFrame, scenarios: Sequence[str], column: str) -> pd.DataFrame:
    """Replications in rows, scenarios in columns (only replications every scenario has)."""
    wide = replications.pivot(index="replication", columns="scenario", values=column)
    return wide[list(scenarios)].dropna()


def quantile_interval(values: np.ndarray, q: float, confidence: float = CONFIDENCE):
    """Distribution-free interval of the q-quantile: order statistics at binomial ranks."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n < 2:
        return (np.nan, np.nan)
    alpha = 1.0 - confidence
    low = int(stats.binom.ppf(alpha / 2, n, q))
    high = int(stats.binom.ppf(1 - alpha / 2, n, q))
    return (float(x[max(low - 1, 0)]), float(x[min(high, n - 1)]))


def _row(kind: str, a: str, b: str | None, estimate: float, interval, scale: float) -> dict:
    low, high = interval
    half = max(high - estimate, estimate - low)
    return {
        "kind": kind,
        "a": a,
        "b": b,
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
        "half_width": half,
        "relative": half / scale if scale else np.inf,
        "excludes_zero": bool(low > 0 or high < 0) if b is not None else None,
    }


def precision_table(
    replications: pd.DataFrame, scenarios: Sequence[str], column: str = COLUMN
) -> pd.DataFrame:
    """The precision a run reached: one row per scenario (`kind` "mean" and "p95") and per pair
    (`kind` "difference", `a` − `b`): `estimate`, `ci_low`, `ci_high`, `half_width` (EUR) and
    `relative` (half-width as a share of the estimate; for a difference, of the pair's mean
    cost), `excludes_zero` (differences), `n` replications."""
    wide = _wide(replications, scenarios, column)
    rows = []
    for s in scenarios:
        x = wide[s].to_numpy()
        mean, p95 = float(np.mean(x)), float(np.quantile(x, 0.95))
        rows.append(_row("mean", s, None, mean, t_interval(x, CONFIDENCE), abs(mean)))
        rows.append(_row("p95", s, None, p95, quantile_interval(x, 0.95), abs(p95)))
    for a, b in combinations(scenarios, 2):
        d = (wide[a] - wide[b]).to_numpy()
        scale = (abs(wide[a].mean()) + abs(wide[b].mean())) / 2
        rows.append(_row("difference", a, b, float(np.mean(d)), t_interval(d, CONFIDENCE), scale))
    table = pd.DataFrame(rows)
    table["n"] = len(wide)
    return table


def precision_met(table: pd.DataFrame, share: float) -> bool:
    """Every mean within ±`share` of itself; every pair told apart or within ±`share`."""
    means = table[table["kind"] == "mean"]
    pairs = table[table["kind"] == "difference"]
    return bool(
        (means["relative"] <= share).all()
        and (pairs["excludes_zero"].astype(bool) | (pairs["relative"] <= share)).all()
    )


def decision_settled(
    replications: pd.DataFrame, scenarios: Sequence[str], column: str = COLUMN
) -> tuple[bool, str]:
    """Whether the option with the lowest mean is cheaper than every other at 95% jointly.

    One-sided Student t bounds at 1 − 0.05/(k − 1) each (Bonferroni over the k − 1 pairs with
    the leader). Returns (settled, leader).
    """
    wide = _wide(replications, scenarios, column)
    leader = str(wide.mean().idxmin())
    others = [s for s in scenarios if s != leader]
    if not others or len(wide) < 2:
        return (bool(not others), leader)
    level = 1 - (1 - CONFIDENCE) / len(others)
    t = float(stats.t.ppf(level, len(wide) - 1))
    for other in others:
        d = (wide[leader] - wide[other]).to_numpy()
        bound = np.mean(d) + t * np.std(d, ddof=1) / np.sqrt(d.size)
        if not bound < 0:
            return (False, leader)
    return (True, leader)


def recommendation_stability(
    replications: pd.DataFrame,
    scenarios: Sequence[str],
    column: str = COLUMN,
    n_boot: int = 1000,
    seed: int = 0,
) -> float:
    """Share of paired bootstrap re-draws of the replications in which the option cheapest on
    mean `column` is the same as in the run itself."""
    wide = _wide(replications, scenarios, column).to_numpy()
    if wide.shape[1] < 2 or len(wide) < 2:
        return 1.0
    leader = int(np.argmin(wide.mean(axis=0)))
    rng = np.random.default_rng(seed)
    same = 0
    for start in range(0, n_boot, 200):  # blocks bound the memory of the index matrix
        size = min(200, n_boot - start)
        idx = rng.integers(0, len(wide), size=(size, len(wide)))
        means = wide[idx].mean(axis=1)
        same += int((means.argmin(axis=1) == leader).sum())
    return same / n_boot
