"""The comparison table printed by `itsim run`, with thousands separators."""

from __future__ import annotations

import pandas as pd

from simulation.reporting.labels import format_eur, format_number

_HEADERS = {
    "en": {
        "scenario": "Scenario",
        "npv_mean_eur": "NPV mean",
        "npv_p50_eur": "NPV P50",
        "npv_p90_eur": "NPV P90",
        "npv_p95_eur": "NPV P95",
        "downtime_mean_hours": "Downtime h mean",
        "downtime_p95_hours": "Downtime h P95",
        "sla_breaches_mean": "SLA breaches",
        "departures_mean": "Departures",
        "p_cheapest": "P(cheapest)",
        "title": "Cost over {years} years (net present value, EUR) and downtime, per scenario",
    },
    "de": {
        "scenario": "Szenario",
        "npv_mean_eur": "Barwert Mittel",
        "npv_p50_eur": "Barwert P50",
        "npv_p90_eur": "Barwert P90",
        "npv_p95_eur": "Barwert P95",
        "downtime_mean_hours": "Ausfall h Mittel",
        "downtime_p95_hours": "Ausfall h P95",
        "sla_breaches_mean": "SLA-Verstöße",
        "departures_mean": "Abgänge",
        "p_cheapest": "P(günstigste)",
        "title": "Kosten über {years} Jahre (Barwert, EUR) und Ausfallzeit je Szenario",
    },
}


def format_summary(
    table: pd.DataFrame, labels: dict[str, str], years: int, lang: str = "en"
) -> str:
    """A fixed-width text table of `summary_table` output for the terminal."""
    head = _HEADERS[lang]
    columns = [c for c in head if c not in ("scenario", "title") and c in table.columns]
    rows = []
    for scenario, values in table.iterrows():
        row = [labels.get(str(scenario), str(scenario))]
        for c in columns:
            v = values[c]
            if c.endswith("_eur"):
                row.append(format_eur(v, lang))
            elif c == "p_cheapest":
                row.append(format_number(100 * v, lang, 1) + " %")
            elif c.endswith("_hours"):
                row.append(format_number(v, lang, 1))
            else:
                row.append(format_number(v, lang, 1))
        rows.append(row)
    header = [head["scenario"], *(head[c] for c in columns)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [head["title"].format(years=years), ""]
    lines.append(
        "  ".join(
            h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(header)
        )
    )
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append(
            "  ".join(
                str(v).ljust(widths[0]) if i == 0 else str(v).rjust(widths[i])
                for i, v in enumerate(r)
            )
        )
    return "\n".join(lines)
