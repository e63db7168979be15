"""Which service each month's cost belongs to, so that a gap between options can be explained.

Costs that belong to one service (its contract's fees and credits, its hardware, licences and
running costs, its lost margin) are attributed directly. Shared costs are allocated by what
caused them: an in-house team's pay, hiring, training and on-call allowances by the hours it
worked on each service (time spent steering providers counts for the contracts, in proportion
to their vendor-management hours); users' lost time by each service's own share of it; a
provider failure by the fees of that provider's contracts; security losses to security
operations. Every month's attributed costs add up to that month's total cost.
"""

from __future__ import annotations

import numpy as np

from simulation.model.calendar import hours_by_month
from simulation.model.delivery import DeliveryTeam
from simulation.model.inputs import ModelInput


def allocate(amounts: np.ndarray, weights: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Split each month's amount over services in proportion to that month's weights.

    `amounts` (months,), `weights` (services, months) >= 0. A month without weight uses the
    weights summed over the horizon, and if those are all zero the `fallback` (services,).
    Returns (services, months); each column sums to the month's amount.
    """
    weights = np.asarray(weights, dtype=float)
    total = weights.sum(axis=1)
    if total.sum() <= 0:
        total = np.asarray(fallback, dtype=float)
    if total.sum() <= 0:
        total = np.ones(weights.shape[0])
    per_month = weights.sum(axis=0)
    shares = np.where(per_month > 0, weights / np.where(per_month > 0, per_month, 1.0), 0.0)
    shares[:, per_month <= 0] = (total / total.sum())[:, None]
    return shares * amounts


def contract_weights(inputs: ModelInput, value) -> np.ndarray:
    """(services,) weights over contracted services, e.g. by vendor-management hours."""
    return np.array([value(s.contract) if s.contract is not None else 0.0 for s in inputs.services])


def team_weights(inputs: ModelInput, team: DeliveryTeam) -> np.ndarray:
    """(services, months): hours a team worked on each service; task time (steering providers)
    spread over the contracts by their vendor-management hours."""
    n = inputs.n_months
    services = len(inputs.services)
    starts = np.asarray(team.busy_starts, dtype=float)
    ends = np.asarray(team.busy_ends, dtype=float)
    of = np.asarray(team.busy_service, dtype=int)
    weights = np.zeros((services, n))
    for j in range(services):
        mask = of == j
        if mask.any():
            weights[j] = hours_by_month(starts[mask], ends[mask], n)
    tasks = of < 0
    if tasks.any():
        vm = contract_weights(inputs, lambda c: c.vendor_management_hours_per_month)
        if vm.sum() > 0:
            weights += np.outer(vm / vm.sum(), hours_by_month(starts[tasks], ends[tasks], n))
    return weights


def delivered_by(inputs: ModelInput, team_index: int) -> np.ndarray:
    """(services,) 1 for the services a team delivers (fallback weights for its costs)."""
    return np.array([1.0 if s.team == team_index else 0.0 for s in inputs.services])
