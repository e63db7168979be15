"""What would change the answer: the structural grid as a figure, sentences, table and sheet.

The numbers come from `analysis.structural` (variants of the config against every scenario, on
common random numbers) and, for the break-even, from `analysis.sensitivity.sweep_model`; this
module only chooses and formats them. Amounts are net present values (EUR) over the horizon.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle

from simulation.analysis.board import WhatIf
from simulation.analysis.structural import answer_changes, preferred
from simulation.config.variants import BASELINE
from simulation.reporting import catalogue
from simulation.reporting.labels import format_eur_short, format_number, format_percent, listed
from simulation.reporting.plots import (
    DARK,
    FigureContext,
    FigureResult,
    _figure_legend,
    _new_figure,
    _result,
    _style,
    _wrap,
)
from simulation.reporting.sensitivity_plots import (
    _cell_shade,
    _text_colour,
    format_parameter_value,
    parameter_label,
)

WHATIF_TEXT: dict[str, dict[str, str]] = catalogue.section("whatif")


#: Number format kind (see report._FORMATS) of each numeric column of the workbook sheet.
WHATIF_SHEET_KINDS = {
    "sheet_mean": "eur",
    "sheet_p95": "eur",
    "sheet_budget": "eur",
    "sheet_risk": "eur",
    "sheet_change": "eur",
    "sheet_p_total": "share",
    "sheet_p_budget": "share",
}


def whatif_text(key: str, lang: str, **values: Any) -> str:
    """A sentence or heading of the section in `lang`, formatted with `values`."""
    return WHATIF_TEXT[key][lang].format(**values)


def variant_label(whatif: WhatIf, name: str, lang: str) -> str:
    """A variant's display label in `lang`; the configured case reads "As configured"."""
    return whatif.variant_label(name, lang, baseline=whatif_text("baseline", lang))


def plot_structural_grid(whatif: WhatIf, ctx: FigureContext, out_base: str | Path) -> FigureResult:
    """Rows: the configured case and each structural variant; columns: the options. Each cell
    gives the mean total cost and P(cheapest); the row's cheapest option on average is filled
    with its colour, darker the more often it is the cheapest."""
    lang, grid = ctx.lang, whatif.grid
    variants = whatif.variants()
    scenarios = ctx.ordered(list(pd.unique(grid["scenario"])))
    runs = int(grid["runs"].min())
    title = whatif_text("title", lang)
    subtitle = whatif_text(
        "subtitle", lang, years=ctx.horizon_years, runs=format_number(runs, lang)
    )
    cells = []
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        _figure_legend(
            fig,
            [Patch(color=ctx.colour(s)) for s in scenarios],
            [ctx.scenario_label(s) for s in scenarios],
            "right",
            fontsize=13,
            title=whatif_text("legend", lang),
            alignment="left",
        )
        for i, variant in enumerate(variants):
            rows = grid[grid["variant"] == variant].set_index("scenario")
            for j, s in enumerate(scenarios):
                row = rows.loc[s]
                best = bool(row["cheapest_total"])
                alpha = _cell_shade(float(row["p_cheapest_total"]), len(scenarios))
                face = ctx.colour(s) if best else "#F2F2F2"
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1.0,
                        1.0,
                        facecolor=face,
                        alpha=alpha if best else 1.0,
                        edgecolor="white",
                        linewidth=2.0,
                    )
                )
                mean = format_eur_short(float(row["mean_npv_eur"]), lang, scale=1e6, decimals=2)
                share = format_percent(float(row["p_cheapest_total"]), lang)
                text = f"{mean}\n{share}"
                colour = _text_colour(face, alpha) if best else DARK
                weight = "bold" if best else "normal"
                ax.text(j, i, text, ha="center", va="center", fontsize=12, color=colour,
                        fontweight=weight, linespacing=1.15)  # fmt: skip
                cells.append({"variant": variant, "scenario": s, "text": text, "best": best})
        ax.set_xlim(-0.5, len(scenarios) - 0.5)
        ax.set_ylim(len(variants) - 0.5, -0.5)
        ax.set_xticks(range(len(scenarios)), [ctx.scenario_label(s) for s in scenarios])
        ax.xaxis.tick_top()
        labels = [_wrap(variant_label(whatif, v, lang), 38) for v in variants]
        ax.set_yticks(range(len(variants)), labels)
        ax.tick_params(axis="both", length=0, labelsize=12)
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.grid(visible=False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        data = {"variants": variants, "scenarios": scenarios, "cells": cells, "runs": runs}
        return _result(fig, out_base, ctx, data)


def change_sentence(whatif: WhatIf, ctx: FigureContext) -> str:
    """Which variants change the option cheapest on average (or that none does)."""
    lang, grid = ctx.lang, whatif.grid
    changed = answer_changes(grid, "total")
    chosen = preferred(grid, "total")
    n = len(changed) - 1
    flipped = [v for v in changed.index if v != BASELINE and changed[v]]
    if not flipped:
        best = ctx.scenario_label(chosen[BASELINE])
        return whatif_text("none_changes", lang, n=n, best=best)
    parts = [
        f"„{variant_label(whatif, v, lang)}“ ({ctx.scenario_label(chosen[v])})"
        if lang == "de"
        else f"“{variant_label(whatif, v, lang)}” ({ctx.scenario_label(chosen[v])})"
        for v in flipped
    ]
    return whatif_text("some_change", lang, k=len(flipped), n=n, variants=listed(parts, lang))


def largest_shift_sentence(whatif: WhatIf, ctx: FigureContext, a: str, b: str) -> str:
    """The variant that moves the mean gap a − b the most, and by how much."""
    grid = whatif.grid
    wide = grid.pivot(index="variant", columns="scenario", values="mean_npv_eur")
    gap = wide[a] - wide[b]
    shift = (gap - gap[BASELINE]).drop(BASELINE)
    if shift.empty:
        return ""
    variant = str(shift.abs().idxmax())
    amount = format_eur_short(abs(float(shift[variant])), ctx.lang, scale=1e6, decimals=2)
    return whatif_text(
        "largest",
        ctx.lang,
        a=ctx.scenario_label(a),
        b=ctx.scenario_label(b),
        variant=variant_label(whatif, variant, ctx.lang),
        amount=amount,
        winner=ctx.scenario_label(b if shift[variant] > 0 else a),
    )


def _in_sentence(name: str, lang: str) -> str:
    """A label inside an English sentence starts in lower case (German nouns keep theirs)."""
    return name[:1].lower() + name[1:] if lang == "en" and name[1:2].islower() else name


def break_even_sentence(whatif: WhatIf, ctx: FigureContext) -> str:
    """Where the swept parameter makes a and b cost the same on average (or that it does not)."""
    sweep, meta, lang = whatif.sweep, whatif.meta.get("break_even") or {}, ctx.lang
    if sweep is None or not meta:
        return ""
    path = meta["parameter"]

    def value(x: float) -> str:
        return format_parameter_value(path, float(x), lang)

    words = {
        "a": ctx.scenario_label(meta["a"]),
        "b": ctx.scenario_label(meta["b"]),
        "parameter": _in_sentence(parameter_label(path, lang, ctx, wrap=None), lang),
        "start": value(sweep["value"].min()),
        "stop": value(sweep["value"].max()),
    }
    flip = meta.get("flip") or {}
    point = flip.get("break_even", float("nan"))
    if point is None or not np.isfinite(point):
        return whatif_text("no_break_even", lang, **words)
    lo, hi = (
        x if x is not None and np.isfinite(x) else point
        for x in (flip.get("band_low"), flip.get("band_high"))
    )
    return whatif_text(
        "break_even",
        lang,
        value=value(point),
        lo=value(lo),
        hi=value(hi),
        runs=format_number(meta.get("runs", 0), lang),
        **words,
    )


def whatif_paragraphs(whatif: WhatIf, ctx: FigureContext, a: str, b: str) -> list[str]:
    """The section's takeaway: which variants change the answer, the largest shift, and the
    break-even of the swept parameter."""
    out = []
    if whatif.grid is not None:
        out.append(change_sentence(whatif, ctx))
        shift = largest_shift_sentence(whatif, ctx, a, b)
        if shift:
            out.append(shift)
    sentence = break_even_sentence(whatif, ctx)
    if sentence:
        out.append(sentence)
    return out


def noise_note(whatif: WhatIf, ctx: FigureContext) -> str:
    """The table note, with the standard error of a row-to-row change (paired, median)."""
    grid = whatif.grid
    half = (grid["change_ci_high_eur"] - grid["change_ci_low_eur"]) / 2
    se = float(np.nanmedian(half[grid["variant"] != BASELINE])) if len(half) else 0.0
    runs = int(grid["runs"].min())
    return whatif_text(
        "note",
        ctx.lang,
        se=format_eur_short(se, ctx.lang),
        runs=format_number(runs, ctx.lang),
    )


def whatif_table(whatif: WhatIf, ctx: FigureContext) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the report table: one row per variant; per option its mean total
    and mean budget cost (million EUR, NPV); the cheapest option on each basis."""
    lang, grid = ctx.lang, whatif.grid
    scenarios = ctx.ordered(list(pd.unique(grid["scenario"])))
    bases = (("mean_npv_eur", "col_total"), ("mean_budget_npv_eur", "col_budget"))
    header = [whatif_text("variant", lang)]
    header += [
        whatif_text(key, lang, option=ctx.scenario_label(s)) for _, key in bases for s in scenarios
    ]
    header += [whatif_text("best_total", lang), whatif_text("best_budget", lang)]
    best_total, best_budget = preferred(grid, "total"), preferred(grid, "budget")
    rows = []
    for variant in whatif.variants():
        part = grid[grid["variant"] == variant].set_index("scenario")
        cells = [variant_label(whatif, variant, lang)]
        cells += [
            format_number(float(part.loc[s, column]) / 1e6, lang, 2)
            for column, _ in bases
            for s in scenarios
        ]
        cells += [
            ctx.scenario_label(best_total[variant]),
            ctx.scenario_label(best_budget[variant]),
        ]
        rows.append(cells)
    return header, rows


def whatif_sheet(whatif: WhatIf, ctx: FigureContext) -> pd.DataFrame:
    """The workbook sheet: the grid in full, labelled in the report's language."""
    lang, grid = ctx.lang, whatif.grid
    columns = {
        "mean_npv_eur": "sheet_mean",
        "p95_npv_eur": "sheet_p95",
        "mean_budget_npv_eur": "sheet_budget",
        "mean_risk_npv_eur": "sheet_risk",
        "p_cheapest_total": "sheet_p_total",
        "p_cheapest_budget": "sheet_p_budget",
        "change_vs_baseline_eur": "sheet_change",
    }
    sheet = pd.DataFrame(
        {
            whatif_text("variant", lang): [variant_label(whatif, v, lang) for v in grid["variant"]],
            whatif_text("sheet_option", lang): [ctx.scenario_label(s) for s in grid["scenario"]],
            **{whatif_text(key, lang): grid[col].to_numpy() for col, key in columns.items()},
        }
    )
    return sheet
