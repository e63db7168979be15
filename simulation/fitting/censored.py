"""Per-event distributions fitted to right-censored durations: maximum likelihood by scipy,
AIC ranking, a goodness-of-fit test that handles censoring, and parameter uncertainty.

Candidates are lognormal, gamma, Weibull and exponential (location fixed at 0), each fitted by
`rv_continuous.fit` on a `scipy.stats.CensoredData`: a ticket still open at the export, an
outage not yet over, a vacancy not yet filled contributes its survival to the likelihood
instead of being dropped (which would bias durations down) or closed at the export.

Goodness of fit: the Kolmogorov-Smirnov distance between the Kaplan-Meier estimate (which
handles the censoring; without censoring it is the empirical CDF) and the fitted CDF, with a
p-value from a parametric bootstrap that refits each simulated sample and censors it at the
records' own censoring limits. KS or Anderson-Darling on the uncensored part alone would test
the wrong distribution (the uncensored part of a censored sample is biased to short values),
and tables of the KS statistic ignore that the parameters were estimated (Lilliefors); the
bootstrap accounts for both.

Parameter uncertainty: the observed information (the numerical Hessian of the log-likelihood
at the maximum, on log parameters), sampled with a small-sample t correction to give intervals
of the mean, median and 95th percentile. It is cheap and deterministic; with few records the
caller also combines the data with the config's value (see `pseudo_observations`).
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from simulation.config.distributions import Distribution, LogNormal, from_scipy

FAMILIES: dict[str, Any] = {
    "lognormal": stats.lognorm,
    "gamma": stats.gamma,
    "weibull": stats.weibull_min,
    "exponential": stats.expon,
}
#: Standard normal 95th percentile: a lognormal's p95 is its median x exp(Z95 sigma).
Z95 = float(special.ndtri(0.95))
#: Draws of the parameters' normal approximation behind the intervals of derived values.
INFORMATION_DRAWS = 4000


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator for one fitted quantity, keyed by its name (stable, not by position)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


@dataclass(frozen=True)
class CandidateFit:
    """One family fitted by maximum likelihood: scipy's parameters (shape(s), loc 0, scale)."""

    family: str
    params: tuple[float, ...]
    loglik: float

    @property
    def n_params(self) -> int:
        """Free parameters (the location is fixed at 0)."""
        return len(self.params) - 1

    @property
    def aic(self) -> float:
        """Akaike's information criterion, 2k - 2 log L."""
        return 2 * self.n_params - 2 * self.loglik

    @property
    def frozen(self) -> Any:
        """The fitted scipy distribution."""
        return FAMILIES[self.family](*self.params)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The fitted CDF (without building a frozen distribution: refits make many)."""
        return FAMILIES[self.family].cdf(x, *self.params)

    def to_spec(self, divide_by: float = 1.0) -> dict[str, object]:
        """The config spec of the fitted distribution, its values divided by `divide_by` (a
        lognormal by its median and 95th percentile, as analysts write it)."""
        *shapes, loc, scale = self.params
        dist = from_scipy(FAMILIES[self.family](*shapes, loc, scale / divide_by))
        if isinstance(dist, LogNormal):
            return {"dist": "lognormal", "median": dist.median, "p95": float(dist.ppf(0.95))}
        return dist.to_spec()


@dataclass(frozen=True)
class EventFit:
    """Candidates fitted to durations, ranked by AIC, with goodness of fit and uncertainty.

    `values`/`censored`/`limits` are the records (a censored value is a lower bound; `limits`
    the time each record would have been censored at, inf where unknown); `pseudo` the
    pseudo-observations from a prior appended to them for fitting. `candidates` are sorted by
    AIC, the first being the chosen fit. `gof_pvalue` is NaN when not computed.
    """

    values: np.ndarray
    censored: np.ndarray
    limits: np.ndarray
    candidates: tuple[CandidateFit, ...]
    pseudo: np.ndarray = field(default_factory=lambda: np.empty(0))
    gof_statistic: float = math.nan
    gof_pvalue: float = math.nan
    gof_replicates: int = 0
    param_draws: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    @property
    def best(self) -> CandidateFit:
        """The candidate with the lowest AIC."""
        return self.candidates[0]

    @property
    def frozen(self) -> Any:
        """The chosen scipy distribution."""
        return self.best.frozen

    @property
    def n(self) -> int:
        """Records (without pseudo-observations)."""
        return int(self.values.size)

    @property
    def n_censored(self) -> int:
        """Records censored."""
        return int(self.censored.sum())

    @property
    def delta_aic(self) -> float:
        """How far (in AIC) the runner-up is behind; inf with one candidate."""
        return self.candidates[1].aic - self.best.aic if len(self.candidates) > 1 else math.inf

    def candidates_table(self) -> pd.DataFrame:
        """One row per candidate: family, parameters, log-likelihood, AIC, delta AIC."""
        best = self.best.aic
        return pd.DataFrame(
            [
                {
                    "family": c.family,
                    "params": c.params,
                    "loglik": c.loglik,
                    "aic": c.aic,
                    "delta_aic": c.aic - best,
                }
                for c in self.candidates
            ]
        )

    def interval(self, what: str = "mean", level: float = 0.95) -> tuple[float, float]:
        """Interval of the chosen fit's mean, median or p95 from the parameters' uncertainty."""
        if self.param_draws.size == 0:
            return math.nan, math.nan
        values = derived(self.best.family, self.param_draws, what)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return math.nan, math.nan
        low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)


def derived(family: str, draws: np.ndarray, what: str) -> np.ndarray:
    """Mean, median or p95 of `family` for rows of (shape(s)..., scale) parameter draws."""
    dist = FAMILIES[family]
    shapes = [draws[:, i] for i in range(draws.shape[1] - 1)]
    scale = draws[:, -1]
    with np.errstate(all="ignore"):
        if what == "mean":
            return dist.mean(*shapes, loc=0, scale=scale)
        q = {"median": 0.5, "p95": 0.95}[what]
        return dist.ppf(q, *shapes, loc=0, scale=scale)


def _data(values: np.ndarray, censored: np.ndarray) -> stats.CensoredData:
    return stats.CensoredData(uncensored=values[~censored], right=values[censored])


def loglik(family: str, params: Sequence[float], values: np.ndarray, censored: np.ndarray) -> float:
    """Log-likelihood of right-censored data: densities of the observed, survival of the rest."""
    dist = FAMILIES[family]
    with np.errstate(all="ignore"):
        total = (
            dist.logpdf(values[~censored], *params).sum()
            + dist.logsf(values[censored], *params).sum()
        )
    return float(total) if np.isfinite(total) else -math.inf


def _nll(
    theta: np.ndarray, family: str, log_x: np.ndarray, x: np.ndarray, cens: np.ndarray
) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of censored data and its gradient on log parameters (log shape,
    log scale), in closed form for the bootstrap's refits (the estimator of scipy's fit,
    faster). The gamma's gradient is numerical (its survival function has no simple one)."""
    log_shape, log_scale = theta
    shape = math.exp(log_shape)
    u = log_x - log_scale
    with np.errstate(all="ignore"):
        if family == "lognormal":
            z = u / shape
            zo, zc = z[~cens], z[cens]
            logsf = special.log_ndtr(-zc)
            hazard = np.exp(-0.5 * zc**2 - 0.5 * math.log(2 * math.pi) - logsf)
            total = (-log_x[~cens] - log_shape - 0.5 * math.log(2 * math.pi) - 0.5 * zo**2).sum()
            total += logsf.sum()
            grad = np.array(
                [(zo**2 - 1).sum() + (hazard * zc).sum(), (zo.sum() + hazard.sum()) / shape]
            )
        elif family == "weibull":
            y = np.exp(shape * u)
            uo, yo, uc, yc = u[~cens], y[~cens], u[cens], y[cens]
            total = (log_shape - log_scale + (shape - 1) * uo - yo).sum() - yc.sum()
            grad = np.array(
                [
                    (1 + shape * uo * (1 - yo)).sum() - (shape * uc * yc).sum(),
                    (shape * (yo - 1)).sum() + (shape * yc).sum(),
                ]
            )
        else:  # gamma
            return _gamma_nll(theta, log_x, x, cens), _numeric_grad(theta, log_x, x, cens)
    if not np.isfinite(total):
        return math.inf, np.zeros(2)
    return -float(total), -grad


def _gamma_nll(theta: np.ndarray, log_x: np.ndarray, x: np.ndarray, cens: np.ndarray) -> float:
    shape, scale = np.exp(theta)
    with np.errstate(all="ignore"):
        logpdf = -special.gammaln(shape) - shape * theta[1] + (shape - 1) * log_x - x / scale
        logsf = np.log(special.gammaincc(shape, x[cens] / scale))
        total = logpdf[~cens].sum() + logsf.sum()
    return -float(total) if np.isfinite(total) else math.inf


def _numeric_grad(theta: np.ndarray, log_x: np.ndarray, x: np.ndarray, cens: np.ndarray):
    step = 1e-6
    return np.array(
        [
            (
                _gamma_nll(theta + step * e, log_x, x, cens)
                - _gamma_nll(theta - step * e, log_x, x, cens)
            )
            / (2 * step)
            for e in np.eye(2)
        ]
    )


def refit(
    family: str, values: np.ndarray, censored: np.ndarray, start: Sequence[float]
) -> CandidateFit | None:
    """Refit `family` to censored data from the parameters `start` (a nearby maximum): the
    exponential in closed form, the others by quasi-Newton steps on `_nll`. The fit's
    log-likelihood is left NaN (a refit is compared by its CDF only)."""
    if family == "exponential":
        events = (~censored).sum()
        if events == 0:
            return None
        return CandidateFit(family, (0.0, float(values.sum() / events)), math.nan)
    log_x = np.log(values)
    theta0 = np.log([start[0], start[-1]])
    result = optimize.minimize(
        _nll, theta0, args=(family, log_x, values, censored), jac=True, method="BFGS"
    )
    if not np.all(np.isfinite(result.x)):
        return None
    shape, scale = np.exp(result.x)
    return CandidateFit(family, (float(shape), 0.0, float(scale)), math.nan)


def fit_family(family: str, values: np.ndarray, censored: np.ndarray) -> CandidateFit | None:
    """One family fitted by maximum likelihood (scipy's `fit`, location fixed at 0): on the
    values themselves without censoring (closed forms where they exist), else on CensoredData;
    None if the fit fails."""
    dist = FAMILIES[family]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            data = _data(values, censored) if censored.any() else values
            params = dist.fit(data, floc=0)
        except (ValueError, RuntimeError, FloatingPointError):
            return None
    params = tuple(float(p) for p in params)
    if not all(math.isfinite(p) for p in params) or params[-1] <= 0:
        return None
    value = loglik(family, params, values, censored)
    return CandidateFit(family, params, value) if math.isfinite(value) else None


def km_distance(values: np.ndarray, censored: np.ndarray, cdf: Any) -> float:
    """Largest distance between the Kaplan-Meier estimate of the CDF and `cdf`, checked on
    both sides of every step (the Kolmogorov-Smirnov statistic without censoring)."""
    if (~censored).sum() == 0:
        return math.nan
    km = stats.ecdf(_data(values, censored) if censored.any() else values).cdf
    fitted = cdf(km.quantiles)
    before = np.concatenate([[0.0], km.probabilities[:-1]])
    return float(max(np.abs(km.probabilities - fitted).max(), np.abs(before - fitted).max()))


def gof_bootstrap(
    fit: CandidateFit,
    values: np.ndarray,
    censored: np.ndarray,
    limits: np.ndarray,
    rng: np.random.Generator,
    replicates: int,
    floor: float,
) -> tuple[float, float]:
    """(KS distance to Kaplan-Meier, its parametric-bootstrap p-value with refits)."""
    observed = km_distance(values, censored, fit.cdf)
    if replicates <= 0 or not math.isfinite(observed):
        return observed, math.nan
    exceed = 0
    done = 0
    for _ in range(replicates):
        x = FAMILIES[fit.family].rvs(*fit.params, size=values.size, random_state=rng)
        x = np.maximum(x, floor)
        cens = x > limits
        obs = np.where(cens, limits, x)
        if (~cens).sum() < 2:
            continue
        again = refit(fit.family, obs, cens, fit.params)
        if again is None:
            continue
        done += 1
        exceed += km_distance(obs, cens, again.cdf) >= observed
    return observed, (1 + exceed) / (1 + done) if done else math.nan


def information_draws(
    fit: CandidateFit, values: np.ndarray, censored: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Parameter draws (shape(s)..., scale) from the inverse observed information on log
    parameters; empty if the Hessian is not positive definite or too few records remain.

    With n uncensored records the draws follow a multivariate t with n - 1 degrees of freedom
    and the covariance scaled by n / (n - 1): the small-sample correction that makes the
    interval of a lognormal's median the exact t interval, and that vanishes from a few dozen
    records on (the plain normal approximation is too narrow for a handful).
    """
    *shapes, _, scale = fit.params
    theta = np.log([*shapes, scale])
    k = theta.size
    dof = int((~censored).sum()) - 1
    hessian = _hessian(fit, theta, values, censored)
    try:
        cov = np.linalg.inv(hessian) * (dof + 1) / max(dof, 1)
        root = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return np.empty((0, k))
    if dof < 1:
        return np.empty((0, k))
    z = rng.standard_normal((INFORMATION_DRAWS, k)) @ root.T
    spread = np.sqrt(dof / rng.chisquare(dof, INFORMATION_DRAWS))[:, None]
    with np.errstate(over="ignore"):  # a t with one or two degrees of freedom reaches far
        return np.exp(theta + z * spread)


def _hessian(
    fit: CandidateFit, theta: np.ndarray, values: np.ndarray, censored: np.ndarray
) -> np.ndarray:
    """The negative log-likelihood's Hessian on log parameters, by central differences."""

    def nll(t: np.ndarray) -> float:
        p = np.exp(t)
        return -loglik(fit.family, (*p[:-1], 0.0, p[-1]), values, censored)

    k = theta.size
    h = 1e-4
    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            hessian[i, j] = (
                nll(theta + ei + ej)
                - nll(theta + ei - ej)
                - nll(theta - ei + ej)
                + nll(theta - ei - ej)
            ) / (4 * h * h)
    return hessian


def pseudo_observations(prior: Distribution, weight: int) -> np.ndarray:
    """`weight` values at the prior's quantiles (i - 1/2)/weight: the config's distribution
    as that many typical records, to combine with few real ones."""
    u = (np.arange(weight) + 0.5) / weight
    return np.asarray(prior.ppf(u), dtype=float)


def fit_durations(
    values: np.ndarray,
    censored: np.ndarray | None = None,
    limits: np.ndarray | None = None,
    *,
    rng: np.random.Generator,
    families: Sequence[str] = tuple(FAMILIES),
    replicates: int = 199,
    floor: float = 0.0,
    pseudo: np.ndarray | None = None,
) -> EventFit | None:
    """Fit every candidate family to durations, rank them by AIC, test and bound the best.

    `censored` flags values that are lower bounds (still open at the export); `limits` gives
    the time each record would have been censored at (export minus start; inf where unknown,
    the value itself for censored records); both default to none censored. Values below
    `floor` (zero-length records) count as `floor`; censored values <= 0 carry no information
    and are dropped. `pseudo` are pseudo-observations (uncensored) fitted with the data.
    `replicates` bootstrap samples give the goodness-of-fit p-value (0: none). None when fewer
    than two uncensored values remain.
    """
    values = np.asarray(values, dtype=float)
    censored = np.zeros(values.size, bool) if censored is None else np.asarray(censored, bool)
    limits = np.where(censored, values, np.inf) if limits is None else np.asarray(limits, float)
    keep = np.isfinite(values) & ~(censored & (values <= 0))
    values, censored, limits = np.maximum(values[keep], floor), censored[keep], limits[keep]
    limits = np.where(censored, values, np.maximum(limits, values))
    extra = np.empty(0) if pseudo is None else np.asarray(pseudo, dtype=float)
    all_values = np.concatenate([values, np.maximum(extra, floor)])
    all_censored = np.concatenate([censored, np.zeros(extra.size, bool)])
    all_limits = np.concatenate([limits, np.full(extra.size, np.inf)])
    if (~all_censored).sum() < 2 or np.ptp(all_values[~all_censored]) <= 0:
        return None
    fits = [fit_family(f, all_values, all_censored) for f in families]
    ranked = tuple(sorted((f for f in fits if f is not None), key=lambda f: f.aic))
    if not ranked:
        return None
    best = ranked[0]
    statistic, pvalue = gof_bootstrap(
        best, all_values, all_censored, all_limits, rng, replicates, floor
    )
    draws = information_draws(best, all_values, all_censored, rng)
    return EventFit(values, censored, limits, ranked, extra, statistic, pvalue, replicates, draws)
