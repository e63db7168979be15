"""Why one option costs less than another: the paired gap in net present value split by cost
category and by service (simulation.analysis.gap), on hand-computed and synthetic frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from synthetic_results import DIFFERENT_WINNERS, DISCOUNT_RATE, SERVICES, synthetic_results

from simulation import analysis as an
from simulation.model.ledger import BUDGET_CATEGORIES, COST_CATEGORIES, RISK_CATEGORIES

#: (1 + RATE)^(1/12) = 1.01: month m is discounted by 1.01^-(m + 1).
RATE = 1.01**12 - 1

#: Net present values by hand: {(scenario, replication): [(month, category, service, npv)]}.
#: Replication 2 exists only for a, so it must not count.
HAND = {
    ("a", 0): [
        (0, "personnel", "s1", 100.0),
        (1, "provider_fees", "s2", 300.0),
        (1, "downtime", "s2", 50.0),
    ],
    ("a", 1): [
        (0, "personnel", "s1", 100.0),
        (1, "provider_fees", "s2", 500.0),
        (0, "downtime", "s1", 130.0),
    ],
    ("a", 2): [(0, "personnel", "s1", 9999.0)],
    ("b", 0): [(0, "personnel", "s1", 400.0), (1, "downtime", "s2", 100.0)],
    ("b", 1): [(1, "personnel", "s2", 600.0), (0, "downtime", "s1", 100.0)],
}


def hand_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replications and monthly frames of `HAND`: each amount booked in its month as the
    nominal amount whose present value is the given NPV."""
    rows = []
    for (scenario, replication), entries in HAND.items():
        for month in (0, 1):
            row = {"scenario": scenario, "replication": replication, "month": month}
            row |= {f"cost_{c}_eur": 0.0 for c in COST_CATEGORIES}
            row |= {f"cost_service_{s}_eur": 0.0 for s in ("s1", "s2")}
            for m, category, service, npv in entries:
                if m == month:
                    row[f"cost_{category}_eur"] += npv * 1.01 ** (m + 1)
                    row[f"cost_service_{service}_eur"] += npv * 1.01 ** (m + 1)
            rows.append(row)
    monthly = pd.DataFrame(rows)
    reps = []
    for (scenario, replication), entries in HAND.items():
        budget = sum(v for _, c, _, v in entries if c in BUDGET_CATEGORIES)
        risk = sum(v for _, c, _, v in entries if c in RISK_CATEGORIES)
        reps.append(
            {
                "scenario": scenario,
                "replication": replication,
                "cost_budget_npv_eur": budget,
                "cost_risk_npv_eur": risk,
                "cost_npv_eur": budget + risk,
            }
        )
    return pd.DataFrame(reps), monthly


T1 = stats.t.ppf(0.975, 1)  # two paired replications: one degree of freedom


def test_npv_by_part_discounts_each_month_like_the_model() -> None:
    _, monthly = hand_frames()
    npv = an.npv_by_part(monthly, RATE)
    assert list(npv.columns) == list(COST_CATEGORIES)
    assert npv.loc[("a", 0), "provider_fees"] == pytest.approx(300.0, rel=1e-12)
    assert npv.loc[("b", 1), "personnel"] == pytest.approx(600.0, rel=1e-12)
    services = an.npv_by_part(monthly, RATE, by="service")
    assert list(services.columns) == ["s1", "s2"]  # cost_service_credits_eur is a category
    assert services.loc[("a", 1), "s1"] == pytest.approx(230.0, rel=1e-12)
    np.testing.assert_allclose(npv.sum(axis=1), services.sum(axis=1), rtol=1e-12)


def test_gap_by_category_on_a_hand_case() -> None:
    reps, monthly = hand_frames()
    gap = an.gap_decomposition(reps, monthly, "a", "b", RATE)
    assert list(gap.index) == list(COST_CATEGORIES)
    assert gap.attrs["n"] == 2  # replication 2 of a has no partner
    assert gap.attrs["gap_eur"] == pytest.approx(-10.0)  # (450 - 500 + 730 - 700) / 2
    assert gap.attrs["mean_a_eur"] == pytest.approx(590.0)
    assert gap.attrs["mean_b_eur"] == pytest.approx(600.0)
    expected = {"personnel": -400.0, "provider_fees": 400.0, "downtime": -10.0}
    for part, mean in expected.items():
        assert gap.loc[part, "mean_difference_eur"] == pytest.approx(mean, abs=1e-9)
        assert gap.loc[part, "share_of_gap"] == pytest.approx(mean / -10.0)
    # personnel: -300 and -500, sd 141.42, standard error 100
    assert gap.loc["personnel", "ci_low_eur"] == pytest.approx(-400 - T1 * 100)
    assert gap.loc["personnel", "ci_high_eur"] == pytest.approx(-400 + T1 * 100)
    assert not gap.loc["personnel", "clear"]
    assert gap.loc["personnel", "mean_b_eur"] == pytest.approx(500.0)
    others = gap.drop(index=list(expected))
    assert (others["mean_difference_eur"] == 0).all()
    assert gap["mean_difference_eur"].sum() == pytest.approx(gap.attrs["gap_eur"], abs=1e-9)
    assert gap.loc["downtime", "group"] == "risk"
    assert gap.loc["provider_fees", "group"] == "budget"
    assert set(gap["group"]) == {"budget", "risk"}


def test_gap_by_service_on_a_hand_case() -> None:
    reps, monthly = hand_frames()
    gap = an.gap_decomposition(reps, monthly, "a", "b", RATE, by="service")
    assert list(gap.index) == ["s1", "s2"]
    assert gap.loc["s1", "mean_difference_eur"] == pytest.approx(-85.0)  # -300 and +130
    assert gap.loc["s2", "mean_difference_eur"] == pytest.approx(75.0)  # +250 and -100
    assert gap.loc["s1", "ci_high_eur"] == pytest.approx(-85.0 + T1 * 215.0)  # se (430 / 2)
    assert gap["group"].isna().all()
    assert gap["mean_difference_eur"].sum() == pytest.approx(-10.0)


def test_gap_by_basis_on_a_hand_case() -> None:
    reps, monthly = hand_frames()
    bases = an.gap_by_basis(reps, "a", "b")
    assert list(bases.index) == ["budget", "risk", "total"]
    assert bases.loc["budget", "mean_difference_eur"] == pytest.approx(0.0)  # 0 and 0
    assert bases.loc["risk", "mean_difference_eur"] == pytest.approx(-10.0)  # -50 and +30
    assert bases.loc["total", "share_of_gap"] == pytest.approx(1.0)
    assert bases.loc["total", "mean_a_eur"] == pytest.approx(590.0)
    gap = an.gap_decomposition(reps, monthly, "a", "b", RATE)
    for group in ("budget", "risk"):
        summed = gap.loc[gap["group"] == group, "mean_difference_eur"].sum()
        assert summed == pytest.approx(bases.loc[group, "mean_difference_eur"], abs=1e-9)


def test_gap_differences_are_per_replication() -> None:
    reps, monthly = hand_frames()
    differences = an.gap_differences(reps, monthly, "a", "b", RATE, by="service")
    assert list(differences.index) == [0, 1]
    np.testing.assert_allclose(differences["s1"], [-300.0, 130.0])
    np.testing.assert_allclose(differences["total"], [-50.0, 30.0])
    pd.testing.assert_series_equal(
        differences["total"],
        an.paired_difference(reps, "a", "b").rename("total"),
    )


def test_parts_that_do_not_add_up_are_refused() -> None:
    reps, monthly = hand_frames()
    with pytest.raises(ValueError, match="discount rate"):
        an.gap_decomposition(reps, monthly, "a", "b", 0.10)
    without = monthly.drop(columns="cost_service_s2_eur")
    with pytest.raises(KeyError, match="service"):
        an.gap_decomposition(reps, without, "a", "b", RATE, by="service", services=["s1", "s2"])
    with pytest.raises(ValueError, match="by"):
        an.part_columns(monthly, "month")


@pytest.mark.parametrize("by", an.GAP_BREAKDOWNS)
def test_parts_add_up_to_the_gap_of_synthetic_results(by: str) -> None:
    reps, monthly, _ = synthetic_results(DIFFERENT_WINNERS, runs=40)
    npv = an.npv_by_part(monthly, DISCOUNT_RATE, by=by, services=list(SERVICES))
    total = reps.set_index(["scenario", "replication"])["cost_npv_eur"]
    np.testing.assert_allclose(npv.sum(axis=1), total.reindex(npv.index), rtol=1e-10)
    for a, b in (("external", "hybrid"), ("internal", "external")):
        gap = an.gap_decomposition(reps, monthly, a, b, DISCOUNT_RATE, by=by)
        pair = an.compare_pair(reps, a, b)
        assert gap["mean_difference_eur"].sum() == pytest.approx(pair["mean_difference"], rel=1e-9)
        assert gap.attrs["gap_eur"] == pytest.approx(pair["mean_difference"], rel=1e-12)
        assert gap.attrs["gap_ci_low_eur"] == pytest.approx(pair["ci_low"], rel=1e-12)
        assert gap["share_of_gap"].sum() == pytest.approx(1.0, rel=1e-9)
        means = reps.groupby("scenario")["cost_npv_eur"].mean()
        assert gap["mean_a_eur"].sum() == pytest.approx(means[a], rel=1e-9)
        assert gap["mean_b_eur"].sum() == pytest.approx(means[b], rel=1e-9)


def test_condensed_gap_merges_small_parts_into_other() -> None:
    reps, monthly, _ = synthetic_results(DIFFERENT_WINNERS, runs=40)
    full = an.gap_decomposition(reps, monthly, "external", "hybrid", DISCOUNT_RATE)
    chart = an.gap_decomposition(
        reps, monthly, "external", "hybrid", DISCOUNT_RATE, min_share=0.02, max_parts=5
    )
    shown = [p for p in chart.index if p != an.GAP_OTHER]
    sizes = full["mean_difference_eur"].abs()
    assert shown == list(sizes.sort_values(ascending=False).index[:5])
    assert chart.index[-1] == an.GAP_OTHER
    other = chart.attrs["other_parts"]
    assert sorted(shown + other) == sorted(full.index[sizes > 0])
    assert chart.loc[an.GAP_OTHER, "parts"] == len(other)
    assert chart.loc[an.GAP_OTHER, "mean_difference_eur"] == pytest.approx(
        full.loc[other, "mean_difference_eur"].sum(), rel=1e-9
    )
    assert chart["mean_difference_eur"].sum() == pytest.approx(chart.attrs["gap_eur"], rel=1e-9)
    # the interval of "other" comes from the replications' sums of the merged parts
    summed = an.gap_differences(reps, monthly, "external", "hybrid", DISCOUNT_RATE)[other]
    values = summed.sum(axis=1).to_numpy()
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    assert chart.loc[an.GAP_OTHER, "ci_high_eur"] == pytest.approx(values.mean() + half)
    groups = {an.category_group(c) for c in other}
    assert chart.loc[an.GAP_OTHER, "group"] == (groups.pop() if len(groups) == 1 else "mixed")


def test_condensed_gap_drops_parts_that_never_differ_and_names_a_lone_small_part() -> None:
    reps, monthly = hand_frames()
    chart = an.gap_decomposition(reps, monthly, "a", "b", RATE, min_share=0.02, max_parts=2)
    # personnel and provider fees are the two largest; downtime alone is not merged
    assert list(chart.index) == ["personnel", "provider_fees", "downtime"]
    assert chart.attrs["other_parts"] == []
    chart = an.gap_decomposition(reps, monthly, "a", "b", RATE, min_share=1.5)
    assert list(chart.index) == ["personnel", "provider_fees", "downtime"]  # below 150% of 10
    assert (chart["parts"] == 1).all()


def test_category_groups() -> None:
    assert an.category_group("lost_margin") == "risk"
    assert an.category_group("licences") == "budget"
    assert {an.category_group(c) for c in RISK_CATEGORIES} == {"risk"}
