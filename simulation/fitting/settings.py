"""How fitting runs: seed, bootstrap size, priors, interval level and the candidate families."""

from __future__ import annotations

from dataclasses import dataclass

from simulation.fitting.censored import FAMILIES


@dataclass(frozen=True)
class FitSettings:
    """Choices of a fit, with defaults for the command line.

    `prior`: combine the config's values (where they have a range) with the data; `replicates`:
    parametric-bootstrap samples of each goodness-of-fit test (0: no p-values, much faster);
    `alone`: uncensored records from which a per-event distribution is fitted to the data
    alone; below it the config's distribution enters as `pseudo` pseudo-observations;
    `calibration_runs`: replications at each factor tried when the provider's performance
    factor is calibrated by the model on its SLA reports (0: not calibrated).
    """

    seed: int = 20261126
    replicates: int = 99
    prior: bool = True
    level: float = 0.95
    families: tuple[str, ...] = tuple(FAMILIES)
    alone: int = 30
    pseudo: int = 10
    calibration_runs: int = 8
