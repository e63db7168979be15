"""The board report's first pages: the decision (page 1), the options compared (page 3) and the
appendix of every effective value, built-in defaults included (issue 10, items 1 and 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulation.cli import main
from simulation.config.annotations import config_comments
from simulation.config.effective import BUILT_IN, describe_options, effective_parameters
from simulation.config.loader import load_config
from simulation.config.sizing import sized_roles
from simulation.reporting.report import make_report
from tests.test_report import pdf_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
#: A euro amount written to the euro with thousands separators (1,234,567 or 1.234.567).
EXACT_EURO = re.compile(r"\d{1,3}(?:[.,]\d{3}){2,}")


@pytest.fixture(scope="module")
def default():
    experiment, tree = load_config(DEFAULT)
    return experiment, tree


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("board") / "run"
    argv = ["run", str(DEFAULT), "--runs", "8", "--jobs", "1", "--out", str(out)]
    assert main([*argv, "--no-progress", "--no-plots", "--no-structural"]) == 0
    return out


@pytest.fixture(scope="module")
def reports(results):
    return {lang: make_report(results, lang, n_boot=100) for lang in ("en", "de")}


# -- effective values and options (config layer) ---------------------------------------------


def test_every_value_is_listed_once_written_or_built_in(default):
    experiment, tree = default
    rows = effective_parameters(experiment, tree, config_comments(DEFAULT))
    paths = [r["parameter"] for r in rows]
    assert len(paths) == len(set(paths))
    by_path = {r["parameter"]: r for r in rows}
    assert by_path["simulation.seed"]["written"]
    assert by_path["simulation.seed"]["value"] == "20261126"
    # a value default.yaml leaves to the schema is listed with the schema's default
    shape = by_path["staff.weibull_shape"]
    assert not shape["written"]
    assert shape["source"] == BUILT_IN
    assert float(shape["value"]) == experiment.staff.weibull_shape
    # words are values too: the appendix defines what "Hybrid" sources
    assert by_path["scenarios.hybrid.sourcing.business_applications"]["value"] == "internal"
    # a distribution is listed as written, with its mean
    turnover = by_path["staff.turnover_rate_per_year"]
    assert turnover["value"].startswith("pert(")
    assert turnover["mean"] == pytest.approx(experiment.staff.turnover_rate_per_year.mean)
    assert all(r["value"] != "none" for r in rows if not r["written"])  # unset overrides skipped


def test_options_say_who_runs_what_with_which_team(default):
    experiment, _ = default
    options = describe_options(experiment, list(experiment.scenarios))
    internal = options["internal"]
    assert internal["headcount"] == sized_roles(experiment, experiment.scenarios["internal"])
    assert {t["provider"] for t in internal["services"].values()} == {"internal"}
    external = options["external"]
    assert external["headcount"] == {"vendor_manager": 1}
    msp = experiment.providers["msp"]
    infra = external["services"]["infrastructure"]
    assert infra["coverage"] == msp.contract_coverage("infrastructure").value
    factor = msp.price_factor(msp.contract_coverage("infrastructure"))
    fee = msp.contracts["infrastructure"].fee_per_user_per_month_eur
    expected = float(getattr(fee, "mean", fee)) * float(getattr(factor, "mean", factor))
    assert infra["fee_per_user_per_month_eur"] == pytest.approx(expected)
    hybrid = options["hybrid"]["services"]
    assert hybrid["business_applications"]["provider"] == "internal"
    assert hybrid["service_desk"]["provider"] == "msp"


# -- the PDF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("The decision", "Which option, and how sure", "What would change the answer",
                "net present value")),
        ("de", ("Die Entscheidung", "Welche Option – und wie sicher", "Was die Antwort ändern",
                "Barwert")),
    ],
)  # fmt: skip
def test_page_one_is_the_decision_with_every_option(reports, lang, words):
    report = reports[lang]
    analysis = report["analysis"]
    page = pdf_text(report["pdf"], slice(0, 1))
    for word in words:
        assert word in page
    labels = analysis.metadata["scenario_labels_de" if lang == "de" else "scenario_labels"]
    for scenario in analysis.scenarios:  # every option, the in-house one included
        assert page.count(labels[scenario]) >= 2, scenario  # in the table and in the chart
    assert not EXACT_EURO.search(page), "page 1 shows amounts at board precision"
    assert ("Mio. €" if lang == "de" else "€") in page


@pytest.mark.parametrize(
    ("lang", "title", "in_house", "hours"),
    [
        ("en", "Options compared", "In house", "business hours + on call"),
        ("de", "Die Optionen im Vergleich", "Intern", "Geschäftszeiten + Rufbereitschaft"),
    ],
)
def test_options_page_defines_the_options(reports, lang, title, in_house, hours):
    report = reports[lang]
    page = pdf_text(report["pdf"], slice(2, 3))
    assert title in page
    metadata = report["analysis"].metadata
    assert in_house in page
    assert hours in page
    provider = "Managed-service provider" if lang == "en" else "IT-Dienstleister (Managed Services)"
    assert provider in page  # the provider's name_de in German
    total = sum(metadata["options"]["internal"]["headcount"].values())
    head = "Total in-house headcount" if lang == "en" else "Eigenes IT-Team gesamt (Köpfe)"
    assert re.search(rf"{re.escape(head)} {total} ", page)
    description = metadata["options"]["hybrid"]["description_de" if lang == "de" else "description"]
    assert " ".join(description.split()[:4]) in page


@pytest.mark.parametrize(
    ("lang", "built_in"),
    [("en", "built-in default of itsim"), ("de", "eingebauter Standardwert von itsim")],
)
def test_appendix_lists_built_in_defaults_and_words(reports, lang, built_in):
    text = pdf_text(reports[lang]["pdf"])
    assert "staff.weibull_shape" in text
    assert built_in in text
    assert "scenarios.hybrid.sourcing.business_applications internal" in text


def test_workbook_assumptions_hold_defaults_as_numbers(reports):
    from openpyxl import load_workbook

    book = load_workbook(reports["de"]["xlsx"])
    sheet = book["Annahmen"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    shape = rows["staff.weibull_shape"]
    assert shape[1] == pytest.approx(1.5)
    assert "eingebauter Standardwert" in shape[-1]
    meta = {r[0] for r in book["Metadaten"].iter_rows(min_row=2, values_only=True)}
    assert "effective_parameters" not in meta
    assert "options" not in meta


# -- layout: nothing runs into the footer or off the page --------------------------------------


def text_baselines(path: Path) -> list[tuple[int, float, str]]:
    """(page, baseline as a share of the page height, text) of every text fragment."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, height=height):
            if text.strip():
                y = tm[5] * cm[3] + cm[5] if cm else tm[5]
                found.append((number, y / height, text.strip()))

        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_page_runs_into_its_footer(reports, lang):
    """Every text sits above the footer band (5% of the page) or is the footer itself (its
    baseline at 3%), and none lies off the page: tables and text boxes paginate or shrink."""
    misplaced = [
        (page, round(y, 3), text[:40])
        for page, y, text in text_baselines(reports[lang]["pdf"])
        if not (0.05 <= y <= 1.0 or abs(y - 0.03) < 0.003)
    ]
    assert not misplaced, misplaced[:5]
