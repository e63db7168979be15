"""Progress of the long steps: the simulation counts replications (a chunk runs every scenario),
the structural grid reports each variant, the sensitivity bar names its method, and the report
shows its steps on stderr, or nothing with --no-progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from builders import base_tree, deep_update
from synthetic_results import SAME_WINNER, synthetic_results

from simulation import cli
from simulation.analysis.structural import structural_grid
from simulation.config.loader import experiment_from_dict
from simulation.montecarlo.runner import RunPlan, run_chunks

#: Two in-house options of the quiet validation company: a replication takes milliseconds.
TWO_OPTIONS = base_tree(
    scenarios={
        "bigger": {"sourcing": {"desk": "internal"}, "team": {"roles": {"agent": 2}}},
    }
)


class RecordingBar:
    """Stands in for tqdm.tqdm: keeps how each bar was made and what it was told."""

    made: ClassVar[list[RecordingBar]] = []

    def __init__(self, *args, **kwargs) -> None:
        self.options = kwargs
        self.total = kwargs.get("total")
        self.n = 0
        self.postfixes: list[str] = []
        RecordingBar.made.append(self)

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        self.postfixes.append(text)

    def close(self) -> None:
        pass


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[RecordingBar]:
    monkeypatch.setattr("tqdm.tqdm", RecordingBar)
    RecordingBar.made = []
    return RecordingBar.made


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_simulation_counts_replications_of_every_scenario(jobs: int):
    plan = RunPlan(experiment_from_dict(TWO_OPTIONS), ("internal", "bigger"), 5, 3)
    seen: list[int] = []
    chunks = list(run_chunks(plan, jobs, on_progress=seen.append))
    assert sum(seen) == plan.runs  # not runs × scenarios
    assert sum(len(chunk.replications) for chunk in chunks) == plan.runs * 2


def test_the_run_bar_counts_the_replications_asked_for(tmp_path: Path, bars):
    config = tmp_path / "two.yaml"
    config.write_text(yaml.safe_dump(TWO_OPTIONS, sort_keys=False))
    out = tmp_path / "results"
    args = ["run", str(config), "--runs", "4", "--jobs", "2", "--out", str(out), "--no-plots"]
    assert cli.main(args) == 0
    (bar,) = bars
    assert bar.total == bar.n == 4
    assert bar.options["unit"] == "replication"
    assert bar.options["desc"] == "simulating internal, bigger"  # every scenario runs at once


def test_the_structural_grid_reports_each_variant():
    three = deep_update(TWO_OPTIONS, {"scenarios": {"bigger": {"team": {"roles": {"agent": 3}}}}})
    variants = {"baseline": experiment_from_dict(TWO_OPTIONS), "three": experiment_from_dict(three)}
    model_runs: list[int] = []
    replications: dict[str, int] = {}

    def on_variant(name: str, count: int) -> None:
        replications[name] = replications.get(name, 0) + count

    scenarios = ["internal", "bigger"]
    structural_grid(variants, scenarios, 4, 3, 2, model_runs.append, on_variant=on_variant)
    assert replications == {"baseline": 4, "three": 4}
    assert sum(model_runs) == 2 * 4 * 2  # variants × replications × scenarios


def test_the_sensitivity_bar_names_the_method_running():
    plan = {"spider": 10, "tornado": 5, "structural": 6}  # the config's order, not the run's
    method = [cli._sensitivity_method(plan, done) for done in (0, 4, 5, 14, 15, 20, 21)]
    assert method == ["tornado", "tornado", "spider", "spider", "structural", "structural", "done"]


REPORT_EVENTS = [
    ("analysis", 0, None),
    ("figures", 0, 12),
    ("workbook", 0, 1),
    ("workbook", 1, 1),
    *[("figures", drawn, 12) for drawn in range(1, 6)],
    ("pages", 1, None),
    *[("figures", drawn, 12) for drawn in range(6, 13)],
    ("pages", 2, None),
]


def test_the_report_bar_shows_figures_then_pages(capsys: pytest.CaptureFixture):
    bar, on_progress = cli._report_progress(no_progress=False)
    for event in REPORT_EVENTS:
        on_progress(*event)
    bar.close()
    shown = capsys.readouterr().err
    assert "report: analysis" in shown
    assert "report: figures 5/12" in shown
    assert "workbook" in shown
    assert "page 1" in shown
    assert shown.index("report: figures 5/12") < shown.index("report: pages")


def test_no_progress_shows_nothing(capsys: pytest.CaptureFixture):
    bar, on_progress = cli._report_progress(no_progress=True)
    for event in REPORT_EVENTS:
        on_progress(*event)
    bar.close()
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    reps, monthly, meta = synthetic_results(SAME_WINNER, runs=8)
    reps.to_parquet(folder / "replications.parquet")
    monthly.to_parquet(folder / "monthly.parquet")
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


@pytest.mark.slow  # a whole report
def test_report_without_progress_writes_nothing_on_stderr(
    results_folder: Path, tmp_path: Path, capfd: pytest.CaptureFixture
):
    args = ["report", str(results_folder), "--out", str(tmp_path), "--no-progress"]
    assert cli.main(args) == 0
    out, err = capfd.readouterr()
    assert err == ""
    assert "report.pdf" in out


@pytest.mark.slow  # a whole report
def test_report_shows_its_figures_on_stderr(
    results_folder: Path, tmp_path: Path, capfd: pytest.CaptureFixture
):
    assert cli.main(["report", str(results_folder), "--out", str(tmp_path)]) == 0
    err = capfd.readouterr().err
    figures = len(list(tmp_path.glob("*.png")))
    assert f"report: figures {figures}/{figures}" in err
    assert "report: pages" in err
