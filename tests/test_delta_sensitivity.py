"""The delta method (issue 11, item 2): sensitivity indices valid for correlated inputs.

Theory checked here, on toy functions of parameter quantiles (fast) and once on the simulator:

- Given-data first-order index S1 = Var(E[Y | X1]) / Var(Y). For Y = X1 + X2 with standard
  normal X and Pearson correlation rho, E[Y | X1] = (1 + rho) X1, so S1 = (1 + rho) / 2: the
  partner's effect is included. Iman–Conover imposes Spearman rho_s on normal scores, so
  rho = 2 sin(pi rho_s / 6). The estimator averages Y over M equal-frequency classes of X1
  (`delta_classes`); for a normal X1 the class means keep the share
  eta2(M) = M sum_k (phi(q_k) - phi(q_k+1))^2 of its variance (eta2(12) = 0.968), so the
  estimator's value at n points is S1 × eta2(M), exactly, for this linear model.
- Borgonovo's delta_i = 0.5 E_xi[ integral |f_Y(y) - f_{Y|Xi=xi}(y)| dy ], integrated
  numerically for Y = a1 X1 + a2 X2 with independent normals (Y | X1 = x ~ N(a1 x, a2^2)).
  The given-data estimator conditions on M classes instead of points and smooths each density
  with a Gaussian kernel of Silverman's bandwidth (sd × (3 m / 4)^(-1/5) for m points); both
  pull it below delta. Its value at n points is computed here in closed form per class (the
  smoothed class density is that of a1 X1 + sqrt(a2^2 + h^2) Z with X1 in the class), so the
  test asserts (a) the estimate lies within four bootstrap standard errors of that value and
  (b) that value lies within 0.03 of Borgonovo's delta (the estimator's bias at this n).
- A parameter that does not enter Y: its delta estimate is the L1 distance of kernel estimates
  of the same density from m = n / M and n points. Its expected value is about
  0.5 sqrt(2/pi) ∫ sqrt(Var f_m(y)) dy = 0.46 m^(-2/5) for the bandwidth above (the variance of a
  kernel estimate is f R(K) / (m h), R(K) = 1 / (2 sqrt(pi)); the integral is independent of the
  scale of Y): the bias-reduced estimate stays below it. Its S1 estimate is a between-class
  variance share of pure noise: mean (M - 1) / (n - 1), standard deviation about
  sqrt(2 (M - 1)) / n; we allow the mean plus four standard deviations.

Standard errors come from the bootstrap intervals of the estimates (half-width / 1.96); four of
them make a false failure rarer than 1 in 10,000 for a correct estimator.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import integrate, stats

from simulation.analysis.sensitivity import (
    delta_classes,
    delta_design,
    delta_indices,
    delta_table,
    planned_model_runs,
)
from simulation.config.correlations import pearson_of_spearman
from simulation.config.loader import experiment_from_dict
from simulation.errors import ConfigError

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
WAGES = "company.wage_growth_per_year"
INTERIM = "staff.interim_day_rate_eur"
Z95 = stats.norm.ppf(0.975)


# -- theory ------------------------------------------------------------------------------------


def linear_gaussian(*coefficients: float):
    """Y = sum a_i X_i with X_i the standard normal quantile of parameter x<i+1>."""

    def evaluate(points: list[dict[str, float]]) -> np.ndarray:
        y = np.zeros(len(points))
        for i, a in enumerate(coefficients):
            y += a * stats.norm.ppf([p[f"x{i + 1}"] for p in points])
        return y

    return evaluate


def normal_pdf(y: float, mean: float, sd: float) -> float:
    """The normal density (math, not scipy.stats: the integrands are called ~10^5 times)."""
    z = (y - mean) / sd
    return math.exp(-0.5 * z * z) / (sd * math.sqrt(2 * math.pi))


def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def borgonovo_delta(a1: float, a2: float) -> float:
    """delta of X1 for Y = a1 X1 + a2 X2, X independent standard normal, by integration."""
    s = math.hypot(a1, a2)

    def shift(x: float) -> float:  # integral of |f_Y - f_{Y|X1=x}| over y
        def gap(y: float) -> float:
            return abs(normal_pdf(y, 0, s) - normal_pdf(y, a1 * x, abs(a2)))

        return integrate.quad(gap, -12 * s, 12 * s, points=[a1 * x], limit=200)[0]

    expected = integrate.quad(lambda x: shift(x) * normal_pdf(x, 0, 1), -9, 9, limit=200)[0]
    return 0.5 * expected


def class_share(m: int) -> float:
    """eta2(M): the share of a standard normal's variance kept by the means of M classes."""
    density = stats.norm.pdf(stats.norm.ppf(np.linspace(0, 1, m + 1)))
    return float(m * np.sum((density[:-1] - density[1:]) ** 2))


def estimator_delta(a1: float, a2: float, n: int) -> float:
    """The value the given-data delta estimator converges to at n points for the model of
    `borgonovo_delta`: M equal-frequency classes of X1, each class's density of Y and the
    density of Y smoothed by a Gaussian kernel of Silverman's bandwidth."""
    m = delta_classes(n)
    edges = stats.norm.ppf(np.linspace(0, 1, m + 1))
    smoothed = math.sqrt((a1 * a1 + a2 * a2) * (1 + (0.75 * n) ** -0.4))
    total = 0.0
    for low, high in itertools.pairwise(edges):
        pdf_low, pdf_high = normal_pdf(low, 0, 1), normal_pdf(high, 0, 1)
        mean = m * (pdf_low - pdf_high)  # of X1 in the class (probability 1 / m)
        tails = (low * pdf_low if np.isfinite(low) else 0) - (
            high * pdf_high if np.isfinite(high) else 0
        )
        class_variance = a1 * a1 * (1 + m * tails - mean * mean) + a2 * a2
        spread = a2 * a2 + class_variance * (0.75 * n / m) ** -0.4  # a2^2 + h^2
        joint = a1 * a1 + spread
        sd = math.sqrt(spread / joint)  # of X1 given Y' = a1 X1 + sqrt(spread) Z = y

        def gap(y, low=low, high=high, joint=joint, sd=sd):
            centre = a1 * y / joint
            inside = normal_cdf((high - centre) / sd) - normal_cdf((low - centre) / sd)
            conditional = m * normal_pdf(y, 0, math.sqrt(joint)) * inside
            return abs(normal_pdf(y, 0, smoothed) - conditional)

        total += integrate.quad(gap, -15 * smoothed, 15 * smoothed, limit=300)[0] / m
    return 0.5 * total


def standard_error(row, low: str, high: str) -> float:
    return (getattr(row, high) - getattr(row, low)) / (2 * Z95)


# -- the generic method on toy functions -------------------------------------------------------


def test_the_theory_of_the_estimator():
    # the closed forms used below, checked where they are known
    assert class_share(2) == pytest.approx(2 / math.pi)  # E|X| = sqrt(2/pi)
    assert class_share(400) == pytest.approx(1.0, abs=1e-3)
    # delta is scale-free in Y and grows with the parameter's weight
    assert borgonovo_delta(2.0, 1.0) == pytest.approx(borgonovo_delta(4.0, 2.0), abs=1e-6)
    assert borgonovo_delta(1.0, 2.0) < borgonovo_delta(1.0, 1.0) < borgonovo_delta(2.0, 1.0)
    # the estimator's value converges to Borgonovo's delta as n grows
    exact = borgonovo_delta(2.0, 1.0)
    gaps = [exact - estimator_delta(2.0, 1.0, n) for n in (256, 2048, 2**17)]
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[2] < 0.01
    assert [delta_classes(n) for n in (64, 256, 2048, 10**6)] == [3, 5, 12, 48]


@pytest.mark.parametrize("rank_correlation", [0.0, 0.6, -0.5])
def test_first_order_index_includes_the_correlated_partner(rank_correlation):
    n = 2048
    # a pair at 0 too: Iman–Conover then removes the chance correlation of the hypercube
    pairs = [("x1", "x2", rank_correlation)]
    table = delta_indices(
        linear_gaussian(1.0, 1.0), ["x1", "x2"], n, seed=11, correlations=pairs, n_resamples=60
    )
    rho = float(pearson_of_spearman(rank_correlation))
    theory = (1 + rho) / 2  # Var(E[Y | X1]) / Var(Y) with E[Y | X1] = (1 + rho) X1
    at_n = theory * class_share(delta_classes(n))  # the estimator's value at n points
    for row in table.itertuples():
        se = standard_error(row, "first_ci_low", "first_ci_high")
        assert abs(row.first_order - at_n) <= 4 * se, (row, theory, at_n)
        assert abs(row.first_order - theory) <= (theory - at_n) + 4 * se
        assert se < 0.03  # the check is informative


@pytest.mark.parametrize(("a1", "a2"), [(2.0, 1.0), (1.0, 2.0)])
def test_delta_of_an_independent_linear_gaussian_model(a1, a2):
    n = 2048
    table = delta_indices(linear_gaussian(a1, a2), ["x1", "x2"], n, seed=5, n_resamples=60)
    row = next(table[table["parameter"] == "x1"].itertuples())
    exact = borgonovo_delta(a1, a2)
    at_n = estimator_delta(a1, a2, n)
    se = standard_error(row, "delta_ci_low", "delta_ci_high")
    assert abs(row.delta - at_n) <= 4 * se, (row.delta, at_n, exact, se)
    assert abs(at_n - exact) < 0.03  # the estimator's bias at n = 2,048 (classes, smoothing)
    assert abs(row.delta - exact) <= abs(at_n - exact) + 4 * se
    assert se < 0.02
    # S1 of independent inputs is the Sobol first-order index a1^2 / (a1^2 + a2^2)
    theory = a1 * a1 / (a1 * a1 + a2 * a2) * class_share(delta_classes(n))
    se_first = standard_error(row, "first_ci_low", "first_ci_high")
    assert abs(row.first_order - theory) <= 4 * se_first


def test_a_parameter_outside_the_output_has_no_influence():
    n = 2048
    m = delta_classes(n)
    table = delta_indices(linear_gaussian(2.0, 1.0), ["x1", "x2", "x3"], n, seed=8, n_resamples=60)
    row = next(table[table["parameter"] == "x3"].itertuples())
    noise_bound = 0.46 * (n / m) ** -0.4  # expected delta estimate of pure noise (0.058)
    assert row.delta < noise_bound
    assert row.first_order < (m - 1) / (n - 1) + 4 * math.sqrt(2 * (m - 1)) / n
    # the dummy of `delta_table` is such a parameter: its upper bound stays below the bound too
    assert 0 < row.noise_delta < noise_bound
    assert row.noise_first_order < (m - 1) / (n - 1) + 4 * math.sqrt(2 * (m - 1)) / n
    # and the influential parameters lie far above the noise
    assert (table.loc[table["parameter"] != "x3", "delta_ci_low"] > row.noise_delta).all()
    assert list(table["parameter"])[-1] == "x3"  # sorted by delta


def test_the_design_is_the_joint_distribution_with_the_correlations():
    n = 512
    points = delta_design(["a", "b", "c"], n, [("a", "b", 0.7)], seed=3)
    u = np.array([[p[k] for k in "abc"] for p in points])
    # a Latin hypercube: every column has one point in each of the n strata (Iman–Conover only
    # reorders the columns)
    for column in u.T:
        assert sorted(np.floor(column * n).astype(int)) == list(range(n))
    rho = stats.spearmanr(u).statistic
    tolerance = 4 / math.sqrt(n - 1)  # standard error of a Spearman coefficient at most 1/sqrt
    assert rho[0, 1] == pytest.approx(0.7, abs=tolerance)
    assert rho[0, 2] == pytest.approx(0.0, abs=tolerance)
    assert delta_design(["a", "b", "c"], n, [("a", "b", 0.7)], seed=3) == points  # seeded


def test_indices_are_seeded_and_a_constant_output_depends_on_nothing():
    evaluate = linear_gaussian(1.0, 1.0)
    first = delta_indices(evaluate, ["x1", "x2"], 128, seed=4, n_resamples=20)
    again = delta_indices(evaluate, ["x1", "x2"], 128, seed=4, n_resamples=20)
    assert first.equals(again)
    constant = delta_table(np.random.default_rng(1).random((50, 2)), np.ones(50), ["a", "b"])
    assert (constant.drop(columns="parameter").to_numpy() == 0).all()
    with pytest.raises(ValueError, match="focus parameter 'x9'"):
        delta_indices(evaluate, ["x1", "x2"], 64, focus=["x9"])
    with pytest.raises(ValueError, match="at least 20"):
        delta_table(np.zeros((10, 1)), np.arange(10.0), ["a"])


# -- the config --------------------------------------------------------------------------------


def tree_with(methods: list[str], correlated: bool = True, **settings) -> dict:
    tree = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    tree["sensitivity"]["methods"] = methods
    tree["sensitivity"].update(settings)
    if correlated:
        tree["correlations"] = [{"between": [WAGES, INTERIM], "rank_correlation": 0.6}]
    return tree


def test_delta_is_valid_with_correlations_and_costs_the_same_for_any_parameters():
    experiment = experiment_from_dict(tree_with(["tornado", "delta"], delta_n=128, delta_runs=3))
    settings = experiment.sensitivity
    assert experiment.correlation_pairs() == [(WAGES, INTERIM, 0.6)]
    plan = planned_model_runs(experiment, settings)
    assert plan["delta"] == 128 * 3 * 2  # points x replications x the two options compared
    fewer = settings.model_copy(update={"delta_parameters": (WAGES, INTERIM)})
    assert planned_model_runs(experiment, fewer)["delta"] == plan["delta"]
    assert settings.delta_n == 128
    assert experiment_from_dict(tree_with(["delta"])).sensitivity.delta_n == 256  # the default


def test_sobol_with_correlations_is_refused_naming_delta():
    with pytest.raises(Exception, match=r"sensitivity\.methods.*use delta, which is valid"):
        experiment_from_dict(tree_with(["tornado", "sobol"]), "mine.yaml")
    experiment_from_dict(tree_with(["tornado", "sobol"], correlated=False))  # independent: fine


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"delta_n": 32}, r"sensitivity\.delta_n"),
        ({"delta_runs": 0}, r"sensitivity\.delta_runs"),
        ({"delta_parameters": ["company.nope"]}, r"sensitivity\.delta_parameters\.0"),
    ],
)
def test_bad_delta_settings_are_config_errors(settings, message):
    with pytest.raises(ConfigError, match=message):
        experiment_from_dict(tree_with(["delta"], **settings), "mine.yaml")


# -- the report --------------------------------------------------------------------------------

REPORT_META = {
    "config_path": "configs/reference.yaml",
    "config_name": "reference",
    "config_hash": "abc123def456",
    "config": {"company": {"name": "Example AG"}},
    "seed": 4242,
    "runs": 20,
    "scenarios": ["internal", "hybrid"],
    "scenario_labels": {"internal": "Internal", "hybrid": "Hybrid"},
    "scenario_labels_de": {"internal": "Intern", "hybrid": "Hybrid"},
    "services": [],
    "horizon_years": 5,
    "itsim_version": "9.8.7",
    "finished": "2026-03-05T17:01:02+00:00",
}


def stored_delta(correlations: list[tuple[str, str, float]]):
    """A read-back delta analysis: wage growth leads, the interim rate follows, the turnover
    rate lies below the noise level of 0.06."""
    import pandas as pd

    from simulation.config.schema import SensitivityOutput, SensitivitySettings
    from simulation.montecarlo.store import StoredSensitivity

    turnover = "staff.turnover_rate_per_year"
    table = pd.DataFrame(
        {
            "parameter": [WAGES, INTERIM, turnover],
            "delta": [0.42, 0.21, 0.03],
            "delta_ci_low": [0.37, 0.17, 0.0],
            "delta_ci_high": [0.47, 0.25, 0.06],
            "first_order": [0.55, 0.30, 0.01],
            "first_ci_low": [0.48, 0.22, -0.02],
            "first_ci_high": [0.62, 0.38, 0.03],
            "noise_delta": 0.06,
            "noise_first_order": 0.02,
        }
    )
    output = {"statistic": "difference", "scenario": "hybrid", "baseline": "internal"}
    settings = SensitivitySettings.model_validate(
        {"output": output, "methods": ["delta"], "delta_n": 512, "delta_runs": 4}
    )
    return StoredSensitivity(
        output=SensitivityOutput.model_validate(output),
        runs=20,
        seed=4242,
        settings=settings,
        delta=table,
        delta_runs=4,
        correlations=correlations,
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_says_which_inputs_are_correlated_and_what_the_indices_mean(lang):
    from simulation.reporting import sensitivity_report as sr
    from simulation.reporting.plots import FigureContext

    ctx = sr.chapter_context(FigureContext.from_metadata(REPORT_META, lang), REPORT_META)
    section = sr.delta_section(stored_delta([(WAGES, INTERIM, 0.6)]), ctx)
    text = " ".join(section.paragraphs)
    wages, interim = (sr.parameter_label(p, lang, ctx, wrap=None) for p in (WAGES, INTERIM))
    assert wages in text
    assert interim in text
    if lang == "en":
        assert "not independent" in text
        assert "rank correlation 0.60" in text
        assert "Sobol indices assume independent" in text
        assert "a high index can come from a correlated partner" in text
        assert "delta of 0.42 (95% interval 0.37 to 0.47" in section.headline
        assert "explains 55% of its variance" in section.headline
        assert "1 of the 3 assumptions studied lie below" in text  # noise level 0.06
        assert "n = 512 design points, 4 futures per point" in text
    else:
        assert "nicht unabhängig" in text
        assert "Rangkorrelation 0,60" in text
        assert "Delta von 0,42 (95-%-Intervall 0,37 bis 0,47" in section.headline
        assert "55\u00a0% seiner Varianz" in section.headline
    # wage growth leads and is correlated: the page says part of its index may come from there
    partner = "It is correlated with" if lang == "en" else "Sie ist mit"
    assert partner in text
    assert section.title == sr.sens_text("title_delta", lang)


def test_the_report_says_when_inputs_are_independent_or_nothing_stands_out():
    from simulation.reporting import sensitivity_report as sr
    from simulation.reporting.plots import FigureContext

    ctx = sr.chapter_context(FigureContext.from_metadata(REPORT_META, "en"), REPORT_META)
    text = " ".join(sr.delta_section(stored_delta([]), ctx).paragraphs)
    assert "The assumptions are independent" in text
    assert "equals the Sobol first-order index" in text
    assert "correlated with" not in text
    stored = stored_delta([])
    stored.delta = stored.delta.assign(delta=[0.05, 0.04, 0.03])  # all below the noise 0.06
    quiet = sr.delta_section(stored, ctx)
    assert "No assumption stands out at this sample size" in quiet.headline
    assert "noise level of 0.06" in quiet.headline


# -- the simulator, end to end -----------------------------------------------------------------


def test_delta_on_the_simulator_with_correlated_inputs(tmp_path, monkeypatch):
    """`itsim sensitivity --method delta` on a one-year reference config with wage growth and the
    interim day rate correlated: the design points carry the correlation, the table, the figure
    and the chapter are written and read back, and the chapter names the pair."""
    import simulation.analysis.sensitivity as sensitivity
    from simulation.cli import main
    from simulation.montecarlo.store import read_sensitivity
    from simulation.reporting import sensitivity_report as sr
    from simulation.reporting.plots import FigureContext

    config = tmp_path / "tiny.yaml"
    config.write_text(
        f"extends: {DEFAULT}\n"
        "simulation: {horizon_years: 1}\n"
        "correlations:\n"
        f"  - {{between: [{WAGES}, {INTERIM}], rank_correlation: 0.8}}\n"
        "sensitivity:\n"
        "  output: {statistic: mean, scenario: internal, baseline: null}\n"
        "  methods: [delta]\n"
        "  delta_n: 64\n"
        "  delta_runs: 1\n"
        f"  delta_parameters: [{WAGES}, {INTERIM}, staff.turnover_rate_per_year]\n",
        encoding="utf-8",
    )
    drawn = []
    design = sensitivity.delta_design

    def keep(*args, **kwargs):
        drawn.extend(design(*args, **kwargs))
        return drawn

    monkeypatch.setattr(sensitivity, "delta_design", keep)
    out = tmp_path / "sens"
    argv = ["sensitivity", str(config), "--jobs", "1", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    # every uncertain parameter varies across the 64 points; the pair keeps its correlation
    assert len(drawn) == 64
    assert len(drawn[0]) > 20
    rho = stats.spearmanr([p[WAGES] for p in drawn], [p[INTERIM] for p in drawn]).statistic
    assert rho == pytest.approx(0.8, abs=4 / math.sqrt(63))
    stored, meta = read_sensitivity(out)
    assert meta["model_runs"] == {"delta": 64}  # 64 points x 1 replication x 1 option
    assert stored.methods == ["delta"]
    assert (stored.delta_runs, stored.correlations) == (1, [(WAGES, INTERIM, 0.8)])
    assert set(stored.delta["parameter"]) == {WAGES, INTERIM, "staff.turnover_rate_per_year"}
    assert ((stored.delta["delta"] > -0.5) & (stored.delta["delta"] <= 1)).all()
    assert (out / "delta.png").is_file()
    ctx = sr.chapter_context(FigureContext.from_metadata(meta, "en"), meta)
    (section,) = sr.chapter_sections(stored, ctx)
    assert section.method == "delta"
    assert "the config correlates “Wage growth (per year)” with" in section.paragraphs[0]
