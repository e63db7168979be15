"""Sensitivity figures: what is drawn equals the tables (tornado ends, Sobol indices, break-even
point, decision-map cells), labels and numbers follow the language, files are 300 dpi PNG and
vector PDF, and no text overlaps or is cut off. Synthetic tables only (no simulation)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from figure_helpers import assert_readable_layout, tick_labels
from matplotlib import colors as mcolors
from PIL import Image

from simulation.analysis.sensitivity import Output, SensitivityResult, find_break_even
from simulation.reporting import plots
from simulation.reporting import sensitivity_plots as sp
from simulation.reporting.labels import format_percent, label

NBSP = "\u00a0"
SCENARIOS = ["internal", "external", "hybrid"]
METADATA = {
    "config_path": "configs/reference-case.yaml",
    "config_hash": "abc123def456",
    "runs": 1000,  # the main run: the sensitivity figures state their own replications
    "seed": 4242,
    "itsim_version": "9.8.7",
    "finished": "2026-03-05T17:01:02+00:00",
    "horizon_years": 5,
    "scenarios": SCENARIOS,
    "scenario_labels": {"internal": "Internal", "external": "External", "hybrid": "Hybrid"},
    "scenario_labels_de": {"internal": "Intern", "external": "Extern", "hybrid": "Hybrid"},
    "services": ["service_desk", "business_applications"],
    "config": {
        "services": {
            "service_desk": {"name": "Service desk", "name_de": "Service-Desk"},
            "business_applications": {
                "name": "Business applications",
                "name_de": "Geschäftsanwendungen",
            },
        }
    },
}
FEE = "providers.msp.contracts.business_applications.fee_per_user_per_month_eur"
HOURLY = "company.loaded_hourly_cost_eur"
SD_FEE = "providers.msp.contracts.service_desk.fee_per_user_per_month_eur"
INCIDENTS = "services.business_applications.incidents_per_user_per_month"
MTBF = "services.business_applications.outages.mtbf_hours"


# -- synthetic tables ---------------------------------------------------------------------------


def tornado_table() -> pd.DataFrame:
    """Not sorted by swing (the figure sorts); one row with both ends above the baseline and one
    without any effect."""
    base = 250_000.0
    rows = [
        ("company.on_costs_share", base - 20_000, base + 25_000, 0.24, 0.30),
        ("staff.turnover_rate_per_year", base - 30_000, base + 160_000, 0.041, 0.096),
        (FEE, base + 120_000, base - 110_000, 39.4, 64.5),
        ("roles.sysadmin.annual_salary_eur", base - 60_000, base + 70_000, 55_100.0, 69_800.0),
        (MTBF, base + 9_000, base + 41_000, 3100.4, 6444.6),
        ("providers.msp.performance_factor", base, base, 0.69, 1.44),
        (INCIDENTS, base - 80_000, base + 95_000, 0.146, 0.293),
    ]  # fmt: skip
    table = pd.DataFrame(
        rows, columns=["parameter", "output_low", "output_high", "low_value", "high_value"]
    )
    table["baseline"] = base
    table["swing"] = (table["output_high"] - table["output_low"]).abs()
    return table


def spider_table(tornado: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in tornado.itertuples():
        for q in (0.1, 0.25, 0.5, 0.75, 0.9):
            t = (q - 0.1) / 0.8
            output = row.output_low + t * (row.output_high - row.output_low)
            if q == 0.5:
                output = row.baseline
            rows.append({"parameter": row.parameter, "percentile": q, "output": output, "value": t})
    return pd.DataFrame(rows)


def sobol_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parameter": [
                "staff.turnover_rate_per_year",
                FEE,
                "company.wage_growth_per_year",
                "providers.msp.failure.annual_probability",
            ],
            "first_order": [0.35, 0.41, 0.05, -0.02],  # a negative index from estimation noise
            "first_ci_low": [0.22, 0.30, -0.04, -0.09],
            "first_ci_high": [0.49, 0.52, 0.13, 0.04],
            "total_order": [0.52, 0.44, 0.07, 0.01],
            "total_ci_low": [0.38, 0.33, 0.02, -0.01],
            "total_ci_high": [0.66, 0.57, 0.12, 0.03],
        }
    )


def delta_table() -> pd.DataFrame:
    """delta and given-data first-order indices; turnover and wage growth are correlated
    (`CORRELATIONS`), the failure probability lies below the noise level."""
    table = pd.DataFrame(
        {
            "parameter": [
                "staff.turnover_rate_per_year",
                FEE,
                "company.wage_growth_per_year",
                "providers.msp.failure.annual_probability",
            ],
            "delta": [0.31, 0.36, 0.12, 0.03],
            "delta_ci_low": [0.26, 0.31, 0.08, -0.01],
            "delta_ci_high": [0.36, 0.41, 0.16, 0.07],
            "first_order": [0.42, 0.47, 0.21, -0.01],  # a negative index from estimation noise
            "first_ci_low": [0.33, 0.39, 0.12, -0.05],
            "first_ci_high": [0.50, 0.55, 0.29, 0.02],
        }
    )
    table["noise_delta"] = 0.08
    table["noise_first_order"] = 0.02
    return table


CORRELATIONS = [("staff.turnover_rate_per_year", "company.wage_growth_per_year", 0.6)]


def sweep_table(slope: float = -9_000.0, at: float = 87.0) -> tuple[pd.DataFrame, dict]:
    """Mean difference hybrid − external = slope × (value − at): zero at `at`."""
    value = np.linspace(20, 200, 10)
    d = slope * (value - at)
    table = pd.DataFrame(
        {
            "value": value,
            "mean_difference": d,
            "ci_low": d - 200_000,
            "ci_high": d + 200_000,
            "p_a_cheaper": np.clip(0.5 - d / 1e6, 0, 1),
        }
    )
    flip = find_break_even(
        table["value"], table["mean_difference"], table["ci_low"], table["ci_high"]
    )
    return table, flip


def decision_table() -> pd.DataFrame:
    xs, ys = [20.0, 45.0, 70.0, 95.0, 120.0], [20.0, 60.0, 100.0]
    rows = []
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            means = {
                "internal": 5.0e6 + 40_000 * y - 10_000 * x,
                "external": 4.2e6 + 12_000 * x,
                "hybrid": 4.6e6 + 6_000 * x + 5_000 * y,
            }
            preferred = min(means, key=means.get)
            p = [0.87, 0.52, 0.999, 0.4, 0.65][(i + j) % 5]
            rows.append(
                {
                    "x": x,
                    "y": y,
                    "preferred": preferred,
                    "p_cheapest": p,
                    **{f"mean_{s}": m for s, m in means.items()},
                }
            )
    return pd.DataFrame(rows)


SETTINGS = SimpleNamespace(
    break_even=SimpleNamespace(a="hybrid", b="external", sweep=SimpleNamespace(parameter=FEE)),
    decision_map=SimpleNamespace(
        x=SimpleNamespace(parameter=SD_FEE), y=SimpleNamespace(parameter=HOURLY)
    ),
)


def sensitivity_result() -> SensitivityResult:
    tornado = tornado_table()
    sweep, flip = sweep_table()
    return SensitivityResult(
        output=Output("difference", "hybrid", "cost_npv_eur", "external"),
        runs=20,
        seed=77,
        tornado=tornado,
        spider=spider_table(tornado),
        sobol=sobol_table(),
        delta=delta_table(),
        correlations=CORRELATIONS,
        break_even=sweep,
        flip=flip,
        decision_map=decision_table(),
        structural=structural_table(),
        structural_runs=20,
    )


def structural_table() -> pd.DataFrame:
    """A grid of three variants over the three options, with known means (EUR)."""
    from simulation.analysis.structural import grid_table

    rng = np.random.default_rng(3)
    base = {"internal": 4.9e6, "external": 5.6e6, "hybrid": 5.1e6}
    shift = {"baseline": {}, "desk_24x7": {"hybrid": -0.4e6, "external": -0.2e6}, "lean": {}}
    noise = rng.normal(0.0, 3e5, size=20)
    rows = [
        {
            "variant": v,
            "scenario": sc,
            "replication": r,
            "cost_npv_eur": mean + shift[v].get(sc, 0.0) + noise[r] * (1 + i),
            "cost_budget_npv_eur": 0.6 * mean,
            "cost_risk_npv_eur": 0.4 * mean,
        }
        for v in shift
        for i, (sc, mean) in enumerate(base.items())
        for r in range(20)
    ]
    return grid_table(pd.DataFrame(rows), list(shift), list(base))


# -- rendering ------------------------------------------------------------------------------------


def _paths_only(fig, out_base, title, ctx) -> list[Path]:
    """Stand-in for `plots._save`: the file names, nothing written (saving costs about a second
    per figure)."""
    out_base = Path(out_base)
    return [out_base.with_name(f"{out_base.name}.png"), out_base.with_name(f"{out_base.name}.pdf")]


#: Figures written to files (hatching and transparency in the PDF); the others are drawn only.
WRITTEN = {"break_even", "decision_map_de"}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every figure in English and German; those in WRITTEN saved as files."""
    out_dir = tmp_path_factory.mktemp("sensitivity")
    save = plots._save

    def some_files(fig, out_base, title, ctx) -> list[Path]:
        chosen = save if Path(out_base).name in WRITTEN else _paths_only
        return chosen(fig, out_base, title, ctx)

    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "_save", some_files)
        for lang in ("en", "de"):
            ctx = plots.FigureContext.from_metadata(METADATA, lang)
            results[lang] = sp.write_sensitivity_figures(
                sensitivity_result(), ctx, out_dir, SETTINGS
            )
    for by_stem in results.values():
        for result in by_stem.values():
            result.figure.canvas.draw()  # on screen resolution again after the PDF
    return results


@pytest.fixture(scope="module")
def no_flip() -> dict:
    """Break-even figures where hybrid is cheaper over the whole sweep (not written)."""
    table, flip = sweep_table(slope=2_000.0, at=400.0)  # hybrid always cheaper
    table["ci_high"] = table["mean_difference"] / 2  # clearly below zero: no band
    flip = find_break_even(
        table["value"], table["mean_difference"], table["ci_low"], table["ci_high"]
    )
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "_save", _paths_only)
        for lang in ("en", "de"):
            ctx = plots.FigureContext.from_metadata(METADATA, lang)
            a, b = ctx.scenario_label("hybrid"), ctx.scenario_label("external")
            out[lang] = sp.plot_break_even(table, flip, ctx, Path("unused"), FEE, a, b)
            out[lang].figure.canvas.draw()
    return out


def patches(fig, prefix: str) -> dict[str, object]:
    return {
        p.get_gid().split(":", 1)[1]: p
        for p in fig.axes[0].patches
        if p.get_gid() and p.get_gid().startswith(prefix + ":")
    }


# -- parameter names and values -------------------------------------------------------------------


def test_parameter_labels_in_both_languages() -> None:
    path = "services.business_applications.incidents_per_user_per_month"
    assert sp.parameter_label(path, "en", wrap=None) == (
        "Incidents per user per month — Business applications"
    )
    assert sp.parameter_label(path, "de", wrap=None) == (
        "Störungen pro Nutzer und Monat — Geschäftsanwendungen"
    )
    assert sp.parameter_label("staff.turnover_rate_per_year", "en") == (
        "Staff turnover rate (per year)"
    )
    assert sp.parameter_label("staff.turnover_rate_per_year", "de") == (
        "Fluktuationsrate (pro Jahr)"
    )
    ctx = plots.FigureContext.from_metadata(METADATA, "en")
    own = plots.FigureContext(ctx.provenance, service_labels={"business_applications": "ERP"})
    assert sp.parameter_label(path, "en", own) == "Incidents per user per month — ERP"
    assert sp.parameter_label("roles.sysadmin.annual_salary_eur", "en") == (
        "Annual salary (EUR) — System administrator"
    )
    assert sp.parameter_label("providers.msp.failure.annual_probability", "en").endswith("— MSP")
    assert "Business applications" in sp.parameter_label(FEE, "en", wrap=None)
    assert sp.parameter_label("staff.some_new_thing_months", "en") == "Some new thing (months)"
    wrapped = sp.parameter_label(path, "en", wrap=45)
    assert all(len(line) <= 45 for line in wrapped.split("\n"))
    assert wrapped.split("\n") == ["Incidents per user per month —", "Business applications"]
    for key in sp.PARAMETER_NAMES:
        for lang in ("en", "de"):
            assert "_" not in sp.parameter_label(f"staff.{key}", lang, wrap=None), key


def test_parameter_values_by_kind() -> None:
    assert sp.format_parameter_value(FEE, 87.2, "en") == "€87"
    assert sp.format_parameter_value("roles.x.annual_salary_eur", 65553.7, "de") == "65.554\u00a0€"
    assert sp.format_parameter_value("staff.turnover_rate_per_year", 0.0412, "en") == "4.1%"
    assert sp.format_parameter_value("company.on_costs_share", 0.2427, "de") == "24\u00a0%"
    assert sp.format_parameter_value("x.mtbf_hours", 6444.6, "en") == "6,445"
    assert sp.format_parameter_value("x.incidents_per_user_per_month", 0.1459, "de") == "0,146"
    assert sp.format_parameter_value(FEE, 87.2, "en", unit=True) == (
        "87\u00a0EUR per user per month"
    )
    assert sp.format_parameter_value(FEE, 87.2, "de", unit=True) == (
        "87\u00a0EUR pro Nutzer und Monat"
    )


def test_output_described_in_words() -> None:
    en = plots.FigureContext.from_metadata(METADATA, "en")
    de = plots.FigureContext.from_metadata(METADATA, "de")
    difference = Output("difference", "hybrid", "cost_npv_eur", "external")
    assert sp.describe_output(difference, en) == (
        "Hybrid minus External: mean cost over 5 years (NPV)",
        "eur",
    )
    assert sp.describe_output(difference, de)[0] == (
        "Hybrid minus Extern: mittlere Kosten über 5 Jahre (Barwert)"
    )
    mean = Output("mean", "internal", "cost_total_eur")
    assert sp.describe_output(mean, en)[0] == "Internal: mean cost over 5 years (not discounted)"
    quantile = Output("quantile", "external", "downtime_hours", q=0.95)
    assert sp.describe_output(quantile, en) == ("External: P95 of downtime over 5 years", "hours")
    assert sp.describe_output(quantile, de)[0] == "Extern: P95 der Ausfallzeit über 5 Jahre"


# -- files ----------------------------------------------------------------------------------------


def assert_png_and_vector_pdf(png: Path, pdf: Path) -> None:
    with Image.open(png) as image:
        assert image.size == (4000, 2250), png  # 13.33 × 7.5 in (16:9) at 300 dpi
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert re.search(rb"/MediaBox \[\s*0 0 960 540\s*\]", content), pdf  # 16:9 in points
    assert b"/Subtype /Image" not in content, pdf  # vector: no embedded raster


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_table_drawn_as_png_and_vector_pdf(figures: dict, lang: str) -> None:
    assert set(figures[lang]) == set(sp.SENSITIVITY_STEMS)
    suffix = "_de" if lang == "de" else ""
    for stem, result in figures[lang].items():
        png, pdf = result.paths
        assert (png.name, pdf.name) == (f"{stem}{suffix}.png", f"{stem}{suffix}.pdf")
        if f"{stem}{suffix}" in WRITTEN:
            assert_png_and_vector_pdf(png, pdf)
    assert {p.stem for r in figures[lang].values() for p in r.paths if p.exists()} == {
        s for s in WRITTEN if s.endswith("_de") == (lang == "de")
    }


@pytest.mark.parametrize("lang", ["en", "de"])
def test_footer_states_the_sensitivity_runs(figures: dict, lang: str) -> None:
    for stem, result in figures[lang].items():
        footer = result.data["footer"]
        assert re.search(r"\b20 (runs|Läufe)", footer), stem
        assert "1,000" not in footer, stem
        assert "1.000" not in footer, stem
        assert "seed 77" in footer.lower(), stem
        assert "abc123def456" in footer, stem


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("stem", sp.SENSITIVITY_STEMS)
def test_text_is_large_inside_and_apart(figures: dict, stem: str, lang: str) -> None:
    assert_readable_layout(figures[lang][stem].figure)


def test_german_figures_have_german_titles(figures: dict) -> None:
    keys = {
        "tornado": "sens_tornado_title",
        "spider": "sens_spider_title",
        "sobol": "sens_sobol_title",
        "delta": "sens_delta_title",
        "decision_map": "sens_decision_title",
    }
    for stem, key in keys.items():
        assert figures["de"][stem].data["title"] == label(key, "de"), stem
        assert figures["en"][stem].data["title"] == label(key, "en"), stem
    assert figures["de"]["break_even"].data["title"] == (
        "Hybrid gegenüber Extern: günstigere Option bei veränderter Annahme"
    )
    tornado = figures["de"]["tornado"].figure.axes[0]
    assert (
        tornado.get_xlabel() == "Hybrid minus Extern: mittlere Kosten über 5 Jahre (Barwert, EUR)"
    )
    ticks = [t.get_text() for t in tick_labels(tornado)]
    assert ticks
    assert all(re.fullmatch(r"\d+\u00a0Tsd\. €", t) for t in ticks), ticks
    names = [t.get_text() for t in tornado.get_yticklabels()]
    assert "Fluktuationsrate (pro Jahr)" in names


# -- tornado --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_tornado_bars_end_at_the_outputs_in_swing_order(figures: dict, lang: str) -> None:
    result = figures[lang]["tornado"]
    table = tornado_table().sort_values("swing", ascending=False, kind="stable")
    assert result.data["parameters"] == list(table["parameter"])
    ax = result.figure.axes[0]
    expected_names = [sp.parameter_label(p, lang, None, 80) for p in table["parameter"]]
    drawn_names = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert [n.replace("\n", " ") for n in expected_names] == drawn_names
    assert ax.yaxis_inverted()  # first row (largest swing) at the top
    low, high = patches(result.figure, "low"), patches(result.figure, "high")
    baseline = 250_000.0
    for row in table.itertuples():
        for bar, end, colour in (
            (low[row.parameter], row.output_low, sp.LOW_COLOUR),
            (high[row.parameter], row.output_high, sp.HIGH_COLOUR),
        ):
            assert bar.get_x() == pytest.approx(baseline)
            assert bar.get_x() + bar.get_width() == pytest.approx(end)
            assert mcolors.same_color(bar.get_facecolor(), colour)
    centres = [low[p].get_y() + low[p].get_height() / 2 for p in table["parameter"]]
    assert centres == sorted(centres)  # y grows downwards: the order of the swings
    np.testing.assert_allclose(result.data["output_low"], table["output_low"])
    np.testing.assert_allclose(result.data["output_high"], table["output_high"])
    assert result.data["baseline"] == baseline


def test_tornado_writes_the_parameter_values(figures: dict) -> None:
    texts = [t.get_text() for t in figures["en"]["tornado"].figure.axes[0].texts]
    for value in ("4.1%", "9.6%", "€39", "€64", "€55,100", "€69,800", "0.146", "0.293"):
        assert any(value in t for t in texts), value
    assert "All at median: €250k" in texts
    de = [t.get_text() for t in figures["de"]["tornado"].figure.axes[0].texts]
    for value in ("4,1\u00a0%", "39\u00a0€", "55.100\u00a0€", "0,146"):
        assert any(value in t for t in de), value
    assert "Alle Annahmen im Median: 250\u00a0Tsd. €" in de


def test_tornado_in_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "_save", _paths_only)
    ctx = plots.FigureContext.from_metadata(METADATA, "en")
    table = tornado_table()
    for column in ("output_low", "output_high", "baseline", "swing"):
        table[column] = table[column] / 1_000  # hours
    said = sp.plot_tornado(table, ctx, Path("unused"), "External: P95 of downtime over 5 years")
    given = sp.plot_tornado(table, ctx, Path("unused"), "External: P95", top=3, unit="hours")
    for result in (said, given):
        ax = result.figure.axes[0]
        assert result.data["unit"] == "hours"
        ticks = [t.get_text() for t in tick_labels(ax)]
        assert ticks
        assert not any("€" in t for t in ticks), ticks
        assert "All at median: 250 hours" in [t.get_text() for t in ax.texts]
    assert said.figure.axes[0].get_xlabel() == "External: P95 of downtime over 5 years (hours)"
    assert len(given.data["parameters"]) == 3


# -- spider ---------------------------------------------------------------------------------------


def test_spider_draws_the_largest_ranges(figures: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "_save", _paths_only)
    result = figures["en"]["spider"]
    table = spider_table(tornado_table())
    lines = result.data["lines"]
    assert len(lines) == 6  # the parameter without effect is left out (top=8, 7 parameters)
    assert "providers.msp.performance_factor" not in lines
    for p, drawn in lines.items():
        rows = table[table["parameter"] == p].sort_values("percentile")
        np.testing.assert_allclose(drawn["output"], rows["output"])
    ax = result.figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["P10", "P25", "P50", "P75", "P90"]
    ctx = plots.FigureContext.from_metadata(METADATA, "en")
    top3 = sp.plot_spider(table, ctx, Path("unused"), "x", top=3)
    assert set(top3.data["lines"]) == set(tornado_table().nlargest(3, "swing")["parameter"])


# -- Sobol ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_sobol_bars_equal_the_indices(figures: dict, lang: str) -> None:
    result = figures[lang]["sobol"]
    table = sobol_table().sort_values("total_order", ascending=False)
    assert result.data["parameters"] == list(table["parameter"])
    first, total = patches(result.figure, "first"), patches(result.figure, "total")
    for row in table.itertuples():
        assert first[row.parameter].get_width() == pytest.approx(max(row.first_order, 0.0))
        assert total[row.parameter].get_width() == pytest.approx(max(row.total_order, 0.0))
    np.testing.assert_allclose(result.data["first_order"], table["first_order"])  # exact: -0.02
    assert result.figure.axes[0].get_xlim() == (0.0, 1.0)
    subtitle = result.data["subtitle"].replace("\n", " ")
    assert ("interactions" if lang == "en" else "Wechselwirkungen") in subtitle


# -- delta ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_delta_bars_equal_the_indices_and_mark_correlated_assumptions(
    figures: dict, lang: str
) -> None:
    result = figures[lang]["delta"]
    table = delta_table().sort_values("delta", ascending=False)
    assert result.data["parameters"] == list(table["parameter"])
    delta, first = patches(result.figure, "delta"), patches(result.figure, "first_order")
    for row in table.itertuples():
        assert delta[row.parameter].get_width() == pytest.approx(max(row.delta, 0.0))
        assert first[row.parameter].get_width() == pytest.approx(max(row.first_order, 0.0))
        assert mcolors.same_color(delta[row.parameter].get_facecolor(), sp.DELTA_COLOUR)
    np.testing.assert_allclose(result.data["first_order"], table["first_order"])  # exact: -0.01
    ax = result.figure.axes[0]
    assert ax.get_xlim() == (0.0, 1.0)
    noise = next(line for line in ax.lines if line.get_gid() == "noise")
    assert noise.get_xdata()[0] == pytest.approx(0.08)
    # the two correlated assumptions carry the mark, the others not
    names = [t.get_text() for t in ax.get_yticklabels()]
    marked = [n.endswith(sp.CORRELATED_MARK) for n in names]
    partners = {a for a, b, _ in CORRELATIONS} | {b for a, b, _ in CORRELATIONS}
    assert marked == [p in partners for p in table["parameter"]]
    subtitle = result.data["subtitle"].replace("\n", " ")
    assert ("the partner's effect" if lang == "en" else "Wirkung des Partners") in subtitle


# -- break-even -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Hybrid becomes cheaper than External above 87\u00a0EUR per user per month"),
        ("de", "Hybrid wird oberhalb von 87\u00a0EUR pro Nutzer und Monat günstiger als Extern"),
    ],
)
def test_break_even_marked_and_stated(figures: dict, lang: str, sentence: str) -> None:
    result = figures[lang]["break_even"]
    _, flip = sweep_table()
    assert flip["break_even"] == pytest.approx(87.0)
    ax = result.figure.axes[0]
    marker = next(line for line in ax.lines if line.get_gid() == "break_even")
    assert marker.get_xdata()[0] == pytest.approx(flip["break_even"])
    assert marker.get_ydata()[0] == 0.0
    assert result.data["sentence"] == sentence
    assert ax.get_title(loc="left").replace("\n", " ") == sentence
    note = next(t for t in ax.texts if t.get_gid() == "break_even_label")
    assert ("€87" if lang == "en" else "87\u00a0€") in note.get_text()
    np.testing.assert_allclose(result.data["mean_difference"], sweep_table()[0]["mean_difference"])
    assert ax.get_xlabel() == sp.parameter_label(FEE, lang, None, wrap=None).replace(
        "Business applications", "Business applications"
    )
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1  # the band where the interval includes zero
    x0, x1 = hatched[0].get_x(), hatched[0].get_x() + hatched[0].get_width()
    assert (x0, x1) == pytest.approx((flip["band_low"], flip["band_high"]))


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Hybrid is cheaper than External over the whole range"),
        ("de", "Hybrid ist im gesamten Bereich (20\u00a0EUR pro Nutzer und Monat bis 200"),
    ],
)
def test_break_even_without_flip_names_the_cheaper_option(
    no_flip: dict, lang: str, sentence: str
) -> None:
    result = no_flip[lang]
    assert sentence in result.data["sentence"]
    assert result.data["marker"] is None
    ax = result.figure.axes[0]
    assert not any(line.get_gid() == "break_even" for line in ax.lines)
    assert not [p for p in ax.patches if p.get_hatch()]


# -- decision map ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_decision_map_cells_coloured_by_the_preferred_option(figures: dict, lang: str) -> None:
    result = figures[lang]["decision_map"]
    ctx = plots.FigureContext.from_metadata(METADATA, lang)
    table = decision_table()
    assert set(table["preferred"]) == {"internal", "external", "hybrid"}
    cells = patches(result.figure, "cell")
    xs, ys = result.data["x_values"], result.data["y_values"]
    by_p = []
    for row in table.itertuples():
        patch = cells[f"{xs.index(row.x)}:{ys.index(row.y)}"]
        assert mcolors.same_color(patch.get_facecolor()[:3], ctx.colour(row.preferred))
        by_p.append((row.p_cheapest, patch.get_alpha()))
    by_p.sort()
    assert [a for _, a in by_p] == sorted(a for _, a in by_p)  # darker = more certain
    assert by_p[-1][1] > 0.95
    assert by_p[0][1] < 0.45
    legend = result.figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [ctx.scenario_label(s) for s in SCENARIOS]
    ax = result.figure.axes[0]
    assert ax.get_xlabel() == sp.parameter_label(SD_FEE, lang, ctx, wrap=None)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_decision_map_writes_the_probabilities(figures: dict, lang: str) -> None:
    result = figures[lang]["decision_map"]
    written = [t.get_text() for t in result.figure.axes[0].texts if t.get_visible()]
    assert len(written) == len(decision_table())
    expected = "87\u00a0%" if lang == "de" else "87%"
    assert any(t.endswith(expected) for t in written), written
    assert format_percent(0.999, lang) == ("100\u00a0%" if lang == "de" else "100%")
    for cell in result.data["cells"]:
        assert cell["written"].endswith(format_percent(cell["p_cheapest"], lang))
    if lang == "de":
        assert all(re.search(r"\d\u00a0%$", t) for t in written), written


@pytest.mark.parametrize("lang", ["en", "de"])
def test_structural_grid_marks_the_cheapest_option_of_each_variant(figures: dict, lang) -> None:
    data = figures[lang]["structural_grid"].data
    assert data["variants"] == ["baseline", "desk_24x7", "lean"]
    best = {c["variant"]: c["scenario"] for c in data["cells"] if c["best"]}
    assert best == {"baseline": "internal", "desk_24x7": "hybrid", "lean": "internal"}
    assert len(data["cells"]) == 9
    words = ("As configured", "Wie konfiguriert")[lang == "de"]
    labels = [
        t.get_text() for t in figures[lang]["structural_grid"].figure.axes[0].get_yticklabels()
    ]
    assert labels[0] == words
