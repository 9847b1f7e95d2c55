"""Facts from a Spark DataFrame of documents (``pip install 'unionfacts[spark]'``).

>>> facts = extract_facts(df, text_col="text", id_col="id")      # doctest: +SKIP
>>> facts.where("kind = 'money'").groupBy("doc").sum("amount")   # doctest: +SKIP

The output has the typed shape of :mod:`unionfacts.records` (``facts``, or ``documents`` for
:func:`extract_documents`), as a Spark schema derived from the same column definitions
(:func:`spark_schema`): ``text`` → ``string``, ``integer`` → ``bigint``, ``decimal`` →
``decimal(38,10)``, ``date`` → ``date``, ``boolean`` → ``boolean``.

Extraction runs in the executors' Python workers through ``mapInArrow``: each worker process
builds one :class:`~unionfacts.Extractor` for a given set of options, the first time it needs
it, and keeps it for every later batch and task (Spark reuses its Python workers), so the rule
packs are compiled once per process, never per row.

Documents that cannot be extracted: a column of the wrong type (the text not a string, the
publication date not a string, date or timestamp) is a ``TypeError`` when the DataFrame is
built, naming the column. A row whose text or id is null, or whose publication date is not an
ISO date, gives no facts (and no document row); :func:`extract_failures` lists exactly those
rows with the reason, and the other documents are unaffected. An exception raised while
extracting a valid document (a user rule that times out, or a bug) fails the Spark task with a
:class:`SparkExtractionError` naming the document, or with ``on_error="skip"`` drops that
document alone (``extract_failures(..., extract=True)`` lists those too).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionfacts.errors import UnionfactsError
from unionfacts.extractor import Extractor
from unionfacts.io.tables import DECIMAL_PRECISION, DECIMAL_SCALE, _fit, arrow_schema
from unionfacts.pipeline.timebase import parse_published
from unionfacts.rules.packs import MATCH_TIMEOUT
from unionfacts.records import DOCUMENTS, FACTS, ColumnType, Row, Table, document_rows, fact_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import DataType, StructType

log = logging.getLogger(__name__)

__all__ = ["FAILURE_COLUMNS", "SparkExtractionError", "extract_documents", "extract_facts",
           "extract_failures", "spark_schema"]

#: Columns of :func:`extract_failures`: the document id (None when the id is null) and why.
FAILURE_COLUMNS = ("doc", "error")

# the input columns after selection, in this order, under these names
_ID, _TEXT, _PUBLISHED = "__uf_id", "__uf_text", "__uf_published"
_DATE_TYPES = ("DateType", "TimestampType", "TimestampNTZType")


class SparkExtractionError(UnionfactsError):
    """Extracting one document raised; the message names the document."""


# ------------------------------------------------------------------------------ schema

def _spark_types() -> dict[ColumnType, DataType]:
    from pyspark.sql import types as T

    return {"text": T.StringType(), "integer": T.LongType(),
            "decimal": T.DecimalType(DECIMAL_PRECISION, DECIMAL_SCALE), "date": T.DateType(),
            "boolean": T.BooleanType()}


def spark_schema(table: Table = FACTS) -> StructType:
    """The Spark schema of a record table (:mod:`unionfacts.records`): one field per column,
    in order, with its nullability and its description as field metadata."""
    from pyspark.sql import types as T

    types = _spark_types()
    return T.StructType([T.StructField(c.name, types[c.type], c.nullable, {"comment": c.doc})
                         for c in table.columns])


# ------------------------------------------------------------------------------ the executors

#: ``(rule-pack folders, kinds, match timeout)``: what an executor builds its Extractor from.
_Options = tuple[tuple[str, ...], tuple[str, ...] | None, float]
_EXTRACTORS: dict[_Options, Extractor] = {}


def _extractor(options: _Options) -> Extractor:
    """This process's Extractor for these options, built on first use."""
    ex = _EXTRACTORS.get(options)
    if ex is None:
        packs, kinds, timeout = options
        ex = _EXTRACTORS[options] = Extractor(packs, kinds=kinds, match_timeout=timeout)
    return ex


def _problem(doc_id: object, text: object, published: object) -> str | None:
    """Why a row cannot be extracted, or None when it can."""
    if text is None:
        return "text is null"
    if not isinstance(text, str):  # the column type is checked on the driver; kept for safety
        return f"text is {type(text).__name__}, not a string"
    if doc_id is None:
        return "id is null"
    if published is not None:
        try:
            parse_published(published)
        except (TypeError, ValueError) as e:
            return str(e)
    return None


def _documents(batch: Any) -> Iterator[tuple[str, str, object]]:
    """``(id, text, published)`` of the extractable rows of one input batch."""
    ids = batch.column(0).to_pylist()
    texts = batch.column(1).to_pylist()
    pubs = batch.column(2).to_pylist() if batch.num_columns > 2 else [None] * len(ids)
    for doc_id, text, pub in zip(ids, texts, pubs):
        if _problem(doc_id, text, pub) is None:
            yield doc_id, text, pub


def _to_batch(pa: Any, schema: Any, rows: Sequence[Row], decimals: tuple[int, ...]) -> Any:
    columns = [list(col) for col in zip(*rows)] if rows else [[] for _ in schema]
    for i in decimals:
        columns[i] = [_fit(v) for v in columns[i]]
    return pa.RecordBatch.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)],
                                      schema=schema)


_Rows = Callable[[Extractor, str, str, object], list[Row]]


def _fact_rows(ex: Extractor, doc_id: str, text: str, published: object) -> list[Row]:
    doc = ex.extract_document(text, doc_id, published)
    return [fact_row(doc_id, f) for f in doc.facts]


def _document_rows(ex: Extractor, doc_id: str, text: str, published: object) -> list[Row]:
    return [document_rows(ex.extract_document(text, doc_id, published), text)[0]]


def _error(e: Exception) -> str:
    return f"{type(e).__name__}: {e}"


def _mapper(table: Table, rows_of: _Rows, options: _Options, skip: bool,
            batch_rows: int) -> Callable[[Iterable[Any]], Iterator[Any]]:
    def run(batches: Iterable[Any]) -> Iterator[Any]:
        pa = importlib.import_module("pyarrow")
        schema = arrow_schema(table)
        decimals = tuple(i for i, c in enumerate(table.columns) if c.type == "decimal")
        ex = _extractor(options)
        out: list[Row] = []
        for batch in batches:
            for doc_id, text, pub in _documents(batch):
                try:
                    out.extend(rows_of(ex, doc_id, text, pub))
                except Exception as e:
                    if not skip:
                        raise SparkExtractionError(f"document {doc_id!r}: {_error(e)}") from e
                    log.warning("document %r skipped: %s", doc_id, _error(e))
                if len(out) >= batch_rows:
                    yield _to_batch(pa, schema, out, decimals)
                    out = []
        if out:
            yield _to_batch(pa, schema, out, decimals)
    return run


def _failure_mapper(options: _Options | None) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """Rows that give no facts, as ``(doc, error)``; with ``options``, the documents whose
    extraction raises as well (each valid row is extracted)."""
    def run(batches: Iterable[Any]) -> Iterator[Any]:
        pa = importlib.import_module("pyarrow")
        schema = pa.schema([pa.field("doc", pa.string()), pa.field("error", pa.string(), False)])
        ex = _extractor(options) if options is not None else None
        for batch in batches:
            ids = batch.column(0).to_pylist()
            texts = batch.column(1).to_pylist()
            pubs = batch.column(2).to_pylist() if batch.num_columns > 2 else [None] * len(ids)
            bad: list[tuple[str | None, str]] = []
            for doc_id, text, pub in zip(ids, texts, pubs):
                problem = _problem(doc_id, text, pub)
                if problem is None and ex is not None:
                    try:
                        ex.extract_document(text, doc_id, pub)
                    except Exception as e:
                        problem = _error(e)
                if problem is not None:
                    bad.append((doc_id, problem))
            if bad:
                yield pa.RecordBatch.from_arrays([pa.array([b[0] for b in bad], pa.string()),
                                                  pa.array([b[1] for b in bad], pa.string())],
                                                 schema=schema)
    return run


# ------------------------------------------------------------------------------ the driver

def _inputs(df: DataFrame, text_col: str, id_col: str, published_col: str | None) -> DataFrame:
    """``df`` reduced to (id as string, text, published), type-checked."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    fields = {f.name: f.dataType for f in df.schema.fields}
    wanted = [text_col, id_col] + ([published_col] if published_col is not None else [])
    for name in wanted:
        if name not in fields:
            raise ValueError(f"extract: no column {name!r} in the DataFrame "
                             f"(columns: {', '.join(fields)})")
    if not isinstance(fields[text_col], T.StringType):
        raise TypeError(f"extract: text column {text_col!r} must be a string, "
                        f"not {fields[text_col].simpleString()}")
    cols = [F.col(id_col).cast("string").alias(_ID), F.col(text_col).alias(_TEXT)]
    if published_col is not None:
        kind = type(fields[published_col]).__name__
        if kind != "StringType" and kind not in _DATE_TYPES:
            raise TypeError(f"extract: published column {published_col!r} must be a string, "
                            f"date or timestamp, not {fields[published_col].simpleString()}")
        cols.append(F.col(published_col).alias(_PUBLISHED))
    return df.select(*cols)


def _options(extra_patterns: Iterable[str] | None, kinds: Iterable[str] | None,
             match_timeout: float) -> _Options:
    """The Extractor options the executors get: pack folders made absolute (they must exist
    at the same place on every executor) and the kinds. Building one Extractor here checks
    them, so a broken pack fails on the driver, not in a task."""
    packs = tuple(str(Path(p).resolve()) for p in extra_patterns or ())
    ex = Extractor(packs, kinds=kinds, match_timeout=match_timeout)
    return packs, ex.kinds, float(match_timeout)


def _extract(table: Table, rows_of: _Rows, df: DataFrame, text_col: str, id_col: str,
             published_col: str | None, extra_patterns: Iterable[str] | None,
             kinds: Iterable[str] | None, match_timeout: float, on_error: str,
             batch_rows: int) -> DataFrame:
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be ≥ 1, not {batch_rows!r}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    options = _options(extra_patterns, kinds, match_timeout)
    inputs = _inputs(df, text_col, id_col, published_col)
    return inputs.mapInArrow(_mapper(table, rows_of, options, on_error == "skip", batch_rows),
                             spark_schema(table))


def extract_facts(df: DataFrame, text_col: str = "text", id_col: str = "id",
                  published_col: str | None = None, *, extra_patterns: Iterable[str] | None = None,
                  kinds: Iterable[str] | None = None, match_timeout: float = MATCH_TIMEOUT,
                  on_error: str = "raise", batch_rows: int = 10_000) -> DataFrame:
    """The ``facts`` records of every document in ``df`` (lazily: a Spark DataFrame).

    ``text_col`` holds the text (string), ``id_col`` the document id (cast to string; it is
    the ``doc`` column), ``published_col`` (optional: ISO string, date or timestamp) the
    publication date; where it is null the date is detected from the text, as without it.
    ``extra_patterns`` (folders that must exist on every executor), ``kinds`` and
    ``match_timeout`` are the :class:`~unionfacts.Extractor` options. Rows listed by
    :func:`extract_failures` give no facts. A document whose extraction raises fails the job
    with a :class:`SparkExtractionError` naming it (``on_error="raise"``) or gives no facts and
    a warning in the executor's log (``on_error="skip"``). Output batches hold up to
    ``batch_rows`` rows.
    """
    return _extract(FACTS, _fact_rows, df, text_col, id_col, published_col, extra_patterns,
                    kinds, match_timeout, on_error, batch_rows)


def extract_documents(df: DataFrame, text_col: str = "text", id_col: str = "id",
                      published_col: str | None = None, *,
                      extra_patterns: Iterable[str] | None = None,
                      kinds: Iterable[str] | None = None, match_timeout: float = MATCH_TIMEOUT,
                      on_error: str = "raise", batch_rows: int = 10_000) -> DataFrame:
    """The ``documents`` records (one row per extractable document: metadata, content hash,
    counts) of ``df``; the arguments are those of :func:`extract_facts`. ``path`` is null."""
    return _extract(DOCUMENTS, _document_rows, df, text_col, id_col, published_col,
                    extra_patterns, kinds, match_timeout, on_error, batch_rows)


def extract_failures(df: DataFrame, text_col: str = "text", id_col: str = "id",
                     published_col: str | None = None, *, extract: bool = False,
                     extra_patterns: Iterable[str] | None = None,
                     kinds: Iterable[str] | None = None,
                     match_timeout: float = MATCH_TIMEOUT) -> DataFrame:
    """The rows of ``df`` that :func:`extract_facts` skips, as ``(doc, error)``: text null,
    id null, or a publication date that is not an ISO date. This runs no extraction; with
    ``extract=True`` every other row is extracted too (with the options given, as for
    :func:`extract_facts`), and the documents whose extraction raises are listed as well."""
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField("doc", T.StringType(), True),
                           T.StructField("error", T.StringType(), False)])
    options = _options(extra_patterns, kinds, match_timeout) if extract else None
    return _inputs(df, text_col, id_col, published_col).mapInArrow(_failure_mapper(options),
                                                                    schema)
