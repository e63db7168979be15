"""Closed forms the validation suite compares the model with: queues, availability, counts, NPV."""

from __future__ import annotations

import math

import numpy as np


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C)."""
    a = arrival_rate / service_rate
    rho = a / servers
    if not 0.0 < rho < 1.0:
        raise ValueError(f"load (={rho}) must be in (0, 1) for a stable M/M/{servers} queue")
    top = a**servers / math.factorial(servers) / (1.0 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an FCFS M/M/c queue: C(c, a) / (c mu - lambda), in time units."""
    return erlang_c(arrival_rate, service_rate, servers) / (servers * service_rate - arrival_rate)


def cobham_waits(arrival_rates: list[float], service_rate: float, servers: int) -> list[float]:
    """Mean waits of the classes of a non-preemptive priority M/M/c queue (Cobham's formula).

    Classes in priority order, all with the same service rate:
    W_k = C(c, a) / (c mu) / ((1 - s_{k-1}) (1 - s_k)), with s_k = sum_{i<=k} lambda_i / (c mu).
    """
    total = sum(arrival_rates)
    w0 = erlang_c(total, service_rate, servers) / (servers * service_rate)
    cumulative = np.cumsum([0.0, *arrival_rates]) / (servers * service_rate)
    return [
        float(w0 / ((1 - cumulative[k]) * (1 - cumulative[k + 1])))
        for k in range(len(arrival_rates))
    ]


def availability(mtbf_hours: float, mttr_hours: float) -> float:
    """Long-run share of time up of an alternating renewal process: MTBF / (MTBF + MTTR)."""
    return mtbf_hours / (mtbf_hours + mttr_hours)


def mm1_response_tail(arrival_rate: float, service_rate: float, target: float) -> float:
    """P(wait > target) in an FCFS M/M/1 queue: rho exp(-(mu - lambda) target)."""
    rho = arrival_rate / service_rate
    return rho * math.exp(-(service_rate - arrival_rate) * target)


def mm1_resolution_tail(arrival_rate: float, service_rate: float, target: float) -> float:
    """P(sojourn > target) in an FCFS M/M/1 queue: exp(-(mu - lambda) target)."""
    return math.exp(-(service_rate - arrival_rate) * target)


def compound_poisson_moments(rate: float, loss_mean: float, loss_variance: float) -> tuple:
    """Mean and variance of S = X_1 + ... + X_N, N ~ Poisson(rate), X iid:
    E[S] = rate E[X], Var[S] = rate E[X^2]."""
    return rate * loss_mean, rate * (loss_variance + loss_mean**2)


def rate_from_annual_probability(probability: float) -> float:
    """Rate per year of a Poisson process with P(at least one event in a year) = probability."""
    return -math.log1p(-probability)


def annuity_npv(amount: float, months: int, annual_rate: float) -> float:
    """Present value of `amount` paid at the end of each of `months` months:
    a v (1 - v^n) / (1 - v), with monthly discount factor v = (1 + r)^(-1/12)."""
    if annual_rate == 0:
        return amount * months
    v = (1.0 + annual_rate) ** (-1.0 / 12.0)
    return amount * v * (1.0 - v**months) / (1.0 - v)


def credit_share(
    availability_share: float, tiers: tuple[tuple[float, float], ...], cap: float
) -> float:
    """Share of the fee credited for a month's availability: the deepest tier whose threshold the
    availability falls below, capped."""
    share = 0.0
    for below, tier_share in tiers:
        if availability_share < below:
            share = max(share, tier_share)
    return min(share, cap)
