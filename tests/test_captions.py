"""Captions and takeaways of the board figures: every figure has both, in English and German,
every number of a takeaway is the analysis's at board precision, and a takeaway never names as
cheaper an option that costs more on average or calls a winner within simulation noise."""

from __future__ import annotations

import re
import string
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic_results import LABELS, LABELS_DE, SAME_WINNER, synthetic_results

from simulation.analysis.sensitivity import Output, SensitivityResult
from simulation.analysis.structural import grid_table
from simulation.config.variants import BASELINE
from simulation.reporting.captions import (
    FIGURE_NAMES,
    SENSITIVITY_NAMES,
    TEXT,
    Caption,
    figure_caption,
    figure_captions,
    sensitivity_caption,
    sidecar_path,
    write_sidecars,
)
from simulation.reporting.figures.frame import FigureContext, FigureResult
from simulation.reporting.labels import format_eur_short, format_percent
from simulation.reporting.report import build_analysis
from simulation.reporting.whatif import WhatIf

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "de")
NAMES = {"en": LABELS, "de": LABELS_DE}
NOISE = {"en": "within simulation noise", "de": "statistisch nicht gesichert"}
#: An amount at board precision: €4.6m, €431k (en); 4,6 Mio. €, 431 Tsd. € (de).
BOARD = {
    "en": re.compile(r"-?€\d+(?:\.\d)?m|-?€\d+k"),
    "de": re.compile(r"-?\d+(?:,\d)?\sMio\.\s€|-?\d+\sTsd\.\s€"),
}
#: A euro-exact amount such as "4,123,456" or "4.123.456" (never in a caption).
EXACT = re.compile(r"\d{1,3}(?:[.,]\d{3}){2,}")
#: A word written twice in a row ("5 years years"): a template and its value both said it.
DOUBLED = re.compile(r"\b(\w+)\s+\1\b")
#: Internal and Hybrid alike, External dearer: the paired gap of the two cheapest is noise.
LEVEL = {"internal": (2.5e6, 2.0e6), "external": (3.0e6, 2.5e6), "hybrid": (2.5e6, 2.0e6)}


def _with_grid(analysis, replications: pd.DataFrame):
    """The analysis with a structural grid: the configuration as given and one variant in
    which External's cost falls by a fifth (so it becomes the cheapest)."""
    cheaper = replications.copy()
    external = cheaper["scenario"] == "external"
    for column in ("cost_npv_eur", "cost_budget_npv_eur", "cost_risk_npv_eur"):
        cheaper.loc[external, column] *= 0.6
    frame = pd.concat(
        [replications.assign(variant=BASELINE), cheaper.assign(variant="cheaper_provider")],
        ignore_index=True,
    )
    scenarios = analysis.scenarios
    grid = grid_table(frame, [BASELINE, "cheaper_provider"], scenarios)
    variants = [{"name": "cheaper_provider", "label": "Cheaper provider", "label_de": "Günstiger"}]
    analysis.whatif = WhatIf(grid, None, {"variants": variants})
    return analysis


def _results(means, runs=40, seed=5, months=60):
    replications, monthly, metadata = synthetic_results(means, runs=runs, seed=seed, months=months)
    analysis = build_analysis(replications, monthly, metadata, n_boot=100)
    return replications, analysis, metadata


@pytest.fixture(scope="module")
def same_winner():
    replications, analysis, metadata = _results(SAME_WINNER)
    return replications, _with_grid(analysis, replications), metadata


@pytest.fixture(scope="module")
def level():
    return _results(LEVEL, runs=12, seed=7)


def contexts(metadata):
    return {lang: FigureContext.from_metadata(metadata, lang) for lang in LANGS}


def every_text(caption: Caption) -> str:
    return f"{caption.caption} {caption.takeaway}"


# -- the catalogue ----------------------------------------------------------------------------


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_in_both_languages_with_the_same_placeholders():
    for key, texts in TEXT.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert placeholders(texts["en"]) == placeholders(texts["de"]), key


# -- every figure -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_a_caption_and_a_takeaway(same_winner, lang):
    replications, analysis, metadata = same_winner
    ctx = contexts(metadata)[lang]
    captions = figure_captions(analysis, ctx, replications=replications)
    assert set(captions) == set(FIGURE_NAMES)
    runs = str(metadata["runs"])
    for name, caption in captions.items():
        assert caption.caption.strip(), name
        assert caption.takeaway.strip(), name
        assert not re.search(r"[{}]", every_text(caption)), name
        assert not DOUBLED.search(every_text(caption)), name
        assert caption.takeaway.endswith("."), name
        if name != "structural_grid":  # the grid has its own number of futures
            assert runs in caption.caption, name
        words = "simulated futures" if lang == "en" else "simulierte"
        assert words in caption.caption, name


@pytest.mark.parametrize("lang", LANGS)
def test_captions_name_basis_and_horizon(same_winner, lang):
    replications, analysis, metadata = same_winner
    captions = figure_captions(analysis, contexts(metadata)[lang], replications=replications)
    npv, nominal = (
        ("net present value", "not discounted") if lang == "en" else ("Barwert", "nicht abgezinst")
    )
    years = "5 years" if lang == "en" else "5 Jahre"
    for name in (
        "cost_budget_risk",
        "cost_distribution",
        "cost_exceedance",
        "risk_return",
        "paired_difference",
        "gap_by_category",
        "structural_grid",
    ):
        assert npv in captions[name].caption, name
    for name in ("cost_fan", "cost_breakdown"):
        assert nominal in captions[name].caption, name
    for name, caption in captions.items():
        assert years in caption.caption, name


@pytest.mark.parametrize("lang", LANGS)
def test_the_takeaway_names_the_option_with_the_lowest_mean(same_winner, lang):
    replications, analysis, metadata = same_winner
    ctx = contexts(metadata)[lang]
    cheapest = analysis.summary["npv_mean_eur"].idxmin()
    name = NAMES[lang][cheapest]
    for figure in ("cost_budget_risk", "cost_distribution", "risk_return", "paired_difference"):
        caption = figure_caption(figure, analysis, ctx, replications=replications)
        assert name in caption.takeaway, figure
    takeaway = figure_caption("cost_budget_risk", analysis, ctx).takeaway
    if lang == "en":
        assert takeaway.startswith(f"{name} has the lowest expected total cost")
    else:
        assert takeaway.startswith(f"Die niedrigsten erwarteten Gesamtkosten hat {name}")
    mean = format_eur_short(analysis.summary.loc[cheapest, "npv_mean_eur"], lang)
    assert mean in takeaway


@pytest.mark.parametrize("lang", LANGS)
def test_amounts_at_board_precision(same_winner, level, lang):
    for replications, analysis, metadata in (same_winner, level):
        ctx = contexts(metadata)[lang]
        for name, caption in figure_captions(analysis, ctx, replications=replications).items():
            assert not EXACT.search(every_text(caption)), (name, caption)
        takeaway = figure_caption("cost_budget_risk", analysis, ctx).takeaway
        assert len(BOARD[lang].findall(takeaway)) >= 3
    # the other language's format never leaks in
    other = BOARD["de" if lang == "en" else "en"]
    replications, analysis, metadata = same_winner
    for caption in figure_captions(analysis, contexts(metadata)[lang]).values():
        assert not other.search(caption.takeaway)


# -- within simulation noise ------------------------------------------------------------------


def test_level_options_are_called_within_noise(level):
    replications, analysis, metadata = level
    comparison = analysis.comparison
    assert comparison["ci_low"] < 0 < comparison["ci_high"]  # the case this test is about
    for lang, ctx in contexts(metadata).items():
        best, runner = (NAMES[lang][s] for s in (comparison["a"], comparison["b"]))
        for pairs in (None, replications):
            captions = figure_captions(analysis, ctx, replications=pairs)
            for name in ("cost_budget_risk", "paired_difference", "gap_by_category", "risk_return"):
                assert NOISE[lang] in captions[name].takeaway, (lang, name)
            first = captions["cost_budget_risk"].takeaway.split(";")[0]
            assert best in first
            assert runner in first
            assert ("has the lowest" if lang == "en" else "niedrigsten erwarteten") not in first


def test_a_clear_gap_is_not_called_noise(same_winner):
    _replications, analysis, metadata = same_winner
    comparison = analysis.comparison
    assert comparison["ci_high"] < 0  # the recommended option is clearly cheaper
    for lang, ctx in contexts(metadata).items():
        takeaway = figure_caption("paired_difference", analysis, ctx).takeaway
        assert TEXT["paired_noise"][lang] not in takeaway
        ranking = figure_caption("cost_budget_risk", analysis, ctx).takeaway.split(";")[0]
        assert NOISE[lang] not in ranking


def test_noise_of_a_third_option_needs_the_replications():
    """Without the replications only the recommended option and its runner-up are judged;
    with them every option is compared, paired, with the cheapest."""
    alike = dict.fromkeys(("internal", "external", "hybrid"), (2.5e6, 2.0e6))
    replications, analysis, metadata = _results(alike, runs=12, seed=7)
    ctx = contexts(metadata)["en"]
    third = LABELS[analysis.summary["npv_mean_eur"].sort_values().index[2]]
    ranking = figure_caption("cost_budget_risk", analysis, ctx).takeaway.split(". ")[0]
    part = next(p for p in ranking.split("; ") if p.startswith(third))
    assert NOISE["en"] not in part  # not known without the replications
    paired = figure_caption("cost_budget_risk", analysis, ctx, replications=replications)
    part = next(p for p in paired.takeaway.split(". ")[0].split("; ") if p.startswith(third))
    assert NOISE["en"] in part


# -- a takeaway never names as cheaper an option that costs more on average --------------------

OPTION = "(Internal|External|Hybrid)"
AMOUNT = "€[\\d.,]+[mk]?"
#: English claims about expected cost: (pattern, rule). Rules: "lowest": the option named has
#: the lowest mean; "dearer": a higher mean than the lowest; "first": the first named costs
#: less on average than the second; "second": the first named costs more than the second.
CLAIMS = (
    (rf"{OPTION} has the lowest expected total cost", "lowest"),
    (rf"{OPTION} has both the lowest", "lowest"),
    (rf"{OPTION} and {OPTION} are level on expected total cost", "lowest"),
    (rf"{OPTION} has the lowest mean", "lowest"),
    (rf"{OPTION} costs {AMOUNT} more than {OPTION}", "second"),
    (rf"{OPTION} costs {AMOUNT} more(?! than)", "dearer"),
    (rf"; {OPTION} {AMOUNT} more", "dearer"),
    (rf"{OPTION} costs {AMOUNT} less than {OPTION}", "first"),
    (rf"{OPTION} is cheaper than {OPTION} in", "first"),
)


def check_claims(takeaways: dict[str, str], means: pd.Series, labels: dict[str, str]) -> None:
    """Every claim about expected cost in the English takeaways agrees with the means."""
    by_label = {label: means[s] for s, label in labels.items() if s in means.index}
    lowest = means.min()
    for name, takeaway in takeaways.items():
        for pattern, rule in CLAIMS:
            for match in re.finditer(pattern, takeaway):
                named = [by_label[g] for g in match.groups()]
                if rule == "lowest":
                    assert named[0] == lowest, (name, match.group(0), takeaway)
                elif rule == "dearer":
                    assert named[0] > lowest, (name, match.group(0), takeaway)
                elif rule == "first":
                    assert named[0] <= named[1], (name, match.group(0), takeaway)
                else:  # "second": the one costing more is named first
                    assert named[0] >= named[1], (name, match.group(0), takeaway)


cost = st.floats(min_value=1.0e6, max_value=4.0e6)
option = st.tuples(cost, cost)


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(internal=option, external=option, hybrid=option, paired=st.booleans())
def test_no_takeaway_names_a_dearer_option_as_cheaper(internal, external, hybrid, paired):
    means = {"internal": internal, "external": external, "hybrid": hybrid}
    replications, monthly, metadata = synthetic_results(means, runs=8, seed=3, months=12)
    analysis = build_analysis(replications, monthly, metadata, n_boot=20)
    ctx = FigureContext.from_metadata(metadata, "en")
    captions = figure_captions(analysis, ctx, replications=replications if paired else None)
    takeaways = {n: c.takeaway for n, c in captions.items()}
    check_claims(takeaways, analysis.summary["npv_mean_eur"], LABELS)
    budget = analysis.summary["budget_npv_mean_eur"]
    claim = rf"On budget cost alone, {OPTION} (?:is the cheapest|and)"
    budget_claim = re.search(claim, takeaways["cost_budget_risk"])
    assert budget_claim
    assert {v: k for k, v in LABELS.items()}[budget_claim.group(1)] == budget.idxmin()


def test_claims_checker_catches_a_wrong_claim():
    means = pd.Series({"internal": 3.0, "external": 2.0, "hybrid": 4.0})
    with pytest.raises(AssertionError):
        check_claims({"x": "Internal has the lowest expected total cost: €3.0m."}, means, LABELS)
    with pytest.raises(AssertionError):
        check_claims({"x": "On average Hybrid costs €1.0m less than External."}, means, LABELS)
    check_claims(
        {
            "x": "External has the lowest expected total cost: €2.0m; Hybrid costs €2.0m "
            "more; Internal €1.0m more."
        },
        means,
        LABELS,
    )


# -- tails cut by the axis --------------------------------------------------------------------


def test_a_cut_tail_is_named_in_the_caption(level):
    replications, analysis, metadata = level
    heavy = replications.copy()
    one = heavy.index[(heavy["scenario"] == "external") & (heavy["replication"] == 0)]
    heavy.loc[one, "cost_npv_eur"] *= 8  # one future far beyond the rest
    for lang, ctx in contexts(metadata).items():
        caption = figure_caption("cost_distribution", analysis, ctx, replications=heavy).caption
        shown = "The axis shows" if lang == "en" else "Die Achse zeigt"
        assert shown in caption
        assert format_eur_short(float(heavy.loc[one, "cost_npv_eur"].iloc[0]), lang) in caption
        plain = figure_caption("cost_distribution", analysis, ctx, replications=replications)
        assert shown not in plain.caption


# -- sidecars ---------------------------------------------------------------------------------


def fake_figure(folder: Path, stem: str, title: str, footer: str) -> FigureResult:
    png, pdf = folder / f"{stem}.png", folder / f"{stem}.pdf"
    png.write_bytes(b"")
    return FigureResult(paths=[png, pdf], figure=None, data={"title": title, "footer": footer})


def test_sidecars_next_to_each_png(same_winner, tmp_path):
    replications, analysis, metadata = same_winner
    for lang, ctx in contexts(metadata).items():
        captions = figure_captions(analysis, ctx, replications=replications)
        suffix = "_de" if lang == "de" else ""
        figures = {
            name: fake_figure(tmp_path, f"{name}{suffix}", f"Title of\n{name}", "itsim · seed 5")
            for name in ("cost_budget_risk", "risk_return")
        }
        written = write_sidecars(captions, figures, ctx)
        assert written == [tmp_path / f"{name}{suffix}.txt" for name in figures]
        for name, path in zip(figures, written, strict=True):
            content = path.read_text("utf-8")
            assert content.startswith(f"Title of {name}\n\n")
            assert captions[name].caption in content
            assert captions[name].takeaway in content
            assert "itsim · seed 5" in content
            assert sidecar_path(figures[name]) == path
        assert not list(tmp_path.glob(".*.tmp"))  # written whole, nothing left behind


# -- sensitivity figures ----------------------------------------------------------------------


PARAMETERS = ("providers.msp.performance_factor", "staff.turnover_rate_per_year")


def sensitivity_result() -> SensitivityResult:
    """Hand-made tables of a sensitivity analysis of hybrid − internal: the provider's time
    factor reverses the answer at its P90; the fee sweep has a break-even at 30 EUR."""
    tornado = pd.DataFrame(
        {
            "parameter": list(PARAMETERS),
            "output_low": [-300e3, -180e3],
            "output_high": [150e3, -120e3],
            "baseline": [-150e3, -150e3],
            "swing": [450e3, 60e3],
            "low_value": [0.7, 0.04],
            "high_value": [1.4, 0.1],
        }
    )
    spider = pd.DataFrame(
        {
            "parameter": [p for p in PARAMETERS for _ in range(5)],
            "percentile": [0.1, 0.25, 0.5, 0.75, 0.9] * 2,
            "output": [
                -300e3,
                -250e3,
                -150e3,
                -20e3,
                200e3,
                -120e3,
                -130e3,
                -150e3,
                -160e3,
                -180e3,
            ],
            "value": [0.7, 0.8, 1.0, 1.2, 1.4, 0.04, 0.05, 0.07, 0.08, 0.1],
        }
    )
    sobol = pd.DataFrame(
        {
            "parameter": list(PARAMETERS),
            "first_order": [0.6, 0.1],
            "first_ci_low": [0.57, 0.07],
            "first_ci_high": [0.63, 0.13],
            "total_order": [0.7, 0.2],
            "total_ci_low": [0.67, 0.17],
            "total_ci_high": [0.73, 0.23],
        }
    )
    values = np.arange(10.0, 90.0, 10.0)
    mean = (values - 30.0) * 13e3
    sweep = pd.DataFrame(
        {
            "value": values,
            "mean_difference": mean,
            "ci_low": mean - 200e3,
            "ci_high": mean + 200e3,
            "p_a_cheaper": 0.5,
        }
    )
    sweep.attrs = {
        "parameter": "providers.msp.contracts.infrastructure.fee_per_user_per_month_eur",
        "a": "hybrid",
        "b": "internal",
    }
    decision = pd.DataFrame(
        {
            "x": [10.0, 20.0, 10.0, 20.0],
            "y": [20.0, 20.0, 40.0, 40.0],
            "preferred": ["hybrid", "internal", "internal", "internal"],
            "p_cheapest": [0.7, 0.4, 0.8, 0.9],
            "mean_internal": [4.1e6, 4.1e6, 4.7e6, 4.7e6],
            "mean_hybrid": [4.0e6, 4.5e6, 5.7e6, 5.8e6],
        }
    )
    decision.attrs = {
        "x_parameter": "providers.msp.contracts.infrastructure.fee_per_user_per_month_eur",
        "y_parameter": "company.loaded_hourly_cost_eur",
    }
    return SensitivityResult(
        output=Output("difference", "hybrid", "cost_npv_eur", "internal"),
        runs=20,
        seed=1,
        sobol_runs=5,
        tornado=tornado,
        spider=spider,
        sobol=sobol,
        break_even=sweep,
        flip={"break_even": 30.0, "band_low": 15.0, "band_high": 45.0},
        decision_map=decision,
    )


@pytest.fixture(scope="module")
def sensitivity_contexts(same_winner):
    return contexts(same_winner[2])


@pytest.mark.parametrize("lang", LANGS)
def test_every_sensitivity_figure_has_a_caption_and_a_takeaway(sensitivity_contexts, lang):
    result, ctx = sensitivity_result(), sensitivity_contexts[lang]
    for name in SENSITIVITY_NAMES:
        caption = sensitivity_caption(name, result, ctx)
        assert caption.caption.strip(), name
        assert caption.takeaway.strip(), name
        assert not re.search(r"[{}]", every_text(caption)), name
        assert not DOUBLED.search(every_text(caption)), name
        assert not EXACT.search(every_text(caption)), name


def test_sensitivity_takeaways_say_what_the_tables_say(sensitivity_contexts):
    result, ctx = sensitivity_result(), sensitivity_contexts["en"]
    tornado = sensitivity_caption("tornado", result, ctx).takeaway
    assert "Time factor (response, repair)" in tornado.split(" moves the result most")[0]
    assert "alone reverses the answer" in tornado
    assert "Internal becomes the cheaper" in tornado
    assert "€150k" in tornado
    assert "-€300k" in tornado
    spider = sensitivity_caption("spider", result, ctx).takeaway
    assert "rises most with “Time factor" in spider
    assert "falls most with “Staff turnover" in spider
    assert "above the median" in spider
    sobol = sensitivity_caption("sobol", result, ctx).takeaway
    assert "explains the largest share" in sobol
    assert "70%" in sobol
    break_even = " ".join(sensitivity_caption("break_even", result, ctx).takeaway.split())
    assert "cost the same on average at 30 EUR per user per month" in break_even
    assert "Between 15 and 45 EUR per user per month the difference is within" in break_even
    assert "Up to 10 EUR per user per month, Hybrid is clearly cheaper" in break_even
    assert "From 50 EUR per user per month on, Internal is clearly cheaper" in break_even
    decision = sensitivity_caption("decision_map", result, ctx).takeaway
    assert "Internal in 3 of 4 cells" in decision
    assert "Hybrid in 1 of 4 cells" in decision
    assert "In 1 of the 4 cells" in decision


@pytest.mark.parametrize("lang", LANGS)
def test_unreadable_sobol_estimates_are_called_so(sensitivity_contexts, lang):
    result, ctx = sensitivity_result(), sensitivity_contexts[lang]
    words = "too uncertain" if lang == "en" else "zu unsicher"
    assert words not in sensitivity_caption("sobol", result, ctx).takeaway
    assert words in sensitivity_caption("sobol", result, ctx, sobol_readable=False).takeaway
    # first-order indices adding up to more than 100%, intervals wider than the indices
    result.sobol = result.sobol.assign(first_order=[0.9, 0.4], total_ci_low=0.05, total_ci_high=3.9)
    takeaway = sensitivity_caption("sobol", result, ctx, settings=SimpleNamespace(sobol_n=32))
    assert words in takeaway.takeaway
    assert format_percent(1.3, lang) in takeaway.takeaway  # the first-order sum
    assert ("design points instead of 128" if lang == "en" else "statt 128") in takeaway.takeaway
    assert words not in sensitivity_caption("sobol", result, ctx, sobol_readable=True).takeaway


def test_unknown_or_missing_figures_are_refused(same_winner, level):
    _replications, analysis, metadata = level
    ctx = contexts(metadata)["en"]
    with pytest.raises(ValueError, match="must be one of"):
        figure_caption("cost_pie", analysis, ctx)
    with pytest.raises(ValueError, match="no data"):
        figure_caption("structural_grid", analysis, ctx)
    assert "structural_grid" not in figure_captions(analysis, ctx)
    result = sensitivity_result()
    result.spider = None
    with pytest.raises(ValueError, match="no data"):
        sensitivity_caption("spider", result, ctx)


# -- on a real run ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    from simulation.cli import main
    from simulation.montecarlo.store import read_results

    out = tmp_path_factory.mktemp("captions") / "run"
    args = [
        "run",
        str(ROOT / "configs" / "default.yaml"),
        "--runs",
        "8",
        "--jobs",
        "1",
        "--out",
        str(out),
        "--no-progress",
        "--no-plots",
        "--no-structural",
    ]
    assert main(args) == 0
    replications, monthly, metadata = read_results(out)
    analysis = build_analysis(replications, monthly, metadata, n_boot=100)
    return replications, analysis, metadata, out


@pytest.mark.slow
def test_on_a_real_run_with_its_figures(real_run):
    from simulation.reporting.report import write_figures

    replications, analysis, metadata, out = real_run
    cheapest = analysis.summary["npv_mean_eur"].idxmin()
    for lang, ctx in contexts(metadata).items():
        figures = write_figures(analysis, replications, ctx, out)
        captions = figure_captions(analysis, ctx, figures, replications=replications)
        assert set(captions) == set(figures)
        label = ctx.scenario_label(cheapest)
        assert label in captions["cost_budget_risk"].takeaway
        for caption in captions.values():
            assert not EXACT.search(every_text(caption))
        for name, path in zip(figures, write_sidecars(captions, figures, ctx), strict=True):
            png = next(p for p in figures[name].paths if p.suffix == ".png")
            assert path == png.with_suffix(".txt")
            assert path.exists()
            content = path.read_text("utf-8")
            assert captions[name].caption in content
            assert captions[name].takeaway in content
            assert str(metadata["seed"]) in content
            assert path.stem.endswith("_de") == (lang == "de")
