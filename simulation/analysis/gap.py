"""Why one option costs less than another: the paired gap in net present value, split into parts.

The gap between scenarios a and b is the mean over replications of a − b of `cost_npv_eur`
(common random numbers: replication r of a and of b saw the same random events, and only
replications present in both count). It is split by cost category (`COST_CATEGORIES`, each
budget or risk cost) or by service (`cost_service_<service>_eur`: the cost attributed to each
service). Each part's net present value is computed from the monthly frame with the model's
end-of-month discount factors (`ledger.discount_factors`), so the parts of a replication add up
to its `cost_npv_eur`, and the parts' mean differences add up to the gap (to rounding; checked).

Amounts are EUR, net present value over the horizon; negative differences: a costs less.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.analysis._common import check_share, t_interval
from simulation.analysis.compare import paired_difference
from simulation.model.ledger import COST_CATEGORIES, RISK_CATEGORIES, discount_factors

#: The two ways to split the gap: by cost category and by service.
GAP_BREAKDOWNS = ("category", "service")
#: The part that collects the small parts of a condensed decomposition.
GAP_OTHER = "(other)"
#: Parts of a replication may miss its `cost_npv_eur` by at most this share (rounding only).
_TOLERANCE = 1e-6


def _service_ids(monthly: pd.DataFrame) -> list[str]:
    """The services of `cost_service_<service>_eur` columns, in column order (the category
    column `cost_service_credits_eur` is not a service)."""
    categories = {f"cost_{c}_eur" for c in COST_CATEGORIES}
    return [
        c[len("cost_service_") : -len("_eur")]
        for c in monthly.columns
        if c.startswith("cost_service_") and c.endswith("_eur") and c not in categories
    ]


def part_columns(
    monthly: pd.DataFrame, by: str = "category", services: Sequence[str] | None = None
) -> dict[str, str]:
    """The parts of a breakdown and their monthly columns: {part: column}.

    `by="category"`: the cost categories in ledger order (`cost_<category>_eur`);
    `by="service"`: `services` (default: every `cost_service_<service>_eur` column of
    `monthly`, in column order). Raises KeyError when a column is missing (results written
    before costs were attributed to services have no service columns).
    """
    if by not in GAP_BREAKDOWNS:
        raise ValueError(f"by (={by!r}) must be one of {GAP_BREAKDOWNS}")
    if by == "category":
        columns = {c: f"cost_{c}_eur" for c in COST_CATEGORIES}
    else:
        ids = list(services) if services is not None else _service_ids(monthly)
        columns = {s: f"cost_service_{s}_eur" for s in ids}
    missing = [c for c in columns.values() if c not in monthly.columns]
    if missing or not columns:
        raise KeyError(f"monthly results lack the cost columns of the {by} breakdown: {missing}")
    return columns


def npv_by_part(
    monthly: pd.DataFrame,
    discount_rate: float,
    by: str = "category",
    services: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Net present value (EUR) of each part per scenario and replication.

    Month m (0-based) is discounted by (1 + discount_rate)^-((m + 1) / 12), as in the model.
    Index (scenario, replication) in order of first appearance; columns the parts of
    `part_columns(monthly, by, services)`. Each row sums to the replication's `cost_npv_eur`.
    """
    columns = part_columns(monthly, by, services)
    months = monthly["month"].to_numpy(dtype=int)
    factors = discount_factors(int(months.max()) + 1 if months.size else 0, discount_rate)
    weights = factors[months]
    keys = monthly.groupby(["scenario", "replication"], sort=False, observed=True).ngroup()
    codes = keys.to_numpy()
    first = np.unique(codes, return_index=True)[1]  # groups in order of first appearance
    index = pd.MultiIndex.from_arrays(
        [
            monthly["scenario"].iloc[first].astype(str).to_numpy(dtype=object),
            monthly["replication"].iloc[first].to_numpy(dtype=np.int64),
        ],
        names=["scenario", "replication"],
    )
    # one column at a time in float64 (the monthly frame holds float32): a run of 10,000
    # replications never has all its discounted values in memory at once
    sums = {
        part: np.bincount(codes, monthly[column].to_numpy(dtype=float) * weights, len(first))
        for part, column in columns.items()
    }
    return pd.DataFrame(sums, index=index)


def _paired_parts(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    a: str,
    b: str,
    discount_rate: float,
    by: str,
    services: Sequence[str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Each part's net present value in a and in b, and a − b of `cost_npv_eur`, on the
    replications of both (index `replication`, sorted); checks that the parts add up."""
    parts = npv_by_part(monthly, discount_rate, by, services)
    total = paired_difference(replications, a, b, "cost_npv_eur")
    scenario_of = parts.index.get_level_values("scenario")
    replication_of = parts.index.get_level_values("replication")
    held = set(replication_of[scenario_of == a]) & set(replication_of[scenario_of == b])
    total = total[total.index.isin(held)]
    if total.empty:
        raise ValueError(f"no replication of both {a!r} and {b!r} in the monthly results")
    of_a = parts.xs(a, level="scenario").reindex(total.index)
    of_b = parts.xs(b, level="scenario").reindex(total.index)
    residual = float(((of_a - of_b).sum(axis=1) - total).abs().max())
    scale = float(of_a.abs().sum(axis=1).max() + of_b.abs().sum(axis=1).max())
    if residual > _TOLERANCE * max(scale, 1.0):
        raise ValueError(
            f"the {by} parts do not add up to cost_npv_eur (off by up to {residual:,.2f} EUR):"
            f" is the discount rate {discount_rate} the run's?"
        )
    return of_a, of_b, total


def gap_differences(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    a: str,
    b: str,
    discount_rate: float,
    by: str = "category",
    services: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per replication, a − b of each part's net present value (EUR).

    Index `replication` (sorted): the replications of `paired_difference(replications, a, b)`
    (present in both, `cost_npv_eur` not NaN) that the monthly frame holds for both; columns
    the parts (`part_columns`), then `total` = a − b of `cost_npv_eur`. Raises ValueError when
    a replication's parts miss its total by more than rounding (e.g. a wrong discount rate).
    """
    of_a, of_b, total = _paired_parts(replications, monthly, a, b, discount_rate, by, services)
    differences = of_a - of_b
    differences["total"] = total
    differences.index.name = "replication"
    differences.columns.name = None
    return differences


def _part_row(of_a: pd.Series, of_b: pd.Series, gap: float, confidence: float) -> dict:
    """Mean NPV in a and b, mean paired difference with its t interval, share of the gap."""
    difference = (of_a - of_b).to_numpy(dtype=float)
    low, high = t_interval(difference, confidence)
    mean = float(difference.mean())
    return {
        "mean_a_eur": float(of_a.mean()),
        "mean_b_eur": float(of_b.mean()),
        "mean_difference_eur": mean,
        "ci_low_eur": float(low),
        "ci_high_eur": float(high),
        "share_of_gap": mean / gap + 0.0 if gap != 0 else np.nan,  # + 0.0: no -0.0
        "clear": bool(low > 0 or high < 0),
    }


def _condensed(
    of_a: pd.DataFrame, of_b: pd.DataFrame, min_share: float, max_parts: int | None, gap: float
) -> tuple[list[str], list[str]]:
    """The parts shown on their own (largest mean difference first) and those merged into
    `GAP_OTHER`: below `min_share` of the gap, or beyond the `max_parts` largest. Parts that
    do not differ in any replication are left out; a single part to merge keeps its row."""
    difference = of_a - of_b
    moving = [p for p in difference.columns if (difference[p] != 0).any()]
    size = difference[moving].mean().abs().sort_values(ascending=False, kind="stable")
    shown = [p for p in size.index if size[p] >= min_share * abs(gap)]
    if max_parts is not None and len(shown) > max_parts:
        shown = shown[: max(max_parts, 1)]
    other = [p for p in size.index if p not in shown]
    if len(other) == 1:  # one part alone keeps its name: a row either way
        shown, other = shown + other, []
    return shown, other


def gap_decomposition(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    a: str,
    b: str,
    discount_rate: float,
    by: str = "category",
    services: Sequence[str] | None = None,
    confidence: float = 0.95,
    min_share: float = 0.0,
    max_parts: int | None = None,
) -> pd.DataFrame:
    """The paired gap a − b in net present value (EUR), split into parts (`by` "category" or
    "service"; see `part_columns`).

    Index `part`; columns `group` ("budget" or "risk" for a category, "mixed" for merged
    categories of both groups, None for a service), `mean_a_eur` and `mean_b_eur` (mean NPV
    of the part), `mean_difference_eur` (mean of a − b, replication by replication) with
    `ci_low_eur`, `ci_high_eur` (its Student-t interval at `confidence`), `share_of_gap`
    (mean difference / gap; NaN when the gap is 0; a part can exceed 100% when others offset
    it), `clear` (the interval excludes zero) and `parts` (how many parts the row holds).
    The mean differences add up to the gap, the mean of a − b of `cost_npv_eur`.

    By default every part, in ledger (or service) order. With `min_share` > 0 or `max_parts`,
    condensed for a chart: parts sorted by the size of their mean difference, those smaller
    than `min_share` of the gap (or beyond the `max_parts` largest) merged into one row
    `GAP_OTHER` (last; its interval from the replications' sums; a single such part keeps its
    own row), parts that never differ left out. `attrs`: a, b, by, n (replications),
    confidence, mean_a_eur and mean_b_eur (mean `cost_npv_eur`), gap_eur with gap_ci_low_eur,
    gap_ci_high_eur, and other_parts (the merged parts).
    """
    check_share(confidence, "confidence")
    of_a, of_b, total = _paired_parts(replications, monthly, a, b, discount_rate, by, services)
    gap = float(total.mean())
    shown, other = list(of_a.columns), []
    if min_share > 0 or max_parts is not None:
        shown, other = _condensed(of_a, of_b, min_share, max_parts, gap)
    rows = {p: _part_row(of_a[p], of_b[p], gap, confidence) | {"parts": 1} for p in shown}
    if other:
        merged = _part_row(of_a[other].sum(axis=1), of_b[other].sum(axis=1), gap, confidence)
        rows[GAP_OTHER] = merged | {"parts": len(other)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.insert(0, "group", [_group(p, other, by) for p in table.index])
    table.index.name = "part"
    low, high = t_interval(total.to_numpy(dtype=float), confidence)
    table.attrs = {
        "a": a,
        "b": b,
        "by": by,
        "n": len(total),
        "confidence": confidence,
        "mean_a_eur": _mean_npv(replications, a, total.index),
        "mean_b_eur": _mean_npv(replications, b, total.index),
        "gap_eur": gap,
        "gap_ci_low_eur": float(low),
        "gap_ci_high_eur": float(high),
        "other_parts": other,
    }
    return table


def _mean_npv(replications: pd.DataFrame, scenario: str, replication_ids: pd.Index) -> float:
    """Mean `cost_npv_eur` of a scenario over the given replications."""
    rows = replications.loc[replications["scenario"] == scenario]
    npv = rows.set_index("replication")["cost_npv_eur"]
    return float(npv.reindex(replication_ids).mean())


def _group(part: str, other: list[str], by: str) -> str | None:
    """The cost group of a row of `gap_decomposition`."""
    if by != "category":
        return None
    if part == GAP_OTHER:
        groups = {category_group(c) for c in other}
        return groups.pop() if len(groups) == 1 else "mixed"
    return category_group(part)


def gap_by_basis(
    replications: pd.DataFrame, a: str, b: str, confidence: float = 0.95
) -> pd.DataFrame:
    """The gap a − b split into budget cost and risk cost, with the total (EUR, NPV).

    Index `basis` (budget, risk, total: the replication columns of `COST_BASES`); columns as
    in `gap_decomposition` (`mean_a_eur`, `mean_b_eur`, `mean_difference_eur`, `ci_low_eur`,
    `ci_high_eur`, `share_of_gap`, `clear`), paired on the replications present in both.
    Budget and risk add up to the total; each equals the sum of its categories in the
    category decomposition (to rounding).
    """
    check_share(confidence, "confidence")
    columns = {
        "budget": "cost_budget_npv_eur",
        "risk": "cost_risk_npv_eur",
        "total": "cost_npv_eur",
    }
    total = paired_difference(replications, a, b, columns["total"])
    ids, gap = total.index, float(total.mean())
    rows = {}
    for basis, column in columns.items():
        wide = replications.pivot(index="replication", columns="scenario", values=column)
        wide = wide.reindex(ids)
        rows[basis] = _part_row(wide[a], wide[b], gap, confidence)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "basis"
    return table


def category_group(category: str) -> str:
    """Whether a cost category is budget cost (cash out) or risk cost (losses)."""
    return "risk" if category in RISK_CATEGORIES else "budget"
