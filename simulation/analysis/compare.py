"""Paired comparisons of scenarios under common random numbers.

Replication r of every scenario saw the same random events, so scenarios are compared
replication by replication: differences and "which is cheaper" are computed per replication and
only replications present in every compared scenario count. Units are those of the compared
column (EUR for `cost_*` columns). Costs: lower is better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import check_share, scenario_order, t_interval, wilson_interval


def _wide(replications: pd.DataFrame, column: str, scenarios: Sequence[str]) -> pd.DataFrame:
    """replication × scenario table of `column`, complete rows only, sorted by replication."""
    selected = replications.loc[replications["scenario"].isin(scenarios)]
    if selected.duplicated(["scenario", "replication"]).any():
        raise ValueError("replications has duplicate (scenario, replication) rows")
    wide = selected.pivot(index="replication", columns="scenario", values=column)
    wide = wide.reindex(columns=list(scenarios)).dropna().sort_index()
    wide.columns.name = None
    return wide


def paired_difference(
    replications: pd.DataFrame, a: str, b: str, column: str = "cost_npv_eur"
) -> pd.Series:
    """Per-replication difference `a - b` of `column` (unit of the column, EUR for costs).

    Index `replication` (sorted), name f"{a} - {b}"; only replications present (and not NaN) in
    both scenarios. Negative values: a was cheaper in that replication.
    """
    scenario_order(replications, [a, b])
    wide = _wide(replications, column, list(dict.fromkeys([a, b])))
    diff = wide[a] - wide[b]
    diff.index.name = "replication"
    diff.name = f"{a} - {b}"
    return diff


def compare_pair(
    replications: pd.DataFrame,
    a: str,
    b: str,
    column: str = "cost_npv_eur",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.Series:
    """Paired comparison of scenario `a` against `b` on `column` (costs: lower is better).

    Fields (amounts in the unit of `column`, EUR for costs):
    `a`, `b`, `n` (paired replications);
    `mean_difference` — mean of a - b, with `ci_low`, `ci_high` its Student-t interval;
    `p_a_cheaper` — share of replications with a < b, ties counting half, with
    `p_a_cheaper_ci_low`, `p_a_cheaper_ci_high` its Wilson score interval;
    `expected_regret_a` — mean of max(a - b, 0): what choosing a costs on average versus b
    (only replications where b was cheaper contribute); `expected_regret_b` — mean of
    max(b - a, 0); `difference_p5`, `difference_p50`, `difference_p95` — quantiles of a - b.
    mean_difference = expected_regret_a - expected_regret_b.

    `n_boot` and `seed` are accepted for symmetry with `risk_metrics`; every interval here is
    analytic, so they currently have no effect.
    """
    check_share(confidence, "confidence")
    diff = paired_difference(replications, a, b, column).to_numpy(dtype=float)
    n = diff.size
    if n:
        p = float(np.mean((diff < 0) + 0.5 * (diff == 0)))
        mean = float(np.mean(diff))
        regret_a = float(np.mean(np.maximum(diff, 0.0)))
        regret_b = float(np.mean(np.maximum(-diff, 0.0)))
        q5, q50, q95 = (float(v) for v in np.quantile(diff, [0.05, 0.50, 0.95]))
    else:
        p = mean = regret_a = regret_b = q5 = q50 = q95 = np.nan
    low, high = t_interval(diff, confidence)
    p_low, p_high = wilson_interval(p, n, confidence)
    return pd.Series(
        {
            "a": a,
            "b": b,
            "n": n,
            "mean_difference": mean,
            "ci_low": low,
            "ci_high": high,
            "p_a_cheaper": p,
            "p_a_cheaper_ci_low": p_low,
            "p_a_cheaper_ci_high": p_high,
            "expected_regret_a": regret_a,
            "expected_regret_b": regret_b,
            "difference_p5": q5,
            "difference_p50": q50,
            "difference_p95": q95,
        },
        name=f"{a} - {b}",
        dtype=object,
    )


def cheapest_table(
    replications: pd.DataFrame,
    column: str = "cost_npv_eur",
    scenarios: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per scenario: probability of being the cheapest option, and expected regret.

    Index `scenario` (given order, default first appearance); columns `p_cheapest` (share of
    replications in which the scenario has the lowest `column` among the selected scenarios;
    ties share the win, so the column sums to 1), `ci_low`, `ci_high` (Wilson score interval),
    `expected_regret` (mean over replications of value - lowest value among the scenarios, in
    the unit of `column`: what always choosing this scenario costs on average versus hindsight;
    0 for a scenario that is always cheapest). Only replications present in every selected
    scenario count (paired, common random numbers).
    """
    check_share(confidence, "confidence")
    order = scenario_order(replications, scenarios)
    wide = _wide(replications, column, order)
    values = wide.to_numpy(dtype=float)
    n = values.shape[0]
    if n:
        best = values.min(axis=1, keepdims=True)
        is_min = values == best
        p = (is_min / is_min.sum(axis=1, keepdims=True)).mean(axis=0)
        regret = (values - best).mean(axis=0)
    else:
        p = regret = np.full(len(order), np.nan)
    intervals = [wilson_interval(float(pi), n, confidence) for pi in p]
    table = pd.DataFrame(
        {
            "p_cheapest": p,
            "ci_low": [i[0] for i in intervals],
            "ci_high": [i[1] for i in intervals],
            "expected_regret": regret,
        },
        index=pd.Index(order, name="scenario"),
    )
    return table
