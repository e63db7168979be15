"""Outages: a whole service down from a failure until its repair.

Times to failure come from a unit-mean stream (exponential or Weibull) scaled by the MTBF, so every
scenario sees the same failure pattern. Run internally, a failure becomes a top-priority repair job
for the team: it waits for someone with the skill inside coverage, and lower knowledge raises both
the failure rate and the repair time. Run by a provider, repair follows the contract's coverage
and the provider's performance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from simulation.config.schema import FailureDistribution, Outages
from simulation.model.calendar import Calendar


def unit_time_to_failure(outages: Outages) -> Callable[[np.ndarray], np.ndarray]:
    """Map uniforms to times to failure with mean 1 (to be scaled by the MTBF)."""
    if outages.time_to_failure == FailureDistribution.EXPONENTIAL:
        return lambda u: -np.log1p(-u)
    shape = float(outages.weibull_shape)
    scale = 1.0 / math.gamma(1.0 + 1.0 / shape)
    return lambda u: scale * (-np.log1p(-u)) ** (1.0 / shape)


class OutageLog:
    """Outage intervals per service, with their cause (0 failure, 1 security incident)."""

    def __init__(self, n_services: int) -> None:
        self.starts: list[list[float]] = [[] for _ in range(n_services)]
        self.ends: list[list[float]] = [[] for _ in range(n_services)]
        self.causes: list[list[int]] = [[] for _ in range(n_services)]

    def add(self, service: int, start: float, end: float, cause: int = 0) -> None:
        self.starts[service].append(start)
        self.ends[service].append(end)
        self.causes[service].append(cause)


def internal_outages(
    env: simpy.Environment,
    service: int,
    skill: int,
    mtbf_hours: float,
    rate_sensitivity: float,
    team_knowledge: Callable[[int, float], float],
    submit_repair: Callable[[int, int, float], simpy.Event],
    next_unit_ttf: Callable[[], float],
    next_repair_hours: Callable[[], float],
    horizon: float,
    log: OutageLog,
) -> Generator[Any, Any, None]:
    """Failures of an internally run service; each waits for the team's repair."""
    while True:
        k = team_knowledge(service, env.now)
        ttf = next_unit_ttf() * mtbf_hours / (1.0 + rate_sensitivity * (1.0 - k))
        if env.now + ttf >= horizon:
            return
        yield env.timeout(ttf)
        start = env.now
        end = yield submit_repair(service, skill, next_repair_hours())
        log.add(service, start, end)


def provider_outages(
    service: int,
    mtbf_hours: float,
    next_unit_ttf: Callable[[], float],
    next_repair_hours: Callable[[], float],
    time_factor: Callable[[float], float],
    calendar: Calendar,
    horizon: float,
    log: OutageLog,
) -> None:
    """Failures of a provider-run service: repair works through the contract's service hours."""
    if not math.isfinite(mtbf_hours):
        return
    t = 0.0
    while True:
        t += next_unit_ttf() * mtbf_hours
        if t >= horizon:
            return
        repair = next_repair_hours() * time_factor(t)
        end = calendar.add_open_hours(t, repair) if repair > 0 else t
        log.add(service, t, end)
        t = end
