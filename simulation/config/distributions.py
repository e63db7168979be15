"""Immutable distributions for the config: spec parsing, validation and inverse-CDF sampling.

Each distribution of the config is a `scipy.stats` distribution under the names and parameters
analysts write (``pert(min, mode, max)``, ``lognormal(median, p95)``, ...): its quantiles, CDF
and moments are scipy's (`ScipyDistribution.frozen`), and `fit` and `from_scipy` turn scipy's
maximum-likelihood fits into config distributions. Only `Fixed` (a constant) and `Empirical`
(resampling the values given, which need not be integers) have no scipy counterpart and compute
their few quantities themselves.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
from scipy import special, stats

__all__ = [
    "DISTRIBUTION_NAMES",
    "PERT",
    "Distribution",
    "DistributionSpecError",
    "Empirical",
    "Exponential",
    "Fixed",
    "Gamma",
    "LogNormal",
    "Normal",
    "Poisson",
    "ScipyDistribution",
    "Triangular",
    "TruncNormal",
    "Uniform",
    "Weibull",
    "fit",
    "from_scipy",
    "parse_distribution",
]

#: Standard normal quantile at 0.95, used by the percentile-based lognormal constructors.
_Z95 = float(special.ndtri(0.95))
_INF = math.inf


# --------------------------------------------------------------------------------------
# Errors and scalar validation helpers
# --------------------------------------------------------------------------------------


class DistributionSpecError(ValueError):
    """An invalid distribution specification.

    Attributes:
        key: The offending parameter name within the spec, ``"dist"`` for the distribution
            name, or ``""`` when the spec as a whole is at fault.
        value: The offending value.
        expected: A short phrase describing what was expected.
        dist: The (canonical) distribution name, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str = "",
        value: Any = None,
        expected: str = "",
        dist: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.value = value
        self.expected = expected
        self.dist = dist

    def __str__(self) -> str:
        return self.message


def _fmt(x: float) -> str:
    """Format a number compactly: integral floats without a trailing ``.0``."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def _to_float(key: str, value: Any, *, allow_inf: bool = False) -> float:
    """Convert a parameter value to float, rejecting bools, non-numbers, NaN and (by default) inf.

    Numeric strings are accepted because YAML 1.1 loaders read e.g. ``5e4`` as a string.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
        raise DistributionSpecError(
            f"{key} (={value!r}) must be a number",
            key=key,
            value=value,
            expected="a finite number",
        )
    try:
        out = float(value)
    except ValueError:
        raise DistributionSpecError(
            f"{key} (={value!r}) must be a number",
            key=key,
            value=value,
            expected="a finite number",
        ) from None
    if math.isnan(out) or (math.isinf(out) and not allow_inf):
        raise DistributionSpecError(
            f"{key} (={value!r}) must be a finite number",
            key=key,
            value=value,
            expected="a finite number",
        )
    return out


def _require(cond: bool, key: str, value: float, phrase: str, expected: str) -> None:
    """Raise :class:`DistributionSpecError` ``"{key} (={value}) {phrase}"`` unless ``cond``."""
    if not cond:
        raise DistributionSpecError(
            f"{key} (={float(value)!r}) {phrase}", key=key, value=value, expected=expected
        )


def _positive(key: str, value: float) -> None:
    _require(value > 0, key, value, "must be positive", "a positive number")


def _below(key_lo: str, lo: float, key_hi: str, hi: float) -> None:
    _require(lo < hi, key_lo, lo, f"must be below {key_hi} (={float(hi)!r})", f"< {key_hi}")


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


# --------------------------------------------------------------------------------------
# Base class
# --------------------------------------------------------------------------------------


class Distribution(ABC):
    """Abstract immutable univariate distribution.

    Concrete subclasses are frozen dataclasses exposing:

    * ``mean`` and ``variance`` (analytic, closed form) and ``std``;
    * vectorised ``ppf`` (inverse CDF) and ``cdf``;
    * ``sample(rng, size)``, which is always ``ppf(rng.random(size))`` so that the same uniform
      draws can be mapped through different distributions (common random numbers);
    * ``support``, ``to_spec()`` and ``is_fixed``.

    ``mean`` and ``variance`` are declared here only as annotations (not abstract properties) so
    that subclasses such as :class:`Normal` may store ``mean`` as a plain dataclass field.
    """

    #: Canonical spec name, e.g. ``"pert"``.
    name: ClassVar[str]
    #: Mean of the distribution (analytic).
    mean: float
    #: Variance of the distribution (analytic).
    variance: float

    @property
    def std(self) -> float:
        """Standard deviation, ``sqrt(variance)``."""
        return math.sqrt(self.variance)

    @property
    def is_fixed(self) -> bool:
        """True only for :class:`Fixed` (degenerate) distributions."""
        return False

    @property
    @abstractmethod
    def support(self) -> tuple[float, float]:
        """The closed support ``(low, high)``; either end may be infinite."""

    @abstractmethod
    def _ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF for a float array ``u`` with all entries in [0, 1]."""

    @abstractmethod
    def _cdf(self, x: np.ndarray) -> np.ndarray:
        """CDF for a float array ``x`` without NaNs."""

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """User-facing parameters, in display order, for ``__repr__``."""

    @abstractmethod
    def to_spec(self) -> dict[str, Any]:
        """Canonical spec dict; ``parse_distribution(d.to_spec()) == d``."""

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Inverse CDF (quantile function), vectorised.

        Returns the smallest ``x`` with ``cdf(x) >= u``; ``ppf(0)`` and ``ppf(1)`` are the ends of
        the support. Entries of ``u`` outside [0, 1] (or NaN) give NaN. A scalar input gives a
        0-d array.
        """
        u = np.asarray(u, dtype=float)
        bad = ~((u >= 0.0) & (u <= 1.0))
        if bad.any():
            out = np.asarray(self._ppf(np.where(bad, 0.5, u)), dtype=float)
            return np.where(bad, np.nan, out)
        return np.asarray(self._ppf(u), dtype=float)

    def cdf(self, x: np.ndarray | float) -> np.ndarray:
        """Cumulative distribution function ``P(X <= x)``, vectorised (NaN in, NaN out)."""
        x = np.asarray(x, dtype=float)
        nan = np.isnan(x)
        if nan.any():
            out = np.asarray(self._cdf(np.where(nan, 0.0, x)), dtype=float)
            return np.where(nan, np.nan, out)
        return np.asarray(self._cdf(x), dtype=float)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Draw ``size`` values by inverse-transform sampling: ``ppf(rng.random(size))``."""
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                f"got {type(rng).__name__}"
            )
        return self.ppf(rng.random(size))

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={v if isinstance(v, str) else _fmt(v)}" for k, v in self._params().items()
        )
        return f"{type(self).__name__}({args})"

    __str__ = __repr__


class ScipyDistribution(Distribution):
    """A distribution that is a `scipy.stats` distribution: quantiles, CDF and variance (and,
    in `_ScipyMoments`, the mean) are scipy's; a subclass maps its parameters onto scipy's in
    `_scipy`. Quantiles at 0 and 1 are the ends of the support exactly, and every quantile lies
    within it (scipy's discrete quantile at 0 is one below the support)."""

    @abstractmethod
    def _scipy(self) -> Any:
        """The frozen scipy.stats distribution with these parameters."""

    @cached_property
    def frozen(self) -> Any:
        """The frozen scipy.stats distribution this one is."""
        return self._scipy()

    @property
    def variance(self) -> float:
        """scipy's variance."""
        return float(self.frozen.var())

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        low, high = self.support
        x = self.frozen.ppf(u)
        # Where scipy's root finding gives up (a beta, i.e. a PERT, at u below about 1e-200),
        # the quantile is the end of the support: it lies 1e-40 of the width or less from it
        # for a classic PERT (u^(1/alpha), alpha <= 5). Uniform draws are never that small.
        lost = np.isnan(x)
        if lost.any():
            x = np.where(lost, np.where(u < 0.5, low, high), x)
        x = np.clip(x, low, high)
        return np.where(u <= 0.0, low, np.where(u >= 1.0, high, x))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return self.frozen.cdf(x)


class _ScipyMoments(ScipyDistribution):
    """A scipy distribution whose mean is scipy's too (the mean is not one of its parameters)."""

    @property
    def mean(self) -> float:
        """scipy's mean."""
        return float(self.frozen.mean())


# --------------------------------------------------------------------------------------
# Concrete distributions
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Fixed(Distribution):
    """A degenerate distribution: always ``value``."""

    value: float
    name: ClassVar[str] = "fixed"

    def __post_init__(self) -> None:
        _set(self, "value", _to_float("value", self.value))

    @property
    def mean(self) -> float:
        """The fixed value."""
        return self.value

    @property
    def variance(self) -> float:
        """Zero."""
        return 0.0

    @property
    def is_fixed(self) -> bool:
        """Always True."""
        return True

    @property
    def support(self) -> tuple[float, float]:
        """``(value, value)``."""
        return (self.value, self.value)

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(u.shape, self.value)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return (x >= self.value).astype(float)

    def _params(self) -> dict[str, Any]:
        return {"value": self.value}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "fixed", "value": v}``."""
        return {"dist": "fixed", "value": self.value}


@dataclass(frozen=True, repr=False)
class Uniform(_ScipyMoments):
    """Continuous uniform distribution on ``[min, max]``."""

    min: float
    max: float
    name: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        _set(self, "min", _to_float("min", self.min))
        _set(self, "max", _to_float("max", self.max))
        _below("min", self.min, "max", self.max)

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return (self.min, self.max)

    def _scipy(self) -> Any:
        return stats.uniform(self.min, self.max - self.min)

    def _params(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "uniform", "min": .., "max": ..}``."""
        return {"dist": "uniform", "min": self.min, "max": self.max}


def _check_mode(lo: float, mode: float, hi: float) -> None:
    _below("min", lo, "max", hi)
    _require(
        lo <= mode <= hi,
        "mode",
        mode,
        f"must lie within [min, max] = [{float(lo)!r}, {float(hi)!r}]",
        "min <= mode <= max",
    )


@dataclass(frozen=True, repr=False)
class Triangular(_ScipyMoments):
    """Triangular distribution on ``[min, max]`` with peak at ``mode``."""

    min: float
    mode: float
    max: float
    name: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        for k in ("min", "mode", "max"):
            _set(self, k, _to_float(k, getattr(self, k)))
        _check_mode(self.min, self.mode, self.max)

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return (self.min, self.max)

    def _scipy(self) -> Any:
        width = self.max - self.min
        return stats.triang((self.mode - self.min) / width, self.min, width)

    def _params(self) -> dict[str, Any]:
        return {"min": self.min, "mode": self.mode, "max": self.max}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "triangular", "min": .., "mode": .., "max": ..}``."""
        return {"dist": "triangular", "min": self.min, "mode": self.mode, "max": self.max}


@dataclass(frozen=True, repr=False)
class PERT(_ScipyMoments):
    """(Modified) PERT distribution: a beta distribution scaled to ``[min, max]``.

    ``alpha = 1 + lamb * (mode - min) / (max - min)`` and
    ``beta = 1 + lamb * (max - mode) / (max - min)``; ``lamb = 4`` is the classic PERT.
    """

    min: float
    mode: float
    max: float
    lamb: float = 4.0
    name: ClassVar[str] = "pert"

    def __post_init__(self) -> None:
        for k in ("min", "mode", "max", "lamb"):
            _set(self, k, _to_float(k, getattr(self, k)))
        _check_mode(self.min, self.mode, self.max)
        _require(self.lamb >= 0, "lamb", self.lamb, "must be non-negative", ">= 0")

    @property
    def alpha(self) -> float:
        """First shape parameter of the underlying beta distribution."""
        return 1.0 + self.lamb * (self.mode - self.min) / (self.max - self.min)

    @property
    def beta(self) -> float:
        """Second shape parameter of the underlying beta distribution."""
        return 1.0 + self.lamb * (self.max - self.mode) / (self.max - self.min)

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return (self.min, self.max)

    def _scipy(self) -> Any:
        return stats.beta(self.alpha, self.beta, self.min, self.max - self.min)

    def _params(self) -> dict[str, Any]:
        p: dict[str, Any] = {"min": self.min, "mode": self.mode, "max": self.max}
        if self.lamb != 4.0:
            p["lamb"] = self.lamb
        return p

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "pert", "min": .., "mode": .., "max": .., "lamb": ..}``."""
        return {
            "dist": "pert",
            "min": self.min,
            "mode": self.mode,
            "max": self.max,
            "lamb": self.lamb,
        }


@dataclass(frozen=True, repr=False)
class Normal(ScipyDistribution):
    """Normal distribution with mean ``mean`` and standard deviation ``sd``."""

    mean: float
    sd: float
    name: ClassVar[str] = "normal"

    def __post_init__(self) -> None:
        _set(self, "mean", _to_float("mean", self.mean))
        _set(self, "sd", _to_float("sd", self.sd))
        _positive("sd", self.sd)

    @property
    def support(self) -> tuple[float, float]:
        """``(-inf, inf)``."""
        return (-_INF, _INF)

    def _scipy(self) -> Any:
        return stats.norm(self.mean, self.sd)

    def _params(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "normal", "mean": .., "sd": ..}``."""
        return {"dist": "normal", "mean": self.mean, "sd": self.sd}


@dataclass(frozen=True, repr=False)
class TruncNormal(_ScipyMoments):
    """Normal(``loc``, ``scale``) truncated to ``[min, max]`` (either bound may be infinite).

    ``loc``/``scale`` are the mean and sd of the *parent* normal; the ``mean``/``variance``
    properties are those of the truncated distribution. Build from spec-style keys with
    :meth:`from_normal`.
    """

    loc: float
    scale: float
    min: float = -_INF
    max: float = _INF
    name: ClassVar[str] = "truncnormal"

    def __post_init__(self) -> None:
        _set(self, "loc", _to_float("mean", self.loc))
        _set(self, "scale", _to_float("sd", self.scale))
        _set(self, "min", _to_float("min", self.min, allow_inf=True))
        _set(self, "max", _to_float("max", self.max, allow_inf=True))
        _positive("sd", self.scale)
        _require(self.min < _INF, "min", self.min, "must be below +inf", "< +inf")
        _require(self.max > -_INF, "max", self.max, "must be above -inf", "> -inf")
        _below("min", self.min, "max", self.max)
        if self._mass <= 0.0:
            raise DistributionSpecError(
                f"[min, max] = [{self.min!r}, {self.max!r}] has negligible probability under "
                f"normal(mean={self.loc!r}, sd={self.scale!r})",
                key="min",
                value=self.min,
                expected="an interval with non-negligible probability",
            )

    @classmethod
    def from_normal(
        cls, mean: float, sd: float, min: float | None = None, max: float | None = None
    ) -> TruncNormal:
        """Normal(``mean``, ``sd``) truncated to ``[min, max]``; ``None`` means unbounded."""
        return cls(mean, sd, -_INF if min is None else min, _INF if max is None else max)

    # Standardised bounds. The probability of the interval is checked with survival functions
    # when it lies in the upper half (reflection), so that tail truncations keep their precision.
    @cached_property
    def _ab(self) -> tuple[float, float]:
        return ((self.min - self.loc) / self.scale, (self.max - self.loc) / self.scale)

    @cached_property
    def _flip(self) -> bool:
        return self._ab[0] > 0.0

    @cached_property
    def _pq(self) -> tuple[float, float]:
        a, b = self._ab
        if self._flip:
            return (float(special.ndtr(-a)), float(special.ndtr(-b)))
        return (float(special.ndtr(a)), float(special.ndtr(b)))

    @cached_property
    def _mass(self) -> float:
        p, q = self._pq
        return abs(q - p)

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return (self.min, self.max)

    def _scipy(self) -> Any:
        a, b = self._ab
        return stats.truncnorm(a, b, self.loc, self.scale)

    def _params(self) -> dict[str, Any]:
        p: dict[str, Any] = {"mean": self.loc, "sd": self.scale}
        if math.isfinite(self.min):
            p["min"] = self.min
        if math.isfinite(self.max):
            p["max"] = self.max
        return p

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "truncnormal", "mean": loc, "sd": scale, "min": .., "max": ..}``.

        Infinite bounds are omitted.
        """
        return {"dist": "truncnormal", **self._params()}


@dataclass(frozen=True, repr=False)
class LogNormal(_ScipyMoments):
    """Lognormal distribution: ``log X ~ Normal(mu, sigma)``.

    Alternative constructors: :meth:`from_median_p95`, :meth:`from_interval` (5th and 95th
    percentiles) and :meth:`from_mean_sd`.
    """

    mu: float
    sigma: float
    name: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        _set(self, "mu", _to_float("mu", self.mu))
        _set(self, "sigma", _to_float("sigma", self.sigma))
        _positive("sigma", self.sigma)

    @classmethod
    def from_median_p95(cls, median: float, p95: float) -> LogNormal:
        """Lognormal with the given median and 95th percentile (``median < p95``)."""
        median = _to_float("median", median)
        p95 = _to_float("p95", p95)
        _positive("median", median)
        _below("median", median, "p95", p95)
        mu = math.log(median)
        return cls(mu, (math.log(p95) - mu) / _Z95)

    @classmethod
    def from_interval(cls, p5: float, p95: float) -> LogNormal:
        """Lognormal whose 90% interval is ``[p5, p95]`` (5th and 95th percentiles)."""
        p5 = _to_float("p5", p5)
        p95 = _to_float("p95", p95)
        _positive("p5", p5)
        _below("p5", p5, "p95", p95)
        lo, hi = math.log(p5), math.log(p95)
        return cls(0.5 * (lo + hi), (hi - lo) / (2.0 * _Z95))

    @classmethod
    def from_mean_sd(cls, mean: float, sd: float) -> LogNormal:
        """Lognormal with the given (arithmetic) mean and standard deviation."""
        mean = _to_float("mean", mean)
        sd = _to_float("sd", sd)
        _positive("mean", mean)
        _positive("sd", sd)
        s2 = math.log1p((sd / mean) ** 2)
        return cls(math.log(mean) - 0.5 * s2, math.sqrt(s2))

    @property
    def median(self) -> float:
        """``exp(mu)``."""
        return math.exp(self.mu)

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return (0.0, _INF)

    @property
    def variance(self) -> float:
        """``(exp(sigma^2) - 1) * exp(2 mu + sigma^2)``, here rather than scipy's: scipy 1.17
        computes exp(sigma^2) - 1 without expm1, which at sigma = 1e-6 (a mean of 1e6 known to
        within 1) is 4e-5 off."""
        s2 = self.sigma**2
        return math.expm1(s2) * math.exp(2.0 * self.mu + s2)

    def _scipy(self) -> Any:
        return stats.lognorm(self.sigma, scale=math.exp(self.mu))

    def _params(self) -> dict[str, Any]:
        return {"mu": self.mu, "sigma": self.sigma}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "lognormal", "mu": .., "sigma": ..}``."""
        return {"dist": "lognormal", "mu": self.mu, "sigma": self.sigma}


@dataclass(frozen=True, repr=False)
class Gamma(_ScipyMoments):
    """Gamma distribution with shape ``k`` and scale ``theta`` (mean ``k * theta``)."""

    shape: float
    scale: float
    name: ClassVar[str] = "gamma"

    def __post_init__(self) -> None:
        _set(self, "shape", _to_float("shape", self.shape))
        _set(self, "scale", _to_float("scale", self.scale))
        _positive("shape", self.shape)
        _positive("scale", self.scale)

    @classmethod
    def from_mean_sd(cls, mean: float, sd: float) -> Gamma:
        """Gamma with the given mean and standard deviation."""
        mean = _to_float("mean", mean)
        sd = _to_float("sd", sd)
        _positive("mean", mean)
        _positive("sd", sd)
        return cls((mean / sd) ** 2, sd * sd / mean)

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return (0.0, _INF)

    def _scipy(self) -> Any:
        return stats.gamma(self.shape, scale=self.scale)

    def _params(self) -> dict[str, Any]:
        return {"shape": self.shape, "scale": self.scale}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "gamma", "shape": .., "scale": ..}``."""
        return {"dist": "gamma", "shape": self.shape, "scale": self.scale}


@dataclass(frozen=True, repr=False)
class Weibull(_ScipyMoments):
    """Weibull distribution with shape ``k`` and scale ``lambda``."""

    shape: float
    scale: float
    name: ClassVar[str] = "weibull"

    def __post_init__(self) -> None:
        _set(self, "shape", _to_float("shape", self.shape))
        _set(self, "scale", _to_float("scale", self.scale))
        _positive("shape", self.shape)
        _positive("scale", self.scale)

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return (0.0, _INF)

    def _scipy(self) -> Any:
        return stats.weibull_min(self.shape, scale=self.scale)

    def _params(self) -> dict[str, Any]:
        return {"shape": self.shape, "scale": self.scale}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "weibull", "shape": .., "scale": ..}``."""
        return {"dist": "weibull", "shape": self.shape, "scale": self.scale}


@dataclass(frozen=True, repr=False)
class Exponential(ScipyDistribution):
    """Exponential distribution with the given mean (``rate = 1 / mean``)."""

    mean: float
    name: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        _set(self, "mean", _to_float("mean", self.mean))
        _positive("mean", self.mean)

    @classmethod
    def from_rate(cls, rate: float) -> Exponential:
        """Exponential with the given rate (events per unit time)."""
        rate = _to_float("rate", rate)
        _positive("rate", rate)
        return cls(1.0 / rate)

    @property
    def rate(self) -> float:
        """``1 / mean``."""
        return 1.0 / self.mean

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return (0.0, _INF)

    def _scipy(self) -> Any:
        return stats.expon(scale=self.mean)

    def _params(self) -> dict[str, Any]:
        return {"mean": self.mean}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "exponential", "mean": ..}``."""
        return {"dist": "exponential", "mean": self.mean}


@dataclass(frozen=True, repr=False)
class Poisson(ScipyDistribution):
    """Poisson distribution with the given mean (integer-valued; samples are integral floats)."""

    mean: float
    name: ClassVar[str] = "poisson"

    def __post_init__(self) -> None:
        _set(self, "mean", _to_float("mean", self.mean))
        _require(self.mean >= 0, "mean", self.mean, "must be non-negative", ">= 0")

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``, or ``(0, 0)`` when the mean is zero."""
        return (0.0, _INF if self.mean > 0 else 0.0)

    def _scipy(self) -> Any:
        return stats.poisson(self.mean)

    def _params(self) -> dict[str, Any]:
        return {"mean": self.mean}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "poisson", "mean": ..}``."""
        return {"dist": "poisson", "mean": self.mean}


@dataclass(frozen=True, repr=False)
class Empirical(Distribution):
    """Empirical distribution of ``samples`` (stored sorted); sampling resamples with replacement.

    ``ppf(u)`` returns the k-th smallest sample for ``(k-1)/n < u <= k/n`` (and the smallest
    for ``u = 0``).
    """

    samples: tuple[float, ...]
    name: ClassVar[str] = "empirical"

    def __post_init__(self) -> None:
        raw = self.samples
        if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Sequence | np.ndarray):
            raise DistributionSpecError(
                f"samples (={raw!r}) must be a list of numbers",
                key="samples",
                value=raw,
                expected="a non-empty list of finite numbers",
            )
        if len(raw) == 0:
            raise DistributionSpecError(
                "samples must not be empty",
                key="samples",
                value=raw,
                expected="a non-empty list of finite numbers",
            )
        values = []
        for v in np.asarray(raw, dtype=object).ravel().tolist():
            try:
                values.append(_to_float("samples", v))
            except DistributionSpecError as exc:
                raise DistributionSpecError(
                    f"samples must be finite numbers, got {v!r}",
                    key="samples",
                    value=v,
                    expected="a non-empty list of finite numbers",
                ) from exc
        _set(self, "samples", tuple(sorted(values)))

    @cached_property
    def _arr(self) -> np.ndarray:
        arr = np.array(self.samples, dtype=float)
        arr.flags.writeable = False
        return arr

    @property
    def n(self) -> int:
        """Number of samples."""
        return len(self.samples)

    @cached_property
    def mean(self) -> float:
        """Population mean of the samples."""
        return float(np.mean(self._arr))

    @cached_property
    def variance(self) -> float:
        """Population variance of the samples (ddof=0)."""
        return float(np.var(self._arr))

    @property
    def support(self) -> tuple[float, float]:
        """``(min(samples), max(samples))``."""
        return (self.samples[0], self.samples[-1])

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        n = self.n
        k = np.ceil(u * n)
        # Correct for rounding in u * n so that u == k/n (as a float) maps to the k-th value.
        k = np.where((k - 1.0) / n >= u, k - 1.0, k)
        idx = np.clip(k.astype(np.intp) - 1, 0, n - 1)
        return self._arr[idx]

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._arr, x, side="right") / self.n

    def _params(self) -> dict[str, Any]:
        xs = self.samples
        if len(xs) <= 6:
            return {"samples": "[" + ", ".join(_fmt(v) for v in xs) + "]"}
        head = ", ".join(_fmt(v) for v in xs[:3])
        return {"samples": f"[{head}, ..., {_fmt(xs[-1])}]", "n": str(len(xs))}

    def to_spec(self) -> dict[str, Any]:
        """``{"dist": "empirical", "samples": [...]}`` (sorted)."""
        return {"dist": "empirical", "samples": list(self.samples)}


# --------------------------------------------------------------------------------------
# From scipy: fitted distributions into the config's
# --------------------------------------------------------------------------------------

#: How a scipy family (its name) becomes a config distribution, from its shape parameters,
#: location and scale; the families on [0, inf) need the location 0.
_FROM_SCIPY: dict[str, tuple[bool, Any]] = {
    "lognorm": (True, lambda s, loc, scale: LogNormal(math.log(scale), s)),
    "gamma": (True, lambda a, loc, scale: Gamma(a, scale)),
    "weibull_min": (True, lambda c, loc, scale: Weibull(c, scale)),
    "expon": (True, lambda loc, scale: Exponential(scale)),
    "poisson": (True, lambda mu, loc: Poisson(mu)),
    "norm": (False, lambda loc, scale: Normal(loc, scale)),
    "uniform": (False, lambda loc, scale: Uniform(loc, loc + scale)),
    "triang": (False, lambda c, loc, scale: Triangular(loc, loc + c * scale, loc + scale)),
}
#: The config families `fit` fits, as scipy families with what the fit holds fixed.
_FIT: dict[str, tuple[Any, dict[str, float]]] = {
    "lognormal": (stats.lognorm, {"floc": 0.0}),
    "gamma": (stats.gamma, {"floc": 0.0}),
    "weibull": (stats.weibull_min, {"floc": 0.0}),
    "exponential": (stats.expon, {"floc": 0.0}),
    "normal": (stats.norm, {}),
    "uniform": (stats.uniform, {}),
    "triangular": (stats.triang, {}),
}


def _scipy_parameters(frozen: Any) -> list[float]:
    """A frozen scipy distribution's shape parameters, location (and scale), in order."""
    names = [n.strip() for n in (frozen.dist.shapes or "").split(",") if n.strip()]
    names += ["loc"] + ([] if isinstance(frozen.dist, stats.rv_discrete) else ["scale"])
    given = dict(zip(names, frozen.args, strict=False)) | dict(frozen.kwds)
    return [float(given.get(n, {"loc": 0.0, "scale": 1.0}.get(n, math.nan))) for n in names]


def from_scipy(frozen: Any) -> Distribution:
    """The config distribution that is the frozen scipy.stats distribution `frozen` (e.g. one
    built from `scipy.stats.<family>.fit`): lognorm, gamma, weibull_min, expon and poisson with
    location 0, norm, uniform and triang. Other families are a DistributionSpecError."""
    name = frozen.dist.name
    if name not in _FROM_SCIPY:
        raise DistributionSpecError(
            f"scipy.stats.{name} has no config distribution",
            key="dist",
            value=name,
            expected=", ".join(_FROM_SCIPY),
        )
    positive, build = _FROM_SCIPY[name]
    params = _scipy_parameters(frozen)
    loc = params[-1] if isinstance(frozen.dist, stats.rv_discrete) else params[-2]
    if positive and loc != 0.0:
        raise DistributionSpecError(
            f"loc (={loc!r}) must be 0 for scipy.stats.{name} (fit it with floc=0)",
            key="loc",
            value=loc,
            expected="0",
        )
    return build(*params)


def fit(name: str, data: Any) -> Distribution:
    """The config distribution `name` (lognormal, gamma, weibull, exponential, normal, uniform
    or triangular) fitted to `data` by scipy's maximum likelihood (`rv_continuous.fit`, location
    fixed at 0 for the families on [0, inf)); `data` may be a `scipy.stats.CensoredData`."""
    if name not in _FIT:
        raise DistributionSpecError(
            f"cannot fit {name!r}", key="dist", value=name, expected=", ".join(_FIT)
        )
    family, fixed = _FIT[name]
    return from_scipy(family(*family.fit(data, **fixed)))


# --------------------------------------------------------------------------------------
# Spec parsing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ParamSet:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.required + self.optional)

    def matches(self, given: frozenset[str]) -> bool:
        return set(self.required) <= given <= self.keys

    def describe(self) -> str:
        opt = "".join(f"[, {k}]" for k in self.optional)
        return "{" + ", ".join(self.required) + opt + "}"


@dataclass(frozen=True)
class _DistInfo:
    sets: tuple[_ParamSet, ...]
    build: Any  # Callable[..., Distribution] taking the matched keys as keyword arguments
    positional: tuple[str, ...] | None  # order for the compact string form; None = keywords only
    accepted: str = ""

    @property
    def all_params(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.sets:
            for k in s.required + s.optional:
                seen[k] = None
        return tuple(seen)

    def describe(self) -> str:
        return self.accepted or " | ".join(s.describe() for s in self.sets)


def _build_lognormal(**kw: float) -> LogNormal:
    if "median" in kw:
        return LogNormal.from_median_p95(kw["median"], kw["p95"])
    if "p5" in kw:
        return LogNormal.from_interval(kw["p5"], kw["p95"])
    if "mean" in kw:
        return LogNormal.from_mean_sd(kw["mean"], kw["sd"])
    return LogNormal(kw["mu"], kw["sigma"])


def _build_gamma(**kw: float) -> Gamma:
    if "mean" in kw:
        return Gamma.from_mean_sd(kw["mean"], kw["sd"])
    return Gamma(kw["shape"], kw["scale"])


def _build_exponential(**kw: float) -> Exponential:
    if "rate" in kw:
        return Exponential.from_rate(kw["rate"])
    return Exponential(kw["mean"])


def _build_truncnormal(**kw: float) -> TruncNormal:
    return TruncNormal.from_normal(kw["mean"], kw["sd"], kw.get("min"), kw.get("max"))


_P = _ParamSet
_REGISTRY: dict[str, _DistInfo] = {
    "fixed": _DistInfo((_P(("value",)),), Fixed, ("value",)),
    "uniform": _DistInfo((_P(("min", "max")),), Uniform, ("min", "max")),
    "triangular": _DistInfo((_P(("min", "mode", "max")),), Triangular, ("min", "mode", "max")),
    "pert": _DistInfo(
        (_P(("min", "mode", "max"), ("lamb",)),), PERT, ("min", "mode", "max", "lamb")
    ),
    "normal": _DistInfo((_P(("mean", "sd")),), Normal, ("mean", "sd")),
    "truncnormal": _DistInfo(
        (_P(("mean", "sd", "min"), ("max",)), _P(("mean", "sd", "max"), ("min",))),
        _build_truncnormal,
        ("mean", "sd", "min", "max"),
        accepted="mean, sd, and min and/or max",
    ),
    "lognormal": _DistInfo(
        (_P(("median", "p95")), _P(("p5", "p95")), _P(("mean", "sd")), _P(("mu", "sigma"))),
        _build_lognormal,
        None,
    ),
    "gamma": _DistInfo((_P(("shape", "scale")), _P(("mean", "sd"))), _build_gamma, None),
    "weibull": _DistInfo((_P(("shape", "scale")),), Weibull, ("shape", "scale")),
    "exponential": _DistInfo((_P(("mean",)), _P(("rate",))), _build_exponential, None),
    "poisson": _DistInfo((_P(("mean",)),), Poisson, ("mean",)),
    "empirical": _DistInfo((_P(("samples",)),), Empirical, None),
}
_ALIASES: dict[str, str] = {"truncated_normal": "truncnormal"}

#: Accepted distribution names (canonical names and aliases).
DISTRIBUTION_NAMES: tuple[str, ...] = tuple(_REGISTRY) + tuple(_ALIASES)


def _suggest(word: str, candidates: Sequence[str]) -> str | None:
    hits = difflib.get_close_matches(word.lower(), list(candidates), n=1, cutoff=0.6)
    return hits[0] if hits else None


def _canonical_name(name: Any) -> str:
    if not isinstance(name, str):
        raise DistributionSpecError(
            f"dist (={name!r}) must be a distribution name such as 'pert'",
            key="dist",
            value=name,
            expected="one of " + ", ".join(DISTRIBUTION_NAMES),
        )
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key in _REGISTRY:
        return key
    hint = _suggest(key, DISTRIBUTION_NAMES)
    tail = f"did you mean '{hint}'?" if hint else "known: " + ", ".join(DISTRIBUTION_NAMES)
    raise DistributionSpecError(
        f"unknown distribution {name!r}; {tail}",
        key="dist",
        value=name,
        expected="one of " + ", ".join(DISTRIBUTION_NAMES),
    )


def _parse_mapping(spec: Mapping[Any, Any]) -> Distribution:
    if "dist" not in spec:
        keys = [str(k) for k in spec]
        near = [k for k in keys if _suggest(k, ["dist"])]
        hint = f" (did you mean 'dist' instead of {near[0]!r}?)" if near else ""
        raise DistributionSpecError(
            f"distribution spec {dict(spec)!r} has no 'dist' key{hint}",
            key="dist",
            value=None,
            expected="a 'dist' key naming the distribution",
        )
    name = _canonical_name(spec["dist"])
    info = _REGISTRY[name]
    params = {k: v for k, v in spec.items() if k != "dist"}
    allowed = info.all_params

    try:
        for k in params:
            if not isinstance(k, str) or k not in allowed:
                hint = _suggest(str(k), allowed)
                tail = (
                    f"did you mean '{hint}'?" if hint else f"accepted parameters: {info.describe()}"
                )
                raise DistributionSpecError(
                    f"unknown parameter {str(k)!r} for {name}; {tail}",
                    key=str(k),
                    value=params[k],
                    expected=info.describe(),
                )

        given = frozenset(params)
        matched = [s for s in info.sets if s.matches(given)]
        if not matched:
            best = max(info.sets, key=lambda s: len(given & s.keys))  # first wins ties
            extra = [k for k in params if k not in best.keys]
            if extra:
                others = ", ".join(repr(k) for k in params if k in best.keys)
                raise DistributionSpecError(
                    f"parameter {extra[0]!r} cannot be combined with {others} for {name}; "
                    f"give exactly one of {info.describe()}",
                    key=extra[0],
                    value=params[extra[0]],
                    expected=info.describe(),
                )
            missing = [k for k in best.required if k not in given]
            raise DistributionSpecError(
                f"missing parameter {missing[0]!r} for {name}; expected {info.describe()}",
                key=missing[0],
                value=None,
                expected=info.describe(),
            )

        if name == "empirical":
            return Empirical(params["samples"])
        values = {k: _to_float(k, v) for k, v in params.items()}
        return info.build(**values)
    except DistributionSpecError as exc:
        if exc.dist is None:
            exc.dist = name
        raise


_CALL_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$", re.DOTALL)
_ARG_RE = re.compile(r"^\s*(?:([A-Za-z_][A-Za-z0-9_]*)\s*=\s*)?(\S(?:.*\S)?)\s*$", re.DOTALL)


def _parse_string(text: str) -> Distribution:
    try:
        return Fixed(float(text))
    except (ValueError, DistributionSpecError):
        pass
    m = _CALL_RE.match(text)
    if not m:
        raise DistributionSpecError(
            f"cannot parse distribution {text!r}; expected e.g. 'pert(1, 2, 5)'",
            key="",
            value=text,
            expected="a string like 'pert(1, 2, 5)' or 'lognormal(p5=1000, p95=50000)'",
        )
    name = _canonical_name(m.group(1))
    info = _REGISTRY[name]
    body = m.group(2).strip()
    args = body.split(",") if body else []
    positional: list[str] = []
    keywords: dict[str, str] = {}
    for raw in args:
        am = _ARG_RE.match(raw)
        if not am:
            raise DistributionSpecError(
                f"empty argument in {text!r}", key="", value=text, expected="comma-separated values"
            )
        key, val = am.group(1), am.group(2)
        if key is None:
            if keywords:
                raise DistributionSpecError(
                    f"positional argument {val!r} follows keyword argument in {text!r}",
                    key="",
                    value=text,
                    expected="positional arguments before keyword arguments",
                )
            positional.append(val)
        else:
            if key in keywords:
                raise DistributionSpecError(
                    f"parameter {key!r} given twice in {text!r}",
                    key=key,
                    value=val,
                    expected="each parameter at most once",
                )
            keywords[key] = val

    spec: dict[str, Any] = {"dist": name}
    if name == "empirical":
        if keywords:
            k = next(iter(keywords))
            raise DistributionSpecError(
                f"empirical takes its samples as positional arguments, e.g. "
                f"'empirical(1, 2, 3)', not {k}=...",
                key=k,
                value=keywords[k],
                expected="positional sample values",
            )
        spec["samples"] = positional
        return _parse_mapping(spec)
    if positional:
        order = info.positional
        if order is None:
            raise DistributionSpecError(
                f"{name} needs keyword arguments ({info.describe()}), e.g. "
                + (
                    "'lognormal(p5=1000, p95=50000)'"
                    if name == "lognormal"
                    else f"'{name}({info.sets[0].required[0]}=...)'"
                ),
                key="",
                value=text,
                expected=f"keyword arguments: {info.describe()}",
            )
        if len(positional) > len(order):
            raise DistributionSpecError(
                f"{name} takes at most {len(order)} positional arguments "
                f"({', '.join(order)}), got {len(positional)}",
                key="",
                value=text,
                expected=f"at most {len(order)} positional arguments",
            )
        spec.update(zip(order, positional, strict=False))
    for k, v in keywords.items():
        if k in spec:
            raise DistributionSpecError(
                f"got multiple values for {k!r} in {text!r}",
                key=k,
                value=v,
                expected="each parameter at most once",
            )
        spec[k] = v
    return _parse_mapping(spec)


def parse_distribution(spec: Any) -> Distribution:
    """Build a :class:`Distribution` from a spec.

    Accepted forms:

    * a plain number (not bool) -> :class:`Fixed`;
    * a mapping with a ``dist`` key (case-insensitive name) plus parameters, e.g.
      ``{"dist": "pert", "min": 1, "mode": 2, "max": 5}`` or
      ``{"dist": "lognormal", "p5": 1000, "p95": 50000}``;
    * a compact string such as ``"pert(1, 2, 5)"`` or ``"lognormal(p5=1000, p95=50000)"``
      (keywords required for lognormal, gamma and exponential);
    * an existing :class:`Distribution`, returned unchanged.

    Raises:
        DistributionSpecError: for any invalid spec, with ``key``, ``value`` and ``expected``.
    """
    if isinstance(spec, Distribution):
        return spec
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        value = float(spec)
        if not math.isfinite(value):
            raise DistributionSpecError(
                f"fixed value (={spec!r}) must be a finite number",
                key="",
                value=spec,
                expected="a finite number",
            )
        return Fixed(value)
    if isinstance(spec, str):
        return _parse_string(spec)
    if isinstance(spec, Mapping):
        return _parse_mapping(spec)
    raise DistributionSpecError(
        f"cannot interpret {spec!r} as a distribution",
        key="",
        value=spec,
        expected="a number, a string like 'pert(1, 2, 5)' or a mapping with a 'dist' key",
    )
