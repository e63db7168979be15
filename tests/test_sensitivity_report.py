"""The sensitivity chapter and re-rendering a sensitivity folder: the tables read back draw the
same figures as the result in memory, `itsim report` re-renders a folder in German without
touching its tables, a foreign or broken folder is refused in one line, and the chapter has a
page per method whose sentences state the numbers of the tables in English and German."""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.sensitivity import find_break_even
from simulation.cli import _write_sensitivity, main
from simulation.config.schema import SensitivityOutput, SensitivitySettings
from simulation.errors import ConfigError
from simulation.montecarlo.store import StoredSensitivity, read_sensitivity
from simulation.reporting import sensitivity_report as sr
from simulation.reporting.plots import FigureContext
from simulation.reporting.sensitivity_plots import write_sensitivity_figures

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
NBSP = "\u00a0"
FEE = "providers.msp.contracts.infrastructure.fee_per_user_per_month_eur"
HOURLY = "company.loaded_hourly_cost_eur"
PERFORMANCE = "providers.msp.performance_factor"
DESK_INCIDENTS = "services.service_desk.incidents_per_user_per_month"
#: The methods of the tiny run: every one that needs more than its table to be drawn (the
#: swept parameter, the decision map's axes, the variants, the Sobol replications).
TINY_METHODS = ("tornado", "sobol", "break_even", "decision_map", "structural")


def run_main(argv: list[str]) -> tuple[int, str]:
    """`main` in-process; returns the exit code and what it wrote to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


# -- a tiny `itsim sensitivity` run ---------------------------------------------------------------


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    """A tiny sensitivity run of the reference config (one year, two parameters, small grids,
    two replications per design point) through the CLI, tables only; with the result and the
    settings the CLI held in memory."""
    root = tmp_path_factory.mktemp("sensitivity")
    config = root / "tiny.yaml"
    config.write_text(
        f"extends: {DEFAULT}\n"
        "simulation: {horizon_years: 1}\n"
        "sensitivity:\n"
        f"  parameters: [{PERFORMANCE}, {DESK_INCIDENTS}]\n"
        "  sobol_n: 4\n"
        "  sobol_runs: 1\n"
        "  break_even:\n"
        f"    sweep: {{parameter: {FEE}, from: 10, to: 80, steps: 3}}\n"
        "  decision_map:\n"
        f"    x: {{parameter: {FEE}, from: 10, to: 80, steps: 2}}\n"
        f"    y: {{parameter: {HOURLY}, from: 20, to: 100, steps: 2}}\n"
        "  structural:\n"
        "    runs: 2\n"
        "    variants:\n"
        "      - name: desk_24x7\n"
        "        label: Provider's service desk 24x7\n"
        "        label_de: Service-Desk des Dienstleisters 24/7\n"
        "        set: {providers.msp.contracts.service_desk.coverage: 24x7}\n",
        encoding="utf-8",
    )
    import simulation.analysis.sensitivity as sensitivity

    held = {}
    run_sensitivity = sensitivity.run_sensitivity

    def keep(experiment, settings, *args, **kwargs):
        held["settings"] = settings
        held["result"] = run_sensitivity(experiment, settings, *args, **kwargs)
        return held["result"]

    out = root / "sens"
    methods = [arg for m in TINY_METHODS for arg in ("--method", m)]
    argv = ["sensitivity", str(config), "--runs", "2", "--jobs", "1", *methods]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sensitivity, "run_sensitivity", keep)
        code, err = run_main([*argv, "--out", str(out), "--no-progress", "--no-plots"])
    assert code == 0, err
    return out, held["result"], held["settings"]


def test_read_back_draws_the_same_figures(computed, tmp_path):
    out, result, settings = computed
    stored, meta = read_sensitivity(out)
    assert stored.methods == list(TINY_METHODS)
    for method in TINY_METHODS:
        pd.testing.assert_frame_equal(
            getattr(stored, method), getattr(result, method), check_dtype=False
        )
    assert stored.spider is None
    assert stored.flip.keys() == result.flip.keys()
    for key, value in result.flip.items():
        assert stored.flip[key] == value or (math.isnan(value) and math.isnan(stored.flip[key]))
    assert (stored.runs, stored.seed) == (result.runs, result.seed)
    assert (
        (stored.sobol_runs, stored.structural_runs)
        == (1, 2)
        == (
            result.sobol_runs,
            result.structural_runs,
        )
    )
    assert stored.settings.break_even == settings.break_even
    assert stored.settings.decision_map == settings.decision_map
    assert stored.settings.structural == settings.structural
    ctx = FigureContext.from_metadata(meta, "en")
    in_memory = write_sensitivity_figures(result, ctx, tmp_path / "memory", settings)
    read_back = write_sensitivity_figures(stored, ctx, tmp_path / "read")
    assert set(read_back) == set(in_memory) == {
        "tornado", "sobol", "break_even", "decision_map", "structural_grid"
    }  # fmt: skip
    for stem, figure in in_memory.items():
        for drawn, redrawn in zip(figure.paths, read_back[stem].paths, strict=True):
            assert drawn.name == redrawn.name
            assert drawn.read_bytes() == redrawn.read_bytes(), drawn.name


def test_report_re_renders_a_sensitivity_folder_in_german(computed, tmp_path):
    from pypdf import PdfReader

    folder = tmp_path / "sens"
    shutil.copytree(computed[0], folder)
    tables = sorted([*folder.glob("*.csv"), folder / "sensitivity.json"])
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tables}
    code, err = run_main(["report", str(folder), "--lang", "de", "--no-progress"])
    assert code == 0, err
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tables} == before
    stems = ("tornado", "sobol", "break_even", "decision_map", "structural_grid")
    assert {p.name for p in folder.glob("*.png")} == {f"{s}_de.png" for s in stems}
    figures = {f"{s}_de.pdf" for s in stems}
    assert {p.name for p in folder.glob("*.pdf")} == {*figures, "sensitivity_report_de.pdf"}
    pdf = folder / "sensitivity_report_de.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1 + len(TINY_METHODS)  # the key findings, a page per method
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Kostengleichheit" in text
    assert "Was das Ergebnis am stärksten bewegt" in text
    assert "What moves the result most" not in text


# -- a foreign or broken folder -------------------------------------------------------------------


def test_a_foreign_folder_is_refused_in_one_line(tmp_path):
    folder = tmp_path / "foreign"
    folder.mkdir()
    (folder / "sensitivity.json").write_text('{"hello": "world"}\n', encoding="utf-8")
    code, err = run_main(["report", str(folder), "--lang", "de", "--no-progress"])
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "sensitivity.json" in err
    assert sorted(p.name for p in folder.iterdir()) == ["sensitivity.json"]


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda f: (f / "tornado.csv").unlink(), "tornado.csv"),
        (lambda f: (f / "break_even.csv").write_text("value,mean_diff", "utf-8"), "break_even.csv"),
        (lambda f: (f / "decision_map.csv").write_bytes(b""), "decision_map.csv"),
        (
            lambda f: (f / "sensitivity.json").write_text('{"methods": [', "utf-8"),
            "sensitivity.json",
        ),
        (lambda f: _edit_meta(f, methods=["tornado", "voodoo"]), "sensitivity.json"),
        (lambda f: _edit_meta(f, runs="many"), "sensitivity.json"),
    ],
)
def test_a_broken_folder_is_refused_in_one_line(tmp_path, damage, named):
    folder = write_folder(tmp_path / "sens")
    damage(folder)
    written = sorted(p.name for p in folder.iterdir())
    code, err = run_main(["report", str(folder), "--no-progress"])
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert named in err
    assert sorted(p.name for p in folder.iterdir()) == written  # nothing written
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        read_sensitivity(folder)


def _edit_meta(folder: Path, **changes) -> None:
    path = folder / "sensitivity.json"
    meta = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**meta, **changes}), "utf-8")


def test_a_run_finds_only_its_own_sensitivity_analysis(tmp_path):
    write_folder(tmp_path / "sensitivity")
    found = sr.run_sensitivity_of(tmp_path, {"config_hash": "abc123def456"})
    assert found is not None
    assert found[0].methods == list(ALL_METHODS)
    assert sr.run_sensitivity_of(tmp_path, {"config_hash": "another"}) is None
    assert sr.run_sensitivity_of(tmp_path / "nowhere", {"config_hash": "abc123def456"}) is None


# -- synthetic tables with known answers ----------------------------------------------------------

SCENARIOS = ["internal", "external", "hybrid"]
ALL_METHODS = ("tornado", "spider", "sobol", "break_even", "decision_map", "structural")
OUTPUT = {
    "statistic": "difference",
    "scenario": "hybrid",
    "column": "cost_npv_eur",
    "baseline": "internal",
    "q": 0.95,
}
SECTION = {
    "output": OUTPUT,
    "methods": list(ALL_METHODS),
    "runs": 20,
    "sobol_n": 64,
    "sobol_runs": 5,
    "break_even": {
        "a": "hybrid",
        "b": "internal",
        "sweep": {"parameter": FEE, "from": 10, "to": 80, "steps": 8},
    },
    "decision_map": {
        "x": {"parameter": FEE, "from": 10, "to": 80, "steps": 3},
        "y": {"parameter": HOURLY, "from": 20, "to": 100, "steps": 2},
    },
    "structural": {
        "runs": 50,
        "variants": [
            {
                "name": "desk_24x7",
                "label": "Desk 24x7",
                "label_de": "Desk rund um die Uhr",
                "set": {"providers.msp.contracts.service_desk.coverage": "24x7"},
            },
            {
                "name": "lean",
                "label": "Lean teams",
                "label_de": "Schlanke Teams",
                "set": {"scenarios.internal.team.swarm": 1},
            },
        ],
    },
}
META = {
    "config_path": "configs/reference.yaml",
    "config_name": "reference",
    "config_hash": "abc123def456",
    "config": {"company": {"name": "Example AG"}, "sensitivity": SECTION},
    "seed": 4242,
    "runs": 20,
    "output": OUTPUT,
    "methods": list(ALL_METHODS),
    "scenarios": SCENARIOS,
    "scenario_labels": {"internal": "Internal", "external": "External", "hybrid": "Hybrid"},
    "scenario_labels_de": {"internal": "Intern", "external": "Extern", "hybrid": "Hybrid"},
    "services": [],
    "horizon_years": 5,
    "itsim_version": "9.8.7",
    "finished": "2026-03-05T17:01:02+00:00",
}


def synthetic(methods: tuple[str, ...] = ALL_METHODS) -> StoredSensitivity:
    """A sensitivity result whose answers are known: hybrid − internal is -€100k at the
    medians, and only the performance factor at its P90 turns it; the options cost the same at
    a fee of €30; hybrid is cheapest on the map up to €45 at €20 an hour; one of two variants
    changes the answer; the Sobol indices are consistent and narrow."""
    tornado = pd.DataFrame(
        {
            "parameter": [PERFORMANCE, FEE, HOURLY],
            "output_low": [-250_000.0, -180_000.0, -80_000.0],
            "output_high": [60_000.0, -20_000.0, -120_000.0],
            "baseline": -100_000.0,
            "low_value": [0.69, 32.0, 30.0],
            "high_value": [1.44, 52.0, 55.0],
        }
    )
    tornado["swing"] = (tornado["output_high"] - tornado["output_low"]).abs()
    percentiles = [0.1, 0.25, 0.5, 0.75, 0.9]
    spider = pd.DataFrame(
        [
            {"parameter": p, "percentile": q, "output": -100_000.0 + slope * (q - 0.5),
             "value": q}
            for p, slope in ((PERFORMANCE, 400_000.0), (FEE, 200_000.0), (HOURLY, 1_000.0))
            for q in percentiles
        ]
    )  # fmt: skip
    sobol = pd.DataFrame(
        {
            "parameter": [PERFORMANCE, FEE, HOURLY],
            "first_order": [0.5, 0.2, 0.05],
            "total_order": [0.6, 0.25, 0.06],
        }
    )
    for kind in ("first", "total"):
        sobol[f"{kind}_ci_low"] = sobol[f"{kind}_order"] - 0.03
        sobol[f"{kind}_ci_high"] = sobol[f"{kind}_order"] + 0.03
    values = np.arange(10.0, 90.0, 10.0)
    sweep = pd.DataFrame({"value": values, "mean_difference": 10_000.0 * (values - 30.0)})
    sweep["ci_low"] = sweep["mean_difference"] - 50_000.0
    sweep["ci_high"] = sweep["mean_difference"] + 50_000.0
    sweep["p_a_cheaper"] = np.linspace(0.9, 0.1, len(values))
    flip = find_break_even(sweep["value"], sweep["mean_difference"], sweep["ci_low"],
                           sweep["ci_high"])  # fmt: skip
    cells = [
        (10.0, 20.0, "hybrid", 0.7), (45.0, 20.0, "hybrid", 0.5), (80.0, 20.0, "internal", 0.8),
        (10.0, 100.0, "hybrid", 0.9), (45.0, 100.0, "internal", 0.4),
        (80.0, 100.0, "internal", 0.95),
    ]  # fmt: skip
    decision = pd.DataFrame(cells, columns=["x", "y", "preferred", "p_cheapest"])
    for s in SCENARIOS:
        decision[f"mean_{s}"] = 4e6
    grid = pd.DataFrame(
        [
            (variant, s, mean, cheapest)
            for variant, means in (
                ("baseline", (4.6e6, 5.2e6, 4.7e6)),
                ("desk_24x7", (4.6e6, 5.1e6, 4.5e6)),
                ("lean", (4.58e6, 5.2e6, 4.7e6)),
            )
            for s, mean, cheapest in zip(
                SCENARIOS, means, [m == min(means) for m in means], strict=True
            )
        ],
        columns=["variant", "scenario", "mean_npv_eur", "cheapest_total"],
    )
    grid["runs"] = 50
    grid["p95_npv_eur"] = grid["mean_npv_eur"] * 1.2
    grid["mean_budget_npv_eur"] = grid["mean_npv_eur"] * 0.6
    grid["mean_risk_npv_eur"] = grid["mean_npv_eur"] * 0.4
    grid["p_cheapest_total"] = np.where(grid["cheapest_total"], 0.6, 0.2)
    grid["p_cheapest_budget"] = grid["p_cheapest_total"]
    grid["cheapest_budget"] = grid["cheapest_total"]
    base = grid.loc[grid["variant"] == "baseline", "mean_npv_eur"].to_numpy()
    grid["change_vs_baseline_eur"] = grid["mean_npv_eur"].to_numpy() - np.tile(base, 3)
    grid["change_ci_low_eur"] = grid["change_vs_baseline_eur"] - 12_000.0
    grid["change_ci_high_eur"] = grid["change_vs_baseline_eur"] + 12_000.0
    tables = {
        "tornado": tornado,
        "spider": spider,
        "sobol": sobol,
        "break_even": sweep,
        "decision_map": decision,
        "structural": grid,
    }
    settings = SensitivitySettings.model_validate({**SECTION, "methods": list(methods)})
    return StoredSensitivity(
        output=SensitivityOutput.model_validate(OUTPUT),
        runs=20,
        seed=4242,
        settings=settings,
        sobol_runs=5 if "sobol" in methods else None,
        flip=flip if "break_even" in methods else None,
        structural_runs=50 if "structural" in methods else None,
        **{m: tables[m] for m in methods},
    )


def write_folder(folder: Path, methods: tuple[str, ...] = ALL_METHODS) -> Path:
    """The synthetic result written as `itsim sensitivity` writes it (tables only)."""
    stored = synthetic(methods)
    meta = {
        **META,
        "methods": list(methods),
        "break_even": stored.flip,
        "structural_runs": stored.structural_runs,
    }
    _write_sensitivity(folder, stored, meta)
    return folder


def context(lang: str) -> FigureContext:
    return sr.chapter_context(FigureContext.from_metadata(META, lang), META)


def sections(lang: str, methods: tuple[str, ...] = ALL_METHODS) -> dict[str, sr.Section]:
    return {s.method: s for s in sr.chapter_sections(synthetic(methods), context(lang))}


def test_a_synthetic_folder_reads_back_whole(tmp_path):
    folder = write_folder(tmp_path / "sens")
    stored, meta = read_sensitivity(folder)
    expected = synthetic()
    assert stored.methods == list(ALL_METHODS)
    for method in ALL_METHODS:
        pd.testing.assert_frame_equal(
            getattr(stored, method), getattr(expected, method), check_dtype=False
        )
    assert stored.flip == pytest.approx(expected.flip)
    assert (stored.sobol_runs, stored.structural_runs) == (5, 50)
    assert meta["finished"] == META["finished"]


@pytest.mark.parametrize("present", [ALL_METHODS, ("tornado", "sobol"), ("break_even",)])
def test_the_chapter_has_a_page_per_method_in_reading_order(tmp_path, present):
    from matplotlib.backends.backend_pdf import PdfPages
    from pypdf import PdfReader

    stored = synthetic(present)
    path = tmp_path / "chapter.pdf"
    with PdfPages(path) as pdf:
        last = sr.sensitivity_pages(pdf, stored, META, context("en"), 7, figures={})
        assert pdf.get_pagecount() == len(present)
    assert last == 7 + len(present)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]
    titles = [sr.sens_text(f"title_{m}", "en") for m, _ in sr.CHAPTER if m in present]
    for number, (text, title) in enumerate(zip(pages, titles, strict=True), start=8):
        assert text.startswith(title), text[:80]
        assert f"page {number}" in text
        assert "runs per design point" in text  # the footer: the analysis's provenance


def test_every_text_has_both_languages_with_the_same_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in sr.SENSITIVITY_TEXT.items():
        assert set(texts) == {"en", "de"}, key
        assert fields(texts["en"]) == fields(texts["de"]), key
        assert all(t.strip() for t in texts.values()), key


@pytest.mark.parametrize("lang", ["en", "de"])
def test_sentences_state_the_numbers_of_the_tables(lang):
    text = {m: " ".join(s.paragraphs) for m, s in sections(lang).items()}
    euro = (lambda n: f"€{n}") if lang == "en" else (lambda n: f"{n}{NBSP}€")
    # tornado: the largest swing (€310k) and the one assumption that turns the answer
    assert ("€310k" if lang == "en" else f"310{NBSP}Tsd.{NBSP}€") in text["tornado"]
    turning = "at its P90 (1.44)" if lang == "en" else "bei P90 (1,44)"
    assert turning in text["tornado"]
    assert ("Internal would be cheaper" if lang == "en" else "wäre Intern günstiger") in text[
        "tornado"
    ]
    # break-even at €30, unclear between €25 and €35, hybrid cheaper below
    assert euro(30) in text["break_even"]
    assert euro(25) in text["break_even"]
    assert euro(35) in text["break_even"]
    below = "Hybrid would be cheaper if it were below" if lang == "en" else "Hybrid wäre günstiger"
    assert below in text["break_even"]
    # decision map: at €20 an hour hybrid up to a fee of €45, internal from €80
    up_to = f"Hybrid up to {euro(45)}" if lang == "en" else f"Hybrid bis {euro(45)}"
    assert up_to in text["decision_map"]
    # structural: one of two variants changes the answer (to hybrid)
    assert ("One of the 2" if lang == "en" else "Eine der 2") in text["structural"]
    # Sobol: readable, the performance factor explains 50% alone, 60% with interactions
    assert ("50%" if lang == "en" else f"50{NBSP}%") in text["sobol"]
    assert ("not readable" if lang == "en" else "nicht belastbar") not in text["sobol"]


@pytest.mark.parametrize(
    ("column", "values", "reason"),
    [
        ("first_order", [0.7, 0.4, 0.1], "the first-order indices add up to 120%"),
        ("first_order", [0.3, 0.45, 0.05], "for 1 of the 3 assumptions the first-order index"),
        ("total_ci_high", [1.97, 0.28, 0.09], "their 95% intervals reach up to ±70 percentage"),
    ],
)
def test_sobol_estimates_that_cannot_be_are_called_unreadable(column, values, reason):
    stored = synthetic()
    ctx = context("en")
    assert "not readable" not in sr.sobol_section(stored, ctx).headline
    stored.sobol = stored.sobol.assign(**{column: values})
    headline = sr.sobol_section(stored, ctx).headline
    assert "the Sobol estimates are not readable" in headline
    assert reason in headline


def test_unreadable_sobol_estimates_say_what_sample_would_do():
    stored = synthetic()
    stored.sobol = stored.sobol.assign(total_ci_high=[1.97, 0.28, 0.09])
    headline = sr.sobol_section(stored, context("en")).headline
    # the widest half-width 0.70 shrinks to 0.05 with (0.70 / 0.05)^2 = 196 times the sample:
    # 64 x 196 = 12,544, as a power of two 16,384; each base point costs d + 2 = 5 design
    # points of 5 replications of the two options
    assert "sobol_n of about 16,384 (now 64), some 819,200 model runs" in headline
    german = sr.sobol_section(stored, context("de")).headline
    assert "sobol_n von etwa 16.384 (derzeit 64), rund 819.200 Modellläufe" in german
