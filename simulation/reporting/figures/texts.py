"""Figure texts that `simulation.reporting.labels` does not hold: cost axes that say whether they
are discounted, the warning on Sobol estimates too noisy to read, and the words for result
columns of budget, risk and service cost. The texts are the section "figures" of the catalogue
(`simulation/reporting/texts.yaml`)."""

from __future__ import annotations

from simulation.reporting import catalogue


def figure_text(key: str, lang: str, **values: object) -> str:
    """The text `key` of the catalogue's section "figures" in `lang` ("en" or "de"), with
    `values` filled in."""
    return catalogue.text("figures", key, lang, **values)
