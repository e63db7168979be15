"""Where the money and the downtime go: cost categories, services, years, months, SLA credits.

Amounts are nominal EUR (undiscounted) unless the chosen column says otherwise (e.g.
`cost_discounted_eur` in the monthly frame); downtime is in hours. Statistics are taken over
replications; scenarios are reported in the given order (default: first appearance).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import quantile_name, scenario_order
from simulation.model.ledger import COST_CATEGORIES


def _per_scenario(
    replications: pd.DataFrame, columns: dict[str, str], order: list[str], statistic: object
) -> pd.DataFrame:
    """`statistic` of each source column over replications, per scenario, renamed."""
    selected = replications.loc[replications["scenario"].isin(order)]
    grouped = selected.groupby("scenario", sort=False)[list(columns)]
    quantile = isinstance(statistic, float)
    table = grouped.quantile(statistic) if quantile else grouped.agg(statistic)
    table = table.rename(columns=columns).reindex(order)
    table.index.name = "scenario"
    table.columns.name = None
    return table


def cost_breakdown(
    replications: pd.DataFrame, scenarios: Sequence[str] | None = None, statistic: str = "mean"
) -> pd.DataFrame:
    """Cost per category and scenario, nominal EUR over the whole horizon.

    Index `scenario`; columns the cost categories in ledger order (`COST_CATEGORIES`: personnel,
    recruiting, ..., security_losses — names without `cost_`/`_eur`); values the `statistic`
    ("mean" by default, or any pandas groupby reduction such as "median") over replications.
    `service_credits` is negative (money back from providers). With "mean", each row sums to the
    mean of `cost_total_eur`; other statistics are not additive.
    """
    order = scenario_order(replications, scenarios)
    columns = {f"cost_{c}_eur": c for c in COST_CATEGORIES}
    return _per_scenario(replications, columns, order, statistic)


def downtime_by_service(
    replications: pd.DataFrame, services: Sequence[str], scenarios: Sequence[str] | None = None
) -> pd.DataFrame:
    """Mean downtime hours per service over the horizon (from `downtime_<service>_hours`).

    Index `scenario`, columns the service ids in the given order, values mean hours over
    replications. `services` usually comes from `metadata["services"]`.
    """
    order = scenario_order(replications, scenarios)
    columns = {f"downtime_{s}_hours": s for s in services}
    return _per_scenario(replications, columns, order, "mean")


def downtime_by_service_quantile(
    replications: pd.DataFrame,
    services: Sequence[str],
    q: float,
    scenarios: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The `q` quantile (e.g. 0.95) over replications of downtime hours per service.

    Same shape as `downtime_by_service`: index `scenario`, columns service ids, values hours.
    Downtime is bad, so high q is the upper (risk) tail.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q!r}")
    order = scenario_order(replications, scenarios)
    columns = {f"downtime_{s}_hours": s for s in services}
    return _per_scenario(replications, columns, order, float(q))


def _sorted_monthly(monthly: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    frame = monthly.loc[monthly["scenario"].isin(order), ["scenario", "replication", "month"]]
    frame = frame.assign(
        value=monthly.loc[frame.index, column].to_numpy(dtype=float),
        _s=frame["scenario"].map({s: i for i, s in enumerate(order)}).to_numpy(),
    )
    return frame.sort_values(["_s", "replication", "month"], kind="stable")


def yearly_costs(
    monthly: pd.DataFrame, column: str = "cost_total_eur", scenarios: Sequence[str] | None = None
) -> pd.DataFrame:
    """Distribution over replications of each year's cost (sum of that year's months).

    Columns `scenario`, `year` (1..horizon), `mean`, `p10`, `p50`, `p90`, in the unit of
    `column` (nominal EUR for `cost_total_eur`; use `cost_discounted_eur` for present values).
    Sorted by scenario order, then year. Means over years add up to the mean horizon total.
    """
    order = scenario_order(monthly, scenarios)
    rows = monthly["scenario"].isin(order)
    selected = pd.DataFrame(  # plain option names (not categories) and sums in float64
        {
            "scenario": monthly.loc[rows, "scenario"].astype(str),
            "replication": monthly.loc[rows, "replication"],
            "year": monthly.loc[rows, "year"],
            column: monthly.loc[rows, column].astype(np.float64),
        }
    )
    per_run = (
        selected.groupby(["scenario", "replication", "year"], sort=False)[column]
        .sum()
        .rename("value")
        .reset_index()
    )
    grouped = per_run.groupby(["scenario", "year"], sort=False)["value"]
    table = pd.DataFrame({"mean": grouped.mean()})
    for q in (0.10, 0.50, 0.90):
        table[quantile_name(q)] = grouped.quantile(q)
    table = table.reset_index()
    table["_s"] = table["scenario"].map({s: i for i, s in enumerate(order)})
    table = table.sort_values(["_s", "year"], kind="stable").drop(columns="_s")
    return table.reset_index(drop=True)


def cumulative_cost_bands(
    monthly: pd.DataFrame,
    column: str = "cost_total_eur",
    quantiles: Sequence[float] = (0.10, 0.25, 0.50, 0.75, 0.90),
    scenarios: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Fan chart data: quantiles across replications of the cumulative cost up to each month.

    The cost of `column` is summed over months within each scenario × replication (ordered by
    month); then for each (scenario, month) the mean and the `quantiles` across replications are
    taken. Columns `scenario`, `month`, `mean`, then one column per quantile named
    f"p{round(q*100)}" (default p10, p25, p50, p75, p90); unit of `column` (nominal EUR by
    default). The last month's p50 is the median horizon total.
    """
    qs = [float(q) for q in quantiles]
    if any(not 0.0 <= q <= 1.0 for q in qs):
        raise ValueError(f"quantiles must be between 0 and 1, got {qs}")
    names = [quantile_name(q) for q in qs]
    if len(set(names)) != len(names) or "mean" in names:
        raise ValueError(f"quantiles {qs} give clashing column names {names}")
    order = scenario_order(monthly, scenarios)
    frame = _sorted_monthly(monthly, column, order)
    frame["cumulative"] = frame.groupby(["_s", "replication"], sort=False)["value"].cumsum()
    grouped = frame.groupby(["_s", "month"], sort=True)["cumulative"]
    table = pd.DataFrame({"mean": grouped.mean()})
    if qs:
        wide = grouped.quantile(qs).unstack()
        for q, name in zip(qs, names, strict=True):
            table[name] = wide[q]
    table = table.reset_index()
    table.insert(0, "scenario", np.asarray(order, dtype=object)[table.pop("_s").to_numpy()])
    return table


def sla_versus_loss(
    replications: pd.DataFrame, scenarios: Sequence[str] | None = None
) -> pd.DataFrame:
    """How far provider SLA credits compensate the business for outages (means over runs).

    Index `scenario`; columns `sla_breaches` (mean count), `service_credits_eur` (mean credits
    received, as a POSITIVE amount = -cost_service_credits_eur), `business_loss_eur` (mean of
    cost_downtime_eur + cost_lost_margin_eur + cost_security_losses_eur), and
    `credits_share_of_loss` (service_credits_eur / business_loss_eur, ratio of the two means;
    NaN when the loss is 0). Nominal EUR over the horizon.
    """
    order = scenario_order(replications, scenarios)
    selected = replications.loc[replications["scenario"].isin(order)]
    frame = pd.DataFrame(
        {
            "scenario": selected["scenario"],
            "sla_breaches": selected["sla_breaches"].astype(float),
            "service_credits_eur": 0.0 - selected["cost_service_credits_eur"].astype(float),
            "business_loss_eur": (
                selected["cost_downtime_eur"]
                + selected["cost_lost_margin_eur"]
                + selected["cost_security_losses_eur"]
            ).astype(float),
        }
    )
    table = frame.groupby("scenario", sort=False).mean().reindex(order)
    loss = table["business_loss_eur"]
    table["credits_share_of_loss"] = table["service_credits_eur"] / loss.where(loss != 0)
    table.index.name = "scenario"
    table.columns.name = None
    return table
