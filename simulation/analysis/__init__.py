"""Statistics on result frames: summaries, comparisons, risk metrics (pandas in, pandas out).

Costs are losses (high is bad), so VaR/CVaR and exceedance curves look at the UPPER tail.
Scenarios are compared replication by replication (common random numbers). No plotting, no file
I/O; bootstrap randomness comes only from an explicit `seed`.

Budget cost (cash out) and risk cost (users' lost time, lost margin, security and compliance
losses, deferred change) can favour
different options: `budget_risk_table`, `recommendations` and `grouped_cost_breakdown` show them
side by side with their total; `COST_BASES` names the replication column of each.

Why one option costs less than another: `gap_decomposition` splits the paired gap in net
present value by cost category or by service (parts add up to the gap).
"""

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
    NOMINAL_COST_BASES,
    budget_risk_table,
    grouped_cost_breakdown,
    recommendations,
    winners_disagree,
)
from simulation.analysis.compare import cheapest_table, compare_pair, paired_difference
from simulation.analysis.gap import (
    GAP_BREAKDOWNS,
    GAP_OTHER,
    category_group,
    gap_by_basis,
    gap_decomposition,
    gap_differences,
    npv_by_part,
    part_columns,
)
from simulation.analysis.risk import (
    RISK_METRICS,
    bootstrap_ci,
    exceedance_curve,
    exceedance_probability,
    expected_shortfall,
    risk_metrics,
    risk_table,
    value_at_risk,
)
from simulation.analysis.summary import probability_cheapest, summary_table

__all__ = [
    "COST_BASES",
    "GAP_BREAKDOWNS",
    "GAP_OTHER",
    "NOMINAL_COST_BASES",
    "RISK_METRICS",
    "bootstrap_ci",
    "budget_risk_table",
    "category_group",
    "cheapest_table",
    "compare_pair",
    "cost_breakdown",
    "cumulative_cost_bands",
    "downtime_by_service",
    "downtime_by_service_quantile",
    "exceedance_curve",
    "exceedance_probability",
    "expected_shortfall",
    "gap_by_basis",
    "gap_decomposition",
    "gap_differences",
    "grouped_cost_breakdown",
    "npv_by_part",
    "paired_difference",
    "part_columns",
    "probability_cheapest",
    "recommendations",
    "risk_metrics",
    "risk_table",
    "sla_versus_loss",
    "summary_table",
    "value_at_risk",
    "winners_disagree",
    "yearly_costs",
]
