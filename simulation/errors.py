"""Errors a user can act on: one line per mistake naming file, key path, value and expectation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def short_repr(value: Any, limit: int = 60) -> str:
    """A compact repr of a config value for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Lines of a ConfigError at most: the rest is counted in a last line ("… and N more errors").
MAX_ERROR_LINES = 50


class ConfigError(Exception):
    """Invalid configuration (CLI exit code 2): one line for the user per mistake.

    A single mistake is one line naming file, key path, value and expectation; `str()` is that
    line. `ConfigError.collected` gathers every mistake of a file into one exception whose
    `str()` is one such line per mistake (joined with newlines, at most MAX_ERROR_LINES of them
    and a last line counting the rest); `file`, `path`, `value` and `expected` are the first's.
    """

    def __init__(self, file: str | None, path: str, value: Any, expected: str) -> None:
        self.file = file
        self.path = path
        self.value = value
        self.expected = expected
        self.others: tuple[ConfigError, ...] = ()
        self.omitted = 0
        super().__init__(self.one_line())

    @classmethod
    def collected(cls, errors: Sequence[ConfigError], limit: int = MAX_ERROR_LINES) -> ConfigError:
        """One exception for several mistakes, in the given order, each line once."""
        unique: dict[str, ConfigError] = {}
        for error in errors:
            for one in error.errors:
                unique.setdefault(one.one_line(), one)
        found = list(unique.values())
        if not found:
            raise ValueError("ConfigError.collected needs at least one error")
        first = found[0]
        error = cls(first.file, first.path, first.value, first.expected)
        error.others = tuple(found[1:limit])
        error.omitted = max(0, len(found) - limit)
        error.args = ("\n".join(error.lines()),)
        return error

    @property
    def errors(self) -> tuple[ConfigError, ...]:
        """Every mistake reported, the first being this exception's own fields."""
        if not self.others:
            return (self,)
        return (ConfigError(self.file, self.path, self.value, self.expected), *self.others)

    def one_line(self) -> str:
        """The first mistake as one line: file, key path, value and expectation."""
        where = f"{self.file}: " if self.file else ""
        key = self.path or "<top level>"
        if self.value is _NO_VALUE:
            return f"{where}{key}: {self.expected}"
        return f"{where}{key}: {short_repr(self.value)} — expected {self.expected}"

    def lines(self) -> list[str]:
        """One complete line per mistake, and a last line counting those left out."""
        lines = [self.one_line(), *(other.one_line() for other in self.others)]
        if self.omitted:
            where = f"{self.file}: " if self.file else ""
            plural = "s" if self.omitted > 1 else ""
            lines.append(
                f"{where}… and {self.omitted} more error{plural} (fix these and validate again)"
            )
        return lines


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
