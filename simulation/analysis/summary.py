"""The comparison table of `itsim run`: cost and downtime distributions per scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd


def probability_cheapest(
    replications: pd.DataFrame, column: str = "cost_npv_eur", scenarios: list[str] | None = None
) -> pd.Series:
    """Share of replications in which each scenario has the lowest value of `column`.

    Scenarios are compared replication by replication (common random numbers); ties share the
    win equally. Only replications present in every scenario count.
    """
    wide = replications.pivot(index="replication", columns="scenario", values=column).dropna()
    if scenarios is not None:
        wide = wide[scenarios]
    values = wide.to_numpy()
    if values.size == 0:
        return pd.Series(np.nan, index=wide.columns, name="p_cheapest")
    is_min = values == values.min(axis=1, keepdims=True)
    wins = (is_min / is_min.sum(axis=1, keepdims=True)).mean(axis=0)
    return pd.Series(wins, index=wide.columns, name="p_cheapest")


def summary_table(replications: pd.DataFrame, scenarios: list[str] | None = None) -> pd.DataFrame:
    """Per scenario: budget, risk and total cost (NPV, EUR), downtime, SLA breaches, departures,
    and the probability of being the cheapest option on budget cost and on total cost.

    Budget cost is cash out (personnel, fees, licences, hardware, ...); risk cost is users' lost
    time, lost margin and security losses; total = budget + risk. `p_cheapest` is on total cost,
    `p_cheapest_budget` on budget cost alone.
    """
    order = scenarios or list(dict.fromkeys(replications["scenario"]))
    grouped = replications.groupby("scenario", sort=False)
    npv = grouped["cost_npv_eur"]
    budget = grouped["cost_budget_npv_eur"]
    risk = grouped["cost_risk_npv_eur"]
    table = pd.DataFrame(
        {
            "runs": grouped.size(),
            "budget_npv_mean_eur": budget.mean(),
            "budget_npv_p95_eur": budget.quantile(0.95),
            "risk_npv_mean_eur": risk.mean(),
            "risk_npv_p95_eur": risk.quantile(0.95),
            "npv_mean_eur": npv.mean(),
            "npv_p50_eur": npv.quantile(0.50),
            "npv_p90_eur": npv.quantile(0.90),
            "npv_p95_eur": npv.quantile(0.95),
            "downtime_mean_hours": grouped["downtime_hours"].mean(),
            "downtime_p95_hours": grouped["downtime_hours"].quantile(0.95),
            "sla_breaches_mean": grouped["sla_breaches"].mean(),
            "departures_mean": grouped["departures"].mean(),
        }
    ).reindex(order)
    table["p_cheapest_budget"] = probability_cheapest(
        replications, "cost_budget_npv_eur", scenarios=order
    ).reindex(order)
    table["p_cheapest"] = probability_cheapest(replications, scenarios=order).reindex(order)
    table.index.name = "scenario"
    return table
