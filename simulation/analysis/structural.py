"""What would change the answer: structural variants of a config against every scenario.

A structural choice (a contract's service hours, contractor cover on or off, swarming, workaround
time) is not a number with a distribution, so a tornado cannot sweep it. Each variant of
`sensitivity.structural` is the whole config with some choices changed; every variant runs every
scenario on the same replication streams and the same parameter draws as the baseline (common
random numbers), so a change between variants comes from the structural choice, not from noise.

The grid has one row per (variant, scenario): mean and P95 of the total NPV cost, mean budget and
risk NPV cost, the probability of being the cheapest on each basis, and the paired change of the
scenario's total against the baseline with its t interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import t_interval
from simulation.config.schema import Experiment
from simulation.config.variants import BASELINE
from simulation.montecarlo.runner import RunPlan, run_variants
from simulation.montecarlo.sampling import ParameterDesign, scenario_paths

TOTAL = "cost_npv_eur"
BUDGET = "cost_budget_npv_eur"
RISK = "cost_risk_npv_eur"


def structural_grid(
    experiments: dict[str, Experiment],
    scenarios: Sequence[str],
    runs: int,
    seed: int,
    jobs: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_variant: Callable[[str, int], None] | None = None,
) -> pd.DataFrame:
    """Run every variant (`experiments`, the baseline first) for every scenario on CRN.

    All variants draw their uncertain parameters from one design over the union of their
    parameter paths, so a parameter shared by two variants takes the same value in replication r
    of both. Progress: `on_progress(model runs)` (replications times scenarios) and
    `on_variant(name, n)` as n replications of variant `name`, each of every scenario, complete;
    variants run in their order.
    """
    scenarios = tuple(scenarios)
    plans = [RunPlan(exp, scenarios, runs, seed) for exp in experiments.values()]
    paths = sorted({p for plan in plans for p in scenario_paths(plan.specs())})
    baseline = next(iter(experiments.values()))
    design = ParameterDesign(
        paths, baseline.simulation.sampling, seed, runs, baseline.correlation_pairs()
    )
    names = list(experiments)
    on_pair = (lambda i, n: on_variant(names[i], n)) if on_variant else None
    frame = run_variants([(plan, design) for plan in plans], jobs, on_progress, on_pair)
    frame["variant"] = frame["point"].map(dict(enumerate(names)))
    return grid_table(frame, names, scenarios)


def cheapest_shares(wide: pd.DataFrame) -> pd.Series:
    """Share of replications (rows) in which each column is the lowest; ties share the credit."""
    values = wide.to_numpy()
    is_min = values == values.min(axis=1, keepdims=True)
    return pd.Series((is_min / is_min.sum(axis=1, keepdims=True)).mean(axis=0), wide.columns)


def _wide(frame: pd.DataFrame, variant: str, column: str, scenarios: Sequence[str]):
    rows = frame[frame["variant"] == variant]
    return rows.pivot(index="replication", columns="scenario", values=column)[list(scenarios)]


def _paired_change(after: pd.Series, before: pd.Series) -> tuple[float, float, float]:
    """Mean paired change after − before with its 95% t interval (NaN for one replication)."""
    diff = (after - before).dropna().to_numpy()
    low, high = t_interval(diff, 0.95)
    return float(diff.mean()), low, high


def grid_table(
    frame: pd.DataFrame, variants: Sequence[str], scenarios: Sequence[str]
) -> pd.DataFrame:
    """The grid from replication rows with a `variant` column (see module docstring)."""
    base_total = _wide(frame, variants[0], TOTAL, scenarios)
    rows = []
    for variant in variants:
        total = _wide(frame, variant, TOTAL, scenarios)
        budget = _wide(frame, variant, BUDGET, scenarios)
        risk = _wide(frame, variant, RISK, scenarios)
        share_total, share_budget = cheapest_shares(total), cheapest_shares(budget)
        best_total, best_budget = total.mean().idxmin(), budget.mean().idxmin()
        for s in scenarios:
            change, low, high = _paired_change(total[s], base_total[s])
            rows.append(
                {
                    "variant": variant,
                    "scenario": s,
                    "runs": int(total[s].notna().sum()),
                    "mean_npv_eur": float(total[s].mean()),
                    "p95_npv_eur": float(np.quantile(total[s].dropna(), 0.95)),
                    "mean_budget_npv_eur": float(budget[s].mean()),
                    "mean_risk_npv_eur": float(risk[s].mean()),
                    "p_cheapest_total": float(share_total[s]),
                    "p_cheapest_budget": float(share_budget[s]),
                    "cheapest_total": s == best_total,
                    "cheapest_budget": s == best_budget,
                    "change_vs_baseline_eur": change,
                    "change_ci_low_eur": low,
                    "change_ci_high_eur": high,
                }
            )
    return pd.DataFrame(rows)


def preferred(grid: pd.DataFrame, basis: str = "total") -> pd.Series:
    """The scenario with the lowest mean cost in each variant (index: variant, config order)."""
    flag = f"cheapest_{basis}"
    rows = grid[grid[flag]]
    return rows.set_index("variant")["scenario"].reindex(pd.unique(grid["variant"]))


def answer_changes(grid: pd.DataFrame, basis: str = "total") -> pd.Series:
    """Whether each variant's preferred scenario differs from the baseline's."""
    chosen = preferred(grid, basis)
    return chosen != chosen.get(BASELINE, chosen.iloc[0])
