"""Assumptions and results of a sensitivity analysis in words: readable names of parameter paths
("staff.turnover_rate_per_year" -> "Staff turnover rate (per year)"), their values as written in
a figure, and what the analysed result is ("Hybrid minus Internal: mean cost over 5 years
(NPV)"), in English and German."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulation.reporting import catalogue
from simulation.reporting.figures.frame import (
    EuroFormatter,
    FigureContext,
    NumberFormatter,
    PercentFormatter,
    decimals_needed,
    wrap_text,
)
from simulation.reporting.figures.texts import figure_text
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

# -- parameter names ------------------------------------------------------------------------------

#: Readable names of parameters (English, German), by leaf name or by "<parent>.<leaf>" where
#: the parent changes the meaning (outages, failure, contracts, internal_costs).
PARAMETER_NAMES: dict[str, tuple[str, str]] = catalogue.pairs("parameters")

#: Role names of the reference config (English, German); other roles get their id with spaces.
ROLE_NAMES: dict[str, tuple[str, str]] = catalogue.pairs("roles")

#: Provider names (English, German); short, as they follow a parameter name.
PROVIDER_NAMES: dict[str, tuple[str, str]] = catalogue.pairs("providers")

#: Unit words after a value in a sentence ("87 EUR per user per month"), by leaf name.
_UNIT_WORDS: dict[str, tuple[str, str]] = catalogue.pairs("unit_words")
#: Unit words of other parameters by the ending of their name: the first ending that matches.
_SUFFIX_WORDS = catalogue.pairs("suffix_units")
_SUFFIX_UNITS: tuple[tuple[str, tuple[str, str]], ...] = tuple(
    (suffix, _SUFFIX_WORDS[suffix])
    for suffix in ("_eur", "_days_per_year", "_hours", "_months", "_years", "_per_year")
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
        return "\n".join([wrap_text(f"{name} —", wrap), wrap_text(entity, wrap)])
    return wrap_text(text, wrap)


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
    return decimals_needed([round(value, d)], d)


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
        decimals = 0 if abs(value) >= 10 else decimals_needed([round(value, 2)], 2)
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


def quantity_words(column: str, ctx: FigureContext) -> tuple[str, str]:
    """The quantity of a replication column in words, and its unit ("eur", "hours", "number")."""
    lang, years = ctx.lang, ctx.horizon_years
    if column == "cost_npv_eur":
        return label("sens_quantity_npv", lang, years=years), "eur"
    if column == "cost_total_eur":
        return label("sens_quantity_total", lang, years=years), "eur"
    if column == "downtime_hours":
        return label("sens_quantity_downtime", lang, years=years), "hours"
    group = _strip_affixes(column, "cost_", "_eur")
    if group in ("budget_npv", "budget_total", "risk_npv", "risk_total"):
        return figure_text(f"quantity_{group}", lang, years=years), "eur"
    service = _strip_affixes(column, "cost_service_", "_eur")
    if service:
        name = ctx.service_label(service)
        return figure_text("quantity_service", lang, service=name, years=years), "eur"
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
    quantity, unit = quantity_words(str(output.column), ctx)
    a = ctx.scenario_label(output.scenario)
    if output.statistic == "difference":
        b = ctx.scenario_label(output.baseline)
        text = label("sens_output_difference", ctx.lang, a=a, b=b, quantity=quantity)
    elif output.statistic == "quantile":
        q = round(float(output.q) * 100, 1)
        q_text = format_number(q, ctx.lang, decimals_needed([q], 1))
        text = label("sens_output_quantile", ctx.lang, a=a, q=q_text, quantity=quantity)
    else:
        text = label("sens_output_mean", ctx.lang, a=a, quantity=quantity)
    return text, unit


def output_unit(output_label: str, unit: str | None) -> str:
    """The unit of a result axis: `unit` if given ("eur", "hours", "number"), else hours when
    the label speaks of hours or downtime, else euros."""
    if unit is not None:
        if unit not in ("eur", "hours", "number"):
            raise ValueError(f"unit (={unit!r}) must be 'eur' or 'hours'")
        return unit
    text = output_label.lower()
    words = ("hour", "stunde", "downtime", "ausfallzeit")
    return "hours" if any(w in text for w in words) else "eur"


def with_unit(text: str, unit: str, lang: str) -> str:
    """An axis label with its unit: "... (NPV)" -> "... (NPV, EUR)", "..." -> "... (hours)"."""
    if unit == "number":
        return text
    word = label("sens_unit_eur" if unit == "eur" else "sens_unit_hours", lang)
    if word in text:
        return text
    return f"{text[:-1]}, {word})" if text.endswith(")") else f"{text} ({word})"


def wrap_label(text: str, width: int) -> str:
    """An axis label over lines of at most `width` characters, breaking after a colon first:
    "Hybrid minus External:\nmean cost over 5 years (NPV, EUR)"."""
    if len(text) <= width:
        return text
    head, colon, tail = text.partition(": ")
    if colon and len(head) < width:
        return f"{head}:\n{wrap_text(tail, width)}"
    return wrap_text(text, width)


def output_formatter(unit: str, lang: str):
    """The tick formatter of a result axis in `unit`."""
    return EuroFormatter(lang) if unit == "eur" else NumberFormatter(lang)


def format_output_value(value: float, unit: str, lang: str) -> str:
    """A value of the result in a sentence: "€250k", "250 hours"."""
    if unit == "eur":
        return format_eur_short(value, lang)
    text = format_number(value, lang, _plain_decimals(value) if abs(value) < 100 else 0)
    return label("sens_hours_value", lang, value=text) if unit == "hours" else text


def value_formatter(path: str, lang: str):
    """The tick formatter of an axis of a parameter's values (euros, percentages, numbers)."""
    kind = parameter_kind(path)
    if kind == "eur":
        return EuroFormatter(lang)
    return PercentFormatter(lang) if kind == "percent" else NumberFormatter(lang)
