"""Synthetic results folders (replications, monthly, metadata) shaped like the store's, with
budget and risk cost chosen per scenario: for report tests that need the winners on budget and
on total cost to agree or to differ, without running the model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulation.model.ledger import BUDGET_CATEGORIES, COST_CATEGORIES, RISK_CATEGORIES

SERVICES = ("service_desk", "infrastructure")
DISCOUNT_RATE = 0.03
LABELS = {"internal": "Internal", "external": "External", "hybrid": "Hybrid"}
LABELS_DE = {"internal": "Intern", "external": "Extern", "hybrid": "Hybrid"}

#: Means over 5 years (EUR): Hybrid cheapest on budget, External cheapest in total.
DIFFERENT_WINNERS = {
    "internal": (3.0e6, 3.0e6),
    "external": (2.5e6, 1.7e6),
    "hybrid": (2.2e6, 2.2e6),
}
#: External cheapest on budget and in total.
SAME_WINNER = {
    "internal": (3.0e6, 3.0e6),
    "external": (2.2e6, 1.7e6),
    "hybrid": (2.5e6, 2.2e6),
}


def _monthly(means: dict[str, tuple[float, float]], runs: int, months: int, seed: int):
    rng = np.random.default_rng(seed)
    rows = []
    for scenario, (budget, risk) in means.items():
        for replication in range(runs):
            # one level per replication, so replications differ beyond monthly noise
            level = rng.lognormal(0.0, 0.08, 2)
            frame = pd.DataFrame({"month": np.arange(months)})
            frame["scenario"], frame["replication"] = scenario, replication
            for group, mean, factor in (
                (BUDGET_CATEGORIES, budget, level[0]),
                (RISK_CATEGORIES, risk, level[1]),
            ):
                for category in group:
                    share = mean * factor / len(group) / months
                    frame[f"cost_{category}_eur"] = share * rng.gamma(20.0, 1 / 20.0, months)
            frame["cost_service_credits_eur"] = -rng.uniform(0.0, 100.0, months)
            for service in SERVICES:
                frame[f"downtime_{service}_hours"] = rng.exponential(risk / 1e6, months)
            frame["sla_breaches"] = rng.poisson(0.2, months)
            frame["departures"] = rng.poisson(0.02, months)
            rows.append(frame)
    monthly = pd.concat(rows, ignore_index=True)
    monthly["year"] = monthly["month"] // 12 + 1
    for name, group in (("budget", BUDGET_CATEGORIES), ("risk", RISK_CATEGORIES)):
        monthly[f"cost_{name}_eur"] = monthly[[f"cost_{c}_eur" for c in group]].sum(axis=1)
    monthly["cost_total_eur"] = monthly["cost_budget_eur"] + monthly["cost_risk_eur"]
    # the cost attributed to each service: shares of each month's total, varying by month
    shares = rng.dirichlet(np.ones(len(SERVICES)) * 4.0, len(monthly))
    for j, service in enumerate(SERVICES):
        monthly[f"cost_service_{service}_eur"] = monthly["cost_total_eur"] * shares[:, j]
    factor = (1 + DISCOUNT_RATE) ** -((monthly["month"] + 1) / 12)
    monthly["cost_discounted_eur"] = monthly["cost_total_eur"] * factor
    monthly["_budget_npv"] = monthly["cost_budget_eur"] * factor
    monthly["_risk_npv"] = monthly["cost_risk_eur"] * factor
    return monthly


def synthetic_results(
    means: dict[str, tuple[float, float]], runs: int = 60, seed: int = 5, months: int = 60
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(replications, monthly, metadata) with the given (budget, risk) mean per scenario; the
    cost attributed to each service (`cost_service_<service>_eur`) adds up to the total."""
    monthly = _monthly(means, runs, months, seed)
    sums = [c for c in monthly.columns if c not in ("scenario", "replication", "month", "year")]
    reps = monthly.groupby(["scenario", "replication"], sort=False)[sums].sum().reset_index()
    reps = reps.rename(
        columns={
            "cost_budget_eur": "cost_budget_total_eur",
            "cost_risk_eur": "cost_risk_total_eur",
            "cost_discounted_eur": "cost_npv_eur",
            "_budget_npv": "cost_budget_npv_eur",
            "_risk_npv": "cost_risk_npv_eur",
        }
    )
    reps["downtime_hours"] = reps[[f"downtime_{s}_hours" for s in SERVICES]].sum(axis=1)
    monthly = monthly.drop(columns=["_budget_npv", "_risk_npv"])
    assert {f"cost_{c}_eur" for c in COST_CATEGORIES} <= set(reps.columns)
    metadata = {
        "config_name": "synthetic",
        "config_hash": "0123456789ab",
        "config": {"company": {"name": "Synthetic GmbH"}, "simulation": {"runs": runs}},
        "runs": runs,
        "seed": seed,
        "itsim_version": "0.0.0",
        "finished": "2026-01-02T03:04:05+00:00",
        "horizon_years": months // 12,
        "discount_rate": DISCOUNT_RATE,
        "scenarios": list(means),
        "scenario_labels": {s: LABELS.get(s, s) for s in means},
        "scenario_labels_de": {s: LABELS_DE.get(s, s) for s in means},
        "services": list(SERVICES),
    }
    return reps, monthly, metadata
