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
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import __version__
from simulation.errors import NO_VALUE
from simulation.model.ledger import COST_CATEGORIES, COUNTERS

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
    if path.is_dir():
        return path.name == ".parts"
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

    def add(self, first: int, replications: pd.DataFrame, monthly: pd.DataFrame) -> None:
        """Persist one completed chunk (atomically: a part is either whole or absent)."""
        for name, frame in (("replications", replications), ("monthly", monthly)):
            tmp = self.work / f".{name}-{first:08d}.parquet.tmp"
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, self.work / f"{name}-{first:08d}.parquet")
        self.done.add(first)

    def _read_parts(self, name: str) -> pd.DataFrame:
        parts = sorted(self.work.glob(f"{name}-*.parquet"))
        if not parts:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        order = {s: i for i, s in enumerate(self.scenario_order)}
        keys = ["_order", "replication"] + (["month"] if "month" in frame else [])
        frame["_order"] = frame["scenario"].map(order)
        frame = frame.sort_values(keys, kind="stable").drop(columns="_order")
        return frame.reset_index(drop=True)

    def finish(self, completed: bool, **extra: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Consolidate the parts into the final files and write metadata.json last."""
        replications = self._read_parts("replications")
        monthly = self._read_parts("monthly")
        for name, frame in ((REPLICATIONS, replications), (MONTHLY, monthly)):
            tmp = self.out_dir / f".{name}.tmp"
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, self.out_dir / name)
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
        return replications, monthly


def read_results(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read a results folder: replications, monthly frames and metadata."""
    out_dir = Path(out_dir)
    meta = json.loads((out_dir / METADATA).read_text("utf-8"))
    return (
        pd.read_parquet(out_dir / REPLICATIONS),
        pd.read_parquet(out_dir / MONTHLY),
        meta,
    )


#: What `itsim report` needs from metadata.json, with the type each must have.
_REPORT_KEYS = {
    "scenarios": list, "services": list, "runs": int, "seed": int, "horizon_years": int,
    "config": dict, "config_hash": str,
}  # fmt: skip


def read_results_checked(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
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
    frames = [_read_parquet(out_dir / name) for name in (REPLICATIONS, MONTHLY)]
    needed = {REPLICATIONS: ["scenario", "replication", "cost_npv_eur"], MONTHLY: ["month"]}
    for (name, columns), frame in zip(needed.items(), frames, strict=True):
        missing = [c for c in columns if c not in frame]
        if missing or not len(frame):
            raise ConfigError(
                str(out_dir / name), "", NO_VALUE,
                f"itsim results with rows and the column {(missing or columns)[0]!r}",
            )  # fmt: skip
    return frames[0], frames[1], meta


def _read_parquet(path: Path) -> pd.DataFrame:
    from simulation.errors import ConfigError

    if not path.is_file():
        raise ConfigError(str(path), "", NO_VALUE, "a file written by `itsim run` (missing)")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for truncated or foreign files
        reason = " ".join(str(exc).split())[:80]
        raise ConfigError(str(path), "", NO_VALUE, f"a whole Parquet file ({reason})") from None


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
    """The provenance block of metadata.json for a run of `experiment` (see DESIGN, Interfaces)."""
    from simulation.config.annotations import config_comments
    from simulation.config.loader import config_hash

    settings = experiment.simulation
    labels = experiment.scenarios
    return {
        "config_path": str(config_path),
        "config_name": experiment.name,
        "config_hash": config_hash(tree),
        "config": tree,
        "parameter_sources": config_comments(config_path),
        "seed": seed,
        "runs": runs,
        "scenarios": list(scenarios),
        "scenario_labels": {n: labels[n].label or n for n in scenarios},
        "scenario_labels_de": {n: labels[n].label_de or labels[n].label or n for n in scenarios},
        "services": list(experiment.services),
        "horizon_years": settings.horizon_years,
        "discount_rate": settings.discount_rate,
        "sampling": settings.sampling.value,
        "jobs": jobs,
        "command": command,
    }
