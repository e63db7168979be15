"""The model against closed forms: queues, availability, Poisson counts, turnover, credits, NPV.

The checks of the built-in validation suite (`simulation.verify`, `itsim verify`: Erlang C,
Cobham, availability, Poisson counts, departures, compound Poisson losses, provider failures, SLA
tails, service credits, NPV) run in tests/test_verify.py; here the same check functions run for
the variants the suite's table leaves out (the queues at a provider, SLA tails under 24/7), and
the closed-form tests that are not in the suite. Each check's tolerance is justified by its
sample size: the closed form must lie inside the estimate's 99.9% interval, and that interval
must be tight enough to catch an error of the tolerance's size.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import base_tree, counter, run, spec_of, with_provider

from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR, Calendar
from simulation.model.ledger import CAT, CNT, COST_CATEGORIES
from simulation.verify import checks


@pytest.mark.slow
def test_mmc_mean_wait_at_a_provider_matches_erlang_c():
    # the in-house queue at loads 0.5 and 0.8 is in the suite; the provider's team of as many
    # agents runs the same mechanism
    (result,) = checks.erlang_c_wait(0.8, sourcing="provider")
    assert result.check == "erlang_c_wait_load_0.80_provider"
    assert result.passed, result


@pytest.mark.slow
def test_priority_classes_at_a_provider_match_cobham_formula():
    results = checks.cobham_waits(sourcing="provider")
    assert [r.check for r in results] == ["cobham_wait_p1_provider", "cobham_wait_p4_provider"]
    assert all(r.passed for r in results), results
    assert results[0].theory < 0.5 * results[1].theory  # the check distinguishes the classes


@pytest.mark.slow
def test_sla_breaches_match_the_mm1_sojourn_tail_around_the_clock():
    # FCFS M/M/1: P(W > s) = rho exp(-(mu - lambda) s), P(T > r) = exp(-(mu - lambda) r); the
    # suite checks a business-hours contract (the SLA clock runs in the contract's hours)
    results = checks.sla_tails(coverage="24x7")
    assert [r.check for r in results] == ["sla_response_tail_24x7", "sla_resolution_tail_24x7"]
    assert all(r.passed for r in results), results


def test_replication_costs_have_one_row_per_category():
    assert run(base_tree()).costs.shape[0] == len(COST_CATEGORIES)


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
