"""Security incidents: a compound frequency–magnitude process with downtime of affected services.

Events arrive at a rate per year that depends on who runs security operations: internally it
rises as the team's security knowledge falls; with a provider it is the provider's rate. Arrival
times use a time change of unit-exponential draws, so scenarios with different rates see coupled
events. Each event draws its own loss (typically a lognormal from a 90% interval) and may take
services down.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR


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
