"""Sensitivity analysis against models with known answers, and on the simulator itself."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.sensitivity import (
    ModelEvaluator,
    Output,
    find_break_even,
    one_at_a_time,
    sobol_cost,
    sobol_indices,
    sobol_readability,
    spider,
    sweep_model,
    tornado_model,
)
from simulation.config.distributions import parse_distribution
from simulation.config.loader import load_experiment

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def ishigami(points: list[dict[str, float]], a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function of quantiles u in (0, 1) mapped to x = -pi + 2 pi u."""
    x = {k: np.array([p[k] for p in points]) * 2 * np.pi - np.pi for k in ("x1", "x2", "x3")}
    return np.sin(x["x1"]) + a * np.sin(x["x2"]) ** 2 + b * x["x3"] ** 4 * np.sin(x["x1"])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, tuple[float, float]]:
    """Analytic first- and total-order indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * np.pi**8 / 225
    variance = v1 + v2 + v13
    return {
        "x1": (v1 / variance, (v1 + v13) / variance),
        "x2": (v2 / variance, v2 / variance),
        "x3": (0.0, v13 / variance),
    }


def test_sobol_indices_of_the_ishigami_function():
    table = sobol_indices(ishigami, ["x1", "x2", "x3"], n=2**12, seed=3, confidence=0.99)
    truth = ishigami_indices()
    for row in table.itertuples():
        first, total = truth[row.parameter]
        # the analytic value lies in the 99% bootstrap interval (0.01 for interval noise)
        assert row.first_ci_low - 0.01 <= first <= row.first_ci_high + 0.01, row
        assert row.total_ci_low - 0.01 <= total <= row.total_ci_high + 0.01, row
        assert row.first_ci_high - row.first_ci_low < 0.15  # the check is informative
    assert sobol_cost(2**12, 3) == 4096 * 5


def test_sobol_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        sobol_indices(ishigami, ["x1", "x2", "x3"], n=100)


def sobol_table(first, total, half_width) -> pd.DataFrame:
    first, total = np.asarray(first, float), np.asarray(total, float)
    return pd.DataFrame(
        {
            "parameter": [f"p{i}" for i in range(first.size)],
            "first_order": first,
            "first_ci_low": first - half_width,
            "first_ci_high": first + half_width,
            "total_order": total,
            "total_ci_low": total - half_width,
            "total_ci_high": total + half_width,
        }
    )


def test_sobol_estimates_that_break_what_indices_are_are_unreadable():
    # as seen at small n: first-order indices sum to 1.28 and exceed total-order for 4 of 8
    first = [0.40, 0.30, 0.20, 0.15, 0.10, 0.08, 0.03, 0.02]
    total = [0.30, 0.45, 0.15, 0.30, 0.05, 0.12, 0.01, 0.10]
    verdict = sobol_readability(sobol_table(first, total, 0.2), n=32)
    assert not verdict.readable
    assert verdict.reasons == ("first_order_sum", "first_above_total", "wide_intervals")
    assert verdict.first_order_sum == pytest.approx(1.28)
    assert (verdict.first_above_total, verdict.parameters) == (4, 8)
    assert verdict.widest_half_width == pytest.approx(0.2)
    # the largest error is the sum's excess over 1; errors shrink as 1/sqrt(n):
    # 32 x (0.28 / 0.05)^2 = 1003.5 base samples, as a power of two 1024
    assert verdict.error == pytest.approx(0.28)
    assert verdict.sample_factor == pytest.approx((0.28 / 0.05) ** 2)
    assert verdict.recommended_n == 1024
    assert sobol_readability(sobol_table(first, total, 0.2)).recommended_n is None


def test_consistent_narrow_sobol_estimates_are_readable():
    verdict = sobol_readability(sobol_table([0.5, 0.3, 0.1], [0.55, 0.32, 0.1], 0.03), n=1024)
    assert verdict.readable
    assert verdict.reasons == ()
    assert verdict.first_above_total == 0
    assert (verdict.sample_factor, verdict.recommended_n) == (1.0, 1024)
    wide = sobol_readability(sobol_table([0.5, 0.3, 0.1], [0.55, 0.32, 0.1], 0.1), n=1024)
    assert wide.reasons == ("wide_intervals",)
    assert wide.recommended_n == 4096  # (0.1 / 0.05)^2 = 4 times the base samples


def test_the_recommended_sample_size_settles_the_ishigami_indices():
    small = sobol_indices(ishigami, ["x1", "x2", "x3"], n=256, seed=3)
    verdict = sobol_readability(small, n=256)
    assert "wide_intervals" in verdict.reasons
    assert 256 < verdict.recommended_n <= 2**13
    large = sobol_indices(ishigami, ["x1", "x2", "x3"], n=verdict.recommended_n, seed=4)
    settled = sobol_readability(large, n=verdict.recommended_n)
    # the half-width read at n = 256 is itself an estimate (bootstrap of 256 samples), so the
    # 1/sqrt(n) extrapolation lands near the target, not on it: within half again
    assert settled.widest_half_width < 1.5 * 0.05
    assert settled.widest_half_width < verdict.widest_half_width / 2


def test_tornado_order_of_a_linear_model():
    weights = {"a": 1.0, "b": -5.0, "c": 2.5, "d": 0.0}

    def linear(points):
        return np.array([sum(w * p.get(k, 0.5) for k, w in weights.items()) for p in points])

    table = one_at_a_time(linear, list(weights), low=0.1, high=0.9)
    assert table["parameter"].tolist() == ["b", "c", "a", "d"]
    np.testing.assert_allclose(table["swing"], [4.0, 2.0, 0.8, 0.0])
    assert table["baseline"].iloc[0] == pytest.approx(sum(weights.values()) * 0.5)
    web = spider(linear, ["a", "b"], percentiles=(0.1, 0.5, 0.9))
    np.testing.assert_allclose(
        web.loc[web.parameter == "b", "output"], linear([{"b": q} for q in (0.1, 0.5, 0.9)])
    )


def test_break_even_finds_a_planted_flip():
    x = np.linspace(0, 10, 11)
    difference = 2.0 * (x - 3.7)
    flip = find_break_even(x, difference, difference - 1.0, difference + 1.0)
    assert flip["break_even"] == pytest.approx(3.7)
    # the interval (difference +- 1) contains zero between x = 3.2 and 4.2
    assert flip["band_low"] == pytest.approx(3.2)
    assert flip["band_high"] == pytest.approx(4.2)
    assert math.isnan(find_break_even(x, x + 1)["break_even"])


@pytest.fixture(scope="module")
def experiment():
    return load_experiment(DEFAULT)


def test_tornado_on_the_model_shows_exact_fee_swing():
    # On common random numbers a provider fee changes nothing but the fee: the swing of mean
    # NPV cost equals the discounted fee difference over the horizon, exactly (provider
    # failures, which would add a price premium, are switched off).
    import yaml

    from simulation.config.loader import experiment_from_dict

    tree = yaml.safe_load(DEFAULT.read_text())
    tree["providers"]["msp"]["failure"]["annual_probability"] = 0.0
    experiment = experiment_from_dict(tree)
    path = "providers.msp.contracts.service_desk.fee_per_user_per_month_eur"
    evaluator = ModelEvaluator(experiment, Output("mean", "external"), runs=2, seed=5, jobs=1)
    table = tornado_model(evaluator, [path, "staff.turnover_rate_per_year"])
    row = table.set_index("parameter").loc[path]
    fee = parse_distribution({"dist": "pert", "min": 35, "mode": 47, "max": 70})
    escalation = parse_distribution({"dist": "pert", "min": 0.02, "mode": 0.04, "max": 0.08})
    months = np.arange(60)
    factors = (1 + experiment.simulation.discount_rate) ** (-(months + 1) / 12)
    growth = (1 + float(escalation.ppf(0.5))) ** (months // 12)
    expected = 150 * (float(fee.ppf(0.9)) - float(fee.ppf(0.1))) * (growth * factors).sum()
    assert row["swing"] == pytest.approx(expected, rel=1e-9)
    assert row["low_value"] == pytest.approx(float(fee.ppf(0.1)))
    # the staff turnover does not touch the external scenario's one vendor manager much
    assert table["parameter"].iloc[0] == path


def test_sweep_on_the_model_finds_where_the_preference_flips(experiment):
    # Raising the in-house application specialists' salary makes hybrid dearer than external
    # at some salary; with CRN the difference is linear in the salary, so the interpolated
    # flip is exact.
    path = "roles.app_specialist.annual_salary_eur"
    evaluator = ModelEvaluator(
        experiment,
        Output("difference", "external", baseline="hybrid"),
        runs=4,
        seed=2,
        jobs=1,
        medians=False,
    )
    values = [0.0, 100_000.0, 200_000.0, 400_000.0, 800_000.0]
    table, flip = sweep_model(evaluator, path, values, "external", "hybrid")
    assert (np.diff(table["mean_difference"]) < 0).all()
    assert values[0] < flip["break_even"] < values[-1]
    again, _ = sweep_model(evaluator, path, [flip["break_even"]], "external", "hybrid")
    spread = table["mean_difference"].max() - table["mean_difference"].min()
    assert abs(again["mean_difference"].iloc[0]) < 0.01 * spread


def test_sensitivity_command_writes_tables_and_states_its_cost(tmp_path, capsys):
    import json

    from simulation.cli import main

    out = tmp_path / "sens"
    code = main(
        [
            "sensitivity",
            str(DEFAULT),
            "--runs",
            "2",
            "--jobs",
            "1",
            "--method",
            "break_even",
            "--out",
            str(out),
            "--no-progress",
            "--no-plots",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "break_even: 32 model runs" in err  # 8 sweep values x 2 runs x 2 scenarios
    table = pd.read_csv(out / "break_even.csv")
    assert len(table) == 8
    meta = json.loads((out / "sensitivity.json").read_text())
    assert meta["model_runs"] == {"break_even": 32}
    assert set(meta["break_even"]) == {"break_even", "band_low", "band_high"}


def test_sensitivity_command_needs_the_section(tmp_path, capsys):
    from simulation.cli import main

    config = tmp_path / "no-sens.yaml"
    config.write_text(f"extends: {DEFAULT}\nsensitivity: null\n")
    assert main(["sensitivity", str(config), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "sensitivity" in err
    assert "missing" in err
    assert len(err.strip().splitlines()) == 1
