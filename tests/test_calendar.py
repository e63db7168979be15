"""Property / brute-force tests for simulation.model.calendar.

Every calendar method is compared against references built directly from the
definition (day of week, hour of day), either on a minute grid (exact for
minute-quantised inputs) or by walking whole hours (exact for arbitrary floats).
"""

from __future__ import annotations

import dataclasses
import math
import pickle

import numpy as np
import pytest

from simulation.model.calendar import (
    HOURS_PER_MONTH,
    HOURS_PER_WEEK,
    HOURS_PER_YEAR,
    Calendar,
    hours_by_month,
    merge_intervals,
    month_index,
    open_hours_by_month,
)

TOL = 1e-9
WEEKS = 8  # reference horizon; random inputs stay well inside it
N_SAMPLES = 300

CALENDARS = {
    "business": Calendar(),
    "mon_sat_6_22": Calendar(days=(0, 1, 2, 3, 4, 5), start_hour=6, end_hour=22),
    "weekdays_0_24": Calendar(days=(0, 1, 2, 3, 4), start_hour=0, end_hour=24),
    "sun_mon_0_24": Calendar(days=(6, 0), start_hour=0, end_hour=24),  # wraps the week
    "always": Calendar.always(),
}


@pytest.fixture(params=list(CALENDARS), ids=list(CALENDARS))
def cal(request) -> Calendar:
    return CALENDARS[request.param]


# ------------------------------------------------------------------ references


def hour_flags(cal: Calendar, n_hours: int) -> np.ndarray:
    """Open flag of each whole hour [j, j+1), straight from the definition."""
    j = np.arange(n_hours)
    day, hod = (j // 24) % 7, j % 24
    return np.isin(day, cal.days) & (hod >= cal.start_hour) & (hod < cal.end_hour)


class MinuteRef:
    """Minute-grid reference; inputs are integer minutes, outputs hours."""

    def __init__(self, cal: Calendar, weeks: int = WEEKS):
        self.flags = np.repeat(hour_flags(cal, weeks * HOURS_PER_WEEK), 60)
        n = self.flags.size
        self.cum = np.concatenate(([0], np.cumsum(self.flags)))  # open minutes in [0, m)
        idx = np.arange(n)
        big = n + 10**9
        self.next_open = np.minimum.accumulate(np.where(self.flags, idx, big)[::-1])[::-1]
        self.next_closed = np.minimum.accumulate(np.where(~self.flags, idx, big)[::-1])[::-1]
        self.always = bool(self.flags.all())

    def is_open(self, m):
        return self.flags[m]

    def cumulative(self, m):
        return self.cum[m] / 60.0

    def between(self, a, b):
        return np.maximum(self.cum[b] - self.cum[a], 0) / 60.0

    def add(self, m, hm):
        out = np.searchsorted(self.cum, self.cum[m] + hm, side="left")
        return np.where(hm == 0, m, out) / 60.0

    def next_open_(self, m):
        return self.next_open[m] / 60.0

    def next_close(self, m):
        if self.always:
            return np.full(np.shape(m), math.inf)
        return self.next_closed[self.next_open[m]] / 60.0


def walk_add(flags: np.ndarray, t: float, h: float) -> float:
    """Add h open hours to t by walking hour by hour."""
    remaining, cur = h, t
    while remaining > 0:
        j = math.floor(cur)
        if flags[j]:
            avail = j + 1 - cur
            if remaining <= avail:
                return cur + remaining
            remaining -= avail
        cur = j + 1
    return cur if h > 0 else t


def walk_cumulative(flags: np.ndarray, t: float) -> float:
    j = math.floor(t)
    return float(flags[:j].sum()) + (t - j) * float(flags[j])


def quantised_samples(seed: int):
    """Random minute-quantised t (including whole hours) and h, as integer minutes."""
    rng = np.random.default_rng(seed)
    tm = rng.integers(0, 3 * HOURS_PER_WEEK * 60, N_SAMPLES)
    tm[: N_SAMPLES // 3] -= tm[: N_SAMPLES // 3] % 60  # a third on exact hours
    hm = rng.integers(0, 80 * 60, N_SAMPLES)
    hm[:20] = 0
    hm[20 : N_SAMPLES // 2] -= hm[20 : N_SAMPLES // 2] % 60
    am = rng.integers(0, 4 * HOURS_PER_WEEK * 60, N_SAMPLES)
    bm = rng.integers(0, 4 * HOURS_PER_WEEK * 60, N_SAMPLES)
    return tm, hm, am, bm


# ------------------------------------------------------------ scalar vs brute


def test_scalar_methods_match_minute_reference(cal):
    ref = MinuteRef(cal)
    tm, hm, am, bm = quantised_samples(1)
    for m, h_m, a_m, b_m in zip(tm.tolist(), hm.tolist(), am.tolist(), bm.tolist(), strict=True):
        t, h, a, b = m / 60, h_m / 60, a_m / 60, b_m / 60
        assert cal.is_open(t) == ref.is_open(m)
        assert cal.cumulative_open(t) == pytest.approx(ref.cumulative(m), abs=TOL)
        assert cal.open_hours_between(a, b) == pytest.approx(ref.between(a_m, b_m), abs=TOL)
        assert cal.add_open_hours(t, h) == pytest.approx(ref.add(m, h_m), abs=TOL)
        assert cal.next_open(t) == pytest.approx(ref.next_open_(m), abs=TOL)
        assert cal.next_close(t) == pytest.approx(ref.next_close(m), abs=TOL)


def test_vectorised_methods_match_minute_reference(cal):
    ref = MinuteRef(cal)
    tm, hm, am, bm = quantised_samples(2)
    t, h, a, b = tm / 60, hm / 60, am / 60, bm / 60
    np.testing.assert_allclose(cal.cumulative_open_v(t), ref.cumulative(tm), atol=TOL, rtol=0)
    np.testing.assert_allclose(cal.open_hours_between_v(a, b), ref.between(am, bm), atol=TOL)
    np.testing.assert_allclose(cal.add_open_hours_v(t, h), ref.add(tm, hm), atol=TOL, rtol=0)
    np.testing.assert_allclose(cal.next_open_v(t), ref.next_open_(tm), atol=TOL, rtol=0)


def test_continuous_inputs_match_hour_walk(cal):
    rng = np.random.default_rng(3)
    flags = hour_flags(cal, WEEKS * HOURS_PER_WEEK)
    t = rng.uniform(0, 3 * HOURS_PER_WEEK, 200)
    h = rng.exponential(20.0, 200)
    for ti, hi in zip(t.tolist(), h.tolist(), strict=True):
        assert cal.cumulative_open(ti) == pytest.approx(walk_cumulative(flags, ti), abs=TOL)
        assert cal.add_open_hours(ti, hi) == pytest.approx(walk_add(flags, ti, hi), abs=TOL)


def test_scalar_equals_vectorised(cal):
    rng = np.random.default_rng(4)
    t = np.concatenate((rng.uniform(0, 2 * HOURS_PER_YEAR, 300), np.arange(0, 400.0, 0.5)))
    h = rng.exponential(30.0, t.size)
    h[::7] = 0.0
    b = t + rng.uniform(-50, 500, t.size)
    cum_v = cal.cumulative_open_v(t)
    add_v = cal.add_open_hours_v(t, h)
    btw_v = cal.open_hours_between_v(t, b)
    nxt_v = cal.next_open_v(t)
    for k in range(t.size):
        ti, hi, bi = float(t[k]), float(h[k]), float(b[k])
        assert cal.cumulative_open(ti) == pytest.approx(cum_v[k], abs=TOL)
        assert cal.add_open_hours(ti, hi) == pytest.approx(add_v[k], abs=TOL)
        assert cal.open_hours_between(ti, bi) == pytest.approx(btw_v[k], abs=TOL)
        assert cal.next_open(ti) == pytest.approx(nxt_v[k], abs=TOL)


# ------------------------------------------------------------------ properties


def test_add_open_hours_round_trip_and_minimal(cal):
    rng = np.random.default_rng(5)
    t = np.concatenate((rng.uniform(0, 10 * HOURS_PER_YEAR, 300), np.arange(0.0, 336.0)))
    h = rng.exponential(40.0, t.size)
    h[::5] = np.round(h[::5]) + 1.0  # whole hours hit period ends exactly
    for ti, hi in zip(t.tolist(), h.tolist(), strict=True):
        s = cal.add_open_hours(ti, hi)
        assert s >= ti
        assert cal.open_hours_between(ti, s) == pytest.approx(hi, abs=TOL)
        # minimal: just before s less work is done, and s is inside / at the end of a period
        assert cal.open_hours_between(ti, s - 1e-6) < hi
        assert cal.is_open(s - 1e-7)
    s_v = cal.add_open_hours_v(t, h)
    np.testing.assert_allclose(cal.open_hours_between_v(t, s_v), h, atol=TOL, rtol=0)


def test_add_zero_and_negative(cal):
    for t in (0.0, 7.5, 19.0, 130.25, 5000.0):
        assert cal.add_open_hours(t, 0.0) == t
    np.testing.assert_array_equal(cal.add_open_hours_v([19.0, 130.0], 0.0), [19.0, 130.0])
    with pytest.raises(ValueError, match="h must be"):
        cal.add_open_hours(1.0, -1.0)
    with pytest.raises(ValueError, match="h must be"):
        cal.add_open_hours_v([1.0], [-1.0])


def test_weekly_periodicity_at_large_t(cal):
    rng = np.random.default_rng(6)
    w = cal.open_hours_per_week
    for t in rng.uniform(0, HOURS_PER_WEEK, 50).tolist():
        k = int(rng.integers(1, 600))
        big = t + k * HOURS_PER_WEEK
        assert cal.cumulative_open(big) == pytest.approx(cal.cumulative_open(t) + k * w, abs=1e-7)
        assert cal.is_open(big) == cal.is_open(t)
        assert cal.next_open(big) - k * HOURS_PER_WEEK == pytest.approx(cal.next_open(t), abs=1e-7)


def test_open_hours_between_empty_and_additive(cal):
    assert cal.open_hours_between(10.0, 10.0) == 0.0
    assert cal.open_hours_between(50.0, 10.0) == 0.0
    np.testing.assert_array_equal(cal.open_hours_between_v([50.0, 3.0], [10.0, 3.0]), [0, 0])
    rng = np.random.default_rng(7)
    a, b, c = np.sort(rng.uniform(0, 1000, (3, 100)), axis=0)
    np.testing.assert_allclose(
        cal.open_hours_between_v(a, b) + cal.open_hours_between_v(b, c),
        cal.open_hours_between_v(a, c),
        atol=TOL,
    )


def test_open_starts_match_brute_force(cal):
    horizon = 3 * HOURS_PER_WEEK + 10.5
    flags = hour_flags(cal, 4 * HOURS_PER_WEEK)
    expected = [
        float(j)
        for j in range(math.ceil(horizon))
        if j < horizon and flags[j] and (j == 0 or not flags[j - 1])
    ]
    np.testing.assert_array_equal(cal.open_starts(horizon), expected)
    assert cal.open_starts(0.0).size == 0


# --------------------------------------------------------------- pinned cases


def test_open_hours_per_week():
    assert CALENDARS["business"].open_hours_per_week == 50
    assert CALENDARS["mon_sat_6_22"].open_hours_per_week == 96
    assert CALENDARS["weekdays_0_24"].open_hours_per_week == 120
    assert Calendar.always().open_hours_per_week == HOURS_PER_WEEK


def test_is_open_at_boundaries():
    cal = Calendar()
    assert cal.is_open(8.0)
    assert not cal.is_open(18.0)
    assert not cal.is_open(8.0 - 1e-9)
    assert cal.is_open(18.0 - 1e-9)
    assert not cal.is_open(5 * 24 + 10.0)  # Saturday 10:00
    assert cal.is_open(4 * 24 + 17.5)  # Friday 17:30


def test_next_open_friday_evening_is_monday_morning():
    cal = Calendar()
    for k in range(4):
        week = HOURS_PER_WEEK * k
        monday_8 = HOURS_PER_WEEK * (k + 1) + 8
        for t in (4 * 24 + 18, 4 * 24 + 19.25, 5 * 24 + 12, 6 * 24 + 23.99):
            assert cal.next_open(week + t) == monday_8
        assert cal.next_open(week + 7.5) == week + 8  # Monday before opening
        assert cal.next_close(week + 4 * 24 + 19) == monday_8 + 10
        assert cal.next_close(week + 9) == week + 18
    np.testing.assert_array_equal(cal.next_open_v([4 * 24 + 19.0, 9.0]), [176.0, 9.0])


def test_open_period_runs_across_midnight():
    cal = CALENDARS["weekdays_0_24"]
    assert cal.next_close(3.0) == 120.0  # Mon 03:00 -> Sat 00:00
    assert cal.next_close(130.0) == HOURS_PER_WEEK + 120.0
    assert cal.next_open(130.0) == HOURS_PER_WEEK
    assert cal.add_open_hours(100.0, 30.0) == HOURS_PER_WEEK + 10.0
    wrap = CALENDARS["sun_mon_0_24"]
    assert wrap.next_close(150.0) == HOURS_PER_WEEK + 24.0  # Sun 06:00 -> Tue 00:00
    assert wrap.next_close(5.0) == 24.0


def test_always_is_identity():
    cal = Calendar.always()
    assert cal.is_always_open
    assert cal == Calendar(days=range(7), start_hour=0, end_hour=24)
    assert cal.add_open_hours(3.25, 10.5) == 13.75
    assert cal.open_hours_between(2.0, 9.5) == 7.5
    assert cal.cumulative_open(1234.5) == 1234.5
    assert cal.next_open(77.7) == 77.7
    assert cal.next_close(77.7) == math.inf
    np.testing.assert_array_equal(cal.open_starts(10 * HOURS_PER_WEEK), [0.0])
    t = np.array([0.0, 5.5, 1000.25])
    np.testing.assert_array_equal(cal.add_open_hours_v(t, 2.0), t + 2.0)
    np.testing.assert_array_equal(cal.cumulative_open_v(t), t)


def test_calendar_value_semantics():
    cal = Calendar(days=[4, 0, 2, 2], start_hour=9, end_hour=17)
    assert cal.days == (0, 2, 4)
    assert cal == Calendar(days=(0, 2, 4), start_hour=9, end_hour=17)
    assert hash(cal) == hash(Calendar(days=(0, 2, 4), start_hour=9, end_hour=17))
    assert cal != Calendar()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.start_hour = 7  # type: ignore[misc]
    clone = pickle.loads(pickle.dumps(cal))
    assert clone == cal
    assert clone.add_open_hours(20.0, 3.0) == cal.add_open_hours(20.0, 3.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days": ()},
        {"days": (7,)},
        {"days": (-1,)},
        {"start_hour": 18, "end_hour": 8},
        {"start_hour": 8, "end_hour": 8},
        {"start_hour": -1},
        {"end_hour": 25},
        {"start_hour": 8.5},
    ],
)
def test_invalid_calendar(kwargs):
    with pytest.raises(ValueError):  # noqa: PT011
        Calendar(**kwargs)


# ---------------------------------------------------------------------- months


def test_constants():
    assert HOURS_PER_MONTH == 730.0
    assert HOURS_PER_YEAR == 365 * 24


def test_month_index():
    t = np.array([-5.0, 0.0, 729.99, 730.0, 1500.0, 99999.0])
    np.testing.assert_array_equal(month_index(t, 3), [0, 0, 0, 1, 2, 2])
    rng = np.random.default_rng(8)
    t = rng.uniform(-100, 13 * HOURS_PER_MONTH, 500)
    expected = [min(max(int(x // HOURS_PER_MONTH), 0), 11) for x in t]
    np.testing.assert_array_equal(month_index(t, 12), expected)


def random_intervals(rng, n, n_months):
    horizon = n_months * HOURS_PER_MONTH
    starts = rng.uniform(-200, horizon + 100, n)
    lengths = rng.choice([1.0, 50.0, 900.0, 2000.0], n) * rng.random(n)
    ends = starts + lengths
    ends[:5] = starts[:5] - 3.0  # reversed intervals count as empty
    starts[5:10] = np.arange(5) * HOURS_PER_MONTH  # exact month boundaries
    ends[5:10] = starts[5:10] + HOURS_PER_MONTH
    return starts, ends


def test_hours_by_month_matches_brute_force():
    rng = np.random.default_rng(9)
    n_months = 6
    starts, ends = random_intervals(rng, 300, n_months)
    got = hours_by_month(starts, ends, n_months)
    assert got.shape == (n_months,)
    expected = np.zeros(n_months)
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        for m in range(n_months):
            lo, hi = m * HOURS_PER_MONTH, (m + 1) * HOURS_PER_MONTH
            expected[m] += max(0.0, min(e, hi) - max(s, lo))
    np.testing.assert_allclose(got, expected, atol=1e-7, rtol=0)
    horizon = n_months * HOURS_PER_MONTH
    clipped = np.maximum(np.clip(ends, 0, horizon) - np.clip(starts, 0, horizon), 0)
    assert got.sum() == pytest.approx(clipped.sum(), abs=1e-6)
    assert hours_by_month(np.empty(0), np.empty(0), 3).tolist() == [0.0, 0.0, 0.0]


def test_open_hours_by_month_matches_brute_force(cal):
    rng = np.random.default_rng(10)
    n_months = 4
    starts, ends = random_intervals(rng, 150, n_months)
    flags = hour_flags(cal, math.ceil(n_months * HOURS_PER_MONTH) + 2)
    got = open_hours_by_month(cal, starts, ends, n_months)
    expected = np.zeros(n_months)
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        for m in range(n_months):
            lo, hi = m * HOURS_PER_MONTH, (m + 1) * HOURS_PER_MONTH
            a, b = max(s, lo), min(e, hi)
            if b > a:
                expected[m] += walk_cumulative(flags, b) - walk_cumulative(flags, a)
    np.testing.assert_allclose(got, expected, atol=1e-7, rtol=0)
    horizon = n_months * HOURS_PER_MONTH
    total = cal.open_hours_between_v(np.clip(starts, 0, horizon), np.clip(ends, 0, horizon))
    assert got.sum() == pytest.approx(total.sum(), abs=1e-6)


def test_merge_intervals_disjoint_and_same_union():
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(1, 40))
        starts = rng.integers(0, 200, n).astype(float)
        ends = starts + rng.integers(0, 30, n)  # integer endpoints, some empty
        ms, me = merge_intervals(starts, ends)
        assert np.all(me > ms)
        assert np.all(ms[1:] > me[:-1])  # sorted, disjoint, not even touching
        grid = np.arange(-1, 240) + 0.5  # unit cells are either covered or not
        covered_in = ((grid[:, None] > starts) & (grid[:, None] < ends)).any(axis=1)
        covered_out = ((grid[:, None] > ms) & (grid[:, None] < me)).any(axis=1)
        np.testing.assert_array_equal(covered_in, covered_out)
        assert (me - ms).sum() == covered_in.sum()


def test_merge_intervals_touching_and_empty():
    s, e = merge_intervals([5.0, 0.0, 1.0, 10.0], [6.0, 1.0, 2.5, 12.0])
    np.testing.assert_array_equal(s, [0.0, 5.0, 10.0])
    np.testing.assert_array_equal(e, [2.5, 6.0, 12.0])
    s, e = merge_intervals([0.0, 1.0], [10.0, 3.0])  # nested
    assert s.tolist() == [0.0]
    assert e.tolist() == [10.0]
    s, e = merge_intervals([], [])
    assert s.size == 0
    assert e.size == 0
