"""Figures drawn in worker processes: the same files as drawn one by one, each reported once,
looked up while the others are drawn, and a failed figure stops the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from synthetic_results import SAME_WINNER, synthetic_results

from simulation.reporting.plots import FigureResult
from simulation.reporting.render import FigureJob, drawing, render_figures


def line_chart(out_base: Path, points: int) -> FigureResult:
    """A small chart saved as PNG (a module-level function, so a worker process can run it)."""
    fig = Figure(figsize=(2.0, 1.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(range(points), [p * p for p in range(points)])
    ax.set_title(f"{points} points")
    out_base.parent.mkdir(parents=True, exist_ok=True)
    png = out_base.parent / f"{out_base.name}.png"
    fig.savefig(png, dpi=100)
    return FigureResult(paths=[png], figure=fig, data={"points": points})


def broken_chart(out_base: Path) -> FigureResult:
    raise ValueError(f"cannot draw {out_base.name}")


def chart_jobs(folder: Path) -> list[FigureJob]:
    return [FigureJob(f"chart_{n}", line_chart, (folder / f"chart_{n}", n)) for n in (3, 5, 8, 13)]


def test_workers_write_the_same_files_as_one_process(tmp_path: Path):
    serial = render_figures(chart_jobs(tmp_path / "serial"), 1)
    parallel = render_figures(chart_jobs(tmp_path / "parallel"), 2)
    assert list(parallel) == list(serial) == ["chart_3", "chart_5", "chart_8", "chart_13"]
    for name, result in serial.items():
        png = result.paths[0]
        assert png.read_bytes() == (tmp_path / "parallel" / png.name).read_bytes(), name
        assert parallel[name].data == result.data
        # a figure from a worker measures and redraws like one drawn here
        assert isinstance(parallel[name].figure.canvas, FigureCanvasAgg)


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_figure_is_reported_once(tmp_path: Path, jobs: int):
    seen: list[tuple[str, int, int]] = []
    render_figures(chart_jobs(tmp_path), jobs, lambda *event: seen.append(event))
    assert sorted(name for name, _, _ in seen) == sorted(j.name for j in chart_jobs(tmp_path))
    assert [drawn for _, drawn, _ in seen] == [1, 2, 3, 4]
    assert {total for _, _, total in seen} == {4}


def test_a_figure_can_be_looked_up_while_the_others_are_drawn(tmp_path: Path):
    jobs = chart_jobs(tmp_path)
    with drawing(jobs, 2) as figures:
        assert "chart_13" in figures  # no waiting
        assert "chart_21" not in figures
        assert list(figures) == [j.name for j in jobs]
        assert figures["chart_8"].data == {"points": 8}
        assert figures.get("chart_21") is None
        assert figures.poll() >= 1
    assert figures.wait_all()["chart_13"].paths[0].exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failed_figure_raises_in_the_caller(tmp_path: Path, jobs: int):
    figures = [*chart_jobs(tmp_path), FigureJob("broken", broken_chart, (tmp_path / "broken",))]
    with pytest.raises(ValueError, match="cannot draw broken"):
        render_figures(figures, jobs)


def test_figure_names_are_unique(tmp_path: Path):
    twice = [*chart_jobs(tmp_path), *chart_jobs(tmp_path)[:1]]
    with pytest.raises(ValueError, match="must be unique"):
        render_figures(twice, 1)


@pytest.mark.slow  # two whole reports
def test_the_report_is_the_same_for_any_number_of_workers(tmp_path: Path):
    from simulation.reporting.report import make_report

    reps, monthly, meta = synthetic_results(SAME_WINNER, runs=12)
    reps.to_parquet(tmp_path / "replications.parquet")
    monthly.to_parquet(tmp_path / "monthly.parquet")
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    one = make_report(tmp_path, "en", tmp_path / "one", n_boot=50, jobs=1)
    two = make_report(tmp_path, "en", tmp_path / "two", n_boot=50, jobs=2)
    assert list(two["figures"]) == list(one["figures"])
    assert [p.name for p in two["paths"]] == [p.name for p in one["paths"]]
    compared = [p for p in one["paths"] if p.suffix in (".png", ".pdf")]
    assert len(compared) == 2 * len(one["figures"]) + 1  # PNG and PDF of each, the report
    for path in compared:  # every figure and the report PDF, byte for byte
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name
