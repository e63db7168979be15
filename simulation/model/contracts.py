"""Providers' commercial terms: fees, volume bands, minimum terms, SLAs, credits and failures.

What a provider delivers and how fast is simulated by the delivery model like any team; this
module prices it and holds the contract to its terms. Fees are per user and fixed per month,
priced for the contract's service hours, per ticket, and per ticket beyond a monthly volume band,
escalated each year and raised by a premium after each provider failure. SLA response and
resolution times are measured from the simulated tickets in the contract's service hours;
monthly availability in service hours below the target is a breach, and below each credit tier
earns a service credit (a share of that month's fee, capped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR, open_hours_by_month
from simulation.model.inputs import ContractInput, ProviderInput


@dataclass(frozen=True)
class ProviderHistory:
    """When a provider failed, and what follows: degraded service and a costlier new contract."""

    failure_times: np.ndarray
    premium: float

    def price_multiplier(self, t: np.ndarray) -> np.ndarray:
        """(1 + premium) for every failure (and re-sourcing) before t."""
        n = np.searchsorted(self.failure_times, np.asarray(t, dtype=float), side="right")
        return (1.0 + self.premium) ** n


def failure_times(provider: ProviderInput, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """Provider failures as a Poisson process with the rate implied by the annual probability."""
    rate = provider.failure_rate_per_hour
    if rate <= 0:
        return np.empty(0)
    blocks = []
    last = 0.0
    while last < horizon:
        block = last + np.cumsum(-np.log1p(-rng.random(16)) / rate)
        blocks.append(block)
        last = float(block[-1])
    times = np.concatenate(blocks)
    return times[times < horizon]


def provider_history(
    provider: ProviderInput, horizon: float, rng: np.random.Generator
) -> ProviderHistory:
    return ProviderHistory(failure_times(provider, horizon, rng), provider.new_contract_premium)


def price_index(provider: ProviderInput, history: ProviderHistory, times: np.ndarray) -> np.ndarray:
    """Multiplier of the year-0 price at clock times: escalation per year and failure premiums."""
    times = np.asarray(times, dtype=float)
    escalation = (1.0 + provider.price_escalation_per_year) ** (times // HOURS_PER_YEAR)
    return escalation * history.price_multiplier(times)


def monthly_fees(
    contract: ContractInput, provider: ProviderInput, history: ProviderHistory, n_months: int
) -> np.ndarray:
    """Per-user and fixed fees by month, escalated, with failure premiums."""
    index = price_index(provider, history, np.arange(n_months) * HOURS_PER_MONTH)
    return contract.base_fee_eur_per_month * index


def ticket_fees(
    contract: ContractInput,
    provider: ProviderInput,
    history: ProviderHistory,
    arrivals: np.ndarray,
    n_months: int,
) -> np.ndarray:
    """Per-ticket fees and fees for tickets beyond the monthly volume band, by month."""
    months = np.minimum((arrivals // HOURS_PER_MONTH).astype(np.int64), n_months - 1)
    count = np.bincount(months, minlength=n_months)[:n_months].astype(float)
    overage = np.maximum(count - contract.included_tickets_per_month, 0.0)
    per_month = contract.fee_per_ticket_eur * count + contract.overage_fee_per_ticket_eur * overage
    return per_month * price_index(provider, history, np.arange(n_months) * HOURS_PER_MONTH)


def committed_months(contract: ContractInput, history: ProviderHistory, horizon: float) -> float:
    """Months of fees owed beyond the horizon under a minimum term that renews at each end.

    A term starts with the contract and again with the replacement contract after each provider
    failure; at the horizon the rest of the running term is still owed.
    """
    term = contract.minimum_term_months * HOURS_PER_MONTH
    if term <= 0:
        return 0.0
    start = float(history.failure_times[-1]) if len(history.failure_times) else 0.0
    end = start + math.ceil((horizon - start) / term) * term
    return (end - horizon) / HOURS_PER_MONTH


@dataclass(frozen=True)
class SlaOutcome:
    response_breach: np.ndarray  # per ticket
    resolution_breach: np.ndarray


def sla_outcome(
    contract: ContractInput,
    arrival: np.ndarray,
    severity: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    horizon: float,
) -> SlaOutcome:
    """Tickets whose response (first work) or resolution came later than the target, measured
    in the contract's service hours. A ticket still waiting at the horizon counts as a breach
    once its elapsed service hours exceed the target."""
    cal = contract.calendar
    started = np.where(np.isnan(start), horizon, start)
    resolved = np.where(np.isnan(end), horizon, end)
    response = cal.open_hours_between_v(arrival, started)
    resolution = cal.open_hours_between_v(arrival, resolved)
    return SlaOutcome(
        response_breach=response > contract.response_targets[severity],
        resolution_breach=resolution > contract.resolution_targets[severity],
    )


def availability_by_month(
    contract: ContractInput, starts: np.ndarray, ends: np.ndarray, n_months: int
) -> np.ndarray:
    """Monthly availability in the contract's service hours (merged outage intervals given)."""
    cal = contract.calendar
    down = open_hours_by_month(cal, starts, ends, n_months)
    edges = np.arange(n_months + 1) * HOURS_PER_MONTH
    service_hours = np.diff(cal.cumulative_open_v(edges))
    return 1.0 - down / np.maximum(service_hours, 1e-9)


def service_credits(
    credit_tiers: tuple[tuple[float, float], ...],
    credit_cap_share: float,
    availability: np.ndarray,
    fees: np.ndarray,
) -> np.ndarray:
    """Credit per month: the largest tier share whose threshold availability was missed, capped.

    Tiers are (below, credit_share) pairs: below that availability, that share of the month's fee;
    the credit is min(share, credit_cap_share) × fee. A month at or above every threshold earns
    nothing.
    """
    share = np.zeros_like(availability, dtype=float)
    for below, credit_share in credit_tiers:
        share = np.where(availability < below, np.maximum(share, credit_share), share)
    return np.minimum(share, credit_cap_share) * fees
