"""Monte Carlo replications of every scenario, in worker processes, streamed to a result store.

Replication r of every scenario uses the same parameter quantiles and the same event streams
(common random numbers). Work is cut into chunks of replications; each chunk runs all scenarios
for its replications and returns tidy frames. Because every random number is keyed by
(replication, name), results are identical for any number of workers or chunk size.

Workers never outlive the run: they ignore Ctrl-C (the parent decides), exit on their own within
a fraction of a second when the parent is gone (even killed by SIGKILL), and are terminated at
once when the parent is interrupted or a chunk fails. A replication that raises stops the run
with a ReplicationError naming scenario, replication and seed; it is never dropped silently.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.config.scenario import ScenarioSpec, scenario_spec
from simulation.config.schema import SEVERITIES, Experiment
from simulation.errors import ReplicationError
from simulation.model.ledger import CAT, COST_CATEGORIES, COST_GROUPS, COUNTERS, discount_factors
from simulation.model.run import simulate
from simulation.montecarlo.compact import compact_monthly
from simulation.montecarlo.executors import Workers, as_workers, completed
from simulation.montecarlo.resume import pending_bounds
from simulation.montecarlo.sampling import (
    ParameterDesign,
    PointDesign,
    resolved_scenario,
    scenario_paths,
)
from simulation.montecarlo.streams import ReplicationStreams
from simulation.montecarlo.workers import signals_deferred


@dataclass(frozen=True)
class RunPlan:
    """What to run: which scenarios, how many replications, which seed."""

    experiment: Experiment
    scenarios: tuple[str, ...]
    runs: int
    seed: int

    def specs(self) -> list[ScenarioSpec]:
        return [scenario_spec(self.experiment, name) for name in self.scenarios]

    def design(self) -> ParameterDesign:
        return ParameterDesign(
            scenario_paths(self.specs()),
            self.experiment.simulation.sampling,
            self.seed,
            self.runs,
            self.experiment.correlation_pairs(),
        )


@dataclass
class ChunkResult:
    """Tidy frames of one chunk of replications (all scenarios)."""

    first: int
    replications: pd.DataFrame
    monthly: pd.DataFrame


def replication_frames(
    spec: ScenarioSpec,
    replication: int,
    result_costs: np.ndarray,
    result_downtime: np.ndarray,
    result_counters: np.ndarray,
    services: tuple[str, ...],
    params: dict[str, float],
    service_costs: np.ndarray | None = None,
) -> tuple[dict, dict]:
    """One replication's row for replications.parquet and its columns for monthly.parquet."""
    n_months = result_costs.shape[1]
    factors = discount_factors(n_months, spec.discount_rate)
    total_by_month = result_costs.sum(axis=0)
    row: dict[str, object] = {"scenario": spec.name, "replication": replication}
    monthly: dict[str, object] = {
        "scenario": spec.name,
        "replication": replication,
        "month": np.arange(n_months),
        "year": np.arange(n_months) // 12 + 1,
    }
    for i, cat in enumerate(COST_CATEGORIES):
        row[f"cost_{cat}_eur"] = float(result_costs[i].sum())
        monthly[f"cost_{cat}_eur"] = result_costs[i]
    for group, categories in COST_GROUPS.items():
        by_month = result_costs[[CAT[c] for c in categories]].sum(axis=0)
        row[f"cost_{group}_total_eur"] = float(by_month.sum())
        row[f"cost_{group}_npv_eur"] = float(by_month @ factors)
        monthly[f"cost_{group}_eur"] = by_month
    row["cost_total_eur"] = float(total_by_month.sum())
    row["cost_npv_eur"] = float(total_by_month @ factors)
    monthly["cost_total_eur"] = total_by_month
    monthly["cost_discounted_eur"] = total_by_month * factors
    row["downtime_hours"] = float(result_downtime.sum())
    monthly["downtime_hours"] = result_downtime.sum(axis=0)
    for j, sid in enumerate(services):
        row[f"downtime_{sid}_hours"] = float(result_downtime[j].sum())
        monthly[f"downtime_{sid}_hours"] = result_downtime[j]
    if service_costs is not None:
        for j, sid in enumerate(services):
            row[f"cost_service_{sid}_eur"] = float(service_costs[j].sum())
            monthly[f"cost_service_{sid}_eur"] = service_costs[j]
    for k, name in enumerate(COUNTERS):
        row[name] = float(result_counters[k].sum())
        monthly[name] = result_counters[k]
    for i in range(len(SEVERITIES)):
        count = row[f"incidents_p{i + 1}"]
        total = row[f"resolution_hours_total_p{i + 1}"]
        row[f"resolution_hours_mean_p{i + 1}"] = total / count if count else float("nan")
    for path, value in params.items():
        row[f"param_{path}"] = value
    return row, monthly


def run_chunk(
    plan: RunPlan,
    design: ParameterDesign | PointDesign,
    first: int,
    last: int,
    monthly: bool = True,
) -> ChunkResult:
    """Run replications first..last-1 of every scenario of the plan.

    A replication that raises stops the chunk with a ReplicationError naming its scenario,
    replication and seed.
    """
    specs = plan.specs()
    fixed = getattr(design, "values", None)
    rows: list[dict] = []
    months: list[pd.DataFrame] = []
    for spec in specs:
        for r in range(first, last):
            try:
                resolved, params = resolved_scenario(spec, design.uniforms(r), fixed)
                result = simulate(resolved, ReplicationStreams(plan.seed, r))
                row, by_month = replication_frames(
                    spec,
                    r,
                    result.costs,
                    result.downtime,
                    result.counters,
                    result.services,
                    params,
                    result.service_costs,
                )
            except Exception as exc:
                raise ReplicationError(
                    spec.name, r, plan.seed, type(exc).__name__, str(exc)
                ) from exc
            rows.append(row)
            if monthly:
                months.append(pd.DataFrame(by_month))
    frame = pd.concat(months, ignore_index=True) if months else pd.DataFrame()
    return ChunkResult(first, pd.DataFrame(rows), compact_monthly(frame, plan.scenarios))


# -- worker processes ---------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _init_worker(plan: RunPlan, design: ParameterDesign) -> None:
    _WORKER["plan"] = plan
    _WORKER["design"] = design


def _worker_chunk(first: int, last: int) -> ChunkResult:
    return run_chunk(_WORKER["plan"], _WORKER["design"], first, last)  # type: ignore[arg-type]


def chunk_size(runs: int, jobs: int) -> int:
    """Replications per chunk: small enough to balance the workers, large enough to amortise."""
    return max(1, min(50, runs // max(1, jobs * 8)))


def chunk_bounds(runs: int, jobs: int) -> list[tuple[int, int]]:
    """Replication ranges for the workers (`chunk_size` long, the last one shorter)."""
    size = chunk_size(runs, jobs)
    return [(start, min(runs, start + size)) for start in range(0, runs, size)]


#: Monthly result rows a run may write (replications × scenarios × months): 33,000 replications of
#: three scenarios over ten years. The run streams them to disk; the report holds their cost
#: columns (about 1.5 GB of float32 at this size), which is what the limit guards.
MAX_MONTHLY_ROWS = 12_000_000


def check_run_size(experiment: Experiment, scenarios: tuple[str, ...], runs: int, key: str) -> None:
    """Refuse a run whose monthly results would not fit in memory (ConfigError naming `key`)."""
    from simulation.errors import ConfigError

    months = experiment.simulation.horizon_years * 12
    limit = max(1, MAX_MONTHLY_ROWS // (months * len(scenarios)))
    if runs > limit:
        raise ConfigError(
            None, key, runs,
            f"at most {limit:,} replications for {len(scenarios)} scenarios over "
            f"{experiment.simulation.horizon_years} years (monthly results must fit in memory)",
        )  # fmt: skip


def default_jobs() -> int:
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def run_chunks(
    plan: RunPlan,
    jobs: int | Workers | None = None,
    done: set[int] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[ChunkResult]:
    """Yield chunk results as they complete (in completion order, not replication order).

    `jobs` is a number of local worker processes or a `Workers` (e.g. on Dask). `done` holds
    the replications already completed (a resumed run): only the others run.
    `on_progress(n)` is called as each chunk completes with its n replications, each of every
    scenario of the plan (a chunk runs all scenarios), so the calls add up to `plan.runs`.
    """
    workers = as_workers(jobs, default_jobs())
    design = plan.design()
    size = chunk_size(plan.runs, workers.jobs)
    if workers.executor == "dask":  # a task of a few seconds: the scheduler's ~1 ms is noise
        size = max(size, min(plan.runs, DASK_MIN_CHUNK))
    bounds = pending_bounds(plan.runs, size, done or set())
    if workers.executor == "local" and (workers.jobs == 1 or len(bounds) <= 1):
        for first, last in bounds:
            chunk = run_chunk(plan, design, first, last)
            if on_progress:
                on_progress(last - first)
            yield chunk
        return
    results = completed(workers, _init_worker, (plan, design), _worker_chunk, bounds)
    with closing(results):
        for (first, last), chunk in results:
            if on_progress:
                on_progress(last - first)
            yield chunk


#: Smallest chunk on Dask (replications): each task then runs for seconds.
DASK_MIN_CHUNK = 10


# -- design points (sensitivity analysis) ---------------------------------------------------------


def _point_chunk(index: int, first: int, last: int) -> tuple[int, pd.DataFrame]:
    pairs: list[tuple[RunPlan, PointDesign | ParameterDesign]] = _WORKER["pairs"]  # type: ignore[assignment]
    plan, design = pairs[index]
    return index, run_chunk(plan, design, first, last, monthly=False).replications


def _init_point_worker(pairs: list[tuple[RunPlan, PointDesign | ParameterDesign]]) -> None:
    _WORKER["pairs"] = pairs


def run_points(
    plan: RunPlan,
    points: list[PointDesign],
    jobs: int | Workers | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Replications 0..runs-1 of every scenario at every design point, on the same streams.

    Every point reuses the same replication streams (common random numbers), so differences
    between points come from the parameters, not from simulation noise. Returns the
    replication rows with a `point` column (the index into `points`), sorted.
    """
    return run_variants([(plan, point) for point in points], jobs, on_progress)


def run_variants(
    pairs: list[tuple[RunPlan, PointDesign | ParameterDesign]],
    jobs: int | Workers | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_pair: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Replications 0..runs-1 of every (plan, design) pair, on the same replication streams.

    The plans may hold different experiments (structural variants of one config) but must share
    scenarios, replications and seed, so that pair i and pair j differ only by what their
    experiments or designs set (common random numbers). Returns the replication rows with a
    `point` column (the index into `pairs`), sorted by point, scenario and replication.

    As each chunk completes, `on_progress(model runs)` is called with its replications times
    the scenarios (the unit of `analysis.sensitivity.planned_model_runs`) and `on_pair(i, n)`
    with the pair's index and its n replications, each of every scenario. Pairs are run in
    their order (a few at a time with several workers).
    """
    workers = as_workers(jobs, default_jobs())
    plan = pairs[0][0]
    size = max(1, min(plan.runs, 25))
    tasks = [
        (i, first, min(plan.runs, first + size))
        for i in range(len(pairs))
        for first in range(0, plan.runs, size)
    ]
    n_scenarios = len(plan.scenarios)
    frames: list[pd.DataFrame] = []

    def collect(index: int, frame: pd.DataFrame, count: int) -> None:
        frames.append(frame.assign(point=index))
        if on_progress:
            on_progress(count * n_scenarios)
        if on_pair:
            on_pair(index, count)

    if workers.executor == "local" and (workers.jobs == 1 or len(tasks) <= 1):
        for index, first, last in tasks:
            chunk = run_chunk(*pairs[index], first, last, monthly=False)
            collect(index, chunk.replications, last - first)
    else:
        results = completed(workers, _init_point_worker, (pairs,), _point_chunk, tasks)
        with closing(results):
            for task, (index, frame) in results:
                collect(index, frame, task[2] - task[1])
    out = pd.concat(frames, ignore_index=True)
    order = {s: i for i, s in enumerate(plan.scenarios)}
    out["_order"] = out["scenario"].map(order)
    out = out.sort_values(["point", "_order", "replication"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


# -- a whole run into a results folder ------------------------------------------------------------


@dataclass(frozen=True)
class StopRule:
    """When a run may stop before its `runs` (the cap): `check` looks at the replications of
    every completed prefix 0 .. k·`batch` − 1 and says whether they are enough; the run stops at
    the first prefix whose check, and the `confirm` − 1 before it, all say so (a guard against
    stopping on a lucky batch). Prefixes, not whatever finished first, so the result is the same
    for any number of workers."""

    check: Callable[[pd.DataFrame], bool]
    batch: int
    name: str
    confirm: int = 1


class _PrefixWatch:
    """Feeds completed chunks to a `StopRule` and remembers where it stopped."""

    def __init__(self, rule: StopRule, frames: list[pd.DataFrame]) -> None:
        self.rule, self.frames = rule, list(frames)
        self.complete: set[int] = set()
        for frame in self.frames:
            self.complete.update(int(r) for r in frame["replication"].unique())
        self.prefix, self.next, self.agree = 0, rule.batch, 0
        self.stopped_at: int | None = None

    def add(self, frame: pd.DataFrame) -> bool:
        """Take one chunk's replications; True once the rule says stop."""
        self.frames.append(frame)
        self.complete.update(int(r) for r in frame["replication"].unique())
        while self.prefix in self.complete:
            self.prefix += 1
        while self.next <= self.prefix:
            rows = pd.concat(self.frames, ignore_index=True)
            self.agree = (
                self.agree + 1 if self.rule.check(rows[rows["replication"] < self.next]) else 0
            )
            if self.agree >= self.rule.confirm:
                self.stopped_at = self.next
                return True
            self.next += self.rule.batch
        return False


@dataclass
class RunOutput:
    """What `run_experiment` wrote: the replications, metadata.json's content and the folder;
    `monthly` reads monthly.parquet when first asked for (a run does not hold it in memory)."""

    replications: pd.DataFrame
    metadata: dict
    out_dir: Path

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """The monthly results of the run (monthly.parquet)."""
        from simulation.montecarlo.store import MONTHLY

        return pd.read_parquet(self.out_dir / MONTHLY)


def run_experiment(
    experiment: Experiment,
    tree: dict,
    out_dir: str | Path,
    *,
    config_path: str | Path,
    runs: int | None = None,
    seed: int | None = None,
    jobs: int | Workers | None = None,
    scenarios: tuple[str, ...] | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: str = "",
    resume: bool = False,
    stop: StopRule | None = None,
) -> RunOutput:
    """Run every (or the given) scenario into `out_dir` as `itsim run` does.

    With `stop`, `runs` is a cap: the run ends at the first prefix of replications the rule
    accepts, and keeps exactly those (metadata.json: `runs` the count, `stop` the rule, where it
    stopped and whether it was met).

    With `resume`, `out_dir` holds an interrupted run of the same config, seed, runs and
    scenarios (else ConfigError): its completed replications are kept (`on_progress` hears of
    them first) and only the others run; the data files equal an uninterrupted run's.

    Writes replications.parquet, monthly.parquet and metadata.json. On KeyboardInterrupt or a
    ReplicationError the workers are stopped, the completed chunks are kept (metadata says
    `completed: false`) and the exception is raised again. An interrupt while the folder is
    begun or finished waits until metadata.json tells what the folder holds.
    `on_progress(n)` is called as n more replications, each of every scenario, complete (the
    calls add up to `runs`).
    """
    from simulation.montecarlo.store import ResultStore, run_metadata

    runs = runs or experiment.simulation.runs
    seed = experiment.simulation.seed if seed is None else seed
    workers = as_workers(jobs, default_jobs())
    scenarios = tuple(scenarios or experiment.scenarios)
    store = ResultStore(out_dir, scenarios)
    started = time.perf_counter()

    def finish(completed: bool, **extra: object) -> pd.DataFrame:
        with signals_deferred():  # whole files and a true metadata.json, come what may
            return store.finish(
                completed, wall_seconds=round(time.perf_counter() - started, 2), **extra
            )

    try:
        with signals_deferred():  # an interrupt finds metadata.json written
            metadata = run_metadata(
                experiment, tree, config_path, scenarios, runs, seed, workers.jobs, command
            )
            metadata["executor"] = workers.executor
            done = store.resume(metadata) if resume else store.begin(metadata) or set()
        if done and on_progress:
            on_progress(len(done))
        plan = RunPlan(experiment, scenarios, runs, seed)
        watch = (
            _PrefixWatch(stop, [store.completed_replications()] if done else []) if stop else None
        )
        chunks = run_chunks(plan, workers, done=done, on_progress=on_progress)
        started = time.perf_counter()
        with closing(chunks):  # workers are stopped before the parts are consolidated
            for chunk in chunks:
                with signals_deferred():  # both parts of a chunk, or neither
                    store.add(chunk.first, chunk.replications, chunk.monthly)
                if watch is not None and watch.add(chunk.replications):
                    break
    except KeyboardInterrupt:
        finish(False)
        raise
    except ReplicationError as exc:
        finish(False, error=str(exc))
        raise
    if watch is None:
        replications = finish(True)
    else:
        final = watch.stopped_at or runs
        outcome = {"rule": stop.name, "met": watch.stopped_at is not None, "cap": runs}
        replications = finish(True, below=final, runs=final, stop=outcome)
    return RunOutput(replications, store.metadata, Path(out_dir))
