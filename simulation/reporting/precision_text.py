"""The precision a run reached, in lines for the terminal (`itsim run` prints them).

The numbers come from `simulation.analysis.precision`; this module only words them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulation.reporting.labels import format_eur_short, format_number


def _pct(share: float) -> str:
    return f"±{share * 100:.1f}%"


def precision_lines(
    table: pd.DataFrame, stability: float, leader: str, labels: Mapping[str, str]
) -> list[str]:
    """Means and P95 (half-width as a share), paired differences and how settled the
    recommendation is, one line each."""
    n = int(table["n"].iloc[0]) if len(table) else 0
    name = lambda s: labels.get(s, s)  # noqa: E731
    lines = [f"precision reached (95% intervals, {format_number(n, 'en')} replications each):"]
    for kind, words in (("mean", "mean total cost (NPV)"), ("p95", "P95 of total cost")):
        rows = table[table["kind"] == kind]
        parts = ", ".join(f"{name(r.a)} {_pct(r.relative)}" for r in rows.itertuples())
        lines.append(f"  {words}: {parts}")
    for r in table[table["kind"] == "difference"].itertuples():
        verdict = "told apart" if r.excludes_zero else "not told apart"
        lines.append(
            f"  {name(r.a)} − {name(r.b)}: {format_eur_short(r.estimate, 'en')} "
            f"± {format_eur_short(r.half_width, 'en')} ({verdict})"
        )
    lines.append(
        f"  the recommendation ({name(leader)}, lowest mean total cost) is the same in "
        f"{stability * 100:.0f}% of re-runs (paired bootstrap)"
    )
    return lines


def precision_record(table: pd.DataFrame, stability: float, leader: str) -> dict:
    """metadata.json's `precision` entry: the table's rows, the leader and its stability."""
    finite = table.replace([np.inf, -np.inf], np.nan)  # strict JSON: no Infinity
    rows = finite.astype(object).where(finite.notna(), None).to_dict(orient="records")
    return {"confidence": 0.95, "rows": rows, "recommended": leader, "stability": stability}
