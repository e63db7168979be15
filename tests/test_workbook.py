"""The board workbook is made for Excel users: headers and sheets in the report's language,
numbers stored as numbers with formats, fitted columns, frozen headers and a note per sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from simulation.cli import main
from simulation.montecarlo.store import read_results
from simulation.reporting import plots
from simulation.reporting.report import build_analysis
from simulation.reporting.workbook import (
    EUR_FORMATS,
    FIELDS,
    HEADERS,
    SHEET_NAMES,
    SHEET_TEXT,
    SUMMARY_COLUMNS,
    write_excel_report,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "baseline" / "experiment.yaml"

#: Every English sheet name and header the workbook writes (bar the replications sheet)
#: that differs from its German counterpart.
PAIRS = (
    [(v["en"], v["de"]) for v in SHEET_NAMES.values()]
    + [(en, de) for _, en, de, _ in SUMMARY_COLUMNS]
    + list(HEADERS.values())
    + [(en, de) for en, de, _ in FIELDS.values()]
    + [(v["en"], v["de"]) for v in SHEET_TEXT.values()]
)
ENGLISH = {en for en, de in PAIRS if en != de}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The workbook in English and German (written alone: figures and PDF take long)."""
    out = tmp_path_factory.mktemp("workbook")
    run = ["run", str(BASELINE), "--runs", "6", "--jobs", "1", "--out", str(out)]
    assert main([*run, "--no-progress", "--no-plots", "--no-structural"]) == 0
    replications, monthly, metadata = read_results(out)
    analysis = build_analysis(replications, monthly, metadata, n_boot=200)
    books = {}
    for lang in ("en", "de"):
        ctx = plots.FigureContext.from_metadata(metadata, lang)
        path = write_excel_report(analysis, replications, ctx, out / f"report_{lang}.xlsx")
        books[lang] = ({"analysis": analysis, "xlsx": path}, load_workbook(path))
    return books


def headers(sheet) -> dict[str, str]:
    """Header text to column letter."""
    return {c.value: c.column_letter for c in sheet[1]}


def row_named(sheet, name: str):
    return next(row for row in sheet.iter_rows(min_row=2) if row[0].value == name)


def test_the_move_keeps_the_old_import_path():
    from simulation.reporting import report

    assert report.write_excel_report is write_excel_report


@pytest.mark.parametrize("lang", ["en", "de"])
def test_probabilities_are_percentages_and_euros_have_thousands(books, lang):
    _, book = books[lang]
    summary = book[SHEET_NAMES["summary"][lang]]
    columns = headers(summary)
    share = next(
        de if lang == "de" else en for k, en, de, _ in SUMMARY_COLUMNS if k == "p_cheapest"
    )
    euro = next(de if lang == "de" else en for k, en, de, _ in SUMMARY_COLUMNS if k == "total_mean")
    for row in range(2, summary.max_row + 1):
        assert summary[f"{columns[share]}{row}"].number_format == "0.0%"
        assert summary[f"{columns[euro]}{row}"].number_format == EUR_FORMATS[lang]
        assert isinstance(summary[f"{columns[euro]}{row}"].value, float)
    recommendation = book[SHEET_NAMES["recommendation"][lang]]
    p_cheaper = FIELDS["p_cheaper_than_runner_up"][0 if lang == "en" else 1]
    for cell in row_named(recommendation, p_cheaper)[1:]:
        assert isinstance(cell.value, int | float)
        assert cell.number_format == "0.0%"  # 0.947 shows as 94.7%, not 1


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_sheet_has_a_bold_frozen_header_a_note_and_fitted_columns(books, lang):
    _, book = books[lang]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B2", sheet.title
        assert sheet["A1"].font.b, sheet.title
        note = sheet["A1"].comment.text
        assert "EUR" in note or "Barwert" in note or "NPV" in note, sheet.title
        for cell in sheet[1]:
            if cell.value and len(str(cell.value)) > 12:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width > 13, (sheet.title, cell.value)
    summary = book[SHEET_NAMES["summary"][lang]]
    assert ("Barwert" if lang == "de" else "net present value") in summary["A1"].comment.text
    breakdown = book[SHEET_NAMES["breakdown"][lang]]
    assert "nominal" in breakdown["A1"].comment.text


def test_the_german_workbook_is_german(books):
    _, book = books["de"]
    names = {v["de"] for k, v in SHEET_NAMES.items() if k not in ("whatif", "verification")}
    assert set(book.sheetnames) == names
    for sheet in book.worksheets:
        if sheet.title == SHEET_NAMES["replications"]["de"]:
            continue  # the data contract keeps its code names
        english = {c.value for c in sheet[1]} & ENGLISH
        assert not english, (sheet.title, english)
        firsts = {row[0].value for row in sheet.iter_rows(min_row=2)}
        if sheet.title in ("Empfehlung", "Vergleich"):
            assert not firsts & ENGLISH, sheet.title
    risk = book["Risikokennzahlen"]
    assert {row[0].value for row in risk.iter_rows(min_row=2)} == {
        "Budgetkosten",
        "Risikokosten",
        "Gesamtkosten",
    }
    assert row_named(book["Empfehlung"], "Eindeutig (KI ohne 0)")[1].value in ("ja", "nein")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_assumptions_hold_numbers_and_the_seed_is_an_integer(books, lang):
    written, book = books[lang]
    sheet = book[SHEET_NAMES["assumptions"][lang]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    seed = rows["simulation.seed"][1]
    assert type(seed.value) is int
    assert seed.value == written["analysis"].metadata["config"]["simulation"]["seed"]
    assert seed.number_format == "0"
    rate = rows["simulation.discount_rate"][1]
    assert isinstance(rate.value, float)
    assert rate.value == pytest.approx(written["analysis"].metadata["discount_rate"])
    numbers = [r[1].value for r in rows.values() if isinstance(r[1].value, int | float)]
    texts = [r[1].value for r in rows.values() if isinstance(r[1].value, str)]
    assert len(numbers) > 100
    for text in texts:  # what stays text is a distribution or a list, not a number
        with pytest.raises(ValueError, match="could not convert"):
            float(text)
    metadata = book[SHEET_NAMES["metadata"][lang]]
    meta_seed = row_named(metadata, "seed")[1]
    assert type(meta_seed.value) is int
    assert meta_seed.number_format == "0"


def test_replications_keep_their_code_names(books):
    _, book = books["de"]
    sheet = book["Replikationen"]
    columns = headers(sheet)
    assert "cost_npv_eur" in columns
    assert "scenario" in columns
    assert sheet[f"{columns['cost_npv_eur']}2"].number_format == EUR_FORMATS["de"]
    assert "_npv_eur" in sheet["A1"].comment.text


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_option_without_a_contract_has_no_sla_figures(books, lang):
    """In house there is no SLA: its breaches, credits and share are empty, not a perfect 0."""
    context, book = books[lang]
    sheet = book[SHEET_NAMES["sla"][lang]]
    analysis = context["analysis"]
    labels = plots.FigureContext.from_metadata(analysis.metadata, lang).scenario_labels
    internal = row_named(sheet, labels["internal"])
    assert [cell.value for cell in internal[1:3]] == [None, None]
    assert internal[4].value is None
    assert isinstance(internal[3].value, float)  # the business loss applies to every option
    external = row_named(sheet, labels["external"])
    assert all(isinstance(cell.value, int | float) for cell in external[1:5])
