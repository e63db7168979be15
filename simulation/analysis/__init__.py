"""Statistics on result frames: summaries, comparisons, risk metrics (pandas in, pandas out)."""

from simulation.analysis.summary import probability_cheapest, summary_table

__all__ = ["probability_cheapest", "summary_table"]
