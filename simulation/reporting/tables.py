"""The comparison table printed by `itsim run`, with thousands separators."""

from __future__ import annotations

import pandas as pd

from simulation.reporting import catalogue
from simulation.reporting.labels import format_number

# The terminal shows budget, risk and total side by side; summary.csv holds every column.
_HEADERS = {
    lang: {key: words[lang] for key, words in catalogue.section("terminal_table").items()}
    for lang in catalogue.LANGUAGES
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
                row.append(format_number(v / 1000.0, lang, 0))
            elif c.startswith("p_cheapest"):
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
