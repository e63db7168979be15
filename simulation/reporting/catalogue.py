"""The one catalogue of user-visible text: `texts.yaml` beside this module, in English and German.

Every text the reports, figures and workbook show lives in `texts.yaml`, in sections (one per
part of the report: "labels", "captions", "workbook_headers", ...) of entries
`key: {en: ..., de: ...}`. The modules of `simulation.reporting` take views of it at import:

    TEXT = catalogue.section("decision")          # {key: {"en": ..., "de": ...}}
    PARAMETER_NAMES = catalogue.pairs("parameters")  # {key: (english, german)}
    catalogue.text("decision", "title", "de", option="Hybrid")

The file is read once (and checked: every entry has exactly the keys en and de, both strings or
both lists of strings); the views are copies, so a caller cannot change the catalogue.
"""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any

import yaml

#: The languages of every entry, in this order.
LANGUAGES = ("en", "de")
#: The catalogue's file inside the package `simulation.reporting`.
FILENAME = "texts.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key written twice in one mapping (PyYAML keeps the
    last silently, which would hide a text)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _check_value(where: str, value: Any) -> None:
    if isinstance(value, str):
        return
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return
    raise ValueError(f"{FILENAME}: {where} must be a string or a list of strings")


def _check(data: Any) -> dict[str, dict[str, dict[str, Any]]]:
    if not isinstance(data, dict):
        raise ValueError(f"{FILENAME} must map section names to sections")
    for name, entries in data.items():
        if not isinstance(name, str) or not isinstance(entries, dict) or not entries:
            raise ValueError(f"{FILENAME}: section {name!r} must map keys to entries")
        for key, entry in entries.items():
            where = f"{name}.{key}"
            if not isinstance(key, str):
                raise ValueError(f"{FILENAME}: key {where!r} must be a string (quote it)")
            if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
                raise ValueError(f"{FILENAME}: {where} must have exactly the keys en and de")
            for lang in LANGUAGES:
                _check_value(f"{where}.{lang}", entry[lang])
            if isinstance(entry["en"], list) != isinstance(entry["de"], list):
                raise ValueError(f"{FILENAME}: {where}: one language a list, the other not")
    return data


@functools.cache
def load() -> dict[str, dict[str, dict[str, Any]]]:
    """The whole catalogue, read and checked once: {section: {key: {"en": ..., "de": ...}}}.
    Do not change it; take `section` or `pairs` views instead."""
    text = resources.files("simulation.reporting").joinpath(FILENAME).read_text("utf-8")
    loader = _UniqueKeyLoader(text)  # a SafeLoader: no tags, no objects
    try:
        return _check(loader.get_single_data())
    finally:
        loader.dispose()


def sections() -> list[str]:
    """The names of the catalogue's sections, in file order."""
    return list(load())


def _entries(name: str) -> dict[str, dict[str, Any]]:
    data = load()
    if name not in data:
        raise KeyError(f"section (={name!r}) is not in {FILENAME}; it has {', '.join(data)}")
    return data[name]


def section(name: str) -> dict[str, dict[str, Any]]:
    """Section `name` as {key: {"en": ..., "de": ...}} (a copy), in file order."""
    return copy.deepcopy(_entries(name))


def pairs(name: str) -> dict[str, tuple[Any, Any]]:
    """Section `name` as {key: (english, german)}, for code that indexes tuples."""
    return {key: (entry["en"], entry["de"]) for key, entry in section(name).items()}


def entry(name: str, key: str) -> dict[str, Any]:
    """The entry `key` of section `name`: {"en": ..., "de": ...} (a copy)."""
    entries = _entries(name)
    if key not in entries:
        raise KeyError(f"key (={key!r}) is not in section {name!r} of {FILENAME}")
    return copy.deepcopy(entries[key])


def text(name: str, key: str, lang: str, **values: Any) -> str:
    """The text `key` of section `name` in `lang` ("en" or "de"), with `values` filled in."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang (={lang!r}) must be one of {', '.join(LANGUAGES)}")
    entries = _entries(name)
    if key not in entries:
        raise KeyError(f"key (={key!r}) is not in section {name!r} of {FILENAME}")
    value = entries[key][lang]
    if not isinstance(value, str):
        raise TypeError(f"{name}.{key} is a list; use entry() or section()")
    return value.format(**values)
