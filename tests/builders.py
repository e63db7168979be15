"""Small experiments built in code: re-exported from `simulation.verify.builders`, where the
validation suite (`itsim verify`) uses the same builders."""

from __future__ import annotations

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
    "run",
    "sla_block",
    "spec_of",
    "with_provider",
]
