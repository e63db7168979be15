"""The board report's Excel workbook, made for Excel users.

Every sheet name and header is in the report's language, numbers are stored as numbers with
number formats (euros with thousands separators, probabilities as percentages, hours with one
decimal), columns are fitted to their content, the header row is bold and frozen, and cell A1
of each sheet carries a note (a cell comment) saying whether its amounts are nominal or net
present values, and in which currency. The replications sheet keeps the code names as its
headers: it is the data contract that analysts' scripts read.

The workbook only formats the numbers of the analysis (`analysis.board.build_analysis`); it
never computes new ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulation.files import atomic_path
from simulation.reporting import plots
from simulation.reporting.gap_report import GAP_SHEET_KINDS, gap_sheet, gap_sheet_header, gap_text
from simulation.reporting.labels import category_label, format_percent
from simulation.reporting.verification import verification_sheet, verification_text
from simulation.reporting.whatif import WHATIF_SHEET_KINDS, whatif_sheet, whatif_text

if TYPE_CHECKING:
    from simulation.analysis.board import Analysis

#: Number formats; Excel shows its users' own decimal and thousands separators.
EUR_FORMAT, SHARE_FORMAT, NUMBER_FORMAT = "#,##0", "0.0%", "#,##0.0"
#: Euro amounts with the currency sign where each language puts it.
EUR_FORMATS = {"en": '"€"#,##0', "de": '#,##0 "€"'}
_FORMATS = {"share": SHARE_FORMAT, "hours": NUMBER_FORMAT, "count": "#,##0", "int": "0"}
#: Widest a fitted column gets (characters); longer headers wrap.
MAX_WIDTH = 60

#: Sheet names in English and German (at most 31 characters, Excel's limit).
SHEET_NAMES: dict[str, dict[str, str]] = {
    "summary": {"en": "Summary", "de": "Zusammenfassung"},
    "recommendation": {"en": "Recommendation", "de": "Empfehlung"},
    "comparison": {"en": "Comparison", "de": "Vergleich"},
    "risk": {"en": "Risk metrics", "de": "Risikokennzahlen"},
    "breakdown": {"en": "Cost breakdown", "de": "Kostenaufteilung"},
    "gap": {"en": "Cost gap", "de": "Kostenabstand"},
    "whatif": {"en": "What would change", "de": "Was die Antwort ändern würde"},
    "yearly": {"en": "Yearly cost", "de": "Jahreskosten"},
    "sla": {"en": "SLA and credits", "de": "SLA und Gutschriften"},
    "replications": {"en": "Replications", "de": "Replikationen"},
    "assumptions": {"en": "Assumptions", "de": "Annahmen"},
    "verification": {"en": "Verification", "de": "Modellprüfung"},
    "metadata": {"en": "Metadata", "de": "Metadaten"},
}
#: The workbook sheet of the gap between the recommended option and its runner-up (English).
GAP_SHEET = SHEET_NAMES["gap"]["en"]
GAP_BOLD_ROWS = ("subtotal_budget", "subtotal_risk", "total")
#: The workbook sheet of the structural grid (what would change the answer; English).
WHATIF_SHEET = SHEET_NAMES["whatif"]["en"]


def sheet_name(key: str, lang: str) -> str:
    """The name of workbook sheet `key` (see `SHEET_NAMES`) in language `lang`."""
    return SHEET_NAMES[key][lang]


#: Summary sheet: source column, header in English and German, kind (eur, share, hours, count).
SUMMARY_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("label", "Option", "Option", "text"),
    ("runs", "Runs", "Läufe", "count"),
    ("budget_mean", "Budget cost, mean (EUR, NPV)", "Budgetkosten, Mittel (EUR, Barwert)", "eur"),
    (
        "budget_ci_low",
        "Budget cost, mean: 95% CI low",
        "Budgetkosten, Mittel: 95-%-KI unten",
        "eur",
    ),
    (
        "budget_ci_high",
        "Budget cost, mean: 95% CI high",
        "Budgetkosten, Mittel: 95-%-KI oben",
        "eur",
    ),
    ("budget_p95", "Budget cost, P95 (EUR, NPV)", "Budgetkosten, P95 (EUR, Barwert)", "eur"),
    ("risk_mean", "Risk cost, mean (EUR, NPV)", "Risikokosten, Mittel (EUR, Barwert)", "eur"),
    ("risk_ci_low", "Risk cost, mean: 95% CI low", "Risikokosten, Mittel: 95-%-KI unten", "eur"),
    ("risk_ci_high", "Risk cost, mean: 95% CI high", "Risikokosten, Mittel: 95-%-KI oben", "eur"),
    ("risk_p95", "Risk cost, P95 (EUR, NPV)", "Risikokosten, P95 (EUR, Barwert)", "eur"),
    ("total_mean", "Total cost, mean (EUR, NPV)", "Gesamtkosten, Mittel (EUR, Barwert)", "eur"),
    ("total_ci_low", "Total cost, mean: 95% CI low", "Gesamtkosten, Mittel: 95-%-KI unten", "eur"),
    ("total_ci_high", "Total cost, mean: 95% CI high", "Gesamtkosten, Mittel: 95-%-KI oben", "eur"),
    ("total_p50", "Total cost, median (EUR, NPV)", "Gesamtkosten, Median (EUR, Barwert)", "eur"),
    ("total_p95", "Total cost, P95 (EUR, NPV)", "Gesamtkosten, P95 (EUR, Barwert)", "eur"),
    ("p_cheapest_budget", "P(cheapest on budget)", "P(günstigste nach Budget)", "share"),
    (
        "p_cheapest_budget_ci_low",
        "P(cheapest on budget): 95% CI low",
        "P(günstigste nach Budget): 95-%-KI unten",
        "share",
    ),
    (
        "p_cheapest_budget_ci_high",
        "P(cheapest on budget): 95% CI high",
        "P(günstigste nach Budget): 95-%-KI oben",
        "share",
    ),
    ("p_cheapest", "P(cheapest on total)", "P(günstigste gesamt)", "share"),
    (
        "p_cheapest_ci_low",
        "P(cheapest on total): 95% CI low",
        "P(günstigste gesamt): 95-%-KI unten",
        "share",
    ),
    (
        "p_cheapest_ci_high",
        "P(cheapest on total): 95% CI high",
        "P(günstigste gesamt): 95-%-KI oben",
        "share",
    ),
    (
        "expected_regret",
        "Expected regret on total cost (EUR)",
        "Erwartetes Bedauern, Gesamtkosten (EUR)",
        "eur",
    ),
    ("downtime_mean_hours", "Downtime, mean (hours)", "Ausfallzeit, Mittel (Stunden)", "hours"),
    ("downtime_p95_hours", "Downtime, P95 (hours)", "Ausfallzeit, P95 (Stunden)", "hours"),
    ("sla_breaches_mean", "SLA breaches, mean", "SLA-Verstöße, Mittel", "hours"),
    ("departures_mean", "Staff departures, mean", "Personalabgänge, Mittel", "hours"),
)

SHEET_TEXT = {
    "scenario": {"en": "Scenario", "de": "Szenario"},
    "group": {"en": "Group", "de": "Gruppe"},
    "item": {
        "en": "Cost category (mean over runs, EUR, not discounted)",
        "de": "Kostenkategorie (Mittel über alle Läufe, EUR, nicht abgezinst)",
    },
    "budget": {"en": "Budget cost (cash out)", "de": "Budgetkosten (Auszahlungen)"},
    "risk": {"en": "Risk cost (losses)", "de": "Risikokosten (Verluste)"},
    "total": {"en": "Total cost", "de": "Gesamtkosten"},
    "budget_short": {"en": "Budget cost", "de": "Budgetkosten"},
    "risk_short": {"en": "Risk cost", "de": "Risikokosten"},
    "field": {"en": "Field", "de": "Feld"},
    "subtotal_budget": {"en": "Subtotal: budget cost", "de": "Zwischensumme Budgetkosten"},
    "subtotal_risk": {"en": "Subtotal: risk cost", "de": "Zwischensumme Risikokosten"},
    "total_total": {"en": "Total cost (budget + risk)", "de": "Gesamtkosten (Budget + Risiko)"},
    "yes": {"en": "yes", "de": "ja"},
    "no": {"en": "no", "de": "nein"},
}

#: Notes (cell comment on A1): what the amounts of each sheet are. `{rate}`, `{years}`.
NOTES: dict[str, dict[str, str]] = {
    "npv": {
        "en": "Amounts in EUR as net present value (NPV): cash flows over {years} years "
        "discounted at {rate} a year to the start of the horizon.",
        "de": "Beträge in EUR als Barwert: Zahlungen über {years} Jahre, mit {rate} pro Jahr "
        "auf den Beginn des Zeitraums abgezinst.",
    },
    "nominal": {
        "en": "Amounts in EUR, nominal (not discounted): mean over runs, summed over {years} "
        "years.",
        "de": "Beträge in EUR, nominal (nicht abgezinst): Mittel über alle Läufe, Summe über "
        "{years} Jahre.",
    },
    "yearly": {
        "en": "Amounts in EUR, nominal (not discounted): each year's cost across the runs.",
        "de": "Beträge in EUR, nominal (nicht abgezinst): Kosten je Jahr über alle Läufe.",
    },
    "replications": {
        "en": "One row per simulated run. Columns ending _npv_eur are net present values in "
        "EUR (discounted at {rate} a year); other _eur columns are nominal EUR totals over "
        "{years} years (not discounted); _hours are hours; param_ the sampled inputs. The "
        "column names are the data contract for scripts and stay as they are.",
        "de": "Eine Zeile je simuliertem Lauf. Spalten mit Endung _npv_eur sind Barwerte in "
        "EUR (abgezinst mit {rate} pro Jahr); andere _eur-Spalten sind nominale EUR-Summen "
        "über {years} Jahre (nicht abgezinst); _hours sind Stunden; param_ die gezogenen "
        "Eingaben. Die Spaltennamen sind die Datenschnittstelle für Skripte und bleiben "
        "unverändert.",
    },
    "assumptions": {
        "en": "Inputs as configured: amounts in nominal EUR (not discounted), in the unit "
        "the parameter name states; distributions as text with their mean.",
        "de": "Eingaben wie konfiguriert: Beträge in nominalen EUR (nicht abgezinst), in der "
        "Einheit, die der Parametername nennt; Verteilungen als Text mit ihrem Mittelwert.",
    },
    "verification": {
        "en": "Each check in its own unit (column Unit); EUR amounts are nominal unless the "
        "check names a net present value.",
        "de": "Jede Prüfung in ihrer Einheit (Spalte Einheit); EUR-Beträge sind nominal, "
        "außer die Prüfung nennt einen Barwert.",
    },
    "metadata": {
        "en": "About the run; no amounts. NPV figures are discounted at {rate} a year.",
        "de": "Angaben zum Lauf; keine Beträge. Barwerte sind mit {rate} pro Jahr abgezinst.",
    },
}

#: Transposed tables (recommendation, comparison): field, English, German, kind.
FIELDS: dict[str, tuple[str, str, str]] = {
    "column": ("Replications column compared", "Verglichene Spalte (Replikationen)", "text"),
    "recommended": ("Recommended option", "Empfohlene Option", "option"),
    "runner_up": ("Runner-up", "Zweitbeste Option", "option"),
    "mean_eur": ("Mean cost of the recommended option", "Mittlere Kosten der Empfehlung", "eur"),
    "runner_up_mean_eur": (
        "Mean cost of the runner-up",
        "Mittlere Kosten der zweitbesten Option",
        "eur",
    ),
    "saving_eur": (
        "Saving versus the runner-up, mean",
        "Ersparnis ggü. Zweitbester, Mittel",
        "eur",
    ),
    "saving_ci_low_eur": ("Saving: 95% CI low", "Ersparnis: 95-%-KI unten", "eur"),
    "saving_ci_high_eur": ("Saving: 95% CI high", "Ersparnis: 95-%-KI oben", "eur"),
    "p_cheaper_than_runner_up": (
        "P(cheaper than the runner-up)",
        "P(günstiger als die Zweitbeste)",
        "share",
    ),
    "p_cheapest": ("P(cheapest)", "P(günstigste)", "share"),
    "p_cheapest_ci_low": ("P(cheapest): 95% CI low", "P(günstigste): 95-%-KI unten", "share"),
    "p_cheapest_ci_high": ("P(cheapest): 95% CI high", "P(günstigste): 95-%-KI oben", "share"),
    "clear": ("Clear (saving's interval excludes 0)", "Eindeutig (KI ohne 0)", "flag"),
    "a": ("Option A", "Option A", "option"),
    "b": ("Option B", "Option B", "option"),
    "n": ("Runs", "Läufe", "count"),
    "mean_difference": ("Difference A − B, mean", "Differenz A − B, Mittel", "eur"),
    "ci_low": ("Difference: 95% CI low", "Differenz: 95-%-KI unten", "eur"),
    "ci_high": ("Difference: 95% CI high", "Differenz: 95-%-KI oben", "eur"),
    "p_a_cheaper": ("P(A cheaper than B)", "P(A günstiger als B)", "share"),
    "p_a_cheaper_ci_low": ("P(A cheaper): 95% CI low", "P(A günstiger): 95-%-KI unten", "share"),
    "p_a_cheaper_ci_high": ("P(A cheaper): 95% CI high", "P(A günstiger): 95-%-KI oben", "share"),
    "expected_regret_a": (
        "Expected regret of choosing A",
        "Erwartetes Bedauern bei Wahl von A",
        "eur",
    ),
    "expected_regret_b": (
        "Expected regret of choosing B",
        "Erwartetes Bedauern bei Wahl von B",
        "eur",
    ),
    "difference_p5": ("Difference A − B, P5", "Differenz A − B, P5", "eur"),
    "difference_p50": ("Difference A − B, median", "Differenz A − B, Median", "eur"),
    "difference_p95": ("Difference A − B, P95", "Differenz A − B, P95", "eur"),
}

#: Column headers of the long tables: key, English, German.
#: The source of a value the config leaves to itsim's built-in default.
BUILT_IN = {"en": "built-in default of itsim", "de": "eingebauter Standardwert von itsim"}

HEADERS: dict[str, tuple[str, str]] = {
    "basis": ("Cost", "Kostenart"),
    "option": ("Option", "Option"),
    "metric": ("Metric", "Kennzahl"),
    "value": ("Value (EUR, NPV)", "Wert (EUR, Barwert)"),
    "ci_low": ("95% CI low (EUR)", "95-%-KI unten (EUR)"),
    "ci_high": ("95% CI high (EUR)", "95-%-KI oben (EUR)"),
    "n": ("Runs", "Läufe"),
    "year": ("Year", "Jahr"),
    "mean": ("Mean (EUR, nominal)", "Mittel (EUR, nominal)"),
    "p10": ("P10 (EUR, nominal)", "P10 (EUR, nominal)"),
    "p50": ("Median (EUR, nominal)", "Median (EUR, nominal)"),
    "p90": ("P90 (EUR, nominal)", "P90 (EUR, nominal)"),
    "sla_breaches": ("SLA breaches, mean", "SLA-Verstöße, Mittel"),
    "service_credits_eur": (
        "Service credits received, mean (EUR, nominal)",
        "Erhaltene Gutschriften, Mittel (EUR, nominal)",
    ),
    "business_loss_eur": (
        "Business loss, mean (EUR, nominal)",
        "Geschäftsverlust, Mittel (EUR, nominal)",
    ),
    "credits_share_of_loss": ("Credits as share of the loss", "Gutschriften in % des Verlusts"),
    "parameter": ("Parameter", "Parameter"),
    "config_value": ("Value", "Wert"),
    "config_mean": ("Mean", "Mittelwert"),
    "source": ("Source", "Quelle"),
    "key": ("Key", "Schlüssel"),
    "meta_value": ("Value", "Wert"),
}

#: Risk metrics by name.
METRICS: dict[str, tuple[str, str]] = {
    "mean": ("Mean", "Mittel"),
    "sd": ("Standard deviation", "Standardabweichung"),
    "p5": ("P5", "P5"),
    "p10": ("P10", "P10"),
    "p50": ("Median (P50)", "Median (P50)"),
    "p90": ("P90", "P90"),
    "p95": ("P95", "P95"),
    "p99": ("P99", "P99"),
    "var95": ("VaR95", "VaR95"),
    "var99": ("VaR99", "VaR99"),
    "cvar95": ("Mean of worst 5% (CVaR95)", "Mittel der ungünstigsten 5 % (CVaR95)"),
    "cvar99": ("Mean of worst 1% (CVaR99)", "Mittel der ungünstigsten 1 % (CVaR99)"),
}


def header(key: str, lang: str) -> str:
    """The workbook header `key` (see `HEADERS`) in language `lang`."""
    en, de = HEADERS[key]
    return en if lang == "en" else de


def summary_header(key: str, lang: str) -> str:
    """The workbook's summary header of source column `key` (see `SUMMARY_COLUMNS`)."""
    for column, en, de, _ in SUMMARY_COLUMNS:
        if column == key:
            return en if lang == "en" else de
    raise KeyError(key)


@dataclass
class Sheet:
    """One sheet to write: its table (written without index), the number kind of its columns
    (header to kind: eur, share, hours, count, int) or of its rows (transposed tables, first
    column to kind), the note's key in `NOTES`, and the first-column values of bold rows."""

    key: str
    frame: pd.DataFrame
    note: str
    columns: dict[str, str] = field(default_factory=dict)
    rows: dict[Any, str] = field(default_factory=dict)
    bold: set[str] = field(default_factory=set)
    cell_format: Callable[[Any, Any], str | None] | None = None  # (row name, value) -> format


def number_format(kind: str | None, lang: str) -> str | None:
    """The Excel number format of a kind of number (None: leave Excel's General)."""
    if kind == "eur":
        return EUR_FORMATS[lang]
    return _FORMATS.get(kind or "")


def _flag(value: Any, lang: str) -> Any:
    """True/False as yes/no (ja/nein); other values unchanged."""
    if isinstance(value, bool):
        return SHEET_TEXT["yes" if value else "no"][lang]
    return value


def _option(value: Any, ctx: plots.FigureContext) -> Any:
    """A scenario id as its label; None and other values unchanged."""
    return ctx.scenario_label(value) if isinstance(value, str) else value


def _basis(value: str, lang: str) -> str:
    """budget / risk / total as the readable cost basis."""
    key = {"budget": "budget_short", "risk": "risk_short"}.get(value, value)
    return SHEET_TEXT[key][lang] if key in SHEET_TEXT else value


def summary_sheet(analysis: Analysis, ctx: plots.FigureContext) -> pd.DataFrame:
    """The workbook's summary: per scenario budget, risk and total cost (mean with interval,
    P95; NPV, EUR), P(cheapest) on budget and on total cost, downtime and operations, under
    readable headers in the report's language; index the scenario ids."""
    cheapest = analysis.cheapest.rename(
        columns={"ci_low": "p_cheapest_ci_low", "ci_high": "p_cheapest_ci_high"}
    ).drop(columns="p_cheapest")
    budget = analysis.cheapest_budget[["ci_low", "ci_high"]].add_prefix("p_cheapest_budget_")
    frame = analysis.budget_risk.join(analysis.summary).join(cheapest).join(budget)
    frame["label"] = [ctx.scenario_labels[s] for s in frame.index]
    columns = {key: summary_header(key, ctx.lang) for key, *_ in SUMMARY_COLUMNS}
    sheet = frame[list(columns)].rename(columns=columns)
    sheet.index.name = SHEET_TEXT["scenario"][ctx.lang]
    return sheet


def breakdown_sheet(analysis: Analysis, ctx: plots.FigureContext) -> pd.DataFrame:
    """The cost categories grouped under budget cost and risk cost, each group with its
    subtotal, then the total (rows); one column per option (mean nominal EUR over runs)."""
    lang = ctx.lang
    grouped = analysis.grouped_breakdown.T
    rows = []
    for group, item in grouped.index:
        if item == "subtotal":
            name = SHEET_TEXT[f"subtotal_{group}"][lang]
        elif group == "total":
            name = SHEET_TEXT["total_total"][lang]
        else:
            name = category_label(item, lang)
        rows.append((SHEET_TEXT[group][lang], name))
    sheet = grouped.copy()
    sheet.index = pd.MultiIndex.from_tuples(
        rows, names=[SHEET_TEXT["group"][lang], SHEET_TEXT["item"][lang]]
    )
    sheet.columns = [ctx.scenario_labels[s] for s in sheet.columns]
    return sheet.reset_index()


def by_field_sheet(table: pd.DataFrame, ctx: plots.FigureContext) -> tuple[pd.DataFrame, dict]:
    """A transposed table (fields as rows, one column per cost basis) with readable field
    names, option labels and yes/no; and each readable row's number kind."""
    lang, rows, kinds = ctx.lang, [], {}
    for name, values in table.iterrows():
        en, de, kind = FIELDS.get(str(name), (str(name), str(name), _raw_kind(str(name))))
        label = en if lang == "en" else de
        if kind == "eur":
            label += " (EUR, NPV)" if lang == "en" else " (EUR, Barwert)"
        cells = [_option(v, ctx) if kind == "option" else _flag(v, lang) for v in values]
        rows.append([label, *cells])
        kinds[label] = kind
    frame = pd.DataFrame(rows, columns=[SHEET_TEXT["field"][lang], *table.columns])
    return frame, kinds


def _raw_kind(name: str) -> str | None:
    """Number kind of a column named as in the analysis frames (e.g. "cost_npv_eur")."""
    if name.startswith("param_"):
        return None
    if name.startswith("p_"):
        return "share"
    if name.endswith("_eur"):
        return "eur"
    return "hours" if name.endswith("_hours") else None


def _raw_format(header: str) -> str | None:
    """Number format of a column named as in the analysis frames (English euro format)."""
    return number_format(_raw_kind(header), "en")


def _config_value(config: Any, path: str) -> Any:
    """The value at dotted `path` ("a.b.0.c") of the resolved config; None when absent."""
    node = config
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def assumptions_sheet(metadata: dict[str, Any], lang: str) -> pd.DataFrame:
    """The assumptions table (see `report.assumptions_table`) with each value the config
    holds as a number stored as that number (the seed an integer); distributions as text."""
    from simulation.reporting.report import assumptions_table

    table = assumptions_table(metadata)
    config = metadata.get("config", {})
    values = []
    for path, shown in zip(table["parameter"], table["value"], strict=True):
        raw = _config_value(config, path)
        if raw is None:  # a built-in default: a number when it is one
            raw = _number(shown)
        number = isinstance(raw, int | float) and not isinstance(raw, bool)
        values.append(raw if number else shown)
    table["value"] = pd.Series(values, index=table.index, dtype=object)
    built_in = BUILT_IN[lang]
    table["source"] = table["source"].where(table["written"].astype(bool), built_in)
    table = table.drop(columns="written")
    names = {"parameter": "parameter", "value": "config_value", "mean": "config_mean"}
    return table.rename(columns={k: header(names.get(k, k), lang) for k in table.columns})


def _number(shown: str) -> float | int | None:
    """A plain number written as text ("5", "0.08"), else None."""
    try:
        value = float(shown)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _assumption_format(parameter: Any, value: Any) -> str | None:
    """Whole numbers with thousands separators (the seed plain), fractions as written."""
    if str(parameter).endswith("seed"):
        return "0"
    if isinstance(value, int | float) and math.isfinite(value):
        return "#,##0" if float(value).is_integer() else "General"
    return None


def metadata_sheet(metadata: dict[str, Any], lang: str) -> pd.DataFrame:
    """Run information (key, value): lists and mappings as JSON text, flags as yes/no."""
    rows = [
        (k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else _flag(v, lang))
        for k, v in metadata.items()
        if k not in ("config", "parameter_sources", "effective_parameters", "options")
    ]
    return pd.DataFrame(rows, columns=[header("key", lang), header("meta_value", lang)])


def _metadata_format(key: Any, value: Any) -> str | None:
    """The seed as a plain integer, the discount rate as a percentage."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return {"seed": "0", "discount_rate": "0.0#%", "wall_seconds": NUMBER_FORMAT}.get(
        str(key), "#,##0" if float(value).is_integer() else "General"
    )


def _long_sheets(analysis: Analysis, ctx: plots.FigureContext) -> list[Sheet]:
    """Risk metrics, yearly cost and SLA sheets with readable headers and values."""
    lang = ctx.lang
    risk = analysis.risk_by_basis
    risk = risk[["basis", *[c for c in risk.columns if c != "basis"]]].copy()
    risk["basis"] = risk["basis"].map(lambda b: _basis(b, lang))
    risk["scenario"] = risk["scenario"].map(lambda s: _option(s, ctx))
    risk["metric"] = risk["metric"].map(lambda m: METRICS.get(m, (m, m))[lang != "en"])
    risk = risk.rename(columns={"scenario": "option"})
    yearly = analysis.yearly.copy()
    yearly["cost"] = yearly["cost"].map(lambda b: _basis(b, lang))
    yearly["scenario"] = yearly["scenario"].map(lambda s: _option(s, ctx))
    yearly = yearly.rename(columns={"cost": "basis", "scenario": "option"})
    sla = analysis.sla.reset_index().rename(columns={"scenario": "option"})
    sla["option"] = sla["option"].map(lambda s: _option(s, ctx))
    sheets = []
    for key, frame, note in (("risk", risk, "npv"), ("yearly", yearly, "yearly")):
        frame = frame.rename(columns={c: header(c, lang) for c in frame.columns if c in HEADERS})
        sheets.append(Sheet(key, frame, note))
    sheets.append(
        Sheet(key="sla", frame=sla.rename(columns=lambda c: header(c, lang)), note="nominal")
    )
    eur = [header(k, lang) for k in ("value", "ci_low", "ci_high", "mean", "p10", "p50", "p90")]
    kinds = dict.fromkeys(eur, "eur") | {header("n", lang): "count"}
    kinds |= {header("sla_breaches", lang): "hours", header("credits_share_of_loss", lang): "share"}
    kinds |= dict.fromkeys([header(k, lang) for k in HEADERS if k.endswith("_eur")], "eur")
    for sheet in sheets:
        sheet.columns = kinds
    return sheets


def workbook_sheets(
    analysis: Analysis, replications: pd.DataFrame, ctx: plots.FigureContext
) -> list[Sheet]:
    """Every sheet of the workbook, in order, with its formats and note."""
    lang = ctx.lang
    bases = {
        b: SHEET_TEXT[b if b != "budget" else "budget_short"][lang] for b in ("budget", "total")
    }
    choices, choice_kinds = by_field_sheet(analysis.choices.T.rename(columns=bases), ctx)
    comparison, comparison_kinds = pd.DataFrame(), {}
    if analysis.comparison is not None:
        both = {bases["budget"]: analysis.budget_comparison, bases["total"]: analysis.comparison}
        comparison, comparison_kinds = by_field_sheet(pd.DataFrame(both), ctx)
    summary = summary_sheet(analysis, ctx).reset_index()
    summary_kinds = {
        (en if lang == "en" else de): kind for _, en, de, kind in SUMMARY_COLUMNS if kind != "text"
    }
    breakdown = breakdown_sheet(analysis, ctx)
    bold = {SHEET_TEXT[k][lang] for k in ("subtotal_budget", "subtotal_risk", "total_total")}
    long = _long_sheets(analysis, ctx)
    sheets = [
        Sheet("summary", summary, "npv", columns=summary_kinds),
        Sheet("recommendation", choices, "npv", rows=choice_kinds),
        Sheet("comparison", comparison, "npv", rows=comparison_kinds),
        long[0],
        Sheet(
            "breakdown",
            breakdown,
            "nominal",
            dict.fromkeys(breakdown.columns[2:], "eur"),
            bold=bold,
        ),
    ]
    if analysis.gaps:
        a, b = analysis.recommended, analysis.runner_up
        kinds = {gap_sheet_header(k, ctx, a, b): kind for k, kind in GAP_SHEET_KINDS.items()}
        names = {gap_text(k, lang) for k in GAP_BOLD_ROWS}
        gap = gap_sheet(analysis.gaps, analysis.gap_bases, ctx)
        sheets.append(Sheet("gap", gap, "npv", columns=kinds, bold=names))
    if analysis.whatif is not None and analysis.whatif.grid is not None:
        kinds = {whatif_text(k, lang): kind for k, kind in WHATIF_SHEET_KINDS.items()}
        sheets.append(Sheet("whatif", whatif_sheet(analysis.whatif, ctx), "npv", kinds))
    sheets += long[1:]
    raw = {c: k for c in replications.columns if (k := _raw_kind(str(c)))}
    sheets.append(Sheet("replications", replications, "replications", columns=raw))
    assumptions = assumptions_sheet(analysis.metadata, lang)
    sheets.append(Sheet("assumptions", assumptions, "assumptions", cell_format=_assumption_format))
    if analysis.verification is not None:
        table = verification_sheet(analysis.verification[0], lang)
        sheets.append(Sheet("verification", table, "verification"))
    meta = metadata_sheet(analysis.metadata, lang)
    sheets.append(Sheet("metadata", meta, "metadata", cell_format=_metadata_format))
    return sheets


def write_excel_report(
    analysis: Analysis, replications: pd.DataFrame, ctx: plots.FigureContext, path: Path
) -> Path:
    """A workbook: summary (budget, risk, total), recommendation on each basis, comparison,
    risk metrics per basis, grouped breakdown, the gap between the recommended option and its
    runner-up by category and by service, yearly cost, per-replication data, assumptions,
    model verification (when run) and metadata; sheet names and headers in the report's
    language, numbers formatted, columns fitted, header rows frozen, a note on each sheet."""
    sheets = workbook_sheets(analysis, replications, ctx)
    meta = analysis.metadata
    values = {
        "rate": format_percent(float(meta.get("discount_rate") or 0), ctx.lang, 1),
        "years": meta.get("horizon_years", "?"),
    }
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for sheet in sheets:
            name = (
                verification_text("sheet", ctx.lang)
                if sheet.key == "verification"
                else sheet_name(sheet.key, ctx.lang)
            )
            sheet.frame.to_excel(writer, sheet_name=name, index=False)
            note = NOTES[sheet.note][ctx.lang].format(**values)
            style_sheet(writer.book[name], sheet, ctx.lang, note)
    return path


def _width(value: Any, fmt: str) -> int:
    """About how many characters `value` takes in a cell of number format `fmt`."""
    if value is None:
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return 4
        if "%" in fmt:
            return len(f"{value:.1%}")
        if fmt in ("0", "General"):
            return min(len(f"{value:.10g}"), 12)
        decimals = 1 if ".0" in fmt else 0
        return len(f"{value:,.{decimals}f}") + (2 if "€" in fmt else 0)
    return max(len(line) for line in str(value).splitlines() or [""])


def style_sheet(ws, sheet: Sheet, lang: str, note: str) -> None:
    """Bold, wrapped and frozen header row; number formats by column, row or cell; bold
    subtotal rows; columns fitted to their content (at most `MAX_WIDTH`); the note on A1."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    headers = [c.value for c in ws[1]]
    formats = [number_format(sheet.columns.get(h), lang) for h in headers]
    widths = [len(str(h or "")) + 2 for h in headers]
    for count, row in enumerate(ws.iter_rows(min_row=2)):
        first = row[0].value
        by_row = number_format(sheet.rows.get(first), lang)
        strong = len(row) > 1 and str(row[1].value) in sheet.bold
        for i, cell in enumerate(row):
            value = cell.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                fmt = by_row or formats[i]
                if fmt is None and sheet.cell_format is not None:
                    fmt = sheet.cell_format(first, value)
                if fmt:
                    cell.number_format = fmt
            if strong:
                cell.font = bold
            if count < 500:
                widths[i] = max(widths[i], _width(value, cell.number_format) + 1)
    for cell, width in zip(ws[1], widths, strict=True):
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = min(max(width, 8), MAX_WIDTH)
    ws.freeze_panes = "B2"
    ws["A1"].comment = Comment(note, "itsim", width=320, height=110)
