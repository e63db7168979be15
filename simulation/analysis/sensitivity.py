"""Sensitivity analysis: which assumption changes the answer, and where the preferred option flips.

Generic algorithms work on any function of parameter quantiles (tests use toy models with known
answers); the `*_model` functions evaluate the simulator at design points through
`montecarlo.runner.run_points`, where every point reuses the same replication streams (common
random numbers), so differences between points come from the parameters, not simulation noise.

- one-at-a-time (tornado, spider): each parameter at low/high quantiles, the others at medians;
- global (Sobol first- and total-order indices with bootstrap intervals, scipy.stats), valid
  for independent inputs;
- global and valid for correlated inputs (Borgonovo's moment-independent delta and the given-data
  first-order index from one sample of the joint distribution, correlations imposed; SALib's
  estimators of Plischke, Borgonovo & Smith 2013 with a seeded bootstrap);
- break-even of one swept parameter and a two-parameter decision map;
- structural variants of the config against every scenario (`analysis.structural`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from simulation.analysis.structural import cheapest_shares, structural_grid
from simulation.config.scenario import find_uncertain, scenario_spec
from simulation.config.schema import Experiment, SamplingMethod
from simulation.montecarlo.runner import RunPlan, run_points
from simulation.montecarlo.sampling import ParameterDesign, PointDesign
from simulation.montecarlo.streams import parameter_stream

Statistic = Literal["mean", "difference", "quantile"]


@dataclass(frozen=True)
class Output:
    """What a sensitivity analysis explains.

    - `mean`: the mean of `column` in `scenario` (e.g. its mean NPV cost);
    - `difference`: the mean paired difference `scenario - baseline` of `column`;
    - `quantile`: the `q` quantile of `column` in `scenario` (e.g. P95 downtime hours).
    """

    statistic: Statistic
    scenario: str
    column: str = "cost_npv_eur"
    baseline: str | None = None
    q: float = 0.95

    def __post_init__(self) -> None:
        if self.statistic == "difference" and not self.baseline:
            raise ValueError("output statistic 'difference' needs a baseline scenario")
        if self.statistic not in ("mean", "difference", "quantile"):
            raise ValueError(
                f"statistic (={self.statistic!r}) must be mean, difference or quantile"
            )

    @property
    def scenarios(self) -> tuple[str, ...]:
        return (self.scenario, self.baseline) if self.baseline else (self.scenario,)

    def evaluate(self, frame: pd.DataFrame) -> float:
        """The output on the replications of one design point."""
        values = frame.loc[frame["scenario"] == self.scenario].set_index("replication")[self.column]
        if self.statistic == "mean":
            return float(values.mean())
        if self.statistic == "quantile":
            return float(values.quantile(self.q))
        base = frame.loc[frame["scenario"] == self.baseline].set_index("replication")[self.column]
        return float((values - base).dropna().mean())

    def describe(self) -> str:
        if self.statistic == "mean":
            return f"mean {self.column} of {self.scenario}"
        if self.statistic == "quantile":
            return f"P{round(self.q * 100)} {self.column} of {self.scenario}"
        return f"mean {self.column} of {self.scenario} minus {self.baseline}"


# -- generic algorithms -----------------------------------------------------------------------

QuantileFunction = Callable[[list[dict[str, float]]], np.ndarray]
"""Maps design points (parameter -> quantile in (0, 1)) to one output value per point."""


def one_at_a_time(
    evaluate: QuantileFunction,
    parameters: Sequence[str],
    low: float = 0.1,
    high: float = 0.9,
) -> pd.DataFrame:
    """Tornado data: each parameter at its `low` and `high` quantile, the others at medians.

    Returns one row per parameter with `output_low`, `output_high`, `swing` (|high - low|) and
    `baseline` (all at medians), sorted by swing, largest first.
    """
    points = [{}]
    for p in parameters:
        points += [{p: low}, {p: high}]
    values = np.asarray(evaluate(points), dtype=float)
    baseline = values[0]
    rows = [
        {
            "parameter": p,
            "output_low": values[1 + 2 * i],
            "output_high": values[2 + 2 * i],
            "baseline": baseline,
        }
        for i, p in enumerate(parameters)
    ]
    table = pd.DataFrame(rows)
    table["swing"] = (table["output_high"] - table["output_low"]).abs()
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def spider(
    evaluate: QuantileFunction,
    parameters: Sequence[str],
    percentiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
) -> pd.DataFrame:
    """Spider data: the output with one parameter at each percentile, the others at medians."""
    points = [{p: q} for p in parameters for q in percentiles]
    values = np.asarray(evaluate(points), dtype=float)
    return pd.DataFrame(
        {
            "parameter": [p for p in parameters for _ in percentiles],
            "percentile": [q for _ in parameters for q in percentiles],
            "output": values,
        }
    )


def sobol_indices(
    evaluate: QuantileFunction,
    parameters: Sequence[str],
    n: int,
    seed: int = 0,
    confidence: float = 0.95,
    n_resamples: int = 500,
) -> pd.DataFrame:
    """First- and total-order Sobol indices with bootstrap intervals (scipy.stats.sobol_indices).

    `n` must be a power of two; the function is evaluated n × (d + 2) times. Parameters are
    sampled as quantiles (uniform on (0, 1)); `evaluate` maps them through their distributions.
    """
    if n < 2 or n & (n - 1):
        raise ValueError(f"n (={n}) must be a power of two")
    names = list(parameters)

    def func(x: np.ndarray) -> np.ndarray:
        u = np.clip(x, 1e-9, 1 - 1e-9)
        points = [dict(zip(names, column, strict=True)) for column in u.T]
        return np.asarray(evaluate(points), dtype=float)[np.newaxis, :]

    result = stats.sobol_indices(
        func=func, n=n, dists=[stats.uniform(0, 1)] * len(names), rng=np.random.default_rng(seed)
    )
    boot = result.bootstrap(confidence_level=confidence, n_resamples=n_resamples)
    return pd.DataFrame(
        {
            "parameter": names,
            "first_order": np.ravel(result.first_order),
            "first_ci_low": np.ravel(boot.first_order.confidence_interval.low),
            "first_ci_high": np.ravel(boot.first_order.confidence_interval.high),
            "total_order": np.ravel(result.total_order),
            "total_ci_low": np.ravel(boot.total_order.confidence_interval.low),
            "total_ci_high": np.ravel(boot.total_order.confidence_interval.high),
        }
    )


def sobol_cost(n: int, d: int) -> int:
    """Evaluations of the function a Sobol analysis needs (Saltelli design: n × (d + 2))."""
    return n * (d + 2)


@dataclass(frozen=True)
class SobolReadability:
    """Whether Sobol estimates can be read, why not, and how many base samples would settle
    them (`sobol_readability`)."""

    readable: bool
    n: int | None  # base samples the estimates come from (None: not known)
    parameters: int
    first_order_sum: float
    first_above_total: int  # parameters whose first-order index exceeds their total-order index
    widest_half_width: float  # of the intervals of both indices (NaN without intervals)
    error: float  # the largest error the estimates show (see `sobol_readability`)
    sample_factor: float  # times the base samples that would bring the error to the target
    recommended_n: int | None  # n × sample_factor as a power of two (n if readable)
    reasons: tuple[str, ...]  # of "first_order_sum", "first_above_total", "wide_intervals"


def sobol_readability(
    table: pd.DataFrame, n: int | None = None, half_width: float = 0.05
) -> SobolReadability:
    """Whether the Sobol indices of `sobol_indices` (n base samples) are precise enough to read.

    Indices are shares of the variance: the first-order indices sum to at most 1 and none
    exceeds its total-order index. Estimates from too few samples break both (a first-order
    sum of 1.28, first-order above total-order for half the parameters) and have wide
    intervals. They are unreadable when the first-order sum exceeds 1 by more than
    `half_width`, a first-order index exceeds its total-order index by more than `half_width`,
    or an interval reaches further than ±`half_width` (reasons "first_order_sum",
    "first_above_total", "wide_intervals"; `first_above_total` counts every parameter whose
    first-order index is the larger, as the bars show it).

    The error is the largest of the widest interval half-width, the first-order sum's excess
    over 1 and the largest excess of a first-order over its total-order index. Errors shrink as
    1/sqrt(n), so `sample_factor` = (error / half_width)² times the base samples bring it to
    ±`half_width`; `recommended_n` is n times that, rounded up to a power of two (as
    `sobol_indices` needs). More replications per design point reduce simulation noise too,
    but not the sampling error of the indices. At very small n the bootstrap intervals are
    themselves unstable (reaching past 1), so the recommendation is then a generous bound.
    """
    if half_width <= 0:
        raise ValueError(f"half_width (={half_width}) must be > 0")

    def column(name: str) -> np.ndarray:
        return table[name].to_numpy(float) if name in table else np.full(len(table), np.nan)

    first, total = column("first_order"), column("total_order")
    widths = np.concatenate(
        [
            (column("first_ci_high") - column("first_ci_low")) / 2,
            (column("total_ci_high") - column("total_ci_low")) / 2,
        ]
    )
    widths = widths[np.isfinite(widths)]
    widest = float(widths.max()) if widths.size else math.nan
    first_sum = float(np.nansum(first))
    excess = first - total
    excess = excess[np.isfinite(excess)]
    above = float(excess.max()) if excess.size else 0.0
    checks = (
        ("first_order_sum", first_sum - 1.0),
        ("first_above_total", above),
        ("wide_intervals", widest if widths.size else 0.0),
    )
    reasons = tuple(name for name, error in checks if error > half_width)
    error = max(max(e for _, e in checks), 0.0)
    factor = max((error / half_width) ** 2, 1.0) if reasons else 1.0
    recommended = None
    if n is not None:
        recommended = n if not reasons else 2 ** math.ceil(math.log2(n * factor) - 1e-9)
    return SobolReadability(
        readable=not reasons,
        n=n,
        parameters=len(table),
        first_order_sum=first_sum,
        first_above_total=int((excess > 0).sum()),
        widest_half_width=widest,
        error=error,
        sample_factor=factor,
        recommended_n=recommended,
        reasons=reasons,
    )


# -- moment-independent (delta) and given-data first-order indices ----------------------------


def delta_classes(n: int) -> int:
    """Equal-frequency classes of a parameter's ranks for the given-data estimators at n points.

    The rule of Plischke, Borgonovo & Smith (2013) as SALib applies it: about n^(1/4) classes
    for a few hundred points rising to n^(1/3) above 2,000, at most 48 (5 at n = 256, 12 at
    n = 2,048). Fewer classes than that blur the conditional distributions (the indices come out
    low), more leave too few points per class (they come out high).
    """
    exponent = 2.0 / (7.0 + math.tanh((1500.0 - n) / 500.0))
    return int(min(math.ceil(n**exponent), 48))


def _indices_from_data(
    x: np.ndarray, y: np.ndarray, resamples: np.ndarray, confidence: float
) -> tuple[float, float, float, float, float, float]:
    """delta and S1 of one parameter with bias-reduced bootstrap intervals (eq. 30 of
    Plischke et al. 2013): estimate 2 d - mean(d*), interval the percentiles of 2 d - d*."""
    from SALib.analyze.delta import calc_delta, sobol_first  # deterministic: no global state

    bounds = np.linspace(0, y.size, delta_classes(y.size) + 1)
    grid = np.linspace(y.min(), y.max(), 100)
    tails = (50 * (1 - confidence), 50 * (1 + confidence))
    out: list[float] = []
    for index in (
        lambda xs, ys: calc_delta(ys, grid, xs, bounds),
        lambda xs, ys: sobol_first(ys, xs, bounds),
    ):
        estimate = float(index(x, y))
        corrected = 2 * estimate - np.array([index(x[r], y[r]) for r in resamples])
        low, high = np.percentile(corrected, tails)
        out += [float(corrected.mean()), float(low), float(high)]
    return tuple(out)


def delta_table(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    seed: int = 0,
    confidence: float = 0.95,
    n_resamples: int = 100,
) -> pd.DataFrame:
    """Moment-independent and first-order indices from given data (columns of `x` vs `y`).

    `delta` (Borgonovo 2007) is half the expected L1 distance between the density of the output
    and its density given the parameter: 0 when knowing the parameter leaves the output's whole
    distribution unchanged, 1 at most. `first_order` is Var(E[Y | X_i]) / Var(Y), the share of
    the variance the parameter explains; from given data it includes what the parameter carries
    through correlated partners, and equals the Sobol first-order index for independent inputs.
    Both are rank-based in X (any monotone transform of a column gives the same index) and
    estimated by SALib's given-data estimators with `delta_classes(n)` classes, bias-reduced by
    `n_resamples` bootstrap samples (a seeded generator: the same intervals for the same seed).

    `noise_delta` and `noise_first_order` are the upper interval bounds of a dummy column, a
    random order that does not enter the output: indices below them cannot be told from no
    influence at this sample size.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = y.size
    if x.shape != (n, len(names)):
        raise ValueError(f"x (shape {x.shape}) must have {n} rows and {len(names)} columns")
    if n < 20:
        raise ValueError(f"n (={n}) must be at least 20 for given-data indices")
    columns = ["delta", "delta_ci_low", "delta_ci_high"]
    columns += ["first_order", "first_ci_low", "first_ci_high"]
    rows = np.zeros((len(names) + 1, len(columns)))
    if np.ptp(y) > 0:  # a constant output depends on nothing: all indices zero
        resamples = parameter_stream(seed, "sensitivity:delta:bootstrap").integers(
            n, size=(n_resamples, n)
        )
        dummy = parameter_stream(seed, "sensitivity:delta:dummy").permutation(n)
        from threadpoolctl import threadpool_limits

        # thousands of one-dimensional kernel estimates: BLAS threads only contend (one
        # thread makes them 10 to 50 times faster on a busy machine)
        with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib's notes on classes of equal outputs
            for i, column in enumerate([*x.T, dummy]):
                rows[i] = _indices_from_data(column, y, resamples, confidence)
    table = pd.DataFrame(rows[:-1], columns=columns)
    table.insert(0, "parameter", list(names))
    table["noise_delta"] = rows[-1, 2]
    table["noise_first_order"] = rows[-1, 5]
    return table.sort_values("delta", ascending=False, kind="stable").reset_index(drop=True)


def delta_design(
    parameters: Sequence[str],
    n: int,
    correlations: Sequence[tuple[str, str, float]] = (),
    seed: int = 0,
) -> list[dict[str, float]]:
    """n points of the parameters' joint distribution as quantiles, correlations imposed.

    A Latin hypercube reordered by Iman–Conover to the rank correlations, the sampler of a run
    (`montecarlo.sampling.ParameterDesign`), on its own stream of `seed`.
    """
    design_seed = int(parameter_stream(seed, "sensitivity:delta:design").integers(2**62))
    design = ParameterDesign(
        list(parameters), SamplingMethod.LHS, design_seed, n, list(correlations)
    )
    return [design.uniforms(i) for i in range(n)]


def delta_indices(
    evaluate: QuantileFunction,
    parameters: Sequence[str],
    n: int,
    seed: int = 0,
    correlations: Sequence[tuple[str, str, float]] = (),
    focus: Sequence[str] | None = None,
    confidence: float = 0.95,
    n_resamples: int = 100,
) -> pd.DataFrame:
    """delta and given-data first-order indices (`delta_table`) of `focus` (default: all).

    The function is evaluated once at each of n points drawn from the joint distribution of
    all `parameters` (`delta_design`: quantiles, the rank `correlations` imposed), so the cost
    is n evaluations whatever the number of parameters, and the indices are valid with
    correlated inputs: each one then includes what the parameter carries through its partners.
    """
    points = delta_design(parameters, n, correlations, seed)
    names = list(focus) if focus is not None else list(parameters)
    unknown = [p for p in names if p not in points[0]]
    if unknown:
        raise ValueError(f"focus parameter {unknown[0]!r} is not among the parameters")
    y = np.asarray(evaluate(points), dtype=float)
    x = np.array([[point[p] for p in names] for point in points]).reshape(n, len(names))
    return delta_table(x, y, names, seed, confidence, n_resamples)


def find_break_even(
    x: Sequence[float],
    difference: Sequence[float],
    ci_low: Sequence[float] | None = None,
    ci_high: Sequence[float] | None = None,
) -> dict[str, float]:
    """Where a difference (cost A - cost B) crosses zero along a sweep, by linear interpolation.

    Returns `break_even` (NaN if no sign change), and the band where the confidence interval
    of the difference contains zero (`band_low`, `band_high`; NaN if it never does): inside the
    band the preferred option is not clear.
    """
    x = np.asarray(x, dtype=float)
    d = np.asarray(difference, dtype=float)

    def crossing(y: np.ndarray) -> float:
        sign = np.sign(y)
        for i in range(len(y) - 1):
            if sign[i] == 0:
                return float(x[i])
            if sign[i] * sign[i + 1] < 0:
                return float(x[i] + (x[i + 1] - x[i]) * y[i] / (y[i] - y[i + 1]))
        return float(x[-1]) if sign[-1] == 0 else math.nan

    out = {"break_even": crossing(d), "band_low": math.nan, "band_high": math.nan}
    if ci_low is not None and ci_high is not None:
        lo = np.asarray(ci_low, dtype=float)
        hi = np.asarray(ci_high, dtype=float)
        unclear = (lo <= 0) & (hi >= 0)
        edges = [crossing(lo), crossing(hi)]
        if unclear.any():
            edges += [float(x[unclear].min()), float(x[unclear].max())]
        finite = [e for e in edges if not math.isnan(e)]
        if finite:
            out["band_low"], out["band_high"] = min(finite), max(finite)
    return out


# -- the simulator as a function of parameters ------------------------------------------------


@dataclass
class ModelEvaluator:
    """Evaluates an output of the simulator at design points, on common random numbers.

    Design points give quantiles of uncertain parameters (`quantiles`) and/or values of any
    parameter (`values`). With `medians`, every uncertain parameter not set by a point sits at
    its median; otherwise it varies across the replications along a Latin hypercube (the same
    draws at every point).
    """

    experiment: Experiment
    output: Output
    runs: int
    seed: int
    jobs: int | None = None
    medians: bool = True
    on_progress: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        self.plan = RunPlan(self.experiment, self.output.scenarios, self.runs, self.seed)
        self.base = self.design_for(self.plan)

    def design_for(self, plan: RunPlan) -> ParameterDesign:
        """The parameters varying across replications: a Latin hypercube (scipy.stats.qmc), so
        that even a few replications per design point cover each parameter's whole range."""
        design = plan.design()
        return ParameterDesign(
            design.paths, SamplingMethod.LHS, plan.seed, plan.runs, design.correlations
        )

    def model_runs(self, n_points: int) -> int:
        """Replications the evaluation of `n_points` design points costs."""
        return n_points * self.runs * len(self.output.scenarios)

    def frames(
        self, quantiles: list[dict[str, float]], values: list[dict[str, float]] | None = None
    ) -> pd.DataFrame:
        values = values or [{} for _ in quantiles]
        points = [
            PointDesign(self.base, q, v, medians=self.medians)
            for q, v in zip(quantiles, values, strict=True)
        ]
        return run_points(self.plan, points, self.jobs, self.on_progress)

    def __call__(self, quantiles: list[dict[str, float]]) -> np.ndarray:
        frame = self.frames(quantiles)
        return np.array([self.output.evaluate(g) for _, g in frame.groupby("point", sort=True)])


def uncertain_parameters(experiment: Experiment, scenarios: Sequence[str]) -> dict[str, object]:
    """The uncertain parameters of the given scenarios: path -> distribution (first one found)."""
    found: dict[str, object] = {}
    for name in scenarios:
        for path, unc in find_uncertain(scenario_spec(experiment, name)):
            found.setdefault(path, unc.dist)
    return found


def tornado_model(
    evaluator: ModelEvaluator,
    parameters: Sequence[str] | None = None,
    low: float = 0.1,
    high: float = 0.9,
) -> pd.DataFrame:
    """Tornado table of the simulator, with each parameter's values at the low/high quantiles."""
    dists = uncertain_parameters(evaluator.experiment, evaluator.output.scenarios)
    names = list(parameters) if parameters else list(dists)
    table = one_at_a_time(evaluator, names, low, high)
    table["low_value"] = [float(dists[p].ppf(low)) for p in table["parameter"]]
    table["high_value"] = [float(dists[p].ppf(high)) for p in table["parameter"]]
    return table


def spider_model(
    evaluator: ModelEvaluator,
    parameters: Sequence[str] | None = None,
    percentiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
) -> pd.DataFrame:
    dists = uncertain_parameters(evaluator.experiment, evaluator.output.scenarios)
    names = list(parameters) if parameters else list(dists)
    table = spider(evaluator, names, percentiles)
    table["value"] = [
        float(dists[p].ppf(q)) for p, q in zip(table["parameter"], table["percentile"], strict=True)
    ]
    return table


def delta_model(
    evaluator: ModelEvaluator,
    parameters: Sequence[str] | None = None,
    n: int = 256,
    seed: int | None = None,
) -> pd.DataFrame:
    """delta and given-data first-order indices of the simulator (`delta_indices`).

    Every design point sets all uncertain parameters of the output's scenarios, drawn from
    their joint distribution with the config's correlations; `parameters` (default: all) are
    the ones reported. Each point runs the evaluator's replications on the same streams
    (common random numbers), so n × runs × scenarios model runs in all.
    """
    dists = uncertain_parameters(evaluator.experiment, evaluator.output.scenarios)
    return delta_indices(
        evaluator,
        list(dists),
        n,
        seed=evaluator.seed if seed is None else seed,
        correlations=evaluator.experiment.correlation_pairs(),
        focus=list(parameters) if parameters else None,
    )


def sweep_model(
    evaluator: ModelEvaluator,
    parameter: str,
    values: Sequence[float],
    a: str,
    b: str,
    column: str = "cost_npv_eur",
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Sweep one parameter and compare scenarios a and b at each value (paired on CRN).

    Returns per value the mean difference a - b with its t interval and the probability that a
    is cheaper, and the break-even point with its band.
    """
    frame = evaluator.frames([{} for _ in values], [{parameter: float(v)} for v in values])
    rows = []
    for i, value in enumerate(values):
        g = frame[frame["point"] == i]
        diff = (
            g[g["scenario"] == a].set_index("replication")[column]
            - g[g["scenario"] == b].set_index("replication")[column]
        ).dropna()
        n = len(diff)
        se = diff.std(ddof=1) / math.sqrt(n) if n > 1 else math.nan
        t = stats.t.ppf(0.5 + confidence / 2, n - 1) if n > 1 else math.nan
        rows.append(
            {
                "value": float(value),
                "mean_difference": float(diff.mean()),
                "ci_low": float(diff.mean() - t * se),
                "ci_high": float(diff.mean() + t * se),
                "p_a_cheaper": float(((diff < 0) + 0.5 * (diff == 0)).mean()),
            }
        )
    table = pd.DataFrame(rows)
    flip = find_break_even(
        table["value"], table["mean_difference"], table["ci_low"], table["ci_high"]
    )
    return table, flip


def decision_map_model(
    evaluator: ModelEvaluator,
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    scenarios: Sequence[str],
    column: str = "cost_npv_eur",
) -> pd.DataFrame:
    """Two parameters on a grid: the preferred scenario (lowest mean) and P(it is cheapest)."""
    (px, xs), (py, ys) = x, y
    grid = [(vx, vy) for vy in ys for vx in xs]
    frame = evaluator.frames(
        [{} for _ in grid], [{px: float(vx), py: float(vy)} for vx, vy in grid]
    )
    rows = []
    for i, (vx, vy) in enumerate(grid):
        wide = frame[frame["point"] == i].pivot(
            index="replication", columns="scenario", values=column
        )
        wide = wide[list(scenarios)].dropna()
        means = wide.mean()
        preferred = str(means.idxmin())
        share = cheapest_shares(wide)
        rows.append(
            {
                "x": float(vx),
                "y": float(vy),
                "preferred": preferred,
                "p_cheapest": float(share[preferred]),
                **{f"mean_{s}": float(means[s]) for s in scenarios},
            }
        )
    return pd.DataFrame(rows)


# -- the `sensitivity` section of a config ----------------------------------------------------


@dataclass
class SensitivityResult:
    """Tables of one sensitivity analysis (None where a method was not run)."""

    output: Output
    runs: int
    seed: int
    sobol_runs: int | None = None  # replications per Sobol design point, if not `runs`
    tornado: pd.DataFrame | None = None
    spider: pd.DataFrame | None = None
    sobol: pd.DataFrame | None = None
    delta: pd.DataFrame | None = None
    delta_runs: int | None = None  # replications per delta design point
    break_even: pd.DataFrame | None = None
    flip: dict[str, float] | None = None
    decision_map: pd.DataFrame | None = None
    structural: pd.DataFrame | None = None
    structural_runs: int | None = None  # replications per variant and scenario
    # the config's rank correlations (path a, path b, Spearman rho), empty when independent
    correlations: list[tuple[str, str, float]] = field(default_factory=list)


def output_of(settings) -> Output:
    """The Output described by a config's `sensitivity.output` block."""
    o = settings.output
    return Output(o.statistic, o.scenario, o.column, o.baseline, o.q)


def focus_parameters(
    experiment: Experiment, settings, method: str, tornado: pd.DataFrame | None = None
) -> list[str]:
    """The parameters a method studies.

    The tornado covers `parameters` (default: every uncertain parameter of the output's
    scenarios). The spider and Sobol analyses, which cost more per parameter, cover their own
    list (`sobol_parameters` for Sobol, `parameters` for the spider) or else the `top`
    parameters with the largest tornado swing (when the tornado runs), or all. The delta
    analysis costs the same for any number of parameters: it reports `delta_parameters`, or
    else the tornado's.
    """
    output = output_of(settings)
    every = list(settings.parameters) or list(uncertain_parameters(experiment, output.scenarios))
    if method == "tornado":
        return every
    if method == "delta":
        return list(settings.delta_parameters) or every
    explicit = list(settings.sobol_parameters if method == "sobol" else settings.parameters)
    if explicit:
        return explicit
    methods = {getattr(m, "value", m) for m in settings.methods}
    if "tornado" in methods:
        if tornado is not None:
            return list(tornado["parameter"].head(settings.top))
        return every[: settings.top]  # (for counting only: the same number of parameters)
    return every


def planned_model_runs(experiment: Experiment, settings, runs: int | None = None) -> dict[str, int]:
    """Replications each method of the section will simulate (printed before starting)."""
    runs = runs or settings.runs
    output = output_of(settings)
    n_scenarios = len(output.scenarios)
    plan: dict[str, int] = {}
    for method in settings.methods:
        name = getattr(method, "value", method)
        d = len(focus_parameters(experiment, settings, name))
        if name == "tornado":
            plan[name] = (2 * d + 1) * runs * n_scenarios
        elif name == "spider":
            plan[name] = d * len(settings.percentiles) * runs * n_scenarios
        elif name == "sobol":
            sobol_runs = settings.sobol_runs or runs
            plan[name] = sobol_cost(settings.sobol_n, d) * sobol_runs * n_scenarios
        elif name == "delta":
            plan[name] = settings.delta_n * (settings.delta_runs or runs) * n_scenarios
        elif name == "break_even":
            plan[name] = len(settings.break_even.sweep.grid()) * runs * 2
        elif name == "decision_map":
            dm = settings.decision_map
            scenarios = len(dm.scenarios) or len(experiment.scenarios)
            plan[name] = len(dm.x.grid()) * len(dm.y.grid()) * runs * scenarios
        elif name == "structural":
            st = settings.structural
            plan[name] = (len(st.variants) + 1) * st.runs * len(experiment.scenarios)
    return plan


def _global_indices(
    experiment: Experiment,
    settings,
    methods: set[str],
    result: SensitivityResult,
    jobs: int | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    """The Sobol and delta indices of the section into `result` (after its tornado)."""
    output, runs, seed = result.output, result.runs, result.seed
    if "sobol" in methods:
        names = focus_parameters(experiment, settings, "sobol", result.tornado)
        model = ModelEvaluator(
            experiment, output, settings.sobol_runs or runs, seed, jobs, False, on_progress
        )
        result.sobol = sobol_indices(model, names, settings.sobol_n, seed=seed)
        result.sobol_runs = model.runs
    if "delta" in methods:
        names = focus_parameters(experiment, settings, "delta", result.tornado)
        model = ModelEvaluator(
            experiment, output, settings.delta_runs or runs, seed, jobs, True, on_progress
        )
        result.delta = delta_model(model, names, settings.delta_n, seed)
        result.delta_runs = model.runs


def run_sensitivity(
    experiment: Experiment,
    settings,
    runs: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    variants: dict[str, Experiment] | None = None,
) -> SensitivityResult:
    """Run every method of a config's `sensitivity` section on common random numbers.

    The structural method needs `variants`, the baseline and variant experiments
    (`config.variants.variant_experiments`); it runs `structural.runs` replications each.
    """
    runs = runs or settings.runs
    seed = experiment.simulation.seed if seed is None else seed
    output = output_of(settings)
    result = SensitivityResult(output=output, runs=runs, seed=seed)
    result.correlations = experiment.correlation_pairs()

    def evaluator(out: Output, medians: bool) -> ModelEvaluator:
        return ModelEvaluator(experiment, out, runs, seed, jobs, medians, on_progress)

    methods = {getattr(m, "value", m) for m in settings.methods}
    if "tornado" in methods:
        names = focus_parameters(experiment, settings, "tornado")
        result.tornado = tornado_model(evaluator(output, True), names, settings.low, settings.high)
    if "spider" in methods:
        names = focus_parameters(experiment, settings, "spider", result.tornado)
        result.spider = spider_model(evaluator(output, True), names, settings.percentiles)
    _global_indices(experiment, settings, methods, result, jobs, on_progress)
    if "break_even" in methods:
        be = settings.break_even
        pair = Output("difference", be.a, output.column, be.b)
        result.break_even, result.flip = sweep_model(
            evaluator(pair, False), be.sweep.parameter, be.sweep.grid(), be.a, be.b, output.column
        )
    if "decision_map" in methods:
        dm = settings.decision_map
        scenarios = list(dm.scenarios) or list(experiment.scenarios)
        multi = Output("mean", scenarios[0], output.column)
        model = evaluator(multi, False)
        model.plan = RunPlan(experiment, tuple(scenarios), runs, seed)
        model.base = model.design_for(model.plan)
        result.decision_map = decision_map_model(
            model,
            (dm.x.parameter, dm.x.grid()),
            (dm.y.parameter, dm.y.grid()),
            scenarios,
            output.column,
        )
    if "structural" in methods:
        if variants is None:
            raise ValueError("the structural method needs the variant experiments")
        result.structural_runs = settings.structural.runs
        result.structural = structural_grid(
            variants, list(experiment.scenarios), result.structural_runs, seed, jobs, on_progress
        )
    return result
