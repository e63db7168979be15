"""Board figures: moved to simulation.reporting.figures; kept for existing imports.

Every name other modules, tests and notebooks import from here is re-exported from its new
module (the private helpers under their old names). Assigning `plots._save` (tests replace it
to skip writing files) replaces `figures.frame.save`, which every figure calls.
"""

from __future__ import annotations

import sys
from types import ModuleType

from simulation.reporting.figures import frame as _frame
from simulation.reporting.figures.breakdown import (
    BUDGET_COLOUR,
    CATEGORY_COLOURS,
    RISK_COLOUR,
    plot_cost_breakdown,
    plot_cost_budget_risk,
)
from simulation.reporting.figures.comparison import (
    plot_paired_difference,
    plot_risk_return,
)
from simulation.reporting.figures.comparison import probability_words as _probability_words
from simulation.reporting.figures.distribution import (
    plot_cost_distribution,
    plot_cost_distributions,
    plot_exceedance,
)
from simulation.reporting.figures.downtime import plot_downtime_by_service
from simulation.reporting.figures.frame import (
    DARK,
    DPI,
    FIGURE_STEMS,
    NEUTRAL,
    PAIR_FIGURES,
    PALETTE,
    SLIDE_SIZE,
    STYLE_PATH,
    WARNING,
    EuroFormatter,
    FigureContext,
    FigureResult,
    NumberFormatter,
    PercentFormatter,
    Provenance,
    beyond_note,
    bulk_range,
    completed_runs,
    figure_path,
    pair_figure_stem,
    paired_difference_stem,
)
from simulation.reporting.figures.frame import decimals_needed as _decimals
from simulation.reporting.figures.frame import figure_legend as _figure_legend
from simulation.reporting.figures.frame import finish_figure as _result
from simulation.reporting.figures.frame import fit_width as _fit_width
from simulation.reporting.figures.frame import house_style as _style
from simulation.reporting.figures.frame import new_figure as _new_figure
from simulation.reporting.figures.frame import place_labels as _place_labels
from simulation.reporting.figures.frame import runs_text as _runs
from simulation.reporting.figures.frame import save as _save
from simulation.reporting.figures.frame import wrap_text as _wrap
from simulation.reporting.figures.gap import (
    GAP_LESS_COLOUR,
    GAP_MORE_COLOUR,
    GAP_RISK_HATCH,
    GAP_TOTAL_COLOUR,
    plot_gap_waterfall,
    signed_eur_short,
)
from simulation.reporting.figures.timeline import plot_fan_chart

#: Old private name -> (module, name) where assigning it takes effect.
_FORWARDED = {"_save": (_frame, "save")}


class _Shim(ModuleType):
    """This module, forwarding assignments of moved helpers to where they now live."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FORWARDED:
            module, attribute = _FORWARDED[name]
            setattr(module, attribute, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Shim

__all__ = [
    "BUDGET_COLOUR",
    "CATEGORY_COLOURS",
    "DARK",
    "DPI",
    "FIGURE_STEMS",
    "GAP_LESS_COLOUR",
    "GAP_MORE_COLOUR",
    "GAP_RISK_HATCH",
    "GAP_TOTAL_COLOUR",
    "NEUTRAL",
    "PAIR_FIGURES",
    "PALETTE",
    "RISK_COLOUR",
    "SLIDE_SIZE",
    "STYLE_PATH",
    "WARNING",
    "EuroFormatter",
    "FigureContext",
    "FigureResult",
    "NumberFormatter",
    "PercentFormatter",
    "Provenance",
    "_decimals",
    "_figure_legend",
    "_fit_width",
    "_new_figure",
    "_place_labels",
    "_probability_words",
    "_result",
    "_runs",
    "_save",
    "_style",
    "_wrap",
    "beyond_note",
    "bulk_range",
    "completed_runs",
    "figure_path",
    "pair_figure_stem",
    "paired_difference_stem",
    "plot_cost_breakdown",
    "plot_cost_budget_risk",
    "plot_cost_distribution",
    "plot_cost_distributions",
    "plot_downtime_by_service",
    "plot_exceedance",
    "plot_fan_chart",
    "plot_gap_waterfall",
    "plot_paired_difference",
    "plot_risk_return",
    "signed_eur_short",
]
