"""Cell values of record exports read into numbers: timestamps, durations, counts and shares.

Every parser takes a column of raw cells (strings as written, or the dates and numbers of an
XLSX sheet) and returns the values with a mask of the cells it could not read; empty cells are
missing values (NaT or NaN), not errors, so that the caller decides whether a field may be empty.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

#: Time zone that timestamps with an offset (2024-03-01T08:30:00Z) are converted to: business
#: hours are local hours. Timestamps without an offset are taken as local time.
LOCAL_TIME_ZONE = "Europe/Berlin"

_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y %H:%M", "%d/%m/%y")
_MONTH_FIRST = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y %H:%M", "%m/%d/%y")
_ALWAYS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
    "%d/%b/%y %I:%M %p",  # Jira: 12/Mar/24 9:30 AM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d %b %Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?$")
_EPOCH_DURATION = re.compile(r"^1970-01-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d+(?:[.,]\d+)?)\s*h)?\s*(?:(\d+(?:[.,]\d+)?)\s*m)?\s*(?:(\d+)\s*s)?$")

#: What a timestamp cell should look like, for error messages.
TIME_EXPECTED = (
    "a date and time such as 2024-03-01 09:30 (ISO), 01.03.2024 09:30 or 01/03/2024 09:30"
)


def empty_cells(raw: pd.Series) -> np.ndarray:
    """Cells with nothing in them: None, NaN, NaT or blank text."""
    return np.array([_is_empty(v) for v in raw], dtype=bool)


def _is_empty(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_times(
    raw: pd.Series, dayfirst: bool = True, zone: str = LOCAL_TIME_ZONE
) -> tuple[pd.Series, np.ndarray]:
    """Timestamps (naive local time) of a column in mixed formats, and the unreadable cells.

    ISO 8601 (with or without a time, `T` or space, seconds optional), German `01.03.2024 09:30`,
    `01/03/2024` (day first unless `dayfirst` is False), Jira's `12/Mar/24 9:30 AM` and the
    dates of an XLSX sheet are read in one column side by side; a cell with a UTC offset is
    converted to `zone`.
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    empty = empty_cells(raw)
    native = np.array([isinstance(v, dt.date) for v in raw], dtype=bool) & ~empty
    if native.any():
        out[native] = pd.to_datetime(pd.Series(list(raw[native]), index=raw.index[native]))
    text = raw[~empty & ~native].astype(str).str.strip()
    offset = text.str.contains(_OFFSET)
    if offset.any():
        parsed = pd.to_datetime(text[offset], format="ISO8601", utc=True, errors="coerce")
        out[parsed.index] = parsed.dt.tz_convert(zone).dt.tz_localize(None)
    rest = text[~offset]
    formats = ("ISO8601", *(_DAY_FIRST if dayfirst else _MONTH_FIRST), *_ALWAYS)
    for fmt in formats:
        todo = rest[out[rest.index].isna()]
        if todo.empty:
            break
        parsed = pd.to_datetime(todo, format=fmt, errors="coerce")
        good = parsed.notna()
        out[parsed.index[good]] = parsed[good]
    bad = ~empty & out.isna().to_numpy()
    return out, bad


def parse_durations(raw: pd.Series, unit_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Durations in hours, and the unreadable cells.

    A plain number is in the column's unit (`unit_hours` hours each; a decimal comma is read);
    `01:30:00` or `1:30` is hours and minutes; `1h 30m` likewise; ServiceNow's export of a
    duration as a time on 1970-01-01 (`1970-01-01 01:30:00`) is the time since midnight.
    """
    hours = np.full(len(raw), np.nan)
    bad = np.zeros(len(raw), dtype=bool)
    for i, value in enumerate(raw):
        if _is_empty(value):
            continue
        parsed = _duration(value, unit_hours)
        if parsed is None or not parsed >= 0:
            bad[i] = True
        else:
            hours[i] = parsed
    return hours, bad


def _duration(value: object, unit_hours: float) -> float | None:
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600.0
    if isinstance(value, dt.time):
        return value.hour + value.minute / 60.0 + value.second / 3600.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * unit_hours
    text = str(value).strip()
    number = _number(text)
    if number is not None:
        return number * unit_hours
    if m := _CLOCK.match(text):
        return int(m[1]) + int(m[2]) / 60.0 + float(m[3] or 0) / 3600.0
    if m := _EPOCH_DURATION.match(text):
        return (int(m[1]) - 1) * 24 + int(m[2]) + int(m[3]) / 60.0 + int(m[4]) / 3600.0
    if text and (m := _UNITS.match(text.lower())) and any(m.groups()):
        h, mins, s = (float((g or "0").replace(",", ".")) for g in m.groups())
        return h + mins / 60.0 + s / 3600.0
    return None


def _number(text: str) -> float | None:
    """A number as written in an export: `1.5`, `1,5` (decimal comma), `1,234.5`, `1.234,5`.

    A single separator is a decimal separator (`1,234` is 1.234, as German exports write it);
    thousands separators are recognised only beside a decimal separator of the other kind or
    in several groups (`1.234.567`).
    """
    t = text.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+\.\d+|[+-]?\d{1,3}(,\d{3}){2,}", t):
        t = t.replace(",", "")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+,\d+|[+-]?\d{1,3}(\.\d{3}){2,}", t):
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[+-]?\d*,\d+", t):
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers (decimal comma or point, thousands separators), and the unreadable cells."""
    values = np.full(len(raw), np.nan)
    bad = np.zeros(len(raw), dtype=bool)
    for i, value in enumerate(raw):
        if _is_empty(value):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value) if math.isfinite(value) else None
        else:
            number = _number(str(value))
        if number is None:
            bad[i] = True
        else:
            values[i] = number
    return values, bad


def parse_shares(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Shares in [0, 1], and the unreadable cells: `99.9%`, `99,9 %`, `0.999`, or `99.9`
    (a number above 1 is a percentage); below 0 or above 100% is unreadable."""
    values = np.full(len(raw), np.nan)
    bad = np.zeros(len(raw), dtype=bool)
    for i, value in enumerate(raw):
        if _is_empty(value):
            continue
        text = str(value).strip()
        percent = text.endswith("%")
        number = _number(text.rstrip("%").strip()) if isinstance(value, str) else float(value)
        if number is None or not math.isfinite(number):
            bad[i] = True
            continue
        share = number / 100.0 if percent or number > 1.0 else number
        if 0.0 <= share <= 1.0:
            values[i] = share
        else:
            bad[i] = True
    return values, bad
