"""Sensitivity figures: moved to simulation.reporting.figures; kept for existing imports.

Tornado, spider, Sobol and delta figures are in `figures.sensitivity`, break-even and decision
map in `figures.decision`, parameter names and values in words in `figures.parameters`.
"""

from __future__ import annotations

from simulation.reporting.figures.decision import cell_shade as _cell_shade
from simulation.reporting.figures.decision import plot_break_even, plot_decision_map
from simulation.reporting.figures.decision import text_colour as _text_colour
from simulation.reporting.figures.parameters import (
    PARAMETER_NAMES,
    PROVIDER_NAMES,
    ROLE_NAMES,
    describe_output,
    format_parameter_value,
    parameter_kind,
    parameter_label,
)
from simulation.reporting.figures.sensitivity import (
    CORRELATED_MARK,
    DELTA_COLOUR,
    DELTA_FIRST_COLOUR,
    FIRST_ORDER_COLOUR,
    HIGH_COLOUR,
    LINE_COLOURS,
    LOW_COLOUR,
    SENSITIVITY_STEMS,
    TOTAL_ORDER_COLOUR,
    plot_delta,
    plot_sobol,
    plot_spider,
    plot_tornado,
    write_sensitivity_figures,
)

__all__ = [
    "CORRELATED_MARK",
    "DELTA_COLOUR",
    "DELTA_FIRST_COLOUR",
    "FIRST_ORDER_COLOUR",
    "HIGH_COLOUR",
    "LINE_COLOURS",
    "LOW_COLOUR",
    "PARAMETER_NAMES",
    "PROVIDER_NAMES",
    "ROLE_NAMES",
    "SENSITIVITY_STEMS",
    "TOTAL_ORDER_COLOUR",
    "_cell_shade",
    "_text_colour",
    "describe_output",
    "format_parameter_value",
    "parameter_kind",
    "parameter_label",
    "plot_break_even",
    "plot_decision_map",
    "plot_delta",
    "plot_sobol",
    "plot_spider",
    "plot_tornado",
    "write_sensitivity_figures",
]
