"""The model-verification appendix: the `itsim verify` table of a results folder, en/de.

`itsim verify --out RESULTS_DIR` writes verify.csv and verify.json beside a run's results; the
report then carries them as its last appendix and the workbook as a sheet, so a reader sees that
the engine behind the numbers reproduced queueing, reliability, counting and discounting theory
on the machine that produced them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.reporting import catalogue
from simulation.reporting.labels import format_date, format_number

VERIFY_CSV = "verify.csv"
VERIFY_JSON = "verify.json"
_COLUMNS = ("check", "title", "title_de", "unit", "theory", "simulated", "low", "high", "passed")

TEXT: dict[str, dict[str, str]] = catalogue.section("verification")
#: The units of the checks (written in English by `itsim verify`) in words, by unit.
_UNITS: dict[str, dict[str, str]] = catalogue.section("verification_units")


def _unit(unit: str, lang: str) -> str:
    """A check's unit in `lang`; a unit the catalogue does not know as written."""
    return _UNITS[unit][lang] if unit in _UNITS else unit


def verification_text(key: str, lang: str) -> str:
    """A text of the verification appendix in `lang`."""
    return TEXT[key][lang]


def read_verification(results_dir: str | Path) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The verify table and its metadata in a results folder, or None if absent or unreadable
    (a report never fails for want of an optional appendix)."""
    folder = Path(results_dir)
    try:
        table = pd.read_csv(folder / VERIFY_CSV)
        meta = json.loads((folder / VERIFY_JSON).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not set(_COLUMNS) <= set(table.columns) or not isinstance(meta, dict) or table.empty:
        return None
    return table, meta


def _number(value: float, lang: str) -> str:
    """Four significant digits, thousands separators for large values, in the language's style."""
    if abs(value) >= 1000:
        return format_number(value, lang, 0)
    decimals = max(0, 3 - int(f"{abs(value):e}".split("e")[1])) if value else 0
    return format_number(value, lang, min(decimals, 6))


def verification_rows(table: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the appendix table in `lang`."""
    rows = []
    for row in table.itertuples():
        exact = row.low == row.high
        interval = (
            TEXT["exact"][lang]
            if exact
            else f"{_number(row.low, lang)} – {_number(row.high, lang)}"
        )
        rows.append(
            [
                row.title_de if lang == "de" else row.title,
                _number(row.theory, lang),
                _number(row.simulated, lang),
                interval,
                _unit(row.unit, lang),
                TEXT["pass" if bool(row.passed) else "fail"][lang],
            ]
        )
    return TEXT["header"][lang], rows


def verification_intro(table: pd.DataFrame, meta: dict[str, Any], lang: str) -> str:
    """The paragraph above the table: mode, date, how many checks passed, the pass rule."""
    mode = TEXT["quick" if meta.get("mode") == "quick" else "full"][lang]
    finished = format_date(str(meta.get("finished", "")), lang)
    passed = int(table["passed"].astype(bool).sum())
    return TEXT["intro"][lang].format(mode=mode, finished=finished, passed=passed, n=len(table))


def verification_sheet(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The workbook sheet: the exact numbers, headers in `lang`."""
    header = TEXT["header"][lang]
    return pd.DataFrame(
        {
            header[0]: table["title_de" if lang == "de" else "title"],
            header[1]: table["theory"],
            header[2]: table["simulated"],
            f"{header[3]} ({'von' if lang == 'de' else 'low'})": table["low"],
            f"{header[3]} ({'bis' if lang == 'de' else 'high'})": table["high"],
            header[4]: table["unit"].map(lambda u: _unit(u, lang)),
            header[5]: table["passed"].map(lambda p: TEXT["pass" if p else "fail"][lang]),
        }
    )
