"""Security incidents: a compound frequency–magnitude process with downtime of affected services.

Events arrive at a rate per year that depends on who runs security operations — the in-house team
or a provider, each with its own base rate — and rises alike on both sides as that team's knowledge
of the client's systems falls. Arrival times use a time change of unit-exponential draws, so
scenarios with different rates see coupled events. Each event draws its own loss (typically a
lognormal from a 90% interval) and may take services down.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR
from simulation.model.delivery import DeliveryTeam
from simulation.model.inputs import SecurityInput
from simulation.model.outages import SECURITY, OutageLog
from simulation.model.workforce import BlockDraws


def security_incidents(
    env: simpy.Environment,
    rate_per_year: Callable[[float], float],
    next_unit_exponential: Callable[[], float],
    on_event: Callable[[float], None],
    n_months: int,
) -> Generator[Any, Any, None]:
    """Event times of a Poisson process whose rate is re-evaluated at each month start."""
    needed = next_unit_exponential()  # integrated intensity until the next event
    for month in range(n_months):
        month_end = (month + 1) * HOURS_PER_MONTH
        rate = rate_per_year(env.now) / HOURS_PER_YEAR
        while rate > 0 and env.now + needed / rate < month_end:
            yield env.timeout(needed / rate)
            on_event(env.now)
            needed = next_unit_exponential()
        if rate > 0:
            needed -= rate * (month_end - env.now)
        yield env.timeout(month_end - env.now)


@dataclass
class SecurityRecord:
    """When incidents happened and what each cost."""

    times: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


def run_security(
    env: simpy.Environment,
    security: SecurityInput,
    team: DeliveryTeam,
    generator: Callable[..., np.random.Generator],
    log: OutageLog,
    n_months: int,
) -> SecurityRecord:
    """Start the security-incident process of a replication; returns its (filling) record."""
    base = security.incidents_per_year
    effect = security.knowledge_effect
    service = security.service

    def rate(t: float) -> float:
        return base * (1.0 + effect * (1.0 - team.knowledge(service, t)))

    gaps = BlockDraws(generator("security", "events"), lambda u: -np.log1p(-u))
    losses = BlockDraws(generator("security", "loss"), security.loss_eur.ppf)
    durations = BlockDraws(generator("security", "downtime"), security.downtime_hours.ppf)
    impact = BlockDraws(generator("security", "impact"), lambda u: u)
    record = SecurityRecord()

    def on_event(t: float) -> None:
        record.times.append(t)
        record.losses.append(losses.next())
        duration = durations.next()
        for j, p in security.affected:
            if impact.next() < p and duration > 0:
                log.add(j, t, t + duration, cause=SECURITY)

    env.process(security_incidents(env, rate, gaps.next, on_event, n_months))
    return record
