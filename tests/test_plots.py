"""Board figures: what is drawn equals the input, labels and numbers follow the language, the
footer carries the provenance, files are 300 dpi PNG and vector PDF, and no text overlaps or is
cut off. Synthetic frames only (no simulation); every figure is rendered once per language."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from figure_helpers import assert_readable_layout, texts_of, tick_texts
from matplotlib import colors as mcolors
from PIL import Image

from simulation import analysis as an
from simulation.model.ledger import COST_CATEGORIES
from simulation.reporting import plots
from simulation.reporting.labels import (
    category_label,
    format_eur,
    format_eur_short,
    format_percent,
    label,
)

CATEGORIES = list(COST_CATEGORIES)
SCENARIOS = ["internal", "external", "hybrid"]
SERVICES = ["service_desk", "infrastructure", "business_applications"]
METADATA = {
    "config_path": "configs/reference-case.yaml",
    "config_hash": "abc123def456",
    "runs": 1234,
    "seed": 4242,
    "itsim_version": "9.8.7",
    "finished": "2026-03-05T17:01:02+00:00",
    "horizon_years": 5,
    "scenarios": SCENARIOS,
    "scenario_labels": {"internal": "Internal", "external": "External", "hybrid": "Hybrid"},
    "scenario_labels_de": {"internal": "Intern", "external": "Extern", "hybrid": "Hybrid"},
    "services": SERVICES,
    "config": {
        "services": {
            "service_desk": {"name": "Service desk", "name_de": "Service-Desk"},
            "infrastructure": {"name": "Infrastructure and cloud"},
            "business_applications": {"name": "Business apps", "name_de": "Fachanwendungen"},
        }
    },
}


# -- synthetic analysis frames ------------------------------------------------------------------


def replications_frame() -> pd.DataFrame:
    """Total cost per replication, split into budget (about half) and risk cost."""
    rng = np.random.default_rng(7)
    parts = []
    for mean, scenario in zip((5.9e6, 4.0e6, 4.5e6), SCENARIOS, strict=True):
        total = rng.lognormal(np.log(mean), 0.15, 200)
        budget = total * rng.uniform(0.45, 0.6, 200)
        parts.append(
            pd.DataFrame(
                {
                    "scenario": scenario,
                    "replication": np.arange(200),
                    "cost_budget_npv_eur": budget,
                    "cost_risk_npv_eur": total - budget,
                    "cost_npv_eur": total,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def budget_risk_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The analysis numbers behind the budget/risk figure: `budget_risk_table` and P(cheapest)
    on budget and on total cost."""
    reps = replications_frame()
    cheapest = pd.DataFrame(
        {
            "p_cheapest_budget": an.probability_cheapest(reps, "cost_budget_npv_eur"),
            "p_cheapest": an.probability_cheapest(reps),
        }
    )
    return an.budget_risk_table(reps), cheapest


def exceedance_frame() -> pd.DataFrame:
    x = np.linspace(3e6, 9e6, 50)
    parts = [
        pd.DataFrame({"scenario": s, "x": x, "p_exceed": np.clip(1 - (x - lo) / 4e6, 0, 1)})
        for s, lo in zip(SCENARIOS, (4.5e6, 3.0e6, 3.5e6), strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def budget_curve_frame() -> pd.DataFrame:
    """Exceedance curves of budget cost alone: lower and steeper than the totals."""
    x = np.linspace(1.5e6, 4e6, 50)
    parts = [
        pd.DataFrame({"scenario": s, "x": x, "p_exceed": np.clip(1 - (x - lo) / 1e6, 0, 1)})
        for s, lo in zip(SCENARIOS, (2.8e6, 1.9e6, 1.7e6), strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def budget_bands_frame() -> pd.DataFrame:
    """Cumulative budget cost: a bit more than half the total of `bands_frame`."""
    bands = bands_frame()
    numbers = ["mean", "p10", "p25", "p50", "p75", "p90"]
    bands[numbers] = bands[numbers] * 0.55
    return bands


def bands_frame() -> pd.DataFrame:
    rows = []
    for k, s in enumerate(SCENARIOS):
        for month in range(60):
            base = (month + 1) * (100_000 + 10_000 * k)
            rows.append(
                {
                    "scenario": s,
                    "month": month,
                    "mean": base * 1.01,
                    "p10": base * 0.8,
                    "p25": base * 0.9,
                    "p50": base,
                    "p75": base * 1.1,
                    "p90": base * 1.25,
                }
            )
    return pd.DataFrame(rows)


def breakdown_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        rng.uniform(20_000, 900_000, (3, len(CATEGORIES))), index=SCENARIOS, columns=CATEGORIES
    )
    frame["service_credits"] = [0.0, -45_000.0, -20_000.0]
    frame["operations"] = [90_000.0, 0.0, 0.0]
    frame.index.name = "scenario"
    return frame


def downtime_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    mean = pd.DataFrame(
        [[0.0, 267.0, 222.0], [0.0, 69.0, 137.0], [0.0, 70.0, 202.0]],
        index=SCENARIOS,
        columns=SERVICES,
    )
    return mean, mean * 1.9


def risk_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mean": [5.97e6, 4.05e6, 4.48e6],
            "cvar95": [11.1e6, 5.7e6, 5.75e6],  # External and Hybrid close: labels must not clash
            "mean_ci_low": [5.7e6, 3.9e6, 4.3e6],
            "mean_ci_high": [6.2e6, 4.2e6, 4.6e6],
        },
        index=pd.Index(SCENARIOS, name="scenario"),
    )


def difference_frame() -> tuple[pd.Series, dict]:
    rng = np.random.default_rng(11)
    difference = pd.Series(rng.normal(-400_000, 300_000, 500))
    comparison = {"a": "internal", "b": "hybrid", "p_a_cheaper": 0.12, "mean_difference": -4e5}
    return difference, comparison


BUDGET_COMPARISON = {"a": "internal", "b": "hybrid", "p_a_cheaper": 0.64, "mean_difference": 3e4}


def gap_frames() -> dict[str, pd.DataFrame]:
    """The gap between External and Hybrid of a synthetic results folder, by cost category
    and by service, condensed as the report draws it (`analysis.gap_decomposition`)."""
    from synthetic_results import DIFFERENT_WINNERS, DISCOUNT_RATE, synthetic_results

    reps, monthly, _ = synthetic_results(DIFFERENT_WINNERS, runs=40)
    return {
        by: an.gap_decomposition(
            reps, monthly, "external", "hybrid", DISCOUNT_RATE, by, min_share=0.02, max_parts=7
        )
        for by in an.GAP_BREAKDOWNS
    }


# -- rendering, once per language ---------------------------------------------------------------

KINDS = (*plots.FIGURE_STEMS, *plots.PAIR_FIGURES)


def render(out_dir: Path, lang: str) -> dict[str, plots.FigureResult]:
    ctx = plots.FigureContext.from_metadata(METADATA, lang)
    path = lambda stem: plots.figure_path(out_dir, stem, lang)  # noqa: E731
    mean, p95 = downtime_frames()
    difference, comparison = difference_frame()
    downtime_curve = exceedance_frame().assign(x=lambda f: f["x"] / 1_000)
    table, cheapest = budget_risk_frames()
    return {
        "cost_budget_risk": plots.plot_cost_budget_risk(
            table, ctx, path("cost_budget_risk"), cheapest=cheapest
        ),
        "cost_distribution": plots.plot_cost_distributions(
            replications_frame(), ctx, path("cost_distribution")
        ),
        "cost_exceedance": plots.plot_exceedance(
            exceedance_frame(), ctx, path("cost_exceedance"), budget_curve=budget_curve_frame()
        ),
        "downtime_exceedance": plots.plot_exceedance(
            downtime_curve, ctx, path("downtime_exceedance"), quantity="downtime", log_y=True
        ),
        "cost_fan": plots.plot_fan_chart(
            bands_frame(), ctx, path("cost_fan"), budget_bands=budget_bands_frame()
        ),
        "cost_breakdown": plots.plot_cost_breakdown(breakdown_frame(), ctx, path("cost_breakdown")),
        "downtime_by_service": plots.plot_downtime_by_service(
            mean, ctx, path("downtime_by_service"), downtime_p95=p95
        ),
        "risk_return": plots.plot_risk_return(risk_frame(), ctx, path("risk_return")),
        "paired_difference": plots.plot_paired_difference(
            difference,
            comparison,
            ctx,
            path(plots.paired_difference_stem("internal", "hybrid")),
            budget_comparison=BUDGET_COMPARISON,
        ),
        **{
            f"gap_by_{by}": plots.plot_gap_waterfall(
                chart, ctx, path(plots.pair_figure_stem(f"gap_by_{by}", "external", "hybrid"))
            )
            for by, chart in gap_frames().items()
        },
    }


@pytest.fixture(scope="module")
def rc_before() -> dict:
    return dict(matplotlib.rcParams.copy())  # copy(): reading "backend" would import pyplot


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory, rc_before: dict) -> dict:
    out_dir = tmp_path_factory.mktemp("figures")
    results = {lang: render(out_dir, lang) for lang in ("en", "de")}
    for by_kind in results.values():
        for result in by_kind.values():
            result.figure.canvas.draw()  # on screen resolution again after the PDF (72 dpi)
    return results


def by_gid(fig, gid: str) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == gid)


def all_text(fig) -> str:
    """Every text of a figure; German non-breaking spaces read as plain spaces."""
    return "\n".join(t.get_text() for t in texts_of(fig)).replace("\u00a0", " ")


# -- labels and formats -------------------------------------------------------------------------


def test_number_formats_in_both_languages() -> None:
    assert format_eur(1234567, "en") == "€1,234,567"
    assert format_eur(1234567, "de") == "1.234.567\u00a0€"
    assert format_eur(-28_700, "en") == "-€28,700"
    assert format_eur_short(1_234_567, "en") == "€1.2m"
    assert format_eur_short(1_234_567, "de") == "1,2\u00a0Mio. €"
    assert format_eur_short(350_000, "de") == "350\u00a0Tsd. €"
    assert format_eur_short(-1.9e6, "en") == "-€1.9m"
    assert format_eur_short(4.5e6, "en", scale=1e6, decimals=2) == "€4.50m"
    assert format_percent(0.125, "en", 1) == "12.5%"
    assert format_percent(0.125, "de", 1) == "12,5\u00a0%"
    assert format_percent(0.12, "de") == "12\u00a0%"
    assert format_percent(float("nan"), "en") == "–"


def test_every_cost_category_has_a_label_in_both_languages() -> None:
    for lang in ("en", "de"):
        names = [category_label(c, lang) for c in CATEGORIES]
        assert len(set(names)) == len(CATEGORIES)
        assert all("_" not in n for n in names)
    assert category_label("provider_fees", "en") == "Provider fees"
    assert category_label("provider_fees", "de") == "Dienstleistergebühren"
    assert category_label("service_credits", "de") == "SLA-Gutschriften"
    assert category_label("cost_licences_eur", "de") == "Lizenzen"
    assert category_label("something_new", "en") == "Something new"
    with pytest.raises(ValueError, match="lang"):
        category_label("personnel", "fr")


def test_context_from_metadata() -> None:
    en = plots.FigureContext.from_metadata(METADATA, "en")
    de = plots.FigureContext.from_metadata(METADATA, "de")
    assert list(en.scenario_labels.items()) == [
        ("internal", "Internal"),
        ("external", "External"),
        ("hybrid", "Hybrid"),
    ]
    assert de.scenario_labels["internal"] == "Intern"
    assert de.service_labels == {
        "service_desk": "Service-Desk",
        "infrastructure": "Infrastruktur und Cloud",  # built-in German name: none in the config
        "business_applications": "Fachanwendungen",
    }
    assert en.service_labels["business_applications"] == "Business apps"
    own = plots.FigureContext.from_metadata(
        METADATA, "en", service_names={"service_desk": {"en": "Help desk", "de": "Helpdesk"}}
    )
    assert own.service_labels["service_desk"] == "Help desk"
    assert en.provenance == plots.Provenance(
        config="reference-case.yaml",
        config_hash="abc123def456",
        runs=1234,
        seed=4242,
        version="9.8.7",
        day="2026-03-05",
        planned=1234,
    )
    assert en.horizon_years == 5
    assert [en.colour(s) for s in SCENARIOS] == list(plots.PALETTE[:3])


def test_figure_paths() -> None:
    assert plots.figure_path("out", "cost_fan", "en") == Path("out/cost_fan")
    assert plots.figure_path("out", "cost_fan", "de") == Path("out/cost_fan_de")
    stem = plots.paired_difference_stem("internal", "hybrid")
    assert stem == "paired_difference_internal_vs_hybrid"


def test_style_file_colour_cycle_is_the_palette() -> None:
    text = plots.STYLE_PATH.read_text("utf-8")
    cycle = re.search(r"axes\.prop_cycle: cycler\('color', \[(.*)\]\)", text).group(1)
    colours = ["#" + c.strip(" '") for c in cycle.split(",")]
    assert [c.upper() for c in colours] == [c.upper() for c in plots.PALETTE]


# -- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_png_at_300_dpi_and_vector_pdf(figures: dict, lang: str) -> None:
    for kind, result in figures[lang].items():
        png, pdf = result.paths
        suffix = "_de" if lang == "de" else ""
        assert png.name.endswith(f"{suffix}.png"), kind
        assert pdf.name.endswith(f"{suffix}.pdf"), kind
        with Image.open(png) as image:
            assert image.size == (4000, 2250), kind  # 13.33 × 7.5 in (16:9) at 300 dpi
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF-")
        assert re.search(rb"/MediaBox \[\s*0 0 960 540\s*\]", content), kind  # 16:9 in points
        assert b"/Subtype /Image" not in content, kind  # vector: no embedded raster


def test_nothing_is_global(figures: dict, rc_before: dict) -> None:
    assert dict(matplotlib.rcParams.copy()) == rc_before
    code = (
        "import sys, matplotlib; before = dict(matplotlib.rcParams.copy()); "
        "import simulation.reporting.plots; "
        "assert dict(matplotlib.rcParams.copy()) == before; "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- layout: readable, nothing overlapping or cut off -------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("kind", KINDS)
def test_text_is_large_inside_and_apart(figures: dict, kind: str, lang: str) -> None:
    assert_readable_layout(figures[lang][kind].figure)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_footer_states_the_provenance(figures: dict, lang: str) -> None:
    runs = "1,234" if lang == "en" else "1.234"
    day = "2026-03-05" if lang == "en" else "05.03.2026"  # German dates in German
    for kind, result in figures[lang].items():
        footer = by_gid(result.figure, "footer")
        for part in ("abc123def456", runs, "4242", "9.8.7", "reference-case.yaml", day):
            assert part in footer, (kind, part)
        assert result.data["footer"] == footer


def test_german_labels_and_numbers(figures: dict) -> None:
    de, en = figures["de"], figures["en"]
    for kind in KINDS:
        assert de[kind].data["title"] != en[kind].data["title"], kind
    ax = de["cost_exceedance"].figure.axes[0]
    assert ax.get_ylabel() == "Wahrscheinlichkeit, dass die Kosten x übersteigen"
    assert ax.get_xlabel() == "x: Kosten über 5 Jahre, Barwert (EUR)"  # total and budget
    ticks = tick_texts(ax)
    assert ticks
    assert all(re.fullmatch(r"\d+(,\d)?\u00a0Mio\. €", t) for t in ticks), ticks
    assert "10 %" in all_text(de["cost_exceedance"].figure)
    percents = tick_texts(ax, "y")
    assert percents
    assert all(p.endswith("\u00a0%") for p in percents), percents
    hours = tick_texts(de["downtime_exceedance"].figure.axes[0])
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", h) for h in hours), hours  # 1.000 Stunden
    en_ticks = tick_texts(en["cost_exceedance"].figure.axes[0])
    assert en_ticks
    assert all(re.fullmatch(r"€\d+(\.\d)?m", t) for t in en_ticks), en_ticks
    breakdown = de["cost_breakdown"].figure
    legend_texts = [t.get_text() for t in breakdown.legends[0].get_texts()]
    assert "Dienstleistergebühren" in legend_texts
    assert "SLA-Gutschriften" in legend_texts
    assert tick_texts(breakdown.axes[0], "y") == ["Intern", "Extern", "Hybrid"]
    fan = de["cost_fan"].figure
    assert [ax.get_title(loc="left") for ax in fan.axes] == ["Intern", "Extern", "Hybrid"]
    assert "Jahre ab Beginn" in all_text(fan)
    service_ticks = tick_texts(de["downtime_by_service"].figure.axes[0])
    assert service_ticks[0] == "Service-Desk"


# -- content: what is drawn equals the input ----------------------------------------------------


def test_fan_chart_draws_the_input_percentiles(figures: dict) -> None:
    result = figures["en"]["cost_fan"]
    bands = bands_frame()
    axes = result.figure.axes
    for ax, scenario in zip(axes, SCENARIOS, strict=True):
        rows = bands[bands["scenario"] == scenario].sort_values("month")
        drawn = result.data["scenarios"][scenario]
        np.testing.assert_array_equal(drawn["x"], (rows["month"].to_numpy() + 1) / 12)
        for q in ("p10", "p25", "p50", "p75", "p90"):
            np.testing.assert_array_equal(drawn[q], rows[q].to_numpy())
        median, budget = ax.get_lines()
        np.testing.assert_array_equal(median.get_ydata(), rows["p50"].to_numpy())
        np.testing.assert_array_equal(median.get_xdata(), drawn["x"])
        budget_rows = budget_bands_frame().query("scenario == @scenario").sort_values("month")
        np.testing.assert_array_equal(budget.get_ydata(), budget_rows["p50"].to_numpy())
        assert budget.get_linestyle() == "--"
        outer, inner = ax.collections[:2]
        for band, (low, high) in ((outer, ("p10", "p90")), (inner, ("p25", "p75"))):
            y = band.get_paths()[0].vertices[:, 1]
            assert y.min() == pytest.approx(rows[low].min())
            assert y.max() == pytest.approx(rows[high].max())
            assert np.isin(rows[high].to_numpy(), y).all()
            assert np.isin(rows[low].to_numpy(), y).all()
        assert mcolors.same_color(median.get_color(), plots.PALETTE[SCENARIOS.index(scenario)])
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[2])
    assert "total cost (budget + risk)" in result.data["title"]
    assert "not discounted" in axes[0].get_ylabel()
    assert "budget alone: median" in all_text(result.figure)


def test_exceedance_draws_the_input_probabilities(figures: dict, tmp_path: Path) -> None:
    tmp = tmp_path / "cost_exceedance"
    curve = exceedance_frame()
    result = figures["en"]["cost_exceedance"]
    ax = result.figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    for scenario, name in METADATA["scenario_labels"].items():
        rows = curve[curve["scenario"] == scenario]
        np.testing.assert_array_equal(lines[name].get_ydata(), rows["p_exceed"].to_numpy())
        np.testing.assert_array_equal(lines[name].get_xdata(), rows["x"].to_numpy())
        drawn = result.data["scenarios"][scenario]["p_exceed"]
        np.testing.assert_array_equal(drawn, rows["p_exceed"].to_numpy())
        colour = plots.PALETTE[SCENARIOS.index(scenario)]
        assert mcolors.same_color(lines[name].get_color(), colour)
    levels = sorted(
        float(line.get_ydata()[0]) for line in ax.get_lines() if line.get_label().startswith("_")
    )
    assert levels == [0.05, 0.10]
    budget = budget_curve_frame()
    for scenario, name in METADATA["scenario_labels"].items():
        rows = budget[budget["scenario"] == scenario]
        line = lines[f"{name} – Budget cost alone"]
        np.testing.assert_array_equal(line.get_ydata(), rows["p_exceed"].to_numpy())
        assert line.get_linestyle() == "--"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Budget cost alone", "Total cost (budget + risk)"} <= set(legend)
    plain = plots.plot_exceedance(curve, plots.FigureContext.from_metadata(METADATA, "en"), tmp)
    assert "total cost (budget + risk)" in plain.data["title"]
    log = figures["en"]["downtime_exceedance"]
    assert log.figure.axes[0].get_yscale() == "log"
    p = log.data["scenarios"]["internal"]["p_exceed"]
    source = exceedance_frame().query("scenario == 'internal'")["p_exceed"].to_numpy()
    np.testing.assert_array_equal(p[source > 0], source[source > 0])
    assert np.isnan(p[source == 0]).all()
    assert "downtime exceeds" in log.figure.axes[0].get_ylabel()


def test_breakdown_segments_sum_to_the_totals(figures: dict) -> None:
    frame = breakdown_frame()
    result = figures["en"]["cost_breakdown"]
    ax = result.figure.axes[0]
    for i, scenario in enumerate(SCENARIOS):
        segments = result.data["segments"][scenario]
        total = frame.loc[scenario].sum()
        assert sum(width for _, width in segments.values()) == pytest.approx(total)
        assert result.data["totals"][scenario] == pytest.approx(total)
        widths = [
            p.get_width() for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - i) < 1e-9
        ]
        assert sum(widths) == pytest.approx(total)
        assert f"Total {format_eur_short(total, 'en')}" in all_text(result.figure)
    left, width = result.data["segments"]["external"]["service_credits"]
    assert width == -45_000
    assert left + width < 0 <= left  # credits drawn below zero
    assert "operations" in result.data["categories"]
    colours = {p.get_facecolor()[:3] for p in ax.patches}
    assert len(colours) == len(result.data["categories"])


def test_breakdown_groups_budget_and_risk_with_subtotals(figures: dict) -> None:
    from simulation.model.ledger import BUDGET_CATEGORIES, RISK_CATEGORIES

    frame = breakdown_frame()
    result = figures["en"]["cost_breakdown"]
    categories = result.data["categories"]
    # budget categories first, then the risk categories, each group in ledger order
    assert categories == [c for c in BUDGET_CATEGORIES if c in categories] + [
        c for c in RISK_CATEGORIES if c in categories
    ]
    text = all_text(result.figure)
    for scenario in SCENARIOS:
        groups = result.data["groups"][scenario]
        budget = frame.loc[scenario, list(BUDGET_CATEGORIES)].sum()
        risk = frame.loc[scenario, list(RISK_CATEGORIES)].sum()
        assert groups["budget"] == pytest.approx(budget)
        assert groups["risk"] == pytest.approx(risk)
        assert groups["budget"] + groups["risk"] == pytest.approx(result.data["totals"][scenario])
        segments = result.data["segments"][scenario]
        drawn = {
            group: sum(w for c, (_, w) in segments.items() if result.data["group_of"][c] == group)
            for group in ("budget", "risk")
        }
        assert drawn == pytest.approx(groups)
        assert f"Budget {format_eur_short(budget, 'en')}" in text
        assert f"Risk {format_eur_short(risk, 'en')}" in text
        # risk segments start where the budget ends: the groups are contiguous
        risk_starts = [segments[c][0] for c in RISK_CATEGORIES]
        assert min(risk_starts) == pytest.approx(
            max(left + width for c, (left, width) in segments.items() if c in BUDGET_CATEGORIES)
        )
    for category in categories:
        colour = mcolors.to_rgb(plots.CATEGORY_COLOURS[category])
        red, _, blue = colour
        assert (red > blue) == (category in RISK_CATEGORIES), category  # risk warm, budget cool
    legend = [t.get_text() for t in result.figure.legends[0].get_texts()]
    budget_at, risk_at = legend.index("Budget cost (cash out)"), legend.index("Risk cost (losses)")
    assert budget_at < legend.index("Personnel") < risk_at < legend.index("Lost margin")
    de = [t.get_text() for t in figures["de"]["cost_breakdown"].figure.legends[0].get_texts()]
    assert "Budgetkosten (Auszahlungen)" in de
    assert "Risikokosten (Verluste)" in de


def test_downtime_bars_and_p95(figures: dict) -> None:
    mean, p95 = downtime_frames()
    result = figures["de"]["downtime_by_service"]
    ax = result.figure.axes[0]
    for scenario in SCENARIOS:
        np.testing.assert_array_equal(result.data["mean"][scenario], mean.loc[scenario])
        np.testing.assert_array_equal(result.data["p95"][scenario], p95.loc[scenario])
        colour = plots.PALETTE[SCENARIOS.index(scenario)]
        heights = sorted(
            p.get_height() for p in ax.patches if mcolors.same_color(p.get_facecolor(), colour)
        )
        assert heights == sorted(mean.loc[scenario])
    assert "keine Ausfälle" in all_text(result.figure)  # service desk: zero everywhere
    assert "267" in [t.get_text() for t in ax.texts]


def test_risk_return_points_and_labels(figures: dict) -> None:
    result = figures["en"]["risk_return"]
    ax = result.figure.axes[0]
    for scenario, (x, y) in result.data["points"].items():
        row = risk_frame().loc[scenario]
        assert (x, y) == (row["mean"], row["cvar95"])
    offsets = [tuple(c.get_offsets()[0]) for c in ax.collections if len(c.get_offsets()) == 1]
    assert (5.97e6, 11.1e6) in offsets
    assert {t.get_text() for t in ax.texts} == {"Internal", "External", "Hybrid"}
    assert "Lower left is better" in result.data["subtitle"]
    tick = tick_texts(ax, "y")
    assert tick
    assert all(t.startswith("€") for t in tick), tick


@pytest.mark.parametrize(
    ("lang", "statement"),
    [("en", "Internal is cheaper in 12% of futures"), ("de", "Intern ist in 12 % der Verläufe")],
)
def test_paired_difference_states_the_probability(figures: dict, lang: str, statement: str) -> None:
    result = figures[lang]["paired_difference"]
    assert statement in all_text(result.figure)
    assert result.data["p_a_cheaper"] == 0.12
    heights, edges = result.data["heights"], result.data["bins"]
    assert heights.sum() == pytest.approx(1.0)
    assert 0.0 in edges  # no bin straddles zero
    ax = result.figure.axes[0]
    internal, hybrid = plots.PALETTE[0], plots.PALETTE[2]
    for patch in ax.patches:
        expected = internal if patch.get_x() < 0 else hybrid
        assert mcolors.same_color(patch.get_facecolor()[:3], expected)
    zero = [line for line in ax.get_lines() if list(line.get_xdata()) == [0, 0]]
    assert zero, "zero line"
    budget = {
        "en": "On budget cost alone, Internal is cheaper in 64% of futures, €30k more on average",
        "de": "Nur nach Budgetkosten ist Intern in 64 % der Verläufe günstiger, im Mittel 30 Tsd. €"
        " mehr",
    }[lang]
    assert budget in all_text(result.figure)
    assert result.data["budget_statement"].replace("\u00a0", " ") == budget


def test_probability_in_words_at_the_extremes() -> None:
    words = plots._probability_words
    assert words(0.997, "de") == "mehr als 99\u00a0%"
    assert words(0.003, "en") == "less than 1%"
    assert words(0.0, "en") == "0%"
    assert words(1.0, "de") == "100\u00a0%"
    assert words(0.125, "de") == "12\u00a0%"


def test_distribution_marks_mean_and_p95(figures: dict) -> None:
    reps = replications_frame()
    result = figures["en"]["cost_distribution"]
    ax = result.figure.axes[0]
    vertical = {round(float(line.get_xdata()[0])) for line in ax.get_lines()}
    for scenario in SCENARIOS:
        values = reps.loc[reps["scenario"] == scenario, "cost_npv_eur"]
        drawn = result.data["scenarios"][scenario]
        assert drawn["mean"] == pytest.approx(values.mean())
        assert drawn["p95"] == pytest.approx(np.percentile(values, 95))
        assert drawn["heights"].sum() == pytest.approx(1.0)  # every replication inside a bin
        assert {round(drawn["mean"]), round(drawn["p95"])} <= vertical
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("Internal: mean €")
    budget = reps.loc[reps["scenario"] == "internal", "cost_budget_npv_eur"].mean()
    assert f"(of which budget {format_eur_short(budget, 'en')})" in legend[0]
    assert result.data["scenarios"]["internal"]["budget_mean"] == pytest.approx(budget)
    assert "budget + risk" in result.data["title"]
    assert "Total cost (budget + risk)" in ax.get_xlabel()


def test_legacy_cost_distribution_of_the_cli(tmp_path: Path) -> None:
    provenance = plots.Provenance("default.yaml", "0123abcd", 5, 1, "0.1.0", "2026-01-02")
    paths = plots.plot_cost_distribution(
        replications_frame(),
        {"internal": "Intern", "hybrid": "Hybrid"},
        5,
        provenance,
        tmp_path / "cost_distribution_de",
        "de",
    )
    assert [p.name for p in paths] == ["cost_distribution_de.png", "cost_distribution_de.pdf"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_labels_module_has_both_languages_for_every_key() -> None:
    from simulation.reporting import labels

    for key, texts in labels._LABELS.items():
        assert set(texts) == {"en", "de"}, key
        fields = {re.findall(r"{(\w+)}", texts[lang]).__str__() for lang in ("en", "de")}
        assert len({frozenset(re.findall(r"{(\w+)}", texts[lang])) for lang in texts}) == 1, (
            key,
            fields,
        )
    assert label("cost_exceed_axis", "de") == "Wahrscheinlichkeit, dass die Kosten x übersteigen"


# -- budget cost and risk cost per option -------------------------------------------------------


def test_budget_risk_bars_draw_the_analysis_numbers(figures: dict) -> None:
    table, cheapest = budget_risk_frames()
    result = figures["en"]["cost_budget_risk"]
    ax = result.figure.axes[0]
    bars = sorted(ax.patches, key=lambda p: (p.get_x(), p.get_y()))
    assert len(bars) == 2 * len(SCENARIOS)
    for i, scenario in enumerate(SCENARIOS):
        row = table.loc[scenario]
        budget, risk = bars[2 * i], bars[2 * i + 1]
        assert mcolors.same_color(budget.get_facecolor(), plots.BUDGET_COLOUR)
        assert mcolors.same_color(risk.get_facecolor(), plots.RISK_COLOUR)
        assert budget.get_y() == 0
        assert budget.get_height() == pytest.approx(row["budget_mean"])
        assert risk.get_y() == pytest.approx(row["budget_mean"])
        assert risk.get_y() + risk.get_height() == pytest.approx(row["total_mean"])
        for key in ("budget_mean", "risk_mean", "total_mean", "budget_p95", "total_p5"):
            assert result.data[key][scenario] == row[key]
    whiskers = [c for c in ax.collections if len(c.get_segments()) == len(SCENARIOS)]
    ends = sorted(tuple(sorted(seg[:, 1])) for c in whiskers for seg in c.get_segments())
    expected = [
        (table.loc[s, f"{b}_p5"], table.loc[s, f"{b}_p95"])
        for s in SCENARIOS
        for b in ("budget", "total")
    ]
    np.testing.assert_allclose(ends, sorted(expected))
    text = " ".join(all_text(result.figure).split())  # a total may wrap onto two lines
    for scenario in SCENARIOS:
        row = table.loc[scenario]
        assert f"Total {format_eur_short(row['total_mean'], 'en')}" in text
        assert format_eur_short(row["budget_mean"], "en") in [t.get_text() for t in ax.texts]
        assert format_eur_short(row["risk_mean"], "en") in [t.get_text() for t in ax.texts]
        shares = cheapest.loc[scenario]
        budget = format_percent(shares["p_cheapest_budget"], "en")
        total = format_percent(shares["p_cheapest"], "en")
        assert f"budget {budget} · total {total}" in text
    assert tick_texts(ax) == ["Internal", "External", "Hybrid"]
    assert "net present value" in result.data["title"]
    de = " ".join(all_text(figures["de"]["cost_budget_risk"].figure).split())  # wrapped lines
    assert "Budgetkosten (Auszahlungen)" in de
    assert (
        "Gesamt "
        + format_eur_short(table.loc["external", "total_mean"], "de").replace("\u00a0", " ")
        in de
    )


# -- why one option costs less: waterfall of the gap ---------------------------------------------


def bar_extent(patch) -> tuple[float, float]:
    """(left, right) of a horizontal bar in data coordinates."""
    x, width = patch.get_x(), patch.get_width()
    return min(x, x + width), max(x, x + width)


@pytest.mark.parametrize("by", ["category", "service"])
def test_waterfall_bars_are_the_gap_decomposition(figures: dict, by: str) -> None:
    chart = gap_frames()[by]
    result = figures["en"][f"gap_by_{by}"]
    ax = result.figure.axes[0]
    bars = sorted(ax.patches, key=lambda p: p.get_y())  # top to bottom
    assert len(bars) == len(chart) + 2
    start, end = chart.attrs["mean_b_eur"], chart.attrs["mean_a_eur"]
    assert bar_extent(bars[0])[1] == pytest.approx(start)  # External's total ... from Hybrid's
    assert bar_extent(bars[-1])[1] == pytest.approx(end)
    level = start
    for bar, (part, row) in zip(bars[1:-1], chart.iterrows(), strict=True):
        difference = row["mean_difference_eur"]
        assert bar.get_x() == pytest.approx(level), part
        assert bar.get_width() == pytest.approx(difference), part
        colour = plots.GAP_LESS_COLOUR if difference < 0 else plots.GAP_MORE_COLOUR
        assert mcolors.same_color(bar.get_facecolor()[:3], colour), part
        assert bar.get_alpha() == (1.0 if row["clear"] else 0.45), part
        assert (bar.get_hatch() == plots.GAP_RISK_HATCH) == (row["group"] == "risk"), part
        level += difference
    assert level == pytest.approx(end, rel=1e-9)  # the steps lead from b's total to a's
    values = [format_eur_short(start, "en")]
    values += [
        ("+" if v > 0 else "") + format_eur_short(v, "en") for v in chart["mean_difference_eur"]
    ]
    values.append(format_eur_short(end, "en"))
    assert result.data["values"] == values
    assert [t.get_text() for t in ax.texts] == values
    names = tick_texts(ax, "y")
    assert names[0] == "Hybrid: total cost"
    assert names[-1] == "External: total cost"
    gap = format_eur_short(abs(chart.attrs["gap_eur"]), "en")
    assert result.data["title"].startswith(f"Why External costs {gap} less than Hybrid")


def test_waterfall_names_parts_and_groups_in_both_languages(figures: dict) -> None:
    chart = gap_frames()["category"]
    assert an.GAP_OTHER in chart.index  # 14 categories: the small ones are merged
    for lang in ("en", "de"):
        ax = figures[lang]["gap_by_category"].figure.axes[0]
        names = tick_texts(ax, "y")[1:-1]
        expected = [
            label("gap_other", lang, n=int(chart.loc[p, "parts"]))
            if p == an.GAP_OTHER
            else category_label(p, lang)
            for p in chart.index
        ]
        assert names == expected
    services = tick_texts(figures["de"]["gap_by_service"].figure.axes[0], "y")
    assert "Service-Desk" in services
    assert services[0] == "Hybrid: Gesamtkosten"
    de = all_text(figures["de"]["gap_by_category"].figure)
    assert "Schraffiert: Risikokosten (Verluste)" in de
    assert "Türkis: Extern günstiger" in " ".join(de.split())
    chart_de = figures["de"]["gap_by_category"].data
    assert chart_de["values"][0] == format_eur_short(chart.attrs["mean_b_eur"], "de")


def test_waterfall_cuts_the_axis_only_for_small_steps(tmp_path: Path) -> None:
    ctx = plots.FigureContext.from_metadata(METADATA, "en")
    small = pd.DataFrame(
        {
            "group": ["budget", "risk"],
            "mean_a_eur": [1.0e6, 2.0e6],
            "mean_b_eur": [1.2e6, 2.1e6],
            "mean_difference_eur": [-2.0e5, -1.0e5],
            "ci_low_eur": [-2.5e5, -3.0e5],
            "ci_high_eur": [-1.5e5, 1.0e5],
            "share_of_gap": [2 / 3, 1 / 3],
            "clear": [True, False],
            "parts": [1, 1],
        },
        index=pd.Index(["personnel", "downtime"], name="part"),
    )
    small.attrs = {
        "a": "external",
        "b": "hybrid",
        "by": "category",
        "n": 100,
        "mean_a_eur": 3.0e6,
        "mean_b_eur": 3.3e6,
        "gap_eur": -3.0e5,
    }
    result = plots.plot_gap_waterfall(small, ctx, tmp_path / "small")
    assert result.data["axis_cut"]
    assert result.data["subtitle"].endswith("The axis does not start at zero")
    assert 0 < result.figure.axes[0].get_xlim()[0] < 3.0e6
    assert_readable_layout(result.figure)
    large = small.assign(mean_difference_eur=[-2.0e6, 0.5e6], clear=[True, True])
    large.attrs = {**small.attrs, "mean_a_eur": 1.8e6, "gap_eur": -1.5e6}
    result = plots.plot_gap_waterfall(large, ctx, tmp_path / "large")
    assert not result.data["axis_cut"]
    assert result.figure.axes[0].get_xlim()[0] <= 0
    assert "zero" not in result.data["subtitle"]
    legend = [t.get_text() for t in result.figure.legends[0].get_texts()]
    assert "Pale: 95% interval includes zero" not in legend  # every step is clear
    assert_readable_layout(result.figure)
