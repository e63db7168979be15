"""Checkpoints and resume (issue 11, item 3): a run killed at any point leaves only valid files,
and `--resume` finishes it with data files identical, byte for byte, to an uninterrupted run.

Property behind it: a replication's results depend only on the seed and its number, never on the
chunk, worker or session that ran it; the parts of completed chunks are written atomically.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from builders import reference_tree

from simulation.cli import main
from simulation.config.loader import experiment_from_dict
from simulation.montecarlo.resume import pending_bounds
from simulation.montecarlo.runner import chunk_bounds, run_experiment

RUNS = 12
DATA = ("replications.parquet", "monthly.parquet")


def tiny_tree() -> dict:
    return reference_tree()


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_tree()), encoding="utf-8")
    return path


def run(tree: dict, out: Path, jobs: int, **options):
    experiment = experiment_from_dict(tree, "tiny.yaml")
    return run_experiment(
        experiment, tree, out, config_path="tiny.yaml", runs=RUNS, seed=7, jobs=jobs, **options
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole")
    run(tiny_tree(), out, jobs=1)
    return out


def same_bytes(a: Path, b: Path) -> None:
    for name in DATA:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_pending_bounds_are_the_chunks_without_the_done_ones() -> None:
    for runs, size in [(12, 1), (100, 7), (1000, 50)]:
        bounds = chunk_bounds(runs, 1) if size == 50 else None
        if bounds is not None:
            assert pending_bounds(runs, size, set()) == bounds
        done = set(range(0, runs, 3))
        ranges = pending_bounds(runs, size, done)
        covered = [r for first, last in ranges for r in range(first, last)]
        assert covered == [r for r in range(runs) if r not in done]
        assert all(0 < last - first <= size for first, last in ranges)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_run_resumes_to_identical_files(tmp_path, uninterrupted, jobs) -> None:
    calls = []

    def interrupt(n: int) -> None:
        calls.append(n)
        if len(calls) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tiny_tree(), tmp_path, jobs=1, on_progress=interrupt)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["status"] == "interrupted"
    kept = sum(meta["replications_completed"].values()) // len(meta["scenarios"])
    assert 0 < kept < RUNS
    seen: list[int] = []
    output = run(tiny_tree(), tmp_path, jobs=jobs, resume=True, on_progress=seen.append)
    assert seen[0] == kept
    assert sum(seen) == RUNS
    assert output.metadata["completed"]
    assert len(output.metadata["resumed"]) == 1
    same_bytes(tmp_path, uninterrupted)


def test_resume_refuses_another_seed_or_config(tmp_path) -> None:
    with pytest.raises(KeyboardInterrupt):
        run(
            tiny_tree(),
            tmp_path,
            jobs=1,
            on_progress=lambda n: (_ for _ in ()).throw(KeyboardInterrupt),
        )
    other = tiny_tree()
    other["company"]["employees"] += 1
    with pytest.raises(Exception, match=r"--resume: .*the config differs"):
        run(other, tmp_path, jobs=1, resume=True)
    experiment = experiment_from_dict(tiny_tree(), "tiny.yaml")
    with pytest.raises(Exception, match=r"--resume: .*seed differs: 7 there, 8 now"):
        run_experiment(experiment, tiny_tree(), tmp_path, config_path="t", runs=RUNS, seed=8,
                       jobs=1, resume=True)  # fmt: skip
    assert json.loads((tmp_path / "metadata.json").read_text())["status"] == "interrupted"


def test_resume_of_an_empty_folder_is_a_clear_error(tmp_path, config, capsys) -> None:
    argv = ["run", str(config), "--out", str(tmp_path / "none"), "--resume", "--no-plots"]
    assert main([*argv, "--runs", "2", "--no-progress", "--no-structural"]) == 2
    assert "--resume" in capsys.readouterr().err


def test_a_killed_run_resumes_from_its_parts(tmp_path, config) -> None:
    """SIGKILL leaves the parts of completed chunks and `status: running`; resume finishes."""
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    argv = [sys.executable, "-m", "simulation.cli", "run", str(config), "--runs", str(RUNS),
            "--seed", "7", "--no-plots", "--no-progress", "--no-structural"]  # fmt: skip
    subprocess.run([*argv, "--out", str(whole), "--jobs", "2"], check=True, capture_output=True)
    process = subprocess.Popen([*argv, "--out", str(killed), "--jobs", "1"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list((killed / ".parts").glob("replications-*.parquet"))) < 3:
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert json.loads((killed / "metadata.json").read_text())["status"] == "running"
    done = subprocess.run([*argv, "--out", str(killed), "--resume"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    same_bytes(killed, whole)
    assert (killed / "summary.csv").read_bytes() == (whole / "summary.csv").read_bytes()
    assert not (killed / ".parts").exists()
