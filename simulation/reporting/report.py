"""The board report: analysis of a results folder, all figures, a PDF report and an Excel workbook.

`build_analysis` computes every number the figures and documents show, once; the PDF and the
workbook only format those numbers, so what the board reads equals what the analysis API returns.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import analysis as an
from simulation.config.annotations import source_of
from simulation.config.distributions import parse_distribution
from simulation.model.ledger import COST_CATEGORIES
from simulation.reporting import plots
from simulation.reporting.labels import (
    category_label,
    format_eur,
    format_number,
    format_percent,
)

A4_LANDSCAPE = (11.69, 8.27)

TEXT: dict[str, dict[str, str]] = {
    "report_title": {
        "en": "IT sourcing: cost and risk of the options",
        "de": "IT-Sourcing: Kosten und Risiken der Optionen",
    },
    "subtitle": {
        "en": "{company} · {runs} simulated futures per option over {years} years · {date}",
        "de": "{company} · {runs} simulierte Verläufe je Option über {years} Jahre · {date}",
    },
    "summary": {"en": "Executive summary", "de": "Zusammenfassung"},
    "recommendation": {
        "en": "Recommendation: {rec}. Over {years} years it has the lowest expected cost "
        "(net present value {mean}), {saving} less than {runner} (95% confidence interval "
        "{lo} to {hi}). It is the cheapest option in {p} of the simulated futures "
        "(95% CI {plo} to {phi}).",
        "de": "Empfehlung: {rec}. Über {years} Jahre hat diese Option die niedrigsten erwarteten "
        "Kosten (Barwert {mean}), {saving} weniger als {runner} (95-%-Konfidenzintervall "
        "{lo} bis {hi}). Sie ist in {p} der simulierten Verläufe die günstigste Option "
        "(95-%-KI {plo} bis {phi}).",
    },
    "close_call": {
        "en": "The difference is not statistically clear: the confidence interval of the "
        "saving includes zero. Treat the options as equal in cost and decide on other grounds.",
        "de": "Der Unterschied ist statistisch nicht eindeutig: Das Konfidenzintervall der "
        "Einsparung schließt null ein. Die Optionen sind kostengleich; andere Kriterien "
        "sollten entscheiden.",
    },
    "risk": {
        "en": "Main risk: in the worst 5% of futures {rec} costs {cvar} on average, {excess} "
        "more than expected. Most of this spread comes from {driver} ({share} of the variance "
        "of its cost).",
        "de": "Hauptrisiko: In den ungünstigsten 5 % der Verläufe kostet {rec} im Mittel {cvar}, "
        "{excess} mehr als erwartet. Diese Streuung stammt vor allem aus {driver} ({share} "
        "der Varianz der Kosten).",
    },
    "tradeoff": {
        "en": "Trade-off: {safer} has the lower cost in the worst 5% of futures (CVaR95 {cvar}); "
        "a risk-averse board may prefer it.",
        "de": "Abwägung: {safer} hat in den ungünstigsten 5 % der Verläufe die niedrigeren Kosten "
        "(CVaR95 {cvar}); ein risikoscheues Gremium könnte diese Option vorziehen.",
    },
    "downtime": {
        "en": "Downtime: {rec} expects {hours} hours of full service outage over {years} years "
        "(1 in 20 futures: more than {p95} hours); {runner}: {hours_r} hours.",
        "de": "Ausfallzeit: {rec} erwartet {hours} Stunden vollständigen Dienstausfall über "
        "{years} Jahre (in 1 von 20 Verläufen mehr als {p95} Stunden); {runner}: {hours_r} "
        "Stunden.",
    },
    "credits": {
        "en": "Service credits from providers cover {share} of the business losses from "
        "downtime and security incidents in {scenario} ({credits} against {loss}).",
        "de": "Gutschriften der Dienstleister decken {share} der Geschäftsverluste durch "
        "Ausfälle und Sicherheitsvorfälle im Szenario {scenario} ({credits} gegenüber {loss}).",
    },
    "caveat": {
        "en": "All figures are simulated from the assumptions listed in the appendix; where no "
        "public source exists they are wide ranges. They show consequences of assumptions, "
        "not forecasts.",
        "de": "Alle Zahlen sind aus den im Anhang aufgeführten Annahmen simuliert; wo keine "
        "öffentliche Quelle existiert, sind es breite Bandbreiten. Sie zeigen Folgen von "
        "Annahmen, keine Prognosen.",
    },
    "scenario_table": {"en": "Scenario: {name}", "de": "Szenario: {name}"},
    "metric": {"en": "Metric", "de": "Kennzahl"},
    "value": {"en": "Value", "de": "Wert"},
    "ci": {"en": "95% confidence interval", "de": "95-%-Konfidenzintervall"},
    "appendix": {"en": "Appendix: assumptions", "de": "Anhang: Annahmen"},
    "parameter": {"en": "Parameter", "de": "Parameter"},
    "assumption": {"en": "Value or distribution", "de": "Wert oder Verteilung"},
    "source": {"en": "Unit and source", "de": "Einheit und Quelle"},
    "page": {"en": "page {n}", "de": "Seite {n}"},
    "largest_costs": {"en": "Largest cost items", "de": "Größte Kostenpositionen"},
    "downtime_h": {"en": "Downtime (hours)", "de": "Ausfallzeit (Stunden)"},
    "sla_breaches": {"en": "SLA breaches", "de": "SLA-Verstöße"},
    "departures": {"en": "Staff departures", "de": "Personalabgänge"},
    "p_cheapest": {"en": "Probability cheapest", "de": "Wahrscheinlichkeit günstigste"},
}

METRIC_NAMES = {
    "mean": {"en": "Expected cost (mean NPV)", "de": "Erwartete Kosten (Mittel, Barwert)"},
    "p50": {"en": "Median (P50)", "de": "Median (P50)"},
    "p90": {"en": "P90", "de": "P90"},
    "p95": {"en": "P95 = VaR95", "de": "P95 = VaR95"},
    "cvar95": {"en": "Mean of worst 5% (CVaR95)", "de": "Mittel der ungünstigsten 5 % (CVaR95)"},
    "cvar99": {"en": "Mean of worst 1% (CVaR99)", "de": "Mittel der ungünstigsten 1 % (CVaR99)"},
    "sd": {"en": "Standard deviation", "de": "Standardabweichung"},
}


def _in_sentence(name: str, lang: str) -> str:
    """A label inside an English sentence starts lower case (German nouns keep their capital)."""
    return name[:1].lower() + name[1:] if lang == "en" else name


def text(key: str, lang: str, **values: Any) -> str:
    return TEXT[key][lang].format(**values)


@dataclass
class Analysis:
    """Every number the figures and reports show, computed once from a results folder."""

    metadata: dict[str, Any]
    scenarios: list[str]
    services: list[str]
    risk: pd.DataFrame
    risk_table: pd.DataFrame
    cheapest: pd.DataFrame
    summary: pd.DataFrame
    breakdown: pd.DataFrame
    downtime: pd.DataFrame
    downtime_p95: pd.DataFrame
    yearly: pd.DataFrame
    bands: pd.DataFrame
    cost_exceedance: pd.DataFrame
    downtime_exceedance: pd.DataFrame
    sla: pd.DataFrame
    recommended: str
    runner_up: str | None
    comparison: pd.Series | None
    difference: pd.Series | None
    drivers: pd.Series = field(default_factory=pd.Series)


def variance_drivers(replications: pd.DataFrame, scenario: str) -> pd.Series:
    """Share of the variance of a scenario's NPV cost contributed by each cost category.

    Cov(category, total) / Var(total) on nominal costs; the shares sum to 1 (a category can be
    negative when it moves against the total, e.g. service credits).
    """
    rows = replications[replications["scenario"] == scenario]
    columns = [f"cost_{c}_eur" for c in COST_CATEGORIES]
    total = rows["cost_total_eur"]
    variance = float(total.var())
    if not variance > 0:
        return pd.Series(0.0, index=[c[5:-4] for c in columns])
    shares = {c[5:-4]: float(rows[c].cov(total)) / variance for c in columns}
    return pd.Series(shares).sort_values(ascending=False)


def build_analysis(
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    metadata: dict[str, Any],
    n_boot: int = 1000,
    seed: int = 0,
) -> Analysis:
    """Compute every table behind the figures and reports."""
    scenarios = [s for s in metadata["scenarios"] if s in set(replications["scenario"])]
    services = list(metadata.get("services", []))
    risk = an.risk_metrics(replications, scenarios=scenarios, n_boot=n_boot, seed=seed)
    risk_table = an.risk_table(risk).reindex(scenarios)
    cheapest = an.cheapest_table(replications, scenarios=scenarios)
    ranked = risk_table["mean"].sort_values().index.tolist()
    recommended = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    comparison = difference = None
    if runner_up is not None:
        comparison = an.compare_pair(replications, recommended, runner_up, n_boot=n_boot, seed=seed)
        difference = an.paired_difference(replications, recommended, runner_up)
    return Analysis(
        metadata=metadata,
        scenarios=scenarios,
        services=services,
        risk=risk,
        risk_table=risk_table,
        cheapest=cheapest,
        summary=an.summary_table(replications, scenarios),
        breakdown=an.cost_breakdown(replications, scenarios=scenarios),
        downtime=an.downtime_by_service(replications, services, scenarios=scenarios),
        downtime_p95=an.downtime_by_service_quantile(
            replications, services, 0.95, scenarios=scenarios
        ),
        yearly=an.yearly_costs(monthly, scenarios=scenarios),
        bands=an.cumulative_cost_bands(monthly, scenarios=scenarios),
        cost_exceedance=an.exceedance_curve(replications, "cost_npv_eur", scenarios=scenarios),
        downtime_exceedance=an.exceedance_curve(
            replications, "downtime_hours", scenarios=scenarios
        ),
        sla=an.sla_versus_loss(replications, scenarios=scenarios),
        recommended=recommended,
        runner_up=runner_up,
        comparison=comparison,
        difference=difference,
        drivers=variance_drivers(replications, recommended),
    )


# -- figures ----------------------------------------------------------------------------------


def write_figures(
    analysis: Analysis, replications: pd.DataFrame, ctx: plots.FigureContext, out_dir: Path
) -> dict[str, plots.FigureResult]:
    """Every board figure of the analysis, as PNG and PDF, in the context's language."""
    lang = ctx.lang
    figures: dict[str, plots.FigureResult] = {}
    path = lambda stem: plots.figure_path(out_dir, stem, lang)  # noqa: E731
    figures["cost_distribution"] = plots.plot_cost_distributions(
        replications, ctx, path("cost_distribution")
    )
    figures["cost_exceedance"] = plots.plot_exceedance(
        analysis.cost_exceedance, ctx, path("cost_exceedance"), quantity="cost"
    )
    figures["downtime_exceedance"] = plots.plot_exceedance(
        analysis.downtime_exceedance, ctx, path("downtime_exceedance"), quantity="downtime"
    )
    figures["cost_fan"] = plots.plot_fan_chart(analysis.bands, ctx, path("cost_fan"))
    figures["cost_breakdown"] = plots.plot_cost_breakdown(
        analysis.breakdown, ctx, path("cost_breakdown")
    )
    figures["downtime_by_service"] = plots.plot_downtime_by_service(
        analysis.downtime, ctx, path("downtime_by_service"), downtime_p95=analysis.downtime_p95
    )
    risk = pd.DataFrame(
        {
            "mean": analysis.risk_table["mean"],
            "cvar95": analysis.risk_table["cvar95"],
        }
    )
    for metric in ("mean", "cvar95"):
        rows = analysis.risk[analysis.risk["metric"] == metric].set_index("scenario")
        risk[f"{metric}_ci_low"] = rows["ci_low"]
        risk[f"{metric}_ci_high"] = rows["ci_high"]
    figures["risk_return"] = plots.plot_risk_return(risk, ctx, path("risk_return"))
    if analysis.comparison is not None:
        stem = f"paired_difference_{analysis.recommended}_vs_{analysis.runner_up}"
        figures["paired_difference"] = plots.plot_paired_difference(
            analysis.difference, analysis.comparison, ctx, path(stem)
        )
    return figures


# -- words ------------------------------------------------------------------------------------


def summary_paragraphs(analysis: Analysis, ctx: plots.FigureContext) -> list[str]:
    """The executive summary in plain words, every number taken from the analysis."""
    lang = ctx.lang
    labels = ctx.scenario_labels
    years = ctx.horizon_years
    rec = analysis.recommended
    risk = analysis.risk_table
    paragraphs = []
    if analysis.comparison is not None:
        c = analysis.comparison
        runner = analysis.runner_up
        cheapest = analysis.cheapest.loc[rec]
        paragraphs.append(
            text(
                "recommendation",
                lang,
                rec=labels[rec],
                years=years,
                mean=format_eur(risk.loc[rec, "mean"], lang),
                saving=format_eur(-c["mean_difference"], lang),
                runner=labels[runner],
                lo=format_eur(-c["ci_high"], lang),
                hi=format_eur(-c["ci_low"], lang),
                p=format_percent(cheapest["p_cheapest"], lang),
                plo=format_percent(cheapest["ci_low"], lang),
                phi=format_percent(cheapest["ci_high"], lang),
            )
        )
        if c["ci_low"] <= 0 <= c["ci_high"]:
            paragraphs.append(text("close_call", lang))
    driver = analysis.drivers.index[0] if len(analysis.drivers) else "personnel"
    paragraphs.append(
        text(
            "risk",
            lang,
            rec=labels[rec],
            cvar=format_eur(risk.loc[rec, "cvar95"], lang),
            excess=format_eur(risk.loc[rec, "cvar95"] - risk.loc[rec, "mean"], lang),
            driver=_in_sentence(category_label(driver, lang), lang),
            share=format_percent(
                float(analysis.drivers.iloc[0]) if len(analysis.drivers) else 0, lang
            ),
        )
    )
    safer = risk["cvar95"].idxmin()
    if safer != rec:
        paragraphs.append(
            text(
                "tradeoff",
                lang,
                safer=labels[safer],
                cvar=format_eur(risk.loc[safer, "cvar95"], lang),
            )
        )
    if analysis.runner_up is not None:
        summary = analysis.summary
        paragraphs.append(
            text(
                "downtime",
                lang,
                rec=labels[rec],
                years=years,
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
                credits=format_eur(row["service_credits_eur"], lang),
                loss=format_eur(row["business_loss_eur"], lang),
            )
        )
    paragraphs.append(text("caveat", lang))
    return paragraphs


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
    """Every numeric parameter of the resolved config with its value or distribution and source."""
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
    walk(config, "")
    return pd.DataFrame(rows, columns=["parameter", "value", "mean", "source"])


# -- PDF --------------------------------------------------------------------------------------


def _page(pdf, ctx: plots.FigureContext, title: str, page_number: int):
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_LANDSCAPE)
    fig.text(0.05, 0.93, title, fontsize=20, fontweight="bold", va="top")
    fig.text(0.05, 0.03, ctx.provenance.footer(ctx.lang), fontsize=8, color="#555555")
    fig.text(
        0.95, 0.03, text("page", ctx.lang, n=page_number), fontsize=8, color="#555555", ha="right"
    )
    return fig


def _wrapped(fig, x: float, y: float, paragraphs: list[str], width: int = 105, size: int = 12):
    """Write paragraphs top-down from (x, y) in figure coordinates; return the next y."""
    line_height = size / 72 / A4_LANDSCAPE[1] * 1.45
    for paragraph in paragraphs:
        lines = textwrap.wrap(paragraph, width=width)
        fig.text(x, y, "\n".join(lines), fontsize=size, va="top", linespacing=1.45)
        y -= line_height * (len(lines) + 0.8)
    return y


def _table(fig, rect, cells: list[list[str]], header: list[str], col_widths=None, size=10):
    ax = fig.add_axes(rect)
    ax.axis("off")
    table = ax.table(
        cellText=cells,
        colLabels=header,
        loc="upper left",
        cellLoc="left",
        colLoc="left",
        colWidths=col_widths,
    )
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    table.scale(1, 1.35)
    for (row, _), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#e8eef5")
    return table


def scenario_rows(analysis: Analysis, scenario: str, lang: str) -> list[list[str]]:
    """The rows of a scenario's table in the report: metric, value, confidence interval."""
    rows = []
    risk = analysis.risk[analysis.risk["scenario"] == scenario].set_index("metric")
    for metric in ("mean", "p50", "p90", "p95", "cvar95", "cvar99", "sd"):
        r = risk.loc[metric]
        rows.append(
            [
                METRIC_NAMES[metric][lang],
                format_eur(r["value"], lang),
                f"{format_eur(r['ci_low'], lang)} – {format_eur(r['ci_high'], lang)}",
            ]
        )
    cheapest = analysis.cheapest.loc[scenario]
    rows.append(
        [
            text("p_cheapest", lang),
            format_percent(cheapest["p_cheapest"], lang, 1),
            f"{format_percent(cheapest['ci_low'], lang, 1)} – "
            f"{format_percent(cheapest['ci_high'], lang, 1)}",
        ]
    )
    summary = analysis.summary.loc[scenario]
    rows.append(
        [
            text("downtime_h", lang) + " (mean / P95)",
            format_number(summary["downtime_mean_hours"], lang, 1),
            format_number(summary["downtime_p95_hours"], lang, 1),
        ]
    )
    rows.append(
        [text("sla_breaches", lang), format_number(summary["sla_breaches_mean"], lang, 1), ""]
    )
    rows.append([text("departures", lang), format_number(summary["departures_mean"], lang, 1), ""])
    top = analysis.breakdown.loc[scenario].sort_values(ascending=False).head(4)
    for category, value in top.items():
        rows.append(
            [
                f"{text('largest_costs', lang)}: {category_label(category, lang)}",
                format_eur(value, lang),
                "",
            ]
        )
    return rows


def write_pdf_report(
    analysis: Analysis,
    figures: dict[str, plots.FigureResult],
    ctx: plots.FigureContext,
    path: Path,
) -> Path:
    """A multi-page PDF: summary, key figures, a table per scenario, assumptions appendix."""
    import matplotlib.image as mpimg
    from matplotlib.backends.backend_pdf import PdfPages

    lang = ctx.lang
    meta = analysis.metadata
    company = meta.get("config", {}).get("company", {}).get("name", meta.get("config_name", ""))
    page = 0
    tmp = path.with_name(f".{path.name}.tmp")
    with PdfPages(tmp, metadata={"Title": text("report_title", lang), "Creator": "itsim"}) as pdf:
        page += 1
        fig = _page(pdf, ctx, text("report_title", lang), page)
        fig.text(
            0.05,
            0.87,
            text(
                "subtitle",
                lang,
                company=company,
                runs=format_number(meta["runs"], lang),
                years=ctx.horizon_years,
                date=ctx.provenance.day,
            ),
            fontsize=12,
            color="#333333",
            va="top",
        )
        fig.text(0.05, 0.81, text("summary", lang), fontsize=15, fontweight="bold", va="top")
        _wrapped(fig, 0.05, 0.76, summary_paragraphs(analysis, ctx))
        pdf.savefig(fig)
        for key in (
            "cost_distribution",
            "paired_difference",
            "cost_exceedance",
            "cost_fan",
            "cost_breakdown",
            "risk_return",
            "downtime_by_service",
            "downtime_exceedance",
        ):
            result = figures.get(key)
            if result is None:
                continue
            page += 1
            fig = _page(pdf, ctx, "", page)
            png = next(p for p in result.paths if p.suffix == ".png")
            ax = fig.add_axes((0.03, 0.07, 0.94, 0.88))
            ax.imshow(mpimg.imread(png))
            ax.axis("off")
            pdf.savefig(fig, dpi=200)
        header = [text("metric", lang), text("value", lang), text("ci", lang)]
        for scenario in analysis.scenarios:
            page += 1
            fig = _page(
                pdf, ctx, text("scenario_table", lang, name=ctx.scenario_labels[scenario]), page
            )
            _table(
                fig,
                (0.05, 0.1, 0.9, 0.78),
                scenario_rows(analysis, scenario, lang),
                header,
                col_widths=[0.5, 0.2, 0.3],
                size=11,
            )
            pdf.savefig(fig)
        assumptions = assumptions_table(meta)
        per_page = 26
        for start in range(0, len(assumptions), per_page):
            page += 1
            fig = _page(pdf, ctx, text("appendix", lang), page)
            chunk = assumptions.iloc[start : start + per_page]
            cells = [
                [row.parameter, textwrap.shorten(row.value, 45), textwrap.shorten(row.source, 95)]
                for row in chunk.itertuples()
            ]
            _table(
                fig,
                (0.03, 0.08, 0.94, 0.8),
                cells,
                [text("parameter", lang), text("assumption", lang), text("source", lang)],
                col_widths=[0.32, 0.2, 0.48],
                size=7,
            )
            pdf.savefig(fig)
    tmp.replace(path)
    return path


# -- Excel ------------------------------------------------------------------------------------


def write_excel_report(
    analysis: Analysis, replications: pd.DataFrame, ctx: plots.FigureContext, path: Path
) -> Path:
    """A workbook: summary, risk, comparison, breakdown, per-replication data, assumptions."""
    lang = ctx.lang
    labels = ctx.scenario_labels
    summary = analysis.summary.copy()
    summary.insert(0, "label", [labels[s] for s in summary.index])
    summary = summary.join(
        analysis.cheapest[["ci_low", "ci_high", "expected_regret"]].add_prefix("p_cheapest_")
    )
    breakdown = analysis.breakdown.rename(columns=lambda c: category_label(c, lang))
    comparison = (
        analysis.comparison.to_frame("value") if analysis.comparison is not None else pd.DataFrame()
    )
    meta = analysis.metadata
    info = pd.DataFrame(
        [
            (k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
            for k, v in meta.items()
            if k not in ("config", "parameter_sources")
        ],
        columns=["key", "value"],
    )
    tmp = path.with_name(f".{path.name}.tmp.xlsx")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="Summary")
        analysis.risk.to_excel(writer, sheet_name="Risk metrics", index=False)
        comparison.to_excel(writer, sheet_name="Comparison")
        breakdown.to_excel(writer, sheet_name="Cost breakdown")
        analysis.yearly.to_excel(writer, sheet_name="Yearly cost", index=False)
        analysis.sla.to_excel(writer, sheet_name="SLA and credits")
        replications.to_excel(writer, sheet_name="Replications", index=False)
        assumptions_table(meta).to_excel(writer, sheet_name="Assumptions", index=False)
        info.to_excel(writer, sheet_name="Metadata", index=False)
        _format_workbook(writer.book)
    tmp.replace(path)
    return path


def _format_workbook(book) -> None:
    """Thousands separators on euro and hour columns, bold headers, sensible widths."""
    from openpyxl.styles import Font

    for sheet in book.worksheets:
        headers = [str(c.value or "") for c in sheet[1]]
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, header in enumerate(headers, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(12, len(header) + 2), 48)
            money = header.endswith("_eur") or header in (
                "value",
                "mean",
                "ci_low",
                "ci_high",
                "p10",
                "p50",
                "p90",
            )
            fmt = "#,##0" if money or header.endswith("_hours") else None
            if header.startswith(("p_", "param_")):
                fmt = None
            if fmt:
                for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    for cell in row:
                        if isinstance(cell.value, int | float):
                            cell.number_format = fmt
        sheet.freeze_panes = "B2"


# -- the whole report -------------------------------------------------------------------------


def make_report(
    results_dir: str | Path,
    lang: str = "en",
    out_dir: str | Path | None = None,
    n_boot: int = 1000,
    frames: tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Read a results folder; write all figures, the PDF report and the Excel workbook.

    `frames` (replications, monthly, metadata) skips reading them again when the caller has
    just written them. Returns the analysis and the paths written; `_de` suffix in German.
    """
    from simulation.montecarlo.store import read_results

    results_dir = Path(results_dir)
    out = Path(out_dir) if out_dir else results_dir
    out.mkdir(parents=True, exist_ok=True)
    replications, monthly, metadata = frames or read_results(results_dir)
    analysis = build_analysis(replications, monthly, metadata, n_boot=n_boot)
    ctx = plots.FigureContext.from_metadata(metadata, lang)
    figures = write_figures(analysis, replications, ctx, out)
    suffix = "_de" if lang == "de" else ""
    pdf = write_pdf_report(analysis, figures, ctx, out / f"report{suffix}.pdf")
    xlsx = write_excel_report(analysis, replications, ctx, out / f"report{suffix}.xlsx")
    paths = [p for result in figures.values() for p in result.paths] + [pdf, xlsx]
    return {"analysis": analysis, "figures": figures, "paths": paths, "pdf": pdf, "xlsx": xlsx}
