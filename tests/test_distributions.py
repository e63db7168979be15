"""Tests of simulation.config.distributions against theory and scipy.stats."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy import stats

from simulation.config.distributions import (
    PERT,
    Distribution,
    DistributionSpecError,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    Normal,
    Poisson,
    Triangular,
    TruncNormal,
    Uniform,
    Weibull,
    parse_distribution,
)

N = 200_000
U_GRID = np.array(
    [1e-6, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6]
)

_EMPIRICAL_DATA = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]


def _empirical_scipy(data: list[float]) -> stats.rv_discrete:
    values, counts = np.unique(data, return_counts=True)
    return stats.rv_discrete(values=(values, counts / counts.sum()))


# (distribution, independent scipy.stats equivalent, is_continuous)
CASES: list[tuple[Distribution, object, bool]] = [
    (Uniform(2, 7), stats.uniform(2, 5), True),
    (Triangular(1, 3, 10), stats.triang((3 - 1) / 9, loc=1, scale=9), True),
    (Triangular(0, 0, 4), stats.triang(0.0, loc=0, scale=4), True),
    (PERT(1, 2, 5), stats.beta(1 + 4 * 1 / 4, 1 + 4 * 3 / 4, loc=1, scale=4), True),
    (PERT(0, 10, 10, lamb=6), stats.beta(7, 1, loc=0, scale=10), True),
    (Normal(3, 2), stats.norm(3, 2), True),
    (TruncNormal(1, 2, 0, 5), stats.truncnorm(-0.5, 2.0, loc=1, scale=2), True),
    (TruncNormal(10, 4, min=0), stats.truncnorm(-2.5, np.inf, loc=10, scale=4), True),
    (TruncNormal(0, 1, max=-1), stats.truncnorm(-np.inf, -1, loc=0, scale=1), True),
    (TruncNormal(0, 1, min=3), stats.truncnorm(3, np.inf, loc=0, scale=1), True),
    # Lognormal is heavy-tailed; sigma = 0.5 keeps the kurtosis (~8.9) moderate so that the
    # sample variance of n = 200k draws has a relative standard error of ~0.6%.
    (LogNormal(1.0, 0.5), stats.lognorm(0.5, scale=math.e), True),
    (Gamma(2.5, 1.5), stats.gamma(2.5, scale=1.5), True),
    (Gamma(0.7, 3.0), stats.gamma(0.7, scale=3.0), True),
    (Weibull(1.7, 3.0), stats.weibull_min(1.7, scale=3.0), True),
    (Exponential(4.0), stats.expon(scale=4.0), True),
    (Poisson(3.5), stats.poisson(3.5), False),
    (Poisson(40.0), stats.poisson(40.0), False),
    (Empirical(_EMPIRICAL_DATA), _empirical_scipy(_EMPIRICAL_DATA), False),
]
IDS = [repr(d) for d, _, _ in CASES]
CONTINUOUS = [(d, ref) for d, ref, cont in CASES if cont]
CONTINUOUS_IDS = [repr(d) for d, _ in CONTINUOUS]


# --------------------------------------------------------------------------------------
# Moments and quantiles against theory
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dist", "ref", "continuous"), CASES, ids=IDS)
def test_analytic_moments_match_scipy(dist, ref, continuous):
    assert dist.mean == pytest.approx(ref.mean(), rel=1e-9, abs=1e-12)
    assert dist.variance == pytest.approx(ref.var(), rel=1e-8, abs=1e-12)
    assert dist.std == pytest.approx(math.sqrt(ref.var()), rel=1e-8)


@pytest.mark.parametrize(("dist", "ref", "continuous"), CASES, ids=IDS)
def test_sample_moments_match_analytic(dist, ref, continuous):
    x = dist.sample(np.random.default_rng(20240601), N)
    assert x.shape == (N,)
    # Mean: within 5 standard errors (CLT).
    se_mean = math.sqrt(dist.variance / N)
    assert abs(x.mean() - dist.mean) < 5 * se_mean
    # Variance: Var(s^2) ~ sigma^4 (kurtosis - 1) / n = sigma^4 (excess + 2) / n, so the
    # standard error of the sample variance follows from the (scipy) excess kurtosis.
    excess = float(ref.stats(moments="k"))
    se_var = dist.variance * math.sqrt((excess + 2.0) / N)
    assert abs(x.var(ddof=1) - dist.variance) < 5 * se_var
    # With n = 200k the 5-se band is ~1-3.5% of the variance for these cases (widest for the
    # exponential/lognormal tails); guard against a case whose kurtosis makes it vacuous.
    assert 5 * se_var / dist.variance < 0.04
    lo, hi = dist.support
    assert x.min() >= lo
    assert x.max() <= hi


@pytest.mark.parametrize(("dist", "ref", "continuous"), CASES, ids=IDS)
def test_ppf_matches_scipy(dist, ref, continuous):
    got = dist.ppf(U_GRID)
    want = ref.ppf(U_GRID)
    if continuous:
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(("dist", "ref"), CONTINUOUS, ids=CONTINUOUS_IDS)
def test_cdf_inverts_ppf_continuous(dist, ref):
    np.testing.assert_allclose(dist.cdf(dist.ppf(U_GRID)), U_GRID, rtol=1e-9, atol=1e-13)
    xs = ref.ppf(np.linspace(0.01, 0.99, 25))
    np.testing.assert_allclose(dist.cdf(xs), ref.cdf(xs), rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize(
    "dist", [Poisson(3.5), Poisson(40.0), Empirical(_EMPIRICAL_DATA)], ids=repr
)
def test_ppf_is_generalised_inverse_discrete(dist):
    u = np.linspace(0.0005, 0.9995, 1000)
    x = dist.ppf(u)
    assert np.all(x == np.round(x))
    # smallest x with cdf(x) >= u
    assert np.all(dist.cdf(x) >= u)
    assert np.all(dist.cdf(np.nextafter(x, -np.inf)) < u)


@pytest.mark.parametrize(("dist", "ref", "continuous"), CASES, ids=IDS)
def test_ppf_edges_and_invalid_u(dist, ref, continuous):
    lo, hi = dist.support
    assert float(dist.ppf(0.0)) == lo
    assert float(dist.ppf(1.0)) == hi
    assert np.isnan(dist.ppf(np.array([-0.1, 1.1, np.nan]))).all()
    assert dist.ppf(0.5).shape == ()
    assert dist.cdf(np.array([[lo, hi]])).shape == (1, 2)


def test_poisson_large_mean_path():
    # Above ~2e5 the cached CDF table is not built and ppf falls back to pdtrik.
    d = Poisson(3e5)
    u = np.array([0.01, 0.5, 0.99])
    np.testing.assert_array_equal(d.ppf(u), stats.poisson(3e5).ppf(u))


def test_fixed():
    d = Fixed(7)
    assert d.is_fixed
    assert d.mean == 7.0
    assert d.variance == 0.0
    assert d.support == (7.0, 7.0)
    np.testing.assert_array_equal(d.ppf(U_GRID), np.full(U_GRID.shape, 7.0))
    np.testing.assert_array_equal(d.sample(np.random.default_rng(1), 5), np.full(5, 7.0))
    np.testing.assert_array_equal(d.cdf([6.9, 7.0, 8.0]), [0.0, 1.0, 1.0])
    assert not any(dist.is_fixed for dist, _, _ in CASES)


def test_pert_mean_formula():
    for lo, mode, hi, lamb in [(1, 2, 5, 4.0), (0, 0, 1, 4.0), (10, 40, 100, 2.5), (3, 9, 9, 7)]:
        d = PERT(lo, mode, hi, lamb=lamb)
        assert d.mean == pytest.approx((lo + lamb * mode + hi) / (lamb + 2))
        a, b = d.alpha, d.beta
        assert a == pytest.approx(1 + lamb * (mode - lo) / (hi - lo))
        assert b == pytest.approx(1 + lamb * (hi - mode) / (hi - lo))
        assert d.variance == pytest.approx(stats.beta(a, b, loc=lo, scale=hi - lo).var())


def test_truncnormal_mean_is_truncated_mean():
    d = TruncNormal.from_normal(mean=0.0, sd=1.0, min=0.0)
    assert d.loc == 0.0
    assert d.scale == 1.0
    assert d.mean == pytest.approx(math.sqrt(2 / math.pi))
    assert d.variance == pytest.approx(1 - 2 / math.pi)
    assert d == TruncNormal(0.0, 1.0, 0.0, math.inf)


# --------------------------------------------------------------------------------------
# Lognormal constructors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("p5", "p95"), [(1000.0, 50000.0), (0.5, 2.0), (3.0, 3.1)])
def test_lognormal_from_interval_reproduces_percentiles(p5, p95):
    d = LogNormal.from_interval(p5, p95)
    assert float(d.ppf(0.05)) == pytest.approx(p5, rel=1e-12)
    assert float(d.ppf(0.95)) == pytest.approx(p95, rel=1e-12)
    assert d.median == pytest.approx(math.sqrt(p5 * p95), rel=1e-12)


@pytest.mark.parametrize(("median", "p95"), [(1000.0, 50000.0), (2.0, 2.5)])
def test_lognormal_from_median_p95_reproduces_percentiles(median, p95):
    d = LogNormal.from_median_p95(median, p95)
    assert float(d.ppf(0.5)) == pytest.approx(median, rel=1e-12)
    assert float(d.ppf(0.95)) == pytest.approx(p95, rel=1e-12)


@pytest.mark.parametrize(("mean", "sd"), [(100.0, 30.0), (5.0, 20.0), (1e6, 1.0)])
def test_lognormal_and_gamma_from_mean_sd(mean, sd):
    for d in (LogNormal.from_mean_sd(mean, sd), Gamma.from_mean_sd(mean, sd)):
        assert d.mean == pytest.approx(mean, rel=1e-12)
        assert d.std == pytest.approx(sd, rel=1e-9)


# --------------------------------------------------------------------------------------
# Sampling properties
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dist", "ref", "continuous"), CASES, ids=IDS)
def test_sample_is_inverse_transform(dist, ref, continuous):
    got = dist.sample(np.random.default_rng(99), 1000)
    u = np.random.default_rng(99).random(1000)
    np.testing.assert_array_equal(got, dist.ppf(u))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Normal(0, 1), LogNormal.from_interval(1000, 50000)),
        (PERT(1, 2, 5), Weibull(0.8, 10)),
        (Triangular(0, 1, 2), TruncNormal(0, 1, -1, 2)),
        (Gamma(2, 3), Exponential(1)),
    ],
    ids=repr,
)
def test_common_random_numbers_comonotone(a, b):
    xa = a.sample(np.random.default_rng(7), 10_000)
    xb = b.sample(np.random.default_rng(7), 10_000)
    assert stats.spearmanr(xa, xb).statistic == pytest.approx(1.0)


@pytest.mark.parametrize("discrete", [Poisson(3.5), Empirical(_EMPIRICAL_DATA)], ids=repr)
def test_common_random_numbers_discrete_is_monotone(discrete):
    xc = Uniform(0, 1).sample(np.random.default_rng(11), 10_000)
    xd = discrete.sample(np.random.default_rng(11), 10_000)
    assert np.all(np.diff(xd[np.argsort(xc)]) >= 0)


def test_empirical_ppf_is_resampling():
    data = [5.0, -1.0, 3.0, 3.0, 10.0, 0.5, 7.0]
    d = Empirical(data)
    n = len(data)
    assert d.samples == tuple(sorted(data))
    assert d.mean == pytest.approx(np.mean(data))
    assert d.variance == pytest.approx(np.var(data))
    xs = np.array(d.samples)
    # Exact definition: (k-1)/n < u <= k/n  ->  k-th smallest.
    for k in range(1, n + 1):
        assert float(d.ppf(k / n)) == xs[k - 1]
        assert float(d.ppf((k - 1) / n + 1e-12)) == xs[k - 1]
    # A uniform grid hits every (sorted) sample equally often.
    m = 1000
    u = (np.arange(n * m) + 0.5) / (n * m)
    np.testing.assert_array_equal(d.ppf(u), np.repeat(xs, m))
    # Same stream -> same draws as classical resampling via the index floor(u * n).
    rng_u = np.random.default_rng(3).random(50_000)
    resampled = xs[np.floor(rng_u * n).astype(int)]
    np.testing.assert_array_equal(d.sample(np.random.default_rng(3), 50_000), resampled)


def test_sample_requires_generator():
    with pytest.raises(TypeError, match="Generator"):
        Normal(0, 1).sample(np.random.RandomState(0), 10)


def test_immutable_and_hashable():
    d = PERT(1, 2, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.min = 0  # type: ignore[misc]
    assert hash(d) == hash(PERT(1.0, 2.0, 5.0))
    assert d == PERT(1.0, 2.0, 5.0, 4.0)


@pytest.mark.parametrize(
    ("dist", "text"),
    [
        (PERT(1, 2, 5), "PERT(min=1, mode=2, max=5)"),
        (PERT(1, 2, 5, lamb=3), "PERT(min=1, mode=2, max=5, lamb=3)"),
        (Normal(0, 1.5), "Normal(mean=0, sd=1.5)"),
        (TruncNormal(0, 1, min=0), "TruncNormal(mean=0, sd=1, min=0)"),
        (Fixed(2.5), "Fixed(value=2.5)"),
        (Empirical([3, 1, 2]), "Empirical(samples=[1, 2, 3])"),
        (Exponential(5), "Exponential(mean=5)"),
    ],
)
def test_repr(dist, text):
    assert repr(dist) == text


# --------------------------------------------------------------------------------------
# Specs: round trip, forms and errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dist", [Fixed(3.0), *(d for d, _, _ in CASES), LogNormal.from_interval(1000, 50000)], ids=repr
)
def test_to_spec_round_trip(dist):
    spec = dist.to_spec()
    assert json.loads(json.dumps(spec)) == spec
    again = parse_distribution(spec)
    assert again == dist
    assert type(again) is type(dist)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (5, Fixed(5)),
        (2.5, Fixed(2.5)),
        ({"dist": "fixed", "value": 1}, Fixed(1)),
        ({"dist": "Uniform", "min": 0, "max": 1}, Uniform(0, 1)),
        ({"dist": "PERT", "min": 1, "mode": 2, "max": 5}, PERT(1, 2, 5)),
        ({"dist": "pert", "min": 1, "mode": 2, "max": 5, "lamb": 2}, PERT(1, 2, 5, 2)),
        ({"dist": "truncated_normal", "mean": 0, "sd": 1, "max": 2}, TruncNormal(0, 1, max=2)),
        ({"dist": "truncnormal", "mean": 5, "sd": 2, "min": 0, "max": 9}, TruncNormal(5, 2, 0, 9)),
        ({"dist": "lognormal", "median": 10, "p95": 40}, LogNormal.from_median_p95(10, 40)),
        ({"dist": "lognormal", "p5": 1e3, "p95": 5e4}, LogNormal.from_interval(1e3, 5e4)),
        ({"dist": "lognormal", "mean": 10, "sd": 4}, LogNormal.from_mean_sd(10, 4)),
        ({"dist": "lognormal", "mu": 1, "sigma": 0.3}, LogNormal(1, 0.3)),
        ({"dist": "gamma", "shape": 2, "scale": 3}, Gamma(2, 3)),
        ({"dist": "gamma", "mean": 6, "sd": 3}, Gamma.from_mean_sd(6, 3)),
        ({"dist": "weibull", "shape": 1.5, "scale": 2}, Weibull(1.5, 2)),
        ({"dist": "exponential", "mean": 4}, Exponential(4)),
        ({"dist": "exponential", "rate": 0.25}, Exponential(4)),
        ({"dist": "poisson", "mean": 0}, Poisson(0)),
        ({"dist": "empirical", "samples": [3, 1, 2]}, Empirical([1, 2, 3])),
        ({"dist": "lognormal", "p5": "1e3", "p95": "5e4"}, LogNormal.from_interval(1e3, 5e4)),
        ("pert(1, 2, 5)", PERT(1, 2, 5)),
        ("uniform(0, 1)", Uniform(0, 1)),
        ("triangular(1,2,3)", Triangular(1, 2, 3)),
        ("normal(0, 1)", Normal(0, 1)),
        ("lognormal(p5=1000, p95=50000)", LogNormal.from_interval(1000, 50000)),
        ("exponential(mean=5)", Exponential(5)),
        ("exponential(rate=0.2)", Exponential(5)),
        ("gamma(mean=6, sd=3)", Gamma.from_mean_sd(6, 3)),
        ("  PERT( 1 , 2 , 5 , lamb = 3 ) ", PERT(1, 2, 5, 3)),
        ("pert(1, 2, max=5)", PERT(1, 2, 5)),
        ("truncnormal(0, 1, min=-1.5e0)", TruncNormal(0, 1, min=-1.5)),
        ("weibull(2, 3)", Weibull(2, 3)),
        ("poisson(2.5)", Poisson(2.5)),
        ("fixed(4)", Fixed(4)),
        ("4.5", Fixed(4.5)),
        ("empirical(3, 1, 2)", Empirical([1, 2, 3])),
    ],
    ids=repr,
)
def test_parse_forms(spec, expected):
    assert parse_distribution(spec) == expected


def test_parse_passes_distribution_through():
    d = Normal(0, 1)
    assert parse_distribution(d) is d


@pytest.mark.parametrize(
    ("spec", "key", "fragment"),
    [
        # unknown distribution / unknown or missing parameters
        ({"dist": "pret", "min": 1, "mode": 2, "max": 3}, "dist", "did you mean 'pert'?"),
        ("pret(1, 2, 3)", "dist", "did you mean 'pert'?"),
        ({"dist": "zzz"}, "dist", "known: fixed, uniform"),
        ({"dist": 3}, "dist", "distribution name"),
        ({"min": 1, "max": 2}, "dist", "no 'dist' key"),
        ({"dsit": "normal", "mean": 1, "sd": 2}, "dist", "did you mean 'dist'"),
        ({"dist": "lognormal", "meen": 1, "sd": 2}, "meen", "did you mean 'mean'?"),
        ({"dist": "normal", "mean": 1, "sdd": 2}, "sdd", "did you mean 'sd'?"),
        ({"dist": "pert", "min": 1, "mode": 2, "max": 3, "lambda": 3}, "lambda", "'lamb'"),
        ({"dist": "normal", "mean": 1, "xyz": 2}, "xyz", "accepted parameters"),
        ({"dist": "normal", "mean": 1}, "sd", "missing parameter 'sd'"),
        ({"dist": "lognormal", "p5": 10}, "p95", "missing parameter 'p95'"),
        ({"dist": "lognormal", "median": 1, "p5": 1, "p95": 3}, "p5", "cannot be combined"),
        ({"dist": "lognormal", "mean": 1, "sd": 1, "mu": 0}, "mu", "{mu, sigma}"),
        ({"dist": "gamma", "mean": 1, "scale": 2}, "mean", "cannot be combined"),
        ({"dist": "exponential", "mean": 1, "rate": 1}, "rate", "cannot be combined"),
        ({"dist": "truncnormal", "mean": 0, "sd": 1}, "min", "min and/or max"),
        # non-numeric, NaN, inf
        ({"dist": "normal", "mean": "abc", "sd": 1}, "mean", "must be a number"),
        ({"dist": "normal", "mean": True, "sd": 1}, "mean", "must be a number"),
        ({"dist": "normal", "mean": [1], "sd": 1}, "mean", "must be a number"),
        ({"dist": "normal", "mean": math.nan, "sd": 1}, "mean", "finite"),
        ({"dist": "uniform", "min": 0, "max": math.inf}, "max", "finite"),
        ({"dist": "truncnormal", "mean": 0, "sd": 1, "min": -math.inf}, "min", "finite"),
        (math.nan, "", "finite"),
        (True, "", "cannot interpret"),
        (None, "", "cannot interpret"),
        # positivity
        ({"dist": "normal", "mean": 0, "sd": 0}, "sd", "must be positive"),
        ({"dist": "truncnormal", "mean": 0, "sd": -1, "min": 0}, "sd", "must be positive"),
        ({"dist": "lognormal", "mu": 0, "sigma": -1}, "sigma", "must be positive"),
        ({"dist": "lognormal", "mean": 10, "sd": 0}, "sd", "must be positive"),
        ({"dist": "lognormal", "mean": -1, "sd": 1}, "mean", "must be positive"),
        ({"dist": "lognormal", "median": 0, "p95": 1}, "median", "must be positive"),
        ({"dist": "lognormal", "p5": 0, "p95": 1}, "p5", "must be positive"),
        ({"dist": "gamma", "shape": 0, "scale": 1}, "shape", "must be positive"),
        ({"dist": "gamma", "shape": 1, "scale": -2}, "scale", "must be positive"),
        ({"dist": "gamma", "mean": 1, "sd": 0}, "sd", "must be positive"),
        ({"dist": "weibull", "shape": -1, "scale": 1}, "shape", "must be positive"),
        ({"dist": "weibull", "shape": 1, "scale": 0}, "scale", "must be positive"),
        ({"dist": "exponential", "mean": 0}, "mean", "must be positive"),
        ({"dist": "exponential", "rate": -1}, "rate", "must be positive"),
        ({"dist": "poisson", "mean": -0.5}, "mean", "must be non-negative"),
        ({"dist": "pert", "min": 0, "mode": 1, "max": 2, "lamb": -1}, "lamb", "non-negative"),
        # ordering
        ({"dist": "uniform", "min": 2, "max": 1}, "min", "min (=2.0) must be below max (=1.0)"),
        ({"dist": "uniform", "min": 1, "max": 1}, "min", "must be below max"),
        ({"dist": "triangular", "min": 1, "mode": 5, "max": 3}, "mode", "within [min, max]"),
        ({"dist": "pert", "min": 1, "mode": 0, "max": 3}, "mode", "within [min, max]"),
        ({"dist": "pert", "min": 3, "mode": 3, "max": 1}, "min", "must be below max"),
        ({"dist": "truncnormal", "mean": 0, "sd": 1, "min": 2, "max": 1}, "min", "below max"),
        (
            {"dist": "lognormal", "p5": 900.0, "p95": 100.0},
            "p5",
            "p5 (=900.0) must be below p95 (=100.0)",
        ),
        ({"dist": "lognormal", "median": 10, "p95": 5}, "median", "must be below p95"),
        # empirical
        ({"dist": "empirical", "samples": []}, "samples", "must not be empty"),
        ({"dist": "empirical", "samples": [1, math.nan]}, "samples", "finite"),
        ({"dist": "empirical", "samples": [1, "x"]}, "samples", "finite"),
        ({"dist": "empirical", "samples": 3}, "samples", "list of numbers"),
        # string form
        ("lognormal(1000, 50000)", "", "keyword arguments"),
        ("gamma(2, 3)", "", "keyword arguments"),
        ("exponential(5)", "", "keyword arguments"),
        ("pert(1, 2, 3, 4, 5)", "", "at most 4 positional"),
        ("pert(1, 2, 3, min=0)", "min", "multiple values"),
        ("normal(mean=1, 2)", "", "follows keyword"),
        ("normal(0, sdd=1)", "sdd", "did you mean 'sd'?"),
        ("normal(0, abc)", "sd", "must be a number"),
        ("pert 1 2 5", "", "cannot parse"),
        ("pert(1,,5)", "", "empty argument"),
    ],
    ids=repr,
)
def test_spec_errors(spec, key, fragment):
    with pytest.raises(DistributionSpecError) as info:
        parse_distribution(spec)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.key == key
    assert fragment in str(err)
    assert "\n" not in str(err)
    assert err.expected


def test_error_attributes():
    with pytest.raises(DistributionSpecError) as info:
        parse_distribution({"dist": "lognormal", "p5": 900.0, "p95": 100.0})
    err = info.value
    assert str(err) == "p5 (=900.0) must be below p95 (=100.0)"
    assert (err.key, err.value, err.dist) == ("p5", 900.0, "lognormal")
    with pytest.raises(DistributionSpecError) as info:
        parse_distribution({"dist": "lognormal", "meen": 1, "sd": 2})
    assert str(info.value) == "unknown parameter 'meen' for lognormal; did you mean 'mean'?"
    assert info.value.value == 1


def test_constructors_validate_directly():
    with pytest.raises(DistributionSpecError) as info:
        LogNormal.from_interval(900.0, 100.0)
    assert info.value.key == "p5"
    with pytest.raises(DistributionSpecError) as info:
        Normal(0, -1)
    assert info.value.key == "sd"
    with pytest.raises(DistributionSpecError) as info:
        TruncNormal(0, 1, min=40)  # no representable probability mass
    assert info.value.key == "min"
