"""Labels and number formats in English and German.

Every string a figure shows comes from here, so the English and German figures say the same; the
strings themselves are in the catalogue (`texts.yaml`, sections "labels", "categories",
"services", "short_units"; see `simulation.reporting.catalogue`).
Euro amounts: English "€1,234,567" / compact "€1.2m"; German "1.234.567 €" / "1,2 Mio. €".
Percentages: English "12.5%", German "12,5 %".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from simulation.reporting import catalogue

NBSP = "\u00a0"  # between a number and its unit in German: never broken across lines

LANGUAGES = catalogue.LANGUAGES

_LABELS: dict[str, dict[str, str]] = catalogue.section("labels")

_CATEGORIES: dict[str, dict[str, str]] = catalogue.section("categories")

_SERVICES: dict[str, dict[str, str]] = catalogue.section("services")


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"lang (={lang!r}) must be one of {', '.join(LANGUAGES)}")


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label `key` in language `lang`, formatted with `values`."""
    _check_lang(lang)
    return _LABELS[key][lang].format(**values)


def listed(items: Iterable[str], lang: str = "en") -> str:
    """Items in a sentence: "a", "a and b", "a, b and c" (German "a, b und c")."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {label('and', lang)} {items[-1]}"


def _pretty(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name


def category_label(category: str, lang: str = "en") -> str:
    """Display name of a cost category ("provider_fees" -> "Provider fees" /
    "Dienstleistergebühren"); also accepts the column name "cost_provider_fees_eur".
    Unknown categories get their id with spaces."""
    _check_lang(lang)
    if category.startswith("cost_") and category.endswith("_eur"):
        category = category[5:-4]
    names = _CATEGORIES.get(category)
    return names[lang] if names else _pretty(category)


def service_label(service: str, lang: str = "en", fallback: bool = True) -> str | None:
    """Display name of a service of the reference config; unknown ids get their id with spaces
    (or None without `fallback`)."""
    _check_lang(lang)
    names = _SERVICES.get(service)
    if names:
        return names[lang]
    return _pretty(service) if fallback else None


def _no_negative_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with thousands separators: 1,234,567.8 (en) or 1.234.567,8 (de)."""
    text = _no_negative_zero(f"{value:,.{decimals}f}")
    return german_number_format(text) if lang == "de" else text


def format_eur(value: float, lang: str = "en", decimals: int = 0) -> str:
    """An amount in euros with thousands separators: €1,234,567 / -€1,234 (en),
    1.234.567 € / -1.234 € (de)."""
    number = format_number(value, lang, decimals)
    if lang == "de":
        return f"{number}{NBSP}€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"


#: Compact units (English, German) by scale; the catalogue names the scales.
_SCALES = {1e6: "millions", 1e3: "thousands"}
_SHORT_UNITS: dict[str, tuple[str, str]] = catalogue.pairs("short_units")


def format_eur_short(
    value: float, lang: str = "en", *, scale: float | None = None, decimals: int | None = None
) -> str:
    """Compact euro amounts for axes and labels: €1.2m / 1,2 Mio. €, €350k / 350 Tsd. €.

    By default the unit follows the size of `value`: millions with one decimal ("€6.0m"),
    thousands without ("€431k"). `scale` (1e6, 1e3 or 1) fixes the unit and `decimals` the
    decimals, so that all tick labels of an axis read alike ("€4.0m", "€4.5m", "€5.0m").
    """
    if scale is None:
        magnitude = abs(value)
        if round(magnitude / 1e3) >= 1000:  # €999,600 reads "€1.0m", not "€1,000k"
            scale = 1e6
        else:
            scale = 1e3 if round(magnitude) >= 1000 else 1.0
    if scale not in _SCALES:
        return format_eur(value, lang, decimals or 0)
    if value == 0:
        return format_eur(0, lang)
    if decimals is None:
        decimals = 1 if scale == 1e6 else 0
    text = _no_negative_zero(f"{value / scale:,.{decimals}f}")
    en_unit, de_unit = _SHORT_UNITS[_SCALES[scale]]
    if lang == "de":
        return f"{german_number_format(text)}{NBSP}{de_unit}"
    return f"-€{text[1:]}{en_unit}" if text.startswith("-") else f"€{text}{en_unit}"


def format_date(iso: str, lang: str = "en") -> str:
    """A date from an ISO string: 2026-12-01 (en) or 01.12.2026 (de); other text unchanged."""
    day = iso[:10]
    if lang == "de" and len(day) == 10 and day[4] == "-" and day[7] == "-":
        return f"{day[8:10]}.{day[5:7]}.{day[:4]}"
    return day


def format_percent(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.125) as a percentage: "12.5%" (en), "12,5 %" (de); NaN gives "–"."""
    _check_lang(lang)
    if value is None or not math.isfinite(value):
        return "–"
    text = _no_negative_zero(f"{100 * value:,.{decimals}f}")
    return f"{german_number_format(text)}{NBSP}%" if lang == "de" else f"{text}%"


def german_number_format(text: str) -> str:
    """Swap the English separators of the formatted numbers in `text` for German ones."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
