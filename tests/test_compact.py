"""Compact monthly results (float32, small integer keys, dictionary-encoded options) and their
streamed consolidation: the file does not depend on how its rows were cut into parts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulation.montecarlo import compact
from simulation.montecarlo.compact import MonthlyWriter, compact_monthly
from simulation.montecarlo.store import ResultStore

SCENARIOS = ("internal", "external", "hybrid")


def _monthly(replications: range, months: int = 12, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        {"scenario": s, "replication": r, "month": m, "year": m // 12 + 1}
        for s in SCENARIOS
        for r in replications
        for m in range(months)
    ]
    frame = pd.DataFrame(rows)
    frame["cost_total_eur"] = rng.lognormal(10, 1, len(frame))
    frame["incidents_p1"] = rng.poisson(3, len(frame)).astype(float)
    return frame


def test_compact_types_and_rounding():
    frame = _monthly(range(5))
    small = compact_monthly(frame, SCENARIOS)
    assert isinstance(small["scenario"].dtype, pd.CategoricalDtype)
    assert list(small["scenario"].cat.categories) == list(SCENARIOS)
    assert small["replication"].dtype == np.int32
    assert small["month"].dtype == np.int16
    assert small["cost_total_eur"].dtype == np.float32
    # float32 keeps a relative 2**-24 (round to nearest) and counts exactly
    wide = frame["cost_total_eur"].to_numpy()
    error = np.abs(small["cost_total_eur"].to_numpy(np.float64) - wide) / wide
    assert error.max() <= 2.0**-24
    assert (small["incidents_p1"].to_numpy(np.float64) == frame["incidents_p1"]).all()
    assert (small["scenario"].astype(str) == frame["scenario"]).all()


def test_compact_refuses_unknown_scenario():
    frame = _monthly(range(1)).assign(scenario="elsewhere")
    with pytest.raises(ValueError, match="elsewhere"):
        compact_monthly(frame, SCENARIOS)


@pytest.mark.parametrize("cuts", [[5], [1, 2, 3], [7, 1]])
def test_writer_bytes_do_not_depend_on_the_pieces(tmp_path, monkeypatch, cuts):
    monkeypatch.setattr(compact, "ROW_GROUP_ROWS", 100)  # several row groups from 360 rows
    frame = _monthly(range(10))
    whole = tmp_path / "whole.parquet"
    writer = MonthlyWriter(whole, SCENARIOS)
    writer.add(frame)
    writer.close()
    pieces = tmp_path / "pieces.parquet"
    writer = MonthlyWriter(pieces, SCENARIOS)
    bounds = np.cumsum([0, *cuts, len(frame)]) * 12
    for start, stop in itertools.pairwise(bounds):
        writer.add(frame.iloc[min(start, len(frame)) : min(stop, len(frame))])
    writer.close()
    assert whole.read_bytes() == pieces.read_bytes()
    meta = pq.read_metadata(whole)
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [100] * 3 + [60]


def test_store_streams_parts_into_order(tmp_path):
    """Parts added out of order, and the resumed parts of an interrupted run, give the file of
    one frame sorted by option, replication and month."""
    frame = _monthly(range(12))
    reps = frame[frame["month"] == 0].drop(columns=["month", "year"])
    store = ResultStore(tmp_path, SCENARIOS)
    store.begin({"runs": 12})
    for first in (8, 0, 4):
        keep = frame["replication"].between(first, first + 3)
        rows = reps["replication"].between(first, first + 3)
        store.add(first, reps[rows], compact_monthly(frame[keep], SCENARIOS))
    got = store.finish(True)
    assert len(got) == len(reps)
    monthly = pd.read_parquet(tmp_path / "monthly.parquet")
    expected = compact_monthly(frame, SCENARIOS)
    pd.testing.assert_frame_equal(monthly, expected)


def test_resumed_parts_hold_ranges(tmp_path):
    frame = _monthly(range(10))
    reps = frame[frame["month"] == 0].drop(columns=["month", "year"])
    store = ResultStore(tmp_path, SCENARIOS)
    store.begin({"runs": 10})
    done = {0, 1, 2, 5, 6, 9}
    keep = frame["replication"].isin(done)
    old = tmp_path / "interrupted.parquet"  # an interrupted run's file, with an unfinished one
    compact_monthly(frame[keep | (frame["replication"] == 4)], SCENARIOS).to_parquet(old)
    names = store._add_resumed(reps[reps["replication"].isin(done)], {old: (0, 9)}, done, size=2)
    assert sorted(n for n in names if n.startswith("monthly")) == [
        "monthly-00000000.resumed1.parquet",  # 0-1: a run of three, cut at two
        "monthly-00000002.resumed1.parquet",
        "monthly-00000005.resumed1.parquet",
        "monthly-00000009.resumed1.parquet",
    ]
    first = pd.read_parquet(store.work / "monthly-00000000.resumed1.parquet")
    assert len(first) == 2 * len(SCENARIOS) * 12  # two replications, every option and month
    old.unlink()
    for first, last in ((3, 5), (7, 9)):
        rows = frame["replication"].between(first, last - 1)
        store.add(first, reps[reps["replication"].between(first, last - 1)], frame[rows])
    store.finish(True)
    monthly = pd.read_parquet(tmp_path / "monthly.parquet")
    pd.testing.assert_frame_equal(monthly, compact_monthly(frame, SCENARIOS))
