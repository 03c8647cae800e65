"""Profiling a CSV document: pure functions over its text, no I/O and nothing of Temporal's.

The activity (`activity.py`) feeds rows in batches so that it can heartbeat and be cancelled
between them; everything here is deterministic and tested by `tests/test_profiler.py`.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

#: Cells read as missing, compared after stripping and lower-casing.
NULL_TOKENS = frozenset({"", "na", "n/a", "null", "none", "nan", "-"})
#: Delimiters the sniffer may pick.
DELIMITERS = ",;\t|"
#: How many of a text column's most frequent values are reported.
TOP_VALUES = 5
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


class NotCsvError(ValueError):
    """The bytes are not a CSV document (binary, undecodable, or rows of differing widths)."""


def decode(data: bytes) -> str:
    """The document's text: UTF-8 (a BOM allowed). Raises `NotCsvError` for binary content."""
    if b"\x00" in data[:65536]:
        raise NotCsvError("the file is binary (it contains NUL bytes), not CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise NotCsvError(f"the file is not UTF-8 text (byte {err.start} is invalid), not CSV") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines: the sniffer's, else the header's most frequent candidate, else a comma (one column).

    A wrong guess is caught later: rows whose width differs from the header's are not CSV.
    """
    lines = text.splitlines()
    try:
        return csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > 0 else ","


def read_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """The document's rows, blank lines skipped. Raises `NotCsvError` for a malformed line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                yield row
    except csv.Error as err:
        raise NotCsvError(f"line {reader.line_num} is not valid CSV ({err})") from None


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class ColumnProfile:
    """What one column has seen so far."""

    name: str
    nulls: int = 0
    integers: int = 0
    numbers: int = 0
    booleans: int = 0
    texts: int = 0
    minimum: float | None = None
    maximum: float | None = None
    total: float = 0.0
    values: Counter[str] = field(default_factory=Counter)

    def add(self, raw: str) -> None:
        cell = raw.strip()
        if cell.lower() in NULL_TOKENS:
            self.nulls += 1
            return
        number = _number(cell)
        if number is not None:
            self.numbers += 1
            if number.is_integer() and "." not in cell and "e" not in cell.lower():
                self.integers += 1
            self.minimum = number if self.minimum is None else min(self.minimum, number)
            self.maximum = number if self.maximum is None else max(self.maximum, number)
            self.total += number
        elif cell.lower() in _BOOLEANS:
            self.booleans += 1
        else:
            self.texts += 1
        self.values[cell] += 1

    @property
    def type(self) -> str:
        """The narrowest type every non-null cell fits: integer, number, boolean, text; `empty` if none."""
        seen = self.numbers + self.booleans + self.texts
        if seen == 0:
            return "empty"
        if self.texts == 0 and self.booleans == 0:
            return "integer" if self.integers == self.numbers else "number"
        if self.texts == 0 and self.numbers == 0:
            return "boolean"
        return "text"

    def to_json(self) -> dict[str, Any]:
        kind = self.type
        out: dict[str, Any] = {
            "name": self.name,
            "type": kind,
            "nulls": self.nulls,
            "distinct": len(self.values),
        }
        if kind in ("integer", "number"):
            out["min"] = self.minimum
            out["max"] = self.maximum
            out["mean"] = self.total / self.numbers
        else:
            # Most frequent first; ties in first-seen order (Counter keeps insertion order).
            out["top_values"] = [{"value": v, "count": c} for v, c in self.values.most_common(TOP_VALUES)]
        return out


class CsvProfiler:
    """Profiles a CSV document row by row: the first row names the columns."""

    def __init__(self, header: list[str], max_rows: int | None = None) -> None:
        names = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
        self.columns = [ColumnProfile(name) for name in names]
        self.max_rows = max_rows
        self.rows = 0
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.max_rows is not None and self.rows >= self.max_rows

    def add_rows(self, rows: Iterable[list[str]], first_line: int) -> None:
        """Adds data rows; `first_line` is the 1-based row number of the first, for error messages."""
        width = len(self.columns)
        for offset, row in enumerate(rows):
            if self.full:
                self.truncated = True
                return
            if len(row) != width:
                raise NotCsvError(
                    f"row {first_line + offset} has {len(row)} fields where the header has {width}: not CSV"
                )
            for column, cell in zip(self.columns, row):
                column.add(cell)
            self.rows += 1

    def result(self, delimiter: str) -> dict[str, Any]:
        """The tool's outputs object (see `contract.OUTPUTS`)."""
        return {
            "row_count": self.rows,
            "column_count": len(self.columns),
            "delimiter": delimiter,
            "truncated": self.truncated,
            "columns": [c.to_json() for c in self.columns],
        }


def profile_text(text: str, max_rows: int | None = None) -> dict[str, Any]:
    """The whole profile of a document in one call (what the activity does in batches)."""
    delimiter = sniff_delimiter(text)
    rows = read_rows(text, delimiter)
    header = next(rows, None)
    if header is None:
        raise NotCsvError("the file is empty: no header row")
    profiler = CsvProfiler(header, max_rows)
    profiler.add_rows(rows, first_line=2)
    return profiler.result(delimiter)
