"""Errors a user can act on: one line naming file, key path, value and expectation."""

from __future__ import annotations

from typing import Any


def short_repr(value: Any, limit: int = 60) -> str:
    """A compact repr of a config value for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ConfigError(Exception):
    """Invalid configuration; its message is one line for the user (CLI exit code 2)."""

    def __init__(self, file: str | None, path: str, value: Any, expected: str) -> None:
        self.file = file
        self.path = path
        self.value = value
        self.expected = expected
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.file}: " if self.file else ""
        key = self.path or "<top level>"
        if self.value is _NO_VALUE:
            return f"{where}{key}: {self.expected}"
        return f"{where}{key}: {short_repr(self.value)} — expected {self.expected}"


class _NoValue:
    def __repr__(self) -> str:
        return "<missing>"


_NO_VALUE: Any = _NoValue()
NO_VALUE: Any = _NO_VALUE
