"""Peak memory of the parent process of a large run (issue 11, items 5 and 6c).

Runs `itsim run configs/default.yaml --runs N --no-structural --no-plots` and then
`itsim report` on its folder, each in a fresh Python process that reports its own peak resident
set size (the worker processes that simulate are not counted: they hold one chunk each). The
target is below 1 GB for 10,000 replications of the three options. For scale, the figure is
set against the size the monthly results would take in memory as float64 (the layout before
they were stored compactly and streamed to disk).

`--tile DIR` measures the same parent process without simulating: the replications of a
finished run in DIR are repeated (renumbered) to N and written chunk by chunk through the run's
`ResultStore`, which streams them into monthly.parquet as a run does; then `itsim report` reads
the folder. The workers' simulation is what it leaves out (it runs in other processes).

Last, the folder is marked interrupted and taken up again as `itsim run --resume` does
(`ResultStore.resume`, then consolidation): the peak of resuming a run of N replications, and a
check that the files come out byte for byte the same. Usage:
python benchmarks/bench_memory.py [--runs N] [--jobs J] [--out DIR] [--tile RESULTS]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
#: Runs an itsim command in this process and prints its peak RSS in MB as the last line.
MEASURED = (
    "import resource, sys\n"
    "from simulation.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    "sys.exit(code)\n"
)


def _measured(script: str, what: str, *args: str) -> tuple[list[str], float]:
    """Run `script` (Python source) with `args` in a fresh process from the project folder:
    its output lines and wall seconds; a failure ends the benchmark naming `what`."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines(), time.perf_counter() - start


def peak_mb(*args: str) -> tuple[float, float]:
    """Peak RSS (MB) of the process running `itsim args`, and its wall seconds."""
    lines, seconds = _measured(MEASURED, f"itsim {' '.join(args)}", *args)
    return float(lines[-1]), seconds


#: Writes `runs` replications tiled from a results folder through ResultStore, chunk by chunk,
#: and prints its peak RSS in MB as the last line: tile.py SOURCE OUT RUNS
TILED = """
import json, resource, sys
from pathlib import Path
import pandas as pd
from simulation.montecarlo.store import ResultStore
source, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
meta = json.loads((source / "metadata.json").read_text("utf-8"))
reps = pd.read_parquet(source / "replications.parquet")
n = int(reps["replication"].max()) + 1
store = ResultStore(out, tuple(meta["scenarios"]))
store.begin({**meta, "runs": runs})
for first in range(0, runs, 50):
    last = min(runs, first + 50)
    pick = [("replication", "in", [(r % n) for r in range(first, last)])]
    monthly = pd.read_parquet(source / "monthly.parquet", filters=pick)
    part = reps[reps["replication"].isin([r % n for r in range(first, last)])]
    offset = (first // n) * n
    store.add(first, part.assign(replication=part["replication"] + offset),
              monthly.assign(replication=monthly["replication"] + offset))
store.finish(True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def tiled_mb(source: Path, out: Path, runs: int) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of writing `runs` tiled replications into `out`."""
    lines, seconds = _measured(TILED, "tiling", str(source), str(out), str(runs))
    return float(lines[-1]), seconds


#: Marks a finished folder interrupted, resumes and consolidates it as `itsim run --resume`
#: does, and prints whether monthly.parquet kept its bytes, then the peak RSS in MB: OUT
RESUMED = """
import hashlib, json, resource, sys
from pathlib import Path
from simulation.montecarlo.store import ResultStore, write_json_atomic
out = Path(sys.argv[1])
before = hashlib.sha256((out / "monthly.parquet").read_bytes()).hexdigest()
meta = json.loads((out / "metadata.json").read_text("utf-8"))
write_json_atomic(out / "metadata.json", {**meta, "status": "interrupted", "completed": False})
store = ResultStore(out, tuple(meta["scenarios"]))
store.resume(meta)
store.finish(True)
print(before == hashlib.sha256((out / "monthly.parquet").read_bytes()).hexdigest())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def resumed_mb(out: Path) -> tuple[float, bool]:
    """Peak RSS (MB) of resuming the finished run in `out`, and whether its bytes stayed."""
    lines, _ = _measured(RESUMED, "resuming", str(out))
    return float(lines[-1]), lines[-2] == "True"


def float64_mb(monthly: Path) -> float:
    """MB the monthly results take in memory as float64 columns (8 bytes a value)."""
    meta = pq.read_metadata(monthly)
    return meta.num_rows * meta.num_columns * 8 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default: temp)")
    parser.add_argument("--tile", type=Path, default=None, help="a finished run to repeat")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="itsim-bench-memory-"))
    if args.tile:
        run_mb, run_s = tiled_mb(args.tile, out, args.runs)
    else:
        run_mb, run_s = peak_mb(
            "run", "configs/default.yaml", "--runs", str(args.runs), "--jobs", str(args.jobs),
            "--out", str(out), "--force", "--no-structural", "--no-plots", "--no-progress",
        )  # fmt: skip
    report_mb, report_s = peak_mb("report", str(out), "--no-progress")
    resume_mb, same = resumed_mb(out)
    monthly = out / "monthly.parquet"
    wide = float64_mb(monthly)
    scenarios = len(json.loads((out / "metadata.json").read_text("utf-8"))["scenarios"])
    print(f"peak memory of the parent process, {args.runs:,} replications x {scenarios} options:")
    how = f"tiled from {args.tile}" if args.tile else f"--jobs {args.jobs}"
    print(f"  itsim run     {run_mb:8,.0f} MB  ({run_s:,.0f} s, {how})")
    print(f"  itsim report  {report_mb:8,.0f} MB  ({report_s:,.0f} s)")
    print(f"  resuming      {resume_mb:8,.0f} MB  (files byte-identical: {same})")
    print(f"  monthly results: {monthly.stat().st_size / 2**20:,.0f} MB on disk, {wide:,.0f} MB")
    ratios = (
        f"run {run_mb / wide:.2f}, report {report_mb / wide:.2f}, resume {resume_mb / wide:.2f}"
    )
    print(f"  as float64 in memory; peak / that: {ratios}")
    met = max(run_mb, report_mb, resume_mb) < 1024
    print(f"  target: below 1,024 MB -> {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
