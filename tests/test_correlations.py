"""Correlated inputs (issue 11, item 2): Spearman rank correlations by Iman–Conover.

Theory: Iman–Conover only reorders each column, so every parameter keeps its draws exactly (its
distribution; a Latin hypercube's strata); the rank correlations reach their targets within
sampling error. The standard error of a Spearman coefficient of n independent pairs is at most
about 1/sqrt(n - 1) (Fieller, Hartley & Pearson 1957: var ~ 1.06/(n - 3) near 0); we allow four of
them, so a correct sampler fails this test with probability well below 1e-4. Iman–Conover fixes the
scores' correlation exactly, so the achieved error is in practice much smaller.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.stats import spearmanr

from simulation.config.correlations import invalid_pairs, pearson_of_spearman
from simulation.config.loader import experiment_from_dict
from simulation.config.schema import SamplingMethod
from simulation.montecarlo.correlation import iman_conover
from simulation.montecarlo.runner import RunPlan
from simulation.montecarlo.sampling import BLOCK, ParameterDesign, resolved_scenario

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
PAIRS = [("a", "b", 0.7), ("b", "c", -0.4)]


def tolerance(n: int) -> float:
    return 4.0 / np.sqrt(n - 1)


def matrix(design: ParameterDesign, runs: int, paths=("a", "b", "c", "d")) -> np.ndarray:
    return np.array([[design.uniforms(r)[p] for p in paths] for r in range(runs)])


def test_pearson_of_spearman_is_the_normal_relation() -> None:
    # rho = 2 sin(pi rho_s / 6): 0 -> 0, 1 -> 1, 0.5 -> 0.5176
    assert pearson_of_spearman(0.0) == 0.0
    assert pearson_of_spearman(1.0) == pytest.approx(1.0)
    assert pearson_of_spearman(0.5) == pytest.approx(0.517638, abs=1e-6)


def test_iman_conover_reorders_columns_to_the_target() -> None:
    rng = np.random.default_rng(1)
    n = 2000
    sample = np.column_stack([rng.lognormal(size=n), rng.uniform(size=n), rng.gamma(2, size=n)])
    spearman = np.array([[1, 0.6, -0.3], [0.6, 1, 0], [-0.3, 0, 1]])
    target = pearson_of_spearman(spearman)
    np.fill_diagonal(target, 1.0)
    out = iman_conover(sample, target, np.random.default_rng(2))
    np.testing.assert_array_equal(np.sort(out, axis=0), np.sort(sample, axis=0))
    achieved = spearmanr(out).statistic
    np.testing.assert_allclose(achieved, spearman, atol=tolerance(n))


def test_too_few_rows_come_back_unchanged() -> None:
    sample = np.arange(6.0).reshape(3, 2)
    out = iman_conover(sample, np.array([[1, 0.5], [0.5, 1]]), np.random.default_rng(0))
    np.testing.assert_array_equal(out, sample)


@pytest.mark.parametrize("method", list(SamplingMethod))
def test_designs_reach_the_targets_and_keep_the_other_parameters(method) -> None:
    runs = 2048
    plain = ParameterDesign(["a", "b", "c", "d"], method, seed=5, runs=runs)
    correlated = ParameterDesign(
        ["a", "b", "c", "d"], method, seed=5, runs=runs, correlations=PAIRS
    )
    u, v = matrix(plain, runs), matrix(correlated, runs)
    rho = spearmanr(v).statistic
    assert rho[0, 1] == pytest.approx(0.7, abs=tolerance(runs))
    assert rho[1, 2] == pytest.approx(-0.4, abs=tolerance(runs))
    assert rho[0, 2] == pytest.approx(0.0, abs=tolerance(runs))  # not named: target 0
    np.testing.assert_array_equal(v[:, 3], u[:, 3])  # d, not named: untouched (CRN kept)
    # only reordered: each block (the whole design for LHS/Sobol) keeps its values exactly
    size = BLOCK if method == SamplingMethod.RANDOM else runs
    for start in range(0, runs, size):
        np.testing.assert_array_equal(
            np.sort(v[start : start + size, :3], axis=0),
            np.sort(u[start : start + size, :3], axis=0),
        )


def test_a_replication_does_not_depend_on_the_number_of_runs() -> None:
    small = ParameterDesign(["a", "b", "c"], "random", seed=5, runs=4, correlations=PAIRS)
    large = ParameterDesign(["a", "b", "c"], "random", seed=5, runs=3000, correlations=PAIRS)
    for r in (0, 3, 1500):
        assert small.uniforms(r) == large.uniforms(r)


def test_latin_hypercube_strata_survive_the_reordering() -> None:
    runs = 64
    design = ParameterDesign(["a", "b", "c"], "lhs", seed=9, runs=runs, correlations=PAIRS)
    strata = np.floor(matrix(design, runs, ("a", "b", "c")) * runs).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(runs))


# -- the config --------------------------------------------------------------------------------


def reference_tree() -> dict:
    tree = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    tree.pop("sensitivity")
    return tree


WAGES = "company.wage_growth_per_year"
INTERIM = "staff.interim_day_rate_eur"
TICKETS = "services.service_desk.incidents_per_user_per_month"


def with_pairs(*pairs) -> dict:
    tree = reference_tree()
    tree["correlations"] = [{"between": [a, b], "rank_correlation": rho} for a, b, rho in pairs]
    return tree


def test_the_runner_draws_correlated_parameter_values() -> None:
    runs = 1024
    experiment = experiment_from_dict(with_pairs((WAGES, INTERIM, 0.8)))
    plan = RunPlan(experiment, ("internal",), runs, 11)
    design, spec = plan.design(), plan.specs()[0]
    values = [resolved_scenario(spec, design.uniforms(r))[1] for r in range(runs)]
    wages = [v[WAGES] for v in values]
    interim = [v[INTERIM] for v in values]
    assert spearmanr(wages, interim).statistic == pytest.approx(0.8, abs=tolerance(runs))


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([(WAGES, "company.employees", 0.5)], r"correlations\.0\.between\.1: 'company\.employees'"),
        ([(WAGES, WAGES, 0.5)], r"correlations\.0\.between: .*two different parameters"),
        ([(WAGES, INTERIM, 0.5), (INTERIM, WAGES, 0.1)], r"correlations\.1\.between"),
        ([(WAGES, INTERIM, 1.5)], r"correlations\.0\.rank_correlation"),
    ],
)
def test_bad_pairs_are_config_errors(pairs, message) -> None:
    with pytest.raises(Exception, match=message):
        experiment_from_dict(with_pairs(*pairs), "mine.yaml")


def test_impossible_correlations_name_the_pairs() -> None:
    pairs = [(WAGES, INTERIM, 0.9), (INTERIM, TICKETS, 0.9), (WAGES, TICKETS, -0.9)]
    culprits, smallest = invalid_pairs(pairs)
    assert smallest < 0
    assert set(culprits) == {(a, b) for a, b, _ in pairs}
    with pytest.raises(Exception, match=r"correlations: .*positive definite.*loosen .*~"):
        experiment_from_dict(with_pairs(*pairs), "mine.yaml")


def test_sobol_indices_are_refused_with_correlated_inputs() -> None:
    tree = with_pairs((WAGES, INTERIM, 0.5))
    tree["sensitivity"] = copy.deepcopy(yaml.safe_load(DEFAULT.read_text())["sensitivity"])
    tree["sensitivity"]["methods"] = ["tornado", "sobol"]
    match = r"sensitivity\.methods.*independent inputs; use delta, which is valid for correlated"
    with pytest.raises(Exception, match=match):
        experiment_from_dict(tree, "mine.yaml")
