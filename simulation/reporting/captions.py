"""Captions and takeaways of the board figures, in English and German, and their slide sidecars.

Under each figure a board member reads a caption (what the figure shows: quantity, basis, horizon,
number of simulated futures, how to read bars, whiskers, lines and shading) and a takeaway (the
figure's message in one or two sentences). Every number of a takeaway comes from the analysis
the figure draws (`analysis.board.Analysis`, `sensitivity.SensitivityResult`), at board
precision; where two options differ by less than the simulation can tell apart (the 95%
confidence interval of their paired difference includes zero) the takeaway says so instead of
naming a winner.

`write_sidecars` puts title, caption, takeaway and provenance next to each figure's PNG as a
UTF-8 text file of the same stem (`cost_budget_risk.txt`, `cost_budget_risk_de.txt`), for pasting
into slides. Every string is in `TEXT`, the section "captions" of the catalogue
(`texts.yaml`, see `simulation.reporting.catalogue`), in English and German.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import analysis as an
from simulation.analysis.gap import GAP_OTHER
from simulation.files import atomic_path
from simulation.model.ledger import RISK_CATEGORIES
from simulation.reporting import catalogue
from simulation.reporting.figures.frame import (
    FIGURE_STEMS,
    PAIR_FIGURES,
    FigureContext,
    FigureResult,
    beyond_note,
    bulk_range,
)
from simulation.reporting.gap_report import leading_parts
from simulation.reporting.labels import (
    NBSP,
    category_label,
    format_eur_short,
    format_number,
    format_percent,
    listed,
)

#: The board figures of `report.write_figures`, by key: the figures of all options, those of
#: the recommended option against its runner-up, and the structural grid.
FIGURE_NAMES = (*FIGURE_STEMS, *PAIR_FIGURES, "structural_grid")
#: The sensitivity figures of `sensitivity_plots.write_sensitivity_figures` with a caption here.
SENSITIVITY_NAMES = ("tornado", "spider", "sobol", "break_even", "decision_map")

#: Fewer futures in the worst 5% than this: tail estimates (CVaR95) are called rough.
_ROUGH_TAIL_FUTURES = 10

TEXT: dict[str, dict[str, str]] = catalogue.section("captions")


@dataclass(frozen=True)
class Caption:
    """What a figure shows (`caption`) and its message computed from the data (`takeaway`)."""

    caption: str
    takeaway: str


def text(key: str, lang: str, **values: Any) -> str:
    """The text `key` in language `lang`, formatted with `values`."""
    return TEXT[key][lang].format(**values)


# -- formatting -------------------------------------------------------------------------------


def _eur(value: float, lang: str) -> str:
    """An amount at board precision: €4.6m / 4,6 Mio. €, €431k / 431 Tsd. €."""
    return format_eur_short(float(value), lang)


def _span(ctx: FigureContext) -> dict[str, str]:
    """The horizon in words, as `years` ("5 years", "1 year") and, for German after "nach",
    `years_dat` ("5 Jahren")."""
    n, lang = int(ctx.horizon_years), ctx.lang
    if n == 1:
        return {"years": text("span_one", lang), "years_dat": text("span_dative_one", lang)}
    number = format_number(n, lang)
    return {"years": text("span", lang, n=number), "years_dat": text("span_dative", lang, n=number)}


def _futures(n: int, lang: str) -> str:
    """A number of simulated futures in words: "1 future", "3 futures"."""
    return text("futures_one", lang) if n == 1 else text("futures", lang, n=format_number(n, lang))


def _hours(value: float, lang: str) -> str:
    """Hours in a sentence: whole hours, one decimal below ten."""
    value = float(value)
    return format_number(value, lang, 1 if 0 < abs(value) < 9.95 else 0)


def _share(p: float, lang: str) -> str:
    """A probability in a sentence: "12%", "less than 1%", "more than 99%"."""
    p = float(p)
    if 0 < p < 0.005:
        return text("less_than_pct", lang, p=format_percent(0.01, lang))
    if 0.995 <= p < 1:
        return text("more_than_pct", lang, p=format_percent(0.99, lang))
    return format_percent(p, lang)


def _in_sentence(name: str, lang: str) -> str:
    """A label inside an English sentence starts in lower case ("personnel"); German nouns and
    names in capitals ("MSP") keep theirs."""
    return name[:1].lower() + name[1:] if lang == "en" and name[1:2].islower() else name


def _quoted(name: str, lang: str) -> str:
    return text("quoted", lang, name=name)


def _sentences(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# -- paired comparisons -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Gap:
    """An option against the best one: the mean difference (other − best) and whether its 95%
    interval excludes zero (None: unknown, no paired data at hand)."""

    scenario: str
    difference: float
    clear: bool | None


def _clear(low: float, high: float) -> bool:
    return bool(low > 0 or high < 0)


def _gaps(
    means: pd.Series,
    column: str,
    analysis: Any,
    replications: pd.DataFrame | None,
) -> list[_Gap]:
    """Each option against the one with the lowest mean of `column`, in order of their means.

    Paired on the replications when they are given (common random numbers); otherwise from
    the paired comparisons the analysis holds (the recommended option against its runner-up,
    on total and on budget cost), and unknown for the other pairs.
    """
    order = means.sort_values(kind="stable").index.tolist()
    best = order[0]
    known = _known_pairs(analysis)
    gaps = []
    for other in order[1:]:
        difference, clear = float(means[other] - means[best]), None
        if replications is not None:
            pair = an.compare_pair(replications, other, best, column)
            difference = float(pair["mean_difference"])
            clear = _clear(float(pair["ci_low"]), float(pair["ci_high"]))
        elif (column, best, other) in known:
            clear = known[(column, best, other)]
        gaps.append(_Gap(other, difference, clear))
    return gaps


def _known_pairs(analysis: Any) -> dict[tuple[str, str, str], bool]:
    """(column, best, other) -> clear, for the paired comparisons an `Analysis` carries."""
    known = {}
    for comparison, column in (
        (analysis.comparison, "cost_npv_eur"),
        (analysis.budget_comparison, "cost_budget_npv_eur"),
    ):
        if comparison is None:
            continue
        a, b = str(comparison["a"]), str(comparison["b"])
        clear = _clear(float(comparison["ci_low"]), float(comparison["ci_high"]))
        known[(column, a, b)] = known[(column, b, a)] = clear
    return known


def _noise(gap: _Gap, lang: str) -> str:
    return text("noise", lang) if gap.clear is False else ""


# -- captions of the board figures ------------------------------------------------------------


def _runs(ctx: FigureContext) -> str:
    return format_number(ctx.provenance.runs, ctx.lang)


def _label(ctx: FigureContext, scenario: str) -> str:
    return ctx.scenario_label(scenario)


def _ranking(analysis: Any, ctx: FigureContext, replications: pd.DataFrame | None) -> str:
    """The options by expected total cost: the cheapest with its budget and risk cost, the
    others by how much more they cost; a lead within noise is called level."""
    lang = ctx.lang
    table = analysis.budget_risk
    means = table["total_mean"].reindex(analysis.scenarios)
    gaps = _gaps(means, "cost_npv_eur", analysis, replications)
    best = means.idxmin()
    first, *rest = gaps
    if first.clear is False:
        lead = text(
            "rank_level",
            lang,
            best=_label(ctx, best),
            runner=_label(ctx, first.scenario),
            mean=_eur(means[best], lang),
            mean_runner=_eur(means[first.scenario], lang),
            amount=_eur(first.difference, lang),
        )
        others = [
            text(
                "rank_more_than",
                lang,
                name=_label(ctx, g.scenario),
                best=_label(ctx, best),
                amount=_eur(g.difference, lang),
            )
            + _noise(g, lang)
            for g in rest
        ]
    else:
        lead = text(
            "rank_best",
            lang,
            best=_label(ctx, best),
            mean=_eur(means[best], lang),
            budget=_eur(table.loc[best, "budget_mean"], lang),
            risk=_eur(table.loc[best, "risk_mean"], lang),
        )
        others = [
            text(
                "rank_more" if i == 0 else "rank_more_short",
                lang,
                name=_label(ctx, g.scenario),
                amount=_eur(g.difference, lang),
            )
            + _noise(g, lang)
            for i, g in enumerate(gaps)
        ]
    return "; ".join([lead, *others]) + "."


def _budget_sentence(analysis: Any, ctx: FigureContext, replications) -> str:
    """The cheapest option on budget cost alone, against its runner-up there."""
    lang = ctx.lang
    means = analysis.budget_risk["budget_mean"].reindex(analysis.scenarios)
    gap = _gaps(means, "cost_budget_npv_eur", analysis, replications)[0]
    best = means.idxmin()
    values = {
        "best": _label(ctx, best),
        "runner": _label(ctx, gap.scenario),
        "mean": _eur(means[best], lang),
        "mean_runner": _eur(means[gap.scenario], lang),
        "amount": _eur(gap.difference, lang),
    }
    if gap.clear is None and not analysis.choices.empty and "budget" in analysis.choices.index:
        row = analysis.choices.loc["budget"]
        if row["runner_up"] == gap.scenario:
            gap = _Gap(gap.scenario, gap.difference, bool(row["clear"]))
    return text("budget_level" if gap.clear is False else "budget_best", lang, **values)


def _single(analysis: Any, ctx: FigureContext) -> str:
    lang, best = ctx.lang, analysis.scenarios[0]
    row = analysis.budget_risk.loc[best]
    return text(
        "single_option",
        lang,
        best=_label(ctx, best),
        mean=_eur(row["total_mean"], lang),
        budget=_eur(row["budget_mean"], lang),
        risk=_eur(row["risk_mean"], lang),
        **_span(ctx),
    )


def _budget_risk(analysis, ctx, replications) -> Caption:
    caption = text("budget_risk_caption", ctx.lang, **_span(ctx), runs=_runs(ctx))
    if len(analysis.scenarios) < 2:
        return Caption(caption, _single(analysis, ctx))
    ranking = _ranking(analysis, ctx, replications)
    return Caption(caption, _sentences(ranking, _budget_sentence(analysis, ctx, replications)))


def _axis_cut(values: np.ndarray, lang: str, two_sided: bool = False) -> str:
    """The sentence on a value axis cut short of a long tail (by the rule of
    `plots.bulk_range`, with the figure's own note on the futures beyond); empty when the
    axis shows every future."""
    if not values.size:
        return ""
    lo, hi = bulk_range(values, two_sided=two_sided)
    note = beyond_note(values, lo, hi, lang)
    if not note:
        return ""
    shown = float(np.mean((values >= lo) & (values <= hi)))
    return text("axis_cut", lang, share=format_percent(shown, lang), note=note)


def _distribution_note(analysis: Any, replications: pd.DataFrame | None, lang: str) -> str:
    """The axis sentence of the cost distribution (all options' futures on one axis); empty
    without replications."""
    if replications is None:
        return ""
    rows = replications[replications["scenario"].isin(analysis.scenarios)]
    return _axis_cut(rows["cost_npv_eur"].dropna().to_numpy(float), lang)


def _distribution(analysis, ctx, replications) -> Caption:
    lang, summary = ctx.lang, analysis.summary
    caption = text("distribution_caption", lang, **_span(ctx), runs=_runs(ctx))
    caption = _sentences(caption, _distribution_note(analysis, replications, lang))
    table = analysis.budget_risk.reindex(analysis.scenarios)
    if len(analysis.scenarios) < 2:
        row = table.iloc[0]
        spread = text(
            "distribution_spread_single",
            lang,
            low=_eur(row["total_p5"], lang),
            high=_eur(row["total_p95"], lang),
        )
        return Caption(caption, _sentences(_single(analysis, ctx), spread))
    means = summary["npv_mean_eur"].reindex(analysis.scenarios)
    best = means.idxmin()
    often = summary["p_cheapest"].reindex(analysis.scenarios).idxmax()
    p = summary["p_cheapest"]
    if often == best or p[often] <= p[best]:
        first = text(
            "distribution_same",
            lang,
            best=_label(ctx, best),
            mean=_eur(means[best], lang),
            p=_share(p[best], lang),
        )
    else:
        median = summary["npv_p50_eur"]
        key = "distribution_split_median" if median[often] < median[best] else "distribution_split"
        first = text(
            key,
            lang,
            best=_label(ctx, best),
            often=_label(ctx, often),
            mean=_eur(means[best], lang),
            p_often=_share(p[often], lang),
            p_best=_share(p[best], lang),
            median_often=_eur(median[often], lang),
            median_best=_eur(median[best], lang),
        )
    width = table["total_p95"] - table["total_p5"]
    wide, narrow = width.idxmax(), width.idxmin()
    spread = text(
        "distribution_spread",
        lang,
        wide=_label(ctx, wide),
        narrow=_label(ctx, narrow),
        low=_eur(table.loc[wide, "total_p5"], lang),
        high=_eur(table.loc[wide, "total_p95"], lang),
        low_narrow=_eur(table.loc[narrow, "total_p5"], lang),
        high_narrow=_eur(table.loc[narrow, "total_p95"], lang),
    )
    return Caption(caption, _sentences(first, spread))


def _interval(analysis: Any, scenario: str, metric: str) -> tuple[float, float]:
    """The bootstrap interval of a risk metric of total cost (NaN, NaN when absent)."""
    risk = analysis.risk
    rows = risk[(risk["scenario"] == scenario) & (risk["metric"] == metric)]
    if rows.empty:
        return (math.nan, math.nan)
    return float(rows["ci_low"].iloc[0]), float(rows["ci_high"].iloc[0])


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    if not all(math.isfinite(v) for v in (*a, *b)):
        return False
    return a[0] <= b[1] and b[0] <= a[1]


def _cost_exceedance(analysis, ctx, replications) -> Caption:
    lang = ctx.lang
    caption = text("cost_exceedance_caption", lang, **_span(ctx), runs=_runs(ctx))
    p95 = analysis.summary["npv_p95_eur"].reindex(analysis.scenarios).sort_values(kind="stable")
    items = [
        text("tail_item", lang, amount=_eur(v, lang), name=_label(ctx, s)) for s, v in p95.items()
    ]
    levels = text("tail_levels", lang, items=listed(items, lang))
    if len(p95) < 2:
        return Caption(caption, levels)
    means = analysis.summary["npv_mean_eur"]
    tail, best = p95.index[0], means.reindex(analysis.scenarios).idxmin()
    if tail == best:
        second = text("tail_same", lang, name=_label(ctx, tail))
    else:
        second = text("tail_split", lang, tail=_label(ctx, tail), best=_label(ctx, best))
    lowest = [_interval(analysis, s, "p95") for s in p95.index[:2]]
    if _overlap(*lowest):
        second += text("tail_rough", lang, runs=_runs(ctx))
    else:
        second += "."
    return Caption(caption, _sentences(levels, second))


def _downtime_exceedance(analysis, ctx, replications) -> Caption:
    lang, summary = ctx.lang, analysis.summary
    caption = text("downtime_exceedance_caption", lang, **_span(ctx), runs=_runs(ctx))
    means = summary["downtime_mean_hours"].reindex(analysis.scenarios)
    best = means.idxmin()
    values = {
        "best": _label(ctx, best),
        "hours": _hours(means[best], lang),
        "p95": _hours(summary.loc[best, "downtime_p95_hours"], lang),
        **_span(ctx),
    }
    if len(means) < 2:
        return Caption(caption, text("downtime_single", lang, **values))
    gaps = _gaps(means, "downtime_hours", analysis, replications)
    first = gaps[0]
    if first.clear is False:
        lead = text(
            "downtime_level",
            lang,
            runner=_label(ctx, first.scenario),
            hours_runner=_hours(means[first.scenario], lang),
            **values,
        )
        gaps = gaps[1:]
    else:
        lead = text("downtime_best", lang, **values)
    others = [
        text(
            "downtime_more" if i == 0 else "downtime_more_short",
            lang,
            name=_label(ctx, g.scenario),
            hours=_hours(g.difference, lang),
        )
        + _noise(g, lang)
        for i, g in enumerate(gaps)
    ]
    return Caption(caption, _sentences(lead, "; ".join(others) + "." if others else ""))


def _at_end(bands: pd.DataFrame, scenario: str) -> pd.Series:
    rows = bands[bands["scenario"] == scenario].sort_values("month")
    return rows.iloc[-1]


def _fan(analysis, ctx, replications) -> Caption:
    lang = ctx.lang
    caption = text("fan_caption", lang, **_span(ctx), runs=_runs(ctx))
    bands = analysis.bands
    scenarios = [s for s in analysis.scenarios if (bands["scenario"] == s).any()]
    ends = {s: _at_end(bands, s) for s in scenarios}
    order = sorted(scenarios, key=lambda s: float(ends[s]["p50"]))
    items = [
        text("fan_item", lang, amount=_eur(ends[s]["p50"], lang), name=_label(ctx, s))
        for s in order
    ]
    end = text("fan_end", lang, **_span(ctx), items=listed(items, lang))
    widths = {s: float(ends[s]["p90"] - ends[s]["p10"]) for s in scenarios}
    wide = max(scenarios, key=lambda s: widths[s])
    key = "fan_wide" if len(scenarios) > 1 else "fan_range_single"
    spread = text(
        key,
        lang,
        name=_label(ctx, wide),
        low=_eur(ends[wide]["p10"], lang),
        high=_eur(ends[wide]["p90"], lang),
    )
    return Caption(caption, _sentences(end, spread, _front_loaded(bands, scenarios, ctx)))


def _front_loaded(bands: pd.DataFrame, scenarios: list[str], ctx: FigureContext) -> str:
    """The option whose cost comes earliest, when its first year clearly outweighs an even
    spread over the horizon (a quarter more than 1/years of the median total)."""
    years = ctx.horizon_years
    if years < 2:
        return ""
    shares = {}
    for s in scenarios:
        rows = bands[bands["scenario"] == s].sort_values("month")
        months = rows["month"].to_numpy(int)
        first_year = rows[months == months.min() + 11]
        total = float(rows["p50"].iloc[-1])
        if first_year.empty or not total > 0:
            continue
        shares[s] = float(first_year["p50"].iloc[0]) / total
    if not shares:
        return ""
    name = max(shares, key=lambda s: shares[s])
    if shares[name] < 1.25 / years:
        return ""
    share = format_percent(shares[name], ctx.lang)
    return text("fan_front", ctx.lang, name=_label(ctx, name), share=share, **_span(ctx))


def _breakdown(analysis, ctx, replications) -> Caption:
    lang = ctx.lang
    caption = text("breakdown_caption", lang, **_span(ctx), runs=_runs(ctx))
    frame = analysis.breakdown.reindex(analysis.scenarios).astype(float).fillna(0.0)
    items, shares = [], {}
    for s in analysis.scenarios:
        row = frame.loc[s]
        total = float(row.sum())
        category = str(row.idxmax())
        items.append(
            text(
                "largest_item",
                lang,
                category=_in_sentence(category_label(category, lang), lang),
                name=_label(ctx, s),
                amount=_eur(row[category], lang),
                total=_eur(total, lang),
            )
        )
        risk = float(row[[c for c in frame.columns if c in RISK_CATEGORIES]].sum())
        shares[s] = risk / total if total else math.nan
    largest = text("largest_items", lang, items=listed(items, lang))
    return Caption(caption, _sentences(largest, _risk_shares(shares, ctx)))


def _risk_shares(shares: dict[str, float], ctx: FigureContext) -> str:
    """Risk cost's share of the total: as a range when the options are within five points."""
    lang = ctx.lang
    finite = {s: v for s, v in shares.items() if math.isfinite(v)}
    if not finite:
        return ""
    low, high = min(finite.values()), max(finite.values())
    if len(finite) > 1 and high - low < 0.05:
        low_text, high_text = format_percent(low, lang), format_percent(high, lang)
        if low_text == high_text:
            return text("risk_share_same", lang, low=low_text)
        return text("risk_share_range", lang, low=low_text, high=high_text)
    items = [
        text(
            "risk_share_item" if i == 0 else "risk_share_item_short",
            lang,
            share=format_percent(v, lang),
            name=_label(ctx, s),
        )
        for i, (s, v) in enumerate(finite.items())
    ]
    return text("risk_shares", lang, items=listed(items, lang))


def _downtime_by_service(analysis, ctx, replications) -> Caption:
    lang = ctx.lang
    caption = text("service_caption", lang, **_span(ctx), runs=_runs(ctx))
    frame = analysis.downtime.reindex(analysis.scenarios).astype(float).fillna(0.0)
    totals = frame.sum(axis=0).sort_values(ascending=False, kind="stable")
    down = [s for s in totals.index if totals[s] > 0]
    quiet = [s for s in frame.columns if s not in down]
    if not down:
        return Caption(caption, text("service_no_downtime", lang))

    def items(service: str) -> str:
        values = frame[service].sort_values(ascending=False, kind="stable")
        return listed(
            [
                text("service_item", lang, hours=_hours(v, lang), name=_label(ctx, s))
                for s, v in values.items()
            ],
            lang,
        )

    def name(service: str) -> str:
        return _in_sentence(ctx.service_label(service), lang)

    sentences = [
        text("service_most", lang, service=name(down[0]), items=items(down[0]), **_span(ctx))
    ]
    if len(down) > 1:
        sentences.append(text("service_next", lang, service=name(down[1]), items=items(down[1])))
    if quiet:
        services = listed([name(s) for s in quiet], lang)
        sentences.append(text("service_none", lang, services=services))
    return Caption(caption, _sentences(*sentences))


def _risk_return(analysis, ctx, replications) -> Caption:
    lang = ctx.lang
    caption = text("risk_return_caption", lang, **_span(ctx), runs=_runs(ctx))
    risk = analysis.risk_table.reindex(analysis.scenarios)
    best, safe = risk["mean"].idxmin(), risk["cvar95"].idxmin()
    if best == safe:
        first = text(
            "rr_same",
            lang,
            best=_label(ctx, best),
            mean=_eur(risk.loc[best, "mean"], lang),
            cvar=_eur(risk.loc[best, "cvar95"], lang),
        )
    else:
        first = text(
            "rr_split",
            lang,
            best=_label(ctx, best),
            safe=_label(ctx, safe),
            mean=_eur(risk.loc[best, "mean"], lang),
            cvar_safe=_eur(risk.loc[safe, "cvar95"], lang),
            cvar_best=_eur(risk.loc[best, "cvar95"], lang),
        )
    sentences = [first]
    if len(risk) > 1:
        gap = _gaps(risk["mean"], "cost_npv_eur", analysis, replications)[0]
        if gap.clear is False:
            sentences.append(
                text(
                    "rr_noise",
                    lang,
                    runner=_label(ctx, gap.scenario),
                    amount=_eur(gap.difference, lang),
                )
            )
    tail = 0.05 * ctx.provenance.runs
    if tail < _ROUGH_TAIL_FUTURES:
        k = _futures(max(1, round(tail)), lang)
        sentences.append(text("rr_rough", lang, runs=_runs(ctx), k=k))
    return Caption(caption, _sentences(*sentences))


def _paired(analysis, ctx, replications) -> Caption:
    lang, comparison = ctx.lang, analysis.comparison
    a, b = str(comparison["a"]), str(comparison["b"])
    names = {"a": _label(ctx, a), "b": _label(ctx, b)}
    caption = text(
        "paired_caption",
        lang,
        runs=format_number(int(comparison["n"]), lang),
        **_span(ctx),
        **names,
    )
    d = pd.Series(analysis.difference).dropna().to_numpy(float)
    caption = _sentences(caption, _axis_cut(d, lang, two_sided=True))
    p = float(comparison["p_a_cheaper"])
    saving = -float(comparison["mean_difference"])
    low, high = -float(comparison["ci_high"]), -float(comparison["ci_low"])
    values = {
        "p": _share(p, lang),
        "amount": _eur(saving, lang),
        "lo": _eur(low, lang),
        "hi": _eur(high, lang),
        **names,
    }
    first = text("paired_usual" if p >= 0.5 else "paired_skewed", lang, **values)
    sentences = [first]
    if not _clear(low, high):
        sentences.append(text("paired_noise", lang))
    budget = analysis.budget_comparison
    if budget is not None:
        difference = float(budget["mean_difference"])
        amount = text(
            "less" if difference < 0 else "more", lang, amount=_eur(abs(difference), lang)
        )
        clear = _clear(float(budget["ci_low"]), float(budget["ci_high"]))
        sentences.append(
            text(
                "paired_budget",
                lang,
                a=names["a"],
                p=_share(float(budget["p_a_cheaper"]), lang),
                amount=amount,
                noise="" if clear else text("noise", lang),
            )
        )
    return Caption(caption, _sentences(*sentences))


def _gap_sentence(attrs: Mapping[str, Any], ctx: FigureContext) -> str:
    """The mean gap a − b, with its interval when that includes zero."""
    lang = ctx.lang
    gap = float(attrs["gap_eur"])
    names = {"a": _label(ctx, attrs["a"]), "b": _label(ctx, attrs["b"])}
    low, high = float(attrs["gap_ci_low_eur"]), float(attrs["gap_ci_high_eur"])
    clear = _clear(low, high)
    if gap < 0:  # the interval of the saving, as the sentence says "less"
        low, high = -high, -low
    if not clear:
        return text(
            "gap_noise",
            lang,
            amount=_eur(abs(gap), lang),
            direction=text("less_word" if gap < 0 else "more_word", lang),
            lo=_eur(low, lang),
            hi=_eur(high, lang),
            **names,
        )
    return text("gap_less" if gap < 0 else "gap_more", lang, amount=_eur(abs(gap), lang), **names)


def _gap_parts(decomposition: pd.DataFrame, ctx: FigureContext) -> tuple[str, float]:
    """The parts that make most of the gap in words, each with its difference and whether it
    is within noise, and their summed size."""
    lang, by = ctx.lang, decomposition.attrs["by"]
    parts = leading_parts(decomposition)
    words = []
    for part in parts:
        row = decomposition.loc[part]
        if part == GAP_OTHER:
            name = text("gap_other", lang)
        elif by == "category":
            name = _in_sentence(category_label(str(part), lang), lang)
        else:
            name = _in_sentence(ctx.service_label(str(part)), lang)
        value = float(row["mean_difference_eur"])
        amount = text("less" if value < 0 else "more", lang, amount=_eur(abs(value), lang))
        key = "gap_part" if bool(row["clear"]) else "gap_part_noise"
        words.append(text(key, lang, name=name, amount=amount))
    size = float(decomposition.loc[parts, "mean_difference_eur"].abs().sum()) if parts else 0.0
    return listed(words, lang), size


def _gap(by: str):
    def caption(analysis, ctx, replications) -> Caption:
        lang = ctx.lang
        chart = analysis.gap_charts[by]
        attrs = chart.attrs
        words = text(
            "gap_caption",
            lang,
            a=_label(ctx, attrs["a"]),
            b=_label(ctx, attrs["b"]),
            **_span(ctx),
            runs=format_number(int(attrs["n"]), lang),
            part=text(f"gap_part_{by}", lang),
            parts=text(f"gap_parts_{by}", lang),
        )
        parts, size = _gap_parts(analysis.gaps.get(by, chart), ctx)
        takeaway = text(f"gap_by_{by}", lang, parts=parts)
        if size > 2 * abs(float(attrs["gap_eur"])):
            takeaway += text("gap_offset", lang)
        return Caption(words, _sentences(_gap_sentence(attrs, ctx), takeaway))

    return caption


def _grid_noise(analysis: Any, ctx: FigureContext, flipped: list[str]) -> str:
    """The variants whose new cheapest option leads by less than the noise of a gap between
    two options: the half-width of the 95% interval of the recommended option's paired gap to
    its runner-up, scaled from the main run's futures to the grid's (1 / sqrt(n))."""
    from simulation.reporting.whatif import variant_label

    whatif, comparison = analysis.whatif, analysis.comparison
    if comparison is None or not flipped:
        return ""
    half = (float(comparison["ci_high"]) - float(comparison["ci_low"])) / 2
    runs = int(whatif.grid["runs"].min())
    if not (math.isfinite(half) and runs > 0):
        return ""
    se = half * math.sqrt(int(comparison["n"]) / runs)
    close = []
    for variant in flipped:
        means = whatif.grid[whatif.grid["variant"] == variant]["mean_npv_eur"].sort_values()
        if len(means) > 1 and float(means.iloc[1] - means.iloc[0]) < se:
            close.append(_quoted(variant_label(whatif, variant, ctx.lang), ctx.lang))
    if not close:
        return ""
    values = {"se": _eur(se, ctx.lang), "runs": format_number(runs, ctx.lang)}
    if len(close) == len(flipped):
        return text("grid_noise_all", ctx.lang, **values)
    return text("grid_noise", ctx.lang, variants=listed(close, ctx.lang), **values)


def _structural_grid(analysis, ctx, replications) -> Caption:
    from simulation.analysis.structural import answer_changes
    from simulation.config.variants import BASELINE
    from simulation.reporting.whatif import change_sentence, largest_shift_sentence

    whatif = analysis.whatif
    runs = format_number(int(whatif.grid["runs"].min()), ctx.lang)
    caption = text("grid_caption", ctx.lang, **_span(ctx), runs=runs)
    changed = answer_changes(whatif.grid, "total")
    flipped = [str(v) for v in changed.index if v != BASELINE and changed[v]]
    sentences = [change_sentence(whatif, ctx), _grid_noise(analysis, ctx, flipped)]
    if analysis.runner_up is not None:
        sentences.append(
            largest_shift_sentence(whatif, ctx, analysis.recommended, analysis.runner_up)
        )
    return Caption(caption, _sentences(*sentences))


_FIGURES = {
    "cost_budget_risk": _budget_risk,
    "cost_distribution": _distribution,
    "cost_exceedance": _cost_exceedance,
    "downtime_exceedance": _downtime_exceedance,
    "cost_fan": _fan,
    "cost_breakdown": _breakdown,
    "downtime_by_service": _downtime_by_service,
    "risk_return": _risk_return,
    "paired_difference": _paired,
    "gap_by_category": _gap("category"),
    "gap_by_service": _gap("service"),
    "structural_grid": _structural_grid,
}


def _available(name: str, analysis: Any) -> bool:
    if name == "paired_difference":
        return analysis.comparison is not None and analysis.difference is not None
    if name.startswith("gap_by_"):
        return name[len("gap_by_") :] in (analysis.gap_charts or {})
    if name == "structural_grid":
        return analysis.whatif is not None and analysis.whatif.grid is not None
    return True


def figure_caption(
    name: str,
    analysis: Any,
    ctx: FigureContext,
    *,
    replications: pd.DataFrame | None = None,
) -> Caption:
    """Caption and takeaway of the board figure `name` (a key of `report.write_figures`) in
    `ctx.lang`, every number from `analysis` (`analysis.board.Analysis`).

    `replications` (the frame the analysis was built from) makes every comparison of options
    paired: whether each option's gap to the cheapest is within simulation noise (without it,
    only the recommended option against its runner-up is judged, from the analysis), and the
    axis note of `cost_distribution` when its tail is cut (`plots.bulk_range`).
    """
    if name not in _FIGURES:
        raise ValueError(f"name (={name!r}) must be one of {', '.join(FIGURE_NAMES)}")
    if not _available(name, analysis):
        raise ValueError(text("unavailable", "en", name=name))
    return _FIGURES[name](analysis, ctx, replications)


def figure_captions(
    analysis: Any,
    ctx: FigureContext,
    names: Iterable[str] | None = None,
    *,
    replications: pd.DataFrame | None = None,
) -> dict[str, Caption]:
    """Captions of the figures `names` (default: every board figure the analysis has data
    for), by name; see `figure_caption`."""
    chosen = list(names) if names is not None else list(FIGURE_NAMES)
    if names is None:
        chosen = [n for n in chosen if _available(n, analysis)]
    return {n: figure_caption(n, analysis, ctx, replications=replications) for n in chosen}


# -- captions of the sensitivity figures ------------------------------------------------------


def _output_words(output: Any, ctx: FigureContext) -> tuple[str, str]:
    from simulation.reporting.figures.parameters import describe_output

    return describe_output(output, ctx)


def _value(value: float, unit: str, lang: str) -> str:
    """A result value: euros at board precision, hours, or a plain number."""
    if unit == "eur":
        return _eur(value, lang)
    number = format_number(float(value), lang, 1 if abs(value) < 10 else 0)
    return text("hours", lang, value=number) if unit == "hours" else number


def _parameter(path: str, ctx: FigureContext) -> str:
    from simulation.reporting.figures.parameters import parameter_label

    return _quoted(parameter_label(path, ctx.lang, ctx, wrap=None), ctx.lang)


def _parameter_value(path: str, value: float, lang: str, unit: bool = False) -> str:
    from simulation.reporting.figures.parameters import format_parameter_value

    return format_parameter_value(path, float(value), lang, unit=unit)


def _parameter_range(path: str, low: float, high: float, lang: str) -> tuple[str, str]:
    """Two values of a parameter for "between … and …": the unit written once, after the
    second ("10 and 62 EUR per user per month"), where both have the same unit words."""
    first, second = (_parameter_value(path, v, lang, unit=True) for v in (low, high))
    number, _, words = first.partition(NBSP)
    if words and second.endswith(f"{NBSP}{words}"):
        return number, second
    return first, second


def _design_runs(result: Any, lang: str, sobol: bool = False) -> str:
    runs = (getattr(result, "sobol_runs", None) or result.runs) if sobol else result.runs
    return format_number(int(runs), lang)


def _tornado(result, ctx, settings, sobol_readable) -> Caption:
    lang = ctx.lang
    output, unit = _output_words(result.output, ctx)
    table = result.tornado.sort_values("swing", ascending=False, kind="stable")
    baseline = float(table["baseline"].iloc[0])
    caption = text(
        "tornado_caption",
        lang,
        output=output,
        baseline=_value(baseline, unit, lang),
        runs=_design_runs(result, lang),
    )
    top = table.iloc[0]
    has_values = {"low_value", "high_value"} <= set(table.columns)

    def value_of(row: pd.Series, which: str) -> str:
        if not has_values:
            return "P10" if which == "low" else "P90"
        return _parameter_value(str(row["parameter"]), row[f"{which}_value"], lang, unit=True)

    sentences = [
        text(
            "tornado_top",
            lang,
            param=_parameter(str(top["parameter"]), ctx),
            low=_value(top["output_low"], unit, lang),
            high=_value(top["output_high"], unit, lang),
            value_low=value_of(top, "low"),
            value_high=value_of(top, "high"),
            baseline=_value(baseline, unit, lang),
        )
    ]
    following = [
        text(
            "tornado_item",
            lang,
            param=_parameter(str(r["parameter"]), ctx),
            swing=_value(r["swing"], unit, lang),
        )
        for _, r in table.iloc[1:3].iterrows()
    ]
    if following:
        sentences.append(text("tornado_next", lang, items=listed(following, lang)))
    sentences.append(_tornado_flips(result, table, baseline, unit, ctx, value_of))
    return Caption(caption, _sentences(*sentences))


def _tornado_flips(result, table, baseline, unit, ctx, value_of) -> str:
    """For a cost difference a − b: which assumptions reverse the answer on their own."""
    output, lang = result.output, ctx.lang
    if output.statistic != "difference" or unit != "eur" or baseline == 0:
        return ""
    a, b = _label(ctx, output.scenario), _label(ctx, output.baseline)
    winner, other = (a, b) if baseline < 0 else (b, a)
    sign = np.sign(baseline)
    flips = []
    for _, row in table.iterrows():
        for which in ("low", "high"):
            if np.sign(float(row[f"output_{which}"])) == -sign:
                flips.append((row, which))
                break
    if not flips:
        return text("tornado_no_flip", lang, winner=winner)
    if len(flips) == 1:
        row, which = flips[0]
        return text(
            "tornado_flip",
            lang,
            param=_parameter(str(row["parameter"]), ctx),
            value=value_of(row, which),
            winner=other,
        )
    params = listed([_parameter(str(row["parameter"]), ctx) for row, _ in flips], lang)
    return text("tornado_flips", lang, n=format_number(len(flips), lang), params=params)


def _spider(result, ctx, settings, sobol_readable) -> Caption:
    lang = ctx.lang
    output, unit = _output_words(result.output, ctx)
    caption = text("spider_caption", lang, output=output, runs=_design_runs(result, lang))
    frame = result.spider.dropna(subset=["output"])
    ends = {}
    for parameter, rows in frame.groupby("parameter", sort=False):
        rows = rows.sort_values("percentile")
        y = rows["output"].to_numpy(float)
        q = rows["percentile"].to_numpy(float)
        middle = float(np.interp(0.5, q, y)) if q.min() <= 0.5 <= q.max() else math.nan
        ends[str(parameter)] = (float(y[0]), float(y[-1]), middle)
    scale = max((abs(v) for e in ends.values() for v in e[:2]), default=0.0)
    moving = {p: e for p, e in ends.items() if abs(e[1] - e[0]) > 1e-9 * max(scale, 1.0)}
    if not moving:
        return Caption(caption, text("spider_flat", lang))
    sentences = []
    for key, pick in (("spider_up", max), ("spider_down", min)):
        parameter = pick(moving, key=lambda p: moving[p][1] - moving[p][0])
        low, high, middle = moving[parameter]
        if (high - low > 0) != (key == "spider_up"):
            continue
        words = text(
            key,
            lang,
            param=_parameter(parameter, ctx),
            low=_value(low, unit, lang),
            high=_value(high, unit, lang),
        )
        if math.isfinite(middle):
            lower, upper = abs(middle - low), abs(high - middle)
            if upper > 2 * lower:
                words += text("spider_above", lang)
            elif lower > 2 * upper:
                words += text("spider_below", lang)
        sentences.append(words)
    return Caption(caption, _sentences(*sentences))


def _sobol_unreadable(verdict: Any, values: Mapping[str, str], lang: str) -> str:
    """Why the Sobol estimates cannot be read (from `sensitivity.sobol_readability`) and how
    many design points would settle them, where the base samples are known."""
    reasons = []
    if "first_order_sum" in verdict.reasons:
        share = format_percent(verdict.first_order_sum, lang)
        reasons.append(text("sobol_reason_sum", lang, sum=share))
    if "first_above_total" in verdict.reasons:
        k, d = (format_number(v, lang) for v in (verdict.first_above_total, verdict.parameters))
        reasons.append(text("sobol_reason_above", lang, k=k, d=d))
    if "wide_intervals" in verdict.reasons:
        width = format_percent(verdict.widest_half_width, lang)
        reasons.append(text("sobol_reason_wide", lang, width=width, **values))
    if not reasons:  # judged unreadable by the caller
        reasons.append(text("sobol_reason_none", lang))
    if lang == "en":  # the reasons follow a colon: the first starts in lower case
        reasons[0] = reasons[0][:1].lower() + reasons[0][1:]
    sentences = [text("sobol_unreadable", lang, reasons="; ".join(reasons))]
    if verdict.n and verdict.recommended_n and verdict.recommended_n > verdict.n:
        per_base = verdict.parameters + 2  # design points per base sample (Saltelli)
        points = format_number(verdict.recommended_n * per_base, lang)
        current = format_number(verdict.n * per_base, lang)
        sentences.append(text("sobol_more_points", lang, points=points, current=current))
    else:
        sentences.append(text("sobol_more", lang))
    return _sentences(*sentences)


def _sobol(result, ctx, settings, sobol_readable) -> Caption:
    from simulation.analysis.sensitivity import sobol_readability

    lang = ctx.lang
    output, _ = _output_words(result.output, ctx)
    caption = text("sobol_caption", lang, output=output, runs=_design_runs(result, lang, True))
    table = result.sobol.sort_values("total_order", ascending=False, kind="stable")
    top = table.iloc[0]
    values = {
        "param": _parameter(str(top["parameter"]), ctx),
        "total": format_percent(float(top["total_order"]), lang),
        "low": format_percent(float(top["total_ci_low"]), lang),
        "high": format_percent(float(top["total_ci_high"]), lang),
    }
    n = getattr(settings, "sobol_n", None)
    verdict = sobol_readability(result.sobol, n=int(n) if n else None)
    readable = verdict.readable if sobol_readable is None else bool(sobol_readable)
    if not readable:
        return Caption(caption, _sobol_unreadable(verdict, values, lang))
    first = format_percent(float(top["first_order"]), lang)
    sentences = [text("sobol_top", lang, first=first, **values)]
    following = [
        text(
            "sobol_item",
            lang,
            param=_parameter(str(r["parameter"]), ctx),
            total=format_percent(float(r["total_order"]), lang),
        )
        for _, r in table.iloc[1:3].iterrows()
    ]
    if following:
        sentences.append(text("sobol_next", lang, items=listed(following, lang)))
    return Caption(caption, _sentences(*sentences))


def _break_even_setup(result: Any, settings: Any) -> tuple[str, str, str]:
    """The swept parameter and the scenarios a and b of the break-even sweep."""
    be = getattr(settings, "break_even", None)
    if be is not None:
        return str(be.sweep.parameter), str(be.a), str(be.b)
    attrs = result.break_even.attrs
    output = result.output
    parameter = str(attrs.get("parameter", ""))
    return (
        parameter,
        str(attrs.get("a", output.scenario)),
        str(attrs.get("b", output.baseline or output.scenario)),
    )


def _break_even(result, ctx, settings, sobol_readable) -> Caption:
    from simulation.analysis.sensitivity import Output, find_break_even

    lang = ctx.lang
    parameter, a, b = _break_even_setup(result, settings)
    pair = Output("difference", a, result.output.column, b)
    quantity = _output_words(pair, ctx)[0].partition(": ")[2] or _output_words(pair, ctx)[0]
    quantity = quantity.removeprefix("mean ").removeprefix("mittlere ")
    table = result.break_even.sort_values("value")
    x = table["value"].to_numpy(float)

    def value(v: float) -> str:
        return _parameter_value(parameter, v, lang, unit=True)

    names = {"a": _label(ctx, a), "b": _label(ctx, b)}
    start, stop = _parameter_range(parameter, x.min(), x.max(), lang)
    caption = text(
        "break_even_caption",
        lang,
        quantity=quantity,
        param=_parameter(parameter, ctx),
        start=start,
        stop=stop,
        runs=_design_runs(result, lang),
        **names,
    )
    flip = dict(result.flip or {})
    if "break_even" not in flip:
        flip = find_break_even(x, table["mean_difference"], table["ci_low"], table["ci_high"])
    point = float(flip.get("break_even", math.nan))
    d = table["mean_difference"].to_numpy(float)
    if math.isfinite(point):
        first = text("be_point", lang, value=value(point), **names)
    else:
        winner = names["a"] if np.nanmean(d) < 0 else names["b"]
        first = text("be_none", lang, start=start, stop=stop, winner=winner)
    sentences = [first]
    band = (float(flip.get("band_low", math.nan)), float(flip.get("band_high", math.nan)))
    if all(math.isfinite(v) for v in band):
        low, high = _parameter_range(parameter, band[0], band[1], lang)
        sentences.append(text("be_band", lang, low=low, high=high))
    sentences.append(_clear_sides(table, names, value, lang))
    return Caption(caption, _sentences(*sentences))


def _clear_sides(table: pd.DataFrame, names: Mapping[str, str], value, lang: str) -> str:
    """Where along the sweep one option is clearly cheaper (its interval excludes zero): the
    end runs of swept values, "up to x" and "from x on"."""
    low = table["ci_low"].to_numpy(float)
    high = table["ci_high"].to_numpy(float)
    x = table["value"].to_numpy(float)
    a_clear, b_clear = high < 0, low > 0
    sentences = []
    for clear, name in ((a_clear, names["a"]), (b_clear, names["b"])):
        if clear.size and clear.all():
            sentences.append(text("be_clear_all", lang, name=name))
        elif clear.size and clear[0]:
            run = int(np.argmin(clear))
            sentences.append(text("be_clear_up_to", lang, value=value(x[run - 1]), name=name))
        elif clear.size and clear[-1]:
            run = int(np.argmin(clear[::-1]))
            sentences.append(text("be_clear_from", lang, value=value(x[-run]), name=name))
    if not sentences and not (a_clear.any() or b_clear.any()):
        return text("be_never_clear", lang)
    return _sentences(*sentences)


def _decision_map(result, ctx, settings, sobol_readable) -> Caption:
    from simulation.analysis.sensitivity import Output

    lang = ctx.lang
    table = result.decision_map
    dm = getattr(settings, "decision_map", None)
    x_parameter = dm.x.parameter if dm is not None else str(table.attrs.get("x_parameter", "x"))
    y_parameter = dm.y.parameter if dm is not None else str(table.attrs.get("y_parameter", "y"))
    words, _ = _output_words(
        Output("mean", str(table["preferred"].iloc[0]), result.output.column), ctx
    )
    quantity = words.partition(": ")[2] or words
    quantity = quantity.removeprefix("mean ").removeprefix("mittlere ")
    caption = text(
        "decision_caption",
        lang,
        x=_parameter(x_parameter, ctx),
        y=_parameter(y_parameter, ctx),
        quantity=quantity,
        runs=_design_runs(result, lang),
    )
    n = len(table)
    counts = table["preferred"].astype(str).value_counts()
    order = ctx.ordered(counts.index)
    order.sort(key=lambda s: -int(counts[s]))
    if len(order) == 1:
        first = text("dm_one", lang, name=_label(ctx, order[0]), n=format_number(n, lang))
    else:
        items = [
            text(
                "dm_item",
                lang,
                name=_label(ctx, s),
                k=format_number(int(counts[s]), lang),
                n=format_number(n, lang),
            )
            for s in order
        ]
        first = text("dm_many", lang, items=listed(items, lang))
    uncertain = int((table["p_cheapest"].astype(float) < 0.5).sum())
    if uncertain:
        second = text(
            "dm_uncertain", lang, m=format_number(uncertain, lang), n=format_number(n, lang)
        )
    else:
        second = text("dm_certain", lang)
    return Caption(caption, _sentences(first, second))


_SENSITIVITY = {
    "tornado": _tornado,
    "spider": _spider,
    "sobol": _sobol,
    "break_even": _break_even,
    "decision_map": _decision_map,
}


def sensitivity_caption(
    name: str,
    result: Any,
    ctx: FigureContext,
    *,
    settings: Any = None,
    sobol_readable: bool | None = None,
) -> Caption:
    """Caption and takeaway of the sensitivity figure `name` (tornado, spider, sobol,
    break_even, decision_map) from a `sensitivity.SensitivityResult`, in `ctx.lang`.

    `settings` (the config's `sensitivity` section, as for `write_sensitivity_figures`) names
    the swept parameter and the options of the break-even, the two parameters of the decision
    map (without it they come from the tables' `attrs`) and the Sobol base samples.
    `sobol_readable` overrides whether the Sobol estimates can be read; by default the judgement
    of `sensitivity.sobol_readability`, whose reasons an unreadable takeaway gives (with the
    design points that would settle the estimates, when `settings` gives the base samples).
    """
    if name not in _SENSITIVITY:
        raise ValueError(f"name (={name!r}) must be one of {', '.join(SENSITIVITY_NAMES)}")
    table = getattr(result, name, None)
    if table is None or not len(table):
        raise ValueError(text("unavailable", "en", name=name))
    return _SENSITIVITY[name](result, ctx, settings, sobol_readable)


# -- sidecar texts ----------------------------------------------------------------------------


def _one_line(value: str) -> str:
    """A figure text drawn over several lines, as one line."""
    return " ".join(value.split())


def sidecar_text(title: str, caption: Caption, footer: str, lang: str) -> str:
    """The sidecar of a figure: title, caption, takeaway and provenance, one paragraph each."""
    return (
        "\n\n".join(
            [
                _one_line(title),
                caption.caption,
                text("sidecar_takeaway", lang, text=caption.takeaway),
                text("sidecar_source", lang, text=_one_line(footer)),
            ]
        )
        + "\n"
    )


def sidecar_path(figure: FigureResult) -> Path:
    """Where the sidecar of a figure goes: beside its PNG, same stem, suffix .txt."""
    png = next((p for p in figure.paths if Path(p).suffix == ".png"), None)
    if png is None:
        raise ValueError(f"the figure has no PNG among its files {figure.paths}")
    return Path(png).with_suffix(".txt")


def write_sidecars(
    captions: Mapping[str, Caption], figures: Mapping[str, FigureResult], ctx: FigureContext
) -> list[Path]:
    """For each figure with a caption, a UTF-8 text file beside its PNG (same stem, `.txt`)
    with the figure's title, the caption, the takeaway and the provenance line of its footer
    (config, runs, seed, date), each file written whole or not at all. Returns the paths."""
    written = []
    for name, figure in figures.items():
        caption = captions.get(name)
        if caption is None:
            continue
        data = figure.data or {}
        footer = data.get("footer") or ctx.provenance.footer(ctx.lang)
        content = sidecar_text(str(data.get("title", "")), caption, str(footer), ctx.lang)
        path = sidecar_path(figure)
        with atomic_path(path) as tmp:
            tmp.write_text(content, encoding="utf-8")
        written.append(path)
    return written


__all__ = [
    "FIGURE_NAMES",
    "SENSITIVITY_NAMES",
    "TEXT",
    "Caption",
    "figure_caption",
    "figure_captions",
    "sensitivity_caption",
    "sidecar_path",
    "sidecar_text",
    "write_sidecars",
]
