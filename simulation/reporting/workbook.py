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

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulation.files import atomic_path
from simulation.reporting import catalogue, plots
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

#: Sheet names in English and German (at most 31 characters, Excel's limit). Every text of the
#: workbook is in the catalogue (`simulation/reporting/texts.yaml`, sections "workbook_...").
SHEET_NAMES: dict[str, dict[str, str]] = catalogue.section("workbook_sheet_names")
#: The workbook sheet of the gap between the recommended option and its runner-up (English).
GAP_SHEET = SHEET_NAMES["gap"]["en"]
GAP_BOLD_ROWS = ("subtotal_budget", "subtotal_risk", "total")
#: The workbook sheet of the structural grid (what would change the answer; English).
WHATIF_SHEET = SHEET_NAMES["whatif"]["en"]


def sheet_name(key: str, lang: str) -> str:
    """The name of workbook sheet `key` (see `SHEET_NAMES`) in language `lang`."""
    return SHEET_NAMES[key][lang]


#: Summary sheet: the number kind (eur, share, hours, count) of each source column, in order.
_SUMMARY_KINDS = {
    "label": "text",
    "runs": "count",
    "budget_mean": "eur",
    "budget_ci_low": "eur",
    "budget_ci_high": "eur",
    "budget_p95": "eur",
    "risk_mean": "eur",
    "risk_ci_low": "eur",
    "risk_ci_high": "eur",
    "risk_p95": "eur",
    "total_mean": "eur",
    "total_ci_low": "eur",
    "total_ci_high": "eur",
    "total_p50": "eur",
    "total_p95": "eur",
    "p_cheapest_budget": "share",
    "p_cheapest_budget_ci_low": "share",
    "p_cheapest_budget_ci_high": "share",
    "p_cheapest": "share",
    "p_cheapest_ci_low": "share",
    "p_cheapest_ci_high": "share",
    "expected_regret": "eur",
    "downtime_mean_hours": "hours",
    "downtime_p95_hours": "hours",
    "sla_breaches_mean": "hours",
    "departures_mean": "hours",
}
_SUMMARY_HEADERS = catalogue.pairs("workbook_summary_columns")
#: Summary sheet: source column, header in English and German, kind.
SUMMARY_COLUMNS: tuple[tuple[str, str, str, str], ...] = tuple(
    (column, *_SUMMARY_HEADERS[column], kind) for column, kind in _SUMMARY_KINDS.items()
)

#: Words of the sheets (scenario, groups, subtotals, yes/no).
SHEET_TEXT: dict[str, dict[str, str]] = catalogue.section("workbook_sheet")

#: Notes (cell comment on A1): what the amounts of each sheet are. `{rate}`, `{years}`.
NOTES: dict[str, dict[str, str]] = catalogue.section("workbook_notes")

#: Transposed tables (recommendation, comparison): the number kind of each field.
_FIELD_KINDS = {
    "column": "text",
    "recommended": "option",
    "runner_up": "option",
    "mean_eur": "eur",
    "runner_up_mean_eur": "eur",
    "saving_eur": "eur",
    "saving_ci_low_eur": "eur",
    "saving_ci_high_eur": "eur",
    "p_cheaper_than_runner_up": "share",
    "p_cheapest": "share",
    "p_cheapest_ci_low": "share",
    "p_cheapest_ci_high": "share",
    "clear": "flag",
    "a": "option",
    "b": "option",
    "n": "count",
    "mean_difference": "eur",
    "ci_low": "eur",
    "ci_high": "eur",
    "p_a_cheaper": "share",
    "p_a_cheaper_ci_low": "share",
    "p_a_cheaper_ci_high": "share",
    "expected_regret_a": "eur",
    "expected_regret_b": "eur",
    "difference_p5": "eur",
    "difference_p50": "eur",
    "difference_p95": "eur",
}
_FIELD_NAMES = catalogue.pairs("workbook_fields")
#: Transposed tables: field, English, German, kind.
FIELDS: dict[str, tuple[str, str, str]] = {
    key: (*_FIELD_NAMES[key], kind) for key, kind in _FIELD_KINDS.items()
}

#: The source of a value the config leaves to itsim's built-in default.
BUILT_IN: dict[str, str] = catalogue.entry("report", "built_in")  # as the PDF appendix says

#: Column headers of the long tables: key, English, German.
HEADERS: dict[str, tuple[str, str]] = catalogue.pairs("workbook_headers")

#: Risk metrics by name.
METRICS: dict[str, tuple[str, str]] = catalogue.pairs("workbook_metrics")


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
    from simulation.reporting.report import has_provider

    sla = analysis.sla.reset_index().rename(columns={"scenario": "option"})
    no_contract = ~sla["option"].map(lambda s: has_provider(analysis.metadata, s)).astype(bool)
    contract_only = ["sla_breaches", "service_credits_eur", "credits_share_of_loss"]
    sla[contract_only] = sla[contract_only].astype(object).mask(no_contract, None)  # n/a: empty
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
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # rows stream to disk: 10,000 x 3 replications fit in memory
    for sheet in sheets:
        name = (
            verification_text("sheet", ctx.lang)
            if sheet.key == "verification"
            else sheet_name(sheet.key, ctx.lang)
        )
        note = NOTES[sheet.note][ctx.lang].format(**values)
        write_sheet(book.create_sheet(name), sheet, ctx.lang, note)
    with atomic_path(path) as tmp:
        book.save(tmp)
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


def _cell_value(value: Any) -> Any:
    """A table value as the cell stores it: NumPy scalars as Python numbers, missing values
    (None, NaN, NA) as an empty cell, infinities as "inf" (as pandas writes them)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


def _rows(frame: pd.DataFrame):
    """The frame's rows as lists of cell values (without the index)."""
    for row in frame.itertuples(index=False, name=None):
        yield [_cell_value(v) for v in row]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _row_formats(row: list, sheet: Sheet, formats: list, lang: str) -> list:
    """The number format of each cell of a data row: by row (transposed tables), else by
    column, else by the sheet's cell rule; None for text and for Excel's General."""
    by_row = number_format(sheet.rows.get(row[0]), lang) if row else None
    out = []
    for value, by_column in zip(row, formats, strict=True):
        fmt = None
        if _is_number(value):
            fmt = by_row or by_column
            if fmt is None and sheet.cell_format is not None:
                fmt = sheet.cell_format(row[0], value)
        out.append(fmt)
    return out


def _widths(sheet: Sheet, headers: list, formats: list, lang: str) -> list[int]:
    """Column widths in characters from the header and the first 500 rows."""
    widths = [len(str(h or "")) + 2 for h in headers]
    for row in itertools.islice(_rows(sheet.frame), 500):
        fitted = zip(row, _row_formats(row, sheet, formats, lang), strict=True)
        for i, (value, fmt) in enumerate(fitted):
            widths[i] = max(widths[i], _width(value, fmt or "General") + 1)
    return [min(max(width, 8), MAX_WIDTH) for width in widths]


def write_sheet(ws, sheet: Sheet, lang: str, note: str) -> None:
    """Write `sheet` into the write-only worksheet `ws`, row by row: a bold, wrapped and frozen
    header row; number formats by column, row or cell; bold subtotal rows; columns fitted to
    their content (at most `MAX_WIDTH`); the note as a comment on A1."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    headers = [_cell_value(h) for h in sheet.frame.columns] or [None]  # an empty table: A1
    formats = [number_format(sheet.columns.get(h), lang) for h in headers]
    for i, width in enumerate(_widths(sheet, headers, formats, lang), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    top = []
    for value in headers:
        cell = WriteOnlyCell(ws, value)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
        top.append(cell)
    top[0].comment = Comment(note, "itsim", width=320, height=110)
    ws.append(top)
    for row in _rows(sheet.frame):
        strong = len(row) > 1 and str(row[1]) in sheet.bold
        cells = []
        for value, fmt in zip(row, _row_formats(row, sheet, formats, lang), strict=True):
            if fmt is None and not strong:
                cells.append(value)
                continue
            cell = WriteOnlyCell(ws, value)
            if fmt:
                cell.number_format = fmt
            if strong:
                cell.font = bold
            cells.append(cell)
        ws.append(cells)
