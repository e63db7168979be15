"""The YAML fragment of fitted values: keys of the config schema, each value with a comment
naming its source file, records, period, fitted family, fit quality and how a prior entered."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A fitted value at a config key path, or (value None) a note: comment lines only."""

    path: Path_
    value: Any = None
    comment: str = ""

    @property
    def is_note(self) -> bool:
        """Whether this is a comment without a value."""
        return self.value is None


def number(x: float, digits: int = 5) -> str:
    """A float for YAML: `digits` significant digits, positional (no exponent, which YAML 1.1
    would read as text), integral values with `.0`."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return "0.0" if x == 0 else str(x)
    text = np.format_float_positional(x, precision=digits, unique=True, fractional=False, trim="-")
    return text if "." in text else text + ".0"


def flow(value: Any) -> str:
    """A value in YAML flow style: numbers as `number`, mappings as `{key: value, ...}`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | np.floating):
        return number(value)
    return str(value)


def fmt(x: float, digits: int = 3) -> str:
    """A number for a comment: `digits` significant digits, thousands separated."""
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    return f"{float(f'{x:.{digits}g}'):g}"


def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage for a comment."""
    return f"{100 * x:.{digits}f}%" if math.isfinite(x) else "n/a"


def between(low: float, high: float, level: float = 0.95, as_pct: bool = False) -> str:
    """`95%: low-high` for a comment."""
    show = pct if as_pct else fmt
    return f"{level:.0%}: {show(low)}-{show(high)}"


@dataclass
class _Node:
    value: Any = None
    comment: str = ""
    notes: list[str] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)

    def has_values(self) -> bool:
        return self.value is not None or any(c.has_values() for c in self.children.values())

    def all_notes(self, prefix: str) -> list[str]:
        """This node's notes and its children's, each naming the key it belongs to."""
        out = [f"{prefix}: {note}" for note in self.notes]
        for key, child in self.children.items():
            out += child.all_notes(f"{prefix}.{key}")
        return out


def _tree(entries: Iterable[Entry]) -> _Node:
    root = _Node()
    for entry in entries:
        node = root
        for key in entry.path:
            node = node.children.setdefault(key, _Node())
        if entry.is_note:
            node.notes.append(entry.comment)
        else:
            node.value, node.comment = entry.value, entry.comment
    return root


def _emit(node: _Node, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    lines += [f"{pad}# {note}" for note in node.notes]
    for key, child in node.children.items():
        if child.value is not None:
            tail = f"  # {child.comment}" if child.comment else ""
            lines.append(f"{pad}{key}: {flow(child.value)}{tail}")
            lines += [f"{pad}# {note}" for note in child.all_notes(key)]
        elif child.has_values():
            lines.append(f"{pad}{key}:" + (f"  # {child.comment}" if child.comment else ""))
            _emit(child, indent + 2, lines)
        else:  # no value below: a key with nothing under it would be null and delete the
            # base's mapping when merged, so only its notes are written, naming the key
            lines += [f"{pad}# {note}" for note in child.all_notes(key)]


def render(entries: Sequence[Entry], header: Sequence[str], extends: str | None = None) -> str:
    """The fragment's YAML text: header comments, an optional `extends:` line, then the
    entries nested by key path (a mapping key for every level, values in flow style, each with
    its comment; notes as comment lines)."""
    lines = [f"# {line}" if line else "#" for line in header]
    if extends is not None:
        lines.append(f"extends: {json.dumps(extends)}  # the config these values are merged over")
    lines.append("")
    _emit(_tree(entries), 0, lines)
    return "\n".join(lines).rstrip() + "\n"
