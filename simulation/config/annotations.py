"""The comments of a YAML config by key path: the unit and source of every default."""

from __future__ import annotations

import re
from pathlib import Path

_KEY = re.compile(r"^(?P<indent> *)(?:- )?(?P<key>[A-Za-z_0-9]+)\s*:(?P<rest>.*)$")


def _comment(text: str) -> str:
    """The comment of a YAML line: the part after a '#' that is outside quotes."""
    quote = None
    for i, char in enumerate(text):
        if char in "'\"":
            quote = None if quote == char else (quote or char)
        elif char == "#" and quote is None and (i == 0 or text[i - 1] in " \t"):
            return text[i + 1 :].strip()
    return ""


def line_comments(text: str) -> dict[str, str]:
    """Map dotted key paths of block-style keys to the comment on their line.

    Only block mappings are followed (`key:` lines); keys inside flow mappings on one line
    share that line's comment. A line without a comment inherits nothing here.
    """
    comments: dict[str, str] = {}
    anchors: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _KEY.match(raw)
        if not match:
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [match["key"]])
        comment = _comment(match["rest"])
        if comment:
            comments[path] = comment
        value = match["rest"].strip()
        if value.startswith("&"):
            anchors[value[1:].split()[0]] = path
        elif value.startswith("*"):
            aliases.append((path, value[1:].split()[0]))
        stack.append((indent, match["key"]))
    for path, name in aliases:  # an alias repeats the anchored block: and its comments
        anchor = anchors.get(name)
        if anchor is None:
            continue
        for key, comment in list(comments.items()):
            if key == anchor:
                comments.setdefault(path, comment)
            elif key.startswith(anchor + "."):
                comments.setdefault(path + key[len(anchor) :], comment)
    return comments


def config_comments(path: str | Path) -> dict[str, str]:
    """Comments by key path over a config and the files it extends (the file itself wins)."""
    import yaml

    path = Path(path)
    comments: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return comments
    data = yaml.safe_load(text) or {}
    bases = data.get("extends") if isinstance(data, dict) else None
    for base in [bases] if isinstance(bases, str) else (bases or []):
        comments.update(config_comments(path.parent / base))
    comments.update(line_comments(text))
    return comments


def source_of(path: str, comments: dict[str, str]) -> str:
    """The comment explaining a parameter: its own, else the nearest commented parent's."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        comment = comments.get(".".join(parts[:n]))
        if comment:
            return comment
    return ""
