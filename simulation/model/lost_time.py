"""Users' lost time: what open tickets and outages cost the people who use IT.

Each open ticket or outage takes a share of the workforce's productivity: the users it affects
over all employees, times the productivity they lose. Several at once combine as independent
shares, 1 − ∏(1 − share), so that the company never loses more than all of its users' time
however many tickets are open (a single outage that stops everyone counts in full). After the
severity's workaround time a ticket's loss drops to a residual share. Lost time counts only in
business hours, at the share of them users are paid to work and present (weekly hours, vacation
and sickness), and is booked in the months in which it happens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model.calendar import HOURS_PER_MONTH, Calendar
from simulation.model.inputs import SeverityInput

_FULL = 1.0 - 1e-12  # a share of 1 would be an infinite log weight


@dataclass(frozen=True)
class LossIntervals:
    """Intervals during which a share of the workforce's productivity is lost."""

    starts: np.ndarray
    ends: np.ndarray
    shares: np.ndarray  # in [0, 1]

    @staticmethod
    def concat(parts: list[LossIntervals]) -> LossIntervals:
        if not parts:
            return LossIntervals(np.empty(0), np.empty(0), np.empty(0))
        return LossIntervals(
            np.concatenate([p.starts for p in parts]),
            np.concatenate([p.ends for p in parts]),
            np.concatenate([p.shares for p in parts]),
        )


def ticket_losses(
    severities: tuple[SeverityInput, ...],
    arrival: np.ndarray,
    severity: np.ndarray,
    resolved: np.ndarray,
    employees: int,
    calendar: Calendar,
) -> LossIntervals:
    """Loss intervals of tickets: the full loss until the workaround, the residual after it."""
    users = np.array([min(s.users_affected / employees, 1.0) for s in severities])
    loss = np.array([s.productivity_loss for s in severities])
    residual = np.array([s.residual_loss_share for s in severities])
    delay = np.array([s.workaround_hours for s in severities])[severity]
    finite = np.isfinite(delay)
    workaround = np.full(len(arrival), np.inf)
    if finite.any():
        workaround[finite] = calendar.add_open_hours_v(arrival[finite], delay[finite])
    helped = np.minimum(resolved, workaround)
    share = users[severity] * loss[severity]
    return LossIntervals(
        np.concatenate([arrival, helped]),
        np.concatenate([helped, resolved]),
        np.concatenate([share, share * residual[severity]]),
    )


def lost_hours_by_month(
    losses: LossIntervals, employees: int, calendar: Calendar, n_months: int
) -> np.ndarray:
    """Business hours of users lost per month, all loss intervals combined.

    Between consecutive start and end points the combined share is constant: with weights
    w = −ln(1 − share), it is 1 − exp(−Σ w). Month boundaries are added as points, so every
    stretch lies in one month; its open business hours times the combined share times the
    employees is what that month loses. The result never exceeds employees × open hours.
    """
    horizon = n_months * HOURS_PER_MONTH
    keep = (losses.ends > losses.starts) & (losses.shares > 0)
    starts = np.clip(losses.starts[keep], 0.0, horizon)
    ends = np.clip(losses.ends[keep], 0.0, horizon)
    weight = -np.log1p(-np.minimum(losses.shares[keep], _FULL))
    edges = np.arange(n_months + 1) * HOURS_PER_MONTH
    points = np.concatenate([starts, ends, edges])
    deltas = np.concatenate([weight, -weight, np.zeros(len(edges))])
    order = np.argsort(points, kind="stable")
    points = points[order]
    combined = np.maximum(np.cumsum(deltas[order])[:-1], 0.0)
    open_hours = np.diff(calendar.cumulative_open_v(points))
    month = np.minimum((points[:-1] // HOURS_PER_MONTH).astype(np.int64), n_months - 1)
    lost = employees * -np.expm1(-combined) * open_hours
    return np.bincount(month, weights=lost, minlength=n_months)[:n_months]
