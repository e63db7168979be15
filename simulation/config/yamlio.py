"""Read one YAML config file safely: bounded size, text only, no code, no alias bombs.

PyYAML's safe loader already refuses `!!python` tags (no code runs); this module adds what a
hostile or careless file needs beyond that: a regular file of bounded size (not a device such as
/dev/zero, not a directory), UTF-8 text (not binary), bounded nesting, a bounded number of
values once aliases are expanded ("billion laughs"), and duplicate keys as errors instead of the
last one silently winning. Every failure is a ConfigError naming the file and, where known, the
line.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from simulation.errors import NO_VALUE, ConfigError

#: A config is a page or two of YAML; ten times the reference config is still plenty.
MAX_BYTES = 1_000_000
#: Nesting of mappings and lists (the reference config needs 7).
MAX_DEPTH = 40
#: Values in the document once every alias is expanded (the reference config has ~1,500).
MAX_VALUES = 200_000


class _SafeLoader(yaml.SafeLoader):
    """The safe loader with a nesting limit and duplicate keys as errors."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key: let the base class say so
                break
            if duplicate:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r} (each key at most once per mapping)",
                    problem_mark=key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """Number of values under `node` with every alias expanded (memoised: linear time)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # a recursive alias counts once instead of looping
    if isinstance(node, SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[id(node)] = min(size, MAX_VALUES + 1)
    return memo[id(node)]


def _read_text(path: Path) -> str:
    """The file's text: a regular file of at most MAX_BYTES, UTF-8, no NUL bytes."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(str(path), "", NO_VALUE, "a YAML file, not a folder")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(str(path), "", NO_VALUE, "a regular YAML file, not a device or pipe")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(str(path), "", NO_VALUE, "file not found") from None
    except OSError as exc:
        raise ConfigError(str(path), "", NO_VALUE, f"cannot read file ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(str(path), "", NO_VALUE, f"a config of at most {MAX_BYTES:,} bytes")
    if b"\x00" in data:
        raise ConfigError(str(path), "", NO_VALUE, "a YAML text file, not a binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            str(path), "", NO_VALUE, f"UTF-8 text (line {line} has the byte {data[exc.start]:#04x})"
        ) from None


def _yaml_error(path: Path, exc: yaml.YAMLError) -> ConfigError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    problem = " ".join(str(problem).split())
    if "constructor for the tag" in problem:  # !!python/... and other tags: never code
        tag = problem.rsplit(" ", 1)[-1]
        problem = f"the tag {tag} is not allowed (plain values and mappings only)"
    return ConfigError(str(path), "", NO_VALUE, f"YAML syntax error{where}: {problem}")


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read one YAML mapping safely (see the module docstring); errors become ConfigError."""
    path = Path(path)
    text = _read_text(path)
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_VALUES:
            raise ConfigError(
                str(path), "", NO_VALUE,
                f"at most {MAX_VALUES:,} values once aliases are expanded (an alias bomb?)",
            )  # fmt: skip
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except RecursionError:
        raise ConfigError(str(path), "", NO_VALUE, "YAML nested less deeply") from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", type(data).__name__, "a mapping of keys at the top level")
    return data
