"""Labels and number formats in English and German."""

from __future__ import annotations

LANGUAGES = ("en", "de")

_LABELS: dict[str, dict[str, str]] = {
    "cost_npv_title": {
        "en": "Total cost of IT over {years} years (net present value)",
        "de": "Gesamtkosten der IT über {years} Jahre (Barwert)",
    },
    "cost_npv_axis": {"en": "Net present value of cost (EUR)", "de": "Barwert der Kosten (EUR)"},
    "density_axis": {"en": "Share of simulated futures", "de": "Anteil der simulierten Verläufe"},
    "mean": {"en": "mean", "de": "Mittelwert"},
    "p95": {"en": "P95", "de": "P95"},
    "footer": {
        "en": "itsim {version} · config {config} ({hash}) · {runs} runs per scenario"
        " · seed {seed} · {date}",
        "de": "itsim {version} · Konfiguration {config} ({hash}) · {runs} Läufe je Szenario"
        " · Seed {seed} · {date}",
    },
    "scenario": {"en": "Scenario", "de": "Szenario"},
}


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label `key` in language `lang`, formatted with `values`."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang (={lang!r}) must be one of {', '.join(LANGUAGES)}")
    return _LABELS[key][lang].format(**values)


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with thousands separators: 1,234,567.8 (en) or 1.234.567,8 (de)."""
    text = f"{value:,.{decimals}f}"
    return german_number_format(text) if lang == "de" else text


def format_eur(value: float, lang: str = "en", decimals: int = 0) -> str:
    """An amount in euros with thousands separators."""
    number = format_number(value, lang, decimals)
    return f"{number} €" if lang == "de" else f"€{number}"


def format_eur_short(value: float, lang: str = "en") -> str:
    """Compact euro amounts for axes: €1.2m / 1,2 Mio. €, €350k / 350 Tsd. €."""
    magnitude = abs(value)
    if magnitude >= 1e6:
        number, unit = value / 1e6, ("m", "Mio. €")
    elif magnitude >= 1e3:
        number, unit = value / 1e3, ("k", "Tsd. €")
    else:
        return format_eur(value, lang)
    text = f"{number:,.1f}".rstrip("0").rstrip(".")
    if lang == "de":
        return f"{german_number_format(text)} {unit[1]}"
    return f"€{text}{unit[0]}"


def german_number_format(text: str) -> str:
    """Swap the English separators of the formatted numbers in `text` for German ones."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
