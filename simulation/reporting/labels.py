"""Labels and number formats in English and German.

Every string a figure shows comes from here, so the English and German figures say the same.
Euro amounts: English "€1,234,567" / compact "€1.2m"; German "1.234.567 €" / "1,2 Mio. €".
Percentages: English "12.5%", German "12,5 %".
"""

from __future__ import annotations

import math

NBSP = "\u00a0"  # between a number and its unit in German: never broken across lines

LANGUAGES = ("en", "de")

_LABELS: dict[str, dict[str, str]] = {
    # -- shared ---------------------------------------------------------------------------------
    "footer": {
        "en": "itsim {version} · config {config} ({hash}) · {runs} runs per scenario"
        " · seed {seed} · {date}",
        "de": "itsim {version} · Konfiguration {config} ({hash}) · {runs} Läufe je Szenario"
        " · Seed {seed} · {date}",
    },
    "beyond_above": {
        "en": "{n} futures beyond {edge} not shown (maximum {extreme})",
        "de": "{n} Verläufe über {edge} nicht dargestellt (Maximum {extreme})",
    },
    "beyond_below": {
        "en": "{n} futures below {edge} not shown (minimum {extreme})",
        "de": "{n} Verläufe unter {edge} nicht dargestellt (Minimum {extreme})",
    },
    "incomplete": {
        "en": "INCOMPLETE RUN: {runs} of {planned} replications per scenario",
        "de": "UNVOLLSTÄNDIGER LAUF: {runs} von {planned} Replikationen je Szenario",
    },
    "footer_design": {
        "en": "itsim {version} · config {config} ({hash}) · {runs} runs per design point"
        " · seed {seed} · {date}",
        "de": "itsim {version} · Konfiguration {config} ({hash}) · {runs} Läufe je Designpunkt"
        " · Seed {seed} · {date}",
    },
    "scenario": {"en": "Scenario", "de": "Szenario"},
    "mean": {"en": "mean", "de": "Mittelwert"},
    "p95": {"en": "P95", "de": "P95"},
    "density_axis": {"en": "Share of simulated futures", "de": "Anteil der simulierten Verläufe"},
    "cost_npv_axis": {
        "en": "Total cost (budget + risk) over {years} years, net present value (EUR)",
        "de": "Gesamtkosten (Budget + Risiko) über {years} Jahre, Barwert (EUR)",
    },
    "cost_total_axis": {
        "en": "Total cost (budget + risk) over {years} years, not discounted (EUR)",
        "de": "Gesamtkosten (Budget + Risiko) über {years} Jahre, nicht abgezinst (EUR)",
    },
    # -- cost distribution ----------------------------------------------------------------------
    "cost_npv_title": {
        "en": "Total cost of IT over {years} years: budget + risk (net present value)",
        "de": "Gesamtkosten der IT über {years} Jahre: Budget + Risiko (Barwert)",
    },
    "cost_total_title": {
        "en": "Total cost of IT over {years} years: budget + risk (not discounted)",
        "de": "Gesamtkosten der IT über {years} Jahre: Budget + Risiko (nicht abgezinst)",
    },
    "distribution_subtitle": {
        "en": "How often each cost occurred in {runs} simulated futures per option."
        " Dashed line: mean; dotted line: P95 (exceeded in 1 of 20 futures)",
        "de": "Kosten in {runs} simulierten Verläufen je Option; gestrichelt: Mittelwert,"
        " gepunktet: P95 (nur 1 von 20 Verläufen ist teurer)",
    },
    "distribution_legend": {
        "en": "{name}: mean {mean}, P95 {p95}",
        "de": "{name}: Mittelwert {mean}, P95 {p95}",
    },
    "distribution_legend_budget": {
        "en": "{name}: mean {mean} (of which budget {budget}), P95 {p95}",
        "de": "{name}: Mittelwert {mean} (davon Budget {budget}), P95 {p95}",
    },
    # -- exceedance -----------------------------------------------------------------------------
    "cost_exceedance_title": {
        "en": "Risk of high cost: how likely each level of total cost (budget + risk) is exceeded",
        "de": "Risiko hoher Kosten: wie wahrscheinlich jede Höhe der Gesamtkosten"
        " (Budget + Risiko) überschritten wird",
    },
    "cost_exceedance_title_both": {
        "en": "Risk of high cost: how likely each cost level is exceeded, in total and on budget",
        "de": "Risiko hoher Kosten: wie wahrscheinlich jede Kostenhöhe überschritten wird,"
        " gesamt und beim Budget",
    },
    "downtime_exceedance_title": {
        "en": "Risk of long outages: how likely each amount of downtime is exceeded",
        "de": "Risiko langer Ausfälle: wie wahrscheinlich jede Ausfallzeit überschritten wird",
    },
    "exceedance_subtitle": {
        "en": "Share of {runs} simulated futures per option in which the value exceeds x."
        " Dashed lines: 10% and 5% (1 in 10 and 1 in 20 futures)",
        "de": "Anteil der {runs} simulierten Verläufe je Option mit einem Wert über x;"
        " gestrichelt: 10 % und 5 % (1 von 10 bzw. 1 von 20)",
    },
    "cost_exceed_axis": {
        "en": "Probability that cost exceeds x",
        "de": "Wahrscheinlichkeit, dass die Kosten x übersteigen",
    },
    "exceedance_subtitle_budget": {
        "en": "Share of {runs} simulated futures per option in which the cost exceeds x. Solid:"
        " total cost; dashed: budget cost alone. Grey lines: 10% and 5% (1 in 10 and 1 in 20)",
        "de": "Anteil der {runs} simulierten Verläufe je Option mit Kosten über x; durchgezogen:"
        " Gesamtkosten, gestrichelt: nur Budgetkosten; graue Linien: 10 % und 5 %",
    },
    "line_total": {"en": "Total cost (budget + risk)", "de": "Gesamtkosten (Budget + Risiko)"},
    "line_budget": {"en": "Budget cost alone", "de": "Nur Budgetkosten"},
    "downtime_exceed_axis": {
        "en": "Probability that downtime exceeds x",
        "de": "Wahrscheinlichkeit, dass die Ausfallzeit x übersteigt",
    },
    "cost_npv_x_axis": {
        "en": "x: total cost (budget + risk) over {years} years, net present value (EUR)",
        "de": "x: Gesamtkosten (Budget + Risiko) über {years} Jahre, Barwert (EUR)",
    },
    "cost_total_x_axis": {
        "en": "x: total cost (budget + risk) over {years} years, not discounted (EUR)",
        "de": "x: Gesamtkosten (Budget + Risiko) über {years} Jahre, nicht abgezinst (EUR)",
    },
    "cost_total_x_axis_both": {
        "en": "x: cost over {years} years, not discounted (EUR)",
        "de": "x: Kosten über {years} Jahre, nicht abgezinst (EUR)",
    },
    "cost_npv_x_axis_both": {
        "en": "x: cost over {years} years, net present value (EUR)",
        "de": "x: Kosten über {years} Jahre, Barwert (EUR)",
    },
    "downtime_x_axis": {
        "en": "x: downtime over {years} years (hours)",
        "de": "x: Ausfallzeit über {years} Jahre (Stunden)",
    },
    "reference_10": {"en": "10% (1 in 10)", "de": "10 % (1 von 10)"},
    "reference_5": {"en": "5% (1 in 20)", "de": "5 % (1 von 20)"},
    # -- fan chart ------------------------------------------------------------------------------
    "fan_title": {
        "en": "How total cost (budget + risk) builds up over {years} years, not discounted",
        "de": "Wie sich die Gesamtkosten (Budget + Risiko) über {years} Jahre aufbauen,"
        " nicht abgezinst",
    },
    "fan_subtitle": {
        "en": "Cumulative total cost per option: median and the ranges that hold the middle 50%"
        " and 80% of {runs} simulated futures",
        "de": "Kumulierte Gesamtkosten je Option: Median und die Bereiche der mittleren 50 % und"
        " 80 % von {runs} simulierten Verläufen",
    },
    "fan_x_axis": {"en": "Years from start", "de": "Jahre ab Start"},
    "fan_y_axis": {
        "en": "Cumulative total cost, not discounted (EUR)",
        "de": "Kumulierte Gesamtkosten, nicht abgezinst (EUR)",
    },
    "fan_median": {"en": "Median of total cost", "de": "Median der Gesamtkosten"},
    "fan_budget": {"en": "Median of budget cost alone", "de": "Median der Budgetkosten allein"},
    "median": {"en": "Median", "de": "Median"},
    "band_50": {"en": "Middle 50% of futures (P25–P75)", "de": "Mittlere 50 % (P25–P75)"},
    "band_80": {"en": "Middle 80% of futures (P10–P90)", "de": "Mittlere 80 % (P10–P90)"},
    "fan_end": {
        "en": "After {years} years:\nmedian {median}\n80% range {low} – {high}",
        "de": "Nach {years} Jahren:\nMedian {median}\n80-%-Bereich {low} – {high}",
    },
    "fan_end_budget": {"en": "budget alone: median {median}", "de": "nur Budget: Median {median}"},
    # -- cost breakdown -------------------------------------------------------------------------
    "breakdown_title": {
        "en": "What the cost consists of over {years} years: budget cost and risk cost",
        "de": "Woraus die Kosten über {years} Jahre bestehen: Budget- und Risikokosten",
    },
    "breakdown_subtitle": {
        "en": "Mean cost per category over {runs} simulated futures, not discounted. Budget cost"
        " (cash out) in blues, teals and greys; risk cost (losses) in reds; service credits from"
        " providers reduce the total (below zero)",
        "de": "Mittlere Kosten je Kategorie über {runs} simulierte Verläufe, nicht abgezinst."
        " Budgetkosten (Auszahlungen) in Blau-, Grün- und Grautönen, Risikokosten (Verluste) in"
        " Rottönen; Gutschriften der Dienstleister links der Null",
    },
    "budget_group": {"en": "Budget {value}", "de": "Budget {value}"},
    "risk_group": {"en": "Risk {value}", "de": "Risiko {value}"},
    "budget_header": {"en": "Budget cost (cash out)", "de": "Budgetkosten (Auszahlungen)"},
    "risk_header": {"en": "Risk cost (losses)", "de": "Risikokosten (Verluste)"},
    "breakdown_axis": {
        "en": "Mean cost over {years} years (EUR)",
        "de": "Mittlere Kosten über {years} Jahre (EUR)",
    },
    "total": {"en": "Total {value}", "de": "Gesamt {value}"},
    "category": {"en": "Cost category", "de": "Kostenkategorie"},
    # -- downtime by service --------------------------------------------------------------------
    "downtime_service_title": {
        "en": "Downtime per service over {years} years",
        "de": "Ausfallzeit je Dienst über {years} Jahre",
    },
    "downtime_service_subtitle": {
        "en": "Mean hours of full outage per option over {runs} simulated futures",
        "de": "Mittlere Stunden vollständigen Ausfalls je Option über {runs} simulierte Verläufe",
    },
    "downtime_service_subtitle_p95": {
        "en": "Bars: mean hours of full outage over {runs} simulated futures."
        " Whiskers: P95 (exceeded in 1 of 20 futures)",
        "de": "Balken: mittlere Stunden vollständigen Ausfalls über {runs} simulierte Verläufe."
        " Striche: P95 (in 1 von 20 Verläufen überschritten)",
    },
    "downtime_axis": {"en": "Downtime (hours)", "de": "Ausfallzeit (Stunden)"},
    "no_outage": {"en": "no outages", "de": "keine Ausfälle"},
    "p95_whisker": {"en": "P95 (1 in 20 futures)", "de": "P95 (1 von 20 Verläufen)"},
    # -- risk and return ------------------------------------------------------------------------
    "risk_title": {
        "en": "Expected total cost (budget + risk) and cost in the worst futures, {years} years",
        "de": "Erwartete Gesamtkosten (Budget + Risiko) und Kosten in ungünstigen Verläufen,"
        " {years} Jahre",
    },
    "risk_subtitle": {
        "en": "Lower left is better: lower expected cost and lower cost in the worst 5% of futures",
        "de": "Links unten ist besser: niedrigere erwartete Kosten und niedrigere Kosten in den"
        " ungünstigsten 5 % der Verläufe",
    },
    "risk_subtitle_ci": {
        "en": "Lower left is better: lower expected cost and lower cost in the worst 5% of"
        " futures. Lines: 95% confidence intervals",
        "de": "Links unten ist besser: niedrigere erwartete Kosten und niedrigere Kosten in den"
        " ungünstigsten 5 % der Verläufe. Linien: 95-%-Konfidenzintervalle",
    },
    "risk_x_npv": {
        "en": "Expected total cost: mean net present value (EUR)",
        "de": "Erwartete Gesamtkosten: mittlerer Barwert (EUR)",
    },
    "risk_x_total": {
        "en": "Expected total cost: mean, not discounted (EUR)",
        "de": "Erwartete Gesamtkosten: Mittelwert, nicht abgezinst (EUR)",
    },
    "risk_y": {
        "en": "Mean total cost of the worst 5% of futures (CVaR95, EUR)",
        "de": "Mittlere Gesamtkosten der ungünstigsten 5 % (CVaR95, EUR)",
    },
    # -- paired difference ----------------------------------------------------------------------
    "paired_title": {
        "en": "{a} versus {b}: difference in total cost (budget + risk) in each simulated future",
        "de": "{a} gegenüber {b}: Unterschied der Gesamtkosten (Budget + Risiko) je Verlauf",
    },
    "paired_subtitle_npv": {
        "en": "Both options face the same {runs} simulated futures; difference of the net present"
        " value of cost over {years} years",
        "de": "Beide Optionen durchlaufen dieselben {runs} simulierten Verläufe; Differenz der"
        " Barwerte der Kosten über {years} Jahre",
    },
    "paired_subtitle_total": {
        "en": "Both options face the same {runs} simulated futures; difference of the cost over"
        " {years} years, not discounted",
        "de": "Beide Optionen durchlaufen dieselben {runs} simulierten Verläufe; Differenz der"
        " Kosten über {years} Jahre, nicht abgezinst",
    },
    "paired_axis": {
        "en": "Total cost of {a} minus total cost of {b} (EUR)",
        "de": "Gesamtkosten {a} minus Gesamtkosten {b} (EUR)",
    },
    "budget_cheaper_in": {
        "en": "On budget cost alone, {a} is cheaper in {p} of futures",
        "de": "Nur nach Budgetkosten ist {a} in {p} der Verläufe günstiger",
    },
    "budget_less": {"en": "{amount} less on average", "de": "im Mittel {amount} weniger"},
    "budget_more": {"en": "{amount} more on average", "de": "im Mittel {amount} mehr"},
    "budget_same": {"en": "the same on average", "de": "im Mittel gleich viel"},
    "cheaper_in": {
        "en": "{a} is cheaper in {p} of futures",
        "de": "{a} ist in {p} der Verläufe günstiger",
    },
    "costs_less": {
        "en": "On average {a} costs {amount} less than {b}",
        "de": "Im Mittel kostet {a} {amount} weniger als {b}",
    },
    "costs_more": {
        "en": "On average {a} costs {amount} more than {b}",
        "de": "Im Mittel kostet {a} {amount} mehr als {b}",
    },
    "costs_same": {
        "en": "On average {a} and {b} cost the same",
        "de": "Im Mittel kosten {a} und {b} gleich viel",
    },
    "cheaper_left": {"en": "◀ {a} cheaper", "de": "◀ {a} günstiger"},
    "cheaper_right": {"en": "{b} cheaper ▶", "de": "{b} günstiger ▶"},
    "less_than": {"en": "less than {p}", "de": "weniger als {p}"},
    "more_than": {"en": "more than {p}", "de": "mehr als {p}"},
    # -- why one option costs less than another (waterfall) -------------------------------------
    "gap_title_less": {
        "en": "Why {a} costs {amount} less than {b}: {by}",
        "de": "Warum {a} {amount} weniger kostet als {b}: {by}",
    },
    "gap_title_more": {
        "en": "Why {a} costs {amount} more than {b}: {by}",
        "de": "Warum {a} {amount} mehr kostet als {b}: {by}",
    },
    "gap_title_same": {
        "en": "Where the costs of {a} and {b} differ: {by}",
        "de": "Worin sich die Kosten von {a} und {b} unterscheiden: {by}",
    },
    "gap_by_category": {"en": "the gap by cost category", "de": "Unterschied nach Kostenkategorie"},
    "gap_by_service": {"en": "the gap by service", "de": "Unterschied nach Dienst"},
    "gap_subtitle": {
        "en": "Step by step from the mean cost of {b} (top) to that of {a} (bottom). Teal: {a}"
        " costs less; orange: {a} costs more. Net present value over {years} years, {runs}"
        " simulated futures faced by both options",
        "de": "Schritt für Schritt von den mittleren Kosten von {b} (oben) zu denen von {a}"
        " (unten). Türkis: {a} günstiger, Orange: {a} teurer. Barwert über {years} Jahre, {runs}"
        " simulierte Verläufe für beide Optionen",
    },
    "gap_axis_cut": {
        "en": "{subtitle}. The axis does not start at zero",
        "de": "{subtitle}. Die Achse beginnt nicht bei null",
    },
    "gap_total_row": {"en": "{name}: total cost", "de": "{name}: Gesamtkosten"},
    "gap_other": {"en": "Other ({n} items)", "de": "Übrige ({n} Positionen)"},
    "gap_less": {"en": "{a} costs less", "de": "{a} günstiger"},
    "gap_more": {"en": "{a} costs more", "de": "{a} teurer"},
    "gap_total_bar": {"en": "Mean total cost", "de": "Mittlere Gesamtkosten"},
    "gap_risk_hatched": {
        "en": "Hatched: risk cost (losses)",
        "de": "Schraffiert: Risikokosten (Verluste)",
    },
    "gap_unclear": {
        "en": "Pale: 95% interval includes zero",
        "de": "Blass: 95-%-Intervall schließt null ein",
    },
    "gap_axis": {
        "en": "Mean net present value over {years} years (EUR)",
        "de": "Mittlerer Barwert über {years} Jahre (EUR)",
    },
    # -- budget and risk cost per option -------------------------------------------------------
    "budget_risk_title": {
        "en": "Budget cost and risk cost of each option over {years} years (net present value)",
        "de": "Budget- und Risikokosten je Option über {years} Jahre (Barwert)",
    },
    "budget_risk_subtitle": {
        "en": "Bars: mean over {runs} simulated futures; budget = cash out, risk = users' lost"
        " time, lost margin, security and compliance losses, deferred change. Whiskers: P5–P95",
        "de": "Balken: Mittelwert über {runs} simulierte Verläufe; Budget = Auszahlungen, Risiko"
        " = Arbeitszeitverlust, Marge, Sicherheits-/Compliance-Schäden, aufgeschobene Änderungen."
        " Striche: P5–P95",
    },
    "budget_risk_axis": {
        "en": "Mean net present value over {years} years (EUR)",
        "de": "Mittlerer Barwert über {years} Jahre (EUR)",
    },
    "budget_cost": {"en": "Budget cost (cash out)", "de": "Budgetkosten (Auszahlungen)"},
    "risk_cost": {"en": "Risk cost (losses)", "de": "Risikokosten (Verluste)"},
    "budget_range": {"en": "Budget cost: P5–P95", "de": "Budgetkosten: P5–P95"},
    "total_range": {"en": "Total cost: P5–P95", "de": "Gesamtkosten: P5–P95"},
    "cheapest_on": {
        "en": "How often cheapest:\nbudget {budget} · total {total}",
        "de": "Wie oft am günstigsten:\nBudget {budget} · gesamt {total}",
    },
    "p95_value": {"en": "P95 {value}", "de": "P95 {value}"},
    # -- sensitivity: what the result is --------------------------------------------------------
    "sens_quantity_npv": {
        "en": "cost over {years} years (NPV)",
        "de": "Kosten über {years} Jahre (Barwert)",
    },
    "sens_quantity_total": {
        "en": "cost over {years} years (not discounted)",
        "de": "Kosten über {years} Jahre (nicht abgezinst)",
    },
    "sens_quantity_category": {
        "en": "cost ({category}) over {years} years (not discounted)",
        "de": "Kosten ({category}) über {years} Jahre (nicht abgezinst)",
    },
    "sens_quantity_downtime": {
        "en": "downtime over {years} years",
        "de": "Ausfallzeit über {years} Jahre",
    },
    "sens_quantity_downtime_service": {
        "en": "downtime ({service}) over {years} years",
        "de": "Ausfallzeit ({service}) über {years} Jahre",
    },
    "sens_output_mean": {"en": "{a}: mean {quantity}", "de": "{a}: mittlere {quantity}"},
    "sens_output_difference": {
        "en": "{a} minus {b}: mean {quantity}",
        "de": "{a} minus {b}: mittlere {quantity}",
    },
    "sens_output_quantile": {"en": "{a}: P{q} of {quantity}", "de": "{a}: P{q} der {quantity}"},
    "sens_unit_eur": {"en": "EUR", "de": "EUR"},
    "sens_unit_hours": {"en": "hours", "de": "Stunden"},
    "sens_hours_value": {"en": "{value} hours", "de": "{value} Stunden"},
    # -- sensitivity: tornado -------------------------------------------------------------------
    "sens_tornado_title": {
        "en": "Which assumptions move the result most",
        "de": "Welche Annahmen das Ergebnis am stärksten bewegen",
    },
    "sens_tornado_subtitle": {
        "en": "Result: {output}. Bars: the result with one assumption at its P10 (light) or P90"
        " (dark), all others at their medians; numbers at the bar ends: the assumption's value",
        "de": "Ergebnis: {output}. Balken: das Ergebnis mit einer Annahme auf ihrem P10 (hell)"
        " bzw. P90 (dunkel), alle anderen auf ihrem Median; Zahlen: Wert der Annahme",
    },
    "sens_at_p10": {"en": "Assumption at its P10 (low)", "de": "Annahme auf ihrem P10 (niedrig)"},
    "sens_at_p90": {"en": "Assumption at its P90 (high)", "de": "Annahme auf ihrem P90 (hoch)"},
    "sens_baseline": {"en": "All at median: {value}", "de": "Alle auf Median: {value}"},
    # -- sensitivity: spider --------------------------------------------------------------------
    "sens_spider_title": {
        "en": "How the result changes across the range of each assumption",
        "de": "Wie sich das Ergebnis über die Bandbreite jeder Annahme ändert",
    },
    "sens_spider_subtitle": {
        "en": "Result: {output}. Each line: one assumption moved from its P10 to its P90, all"
        " others at their medians; the steeper the line, the more the assumption matters",
        "de": "Ergebnis: {output}. Jede Linie: eine Annahme von ihrem P10 bis zu ihrem P90, alle"
        " anderen auf ihrem Median; je steiler die Linie, desto wichtiger die Annahme",
    },
    "sens_spider_x": {
        "en": "Percentile of the assumption (P50 = median)",
        "de": "Perzentil der Annahme (P50 = Median)",
    },
    "sens_spider_legend": {
        "en": "Assumption (top: highest result at P90)",
        "de": "Annahme (oben: höchstes Ergebnis bei P90)",
    },
    # -- sensitivity: Sobol ---------------------------------------------------------------------
    "sens_sobol_title": {
        "en": "Which assumptions explain the uncertainty of the result",
        "de": "Welche Annahmen die Unsicherheit des Ergebnisses erklären",
    },
    "sens_sobol_subtitle": {
        "en": "Result: {output}. Bars: share of its variance due to each assumption alone (first"
        " order) and including its interactions with the others (total order); lines: 95%"
        " bootstrap intervals",
        "de": "Ergebnis: {output}. Balken: Anteil seiner Varianz durch jede Annahme allein (erster"
        " Ordnung) und einschließlich ihrer Wechselwirkungen mit den anderen (Totaleffekt);"
        " Linien: 95-%-Bootstrap-Intervalle",
    },
    "sens_first_order": {
        "en": "Assumption alone (first-order index)",
        "de": "Annahme allein (Index erster Ordnung)",
    },
    "sens_total_order": {
        "en": "Including interactions (total-order index)",
        "de": "Mit Wechselwirkungen (Totaleffekt-Index)",
    },
    "sens_sobol_axis": {
        "en": "Share of the variance of the result",
        "de": "Anteil an der Varianz des Ergebnisses",
    },
    # -- sensitivity: break-even ----------------------------------------------------------------
    "sens_break_even_title": {
        "en": "{a} versus {b}: which is cheaper as one assumption changes",
        "de": "{a} gegenüber {b}: günstigere Option bei veränderter Annahme",
    },
    "sens_break_even_subtitle": {
        "en": "Mean cost difference over {runs} simulated futures per value (below zero: {a}"
        " cheaper); shaded band: 95% confidence interval",
        "de": "Mittlere Kostendifferenz über {runs} simulierte Verläufe je Wert (unter null: {a}"
        " günstiger); Band: 95-%-Konfidenzintervall",
    },
    "sens_break_even_subtitle_band": {
        "en": "Mean cost difference over {runs} simulated futures per value (below zero: {a}"
        " cheaper); shaded band: 95% confidence interval; hatched: the interval includes zero,"
        " no clear winner",
        "de": "Mittlere Kostendifferenz über {runs} simulierte Verläufe je Wert (unter null: {a}"
        " günstiger); Band: 95-%-Konfidenzintervall; schraffiert: das Intervall enthält die Null,"
        " keine Option eindeutig günstiger",
    },
    "sens_becomes_cheaper": {
        "en": "{a} becomes cheaper than {b} above {value}",
        "de": "{a} wird oberhalb von {value} günstiger als {b}",
    },
    "sens_cheaper_throughout": {
        "en": "{a} is cheaper than {b} over the whole range ({low} to {high})",
        "de": "{a} ist im gesamten Bereich ({low} bis {high}) günstiger als {b}",
    },
    "sens_same_throughout": {
        "en": "{a} and {b} cost the same over the whole range ({low} to {high})",
        "de": "{a} und {b} kosten im gesamten Bereich ({low} bis {high}) gleich viel",
    },
    "sens_break_even_mark": {"en": "Break-even: {value}", "de": "Kostengleichheit bei {value}"},
    "sens_no_clear_winner": {
        "en": "no clear winner",
        "de": "keine Option eindeutig günstiger",
    },
    "sens_cheaper_below": {"en": "▼ {a} cheaper", "de": "▼ {a} günstiger"},
    "sens_cheaper_above": {"en": "▲ {b} cheaper", "de": "▲ {b} günstiger"},
    "sens_mean_difference": {"en": "Mean difference", "de": "Mittlere Differenz"},
    "sens_ci95": {"en": "95% confidence interval", "de": "95-%-Konfidenzintervall"},
    "sens_bootstrap_ci": {"en": "95% bootstrap interval", "de": "95-%-Bootstrap-Intervall"},
    # -- sensitivity: decision map --------------------------------------------------------------
    "sens_decision_title": {
        "en": "Which option is cheapest as two assumptions change",
        "de": "Welche Option am günstigsten ist, wenn sich zwei Annahmen ändern",
    },
    "sens_decision_subtitle": {
        "en": "Colour: the option with the lowest mean cost over {runs} simulated futures;"
        " shade and number: how often it is the cheapest (darker = more certain)",
        "de": "Farbe: Option mit den niedrigsten mittleren Kosten über {runs} simulierte Verläufe;"
        " Farbtiefe und Zahl: wie oft sie die günstigste ist (dunkler = sicherer)",
    },
    "sens_cheapest_on_average": {"en": "Cheapest on average", "de": "Im Mittel am günstigsten"},
    "sens_swept": {"en": "Swept assumption", "de": "Variierte Annahme"},
}

_CATEGORIES: dict[str, dict[str, str]] = {
    "personnel": {"en": "Personnel", "de": "Personal"},
    "recruiting": {"en": "Recruiting", "de": "Personalgewinnung"},
    "training": {"en": "Training", "de": "Weiterbildung"},
    "on_call": {"en": "On-call allowances", "de": "Rufbereitschaft"},
    "hardware": {"en": "Hardware", "de": "Hardware"},
    "licences": {"en": "Licences", "de": "Lizenzen"},
    "operations": {"en": "Operations", "de": "Betrieb"},
    "provider_fees": {"en": "Provider fees", "de": "Dienstleistergebühren"},
    "service_credits": {"en": "Service credits", "de": "Gutschriften (Service Credits)"},
    "transition": {"en": "Transition and re-sourcing", "de": "Übergang und Anbieterwechsel"},
    "vendor_management": {"en": "Vendor management", "de": "Dienstleistersteuerung"},
    "contractors": {"en": "Interim and emergency contractors", "de": "Interims- und Notfallkräfte"},
    "change_work": {"en": "Bought change work", "de": "Zugekaufte Änderungsarbeit"},
    "downtime": {"en": "Lost productivity (downtime)", "de": "Produktivitätsverlust (Ausfälle)"},
    "lost_margin": {"en": "Lost margin", "de": "Entgangene Marge"},
    "security_losses": {"en": "Security incident losses", "de": "Schäden aus Sicherheitsvorfällen"},
    "compliance_losses": {"en": "Compliance losses", "de": "Schäden aus Compliance-Verstößen"},
    "deferred_change": {"en": "Cost of deferred change", "de": "Kosten aufgeschobener Änderungen"},
}

_SERVICES: dict[str, dict[str, str]] = {
    "service_desk": {"en": "Service desk", "de": "Service-Desk"},
    "infrastructure": {"en": "Infrastructure and cloud", "de": "Infrastruktur und Cloud"},
    "security_operations": {"en": "Security operations", "de": "Security Operations"},
    "business_applications": {"en": "Business applications", "de": "Geschäftsanwendungen"},
}


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"lang (={lang!r}) must be one of {', '.join(LANGUAGES)}")


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label `key` in language `lang`, formatted with `values`."""
    _check_lang(lang)
    return _LABELS[key][lang].format(**values)


def _pretty(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name


def category_label(category: str, lang: str = "en") -> str:
    """Display name of a cost category ("provider_fees" -> "Provider fees" /
    "Dienstleistergebühren"); also accepts the column name "cost_provider_fees_eur".
    Unknown categories get their id with spaces."""
    _check_lang(lang)
    if category.startswith("cost_") and category.endswith("_eur"):
        category = category[5:-4]
    names = _CATEGORIES.get(category)
    return names[lang] if names else _pretty(category)


def service_label(service: str, lang: str = "en", fallback: bool = True) -> str | None:
    """Display name of a service of the reference config; unknown ids get their id with spaces
    (or None without `fallback`)."""
    _check_lang(lang)
    names = _SERVICES.get(service)
    if names:
        return names[lang]
    return _pretty(service) if fallback else None


def _no_negative_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with thousands separators: 1,234,567.8 (en) or 1.234.567,8 (de)."""
    text = _no_negative_zero(f"{value:,.{decimals}f}")
    return german_number_format(text) if lang == "de" else text


def format_eur(value: float, lang: str = "en", decimals: int = 0) -> str:
    """An amount in euros with thousands separators: €1,234,567 / -€1,234 (en),
    1.234.567 € / -1.234 € (de)."""
    number = format_number(value, lang, decimals)
    if lang == "de":
        return f"{number}{NBSP}€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"


_SHORT_UNITS = {1e6: ("m", "Mio. €"), 1e3: ("k", "Tsd. €")}


def format_eur_short(
    value: float, lang: str = "en", *, scale: float | None = None, decimals: int | None = None
) -> str:
    """Compact euro amounts for axes and labels: €1.2m / 1,2 Mio. €, €350k / 350 Tsd. €.

    By default the unit follows the size of `value`: millions with one decimal ("€6.0m"),
    thousands without ("€431k"). `scale` (1e6, 1e3 or 1) fixes the unit and `decimals` the
    decimals, so that all tick labels of an axis read alike ("€4.0m", "€4.5m", "€5.0m").
    """
    if scale is None:
        magnitude = abs(value)
        if round(magnitude / 1e3) >= 1000:  # €999,600 reads "€1.0m", not "€1,000k"
            scale = 1e6
        else:
            scale = 1e3 if round(magnitude) >= 1000 else 1.0
    if scale not in _SHORT_UNITS:
        return format_eur(value, lang, decimals or 0)
    if value == 0:
        return format_eur(0, lang)
    if decimals is None:
        decimals = 1 if scale == 1e6 else 0
    text = _no_negative_zero(f"{value / scale:,.{decimals}f}")
    en_unit, de_unit = _SHORT_UNITS[scale]
    if lang == "de":
        return f"{german_number_format(text)}{NBSP}{de_unit}"
    return f"-€{text[1:]}{en_unit}" if text.startswith("-") else f"€{text}{en_unit}"


def format_date(iso: str, lang: str = "en") -> str:
    """A date from an ISO string: 2026-12-01 (en) or 01.12.2026 (de); other text unchanged."""
    day = iso[:10]
    if lang == "de" and len(day) == 10 and day[4] == "-" and day[7] == "-":
        return f"{day[8:10]}.{day[5:7]}.{day[:4]}"
    return day


def format_percent(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.125) as a percentage: "12.5%" (en), "12,5 %" (de); NaN gives "–"."""
    _check_lang(lang)
    if value is None or not math.isfinite(value):
        return "–"
    text = _no_negative_zero(f"{100 * value:,.{decimals}f}")
    return f"{german_number_format(text)}{NBSP}%" if lang == "de" else f"{text}%"


def german_number_format(text: str) -> str:
    """Swap the English separators of the formatted numbers in `text` for German ones."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
