"""An interrupted run says so: every report page and figure, with the completed count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_results import SAME_WINNER, synthetic_results

from simulation.reporting import plots

WARNING = {
    "en": "INCOMPLETE RUN: 24 of 100 replications per scenario",
    "de": "UNVOLLSTÄNDIGER LAUF: 24 von 100 Replikationen je Szenario",
}


def interrupted_metadata(completed: dict[str, int]) -> dict:
    _, _, meta = synthetic_results(SAME_WINNER, runs=4)
    return {**meta, "runs": 100, "completed": False, "replications_completed": completed}


def test_the_completed_count_replaces_the_planned_one():
    meta = interrupted_metadata({"internal": 25, "external": 24, "hybrid": 24})
    provenance = plots.FigureContext.from_metadata(meta, "en").provenance
    assert (provenance.runs, provenance.planned, provenance.incomplete) == (24, 100, True)
    assert provenance.footer("en").startswith(WARNING["en"] + " · ")
    assert "24 runs per scenario" in provenance.footer("en")


def test_a_complete_run_has_no_warning():
    _, _, meta = synthetic_results(SAME_WINNER, runs=4)
    provenance = plots.FigureContext.from_metadata({**meta, "completed": True}, "de").provenance
    assert not provenance.incomplete
    assert provenance.warning("de") == ""
    assert "UNVOLLSTÄNDIG" not in provenance.footer("de")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_page_and_figure_of_an_interrupted_run_says_so(tmp_path: Path, lang: str):
    from pypdf import PdfReader

    from simulation.reporting.report import make_report

    reps, monthly, _ = synthetic_results(SAME_WINNER, runs=24)
    meta = interrupted_metadata(dict.fromkeys(SAME_WINNER, 24))
    reps.to_parquet(tmp_path / "replications.parquet")
    monthly.to_parquet(tmp_path / "monthly.parquet")
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    written = make_report(tmp_path, lang, n_boot=50)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(written["pdf"]).pages]
    assert all(WARNING[lang] in page for page in pages)
    simulated = {"en": "24 simulated futures", "de": "24 simulierte Verläufe"}[lang]
    assert simulated in pages[0]
    for result in written["figures"].values():
        vector = next(p for p in result.paths if p.suffix == ".pdf")
        text = " ".join(PdfReader(vector).pages[0].extract_text().split())
        assert WARNING[lang] in text, vector.name


def test_sla_breaches_of_an_option_without_a_provider_read_not_applicable():
    from simulation.reporting.report import has_provider

    internal = {"sourcing": {"desk": "internal"}}
    hybrid = {"sourcing": {"desk": "internal", "apps": "msp"}}
    meta = {"config": {"scenarios": {"internal": internal, "hybrid": hybrid}}}
    assert not has_provider(meta, "internal")
    assert has_provider(meta, "hybrid")
    assert has_provider({}, "internal")  # unknown: the figure is shown
