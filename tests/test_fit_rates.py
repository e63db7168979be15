"""Rates, shares and mixes with their uncertainty (simulation.fitting.rates).

Requirement (issue 12): a rate fitted with its exposure carries its posterior into the config
(Gamma for a Poisson rate, Beta for a share, Dirichlet for the severity mix), so that a company
with 40 tickets a month gets a wider rate than one with 4,000; an expert's range from the config
and the data combine by a conjugate update. Checked against closed forms and by coverage.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.config.distributions import PERT, parse_distribution
from simulation.config.schema import BusinessHours
from simulation.fitting.rates import (
    beta_prior,
    dispersion,
    gamma_prior,
    in_business_hours,
    monthly_counts,
    person_years,
    poisson_rate,
    severity_mix,
    share_posterior,
)


def test_gamma_posterior_covers_the_true_rate_at_its_nominal_rate() -> None:
    """400 companies with a true rate of 1.1 tickets per user-month, 150 users, two years:
    the number of 95% intervals covering 1.1 is Binomial(400, 0.95), between 368 and 392
    with probability 99.8%."""
    rng = np.random.default_rng(1)
    exposure = 150 * 24.0
    covered = 0
    for events in rng.poisson(1.1 * exposure, 400):
        low, high = poisson_rate(float(events), exposure).interval(0.95)
        covered += low <= 1.1 <= high
    assert 368 <= covered <= 392


def test_a_hundred_times_the_data_gives_a_tenth_of_the_width() -> None:
    """40 tickets a month against 4,000 over 24 months: the relative width of the rate's
    interval shrinks as 1/sqrt(events), by a factor of 10."""
    small = poisson_rate(40 * 24, 24.0)
    large = poisson_rate(4000 * 24, 24.0)

    def relative_width(post):
        low, high = post.interval(0.95)
        return (high - low) / post.mean

    assert relative_width(small) / relative_width(large) == pytest.approx(10.0, rel=0.01)


def test_conjugate_update_with_the_configs_range() -> None:
    """The prior has the PERT's mean and variance; the posterior adds events and exposure."""
    pert = PERT(0.5, 1.0, 2.0)
    a0, b0 = gamma_prior(pert)
    assert a0 / b0 == pytest.approx(pert.mean)
    assert a0 / b0**2 == pytest.approx(pert.variance)
    post = poisson_rate(120.0, 100.0, (a0, b0))
    assert (post.shape, post.rate) == pytest.approx((a0 + 120.0, b0 + 100.0))
    assert post.has_prior
    assert post.prior_shape == a0
    assert pert.mean < post.mean < 120.0 / 100.0  # between the expert and the data
    spec = parse_distribution(post.to_spec())
    assert spec.mean == pytest.approx(post.mean)
    assert spec.std == pytest.approx(post.sd)


def test_a_fixed_config_value_gives_no_prior() -> None:
    assert gamma_prior(parse_distribution(0.9)) is None
    assert beta_prior(parse_distribution(0.9)) == (1.0, 1.0)


def test_overdispersed_counts_widen_the_posterior() -> None:
    """Pearson's dispersion of Poisson counts averages 1; negative-binomial monthly counts
    (a rate that wanders from month to month) give more, and the quasi-Poisson posterior is
    wider by its square root."""
    rng = np.random.default_rng(2)
    hours = np.full(24, 730.0)
    poisson = [dispersion(rng.poisson(300, 24), hours) for _ in range(300)]
    assert np.mean(poisson) == pytest.approx(1.0, abs=0.05)
    wandering = rng.poisson(300 * rng.gamma(10.0, 0.1, 24))
    phi = dispersion(wandering, hours)
    assert phi > 5
    plain = poisson_rate(float(wandering.sum()), 3600.0)
    quasi = poisson_rate(float(wandering.sum()), 3600.0, dispersion=phi)
    events = float(wandering.sum())
    assert (quasi.shape, quasi.rate) == pytest.approx((0.5 + events / phi, 3600.0 / phi))
    assert quasi.mean == pytest.approx(plain.mean, rel=0.01)  # Jeffreys' 1/2 weighs more
    assert quasi.sd / plain.sd == pytest.approx(math.sqrt(phi), rel=0.01)


def test_inverse_spec_of_a_rate_is_the_mtbf_with_the_posteriors_quantiles() -> None:
    post = poisson_rate(12.0, 17_500.0)
    spec = parse_distribution(post.inverse_spec(1.075))
    assert float(spec.ppf(0.5)) == pytest.approx(1.075 / float(post.ppf(0.5)))
    assert float(spec.ppf(0.95)) == pytest.approx(1.075 / float(post.ppf(0.05)))


def test_beta_posterior_is_written_exactly_as_a_pert() -> None:
    """A PERT on [0, 1] with mode (a-1)/(a+b-2) and lamb a+b-2 is Beta(a, b): same CDF."""
    post = share_posterior(848.0, 923.0)
    assert (post.alpha, post.beta) == (849.0, 76.0)
    spec = parse_distribution(post.to_spec())
    x = np.linspace(0.85, 0.97, 7)
    assert np.asarray(spec.cdf(x)) == pytest.approx(stats.beta.cdf(x, 849.0, 76.0), abs=1e-9)
    assert spec.mean == pytest.approx(post.mean)


def test_share_interval_covers_the_true_share() -> None:
    """Binomial(400, 0.95) intervals covering a 0.88 share from 300 tickets each."""
    rng = np.random.default_rng(3)
    covered = sum(
        (lambda lo_hi: lo_hi[0] <= 0.88 <= lo_hi[1])(share_posterior(float(k), 300.0).interval())
        for k in rng.binomial(300, 0.88, 400)
    )
    assert 368 <= covered <= 392


def test_beta_prior_from_a_range_keeps_its_moments_and_is_at_least_uniform() -> None:
    pert = PERT(0.6, 0.8, 0.95)
    a, b = beta_prior(pert)
    assert a / (a + b) == pytest.approx(pert.mean)
    assert a * b / ((a + b) ** 2 * (a + b + 1)) == pytest.approx(pert.variance)
    assert beta_prior(PERT(0.0, 0.01, 1.0, lamb=0.0)) == (1.0, 1.0)  # flat: no information


def test_severity_mix_means_intervals_and_rounding() -> None:
    mix = severity_mix({"P1": 9, "P2": 27, "P3": 67, "P4": 51}, ("P1", "P2", "P3", "P4"))
    assert mix.means()["P3"] == pytest.approx(67.5 / 156.0)  # Jeffreys: +1/2 each
    low, high = mix.interval("P1")
    assert low < 9 / 154 < high
    rounded = mix.rounded(4)
    assert sum(rounded.values()) == pytest.approx(1.0, abs=1e-12)
    configured = severity_mix({"P1": 0}, ("P1", "P2"), {"P1": 0.1, "P2": 0.9}, prior_weight=10)
    assert configured.means() == pytest.approx({"P1": 1 / 10, "P2": 9 / 10})


def test_person_years_count_only_the_window() -> None:
    start = pd.Series(pd.to_datetime(["2019-01-01", "2021-01-01", "2021-07-01", "2024-06-01"]))
    leave = pd.Series(pd.to_datetime(["2022-01-01", None, "2021-07-01", None]))
    years = person_years(start, leave, pd.Timestamp("2021-01-01"), pd.Timestamp("2023-01-01"))
    assert years == pytest.approx([1.0, 730 / 365, 0.0, 0.0])


def test_business_hours_follow_the_configured_calendar() -> None:
    times = pd.Series(
        pd.to_datetime(
            ["2024-03-04 08:00", "2024-03-04 17:59", "2024-03-04 18:00", "2024-03-09 10:00"]
        )
    )
    assert in_business_hours(times, BusinessHours()).tolist() == [True, True, False, False]
    saturday = BusinessHours(days=("sat",), start_hour=9, end_hour=12)
    assert in_business_hours(times, saturday).tolist() == [False, False, False, True]


def test_monthly_counts_add_up_to_the_window() -> None:
    start, end = pd.Timestamp("2023-01-15"), pd.Timestamp("2023-04-10 12:00")
    times = pd.Series(pd.to_datetime(["2023-01-20", "2023-02-01", "2023-02-28", "2023-04-10"]))
    counts, hours = monthly_counts(times, start, end)
    assert counts.tolist() == [1, 2, 0, 1]
    assert hours.sum() == pytest.approx((end - start) / pd.Timedelta(hours=1))
    assert hours[1] == 28 * 24
