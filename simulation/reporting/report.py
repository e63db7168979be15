"""The board report of a results folder: all figures, a PDF report and an Excel workbook.

`simulation.analysis.board.build_analysis` (re-exported here) computes every number the figures
and documents show, once; the PDF and the workbook only format those numbers, so what the board
reads equals what the analysis API returns.

Every cost is shown three ways: budget cost (cash out), risk cost (users' lost time, lost margin,
security and compliance losses) and their total. The executive summary names the cheapest option
on budget cost and on total cost, and says so plainly when they differ.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.analysis.board import Analysis, WhatIf, build_analysis, monthly_columns
from simulation.config.annotations import source_of
from simulation.config.distributions import parse_distribution
from simulation.files import atomic_path
from simulation.model.ledger import RISK_CATEGORIES
from simulation.reporting import catalogue, decision, plots
from simulation.reporting.captions import figure_captions, write_sidecars
from simulation.reporting.captions import text as captions_text
from simulation.reporting.gap_report import (
    gap_heading,
    gap_paragraph,
    gap_table_header,
    gap_table_rows,
    gap_text,
)
from simulation.reporting.labels import (
    category_label,
    format_date,
    format_eur,
    format_eur_short,
    format_number,
    format_percent,
)
from simulation.reporting.options import option_descriptions, options_table
from simulation.reporting.options import text as options_text
from simulation.reporting.pages import A4_LANDSCAPE, paragraphs_height, table_height
from simulation.reporting.pages import fit_title as _fit_title
from simulation.reporting.pages import image as _image
from simulation.reporting.pages import page as _page
from simulation.reporting.pages import png_of as _png
from simulation.reporting.pages import table as _table
from simulation.reporting.pages import wrapped as _wrapped
from simulation.reporting.render import (
    CountedPages,
    FigureJob,
    FigureProgress,
    default_workers,
    drawing,
    render_figures,
)
from simulation.reporting.sensitivity_report import run_sensitivity_of, sensitivity_pages
from simulation.reporting.verification import (
    read_verification,
    verification_intro,
    verification_rows,
    verification_text,
)
from simulation.reporting.whatif import (
    break_even_sentence,
    change_sentence,
    noise_note,
    plot_structural_grid,
    whatif_paragraphs,
    whatif_table,
    whatif_text,
)
from simulation.reporting.workbook import (  # noqa: F401 (re-exported)
    SHEET_TEXT,
    summary_header,
    write_excel_report,
)

TEXT: dict[str, dict[str, str]] = catalogue.section("report")

METRIC_NAMES: dict[str, dict[str, str]] = catalogue.section("metric_names")


def _in_sentence(name: str, lang: str) -> str:
    """A label inside an English sentence starts lower case (German nouns keep their capital)."""
    return name[:1].lower() + name[1:] if lang == "en" else name


def text(key: str, lang: str, **values: Any) -> str:
    """The report text `key` in language `lang`, formatted with `values`."""
    return TEXT[key][lang].format(**values)


def board_eur(value: float, lang: str) -> str:
    """An amount at board precision: €4.1m / 4,1 Mio. €, €431k / 431 Tsd. €."""
    return format_eur_short(value, lang)


# -- figures ----------------------------------------------------------------------------------


def _risk_points(analysis: Analysis) -> pd.DataFrame:
    """Mean and CVaR95 of total cost per scenario with their intervals (risk-return figure)."""
    risk = pd.DataFrame(
        {"mean": analysis.risk_table["mean"], "cvar95": analysis.risk_table["cvar95"]}
    )
    for metric in ("mean", "cvar95"):
        rows = analysis.risk[analysis.risk["metric"] == metric].set_index("scenario")
        risk[f"{metric}_ci_low"] = rows["ci_low"]
        risk[f"{metric}_ci_high"] = rows["ci_high"]
    return risk


def figure_jobs(
    analysis: Analysis, replications: pd.DataFrame, ctx: plots.FigureContext, out_dir: Path
) -> list[FigureJob]:
    """Every board figure of the analysis as a job for `render` (name, plot function and its
    arguments), in the context's language."""
    path = lambda stem: plots.figure_path(out_dir, stem, ctx.lang)  # noqa: E731
    jobs = [
        FigureJob(
            "cost_budget_risk",
            plots.plot_cost_budget_risk,
            (analysis.budget_risk, ctx, path("cost_budget_risk")),
            {"cheapest": analysis.summary},
        ),
        FigureJob(
            "cost_distribution",
            plots.plot_cost_distributions,
            (replications, ctx, path("cost_distribution")),
        ),
        FigureJob(
            "cost_exceedance",
            plots.plot_exceedance,
            (analysis.cost_exceedance, ctx, path("cost_exceedance")),
            {"quantity": "cost", "budget_curve": analysis.budget_exceedance},
        ),
        FigureJob(
            "downtime_exceedance",
            plots.plot_exceedance,
            (analysis.downtime_exceedance, ctx, path("downtime_exceedance")),
            {"quantity": "downtime"},
        ),
        FigureJob(
            "cost_fan",
            plots.plot_fan_chart,
            (analysis.bands, ctx, path("cost_fan")),
            {"budget_bands": analysis.budget_bands},
        ),
        FigureJob(
            "cost_breakdown",
            plots.plot_cost_breakdown,
            (analysis.breakdown, ctx, path("cost_breakdown")),
        ),
        FigureJob(
            "downtime_by_service",
            plots.plot_downtime_by_service,
            (analysis.downtime, ctx, path("downtime_by_service")),
            {"downtime_p95": analysis.downtime_p95},
        ),
        FigureJob(
            "risk_return",
            plots.plot_risk_return,
            (_risk_points(analysis), ctx, path("risk_return")),
        ),
    ]
    if analysis.comparison is not None:
        stem = plots.paired_difference_stem(analysis.recommended, analysis.runner_up)
        jobs.append(
            FigureJob(
                "paired_difference",
                plots.plot_paired_difference,
                (analysis.difference, analysis.comparison, ctx, path(stem)),
                {"budget_comparison": analysis.budget_comparison},
            )
        )
        for by, chart in analysis.gap_charts.items():
            kind = f"gap_by_{by}"
            stem = plots.pair_figure_stem(kind, analysis.recommended, analysis.runner_up)
            jobs.append(FigureJob(kind, plots.plot_gap_waterfall, (chart, ctx, path(stem))))
    if analysis.whatif is not None and analysis.whatif.grid is not None:
        runs = int(analysis.whatif.grid["runs"].min())  # the grid's replications, in the footer
        grid_ctx = replace(ctx, provenance=replace(ctx.provenance, runs=runs, planned=runs))
        jobs.append(
            FigureJob(
                "structural_grid",
                plot_structural_grid,
                (analysis.whatif, grid_ctx, path("structural_grid")),
            )
        )
    return jobs


def write_figures(
    analysis: Analysis,
    replications: pd.DataFrame,
    ctx: plots.FigureContext,
    out_dir: Path,
    jobs: int | None = None,
    on_figure: FigureProgress | None = None,
) -> dict[str, plots.FigureResult]:
    """Every board figure of the analysis, as PNG and PDF, in the context's language.

    The figures are drawn in `jobs` worker processes (default: all cores; 1: here, one after
    another), the same files either way; `on_figure(name, drawn, total)` as each is saved.
    """
    figures = figure_jobs(analysis, replications, ctx, out_dir)
    return render_figures(figures, jobs or default_workers(), on_figure)


# -- words ------------------------------------------------------------------------------------


def _basis_paragraph(analysis: Analysis, basis: str, ctx: plots.FigureContext) -> str:
    """The cheapest option on `basis` ("budget" or "total") against its runner-up, in words,
    with the close-call sentence when the saving's interval includes zero."""
    lang, labels = ctx.lang, ctx.scenario_labels
    row = analysis.choices.loc[basis]
    rec = row["recommended"]
    values = {
        "rec": labels[rec],
        "years": ctx.horizon_years,
        "mean": board_eur(row["mean_eur"], lang),
        "saving": board_eur(row["saving_eur"], lang),
        "runner": labels[row["runner_up"]],
        "lo": board_eur(row["saving_ci_low_eur"], lang),
        "hi": board_eur(row["saving_ci_high_eur"], lang),
        "p": format_percent(row["p_cheapest"], lang),
        "plo": format_percent(row["p_cheapest_ci_low"], lang),
        "phi": format_percent(row["p_cheapest_ci_high"], lang),
        "budget": board_eur(analysis.budget_risk.loc[rec, "budget_mean"], lang),
        "risk": board_eur(analysis.budget_risk.loc[rec, "risk_mean"], lang),
    }
    paragraph = text(f"on_{basis}", lang, **values)
    if not row["clear"]:
        paragraph += " " + text("close_call", lang, measure=text(f"measure_{basis}", lang))
    return paragraph


def decision_paragraphs(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """The recommendation: the cheapest option on budget cost and on total cost, first whether
    they are the same option (and plainly that the choice depends on the weight of risk cost
    when they are not), then each with its saving against the runner-up and P(cheapest)."""
    lang, labels = ctx.lang, ctx.scenario_labels
    choices = analysis.choices
    if analysis.runner_up is None:
        row = analysis.budget_risk.loc[analysis.recommended]
        amounts = {k: board_eur(row[f"{k}_mean"], lang) for k in ("budget", "risk")}
        mean = board_eur(row["total_mean"], lang)
        rec = labels[analysis.recommended]
        return [text("single", lang, rec=rec, mean=mean, years=ctx.horizon_years, **amounts)]
    if analysis.winners_differ:
        first = text(
            "decision_split",
            lang,
            budget_rec=labels[choices.loc["budget", "recommended"]],
            total_rec=labels[choices.loc["total", "recommended"]],
        )
    else:
        first = text("decision_same", lang, rec=labels[choices.loc["total", "recommended"]])
    return [
        first,
        _basis_paragraph(analysis, "budget", ctx),
        _basis_paragraph(analysis, "total", ctx),
    ]


def _risk_paragraphs(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """The tail of total cost of the recommended option, its main driver, and the trade-off
    when another option has the lower tail."""
    lang, labels = ctx.lang, ctx.scenario_labels
    rec, risk = analysis.recommended, analysis.risk_table
    drivers = analysis.drivers
    driver = drivers.index[0] if len(drivers) else "personnel"
    paragraphs = [
        text(
            "risk",
            lang,
            rec=labels[rec],
            cvar=board_eur(risk.loc[rec, "cvar95"], lang),
            excess=board_eur(risk.loc[rec, "cvar95"] - risk.loc[rec, "mean"], lang),
            driver=_in_sentence(category_label(driver, lang), lang),
            share=format_percent(float(drivers.iloc[0]) if len(drivers) else 0, lang),
        )
    ]
    safer = risk["cvar95"].idxmin()
    if safer != rec:
        cvar = board_eur(risk.loc[safer, "cvar95"], lang)
        paragraphs.append(text("tradeoff", lang, safer=labels[safer], cvar=cvar))
    return paragraphs


def _operations_paragraphs(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """Downtime of the recommended option and its runner-up; how far credits cover losses."""
    lang, labels, rec = ctx.lang, ctx.scenario_labels, analysis.recommended
    paragraphs = []
    if analysis.runner_up is not None:
        summary = analysis.summary
        paragraphs.append(
            text(
                "downtime",
                lang,
                rec=labels[rec],
                years=ctx.horizon_years,
                hours=format_number(summary.loc[rec, "downtime_mean_hours"], lang),
                p95=format_number(summary.loc[rec, "downtime_p95_hours"], lang),
                runner=labels[analysis.runner_up],
                hours_r=format_number(summary.loc[analysis.runner_up, "downtime_mean_hours"], lang),
            )
        )
    with_credits = analysis.sla[analysis.sla["service_credits_eur"] > 0]
    if len(with_credits):
        scenario = rec if rec in with_credits.index else with_credits.index[0]
        row = with_credits.loc[scenario]
        paragraphs.append(
            text(
                "credits",
                lang,
                scenario=labels[scenario],
                share=format_percent(row["credits_share_of_loss"], lang, 1),
                credits=board_eur(row["service_credits_eur"], lang),
                loss=board_eur(row["business_loss_eur"], lang),
            )
        )
    return paragraphs


def summary_paragraphs(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """The executive summary in plain words, every number taken from the analysis: the
    recommendation on budget cost and on total cost, the main risk, downtime, credits."""
    return [
        *decision_paragraphs(analysis, ctx),
        *_risk_paragraphs(analysis, ctx),
        *_operations_paragraphs(analysis, ctx),
        text("caveat", ctx.lang),
    ]


def overview_rows(analysis: Analysis, ctx: plots.FigureContext) -> tuple[list[str], list[list]]:
    """Header and rows of the summary table: per option budget, risk and total cost (mean NPV),
    P95 of budget and of total cost, and P(cheapest) on budget and on total cost."""
    lang = ctx.lang
    header = [text("option", lang), *(h[lang] for _, h, _ in OVERVIEW_COLUMNS)]
    rows = []
    table = analysis.budget_risk.join(analysis.summary[["p_cheapest_budget", "p_cheapest"]])
    for scenario in analysis.scenarios:
        row = [ctx.scenario_labels[scenario]]
        for key, _, kind in OVERVIEW_COLUMNS:
            value = float(table.loc[scenario, key])
            row.append(board_eur(value, lang) if kind == "eur" else format_percent(value, lang))
        rows.append(row)
    return header, rows


#: The overview table's columns: source column, header (see the catalogue), number kind.
_OVERVIEW_KINDS = {
    "budget_mean": "eur",
    "risk_mean": "eur",
    "total_mean": "eur",
    "budget_p95": "eur",
    "total_p95": "eur",
    "p_cheapest_budget": "share",
    "p_cheapest": "share",
}
_OVERVIEW_HEADERS = catalogue.section("overview_columns")
OVERVIEW_COLUMNS = tuple(
    (key, _OVERVIEW_HEADERS[key], kind) for key, kind in _OVERVIEW_KINDS.items()
)
#: Widths of the overview table's columns (option, five amounts, two shares).
_OVERVIEW_WIDTHS = [0.13, 0.105, 0.105, 0.105, 0.105, 0.105, 0.1725, 0.1725]


# -- assumptions ------------------------------------------------------------------------------


def _describe(value: Any) -> tuple[str, float | None]:
    """A config value as the user wrote it (a number or a distribution spec) and its mean."""
    if isinstance(value, bool) or value is None:
        return str(value), None
    if isinstance(value, int | float):
        return f"{value:g}", float(value)
    try:
        dist = parse_distribution(value)
    except (ValueError, TypeError):
        return str(value), None
    if isinstance(value, dict):
        args = ", ".join(
            f"{k}={v:g}" if isinstance(v, int | float) else f"{k}={v}"
            for k, v in value.items()
            if k != "dist"
        )
        return f"{value['dist']}({args})", float(dist.mean)
    return str(value), float(dist.mean)


def assumptions_table(metadata: dict[str, Any]) -> pd.DataFrame:
    """Every effective value of the run — written in the config or a built-in default — with
    its value or distribution, mean and source (columns parameter, value, mean, source,
    written). Results folders written before itsim recorded effective values list the
    config's numeric values only."""
    effective = metadata.get("effective_parameters")
    if effective:
        table = pd.DataFrame(effective, columns=["parameter", "value", "mean", "written", "source"])
        return table[["parameter", "value", "mean", "source", "written"]]
    return _written_assumptions(metadata)


def _written_assumptions(metadata: dict[str, Any]) -> pd.DataFrame:
    """Every numeric parameter of the config as written, with its value and source."""
    comments = metadata.get("parameter_sources", {})
    rows = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and "dist" not in node:
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
            return
        if isinstance(node, list):
            if (
                all(isinstance(v, int | float | dict) for v in node)
                and node
                and all(isinstance(v, int | float) for v in node)
            ):
                rows.append((path, str(node), None, source_of(path, comments)))
                return
            for i, value in enumerate(node):
                walk(value, f"{path}.{i}")
            return
        if isinstance(node, str) and not any(ch.isdigit() for ch in node):
            return
        if isinstance(node, bool):
            return
        shown, mean = _describe(node)
        if mean is None and not isinstance(node, dict):
            return
        rows.append((path, shown, mean, source_of(path, comments)))

    config = dict(metadata.get("config", {}))
    for section in ("name", "description"):
        config.pop(section, None)
    if isinstance(config.get("sensitivity"), dict):  # variants are listed on their own page
        config["sensitivity"] = {
            k: v for k, v in config["sensitivity"].items() if k != "structural"
        }
    walk(config, "")
    return pd.DataFrame(rows, columns=["parameter", "value", "mean", "source"]).assign(written=True)


# -- PDF --------------------------------------------------------------------------------------

#: The figures of the PDF, in reading order (each on its own page; the waterfalls of the gap
#: on the pages "Why a costs less than b", with the takeaway and the table of the parts).
PDF_FIGURES = (
    "cost_budget_risk",
    "paired_difference",
    "gap_by_category",
    "gap_by_service",
    "cost_distribution",
    "cost_exceedance",
    "cost_fan",
    "cost_breakdown",
    "risk_return",
    "downtime_by_service",
    "downtime_exceedance",
)


def _ci_text(low: float, high: float, lang: str, share: bool = False) -> str:
    fmt = (lambda v: format_percent(v, lang, 1)) if share else (lambda v: format_eur(v, lang))
    return f"{fmt(low)} – {fmt(high)}"


def _group_rows(analysis: Analysis, scenario: str, lang: str) -> list[list[str]]:
    """Budget and risk cost of a scenario: mean with interval and P95, under their headings."""
    rows = []
    table = analysis.budget_risk.loc[scenario]
    for basis in ("budget", "risk"):
        rows.append([text(f"section_{basis}", lang), "", ""])
        ci = _ci_text(table[f"{basis}_ci_low"], table[f"{basis}_ci_high"], lang)
        rows.append([METRIC_NAMES["mean"][lang], format_eur(table[f"{basis}_mean"], lang), ci])
        rows.append([METRIC_NAMES["p95"][lang], format_eur(table[f"{basis}_p95"], lang), ""])
    return rows


def _total_rows(analysis: Analysis, scenario: str, lang: str) -> list[list[str]]:
    """Total cost of a scenario: the risk metrics with their intervals, under a heading."""
    rows = [[text("section_total", lang), "", ""]]
    risk = analysis.risk[analysis.risk["scenario"] == scenario].set_index("metric")
    for metric in ("mean", "p50", "p90", "p95", "cvar95", "cvar99", "sd"):
        r = risk.loc[metric]
        ci = _ci_text(r["ci_low"], r["ci_high"], lang)
        rows.append([METRIC_NAMES[metric][lang], format_eur(r["value"], lang), ci])
    return rows


def _other_rows(analysis: Analysis, scenario: str, lang: str) -> list[list[str]]:
    """P(cheapest) on budget and on total cost, operations, and the largest cost items."""
    rows = [[text("section_other", lang), "", ""]]
    for key, table in (("budget", analysis.cheapest_budget), ("total", analysis.cheapest)):
        c = table.loc[scenario]
        ci = _ci_text(c["ci_low"], c["ci_high"], lang, share=True)
        rows.append([text(f"p_cheapest_{key}", lang), format_percent(c["p_cheapest"], lang, 1), ci])
    summary = analysis.summary.loc[scenario]
    rows.append(
        [
            text("downtime_h", lang),
            format_number(summary["downtime_mean_hours"], lang, 1),
            format_number(summary["downtime_p95_hours"], lang, 1),
        ]
    )
    breaches = [format_number(summary["sla_breaches_mean"], lang, 1), ""]
    if not has_provider(analysis.metadata, scenario):  # no SLA: 0.0 would read as a record
        breaches = [text("no_contract", lang), text("no_contract_why", lang)]
    rows.append([text("sla_breaches", lang), *breaches])
    rows.append([text("departures", lang), format_number(summary["departures_mean"], lang, 1), ""])
    rows.append([text("largest_costs", lang), "", ""])
    top = analysis.breakdown.loc[scenario].sort_values(ascending=False).head(4)
    for category, value in top.items():
        group = text("group_risk" if category in RISK_CATEGORIES else "group_budget", lang)
        rows.append([f"{category_label(category, lang)} – {group}", format_eur(value, lang), ""])
    return rows


def has_provider(metadata: dict[str, Any], scenario: str) -> bool:
    """Whether a scenario sources any service from a provider (and so has SLAs); True when
    the metadata does not say (a report never hides a figure it cannot judge)."""
    scenarios = (metadata.get("config") or {}).get("scenarios") or {}
    spec = scenarios.get(scenario)
    if not isinstance(spec, dict):
        return True
    sourcing = spec.get("sourcing") or {}
    return any(who != "internal" for who in sourcing.values())


def scenario_rows(analysis: Analysis, scenario: str, lang: str) -> list[list[str]]:
    """The rows of a scenario's table in the report: metric, value, confidence interval; in
    sections budget cost, risk cost, total cost, then other figures (section rows have only
    their first cell; `section_indices` finds them)."""
    return [
        *_group_rows(analysis, scenario, lang),
        *_total_rows(analysis, scenario, lang),
        *_other_rows(analysis, scenario, lang),
    ]


def section_indices(rows: list[list[str]]) -> list[int]:
    """Indices of the section headings among `scenario_rows` (rows with only a first cell)."""
    return [i for i, row in enumerate(rows) if row[0] and not any(row[1:])]


_SUMMARY_SIZE, _SUMMARY_WIDTH = 10.5, 128  # executive summary: font size, characters a line


def _overview(fig, y: float, analysis: Analysis, ctx: plots.FigureContext) -> float:
    """The overview table (budget, risk, total per option) with its heading, from y down;
    returns the y below it."""
    header, rows = overview_rows(analysis, ctx)
    heading = text("overview", ctx.lang, years=ctx.horizon_years)
    fig.text(0.05, y, heading, fontsize=11.5, fontweight="bold", va="top")
    size, scale = 10, 1.25
    height = (len(rows) + 1) * size * 1.2 * scale / 72 / A4_LANDSCAPE[1]
    top = y - 0.035
    rect = (0.05, top - height, 0.88, height)
    _table(fig, rect, rows, header, _OVERVIEW_WIDTHS, size, row_scale=scale)
    note = text("overview_note", ctx.lang)
    return _wrapped(fig, 0.05, top - height - 0.012, [note], width=150, size=9) - 0.01


def _whatif_sentences(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """The structural variants that change the answer and the break-even, when computed."""
    whatif = analysis.whatif
    if whatif is None:
        return []
    sentences = [change_sentence(whatif, ctx)] if whatif.grid is not None else []
    return [s for s in (*sentences, break_even_sentence(whatif, ctx)) if s]


def _decision_page(pdf, analysis: Analysis, ctx: plots.FigureContext) -> None:
    """Page 1: the recommendation on budget and on total cost, all options side by side, the
    chart "which option, and how sure" and what would change the answer."""
    lang, meta = ctx.lang, analysis.metadata
    company = meta.get("config", {}).get("company", {}).get("name", meta.get("config_name", ""))
    fig = _page(ctx, text("report_title", lang), 1)
    subtitle = text(
        "subtitle",
        lang,
        company=company,
        runs=format_number(ctx.provenance.runs, lang),
        years=ctx.horizon_years,
        date=format_date(ctx.provenance.day, lang),
    )
    fig.text(0.05, 0.87, subtitle, fontsize=12, color="#333333", va="top")
    fig.text(0.05, 0.825, decision.text("heading", lang), fontsize=15, fontweight="bold",
             va="top")  # fmt: skip
    first, *_ = decision_paragraphs(analysis, ctx)
    lines = decision.basis_lines(analysis, ctx) if analysis.runner_up is not None else []
    change = []
    if analysis.runner_up is not None:
        change = decision.change_paragraphs(analysis, ctx, _whatif_sentences(analysis, ctx))
    size, width = _decision_text_size([first, *lines], change[:1], analysis, ctx)
    y = _wrapped(fig, 0.05, 0.785, [first, *lines], width=width, size=size)
    decision.draw_decision_chart(fig, (0.655, 0.5, 0.3, 0.27), analysis, ctx)
    y = _overview(fig, min(y, 0.42) - 0.005, analysis, ctx)
    if change:
        decision.change_box(fig, 0.05, y, change, lang, width=150, bottom=0.05)
    pdf.savefig(fig)


def _decision_text_size(paragraphs, change, analysis, ctx) -> tuple[float, int]:
    """Font size and line width of page 1's text column: the largest at which the table and
    the first paragraph of "What would change the answer" still fit above the footer."""
    rows = len(overview_rows(analysis, ctx)[1])
    table = 0.035 + (rows + 1) * 10 * 1.2 * 1.25 / 72 / A4_LANDSCAPE[1] + 0.012
    note = paragraphs_height([text("overview_note", ctx.lang)], 150, 9) + 0.01
    box = decision.change_needs(change, width=150) if change else 0.0
    for size, width in ((10.5, 82), (10, 86), (9.5, 91), (9, 96)):
        top = min(0.785 - paragraphs_height(paragraphs, width, size), 0.42) - 0.005
        if top - table - note - box >= 0.05:
            break
    return size, width


def _summary_pages(pdf, analysis: Analysis, ctx: plots.FigureContext) -> int:
    """Page 1, the decision; page 2, the executive summary: the recommendation in detail, the
    main risk, downtime, credits, what would change the answer and the caveat; page 3, the
    options compared. Returns the number of pages."""
    _decision_page(pdf, analysis, ctx)
    fig = _page(ctx, text("summary", ctx.lang), 2)
    paragraphs = summary_paragraphs(analysis, ctx)
    *body, caveat = paragraphs[1:] if analysis.runner_up is not None else paragraphs
    body += _whatif_sentences(analysis, ctx)
    y = _wrapped(fig, 0.05, 0.86, body, width=_SUMMARY_WIDTH, size=_SUMMARY_SIZE)
    _wrapped(fig, 0.05, y, [caveat], width=150, size=9)  # small print under the findings
    pdf.savefig(fig)
    return _options_page(pdf, analysis, ctx, 2)


def _options_page(pdf, analysis: Analysis, ctx: plots.FigureContext, page: int) -> int:
    """The page "Options compared": who runs each service, the in-house team, the prices."""
    table = options_table(analysis.metadata, ctx)
    page += 1
    fig = _page(ctx, options_text("title", ctx.lang), page)
    if table is None:
        _wrapped(fig, 0.05, 0.86, [options_text("missing", ctx.lang)], width=128, size=10.5)
        pdf.savefig(fig)
        return page
    header, rows, sections = table
    y = _wrapped(fig, 0.05, 0.86, [options_text("intro", ctx.lang)], width=150, size=9.5)
    height = table_height(len(rows), 1.15)
    first = 0.28 if len(header) <= 4 else 0.22  # table widths are shares of the table's width
    widths = [first, *[(1 - first) / (len(header) - 1)] * (len(header) - 1)]
    _table(fig, (0.05, y - height, 0.88, height), rows, header, widths, 8.5, row_scale=1.15,
           sections=sections)  # fmt: skip
    notes = option_descriptions(analysis.metadata, ctx)
    _wrapped(fig, 0.05, y - height - 0.03, notes, width=160, size=8.5)
    pdf.savefig(fig)
    return page


def _figure_pages(
    pdf, analysis: Analysis, figures: dict, ctx: plots.FigureContext, page: int
) -> int:
    """One page per figure of `PDF_FIGURES` that was drawn (the waterfalls of the gap on the
    gap pages, `_gap_pages`); returns the last page number."""
    for key in PDF_FIGURES:
        result = figures.get(key)
        if result is None or key == "gap_by_service":
            continue
        if key == "gap_by_category":
            page = _gap_pages(pdf, analysis, figures, ctx, page)
            page = _whatif_pages(pdf, analysis, figures, ctx, page)
            continue
        page += 1
        fig = _page(ctx, "", page)
        bottom = _caption_block(fig, analysis.captions.get(key), ctx)
        _image(fig, _png(result), (0.03, bottom, 0.94, 0.95 - bottom))
        pdf.savefig(fig, dpi=200)
    return page


def _caption_block(fig, caption, ctx: plots.FigureContext, takeaway: bool = True) -> float:
    """The takeaway (the figure's message, unless the page says it above the figure) and the
    caption (what it shows) at the foot of a figure page; returns the y above them (where the
    figure may end)."""
    if caption is None:
        return 0.07
    blocks = [(caption.caption, 175, 8.5)]
    if takeaway:
        words = captions_text("sidecar_takeaway", ctx.lang, text=caption.takeaway)
        blocks.insert(0, (words, 150, 10))
    height = sum(paragraphs_height([t], width, size) for t, width, size in blocks)
    y = 0.065 + height
    for paragraph, width, size in blocks:
        colour = "#222222" if size > 9 else "#555555"
        y = _wrapped(fig, 0.05, y, [paragraph], width=width, size=size, color=colour)
    return 0.065 + height + 0.01


def _gap_title(analysis: Analysis, ctx: plots.FigureContext) -> str:
    """ "Why <recommended> costs less than <runner-up>" in the report's language."""
    gap = float(analysis.gaps["category"].attrs["gap_eur"])
    labels = ctx.scenario_labels
    return gap_heading(gap, labels[analysis.recommended], labels[analysis.runner_up], ctx.lang)


def _gap_pages(pdf, analysis: Analysis, figures: dict, ctx: plots.FigureContext, page: int) -> int:
    """Why the recommended option costs less than its runner-up: the takeaway and the
    waterfall by cost category; the waterfall by service; the table of the parts."""
    heading = _gap_title(analysis, ctx)
    page += 1
    fig = _fit_title(_page(ctx, heading, page))
    paragraph = gap_paragraph(analysis.gaps, analysis.gap_bases, ctx, ctx.horizon_years)
    y = _wrapped(fig, 0.05, 0.86, [paragraph], width=_SUMMARY_WIDTH, size=_SUMMARY_SIZE)
    bottom = _caption_block(fig, analysis.captions.get("gap_by_category"), ctx, takeaway=False)
    _image(fig, _png(figures["gap_by_category"]), (0.03, bottom, 0.94, y - bottom))
    pdf.savefig(fig, dpi=200)
    if "gap_by_service" in figures:
        page += 1
        fig = _fit_title(_page(ctx, gap_text("by_service", ctx.lang, heading=heading), page))
        bottom = _caption_block(fig, analysis.captions.get("gap_by_service"), ctx)
        _image(fig, _png(figures["gap_by_service"]), (0.03, bottom, 0.94, 0.9 - bottom))
        pdf.savefig(fig, dpi=200)
    page += 1
    fig = _fit_title(_page(ctx, gap_text("table_heading", ctx.lang, heading=heading), page))
    y = 0.86
    for by in ("category", "service"):
        if by in analysis.gaps:
            y = _gap_table(fig, y, analysis.gaps[by], analysis.gap_bases, ctx)
    attrs = analysis.gaps["category"].attrs
    note = gap_text(
        "table_note",
        ctx.lang,
        years=ctx.horizon_years,
        runs=format_number(attrs["n"], ctx.lang),
        a=ctx.scenario_labels[attrs["a"]],
        b=ctx.scenario_labels[attrs["b"]],
    )
    _wrapped(fig, 0.05, y, [note], width=150, size=9)
    pdf.savefig(fig)
    return page


def _whatif_pages(
    pdf, analysis: Analysis, figures: dict, ctx: plots.FigureContext, page: int
) -> int:
    """What would change the answer: the takeaway with the structural grid, then its table."""
    whatif = analysis.whatif
    if whatif is None or analysis.runner_up is None:
        return page
    heading = whatif_text("heading", ctx.lang)
    paragraphs = whatif_paragraphs(whatif, ctx, analysis.recommended, analysis.runner_up)
    page += 1
    fig = _page(ctx, heading, page)
    y = _wrapped(fig, 0.05, 0.86, paragraphs, width=_SUMMARY_WIDTH, size=_SUMMARY_SIZE)
    if "structural_grid" in figures:
        caption = analysis.captions.get("structural_grid")
        bottom = _caption_block(fig, caption, ctx, takeaway=False)
        _image(fig, _png(figures["structural_grid"]), (0.03, bottom, 0.94, y - bottom))
    pdf.savefig(fig, dpi=200)
    if whatif.grid is None:
        return page
    page += 1
    fig = _fit_title(_page(ctx, heading, page))
    header, rows = whatif_table(whatif, ctx)
    height = (len(rows) + 1) * 10 * 1.3 * 1.2 / 72 / A4_LANDSCAPE[1]
    values = len(header) - 3
    widths = [0.4, *[0.4 / values] * values, 0.1, 0.1]
    table = _table(fig, (0.05, 0.86 - height, 0.9, height), rows, header, widths, 8.5)
    for (row, _), cell in table.get_celld().items():
        if row == 0:  # two-line headings
            cell.set_height(2 * cell.get_height())
    below = 0.86 - height * (len(rows) + 2) / (len(rows) + 1) - 0.04  # the header is two lines
    _wrapped(fig, 0.05, below, [noise_note(whatif, ctx)], width=150, size=9)
    pdf.savefig(fig)
    return page


#: Widths of a gap table's columns (part, b, a, difference, interval, share).
_GAP_WIDTHS = [0.27, 0.12, 0.12, 0.12, 0.22, 0.15]


def _gap_table(fig, y: float, decomposition, bases, ctx: plots.FigureContext) -> float:
    """A table of the gap's parts from y down; returns the y below it."""
    rows, bold = gap_table_rows(decomposition, bases, ctx)
    size, scale = 9, 1.1
    # matplotlib sizes table rows by its default font size (10 pt), whatever the font size set
    height = (len(rows) + 1) * 10 * 1.2 * scale / 72 / A4_LANDSCAPE[1]
    rect = (0.05, y - height, 0.88, height)
    header = gap_table_header(decomposition, ctx)
    _table(fig, rect, rows, header, _GAP_WIDTHS, size, row_scale=scale, sections=bold)
    return y - height - 0.03


def _scenario_pages(pdf, analysis: Analysis, ctx: plots.FigureContext, page: int) -> int:
    """A table per scenario: budget, risk and total cost, P(cheapest), operations."""
    lang = ctx.lang
    header = [text("metric", lang), text("value", lang), text("ci", lang)]
    for scenario in analysis.scenarios:
        page += 1
        title = text("scenario_table", lang, name=ctx.scenario_labels[scenario])
        fig = _page(ctx, title, page)
        rows = scenario_rows(analysis, scenario, lang)
        _table(
            fig,
            (0.05, 0.08, 0.9, 0.8),
            rows,
            header,
            col_widths=[0.52, 0.18, 0.3],
            size=9.5,
            row_scale=1.12,
            sections=section_indices(rows),
        )
        pdf.savefig(fig)
    return page


#: Row height of the appendix table (a multiple of matplotlib's 10 pt table row) and its bottom.
_APPENDIX_ROW_SCALE, _APPENDIX_BOTTOM = 1.1, 0.07


def _appendix_pages(pdf, analysis: Analysis, ctx: plots.FigureContext, page: int) -> int:
    """The assumptions: every effective value, as many rows to a page as fit above the footer."""
    lang = ctx.lang
    assumptions = assumptions_table(analysis.metadata)
    start = 0
    while start < len(assumptions):
        page += 1
        fig = _page(ctx, text("appendix", lang), page)
        top = 0.88
        if start == 0:
            top = _wrapped(fig, 0.05, 0.875, [text("appendix_note", lang)], width=170, size=8)
        row = table_height(1, _APPENDIX_ROW_SCALE) / 2  # one row (table_height counts a header)
        per_page = max(1, int((top - _APPENDIX_BOTTOM) / row) - 1)
        chunk = assumptions.iloc[start : start + per_page]
        cells = [
            [r.parameter, textwrap.shorten(r.value, 45), textwrap.shorten(_source(r, lang), 95)]
            for r in chunk.itertuples()
        ]
        header = [text("parameter", lang), text("assumption", lang), text("source", lang)]
        rect = (0.03, _APPENDIX_BOTTOM, 0.94, top - _APPENDIX_BOTTOM)
        _table(fig, rect, cells, header, col_widths=[0.32, 0.2, 0.48], size=7,
               row_scale=_APPENDIX_ROW_SCALE)  # fmt: skip
        pdf.savefig(fig)
        start += per_page
    return page


def _source(row, lang: str) -> str:
    """An appendix row's source: the config's comment, or that itsim's built-in default holds."""
    if not row.written:
        return text("built_in", lang)
    return text("from_config", lang) if row.source in ("", "config") else row.source


def _verification_pages(pdf, analysis: Analysis, ctx: plots.FigureContext, page: int) -> int:
    """The `itsim verify` table, when the results folder holds one: the model against theory."""
    if analysis.verification is None:
        return page
    table, meta = analysis.verification
    header, rows = verification_rows(table, ctx.lang)
    page += 1
    fig = _page(ctx, verification_text("title", ctx.lang), page)
    y = _wrapped(fig, 0.05, 0.86, [verification_intro(table, meta, ctx.lang)], width=150, size=9)
    widths = [0.45, 0.09, 0.09, 0.18, 0.1, 0.09]
    _table(fig, (0.03, 0.08, 0.9, y - 0.1), rows, header, col_widths=widths, size=7.5)
    pdf.savefig(fig)
    return page


def write_pdf_report(
    analysis: Analysis,
    figures: Mapping[str, plots.FigureResult],
    ctx: plots.FigureContext,
    path: Path,
    on_page: Callable[[int], None] | None = None,
) -> Path:
    """A multi-page PDF: the decision, the executive summary, the options compared, the
    figures with takeaway and caption, why the recommended option costs less than its
    runner-up (takeaway, waterfalls, table of the parts), what would change the answer, the
    sensitivity chapter (when `itsim sensitivity` ran on the same config), a table per
    scenario, and the appendix of every effective value.

    `figures` may be `render.Figures` still being drawn: a page waits for its figure.
    `on_page(pages written)` is called after each page. No creation date: the same report
    gives the same file (its pages carry the day the run finished)."""
    from matplotlib.backends.backend_pdf import PdfPages

    info = {"Title": text("report_title", ctx.lang), "Creator": "itsim", "CreationDate": None}
    with atomic_path(path) as tmp, PdfPages(tmp, metadata=info) as pages:
        pdf = CountedPages(pages, on_page)
        page = _summary_pages(pdf, analysis, ctx)
        page = _figure_pages(pdf, analysis, figures, ctx, page)
        if analysis.sensitivity is not None:  # the chapter of `itsim sensitivity`, same config
            page = sensitivity_pages(pdf, *analysis.sensitivity, ctx, page)
        page = _scenario_pages(pdf, analysis, ctx, page)
        page = _appendix_pages(pdf, analysis, ctx, page)
        _verification_pages(pdf, analysis, ctx, page)
    return path


# -- the whole report -------------------------------------------------------------------------


def make_report(
    results_dir: str | Path,
    lang: str = "en",
    out_dir: str | Path | None = None,
    n_boot: int = 1000,
    frames: tuple[pd.DataFrame, pd.DataFrame | None, dict[str, Any]] | None = None,
    jobs: int | None = None,
    on_progress: Callable[[str, int, int | None], None] | None = None,
) -> dict[str, Any]:
    """Read a results folder; write all figures, the PDF report and the Excel workbook.

    `frames` (replications, monthly, metadata) skips reading them again when the caller has
    just written them; a monthly of None is read from the folder, only the columns the
    analysis needs (`analysis.board.monthly_columns`). Returns the analysis and the paths
    written; `_de` suffix in German.

    The figures are drawn in `jobs` worker processes (default: all cores; 1: here, one after
    another, first) while the workbook and the PDF are written here, each PDF page waiting for
    its figure; the files are the same for any `jobs`. `on_progress(step, done, total)` tells
    what is done, in this thread: ("analysis", 0, None); ("figures", drawn, total), first with
    0 drawn; ("workbook", 0, 1), then 1 of 1; ("pages", pages written, None).
    """
    from simulation.montecarlo.store import MONTHLY, read_monthly, read_results, read_whatif

    progress = on_progress or (lambda step, done, total: None)
    progress("analysis", 0, None)
    results_dir = Path(results_dir)
    out = Path(out_dir) if out_dir else results_dir
    replications, monthly, metadata = frames or read_results(results_dir, monthly_columns)
    if monthly is None:
        monthly = read_monthly(results_dir / MONTHLY, monthly_columns)
    out.mkdir(parents=True, exist_ok=True)
    analysis = build_analysis(replications, monthly, metadata, n_boot=n_boot)
    found = read_whatif(results_dir, metadata.get("config_hash"))
    if found is not None and found[2].get("seed") == metadata.get("seed"):
        analysis.whatif = WhatIf(*found)
    analysis.verification = read_verification(results_dir)
    analysis.sensitivity = run_sensitivity_of(results_dir, metadata)
    ctx = plots.FigureContext.from_metadata(metadata, lang)
    analysis.captions = figure_captions(analysis, ctx, replications=replications)
    suffix = "_de" if lang == "de" else ""
    every = figure_jobs(analysis, replications, ctx, out)
    progress("figures", 0, len(every))
    # drawn in the order the PDF shows them, so its pages rarely wait
    shown = [*PDF_FIGURES[:4], "structural_grid", *PDF_FIGURES[4:]]
    order = sorted(every, key=lambda j: shown.index(j.name) if j.name in shown else len(shown))
    on_figure = lambda name, drawn, total: progress("figures", drawn, total)  # noqa: E731
    with drawing(order, jobs or default_workers(), on_figure) as drawing_figures:
        progress("workbook", 0, 1)  # needs no figure: written while the first are drawn
        xlsx = write_excel_report(analysis, replications, ctx, out / f"report{suffix}.xlsx")
        progress("workbook", 1, 1)

        def on_page(pages: int) -> None:
            drawing_figures.poll()  # figures finished meanwhile, reported before the page
            progress("pages", pages, None)

        pdf = write_pdf_report(analysis, drawing_figures, ctx, out / f"report{suffix}.pdf", on_page)
        drawn = drawing_figures.wait_all()
    figures = {job.name: drawn[job.name] for job in every}
    sidecars = write_sidecars(analysis.captions, figures, ctx)
    paths = [p for result in figures.values() for p in result.paths] + sidecars + [pdf, xlsx]
    return {"analysis": analysis, "figures": figures, "paths": paths, "pdf": pdf, "xlsx": xlsx}
