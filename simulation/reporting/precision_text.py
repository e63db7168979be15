"""The precision a run reached, in lines for the terminal (`itsim run` prints them).

The numbers come from `simulation.analysis.precision`; this module only words them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulation.reporting import catalogue
from simulation.reporting.labels import format_eur_short, format_number, format_percent


def _pct(share: float, lang: str) -> str:
    return "±" + format_percent(share, lang, decimals=1)


def text(key: str, lang: str, **values) -> str:
    """The line `key` of the catalogue's section "precision" in `lang`."""
    return catalogue.text("precision", key, lang, **values)


def precision_lines(
    table: pd.DataFrame,
    stability: float,
    leader: str,
    labels: Mapping[str, str],
    lang: str = "en",
) -> list[str]:
    """Means and P95 (half-width as a share), paired differences and how settled the
    recommendation is, one line each, in `lang`."""
    n = int(table["n"].iloc[0]) if len(table) else 0
    name = lambda s: labels.get(s, s)  # noqa: E731
    lines = [text("heading", lang, n=format_number(n, lang))]
    for kind in ("mean", "p95"):
        rows = table[table["kind"] == kind]
        parts = ", ".join(f"{name(r.a)} {_pct(r.relative, lang)}" for r in rows.itertuples())
        lines.append(f"  {text(kind, lang)}: {parts}")
    for r in table[table["kind"] == "difference"].itertuples():
        verdict = text("told_apart" if r.excludes_zero else "not_told_apart", lang)
        lines.append(
            f"  {name(r.a)} − {name(r.b)}: {format_eur_short(r.estimate, lang)} "
            f"± {format_eur_short(r.half_width, lang)} ({verdict})"
        )
    p = format_percent(stability, lang)
    lines.append("  " + text("settled", lang, rec=name(leader), p=p))
    return lines


def stop_line(stop: Mapping, lang: str = "en") -> str:
    """Whether the run's stopping rule was met (metadata.json's `stop`)."""
    if stop["met"]:
        return text("stop_met", lang, rule=stop["rule"])
    return text("stop_not_met", lang, rule=stop["rule"], cap=format_number(stop["cap"], lang))


def precision_record(table: pd.DataFrame, stability: float, leader: str) -> dict:
    """metadata.json's `precision` entry: the table's rows, the leader and its stability."""
    finite = table.replace([np.inf, -np.inf], np.nan)  # strict JSON: no Infinity
    rows = finite.astype(object).where(finite.notna(), None).to_dict(orient="records")
    return {"confidence": 0.95, "rows": rows, "recommended": leader, "stability": stability}
