"""CSV, Parquet and pandas in the record shape: round trips, batches, dtypes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from test_records import DOCS, typed

from unionfacts.io.sinks import fact_records
from unionfacts.io.tables import (
    CsvWriter,
    ParquetWriter,
    _fit,
    arrow_schema,
    csv_header,
    csv_text,
    iter_table_rows,
    read_csv_rows,
    read_parquet_rows,
    write_csv,
    write_parquet,
)
from unionfacts.records import (
    DOCUMENTS,
    FACTS,
    MEASURE_ITEMS,
    MEASURE_LISTS,
    TABLES,
    Table,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _rows(table: Table) -> list[tuple[object, ...]]:
    return list(iter_table_rows(DOCS, table))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_csv_round_trip_types_included(table: Table) -> None:
    out = io.StringIO(newline="")
    assert write_csv(DOCS, out, table) == len(_rows(table))
    lines = out.getvalue().splitlines(keepends=True)
    assert lines[0].rstrip("\n").split(",") == csv_header(table) == list(table.names)
    back = list(read_csv_rows(lines, table))
    assert back == _rows(table)
    assert [typed(r) for r in back] == [typed(r) for r in _rows(table)]


def test_csv_values_are_the_jsonl_strings() -> None:
    out = io.StringIO(newline="")
    write_csv(DOCS, out)
    import csv

    cells = list(csv.DictReader(io.StringIO(out.getvalue())))
    recs = [r for d, _ in DOCS for r in fact_records(d)]
    assert [c["value"] for c in cells] == [r["value"] for r in recs]
    money = next(c for c in cells if c["kind"] == "money")
    assert money["amount"] == money["value"] and "E" not in money["amount"]
    date = next(c for c in cells if c["kind"] == "date" and c["first_day"])
    dt.date.fromisoformat(date["first_day"])
    assert date["resolved"] in ("true", "false")


def test_csv_text_is_header_less_and_matches_the_writer() -> None:
    doc, text = DOCS[0]
    out = io.StringIO(newline="")
    w = CsvWriter(out)
    w.write_document(doc, text)
    assert out.getvalue() == ",".join(FACTS.names) + "\n" + csv_text(_rows_of(doc))
    assert w.rows == len(doc.facts)


def _rows_of(doc: object) -> list[tuple[object, ...]]:
    return list(iter_table_rows([doc], FACTS))  # type: ignore[list-item]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_parquet_round_trip_types_included(tmp_path: Path, table: Table) -> None:
    path = tmp_path / f"{table.name}.parquet"
    assert write_parquet(DOCS, path, table) == len(_rows(table))
    back = read_parquet_rows(path, table)
    assert back == _rows(table)  # Decimal('1.5000000000') == Decimal('1.5')
    for row, want in zip(back, _rows(table)):
        assert [type(v) for v in row] == [type(v) for v in want]
    assert pq.read_schema(path).equals(arrow_schema(table), check_metadata=False)


def test_parquet_is_written_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "facts.parquet"
    n = write_parquet(DOCS, path, batch_rows=16)
    assert n == len(_rows(FACTS)) and n > 16 * 3
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == -(-n // 16)
    assert meta.num_rows == n


def test_parquet_is_not_left_half_written(tmp_path: Path) -> None:
    path = tmp_path / "facts.parquet"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), ParquetWriter(path, batch_rows=4) as w:
        w.write_document(DOCS[0][0])
        raise RuntimeError("interrupted")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.parquet"]


def test_parquet_of_no_documents_has_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    assert write_parquet([], path, "documents") == 0
    assert pq.read_table(path).schema.names == list(DOCUMENTS.names)


def test_parquet_decimal_limits() -> None:
    assert _fit(Decimal("1.123456789012345")) == Decimal("1.1234567890")
    assert _fit(Decimal("1E+27")) == Decimal("1E+27")
    assert _fit(Decimal("1E+28")) is None
    assert _fit(Decimal(0)) == 0 and _fit(None) is None


def test_to_pandas_numbers_and_dates() -> None:
    pytest.importorskip("pandas")
    from unionfacts.frames import to_pandas

    df = to_pandas(DOCS)
    assert list(df.columns) == list(FACTS.names)
    assert len(df) == sum(len(d.facts) for d, _ in DOCS)
    total = df[df.kind == "money"].amount.sum()
    want = sum(f.value for d, _ in DOCS for f in d.facts if f.kind == "money")
    assert isinstance(total, float) and total == pytest.approx(float(want))
    assert str(df.amount.dtype) == "float64" and str(df.days.dtype) == "float64"
    assert str(df.first_day.dtype).startswith("datetime64")
    assert str(df.start.dtype) == "int64" and str(df.resolved.dtype) == "boolean"
    months = df.dropna(subset=["first_day"]).first_day.dt.to_period("M").value_counts()
    assert months.sum() == df.first_day.notna().sum() > 0
    bare = to_pandas([d for d, _ in DOCS])
    assert bare.equals(df)
    docs = to_pandas(DOCS, "documents")
    assert list(docs.doc) == [d.doc for d, _ in DOCS]
    assert str(docs.published.dtype).startswith("datetime64") and str(docs.chars.dtype) == "int64"
    assert len(to_pandas(DOCS, MEASURE_LISTS)) == sum(len(d.enumerations) for d, _ in DOCS)
    assert len(to_pandas(DOCS, MEASURE_ITEMS)) == sum(
        len(e.items) for d, _ in DOCS for e in d.enumerations)
    empty = to_pandas([])
    assert list(empty.columns) == list(FACTS.names) and len(empty) == 0
    with pytest.raises(ValueError, match="need its text"):
        to_pandas([d for d, _ in DOCS], "documents")
