"""CSV and Parquet writers of the record tables (:mod:`unionfacts.records`), streaming.

CSV (standard library): one header line of column names, then one line per row; decimals as
plain strings exactly as the JSONL writes them (``490000000``), dates ISO (``2024-02-24``),
booleans ``true``/``false``, None as an empty cell.

Parquet (``pip install 'unionfacts[parquet]'``, pyarrow): the Arrow schema derived from the
columns: ``string``, ``int64``, ``decimal128(38, 10)``, ``date32``, ``bool``. Rows are buffered
and written ``batch_rows`` at a time as row groups, so memory stays bounded; the file is
written beside the target and renamed into place on :meth:`ParquetWriter.close`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import importlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from types import TracebackType
from typing import Any, Self, TextIO

from unionfacts.errors import UnionfactsError
from unionfacts.models import Document
from unionfacts.pipeline.numbers import plain
from unionfacts.records import (
    DOCUMENTS,
    FACTS,
    Row,
    Table,
    table_named,
    table_rows,
)

#: Parquet decimals: 38 digits, 10 of them after the point.
DECIMAL_PRECISION = 38
DECIMAL_SCALE = 10
_QUANTUM = Decimal(1).scaleb(-DECIMAL_SCALE)
_MAX_ADJUSTED = DECIMAL_PRECISION - DECIMAL_SCALE - 1  # digits before the point, less one


class MissingDependencyError(UnionfactsError, ImportError):
    """An optional dependency (an extra) is not installed; the message says what to install."""


def _need_pyarrow() -> Any:
    try:
        pa = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise MissingDependencyError(
            "Parquet needs pyarrow: pip install 'unionfacts[parquet]'") from None
    return pa


# -------------------------------------------------------------------------------- inputs

DocumentInput = Document | tuple[Document, str] | tuple[Document, str, str | None]
"""A document, or ``(document, text)``, or ``(document, text, path)``: the tables other than
``facts`` need the text (its hash and length)."""


def iter_table_rows(items: Iterable[DocumentInput], table: Table = FACTS) -> Iterator[Row]:
    """The rows of ``table`` for each input document, in order."""
    for item in items:
        if isinstance(item, Document):
            yield from table_rows(table, item)
        else:
            doc, text, *rest = item
            yield from table_rows(table, doc, text, rest[0] if rest else None)


# ----------------------------------------------------------------------------------- CSV

def _csv_decimal(v: Decimal | None) -> str:
    return "" if v is None else plain(v)


def _csv_date(v: _dt.date | None) -> str:
    return "" if v is None else v.isoformat()


def _csv_bool(v: bool | None) -> str:
    return "" if v is None else "true" if v else "false"


_CSV_OUT: dict[str, Callable[[Any], str]] = {"decimal": _csv_decimal, "date": _csv_date,
                                             "boolean": _csv_bool}


def csv_header(table: Table = FACTS) -> list[str]:
    """The CSV header: the column names, in order."""
    return list(table.names)


class CsvWriter:
    """Rows of one table as CSV lines on ``out`` (a text stream opened with ``newline=""``
    or ``"\\n"``); the header first unless ``header=False``."""

    def __init__(self, out: TextIO, table: Table = FACTS, *, header: bool = True) -> None:
        self.table = table
        self._writer = csv.writer(out, lineterminator="\n")
        self._conv = tuple((i, _CSV_OUT[c.type]) for i, c in enumerate(table.columns)
                           if c.type in _CSV_OUT)
        self.rows = 0
        if header:
            self._writer.writerow(table.names)

    def write_rows(self, rows: Iterable[Row]) -> None:
        conv = self._conv
        write = self._writer.writerow
        for row in rows:
            r = list(row)
            for i, f in conv:
                r[i] = f(r[i])
            write(r)  # csv writes None as an empty cell
            self.rows += 1

    def write_document(self, doc: Document, text: str | None = None,
                       path: str | None = None) -> None:
        """The rows of one document (``text`` needed for tables other than ``facts``)."""
        self.write_rows(table_rows(self.table, doc, text, path))


class _Lines:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, s: str) -> int:
        self.parts.append(s)
        return len(s)


def csv_text(rows: Iterable[Row], table: Table = FACTS) -> str:
    """CSV lines (no header) of ``rows``: what a worker process returns for one document."""
    buf = _Lines()
    CsvWriter(buf, table, header=False).write_rows(rows)  # type: ignore[arg-type]
    return "".join(buf.parts)


def csv_header_line(table: Table = FACTS) -> str:
    """The CSV header line of ``table``, as ``CsvWriter`` writes it."""
    buf = _Lines()
    CsvWriter(buf, table, header=True)  # type: ignore[arg-type]
    return "".join(buf.parts)


def csv_fact_lines(doc: Document) -> str:
    """The CSV lines of one document's facts (no header): what ``extract --format csv`` writes
    for it, rendered in the worker process."""
    return csv_text(table_rows(FACTS, doc))


def write_csv(items: Iterable[DocumentInput], out: TextIO, table: Table | str = FACTS) -> int:
    """Write ``table`` for every input document as CSV on ``out``; the number of rows."""
    t = table_named(table) if isinstance(table, str) else table
    w = CsvWriter(out, t)
    w.write_rows(iter_table_rows(items, t))
    return w.rows


_CSV_IN: dict[str, Callable[[str], Any]] = {
    "integer": int, "decimal": Decimal, "date": _dt.date.fromisoformat,
    "boolean": lambda s: s == "true"}


def read_csv_rows(lines: Iterable[str], table: Table = FACTS) -> Iterator[Row]:
    """Typed rows back from CSV lines with a header (an empty cell is None in a nullable
    column, an empty string in the others)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    if tuple(header) != table.names:
        raise ValueError(f"CSV header is not the {table.name} table's: {header[:4]}…")
    cols = table.columns
    for cells in reader:
        yield tuple(None if (s == "" and c.nullable) else
                    _CSV_IN[c.type](s) if c.type in _CSV_IN else s
                    for s, c in zip(cells, cols))


# ------------------------------------------------------------------------------- Parquet

def arrow_schema(table: Table = FACTS) -> Any:
    """The Arrow schema (``pyarrow.Schema``) of a record table (needs pyarrow)."""
    pa = _need_pyarrow()
    types = {"text": pa.string(), "integer": pa.int64(),
             "decimal": pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
             "date": pa.date32(), "boolean": pa.bool_()}
    return pa.schema([pa.field(c.name, types[c.type], nullable=c.nullable,
                               metadata={"doc": c.doc}) for c in table.columns],
                     metadata={"table": table.name})


def _fit(v: Decimal | None) -> Decimal | None:
    """A decimal that fits ``decimal128(38, 10)``: more than 10 places are rounded (half
    even); a number of 28 digits or more before the point becomes None."""
    if v is None or not v.is_finite():
        return None
    exp = v.as_tuple().exponent
    if isinstance(exp, int) and exp < -DECIMAL_SCALE:
        v = v.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    return None if v and v.adjusted() > _MAX_ADJUSTED else v


class ParquetWriter:
    """Rows of one table into the Parquet file ``path``, ``batch_rows`` rows per row group.

    Use as a context manager (closed on success, removed on an exception), or call
    :meth:`close` / :meth:`abort`. Needs pyarrow.
    """

    def __init__(self, path: str | os.PathLike[str], table: Table = FACTS, *,
                 batch_rows: int = 50_000, compression: str = "zstd") -> None:
        self._pa = _need_pyarrow()
        self.path = os.fspath(path)
        self.table = table
        self.batch_rows = max(1, batch_rows)
        self.schema = arrow_schema(table)
        self.rows = 0
        self._buf: list[Row] = []
        self._decimals = tuple(i for i, c in enumerate(table.columns) if c.type == "decimal")
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, self._tmp = tempfile.mkstemp(prefix=".unionfacts-", suffix=".parquet.tmp",
                                         dir=folder)
        os.close(fd)
        try:
            self._writer = self._pa.parquet.ParquetWriter(self._tmp, self.schema,
                                                          compression=compression)
        except BaseException:
            os.unlink(self._tmp)
            raise
        self._open = True

    def write_rows(self, rows: Iterable[Row]) -> None:
        buf = self._buf
        for row in rows:
            buf.append(row)
            if len(buf) >= self.batch_rows:
                self._flush()

    def write_document(self, doc: Document, text: str | None = None,
                       path: str | None = None) -> None:
        """The rows of one document (``text`` needed for tables other than ``facts``)."""
        self.write_rows(table_rows(self.table, doc, text, path))

    def _flush(self) -> None:
        if not self._buf:
            return
        pa = self._pa
        columns = [list(col) for col in zip(*self._buf)]
        for i in self._decimals:
            columns[i] = [_fit(v) for v in columns[i]]
        arrays = [pa.array(col, type=f.type) for col, f in zip(columns, self.schema)]
        self._writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.rows += len(self._buf)
        self._buf.clear()  # in place: write_rows holds it

    def close(self) -> None:
        """Write what is buffered, close the file and move it into place."""
        if not self._open:
            return
        try:
            self._flush()
            self._writer.close()
        except BaseException:
            self.abort()
            raise
        self._open = False
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the file being written; the target is left as it was."""
        if not self._open:
            return
        self._open = False
        with contextlib.suppress(Exception):  # the file is removed anyway
            self._writer.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_parquet(items: Iterable[DocumentInput], path: str | os.PathLike[str],
                  table: Table | str = FACTS, *, batch_rows: int = 50_000) -> int:
    """Write ``table`` for every input document as Parquet to ``path``; the number of rows."""
    t = table_named(table) if isinstance(table, str) else table
    with ParquetWriter(path, t, batch_rows=batch_rows) as w:
        w.write_rows(iter_table_rows(items, t))
    return w.rows


def read_parquet_rows(path: str | os.PathLike[str], table: Table = FACTS) -> list[Row]:
    """Typed rows back from a Parquet file written by :class:`ParquetWriter`."""
    pa = _need_pyarrow()
    data = pa.parquet.read_table(os.fspath(path))
    if tuple(data.column_names) != table.names:
        raise ValueError(f"{os.fspath(path)}: not the {table.name} table")
    return [tuple(r.values()) for r in data.to_pylist()]


__all__ = ["DOCUMENTS", "FACTS", "CsvWriter", "MissingDependencyError", "ParquetWriter",
           "arrow_schema", "csv_header", "csv_text", "iter_table_rows", "read_csv_rows",
           "read_parquet_rows", "write_csv", "write_parquet"]
