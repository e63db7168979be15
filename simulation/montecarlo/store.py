"""The result store: replications.parquet, monthly.parquet and metadata.json, written safely.

Chunks are written as Parquet parts into a hidden work folder as they complete, so an interrupted
run loses nothing that finished. `finish` consolidates the parts, sorted by scenario and
replication, into the final files and replaces them atomically; metadata.json says whether the run
completed and which replications it holds. Results are never pickles.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import __version__
from simulation.errors import NO_VALUE
from simulation.model.ledger import COST_CATEGORIES, COUNTERS
from simulation.montecarlo.compact import MonthlyWriter

REPLICATIONS = "replications.parquet"
MONTHLY = "monthly.parquet"
METADATA = "metadata.json"
#: What would change the answer (`itsim run` with a `sensitivity.structural` block).
STRUCTURAL = "structural.csv"
BREAK_EVEN = "break_even.csv"
STRUCTURAL_META = "structural.json"
_PACKAGES = ("numpy", "scipy", "simpy", "pandas", "pyarrow", "pydantic", "matplotlib")
#: Sub-folders of a results folder written by other commands (`itsim sensitivity`): neither
#: counted as an earlier run's output nor removed by --force.
_OTHER_COMMANDS = ("sensitivity",)
#: What itsim writes into a results folder; --force removes only a folder made of these.
_OUTPUT_SUFFIXES = (".parquet", ".json", ".csv", ".png", ".pdf", ".xlsx", ".tmp")


def versions() -> dict[str, str]:
    """Versions of itsim, Python and the numerical libraries (provenance)."""
    found = {"itsim": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON file whole or not at all (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, path)


def write_csv_atomic(path: Path, table: pd.DataFrame, index: bool = False) -> None:
    """Write a CSV file whole or not at all (a temporary file renamed into place)."""
    tmp = path.with_name(f".{path.name}.tmp")
    table.to_csv(tmp, index=index)
    os.replace(tmp, path)


def write_whatif(
    out_dir: Path, grid: pd.DataFrame | None, sweep: pd.DataFrame | None, meta: dict[str, Any]
) -> list[Path]:
    """Write the structural grid, the break-even sweep and their metadata (JSON last, so a
    reader that finds structural.json finds the tables it names)."""
    written = []
    for name, table in ((STRUCTURAL, grid), (BREAK_EVEN, sweep)):
        path = out_dir / name
        if table is not None:
            write_csv_atomic(path, table)
            written.append(path)
        elif path.exists():
            path.unlink()
    write_json_atomic(out_dir / STRUCTURAL_META, meta)
    return [*written, out_dir / STRUCTURAL_META]


def remove_whatif(out_dir: Path) -> None:
    """Remove a previous run's grid and sweep, so that a report never shows stale ones."""
    for name in (STRUCTURAL_META, STRUCTURAL, BREAK_EVEN):
        (out_dir / name).unlink(missing_ok=True)


def read_whatif(
    out_dir: str | Path, config_hash: str | None = None
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, dict[str, Any]] | None:
    """The structural grid, sweep and metadata of a results folder, or None when absent or
    written for another config (`config_hash` differs) than the run in the folder."""
    out_dir = Path(out_dir)
    path = out_dir / STRUCTURAL_META
    if not path.exists():
        return None
    meta = json.loads(path.read_text("utf-8"))
    if config_hash is not None and meta.get("config_hash") != config_hash:
        return None
    tables = [
        pd.read_csv(out_dir / name) if (out_dir / name).exists() else None
        for name in (STRUCTURAL, BREAK_EVEN)
    ]
    return tables[0], tables[1], meta


def replication_columns(services: list[str] | tuple[str, ...]) -> list[str]:
    """The result columns of replications.parquet for these services (without `param_*`)."""
    from simulation.config.schema import SEVERITIES
    from simulation.model.ledger import COST_GROUPS

    columns = ["scenario", "replication"]
    columns += [f"cost_{cat}_eur" for cat in COST_CATEGORIES]
    for group in COST_GROUPS:
        columns += [f"cost_{group}_total_eur", f"cost_{group}_npv_eur"]
    columns += ["cost_total_eur", "cost_npv_eur", "downtime_hours"]
    columns += [f"downtime_{sid}_hours" for sid in services]
    columns += [f"cost_service_{sid}_eur" for sid in services]
    columns += list(COUNTERS)
    columns += [f"resolution_hours_mean_p{i + 1}" for i in range(len(SEVERITIES))]
    return columns


def check_output_column(experiment: Any, file: str) -> None:
    """The `sensitivity.output.column` must be a numeric column of replications.parquet."""
    import difflib

    from simulation.errors import ConfigError

    settings = experiment.sensitivity
    if settings is None:
        return
    known = replication_columns(list(experiment.services))[2:]
    column = settings.output.column
    if column not in known:
        close = difflib.get_close_matches(column, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else " (see replications.parquet)"
        raise ConfigError(file, "sensitivity.output.column", column, f"a result column{hint}")


def prepare_results_folder(out_dir: Path, force: bool, flag: str = "--out") -> None:
    """Make sure `out_dir` can take one run's results, without creating it.

    A folder that holds an earlier run's outputs is refused unless `force`, which clears it
    first (one run per folder: never figures of one run beside the metadata of another). Only
    a folder made of itsim outputs is ever cleared. A file in the way or a folder that cannot
    be written is refused. Raises ConfigError (CLI exit code 2) naming the flag and the path.
    """
    check_writable_folder(out_dir, flag)
    if out_dir.exists():
        _clear_earlier_run(out_dir, force, flag)


def check_writable_folder(out_dir: Path, flag: str = "--out") -> None:
    """Refuse (ConfigError) an output folder that is a file, lies under one or cannot be
    written; nothing is created."""
    from simulation.errors import ConfigError

    for parent in [out_dir, *out_dir.parents]:
        if parent.exists() and not parent.is_dir():
            where = "is a file" if parent == out_dir else f"lies under the file {parent}"
            raise ConfigError(None, flag, str(out_dir), f"a folder ({out_dir} {where})")
    existing = out_dir if out_dir.exists() else next(p for p in out_dir.parents if p.exists())
    try:  # a probe, as permissions alone do not tell (root, read-only mounts, /proc)
        os.rmdir(tempfile.mkdtemp(prefix=".itsim-probe-", dir=existing))
    except OSError as exc:
        raise ConfigError(
            None, flag, str(out_dir), f"a place you may write ({existing}: {exc.strerror})"
        ) from None


def _clear_earlier_run(out_dir: Path, force: bool, flag: str) -> None:
    from simulation.errors import ConfigError

    entries = [p for p in out_dir.iterdir() if p.name not in _OTHER_COMMANDS]
    if not entries:
        return
    foreign = [p.name for p in entries if not _is_output(p)]
    if not foreign and not _written_by_itsim(out_dir):
        foreign = [entries[0].name]  # e.g. a folder of someone's PDFs: never ours to clear
    if foreign:
        raise ConfigError(
            None, flag, str(out_dir),
            f"an empty folder or one holding itsim results; it holds {foreign[0]!r}"
            + (f" and {len(entries) - 1} more" if len(entries) > 1 else "")
            + f" — choose another {flag}",
        )  # fmt: skip
    if not force:
        raise ConfigError(
            None, flag, str(out_dir),
            f"an empty folder; it holds an earlier run's results ({len(entries)} files) — "
            "add --force to replace them, or choose another --out",
        )  # fmt: skip
    for entry in entries:
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _written_by_itsim(out_dir: Path) -> bool:
    """Whether a folder holds itsim's own provenance (a run's parts or metadata of itsim)."""
    if (out_dir / ".parts").is_dir():
        return True
    for name in (METADATA, "sensitivity.json", "verify.json"):
        try:
            data = json.loads((out_dir / name).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and ("itsim_version" in data or "versions" in data):
            return True
    return False


def _is_output(path: Path) -> bool:
    """Whether `path` is something itsim writes into a results folder: its data, figures,
    reports, and a figure's caption text (a .txt beside a PNG of the same stem)."""
    if path.is_dir():
        return path.name == ".parts"
    if path.suffix == ".txt":
        return path.with_suffix(".png").is_file()
    return path.name.endswith(_OUTPUT_SUFFIXES)


class ResultStore:
    """Writes one run's results into `out_dir`."""

    def __init__(self, out_dir: str | Path, scenario_order: tuple[str, ...]) -> None:
        self.out_dir = Path(out_dir)
        self.work = self.out_dir / ".parts"
        self.scenario_order = scenario_order
        self.metadata: dict[str, Any] = {}
        self.done: set[int] = set()

    def begin(self, metadata: dict[str, Any]) -> None:
        """Create the folders and start a fresh set of parts."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if self.work.exists():
            shutil.rmtree(self.work)
        self.work.mkdir()
        self.metadata = {
            **metadata,
            "itsim_version": __version__,
            "versions": versions(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "completed": False,
            "status": "running",
            "cost_categories": list(COST_CATEGORIES),
            "counters": list(COUNTERS),
        }
        write_json_atomic(self.out_dir / METADATA, self.metadata)

    def resume(self, metadata: dict[str, Any]) -> set[int]:
        """Take up the interrupted run in the folder (the same config, seed, runs and scenarios,
        else ConfigError): its completed replications are rewritten as parts of consecutive
        replications, and the set of their numbers is returned; metadata.json notes the
        resumption. Only the replications table and the monthly keys are read whole."""
        from simulation.montecarlo.resume import completed_rows, resumable_metadata

        old = resumable_metadata(self.out_dir, metadata)
        old_parts = sorted(self.work.glob("*.parquet")) if self.work.is_dir() else []
        sources = {
            n: [p for p in old_parts if p.name.startswith(n)] for n in ("replications", "monthly")
        }
        for name, final in (("replications", REPLICATIONS), ("monthly", MONTHLY)):
            if old.get("status") != "running" and (self.out_dir / final).is_file():
                sources[name].append(self.out_dir / final)
        keys = {
            p: pd.read_parquet(p, columns=["scenario", "replication"]) for p in sources["monthly"]
        }
        replications, done = completed_rows(
            [pd.read_parquet(p) for p in sources["replications"]],
            list(keys.values()),
            self.scenario_order,
        )
        spans = {
            p: (int(k["replication"].min()), int(k["replication"].max()))
            for p, k in keys.items()
            if len(k)
        }
        del keys
        self.work.mkdir(exist_ok=True)
        kept = self._add_resumed(replications, spans, done)
        for part in old_parts:
            if part.name not in kept:
                part.unlink()
        self.metadata = {
            **old,
            **metadata,
            "completed": False,
            "status": "running",
            "resumed": [*old.get("resumed", []), datetime.now(UTC).isoformat(timespec="seconds")],
        }
        write_json_atomic(self.out_dir / METADATA, self.metadata)
        self.done = set(done)
        return set(done)

    def add(self, first: int, replications: pd.DataFrame, monthly: pd.DataFrame) -> None:
        """Persist one completed chunk (atomically: a part is either whole or absent)."""
        self._write_parts(f"{first:08d}", replications, monthly)
        self.done.add(first)

    def _write_parts(self, stem: str, replications: pd.DataFrame, monthly: pd.DataFrame) -> None:
        for name, frame in (("replications", replications), ("monthly", monthly)):
            tmp = self.work / f".{name}-{stem}.parquet.tmp"
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, self.work / f"{name}-{stem}.parquet")

    def _add_resumed(
        self,
        replications: pd.DataFrame,
        sources: dict[Path, tuple[int, int]],
        done: set[int],
        size: int | None = None,
    ) -> set[str]:
        """The completed replications of an interrupted run as parts of consecutive numbers (at
        most `size`, default `RESUMED_PART_RUNS`), each named by its first like a chunk, so that
        no other part interleaves them; their monthly rows are read from `sources` (file to its
        lowest and highest replication) one part at a time. The names of the files written:
        new names, so that no file still to be read is overwritten."""
        from simulation.montecarlo.resume import RESUMED_PART_RUNS, monthly_range, resumed_ranges

        tag = f"resumed{self._resumed_generation() + 1}"
        names: set[str] = set()
        for first, last in resumed_ranges(done, size or RESUMED_PART_RUNS):
            stem = f"{first:08d}.{tag}"
            rows = replications["replication"].between(first, last)
            self._write_parts(stem, replications[rows], monthly_range(sources, first, last))
            names |= {f"replications-{stem}.parquet", f"monthly-{stem}.parquet"}
        return names

    def _resumed_generation(self) -> int:
        """The highest generation of the resumed parts in the work folder (0: none)."""
        found = [0]
        for part in self.work.glob("*.resumed*.parquet"):
            digits = part.name.split(".resumed", 1)[1].split(".")[0]
            found.append(int(digits) if digits.isdigit() else 0)
        return max(found)

    def completed_replications(self) -> pd.DataFrame:
        """The replications rows written so far (all parts, sorted)."""
        return self._read_parts("replications")

    def _parts(self, name: str) -> list[Path]:
        """The parts of `name`, in the order of the replications they hold."""
        parts = self.work.glob(f"{name}-*.parquet")
        return sorted(parts, key=lambda p: int(p.name.split("-", 1)[1].split(".")[0]))

    def _read_parts(self, name: str) -> pd.DataFrame:
        parts = self._parts(name)
        if not parts:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        order = {s: i for i, s in enumerate(self.scenario_order)}
        keys = ["_order", "replication"] + (["month"] if "month" in frame else [])
        frame["_order"] = frame["scenario"].map(order).astype(int)
        frame = frame.sort_values(keys, kind="stable").drop(columns="_order")
        return frame.reset_index(drop=True)

    def _write_monthly(self, path: Path, below: int | None) -> None:
        """monthly.parquet from the parts, one part and option at a time (streamed: the run's
        monthly rows are never all in memory)."""
        writer = MonthlyWriter(path, self.scenario_order)
        parts = self._parts("monthly")
        for scenario in self.scenario_order:
            for part in parts:
                piece = pd.read_parquet(part)
                keep = piece["scenario"].astype(str).to_numpy() == scenario
                if below is not None:
                    keep &= piece["replication"].to_numpy() < below
                piece = piece[keep].sort_values(["replication", "month"], kind="stable")
                writer.add(piece)
        writer.close()

    def finish(self, completed: bool, below: int | None = None, **extra: Any) -> pd.DataFrame:
        """Consolidate the parts into the final files and write metadata.json last; with
        `below`, only replications numbered below it (a run stopped on a precision target).
        Returns the replications; monthly.parquet is written without being held in memory."""
        replications = self._read_parts("replications")
        if below is not None and len(replications):
            replications = replications[replications["replication"] < below]
            replications = replications.reset_index(drop=True)
        tmp = self.out_dir / f".{REPLICATIONS}.tmp"
        replications.to_parquet(tmp, index=False)
        os.replace(tmp, self.out_dir / REPLICATIONS)
        tmp = self.out_dir / f".{MONTHLY}.tmp"
        self._write_monthly(tmp, below)
        os.replace(tmp, self.out_dir / MONTHLY)
        per_scenario = (
            replications.groupby("scenario", sort=False)["replication"].count().to_dict()
            if len(replications)
            else {}
        )
        self.metadata.update(
            completed=completed,
            status="completed" if completed else "interrupted",
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            replications_completed=per_scenario,
            **extra,
        )
        write_json_atomic(self.out_dir / METADATA, self.metadata)
        shutil.rmtree(self.work, ignore_errors=True)
        return replications


def update_metadata(out_dir: str | Path, **entries: Any) -> dict[str, Any]:
    """Add `entries` to a finished run's metadata.json (atomically); returns the new content."""
    path = Path(out_dir) / METADATA
    data = json.loads(path.read_text("utf-8"))
    data.update(entries)
    write_json_atomic(path, data)
    return data


def read_results(
    out_dir: str | Path, monthly_columns: Callable[[list[str]], list[str]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read a results folder: replications, monthly frames and metadata; `monthly_columns`
    picks the monthly columns to read from all of them (default: all)."""
    out_dir = Path(out_dir)
    meta = json.loads((out_dir / METADATA).read_text("utf-8"))
    return (
        pd.read_parquet(out_dir / REPLICATIONS),
        read_monthly(out_dir / MONTHLY, monthly_columns),
        meta,
    )


def read_monthly(
    path: Path, monthly_columns: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    """monthly.parquet, all columns or those `monthly_columns(names)` picks."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    columns = monthly_columns(names) if monthly_columns else names
    if parquet.metadata.num_row_groups < 2:
        return parquet.read(columns=columns).to_pandas()
    return _by_row_group(parquet, columns)


def _by_row_group(parquet: Any, columns: list[str]) -> pd.DataFrame:
    """The columns of a Parquet file read one row group at a time into arrays allocated once:
    the peak is the frame plus one row group, not the frame twice (Arrow, then pandas)."""
    total = parquet.metadata.num_rows
    arrays: dict[str, np.ndarray] = {}
    categories: dict[str, pd.Index] = {}
    start = 0
    for i in range(parquet.metadata.num_row_groups):
        piece = parquet.read_row_group(i, columns=columns).to_pandas()
        stop = start + len(piece)
        for name in columns:
            values = piece[name]
            if isinstance(values.dtype, pd.CategoricalDtype):
                if categories.setdefault(name, values.cat.categories).equals(values.cat.categories):
                    values = values.cat.codes
                else:  # row groups with other dictionaries: the plain values
                    return parquet.read(columns=columns).to_pandas()
            if name not in arrays:
                arrays[name] = np.empty(total, dtype=values.to_numpy().dtype)
            arrays[name][start:stop] = values.to_numpy()
        start = stop
    return pd.DataFrame(
        {
            name: pd.Categorical.from_codes(arrays[name], categories[name])
            if name in categories
            else arrays[name]
            for name in columns
        },
        copy=False,  # the arrays as they are: no consolidation into one block (a second copy)
    )


#: What `itsim report` needs from metadata.json, with the type each must have.
_REPORT_KEYS = {
    "scenarios": list, "services": list, "runs": int, "seed": int, "horizon_years": int,
    "config": dict, "config_hash": str,
}  # fmt: skip


def read_results_checked(
    out_dir: str | Path, monthly_columns: Callable[[list[str]], list[str]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read a results folder for a report, refusing one that `itsim run` did not write whole.

    Raises ConfigError (one line: file, what is wrong, what was expected) for a missing or
    unreadable metadata.json, one from another program, and missing, truncated or foreign
    Parquet files; nothing is written.
    """
    from simulation.errors import ConfigError

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ConfigError(None, "RESULTS_DIR", str(out_dir), "a folder written by `itsim run`")
    meta_path = out_dir / METADATA
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            str(meta_path), "", NO_VALUE, "a metadata.json written by `itsim run`"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(str(meta_path), "", NO_VALUE, f"valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ConfigError(str(meta_path), "", type(meta).__name__, "a JSON object from itsim")
    for key, kind in _REPORT_KEYS.items():
        if not isinstance(meta.get(key), kind):
            raise ConfigError(
                str(meta_path), key, meta.get(key, NO_VALUE), f"a {kind.__name__} (itsim run)"
            )
    frames = [
        _read_parquet(out_dir / REPLICATIONS),
        _read_parquet(out_dir / MONTHLY, monthly_columns),
    ]
    needed = {REPLICATIONS: ["scenario", "replication", "cost_npv_eur"], MONTHLY: ["month"]}
    for (name, columns), frame in zip(needed.items(), frames, strict=True):
        missing = [c for c in columns if c not in frame]
        if missing or not len(frame):
            raise ConfigError(
                str(out_dir / name), "", NO_VALUE,
                f"itsim results with rows and the column {(missing or columns)[0]!r}",
            )  # fmt: skip
    return frames[0], frames[1], meta


def _read_parquet(
    path: Path, columns: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    from simulation.errors import ConfigError

    if not path.is_file():
        raise ConfigError(str(path), "", NO_VALUE, "a file written by `itsim run` (missing)")
    try:
        return read_monthly(path, columns)
    except Exception as exc:  # pyarrow raises several types for truncated or foreign files
        reason = " ".join(str(exc).split())[:80]
        raise ConfigError(str(path), "", NO_VALUE, f"a whole Parquet file ({reason})") from None


#: What `itsim sensitivity` writes: its metadata, and a table per method with the columns each
#: must have to be read back (the figures and the report chapter need them).
SENSITIVITY_META = "sensitivity.json"
SENSITIVITY_TABLES: dict[str, tuple[str, ...]] = {
    "tornado": ("parameter", "output_low", "output_high", "baseline", "swing"),
    "spider": ("parameter", "percentile", "output"),
    "sobol": ("parameter", "first_order", "total_order"),
    "delta": ("parameter", "delta", "first_order"),
    "break_even": ("value", "mean_difference"),
    "decision_map": ("x", "y", "preferred", "p_cheapest"),
    "structural": ("variant", "scenario", "runs", "mean_npv_eur", "p_cheapest_total"),
}
#: What reading a sensitivity folder back needs from sensitivity.json, with each one's type.
_SENSITIVITY_KEYS = {
    "output": dict, "methods": list, "runs": int, "seed": int, "config": dict,
    "config_hash": str, "scenarios": list,
}  # fmt: skip


@dataclass
class StoredSensitivity:
    """A sensitivity analysis read back from its folder: the tables of
    `analysis.sensitivity.SensitivityResult` (None where a method was not run) and `settings`,
    the config's `sensitivity` section as run (its methods those of sensitivity.json), which
    names the swept parameter, the decision map's axes and the structural variants."""

    output: Any  # config.schema.SensitivityOutput: statistic, scenario, column, baseline, q
    runs: int
    seed: int
    settings: Any  # config.schema.SensitivitySettings
    sobol_runs: int | None = None
    tornado: pd.DataFrame | None = None
    spider: pd.DataFrame | None = None
    sobol: pd.DataFrame | None = None
    delta: pd.DataFrame | None = None
    delta_runs: int | None = None
    break_even: pd.DataFrame | None = None
    flip: dict[str, float] | None = None
    decision_map: pd.DataFrame | None = None
    structural: pd.DataFrame | None = None
    structural_runs: int | None = None
    # the config's rank correlations (path a, path b, Spearman rho), empty when independent
    correlations: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def methods(self) -> list[str]:
        """The methods whose tables are present, in the order `itsim sensitivity` runs them."""
        return [m for m in SENSITIVITY_TABLES if getattr(self, m) is not None]


def read_sensitivity(folder: str | Path) -> tuple[StoredSensitivity, dict[str, Any]]:
    """Read a folder written by `itsim sensitivity` back, without recomputing: its tables and
    sensitivity.json, so that `reporting.sensitivity_plots.write_sensitivity_figures` draws the
    same figures as from the result in memory.

    The metadata gains `finished` (the time sensitivity.json was written) when it lacks one, so
    that figures drawn later carry the day of the analysis. Raises ConfigError (one line naming
    the file and what was expected) for a missing folder, a missing, unreadable or foreign
    sensitivity.json, and a method's table that is missing, truncated or lacks a column.
    """
    from pydantic import ValidationError

    from simulation.config.correlations import pairs_of_config
    from simulation.config.schema import SensitivityOutput, SensitivitySettings
    from simulation.errors import ConfigError

    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(None, "FOLDER", str(folder), "a folder written by `itsim sensitivity`")
    meta_path = folder / SENSITIVITY_META
    expected = "a sensitivity.json written by `itsim sensitivity`"
    meta = _read_json_object(meta_path, expected)
    if not any(key in meta for key in _SENSITIVITY_KEYS):
        raise ConfigError(str(meta_path), "", NO_VALUE, f"{expected} (none of its keys)")
    for key, kind in _SENSITIVITY_KEYS.items():
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise ConfigError(
                str(meta_path), key, meta.get(key, NO_VALUE),
                f"a {kind.__name__}, as `itsim sensitivity` writes it",
            )  # fmt: skip
    unknown = [m for m in meta["methods"] if m not in SENSITIVITY_TABLES]
    if unknown or not meta["methods"]:
        raise ConfigError(
            str(meta_path), "methods", unknown[0] if unknown else [],
            f"methods of `itsim sensitivity` ({', '.join(SENSITIVITY_TABLES)})",
        )  # fmt: skip
    try:
        output = SensitivityOutput.model_validate(meta["output"])
        section = meta["config"].get("sensitivity")
        if not isinstance(section, dict):
            raise ConfigError(str(meta_path), "config.sensitivity", section, "a mapping")
        settings = SensitivitySettings.model_validate({**section, "methods": meta["methods"]})
    except (ValidationError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": exc}
        where = ".".join(str(p) for p in first["loc"])
        reason = " ".join(f"{where}: {first['msg']}".split())[:90]
        raise ConfigError(
            str(meta_path), "config.sensitivity", NO_VALUE,
            f"the `sensitivity` section that was run ({reason})",
        ) from None  # fmt: skip
    tables = {m: _read_table(folder / f"{m}.csv", SENSITIVITY_TABLES[m]) for m in meta["methods"]}
    flip = None
    if "break_even" in tables:
        flip = meta.get("break_even")
        if not isinstance(flip, dict) or "break_even" not in flip:
            raise ConfigError(
                str(meta_path), "break_even", flip if flip is not None else NO_VALUE,
                "the break-even point and its band (itsim sensitivity)",
            )  # fmt: skip
        flip = {k: float("nan") if v is None else float(v) for k, v in flip.items()}
    runs = int(meta["runs"])
    stored = StoredSensitivity(
        output=output,
        runs=runs,
        seed=int(meta["seed"]),
        settings=settings,
        sobol_runs=(settings.sobol_runs or runs) if "sobol" in tables else None,
        delta_runs=(settings.delta_runs or runs) if "delta" in tables else None,
        correlations=pairs_of_config(meta["config"]),
        flip=flip,
        structural_runs=_int_or_none(meta.get("structural_runs")),
        **tables,
    )
    if "finished" not in meta:
        written = datetime.fromtimestamp(meta_path.stat().st_mtime, UTC)
        meta["finished"] = written.isoformat(timespec="seconds")
    return stored, meta


def _read_json_object(path: Path, expected: str) -> dict[str, Any]:
    from simulation.errors import ConfigError

    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", NO_VALUE, expected) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(str(path), "", NO_VALUE, f"valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", type(data).__name__, expected)
    return data


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A method's table as written by `itsim sensitivity` (floats exactly as written)."""
    from simulation.errors import ConfigError

    if not path.is_file():
        raise ConfigError(
            str(path), "", NO_VALUE, "a table written by `itsim sensitivity` (missing)"
        )
    # pandas 3 parses floats exactly by default (and deprecates the option); older ones do not
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    try:
        table = pd.read_csv(path, keep_default_na=False, na_values=[""], **exact)
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:80]
        raise ConfigError(str(path), "", NO_VALUE, f"a whole CSV table ({reason})") from None
    missing = [c for c in columns if c not in table]
    if missing or not len(table):
        raise ConfigError(
            str(path), "", NO_VALUE,
            f"a table of `itsim sensitivity` with rows and the column {(missing or columns)[0]!r}",
        )  # fmt: skip
    return table


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def provenance(
    experiment: Any, tree: dict[str, Any], config_path: str | Path, scenarios, runs: int, seed: int
) -> dict[str, Any]:
    """What every results file of itsim says about where it came from: the config (path,
    name, hash, as written), seed, runs, scenarios with their display labels in English and
    German, services, horizon and versions (the one builder for metadata.json and
    sensitivity.json)."""
    from simulation.config.loader import config_hash

    return {
        "config_path": str(config_path),
        "config_name": experiment.name,
        "config_hash": config_hash(tree),
        "config": tree,
        "seed": seed,
        "runs": runs,
        "scenarios": list(scenarios),
        "scenario_labels": experiment.scenario_labels(scenarios, "en"),
        "scenario_labels_de": experiment.scenario_labels(scenarios, "de"),
        "services": list(experiment.services),
        "horizon_years": experiment.simulation.horizon_years,
        "itsim_version": __version__,
        "versions": versions(),
    }


def run_metadata(
    experiment: Any,
    tree: dict[str, Any],
    config_path: str | Path,
    scenarios: tuple[str, ...],
    runs: int,
    seed: int,
    jobs: int,
    command: str = "",
) -> dict[str, Any]:
    """The provenance block of metadata.json for a run of `experiment` (see DESIGN, Interfaces):
    `provenance`, the config's comments, every effective value (`effective_parameters`,
    built-in defaults included) and what each option is (`options`: sourcing, headcount,
    service hours, prices)."""
    from simulation.config.annotations import config_comments
    from simulation.config.effective import describe_options, effective_parameters

    settings = experiment.simulation
    comments = config_comments(config_path)
    return {
        **provenance(experiment, tree, config_path, scenarios, runs, seed),
        "parameter_sources": comments,
        "effective_parameters": effective_parameters(experiment, tree, comments),
        "options": describe_options(experiment, scenarios),
        "discount_rate": settings.discount_rate,
        "sampling": settings.sampling.value,
        "jobs": jobs,
        "command": command,
    }
