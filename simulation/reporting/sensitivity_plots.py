"""Sensitivity figures for the board: tornado, spider, Sobol indices, break-even, decision map.

Same standard as `simulation.reporting.plots` (house style, 16:9 slide, title, subtitle saying
how to read the figure, provenance footer, 300 dpi PNG and vector PDF, German number formats in
German). The tables come from `simulation.analysis.sensitivity`; every plot function returns a
`FigureResult` whose `data` holds the exact numbers drawn. Parameter paths of the config
("staff.turnover_rate_per_year") are shown by `parameter_label` ("Staff turnover rate (per
year)"); scenarios keep the colours of the other figures (`FigureContext.colour`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from simulation.reporting.labels import (
    NBSP,
    category_label,
    format_eur,
    format_eur_short,
    format_number,
    format_percent,
    label,
    service_label,
)
from simulation.reporting.plots import (
    DARK,
    NEUTRAL,
    PALETTE,
    EuroFormatter,
    FigureContext,
    FigureResult,
    NumberFormatter,
    PercentFormatter,
    _decimals,
    _figure_legend,
    _fit_width,
    _new_figure,
    _place_labels,
    _result,
    _runs,
    _style,
    _wrap,
    figure_path,
)

#: File stems of the sensitivity figures (German files get the suffix "_de").
SENSITIVITY_STEMS = ("tornado", "spider", "sobol", "break_even", "decision_map", "structural_grid")

#: Tornado: the result with the assumption at its P10 (light) and at its P90 (dark).
LOW_COLOUR = "#9ECAE1"
HIGH_COLOUR = "#08519C"
#: Sobol: first-order (light) and total-order (dark) indices.
FIRST_ORDER_COLOUR = "#BCBDDC"
TOTAL_ORDER_COLOUR = "#54278F"
#: Spider lines, one per assumption (Paul Tol's muted scheme: colour-blind safe, and distinct
#: from the scenario palette, since these lines are assumptions, not options).
LINE_COLOURS = (
    "#332288",
    "#CC6677",
    "#117733",
    "#3A87C8",
    "#882255",
    "#B8860B",
    "#44AA99",
    "#7A7A1F",
    "#AA4499",
    "#EE7733",
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_BAND_COLOUR = "#9E9E9E"
_HATCH_COLOUR = "#B3B3B3"

# -- parameter names ------------------------------------------------------------------------------

#: Readable names of parameters (English, German), by leaf name or by "<parent>.<leaf>" where
#: the parent changes the meaning (outages, failure, contracts, internal_costs).
PARAMETER_NAMES: dict[str, tuple[str, str]] = {
    # staff
    "turnover_rate_per_year": ("Staff turnover rate (per year)", "Fluktuationsrate (pro Jahr)"),
    "time_to_fill_months": ("Time to fill a vacancy (months)", "Zeit bis zur Besetzung (Monate)"),
    "knowledge_half_life_years": (
        "Knowledge half-life (years)",
        "Halbwertszeit des Wissens (Jahre)",
    ),
    "recruiting_cost_share_of_salary": (
        "Recruiting cost (share of salary)",
        "Recruitingkosten (Anteil am Gehalt)",
    ),
    "onboarding_months": ("Onboarding time (months)", "Einarbeitungszeit (Monate)"),
    "notice_period_months": ("Notice period (months)", "Kündigungsfrist (Monate)"),
    "key_person_rebuild_months": (
        "Rebuilding key-person know-how (months)",
        "Wiederaufbau von Schlüsselwissen (Monate)",
    ),
    "new_hire_productivity": ("New-hire productivity (share)", "Produktivität neuer Kräfte"),
    "new_hire_knowledge": ("New-hire knowledge (share)", "Wissen neuer Kräfte (Anteil)"),
    "initial_knowledge": ("Initial knowledge (share)", "Anfangswissen (Anteil)"),
    "training_days_per_year": ("Training days per year", "Schulungstage pro Jahr"),
    "knowledge_gain_per_training_day": (
        "Knowledge gain per training day",
        "Wissenszuwachs je Schulungstag",
    ),
    "training_cost_eur_per_day": ("Training cost per day (EUR)", "Schulungskosten pro Tag (EUR)"),
    "vacation_days_per_year": ("Vacation days per year", "Urlaubstage pro Jahr"),
    "sick_days_per_year": ("Sick days per year", "Krankheitstage pro Jahr"),
    "on_call_allowance_eur_per_week": (
        "On-call allowance per week (EUR)",
        "Rufbereitschaft pro Woche (EUR)",
    ),
    "annual_salary_eur": ("Annual salary (EUR)", "Jahresgehalt (EUR)"),
    # company
    "loaded_hourly_cost_eur": (
        "Labour cost per employee hour (EUR)",
        "Arbeitskosten je Mitarbeiterstunde (EUR)",
    ),
    "on_costs_share": ("Employer on-costs (share of salary)", "Lohnnebenkosten (Anteil am Gehalt)"),
    "wage_growth_per_year": ("Wage growth (per year)", "Lohnsteigerung (pro Jahr)"),
    "employees": ("Employees", "Mitarbeitende"),
    "discount_rate": ("Discount rate (per year)", "Kalkulationszins (pro Jahr)"),
    # services
    "incidents_per_user_per_month": (
        "Incidents per user per month",
        "Störungen pro Nutzer und Monat",
    ),
    "users": ("Users", "Nutzer"),
    "business_hours_share": ("Share of incidents in business hours", "Anteil in Geschäftszeiten"),
    "lost_margin_eur_per_hour": (
        "Lost margin per hour of outage (EUR)",
        "Entgangene Marge je Ausfallstunde (EUR)",
    ),
    "key_person_share": ("Know-how held by one person (share)", "Wissen bei einer Person (Anteil)"),
    "outages.mtbf_hours": (
        "Mean time between outages (hours)",
        "Mittlere Zeit zwischen Ausfällen (Stunden)",
    ),
    "outages.repair_hours": (
        "Repair time per outage (hours)",
        "Reparaturzeit je Ausfall (Stunden)",
    ),
    "outages.productivity_loss": (
        "Productivity lost during an outage (share)",
        "Produktivitätsverlust im Ausfall (Anteil)",
    ),
    "mtbf_hours": (
        "Mean time between outages (hours)",
        "Mittlere Zeit zwischen Ausfällen (Stunden)",
    ),
    "internal_costs.hardware_eur": ("Hardware per refresh (EUR)", "Hardware je Erneuerung (EUR)"),
    "hardware_eur": ("Hardware per refresh (EUR)", "Hardware je Erneuerung (EUR)"),
    "internal_costs.licences_eur_per_user_per_month": (
        "Licences per user per month (EUR)",
        "Lizenzen pro Nutzer und Monat (EUR)",
    ),
    "internal_costs.running_eur_per_month": (
        "Running cost per month (EUR)",
        "Laufende Kosten pro Monat (EUR)",
    ),
    "internal_costs.refresh_years": ("Hardware refresh cycle (years)", "Erneuerungszyklus (Jahre)"),
    # security
    "incidents_per_year_internal": (
        "Security incidents per year (own team)",
        "Sicherheitsvorfälle pro Jahr (eigenes Team)",
    ),
    "loss_eur": ("Loss per security incident (EUR)", "Schaden je Sicherheitsvorfall (EUR)"),
    "security.downtime_hours": (
        "Downtime per security incident (hours)",
        "Ausfall je Sicherheitsvorfall (Stunden)",
    ),
    "knowledge_effect": ("Effect of lost knowledge", "Wirkung von Wissensverlust"),
    # providers
    "price_escalation_per_year": ("Price escalation (per year)", "Preissteigerung (pro Jahr)"),
    "performance_factor": (
        "Time factor (response, repair)",
        "Zeitfaktor (Reaktion, Reparatur)",
    ),
    "security_incidents_per_year": ("Security incidents per year", "Sicherheitsvorfälle pro Jahr"),
    "annual_probability": (
        "Failure probability (per year)",
        "Ausfallwahrscheinlichkeit (pro Jahr)",
    ),
    "failure.annual_probability": (
        "Failure probability (per year)",
        "Wahrscheinlichkeit des Scheiterns (pro Jahr)",
    ),
    "transition_cost_eur": ("Transition cost (EUR)", "Wechselkosten (EUR)"),
    "failure.transition_cost_eur": (
        "Transition cost after a failure (EUR)",
        "Wechselkosten nach Scheitern (EUR)",
    ),
    "degraded_months": ("Degraded service (months)", "Eingeschränkter Betrieb (Monate)"),
    "failure.degraded_months": (
        "Degraded service after a failure (months)",
        "Eingeschränkter Betrieb nach Scheitern (Monate)",
    ),
    "failure.degradation_factor": ("Slowdown while degraded (×)", "Verlangsamung im Übergang (×)"),
    "failure.new_contract_premium": (
        "Premium of the new contract",
        "Aufschlag des neuen Vertrags",
    ),
    "fee_per_user_per_month_eur": (
        "Fee per user per month (EUR)",
        "Gebühr pro Nutzer und Monat (EUR)",
    ),
    "setup_cost_eur": ("Setup cost (EUR)", "Einrichtungskosten (EUR)"),
    "outage_rate_factor": ("Outage rate (× internal)", "Ausfallrate (× intern)"),
    "contracts.repair_hours": (
        "Repair time per outage (hours)",
        "Reparaturzeit je Ausfall (Stunden)",
    ),
    "vendor_management_hours_per_month": (
        "Vendor management (hours per month)",
        "Dienstleistersteuerung (Stunden pro Monat)",
    ),
    "licences_retained_eur_per_user_per_month": (
        "Retained licences per user per month (EUR)",
        "Verbleibende Lizenzen pro Nutzer und Monat (EUR)",
    ),
}

#: Role names of the reference config (English, German); other roles get their id with spaces.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "service_desk_agent": ("Service desk agent", "Service-Desk-Mitarbeiter"),
    "sysadmin": ("System administrator", "Systemadministrator"),
    "security_engineer": ("Security engineer", "Security Engineer"),
    "app_specialist": ("Application specialist", "Anwendungsbetreuer"),
    "vendor_manager": ("IT vendor manager", "IT-Dienstleistersteuerung"),
}

#: Provider names (English, German); short, as they follow a parameter name.
PROVIDER_NAMES: dict[str, tuple[str, str]] = {"msp": ("MSP", "MSP")}

#: Unit words after a value in a sentence ("87 EUR per user per month"), by leaf name.
_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "fee_per_user_per_month_eur": ("EUR per user per month", "EUR pro Nutzer und Monat"),
    "licences_eur_per_user_per_month": ("EUR per user per month", "EUR pro Nutzer und Monat"),
    "licences_retained_eur_per_user_per_month": (
        "EUR per user per month",
        "EUR pro Nutzer und Monat",
    ),
    "loaded_hourly_cost_eur": ("EUR per hour", "EUR pro Stunde"),
    "lost_margin_eur_per_hour": ("EUR per hour", "EUR pro Stunde"),
    "annual_salary_eur": ("EUR per year", "EUR pro Jahr"),
    "running_eur_per_month": ("EUR per month", "EUR pro Monat"),
    "on_call_allowance_eur_per_week": ("EUR per week", "EUR pro Woche"),
    "training_cost_eur_per_day": ("EUR per day", "EUR pro Tag"),
    "incidents_per_user_per_month": ("per user per month", "pro Nutzer und Monat"),
    "incidents_per_year_internal": ("per year", "pro Jahr"),
    "security_incidents_per_year": ("per year", "pro Jahr"),
    "vendor_management_hours_per_month": ("hours per month", "Stunden pro Monat"),
    "performance_factor": ("×", "×"),
    "outage_rate_factor": ("×", "×"),
    "degradation_factor": ("×", "×"),
}
_SUFFIX_UNITS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("_eur", ("EUR", "EUR")),
    ("_days_per_year", ("days per year", "Tage pro Jahr")),
    ("_hours", ("hours", "Stunden")),
    ("_months", ("months", "Monate")),
    ("_years", ("years", "Jahre")),
    ("_per_year", ("per year", "pro Jahr")),
)
#: Parameters shown as percentages (shares and rates); others by name ending (`_percent_leaf`).
_PERCENT_LEAVES = {
    "turnover_rate_per_year",
    "price_escalation_per_year",
    "wage_growth_per_year",
    "annual_probability",
    "on_costs_share",
    "recruiting_cost_share_of_salary",
    "discount_rate",
    "new_contract_premium",
    "new_hire_productivity",
    "new_hire_knowledge",
    "initial_knowledge",
    "knowledge_gain_per_training_day",
    "productivity_loss",
    "availability",
}
_TORNADO_WRAP = 45


def _index(lang: str) -> int:
    label("scenario", lang)  # validates lang
    return 0 if lang == "en" else 1


def _humanise(name: str) -> str:
    """A readable fallback for an unknown parameter name: "foo_bar_eur" -> "Foo bar (EUR)"."""
    unit = ""
    for suffix, words in (("_eur", "EUR"), ("_hours", "hours"), ("_months", "months")):
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], f" ({words})"
            break
    text = name.replace("_", " ").strip()
    text = text[:1].upper() + text[1:] if text else name
    return text.replace(" eur ", " EUR ") + unit


def _entity_name(names: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    if key in names:
        return names[key][_index(lang)]
    return key.upper() if len(key) <= 4 else _humanise(key)


def _split(path: str, lang: str, ctx: FigureContext | None) -> tuple[list[str], str | None]:
    """The parameter part of a path (below its entity) and the entity's display name."""
    parts = [p for p in str(path).split(".") if p]
    if len(parts) >= 3 and parts[0] == "services":
        name = ctx.service_label(parts[1]) if ctx else service_label(parts[1], lang)
        return parts[2:], name
    if len(parts) >= 3 and parts[0] == "roles":
        return parts[2:], _entity_name(ROLE_NAMES, parts[1], lang)
    if len(parts) >= 3 and parts[0] == "scenarios":
        return parts[2:], ctx.scenario_label(parts[1]) if ctx else _humanise(parts[1])
    if len(parts) >= 3 and parts[0] == "providers":
        provider = _entity_name(PROVIDER_NAMES, parts[1], lang)
        if len(parts) >= 5 and parts[2] == "contracts":
            service = ctx.service_label(parts[3]) if ctx else service_label(parts[3], lang)
            return ["contracts", *parts[4:]], f"{service} ({provider})"
        return parts[2:], provider
    if len(parts) >= 2:
        return (parts if parts[0] == "security" else parts[1:]), None
    return parts, None


def _parameter_name(rest: list[str], lang: str) -> str:
    i = _index(lang)
    leaf = rest[-1] if rest else ""
    for key in (".".join(rest), ".".join(rest[-2:]), leaf):
        if key in PARAMETER_NAMES:
            return PARAMETER_NAMES[key][i]
    inner = [p for p in rest[:-1] if p not in ("contracts", "security")]
    name = _humanise(leaf)
    return f"{name} ({', '.join(inner)})" if inner else name


def parameter_label(
    path: str, lang: str = "en", ctx: FigureContext | None = None, wrap: int | None = 45
) -> str:
    """Readable name of a parameter path, in English or German, with its entity after a dash:
    "services.business_applications.incidents_per_user_per_month" -> "Incidents per user per
    month — Business applications". Services are named by `ctx.service_label` (or the built-in
    names), roles and providers by `ROLE_NAMES` / `PROVIDER_NAMES`; unknown names get their id
    with spaces. Wrapped at `wrap` characters (None: one line), after the dash if possible."""
    rest, entity = _split(path, lang, ctx)
    name = _parameter_name(rest, lang)
    text = f"{name} — {entity}" if entity else name
    if wrap is None or len(text) <= wrap:
        return text
    if entity:
        return "\n".join([_wrap(f"{name} —", wrap), _wrap(entity, wrap)])
    return _wrap(text, wrap)


def _leaf(path: str) -> str:
    return str(path).rsplit(".", 1)[-1]


def _percent_leaf(leaf: str) -> bool:
    if leaf in _PERCENT_LEAVES:
        return True
    return leaf.endswith(("_share", "_probability", "_rate", "_rate_per_year", "_premium"))


def parameter_kind(path: str) -> str:
    """How values of a parameter are written: "eur" (amounts), "percent" (shares and rates) or
    "number"."""
    leaf = _leaf(path)
    if leaf.endswith("_eur") or "_eur_" in leaf:
        return "eur"
    return "percent" if _percent_leaf(leaf) else "number"


def _unit_words(path: str, lang: str) -> str:
    leaf, i = _leaf(path), _index(lang)
    if leaf in _UNIT_WORDS:
        return _UNIT_WORDS[leaf][i]
    for suffix, words in _SUFFIX_UNITS:
        if leaf.endswith(suffix) or (suffix == "_eur" and "_eur_" in leaf):
            return words[i]
    return ""


def _plain_decimals(value: float) -> int:
    """Decimals for three significant digits, without trailing zeros."""
    if not math.isfinite(value) or value == 0:
        return 0
    d = int(min(3, max(0, 2 - math.floor(math.log10(abs(value))))))
    return _decimals([round(value, d)], d)


def format_parameter_value(
    path: str, value: float, lang: str = "en", unit: bool | str = False
) -> str:
    """A parameter value as written in a figure: euros with thousands separators ("€65,554",
    "65.554 €") for amounts, percentages ("4.1%", "4,1 %") for shares and rates, three
    significant digits otherwise. With `unit` (True, or the unit words themselves) the value is
    followed by its unit: "87 EUR per user per month", "6.5 months"."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    kind = parameter_kind(path)
    if kind == "percent":
        return format_percent(value, lang, 0 if abs(value) >= 0.0995 else 1)
    if kind == "eur":
        decimals = 0 if abs(value) >= 10 else _decimals([round(value, 2)], 2)
    else:
        decimals = _plain_decimals(value)
    if not unit:
        return (
            format_eur(value, lang, decimals)
            if kind == "eur"
            else format_number(value, lang, decimals)
        )
    words = unit if isinstance(unit, str) else _unit_words(path, lang)
    number = format_number(value, lang, decimals)
    if words == "×":
        return f"{number}{NBSP}×"
    return f"{number}{NBSP}{words}" if words else number


# -- what the result is ---------------------------------------------------------------------------


def _strip_affixes(column: str, prefix: str, suffix: str) -> str | None:
    if column.startswith(prefix) and column.endswith(suffix):
        middle = column[len(prefix) : len(column) - len(suffix)]
        return middle or None
    return None


def _quantity(column: str, ctx: FigureContext) -> tuple[str, str]:
    """The quantity of a replication column in words, and its unit ("eur", "hours", "number")."""
    lang, years = ctx.lang, ctx.horizon_years
    if column == "cost_npv_eur":
        return label("sens_quantity_npv", lang, years=years), "eur"
    if column == "cost_total_eur":
        return label("sens_quantity_total", lang, years=years), "eur"
    if column == "downtime_hours":
        return label("sens_quantity_downtime", lang, years=years), "hours"
    category = _strip_affixes(column, "cost_", "_eur")
    if category:
        name = category_label(category, lang)
        name = name.lower() if lang == "en" else name
        return label("sens_quantity_category", lang, category=name, years=years), "eur"
    service = _strip_affixes(column, "downtime_", "_hours")
    if service:
        return (
            label(
                "sens_quantity_downtime_service",
                lang,
                service=ctx.service_label(service),
                years=years,
            ),
            "hours",
        )
    unit = "eur" if column.endswith("_eur") else "hours" if column.endswith("_hours") else "number"
    return _humanise(column).lower() if lang == "en" else _humanise(column), unit


def describe_output(output: Any, ctx: FigureContext) -> tuple[str, str]:
    """The result of a sensitivity analysis (`sensitivity.Output`) in words, and its unit:
    ("Hybrid minus External: mean cost over 5 years (NPV)", "eur"), ("Hybrid: P95 of downtime
    over 5 years", "hours")."""
    quantity, unit = _quantity(str(output.column), ctx)
    a = ctx.scenario_label(output.scenario)
    if output.statistic == "difference":
        b = ctx.scenario_label(output.baseline)
        text = label("sens_output_difference", ctx.lang, a=a, b=b, quantity=quantity)
    elif output.statistic == "quantile":
        q = round(float(output.q) * 100, 1)
        q_text = format_number(q, ctx.lang, _decimals([q], 1))
        text = label("sens_output_quantile", ctx.lang, a=a, q=q_text, quantity=quantity)
    else:
        text = label("sens_output_mean", ctx.lang, a=a, quantity=quantity)
    return text, unit


def _unit_of(output_label: str, unit: str | None) -> str:
    if unit is not None:
        if unit not in ("eur", "hours", "number"):
            raise ValueError(f"unit (={unit!r}) must be 'eur' or 'hours'")
        return unit
    text = output_label.lower()
    words = ("hour", "stunde", "downtime", "ausfallzeit")
    return "hours" if any(w in text for w in words) else "eur"


def _with_unit(text: str, unit: str, lang: str) -> str:
    """An axis label with its unit: "... (NPV)" -> "... (NPV, EUR)", "..." -> "... (hours)"."""
    if unit == "number":
        return text
    word = label("sens_unit_eur" if unit == "eur" else "sens_unit_hours", lang)
    if word in text:
        return text
    return f"{text[:-1]}, {word})" if text.endswith(")") else f"{text} ({word})"


def _wrap_label(text: str, width: int) -> str:
    """An axis label over lines of at most `width` characters, breaking after a colon first:
    "Hybrid minus External:\nmean cost over 5 years (NPV, EUR)"."""
    if len(text) <= width:
        return text
    head, colon, tail = text.partition(": ")
    if colon and len(head) < width:
        return f"{head}:\n{_wrap(tail, width)}"
    return _wrap(text, width)


def _output_formatter(unit: str, lang: str):
    return EuroFormatter(lang) if unit == "eur" else NumberFormatter(lang)


def _format_output(value: float, unit: str, lang: str) -> str:
    if unit == "eur":
        return format_eur_short(value, lang)
    text = format_number(value, lang, _plain_decimals(value) if abs(value) < 100 else 0)
    return label("sens_hours_value", lang, value=text) if unit == "hours" else text


def _value_formatter(path: str, lang: str):
    kind = parameter_kind(path)
    if kind == "eur":
        return EuroFormatter(lang)
    return PercentFormatter(lang) if kind == "percent" else NumberFormatter(lang)


def _offset(fig, dx_pt: float = 0.0, dy_pt: float = 0.0) -> ScaledTranslation:
    return ScaledTranslation(dx_pt / 72, dy_pt / 72, fig.dpi_scale_trans)


def _row_limits(ax, n: int) -> None:
    """Rows 0..n-1 from the top down; fewer than four rows are centred at the height of four,
    so that a few bars are not drawn as blocks."""
    pad = max(0.0, (4 - n) / 2)
    ax.set_ylim(n - 0.5 + pad, -0.5 - pad)


def _fit_xlim(fig, ax, texts: list, lo: float, hi: float) -> None:
    """Widen the x limits [lo, hi] until every text lies inside the axes."""
    renderer = fig.canvas.get_renderer()
    ax.set_xlim(lo, hi)
    for _ in range(8):
        fig.draw_without_rendering()
        box = ax.get_window_extent(renderer)
        left = max((box.x0 - t.get_window_extent(renderer).x0 for t in texts), default=0.0)
        right = max((t.get_window_extent(renderer).x1 - box.x1 for t in texts), default=0.0)
        if left <= 0.5 and right <= 0.5:
            return
        per_px = (hi - lo) / max(box.width, 1.0)
        lo -= max(left, 0.0) * per_px * 1.15 + (per_px * 4 if left > 0.5 else 0)
        hi += max(right, 0.0) * per_px * 1.15 + (per_px * 4 if right > 0.5 else 0)
        ax.set_xlim(lo, hi)


# -- tornado --------------------------------------------------------------------------------------


def plot_tornado(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int = 15,
    unit: str | None = None,
) -> FigureResult:
    """Tornado: one row per parameter (largest swing at the top, at most `top`), bars from the
    baseline (all parameters at their medians) to the result with the parameter at its P10
    (light) and at its P90 (dark); the parameter's P10/P90 values are written at the bar ends.
    The result axis is in EUR, or in hours (`unit="hours"`, or an `output_label` that says
    hours)."""
    lang = ctx.lang
    unit = _unit_of(output_label, unit)
    rows = table.sort_values("swing", ascending=False, kind="stable").head(top)
    rows = rows.reset_index(drop=True)
    n = len(rows)
    parameters = [str(p) for p in rows["parameter"]]
    low = rows["output_low"].to_numpy(float)
    high = rows["output_high"].to_numpy(float)
    if n:
        baseline = float(rows["baseline"].iloc[0])
    elif "baseline" in table and len(table):
        baseline = float(table["baseline"].iloc[0])
    else:
        baseline = 0.0
    has_values = {"low_value", "high_value"} <= set(rows.columns)
    low_value = rows["low_value"].to_numpy(float) if has_values else np.full(n, np.nan)
    high_value = rows["high_value"].to_numpy(float) if has_values else np.full(n, np.nan)
    low_text = [
        format_parameter_value(p, v, lang) for p, v in zip(parameters, low_value, strict=True)
    ]
    high_text = [
        format_parameter_value(p, v, lang) for p, v in zip(parameters, high_value, strict=True)
    ]
    title = label("sens_tornado_title", lang)
    subtitle = label("sens_tornado_subtitle", lang, output=output_label)
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        handles = [Patch(color=LOW_COLOUR), Patch(color=HIGH_COLOUR)]
        names = [label("sens_at_p10", lang), label("sens_at_p90", lang)]
        _figure_legend(fig, handles, names, "bottom", ncols=2, fontsize=13)
        # rows of two-line names where they fit, else one line and a smaller font
        rect_height_pt = fig.get_layout_engine().get()["rect"][3] * fig.get_size_inches()[1] * 72
        pitch = (rect_height_pt - 95) / max(n, 1)
        if pitch >= 2.6 * 13:
            wrap, size = _TORNADO_WRAP, 13
        elif pitch >= 2.45 * 12:
            wrap, size = _TORNADO_WRAP, 12
        else:
            wrap, size = 80, 12
        names = [parameter_label(p, lang, ctx, wrap) for p in parameters]
        y = np.arange(n, dtype=float)
        texts, ends = [], []
        split = np.zeros(n, dtype=bool)
        for i in range(n):
            d_low, d_high = np.sign(low[i] - baseline), np.sign(high[i] - baseline)
            split[i] = d_low * d_high > 0
            if split[i]:
                y_low, y_high, height = y[i] - 0.19, y[i] + 0.19, 0.36
            else:
                y_low = y_high = y[i]
                height = 0.7
                if d_low == 0 and d_high == 0:
                    d_low, d_high = -1.0, 1.0
                elif d_low == 0:
                    d_low = -d_high
                elif d_high == 0:
                    d_high = -d_low
            for value, yy, colour, direction, text, which in (
                (low[i], y_low, LOW_COLOUR, d_low, low_text[i], "low"),
                (high[i], y_high, HIGH_COLOUR, d_high, high_text[i], "high"),
            ):
                bar = ax.barh(
                    yy, value - baseline, left=baseline, height=height, color=colour, zorder=2
                )
                bar.patches[0].set_gid(f"{which}:{parameters[i]}")
                if not has_values:
                    continue
                artist = ax.text(
                    value,
                    yy,
                    text,
                    ha="left" if direction > 0 else "right",
                    va="center",
                    fontsize=12,
                    color=DARK,
                    zorder=4,
                    transform=ax.transData + _offset(fig, 5 * direction),
                )
                artist.set_gid(f"{which}_value")
                texts.append(artist)
            ends += [low[i], high[i]]
        ax.axvline(baseline, color=DARK, linewidth=1.4, zorder=3)
        blend = blended_transform_factory(ax.transData, ax.transAxes)
        base_text = ax.text(
            baseline,
            1.0,
            label("sens_baseline", lang, value=_format_output(baseline, unit, lang)),
            transform=blend + _offset(fig, 0, 4),
            ha="center",
            va="bottom",
            fontsize=13,
            fontweight="bold",
            color=DARK,
        )
        base_text.set_gid("baseline")
        ax.set_yticks(y, names, fontsize=size)
        _row_limits(ax, n)  # largest swing at the top
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(_output_formatter(unit, lang))
        ax.xaxis.set_major_locator(MaxNLocator(8))
        ax.set_xlabel(_with_unit(output_label, unit, lang))
        values = [baseline, *ends]
        lo, hi = min(values), max(values)
        span = hi - lo if hi > lo else abs(hi) * 0.1 or 1.0
        _fit_xlim(fig, ax, [*texts, base_text], lo - 0.04 * span, hi + 0.04 * span)
        _merge_colliding(fig, ax, texts, split, low, high, baseline, low_text, high_text)
        data = {
            "parameters": parameters,
            "labels": names,
            "y": y,
            "baseline": baseline,
            "output_low": low,
            "output_high": high,
            "swing": rows["swing"].to_numpy(float),
            "low_value": low_value,
            "high_value": high_value,
            "low_text": low_text,
            "high_text": high_text,
            "unit": unit,
        }
        return _result(fig, out_base, ctx, data)


def _merge_colliding(fig, ax, texts, split, low, high, baseline, low_text, high_text) -> None:
    """Rows with both ends on one side of the baseline (two thin bars): where their value labels
    would touch, write both at the far end ("P10 … · P90 …") instead."""
    if len(texts) != 2 * len(split) or not split.any():
        return
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    changed = False
    for i in np.flatnonzero(split):
        t_low, t_high = texts[2 * i], texts[2 * i + 1]
        if not t_low.get_window_extent(renderer).overlaps(t_high.get_window_extent(renderer)):
            continue
        far_is_low = abs(low[i] - baseline) >= abs(high[i] - baseline)
        far, near = (t_low, t_high) if far_is_low else (t_high, t_low)
        far.set_text(f"P10 {low_text[i]} · P90 {high_text[i]}")
        far.set_position((far.get_position()[0], float(i)))
        near.set_visible(False)
        changed = True
    if changed:
        _fit_xlim(fig, ax, [t for t in texts if t.get_visible()], *ax.get_xlim())


# -- spider ---------------------------------------------------------------------------------------


def plot_spider(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int = 8,
    unit: str | None = None,
) -> FigureResult:
    """Spider plot: the result (y) against the percentile of one parameter (x, P10 to P90), the
    others at their medians; one line per parameter, the `top` with the largest range (flat
    lines left out). The legend lists the lines in the order of their right ends, top to
    bottom. The axis is in EUR, or in hours (`unit="hours"`, or an `output_label` that says
    hours or downtime)."""
    lang = ctx.lang
    unit = _unit_of(output_label, unit)
    frame = table.dropna(subset=["output"])
    ranges = frame.groupby("parameter", sort=False)["output"].agg(lambda s: s.max() - s.min())
    scale = float(frame["output"].abs().max()) if len(frame) else 0.0
    ranges = ranges[ranges > 1e-9 * max(scale, 1.0)]  # flat lines (no effect) are left out
    chosen = [str(p) for p in ranges.sort_values(ascending=False, kind="stable").head(top).index]
    title = label("sens_spider_title", lang)
    subtitle = label("sens_spider_subtitle", lang, output=output_label)
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        data: dict[str, Any] = {"parameters": chosen, "lines": {}, "unit": unit}
        lines = {}
        for i, p in enumerate(chosen):
            rows = frame[frame["parameter"] == p].sort_values("percentile")
            x = rows["percentile"].to_numpy(float)
            yv = rows["output"].to_numpy(float)
            values = rows["value"].to_numpy(float) if "value" in rows else np.full(x.size, np.nan)
            (line,) = ax.plot(
                x,
                yv,
                color=LINE_COLOURS[i % len(LINE_COLOURS)],
                marker=_MARKERS[i % len(_MARKERS)],
                markersize=8,
                linewidth=2.4,
                label=parameter_label(p, lang, ctx, 40),
            )
            lines[p] = line
            data["lines"][p] = {"percentile": x, "output": yv, "value": values}
        percentiles = np.unique(frame["percentile"].to_numpy(float))
        if percentiles.size:
            ax.set_xticks(percentiles, [f"P{round(100 * q)}" for q in percentiles])
            pad = 0.03 * (percentiles.max() - percentiles.min() or 1.0)
            ax.set_xlim(percentiles.min() - pad, percentiles.max() + pad)
        ax.set_xlabel(label("sens_spider_x", lang))
        ax.set_ylabel(_wrap_label(_with_unit(output_label, unit, lang), 48))
        ax.yaxis.set_major_formatter(_output_formatter(unit, lang))
        ax.yaxis.set_major_locator(MaxNLocator(7))
        order = sorted(chosen, key=lambda p: -data["lines"][p]["output"][-1])
        data["legend_order"] = order
        if order:
            _figure_legend(
                fig,
                [lines[p] for p in order],
                [lines[p].get_label() for p in order],
                "right",
                fontsize=12,
                title=label("sens_spider_legend", lang),
                alignment="left",
                labelspacing=0.8,
            )
        return _result(fig, out_base, ctx, data)


# -- Sobol ----------------------------------------------------------------------------------------


def plot_sobol(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    output_label: str,
    top: int | None = 15,
) -> FigureResult:
    """Sobol indices: per parameter a first-order bar (the parameter alone) and a total-order bar
    (with its interactions), with bootstrap intervals, sorted by total order (largest at the
    top; at most `top` rows). The axis runs from 0 to 100 % of the variance; indices below zero
    (estimation noise) are drawn at zero, `data` keeps the exact values."""
    lang = ctx.lang
    rows = table.sort_values("total_order", ascending=False, kind="stable", na_position="last")
    rows = rows.head(top) if top else rows
    rows = rows.reset_index(drop=True)
    n = len(rows)
    parameters = [str(p) for p in rows["parameter"]]
    columns = (
        "first_order",
        "first_ci_low",
        "first_ci_high",
        "total_order",
        "total_ci_low",
        "total_ci_high",
    )
    exact = {c: rows[c].to_numpy(float) if c in rows else np.full(n, np.nan) for c in columns}
    title = label("sens_sobol_title", lang)
    subtitle = label("sens_sobol_subtitle", lang, output=output_label)
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        interval = Line2D([], [], color=DARK, linewidth=1.6, marker="|", markersize=10)
        _figure_legend(
            fig,
            [Patch(color=FIRST_ORDER_COLOUR), Patch(color=TOTAL_ORDER_COLOUR), interval],
            [
                label("sens_first_order", lang),
                label("sens_total_order", lang),
                label("sens_bootstrap_ci", lang),
            ],
            "bottom",
            ncols=3,
            fontsize=13,
        )
        rect_height_pt = fig.get_layout_engine().get()["rect"][3] * fig.get_size_inches()[1] * 72
        pitch = (rect_height_pt - 70) / max(n, 1)
        wrap, size = (
            (_TORNADO_WRAP, 13)
            if pitch >= 2.6 * 13
            else ((_TORNADO_WRAP, 12) if pitch >= 2.45 * 12 else (80, 12))
        )
        names = [parameter_label(p, lang, ctx, wrap) for p in parameters]
        y = np.arange(n, dtype=float)
        height = 0.38
        drawn: dict[str, np.ndarray] = {}
        for key, offset, colour in (
            ("first", -height / 2, FIRST_ORDER_COLOUR),
            ("total", height / 2, TOTAL_ORDER_COLOUR),
        ):
            values = exact[f"{key}_order"]
            shown = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)
            bars = ax.barh(y + offset, shown, height=height, color=colour, zorder=2)
            for patch, p in zip(bars.patches, parameters, strict=True):
                patch.set_gid(f"{key}:{p}")
            drawn[key] = shown
            ci_low, ci_high = exact[f"{key}_ci_low"], exact[f"{key}_ci_high"]
            for j in range(n):
                lo_ci, hi_ci = ci_low[j], ci_high[j]
                if not (np.isfinite(lo_ci) and np.isfinite(hi_ci)):
                    continue
                a, b = float(np.clip(lo_ci, 0, 1)), float(np.clip(hi_ci, 0, 1))
                ax.hlines(y[j] + offset, a, b, color=DARK, linewidth=1.6, zorder=3)
                caps = [v for v, raw in ((a, lo_ci), (b, hi_ci)) if 0 <= raw <= 1]
                if caps:
                    ax.plot(
                        caps,
                        [y[j] + offset] * len(caps),
                        linestyle="none",
                        marker="|",
                        markersize=10,
                        markeredgewidth=1.6,
                        color=DARK,
                        zorder=3,
                    )
        ax.set_yticks(y, names, fontsize=size)
        _row_limits(ax, n)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_locator(FixedLocator(np.linspace(0, 1, 6)))
        ax.xaxis.set_major_formatter(PercentFormatter(lang))
        ax.set_xlabel(label("sens_sobol_axis", lang))
        data = {
            "parameters": parameters,
            "labels": names,
            "y": y,
            **exact,
            "first_drawn": drawn["first"],
            "total_drawn": drawn["total"],
        }
        return _result(fig, out_base, ctx, data)


# -- break-even -----------------------------------------------------------------------------------


def _scenario_id(ctx: FigureContext, name: str, given: str | None) -> str | None:
    if given:
        return given
    if name in ctx.scenario_labels:
        return name
    return next((s for s, text in ctx.scenario_labels.items() if text == name), None)


def plot_break_even(
    table: pd.DataFrame,
    flip: Mapping[str, float] | None,
    ctx: FigureContext,
    out_base: str | Path,
    parameter: str,
    a_label: str,
    b_label: str,
    unit_of_x: str | None = None,
    *,
    a: str | None = None,
    b: str | None = None,
    column: str = "cost_npv_eur",
) -> FigureResult:
    """Break-even of a swept parameter: the mean cost difference a − b (y, EUR) against the
    parameter's value (x) with its confidence band, the zero line, the break-even point marked
    and stated in words ("Hybrid becomes cheaper than External above 87 EUR per user per
    month"; without a flip: which option is cheaper over the whole range) and the band where
    the interval includes zero hatched. `a`/`b` are the scenario ids (for their colours; found
    from the labels if not given); `unit_of_x` overrides the unit words of the parameter."""
    lang = ctx.lang
    flip = dict(flip or {})
    frame = table.sort_values("value")
    x = frame["value"].to_numpy(float)
    d = frame["mean_difference"].to_numpy(float)
    ci_low = frame["ci_low"].to_numpy(float) if "ci_low" in frame else np.full(x.size, np.nan)
    ci_high = frame["ci_high"].to_numpy(float) if "ci_high" in frame else np.full(x.size, np.nan)
    break_even = float(flip.get("break_even", math.nan))
    band = (float(flip.get("band_low", math.nan)), float(flip.get("band_high", math.nan)))
    has_band = all(math.isfinite(v) for v in band)
    unit_arg: bool | str = unit_of_x if unit_of_x else True

    def value_text(v: float) -> str:
        return format_parameter_value(parameter, v, lang, unit=unit_arg)

    if math.isfinite(break_even):
        before, after = d[x < break_even], d[x > break_even]
        dearer_before = before[-1] > 0 if before.size and before[-1] != 0 else after[:1].sum() < 0
        cheaper, other = (a_label, b_label) if dearer_before else (b_label, a_label)
        sentence = label(
            "sens_becomes_cheaper", lang, a=cheaper, b=other, value=value_text(break_even)
        )
    else:
        finite = d[np.isfinite(d)]
        ends = {"low": value_text(x.min()), "high": value_text(x.max())} if x.size else {}
        ends = ends or {"low": "–", "high": "–"}
        if finite.size and (finite <= 0).all() and (finite < 0).any():
            sentence = label("sens_cheaper_throughout", lang, a=a_label, b=b_label, **ends)
        elif finite.size and (finite >= 0).all() and (finite > 0).any():
            sentence = label("sens_cheaper_throughout", lang, a=b_label, b=a_label, **ends)
        else:
            sentence = label("sens_same_throughout", lang, a=a_label, b=b_label, **ends)
    title = label("sens_break_even_title", lang, a=a_label, b=b_label)
    key = "sens_break_even_subtitle_band" if has_band else "sens_break_even_subtitle"
    subtitle = label(key, lang, runs=_runs(ctx), a=a_label)
    id_a, id_b = _scenario_id(ctx, a_label, a), _scenario_id(ctx, b_label, b)
    colour_a = ctx.colour(id_a) if id_a else PALETTE[0]
    colour_b = ctx.colour(id_b) if id_b else PALETTE[1]
    quantity, _ = _quantity(column, ctx)
    y_label = _with_unit(
        label("sens_output_difference", lang, a=a_label, b=b_label, quantity=quantity), "eur", lang
    )
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        (mean_line,) = ax.plot(x, d, color=DARK, linewidth=2.6, marker="o", markersize=6, zorder=4)
        handles = [mean_line]
        names = [label("sens_mean_difference", lang)]
        if np.isfinite(ci_low).any():
            fill = ax.fill_between(
                x, ci_low, ci_high, color=_BAND_COLOUR, alpha=0.3, linewidth=0, zorder=2
            )
            handles.append(fill)
            names.append(label("sens_ci95", lang))
        ax.axhline(0, color=NEUTRAL, linewidth=1.4, zorder=3)
        shown = np.concatenate([d, ci_low, ci_high, [0.0]])
        shown = shown[np.isfinite(shown)]
        lo, hi = float(shown.min()), float(shown.max())
        pad = 0.08 * (hi - lo if hi > lo else abs(hi) or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        if x.size:
            x_pad = 0.02 * (x.max() - x.min() or abs(x.max()) or 1.0)
            ax.set_xlim(x.min() - x_pad, x.max() + x_pad)
        if has_band:
            left, right = min(band), max(band)
            if right - left < 1e-9 * max(1.0, abs(right)):
                width = 0.004 * (ax.get_xlim()[1] - ax.get_xlim()[0])
                left, right = left - width, right + width
            span = ax.axvspan(
                left,
                right,
                facecolor="none",
                edgecolor=_HATCH_COLOUR,
                hatch="//",
                linewidth=0,
                zorder=1,
            )
            span.set_hatch_linewidth(0.8)
            handles.append(span)
            names.append(label("sens_no_clear_winner", lang))
        data: dict[str, Any] = {
            "value": x,
            "mean_difference": d,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "break_even": break_even,
            "band": band,
            "sentence": sentence,
            "marker": None,
        }
        blend = blended_transform_factory(ax.transAxes, ax.transData)
        for text, colour, va, dy in (
            (label("sens_cheaper_above", lang, b=b_label), colour_b, "bottom", 5),
            (label("sens_cheaper_below", lang, a=a_label), colour_a, "top", -5),
        ):
            ax.text(
                1.01,
                0,
                _wrap(text, 16),
                transform=blend + _offset(fig, 0, dy),
                ha="left",
                va=va,
                fontsize=13,
                fontweight="bold",
                color=colour,
                clip_on=False,
            )
        if math.isfinite(break_even):
            (marker,) = ax.plot(
                [break_even],
                [0.0],
                linestyle="none",
                marker="o",
                markersize=15,
                markerfacecolor="white",
                markeredgecolor=DARK,
                markeredgewidth=2.6,
                zorder=6,
            )
            marker.set_gid("break_even")
            data["marker"] = (break_even, 0.0)
            short = format_parameter_value(parameter, break_even, lang)
            note = ax.annotate(
                label("sens_break_even_mark", lang, value=short),
                (break_even, 0.0),
                xytext=(12, 10),
                textcoords="offset points",
                fontsize=14,
                fontweight="bold",
                color=DARK,
                zorder=7,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
            )
            note.set_gid("break_even_label")
        headline = ax.set_title(sentence, fontsize=15, color=DARK, loc="left")
        renderer = fig.canvas.get_renderer()
        _fit_width(headline, fig.bbox.width - 3.2 * fig.dpi, renderer)
        ax.xaxis.set_major_formatter(_value_formatter(parameter, lang))
        ax.xaxis.set_major_locator(MaxNLocator(10))
        ax.yaxis.set_major_formatter(EuroFormatter(lang))
        ax.yaxis.set_major_locator(MaxNLocator(8))
        ax.set_xlabel(parameter_label(parameter, lang, ctx, wrap=None))
        ax.set_ylabel(_wrap_label(y_label, 44))
        _figure_legend(fig, handles, names, "bottom", ncols=len(handles), fontsize=13)
        if math.isfinite(break_even):
            _place_labels(fig, ax, [note], [mean_line, marker])
        return _result(fig, out_base, ctx, data)


# -- decision map ---------------------------------------------------------------------------------


def _tick_values(path: str, values: list[float], lang: str) -> list[str]:
    """Parameter values on a grid axis: as in the text; amounts compact ("€39k") on an axis
    reaching 10,000 EUR, with the same unit and decimals on every tick."""
    biggest = max((abs(v) for v in values), default=0.0)
    if parameter_kind(path) == "eur" and biggest >= 10_000:
        scale, most = (1e6, 1) if biggest >= 1e6 else (1e3, 0)
        decimals = _decimals([v / scale for v in values], most)
        return [format_eur_short(v, lang, scale=scale, decimals=decimals) for v in values]
    return [format_parameter_value(path, v, lang) for v in values]


def _cell_shade(p: float, n_options: int) -> float:
    """Opacity of a cell: 0.2 where the preferred option is no more likely to be the cheapest
    than a random pick (1/n), 1.0 where it is always the cheapest."""
    if not math.isfinite(p):
        return 0.2
    floor = 1.0 / max(n_options, 2)
    return 0.2 + 0.8 * float(np.clip((p - floor) / (1.0 - floor), 0.0, 1.0))


def _text_colour(colour: str, alpha: float) -> str:
    rgb = np.array(mcolors.to_rgb(colour))
    seen = 1.0 - alpha * (1.0 - rgb)  # over white
    luminance = float(seen @ np.array([0.2126, 0.7152, 0.0722]))
    return "white" if luminance < 0.5 else DARK


def _thin_category_ticks(fig, ax, axis: str) -> None:
    """Label every k-th cell on a crowded axis, so that tick labels do not touch."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    texts = [t.get_text() for t in ticks]
    for step in range(1, len(texts) + 1):
        for j, t in enumerate(ticks):
            t.set_visible(j % step == 0)
        visible = [
            t.get_window_extent(renderer).expanded(1.1, 1.1) for t in ticks if t.get_visible()
        ]
        if not any(a.overlaps(b) for a, b in pairwise(visible)):
            return


def plot_decision_map(
    table: pd.DataFrame,
    ctx: FigureContext,
    out_base: str | Path,
    x_parameter: str,
    y_parameter: str,
    scenario_labels: Mapping[str, str] | None = None,
) -> FigureResult:
    """Decision map over two parameters: each cell coloured by the option with the lowest mean
    cost (`ctx.colour`), its opacity by the probability that this option is the cheapest
    (darker = more certain), the probability written in the cell (with the option's name where
    it fits)."""
    lang = ctx.lang
    xs = sorted(set(table["x"].astype(float)))
    ys = sorted(set(table["y"].astype(float)))
    compared = [str(c)[5:] for c in table.columns if str(c).startswith("mean_")]
    scenarios = ctx.ordered([*compared, *table["preferred"].astype(str)])
    n_options = len(compared) if compared else max(len(scenarios), 2)

    def name(s: str) -> str:
        return (scenario_labels or {}).get(s) or ctx.scenario_label(s)

    title = label("sens_decision_title", lang)
    subtitle = label("sens_decision_subtitle", lang, runs=_runs(ctx))
    with _style():
        fig, (ax,) = _new_figure(ctx, title, subtitle)
        _figure_legend(
            fig,
            [Patch(color=ctx.colour(s)) for s in scenarios],
            [name(s) for s in scenarios],
            "right",
            fontsize=13,
            title=label("sens_cheapest_on_average", lang),
            alignment="left",
        )
        cells = []
        for row in table.itertuples(index=False):
            i, j = xs.index(float(row.x)), ys.index(float(row.y))
            preferred = str(row.preferred)
            p = float(row.p_cheapest)
            colour = ctx.colour(preferred)
            alpha = _cell_shade(p, n_options)
            patch = Rectangle(
                (i - 0.5, j - 0.5),
                1.0,
                1.0,
                facecolor=colour,
                alpha=alpha,
                edgecolor="white",
                linewidth=2.0,
                zorder=2,
            )
            patch.set_gid(f"cell:{i}:{j}")
            ax.add_patch(patch)
            cells.append(
                {
                    "x": float(row.x),
                    "y": float(row.y),
                    "preferred": preferred,
                    "p_cheapest": p,
                    "colour": colour,
                    "alpha": alpha,
                    "patch": patch,
                    "text": format_percent(p, lang),
                }
            )
        ax.set_xlim(-0.5, len(xs) - 0.5)
        ax.set_ylim(-0.5, len(ys) - 0.5)
        ax.set_xticks(range(len(xs)), _tick_values(x_parameter, xs, lang))
        ax.set_yticks(range(len(ys)), _tick_values(y_parameter, ys, lang))
        ax.tick_params(axis="both", length=0, labelsize=13)
        ax.grid(visible=False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(parameter_label(x_parameter, lang, ctx, wrap=None))
        ax.set_ylabel(parameter_label(y_parameter, lang, ctx, wrap=36))
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        cell_w = box.width / max(len(xs), 1)
        cell_h = box.height / max(len(ys), 1)
        size = 14 if min(cell_w, cell_h) >= 0.55 * fig.dpi else 12
        texts = []
        for cell in cells:
            i, j = xs.index(cell["x"]), ys.index(cell["y"])
            text = ax.text(
                i,
                j,
                f"{name(cell['preferred'])}\n{cell['text']}",
                ha="center",
                va="center",
                fontsize=size,
                color=_text_colour(cell["colour"], cell["alpha"]),
                zorder=3,
                linespacing=1.25,
            )
            text.set_gid("cell_text")
            texts.append(text)

        def fits(share: float) -> bool:
            boxes = [t.get_window_extent(renderer) for t in texts]
            return all(b.width <= share * cell_w and b.height <= share * cell_h for b in boxes)

        # the same content in every cell: name and probability, else the probability only
        if not fits(0.86):
            for text, cell in zip(texts, cells, strict=True):
                text.set_text(cell["text"])
            if not fits(0.96):
                for text in texts:
                    text.set_visible(False)
        for text, cell in zip(texts, cells, strict=True):
            cell["written"] = text.get_text() if text.get_visible() else ""
        _thin_category_ticks(fig, ax, "x")
        _thin_category_ticks(fig, ax, "y")
        for cell in cells:
            del cell["patch"]
        data = {
            "x_parameter": x_parameter,
            "y_parameter": y_parameter,
            "x_values": xs,
            "y_values": ys,
            "scenarios": scenarios,
            "cells": cells,
        }
        return _result(fig, out_base, ctx, data)


# -- all figures of a sensitivity result ----------------------------------------------------------


def write_sensitivity_figures(
    result: Any,
    ctx: FigureContext,
    out_dir: str | Path,
    settings: Any = None,
) -> dict[str, FigureResult]:
    """Draw every table of a `sensitivity.SensitivityResult` into `out_dir` (stems `tornado`,
    `spider`, `sobol`, `break_even`, `decision_map`, "_de" in German); returns the figures by
    stem. The footer states the result's replications per design point and seed.

    The swept parameter and scenarios of the break-even and the two parameters of the decision
    map come from `settings` (the config's `sensitivity` section) or `result.settings`; without
    them the axes are labelled generically."""
    settings = settings if settings is not None else getattr(result, "settings", None)
    provenance = replace(  # planned=0: design points are complete or not written at all
        ctx.provenance,
        runs=int(result.runs),
        seed=int(result.seed),
        footer_key="footer_design",
        planned=0,
    )
    ctx = replace(ctx, provenance=provenance)
    output_label, unit = describe_output(result.output, ctx)
    path = lambda stem: figure_path(out_dir, stem, ctx.lang)  # noqa: E731
    figures: dict[str, FigureResult] = {}
    if result.tornado is not None and len(result.tornado):
        figures["tornado"] = plot_tornado(
            result.tornado, ctx, path("tornado"), output_label, unit=unit
        )
    if result.spider is not None and len(result.spider):
        figures["spider"] = plot_spider(result.spider, ctx, path("spider"), output_label, unit=unit)
    if result.sobol is not None and len(result.sobol):
        sobol_runs = getattr(result, "sobol_runs", None) or result.runs
        sobol_ctx = replace(ctx, provenance=replace(provenance, runs=int(sobol_runs)))
        figures["sobol"] = plot_sobol(result.sobol, sobol_ctx, path("sobol"), output_label)
    if result.break_even is not None and len(result.break_even):
        be = getattr(settings, "break_even", None)
        output = result.output
        if be is not None:
            parameter, a, b = be.sweep.parameter, be.a, be.b
        else:
            parameter = str(result.break_even.attrs.get("parameter", ""))
            a, b = output.scenario, output.baseline or output.scenario
        figures["break_even"] = plot_break_even(
            result.break_even,
            result.flip,
            ctx,
            path("break_even"),
            parameter or label("sens_swept", ctx.lang),
            ctx.scenario_label(a),
            ctx.scenario_label(b),
            a=a,
            b=b,
            column=output.column,
        )
    if result.decision_map is not None and len(result.decision_map):
        dm = getattr(settings, "decision_map", None)
        attrs = result.decision_map.attrs
        x_parameter = dm.x.parameter if dm is not None else str(attrs.get("x_parameter", "x"))
        y_parameter = dm.y.parameter if dm is not None else str(attrs.get("y_parameter", "y"))
        figures["decision_map"] = plot_decision_map(
            result.decision_map, ctx, path("decision_map"), x_parameter, y_parameter
        )
    structural = getattr(result, "structural", None)
    if structural is not None and len(structural):
        from simulation.reporting.whatif import WhatIf, plot_structural_grid

        st = getattr(settings, "structural", None)
        variants = [v.model_dump(by_alias=True) for v in st.variants] if st is not None else []
        runs = int(getattr(result, "structural_runs", None) or result.runs)
        grid_ctx = replace(ctx, provenance=replace(provenance, runs=runs))
        figures["structural_grid"] = plot_structural_grid(
            WhatIf(structural, None, {"variants": variants}), grid_ctx, path("structural_grid")
        )
    return figures


__all__ = [
    "PARAMETER_NAMES",
    "SENSITIVITY_STEMS",
    "describe_output",
    "format_parameter_value",
    "parameter_kind",
    "parameter_label",
    "plot_break_even",
    "plot_decision_map",
    "plot_sobol",
    "plot_spider",
    "plot_tornado",
    "write_sensitivity_figures",
]
