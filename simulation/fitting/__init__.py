"""Fitting config values from a company's records: ticket exports, outage logs, HR lists and
provider SLA reports -> a commented YAML fragment with posterior and fitted distributions.

The layer reads record files and fits; it depends on `simulation.config` only and never prints
or plots. Entry point: `fit_records`.
"""

from simulation.fitting.api import FitResult, fit_records
from simulation.fitting.columns import PRESETS, ColumnMapping
from simulation.fitting.errors import RecordError
from simulation.fitting.settings import FitSettings

__all__ = ["PRESETS", "ColumnMapping", "FitResult", "FitSettings", "RecordError", "fit_records"]
