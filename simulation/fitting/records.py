"""Read record exports (CSV or XLSX) into tidy frames: tickets, outages, HR list, SLA reports.

Each reader checks every cell it needs and raises a one-line RecordError naming the file, the
row (as a spreadsheet shows it: the header is row 1), the column, the value and what was
expected, with the number of further rows with the same problem. Records are not fitted here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import NO_VALUE
from simulation.fitting.columns import (
    EFFORT_UNITS,
    ColumnMapping,
    locate_columns,
    normalise,
    resolve_mapping,
)
from simulation.fitting.errors import RecordError
from simulation.fitting.parsing import (
    TIME_EXPECTED,
    empty_cells,
    parse_durations,
    parse_numbers,
    parse_shares,
    parse_times,
)

#: Largest record file read (a ticket export of a mid-sized company is a few megabytes).
MAX_FILE_BYTES = 200_000_000
SEVERITIES = ("P1", "P2", "P3", "P4")
#: Turns a service name as written in a file into a service id, or None to leave the row out;
#: raises KeyError for a name it does not know.
ServiceResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class RecordSet:
    """The records of one file, tidy: one row per record, `row` the spreadsheet row.

    `start` and `export` bound the period the file covers (`start_inferred` / `export_inferred`
    say whether they were taken from the records rather than given, `period_note` where the
    period came from when not from the mapping); `left_out` counts rows whose service was
    mapped to nothing or that lie outside the period.
    """

    kind: str
    file: str
    frame: pd.DataFrame
    start: pd.Timestamp
    export: pd.Timestamp
    mapping: ColumnMapping
    start_inferred: bool = True
    export_inferred: bool = True
    left_out: int = 0
    period_note: str = ""

    @property
    def n(self) -> int:
        """Number of records."""
        return len(self.frame)

    @property
    def hours(self) -> float:
        """Length of the period covered, in hours."""
        return (self.export - self.start) / pd.Timedelta(hours=1)

    @property
    def name(self) -> str:
        """The file's name without its folder (for comments)."""
        return Path(self.file).name

    def period_text(self) -> str:
        """`2023-01-01..2024-12-31`, the days the file covers (the export's end excluded)."""
        last = self.export - pd.Timedelta(seconds=1)
        return f"{self.start:%Y-%m-%d}..{last:%Y-%m-%d}"


def read_table(path: str | Path, sheet: str | int = 0) -> pd.DataFrame:
    """The cells of a CSV (any of , ; tab as separator, UTF-8 or Windows-1252) or XLSX file:
    text as written, dates of a sheet as dates, empty cells as empty text."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise RecordError(file, None, None, NO_VALUE, "file not found (a CSV or XLSX export)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RecordError(file, None, None, NO_VALUE, f"a file of at most {MAX_FILE_BYTES:,} bytes")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
            frame = frame.astype(object).where(frame.notna(), "")
        elif suffix in (".csv", ".txt", ".tsv"):
            frame = _read_csv(path)
        else:
            raise RecordError(file, None, None, path.suffix, "a .csv or .xlsx file")
    except (ValueError, csv.Error, pd.errors.ParserError, KeyError) as exc:
        if isinstance(exc, RecordError):
            raise
        raise RecordError(file, None, None, NO_VALUE, f"a readable table ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise RecordError(file, None, None, NO_VALUE, "a header row and at least one record")
    return frame.reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text else ""
    sep = max((",", ";", "\t"), key=first.count)
    return pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def spreadsheet_rows(frame: pd.DataFrame) -> np.ndarray:
    """Row numbers as a spreadsheet shows them: the header is row 1."""
    return frame.index.to_numpy() + 2


def fail_on(file: str, frame: pd.DataFrame, bad: np.ndarray, column: str, expectation: str) -> None:
    """Raise a RecordError for the first row in `bad`, counting the others."""
    where = np.flatnonzero(bad)
    if where.size:
        i = int(where[0])
        row = int(spreadsheet_rows(frame)[i])
        raise RecordError(file, row, column, frame[column].iloc[i], expectation, where.size - 1)


def times_of(
    file: str, frame: pd.DataFrame, column: str, mapping: ColumnMapping, required: bool
) -> pd.Series:
    """A column of timestamps; unreadable cells (and empty ones if `required`) are errors."""
    values, bad = parse_times(frame[column], mapping.dayfirst)
    fail_on(file, frame, bad, column, TIME_EXPECTED)
    if required:
        fail_on(file, frame, empty_cells(frame[column]), column, TIME_EXPECTED)
    return values.reset_index(drop=True)


def services_of(
    file: str, frame: pd.DataFrame, column: str, resolve: ServiceResolver, known: str
) -> pd.Series:
    """Service ids of a column (None: the row is left out); an unknown name is an error."""
    ids: list[str | None] = []
    cache: dict[str, str | None] = {}
    for i, value in enumerate(frame[column]):
        key = normalise(value)
        if key not in cache:
            try:
                cache[key] = resolve(key)
            except KeyError:
                bad = np.array([normalise(v) == key for v in frame[column]])
                raise RecordError(
                    file,
                    int(spreadsheet_rows(frame)[i]),
                    column,
                    value,
                    f"a service of the config ({known}), or a mapping services: "
                    f"{{{str(value)!r}: <service id>}} (null leaves its rows out)",
                    int(bad.sum()) - 1,
                ) from None
        ids.append(cache[key])
    return pd.Series(ids, dtype=object)


@dataclass(frozen=True)
class Window:
    """The period of a file that does not state its own (its mapping has no `since`/`export`):
    taken from another file of the same company, such as the ticket export. None: unknown."""

    start: pd.Timestamp | None = None
    export: pd.Timestamp | None = None


def bounds(
    file: str,
    mapping: ColumnMapping,
    first: pd.Timestamp,
    latest: pd.Timestamp,
    window: Window,
) -> tuple[pd.Timestamp, pd.Timestamp, bool, bool]:
    """The period a file covers, and whether each end was inferred: the mapping's `since` and
    `export`, else the window's (widened to the records), else the first record's day and the
    latest time in the file."""
    start, export = first.normalize(), latest
    if window.start is not None:
        start = min(window.start, start)
    if window.export is not None:
        export = max(window.export, latest)
    start_inferred = export_inferred = True
    for key in ("since", "export"):
        text = getattr(mapping, key)
        if text is None:
            continue
        value, bad = parse_times(pd.Series([text]), mapping.dayfirst)
        if bad[0]:
            raise RecordError(file, None, None, text, f"mapping {key}: {TIME_EXPECTED}")
        if key == "since":
            start, start_inferred = value[0], False
        else:
            export, export_inferred = value[0], False
    if not export > start:
        raise RecordError(file, None, None, f"{start}..{export}", "a period of positive length")
    return start, export, start_inferred, export_inferred


def prepare(
    kind: str, path: str | Path, override: Mapping[str, Any] | ColumnMapping | None
) -> tuple[str, pd.DataFrame, ColumnMapping, dict[str, str]]:
    """Read a file, settle its mapping and find its columns: (file, cells, mapping, columns)."""
    file = str(path)
    sheet = override.get("sheet", 0) if isinstance(override, Mapping) else 0
    frame = read_table(path, sheet)
    mapping = resolve_mapping(kind, list(frame.columns), override, file)
    columns = locate_columns(kind, list(frame.columns), mapping, file)
    return file, frame, mapping, columns


def read_tickets(
    path: str | Path,
    resolve: ServiceResolver,
    known: str,
    override: Mapping[str, Any] | ColumnMapping | None = None,
    window: Window = Window(),
) -> RecordSet:
    """Tickets: `created`, `resolved` (NaT while open), `service`, `severity` P1..P4 and
    `effort_hours` (NaN without an effort column), one row per ticket in the period."""
    file, frame, mapping, cols = prepare("tickets", path, override)
    created = times_of(file, frame, cols["created"], mapping, required=True)
    resolved = pd.Series(pd.NaT, index=created.index, dtype="datetime64[ns]")
    for key in ("resolved", "closed"):
        if key in cols:
            resolved = resolved.fillna(times_of(file, frame, cols[key], mapping, False))
    late = (resolved < created).to_numpy()
    fail_on(
        file, frame, late, cols.get("resolved", cols.get("closed", "")), "a time after creation"
    )
    severity = _severities(file, frame, cols["priority"], mapping)
    service = services_of(file, frame, cols["service"], resolve, known)
    effort = np.full(len(frame), np.nan)
    if "effort" in cols:
        effort, bad = parse_durations(frame[cols["effort"]], EFFORT_UNITS[mapping.effort_unit])
        fail_on(
            file, frame, bad, cols["effort"], f"a duration (01:30:00, or {mapping.effort_unit})"
        )
    _unique_ids(file, frame, cols.get("id"))
    tidy = pd.DataFrame(
        {
            "row": spreadsheet_rows(frame),
            "id": frame[cols["id"]].to_numpy() if "id" in cols else spreadsheet_rows(frame),
            "created": created,
            "resolved": resolved,
            "service": service,
            "severity": severity,
            "effort_hours": effort,
        }
    )
    latest = max(created.max(), resolved.max()) if resolved.notna().any() else created.max()
    start, export, s_inf, e_inf = bounds(file, mapping, created.min(), latest, window)
    keep = tidy["service"].notna() & tidy["created"].between(start, export)
    tidy = tidy[keep].reset_index(drop=True)
    tidy.loc[tidy["resolved"] > export, "resolved"] = pd.NaT  # still open at the export
    tidy.attrs["has_effort"] = "effort" in cols
    return RecordSet(
        "tickets", file, tidy, start, export, mapping, s_inf, e_inf, int((~keep).sum())
    )


def _severities(file: str, frame: pd.DataFrame, column: str, mapping: ColumnMapping) -> pd.Series:
    keys = frame[column].map(normalise)
    severity = keys.map(
        lambda k: mapping.priorities.get(k, k.upper() if k.upper() in SEVERITIES else None)
    )
    accepted = ", ".join(repr(k) for k in mapping.priorities)
    fail_on(
        file,
        frame,
        severity.isna().to_numpy(),
        column,
        f"a priority of the {mapping.name} mapping ({accepted}), or map it with mapping priorities",
    )
    return severity.reset_index(drop=True)


def _unique_ids(file: str, frame: pd.DataFrame, column: str | None) -> None:
    if column is None:
        return
    ids = frame[column].astype(str).str.strip()
    duplicate = (ids.duplicated(keep="first") & (ids != "")).to_numpy()
    if duplicate.any():
        first = ids.index[ids == ids[np.flatnonzero(duplicate)[0]]][0]
        fail_on(file, frame, duplicate, column, f"a unique id (also on row {first + 2})")


def read_outages(
    path: str | Path,
    resolve: ServiceResolver,
    known: str,
    override: Mapping[str, Any] | ColumnMapping | None = None,
    window: Window = Window(),
) -> RecordSet:
    """Outages: `service`, `start` and `end` (NaT while still down), one row per outage."""
    file, frame, mapping, cols = prepare("outages", path, override)
    start = times_of(file, frame, cols["start"], mapping, required=True)
    end = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    if "end" in cols:
        end = times_of(file, frame, cols["end"], mapping, required=False)
        fail_on(file, frame, (end < start).to_numpy(), cols["end"], "a time after the start")
    service = services_of(file, frame, cols["service"], resolve, known)
    tidy = pd.DataFrame({"row": spreadsheet_rows(frame), "service": service, "start": start})
    tidy["end"] = end
    latest = max(start.max(), end.max()) if end.notna().any() else start.max()
    first, export, s_inf, e_inf = bounds(file, mapping, start.min(), latest, window)
    keep = tidy["service"].notna() & tidy["start"].between(first, export, inclusive="left")
    tidy = tidy[keep].sort_values(["service", "start"]).reset_index(drop=True)
    tidy.loc[tidy["end"] > export, "end"] = pd.NaT  # still down at the export
    return RecordSet(
        "outages", file, tidy, first, export, mapping, s_inf, e_inf, int((~keep).sum())
    )


def read_hr(
    path: str | Path,
    override: Mapping[str, Any] | ColumnMapping | None = None,
    window: Window = Window(),
) -> RecordSet:
    """People: `person`, `role`, `start`, `leave` (NaT while employed), `reason`, and where
    given `notice` (resignation received), `vacancy` (recruiting opened) and `replaces`."""
    file, frame, mapping, cols = prepare("hr", path, override)
    tidy = pd.DataFrame({"row": spreadsheet_rows(frame)})
    for key in ("start", "leave", "notice", "vacancy"):
        if key in cols:
            tidy[key] = times_of(file, frame, cols[key], mapping, required=key == "start")
        else:
            tidy[key] = pd.Series(pd.NaT, index=tidy.index, dtype="datetime64[ns]")
    fail_on(
        file,
        frame,
        (tidy["leave"] < tidy["start"]).to_numpy(),
        cols.get("leave", ""),
        "a date after the start date",
    )
    for key in ("person", "role", "reason", "replaces"):
        values = frame[cols[key]].astype(str).str.strip() if key in cols else ""
        tidy[key] = values
    if "person" not in cols:
        tidy["person"] = tidy["row"].astype(str)
    dates = pd.concat([tidy[k] for k in ("start", "leave", "notice", "vacancy")])
    first, export, s_inf, e_inf = bounds(file, mapping, tidy["start"].min(), dates.max(), window)
    for key in ("leave", "notice", "vacancy"):  # what happens after the export is unknown yet
        tidy.loc[tidy[key] > export, key] = pd.NaT
    return RecordSet("hr", file, tidy, first, export, mapping, s_inf, e_inf)


_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[./-](\d{4})\s*$")


def _months(file: str, frame: pd.DataFrame, column: str, mapping: ColumnMapping) -> pd.Series:
    """Month starts of a column of months: 2024-03, 03/2024, 03.2024, or any date in it."""
    raw = frame[column].map(lambda v: _MONTH_YEAR.sub(r"\2-\1-01", v) if isinstance(v, str) else v)
    values, bad = parse_times(raw, mapping.dayfirst)
    fail_on(
        file, frame, bad | empty_cells(frame[column]), column, "a month such as 2024-03 or 03/2024"
    )
    return values.dt.to_period("M").dt.start_time.reset_index(drop=True)


def read_sla(
    path: str | Path,
    resolve: ServiceResolver,
    known: str,
    override: Mapping[str, Any] | ColumnMapping | None = None,
) -> RecordSet:
    """Monthly SLA reports: `month`, `provider`, `service`, `availability`, `outages`,
    `downtime_hours`, `tickets`, `response_met`, `resolution_met` (NaN where not reported)."""
    file, frame, mapping, cols = prepare("sla", path, override)
    tidy = pd.DataFrame({"row": spreadsheet_rows(frame)})
    tidy["month"] = _months(file, frame, cols["month"], mapping)
    tidy["service"] = services_of(file, frame, cols["service"], resolve, known)
    tidy["provider"] = frame[cols["provider"]].map(normalise) if "provider" in cols else ""
    for key in ("availability", "response_met", "resolution_met"):
        values, bad = parse_shares(frame[cols[key]]) if key in cols else (np.nan, None)
        if bad is not None:
            fail_on(file, frame, bad, cols[key], "a share such as 99.9% or 0.999")
        tidy[key] = values
    for key in ("outages", "tickets", "downtime_minutes", "downtime_hours"):
        values, bad = parse_numbers(frame[cols[key]]) if key in cols else (np.nan, None)
        if bad is not None:
            fail_on(file, frame, bad | (values < 0), cols[key], "a number >= 0")
        tidy[key] = values
    tidy["downtime_hours"] = tidy["downtime_hours"].fillna(tidy.pop("downtime_minutes") / 60.0)
    keep = tidy["service"].notna()
    tidy = tidy[keep].reset_index(drop=True)
    start = tidy["month"].min()
    export = tidy["month"].max() + pd.offsets.MonthBegin(1)
    return RecordSet("sla", file, tidy, start, export, mapping, True, True, int((~keep).sum()))
