"""Board-ready figures: 16:9 slide size, euro axes with thousands separators, provenance footer.

Every plot function takes frames already computed by `simulation.analysis`, a `FigureContext`
(language, scenario and service labels, horizon, provenance) and an output base path (without
extension). It writes a 300 dpi PNG and a vector PDF and returns a `FigureResult` with the paths,
the figure and the exact numbers drawn. Figures are drawn with the house style
`itsim.mplstyle`, applied per figure; nothing is set globally and no GUI backend is needed
(figures are `matplotlib.figure.Figure` objects on an Agg canvas, outside pyplot).

Colours: the scenario at position i of `FigureContext.scenario_labels` is drawn in `PALETTE[i]`
in every figure; cost categories have fixed colours (`CATEGORY_COLOURS`): budget cost (cash out)
in cool colours (staff blues, technology teals, providers greys and violet), risk cost (users'
lost time, lost margin, security and compliance losses, deferred change) in reds and oranges,
so the two groups read apart.

Figures that show only total cost (budget + risk) say so in their title or axis label; the
budget/risk split is in `plot_cost_budget_risk` and `plot_cost_breakdown`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator, NullFormatter
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from simulation.files import atomic_path
from simulation.model.ledger import RISK_CATEGORIES
from simulation.reporting.labels import (
    NBSP,
    category_label,
    format_date,
    format_eur_short,
    format_number,
    format_percent,
    label,
    service_label,
)

STYLE_PATH = Path(__file__).with_name("itsim.mplstyle")
#: Scenario colours by position (Okabe-Ito; the colour cycle of the style file).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Inches: a 16:9 slide (4000 × 2250 pixels at 300 dpi), so 12 pt text stays 12 pt on a slide.
SLIDE_SIZE = (40 / 3, 7.5)
DPI = 300
#: Fixed colours of the cost categories. Budget cost in cool families: staff (blues),
#: technology (teals), providers (greys and violet); risk cost in warm reds and oranges.
CATEGORY_COLOURS = {
    "personnel": "#08306B",
    "recruiting": "#2171B5",
    "training": "#6BAED6",
    "on_call": "#C6DBEF",
    "hardware": "#01665E",
    "licences": "#35978F",
    "operations": "#99D8C9",
    "provider_fees": "#4D4D4D",
    "service_credits": "#D9D9D9",
    "transition": "#969696",
    "vendor_management": "#6A51A3",
    "contractors": "#9E9AC8",
    "change_work": "#CBC9E2",
    "downtime": "#D7301F",
    "lost_margin": "#FC8D59",
    "security_losses": "#7F0000",
    "compliance_losses": "#993404",
    "deferred_change": "#FDD49E",
}
_OTHER_COLOURS = ("#737373", "#BDBDBD", "#525252", "#D9D9D9")
#: Budget cost and risk cost as a whole (figure `cost_budget_risk`).
BUDGET_COLOUR = "#3A6BA5"
RISK_COLOUR = "#D6604D"
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
#: Waterfall of the gap: teal where option a costs less, orange where it costs more, grey for
#: the options' totals; risk cost (losses) hatched.
GAP_LESS_COLOUR = "#1A8A7A"
GAP_MORE_COLOUR = "#E08214"
GAP_TOTAL_COLOUR = "#8C8C8C"
GAP_RISK_HATCH = "///"

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
        scenario_labels = {s: names.get(s) or english.get(s) or s for s in scenarios}

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

        config_path = metadata.get("config_path") or metadata.get("config_name") or "?"
        finished = str(metadata.get("finished") or metadata.get("started") or "")
        provenance = Provenance(
            config=Path(str(config_path)).name,
            config_hash=str(metadata.get("config_hash", "?")),
            runs=completed_runs(metadata),
            seed=int(metadata.get("seed", 0)),
            version=str(metadata.get("itsim_version", "?")),
            day=finished[:10],
            planned=int(metadata.get("runs", 0)),
        )
        return cls(
            provenance=provenance,
            lang=lang,
            scenario_labels=scenario_labels,
            service_labels=service_labels,
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
        return self.scenario_labels.get(scenario, scenario)

    def service_label(self, service: str) -> str:
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


def _decimals(values: Sequence[float], most: int = 3) -> int:
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
        decimals = _decimals([v / scale for v in values])
        return [format_eur_short(v, self.lang, scale=scale, decimals=decimals) for v in values]


class NumberFormatter(Formatter):
    """Numbers with thousands separators and the language's decimal mark."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.lang, _decimals([x], 2))

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        values = [float(v) for v in values]
        decimals = _decimals(values, 2) if values else 0
        return [format_number(v, self.lang, decimals) for v in values]


class PercentFormatter(Formatter):
    """Shares as percentages: 12.5% (en) / 12,5 % (de); each tick with the decimals it needs."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_percent(x, self.lang, _decimals([100 * x], 2))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) if text else text


# -- figure scaffolding ---------------------------------------------------------------------------


def _style():
    return mpl_style.context(STYLE_PATH)


def _fit_width(text, max_px: float, renderer) -> None:
    """Wrap a figure text at word boundaries into as few, evenly long lines as fit `max_px`."""
    original = text.get_text()
    lines = 1
    while text.get_window_extent(renderer).width > max_px and lines < 6:
        lines += 1
        text.set_text(_wrap(original, -(-len(original) // lines) + 4))


def _new_figure(
    ctx: FigureContext,
    title: str,
    subtitle: str,
    ncols: int = 1,
    sharey: bool = False,
    nrows: int = 1,
) -> tuple[Figure, list]:
    """A slide-sized figure with title, subtitle and provenance footer; the axes are laid out
    (constrained layout) in the rectangle between header and footer, so nothing overlaps."""
    fig = Figure(figsize=SLIDE_SIZE, layout="constrained")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    width_in, height_in = fig.get_size_inches()
    x = _MARGIN_IN / width_in
    max_px = fig.bbox.width * (1 - 2 * x)

    y = 1 - 0.2 / height_in
    for gid, text, size, colour, weight, gap in (
        ("title", title, _TITLE_PT, DARK, "bold", 0.07),
        ("subtitle", subtitle, _SUBTITLE_PT, NEUTRAL, "normal", 0.16),
    ):
        if not text:
            continue
        artist = fig.text(
            x, y, text, fontsize=size, color=colour, fontweight=weight, ha="left", va="top"
        )
        artist.set_gid(gid)
        _fit_width(artist, max_px, renderer)
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
    _fit_width(footer, max_px, renderer)
    bottom = footer.get_window_extent(renderer).height / fig.bbox.height + 0.22 / height_in
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, y - bottom))
    axes = fig.subplots(nrows, ncols, sharex=nrows > 1, sharey=sharey, squeeze=False)
    return fig, list(axes.flat)


def _figure_legend(fig: Figure, handles: list, labels: list[str], side: str, **kwargs):
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


def _place_labels(fig: Figure, ax, labels: list, obstacles: list) -> None:
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


def _save(fig: Figure, out_base: str | Path, title: str, ctx: FigureContext) -> list[Path]:
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


def _thin_ticks(fig: Figure) -> None:
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


def _result(
    fig: Figure, out_base: str | Path, ctx: FigureContext, data: dict[str, Any]
) -> FigureResult:
    _thin_ticks(fig)
    texts = {t.get_gid(): t.get_text() for t in fig.texts if t.get_gid()}
    data = {**data, "title": texts.get("title", ""), "subtitle": texts.get("subtitle", "")}
    data["footer"] = texts.get("footer", "")
    paths = _save(fig, out_base, data["title"].replace("\n", " "), ctx)
    return FigureResult(paths=paths, figure=fig, data=data)


def _legend_box(legend) -> None:
    """Opaque legend background so reference lines do not run through its text."""
    frame = legend.get_frame()
    frame.set_facecolor("white")
    frame.set_edgecolor("none")
    frame.set_alpha(0.92)
    legend.set_frame_on(True)


def _strip(frame: pd.DataFrame, prefix: str, suffix: str) -> pd.DataFrame:
    """Accept column names with the replication-table prefix and suffix (cost_x_eur -> x)."""

    def name(column: object) -> str:
        text = str(column)
        if text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix + suffix):
            return text[len(prefix) : len(text) - len(suffix)]
        return text

    return frame.rename(columns=name)


def _runs(ctx: FigureContext) -> str:
    return format_number(ctx.provenance.runs, ctx.lang)


def _bin_width(groups: Iterable[np.ndarray], lo: float, hi: float) -> float:
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


# -- cost distributions ---------------------------------------------------------------------------


def _one_distribution(ax, v: np.ndarray, bins: np.ndarray, colour: str, legend: str) -> np.ndarray:
    """A scenario's histogram (light fill, outline) with its mean (dashed) and P95 (dotted);
    returns the bar heights (shares of the scenario's replications)."""
    weights = np.full(v.size, 1 / v.size)
    heights, _, _ = ax.hist(
        v, bins=bins, weights=weights, histtype="stepfilled", alpha=0.18, color=colour, lw=0
    )
    ax.hist(
        v, bins=bins, weights=weights, histtype="step", linewidth=2.2, color=colour, label=legend
    )
    ax.axvline(float(v.mean()), color=colour, linewidth=1.8, linestyle=(0, (6, 3)))
    ax.axvline(float(np.percentile(v, 95)), color=colour, linewidth=2.2, linestyle=(0, (1, 2)))
    return heights


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


def beyond_note(values: np.ndarray, lo: float, hi: float, lang: str) -> str:
    """'3 futures beyond €12.0m (maximum €25.0m)' for the values outside [lo, hi]; '' if none."""
    notes = []
    for key, outside, edge, extreme in (
        ("beyond_above", values[values > hi], hi, np.max),
        ("beyond_below", values[values < lo], lo, np.min),
    ):
        if outside.size:
            count, edge_text = format_number(outside.size, lang), format_eur_short(edge, lang)
            far = format_eur_short(float(extreme(outside)), lang)
            notes.append(label(key, lang, n=count, edge=edge_text, extreme=far))
    return "; ".join(notes)


#: The budget-only column that goes with a total cost column.
_BUDGET_COLUMNS = {"cost_npv_eur": "cost_budget_npv_eur", "cost_total_eur": "cost_budget_total_eur"}


def plot_cost_distributions(
    replications: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Overlaid distributions of `column` per scenario (outline and light fill, as share of the
    scenario's replications), with the mean (dashed) and P95 (dotted) marked. The total cost is
    budget + risk; when `replications` also holds the budget column of the same kind
    (`cost_budget_npv_eur` for `cost_npv_eur`, `cost_budget_total_eur` for `cost_total_eur`),
    the legend gives each option's mean budget cost too."""
    lang, years = ctx.lang, ctx.horizon_years
    budget_column = _BUDGET_COLUMNS.get(column)
    if budget_column not in replications.columns:
        budget_column = None
    npv = column == "cost_npv_eur"
    title = label("cost_npv_title" if npv else "cost_total_title", lang, years=years)
    subtitle = label("distribution_subtitle", lang, runs=_runs(ctx))
    scenarios = ctx.ordered(replications["scenario"])
    values = {
        s: replications.loc[replications["scenario"] == s, column].dropna().to_numpy(float)
        for s in scenarios
    }
    values = {s: v for s, v in values.items() if v.size}
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        everything = np.concatenate(list(values.values())) if values else np.zeros(1)
        lo, hi = bulk_range(everything)
        width = _bin_width([v[(v >= lo) & (v <= hi)] for v in values.values()], lo, hi)
        if hi > lo:
            bins = np.linspace(lo, hi, round((hi - lo) / width) + 1)
        else:
            bins = np.linspace(lo - 5 * width, hi + 5 * width, 11)
        note = beyond_note(everything, lo, hi, lang)
        data: dict[str, Any] = {"bins": bins, "scenarios": {}, "beyond": note}
        tallest = 0.0
        for s, v in values.items():
            rows = replications.loc[replications["scenario"] == s]
            budget = float(rows[budget_column].mean()) if budget_column else None
            mean, p95 = float(v.mean()), float(np.percentile(v, 95))
            legend = label(
                "distribution_legend_budget" if budget_column else "distribution_legend",
                lang,
                name=ctx.scenario_label(s),
                mean=format_eur_short(mean, lang),
                p95=format_eur_short(p95, lang),
                budget=format_eur_short(budget or 0.0, lang),
            )
            heights = _one_distribution(ax, v, bins, ctx.colour(s), legend)
            tallest = max(tallest, float(heights.max()))
            data["scenarios"][s] = {
                "heights": heights,
                "mean": mean,
                "p95": p95,
                "budget_mean": budget,
            }
        ax.set_ylim(0, tallest * 1.38 if tallest > 0 else 1)
        pad = 0.01 * (bins[-1] - bins[0])
        ax.set_xlim(bins[0] - pad, bins[-1] + pad)
        ax.xaxis.set_major_formatter(EuroFormatter(lang))
        ax.yaxis.set_major_formatter(PercentFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        axis = label("cost_npv_axis" if npv else "cost_total_axis", lang, years=years)
        ax.set_xlabel(f"{axis}\n{note}" if note else axis)
        ax.set_ylabel(label("density_axis", lang))
        if values:
            _legend_box(ax.legend(loc="upper right", fontsize=13))
        return _result(fig, out_base, ctx, data)


def plot_cost_distribution(
    replications: pd.DataFrame,
    scenario_labels: dict[str, str],
    horizon_years: int,
    provenance: Provenance,
    out_base: Path,
    lang: str = "en",
    column: str = "cost_npv_eur",
) -> list[Path]:
    """Overlaid cost distributions per scenario (the figure of `itsim run`); returns the paths."""
    ctx = FigureContext(
        provenance=provenance,
        lang=lang,
        scenario_labels=dict(scenario_labels),
        horizon_years=horizon_years,
    )
    return plot_cost_distributions(replications, ctx, out_base, column).paths


# -- exceedance -----------------------------------------------------------------------------------


def _exceedance_texts(ctx: FigureContext, cost: bool, column: str, both: bool) -> tuple:
    """Title, subtitle and x label of an exceedance figure."""
    lang, years = ctx.lang, ctx.horizon_years
    if not cost:
        return (
            label("downtime_exceedance_title", lang),
            label("exceedance_subtitle", lang, runs=_runs(ctx)),
            label("downtime_x_axis", lang, years=years),
        )
    npv = column == "cost_npv_eur"
    x_key = "cost_npv_x_axis" if npv else "cost_total_x_axis"
    if both:
        x_key = "cost_npv_x_axis_both" if npv else "cost_total_x_axis_both"
    subtitle_key = "exceedance_subtitle_budget" if both else "exceedance_subtitle"
    return (
        label("cost_exceedance_title_both" if both else "cost_exceedance_title", lang),
        label(subtitle_key, lang, runs=_runs(ctx)),
        label(x_key, lang, years=years),
    )


def _exceedance_lines(ax, curve: pd.DataFrame, ctx: FigureContext, log_y: bool, budget: bool):
    """One curve per scenario (dashed and thinner for budget cost alone); the arrays drawn."""
    drawn = {}
    for s in ctx.ordered(curve["scenario"]):
        rows = curve[curve["scenario"] == s]
        x = rows["x"].to_numpy(float)
        p = rows["p_exceed"].to_numpy(float)
        if log_y:
            p = np.where(p > 0, p, np.nan)
        name = ctx.scenario_label(s)
        ax.plot(
            x,
            p,
            color=ctx.colour(s),
            linewidth=2.0 if budget else 2.6,
            linestyle=(0, (6, 2.5)) if budget else "-",
            label=f"{name} – {label('line_budget', ctx.lang)}" if budget else name,
        )
        drawn[s] = {"x": x, "p_exceed": p}
    return drawn


def _reference_levels(ax, lang: str) -> None:
    """Grey dashed lines at 10 % and 5 %, labelled right of the axes (never on a curve)."""
    blend = blended_transform_factory(ax.transAxes, ax.transData)
    for level, key in ((0.10, "reference_10"), (0.05, "reference_5")):
        ax.axhline(level, color=NEUTRAL, linewidth=1.3, linestyle=(0, (5, 3)), zorder=1)
        text = ax.text(
            1.01,
            level,
            label(key, lang),
            transform=blend,
            ha="left",
            va="center",
            fontsize=12,
            color=NEUTRAL,
            clip_on=False,
        )
        text.set_gid(key)


def _probability_axis(ax, log_y: bool, y_floor: float, lang: str) -> None:
    """A y axis of probabilities: 0 to 100 % or logarithmic down to `y_floor`."""
    if log_y:
        ax.set_yscale("log")
        ax.set_ylim(y_floor * 0.7, 1.15)
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_ylim(0, 1.03)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(PercentFormatter(lang))


def _exceedance_legend(ax, n_scenarios: int, both: bool, lang: str) -> None:
    """The scenarios' (total) curves; with budget curves also a key to solid and dashed."""
    handles = ax.get_lines()[:n_scenarios]
    if both:
        handles += [
            Line2D([], [], color=DARK, linewidth=2.6, label=label("line_total", lang)),
            Line2D(
                [],
                [],
                color=DARK,
                linewidth=2.0,
                linestyle=(0, (6, 2.5)),
                label=label("line_budget", lang),
            ),
        ]
    _legend_box(ax.legend(handles=handles, loc="upper right", fontsize=14))


def plot_exceedance(
    curve: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    quantity: str = "cost",
    *,
    log_y: bool = False,
    y_floor: float | None = None,
    column: str = "cost_npv_eur",
    budget_curve: pd.DataFrame | None = None,
) -> FigureResult:
    """Exceedance curves P(X > x) per scenario (`curve`: columns scenario, x, p_exceed).

    `quantity` "cost" (x in EUR: total cost = budget + risk; `column` tells whether it is the
    net present value) or "downtime" (x in hours). `budget_curve` (cost only; same columns, of
    budget cost alone, e.g. `exceedance_curve(..., "cost_budget_npv_eur")`) adds a dashed curve
    per scenario. Reference lines at 10 % and 5 %. With `log_y` the y axis is logarithmic down
    to `y_floor` (default: the decade below the smallest positive probability, at least 0.1 %);
    probabilities of zero are then not drawn (NaN in `data`).
    """
    if quantity not in ("cost", "downtime"):
        raise ValueError(f"quantity (={quantity!r}) must be 'cost' or 'downtime'")
    lang, cost = ctx.lang, quantity == "cost"
    both = cost and budget_curve is not None
    title, subtitle, x_label = _exceedance_texts(ctx, cost, column, both)
    curves = pd.concat([curve, budget_curve]) if both else curve
    positive = curves.loc[curves["p_exceed"] > 0, "p_exceed"]
    if y_floor is None:
        smallest = float(positive.min()) if len(positive) else 1e-3
        y_floor = max(1e-3, 10 ** np.floor(np.log10(smallest)))
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"reference": (0.10, 0.05), "log_y": log_y}
        data["scenarios"] = _exceedance_lines(ax, curve, ctx, log_y, budget=False)
        if both:
            data["budget"] = _exceedance_lines(ax, budget_curve, ctx, log_y, budget=True)
        _reference_levels(ax, lang)
        _probability_axis(ax, log_y, y_floor, lang)
        ax.xaxis.set_major_formatter(EuroFormatter(lang) if cost else NumberFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        xs = curves["x"].to_numpy(float)
        if xs.size and xs.max() > xs.min():
            ax.set_xlim(xs.min(), xs.max())
        ax.set_xlabel(x_label)
        ax.set_ylabel(label("cost_exceed_axis" if cost else "downtime_exceed_axis", lang))
        if data["scenarios"]:
            _exceedance_legend(ax, len(data["scenarios"]), both, lang)
        return _result(fig, out_base, ctx, data)


# -- fan chart ------------------------------------------------------------------------------------


def _fan_panel(ax, rows: pd.DataFrame, budget: pd.DataFrame | None, offset: int, colour: str):
    """One scenario's fan: P10–P90 and P25–P75 bands, the median line and, with `budget`, the
    median of budget cost alone (dashed). Returns the arrays drawn."""
    x = (rows["month"].to_numpy(float) + offset) / 12
    arrays = {q: rows[q].to_numpy(float) for q in ("p10", "p25", "p50", "p75", "p90")}
    ax.fill_between(x, arrays["p10"], arrays["p90"], color=colour, alpha=0.17, lw=0)
    ax.fill_between(x, arrays["p25"], arrays["p75"], color=colour, alpha=0.38, lw=0)
    ax.plot(x, arrays["p50"], color=colour, linewidth=2.6)
    drawn = {"x": x, **arrays}
    if budget is not None and len(budget):
        budget_x = (budget["month"].to_numpy(float) + offset) / 12
        drawn["budget_p50"] = budget["p50"].to_numpy(float)
        ax.plot(budget_x, drawn["budget_p50"], color=DARK, linewidth=2.0, linestyle=(0, (5, 2)))
    return drawn


def _fan_note(ax, drawn: dict, lang: str) -> None:
    """The figures at the horizon, top left in the panel."""
    x = drawn["x"]
    end = label(
        "fan_end",
        lang,
        years=format_number(x[-1], lang, _decimals([x[-1]], 1)),
        median=format_eur_short(drawn["p50"][-1], lang),
        low=format_eur_short(drawn["p10"][-1], lang),
        high=format_eur_short(drawn["p90"][-1], lang),
    )
    if "budget_p50" in drawn:
        median = format_eur_short(drawn["budget_p50"][-1], lang)
        end += "\n" + label("fan_end_budget", lang, median=median)
    ax.text(
        0.03,
        0.97,
        end,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=12.5,
        color=DARK,
        linespacing=1.35,
    )


def plot_fan_chart(
    bands: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    budget_bands: pd.DataFrame | None = None,
) -> FigureResult:
    """Cumulative total cost (budget + risk, not discounted) by month, one panel per scenario
    (shared y axis): P10–P90 light band, P25–P75 darker band, median line.

    `bands` columns: scenario, month, mean, p10, p25, p50, p75, p90 (EUR), e.g. from
    `cumulative_cost_bands` of `cost_total_eur`. `budget_bands` (optional, same columns, of
    budget cost alone: `cumulative_cost_bands(monthly, "cost_budget_eur")`) adds its median as
    a dashed dark line. Months counted from 0 are the end of month month+1, so
    x = (month + 1) / 12 years; months counted from 1 give x = month / 12.
    `data["scenarios"][s]` holds the arrays passed to `fill_between` and `plot`.
    """
    lang, years = ctx.lang, ctx.horizon_years
    title = label("fan_title", lang, years=years)
    subtitle = label("fan_subtitle", lang, runs=_runs(ctx))
    scenarios = ctx.ordered(bands["scenario"])
    offset = 1 if len(bands) and bands["month"].min() == 0 else 0
    with _style():
        ncols = min(max(len(scenarios), 1), 3)  # more than three: a second row of panels
        nrows = -(-max(len(scenarios), 1) // ncols)
        fig, axes = _new_figure(ctx, title, subtitle, ncols=ncols, sharey=True, nrows=nrows)
        for ax in axes[max(len(scenarios), 1) :]:
            fig.delaxes(ax)
        axes = axes[: max(len(scenarios), 1)]
        data: dict[str, Any] = {"scenarios": {}, "month_offset": offset}
        for i, (ax, s) in enumerate(zip(axes, scenarios, strict=False)):
            rows = bands[bands["scenario"] == s].sort_values("month")
            budget = None
            if budget_bands is not None:
                budget = budget_bands[budget_bands["scenario"] == s].sort_values("month")
            colour = ctx.colour(s)
            drawn = _fan_panel(ax, rows, budget, offset, colour)
            ax.set_title(_wrap(ctx.scenario_label(s), 24), color=colour, fontsize=16)
            ax.set_xlim(0, max(years, float(drawn["x"].max()) if drawn["x"].size else years))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(years, 6) or 1))
            ax.xaxis.set_major_formatter(NumberFormatter(lang))
            if i + ncols >= len(scenarios):  # no panel below
                ax.set_xlabel(label("fan_x_axis", lang))
                ax.tick_params(axis="x", labelbottom=True)
            if i % ncols == 0:
                ax.set_ylabel(label("fan_y_axis", lang))
            if drawn["x"].size:
                _fan_note(ax, drawn, lang)
            data["scenarios"][s] = drawn
        axes[0].yaxis.set_major_formatter(EuroFormatter(lang))
        top = max(
            (float(np.nanmax(d["p90"])) for d in data["scenarios"].values() if d["p90"].size),
            default=1.0,
        )
        axes[0].set_ylim(0, top * (1.42 if budget_bands is not None else 1.32))
        _fan_legend(fig, lang, budget_bands is not None)
        return _result(fig, out_base, ctx, data)


def _fan_legend(fig: Figure, lang: str, budget: bool) -> None:
    grey = "#7f7f7f"
    handles = [
        Line2D([], [], color=grey, linewidth=2.6, label=label("fan_median", lang)),
        Patch(facecolor=grey, alpha=0.55, label=label("band_50", lang)),
        Patch(facecolor=grey, alpha=0.22, label=label("band_80", lang)),
    ]
    if budget:
        handles.append(
            Line2D(
                [],
                [],
                color=DARK,
                linewidth=2.0,
                linestyle=(0, (5, 2)),
                label=label("fan_budget", lang),
            )
        )
    names = [h.get_label() for h in handles]
    _figure_legend(fig, handles, names, "bottom", ncols=len(handles), fontsize=13)


# -- cost breakdown -------------------------------------------------------------------------------


def _category_colour(category: str, index: int) -> str:
    return CATEGORY_COLOURS.get(category, _OTHER_COLOURS[index % len(_OTHER_COLOURS)])


def _group_of(category: str) -> str:
    """The group of a cost category: risk for the ledger's risk categories, else budget."""
    return "risk" if category in RISK_CATEGORIES else "budget"


def _stack(ax, frame: pd.DataFrame, categories: list[str], lang: str) -> dict[str, Any]:
    """Stack the categories as horizontal bars (negative values left of zero); return the
    handles, each segment's (left, width) per scenario and the group spans per scenario."""
    scenarios = list(frame.index)
    y = np.arange(len(scenarios), dtype=float)
    positive, negative = np.zeros(len(scenarios)), np.zeros(len(scenarios))
    segments: dict[str, dict[str, tuple[float, float]]] = {s: {} for s in scenarios}
    spans = {s: {} for s in scenarios}
    handles = {}
    for i, category in enumerate(categories):
        v = frame[category].to_numpy(float)
        left = np.where(v >= 0, positive, negative)
        handles[category] = ax.barh(
            y,
            v,
            left=left,
            height=0.62,
            color=_category_colour(category, i),
            edgecolor="white",
            linewidth=0.8,
            label=category_label(category, lang),
        )
        for j, s in enumerate(scenarios):
            segments[s][category] = (float(left[j]), float(v[j]))
            start, end = spans[s].get(_group_of(category), (np.inf, -np.inf))
            spans[s][_group_of(category)] = (
                min(start, float(min(left[j], left[j] + v[j]))),
                max(end, float(max(left[j], left[j] + v[j]))),
            )
        positive += np.maximum(v, 0)
        negative += np.minimum(v, 0)
    return {
        "handles": handles,
        "segments": segments,
        "spans": spans,
        "positive": positive,
        "negative": negative,
    }


def _group_brackets(fig: Figure, ax, spans: dict, groups: dict, lang: str) -> list:
    """Above each bar, a bracket over its budget part and one over its risk part, each with
    the group's subtotal (`_place_group_labels` keeps the labels apart and inside)."""
    texts = []
    for j, s in enumerate(spans):
        pair = []
        for group in ("budget", "risk"):
            if group not in spans[s]:
                continue
            start, end = spans[s][group]
            top = j - 0.36  # the y axis is inverted: smaller y is higher up
            ax.plot(
                [start, start, end, end],
                [top + 0.03, top, top, top + 0.03],
                color=DARK,
                linewidth=1.2,
                solid_joinstyle="miter",
            )
            value = format_eur_short(groups[s][group], lang)
            text = ax.text(
                (start + end) / 2,
                top,
                label(f"{group}_group", lang, value=value),
                ha="center",
                va="bottom",
                fontsize=13,
                color=DARK,
                transform=ax.transData + ScaledTranslation(0, 2 / 72, fig.dpi_scale_trans),
            )
            pair.append(text)
        texts += pair
        _place_group_labels(fig, ax, pair)
    return texts


def _place_group_labels(fig: Figure, ax, pair: list) -> None:
    """Each label centred over its bracket unless it would stick out left of the axes (then
    it starts at the axes' left edge); the second label starts after the first when they
    would touch."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    left_edge = ax.get_window_extent(renderer).x0
    for text in pair:
        box = text.get_window_extent(renderer)
        if box.x0 < left_edge:
            text.set_horizontalalignment("left")
            text.set_x(to_data.transform((left_edge + 0.06 * fig.dpi, 0))[0])
    if len(pair) == 2:
        first, second = (t.get_window_extent(renderer) for t in pair)
        if first.expanded(1.06, 1.0).overlaps(second):
            pair[1].set_horizontalalignment("left")
            pair[1].set_x(to_data.transform((first.x1 + 0.15 * fig.dpi, 0))[0])


def _grouped_legend(fig: Figure, handles: dict, lang: str):
    """The category legend in two sections, budget cost then risk cost, each under a header."""
    entries, names, headers = [], [], []
    for group in ("budget", "risk"):
        members = [c for c in handles if _group_of(c) == group]
        if not members:
            continue
        if entries:  # an empty line between the groups
            entries.append(Patch(visible=False))
            names.append(" ")
        headers.append(len(entries))
        entries.append(Patch(visible=False))
        names.append(label(f"{group}_header", lang))
        entries += [handles[c] for c in members]
        names += [category_label(c, lang) for c in members]
    legend = _figure_legend(fig, entries, names, "right", fontsize=12, alignment="left")
    for index in headers:
        legend.get_texts()[index].set_fontweight("bold")
    return legend


def plot_cost_breakdown(
    breakdown: pd.DataFrame, ctx: FigureContext, out_base: str | Path
) -> FigureResult:
    """Horizontal stacked bars of the mean cost per category and scenario, budget categories
    first (cool colours), risk categories after (reds), with a bracket and subtotal over each
    group and the total at the end of each bar (`breakdown`: index scenario, columns cost
    categories, nominal EUR; negative values such as service credits are drawn left of zero).
    Categories that are zero in every scenario are left out; the legend lists budget and risk
    categories under their own headers."""
    lang, years = ctx.lang, ctx.horizon_years
    title = label("breakdown_title", lang, years=years)
    subtitle = label("breakdown_subtitle", lang, runs=_runs(ctx))
    frame = _strip(breakdown, "cost_", "_eur")
    frame = frame.drop(columns=[c for c in ("total", "npv") if c in frame.columns])
    scenarios = ctx.ordered(frame.index)
    frame = frame.loc[scenarios].astype(float).fillna(0.0)
    present = [c for c in frame.columns if (frame[c] != 0).any()]
    categories = [c for g in ("budget", "risk") for c in present if _group_of(c) == g]
    groups = {
        s: {
            g: float(frame.loc[s, [c for c in categories if _group_of(c) == g]].sum())
            for g in ("budget", "risk")
        }
        for s in scenarios
    }
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        drawn = _stack(ax, frame, categories, lang)
        positive, negative = drawn["positive"], drawn["negative"]
        totals = frame[categories].sum(axis=1) if categories else pd.Series(0.0, scenarios)
        span = float(positive.max() - negative.min()) if len(scenarios) else 1.0
        for j, s in enumerate(scenarios):
            ax.text(
                positive[j] + 0.012 * span,
                j,
                label("total", lang, value=format_eur_short(float(totals[s]), lang)),
                ha="left",
                va="center",
                fontsize=14,
                fontweight="bold",
                color=DARK,
            )
        _style_breakdown_axes(ax, ctx, scenarios, negative, positive, span)
        _grouped_legend(fig, drawn["handles"], lang)
        _group_brackets(fig, ax, drawn["spans"], groups, lang)
        data = {
            "categories": categories,
            "group_of": {c: _group_of(c) for c in categories},
            "segments": drawn["segments"],
            "groups": groups,
            "totals": {s: float(totals[s]) for s in scenarios},
        }
        return _result(fig, out_base, ctx, data)


def _style_breakdown_axes(ax, ctx: FigureContext, scenarios, negative, positive, span) -> None:
    """Limits, zero line, coloured scenario names and the euro axis of the breakdown."""
    ax.set_xlim(
        min(float(negative.min()) * 1.5, 0) - 0.01 * span, float(positive.max()) + 0.2 * span
    )
    ax.set_ylim(len(scenarios) - 0.55, -0.8)  # inverted; room for the brackets above bar 0
    ax.axvline(0, color=DARK, linewidth=1.2, zorder=3)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_yticks(
        np.arange(len(scenarios)),
        [_wrap(ctx.scenario_label(s), 18) for s in scenarios],
        fontsize=15,
    )
    for tick, s in zip(ax.get_yticklabels(), scenarios, strict=True):
        tick.set_color(ctx.colour(s))
        tick.set_fontweight("bold")
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.xaxis.set_major_locator(MaxNLocator(8))
    ax.set_xlabel(label("breakdown_axis", ctx.lang, years=ctx.horizon_years))


# -- budget cost and risk cost per option ---------------------------------------------------------


def _whiskers(ax, x: np.ndarray, low: np.ndarray, high: np.ndarray, colour: str):
    """Vertical P5–P95 whiskers with end caps at positions x; returns the caps' line."""
    ax.vlines(x, low, high, color=colour, linewidth=2.0, zorder=3)
    (caps,) = ax.plot(
        np.repeat(x, 2),
        np.column_stack([low, high]).ravel(),
        linestyle="none",
        marker="_",
        markersize=18,
        markeredgewidth=2.2,
        color=colour,
        zorder=3,
    )
    return caps


def _two_lines(amount: str) -> str:
    """An amount on two lines, number above unit: "2,0\nMio. €" (German); English unchanged."""
    number, _, unit = amount.partition(NBSP)
    return f"{number}\n{unit}" if unit else amount


def _segment_values(fig: Figure, ax, bars, values: np.ndarray, lang: str) -> list:
    """Each segment's value written in white in its middle: on one line, or on two where the
    bar is narrow; left out where the segment is too small for it."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    written = []
    for patch, value in zip(bars.patches, values, strict=True):
        box = patch.get_window_extent(renderer)
        amount = format_eur_short(float(value), lang)
        text = ax.text(
            patch.get_x() + patch.get_width() / 2,
            patch.get_y() + patch.get_height() / 2,
            amount,
            ha="center",
            va="center",
            fontsize=14,
            fontweight="bold",
            color="white",
            zorder=4,
            linespacing=1.1,
        )
        if text.get_window_extent(renderer).width > 0.92 * box.width:
            text.set_text(_two_lines(amount))
        inner = text.get_window_extent(renderer)
        if inner.width > 0.92 * box.width or inner.height > 0.85 * box.height:
            text.remove()
            continue
        written.append(text)
    return written


def _cheapest_lines(fig: Figure, ax, x: np.ndarray, lines: list[str]) -> None:
    """A note under each option's name (below the x tick labels), wrapped to its slot."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    below = min((b.y0 for b in ticks), default=ax.get_window_extent(renderer).y0)
    drop = (ax.get_window_extent(renderer).y0 - below) / fig.dpi + 0.06
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    slot = ax.get_window_extent(renderer).width / max(len(x), 1)
    for xi, line in zip(x, lines, strict=True):
        text = ax.text(
            xi,
            0,
            line,
            ha="center",
            va="top",
            fontsize=13,
            color=NEUTRAL,
            linespacing=1.3,
            transform=blend + ScaledTranslation(0, -drop, fig.dpi_scale_trans),
        )
        _fit_width(text, 0.8 * slot, renderer)


def _total_labels(fig: Figure, ax, x: np.ndarray, totals: np.ndarray, p95: np.ndarray, lang: str):
    """The total written above each bar (on two lines where one would reach the whiskers);
    the P95 of total cost beside its whisker's top where there is room before the next bar."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    unit = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]  # px per bar
    right = ax.get_window_extent(renderer).x1
    for xi, total, high in zip(x, totals, p95, strict=True):
        value = format_eur_short(float(total), lang)
        text = ax.annotate(
            label("total", lang, value=value),
            (xi, total),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=14,
            fontweight="bold",
            color=DARK,
            linespacing=1.1,
        )
        if text.get_window_extent(renderer).width > 0.54 * unit:
            text.set_text(label("total", lang, value="\n" + value).replace(" \n", "\n"))
        note = ax.annotate(
            label("p95_value", lang, value=format_eur_short(float(high), lang)),
            (xi + 0.3, high),
            xytext=(12, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=12,
            color=NEUTRAL,
        )
        room = min(ax.transData.transform((xi + 0.78, 0))[0], right)
        if note.get_window_extent(renderer).x1 > room:
            note.remove()


def _option_axis(ax, ctx: FigureContext, x: np.ndarray, scenarios: list[str]) -> None:
    """Options on x (names bold in their colours), euros on y."""
    ax.set_xticks(x, [_wrap(ctx.scenario_label(s), 22) for s in scenarios], fontsize=15)
    for tick, s in zip(ax.get_xticklabels(), scenarios, strict=True):
        tick.set_color(ctx.colour(s))
        tick.set_fontweight("bold")
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.yaxis.set_major_locator(MaxNLocator(7))


def plot_cost_budget_risk(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    cheapest: pd.DataFrame | None = None,
) -> FigureResult:
    """Per option a stacked bar: mean budget cost (bottom) and mean risk cost (top), together
    the mean total cost (net present value, EUR), each value written on the bar; whiskers left
    of the bar: P5–P95 of budget cost, right of it: P5–P95 of total cost.

    `table`: `analysis.budget_risk_table` (index scenario; columns budget_mean, risk_mean,
    total_mean, budget_p5, budget_p95, total_p5, total_p95). `cheapest` (optional; index
    scenario, columns p_cheapest_budget and p_cheapest, as in `summary_table`) writes under
    each option how often it is the cheapest on budget cost and on total cost.
    """
    lang, years = ctx.lang, ctx.horizon_years
    title = label("budget_risk_title", lang, years=years)
    subtitle = label("budget_risk_subtitle", lang, runs=_runs(ctx))
    scenarios = ctx.ordered(table.index)
    rows = table.loc[scenarios].astype(float)
    x = np.arange(len(scenarios), dtype=float)
    column = {k: rows[k].to_numpy(float) for k in rows.columns}
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        budget_bars = ax.bar(x, column["budget_mean"], 0.44, color=BUDGET_COLOUR, zorder=2)
        risk_bars = ax.bar(
            x, column["risk_mean"], 0.44, bottom=column["budget_mean"], color=RISK_COLOUR, zorder=2
        )
        budget_caps = _whiskers(ax, x - 0.3, column["budget_p5"], column["budget_p95"], "#1F3B63")
        total_caps = _whiskers(ax, x + 0.3, column["total_p5"], column["total_p95"], DARK)
        top = float(np.nanmax([column["total_p95"].max(), column["total_mean"].max()]))
        ax.set_ylim(0, top * 1.12)
        ax.set_xlim(-0.6, len(scenarios) - 0.25)
        _option_axis(ax, ctx, x, scenarios)
        ax.set_ylabel(label("budget_risk_axis", lang, years=years))
        handles = [budget_bars, risk_bars, budget_caps, total_caps]
        names = [
            label(k, lang) for k in ("budget_cost", "risk_cost", "budget_range", "total_range")
        ]
        _figure_legend(fig, handles, names, "bottom", ncols=4, fontsize=13)
        if cheapest is not None:
            shares = cheapest.reindex(scenarios)
            lines = [
                label(
                    "cheapest_on",
                    lang,
                    budget=format_percent(float(shares.loc[s, "p_cheapest_budget"]), lang),
                    total=format_percent(float(shares.loc[s, "p_cheapest"]), lang),
                )
                for s in scenarios
            ]
            _cheapest_lines(fig, ax, x, lines)
        # the values last: they are placed to fit the final layout
        _total_labels(fig, ax, x, column["total_mean"], column["total_p95"], lang)
        _segment_values(fig, ax, budget_bars, column["budget_mean"], lang)
        _segment_values(fig, ax, risk_bars, column["risk_mean"], lang)
        data = {
            "scenarios": scenarios,
            "x": x,
            **{key: dict(zip(scenarios, column[key].tolist(), strict=True)) for key in column},
        }
        return _result(fig, out_base, ctx, data)


# -- downtime by service --------------------------------------------------------------------------


def plot_downtime_by_service(
    downtime: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    downtime_p95: pd.DataFrame | None = None,
) -> FigureResult:
    """Grouped bars of the mean downtime hours per service (groups) and scenario (bars);
    `downtime`: index scenario, columns service ids. `downtime_p95` (same shape) adds P95
    whiskers from the top of each bar."""
    lang, years = ctx.lang, ctx.horizon_years
    title = label("downtime_service_title", lang, years=years)
    key = "downtime_service_subtitle" if downtime_p95 is None else "downtime_service_subtitle_p95"
    subtitle = label(key, lang, runs=_runs(ctx))
    frame = _strip(downtime, "downtime_", "_hours").drop(columns="total", errors="ignore")
    p95 = None
    if downtime_p95 is not None:
        p95 = _strip(downtime_p95, "downtime_", "_hours")
    services = [s for s in ctx.service_labels if s in frame.columns]
    services += [s for s in frame.columns if s not in services]
    scenarios = ctx.ordered(frame.index)
    x = np.arange(len(services), dtype=float)
    width = 0.8 / max(len(scenarios), 1)
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"services": services, "mean": {}, "x": {}}
        data["p95"] = {} if p95 is not None else None
        top = 0.0
        bars = []
        for i, s in enumerate(scenarios):
            colour = ctx.colour(s)
            xs = x + (i - (len(scenarios) - 1) / 2) * width
            means = frame.loc[s, services].to_numpy(float)
            bars.append(
                ax.bar(xs, means, width * 0.9, color=colour, label=ctx.scenario_label(s), zorder=2)
            )
            data["mean"][s] = means
            data["x"][s] = xs
            top = max(top, float(np.nanmax(means)) if means.size else 0.0)
            if p95 is not None and s in p95.index:
                upper = p95.loc[s, services].to_numpy(float)
                shown = (upper > 0) | (means > 0)
                ax.vlines(
                    xs[shown], means[shown], upper[shown], color=DARK, linewidth=1.5, zorder=3
                )
                ax.plot(
                    xs[shown],
                    upper[shown],
                    linestyle="none",
                    marker="_",
                    markersize=16,
                    markeredgewidth=2.2,
                    color=DARK,
                    zorder=3,
                )
                data["p95"][s] = upper
                top = max(top, float(np.nanmax(upper)) if upper.size else 0.0)
        ax.set_ylim(0, top * 1.3 if top > 0 else 1)
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        for container, s in zip(bars, scenarios, strict=True):
            for patch, value in zip(container.patches, data["mean"][s], strict=True):
                # the mean written inside the top of its bar, when the bar is tall enough
                if patch.get_window_extent(renderer).height >= 0.3 * fig.dpi:
                    ax.text(
                        patch.get_x() + patch.get_width() / 2,
                        value,
                        format_number(value, lang),
                        ha="center",
                        va="top",
                        fontsize=12,
                        fontweight="bold",
                        color="white",
                        zorder=4,
                        transform=ax.transData + ScaledTranslation(0, -4 / 72, fig.dpi_scale_trans),
                    )
        for j in range(len(services)):
            levels = [float(data["mean"][s][j]) for s in scenarios]
            levels += [float(v[j]) for v in (data["p95"] or {}).values()]
            if max(levels, default=0.0) == 0:
                ax.text(
                    x[j],
                    0,
                    label("no_outage", lang),
                    ha="center",
                    va="bottom",
                    fontsize=13,
                    color=NEUTRAL,
                    transform=ax.transData + ScaledTranslation(0, 6 / 72, fig.dpi_scale_trans),
                )
        width_chars = max(10, min(22, 96 // max(len(services), 1) - 2))
        ax.set_xticks(x, [_wrap(ctx.service_label(s), width_chars) for s in services], fontsize=14)
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(NumberFormatter(lang))
        ax.set_ylabel(label("downtime_axis", lang))
        handles, names = ax.get_legend_handles_labels()
        if p95 is not None:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=DARK,
                    marker="_",
                    markersize=16,
                    markeredgewidth=2.2,
                    linewidth=1.5,
                )
            )
            names.append(label("p95_whisker", lang))
        _legend_box(ax.legend(handles, names, loc="upper right", fontsize=13, ncols=len(handles)))
        return _result(fig, out_base, ctx, data)


# -- risk and return ------------------------------------------------------------------------------


def plot_risk_return(
    risk: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Mean cost (x) against CVaR95 (y) per scenario, labelled points; optional 95 % intervals
    from columns mean_ci_low/high and cvar95_ci_low/high. Lower left is better."""
    lang, years = ctx.lang, ctx.horizon_years
    has_ci = {"mean_ci_low", "mean_ci_high"} <= set(risk.columns) or {
        "cvar95_ci_low",
        "cvar95_ci_high",
    } <= set(risk.columns)
    title = label("risk_title", lang, years=years)
    subtitle = label("risk_subtitle_ci" if has_ci else "risk_subtitle", lang)
    scenarios = ctx.ordered(risk.index)
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"points": {}, "intervals": {}}
        annotations, obstacles = [], []
        xs, ys = [], []
        for s in scenarios:
            row = risk.loc[s]
            mx, my = float(row["mean"]), float(row["cvar95"])
            colour = ctx.colour(s)
            intervals = {}
            for axis, key, marker in (("x", "mean", "|"), ("y", "cvar95", "_")):
                low, high = f"{key}_ci_low", f"{key}_ci_high"
                if {low, high} <= set(row.index) and pd.notna(row[low]) and pd.notna(row[high]):
                    ends = [float(row[low]), float(row[high])]
                    # a plain segment with end caps: the interval need not contain the point
                    segment = (ends, [my, my]) if axis == "x" else ([mx, mx], ends)
                    (line,) = ax.plot(
                        *segment,
                        color=colour,
                        linewidth=1.6,
                        alpha=0.8,
                        marker=marker,
                        markersize=11,
                        markeredgewidth=1.6,
                        zorder=2,
                    )
                    obstacles.append(line)
                    intervals[axis] = tuple(ends)
                    (xs if axis == "x" else ys).extend(ends)
            if intervals:
                data["intervals"][s] = intervals
            obstacles.append(
                ax.scatter(
                    [mx], [my], s=180, color=colour, edgecolor="white", linewidth=1.5, zorder=3
                )
            )
            annotations.append(
                ax.annotate(
                    ctx.scenario_label(s),
                    (mx, my),
                    xytext=(12, 10),
                    textcoords="offset points",
                    ha="left",
                    va="bottom",
                    fontsize=15,
                    color=colour,
                    fontweight="bold",
                    zorder=4,
                )
            )
            xs.append(mx)
            ys.append(my)
            data["points"][s] = (mx, my)
        for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
            if values:
                lo, hi = min(values), max(values)
                pad = 0.25 * (hi - lo) if hi > lo else 0.1 * (abs(hi) or 1.0)
                setter(lo - pad, hi + pad)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(EuroFormatter(lang))
            axis.set_major_locator(MaxNLocator(7))
        ax.set_xlabel(label("risk_x_npv" if column == "cost_npv_eur" else "risk_x_total", lang))
        ax.set_ylabel(label("risk_y", lang))
        _place_labels(fig, ax, annotations, obstacles)
        return _result(fig, out_base, ctx, data)


# -- paired difference ----------------------------------------------------------------------------


def _probability_words(p: float, lang: str) -> str:
    """A probability for a sentence: "12%", "less than 1%", "more than 99%" (German alike)."""
    if 0 < p < 0.005:
        return label("less_than", lang, p=format_percent(0.01, lang))
    if 0.995 <= p < 1:
        return label("more_than", lang, p=format_percent(0.99, lang))
    return format_percent(p, lang)


def _budget_words(comparison: Mapping[str, Any] | None, name_a: str, lang: str) -> str | None:
    """The budget-only result of a paired comparison in one sentence (None without one)."""
    if comparison is None:
        return None
    p = _probability_words(float(comparison["p_a_cheaper"]), lang)
    difference = float(comparison["mean_difference"])
    amount = format_eur_short(abs(difference), lang)
    key = "budget_less" if difference < 0 else "budget_more" if difference > 0 else "budget_same"
    return f"{label('budget_cheaper_in', lang, a=name_a, p=p)}, {label(key, lang, amount=amount)}"


def _headline(fig: Figure, ax, statement: str, average: str, budget: str | None) -> None:
    """The result in words above the histogram: one line if it fits, else one per sentence;
    the budget-only result, if any, on a line of its own."""
    headline = ax.set_title(f"{statement}. {average}.", fontsize=15, color=DARK, loc="left")
    renderer = fig.canvas.get_renderer()
    room = fig.bbox.width - 1.4 * fig.dpi  # the axes: figure width less the y axis labels
    if headline.get_window_extent(renderer).width > room:
        headline.set_text(f"{statement}.\n{average}.")
        if headline.get_window_extent(renderer).width > room:
            _fit_width(headline, room, renderer)
    if budget:
        headline.set_text(f"{headline.get_text()}\n{budget}.")


def plot_paired_difference(
    difference: pd.Series | np.ndarray,
    comparison: Mapping[str, Any] | pd.Series,
    ctx: FigureContext,
    out_base: str | Path,
    column: str = "cost_npv_eur",
    budget_comparison: Mapping[str, Any] | pd.Series | None = None,
) -> FigureResult:
    """Histogram of the per-replication difference a − b of total cost (budget + risk, EUR)
    with a zero line; bars left of zero (a cheaper) in a's colour, right of zero (b cheaper) in
    b's colour; the probability that a is cheaper (`comparison["p_a_cheaper"]`) and the mean
    difference written in words. `budget_comparison` (`compare_pair` of the same a and b on
    budget cost alone, e.g. `cost_budget_npv_eur`) adds the budget-only result in words."""
    lang, years = ctx.lang, ctx.horizon_years
    a, b = str(comparison["a"]), str(comparison["b"])
    name_a, name_b = ctx.scenario_label(a), ctx.scenario_label(b)
    p = float(comparison["p_a_cheaper"])
    mean_difference = float(comparison["mean_difference"])
    title = label("paired_title", lang, a=name_a, b=name_b)
    subtitle = label(
        "paired_subtitle_npv" if column == "cost_npv_eur" else "paired_subtitle_total",
        lang,
        runs=_runs(ctx),
        years=years,
    )
    d = pd.Series(difference).dropna().to_numpy(float)
    statement = label("cheaper_in", lang, a=name_a, p=_probability_words(p, lang))
    amount = format_eur_short(abs(mean_difference), lang)
    if mean_difference < 0:
        average = label("costs_less", lang, a=name_a, b=name_b, amount=amount)
    elif mean_difference > 0:
        average = label("costs_more", lang, a=name_a, b=name_b, amount=amount)
    else:
        average = label("costs_same", lang, a=name_a, b=name_b)
    lo, hi = bulk_range(d, two_sided=True)
    note = beyond_note(d, lo, hi, lang)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    step = _bin_width([d[(d >= lo) & (d <= hi)]], lo, hi) if hi > lo else 1.0
    edges = np.arange(np.floor(lo / step), np.ceil(hi / step) + 1) * step  # 0 is an edge
    if edges.size < 2:
        edges = np.array([-step, 0.0, step])
    if edges[-1] < hi:  # rounding: keep the largest difference inside the last bin
        edges = np.append(edges, edges[-1] + step)
    if edges[0] > lo:
        edges = np.insert(edges, 0, edges[0] - step)
    heights = np.histogram(d, bins=edges)[0] / max(d.size, 1)
    left = edges[:-1] < 0
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        colour_a, colour_b = ctx.colour(a), ctx.colour(b)
        widths = np.diff(edges)
        ax.bar(
            edges[:-1][left],
            heights[left],
            widths[left],
            align="edge",
            color=colour_a,
            alpha=0.8,
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
        )
        ax.bar(
            edges[:-1][~left],
            heights[~left],
            widths[~left],
            align="edge",
            color=colour_b,
            alpha=0.8,
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
        )
        ax.axvline(0, color=DARK, linewidth=1.8, zorder=3)
        span = hi - lo if hi > lo else 1.0
        ax.set_xlim(min(lo - 0.02 * span, -0.28 * span), max(hi + 0.02 * span, 0.28 * span))
        ax.set_ylim(0, float(heights.max()) * 1.3 if heights.max() > 0 else 1.0)
        blend = blended_transform_factory(ax.transData, ax.transAxes)
        gap = 0.01 * span
        ax.text(
            -gap,
            0.97,
            _wrap(label("cheaper_left", lang, a=name_a), 20),
            transform=blend,
            ha="right",
            va="top",
            fontsize=14,
            fontweight="bold",
            color=colour_a,
        )
        ax.text(
            gap,
            0.97,
            _wrap(label("cheaper_right", lang, b=name_b), 20),
            transform=blend,
            ha="left",
            va="top",
            fontsize=14,
            fontweight="bold",
            color=colour_b,
        )
        budget_line = _budget_words(budget_comparison, name_a, lang)
        _headline(fig, ax, statement, average, budget_line)
        ax.xaxis.set_major_formatter(EuroFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(9))
        ax.yaxis.set_major_formatter(PercentFormatter(lang))
        axis = label("paired_axis", lang, a=name_a, b=name_b)
        ax.set_xlabel(f"{axis}\n{note}" if note else axis)
        ax.set_ylabel(label("density_axis", lang))
        data = {
            "a": a,
            "b": b,
            "bins": edges,
            "heights": heights,
            "beyond": note,
            "p_a_cheaper": p,
            "mean_difference": mean_difference,
            "statement": statement,
            "average": average,
            "budget_statement": budget_line,
            "differences": d,
        }
        return _result(fig, out_base, ctx, data)


# -- why one option costs less than another: waterfall of the gap --------------------------------


def signed_eur_short(value: float, lang: str) -> str:
    """A difference at board precision with its sign: "+€0.4m", "-€0.7m" (en),
    "+0,4 Mio. €", "-0,7 Mio. €" (de); zero without a sign."""
    text = format_eur_short(value, lang)
    return f"+{text}" if value > 0 and any(c in "123456789" for c in text) else text


def _gap_title(frame: pd.DataFrame, ctx: FigureContext, by: str) -> tuple[str, str]:
    """Title and subtitle of a waterfall: the gap in words, how to read the bars."""
    lang, attrs = ctx.lang, frame.attrs
    name_a, name_b = ctx.scenario_label(attrs["a"]), ctx.scenario_label(attrs["b"])
    gap = float(attrs["gap_eur"])
    amount = format_eur_short(abs(gap), lang)
    key = "gap_title_less" if gap < 0 else "gap_title_more" if gap > 0 else "gap_title_same"
    if amount == format_eur_short(0, lang):
        key = "gap_title_same"
    by_words = label(f"gap_by_{by}", lang)
    title = label(key, lang, a=name_a, b=name_b, amount=amount, by=by_words)
    subtitle = label(
        "gap_subtitle",
        lang,
        a=name_a,
        b=name_b,
        years=ctx.horizon_years,
        runs=format_number(int(attrs["n"]), lang),
    )
    return title, subtitle


def _part_name(part: str, row: pd.Series, ctx: FigureContext, by: str) -> str:
    """The display name of a row of the decomposition."""
    from simulation.analysis.gap import GAP_OTHER

    if part == GAP_OTHER:
        return label("gap_other", ctx.lang, n=int(row["parts"]))
    return category_label(part, ctx.lang) if by == "category" else ctx.service_label(part)


def _waterfall_rows(frame: pd.DataFrame, ctx: FigureContext, by: str) -> list[dict[str, Any]]:
    """Top to bottom: b's mean total, each part as a step from the level before it, a's mean
    total. Each row: name, kind (total or part), left, width (EUR), value, hatched, pale."""
    attrs = frame.attrs
    start, end = float(attrs["mean_b_eur"]), float(attrs["mean_a_eur"])
    rows = [{"name": attrs["b"], "kind": "total", "left": 0.0, "width": start, "value": start}]
    level = start
    for part, row in frame.iterrows():
        value = float(row["mean_difference_eur"])
        rows.append(
            {
                "name": _part_name(str(part), row, ctx, by),
                "part": str(part),
                "kind": "part",
                "left": level,
                "width": value,
                "value": value,
                "hatched": row.get("group") == "risk",
                "pale": not bool(row["clear"]),
            }
        )
        level += value
    rows.append({"name": attrs["a"], "kind": "total", "left": 0.0, "width": end, "value": end})
    return rows


def _waterfall_axis_start(rows: list[dict[str, Any]]) -> tuple[float, bool]:
    """Where the value axis starts: at zero, unless the steps are small against the totals;
    then just below the lowest level (the axis is cut, and the total bars start there)."""
    levels = [r["left"] for r in rows if r["kind"] == "part"]
    levels += [r["left"] + r["width"] for r in rows]
    lo, hi = min(levels), max(levels)
    span = hi - lo if hi > lo else max(abs(hi) * 0.05, 1.0)
    if lo > 3.0 * span:  # steps under about a quarter of the totals: zoom in on them
        return lo - 0.45 * span, True
    return min(lo - 0.05 * span, 0.0), False


def _draw_waterfall(ax, rows: list[dict[str, Any]], start: float) -> list:
    """The bars (totals from the axis start) and the dotted steps between them."""
    bars = []
    for y, row in enumerate(rows):
        if row["kind"] == "total":
            left, width = start, row["value"] - start
            style = {"color": GAP_TOTAL_COLOUR}
        else:
            left, width = row["left"], row["width"]
            colour = GAP_LESS_COLOUR if width < 0 else GAP_MORE_COLOUR
            style = {"color": colour, "alpha": 0.45 if row["pale"] else 1.0}
            if row["hatched"]:
                style.update(hatch=GAP_RISK_HATCH, hatchcolor="white")
        (bar,) = ax.barh(y, width, left=left, height=0.62, linewidth=0, zorder=2, **style)
        bars.append(bar)
    for y in range(len(rows) - 1):
        row = rows[y]
        level = row["value"] if row["kind"] == "total" else row["left"] + row["width"]
        ax.plot([level, level], [y + 0.31, y + 0.69], color=DARK, lw=1.0, ls=":", zorder=3)
    return bars


def _break_marks(ax, rows: list[dict[str, Any]], start: float, span: float) -> None:
    """Two white slanted strokes near the base of each total bar: the axis is cut there."""
    for y, row in enumerate(rows):
        if row["kind"] != "total":
            continue
        for dx in (0.012, 0.024):
            x = start + dx * span
            ax.plot(
                [x - 0.004 * span, x + 0.004 * span],
                [y + 0.36, y - 0.36],
                color="white",
                lw=2.2,
                zorder=3,
                solid_capstyle="butt",
            )


def _waterfall_values(fig: Figure, ax, rows: list[dict[str, Any]], lang: str) -> list:
    """Each bar's amount right of its right end (totals bold, steps signed); the axis is
    widened until every amount fits inside it."""
    texts = []
    for y, row in enumerate(rows):
        total = row["kind"] == "total"
        right = row["value"] if total else max(row["left"], row["left"] + row["width"])
        amount = (
            format_eur_short(row["value"], lang) if total else signed_eur_short(row["value"], lang)
        )
        text = ax.annotate(
            amount,
            (right, y),
            xytext=(7, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=14,
            fontweight="bold" if total else "normal",
            color=DARK,
        )
        texts.append(text)
    renderer = fig.canvas.get_renderer()
    for _ in range(4):
        fig.draw_without_rendering()
        edge = ax.get_window_extent(renderer).x1
        overshoot = max(t.get_window_extent(renderer).x1 for t in texts) - edge
        if overshoot <= 0:
            break
        lo, hi = ax.get_xlim()
        width_px = ax.get_window_extent(renderer).width
        ax.set_xlim(lo, hi + (overshoot + 10) / max(width_px - overshoot, 1.0) * (hi - lo))
    return texts


def _waterfall_axes(ax, ctx: FigureContext, rows: list[dict[str, Any]], limits) -> None:
    """Row names (option totals bold), euro axis, no y grid."""
    ax.set_ylim(len(rows) - 0.5, -0.5)  # inverted: b at the top, a at the bottom
    ax.set_xlim(*limits)
    names = [
        label("gap_total_row", ctx.lang, name=ctx.scenario_label(r["name"]))
        if r["kind"] == "total"
        else r["name"]
        for r in rows
    ]
    ax.set_yticks(np.arange(len(rows)), names, fontsize=14)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row["kind"] == "total":  # dark, not in the option's colour: teal and orange are steps
            tick.set_color(DARK)
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(EuroFormatter(ctx.lang))
    ax.xaxis.set_major_locator(MaxNLocator(8))
    ax.set_xlabel(label("gap_axis", ctx.lang, years=ctx.horizon_years))


def _waterfall_legend(fig: Figure, rows: list[dict[str, Any]], name_a: str, lang: str) -> None:
    """Teal and orange steps, grey totals; hatching and paleness only when drawn."""
    parts = [r for r in rows if r["kind"] == "part"]
    handles = [
        Patch(color=GAP_LESS_COLOUR, label=label("gap_less", lang, a=name_a)),
        Patch(color=GAP_MORE_COLOUR, label=label("gap_more", lang, a=name_a)),
        Patch(color=GAP_TOTAL_COLOUR, label=label("gap_total_bar", lang)),
    ]
    if any(r["hatched"] for r in parts):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=NEUTRAL,
                hatch=GAP_RISK_HATCH,
                label=label("gap_risk_hatched", lang),
            )
        )
    if any(r["pale"] for r in parts):
        handles.append(Patch(color=NEUTRAL, alpha=0.45, label=label("gap_unclear", lang)))
    names = [h.get_label() for h in handles]
    trial = fig.legend(handles, names, ncols=len(handles), fontsize=13)
    wide = trial.get_window_extent(fig.canvas.get_renderer()).width > 0.96 * fig.bbox.width
    trial.remove()
    ncols = -(-len(handles) // 2) if wide else len(handles)  # two rows when one is too wide
    _figure_legend(fig, handles, names, "bottom", ncols=ncols, fontsize=13)


def plot_gap_waterfall(
    decomposition: pd.DataFrame, ctx: FigureContext, out_base: str | Path
) -> FigureResult:
    """Why option a costs less (or more) than option b: a horizontal waterfall from b's mean
    total cost (top, net present value) through one step per part to a's mean total (bottom).

    `decomposition`: `analysis.gap_decomposition` condensed for a chart (sorted by size, small
    parts in `GAP_OTHER`), by cost category or by service (`attrs["by"]`); its attrs give a, b,
    the totals and the number of replications. Steps where a costs less are teal, where it
    costs more orange; risk categories hatched; steps whose 95% interval includes zero pale.
    Each bar carries its amount at board precision (steps signed). When the steps are small
    against the totals the value axis is cut (the subtitle says so; break marks on the totals).
    """
    by, lang = str(decomposition.attrs["by"]), ctx.lang
    title, subtitle = _gap_title(decomposition, ctx, by)
    rows = _waterfall_rows(decomposition, ctx, by)
    start, cut = _waterfall_axis_start(rows)
    if cut:
        subtitle = label("gap_axis_cut", lang, subtitle=subtitle)
    top = max(max(r["left"], r["left"] + r["width"]) for r in rows)
    span = top - start
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        bars = _draw_waterfall(ax, rows, start)
        if cut:
            _break_marks(ax, rows, start, span)
        _waterfall_axes(ax, ctx, rows, (start, top + 0.12 * span))
        _waterfall_legend(fig, rows, ctx.scenario_label(decomposition.attrs["a"]), lang)
        texts = _waterfall_values(fig, ax, rows, lang)
        data = {
            "a": decomposition.attrs["a"],
            "b": decomposition.attrs["b"],
            "by": by,
            "rows": rows,
            "bars": bars,
            "values": [t.get_text() for t in texts],
            "axis_start": start,
            "axis_cut": cut,
        }
        return _result(fig, out_base, ctx, data)


__all__ = [
    "BUDGET_COLOUR",
    "CATEGORY_COLOURS",
    "DPI",
    "FIGURE_STEMS",
    "GAP_LESS_COLOUR",
    "GAP_MORE_COLOUR",
    "GAP_RISK_HATCH",
    "GAP_TOTAL_COLOUR",
    "PAIR_FIGURES",
    "PALETTE",
    "RISK_COLOUR",
    "SLIDE_SIZE",
    "EuroFormatter",
    "FigureContext",
    "FigureResult",
    "NumberFormatter",
    "PercentFormatter",
    "Provenance",
    "figure_path",
    "pair_figure_stem",
    "paired_difference_stem",
    "plot_cost_breakdown",
    "plot_cost_budget_risk",
    "plot_cost_distribution",
    "plot_cost_distributions",
    "plot_downtime_by_service",
    "plot_exceedance",
    "plot_fan_chart",
    "plot_gap_waterfall",
    "plot_paired_difference",
    "plot_risk_return",
]
