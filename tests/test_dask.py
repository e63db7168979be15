"""Scale-out on Dask (issue 11, item 4): the same chunks on Dask distributed give results
identical to the local executor for the same seed; a chunk that runs twice does no harm.

Property behind it: a chunk's result depends only on its replications' own random streams, and
parts are keyed by their first replication and replaced atomically.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import reference_tree

from simulation.cli import main
from simulation.config.loader import experiment_from_dict
from simulation.montecarlo.executors import Workers
from simulation.montecarlo.runner import RunPlan, run_chunk, run_experiment, run_points
from simulation.montecarlo.sampling import PointDesign
from simulation.montecarlo.store import ResultStore

distributed = pytest.importorskip("distributed")

RUNS = 12


def tiny_tree() -> dict:
    return reference_tree()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def run(out: Path, jobs) -> None:
    tree = tiny_tree()
    experiment = experiment_from_dict(tree, "tiny.yaml")
    run_experiment(experiment, tree, out, config_path="tiny.yaml", runs=RUNS, seed=5, jobs=jobs)


def test_a_run_on_dask_equals_the_local_run(tmp_path, cluster) -> None:
    run(tmp_path / "local", 2)
    run(tmp_path / "dask", Workers(2, "dask", cluster.scheduler_address))
    for name in ("replications.parquet", "monthly.parquet"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_design_points_on_dask_equal_the_local_ones(cluster) -> None:
    experiment = experiment_from_dict(tiny_tree(), "tiny.yaml")
    plan = RunPlan(experiment, ("internal", "external"), 6, 5)
    base = plan.design()
    path = "company.wage_growth_per_year"
    points = [PointDesign(base, {path: q}, medians=True) for q in (0.1, 0.9)]
    local = run_points(plan, points, jobs=2)
    on_dask = run_points(plan, points, jobs=Workers(2, "dask", cluster.scheduler_address))
    pd.testing.assert_frame_equal(on_dask, local)


def test_a_chunk_that_runs_twice_does_no_harm(tmp_path) -> None:
    experiment = experiment_from_dict(tiny_tree(), "tiny.yaml")
    plan = RunPlan(experiment, ("internal",), 4, 5)
    store = ResultStore(tmp_path, ("internal",))
    store.begin({})
    for first, last in [(0, 2), (2, 4), (0, 2)]:  # the first chunk delivered twice
        chunk = run_chunk(plan, plan.design(), first, last)
        store.add(chunk.first, chunk.replications, chunk.monthly)
    replications = store.finish(True)
    assert list(replications["replication"]) == [0, 1, 2, 3]


def test_the_command_line_runs_on_a_dask_scheduler(tmp_path, cluster, capsys) -> None:
    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump(tiny_tree()), encoding="utf-8")
    argv = ["run", str(config), "--runs", str(RUNS), "--seed", "5", "--no-plots",
            "--no-progress", "--no-structural"]  # fmt: skip
    assert main([*argv, "--out", str(tmp_path / "local"), "--jobs", "1"]) == 0
    dask_argv = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
    assert main([*argv, "--out", str(tmp_path / "dask"), *dask_argv]) == 0
    for name in ("replications.parquet", "monthly.parquet", "summary.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    capsys.readouterr()
    bad = ["--out", str(tmp_path / "bad"), "--scheduler", cluster.scheduler_address]
    assert main([*argv, *bad]) == 2
    assert "--scheduler" in capsys.readouterr().err
