"""The one-line error for an unusable record: file, row, column, value and expectation."""

from __future__ import annotations

from typing import Any

from simulation.errors import NO_VALUE, short_repr


class RecordError(ValueError):
    """A record file that cannot be used, in the one-line form of ConfigError.

    `str()` is `"{file}: row {row}, column {column}: {value!r} — expected {expectation}"`, the
    key path of a ConfigError replaced by the row and column of the record: rows are counted as
    a spreadsheet shows them (the header is row 1, the first record row 2). `row` is None for a
    problem of the whole file or of a column (a column that is missing), `column` None for one
    of the whole file; `value` NO_VALUE where no value is at fault. `more` counts further rows
    with the same problem in the same column, so that one line still says how many there are.
    """

    def __init__(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: Any,
        expectation: str,
        more: int = 0,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.expectation = expectation
        self.more = more
        super().__init__(file, row, column, value, expectation, more)

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        where += [f"column {self.column!r}"] if self.column is not None else []
        key = f"{', '.join(where)}: " if where else ""
        tail = ""
        if self.more:
            tail = f" (and {self.more} more row{'s' if self.more > 1 else ''} like it)"
        if self.value is NO_VALUE:
            return f"{self.file}: {key}{self.expectation}{tail}"
        return f"{self.file}: {key}{short_repr(self.value)} — expected {self.expectation}{tail}"
