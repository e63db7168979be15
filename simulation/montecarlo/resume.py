"""Resuming an interrupted run: what a results folder already holds, and whether it may go on.

A run writes each completed chunk of replications (all scenarios) as a Parquet part, atomically,
into `.parts`; on Ctrl-C or SIGTERM it consolidates them into replications.parquet and
monthly.parquet (metadata.json `status: interrupted`); on SIGKILL the parts stay behind
(`status: running`). Either way `itsim run ... --resume` finds the completed replications here,
runs only the others and consolidates all of them. A replication's results depend only on the
seed and its number (its own random streams, `simulation.montecarlo.streams`), never on the
chunk or worker that ran it, so the final data files equal, byte for byte, those of a run that
was never interrupted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: What must match between the folder's run and the resumed one (metadata.json keys).
SAME = ("config_hash", "seed", "runs", "scenarios")


def resumable_metadata(out_dir: Path, wanted: dict[str, Any], flag: str = "--resume") -> dict:
    """The folder's metadata.json, checked against the run `wanted` (ConfigError, exit 2)."""
    from simulation.errors import ConfigError
    from simulation.montecarlo.store import METADATA

    path = out_dir / METADATA
    try:
        old = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise ConfigError(
            None, flag, str(out_dir), f"a folder holding an interrupted run ({path} not readable)"
        ) from None
    for key in SAME:
        if old.get(key) != wanted.get(key):
            what = "the config" if key == "config_hash" else key
            raise ConfigError(
                None,
                flag,
                str(out_dir),
                f"a folder written by the same run ({what} differs: {_short(old.get(key))} "
                f"there, {_short(wanted.get(key))} now); use --force to start over",
            )
    return old


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "..."


#: Replications a resumed part holds at most. The parts are rewritten one at a time, so resuming
#: holds the monthly rows of at most this many replications (and the keys of all of them).
RESUMED_PART_RUNS = 250


def completed_rows(
    frames: list[pd.DataFrame], monthly_keys: list[pd.DataFrame], scenarios: tuple[str, ...]
) -> tuple[pd.DataFrame, set[int]]:
    """The rows of replications every scenario completed (duplicates dropped), and their set;
    `monthly_keys` are the scenario and replication columns of the monthly files.

    A chunk is written whole for all scenarios, so a replication missing from one scenario can
    only come from a foreign file; it is run again like any other missing one.
    """
    replications = _union(frames, ["scenario", "replication"])
    if replications.empty:
        return replications, set()
    keys = _union(monthly_keys, ["scenario", "replication"])
    per = replications.groupby("replication")["scenario"].nunique()
    in_months = keys.groupby("replication")["scenario"].nunique() if len(keys) else per * 0
    whole = per[(per == len(scenarios)) & (in_months.reindex(per.index) == len(scenarios))]
    done = {int(r) for r in whole.index}
    return replications[replications["replication"].isin(done)], done


def _union(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).drop_duplicates(keys, ignore_index=True)


def resumed_ranges(done: set[int], size: int = RESUMED_PART_RUNS) -> list[tuple[int, int]]:
    """The runs of consecutive numbers in `done`, each cut into pieces of at most `size`
    replications: (first, last), both included."""
    numbers = np.array(sorted(done), dtype=np.int64)
    if not len(numbers):
        return []
    starts = numbers[np.r_[True, np.diff(numbers) != 1]]
    ends = numbers[np.r_[np.diff(numbers) != 1, True]]
    return [
        (first, min(first + size - 1, end))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        for first in range(start, end + 1, size)
    ]


def monthly_range(sources: dict[Path, tuple[int, int]], first: int, last: int) -> pd.DataFrame:
    """The monthly rows of replications `first` to `last` (included) from the files that hold
    any (`sources`: file to its lowest and highest replication), duplicates dropped."""
    wanted = [("replication", ">=", first), ("replication", "<=", last)]
    frames = [
        pd.read_parquet(path, filters=wanted)
        for path, (low, high) in sources.items()
        if low <= last and high >= first
    ]
    return _union(frames, ["scenario", "replication", "month"])


def pending_bounds(runs: int, size: int, done: set[int]) -> list[tuple[int, int]]:
    """Ranges of the replications not in `done`, each at most `size` long."""
    bounds: list[tuple[int, int]] = []
    start = None
    for r in range(runs + 1):
        missing = r < runs and r not in done
        if missing and start is None:
            start = r
        if start is not None and (not missing or r - start == size):
            bounds.append((start, r))
            start = r if missing else None
    return bounds
