"""Every number the board report shows, computed once from a results folder.

`build_analysis` turns a run's replications, monthly costs and metadata into an `Analysis`; the
PDF, the workbook and the captions only format its numbers (`simulation.reporting`), so what the
board reads equals what this API returns. `WhatIf` holds the structural grid and break-even sweep
read beside a run (`simulation.analysis.structural`, `sensitivity.sweep_model`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulation.analysis.breakdown import (
    cost_breakdown,
    cumulative_cost_bands,
    downtime_by_service,
    downtime_by_service_quantile,
    sla_versus_loss,
    yearly_costs,
)
from simulation.analysis.budget_risk import (
    COST_BASES,
    budget_risk_table,
    grouped_cost_breakdown,
    recommendations,
    winners_disagree,
)
from simulation.analysis.compare import cheapest_table, compare_pair, paired_difference
from simulation.analysis.gap import (
    GAP_BREAKDOWNS,
    gap_by_basis,
    gap_decomposition,
    part_columns,
)
from simulation.analysis.precision import recommendation_stability
from simulation.analysis.risk import exceedance_curve, risk_metrics, risk_table
from simulation.analysis.summary import summary_table
from simulation.config.variants import BASELINE
from simulation.model.ledger import COST_CATEGORIES

#: The gap waterfalls show parts of at least this share of the gap, at most this many parts.
GAP_MIN_SHARE = 0.02
GAP_MAX_PARTS = 7


@dataclass
class Analysis:
    """Every number the figures and reports show, computed once from a results folder.

    `risk`, `risk_table`, `cheapest`, `comparison`, `difference`, `cost_exceedance` and `bands`
    are on total cost (budget + risk); `budget_risk` (`analysis.budget_risk_table`), `choices`
    (`analysis.recommendations`), `cheapest_budget`, `budget_comparison`, `grouped_breakdown`,
    `risk_by_basis` and the `budget_*` curves show budget and risk cost apart. `gaps` splits
    the gap between the recommended option and its runner-up by cost category and by service
    (`analysis.gap_decomposition`, every part), `gap_charts` the same condensed for the
    waterfalls, `gap_bases` into budget and risk cost (`analysis.gap_by_basis`).
    """

    metadata: dict[str, Any]
    scenarios: list[str]
    services: list[str]
    risk: pd.DataFrame
    risk_table: pd.DataFrame
    cheapest: pd.DataFrame
    summary: pd.DataFrame
    breakdown: pd.DataFrame
    downtime: pd.DataFrame
    downtime_p95: pd.DataFrame
    yearly: pd.DataFrame
    bands: pd.DataFrame
    cost_exceedance: pd.DataFrame
    downtime_exceedance: pd.DataFrame
    sla: pd.DataFrame
    recommended: str
    runner_up: str | None
    comparison: pd.Series | None
    difference: pd.Series | None
    drivers: pd.Series = field(default_factory=pd.Series)
    budget_risk: pd.DataFrame = field(default_factory=pd.DataFrame)
    choices: pd.DataFrame = field(default_factory=pd.DataFrame)
    cheapest_budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget_comparison: pd.Series | None = None
    grouped_breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk_by_basis: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget_bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget_exceedance: pd.DataFrame = field(default_factory=pd.DataFrame)
    gaps: dict[str, pd.DataFrame] = field(default_factory=dict)
    gap_charts: dict[str, pd.DataFrame] = field(default_factory=dict)
    gap_bases: pd.DataFrame | None = None
    whatif: WhatIf | None = None  # what would change the answer (structural grid, break-even)
    captions: dict[str, Any] = field(default_factory=dict)  # per figure: caption, takeaway
    sensitivity: tuple[Any, dict] | None = None  # `itsim sensitivity` of the same config, if any
    verification: tuple[pd.DataFrame, dict] | None = None  # `itsim verify --out` table and meta
    # share of re-runs (paired bootstrap) in which `recommended` stays cheapest on total cost
    stability: float = 1.0

    @property
    def winners_differ(self) -> bool:
        """Whether the cheapest option on budget cost is not the cheapest on total cost."""
        return winners_disagree(self.choices)


def variance_drivers(replications: pd.DataFrame, scenario: str) -> pd.Series:
    """Share of the variance of a scenario's NPV cost contributed by each cost category.

    Cov(category, total) / Var(total) on nominal costs; the shares sum to 1 (a category can be
    negative when it moves against the total, e.g. service credits).
    """
    rows = replications[replications["scenario"] == scenario]
    columns = [f"cost_{c}_eur" for c in COST_CATEGORIES]
    total = rows["cost_total_eur"]
    variance = float(total.var())
    if not variance > 0:
        return pd.Series(0.0, index=[c[5:-4] for c in columns])
    shares = {c[5:-4]: float(rows[c].cov(total)) / variance for c in columns}
    return pd.Series(shares).sort_values(ascending=False)


#: Key columns of the monthly results the analysis reads besides the costs.
_MONTHLY_KEYS = ("scenario", "replication", "month", "year")


def monthly_columns(names: Iterable[str]) -> list[str]:
    """Of monthly.parquet's columns `names`, those `build_analysis` reads: the keys and every
    cost (a report reads only these: a third of the file, no counters or downtime)."""
    return [n for n in names if n in _MONTHLY_KEYS or n.startswith("cost_")]


def build_analysis(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    metadata: dict[str, Any],
    n_boot: int = 1000,
    seed: int = 0,
) -> Analysis:
    """Compute every table behind the figures and reports."""
    scenarios = [s for s in metadata["scenarios"] if s in set(replications["scenario"])]
    services = list(metadata.get("services", []))
    risk = risk_metrics(replications, scenarios=scenarios, n_boot=n_boot, seed=seed)
    table = risk_table(risk).reindex(scenarios)
    ranked = table["mean"].sort_values().index.tolist()
    recommended = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    comparison = difference = None
    gap: dict[str, Any] = {}
    if runner_up is not None:
        comparison = compare_pair(replications, recommended, runner_up, n_boot=n_boot, seed=seed)
        difference = paired_difference(replications, recommended, runner_up)
        gap = gap_analysis(replications, monthly, metadata, recommended, runner_up)
    return Analysis(
        metadata=metadata,
        scenarios=scenarios,
        services=services,
        risk=risk,
        risk_table=table,
        cheapest=cheapest_table(replications, scenarios=scenarios),
        summary=summary_table(replications, scenarios),
        breakdown=cost_breakdown(replications, scenarios=scenarios),
        downtime=downtime_by_service(replications, services, scenarios=scenarios),
        downtime_p95=downtime_by_service_quantile(
            replications, services, 0.95, scenarios=scenarios
        ),
        yearly=_yearly(monthly, scenarios),
        bands=cumulative_cost_bands(monthly, scenarios=scenarios),
        cost_exceedance=exceedance_curve(replications, "cost_npv_eur", scenarios=scenarios),
        downtime_exceedance=exceedance_curve(replications, "downtime_hours", scenarios=scenarios),
        sla=sla_versus_loss(replications, scenarios=scenarios),
        recommended=recommended,
        runner_up=runner_up,
        comparison=comparison,
        difference=difference,
        drivers=variance_drivers(replications, recommended),
        stability=_stability(replications, metadata, scenarios, recommended, n_boot, seed),
        **_budget_and_risk(replications, monthly, scenarios, risk, comparison, n_boot, seed),
        **gap,
    )


def _stability(replications, metadata, scenarios, recommended, n_boot: int, seed: int) -> float:
    """How often `recommended` stays cheapest on re-runs: as `itsim run` recorded it in
    metadata.json (`precision`, same replications and options), else computed here."""
    recorded = metadata.get("precision") or {}
    rows = recorded.get("rows") or []
    same = {r.get("a") for r in rows if r.get("kind") == "mean"} == set(scenarios)
    if same and recorded.get("recommended") == recommended and "stability" in recorded:
        return float(recorded["stability"])
    return recommendation_stability(replications, scenarios, n_boot=n_boot, seed=seed)


def _budget_and_risk(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    scenarios: list[str],
    risk: pd.DataFrame,
    comparison: pd.Series | None,
    n_boot: int,
    seed: int,
) -> dict[str, Any]:
    """The tables that show budget cost and risk cost apart (fields of `Analysis`)."""
    budget = COST_BASES["budget"]
    budget_comparison = None
    if comparison is not None:
        budget_comparison = compare_pair(
            replications, comparison["a"], comparison["b"], budget, n_boot=n_boot, seed=seed
        )
    metrics = [
        risk_metrics(replications, COST_BASES[basis], scenarios, n_boot=n_boot, seed=seed).assign(
            basis=basis
        )
        for basis in ("budget", "risk")
    ]
    metrics.append(risk.assign(basis="total"))
    return {
        "budget_risk": budget_risk_table(replications, scenarios),
        "choices": recommendations(replications, scenarios, bases=("budget", "total")),
        "cheapest_budget": cheapest_table(replications, budget, scenarios),
        "budget_comparison": budget_comparison,
        "grouped_breakdown": grouped_cost_breakdown(replications, scenarios),
        "risk_by_basis": pd.concat(metrics, ignore_index=True),
        "budget_bands": cumulative_cost_bands(monthly, "cost_budget_eur", scenarios=scenarios),
        "budget_exceedance": exceedance_curve(replications, budget, scenarios=scenarios),
    }


def _yearly(monthly: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    """Each year's budget, risk and total cost (nominal EUR), one block per `cost`."""
    columns = {"budget": "cost_budget_eur", "risk": "cost_risk_eur", "total": "cost_total_eur"}
    parts = [
        yearly_costs(monthly, column, scenarios).assign(cost=basis)
        for basis, column in columns.items()
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame[["cost", *[c for c in frame.columns if c != "cost"]]]


def gap_analysis(
    replications: pd.DataFrame, monthly: pd.DataFrame, metadata: Mapping[str, Any], a: str, b: str
) -> dict[str, Any]:
    """The gap between a and b: `gaps` (every part, by "category" and, where the results
    attribute costs to services, by "service"), `gap_charts` (the same condensed for the
    waterfalls) and `gap_bases` (budget, risk, total). Empty without a discount rate in the
    metadata (results written before it was recorded)."""
    rate = metadata.get("discount_rate")
    if rate is None:
        return {"gaps": {}, "gap_charts": {}, "gap_bases": None}
    services = metadata.get("services") or None
    gaps, charts = {}, {}
    for by in GAP_BREAKDOWNS:
        try:
            part_columns(monthly, by, services if by == "service" else None)
        except KeyError:
            continue  # no costs attributed to services in these results
        options = {"by": by, "services": services if by == "service" else None}
        gaps[by] = gap_decomposition(replications, monthly, a, b, float(rate), **options)
        charts[by] = gap_decomposition(
            replications,
            monthly,
            a,
            b,
            float(rate),
            min_share=GAP_MIN_SHARE,
            max_parts=GAP_MAX_PARTS,
            **options,
        )
    return {"gaps": gaps, "gap_charts": charts, "gap_bases": gap_by_basis(replications, a, b)}


@dataclass
class WhatIf:
    """The structural grid of a run and the break-even sweep next to it (either may be absent).

    `meta` is structural.json: runs, variants (name, label, label_de, set), and for the sweep
    its parameter, the scenarios a and b, runs and the break-even with its band.
    """

    grid: pd.DataFrame | None
    sweep: pd.DataFrame | None
    meta: dict[str, Any] = field(default_factory=dict)

    def variant_label(self, name: str, lang: str, baseline: str = BASELINE) -> str:
        """A variant's display label in `lang` (`baseline` for the configured case)."""
        if name == BASELINE:
            return baseline
        for v in self.meta.get("variants", []):
            if v["name"] == name:
                return (v.get("label_de") if lang == "de" else None) or v.get("label") or name
        return name

    def variants(self) -> list[str]:
        return list(pd.unique(self.grid["variant"])) if self.grid is not None else []
