"""External providers: ticket handling against SLA targets, fees, service credits, failures.

A provider is not a queue: it scales, so each ticket's response and resolution times are drawn
from the contract's distributions (in contract service hours), scaled by the provider's
performance factor and, after a provider failure, by a degradation factor. Times beyond the SLA
targets are breaches. Monthly availability below the target is a breach too, and below each
credit tier earns a service credit (a share of that month's fee, capped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.config.schema import SEVERITIES, SLA, Contract, ContractCoverage, Provider
from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR, Calendar
from simulation.model.incidents import Tickets


@dataclass
class ProviderHistory:
    """When a provider failed, and what follows: degraded service and a costlier new contract."""

    failure_times: np.ndarray
    degraded_hours: float
    degradation_factor: float
    premium: float

    def degradation(self, t: np.ndarray) -> np.ndarray:
        """Time multiplier at times t: the degradation factor inside a degraded period, else 1."""
        t = np.asarray(t, dtype=float)
        if len(self.failure_times) == 0:
            return np.ones_like(t)
        i = np.searchsorted(self.failure_times, t, side="right") - 1
        inside = (i >= 0) & (t < self.failure_times[np.maximum(i, 0)] + self.degraded_hours)
        return np.where(inside, self.degradation_factor, 1.0)

    def price_multiplier(self, t: np.ndarray) -> np.ndarray:
        """(1 + premium) for every failure (and re-sourcing) before t."""
        n = np.searchsorted(self.failure_times, np.asarray(t, dtype=float), side="right")
        return (1.0 + self.premium) ** n


def failure_times(provider: Provider, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """Provider failures as a Poisson process with the rate implied by the annual probability."""
    p = float(provider.failure.annual_probability)
    if p <= 0:
        return np.empty(0)
    rate_per_hour = (-math.log1p(-p) if p < 1 else 50.0) / HOURS_PER_YEAR
    blocks = []
    last = 0.0
    while last < horizon:
        block = last + np.cumsum(-np.log1p(-rng.random(16)) / rate_per_hour)
        blocks.append(block)
        last = float(block[-1])
    times = np.concatenate(blocks)
    return times[times < horizon]


def provider_history(
    provider: Provider, horizon: float, rng: np.random.Generator
) -> ProviderHistory:
    failure = provider.failure
    return ProviderHistory(
        failure_times=failure_times(provider, horizon, rng),
        degraded_hours=float(failure.degraded_months) * HOURS_PER_MONTH,
        degradation_factor=float(failure.degradation_factor),
        premium=float(failure.new_contract_premium),
    )


def contract_calendar(provider: Provider, business: Calendar) -> Calendar:
    return Calendar.always() if provider.coverage == ContractCoverage.ALWAYS else business


@dataclass
class ProviderTickets:
    resolved_at: np.ndarray
    response_breach: np.ndarray
    resolution_breach: np.ndarray
    resolution_hours: np.ndarray  # clock hours from arrival to resolution


def handle_tickets(
    contract: Contract,
    provider: Provider,
    history: ProviderHistory,
    tickets: Tickets,
    calendar: Calendar,
) -> ProviderTickets:
    """Response and resolution of each ticket by the provider, and whether the SLA held."""
    n = len(tickets.time)
    response = np.empty(n)
    resolution = np.empty(n)
    for i, sev in enumerate(SEVERITIES):
        mask = tickets.severity == i
        if mask.any():
            response[mask] = contract.response_hours[sev].ppf(tickets.u_response[mask])
            resolution[mask] = contract.resolution_hours[sev].ppf(tickets.u_resolution[mask])
    scale = float(provider.performance_factor) * history.degradation(tickets.time)
    response *= scale
    resolution = np.maximum(resolution * scale, response)
    sla = contract.sla
    target_response = np.array([sla.response_hours[s] for s in SEVERITIES])[tickets.severity]
    target_resolution = np.array([sla.resolution_hours[s] for s in SEVERITIES])[tickets.severity]
    resolved_at = calendar.add_open_hours_v(tickets.time, resolution)
    return ProviderTickets(
        resolved_at=resolved_at,
        response_breach=response > target_response,
        resolution_breach=resolution > target_resolution,
        resolution_hours=resolved_at - tickets.time,
    )


def monthly_fees(
    contract: Contract,
    provider: Provider,
    history: ProviderHistory,
    users: int,
    n_months: int,
) -> np.ndarray:
    """Base fees per month: per user and fixed, with annual escalation and failure premiums."""
    base = float(contract.fee_per_user_per_month_eur) * users + float(
        contract.fixed_fee_per_month_eur
    )
    months = np.arange(n_months)
    escalation = (1.0 + float(provider.price_escalation_per_year)) ** (months // 12)
    premium = history.price_multiplier(months * HOURS_PER_MONTH)
    return base * escalation * premium


def service_credits(sla: SLA, availability: np.ndarray, fees: np.ndarray) -> np.ndarray:
    """Credit per month: the largest tier share whose threshold availability was missed, capped.

    Tiers are `below` thresholds with a `credit_share` of that month's fee; the credit is
    min(share, credit_cap_share) × fee. A month at or above every threshold earns nothing.
    """
    share = np.zeros_like(availability, dtype=float)
    for tier in sla.credit_tiers:
        share = np.where(availability < tier.below, np.maximum(share, tier.credit_share), share)
    return np.minimum(share, sla.credit_cap_share) * fees
