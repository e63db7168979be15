"""The sensitivity chapter: each method's figure with two to four sentences of what it says.

The numbers come from the tables of `itsim sensitivity` (`analysis.sensitivity`, read back by
`montecarlo.store.read_sensitivity`); this module only chooses and formats them. One page per
method present, in the order a board reads them: what moves the result (tornado), what would
have to be true (break-even), where the cheapest option changes (decision map), structural
choices, how the result follows each assumption (spider), what explains its variance (Sobol),
what shapes its distribution (delta, and whether the assumptions are correlated).
`sensitivity_pages` appends the chapter to an open PDF (the board report's or its own);
`make_sensitivity_report` re-renders a sensitivity folder's figures and its own short PDF in
either language without recomputing.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.analysis.sensitivity import sobol_cost, sobol_readability
from simulation.analysis.structural import answer_changes, preferred
from simulation.config.variants import BASELINE
from simulation.files import atomic_path
from simulation.montecarlo.store import (
    SENSITIVITY_META,
    StoredSensitivity,
    read_sensitivity,
)
from simulation.reporting import catalogue, plots
from simulation.reporting.labels import (
    NBSP,
    format_date,
    format_eur_short,
    format_number,
    format_percent,
    listed,
)
from simulation.reporting.pages import fit_title, image, page, png_of, wrapped
from simulation.reporting.sensitivity_plots import (
    describe_output,
    format_parameter_value,
    parameter_label,
    write_sensitivity_figures,
)

#: Every sentence and heading of the chapter, in English and German.
SENSITIVITY_TEXT: dict[str, dict[str, str]] = catalogue.section("sensitivity")

#: The chapter's methods in reading order, with the file stem of each one's figure.
CHAPTER: tuple[tuple[str, str], ...] = (
    ("tornado", "tornado"),
    ("break_even", "break_even"),
    ("decision_map", "decision_map"),
    ("structural", "structural_grid"),
    ("spider", "spider"),
    ("sobol", "sobol"),
    ("delta", "delta"),
)
#: Font size and characters per line of the sentences on a page (as the report's summary).
TEXT_SIZE, TEXT_WIDTH = 10.5, 128
#: Sobol indices are readable when their errors are within ± this share of the variance (the
#: default of `analysis.sensitivity.sobol_readability`).
SOBOL_HALF_WIDTH = 0.05


def sens_text(key: str, lang: str, **values: Any) -> str:
    """The chapter's text `key` in language `lang`, formatted with `values`."""
    return SENSITIVITY_TEXT[key][lang].format(**values)


# -- what each method says -------------------------------------------------------------------------


@dataclass
class Section:
    """One page of the chapter: its title, its sentences and the one for the key findings."""

    method: str
    title: str
    paragraphs: list[str]
    headline: str = ""

    def __post_init__(self) -> None:
        self.headline = self.headline or (self.paragraphs[0] if self.paragraphs else "")


Progress = Callable[[str, int, int | None], None]
"""`on_progress(step, done, total)`, the protocol of `report.make_report`."""


def tornado_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """What the result is, which parameter moves it most (the headline), the next two, and
    whether a single assumption reverses a difference between two options."""
    lang = ctx.lang
    output_label, unit = describe_output(sens.output, ctx)
    table = sens.tornado.sort_values("swing", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    top = table.iloc[0]
    baseline = float(top["baseline"])
    headline = sens_text(
        "tornado_top",
        lang,
        n=format_number(len(table), lang),
        parameter=_name(top["parameter"], ctx),
        low=_amount(top["output_low"], unit, lang),
        high=_amount(top["output_high"], unit, lang),
        low_value=_value(top, "low_value", lang),
        high_value=_value(top, "high_value", lang),
        swing=_amount(top["swing"], unit, lang),
    )
    result = sens_text(
        "tornado_result", lang, output=output_label, baseline=_amount(baseline, unit, lang)
    )
    paragraphs = [result, headline]
    if len(table) >= 3:
        second, third = table.iloc[1], table.iloc[2]
        paragraphs.append(
            sens_text(
                "tornado_next_two",
                lang,
                second=_name(second["parameter"], ctx),
                second_swing=_amount(second["swing"], unit, lang),
                third=_name(third["parameter"], ctx),
                third_swing=_amount(third["swing"], unit, lang),
            )
        )
    elif len(table) == 2:
        second = table.iloc[1]
        paragraphs.append(
            sens_text(
                "tornado_next_one",
                lang,
                second=_name(second["parameter"], ctx),
                second_swing=_amount(second["swing"], unit, lang),
            )
        )
    flip = _tornado_flip(table, sens.output, baseline, ctx)
    if flip:
        paragraphs.append(flip)
    return Section("tornado", sens_text("title_tornado", lang), paragraphs, headline)


def _tornado_flip(table: pd.DataFrame, output: Any, baseline: float, ctx) -> str:
    """For a difference a − b: the assumptions that alone, at their P10 or P90, change its
    sign (which of the two options is cheaper), largest swing first (at most three named)."""
    if output.statistic != "difference" or baseline == 0 or not math.isfinite(baseline):
        return ""
    lang = ctx.lang
    a, b = ctx.scenario_label(output.scenario), ctx.scenario_label(output.baseline)
    winner, loser = (a, b) if baseline < 0 else (b, a)
    items = []
    for row in table.itertuples(index=False):
        ends = (("at_p10", "output_low", "low_value"), ("at_p90", "output_high", "high_value"))
        for end, output_column, value_column in ends:
            if np.sign(getattr(row, output_column)) == -np.sign(baseline):
                value = _value(row._asdict(), value_column, lang)
                items.append(sens_text(end, lang, parameter=_name(row.parameter, ctx), value=value))
                break
    if not items:
        return sens_text("tornado_flip_none", lang, winner=winner, loser=loser)
    named = items[:3] + ([sens_text("and_more", lang, n=len(items) - 3)] if len(items) > 3 else [])
    key = "tornado_flip_one" if len(items) == 1 else "tornado_flip_many"
    return sens_text(key, lang, k=len(items), items=listed(named, lang), winner=winner, loser=loser)


def break_even_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """The value of the swept parameter at which the two options cost the same on average,
    which is cheaper on either side, and how certain (where the interval includes zero, and
    how often the first option is the cheaper at the ends of the range)."""
    lang = ctx.lang
    be = sens.settings.break_even
    parameter = be.sweep.parameter
    a, b = ctx.scenario_label(be.a), ctx.scenario_label(be.b)
    frame = sens.break_even.sort_values("value").reset_index(drop=True)
    x = frame["value"].to_numpy(float)
    d = frame["mean_difference"].to_numpy(float)
    flip = sens.flip or {}
    point = float(flip.get("break_even", math.nan))

    def value(v: float) -> str:
        return format_parameter_value(parameter, v, lang)

    words = {"a": a, "b": b, "parameter": _name(parameter, ctx)}
    ends = {"start": value(x.min()), "stop": value(x.max())}
    if math.isfinite(point):
        before, after = d[x < point], d[x > point]
        a_dearer_below = before[-1] > 0 if before.size and before[-1] != 0 else after[:1].sum() < 0
        below, above = (b, a) if a_dearer_below else (a, b)
        headline = sens_text(
            "be_point", lang, value=value(point), cheaper_below=below, cheaper_above=above, **words
        )
    else:
        finite = d[np.isfinite(d)]
        if finite.size and (finite <= 0).all() and (finite < 0).any():
            headline = sens_text("be_none", lang, cheaper=a, dearer=b, **words, **ends)
        elif finite.size and (finite >= 0).all() and (finite > 0).any():
            headline = sens_text("be_none", lang, cheaper=b, dearer=a, **words, **ends)
        else:
            headline = sens_text("be_equal", lang, **words, **ends)
    paragraphs = [headline]
    runs = format_number(sens.runs, lang)
    band = (float(flip.get("band_low", math.nan)), float(flip.get("band_high", math.nan)))
    if all(math.isfinite(v) for v in band):
        span = x.max() - x.min()
        whole = band[0] <= x.min() + 1e-9 * span and band[1] >= x.max() - 1e-9 * span
        if whole:
            paragraphs.append(sens_text("be_band_all", lang, runs=runs))
        else:
            paragraphs.append(
                sens_text("be_band", lang, low=value(band[0]), high=value(band[1]), runs=runs)
            )
    elif {"ci_low", "ci_high"} <= set(frame.columns):
        paragraphs.append(sens_text("be_clear", lang, runs=runs))
    if "p_a_cheaper" in frame and len(frame) >= 2:
        odds = frame["p_a_cheaper"].to_numpy(float)
        paragraphs.append(
            sens_text(
                "be_odds",
                lang,
                a=a,
                p_start=format_percent(odds[0], lang),
                p_stop=format_percent(odds[-1], lang),
                **ends,
            )
        )
    return Section("break_even", sens_text("title_break_even", lang), paragraphs, headline)


def decision_map_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """Which option is cheapest on average where, where along the x parameter the answer
    changes (at the lowest and the highest y value), and how certain the cells are."""
    lang = ctx.lang
    dm = sens.settings.decision_map
    px, py = dm.x.parameter, dm.y.parameter
    table = sens.decision_map.copy()
    table["preferred"] = table["preferred"].astype(str)
    xs = sorted(set(table["x"].astype(float)))
    ys = sorted(set(table["y"].astype(float)))
    words = {
        "x": _name(px, ctx),
        "y": _name(py, ctx),
        "x_low": format_parameter_value(px, xs[0], lang),
        "x_high": format_parameter_value(px, xs[-1], lang),
        "y_low": format_parameter_value(py, ys[0], lang),
        "y_high": format_parameter_value(py, ys[-1], lang),
        "n": format_number(len(table), lang),
    }
    counts = table["preferred"].value_counts()
    options = ctx.ordered(counts.index)
    if len(options) == 1:
        headline = sens_text("dm_one", lang, best=ctx.scenario_label(options[0]), **words)
        paragraphs = [headline]
    else:
        counted = [
            sens_text("dm_count", lang, option=ctx.scenario_label(s), k=int(counts[s]))
            for s in sorted(options, key=lambda s: -counts[s])
        ]
        headline = sens_text("dm_counts", lang, counts=listed(counted, lang), **words)
        paragraphs = [headline]

        def segments(y: float) -> str:
            row = table[table["y"].astype(float) == y].sort_values("x")
            return _segments(list(row["x"].astype(float)), list(row["preferred"]), px, ctx)

        if len(ys) == 1:
            paragraphs.append(
                sens_text("dm_edges_one", lang, x=words["x"], segments=segments(ys[0]))
            )
        else:
            paragraphs.append(
                sens_text(
                    "dm_edges",
                    lang,
                    x=words["x"],
                    y=words["y"],
                    y_low=words["y_low"],
                    y_high=words["y_high"],
                    low_segments=segments(ys[0]),
                    high_segments=segments(ys[-1]),
                )
            )
    p = table["p_cheapest"].astype(float)
    weak = table.loc[p.idxmin()]
    paragraphs.append(
        sens_text(
            "dm_certainty",
            lang,
            p_low=format_percent(float(p.min()), lang),
            p_high=format_percent(float(p.max()), lang),
            runs=format_number(sens.runs, lang),
            x_weak=format_parameter_value(px, float(weak["x"]), lang),
            y_weak=format_parameter_value(py, float(weak["y"]), lang),
            where=_where(
                xs.index(float(weak["x"])), len(xs), ys.index(float(weak["y"])), len(ys), lang
            ),
        )
    )
    return Section("decision_map", sens_text("title_decision_map", lang), paragraphs, headline)


def _where(i: int, nx: int, j: int, ny: int, lang: str) -> str:
    """Where cell (i, j) lies on the map, its lowest y at the bottom: "bottom left", "centre"."""

    def third(k: int, n: int) -> int:
        share = k / (n - 1) if n > 1 else 0.5
        return 0 if share < 1 / 3 else 2 if share > 2 / 3 else 1

    horizontal = ("dm_left", "dm_across", "dm_right")[third(i, nx)]
    vertical = ("dm_bottom", "dm_middle", "dm_top")[third(j, ny)]
    if (horizontal, vertical) == ("dm_across", "dm_middle"):
        return sens_text("dm_centre", lang)
    return sens_text(
        "dm_where",
        lang,
        vertical=sens_text(vertical, lang),
        horizontal=sens_text(horizontal, lang),
    )


def _segments(xs: list[float], chosen: list[str], parameter: str, ctx) -> str:
    """Runs of one preferred option along x: "Internal up to €40, Hybrid from €50"."""
    lang = ctx.lang
    runs: list[list] = []  # [option, first x, last x]
    for x, option in zip(xs, chosen, strict=True):
        if runs and runs[-1][0] == option:
            runs[-1][2] = x
        else:
            runs.append([option, x, x])

    def value(v: float) -> str:
        return format_parameter_value(parameter, v, lang)

    if len(runs) == 1:
        return sens_text("dm_throughout", lang, option=ctx.scenario_label(runs[0][0]))
    parts = []
    for i, (option, first, last) in enumerate(runs):
        name = ctx.scenario_label(option)
        if i == 0:
            parts.append(sens_text("dm_up_to", lang, option=name, value=value(last)))
        elif i == len(runs) - 1:
            parts.append(sens_text("dm_from", lang, option=name, value=value(first)))
        else:
            parts.append(
                sens_text("dm_between", lang, option=name, low=value(first), high=value(last))
            )
    return ", ".join(parts)


def structural_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """Which structural variants change the option cheapest on average, which moves the gap
    between the configured case's two cheapest options most, and the noise between rows."""
    lang, grid = ctx.lang, sens.structural.copy()
    grid["variant"] = grid["variant"].astype(str)
    grid["scenario"] = grid["scenario"].astype(str)
    variants = getattr(getattr(sens.settings, "structural", None), "variants", ()) or ()
    labels = {v.name: (v.label_de if lang == "de" else None) or v.label or v.name for v in variants}

    def variant_name(name: str) -> str:
        return sens_text("quoted", lang, name=labels.get(name, name))

    chosen = preferred(grid, "total")
    changed = answer_changes(grid, "total")
    n = len(changed) - 1
    flipped = [v for v in changed.index if v != BASELINE and changed[v]]
    if not flipped:
        best = ctx.scenario_label(str(chosen.get(BASELINE, chosen.iloc[0])))
        headline = sens_text("st_none", lang, n=n, best=best)
    else:
        changed = [
            sens_text(
                "st_variant", lang, variant=variant_name(v), option=ctx.scenario_label(chosen[v])
            )
            for v in flipped
        ]
        key = "st_one" if len(flipped) == 1 else "st_some"
        headline = sens_text(key, lang, k=len(flipped), n=n, variants=listed(changed, lang))
    paragraphs = [headline]
    wide = grid.pivot(index="variant", columns="scenario", values="mean_npv_eur")
    if BASELINE in wide.index and wide.shape[1] >= 2 and len(wide) > 1:
        a, b = (str(s) for s in wide.loc[BASELINE].sort_values().index[:2])
        gap = wide[a] - wide[b]
        shift = (gap - gap[BASELINE]).drop(BASELINE)
        if len(shift) and shift.abs().max() > 0:
            variant = str(shift.abs().idxmax())
            paragraphs.append(
                sens_text(
                    "st_largest",
                    lang,
                    variant=variant_name(variant),
                    a=ctx.scenario_label(a),
                    b=ctx.scenario_label(b),
                    amount=_amount(abs(float(shift[variant])), "eur", lang),
                    winner=ctx.scenario_label(b if shift[variant] > 0 else a),
                )
            )
    if {"change_ci_low_eur", "change_ci_high_eur"} <= set(grid.columns):
        half = (grid["change_ci_high_eur"] - grid["change_ci_low_eur"]) / 2
        half = half[grid["variant"] != BASELINE].to_numpy(float)
        if np.isfinite(half).any():
            paragraphs.append(
                sens_text(
                    "st_noise",
                    lang,
                    se=_amount(float(np.nanmedian(half)), "eur", lang),
                    runs=format_number(int(grid["runs"].min()), lang),
                )
            )
    return Section("structural", sens_text("title_structural", lang), paragraphs, headline)


def spider_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """The assumption with the steepest line and its range, whether its effect is uneven
    between the lower and the upper half, and how many lines are nearly flat."""
    lang = ctx.lang
    _, unit = describe_output(sens.output, ctx)
    frame = sens.spider.dropna(subset=["output"])
    ranges = frame.groupby("parameter", sort=False)["output"].agg(lambda s: s.max() - s.min())
    ranges = ranges.sort_values(ascending=False, kind="stable")
    top = str(ranges.index[0])
    rows = frame[frame["parameter"] == top].sort_values("percentile")
    low, high = rows.iloc[0], rows.iloc[-1]
    headline = sens_text(
        "spider_top",
        lang,
        parameter=_name(top, ctx),
        low_value=_value(low, "value", lang, top),
        high_value=_value(high, "value", lang, top),
        low=_amount(low["output"], unit, lang),
        high=_amount(high["output"], unit, lang),
    )
    paragraphs = [headline]
    median = rows[np.isclose(rows["percentile"].astype(float), 0.5)]
    if len(median) and len(rows) >= 3:
        lower = abs(float(median["output"].iloc[0]) - float(low["output"]))
        upper = abs(float(high["output"]) - float(median["output"].iloc[0]))
        if min(lower, upper) > 0 and max(lower, upper) >= 2 * min(lower, upper):
            key = "spider_uneven_upper" if upper > lower else "spider_uneven_lower"
            ratio = max(lower, upper) / min(lower, upper)
            paragraphs.append(sens_text(key, lang, ratio=format_number(ratio, lang, 1)))
    small = 0.1 * float(ranges.iloc[0])
    flat = int((ranges < small).sum())
    if small > 0:
        key = "spider_flat" if flat else "spider_all"
        paragraphs.append(
            sens_text(key, lang, k=flat, n=len(ranges), small=_amount(small, unit, lang))
        )
    return Section("spider", sens_text("title_spider", lang), paragraphs, headline)


def sobol_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """The honest state of the Sobol estimates (`analysis.sensitivity.sobol_readability`):
    when they are not readable at this sample size, why, and the sample (and its cost) that
    would make them so; otherwise the parameter explaining the most variance and the share
    the parameters explain on their own."""
    lang = ctx.lang
    table = sens.sobol
    n_base = int(sens.settings.sobol_n)
    sobol_runs = int(sens.sobol_runs or sens.runs)
    runs = format_number(sobol_runs, lang)
    state = sobol_readability(table, n_base, SOBOL_HALF_WIDTH)
    if not state.readable:
        values = {
            "first_sum": _share(state.first_order_sum, lang),
            "above": state.first_above_total,
            "parameters": state.parameters,
            "half": format_number(100 * state.widest_half_width, lang),
        }
        reasons = [sens_text(f"sobol_reason_{r}", lang, **values) for r in state.reasons]
        options = 2 if sens.output.statistic == "difference" else 1
        cost = sobol_cost(state.recommended_n, state.parameters) * sobol_runs * options
        headline = sens_text(
            "sobol_unreadable",
            lang,
            n=format_number(n_base, lang),
            runs=runs,
            reasons=listed(reasons, lang),
            target=format_number(100 * SOBOL_HALF_WIDTH, lang),
            more=format_number(state.recommended_n, lang),
            cost=_count(cost, lang),
        )
        return Section("sobol", sens_text("title_sobol", lang), [headline], headline)
    rows = table.sort_values("total_order", ascending=False, kind="stable")
    top = rows.iloc[0]
    headline = sens_text(
        "sobol_readable",
        lang,
        parameter=_name(top["parameter"], ctx),
        first=_share(float(top["first_order"]), lang),
        total=_share(float(top["total_order"]), lang),
    )
    rest = sens_text(
        "sobol_rest",
        lang,
        n=len(table),
        first_sum=_share(float(np.clip(state.first_order_sum, 0, 1)), lang),
        n_base=format_number(n_base, lang),
        runs=runs,
    )
    return Section("sobol", sens_text("title_sobol", lang), [headline, rest], headline)


def delta_section(sens: StoredSensitivity, ctx: plots.FigureContext) -> Section:
    """Whether the assumptions are correlated (naming the pairs, and that the indices then
    include effects through correlated partners), the parameter that shapes the result most
    (the headline) with its correlated partners, the next two, and how many indices lie below
    the noise level of an assumption without influence."""
    lang = ctx.lang
    table = sens.delta.sort_values("delta", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    pairs = list(getattr(sens, "correlations", None) or [])
    paragraphs = [_correlation_words(pairs, ctx)]
    top = table.iloc[0]
    noise = float(table["noise_delta"].iloc[0]) if "noise_delta" in table else math.nan
    headline = sens_text(
        "delta_top_noise" if top["delta"] < noise else "delta_top",
        lang,
        parameter=_name(top["parameter"], ctx),
        delta=_index(top["delta"], lang),
        low=_index(top["delta_ci_low"], lang),
        high=_index(top["delta_ci_high"], lang),
        first=_share(float(np.clip(top["first_order"], 0, 1)), lang),
        noise=_index(noise, lang),
    )
    paragraphs.append(headline)
    first = str(top["parameter"])
    partners = [b if a == first else a for a, b, _ in pairs if first in (a, b)]
    if partners:
        named = listed([_name(p, ctx) for p in partners], lang)
        paragraphs.append(sens_text("delta_top_partner", lang, partners=named))
    following = [
        sens_text(
            "delta_item", lang, parameter=_name(r["parameter"], ctx), delta=_index(r["delta"], lang)
        )
        for _, r in table.iloc[1:3].iterrows()
    ]
    if following:
        paragraphs.append(sens_text("delta_next", lang, items=listed(following, lang)))
    if math.isfinite(noise):
        below = int((table["delta"] < noise).sum())
        paragraphs.append(
            sens_text(
                "delta_noise" if below else "delta_noise_none",
                lang,
                n=format_number(int(sens.settings.delta_n), lang),
                runs=format_number(int(getattr(sens, "delta_runs", None) or sens.runs), lang),
                noise=_index(noise, lang),
                k=below,
                d=len(table),
            )
        )
    return Section("delta", sens_text("title_delta", lang), paragraphs, headline)


def _correlation_words(pairs: list[tuple[str, str, float]], ctx: plots.FigureContext) -> str:
    """Whether the assumptions are independent or which pairs the config correlates (at most
    four named), and what that means for the indices shown."""
    lang = ctx.lang
    if not pairs:
        return sens_text("delta_independent", lang)
    named = [
        sens_text(
            "delta_pair",
            lang,
            a=_name(a, ctx),
            b=_name(b, ctx),
            rho=format_number(rho, lang, 2),
        )
        for a, b, rho in pairs[:4]
    ]
    if len(pairs) > 4:
        named.append(sens_text("and_more", lang, n=len(pairs) - 4))
    return sens_text("delta_correlated", lang, pairs=listed(named, lang))


def chapter_sections(sens: StoredSensitivity, ctx: plots.FigureContext) -> list[Section]:
    """The chapter's sections: one per method with a table, in the order of `CHAPTER`."""
    builders: dict[str, Callable[[], Section]] = {
        "tornado": lambda: tornado_section(sens, ctx),
        "break_even": lambda: break_even_section(sens, ctx),
        "decision_map": lambda: decision_map_section(sens, ctx),
        "structural": lambda: structural_section(sens, ctx),
        "spider": lambda: spider_section(sens, ctx),
        "sobol": lambda: sobol_section(sens, ctx),
        "delta": lambda: delta_section(sens, ctx),
    }
    sections = []
    for method, _ in CHAPTER:
        table = getattr(sens, method, None)
        if table is None or not len(table):
            continue
        if method in ("break_even", "decision_map") and getattr(sens.settings, method) is None:
            continue
        sections.append(builders[method]())
    return sections


# -- pages -----------------------------------------------------------------------------------------


def chapter_context(ctx: plots.FigureContext, meta: dict[str, Any]) -> plots.FigureContext:
    """`ctx` (language, labels, colours of the report) with the provenance of the sensitivity
    analysis (its config, hash, replications per design point, seed and day) for footers."""
    own = plots.FigureContext.from_metadata(meta, ctx.lang).provenance
    return replace(ctx, provenance=replace(own, footer_key="footer_design", planned=0))


def sensitivity_pages(
    pdf,
    sens: StoredSensitivity,
    meta: dict[str, Any],
    ctx: plots.FigureContext,
    page_number: int,
    *,
    figures: dict[str, plots.FigureResult] | None = None,
) -> int:
    """Append the chapter to an open `PdfPages`: one page per method present (see `CHAPTER`),
    its title, two to four sentences and its figure. `page_number` is the number of the last
    page written so far; returns the number of the last page of the chapter.

    `sens`, `meta` come from `montecarlo.store.read_sensitivity`; `ctx` is the report's figure
    context (language, labels, colours); footers state the sensitivity analysis's provenance.
    The figures are drawn in `ctx.lang` into a temporary folder unless `figures` (by stem, as
    `write_sensitivity_figures` returns them) are given.
    """
    ctx = chapter_context(ctx, meta)
    sections = chapter_sections(sens, ctx)
    if not sections:
        return page_number
    with tempfile.TemporaryDirectory(prefix="itsim-sensitivity-") as tmp:
        if figures is None:
            figures = write_sensitivity_figures(sens, ctx, tmp)
        stems = dict(CHAPTER)
        for section in sections:
            page_number += 1
            _section_page(pdf, section, figures.get(stems[section.method]), ctx, page_number)
    return page_number


def _section_page(pdf, section: Section, figure, ctx, page_number: int) -> None:
    fig = fit_title(page(ctx, section.title, page_number))
    text = " ".join(section.paragraphs)  # one block: the figure gets the rest of the page
    y = wrapped(fig, 0.05, 0.86, [text], width=TEXT_WIDTH, size=TEXT_SIZE)
    if figure is not None:
        image(fig, png_of(figure), (0.03, 0.06, 0.94, y - 0.06))
    pdf.savefig(fig, dpi=200)


def _cover_page(pdf, sens, sections: list[Section], meta: dict, ctx, folder: Path) -> None:
    """The standalone PDF's first page: what was analysed, the key findings, how to read."""
    lang = ctx.lang
    fig = fit_title(page(ctx, sens_text("report_title", lang), 1))
    config = meta.get("config") or {}
    company = (config.get("company") or {}).get("name") or meta.get("config_name", "")
    output_label = describe_output(sens.output, ctx)[0]
    subtitle = sens_text(
        "subtitle",
        lang,
        company=company,
        output=output_label,
        runs=format_number(ctx.provenance.runs, lang),
        date=format_date(ctx.provenance.day, lang),
    )
    y = wrapped(fig, 0.05, 0.87, [subtitle], width=150, size=11, color="#333333")
    fig.text(0.05, y - 0.01, sens_text("findings", lang), fontsize=15, fontweight="bold", va="top")
    findings = [
        "• " + sens_text("finding", lang, title=s.title, sentence=s.headline) for s in sections
    ]
    y = wrapped(fig, 0.05, y - 0.06, findings, width=TEXT_WIDTH, size=TEXT_SIZE)
    note = sens_text("method_note", lang, folder=folder.as_posix())
    wrapped(fig, 0.05, y - 0.01, [note], width=150, size=9)
    pdf.savefig(fig)


def write_sensitivity_pdf(
    sens: StoredSensitivity,
    meta: dict[str, Any],
    ctx: plots.FigureContext,
    figures: dict[str, plots.FigureResult],
    path: Path,
    folder: Path,
    on_progress: Progress | None = None,
) -> Path:
    """The standalone sensitivity PDF: a cover page with the key findings, then the chapter;
    `on_progress("pages", pages written, None)` after each page."""
    from matplotlib.backends.backend_pdf import PdfPages

    progress = on_progress or _no_progress
    ctx = chapter_context(ctx, meta)
    sections = chapter_sections(sens, ctx)
    info = {"Title": sens_text("report_title", ctx.lang), "Creator": "itsim"}
    with atomic_path(path) as tmp, PdfPages(tmp, metadata=info) as pdf:
        _cover_page(pdf, sens, sections, meta, ctx, folder)
        progress("pages", 1, None)
        stems = dict(CHAPTER)
        for number, section in enumerate(sections, start=2):
            _section_page(pdf, section, figures.get(stems[section.method]), ctx, number)
            progress("pages", number, None)
    return path


def make_sensitivity_report(
    folder: str | Path,
    lang: str = "en",
    out_dir: str | Path | None = None,
    on_progress: Progress | None = None,
    stored: tuple[StoredSensitivity, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Re-render a folder written by `itsim sensitivity` in `lang` without recomputing: its
    figures ("_de" in German) and `sensitivity_report[_de].pdf`, into `out_dir` (default: the
    folder itself; its tables and sensitivity.json are only read).

    `on_progress(step, done, total)` tells what is done, as for `report.make_report`:
    ("figures", drawn, total), first with 0 drawn; then ("pages", pages written, None).
    Returns the read-back result and metadata, the figures by stem, the sections, the PDF path
    and every path written. Raises ConfigError for a folder that is not a whole sensitivity
    folder (`montecarlo.store.read_sensitivity`; `stored` is what it returned, when the caller
    has read the folder already)."""
    folder = Path(folder)
    sens, meta = stored or read_sensitivity(folder)
    out = Path(out_dir) if out_dir else folder
    out.mkdir(parents=True, exist_ok=True)
    ctx = chapter_context(plots.FigureContext.from_metadata(meta, lang), meta)
    progress = on_progress or _no_progress
    drawn = [m for m in sens.methods if len(getattr(sens, m))]
    progress("figures", 0, len(drawn))
    figures = write_sensitivity_figures(sens, ctx, out)
    progress("figures", len(figures), len(drawn))
    suffix = "_de" if lang == "de" else ""
    pdf = write_sensitivity_pdf(
        sens, meta, ctx, figures, out / f"sensitivity_report{suffix}.pdf", folder, on_progress
    )
    paths = [p for result in figures.values() for p in result.paths] + [pdf]
    return {
        "sensitivity": sens,
        "meta": meta,
        "figures": figures,
        "sections": chapter_sections(sens, ctx),
        "pdf": pdf,
        "paths": paths,
    }


def run_sensitivity_of(
    results_dir: str | Path, metadata: dict[str, Any]
) -> tuple[StoredSensitivity, dict[str, Any]] | None:
    """The sensitivity analysis next to a run (`<results>/sensitivity/`, where `itsim
    sensitivity` writes by default), when it was computed for the run's config (the same config
    hash); None when there is none or it belongs to another config. A sensitivity folder that
    cannot be read raises ConfigError (`montecarlo.store.read_sensitivity`)."""
    folder = Path(results_dir) / "sensitivity"
    if not (folder / SENSITIVITY_META).is_file():
        return None
    sens, meta = read_sensitivity(folder)
    if meta.get("config_hash") != metadata.get("config_hash"):
        return None
    return sens, meta


# -- numbers in words ------------------------------------------------------------------------------


def _no_progress(step: str, done: int, total: int | None) -> None:
    """No progress shown (the default of `on_progress`)."""


def _name(path: str, ctx: plots.FigureContext) -> str:
    """A parameter in a sentence: its readable name in quotation marks."""
    label = parameter_label(str(path), ctx.lang, ctx, wrap=None)
    return sens_text("quoted", ctx.lang, name=label)


def _value(row: Any, column: str, lang: str, path: str | None = None) -> str:
    """A parameter's value from a table row (a Series or a mapping), as in the figures."""
    path = path or str(row["parameter"])
    try:
        number = float(row[column])
    except (KeyError, TypeError, ValueError):
        return "–"
    return format_parameter_value(path, number, lang)


def _amount(value: float, unit: str, lang: str) -> str:
    """A result at board precision: €4.1m / 4,1 Mio. € for amounts, hours or a number."""
    value = float(value)
    if unit == "eur":  # one unit, never broken across lines ("431 Tsd. €")
        return format_eur_short(value, lang).replace(" ", NBSP)
    number = format_number(value, lang, 0 if abs(value) >= 100 else 1)
    return sens_text("hours", lang, value=number) if unit == "hours" else number


def _count(value: int, lang: str) -> str:
    """A count at board precision: 819,200 / 6.6 million (German 819.200 / 6,6 Mio.)."""
    if value >= 1_000_000:
        return sens_text("million", lang, value=format_number(value / 1e6, lang, 1))
    return format_number(value, lang)


def _index(value: float, lang: str) -> str:
    """A delta index (0 to 1) with two decimals: 0.31 / 0,31."""
    return format_number(float(value), lang, 2)


def _share(value: float, lang: str) -> str:
    """A Sobol index or interval width as a percentage of the variance."""
    return format_percent(value, lang, 0 if abs(value) >= 0.0995 else 1)


__all__ = [
    "CHAPTER",
    "SENSITIVITY_TEXT",
    "Section",
    "chapter_context",
    "chapter_sections",
    "make_sensitivity_report",
    "run_sensitivity_of",
    "sens_text",
    "sensitivity_pages",
    "write_sensitivity_pdf",
]
