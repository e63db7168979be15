"""Page 1 of the board report: the decision.

The recommendation on budget cost and on total cost, every option side by side (the in-house
option included), one chart that answers "which, and how sure", and a plain sentence of what
would change the answer. The detailed findings follow on the next page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from simulation.reporting import catalogue, plots
from simulation.reporting.labels import format_eur_short, format_percent
from simulation.reporting.pages import line_height, paragraphs_height, wrapped

TEXT: dict[str, dict[str, str]] = catalogue.section("decision")


#: A recommendation is settled when at least this share of re-runs (paired bootstrap) repeats it.
SETTLED = 0.95


def text(key: str, lang: str, **values: Any) -> str:
    """The page's text `key` in language `lang`, formatted with `values`."""
    return TEXT[key][lang].format(**values)


def basis_lines(analysis, ctx: plots.FigureContext) -> list[str]:
    """One sentence per basis (budget, total): the cheapest option, its mean, how often it is
    cheapest, and the runner-up's extra cost with its interval (and when that is noise)."""
    lang, labels = ctx.lang, ctx.scenario_labels
    lines = []
    for basis in ("budget", "total"):
        row = analysis.choices.loc[basis]
        line = text(
            "basis_line",
            lang,
            measure=text(f"measure_{basis}", lang),
            rec=labels[row["recommended"]],
            mean=format_eur_short(row["mean_eur"], lang),
            p=format_percent(row["p_cheapest"], lang),
            runner=labels[row["runner_up"]],
            saving=format_eur_short(row["saving_eur"], lang),
            lo=format_eur_short(row["saving_ci_low_eur"], lang),
            hi=format_eur_short(row["saving_ci_high_eur"], lang),
        )
        lines.append(line + ("" if row["clear"] else text("basis_close", lang)))
    if len(analysis.scenarios) > 1:
        key = "settled" if analysis.stability >= SETTLED else "unsettled"
        p = format_percent(analysis.stability, lang)
        lines.append(text(key, lang, p=p, rec=labels[analysis.recommended]))
    return lines


def change_paragraphs(analysis, ctx: plots.FigureContext, whatif_sentences: list[str]) -> list[str]:
    """What would change the answer: the lead of the cheapest option in euros and as a share of
    its cost, then (when the run computed them) the structural variants and the break-even."""
    lang, labels = ctx.lang, ctx.scenario_labels
    row = analysis.choices.loc["total"]
    rec = row["recommended"]
    total = float(analysis.budget_risk.loc[rec, "total_mean"])
    saving = float(row["saving_eur"])
    first = text(
        "change_gap",
        lang,
        rec=labels[rec],
        runner=labels[row["runner_up"]],
        saving=format_eur_short(saving, lang),
        share=format_percent(saving / total if total else 0.0, lang, 1),
        years=ctx.horizon_years,
    )
    return [first, *whatif_sentences]


def _bar_labels(ax, y: float, budget: float, risk: float, lang: str, span: float) -> None:
    """Amounts inside the budget and risk segments when they are wide enough."""
    for left, width in ((0.0, budget), (budget, risk)):
        if width > 0.34 * span:  # about the width of "4,6 Mio. €" on the printed axis
            ax.text(left + width / 2, y, format_eur_short(width, lang), ha="center",
                    va="center", color="white", fontsize=9, fontweight="bold")  # fmt: skip


def _two_lines(text: str) -> str:
    """`text` broken at the space that makes its longer line shortest."""
    words = text.split(" ")
    if len(words) < 2:
        return text
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])),
                                                       len(" ".join(words[i:]))))  # fmt: skip
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def draw_decision_chart(fig, rect, analysis, ctx: plots.FigureContext) -> None:
    """Per option a bar of mean budget plus risk cost (NPV), a line to the total's P95 and how
    often the option is cheapest on total cost, drawn on the page at its printed size."""
    lang = ctx.lang
    table = analysis.budget_risk.loc[analysis.scenarios]
    p_total = analysis.summary["p_cheapest"]
    ax = fig.add_axes(rect)
    y = np.arange(len(table))[::-1].astype(float)
    span = float(table["total_p95"].max())
    ax.barh(y, table["budget_mean"], 0.55, color=plots.BUDGET_COLOUR, label=text("budget", lang))
    ax.barh(y, table["risk_mean"], 0.55, left=table["budget_mean"], color=plots.RISK_COLOUR,
            label=text("risk", lang))  # fmt: skip
    for yi, (name, row) in zip(y, table.iterrows(), strict=True):
        _bar_labels(ax, yi, row["budget_mean"], row["risk_mean"], lang, span)
        ax.plot([row["total_mean"], row["total_p95"]], [yi, yi], color="#333333", lw=1.2)
        ax.plot([row["total_p95"]], [yi], marker="|", ms=12, color="#333333")
        bold = "bold" if name == analysis.recommended else "normal"
        x = row["total_p95"] + 0.03 * span
        ax.text(x, yi + 0.06, format_eur_short(row["total_mean"], lang), va="bottom",
                fontsize=9.5, fontweight=bold)  # fmt: skip
        share = text("cheapest", lang, p=format_percent(p_total[name], lang))
        share = _two_lines(share)  # two short lines stay on the page
        ax.text(x, yi - 0.06, share, va="top", fontsize=8.5, color="#333333")
    ax.plot([], [], color="#333333", marker="|", ms=10, label=text("p95", lang))
    ax.set_yticks(y, [ctx.scenario_labels[s] for s in table.index], fontsize=10.5)
    for tick, name in zip(ax.get_yticklabels(), table.index, strict=True):
        tick.set_color(ctx.colour(name))
        tick.set_fontweight("bold")
    ax.set_xlim(0, span * 1.8)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(plots.EuroFormatter(lang))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlabel(text("chart_axis", lang, years=ctx.horizon_years), fontsize=9.5)
    ax.set_title(text("chart_title", lang), fontsize=11.5, fontweight="bold", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(-0.02, -0.22), ncol=1, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylim(-0.8, len(table) - 0.2)


def change_needs(paragraphs: list[str], width: int) -> float:
    """Height (page fraction) of `change_box`'s heading and `paragraphs`."""
    return line_height(11.5) * 1.3 + paragraphs_height(paragraphs, width, 9.5)


def change_box(fig, x: float, y: float, paragraphs: list[str], lang: str, **room) -> float:
    """The heading and paragraphs of "What would change the answer" from (x, y) down: as many
    paragraphs, in order, as fit above `room["bottom"]` (the first always), `room["width"]`
    characters a line; the report's section on the answer's sensitivity holds them all."""
    size, width, bottom = 9.5, room.get("width", 80), room.get("bottom", 0.06)
    fig.text(x, y, text("change_heading", lang), fontsize=11.5, fontweight="bold", va="top")
    y -= line_height(11.5) * 1.3
    shown = paragraphs[:1]
    for paragraph in paragraphs[1:]:
        if y - paragraphs_height([*shown, paragraph], width, size) < bottom:
            break
        shown.append(paragraph)
    return wrapped(fig, x, y, shown, width=width, size=size)
