"""The config's distributions are scipy.stats distributions: quantiles, CDF and moments are
scipy's, and scipy's maximum-likelihood fits become config distributions (`fit`, `from_scipy`)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulation.config.distributions import (
    PERT,
    DistributionSpecError,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Poisson,
    ScipyDistribution,
    Triangular,
    TruncNormal,
    Uniform,
    Weibull,
    fit,
    from_scipy,
)

#: Each config distribution and the scipy distribution it must be.
PAIRS = [
    (Uniform(2.0, 7.0), stats.uniform(2.0, 5.0)),
    (Triangular(1.0, 2.0, 5.0), stats.triang(0.25, 1.0, 4.0)),
    (PERT(1.0, 2.0, 5.0), stats.beta(2.0, 4.0, 1.0, 4.0)),  # 1 + 4 (2-1)/4, 1 + 4 (5-2)/4
    (Normal(3.0, 2.0), stats.norm(3.0, 2.0)),
    (TruncNormal(0.0, 1.0, -1.0, 2.0), stats.truncnorm(-1.0, 2.0)),
    (LogNormal(0.5, 0.8), stats.lognorm(0.8, scale=math.exp(0.5))),
    (Gamma(2.5, 3.0), stats.gamma(2.5, scale=3.0)),
    (Weibull(1.5, 4.0), stats.weibull_min(1.5, scale=4.0)),
    (Exponential(6.0), stats.expon(scale=6.0)),
    (Poisson(3.5), stats.poisson(3.5)),
]


@pytest.mark.parametrize(("dist", "scipy"), PAIRS, ids=lambda d: type(d).__name__)
def test_quantiles_cdf_and_moments_are_scipys(dist, scipy):
    assert isinstance(dist, ScipyDistribution)
    u = np.linspace(0.001, 0.999, 41)
    np.testing.assert_allclose(dist.ppf(u), scipy.ppf(u), rtol=1e-12)
    x = scipy.ppf(u)
    np.testing.assert_allclose(dist.cdf(x), scipy.cdf(x), rtol=1e-12)
    assert dist.mean == pytest.approx(float(scipy.mean()), rel=1e-12)
    assert dist.variance == pytest.approx(float(scipy.var()), rel=1e-9)


@pytest.mark.parametrize(("dist", "scipy"), PAIRS, ids=lambda d: type(d).__name__)
def test_the_ends_of_the_support_are_exact(dist, scipy):
    """ppf(0) and ppf(1) are the support's ends (scipy's discrete ppf(0) is one below it)."""
    low, high = dist.support
    assert dist.ppf(0.0) == low
    assert dist.ppf(1.0) == high


@pytest.mark.filterwarnings("ignore:Error in function boost")  # beta ppf gives up at u = 1e-242
@settings(max_examples=60, deadline=None)
@given(
    lo=st.floats(-1e3, 1e3),
    width=st.floats(1e-3, 1e3),
    at=st.floats(0.0, 1.0),
    u=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
def test_bounded_quantiles_stay_in_the_support(lo, width, at, u):
    """In the support and in order, also where scipy's beta quantile gives up (u near 1e-242)."""
    mode, high = lo + at * width, lo + width
    for dist in (Triangular(lo, mode, high), PERT(lo, mode, high)):
        x = dist.ppf(np.sort(np.array(u)))
        assert np.all((x >= dist.min) & (x <= dist.max))
        assert np.all(np.diff(x) >= 0)


@pytest.mark.parametrize(("dist", "scipy"), PAIRS, ids=lambda d: type(d).__name__)
def test_from_scipy_gives_back_the_distribution(dist, scipy):
    if isinstance(dist, PERT | TruncNormal):
        with pytest.raises(DistributionSpecError, match="no config distribution"):
            from_scipy(scipy)
        return
    back = from_scipy(scipy)
    assert type(back) is type(dist)
    np.testing.assert_allclose(back.ppf([0.1, 0.5, 0.9]), dist.ppf([0.1, 0.5, 0.9]), rtol=1e-12)


def test_from_scipy_refuses_a_shifted_positive_family():
    with pytest.raises(DistributionSpecError, match="floc=0"):
        from_scipy(stats.lognorm(0.5, loc=2.0))


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        ("lognormal", LogNormal(1.0, 0.5)),
        ("gamma", Gamma(3.0, 2.0)),
        ("weibull", Weibull(1.7, 5.0)),
        ("exponential", Exponential(4.0)),
        ("normal", Normal(10.0, 3.0)),
    ],
)
def test_fit_recovers_known_parameters(name, truth):
    """Maximum likelihood on n = 4,000 draws: the fitted mean within 4 standard errors of the
    sample mean's (sd / sqrt(n)); the MLE's own error is of that order."""
    n = 4000
    data = truth.sample(np.random.default_rng(12), n)
    fitted = fit(name, data)
    assert type(fitted) is type(truth)
    assert fitted.mean == pytest.approx(truth.mean, abs=4 * truth.std / math.sqrt(n))
    assert fitted.std == pytest.approx(truth.std, rel=0.08)


def test_fit_on_censored_data_removes_the_bias_of_dropping():
    """Lognormal durations, those above 8 still open (right-censored): the censored fit's median
    is within 4 standard errors of the truth (se of log-median: sigma / sqrt(n)); fitting only
    the closed ones is biased low by far more."""
    truth, n = LogNormal(math.log(5.0), 0.6), 3000
    x = truth.sample(np.random.default_rng(3), n)
    open_ = x > 8.0
    data = stats.CensoredData(uncensored=x[~open_], right=np.full(open_.sum(), 8.0))
    se = 0.6 / math.sqrt(n)
    censored = fit("lognormal", data)
    assert abs(math.log(censored.median) - truth.mu) < 4 * se
    dropped = fit("lognormal", x[~open_])
    assert math.log(dropped.median) - truth.mu < -10 * se


def test_fit_names_what_it_can_fit():
    with pytest.raises(DistributionSpecError, match="cannot fit 'pert'"):
        fit("pert", [1.0, 2.0])
