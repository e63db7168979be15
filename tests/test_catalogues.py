"""Every user-visible string of the reports, figures and workbook exists in English and German,
with the same placeholders (issue 10: "every user-visible string has both languages"), and lives
in the one catalogue `simulation/reporting/texts.yaml` (issue 10 item 9).

The tests read the file itself; a last test scans the source of `simulation.reporting` so that
no module holds a bilingual catalogue of its own again: a new string can only go into the file.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
import yaml

import simulation.reporting
from simulation.reporting import catalogue

PACKAGE = Path(simulation.reporting.__file__).parent
FILE = PACKAGE / "texts.yaml"
DATA = yaml.safe_load(FILE.read_text("utf-8"))


def _strings(entries: dict):
    """(key, English, German) of every string of a section; a list (table headers) as one entry
    per item."""
    for key, entry in entries.items():
        en, de = entry.get("en"), entry.get("de")
        if isinstance(en, list) and isinstance(de, list):
            assert len(en) == len(de), f"{key!r}: {len(en)} English, {len(de)} German items"
            yield from ((f"{key}[{i}]", e, d) for i, (e, d) in enumerate(zip(en, de, strict=True)))
        else:
            yield key, en, de


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_the_catalogue_holds_every_section() -> None:
    assert isinstance(DATA, dict)
    for expected in (
        "labels",
        "captions",
        "decision",
        "report",
        "options",
        "sensitivity",
        "figures",
        "parameters",
        "workbook_headers",
        "workbook_fields",
    ):
        assert expected in DATA
    assert sum(len(entries) for entries in DATA.values()) > 700
    # the loader reads the same file, refuses a key written twice, and checks the shape
    assert catalogue.load() == DATA


@pytest.mark.parametrize("section", sorted(DATA))
def test_every_string_has_both_languages_with_the_same_placeholders(section: str) -> None:
    entries = DATA[section]
    assert isinstance(entries, dict), section
    assert entries, section
    for key, entry in entries.items():
        where = f"{section}.{key}"
        assert isinstance(key, str), f"{section}: key {key!r} is no string (quote it)"
        assert isinstance(entry, dict), where
        assert set(entry) == {"en", "de"}, where
        assert isinstance(entry["en"], list) == isinstance(entry["de"], list), where
    for key, en, de in _strings(entries):
        assert isinstance(en, str), f"{section}.{key} has no English"
        assert en.strip(), f"{section}.{key} has no English"
        assert isinstance(de, str), f"{section}.{key} has no German"
        assert de.strip(), f"{section}.{key} has no German"
        assert _fields(en) == _fields(de), f"{section}.{key}: placeholders differ"


def test_a_key_written_twice_is_refused() -> None:
    twice = "s:\n  k:\n    en: a\n    de: b\n  k:\n    en: c\n    de: d\n"
    with pytest.raises(yaml.YAMLError, match="written twice"):
        yaml.load(twice, Loader=catalogue._UniqueKeyLoader)


def test_the_accessors() -> None:
    assert catalogue.section("decision") == DATA["decision"]
    assert catalogue.pairs("roles")["sysadmin"] == tuple(DATA["roles"]["sysadmin"].values())
    values = dict.fromkeys(_fields(DATA["labels"]["footer"]["de"]), "x")
    assert catalogue.text("labels", "footer", "de", **values).startswith("itsim x")
    view = catalogue.section("decision")
    view.clear()  # a view is a copy: the catalogue keeps its texts
    assert catalogue.section("decision") == DATA["decision"]
    with pytest.raises(KeyError, match=r"not in texts\.yaml"):
        catalogue.section("no_such_section")
    with pytest.raises(KeyError, match="not in section 'labels'"):
        catalogue.text("labels", "no_such_key", "en")
    with pytest.raises(ValueError, match="lang"):
        catalogue.text("labels", "scenario", "fr")


def test_every_uncertain_parameter_of_the_default_config_has_a_name() -> None:
    """The sensitivity figures name each uncertain parameter of the reference config from the
    catalogue, never by the English fallback made from its path ("Change hours per year")."""
    from simulation.config.loader import load_config
    from simulation.config.scenario import find_uncertain, scenario_spec
    from simulation.reporting.figures import parameters

    experiment, _ = load_config(PACKAGE.parent.parent / "configs" / "default.yaml")
    paths = {
        path
        for name in experiment.scenarios
        for path, _ in find_uncertain(scenario_spec(experiment, name))
    }
    assert len(paths) > 30
    for path in sorted(paths):
        rest, _ = parameters._split(path, "de", None)
        candidates = {".".join(rest), ".".join(rest[-2:]), rest[-1]}
        assert candidates & set(DATA["parameters"]), f"{path}: no name in section parameters"


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_section_is_read_by_the_code() -> None:
    code = "\n".join(path.read_text("utf-8") for path in _sources())
    for section in DATA:
        assert f'"{section}"' in code, f"section {section!r} of texts.yaml is read nowhere"


#: Dicts keyed by language that are no text: Excel number formats.
_NOT_TEXT = {"EUR_FORMATS"}


def _is_pair(node: ast.AST) -> bool:
    """(English, German[, ...]): a tuple whose first two items are string literals."""
    return (
        isinstance(node, ast.Tuple)
        and len(node.elts) >= 2
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts[:2])
    )


def _catalogue_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal bilingual catalogues in a module: dicts keyed "en" and "de", dicts (or tuples)
    of (English, German) pairs."""
    skip = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets += [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in _NOT_TEXT for t in targets) and node.value:
            skip.add(id(node.value))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"en", "de"} <= keys:
                found.append((node.lineno, "a dict keyed en/de"))
            elif node.values and any(_is_pair(v) for v in node.values):
                found.append((node.lineno, "a dict of (English, German) tuples"))
        elif isinstance(node, ast.Tuple) and any(
            isinstance(e, ast.Tuple) and any(_is_pair(x) for x in e.elts) for e in node.elts
        ):
            found.append((node.lineno, "a tuple of (key, (English, German)) items"))
    return found


def test_the_scan_finds_a_literal_catalogue() -> None:
    source = """
TEXT = {"title": {"en": "Title", "de": "Titel"}}
NAMES = {"sysadmin": ("System administrator", "Systemadministrator")}
UNITS = (("_eur", ("EUR", "EUR")),)
EUR_FORMATS = {"en": '"€"#,##0', "de": '#,##0 "€"'}
"""
    assert len(_catalogue_literals(ast.parse(source))) == 3


def test_no_module_holds_a_literal_bilingual_catalogue() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent.parent)}:{line}: {what}"
        for path in _sources()
        for line, what in _catalogue_literals(ast.parse(path.read_text("utf-8")))
    ]
    assert not found, "text belongs in simulation/reporting/texts.yaml:\n" + "\n".join(found)
