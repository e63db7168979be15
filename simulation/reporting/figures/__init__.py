"""Board figures: every figure of a results folder and of a sensitivity analysis.

Modules (each figure function takes frames from `simulation.analysis`, a `FigureContext` and an
output base path, writes a 300 dpi PNG and a vector PDF, and returns a `FigureResult`):

- `frame`: the frame every figure is drawn in — `FigureContext`, `Provenance`, `FigureResult`,
  file names, tick formatters, `new_figure`, `save`, legends, label placement, tick thinning,
  the range an axis shows (`bulk_range`) and the note on what lies beyond (`beyond_note`);
- `distribution`: cost distributions and exceedance curves of cost and downtime;
- `breakdown`: budget and risk cost per option, cost by category (category colours);
- `timeline`: the fan chart of cumulative cost over the horizon;
- `downtime`: downtime per service;
- `comparison`: risk against return, the paired difference of two options;
- `gap`: why one option costs less than another (waterfall of the gap);
- `parameters`: parameter paths, their values and the analysed result in words;
- `sensitivity`: tornado, spider, Sobol, delta, and all figures of a sensitivity result;
- `decision`: break-even of one assumption and the decision map over two;
- `texts`: `figure_text`, the catalogue's section "figures" (texts not in `reporting.labels`).
"""

from simulation.reporting.figures.breakdown import plot_cost_breakdown, plot_cost_budget_risk
from simulation.reporting.figures.comparison import plot_paired_difference, plot_risk_return
from simulation.reporting.figures.decision import plot_break_even, plot_decision_map
from simulation.reporting.figures.distribution import (
    plot_cost_distribution,
    plot_cost_distributions,
    plot_exceedance,
)
from simulation.reporting.figures.downtime import plot_downtime_by_service
from simulation.reporting.figures.frame import (
    FigureContext,
    FigureResult,
    Provenance,
    figure_path,
    pair_figure_stem,
    paired_difference_stem,
)
from simulation.reporting.figures.gap import plot_gap_waterfall
from simulation.reporting.figures.sensitivity import (
    plot_delta,
    plot_sobol,
    plot_spider,
    plot_tornado,
    write_sensitivity_figures,
)
from simulation.reporting.figures.timeline import plot_fan_chart

__all__ = [
    "FigureContext",
    "FigureResult",
    "Provenance",
    "figure_path",
    "pair_figure_stem",
    "paired_difference_stem",
    "plot_break_even",
    "plot_cost_breakdown",
    "plot_cost_budget_risk",
    "plot_cost_distribution",
    "plot_cost_distributions",
    "plot_decision_map",
    "plot_delta",
    "plot_downtime_by_service",
    "plot_exceedance",
    "plot_fan_chart",
    "plot_gap_waterfall",
    "plot_paired_difference",
    "plot_risk_return",
    "plot_sobol",
    "plot_spider",
    "plot_tornado",
    "write_sensitivity_figures",
]
