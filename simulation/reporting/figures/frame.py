"""The figure frame every board figure is drawn in: context, provenance, slide, axes, files.

A figure function takes frames already computed by `simulation.analysis`, a `FigureContext`
(language, scenario and service labels, horizon, provenance) and an output base path (without
extension). It draws into `new_figure` (a 16:9 slide with title, subtitle and provenance footer,
the axes laid out between them) inside `house_style()`, and ends with `finish_figure`, which
thins crowded ticks, writes a 300 dpi PNG and a vector PDF (`save`) and returns a `FigureResult`
with the paths, the figure and the exact numbers drawn. Nothing is set globally and no GUI
backend is needed (figures are `matplotlib.figure.Figure` objects on an Agg canvas).

Also here: the euro, number and percent tick formatters, figure legends beside or below the
axes, placement of point labels, tick thinning, and the range an axis shows (`bulk_range`)
with the note on what lies beyond it (`beyond_note`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import style as mpl_style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from simulation.files import atomic_path
from simulation.reporting.labels import (
    format_date,
    format_eur_short,
    format_number,
    format_percent,
    label,
    service_label,
)

#: The house style (fonts, grid, colour cycle), applied per figure by `house_style()`.
STYLE_PATH = Path(__file__).parent.parent / "itsim.mplstyle"
#: Scenario colours by position (Okabe-Ito; the colour cycle of the style file).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Inches: a 16:9 slide (4000 × 2250 pixels at 300 dpi), so 12 pt text stays 12 pt on a slide.
SLIDE_SIZE = (40 / 3, 7.5)
DPI = 300
NEUTRAL = "#595959"
DARK = "#262626"
WARNING = "#B2182B"  # an interrupted run: footers and banners say so in red

#: File stems of the board figures (German files get the suffix "_de"); the figures of the
#: recommended option against its runner-up (`PAIR_FIGURES`) are named by `pair_figure_stem`.
FIGURE_STEMS = (
    "cost_budget_risk",
    "cost_distribution",
    "cost_exceedance",
    "downtime_exceedance",
    "cost_fan",
    "cost_breakdown",
    "downtime_by_service",
    "risk_return",
)

#: Figures of one pair of options (a against b): the paired difference and the waterfalls of
#: the gap by cost category and by service (`plot_gap_waterfall`).
PAIR_FIGURES = ("paired_difference", "gap_by_category", "gap_by_service")

_MARGIN_IN = 0.22  # left/right margin of title, subtitle and footer
_TITLE_PT = 20
_SUBTITLE_PT = 14
_FOOTER_PT = 12  # nothing on a figure is smaller than 12 pt


# -- context and result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """What produced a figure: printed in its footer."""

    config: str
    config_hash: str
    runs: int
    seed: int
    version: str
    day: str = ""
    footer_key: str = "footer"  # "footer_design" for sensitivity figures (runs per design point)
    planned: int = 0  # replications the run was started with; more than `runs`: interrupted

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> Provenance:
        """The provenance of a results folder's metadata.json; the day is the day the run
        finished (or started), so that re-rendering reproduces the footer."""
        config_path = metadata.get("config_path") or metadata.get("config_name") or "?"
        finished = str(metadata.get("finished") or metadata.get("started") or "")
        return cls(
            config=Path(str(config_path)).name,
            config_hash=str(metadata.get("config_hash", "?")),
            runs=completed_runs(metadata),
            seed=int(metadata.get("seed", 0)),
            version=str(metadata.get("itsim_version", "?")),
            day=finished[:10],
            planned=int(metadata.get("runs", 0)),
        )

    @property
    def incomplete(self) -> bool:
        """Whether the run was interrupted before all its replications completed."""
        return self.planned > self.runs

    def warning(self, lang: str) -> str:
        """The incomplete-run warning (empty for a complete run)."""
        if not self.incomplete:
            return ""
        done, planned = format_number(self.runs, lang), format_number(self.planned, lang)
        return label("incomplete", lang, runs=done, planned=planned)

    def footer(self, lang: str) -> str:
        """The provenance line; an interrupted run's says so first."""
        warning = self.warning(lang)
        return (f"{warning} · " if warning else "") + label(
            self.footer_key,
            lang,
            version=self.version,
            config=self.config,
            hash=self.config_hash,
            runs=format_number(self.runs, lang),
            seed=self.seed,
            date=format_date(self.day or date.today().isoformat(), lang),
        )


def _service_labels(
    metadata: Mapping[str, Any],
    lang: str,
    service_names: Mapping[str, Mapping[str, str]] | None,
) -> dict[str, str]:
    """Service id -> display label: from `service_names`, else the config's `name` / `name_de`,
    else the built-in names of the reference services, else the id."""
    config = metadata.get("config") or {}
    config_services = (config.get("services") or {}) if isinstance(config, Mapping) else {}
    service_labels = {}
    for service in metadata.get("services") or list(config_services):
        given = (service_names or {}).get(service) or {}
        spec = config_services.get(service) or {}
        spec = spec if isinstance(spec, Mapping) else {}
        own = spec.get("name_de") if lang == "de" else spec.get("name")
        service_labels[service] = str(
            given.get(lang)
            or own
            or service_label(service, lang, fallback=False)
            or spec.get("name")
            or service_label(service, lang)
        )
    return service_labels


def completed_runs(metadata: Mapping[str, Any]) -> int:
    """Replications per scenario that completed: the planned `runs` of a complete run, the
    fewest completed of any scenario of an interrupted one (`replications_completed`)."""
    planned = int(metadata.get("runs", 0))
    done = metadata.get("replications_completed")
    if metadata.get("completed", True) or not isinstance(done, Mapping) or not done:
        return planned
    return min(planned, *(int(n) for n in done.values()))


@dataclass(frozen=True)
class FigureContext:
    """Everything a figure needs besides its data: language, labels, horizon, provenance.

    `scenario_labels` maps scenario id -> display label in drawing order; its order fixes the
    colour of each scenario (`colour`). `service_labels` maps service id -> display label.
    """

    provenance: Provenance
    lang: str = "en"
    scenario_labels: dict[str, str] = field(default_factory=dict)
    service_labels: dict[str, str] = field(default_factory=dict)
    horizon_years: int = 5
    colour_order: tuple[str, ...] = ()  # all scenarios of the config: colours stable across runs

    @classmethod
    def from_metadata(
        cls,
        metadata: Mapping[str, Any],
        lang: str,
        service_names: Mapping[str, Mapping[str, str]] | None = None,
    ) -> FigureContext:
        """The context of a results folder's metadata.json, so that re-rendering reproduces the
        figures (the footer date is the day the run finished, not today).

        Scenario labels come from `scenario_labels` / `scenario_labels_de`; service labels from
        `service_names` ({service: {"en": ..., "de": ...}}), else the config's `name` /
        `name_de`, else the built-in names of the reference services, else the id.
        """
        label("scenario", lang)  # validates lang
        scenarios = list(metadata.get("scenarios") or metadata.get("scenario_labels") or [])
        english = dict(metadata.get("scenario_labels") or {})
        german = dict(metadata.get("scenario_labels_de") or {})
        names = german if lang == "de" else english
        config = metadata.get("config") or {}
        return cls(
            provenance=Provenance.from_metadata(metadata),
            lang=lang,
            scenario_labels={s: names.get(s) or english.get(s) or s for s in scenarios},
            service_labels=_service_labels(metadata, lang, service_names),
            horizon_years=int(metadata.get("horizon_years", 5)),
            colour_order=tuple(
                (config.get("scenarios") or {}) if isinstance(config, Mapping) else ()
            ),
        )

    def colour(self, scenario: str) -> str:
        """The colour of `scenario`: by its position among the config's scenarios (or, without
        that, in `scenario_labels`), so a scenario keeps its colour in every figure and run."""
        order = list(self.colour_order) or list(self.scenario_labels)
        index = order.index(scenario) if scenario in order else len(order)
        return PALETTE[index % len(PALETTE)]

    def scenario_label(self, scenario: str) -> str:
        """The display label of `scenario` (its id if it has none)."""
        return self.scenario_labels.get(scenario, scenario)

    def service_label(self, service: str) -> str:
        """The display label of `service` (the built-in name or its id if it has none)."""
        return self.service_labels.get(service) or service_label(service, self.lang)

    def ordered(self, scenarios: Iterable[str]) -> list[str]:
        """`scenarios` in drawing order: those of `scenario_labels` first, others after."""
        present = list(dict.fromkeys(str(s) for s in scenarios))
        known = [s for s in self.scenario_labels if s in present]
        return known + [s for s in present if s not in self.scenario_labels]


@dataclass
class FigureResult:
    """A saved figure: file paths (PNG, PDF), the figure and the exact numbers drawn."""

    paths: list[Path]
    figure: Figure
    data: dict[str, Any]


def figure_path(out_dir: str | Path, stem: str, lang: str = "en") -> Path:
    """Base path (no extension) of a figure file: out_dir/stem, with "_de" for German."""
    label("scenario", lang)  # validates lang
    return Path(out_dir) / f"{stem}{'_de' if lang == 'de' else ''}"


def paired_difference_stem(a: str, b: str) -> str:
    """File stem of the paired difference figure of scenarios a and b."""
    return f"paired_difference_{a}_vs_{b}"


def pair_figure_stem(kind: str, a: str, b: str) -> str:
    """File stem of a figure of `PAIR_FIGURES` for scenarios a and b, e.g.
    "gap_by_category_external_vs_hybrid"."""
    if kind not in PAIR_FIGURES:
        raise ValueError(f"kind (={kind!r}) must be one of {PAIR_FIGURES}")
    return f"{kind}_{a}_vs_{b}"


# -- formatting of axes ---------------------------------------------------------------------------


def decimals_needed(values: Sequence[float], most: int = 3) -> int:
    """Fewest decimals that show every value exactly (up to `most`)."""
    for d in range(most + 1):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return most


class EuroFormatter(Formatter):
    """Compact euro tick labels, one unit and one number of decimals per axis:
    €4.0m, €4.5m (en) / 4,0 Mio. €, 4,5 Mio. € (de)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_eur_short(x, self.lang)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        values = [float(v) for v in values]
        if not values:
            return []
        biggest = max(abs(v) for v in values)
        scale = 1e6 if biggest >= 1e6 else 1e3 if biggest >= 1e3 else 1.0
        decimals = decimals_needed([v / scale for v in values])
        return [format_eur_short(v, self.lang, scale=scale, decimals=decimals) for v in values]


class NumberFormatter(Formatter):
    """Numbers with thousands separators and the language's decimal mark."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.lang, decimals_needed([x], 2))

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        values = [float(v) for v in values]
        decimals = decimals_needed(values, 2) if values else 0
        return [format_number(v, self.lang, decimals) for v in values]


class PercentFormatter(Formatter):
    """Shares as percentages: 12.5% (en) / 12,5 % (de); each tick with the decimals it needs."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_percent(x, self.lang, decimals_needed([100 * x], 2))


def wrap_text(text: str, width: int) -> str:
    """`text` over lines of at most `width` characters, broken between words."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) if text else text


# -- figure scaffolding ---------------------------------------------------------------------------


def house_style():
    """The house style as a context manager: `with house_style(): ...` draws in it."""
    return mpl_style.context(STYLE_PATH)


def fit_width(text, max_px: float, renderer) -> None:
    """Wrap a figure text at word boundaries into as few, evenly long lines as fit `max_px`."""
    original = text.get_text()
    lines = 1
    while text.get_window_extent(renderer).width > max_px and lines < 6:
        lines += 1
        text.set_text(wrap_text(original, -(-len(original) // lines) + 4))


def new_figure(
    ctx: FigureContext,
    title: str,
    subtitle: str,
    ncols: int = 1,
    sharey: bool = False,
    nrows: int = 1,
    warning: str = "",
) -> tuple[Figure, list]:
    """A slide-sized figure with title, subtitle and provenance footer; the axes are laid out
    (constrained layout) in the rectangle between header and footer, so nothing overlaps.

    A `warning` (e.g. estimates too noisy to read) is a bold red line under the subtitle."""
    fig = Figure(figsize=SLIDE_SIZE, layout="constrained")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    width_in, height_in = fig.get_size_inches()
    x = _MARGIN_IN / width_in
    max_px = fig.bbox.width * (1 - 2 * x)

    y = 1 - 0.2 / height_in
    for gid, text, size, colour, weight, gap in (
        ("title", title, _TITLE_PT, DARK, "bold", 0.07),
        ("subtitle", subtitle, _SUBTITLE_PT, NEUTRAL, "normal", 0.07 if warning else 0.16),
        ("warning", warning, _SUBTITLE_PT, WARNING, "bold", 0.16),
    ):
        if not text:
            continue
        artist = fig.text(
            x, y, text, fontsize=size, color=colour, fontweight=weight, ha="left", va="top"
        )
        artist.set_gid(gid)
        fit_width(artist, max_px, renderer)
        y -= artist.get_window_extent(renderer).height / fig.bbox.height + gap / height_in

    footer = fig.text(
        x,
        0.1 / height_in,
        ctx.provenance.footer(ctx.lang),
        fontsize=_FOOTER_PT,
        color=WARNING if ctx.provenance.incomplete else "#737373",
        ha="left",
        va="bottom",
    )
    footer.set_gid("footer")
    fit_width(footer, max_px, renderer)
    bottom = footer.get_window_extent(renderer).height / fig.bbox.height + 0.22 / height_in
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, y - bottom))
    axes = fig.subplots(nrows, ncols, sharex=nrows > 1, sharey=sharey, squeeze=False)
    return fig, list(axes.flat)


def figure_legend(fig: Figure, handles: list, labels: list[str], side: str, **kwargs):
    """A figure legend to the right of (side="right") or below (side="bottom") the axes, in
    space taken from the layout rectangle, so it can overlap neither axes nor header/footer."""
    engine = fig.get_layout_engine()
    left, bottom, width, height = engine.get()["rect"]
    renderer = fig.canvas.get_renderer()
    margin = _MARGIN_IN / fig.get_size_inches()[0]
    if side == "right":
        legend = fig.legend(
            handles,
            labels,
            loc="upper right",
            bbox_to_anchor=(1 - margin, bottom + height),
            bbox_transform=fig.transFigure,
            borderaxespad=0,
            **kwargs,
        )
        used = legend.get_window_extent(renderer).width / fig.bbox.width + margin + 0.01
        engine.set(rect=(left, bottom, width - used, height))
    elif side == "bottom":
        legend = fig.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, bottom),
            bbox_transform=fig.transFigure,
            borderaxespad=0,
            **kwargs,
        )
        used = legend.get_window_extent(renderer).height / fig.bbox.height + 0.01
        engine.set(rect=(left, bottom + used, width, height - used))
    else:
        raise ValueError(f"side (={side!r}) must be 'right' or 'bottom'")
    legend.set_gid("legend")
    return legend


def place_labels(fig: Figure, ax, labels: list, obstacles: list) -> None:
    """Place each point label (an annotation at offset (12, 10) points) at the first of a few
    positions around its point where it stays inside the axes and overlaps neither another
    label nor an obstacle (points, error bars)."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()  # final layout, so that pixel positions are those saved
    inside = ax.get_window_extent(renderer)
    blocked = [o.get_window_extent(renderer) for o in obstacles]
    candidates = [
        ((12, 10), "left", "bottom"),
        ((-12, 10), "right", "bottom"),
        ((12, -10), "left", "top"),
        ((-12, -10), "right", "top"),
        ((16, 0), "left", "center"),
        ((-16, 0), "right", "center"),
        ((0, 16), "center", "bottom"),
        ((0, -16), "center", "top"),
        ((40, 30), "left", "bottom"),
        ((-40, 30), "right", "bottom"),
        ((40, -30), "left", "top"),
        ((-40, -30), "right", "top"),
    ]
    placed = []
    for text in labels:
        best, best_score = None, None
        for offset, ha, va in candidates:
            text.xyann = offset
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = text.get_window_extent(renderer).expanded(1.04, 1.1)
            outside = not (
                inside.x0 <= box.x0
                and box.x1 <= inside.x1
                and inside.y0 <= box.y0
                and box.y1 <= inside.y1
            )
            score = 100 * outside + 10 * sum(box.overlaps(p) for p in placed)
            score += sum(box.overlaps(b) for b in blocked)
            if best_score is None or score < best_score:
                best, best_score = (offset, ha, va), score
            if score == 0:
                break
        offset, ha, va = best
        text.xyann = offset
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        placed.append(text.get_window_extent(renderer))


def save(fig: Figure, out_base: str | Path, title: str, ctx: FigureContext) -> list[Path]:
    """Save as 300 dpi PNG and vector PDF (exact slide size: no bbox tightening).

    Each file is written whole or not at all: drawn into a hidden temporary file in the same
    folder, then renamed into place (a killed run never leaves a file cut short).
    """
    out_base = Path(out_base)
    out_base.parent.mkdir(parents=True, exist_ok=True)
    png = out_base.parent / f"{out_base.name}.png"
    pdf = out_base.parent / f"{out_base.name}.pdf"
    software = f"itsim {ctx.provenance.version}"
    formats = (
        (png, {"dpi": DPI, "metadata": {"Title": title, "Software": software}}),
        (pdf, {"metadata": {"Title": title, "Creator": software, "CreationDate": None}}),
    )
    for path, options in formats:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=path.suffix[1:], **options)
    return [png, pdf]


def thin_ticks(fig: Figure) -> None:
    """Fewer ticks where tick labels would touch (narrow panels, long euro labels)."""
    renderer = fig.canvas.get_renderer()
    for _ in range(6):
        fig.draw_without_rendering()
        crowded = False
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                locator = axis.get_major_locator()
                if not isinstance(locator, MaxNLocator):
                    continue
                lo, hi = sorted(axis.get_view_interval())
                index = 0 if axis is ax.xaxis else 1
                boxes = [
                    t.get_window_extent(renderer).expanded(1.15, 1.0)
                    for t in axis.get_ticklabels()
                    if t.get_visible() and t.get_text() and lo <= t.get_position()[index] <= hi
                ]
                if any(a.overlaps(b) for a, b in pairwise(boxes)):
                    locator.set_params(nbins=max(len(boxes) - 2, 2))
                    crowded = True
        if not crowded:
            return


def finish_figure(
    fig: Figure, out_base: str | Path, ctx: FigureContext, data: dict[str, Any]
) -> FigureResult:
    """The last step of every figure: thin crowded ticks, add the header and footer texts to
    `data` (title, subtitle, warning, footer), save PNG and PDF, return the `FigureResult`."""
    thin_ticks(fig)
    texts = {t.get_gid(): t.get_text() for t in fig.texts if t.get_gid()}
    data = {**data, "title": texts.get("title", ""), "subtitle": texts.get("subtitle", "")}
    data["warning"] = texts.get("warning", "")
    data["footer"] = texts.get("footer", "")
    paths = save(fig, out_base, data["title"].replace("\n", " "), ctx)
    return FigureResult(paths=paths, figure=fig, data=data)


def legend_box(legend) -> None:
    """Opaque legend background so reference lines do not run through its text."""
    frame = legend.get_frame()
    frame.set_facecolor("white")
    frame.set_edgecolor("none")
    frame.set_alpha(0.92)
    legend.set_frame_on(True)


def strip_columns(frame: pd.DataFrame, prefix: str, suffix: str) -> pd.DataFrame:
    """Accept column names with the replication-table prefix and suffix (cost_x_eur -> x)."""

    def name(column: object) -> str:
        text = str(column)
        if text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix + suffix):
            return text[len(prefix) : len(text) - len(suffix)]
        return text

    return frame.rename(columns=name)


def runs_text(ctx: FigureContext) -> str:
    """The replications per scenario of the figure's run, as written in its language."""
    return format_number(ctx.provenance.runs, ctx.lang)


def histogram_bin_width(groups: Iterable[np.ndarray], lo: float, hi: float) -> float:
    """Histogram bin width: the median Freedman–Diaconis width of the groups, so that a few
    extreme values widen the axis without coarsening the bins; 15 to 80 bins over [lo, hi]."""
    widths = []
    for v in groups:
        iqr = float(np.subtract(*np.percentile(v, [75, 25]))) if v.size > 1 else 0.0
        if iqr > 0:
            widths.append(2 * iqr / v.size ** (1 / 3))
    span = hi - lo
    if not span > 0:
        return abs(hi) * 0.05 or 1.0
    width = float(np.median(widths)) if widths else span / 20
    return span / float(np.clip(np.ceil(span / width), 15, 80))


def offset_points(fig, dx_pt: float = 0.0, dy_pt: float = 0.0) -> ScaledTranslation:
    """A shift by (dx, dy) points, to add to a transform: text a few points off its anchor."""
    return ScaledTranslation(dx_pt / 72, dy_pt / 72, fig.dpi_scale_trans)


def thin_category_ticks(fig, ax, axis: str) -> None:
    """Label every k-th cell on a crowded axis, so that tick labels do not touch."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    texts = [t.get_text() for t in ticks]
    for step in range(1, len(texts) + 1):
        for j, t in enumerate(ticks):
            t.set_visible(j % step == 0)
        visible = [
            t.get_window_extent(renderer).expanded(1.1, 1.1) for t in ticks if t.get_visible()
        ]
        if not any(a.overlaps(b) for a, b in pairwise(visible)):
            return


# -- what an axis shows -------------------------------------------------------------------------


def bulk_range(values: np.ndarray, two_sided: bool = False) -> tuple[float, float]:
    """The range of `values` an axis shows: min to max, but a long tail is cut at P99 (and, if
    `two_sided`, at P1): a tail counts as long when it reaches more than half the P1–P99 span
    beyond the percentile. The futures beyond are named in the axis label (`beyond_note`)."""
    if not values.size:
        return 0.0, 0.0
    lo, hi = float(values.min()), float(values.max())
    p1, p99 = (float(q) for q in np.percentile(values, [1, 99]))
    span = max(p99 - p1, 1e-9)
    if hi - p99 > 0.5 * span:
        hi = p99
    if two_sided and p1 - lo > 0.5 * span:
        lo = p1
    return lo, hi


def beyond_note(
    values: np.ndarray,
    lo: float,
    hi: float,
    lang: str,
    format_value: Callable[[float, str], str] = format_eur_short,
) -> str:
    """'3 futures beyond €12.0m not shown (maximum €25.0m)' for the values outside [lo, hi];
    '' if none. Values are written by `format_value(value, lang)` (default: compact euros)."""
    notes = []
    for key, outside, edge, extreme in (
        ("beyond_above", values[values > hi], hi, np.max),
        ("beyond_below", values[values < lo], lo, np.min),
    ):
        if outside.size:
            count, edge_text = format_number(outside.size, lang), format_value(edge, lang)
            far = format_value(float(extreme(outside)), lang)
            notes.append(label(key, lang, n=count, edge=edge_text, extreme=far))
    return "; ".join(notes)
