"""Incident arrivals per service: when each ticket comes, how severe it is, how much work it is.

Tickets arrive as a Poisson process proportional to users. Optionally a given share of them falls
into business hours (a piecewise-constant intensity, same expected total). Severity and base
effort are drawn per ticket by inverse transform, so every scenario sees the same tickets,
whoever delivers the service.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model.calendar import HOURS_PER_WEEK, Calendar
from simulation.model.inputs import ServiceInput


@dataclass
class Tickets:
    """The incidents of one service over the horizon, sorted by arrival."""

    time: np.ndarray  # arrival, hours
    severity: np.ndarray  # 0..3 for P1..P4
    effort: np.ndarray  # base effort in hours at full knowledge and productivity


def arrival_times(
    rate_per_hour: float,
    horizon: float,
    business_share: float | None,
    calendar: Calendar,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sorted arrival times of a Poisson process on [0, horizon).

    With `business_share` None the intensity is constant; otherwise a share `business_share` of
    arrivals falls into the calendar's open hours, the rest uniformly into closed hours.
    """
    expected = rate_per_hour * horizon
    n = rng.poisson(expected) if expected > 0 else 0
    u = np.sort(rng.random(n))
    if business_share is None or calendar.is_always_open:
        return u * horizon
    p_open = calendar.open_hours_per_week / HOURS_PER_WEEK
    w_open = business_share / p_open
    w_closed = (1.0 - business_share) / (1.0 - p_open)
    grid = np.arange(0.0, np.ceil(horizon) + 1.0)
    open_cum = calendar.cumulative_open_v(grid)
    weighted = w_open * open_cum + w_closed * (grid - open_cum)
    total = float(np.interp(horizon, grid, weighted))
    return np.interp(u * total, weighted, grid)


def draw_tickets(
    service: ServiceInput,
    horizon: float,
    calendar: Calendar,
    rng_arrivals: np.random.Generator,
    rng_effort: np.random.Generator,
) -> Tickets:
    """All tickets of one service: arrival, severity and base effort (one block draw each)."""
    times = arrival_times(
        service.incidents_per_hour, horizon, service.business_hours_share, calendar, rng_arrivals
    )
    n = len(times)
    cum = np.cumsum([s.share for s in service.severities])
    cum[-1] = 1.0
    severity = np.searchsorted(cum, rng_arrivals.random(n), side="right").astype(np.int64)
    severity = np.minimum(severity, len(service.severities) - 1)
    u_effort = rng_effort.random(n)
    effort = np.empty(n)
    for i, sev in enumerate(service.severities):
        mask = severity == i
        if mask.any():
            effort[mask] = sev.effort.ppf(u_effort[mask])
    return Tickets(time=times, severity=severity, effort=effort)
