"""Axes hold the bulk of the data: a long tail is cut at P99 and named in the axis label (cost
distributions, paired differences, exceedance curves); every cost axis says whether it is
discounted (net present value) or not (nominal)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from synthetic_results import SAME_WINNER, synthetic_results

from simulation import analysis as an
from simulation.analysis.sensitivity import Output, SensitivityResult, find_break_even
from simulation.reporting import plots
from simulation.reporting.figures import frame
from simulation.reporting.figures.parameters import describe_output
from simulation.reporting.figures.sensitivity import plot_tornado, write_sensitivity_figures
from simulation.reporting.gap_report import gap_analysis
from simulation.reporting.labels import format_eur_short, format_number


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


def _paths_only(fig, out_base, title, ctx) -> list[Path]:
    """Stand-in for `frame.save`: the file names, nothing written (saving is the slow part)."""
    out_base = Path(out_base)
    return [out_base.with_name(f"{out_base.name}.png"), out_base.with_name(f"{out_base.name}.pdf")]


@pytest.fixture
def no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frame, "save", _paths_only)


# -- exceedance curves: the same bulk, the curves exact inside it -------------------------------


def tailed_replications(runs: dict[str, int] | None = None, column: str = "cost_npv_eur"):
    """Internal with three futures where everything goes wrong (12, 18 and 25 M), Hybrid plain."""
    runs = runs or {"internal": 1000, "hybrid": 1000}
    tail = with_tail(3, runs["internal"])
    plain = np.random.default_rng(4).normal(3.8e6, 3e5, runs["hybrid"])
    return pd.DataFrame(
        {
            "scenario": ["internal"] * tail.size + ["hybrid"] * plain.size,
            "replication": [*range(tail.size), *range(plain.size)],
            column: np.concatenate([tail, plain]),
        }
    )


def assert_cut_at_the_bulk(result, values: np.ndarray, curve: pd.DataFrame) -> float:
    """The axis ends at the first grid point at or above the P99 of all futures; returns it."""
    ax = result.figure.axes[0]
    right = ax.get_xlim()[1]
    grid = np.unique(curve["x"])
    step = grid[1] - grid[0]
    assert np.percentile(values, 99) <= right < np.percentile(values, 99) + step
    assert right < 0.6 * values.max()  # not stretched to the 25 M future
    # the curves are drawn whole: exact inside the axis, clipped by it
    for s, drawn in result.data["scenarios"].items():
        rows = curve[curve["scenario"] == s]
        np.testing.assert_array_equal(drawn["x"], rows["x"])
        np.testing.assert_array_equal(drawn["p_exceed"], rows["p_exceed"])
    return right


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_cost_exceedance_shows_the_bulk_and_names_the_tail(no_files, tmp_path: Path, lang: str):
    reps = tailed_replications()
    curve = an.exceedance_curve(reps, "cost_npv_eur")
    result = plots.plot_exceedance(curve, ctx(lang), tmp_path / "exceedance")
    values = reps["cost_npv_eur"].to_numpy()
    right = assert_cut_at_the_bulk(result, values, curve)
    n = format_number(int((values > right).sum()), lang)
    edge, biggest = format_eur_short(right, lang), format_eur_short(25e6, lang)
    note = {
        "en": f"{n} futures beyond {edge} not shown (maximum {biggest})",
        "de": f"{n} Verläufe über {edge} nicht dargestellt (Maximum {biggest})",
    }[lang]
    assert result.data["beyond"] == note
    xlabel = result.figure.axes[0].get_xlabel()
    assert xlabel.endswith("\n" + note)
    assert xlabel.startswith("x:")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_downtime_exceedance_names_its_tail_in_hours(no_files, tmp_path: Path, lang: str):
    reps = tailed_replications(column="downtime_hours")
    reps["downtime_hours"] /= 1e4  # 400 hours with futures of 1,200, 1,800 and 2,500 hours
    curve = an.exceedance_curve(reps, "downtime_hours")
    ctx_lang = ctx(lang)
    result = plots.plot_exceedance(curve, ctx_lang, tmp_path / "downtime", quantity="downtime")
    right = assert_cut_at_the_bulk(result, reps["downtime_hours"].to_numpy(), curve)
    beyond = int((reps["downtime_hours"] > right).sum())
    hours = {"en": "2,500 hours", "de": "2.500 Stunden"}[lang]
    assert (
        f"{beyond} {'futures beyond' if lang == 'en' else 'Verläufe über'}"
        in (result.data["beyond"])
    )
    assert hours in result.data["beyond"]
    assert "€" not in result.data["beyond"]


def test_an_interrupted_run_counts_each_scenario_by_its_own_replications(no_files, tmp_path: Path):
    # internal completed 1,000 futures, hybrid 700: the footer states 700 per scenario
    reps = tailed_replications({"internal": 1000, "hybrid": 700})
    curve = an.exceedance_curve(reps, "cost_npv_eur")
    interrupted = plots.FigureContext(
        plots.Provenance("c.yaml", "0123456789ab", 700, 1, "0.0.0", "2026-12-01", planned=1000),
        "en",
        {"internal": "Internal", "hybrid": "Hybrid"},
    )
    result = plots.plot_exceedance(curve, interrupted, tmp_path / "exceedance")
    right = result.figure.axes[0].get_xlim()[1]
    beyond = int((reps["cost_npv_eur"] > right).sum())
    assert result.data["beyond"].startswith(f"{beyond} futures beyond")


def test_a_logarithmic_exceedance_shows_the_whole_tail(no_files, tmp_path: Path):
    reps = tailed_replications()
    curve = an.exceedance_curve(reps, "cost_npv_eur")
    result = plots.plot_exceedance(curve, ctx(), tmp_path / "exceedance", log_y=True)
    assert result.figure.axes[0].get_xlim()[1] == pytest.approx(25e6)
    assert result.data["beyond"] == ""


def test_exceedance_without_a_long_tail_is_not_cut(no_files, tmp_path: Path):
    reps = tailed_replications()
    reps = reps[reps["cost_npv_eur"] < 10e6]
    curve = an.exceedance_curve(reps, "cost_npv_eur")
    result = plots.plot_exceedance(curve, ctx(), tmp_path / "exceedance")
    assert result.figure.axes[0].get_xlim()[1] == pytest.approx(reps["cost_npv_eur"].max())
    assert result.data["beyond"] == ""
    assert "\n" not in result.figure.axes[0].get_xlabel()


# -- every cost axis says whether it is discounted ------------------------------------------------

#: Words that say a cost is discounted or not, by language.
BASIS_WORDS = {
    "en": ("net present value", "NPV", "not discounted", "nominal"),
    "de": ("Barwert", "nicht abgezinst", "nominal"),
}


def _results_figures(context, reps, monthly, meta, out: Path) -> dict:
    """Every figure of a results folder, with the NPV and the nominal column where it can be
    either."""
    scenarios, services = meta["scenarios"], meta["services"]
    budget = an.budget_risk_table(reps)
    cheapest = an.summary_table(reps, scenarios)
    bands = an.cumulative_cost_bands(monthly, scenarios=scenarios)
    figures = {
        "cost_budget_risk": plots.plot_cost_budget_risk(budget, context, out / "a", cheapest),
        "cost_breakdown": plots.plot_cost_breakdown(
            an.cost_breakdown(reps, scenarios=scenarios), context, out / "b"
        ),
        "cost_fan": plots.plot_fan_chart(bands, context, out / "c"),
        "downtime_by_service": plots.plot_downtime_by_service(
            an.downtime_by_service(reps, services, scenarios=scenarios), context, out / "d"
        ),
        "downtime_exceedance": plots.plot_exceedance(
            an.exceedance_curve(reps, "downtime_hours"), context, out / "e", quantity="downtime"
        ),
    }
    a, b = "external", "hybrid"
    for column in ("cost_npv_eur", "cost_total_eur"):
        kind = "npv" if column == "cost_npv_eur" else "nominal"
        risk = an.risk_table(an.risk_metrics(reps, column, n_boot=20))
        comparison = an.compare_pair(reps, a, b, column, n_boot=20)
        difference = an.paired_difference(reps, a, b, column)
        curve = an.exceedance_curve(reps, column)
        figures |= {
            f"cost_distribution_{kind}": plots.plot_cost_distributions(
                reps, context, out / f"f{kind}", column
            ),
            f"cost_exceedance_{kind}": plots.plot_exceedance(
                curve, context, out / f"g{kind}", column=column
            ),
            f"risk_return_{kind}": plots.plot_risk_return(risk, context, out / f"h{kind}", column),
            f"paired_difference_{kind}": plots.plot_paired_difference(
                difference, comparison, context, out / f"i{kind}", column
            ),
        }
    for by, chart in gap_analysis(reps, monthly, meta, a, b)["gap_charts"].items():
        figures[f"gap_by_{by}"] = plots.plot_gap_waterfall(chart, context, out / f"j{by}")
    return figures


def _sensitivity_result(column: str) -> SensitivityResult:
    """Small tables of every sensitivity method, on the result `column`."""
    fee = "providers.msp.contracts.infrastructure.fee_per_user_per_month_eur"
    tornado = pd.DataFrame(
        {
            "parameter": ["staff.turnover_rate_per_year", fee],
            "output_low": [2.0e5, 4.0e5],
            "output_high": [3.5e5, 1.0e5],
            "low_value": [0.05, 30.0],
            "high_value": [0.10, 60.0],
        }
    ).assign(baseline=2.5e5, swing=lambda t: (t["output_high"] - t["output_low"]).abs())
    spider = pd.DataFrame(
        [
            {"parameter": p, "percentile": q, "output": 2.5e5 + s * (q - 0.5) * 1e5, "value": q}
            for p, s in (("staff.turnover_rate_per_year", 1.0), (fee, -2.0))
            for q in (0.1, 0.5, 0.9)
        ]
    )
    value = np.linspace(20.0, 80.0, 7)
    d = 9_000.0 * (value - 50.0)
    sweep = pd.DataFrame(
        {"value": value, "mean_difference": d, "ci_low": d - 1e5, "ci_high": d + 1e5}
    )
    flip = find_break_even(
        sweep["value"], sweep["mean_difference"], sweep["ci_low"], sweep["ci_high"]
    )
    return SensitivityResult(
        output=Output("difference", "hybrid", column, "internal"),
        runs=20,
        seed=7,
        tornado=tornado,
        spider=spider,
        break_even=sweep,
        flip=flip,
    )


SETTINGS = SimpleNamespace(
    break_even=SimpleNamespace(
        a="hybrid",
        b="internal",
        sweep=SimpleNamespace(
            parameter="providers.msp.contracts.infrastructure.fee_per_user_per_month_eur"
        ),
    ),
    decision_map=None,
)

#: Result columns of a sensitivity analysis and whether they are discounted.
SENSITIVITY_COLUMNS = (
    "cost_npv_eur",
    "cost_total_eur",
    "cost_budget_npv_eur",
    "cost_personnel_eur",
)


@pytest.fixture(scope="module")
def every_figure() -> dict[str, dict[str, object]]:
    """Every board figure and the sensitivity figures with a cost axis, in both languages
    (drawn, not saved)."""
    reps, monthly, meta = synthetic_results(SAME_WINNER, runs=30)
    out = Path("unused")
    figures: dict[str, dict[str, object]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frame, "save", _paths_only)
        for lang in ("en", "de"):
            context = plots.FigureContext.from_metadata(meta, lang)
            figures[lang] = _results_figures(context, reps, monthly, meta, out)
            result = _sensitivity_result("cost_npv_eur")
            drawn = write_sensitivity_figures(result, context, out, SETTINGS)
            figures[lang] |= {f"{stem}_cost_npv_eur": f for stem, f in drawn.items()}
            for column in SENSITIVITY_COLUMNS[1:]:  # the result in words: the tornado's axis
                result = _sensitivity_result(column)
                output, _ = describe_output(result.output, context)
                figures[lang][f"tornado_{column}"] = plot_tornado(
                    result.tornado, context, out / "t", output
                )
    return figures


def test_every_board_figure_is_checked(every_figure: dict) -> None:
    import simulation.reporting.figures as package

    plotted = {name for name in package.__all__ if name.startswith("plot_")}
    checked = {  # the plot functions behind the figures of `every_figure`
        "plot_cost_budget_risk", "plot_cost_breakdown", "plot_fan_chart", "plot_exceedance",
        "plot_downtime_by_service", "plot_cost_distributions", "plot_risk_return",
        "plot_paired_difference", "plot_gap_waterfall", "plot_tornado", "plot_spider",
        "plot_break_even",
    }  # fmt: skip
    # the Sobol and delta indices and the decision map have no cost axis;
    # plot_cost_distribution is plot_cost_distributions under the signature of `itsim run`
    assert plotted - checked == {
        "plot_sobol", "plot_delta", "plot_decision_map", "plot_cost_distribution"
    }  # fmt: skip
    assert {"gap_by_category", "gap_by_service", "break_even_cost_npv_eur"} <= set(
        every_figure["en"]
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_cost_axis_says_whether_it_is_discounted(every_figure: dict, lang: str) -> None:
    cost_axes = 0
    for name, result in every_figure[lang].items():
        for ax in result.figure.axes:
            for axis, text in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
                if not isinstance(axis.get_major_formatter(), plots.EuroFormatter):
                    continue
                if name.startswith("break_even") and axis is ax.xaxis:
                    continue  # the swept price per user and month: a parameter, not a cost
                if not text and name == "cost_fan":
                    continue  # panels beside the first share its y axis and label
                words = " ".join(text.split())  # a label may break between two words
                assert any(word in words for word in BASIS_WORDS[lang]), (name, text)
                cost_axes += 1
    assert cost_axes >= 20


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_fan_chart_is_nominal_and_the_others_say_which(every_figure: dict, lang: str):
    nominal = {"en": "not discounted", "de": "nicht abgezinst"}[lang]
    discounted = {"en": ("net present value", "NPV"), "de": ("Barwert",)}[lang]
    figures = every_figure[lang]
    assert nominal in figures["cost_fan"].figure.axes[0].get_ylabel()
    assert nominal in figures["cost_breakdown"].figure.axes[0].get_xlabel()
    for kind, words in (("npv", discounted), ("nominal", (nominal,))):
        ax = figures[f"risk_return_{kind}"].figure.axes[0]
        for text in (ax.get_xlabel(), ax.get_ylabel()):
            assert any(w in text for w in words), text
        ax = figures[f"paired_difference_{kind}"].figure.axes[0]
        assert any(w in ax.get_xlabel() for w in words), ax.get_xlabel()
    budget_npv = figures["tornado_cost_budget_npv_eur"].figure.axes[0].get_xlabel()
    budget_npv = " ".join(budget_npv.split())
    assert any(w in budget_npv for w in discounted), budget_npv
    assert nominal not in budget_npv
