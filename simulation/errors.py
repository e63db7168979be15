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


class ReplicationError(Exception):
    """A replication raised: the run stops, and its message (one line) names the scenario, the
    replication, the seed and the original error (CLI exit code 1)."""

    def __init__(self, scenario: str, replication: int, seed: int, error: str, detail: str) -> None:
        self.scenario = scenario
        self.replication = replication
        self.seed = seed
        self.error = error
        self.detail = detail
        # every field in args: the error crosses from worker processes by pickle
        super().__init__(scenario, replication, seed, error, detail)

    def __str__(self) -> str:
        detail = " ".join(self.detail.split())
        detail = detail if len(detail) <= 300 else detail[:297] + "..."
        return (
            f"replication {self.replication} of scenario {self.scenario!r} (seed {self.seed}) "
            f"failed: {self.error}{': ' + detail if detail else ''}"
        )
