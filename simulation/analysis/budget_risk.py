"""Budget cost and risk cost side by side, and their total.

Budget cost is cash out of the company's accounts (personnel, fees, licences, hardware, ...);
risk cost is what the company loses when things go wrong (users' lost time, lost margin,
security and compliance losses); total = budget + risk (see `simulation.model.ledger`). The
two can favour different options, so every comparison here is made on each of them.

Amounts are net present values in EUR over the horizon unless a function says otherwise
(`grouped_cost_breakdown` is nominal, like `cost_breakdown`). Scenarios are compared
replication by replication (common random numbers); costs: lower is better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import check_share, scenario_order, t_interval
from simulation.analysis.breakdown import cost_breakdown
from simulation.analysis.compare import cheapest_table, compare_pair
from simulation.model.ledger import COST_GROUPS

#: The cost bases and their replication columns (net present value, EUR).
COST_BASES: dict[str, str] = {
    "budget": "cost_budget_npv_eur",
    "risk": "cost_risk_npv_eur",
    "total": "cost_npv_eur",
}

#: The same bases, not discounted (nominal EUR over the horizon).
NOMINAL_COST_BASES: dict[str, str] = {
    "budget": "cost_budget_total_eur",
    "risk": "cost_risk_total_eur",
    "total": "cost_total_eur",
}

_STATISTICS = ("mean", "ci_low", "ci_high", "p5", "p50", "p95")


def _check_bases(bases: Sequence[str]) -> list[str]:
    unknown = [b for b in bases if b not in COST_BASES]
    if unknown:
        raise ValueError(f"unknown cost bases {unknown}; known: {list(COST_BASES)}")
    return list(bases)


def budget_risk_table(
    replications: pd.DataFrame,
    scenarios: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per scenario: budget, risk and total cost (net present value, EUR) side by side.

    Index `scenario` (given order, default first appearance); columns f"{basis}_{statistic}"
    for basis in budget, risk, total and statistic in `mean`, `ci_low`, `ci_high` (Student-t
    interval of the mean at `confidence`), `p5`, `p50`, `p95` (quantiles over replications).
    budget_mean + risk_mean = total_mean; quantiles are not additive.
    """
    check_share(confidence, "confidence")
    order = scenario_order(replications, scenarios)
    rows = {}
    for scenario in order:
        selected = replications.loc[replications["scenario"] == scenario]
        row: dict[str, float] = {}
        for basis, column in COST_BASES.items():
            values = selected[column].dropna().to_numpy(dtype=float)
            low, high = t_interval(values, confidence)
            quantiles = np.quantile(values, [0.05, 0.50, 0.95]) if values.size else [np.nan] * 3
            stats = (values.mean() if values.size else np.nan, low, high, *quantiles)
            row.update(
                {f"{basis}_{name}": float(v) for name, v in zip(_STATISTICS, stats, strict=True)}
            )
        rows[scenario] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scenario"
    return table


def recommendations(
    replications: pd.DataFrame,
    scenarios: Sequence[str] | None = None,
    bases: Sequence[str] = ("budget", "risk", "total"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The option with the lowest expected cost on each basis, against the runner-up.

    Index `basis` (budget, risk, total: see `COST_BASES`); columns `column` (the replication
    column compared), `recommended` (lowest mean NPV), `runner_up` (second lowest; None with a
    single scenario), `mean_eur` and `runner_up_mean_eur` (their means), `saving_eur` (mean of
    runner-up minus recommended, paired, >= 0) with `saving_ci_low_eur`, `saving_ci_high_eur`
    (its Student-t interval, from `compare_pair`), `p_cheaper_than_runner_up` (share of
    replications in which the recommended option costs less than the runner-up, ties half),
    `p_cheapest` with `p_cheapest_ci_low`, `p_cheapest_ci_high` (share of replications in
    which it is the cheapest of all scenarios, Wilson interval, from `cheapest_table`) and
    `clear` (True when the saving's interval excludes zero).
    """
    order = scenario_order(replications, scenarios)
    rows = {b: _recommendation(replications, b, order, confidence) for b in _check_bases(bases)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "basis"
    return table


def _recommendation(
    replications: pd.DataFrame, basis: str, order: list[str], confidence: float
) -> dict[str, object]:
    """One row of `recommendations`."""
    column = COST_BASES[basis]
    means = replications.groupby("scenario", sort=False)[column].mean().reindex(order)
    ranked = means.sort_values(kind="stable").index.tolist()
    rec, runner = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    cheapest = cheapest_table(replications, column, order, confidence).loc[rec]
    row: dict[str, object] = {
        "column": column,
        "recommended": rec,
        "runner_up": runner,
        "mean_eur": float(means[rec]),
        "runner_up_mean_eur": np.nan if runner is None else float(means[runner]),
        "saving_eur": np.nan,
        "saving_ci_low_eur": np.nan,
        "saving_ci_high_eur": np.nan,
        "p_cheaper_than_runner_up": np.nan,
        "p_cheapest": float(cheapest["p_cheapest"]),
        "p_cheapest_ci_low": float(cheapest["ci_low"]),
        "p_cheapest_ci_high": float(cheapest["ci_high"]),
        "clear": False,
    }
    if runner is not None:
        pair = compare_pair(replications, rec, runner, column, confidence)
        low, high = -float(pair["ci_high"]), -float(pair["ci_low"])
        row["saving_eur"] = -float(pair["mean_difference"])
        row["saving_ci_low_eur"], row["saving_ci_high_eur"] = low, high
        row["p_cheaper_than_runner_up"] = float(pair["p_a_cheaper"])
        row["clear"] = bool(low > 0 or high < 0)
    return row


def winners_disagree(table: pd.DataFrame, a: str = "budget", b: str = "total") -> bool:
    """Whether the option recommended on basis `a` differs from that on basis `b` in a
    `recommendations` table (by default: budget cost alone against total cost)."""
    return bool(table.loc[a, "recommended"] != table.loc[b, "recommended"])


def grouped_cost_breakdown(
    replications: pd.DataFrame, scenarios: Sequence[str] | None = None, statistic: str = "mean"
) -> pd.DataFrame:
    """Cost per category grouped into budget and risk, with subtotals and the total (nominal
    EUR over the whole horizon, like `cost_breakdown`).

    Index `scenario`; columns a MultiIndex (group, item): ("budget", <each budget category>),
    ("budget", "subtotal"), ("risk", <each risk category>), ("risk", "subtotal"),
    ("total", "total"), categories in ledger order (`COST_GROUPS`). Values are the `statistic`
    over replications ("mean" by default); subtotals and the total are the statistic of the
    replications' `cost_budget_total_eur`, `cost_risk_total_eur` and `cost_total_eur`, so with
    "mean" each subtotal is the sum of its categories and the total the sum of the subtotals.
    """
    order = scenario_order(replications, scenarios)
    categories = cost_breakdown(replications, order, statistic)
    selected = replications.loc[replications["scenario"].isin(order)]
    grouped = selected.groupby("scenario", sort=False)[list(NOMINAL_COST_BASES.values())]
    totals = grouped.agg(statistic).reindex(order)
    parts = {}
    for group, members in COST_GROUPS.items():
        for category in members:
            parts[(group, category)] = categories[category]
        parts[(group, "subtotal")] = totals[NOMINAL_COST_BASES[group]]
    parts[("total", "total")] = totals[NOMINAL_COST_BASES["total"]]
    table = pd.DataFrame(parts)
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["group", "item"])
    table.index.name = "scenario"
    return table
