"""The model against closed forms: queues, availability, Poisson counts, turnover, credits, NPV.

Each tolerance is justified by the sample size; where the estimator's standard error is computed
from the replications, the test also asserts that the SE is small against the tolerance, so the
test can fail when the model is wrong rather than pass on noise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import (
    base_tree,
    cost,
    counter,
    quiet_severities,
    run,
    sla_block,
    spec_of,
    with_provider,
)
from scipy import stats

from simulation.config.distributions import LogNormal
from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR, Calendar
from simulation.model.contracts import service_credits
from simulation.model.ledger import CAT, CNT, discount_factors, net_present_value


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C)."""
    a = arrival_rate / service_rate
    rho = a / servers
    top = a**servers / math.factorial(servers) / (1.0 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)


def mmc_tree(
    servers: int, users: int, effort, severities=None, years: int = 10, sourcing="internal"
):
    """One service as an M/M/c queue: 24/7, fixed staff, no turnover, no decay; delivered by
    the in-house team or by a provider's team of as many agents (the same mechanism)."""
    tree = base_tree(
        simulation={"horizon_years": years},
        services={
            "desk": {
                "users": users,
                "incidents_per_user_per_month": 1.0,
                "severities": severities or quiet_severities(effort=effort),
            }
        },
        scenarios={"internal": {"team": {"roles": {"agent": servers}}}},
    )
    return tree if sourcing == "internal" else with_provider(tree)


SOURCING = pytest.mark.parametrize("sourcing", ["internal", "provider"])


@SOURCING
def test_mmc_mean_wait_matches_erlang_c(sourcing):
    # lambda = 1460 users * 1 ticket/user/month / 730 h = 2 per hour, mu = 1 per hour, c = 3:
    # rho = 2/3, Wq = C(3, 2) / (c mu - lambda) = 4/9 hours.
    lam, mu, c = 2.0, 1.0, 3
    expected = erlang_c(lam, mu, c) / (c * mu - lam)
    assert expected == pytest.approx(4 / 9)
    tree = mmc_tree(c, 1460, {"dist": "exponential", "mean": 1.0 / mu}, sourcing=sourcing)
    means = []
    for r in range(4):
        tickets = run(tree, replication=r, detail=True).tickets
        waits = tickets["start"] - tickets["time"]
        means.append(np.nanmean(waits))  # the few tickets still queued at the horizon: no start
    mean = float(np.mean(means))
    se = float(np.std(means, ddof=1) / np.sqrt(len(means)))
    # ~175k tickets per 10-year replication; the replication means give the SE directly.
    assert se < 0.015 * expected, "too few tickets for a 5% check"
    assert mean == pytest.approx(expected, rel=0.05)


def test_mmc_utilisation_and_arrivals_are_poisson():
    lam, c = 2.0, 3
    tree = mmc_tree(c, 1460, {"dist": "exponential", "mean": 1.0}, years=2)
    counts = [counter(run(tree, replication=r), "incidents_p4") for r in range(30)]
    expected = lam * 2 * HOURS_PER_YEAR
    # Poisson: mean = variance = 35,040; 30 replications give the mean within 0.1% (1 sigma).
    assert np.mean(counts) == pytest.approx(expected, rel=5 * math.sqrt(expected / 30) / expected)
    dispersion = np.var(counts, ddof=1) / np.mean(counts)
    # (n-1) s^2 / mu ~ chi2(n-1) for Poisson counts: two-sided 99.9% band
    lo, hi = stats.chi2.ppf([0.0005, 0.9995], 29) / 29
    assert lo < dispersion < hi


@SOURCING
def test_priority_classes_match_cobham_formula(sourcing):
    # Non-preemptive priority M/M/c with equal service rates (Cobham):
    # Wq_k = C(c, a) / (c mu) / ((1 - s_{k-1}) (1 - s_k)), s_k = sum_{i<=k} lambda_i / (c mu).
    lam, mu, c = 2.0, 1.0, 3
    shares = {"P1": 0.2, "P2": 0.0, "P3": 0.0, "P4": 0.8}
    severities = {
        p: {
            "share": s,
            "effort_hours": {"dist": "exponential", "mean": 1.0},
            "users_affected": 1,
            "productivity_loss": 0.0,
        }
        for p, s in shares.items()
    }
    tree = mmc_tree(c, 1460, None, severities=severities, sourcing=sourcing)
    w0 = erlang_c(lam, mu, c) / (c * mu)
    s1 = shares["P1"] * lam / (c * mu)
    s4 = lam / (c * mu)
    expected = {0: w0 / (1.0 * (1 - s1)), 3: w0 / ((1 - s1) * (1 - s4))}
    waits: dict[int, list[float]] = {0: [], 3: []}
    for r in range(4):
        tickets = run(tree, replication=r, detail=True).tickets
        wait = tickets["start"] - tickets["time"]
        for sev in waits:
            waits[sev].append(float(np.nanmean(wait[tickets["severity"] == sev])))
    for sev, values in waits.items():
        assert np.mean(values) == pytest.approx(expected[sev], rel=0.06), f"P{sev + 1}"
    assert expected[0] < 0.5 * expected[3]  # the check distinguishes the classes


@pytest.mark.parametrize("sourcing", ["internal", "provider"])
def test_availability_matches_mtbf_over_mtbf_plus_mttr(sourcing):
    mtbf, mttr = 60.0, 40.0
    repair = LogNormal.from_mean_sd(mttr, 30.0).to_spec()
    outages = {"mtbf_hours": mtbf, "repair_hours": repair, "productivity_loss": 1.0}
    tree = base_tree(
        simulation={"horizon_years": 10},
        services={"desk": {"outages": outages}},
        scenarios={"internal": {"team": {"roles": {"agent": 2}}}},
    )
    if sourcing == "provider":
        tree = with_provider(tree)
    horizon = 10 * HOURS_PER_YEAR
    unavailability = [float(run(tree, replication=r).downtime.sum()) / horizon for r in range(6)]
    expected = mtbf / (mtbf + mttr)
    # ~880 failure/repair cycles per replication; SE of the mean availability ~0.3%.
    availability = 1.0 - float(np.mean(unavailability))
    se = float(np.std(unavailability, ddof=1) / np.sqrt(len(unavailability)))
    assert se < 0.006
    assert availability == pytest.approx(expected, rel=0.02)


def test_departures_match_headcount_times_rate_times_years():
    headcount, rate, years = 10, 0.2, 5
    tree = base_tree(
        staff={"turnover_rate_per_year": rate},
        scenarios={"internal": {"team": {"roles": {"agent": headcount}}}},
    )
    departures = [counter(run(tree, replication=r), "departures") for r in range(300)]
    expected = headcount * rate * years
    # 300 replications x 10 expected departures: Poisson SE of the mean 0.18 (1.8%); 5% = 2.7 SE.
    assert np.mean(departures) == pytest.approx(expected, rel=0.05)


def test_departures_per_filled_year_with_vacancies():
    # With vacancies a position is not at risk while empty: departures = rate x filled years.
    headcount, rate, years = 10, 0.3, 5
    tree = base_tree(
        staff={"turnover_rate_per_year": rate, "time_to_fill_months": 6.0},
        scenarios={"internal": {"team": {"roles": {"agent": headcount}}}},
    )
    departures, filled = [], []
    for r in range(300):
        result = run(tree, replication=r)
        departures.append(counter(result, "departures"))
        filled.append(headcount * years - counter(result, "vacancy_months") / 12.0)
    assert sum(departures) / sum(filled) == pytest.approx(rate, rel=0.05)


def test_service_credits_match_hand_computed_tiers():
    tiers = tuple((t["below"], t["credit_share"]) for t in sla_block()["credit_tiers"])
    availability = np.array([1.0, 0.9995, 0.999, 0.9989, 0.995, 0.99, 0.989, 0.96, 0.95, 0.94])
    fees = np.full(len(availability), 1000.0)
    # tiers: <99.9% -> 10%, <99.0% -> 25%, <95.0% -> 100%, capped at 50% of the fee
    expected = np.array([0, 0, 0, 100, 100, 100, 250, 250, 250, 500], dtype=float)
    np.testing.assert_array_equal(service_credits(tiers, 0.5, availability, fees), expected)


def test_service_credits_in_the_ledger_match_monthly_availability():
    # A provider-run service with frequent outages: the ledger's credits equal the tiers applied
    # to each month's availability computed from the outage intervals.
    outages = {"mtbf_hours": 300.0, "repair_hours": {"dist": "exponential", "mean": 3.0}}
    tree = base_tree(services={"desk": {"outages": outages}})
    tree = with_provider(tree, {"fixed_fee_per_month_eur": 10_000.0}, price_escalation_per_year=0.0)
    result = run(tree, detail=True)
    down = result.downtime[0]
    availability = 1.0 - down / HOURS_PER_MONTH
    share = np.select(
        [availability < 0.95, availability < 0.99, availability < 0.999], [1.0, 0.25, 0.10], 0.0
    )
    assert share.sum() > 0, "the scenario must earn some credits"
    assert cost(result, "service_credits") == pytest.approx(-(share * 10_000.0).sum(), abs=1e-6)
    assert counter(result, "sla_availability_breaches") == (availability < 0.999).sum()


def test_npv_closed_form():
    r, months, amount = 0.08, 60, 1000.0
    v = (1 + r) ** (-1 / 12)
    closed = amount * v * (1 - v**months) / (1 - v)
    assert net_present_value(np.full(months, amount), r) == pytest.approx(closed, rel=1e-12)
    assert discount_factors(12, r)[-1] == pytest.approx(1 / (1 + r), rel=1e-15)


def test_npv_of_a_replication_is_exact():
    # Only a fixed running cost: every month costs the same; NPV is the annuity closed form.
    from simulation.model.ledger import COST_CATEGORIES
    from simulation.montecarlo.runner import replication_frames

    tree = base_tree(
        simulation={"discount_rate": 0.05},
        services={"desk": {"internal_costs": {"running_eur_per_month": 2500.0}}},
    )
    from builders import spec_of

    spec = spec_of(tree)
    result = run(tree)
    row, _ = replication_frames(
        spec, 0, result.costs, result.downtime, result.counters, result.services, {}
    )
    v = 1.05 ** (-1 / 12)
    assert row["cost_total_eur"] == pytest.approx(2500.0 * 60, rel=1e-12)
    assert row["cost_npv_eur"] == pytest.approx(2500.0 * v * (1 - v**60) / (1 - v), rel=1e-12)
    assert len(COST_CATEGORIES) == result.costs.shape[0]


def test_security_incidents_are_a_compound_poisson_process():
    rate, years = 2.0, 5
    loss = {"dist": "lognormal", "p5": 1000.0, "p95": 100_000.0}
    tree = base_tree(
        security={
            "operations_service": "desk",
            "incidents_per_year_internal": rate,
            "knowledge_effect": 0.0,
            "loss_eur": loss,
        }
    )
    counts, losses = [], []
    for r in range(400):
        result = run(tree, replication=r)
        counts.append(counter(result, "security_incidents"))
        losses.append(cost(result, "security_losses"))
    n_expected = rate * years
    # Poisson count: mean 10, 400 replications -> SE 0.16 (1.6%)
    assert np.mean(counts) == pytest.approx(n_expected, rel=0.05)
    assert np.var(counts, ddof=1) / np.mean(counts) == pytest.approx(1.0, abs=0.25)
    # compound sum: E[S] = E[N] E[X]; the lognormal's CV is ~1.6, so SE of the mean ~5%:
    mean_loss = LogNormal.from_interval(1000.0, 100_000.0).mean
    expected = n_expected * mean_loss
    se = np.std(losses, ddof=1) / np.sqrt(len(losses))
    assert abs(np.mean(losses) - expected) < 4 * se
    assert se < 0.1 * expected


def test_provider_failures_follow_the_annual_probability():
    p, years = 0.3, 5
    tree = base_tree()
    tree = with_provider(tree, failure={"annual_probability": p})
    counts = [counter(run(tree, replication=r), "provider_failures") for r in range(400)]
    # a Poisson process with P(at least one failure in a year) = p has rate -ln(1 - p)
    expected = -math.log(1 - p) * years
    assert np.mean(counts) == pytest.approx(expected, rel=0.06)


def mm1_provider_tree(coverage: str, rate_open: float, mu: float, years: int = 20):
    """A provider's one-agent team as an M/M/1 queue in its service hours: tickets arrive only
    while the contract's hours are open (Poisson at `rate_open` per open hour), efforts are
    exponential, work pauses at closing and resumes at the next opening."""
    calendar = Calendar.always() if coverage == "24x7" else Calendar()
    per_clock_hour = rate_open * calendar.open_hours_per_week / 168
    tree = base_tree(
        simulation={"horizon_years": years},
        services={
            "desk": {
                "users": 1000,
                "incidents_per_user_per_month": per_clock_hour * HOURS_PER_MONTH / 1000,
                "business_hours_share": None if coverage == "24x7" else 1.0,
                "severities": quiet_severities(effort={"dist": "exponential", "mean": 1 / mu}),
            }
        },
    )
    return with_provider(tree, {"coverage": coverage, "team": {"agents": 1, "staffing": "seats"}})


@pytest.mark.parametrize("coverage", ["24x7", "business_hours"])
def test_sla_breaches_match_the_mm1_sojourn_tail_in_service_hours(coverage):
    # FCFS M/M/1 in service hours: sojourn T ~ Exp(mu - lambda), so P(T > r) = exp(-(mu-l) r);
    # wait W: P(W > s) = rho exp(-(mu - lambda) s). The SLA clock runs in the contract's hours,
    # so with business hours the same closed form holds in open hours (work pauses overnight).
    lam, mu = 0.5, 1.0
    response_target, resolution_target = 2.0, 4.0
    tree = mm1_provider_tree(coverage, lam, mu)
    targets = {"response_hours": dict.fromkeys(("P1", "P2", "P3", "P4"), response_target)}
    targets["resolution_hours"] = dict.fromkeys(("P1", "P2", "P3", "P4"), resolution_target)
    tree["providers"]["p"]["contracts"]["desk"]["sla"] |= targets
    response = resolution = tickets = 0.0
    for r in range(3):
        result = run(tree, replication=r)
        response += counter(result, "sla_response_breaches")
        resolution += counter(result, "sla_resolution_breaches")
        tickets += counter(result, "incidents_external")
    rho = lam / mu
    expected_response = rho * math.exp(-(mu - lam) * response_target)
    expected_resolution = math.exp(-(mu - lam) * resolution_target)
    # 3 replications of 20 years: ~78k tickets (business hours) to ~260k (24x7). Busy periods
    # correlate the tickets; the SE of the share across replications is about 1.5-2% of it
    # (measured over 6 replications), so a 10% band is more than 3.5 SE of the 3-run mean.
    assert tickets > 50_000
    assert response / tickets == pytest.approx(expected_response, rel=0.10)
    assert resolution / tickets == pytest.approx(expected_resolution, rel=0.10)


def test_absence_takes_the_expected_share_of_working_time():
    # 30 vacation days (blocks that never overlap) and 10 sick days of 260.7 working days a year,
    # sickness independent of vacation: absent share = 1 - (1 - v)(1 - s).
    tree = base_tree(
        staff={
            "vacation_days_per_year": 30.0,
            "sick_days_per_year": 10.0,
            "working_hours_per_week": 50.0,
        },
        scenarios={"internal": {"team": {"roles": {"agent": 5}, "coverage": "business_hours"}}},
    )
    available = [counter(run(tree, replication=r), "staff_hours_available") for r in range(40)]
    days = 5 * HOURS_PER_YEAR / 168
    v, s = 30 / days, 10 / days
    open_hours = 5 * Calendar().cumulative_open(5 * HOURS_PER_YEAR)  # five people, five years
    share_absent = 1 - np.mean(available) / open_hours
    # sickness varies (Poisson episodes, mean 3 days): ~4,000 episodes in all, SE ~1.5% of s
    assert share_absent == pytest.approx(1 - (1 - v) * (1 - s), rel=0.02)


def test_contract_fees_follow_volume_band_overage_and_service_hours_price():
    # 10 EUR a ticket, 60 tickets a month included, 5 EUR more for each ticket beyond; a fixed
    # fee priced for 24x7 at 1.6 times the business-hours price; no escalation.
    tree = base_tree(services={"desk": {"incidents_per_user_per_month": 0.7}})
    terms = {
        "fixed_fee_per_month_eur": 1000.0,
        "fee_per_ticket_eur": 10.0,
        "included_tickets_per_month": 60,
        "overage_fee_per_ticket_eur": 5.0,
    }
    tree = with_provider(
        tree,
        terms,
        price_escalation_per_year=0.0,
        coverage_price_factor={"business_hours": 1.0, "24x7": 1.6},
    )
    result = run(tree)
    count = result.counters[CNT["incidents_external"]]
    assert (count > 60).any(), "the band must bind in some months ..."
    assert (count < 60).any(), "... and not in others"
    expected = 1000.0 * 1.6 + 10.0 * count + 5.0 * np.maximum(count - 60, 0)
    np.testing.assert_allclose(result.costs[CAT["provider_fees"]], expected, rtol=1e-12)


@pytest.mark.parametrize(("failure_month", "committed"), [(None, 12), (50, 26)])
def test_minimum_term_books_the_fees_committed_beyond_the_horizon(failure_month, committed):
    # A 36-month term renews at its end: over 60 months the second term runs to month 72, so
    # 12 months are owed at the horizon. A provider failure starts a new term with the new
    # provider (month 50 -> owed to month 86: 26 months at the new price).
    from simulation.model.contracts import ProviderHistory, committed_months
    from simulation.model.inputs import model_input

    tree = with_provider(
        base_tree(), {"fixed_fee_per_month_eur": 1000.0, "minimum_term_months": 36}
    )
    contract = model_input(spec_of(tree)).services[0].contract
    failures = np.array([] if failure_month is None else [failure_month * HOURS_PER_MONTH])
    history = ProviderHistory(failures, premium=0.0)
    assert committed_months(contract, history, 60 * HOURS_PER_MONTH) == pytest.approx(committed)
    if failure_month is None:
        tree["providers"]["p"]["price_escalation_per_year"] = 0.0
        fees = run(tree).costs[CAT["provider_fees"]]
        assert fees[-1] == pytest.approx(1000.0 * (1 + committed))
        assert fees.sum() == pytest.approx(1000.0 * (60 + committed))
