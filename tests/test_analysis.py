"""simulation.analysis: risk metrics against theory, paired comparisons, breakdowns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.analysis import (
    COST_BASES,
    RISK_METRICS,
    bootstrap_ci,
    budget_risk_table,
    cheapest_table,
    compare_pair,
    cost_breakdown,
    cumulative_cost_bands,
    downtime_by_service,
    downtime_by_service_quantile,
    exceedance_curve,
    exceedance_probability,
    expected_shortfall,
    grouped_cost_breakdown,
    paired_difference,
    probability_cheapest,
    recommendations,
    risk_metrics,
    risk_table,
    sla_versus_loss,
    summary_table,
    value_at_risk,
    winners_disagree,
    yearly_costs,
)
from simulation.model.ledger import COST_CATEGORIES, COST_GROUPS

SCENARIOS = ["internal", "external", "hybrid"]
SERVICES = ["service_desk", "infrastructure"]
Z95 = stats.norm.ppf(0.95)

# --- synthetic result frames ---------------------------------------------------------------------


def synthetic(
    n_rep: int = 40, months: int = 60, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly and replication frames shaped like the store's, consistent with each other:
    non-negative monthly costs except small negative service credits (totals stay >= 0)."""
    rng = np.random.default_rng(seed)
    n = len(SCENARIOS) * n_rep * months
    monthly = pd.DataFrame(
        {
            "scenario": np.repeat(SCENARIOS, n_rep * months),
            "replication": np.tile(np.repeat(np.arange(n_rep), months), len(SCENARIOS)),
            "month": np.tile(np.arange(months), len(SCENARIOS) * n_rep),
        }
    )
    monthly["year"] = monthly["month"] // 12 + 1
    scale = monthly["scenario"].map({"internal": 3.0, "external": 2.0, "hybrid": 2.2}).to_numpy()
    for category in COST_CATEGORIES:
        monthly[f"cost_{category}_eur"] = scale * rng.gamma(2.0, 500.0, n)
    monthly["cost_service_credits_eur"] = -rng.uniform(0.0, 50.0, n)
    cost_columns = [f"cost_{c}_eur" for c in COST_CATEGORIES]
    monthly["cost_total_eur"] = monthly[cost_columns].sum(axis=1)
    monthly["cost_discounted_eur"] = monthly["cost_total_eur"] / 1.08 ** (monthly["month"] / 12)
    for service in SERVICES:
        monthly[f"downtime_{service}_hours"] = rng.exponential(2.0, n) * scale
    monthly["downtime_hours"] = monthly[[f"downtime_{s}_hours" for s in SERVICES]].sum(axis=1)
    monthly["sla_breaches"] = rng.poisson(3.0, n)
    sums = [c for c in monthly.columns if c not in ("scenario", "replication", "month", "year")]
    replications = monthly.groupby(["scenario", "replication"], sort=False)[sums].sum()
    replications = replications.rename(columns={"cost_discounted_eur": "cost_npv_eur"})
    return replications.reset_index(), monthly


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synthetic()


def frame_of(columns: dict[str, list[float]], column: str = "cost_npv_eur") -> pd.DataFrame:
    """Replications frame from {scenario: values by replication}."""
    return pd.DataFrame(
        [
            {"scenario": s, "replication": r, column: v}
            for s, values in columns.items()
            for r, v in enumerate(values)
        ]
    )


# --- VaR / CVaR against theory -------------------------------------------------------------------


def test_var_and_cvar_of_a_normal_sample_match_the_closed_forms() -> None:
    mu, sigma, n = 100.0, 15.0, 400_000
    x = np.random.default_rng(7).normal(mu, sigma, n)
    # SE of the 95 % sample quantile: sqrt(p(1-p)) / (phi(z) sqrt(n)) · sigma ≈ 0.0033 sigma;
    # SE of CVaR95 ≈ sqrt(Var(X | X>q) + p(q - CVaR)²) / sqrt(n(1-p)) ≈ 0.004 sigma. Tolerances
    # are about 5 SE.
    assert value_at_risk(x, 0.95) == pytest.approx(mu + sigma * Z95, abs=0.017 * sigma)
    cvar_true = mu + sigma * stats.norm.pdf(Z95) / (1 - 0.95)
    assert expected_shortfall(x, 0.95) == pytest.approx(cvar_true, abs=0.02 * sigma)
    z99 = stats.norm.ppf(0.99)
    assert expected_shortfall(x, 0.99) == pytest.approx(
        mu + sigma * stats.norm.pdf(z99) / 0.01,
        abs=0.05 * sigma,  # 4k tail points: SE ≈ 0.01σ
    )


def test_cvar_of_a_lognormal_sample_matches_the_closed_form() -> None:
    mu, s, n = 0.0, 0.5, 400_000
    x = np.random.default_rng(11).lognormal(mu, s, n)
    # E[X | X > q95] = exp(mu + s²/2) Φ(s - z) / (1 - 0.95) ≈ 2.86; 20k tail points with a
    # conditional sd of about 0.8 give an SE near 0.006 (0.2 %); tolerance 1 %.
    closed = np.exp(mu + s**2 / 2) * stats.norm.cdf(s - Z95) / (1 - 0.95)
    assert expected_shortfall(x, 0.95) == pytest.approx(closed, rel=0.01)
    assert value_at_risk(x, 0.95) == pytest.approx(np.exp(mu + s * Z95), rel=0.01)


def test_cvar_on_a_hand_case_is_the_tail_mean() -> None:
    x = np.arange(1, 21, dtype=float)  # n(1 - level) = 2 at level 0.9: the tail is {19, 20}
    assert value_at_risk(x, 0.9) == pytest.approx(np.quantile(x, 0.9))
    assert expected_shortfall(x, 0.9) == pytest.approx(19.5)
    # Whenever n(1 - level) is an integer k, CVaR is the mean of the k largest values.
    y = np.random.default_rng(3).lognormal(0, 1, 200)
    for level, k in ((0.95, 10), (0.99, 2), (0.9, 20)):
        assert expected_shortfall(y, level) == pytest.approx(np.sort(y)[-k:].mean())
    # Otherwise it lies between VaR and the maximum; the order does not matter; NaNs are ignored.
    level = 0.937
    assert value_at_risk(y, level) <= expected_shortfall(y, level) <= y.max()
    assert expected_shortfall(y[::-1], level) == pytest.approx(expected_shortfall(y, level))
    assert expected_shortfall(np.append(x, np.nan), 0.9) == pytest.approx(19.5)
    assert np.isnan(expected_shortfall([], 0.9))
    with pytest.raises(ValueError, match="level"):
        expected_shortfall(x, 1.0)


def test_exceedance_probability() -> None:
    x = np.array([1.0, 2.0, 2.0, 5.0])
    assert exceedance_probability(x, 0.0) == 1.0
    assert exceedance_probability(x, 2.0) == 0.25
    assert exceedance_probability(x, 5.0) == 0.0


# --- bootstrap and analytic intervals ------------------------------------------------------------


def test_bootstrap_ci_is_reproducible_and_accepts_names_and_callables() -> None:
    x = np.random.default_rng(5).gamma(2.0, 1.0, 300)
    assert bootstrap_ci(x, "mean", seed=4) == bootstrap_ci(x, "mean", seed=4)
    assert bootstrap_ci(x, "mean", seed=4) != bootstrap_ci(x, "mean", seed=5)
    # A numpy reduction (vectorised with axis=1) and a name use the same resamples.
    assert bootstrap_ci(x, np.mean) == pytest.approx(bootstrap_ci(x, "mean"))
    assert bootstrap_ci(x, np.median) == pytest.approx(bootstrap_ci(x, "p50"))
    # A scalar-only callable falls back to one call per resample, with the same result.
    per_row = bootstrap_ci(x, lambda v: expected_shortfall(v, 0.95), n_boot=200)
    assert per_row == pytest.approx(bootstrap_ci(x, "cvar95", n_boot=200))
    low, high = bootstrap_ci(x, "cvar95")
    assert low < expected_shortfall(x, 0.95) < high
    # risk_metrics uses the same draws as bootstrap_ci with the same seed.
    metrics = risk_metrics(frame_of({"a": list(x)}), seed=4)
    p90 = metrics.set_index("metric").loc["p90"]
    assert (p90["ci_low"], p90["ci_high"]) == pytest.approx(bootstrap_ci(x, "p90", seed=4))
    with pytest.raises(ValueError, match="unknown statistic"):
        bootstrap_ci(x, "kurtosis")


def test_bootstrap_quantile_intervals_cover_the_true_quantile() -> None:
    rng = np.random.default_rng(2024)
    repetitions, n = 200, 200
    truth = {"p50": 0.0, "p90": stats.norm.ppf(0.90)}
    hits = dict.fromkeys(truth, 0)
    for i in range(repetitions):
        x = rng.normal(0.0, 1.0, n)
        for name, q in truth.items():
            low, high = bootstrap_ci(x, name, n_boot=500, seed=i)
            hits[name] += low <= q <= high
    # Binomial SD of a 95 % coverage over 200 repetitions ≈ 0.015. The percentile bootstrap of
    # a tail quantile at n=200 under-covers a little (about 0.93), hence the wider lower bound.
    assert 0.90 <= hits["p50"] / repetitions <= 0.99
    assert 0.86 <= hits["p90"] / repetitions <= 0.99


def test_t_and_chi_square_intervals_cover_mean_and_sd() -> None:
    rng = np.random.default_rng(99)
    k, n, mu, sigma = 200, 50, 10.0, 2.0
    frame = pd.DataFrame(
        {
            "scenario": np.repeat([f"s{i:03d}" for i in range(k)], n),
            "replication": np.tile(np.arange(n), k),
            "cost_npv_eur": rng.normal(mu, sigma, k * n),
        }
    )
    metrics = risk_metrics(frame, n_boot=10).set_index("metric")
    for metric, truth in (("mean", mu), ("sd", sigma)):
        rows = metrics.loc[metric]
        coverage = ((rows["ci_low"] <= truth) & (truth <= rows["ci_high"])).mean()
        assert 0.90 <= coverage <= 0.99, (metric, coverage)  # exact intervals: 0.95 ± 0.015


# --- risk_metrics shape --------------------------------------------------------------------------


def test_risk_metrics_is_tidy_and_ordered(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    replications, _ = frames
    order = ["hybrid", "internal"]
    metrics = risk_metrics(replications, scenarios=order, n_boot=200)
    assert list(metrics.columns) == ["scenario", "metric", "value", "ci_low", "ci_high", "n"]
    assert list(metrics["scenario"].unique()) == order
    assert list(metrics["metric"]) == list(RISK_METRICS) * 2
    assert (metrics["n"] == 40).all()
    assert (metrics["ci_low"] <= metrics["value"]).all()
    assert (metrics["value"] <= metrics["ci_high"]).all()
    table = risk_table(metrics)
    assert list(table.index) == order
    assert list(table.columns) == list(RISK_METRICS)
    hybrid = replications.loc[replications["scenario"] == "hybrid", "cost_npv_eur"]
    assert table.loc["hybrid", "mean"] == pytest.approx(hybrid.mean())
    assert table.loc["hybrid", "sd"] == pytest.approx(hybrid.std())
    assert table.loc["hybrid", "p90"] == pytest.approx(hybrid.quantile(0.9))
    assert table.loc["hybrid", "var95"] == table.loc["hybrid", "p95"]
    assert table.loc["hybrid", "cvar99"] == pytest.approx(expected_shortfall(hybrid, 0.99))
    assert (table["cvar95"] >= table["var95"]).all()
    assert (table["cvar99"] >= table["cvar95"]).all()
    default = risk_metrics(replications, n_boot=50)
    assert list(default["scenario"].unique()) == SCENARIOS
    with pytest.raises(KeyError, match="nowhere"):
        risk_metrics(replications, scenarios=["nowhere"])


# --- paired comparisons --------------------------------------------------------------------------


def test_compare_pair_on_a_hand_case() -> None:
    frame = frame_of({"a": [1, 2, 3, 4], "b": [2, 2, 1, 5]})
    diff = paired_difference(frame, "a", "b")
    assert diff.name == "a - b"
    assert diff.index.name == "replication"
    assert list(diff) == [-1, 0, 2, -1]
    result = compare_pair(frame, "a", "b")
    assert result["a"] == "a"
    assert result["b"] == "b"
    assert result["n"] == 4
    assert result["mean_difference"] == pytest.approx(0.0)
    half = stats.t.ppf(0.975, 3) * np.std([-1, 0, 2, -1], ddof=1) / 2
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((-half, half))
    assert result["p_a_cheaper"] == pytest.approx(0.625)  # (1 + 0.5 + 0 + 1) / 4
    z, p, n = stats.norm.ppf(0.975), 0.625, 4
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    spread = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert result["p_a_cheaper_ci_low"] == pytest.approx(centre - spread)
    assert result["p_a_cheaper_ci_high"] == pytest.approx(centre + spread)
    assert result["expected_regret_a"] == pytest.approx(0.5)  # max(a - b, 0) = [0, 0, 2, 0]
    assert result["expected_regret_b"] == pytest.approx(0.5)  # max(b - a, 0) = [1, 0, 0, 1]
    assert result["difference_p5"] == pytest.approx(np.quantile([-1, 0, 2, -1], 0.05))
    assert result["difference_p50"] == pytest.approx(-0.5)
    assert result["difference_p95"] == pytest.approx(np.quantile([-1, 0, 2, -1], 0.95))
    swapped = compare_pair(frame, "b", "a")
    assert swapped["p_a_cheaper"] == pytest.approx(0.375)
    assert swapped["expected_regret_a"] == pytest.approx(result["expected_regret_b"])


def test_paired_difference_uses_only_common_replications() -> None:
    frame = frame_of({"a": [1, 2, 3, 4], "b": [2, 2, 1, 5]})
    frame = frame.drop(frame.index[(frame["scenario"] == "b") & (frame["replication"] == 1)])
    diff = paired_difference(frame.sample(frac=1.0, random_state=0), "a", "b")
    assert list(diff.index) == [0, 2, 3]
    assert list(diff) == [-1, 2, -1]
    assert compare_pair(frame, "a", "b")["n"] == 3


def test_cheapest_table_probabilities_and_regret() -> None:
    rng = np.random.default_rng(8)
    base = rng.normal(100.0, 10.0, 300)
    frame = frame_of(
        {
            "x": list(base + rng.normal(0, 5, 300)),
            "best": list(base - 20.0),  # always cheapest by a margin
            "y": list(base + rng.normal(0, 5, 300)),
        }
    )
    table = cheapest_table(frame)
    assert list(table.columns) == ["p_cheapest", "ci_low", "ci_high", "expected_regret"]
    assert list(table.index) == ["x", "best", "y"]
    assert table.index.name == "scenario"
    assert table["p_cheapest"].sum() == pytest.approx(1.0)
    assert table.loc["best", "p_cheapest"] == 1.0
    assert table.loc["best", "expected_regret"] == 0.0
    wide = frame.pivot(index="replication", columns="scenario", values="cost_npv_eur")
    regret_x = (wide["x"] - wide.min(axis=1)).mean()
    assert table.loc["x", "expected_regret"] == pytest.approx(regret_x)
    # Without the dominant option the other two share the wins; ties share them equally.
    pair = cheapest_table(frame, scenarios=["y", "x"])
    assert list(pair.index) == ["y", "x"]
    assert pair["p_cheapest"].sum() == pytest.approx(1.0)
    pd.testing.assert_series_equal(
        pair["p_cheapest"], probability_cheapest(frame, scenarios=["y", "x"]), check_names=False
    )
    assert (pair["ci_low"] <= pair["p_cheapest"]).all()
    assert (pair["p_cheapest"] <= pair["ci_high"]).all()
    ties = cheapest_table(frame_of({"a": [1, 1, 3], "b": [1, 2, 2]}))
    # Replication 0 is a tie: a wins (0.5 + 1 + 0) / 3, b wins (0.5 + 0 + 1) / 3.
    assert list(ties["p_cheapest"]) == pytest.approx([0.5, 0.5])
    assert list(ties["expected_regret"]) == pytest.approx([1 / 3, 1 / 3])


# --- breakdowns ----------------------------------------------------------------------------------


def test_cost_breakdown_rows_sum_to_the_mean_total(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    replications, _ = frames
    table = cost_breakdown(replications)
    assert list(table.columns) == list(COST_CATEGORIES)
    assert list(table.index) == SCENARIOS
    assert (table["service_credits"] < 0).all()
    means = replications.groupby("scenario")["cost_total_eur"].mean()
    np.testing.assert_allclose(table.sum(axis=1), means.reindex(SCENARIOS), rtol=1e-12)
    medians = cost_breakdown(replications, scenarios=["hybrid"], statistic="median")
    hybrid = replications.loc[replications["scenario"] == "hybrid", "cost_personnel_eur"]
    assert medians.loc["hybrid", "personnel"] == pytest.approx(hybrid.median())


def test_downtime_by_service(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    replications, _ = frames
    mean = downtime_by_service(replications, SERVICES, scenarios=["external", "internal"])
    assert list(mean.columns) == SERVICES
    assert list(mean.index) == ["external", "internal"]
    internal = replications.loc[replications["scenario"] == "internal"]
    assert mean.loc["internal", "infrastructure"] == pytest.approx(
        internal["downtime_infrastructure_hours"].mean()
    )
    p95 = downtime_by_service_quantile(replications, SERVICES, 0.95)
    assert p95.shape == (3, 2)
    assert p95.loc["internal", "service_desk"] == pytest.approx(
        np.quantile(internal["downtime_service_desk_hours"], 0.95)
    )


def test_yearly_costs_add_up_to_the_total(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    replications, monthly = frames
    table = yearly_costs(monthly)
    assert list(table.columns) == ["scenario", "year", "mean", "p10", "p50", "p90"]
    assert list(table["scenario"]) == [s for s in SCENARIOS for _ in range(5)]
    assert list(table["year"]) == [1, 2, 3, 4, 5] * 3
    totals = table.groupby("scenario")["mean"].sum()
    means = replications.groupby("scenario")["cost_total_eur"].mean()
    np.testing.assert_allclose(totals.reindex(SCENARIOS), means.reindex(SCENARIOS), rtol=1e-12)
    assert ((table["p10"] <= table["p50"]) & (table["p50"] <= table["p90"])).all()
    discounted = yearly_costs(monthly, "cost_discounted_eur", scenarios=["hybrid"])
    npv = replications.loc[replications["scenario"] == "hybrid", "cost_npv_eur"].mean()
    assert discounted["mean"].sum() == pytest.approx(npv)


def test_cumulative_cost_bands(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    replications, monthly = frames
    bands = cumulative_cost_bands(monthly)
    names = ["p10", "p25", "p50", "p75", "p90"]
    assert list(bands.columns) == ["scenario", "month", "mean", *names]
    assert len(bands) == 3 * 60
    assert list(bands["scenario"].unique()) == SCENARIOS
    for scenario, band in bands.groupby("scenario", sort=False):
        assert list(band["month"]) == list(range(60))
        last = band.iloc[-1]
        totals = replications.loc[replications["scenario"] == scenario, "cost_total_eur"]
        assert last["p50"] == pytest.approx(np.median(totals))
        assert last["mean"] == pytest.approx(totals.mean())
        values = band[names].to_numpy()
        assert (np.diff(values, axis=1) >= 0).all()  # p10 <= p25 <= ... <= p90
        assert (np.diff(values, axis=0) >= 0).all()  # costs >= 0: non-decreasing in month
    # Row order of the input does not matter (cumulated by month within each replication).
    shuffled = cumulative_cost_bands(monthly.sample(frac=1.0, random_state=1), scenarios=SCENARIOS)
    pd.testing.assert_frame_equal(shuffled, bands)
    custom = cumulative_cost_bands(monthly, quantiles=(0.05, 0.95), scenarios=["external"])
    assert list(custom.columns) == ["scenario", "month", "mean", "p5", "p95"]
    assert set(custom["scenario"]) == {"external"}


def test_exceedance_curve(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    replications, _ = frames
    curve = exceedance_curve(replications, points=50)
    assert list(curve.columns) == ["scenario", "x", "p_exceed"]
    assert len(curve) == 150
    low, high = replications["cost_npv_eur"].min(), replications["cost_npv_eur"].max()
    for scenario, part in curve.groupby("scenario", sort=False):
        values = replications.loc[replications["scenario"] == scenario, "cost_npv_eur"]
        assert part["x"].iloc[0] == pytest.approx(low)
        assert part["x"].iloc[-1] == pytest.approx(high)
        assert (np.diff(part["p_exceed"]) <= 0).all()
        assert part["p_exceed"].iloc[-1] == 0.0
        assert exceedance_probability(values, values.min() - 1.0) == 1.0
        x = float(part["x"].iloc[20])
        assert part["p_exceed"].iloc[20] == pytest.approx(exceedance_probability(values, x))
    # At the overall minimum every curve is 1 except for replications equal to that minimum.
    first = curve.groupby("scenario", sort=False)["p_exceed"].first()
    assert (first >= 1.0 - 1.0 / 40).all()


def test_sla_versus_loss_on_a_hand_case() -> None:
    frame = pd.DataFrame(
        {
            "scenario": ["ext", "ext", "int", "int"],
            "replication": [0, 1, 0, 1],
            "sla_breaches": [4, 6, 0, 0],
            "cost_service_credits_eur": [-100.0, -300.0, 0.0, 0.0],
            "cost_downtime_eur": [1000.0, 3000.0, 0.0, 0.0],
            "cost_lost_margin_eur": [500.0, 500.0, 0.0, 0.0],
            "cost_security_losses_eur": [0.0, 1000.0, 0.0, 0.0],
        }
    )
    table = sla_versus_loss(frame)
    assert list(table.columns) == [
        "sla_breaches",
        "service_credits_eur",
        "business_loss_eur",
        "credits_share_of_loss",
    ]
    assert table.loc["ext"].tolist() == pytest.approx([5.0, 200.0, 3000.0, 200.0 / 3000.0])
    assert table.loc["int", "service_credits_eur"] == 0.0
    assert np.isnan(table.loc["int", "credits_share_of_loss"])


# --- the real pipeline ---------------------------------------------------------------------------


def test_functions_work_on_real_results(tmp_path, default_config_path) -> None:
    from simulation.cli import main
    from simulation.montecarlo.store import read_results

    code = main(
        [
            "run",
            str(default_config_path),
            "--runs",
            "8",
            "--jobs",
            "1",
            "--out",
            str(tmp_path),
            "--no-progress",
            "--no-plots",
        ]
    )
    assert code == 0
    replications, monthly, meta = read_results(tmp_path)
    order = meta["scenarios"]
    assert meta["cost_categories"] == list(COST_CATEGORIES)

    metrics = risk_metrics(replications, scenarios=order, n_boot=200)
    assert len(metrics) == len(order) * len(RISK_METRICS)
    assert metrics["value"].notna().all()
    assert list(risk_table(metrics).index) == order

    breakdown = cost_breakdown(replications, order)
    means = replications.groupby("scenario")["cost_total_eur"].mean().reindex(order)
    np.testing.assert_allclose(breakdown.sum(axis=1), means, rtol=1e-9)

    cheapest = cheapest_table(replications, scenarios=order)
    assert cheapest["p_cheapest"].sum() == pytest.approx(1.0)
    assert (cheapest["expected_regret"] >= 0).all()
    summary = summary_table(replications, order)
    np.testing.assert_allclose(summary["p_cheapest"], cheapest["p_cheapest"])

    result = compare_pair(replications, order[0], order[1])
    assert result["n"] == 8
    assert result["mean_difference"] == pytest.approx(
        result["expected_regret_a"] - result["expected_regret_b"]
    )

    downtime = downtime_by_service(replications, meta["services"], order)
    assert list(downtime.columns) == meta["services"]
    assert (downtime_by_service_quantile(replications, meta["services"], 0.9, order) >= 0).all(
        axis=None
    )

    yearly = yearly_costs(monthly, scenarios=order)
    assert len(yearly) == len(order) * meta["horizon_years"]
    np.testing.assert_allclose(yearly.groupby("scenario")["mean"].sum().reindex(order), means)
    npv = yearly_costs(monthly, "cost_discounted_eur", order).groupby("scenario")["mean"].sum()
    np.testing.assert_allclose(
        npv.reindex(order), replications.groupby("scenario")["cost_npv_eur"].mean().reindex(order)
    )

    bands = cumulative_cost_bands(monthly, scenarios=order)
    assert len(bands) == len(order) * 12 * meta["horizon_years"]
    last = bands.groupby("scenario", sort=False).last()
    medians = replications.groupby("scenario")["cost_total_eur"].median().reindex(order)
    # monthly values are float32 (montecarlo/compact.py): each within a relative 2**-24 of the
    # float64 value, so a sum of non-negative months is too (twice that for the summation)
    np.testing.assert_allclose(last["p50"].reindex(order), medians, rtol=2 * 2.0**-24)

    curve = exceedance_curve(replications, scenarios=order)
    assert len(curve) == len(order) * 200
    sla = sla_versus_loss(replications, order)
    assert (sla["service_credits_eur"] >= 0).all()
    assert (sla["business_loss_eur"] > 0).all()

    sides = budget_risk_table(replications, order)
    np.testing.assert_allclose(sides["budget_mean"] + sides["risk_mean"], sides["total_mean"])
    np.testing.assert_allclose(sides["total_mean"], summary["npv_mean_eur"])
    np.testing.assert_allclose(sides["budget_p95"], summary["budget_npv_p95_eur"])
    grouped = grouped_cost_breakdown(replications, order)
    np.testing.assert_allclose(grouped[("total", "total")], means, rtol=1e-9)
    np.testing.assert_allclose(
        grouped["budget"].drop(columns="subtotal").sum(axis=1),
        grouped[("budget", "subtotal")],
        rtol=1e-9,
    )
    chosen = recommendations(replications, order)
    assert chosen.loc["total", "recommended"] == summary["npv_mean_eur"].idxmin()
    assert chosen.loc["budget", "recommended"] == summary["budget_npv_mean_eur"].idxmin()


def test_cvar_never_exceeds_the_sample_maximum():
    from simulation.analysis import expected_shortfall

    assert expected_shortfall([1, 2, 3, 4], 0.95) == 4.0
    values = np.arange(1.0, 31.0)
    # worst 5% of 30 values = 1.5 values: 30 in full and half of 29
    assert expected_shortfall(values, 0.95) == pytest.approx((30 + 0.5 * 29) / 1.5)
    rng = np.random.default_rng(1)
    for n in (3, 7, 19, 50):
        sample = rng.lognormal(size=n)
        assert expected_shortfall(sample, 0.95) <= sample.max() + 1e-12


# --- budget cost and risk cost side by side -------------------------------------------------------


def budget_risk_frame() -> pd.DataFrame:
    """Four replications of two options by hand: B is cheaper on budget, A in total."""
    budget = {"a": [10.0, 12.0, 11.0, 9.0], "b": [8.0, 9.0, 10.0, 9.0]}
    risk = {"a": [2.0, 3.0, 1.0, 2.0], "b": [6.0, 7.0, 5.0, 6.0]}
    rows = [
        {
            "scenario": s,
            "replication": r,
            "cost_budget_npv_eur": budget[s][r],
            "cost_risk_npv_eur": risk[s][r],
            "cost_npv_eur": budget[s][r] + risk[s][r],
        }
        for s in ("a", "b")
        for r in range(4)
    ]
    return pd.DataFrame(rows)


def test_budget_risk_table_adds_up_and_matches_numpy() -> None:
    frame = budget_risk_frame()
    table = budget_risk_table(frame)
    assert list(table.index) == ["a", "b"]
    np.testing.assert_allclose(table["budget_mean"] + table["risk_mean"], table["total_mean"])
    for basis, column in COST_BASES.items():
        values = frame.loc[frame["scenario"] == "b", column].to_numpy()
        assert table.loc["b", f"{basis}_mean"] == pytest.approx(values.mean())
        assert table.loc["b", f"{basis}_p95"] == pytest.approx(np.quantile(values, 0.95))
        assert table.loc["b", f"{basis}_p5"] == pytest.approx(np.quantile(values, 0.05))
        half = stats.t.ppf(0.975, 3) * values.std(ddof=1) / 2
        assert table.loc["b", f"{basis}_ci_high"] == pytest.approx(values.mean() + half)
    assert list(budget_risk_table(frame, ["b", "a"]).index) == ["b", "a"]


def test_recommendations_on_each_basis_on_a_hand_case() -> None:
    frame = budget_risk_frame()
    table = recommendations(frame)
    assert list(table.index) == ["budget", "risk", "total"]
    assert table.loc["budget", "recommended"] == "b"
    assert table.loc["total", "recommended"] == "a"
    assert winners_disagree(table)
    assert not winners_disagree(table, "risk", "total")
    budget = table.loc["budget"]
    assert budget["saving_eur"] == pytest.approx(42 / 4 - 36 / 4)
    pair = compare_pair(frame, "b", "a", "cost_budget_npv_eur")
    assert budget["saving_ci_low_eur"] == pytest.approx(-pair["ci_high"])
    assert budget["saving_ci_high_eur"] == pytest.approx(-pair["ci_low"])
    assert budget["p_cheaper_than_runner_up"] == pytest.approx(0.75 + 0.125)  # one tie
    cheapest = cheapest_table(frame, "cost_npv_eur")
    assert table.loc["total", "p_cheapest"] == pytest.approx(cheapest.loc["a", "p_cheapest"])
    assert table.loc["total", "p_cheapest_ci_low"] == pytest.approx(cheapest.loc["a", "ci_low"])
    assert table.loc["total", "runner_up"] == "b"
    assert table.loc["total", "mean_eur"] == pytest.approx(12.5)
    single = recommendations(frame[frame["scenario"] == "a"], bases=["total"])
    assert single.loc["total", "runner_up"] is None
    assert np.isnan(single.loc["total", "saving_eur"])
    with pytest.raises(ValueError, match="unknown cost bases"):
        recommendations(frame, bases=["cash"])


def test_grouped_breakdown_subtotals_sum_to_the_totals(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    replications, _ = frames
    replications = replications.copy()
    for group, members in COST_GROUPS.items():
        columns = [f"cost_{c}_eur" for c in members]
        replications[f"cost_{group}_total_eur"] = replications[columns].sum(axis=1)
    table = grouped_cost_breakdown(replications, ["hybrid", "internal"])
    assert list(table.index) == ["hybrid", "internal"]
    assert list(table.columns.get_level_values("group").unique()) == ["budget", "risk", "total"]
    for group, members in COST_GROUPS.items():
        assert list(table[group].columns) == [*members, "subtotal"]
        np.testing.assert_allclose(
            table[group][list(members)].sum(axis=1), table[group]["subtotal"]
        )
    np.testing.assert_allclose(
        table[("budget", "subtotal")] + table[("risk", "subtotal")], table[("total", "total")]
    )
    means = replications.groupby("scenario")["cost_total_eur"].mean()
    np.testing.assert_allclose(table[("total", "total")], means.loc[["hybrid", "internal"]])
