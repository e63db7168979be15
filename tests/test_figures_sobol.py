"""The Sobol figure says when its estimates are too noisy to read, why, and how many base
samples would settle them; the warning comes from `analysis.sensitivity.sobol_readability`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figure_helpers import assert_readable_layout

from simulation.analysis.sensitivity import sobol_readability
from simulation.reporting.figures import frame
from simulation.reporting.figures.frame import WARNING, FigureContext, Provenance
from simulation.reporting.figures.sensitivity import plot_sobol, sobol_note

PARAMETERS = [
    "staff.turnover_rate_per_year",
    "providers.msp.contracts.infrastructure.fee_per_user_per_month_eur",
    "company.loaded_hourly_cost_eur",
    "services.business_applications.incidents_per_user_per_month",
    "providers.msp.price_escalation_per_year",
    "company.wage_growth_per_year",
    "providers.msp.failure.annual_probability",
    "services.infrastructure.outages.mtbf_hours",
]
OUTPUT = "Hybrid minus Internal: mean cost over 5 years (NPV)"


def table(first, total, half_width: float) -> pd.DataFrame:
    first, total = np.asarray(first, float), np.asarray(total, float)
    return pd.DataFrame(
        {
            "parameter": PARAMETERS[: first.size],
            "first_order": first,
            "first_ci_low": first - half_width,
            "first_ci_high": first + half_width,
            "total_order": total,
            "total_ci_low": total - half_width,
            "total_ci_high": total + half_width,
        }
    )


#: As seen at small n: first-order indices sum to 1.28 and exceed total-order for 4 of 8.
NOISY = table(
    [0.40, 0.30, 0.20, 0.15, 0.10, 0.08, 0.03, 0.02],
    [0.30, 0.45, 0.15, 0.30, 0.05, 0.12, 0.01, 0.10],
    0.2,
)
SETTLED = table([0.5, 0.3, 0.1], [0.55, 0.32, 0.1], 0.03)


def ctx(lang: str) -> FigureContext:
    provenance = Provenance("default.yaml", "0123456789ab", 5, 1, "0.0.0", "2026-12-01")
    return FigureContext(provenance, lang, {"internal": "Internal", "hybrid": "Hybrid"})


@pytest.fixture(autouse=True)
def no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def paths_only(fig, out_base, title, context) -> list[Path]:
        return [Path(f"{out_base}.png"), Path(f"{out_base}.pdf")]

    monkeypatch.setattr(frame, "save", paths_only)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            "Estimates unreliable at n = 32: first-order indices sum to 1.28 and exceed "
            "total-order for 4 of 8 assumptions, 95% intervals up to ±20 points; about n = 1,024 "
            "base samples would settle them",
        ),
        (
            "de",
            "Schätzwerte bei n = 32 nicht belastbar: Indizes erster Ordnung summieren sich auf "
            "1,28 und liegen bei 4 von 8 Annahmen über dem Totaleffekt, 95-%-Intervalle bis ±20 "
            "Prozentpunkte; belastbar erst ab etwa n = 1.024 Basisstichproben",
        ),
    ],
)
def test_noisy_estimates_are_flagged_in_red_with_the_sample_size_that_settles_them(
    lang: str, words: str
) -> None:
    result = plot_sobol(NOISY, ctx(lang), Path("unused"), OUTPUT, sobol_n=32)
    warning = next(t for t in result.figure.texts if t.get_gid() == "warning")
    assert " ".join(warning.get_text().split()) == words
    assert warning.get_color() == WARNING
    assert result.data["warning"] == warning.get_text()
    assert result.data["readability"] == sobol_readability(NOISY, 32)
    assert_readable_layout(result.figure)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_settled_estimates_carry_no_warning(lang: str) -> None:
    result = plot_sobol(SETTLED, ctx(lang), Path("unused"), OUTPUT, sobol_n=4096)
    assert result.data["readability"].readable
    assert result.data["warning"] == ""
    assert "warning" not in {t.get_gid() for t in result.figure.texts}


def test_without_the_sample_size_the_warning_gives_the_factor() -> None:
    verdict = sobol_readability(NOISY)
    assert sobol_note(verdict, "en").endswith(
        "; about 32 times as many base samples would settle them"
    )  # (0.28 / 0.05)^2 = 31.4
    assert sobol_note(verdict, "de").startswith("Schätzwerte nicht belastbar: ")
    assert sobol_note(sobol_readability(SETTLED, 4096), "de") == ""


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "95% intervals wider than the whole axis"), ("de", "breiter als die ganze Achse")],
)
def test_an_interval_wider_than_the_axis_is_called_so(lang: str, words: str) -> None:
    # a bootstrap interval of [0.28, 2.3] at small n: half-width 1.01, more than the 0-1 axis
    wild = SETTLED.assign(total_ci_high=[2.3, 0.35, 0.13])
    note = sobol_note(sobol_readability(wild, 64), lang)
    assert words in note
    assert "±" not in note
