"""The "Options compared" table: what each option is — who runs each service in which service
hours, the in-house headcount per role, and the providers' prices — from metadata.json's
`options` (written by `itsim run`, see `simulation.config.effective.describe_options`)."""

from __future__ import annotations

from typing import Any

from simulation.reporting import catalogue
from simulation.reporting.labels import format_eur, format_number, format_percent

TEXT: dict[str, dict[str, str]] = catalogue.section("options")

COVERAGE: dict[str, dict[str, str]] = catalogue.section("coverage")


def text(key: str, lang: str, **values: Any) -> str:
    """The table's text `key` in language `lang`, formatted with `values`."""
    return TEXT[key][lang].format(**values)


def coverage_label(coverage: str, lang: str) -> str:
    """Service hours in words ("business hours + on call" / "Geschäftszeiten + Rufbereitschaft")."""
    return COVERAGE.get(coverage, {}).get(lang, coverage)


def _runner(terms: dict | None, lang: str) -> str:
    if terms is None:
        return text("none", lang)
    if terms["provider"] == "internal":
        return text("in_house", lang)
    name = terms.get("provider_name_de") if lang == "de" else None
    return name or terms.get("provider_name") or terms["provider"]


def _who_rows(options: dict, scenarios: list[str], services: list[str], ctx) -> list[list[str]]:
    """Per service who runs it in each option (in house or the provider's name)."""
    return [
        [ctx.service_label(service)]
        + [_runner(options[s]["services"].get(service), ctx.lang) for s in scenarios]
        for service in services
    ]


def _hours_rows(options: dict, scenarios: list[str], services: list[str], ctx) -> list[list[str]]:
    """Per service the service hours of whoever runs it in each option."""
    rows = []
    for service in services:
        row = [ctx.service_label(service)]
        for name in scenarios:
            terms = options[name]["services"].get(service)
            row.append(coverage_label(terms["coverage"], ctx.lang) if terms else "–")
        rows.append(row)
    return rows


def _team_rows(options: dict, scenarios: list[str], lang: str) -> list[list[str]]:
    names: dict[str, str] = {}
    for name in scenarios:
        key = "role_names_de" if lang == "de" else "role_names"
        names.update(options[name].get(key) or options[name].get("role_names") or {})
    rows = []
    for role, label in names.items():
        counts = [options[s]["headcount"].get(role, 0) for s in scenarios]
        rows.append([label, *(format_number(c, lang) for c in counts)])
    totals = [sum(options[s]["headcount"].values()) for s in scenarios]
    rows.append([text("team_total", lang), *(format_number(t, lang) for t in totals)])
    return rows


def _price(terms: dict | None, key: str, lang: str) -> str:
    if terms is None or terms["provider"] == "internal" or not terms.get(key):
        return text("none", lang)
    return format_eur(terms[key], lang, 2 if terms[key] < 1000 else 0)


def _price_rows(options: dict, scenarios: list[str], services: list[str], ctx) -> list[list[str]]:
    lang, rows = ctx.lang, []
    for service in services:
        for key, word in (
            ("fee_per_user_per_month_eur", "fee_user"),
            ("fixed_fee_per_month_eur", "fee_fixed"),
            ("fee_per_ticket_eur", "fee_ticket"),
        ):
            cells = [_price(options[s]["services"].get(service), key, lang) for s in scenarios]
            if any(c != text("none", lang) for c in cells):
                rows.append([text(word, lang, service=ctx.service_label(service)), *cells])
    setup, escalation = [], []
    for name in scenarios:
        contracts = [t for t in options[name]["services"].values() if t["provider"] != "internal"]
        total = sum(t.get("setup_cost_eur", 0.0) for t in contracts)
        setup.append(format_eur(total, lang) if contracts else text("none", lang))
        rates = sorted({round(t.get("price_escalation_per_year", 0.0), 4) for t in contracts})
        shown = " / ".join(format_percent(r, lang, 1) for r in rates)
        escalation.append(shown or text("none", lang))
    if any(c != text("none", lang) for c in setup):
        rows.append([text("setup", lang), *setup])
        rows.append([text("escalation", lang), *escalation])
    return rows


def options_table(metadata: dict, ctx) -> tuple[list[str], list[list[str]], list[int]] | None:
    """Header, rows and section-row indices of the "Options compared" table; None when the
    results folder has no `options` block (written by itsim before this table existed)."""
    options = metadata.get("options")
    if not options:
        return None
    scenarios = [s for s in metadata.get("scenarios", options) if s in options]
    services = list(metadata.get("services") or [])
    header = ["", *(ctx.scenario_label(s) for s in scenarios)]  # the first column has no header
    blank = [""] * len(scenarios)
    rows: list[list[str]] = []
    sections: list[int] = []
    for key, part in (
        ("section_who", _who_rows(options, scenarios, services, ctx)),
        ("section_hours", _hours_rows(options, scenarios, services, ctx)),
        ("section_team", _team_rows(options, scenarios, ctx.lang)),
        ("section_prices", _price_rows(options, scenarios, services, ctx)),
    ):
        if not part:
            continue
        sections.append(len(rows))
        rows.append([text(key, ctx.lang), *blank])
        rows.extend(part)
    return header, rows, sections


def option_descriptions(metadata: dict, ctx) -> list[str]:
    """Each option's description from the config, "Name: description"."""
    options = metadata.get("options") or {}
    key = "description_de" if ctx.lang == "de" else "description"
    described = {s: o.get(key) or o.get("description") for s, o in options.items()}
    return [
        text("description", ctx.lang, name=ctx.scenario_label(s), text=words)
        for s, words in described.items()
        if words
    ]
