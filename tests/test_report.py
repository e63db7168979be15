"""The board report: its numbers are the analysis API's, in English and German."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulation import analysis as an
from simulation.cli import main
from simulation.montecarlo.store import read_results
from simulation.reporting.labels import format_eur, format_percent
from simulation.reporting.report import assumptions_table, make_report

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


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def test_report_numbers_equal_the_analysis_api(results, english):
    replications, _, _ = read_results(results)
    analysis = english["analysis"]
    risk = an.risk_table(an.risk_metrics(replications, n_boot=200))
    rec = risk["mean"].idxmin()
    assert analysis.recommended == rec
    text = pdf_text(english["pdf"])
    assert f"Recommendation: {rec.capitalize()}" in text
    assert format_eur(risk.loc[rec, "mean"], "en") in text
    assert format_eur(risk.loc[rec, "cvar95"], "en") in text
    runner = risk["mean"].drop(rec).idxmin()
    pair = an.compare_pair(replications, rec, runner)
    assert format_eur(-pair["mean_difference"], "en") in text
    cheapest = an.cheapest_table(replications)
    assert format_percent(cheapest.loc[rec, "p_cheapest"], "en") in text
    # a table per scenario with its expected cost
    for scenario in analysis.scenarios:
        assert format_eur(risk.loc[scenario, "mean"], "en") in text


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
    assert "staff.turnover_rate_per_year" in text
    assert "Computer Economics" in text  # the source of the turnover default


def test_german_report_uses_german_words_and_numbers(german, english):
    text = pdf_text(german["pdf"])
    assert "Zusammenfassung" in text
    assert (
        "Empfehlung: Extern" in text or "Empfehlung: Intern" in text or "Empfehlung: Hybrid" in text
    )
    rec = german["analysis"].recommended
    mean = german["analysis"].risk_table.loc[rec, "mean"]
    assert format_eur(mean, "de").replace("\u00a0", " ") in text  # 3.940.506 €
    assert "Executive summary" not in text
    assert german["pdf"].name == "report_de.pdf"
    assert all(p.name.endswith(("_de.png", "_de.pdf", "_de.xlsx")) for p in german["paths"])


def test_excel_workbook_holds_the_same_numbers(results, english):
    replications, _, _ = read_results(results)
    book = pd.read_excel(english["xlsx"], sheet_name=None)
    assert {"Summary", "Risk metrics", "Replications", "Assumptions"} <= set(book)
    summary = book["Summary"].set_index("scenario")
    expected = an.summary_table(replications)
    pd.testing.assert_series_equal(
        summary["npv_mean_eur"], expected["npv_mean_eur"], check_names=False, rtol=1e-12
    )
    assert len(book["Replications"]) == len(replications)
    assert book["Assumptions"]["parameter"].str.contains("turnover_rate_per_year").any()


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
