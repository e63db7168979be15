"""Why the recommended option costs less than its runner-up, in words, tables and a sheet.

The numbers come from `analysis.gap_decomposition` (by cost category and by service) and
`analysis.gap_by_basis` (budget, risk, total); this module only chooses and formats them for
the report page and the workbook. Amounts are net present values (EUR) over the horizon;
a difference is option a (recommended) minus option b (runner-up), negative: a costs less.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from simulation import analysis as an
from simulation.analysis.board import (  # noqa: F401 (re-exported: moved to analysis)
    GAP_MAX_PARTS,
    GAP_MIN_SHARE,
    gap_analysis,
)
from simulation.reporting import catalogue
from simulation.reporting.labels import category_label, format_eur_short, format_percent, listed

GAP_TEXT: dict[str, dict[str, str]] = catalogue.section("gap")


def gap_text(key: str, lang: str, **values: Any) -> str:
    """The text `key` of the gap page in language `lang`, formatted with `values`."""
    return GAP_TEXT[key][lang].format(**values)


def gap_heading(gap_eur: float, name_a: str, name_b: str, lang: str) -> str:
    """The page title: "Why A costs less than B" (German "Warum A günstiger ist als B")."""
    tiny = format_eur_short(abs(gap_eur), lang) == format_eur_short(0, lang)
    key = "heading_same" if tiny else "heading_less" if gap_eur < 0 else "heading_more"
    return gap_text(key, lang, a=name_a, b=name_b)


def _amount_words(value: float, lang: str) -> str:
    """A difference in words: "€0.4m less", "€57k more", "the same" (German alike)."""
    amount = format_eur_short(abs(value), lang)
    if amount == format_eur_short(0, lang):
        return gap_text("same", lang)
    return gap_text("less" if value < 0 else "more", lang, amount=amount)


def leading_parts(decomposition: pd.DataFrame) -> list[str]:
    """The two or three parts that make most of the gap: the largest mean difference, then
    the next ones while they are at least a quarter of it (at most three)."""
    size = decomposition["mean_difference_eur"].abs()
    size = size[size > 0].sort_values(ascending=False, kind="stable")
    chosen = list(size.index[:1])
    for part in size.index[1:3]:
        if size[part] >= 0.25 * size.iloc[0]:
            chosen.append(part)
    return chosen


def _parts_words(decomposition: pd.DataFrame, ctx: Any) -> tuple[str, float]:
    """The leading parts in words ("personnel (€0.7m less), ...") and their summed size."""
    lang, by = ctx.lang, decomposition.attrs["by"]
    parts = leading_parts(decomposition)
    words = []
    for part in parts:
        name = category_label(part, lang) if by == "category" else ctx.service_label(part)
        name = name[:1].lower() + name[1:] if lang == "en" else name
        value = float(decomposition.loc[part, "mean_difference_eur"])
        words.append(f"{name} ({_amount_words(value, lang)})")
    size = float(decomposition.loc[parts, "mean_difference_eur"].abs().sum())
    return listed(words, lang), size


def main_group(bases: pd.DataFrame) -> str | None:
    """Which the gap mainly is, "budget" or "risk" cost: the group whose difference points the
    gap's way and is largest; None when both point its way and the smaller is at least 60%
    of the larger (about equal parts)."""
    budget = float(bases.loc["budget", "mean_difference_eur"])
    risk = float(bases.loc["risk", "mean_difference_eur"])
    sign = np.sign(float(bases.loc["total", "mean_difference_eur"]))
    toward = sorted([budget * sign, risk * sign])
    if toward[0] > 0 and toward[0] >= 0.6 * toward[1]:
        return None
    return "budget" if budget * sign >= risk * sign else "risk"


def _group_sentence(bases: pd.DataFrame, name_a: str, lang: str) -> str:
    """How much of the gap is budget and how much risk cost, and which it mainly is."""
    budget = float(bases.loc["budget", "mean_difference_eur"])
    risk = float(bases.loc["risk", "mean_difference_eur"])
    main = main_group(bases)
    return gap_text(
        "groups" if main else "groups_even",
        lang,
        a=name_a,
        budget=_amount_words(budget, lang),
        risk=_amount_words(risk, lang),
        group=gap_text(f"group_{main}", lang) if main else "",
    )


def gap_paragraph(
    gaps: Mapping[str, pd.DataFrame], bases: pd.DataFrame, ctx: Any, years: int
) -> str:
    """The takeaway of the gap page in one paragraph, every number from the analysis: the gap
    with its interval, the parts that make most of it by category (and whether they offset
    each other), how much is budget and how much risk cost, and the leading services."""
    lang = ctx.lang
    category = gaps["category"]
    attrs = category.attrs
    name_a, name_b = ctx.scenario_label(attrs["a"]), ctx.scenario_label(attrs["b"])
    gap = float(attrs["gap_eur"])
    low, high = attrs["gap_ci_low_eur"], attrs["gap_ci_high_eur"]
    if gap < 0:  # the interval of the saving, as amounts
        low, high = -high, -low
    sentences = [
        gap_text(
            "gap_less" if gap < 0 else "gap_more",
            lang,
            a=name_a,
            b=name_b,
            amount=format_eur_short(abs(gap), lang),
            years=years,
            lo=format_eur_short(low, lang),
            hi=format_eur_short(high, lang),
        )
    ]
    words, size = _parts_words(category, ctx)
    sentences.append(gap_text("by_category_parts", lang, parts=words))
    if size > 2 * abs(gap):
        sentences.append(gap_text("offset", lang))
    sentences.append(_group_sentence(bases, name_a, lang))
    if "service" in gaps:
        words, _ = _parts_words(gaps["service"], ctx)
        sentences.append(gap_text("by_service_parts", lang, parts=words))
    return " ".join(sentences)


def _cells(row: pd.Series, lang: str) -> list[str]:
    """Means of b and a, the difference, its interval and its share, at board precision."""
    interval = gap_text(
        "to",
        lang,
        lo=format_eur_short(row["ci_low_eur"], lang),
        hi=format_eur_short(row["ci_high_eur"], lang),
    )
    return [
        format_eur_short(row["mean_b_eur"], lang),
        format_eur_short(row["mean_a_eur"], lang),
        format_eur_short(row["mean_difference_eur"], lang),
        interval,
        format_percent(row["share_of_gap"], lang),
    ]


def gap_table_header(decomposition: pd.DataFrame, ctx: Any) -> list[str]:
    """Header of a gap table: part, b, a, a − b, interval, share."""
    lang, attrs = ctx.lang, decomposition.attrs
    name_a, name_b = ctx.scenario_label(attrs["a"]), ctx.scenario_label(attrs["b"])
    return [
        gap_text("by_category" if attrs["by"] == "category" else "by_service_table", lang),
        name_b,
        name_a,
        gap_text("difference", lang),
        gap_text("ci", lang),
        gap_text("share", lang),
    ]


def _present(decomposition: pd.DataFrame) -> pd.DataFrame:
    """The parts that are not zero in both options."""
    frame = decomposition
    return frame[(frame["mean_a_eur"] != 0) | (frame["mean_b_eur"] != 0)]


def gap_table_rows(
    decomposition: pd.DataFrame, bases: pd.DataFrame, ctx: Any
) -> tuple[list[list[str]], list[int]]:
    """Rows of a gap table and the indices of its section and total rows (bold). By category:
    budget categories under a heading with their subtotal, then risk categories alike, then
    the gap; by service: the services, then the gap. Parts zero in both options left out."""
    lang = ctx.lang
    rows: list[list[str]] = []
    bold: list[int] = []
    parts = _present(decomposition)
    if decomposition.attrs["by"] == "category":
        for group in ("budget", "risk"):
            bold.append(len(rows))
            rows.append([gap_text(group, lang), "", "", "", "", ""])
            for part, row in parts[parts["group"] == group].iterrows():
                rows.append([category_label(str(part), lang), *_cells(row, lang)])
            bold.append(len(rows))
            rows.append([gap_text(f"subtotal_{group}", lang), *_cells(bases.loc[group], lang)])
    else:
        for part, row in parts.iterrows():
            rows.append([ctx.service_label(str(part)), *_cells(row, lang)])
    bold.append(len(rows))
    rows.append([gap_text("total", lang), *_cells(bases.loc["total"], lang)])
    return rows, bold


GAP_SHEET_COLUMNS: dict[str, dict[str, str]] = catalogue.section("gap_sheet_columns")
#: Number kind of the sheet's columns (the rest is text).
GAP_SHEET_KINDS = {
    "mean_b_eur": "eur",
    "mean_a_eur": "eur",
    "mean_difference_eur": "eur",
    "ci_low_eur": "eur",
    "ci_high_eur": "eur",
    "share_of_gap": "share",
}


def gap_sheet_header(key: str, ctx: Any, a: str, b: str) -> str:
    """The readable header of sheet column `key` (see `GAP_SHEET_COLUMNS`)."""
    names = {"a": ctx.scenario_label(a), "b": ctx.scenario_label(b)}
    return GAP_SHEET_COLUMNS[key][ctx.lang].format(**names)


def _sheet_block(decomposition: pd.DataFrame, bases: pd.DataFrame, ctx: Any) -> pd.DataFrame:
    """One breakdown for the workbook: every part (with its group), subtotals, the gap."""
    lang, by = ctx.lang, decomposition.attrs["by"]
    frame = decomposition.drop(columns=["clear", "parts"]).copy()
    names = [
        category_label(str(p), lang) if by == "category" else ctx.service_label(str(p))
        for p in frame.index
    ]
    frame.insert(0, "part", names)
    frame["group"] = [gap_text(g, lang) if g in ("budget", "risk") else "" for g in frame["group"]]
    extra = [("subtotal_budget", "budget"), ("subtotal_risk", "risk")] if by == "category" else []
    extra.append(("total", "total"))
    totals = bases.loc[[basis for _, basis in extra]].drop(columns="clear").copy()
    totals.insert(0, "part", [gap_text(key, lang) for key, _ in extra])
    totals["group"] = [gap_text(b, lang) if b != "total" else "" for _, b in extra]
    block = pd.concat([frame, totals], ignore_index=True)
    title = gap_text("by_category" if by == "category" else "by_service_table", lang)
    block.insert(0, "breakdown", title)
    return block


def gap_sheet(gaps: Mapping[str, pd.DataFrame], bases: pd.DataFrame, ctx: Any) -> pd.DataFrame:
    """The workbook's gap sheet: both breakdowns one under the other, each part with its
    group, mean NPV in b and in a, the mean difference a − b with its 95% interval and its
    share of the gap; subtotals of budget and risk cost and the gap; readable headers."""
    if not gaps:
        return pd.DataFrame()
    blocks = [_sheet_block(gaps[by], bases, ctx) for by in an.GAP_BREAKDOWNS if by in gaps]
    sheet = pd.concat(blocks, ignore_index=True)
    attrs = next(iter(gaps.values())).attrs
    order = list(GAP_SHEET_COLUMNS)
    columns = {k: gap_sheet_header(k, ctx, attrs["a"], attrs["b"]) for k in order}
    return sheet[order].rename(columns=columns)
