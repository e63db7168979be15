"""Small experiments built in code: re-exported from `simulation.verify.builders`, where the
validation suite (`itsim verify`) uses the same builders."""

from __future__ import annotations

from pathlib import Path

import yaml

from simulation.verify.builders import (
    SEED,
    base_tree,
    busy_tree,
    cost,
    counter,
    deep_update,
    exponential_effort,
    flood_tree,
    mirrored,
    mm1_provider_tree,
    mmc_tree,
    quiet_severities,
    run,
    sla_block,
    spec_of,
    with_provider,
)

__all__ = [
    "REFERENCE",
    "SEED",
    "base_tree",
    "busy_tree",
    "cost",
    "counter",
    "deep_update",
    "exponential_effort",
    "flood_tree",
    "mirrored",
    "mm1_provider_tree",
    "mmc_tree",
    "quiet_severities",
    "reference_tree",
    "run",
    "sla_block",
    "spec_of",
    "with_provider",
]


REFERENCE = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def reference_tree(horizon_years: int = 1) -> dict:
    """configs/default.yaml as a tree, without `sensitivity`, over `horizon_years` (quick runs
    of the reference company)."""
    tree = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    tree.pop("sensitivity")
    tree["simulation"]["horizon_years"] = horizon_years
    return tree
