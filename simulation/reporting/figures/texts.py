"""Figure texts in English and German that `simulation.reporting.labels` does not hold yet: cost
axes that say whether they are discounted, the warning on Sobol estimates too noisy to read, and
the words for result columns of budget, risk and service cost. (To join `labels` later.)"""

from __future__ import annotations

from simulation.reporting.labels import label

FIGURE_TEXT: dict[str, dict[str, str]] = {
    # -- cost axes: nominal or net present value ------------------------------------------------
    "breakdown_axis": {
        "en": "Mean cost over {years} years, not discounted (EUR)",
        "de": "Mittlere Kosten über {years} Jahre, nicht abgezinst (EUR)",
    },
    "risk_y_npv": {
        "en": "Worst 5% of futures (CVaR95):\nmean net present value (EUR)",
        "de": "Ungünstigste 5 % der Verläufe (CVaR95):\nmittlerer Barwert (EUR)",
    },
    "risk_y_total": {
        "en": "Worst 5% of futures (CVaR95):\nmean, not discounted (EUR)",
        "de": "Ungünstigste 5 % der Verläufe (CVaR95):\nMittelwert, nicht abgezinst (EUR)",
    },
    "paired_axis_npv": {
        "en": "Total cost of {a} minus total cost of {b}, net present value (EUR)",
        "de": "Gesamtkosten {a} minus Gesamtkosten {b}, Barwert (EUR)",
    },
    "paired_axis_total": {
        "en": "Total cost of {a} minus total cost of {b}, not discounted (EUR)",
        "de": "Gesamtkosten {a} minus Gesamtkosten {b}, nicht abgezinst (EUR)",
    },
    # -- result columns of a sensitivity analysis -----------------------------------------------
    "quantity_budget_npv": {
        "en": "budget cost over {years} years (NPV)",
        "de": "Budgetkosten über {years} Jahre (Barwert)",
    },
    "quantity_budget_total": {
        "en": "budget cost over {years} years (not discounted)",
        "de": "Budgetkosten über {years} Jahre (nicht abgezinst)",
    },
    "quantity_risk_npv": {
        "en": "risk cost over {years} years (NPV)",
        "de": "Risikokosten über {years} Jahre (Barwert)",
    },
    "quantity_risk_total": {
        "en": "risk cost over {years} years (not discounted)",
        "de": "Risikokosten über {years} Jahre (nicht abgezinst)",
    },
    "quantity_service": {
        "en": "cost of {service} over {years} years (not discounted)",
        "de": "Kosten für {service} über {years} Jahre (nicht abgezinst)",
    },
    # -- Sobol estimates too noisy to read (`figures.sensitivity.sobol_note`) --------------------
    "sobol_head": {
        "en": "Estimates unreliable at n = {n}",
        "de": "Schätzwerte bei n = {n} nicht belastbar",
    },
    "sobol_head_without_n": {"en": "Estimates unreliable", "de": "Schätzwerte nicht belastbar"},
    "sobol_first_order_sum": {
        "en": "first-order indices sum to {sum}",
        "de": "Indizes erster Ordnung summieren sich auf {sum}",
    },
    "sobol_first_above_total": {
        "en": "first-order indices exceed total-order for {k} of {d} assumptions",
        "de": "Indizes erster Ordnung liegen bei {k} von {d} Annahmen über dem Totaleffekt",
    },
    "sobol_both": {
        "en": "first-order indices sum to {sum} and exceed total-order for {k} of {d} assumptions",
        "de": "Indizes erster Ordnung summieren sich auf {sum} und liegen bei {k} von {d} Annahmen"
        " über dem Totaleffekt",
    },
    "sobol_wide_intervals": {
        "en": "95% intervals up to ±{points} points",
        "de": "95-%-Intervalle bis ±{points} Prozentpunkte",
    },
    "sobol_whole_axis": {
        "en": "95% intervals wider than the whole axis",
        "de": "95-%-Intervalle breiter als die ganze Achse",
    },
    "sobol_settle": {
        "en": "about n = {n} base samples would settle them",
        "de": "belastbar erst ab etwa n = {n} Basisstichproben",
    },
    "sobol_settle_factor": {
        "en": "about {factor} times as many base samples would settle them",
        "de": "belastbar erst mit etwa {factor}-mal so vielen Basisstichproben",
    },
}


def figure_text(key: str, lang: str, **values: object) -> str:
    """The text `key` of `FIGURE_TEXT` in `lang` ("en" or "de"), with `values` filled in."""
    label("scenario", lang)  # validates lang
    if key not in FIGURE_TEXT:
        raise KeyError(f"key (={key!r}) is not a figure text")
    return FIGURE_TEXT[key][lang].format(**values)
