"""Every user-visible string of the reports, figures and workbook exists in English and German,
with the same placeholders (issue 10: "every user-visible string has both languages").

The test finds the text catalogues itself: every module-level mapping of the reporting package
whose entries are {"en": ..., "de": ...} dicts or (English, German[, kind]) tuples, so a new
catalogue is checked without being registered here.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Mapping

import pytest

import simulation.reporting

#: Tuple catalogues whose third element is a kind, not a third language.
_KINDS = {"FIELDS"}


def _modules() -> list:
    found = []
    for info in pkgutil.walk_packages(simulation.reporting.__path__, "simulation.reporting."):
        found.append(importlib.import_module(info.name))
    return found


def _pairs(value) -> list[tuple[object, str, str]] | None:
    """(key, English, German) of a catalogue, or None when `value` is no catalogue."""
    if not isinstance(value, Mapping) or not value:
        return None
    entries = list(value.items())
    if all(isinstance(v, Mapping) and {"en", "de"} & set(v) for _, v in entries):
        return [(k, v.get("en"), v.get("de")) for k, v in entries]
    if all(
        isinstance(v, tuple) and len(v) in (2, 3) and all(isinstance(x, str) for x in v[:2])
        for _, v in entries
    ):
        return [(k, v[0], v[1]) for k, v in entries]
    return None


def _catalogues() -> dict[str, list[tuple[object, str, str]]]:
    found = {}
    for module in _modules():
        for name, value in vars(module).items():
            if not name.isupper() and not name.lstrip("_").isupper():
                continue
            pairs = _pairs(value)
            if pairs is not None and getattr(value, "__module__", None) is None:
                found[f"{module.__name__}.{name}"] = pairs
    return found


CATALOGUES = _catalogues()


def _strings(pairs):
    """The catalogue's entries, a list of strings (table headers) as one entry per item."""
    for key, en, de in pairs:
        if isinstance(en, list | tuple) and isinstance(de, list | tuple):
            assert len(en) == len(de), f"{key!r}: {len(en)} English, {len(de)} German items"
            yield from ((f"{key}[{i}]", e, d) for i, (e, d) in enumerate(zip(en, de, strict=True)))
        else:
            yield key, en, de


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_the_catalogues_are_found() -> None:
    names = set(CATALOGUES)
    for expected in (
        "simulation.reporting.report.TEXT",
        "simulation.reporting.decision.TEXT",
        "simulation.reporting.options.TEXT",
        "simulation.reporting.captions.TEXT",
        "simulation.reporting.sensitivity_report.SENSITIVITY_TEXT",
        "simulation.reporting.workbook.HEADERS",
        "simulation.reporting.figures.texts.FIGURE_TEXT",
    ):
        assert expected in names
    assert sum(len(p) for p in CATALOGUES.values()) > 500


@pytest.mark.parametrize("catalogue", sorted(CATALOGUES))
def test_every_string_has_both_languages_with_the_same_placeholders(catalogue: str) -> None:
    for key, en, de in _strings(CATALOGUES[catalogue]):
        assert isinstance(en, str), f"{catalogue}[{key!r}] has no English"
        assert isinstance(de, str), f"{catalogue}[{key!r}] has no German"
        assert bool(en.strip()) == bool(de.strip()), f"{catalogue}[{key!r}]: one language empty"
        if catalogue.rsplit(".", 1)[-1] in _KINDS:
            continue
        assert _fields(en) == _fields(de), f"{catalogue}[{key!r}]: placeholders differ"
