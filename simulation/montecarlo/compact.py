"""How monthly results are held and stored compactly, and written without holding them all.

A run of 10,000 replications of three options over five years has 1.8 million monthly rows of
about 70 columns. They are held as float32 values (24-bit mantissa: a relative error below
6e-8, under a cent on 100,000 EUR a month; counts are exact below 16.7 million), small integers
for the replication, month and year, and the option as a dictionary-encoded category (one byte
a row). The totals in replications.parquet are computed in float64 before the monthly values
are narrowed, so the decision figures never carry float32 rounding.

`MonthlyWriter` writes monthly.parquet from pieces in their final order, in row groups of a
fixed number of rows: the file's bytes depend only on its rows, not on how the pieces were cut
(a resumed run writes the same file as an uninterrupted one).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: Integer types of the key columns of the monthly results.
KEY_TYPES = {"replication": "int32", "month": "int16", "year": "int16"}
#: Rows per Parquet row group of monthly.parquet (about 3 MB of values a group).
ROW_GROUP_ROWS = 131_072


def compact_monthly(frame: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """`frame` with float32 values, small integer keys and `scenario` as a category whose
    categories are `scenarios` in their order (a value not among them is an error)."""
    if frame.empty:
        return frame
    columns: dict[str, object] = {}
    for name in frame.columns:
        values = frame[name]
        if name == "scenario":
            unknown = sorted(set(values.astype(str).unique()) - set(scenarios))
            if unknown:
                raise ValueError(f"monthly rows of unknown scenarios {unknown}")
            columns[name] = pd.Categorical(np.asarray(values, dtype=object), list(scenarios))
        elif name in KEY_TYPES:
            columns[name] = values.to_numpy().astype(KEY_TYPES[name])
        elif pd.api.types.is_float_dtype(values):
            columns[name] = values.to_numpy(dtype=np.float32)
        else:
            columns[name] = values.to_numpy()
    return pd.DataFrame(columns)


class MonthlyWriter:
    """Writes monthly.parquet piece by piece, in row groups of exactly `ROW_GROUP_ROWS` rows
    (the last one shorter), so that only one row group is held at a time."""

    def __init__(self, path: Path, scenarios: Sequence[str]) -> None:
        self.path = path
        self.scenarios = tuple(scenarios)
        self._writer: pq.ParquetWriter | None = None
        self._buffer: list[pa.Table] = []
        self._rows = 0

    def add(self, piece: pd.DataFrame) -> None:
        """Append `piece` (rows in their final order) to the file."""
        if piece.empty:
            return
        table = pa.Table.from_pandas(compact_monthly(piece, self.scenarios), preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema)
        self._buffer.append(table.cast(self._writer.schema))
        self._rows += table.num_rows
        while self._rows >= ROW_GROUP_ROWS:
            self._flush(ROW_GROUP_ROWS)

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self._buffer)
        self._writer.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self._buffer, self._rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        """Write the last row group; a file without rows gets an empty table."""
        if self._writer is None:
            pd.DataFrame().to_parquet(self.path, index=False)
            return
        if self._rows:
            self._flush(self._rows)
        self._writer.close()
