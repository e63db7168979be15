"""The diagnostics of `itsim fit` (issue 12, item 3): the fit report in English and German with
a summary page and one page per fitted quantity, its texts in the catalogue, the Q-Q points of
its figures, slides readable at their size, pages clear of their footers, and no fitting in the
reporting layer.
"""

from __future__ import annotations

import ast
import math
import string
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figure_helpers import assert_readable_layout
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from test_board_pages import text_baselines

import simulation.reporting
from simulation.config.loader import load_tree
from simulation.fitting import FitSettings, fit_records
from simulation.fitting.censored import FAMILIES, EventFit, fit_durations
from simulation.reporting import catalogue
from simulation.reporting.figures.frame import house_style, thin_ticks
from simulation.reporting.fit_plots import (
    EVENT_KINDS,
    RATE_KINDS,
    Quantity,
    draw_quantity,
    qq_points,
    quantity_title,
)
from simulation.reporting.fit_report import (
    fit_context,
    fit_quantities,
    value_changes,
    write_fit_report,
)

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "configs" / "examples" / "records"
KINDS = (*EVENT_KINDS, *RATE_KINDS, "business_hours", "severity_mix", "performance")


@pytest.fixture(scope="module")
def base_tree():
    tree, _ = load_tree(ROOT / "configs" / "default.yaml")
    return tree


@pytest.fixture(scope="module")
def result(tmp_path_factory, base_tree):
    """The example records, the ticket export cut to one service (every kind of quantity,
    fewer pages), with a few bootstrap refits so that the p-values are drawn too."""
    folder = tmp_path_factory.mktemp("records")
    tickets = pd.read_csv(RECORDS / "tickets.csv", dtype=str, keep_default_na=False)
    security = tickets[tickets["assignment_group"] == "Security Operations"]
    security.to_csv(folder / "tickets.csv", index=False)
    paths = {
        "tickets": folder / "tickets.csv",
        "outages": RECORDS / "outages.csv",
        "hr": RECORDS / "hr.csv",
        "sla": RECORDS / "sla_reports.csv",
    }
    settings = FitSettings(replicates=9, calibration_runs=3)  # a calibration page, quickly
    return fit_records(paths, base_tree, settings=settings)


@pytest.fixture(scope="module")
def reports(result, base_tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("fit_report")
    return {
        lang: write_fit_report(result, out, lang, "configs/default.yaml", base_tree)
        for lang in ("en", "de")
    }


# -- the PDF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_summary_page_and_one_page_per_fitted_quantity(reports, result, lang):
    from pypdf import PdfReader

    path = reports[lang]["pdf"]
    assert path.name == ("fit_report_de.pdf" if lang == "de" else "fit_report.pdf")
    quantities = fit_quantities(result)
    # every kind of quantity is in this fit: the report covers each
    assert {q.kind for q in quantities} == set(KINDS)
    pages = PdfReader(path).pages
    assert len(pages) == 1 + len(quantities)
    first = pages[0].extract_text()
    assert catalogue.text("fit", "summary_title", lang) in first
    for record in result.records.values():
        assert record.name in first
    ctx = fit_context(result, lang)
    for page, q in zip(pages[1:], quantities, strict=True):
        assert quantity_title(q, ctx) in page.extract_text().replace("\n", " ")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_page_runs_into_its_footer(reports, lang):
    """As the board report's test: every text above the footer band (5% of the page) or the
    footer itself (its baseline at 3%), none off the page; the diagnostics are drawn on the
    pages as text, so their labels, legends and captions are checked too."""
    misplaced = [
        (page, round(y, 3), text[:40])
        for page, y, text in text_baselines(reports[lang]["pdf"])
        if not (0.05 <= y <= 1.0 or abs(y - 0.03) < 0.003)
    ]
    assert not misplaced, misplaced[:5]


def test_the_first_page_lists_what_changed_most(result, base_tree):
    rows = value_changes(result, base_tree)
    assert rows
    sizes = [abs(math.log(r["ratio"])) for r in rows]
    assert sizes == sorted(sizes, reverse=True)
    by_path = {r["path"]: r for r in rows}
    turnover = by_path["staff.turnover_rate_per_year"]
    assert turnover["fitted"] == pytest.approx(result.staff.turnover.mean, rel=1e-4)
    assert turnover["ratio"] == pytest.approx(turnover["fitted"] / turnover["base"])


def test_the_slides_are_written_on_request(result, tmp_path):
    staff_only = replace(result, tickets={}, outages={}, sla={}, performance={})
    written = write_fit_report(staff_only, tmp_path, "de", figures=True)
    assert set(written) == {"pdf", "hr.turnover", "hr.time_to_fill"}
    for key in ("hr.turnover", "hr.time_to_fill"):
        png = written[key]
        assert png.parent == tmp_path / "fit_figures"
        assert png.stem.endswith("_de")
        assert png.with_suffix(".pdf").is_file()


def test_reporting_fits_nothing(result, tmp_path, monkeypatch):
    """The report draws what the FitResult holds: with every estimator of scipy and of the
    fitting layer broken, it is written all the same."""

    def refuse(*args, **kwargs):
        raise AssertionError("the reporting layer fitted something")

    monkeypatch.setattr(stats.rv_continuous, "fit", refuse)
    for module in ("censored", "tickets", "outages", "staff", "providers"):
        target = f"simulation.fitting.{module}"
        for name in ("fit_durations", "fit_family", "refit", "poisson_rate", "share_posterior"):
            monkeypatch.setattr(f"{target}.{name}", refuse, raising=False)
    written = write_fit_report(result, tmp_path, "en")
    assert written["pdf"].stat().st_size > 0


# -- the figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_kind_of_figure_is_readable_at_slide_size(result, lang):
    """One slide per kind: texts at least 12 pt, inside the slide and apart, the header and
    footer clear of the panels (the board figures' rule)."""
    ctx = fit_context(result, lang, "configs/default.yaml")
    shown = {}
    for q in fit_quantities(result):
        shown.setdefault(q.kind, q)
    assert set(shown) == set(KINDS)
    for q in shown.values():
        with house_style():
            fig, _ = draw_quantity(q, ctx)
            thin_ticks(fig)
            assert_readable_layout(fig)


def test_a_figure_draws_the_qq_points(result):
    q = next(q for q in fit_quantities(result) if q.kind == "effort")
    with house_style():
        _, data = draw_quantity(q, fit_context(result))
    fitted, recorded = qq_points(q.fit)
    np.testing.assert_array_equal(data["qq"][0], fitted)
    np.testing.assert_array_equal(data["qq"][1], recorded)


def _dkw(n: int, alpha: float = 1e-3) -> float:
    """Dvoretzky-Kiefer-Wolfowitz: P(sup |F_n - F| > eps) <= 2 exp(-2 n eps^2) = alpha."""
    return math.sqrt(math.log(2 / alpha) / (2 * n))


def _sample_fit(family: str, shape: float, n: int, seed: int) -> tuple[EventFit, np.ndarray]:
    """A fit to a sample of `family`, and a new sample of `n` drawn from that fit."""
    rng = np.random.default_rng(seed)
    params = (shape, 0.0, 10.0) if family != "exponential" else (0.0, 10.0)
    truth = FAMILIES[family](*params)
    sample = truth.rvs(size=300, random_state=rng)
    fit = fit_durations(sample, rng=rng, families=(family,), replicates=0)
    return fit, fit.frozen.rvs(size=n, random_state=rng)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    family=st.sampled_from(sorted(FAMILIES)),
    shape=st.floats(0.6, 3.0),
    n=st.integers(30, 2000),
    censor_at=st.sampled_from([None, 0.5, 0.9]),
    seed=st.integers(0, 2**32 - 1),
)
def test_qq_points_of_a_sample_from_the_fit_lie_near_the_diagonal(
    family, shape, n, censor_at, seed
):
    """Property: for a sample of n drawn from the fitted distribution F, each Q-Q point
    (F^-1(p_i), x_(i)) lies near the diagonal in probability: |F(x_(i)) - p_i| is at most
    the Dvoretzky-Kiefer-Wolfowitz bound of the empirical CDF (exceeded with probability
    1e-3) plus 1/(2n), as p_i = (i - 1/2)/n lies between F_n(x_(i)-) and F_n(x_(i)).

    With censoring at a fixed time c (F's 50% or 90% point; every record above c is open at
    c), the Kaplan-Meier estimate below c equals the empirical CDF of all n records, so the
    plotting positions of the finished records are those same (i - 1/2)/n and the bound holds
    unchanged."""
    fit, sample = _sample_fit(family, shape, n, seed)
    dist = fit.frozen
    censored = np.zeros(n, dtype=bool)
    if censor_at is not None:
        limit = float(dist.ppf(censor_at))
        censored = sample > limit
        sample = np.where(censored, limit, sample)
    drawn = replace(fit, values=sample, censored=censored, limits=np.full(n, np.inf))
    fitted, recorded = qq_points(drawn)
    assert recorded.size == n - censored.sum()
    positions = dist.cdf(fitted)
    hazen = (np.arange(1, recorded.size + 1) - 0.5) / n
    np.testing.assert_allclose(positions, hazen, atol=1e-7)  # ties have probability 0
    assert np.abs(dist.cdf(recorded) - positions).max() <= _dkw(n) + 1 / (2 * n)


# -- the texts -----------------------------------------------------------------------------------

SOURCES = [
    Path(simulation.reporting.__file__).parent / f
    for f in ("fit_plots.py", "fit_report.py", "fit_calibration.py")
]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_fit_text_has_both_languages_with_the_same_placeholders():
    section = catalogue.section("fit")
    assert len(section) > 100
    for key, entry in section.items():
        assert set(entry) == {"en", "de"}, key
        if isinstance(entry["en"], list):
            assert len(entry["en"]) == len(entry["de"]), key
            continue
        assert entry["en"].strip(), key
        assert entry["de"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["de"]), key


def _constants(node: ast.AST | None) -> set[str]:
    """The strings an expression can be: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def _used_keys() -> set[str]:
    """The keys the code asks the catalogue's section "fit" for: the first argument of every
    `fit_text` call (a literal, a conditional of literals, or a name assigned such), the keys
    of `catalogue.entry("fit", ...)`, the keys handed on to `_prior_sentence`, and those made
    from a kind of quantity, a family or a kind of record (f-strings, enumerated here)."""
    used: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        assigned: dict[str, set[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, set()).update(_constants(node.value))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if name == "fit_text":
                used |= _constants(first)
                if isinstance(first, ast.Name):
                    used |= assigned.get(first.id, set())
            elif name == "entry" and _constants(first) == {"fit"}:
                used |= _constants(node.args[1])
            elif name == "_prior_sentence":
                used |= _constants(node.args[-1])
    used |= {f"title_{kind}" for kind in KINDS}
    used |= {f"measure_{kind}" for kind in EVENT_KINDS} | {f"open_{k}" for k in EVENT_KINDS}
    used |= {f"axis_{kind}" for kind in (*RATE_KINDS, "business_hours")}
    used |= {f"events_{kind}" for kind in (*RATE_KINDS, "business_hours", "severity_mix")}
    used |= {f"rate_{kind}" for kind in RATE_KINDS}
    used |= {f"family_{f}" for f in FAMILIES} | {f"spec_{f}" for f in FAMILIES}
    used |= {f"kind_{k}" for k in ("tickets", "outages", "hr", "sla")}
    used |= {"legend_best", "legend_runner", "note_resolution", "note_repair"}
    return used


def test_every_text_the_fit_report_asks_for_is_in_the_catalogue():
    used = _used_keys()
    assert {"footer", "footer_source", "gof_poor", "prior_mix", "dominance_both"} <= used
    missing = sorted(used - set(catalogue.section("fit")))
    assert not missing, missing


def test_a_quantity_of_unknown_kind_is_refused(result):
    with pytest.raises(ValueError, match="kind"):
        draw_quantity(Quantity("x", "nonsense", None), fit_context(result))
