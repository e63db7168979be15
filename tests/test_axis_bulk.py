"""Axes hold the bulk of the data: a long tail is cut at P99 and named in the axis label."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.reporting import plots
from simulation.reporting.labels import format_eur_short


def ctx(lang: str = "en") -> plots.FigureContext:
    provenance = plots.Provenance("c.yaml", "0123456789ab", 1000, 1, "0.0.0", "2026-12-01")
    labels = {"internal": "Internal", "hybrid": "Hybrid"}
    return plots.FigureContext(provenance, lang, labels)


def with_tail(seed: int = 1, n: int = 1000) -> np.ndarray:
    values = np.random.default_rng(seed).normal(4e6, 3e5, n)
    values[:3] = [12e6, 18e6, 25e6]  # three futures where everything goes wrong
    return values


def test_a_long_tail_is_cut_at_p99_and_named():
    values = with_tail()
    lo, hi = plots.bulk_range(values)
    assert lo == values.min()
    assert hi == pytest.approx(np.percentile(values, 99))
    note = plots.beyond_note(values, lo, hi, "en")
    n, edge = int((values > hi).sum()), format_eur_short(hi, "en")
    assert note == f"{n} futures beyond {edge} not shown (maximum {format_eur_short(25e6, 'en')})"


def test_a_short_tail_is_kept_whole():
    values = np.random.default_rng(2).normal(4e6, 3e5, 1000)
    assert plots.bulk_range(values) == (values.min(), values.max())
    assert plots.beyond_note(values, values.min(), values.max(), "de") == ""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_distribution_shows_the_bulk_and_says_what_it_leaves_out(tmp_path: Path, lang: str):
    tail, plain = with_tail(3), np.random.default_rng(4).normal(3.8e6, 3e5, 1000)
    reps = pd.DataFrame(
        {
            "scenario": ["internal"] * 1000 + ["hybrid"] * 1000,
            "replication": list(range(1000)) * 2,
            "cost_npv_eur": np.concatenate([tail, plain]),
        }
    )
    result = plots.plot_cost_distributions(reps, ctx(lang), tmp_path / "dist")
    ax = result.figure.axes[0]
    everything = reps["cost_npv_eur"].to_numpy()
    p99 = np.percentile(everything, 99)
    assert ax.get_xlim()[1] < p99 * 1.05  # not stretched to 25 M
    beyond = int((everything > result.data["bins"][-1]).sum())
    assert result.data["beyond"] in ax.get_xlabel()
    word = {"en": "futures beyond", "de": "Verläufe über"}[lang]
    assert f"{beyond} {word}" in ax.get_xlabel()
    shown = sum(float(s["heights"].sum()) for s in result.data["scenarios"].values())
    assert shown + beyond / 1000 == pytest.approx(2.0)  # every future in a bin or named


def test_the_paired_difference_cuts_both_tails(tmp_path: Path):
    d = np.random.default_rng(5).normal(-2e5, 1e5, 1000)
    d[:2], d[2:5] = [-20e6, -15e6], [5e6, 4e6, 3e6]
    comparison = {"a": "hybrid", "b": "internal", "p_a_cheaper": float((d < 0).mean()),
                  "mean_difference": float(d.mean())}  # fmt: skip
    result = plots.plot_paired_difference(d, comparison, ctx(), tmp_path / "pair")
    xlabel = result.figure.axes[0].get_xlabel()
    assert "futures beyond" in xlabel
    assert "futures below" in xlabel
    lo, hi = result.figure.axes[0].get_xlim()
    assert lo > -5e6
    assert hi < 2e6
    edges = result.data["bins"]
    outside = int(((d < edges[0]) | (d > edges[-1])).sum())
    assert result.data["heights"].sum() + outside / d.size == pytest.approx(1.0)
    assert 0.0 in edges
