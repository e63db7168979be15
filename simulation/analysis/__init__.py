"""Statistics on result frames: summaries, comparisons, risk metrics (pandas in, pandas out).

Costs are losses (high is bad), so VaR/CVaR and exceedance curves look at the UPPER tail.
Scenarios are compared replication by replication (common random numbers). No plotting, no file
I/O; bootstrap randomness comes only from an explicit `seed`.
"""

from simulation.analysis.breakdown import (
    cost_breakdown,
    cumulative_cost_bands,
    downtime_by_service,
    downtime_by_service_quantile,
    sla_versus_loss,
    yearly_costs,
)
from simulation.analysis.compare import cheapest_table, compare_pair, paired_difference
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
    "RISK_METRICS",
    "bootstrap_ci",
    "cheapest_table",
    "compare_pair",
    "cost_breakdown",
    "cumulative_cost_bands",
    "downtime_by_service",
    "downtime_by_service_quantile",
    "exceedance_curve",
    "exceedance_probability",
    "expected_shortfall",
    "paired_difference",
    "probability_cheapest",
    "risk_metrics",
    "risk_table",
    "sla_versus_loss",
    "summary_table",
    "value_at_risk",
    "yearly_costs",
]
