"""Draw a report's figures in worker processes while its pages are composed, with progress.

A `FigureJob` is one figure: its name, the plot function and the arguments. `drawing` draws a
list of jobs in at most `workers` worker processes (in this process, one after another, when
`workers` is 1) and hands out the figures by name while they are being drawn: looking one up
waits for that figure only, so the PDF can show its first figures while the last are drawn.
Each figure is drawn by the same function with the same arguments wherever it runs, so the files
are the same, byte for byte, for any number of workers.

Workers are those of the Monte Carlo runner (`montecarlo.workers`): they ignore Ctrl-C, follow
their parent out, and are stopped at once when the parent is interrupted or a figure fails (the
figure's exception is raised in the parent). Progress is reported through callbacks, always in
the calling thread; nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from simulation.montecarlo.workers import worker_pool
from simulation.reporting.plots import FigureResult

#: `on_figure(name, drawn, total)`: figure `name` is saved, `drawn` of `total` are.
FigureProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, eq=False)
class FigureJob:
    """One figure to draw: its name in the report, the plot function and its arguments (the
    function and the arguments must be picklable: a module-level function, frames, paths)."""

    name: str
    plot: Callable[..., FigureResult]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def draw(self) -> FigureResult:
        """Draw and save the figure (in this process)."""
        return self.plot(*self.args, **self.kwargs)


class Figures(Mapping[str, FigureResult]):
    """The figures of a list of jobs by name, in the jobs' order, while they are being drawn.

    Looking a figure up (`figures[name]`, `figures.get(name)`) waits until it is drawn;
    `name in figures` and `len(figures)` do not wait. `poll` takes note of the figures finished
    meanwhile, `wait_all` waits for all; each figure is reported to `on_figure` once, when it
    is first noticed (so in the thread that polls or looks up).
    """

    def __init__(
        self,
        jobs: Sequence[FigureJob],
        on_figure: FigureProgress | None = None,
        pending: Mapping[Future, tuple] | None = None,
    ) -> None:
        self._names = [job.name for job in jobs]
        self._index = {name: i for i, name in enumerate(self._names)}
        self._drawn: dict[int, FigureResult] = {}
        self._pending: dict[Future, int] = {f: task[0] for f, task in (pending or {}).items()}
        self._on_figure = on_figure

    def __getitem__(self, name: str) -> FigureResult:
        index = self._index[name]
        while index not in self._drawn:
            if not self._pending:  # its drawing failed (and raised) before
                raise RuntimeError(f"figure {name!r} was not drawn")
            done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            self._take(done)
        return self._drawn[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def add(self, index: int, result: FigureResult) -> None:
        """Record the figure of job `index` as drawn and report it."""
        self._drawn[index] = result
        if self._on_figure is not None:
            self._on_figure(self._names[index], len(self._drawn), len(self._names))

    def poll(self) -> int:
        """Take note of the figures finished since the last look, without waiting; returns how
        many are drawn. A figure that failed raises its exception here."""
        self._take([f for f in self._pending if f.done()])
        return len(self._drawn)

    def wait_all(self) -> dict[str, FigureResult]:
        """Wait for every figure; {name: FigureResult} in the jobs' order."""
        while self._pending:
            done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            self._take(done)
        return {name: self._drawn[i] for i, name in enumerate(self._names)}

    def _take(self, done) -> None:
        for future in sorted(done, key=self._pending.__getitem__):  # job order within a batch
            self._pending.pop(future)
            index, result = future.result()
            _attach_canvas(result)
            self.add(index, result)


def _attach_canvas(result: FigureResult) -> None:
    """A figure back from a worker has a bare canvas after unpickling; give it the Agg canvas it
    had when drawn, so that it measures and redraws as a figure drawn in this process does."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = getattr(result, "figure", None)
    if figure is not None and not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)


# -- worker processes -----------------------------------------------------------------------------


def default_workers() -> int:
    """The cores this process may use (the default of `jobs`, as for the simulation)."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return max(1, len(cores) if cores else (os.cpu_count() or 1))


_JOBS: list[FigureJob] = []


def _init_worker(jobs: list[FigureJob]) -> None:
    _JOBS[:] = jobs


def _draw(index: int) -> tuple[int, FigureResult]:
    return index, _JOBS[index].draw()


@contextmanager
def drawing(
    jobs: Sequence[FigureJob], workers: int = 1, on_figure: FigureProgress | None = None
) -> Iterator[Figures]:
    """Draw the figures of `jobs` while the block runs; yields them as `Figures`.

    With `workers` > 1 the figures are drawn in up to that many worker processes, in the
    jobs' order (so put first what is needed first); the block may look each one up as it
    needs it. With 1 they are drawn here, one after another, before the block runs. Leaving
    the block waits for the figures not yet drawn; leaving it by an exception stops the workers.
    """
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ValueError(f"figure names (={names}) must be unique")
    if workers <= 1 or len(jobs) <= 1:
        figures = Figures(jobs, on_figure)
        for index, job in enumerate(jobs):
            figures.add(index, job.draw())
        yield figures
        return
    tasks = [(index,) for index in range(len(jobs))]
    count = min(workers, len(jobs))
    with worker_pool(count, _init_worker, (list(jobs),), _draw, tasks) as futures:
        figures = Figures(jobs, on_figure, futures)
        yield figures
        figures.wait_all()


def render_figures(
    jobs: Sequence[FigureJob], workers: int = 1, on_figure: FigureProgress | None = None
) -> dict[str, FigureResult]:
    """Draw every figure of `jobs` (see `drawing`); {name: FigureResult} in the jobs' order."""
    with drawing(jobs, workers, on_figure) as figures:
        return figures.wait_all()


class CountedPages:
    """A `PdfPages` that calls `on_page(pages written)` after each page it saves."""

    def __init__(self, pdf, on_page: Callable[[int], None] | None = None) -> None:
        self._pdf = pdf
        self._on_page = on_page
        self.pages = 0

    def savefig(self, figure=None, **kwargs) -> None:
        self._pdf.savefig(figure, **kwargs)
        self.pages += 1
        if self._on_page is not None:
            self._on_page(self.pages)

    def __getattr__(self, name: str):
        return getattr(self._pdf, name)
