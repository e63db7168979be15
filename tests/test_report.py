"""The board report: its numbers are the analysis API's, in English and German."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import analysis as an
from simulation.cli import main
from simulation.montecarlo.store import read_results
from simulation.reporting import plots
from simulation.reporting.labels import category_label, format_eur, format_eur_short, format_percent
from simulation.reporting.report import (
    SHEET_TEXT,
    assumptions_table,
    build_analysis,
    make_report,
    summary_header,
    summary_paragraphs,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "run"
    code = main(
        [
            "run",
            str(ROOT / "configs" / "default.yaml"),
            "--runs",
            "12",
            "--jobs",
            "1",
            "--out",
            str(out),
            "--no-progress",
            "--no-plots",
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def english(results):
    return make_report(results, "en", n_boot=200)


@pytest.fixture(scope="module")
def german(results):
    return make_report(results, "de", n_boot=200)


def pdf_text(path: Path, pages: slice = slice(None)) -> str:
    """The text of a PDF's pages, whitespace runs (line breaks, non-breaking spaces) as one
    space, so that sentences wrapped across lines read whole."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages[pages])


def short(value: float, lang: str = "en") -> str:
    """An amount at board precision as the PDF text reads it (plain spaces)."""
    return format_eur_short(value, lang).replace("\u00a0", " ")


def test_report_numbers_equal_the_analysis_api(results, english):
    replications, _, _ = read_results(results)
    analysis = english["analysis"]
    risk = an.risk_table(an.risk_metrics(replications, n_boot=200))
    rec = risk["mean"].idxmin()
    assert analysis.recommended == rec
    text = pdf_text(english["pdf"])
    summary = pdf_text(english["pdf"], slice(0, 2))
    choices = an.recommendations(replications)
    if an.winners_disagree(choices):
        assert "Recommendation: no option wins on both counts." in summary
    else:
        assert f"Recommendation: {rec.capitalize()}. It is the cheapest option both" in summary
    assert short(risk.loc[rec, "cvar95"]) in summary
    runner = risk["mean"].drop(rec).idxmin()
    pair = an.compare_pair(replications, rec, runner)
    assert short(-pair["mean_difference"]) in summary
    cheapest = an.cheapest_table(replications)
    assert format_percent(cheapest.loc[rec, "p_cheapest"], "en") in summary
    # a table per scenario with its expected budget, risk and total cost
    sides = an.budget_risk_table(replications)
    for scenario in analysis.scenarios:
        assert format_eur(risk.loc[scenario, "mean"], "en") in text
        assert format_eur(risk.loc[scenario, "cvar95"], "en") in text
        assert format_eur(sides.loc[scenario, "budget_mean"], "en") in text
        assert format_eur(sides.loc[scenario, "risk_mean"], "en") in text
    for heading in ("Budget cost (cash out)", "Risk cost (users' lost time", "Total cost (budget"):
        assert heading in text


def test_summary_states_the_winner_on_budget_and_on_total(results, english):
    replications, _, _ = read_results(results)
    summary = pdf_text(english["pdf"], slice(0, 2))
    choices = an.recommendations(replications, bases=("budget", "total"))
    labels = {"internal": "Internal", "external": "External", "hybrid": "Hybrid"}
    for basis, opening in (("budget", "Budget cost (cash out"), ("total", "Total cost (budget")):
        row = choices.loc[basis]
        assert opening in summary
        assert f"{labels[row['recommended']]} costs {short(row['mean_eur'])} on average" in summary
        assert f"{short(row['saving_eur'])} less than {labels[row['runner_up']]}" in summary
        ci = f"{short(row['saving_ci_low_eur'])} to {short(row['saving_ci_high_eur'])}"
        assert ci in summary
        assert f"lowest {basis} cost in {format_percent(row['p_cheapest'], 'en')}" in summary
    sides = an.budget_risk_table(replications)
    rec = choices.loc["total", "recommended"]
    budget, risk = short(sides.loc[rec, "budget_mean"]), short(sides.loc[rec, "risk_mean"])
    assert f"({budget} budget + {risk} risk)" in summary
    # the overview table: budget, risk and total per option, P(cheapest) on each
    table = an.summary_table(replications)
    for scenario, label in labels.items():
        row = " ".join(
            [
                label,
                short(sides.loc[scenario, "budget_mean"]),
                short(sides.loc[scenario, "risk_mean"]),
                short(sides.loc[scenario, "total_mean"]),
                short(sides.loc[scenario, "budget_p95"]),
                short(sides.loc[scenario, "total_p95"]),
                format_percent(table.loc[scenario, "p_cheapest_budget"], "en"),
                format_percent(table.loc[scenario, "p_cheapest"], "en"),
            ]
        )
        assert row in summary


def test_pdf_has_summary_figures_tables_and_appendix(english):
    from pypdf import PdfReader

    reader = PdfReader(english["pdf"])
    text = pdf_text(english["pdf"])
    figures = len(english["figures"])
    scenarios = len(english["analysis"].scenarios)
    assert len(reader.pages) > 1 + figures + scenarios  # + appendix pages
    for heading in (
        "Executive summary",
        "Main risk",
        "Scenario: Internal",
        "Appendix: assumptions",
    ):
        assert heading in text
    assert "cost_budget_risk" in english["figures"]
    assert english["figures"]["cost_budget_risk"].paths[0].name == "cost_budget_risk.png"
    assert "staff.turnover_rate_per_year" in text
    assert "Computer Economics" in text  # the source of the turnover default


def test_german_report_uses_german_words_and_numbers(german, english):
    text = pdf_text(german["pdf"])
    assert "Zusammenfassung" in text
    recommendation = ("Empfehlung: Extern", "Empfehlung: Intern", "Empfehlung: Hybrid")
    split = "Empfehlung: Keine Option liegt bei beiden Maßstäben vorn"  # budget and total differ
    assert any(r in text for r in recommendation) or split in text
    rec = german["analysis"].recommended
    mean = german["analysis"].risk_table.loc[rec, "mean"]
    assert format_eur(mean, "de").replace("\u00a0", " ") in text  # 3.940.506 € (tables)
    assert f"kostet im Mittel {short(mean, 'de')}" in text  # 3,9 Mio. € (summary)
    for word in ("Budgetkosten (Auszahlungen, Barwert", "Gesamtkosten (Budget- plus", "Barwert"):
        assert word in text
    assert "Risikokosten (Arbeitszeitverlust" in text
    assert "Executive summary" not in text
    assert german["pdf"].name == "report_de.pdf"
    german_files = ("_de.png", "_de.pdf", "_de.xlsx", "_de.txt")  # .txt: the figures' captions
    assert all(p.name.endswith(german_files) for p in german["paths"])


def test_excel_workbook_holds_the_same_numbers(results, english):
    replications, _, _ = read_results(results)
    book = pd.read_excel(english["xlsx"], sheet_name=None)
    assert {"Summary", "Risk metrics", "Replications", "Assumptions"} <= set(book)
    summary = book["Summary"].set_index("Scenario")
    expected = an.summary_table(replications)
    sides = an.budget_risk_table(replications)
    pd.testing.assert_series_equal(
        summary[summary_header("total_mean", "en")],
        expected["npv_mean_eur"],
        check_names=False,
        rtol=1e-12,
    )
    for key in ("budget_mean", "budget_ci_low", "budget_p95", "risk_mean", "risk_p95", "total_p95"):
        np.testing.assert_allclose(summary[summary_header(key, "en")], sides[key], rtol=1e-12)
    for key in ("p_cheapest_budget", "p_cheapest", "downtime_mean_hours"):
        np.testing.assert_allclose(summary[summary_header(key, "en")], expected[key], rtol=1e-12)
    budget = an.cheapest_table(replications, "cost_budget_npv_eur")
    np.testing.assert_allclose(
        summary[summary_header("p_cheapest_budget_ci_high", "en")], budget["ci_high"], rtol=1e-12
    )
    assert summary_header("budget_mean", "en") == "Budget cost, mean (EUR, NPV)"
    choices = book["Recommendation"].set_index("Field")
    api = an.recommendations(replications, bases=("budget", "total"))
    labels = {"internal": "Internal", "external": "External", "hybrid": "Hybrid"}
    recommended = labels[api.loc["budget", "recommended"]]
    assert choices.loc["Recommended option", "Budget cost"] == recommended
    saving = "Saving versus the runner-up, mean (EUR, NPV)"
    assert float(choices.loc[saving, "Total cost"]) == pytest.approx(
        api.loc["total", "saving_eur"], rel=1e-12
    )
    assert len(book["Replications"]) == len(replications)
    assert book["Assumptions"]["Parameter"].str.contains("turnover_rate_per_year").any()
    bases = {"Budget cost", "Risk cost", "Total cost"}
    assert set(book["Risk metrics"]["Cost"]) == bases
    assert set(book["Yearly cost"]["Cost"]) == bases


def test_excel_breakdown_groups_categories_with_subtotals(results, english):
    replications, _, _ = read_results(results)
    sheet = pd.read_excel(english["xlsx"], sheet_name="Cost breakdown")
    grouped = an.grouped_cost_breakdown(replications)
    item, group = SHEET_TEXT["item"]["en"], SHEET_TEXT["group"]["en"]
    rows = sheet.set_index(item)
    options = {"internal": "Internal", "external": "External", "hybrid": "Hybrid"}
    for scenario, name in options.items():
        for key, label in (
            (("budget", "subtotal"), "Subtotal: budget cost"),
            (("risk", "subtotal"), "Subtotal: risk cost"),
            (("total", "total"), "Total cost (budget + risk)"),
            (("budget", "personnel"), "Personnel"),
            (("risk", "downtime"), "Lost productivity (downtime)"),
        ):
            assert rows.loc[label, name] == pytest.approx(grouped.loc[scenario, key], rel=1e-12)
        for kind, heading in (("budget", "Budget cost (cash out)"), ("risk", "Risk cost (losses)")):
            members = sheet[(sheet[group] == heading) & ~sheet[item].str.startswith("Subtotal")]
            subtotal = rows.loc[f"Subtotal: {kind} cost", name]
            assert members[name].sum() == pytest.approx(subtotal, rel=1e-9)
        assert rows.loc["Total cost (budget + risk)", name] == pytest.approx(
            rows.loc["Subtotal: budget cost", name] + rows.loc["Subtotal: risk cost", name],
            rel=1e-9,
        )
    assert list(sheet[group].unique()) == [
        "Budget cost (cash out)",
        "Risk cost (losses)",
        "Total cost",
    ]


def test_german_workbook_has_german_headers(german):
    book = pd.read_excel(german["xlsx"], sheet_name=None)
    summary = book["Zusammenfassung"]
    assert summary_header("budget_mean", "de") == "Budgetkosten, Mittel (EUR, Barwert)"
    assert {"Szenario", "Budgetkosten, Mittel (EUR, Barwert)", "P(günstigste gesamt)"} <= set(
        summary.columns
    )
    assert "Zwischensumme Risikokosten" in set(book["Kostenaufteilung"].iloc[:, 1])


# -- the recommendation when budget and total cost favour different options -----------------------


def synthetic_analysis(means, lang="en", **kwargs):
    from synthetic_results import synthetic_results

    reps, monthly, metadata = synthetic_results(means, **kwargs)
    analysis = build_analysis(reps, monthly, metadata, n_boot=50)
    ctx = plots.FigureContext.from_metadata(metadata, lang)
    return reps, analysis, ctx


SPLIT = {
    "en": "Recommendation: no option wins on both counts. On budget alone, Hybrid is cheaper; once "
    "users' lost time and the other risk costs are counted, External is cheaper. The choice "
    "depends on how much weight the board gives to risk cost.",
    "de": "Empfehlung: Keine Option liegt bei beiden Maßstäben vorn. Nach Budgetkosten allein ist "
    "Hybrid günstiger; rechnet man den Arbeitszeitverlust der Nutzer und die übrigen "
    "Risikokosten hinzu, ist Extern günstiger. Die Wahl hängt davon ab, welches Gewicht das "
    "Gremium den Risikokosten beimisst.",
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_summary_says_plainly_when_budget_and_total_disagree(lang):
    from synthetic_results import DIFFERENT_WINNERS

    reps, analysis, ctx = synthetic_analysis(DIFFERENT_WINNERS, lang)
    choices = an.recommendations(reps, bases=("budget", "total"))
    assert list(choices["recommended"]) == ["hybrid", "external"]  # the frame is built so
    assert analysis.winners_differ
    paragraphs = summary_paragraphs(analysis, ctx)
    assert paragraphs[0] == SPLIT[lang]
    budget, total = paragraphs[1], paragraphs[2]
    word = {"en": "costs", "de": "kostet im Mittel"}[lang]
    assert f"Hybrid {word} {format_eur_short(choices.loc['budget', 'mean_eur'], lang)}" in budget
    assert format_eur_short(choices.loc["budget", "saving_eur"], lang) in budget
    assert f"Extern{'al' if lang == 'en' else ''} {word}" in total
    assert format_eur_short(choices.loc["total", "saving_eur"], lang) in total
    assert format_percent(choices.loc["total", "p_cheapest"], lang) in total
    assert sum(SPLIT[lang][:40] in p for p in paragraphs) == 1


@pytest.mark.parametrize("lang", ["en", "de"])
def test_summary_names_one_winner_when_budget_and_total_agree(lang):
    from synthetic_results import SAME_WINNER

    _, analysis, ctx = synthetic_analysis(SAME_WINNER, lang)
    assert not analysis.winners_differ
    paragraphs = summary_paragraphs(analysis, ctx)
    opening = {
        "en": "Recommendation: External. It is the cheapest option both on budget cost",
        "de": "Empfehlung: Extern. Diese Option ist sowohl bei den Budgetkosten",
    }[lang]
    assert paragraphs[0].startswith(opening)
    assert not any(SPLIT[lang][:40] in p for p in paragraphs)
    assert not any("depends on how much weight" in p or "Gewicht" in p for p in paragraphs)


def test_split_decision_reaches_the_pdf(tmp_path):
    from synthetic_results import DIFFERENT_WINNERS, synthetic_results

    frames = synthetic_results(DIFFERENT_WINNERS, runs=30)
    written = make_report(tmp_path, "en", n_boot=50, frames=frames)
    assert SPLIT["en"] in pdf_text(written["pdf"], slice(0, 1))
    book = pd.read_excel(written["xlsx"], sheet_name="Recommendation").set_index("Field")
    labels = written["analysis"].metadata["scenario_labels"]
    assert list(book.loc["Recommended option"]) == [labels["hybrid"], labels["external"]]


def test_summary_of_a_single_option():
    from synthetic_results import SAME_WINNER

    reps, analysis, ctx = synthetic_analysis({"external": SAME_WINNER["external"]})
    paragraphs = summary_paragraphs(analysis, ctx)
    row = an.budget_risk_table(reps).loc["external"]
    assert paragraphs[0] == (
        f"External costs {format_eur_short(row['total_mean'], 'en')} on average over 5 years "
        f"(net present value): {format_eur_short(row['budget_mean'], 'en')} budget cost (cash out) "
        f"and {format_eur_short(row['risk_mean'], 'en')} risk cost (users' lost time, lost "
        "margin, security and compliance losses, deferred change)."
    )


def test_assumptions_list_every_parameter_with_its_source(results):
    _, _, metadata = read_results(results)
    table = assumptions_table(metadata).set_index("parameter")
    row = table.loc["staff.time_to_fill_months"]
    assert row["value"] == "lognormal(median=6.5, p95=12)"
    assert "Bitkom" in row["source"]
    assert table.loc["company.employees", "value"] == "150"
    assert table["source"].astype(bool).mean() > 0.9  # nearly all carry a source comment


def test_report_command(results, tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "a folder written by `itsim run`" in capsys.readouterr().err


# -- why the recommended option costs less than its runner-up -------------------------------------


def gap_pair(english) -> tuple[str, str, dict[str, str]]:
    analysis = english["analysis"]
    labels = analysis.metadata["scenario_labels"]
    return analysis.recommended, analysis.runner_up, labels


def test_gap_parts_add_up_on_a_real_run(results):
    replications, monthly, metadata = read_results(results)
    rate, services = metadata["discount_rate"], metadata["services"]
    a, b = an.recommendations(replications).loc["total", ["recommended", "runner_up"]]
    pair = an.compare_pair(replications, a, b)
    total = replications.set_index(["scenario", "replication"])["cost_npv_eur"]
    for by in an.GAP_BREAKDOWNS:
        npv = an.npv_by_part(monthly, rate, by=by, services=services)
        np.testing.assert_allclose(npv.sum(axis=1), total.reindex(npv.index), rtol=FLOAT32)
        gap = an.gap_decomposition(replications, monthly, a, b, rate, by=by, services=services)
        assert gap["mean_difference_eur"].sum() == pytest.approx(
            pair["mean_difference"], abs=float32_gap(gap)
        )
        assert gap.attrs["n"] == pair["n"]
    bases = an.gap_by_basis(replications, a, b)
    gap = an.gap_decomposition(replications, monthly, a, b, rate)
    for group in ("budget", "risk"):
        summed = gap.loc[gap["group"] == group, "mean_difference_eur"].sum()
        assert summed == pytest.approx(
            bases.loc[group, "mean_difference_eur"], abs=float32_gap(gap)
        )


#: Relative rounding of a sum of non-negative float32 monthly values against the float64 totals
#: (montecarlo/compact.py: each value within 2**-24; twice that for the summation).
FLOAT32 = 2 * 2.0**-24


def float32_gap(gap: pd.DataFrame) -> float:
    """The largest error the float32 monthly values can put into a difference of the two
    options' mean costs: FLOAT32 of the costs compared (a difference of two near totals is
    far less precise, relatively, than either total)."""
    return FLOAT32 * float(gap["mean_a_eur"].abs().sum() + gap["mean_b_eur"].abs().sum())


def gap_row(name: str, row: pd.Series, lang: str) -> str:
    """A row of the gap table as the PDF text reads it, from the API's numbers."""
    to = {"en": "to", "de": "bis"}[lang]
    return " ".join(
        [
            name,
            short(row["mean_b_eur"], lang),
            short(row["mean_a_eur"], lang),
            short(row["mean_difference_eur"], lang),
            f"{short(row['ci_low_eur'], lang)} {to} {short(row['ci_high_eur'], lang)}",
            format_percent(row["share_of_gap"], lang).replace("\u00a0", " "),
        ]
    )


def test_gap_page_shows_the_api_numbers(results, english):
    replications, monthly, metadata = read_results(results)
    a, b, labels = gap_pair(english)
    rate = metadata["discount_rate"]
    text = pdf_text(english["pdf"])
    assert f"Why {labels[a]} costs less than {labels[b]}" in text
    gap = an.gap_decomposition(replications, monthly, a, b, rate)
    pair = an.compare_pair(replications, a, b)
    assert (
        f"On average {labels[a]} costs {short(-pair['mean_difference'])} less than {labels[b]} "
        f"(net present value over 5 years; 95% confidence interval {short(-pair['ci_high'])} to "
        f"{short(-pair['ci_low'])})." in text
    )
    largest = gap["mean_difference_eur"].abs().idxmax()
    value = gap.loc[largest, "mean_difference_eur"]
    words = f"{short(abs(value))} {'less' if value < 0 else 'more'}"
    name = category_label(largest, "en")
    assert f"the gap comes mainly from {name[:1].lower() + name[1:]} ({words}" in text
    bases = an.gap_by_basis(replications, a, b)
    for basis in ("budget", "risk"):
        row = bases.loc[basis]
        assert gap_row(f"Subtotal: {basis} cost", row, "en") in text
    assert gap_row("Total: the gap", bases.loc["total"], "en") in text
    for part, row in gap.iterrows():
        if row["mean_a_eur"] or row["mean_b_eur"]:
            assert gap_row(category_label(part, "en"), row, "en") in text
    ctx = plots.FigureContext.from_metadata(metadata, "en")
    by_service = an.gap_decomposition(replications, monthly, a, b, rate, by="service")
    for part, row in by_service.iterrows():
        assert gap_row(ctx.service_label(part), row, "en") in text


def test_gap_figures_are_written_and_drawn_from_the_api(results, english):
    replications, monthly, metadata = read_results(results)
    a, b, _ = gap_pair(english)
    for by in an.GAP_BREAKDOWNS:
        result = english["figures"][f"gap_by_{by}"]
        assert result.paths[0].name == f"gap_by_{by}_{a}_vs_{b}.png"
        chart = an.gap_decomposition(
            replications, monthly, a, b, metadata["discount_rate"], by, min_share=0.02, max_parts=7
        )
        steps = [r for r in result.data["rows"] if r["kind"] == "part"]
        np.testing.assert_allclose([r["width"] for r in steps], chart["mean_difference_eur"])
        assert result.data["rows"][0]["value"] == pytest.approx(chart.attrs["mean_b_eur"])
        assert result.data["rows"][-1]["value"] == pytest.approx(chart.attrs["mean_a_eur"])


def test_german_gap_page(results, german):
    replications, _, metadata = read_results(results)
    a, b = german["analysis"].recommended, german["analysis"].runner_up
    labels = metadata["scenario_labels_de"]
    text = pdf_text(german["pdf"])
    assert f"Warum {labels[a]} günstiger ist als {labels[b]}" in text
    pair = an.compare_pair(replications, a, b)
    amount = short(-pair["mean_difference"], "de")
    assert f"Im Mittel kostet {labels[a]} {amount} weniger als {labels[b]}" in text
    bases = an.gap_by_basis(replications, a, b)
    assert gap_row("Gesamt: der Abstand", bases.loc["total"], "de") in text
    assert gap_row("Zwischensumme Budgetkosten", bases.loc["budget"], "de") in text
    assert german["figures"]["gap_by_service"].paths[0].name.endswith("_de.png")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_workbook_gap_sheet_holds_both_decompositions(results, english, german, lang):
    from openpyxl import load_workbook

    from simulation.reporting.gap_report import GAP_SHEET_COLUMNS

    written = english if lang == "en" else german
    replications, monthly, metadata = read_results(results)
    a, b = written["analysis"].recommended, written["analysis"].runner_up
    names = metadata["scenario_labels" if lang == "en" else "scenario_labels_de"]
    header = {k: v[lang].format(a=names[a], b=names[b]) for k, v in GAP_SHEET_COLUMNS.items()}
    gap_name = {"en": "Cost gap", "de": "Kostenabstand"}[lang]
    sheet = pd.read_excel(written["xlsx"], sheet_name=gap_name)
    assert list(sheet.columns) == list(header.values())
    ctx = plots.FigureContext.from_metadata(metadata, lang)
    titles = {
        "category": {"en": "By cost category", "de": "Nach Kostenkategorie"}[lang],
        "service": {"en": "By service", "de": "Nach Dienst"}[lang],
    }
    for by, title in titles.items():
        gap = an.gap_decomposition(
            replications, monthly, a, b, metadata["discount_rate"], by, metadata["services"]
        )
        block = sheet[sheet[header["breakdown"]] == title]
        rows = block.set_index(header["part"])
        for part, row in gap.iterrows():
            name = category_label(part, lang) if by == "category" else ctx.service_label(part)
            for key in ("mean_a_eur", "mean_b_eur", "mean_difference_eur", "ci_low_eur"):
                assert rows.loc[name, header[key]] == pytest.approx(row[key], rel=1e-12, abs=1e-6)
            assert rows.loc[name, header["share_of_gap"]] == pytest.approx(row["share_of_gap"])
        total = {"en": "Total: the gap", "de": "Gesamt: der Abstand"}[lang]
        assert rows.loc[total, header["mean_difference_eur"]] == pytest.approx(
            gap["mean_difference_eur"].sum(), abs=float32_gap(gap)
        )
    risk = {"en": "Risk cost (losses)", "de": "Risikokosten (Verluste)"}[lang]
    downtime = category_label("downtime", lang)
    assert sheet.set_index(header["part"]).loc[downtime, header["group"]] == risk
    cells = load_workbook(written["xlsx"])[gap_name]
    columns = {c.value: c.column_letter for c in cells[1]}
    euro = {"en": '"€"#,##0', "de": '#,##0 "€"'}[lang]
    assert cells[f"{columns[header['mean_difference_eur']]}2"].number_format == euro
    assert cells[f"{columns[header['share_of_gap']]}2"].number_format == "0.0%"
    assert cells.column_dimensions[columns[header["part"]]].width >= 30


def test_gap_without_service_costs_or_discount_rate():
    from synthetic_results import SAME_WINNER, synthetic_results

    from simulation.reporting.gap_report import gap_paragraph

    reps, monthly, metadata = synthetic_results(SAME_WINNER, runs=20)
    services = [c for c in monthly.columns if c.startswith("cost_service_") and "credits" not in c]
    analysis = build_analysis(reps, monthly.drop(columns=services), metadata, n_boot=50)
    assert list(analysis.gaps) == ["category"]  # results written before costs had services
    ctx = plots.FigureContext.from_metadata(metadata, "en")
    paragraph = gap_paragraph(analysis.gaps, analysis.gap_bases, ctx, 5)
    assert paragraph.startswith("On average External costs")
    assert "By service" not in paragraph
    older = {k: v for k, v in metadata.items() if k != "discount_rate"}
    assert build_analysis(reps, monthly, older, n_boot=50).gaps == {}
