"""Outages: a whole service down from a failure until the delivering team has repaired it.

Times to failure come from a unit-mean stream (exponential or Weibull) scaled by the MTBF, so every
scenario sees the same failure pattern. A failure becomes a top-priority repair job for the team
that delivers the service — in house or at a provider, the same mechanism: it waits for someone
with the skill inside the team's service hours, and lower knowledge raises both the failure rate
and the repair time. An outage still under repair at the horizon is booked up to the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from simulation.model.delivery import DeliveryTeam
from simulation.model.inputs import ServiceInput

FAILURE, SECURITY = 0, 1  # causes of an outage


class OutageLog:
    """Outage intervals per service with their cause; an outage not yet repaired ends at +inf."""

    def __init__(self, n_services: int) -> None:
        self.starts: list[list[float]] = [[] for _ in range(n_services)]
        self.ends: list[list[float]] = [[] for _ in range(n_services)]
        self.causes: list[list[int]] = [[] for _ in range(n_services)]

    def add(self, service: int, start: float, end: float = math.inf, cause: int = FAILURE) -> int:
        """Record an outage; returns its index within the service (to close it later)."""
        self.starts[service].append(start)
        self.ends[service].append(end)
        self.causes[service].append(cause)
        return len(self.starts[service]) - 1

    def close(self, service: int, index: int, end: float) -> None:
        self.ends[service][index] = end

    def intervals(self, service: int, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Starts, ends (cut at the horizon) and causes of a service's outages."""
        starts = np.asarray(self.starts[service], dtype=float)
        ends = np.minimum(np.asarray(self.ends[service], dtype=float), horizon)
        return starts, ends, np.asarray(self.causes[service], dtype=int)


def failures_and_repairs(
    env: simpy.Environment,
    service: ServiceInput,
    team: DeliveryTeam,
    next_unit_ttf: Callable[[], float],
    next_repair_hours: Callable[[], float],
    horizon: float,
    log: OutageLog,
) -> Generator[Any, Any, None]:
    """Failures of one service; each waits for the delivering team's repair."""
    outages = service.outages
    if outages is None or not math.isfinite(outages.mtbf_hours):
        return
    sensitivity = service.outage_rate_sensitivity
    while True:
        k = team.knowledge(service.index, env.now)
        ttf = next_unit_ttf() * outages.mtbf_hours / (1.0 + sensitivity * (1.0 - k))
        if env.now + ttf >= horizon:
            return
        yield env.timeout(ttf)
        index = log.add(service.index, env.now)
        end = yield team.submit_outage(service.index, service.skill, next_repair_hours())
        log.close(service.index, index, end)
