"""Weekly business-hours calendar and month bucketing on the simulation clock.

Time convention: the simulation clock counts hours as floats and ``t = 0`` is
Monday 00:00. A :class:`Calendar` is a weekly pattern of open hours (the same
start and end hour on each open weekday). All its arithmetic goes through the
*cumulative open-hours function*

    B(t) = open hours in [0, t]
         = floor(t / 168) * W + C[i] + (t mod 168 - i) * open[i],   i = floor(t mod 168)

where ``W`` is the number of open hours per week, ``open`` the 0/1 flag of each
hour of the week and ``C`` its 169-entry cumulative sum. ``B`` is continuous and
non-decreasing; "add h open hours" is its (left) inverse.

The scalar methods use only Python floats and precomputed tuples because they
run per ticket inside the SimPy processes; the ``*_v`` methods are the numpy
equivalents for post-processing many tickets at once.

Simplifications (documented limitations):

* Months are equal twelfths of a 365-day year (``HOURS_PER_MONTH = 730``), not
  calendar months.
* There are no public holidays; every week has the same open hours.
* Open periods start and end on whole hours.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168
HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12

_WEEK = float(HOURS_PER_WEEK)
_N = HOURS_PER_WEEK  # hour slots per week; the tables carry one extra sentinel slot

__all__ = [
    "HOURS_PER_DAY",
    "HOURS_PER_MONTH",
    "HOURS_PER_WEEK",
    "HOURS_PER_YEAR",
    "Calendar",
    "hours_by_month",
    "merge_intervals",
    "month_index",
    "open_hours_by_month",
]


@dataclass(frozen=True, slots=True)
class Calendar:
    """Weekly opening hours: open on ``days`` (0 = Monday) from ``start_hour`` to ``end_hour``.

    Open periods are half-open, ``[start, end)``: with the default calendar
    08:00 is open and 18:00 is closed. Contiguous open hours (e.g. across
    midnight when ``start_hour=0, end_hour=24``) form one open period.

    Instances are immutable and hashable; lookup tables are built once in
    ``__post_init__``. A calendar open all 168 hours of the week (see
    :meth:`always`) takes an identity fast path in every method.
    """

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start_hour: int = 8
    end_hour: int = 18

    # Precomputed tables (169 entries: hour-of-week 0..167 plus a sentinel at 168,
    # which stands for hour 0 of the following week).
    _always: bool = field(init=False, repr=False, compare=False)
    _w: float = field(init=False, repr=False, compare=False)
    _open: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _cum: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _next_open: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _next_close: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _open_a: np.ndarray = field(init=False, repr=False, compare=False)
    _cum_a: np.ndarray = field(init=False, repr=False, compare=False)
    _next_open_a: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        days, start, end = _checked(self.days, self.start_hour, self.end_hour)
        set_ = object.__setattr__
        set_(self, "days", days)
        set_(self, "start_hour", start)
        set_(self, "end_hour", end)
        flags = [0.0] * _N
        for d in days:
            for h in range(start, end):
                flags[d * HOURS_PER_DAY + h] = 1.0
        cum = [0.0] * (_N + 1)
        for i in range(_N):
            cum[i + 1] = cum[i] + flags[i]
        w = cum[_N]
        always = w == _WEEK
        nxt_open, nxt_close = _next_open_close(flags, always)
        # Hours of the week at which an open period starts.
        starts = tuple(float(i) for i in range(_N) if flags[i] and not flags[i - 1])
        flags.append(flags[0])
        set_(self, "_always", always)
        set_(self, "_w", w)
        set_(self, "_open", tuple(flags))
        set_(self, "_cum", tuple(cum))
        set_(self, "_next_open", tuple(nxt_open))
        set_(self, "_next_close", tuple(nxt_close))
        set_(self, "_starts", starts)
        for name, values in (("_open_a", flags), ("_cum_a", cum), ("_next_open_a", nxt_open)):
            arr = np.array(values, dtype=float)
            arr.flags.writeable = False
            set_(self, name, arr)

    @classmethod
    def always(cls) -> Calendar:
        """A 24/7 calendar: every method reduces to identity arithmetic."""
        return cls(days=(0, 1, 2, 3, 4, 5, 6), start_hour=0, end_hour=24)

    @property
    def open_hours_per_week(self) -> float:
        """Open hours in one week (50 for the default Mon–Fri 08–18 calendar)."""
        return self._w

    @property
    def is_always_open(self) -> bool:
        """True if the calendar is open all 168 hours of the week."""
        return self._always

    # ------------------------------------------------------------------ scalar

    def is_open(self, t: float) -> bool:
        """True if the calendar is open at clock time ``t`` (periods are ``[start, end)``)."""
        if self._always:
            return True
        r = t % _WEEK
        return self._open[int(r)] != 0.0

    def cumulative_open(self, t: float) -> float:
        """Open hours in ``[0, t]`` (the function B(t) of the module docstring)."""
        if self._always:
            return float(t)
        k, r = divmod(t, _WEEK)
        i = int(r)
        return k * self._w + self._cum[i] + (r - i) * self._open[i]

    def open_hours_between(self, a: float, b: float) -> float:
        """Open hours in ``[a, b]``; 0 if ``b <= a``."""
        if b <= a:
            return 0.0
        if self._always:
            return float(b - a)
        c, o = self._cum, self._open
        ka, ra = divmod(a, _WEEK)
        kb, rb = divmod(b, _WEEK)
        ia = int(ra)
        ib = int(rb)
        return (kb - ka) * self._w + ((c[ib] + (rb - ib) * o[ib]) - (c[ia] + (ra - ia) * o[ia]))

    def add_open_hours(self, t: float, h: float) -> float:
        """Earliest clock time ``s >= t`` with exactly ``h`` open hours in ``[t, s]``.

        Work progresses only while the calendar is open. ``h == 0`` returns ``t``
        unchanged; for ``h > 0`` the result lies inside an open period or at its
        end (never at the start of a later one). Raises ``ValueError`` for ``h < 0``.
        """
        if h <= 0.0:
            if h == 0.0:
                return t
            raise ValueError(f"h must be >= 0, got {h}")
        if self._always:
            return t + h
        c, w = self._cum, self._w
        k, r = divmod(t, _WEEK)
        i = int(r)
        # Target cumulative value, relative to the start of t's week (keeps numbers small).
        target = c[i] + (r - i) * self._open[i] + h
        q = math.ceil(target / w) - 1
        rem = target - q * w  # in (0, w] up to rounding
        if rem <= 0.0:
            q -= 1
            rem += w
        elif rem > w:
            q += 1
            rem -= w
        j = bisect_left(c, rem, 1, _N) - 1  # first hour j with c[j] < rem <= c[j + 1]
        s = (k + q) * _WEEK + j + (rem - c[j])
        return s if s > t else t

    def next_open(self, t: float) -> float:
        """``t`` if open at ``t``, otherwise the start of the next open period."""
        if self._always:
            return t
        k, r = divmod(t, _WEEK)
        i = int(r)
        if self._open[i]:
            return t
        return k * _WEEK + self._next_open[i]

    def next_close(self, t: float) -> float:
        """End of the open period containing ``t``, or of the next one if closed at ``t``.

        Contiguous open hours count as one period (e.g. Mon 00:00–Sat 00:00 for a
        0–24 weekday calendar). Returns ``math.inf`` for a 24/7 calendar.
        """
        if self._always:
            return math.inf
        k, r = divmod(t, _WEEK)
        return k * _WEEK + self._next_close[int(r)]

    # -------------------------------------------------------------- vectorised

    def _split(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k, r = np.divmod(t, _WEEK)
        i = np.minimum(r.astype(np.intp), _N)
        return k, r, i

    def _within_week(self, r: np.ndarray, i: np.ndarray) -> np.ndarray:
        return self._cum_a[i] + (r - i) * self._open_a[i]

    def cumulative_open_v(self, t: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`cumulative_open`."""
        t = np.asarray(t, dtype=float)
        if self._always:
            return t.copy()
        k, r, i = self._split(t)
        return k * self._w + self._within_week(r, i)

    def open_hours_between_v(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`open_hours_between` (broadcasts ``a`` and ``b``)."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        if self._always:
            return np.maximum(b - a, 0.0)
        ka, ra, ia = self._split(a)
        kb, rb, ib = self._split(b)
        out = (kb - ka) * self._w + (self._within_week(rb, ib) - self._within_week(ra, ia))
        return np.where(b > a, out, 0.0)

    def add_open_hours_v(self, t: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`add_open_hours` (broadcasts ``t`` and ``h``)."""
        t, h = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(h, dtype=float))
        if np.any(h < 0.0):
            raise ValueError("h must be >= 0")
        if self._always:
            return t + h
        w = self._w
        k, r, i = self._split(t)
        target = self._within_week(r, i) + h
        q = np.ceil(target / w) - 1.0
        rem = target - q * w
        low = rem <= 0.0
        high = rem > w
        q = q - low + high
        rem = rem + w * low - w * high
        j = np.searchsorted(self._cum_a[1:_N], rem, side="left")
        s = (k + q) * _WEEK + j + (rem - self._cum_a[j])
        return np.where(h == 0.0, t, np.maximum(s, t))

    def next_open_v(self, t: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`next_open`."""
        t = np.asarray(t, dtype=float)
        if self._always:
            return t.copy()
        k, _, i = self._split(t)
        return np.where(self._open_a[i] != 0.0, t, k * _WEEK + self._next_open_a[i])

    def open_starts(self, horizon: float) -> np.ndarray:
        """Sorted clock times in ``[0, horizon)`` at which an open period starts.

        ``t = 0`` counts as a start if the calendar is open then (so a 24/7
        calendar gives ``[0.0]``).
        """
        if horizon <= 0.0:
            return np.empty(0)
        if self._always:
            return np.array([0.0])
        n_weeks = math.ceil(horizon / _WEEK)
        weeks = _WEEK * np.arange(n_weeks, dtype=float)
        out = np.add.outer(weeks, np.asarray(self._starts, dtype=float)).ravel()
        out = out[out < horizon]
        if self._open[0] and (len(out) == 0 or out[0] != 0.0):
            out = np.concatenate(([0.0], out))
        return out


def _checked(
    days: object, start_hour: object, end_hour: object
) -> tuple[tuple[int, ...], int, int]:
    """Validate a calendar's fields; returns sorted weekday numbers and the hours as ints."""
    if isinstance(days, Integral) or not isinstance(days, Iterable):
        raise TypeError(f"days must be an iterable of weekday numbers, got {days!r}")
    days = tuple(sorted(set(days)))
    if not days:
        raise ValueError("a calendar needs at least one open day")
    for d in days:
        if isinstance(d, bool) or not isinstance(d, Integral) or not 0 <= d <= 6:
            raise ValueError(f"days must be integers in 0..6 (0 = Monday), got {d!r}")
    for name, v in (("start_hour", start_hour), ("end_hour", end_hour)):
        if isinstance(v, bool) or not isinstance(v, Integral):
            raise ValueError(f"{name} must be an integer hour, got {v!r}")
    start, end = int(start_hour), int(end_hour)
    if not 0 <= start < end <= HOURS_PER_DAY:
        raise ValueError(f"need 0 <= start_hour < end_hour <= 24, got {start}..{end}")
    return tuple(int(d) for d in days), start, end


def _next_open_close(flags: list[float], always: bool) -> tuple[list[float], list[float]]:
    """Per hour of the week (plus a sentinel): the first open hour at or after it (unwrapped;
    meaningful where the hour is closed), and the end of the open period containing it, or of
    the next one if closed (inf for a 24/7 calendar)."""

    def flag(j: int) -> float:  # unwrapped hour index -> open flag
        return flags[j % _N]

    nxt_open = []
    for i in range(_N):
        j = i
        while not flag(j):
            j += 1
        nxt_open.append(float(j))
    nxt_close = []
    for i in range(_N):
        if always:
            nxt_close.append(math.inf)
            continue
        j = int(nxt_open[i])
        while flag(j):
            j += 1
        nxt_close.append(float(j))
    nxt_open.append(_WEEK + nxt_open[0])
    nxt_close.append(_WEEK + nxt_close[0])
    return nxt_open, nxt_close


# ---------------------------------------------------------------------- months


def month_index(t: np.ndarray, n_months: int) -> np.ndarray:
    """Month number ``floor(t / HOURS_PER_MONTH)`` of each time, clipped to ``[0, n_months-1]``."""
    m = np.floor(np.asarray(t, dtype=float) / HOURS_PER_MONTH)
    return np.clip(m, 0, n_months - 1).astype(np.int64)


def merge_intervals(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort and merge overlapping or touching intervals ``[start, end]``.

    Empty intervals (``end <= start``) are dropped. Returns disjoint, sorted
    ``(starts, ends)`` with ``starts[k + 1] > ends[k]`` covering the same union.
    """
    s = np.asarray(starts, dtype=float).ravel()
    e = np.asarray(ends, dtype=float).ravel()
    if s.shape != e.shape:
        raise ValueError("starts and ends must have the same length")
    keep = e > s
    s, e = s[keep], e[keep]
    if s.size == 0:
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, s.size - 1)
    return s[first], reach[last]


def _bucket_sum(month: np.ndarray, value: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per month m: sum over points of ``clip(value - edges[m], 0, edges[m+1] - edges[m])``.

    ``month`` is each point's month (0..n, with n meaning "at or past the end");
    ``value`` is the (monotone) measure at the point and ``edges`` the measure at
    the n + 1 month boundaries. Full months below a point contribute their whole
    width, the point's own month a partial amount: O(len(x) + n), no loops.
    """
    n = edges.size - 1
    width = np.diff(edges)
    counts = np.bincount(month, minlength=n + 1)
    beyond = np.cumsum(counts[::-1])[::-1]  # beyond[m] = #points with month >= m
    full = beyond[1 : n + 1] * width  # points in a later month cover month m fully
    inside = month < n
    part = np.bincount(
        month[inside],
        weights=np.clip(value[inside] - edges[month[inside]], 0.0, width[month[inside]]),
        minlength=n,
    )
    return full + part


def _prepare(
    starts: np.ndarray, ends: np.ndarray, n_months: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    s = np.asarray(starts, dtype=float).ravel()
    e = np.asarray(ends, dtype=float).ravel()
    if s.shape != e.shape:
        raise ValueError("starts and ends must have the same length")
    if n_months < 1:
        raise ValueError("n_months must be >= 1")
    horizon = n_months * HOURS_PER_MONTH
    s = np.clip(s, 0.0, horizon)
    e = np.clip(e, 0.0, horizon)
    e = np.maximum(e, s)  # reversed intervals count as empty
    edges = HOURS_PER_MONTH * np.arange(n_months + 1, dtype=float)
    edges[-1] = horizon

    def month_of(x: np.ndarray) -> np.ndarray:
        return np.minimum(np.floor(x / HOURS_PER_MONTH), n_months).astype(np.intp)

    return s, e, month_of(s), month_of(e), edges


def hours_by_month(starts: np.ndarray, ends: np.ndarray, n_months: int) -> np.ndarray:
    """Hours of the intervals ``[starts, ends]`` falling into each of ``n_months`` months.

    Intervals are clipped to ``[0, n_months * HOURS_PER_MONTH]``; overlapping
    intervals are counted once each (merge them first with
    :func:`merge_intervals` to count the union). Fully vectorised.
    """
    s, e, ms, me, edges = _prepare(starts, ends, n_months)
    return _bucket_sum(me, e, edges) - _bucket_sum(ms, s, edges)


def open_hours_by_month(
    calendar: Calendar, starts: np.ndarray, ends: np.ndarray, n_months: int
) -> np.ndarray:
    """Like :func:`hours_by_month` but counting only ``calendar``'s open hours.

    Used for "business hours lost": the clipped endpoints and the month
    boundaries are mapped through ``calendar.cumulative_open_v``, which is
    monotone, so the per-month overlap is a clipped difference of cumulative values.
    """
    s, e, ms, me, edges = _prepare(starts, ends, n_months)
    cum_edges = calendar.cumulative_open_v(edges)
    bs = calendar.cumulative_open_v(s)
    be = calendar.cumulative_open_v(e)
    return _bucket_sum(me, be, cum_edges) - _bucket_sum(ms, bs, cum_edges)
