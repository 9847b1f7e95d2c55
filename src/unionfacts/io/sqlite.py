"""An embedded fact store: the record tables of :mod:`unionfacts.records` in one SQLite file.

>>> store = FactStore("facts.db")                       # doctest: +SKIP
>>> store.add(doc, text, path="a.txt")                  # doctest: +SKIP
True

Each document is written in one transaction: its old rows (if any) are deleted and the new
ones inserted, or nothing changes. A document already stored with the same content hash is
skipped, so a rerun over the same inputs resumes where an interrupted one stopped. The file
is in WAL mode, so readers (``sqlite3``, DuckDB, pandas) can query it while it is written.

Every failure of the database file (corrupt, locked, read-only, disk full, not a fact store)
raises a :class:`StoreError` that names the file; the documents already committed stay.
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from unionfacts.errors import UnionfactsError
from unionfacts.models import Document
from unionfacts.records import (
    DOCUMENTS,
    FACTS,
    MEASURE_ITEMS,
    MEASURE_LISTS,
    TABLES,
    DocumentRows,
    Row,
    Table,
    content_hash,
    document_from_rows,
    document_rows,
)

#: ``PRAGMA application_id`` of a fact store ("UFct"), and the version of its tables.
APPLICATION_ID = 0x55466374
SCHEMA_VERSION = 1

_SQL_TYPES = {"text": "TEXT", "integer": "INTEGER", "decimal": "NUMERIC", "date": "DATE",
              "boolean": "BOOLEAN"}

#: Indexes for the usual questions: one document's facts (and its replacement), facts of a
#: kind and by subject (``WHERE kind = 'count' GROUP BY subject_simplified`` reads the index
#: alone), facts in a span of days. Three on ``facts``: each costs ~8 % of the store's time.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS facts_doc ON facts (doc)",
    "CREATE INDEX IF NOT EXISTS facts_kind_subject ON facts (kind, subject_simplified)",
    ("CREATE INDEX IF NOT EXISTS facts_first_day ON facts (first_day) "
     "WHERE first_day IS NOT NULL"),
    "CREATE INDEX IF NOT EXISTS documents_published ON documents (published)",
)


class StoreError(UnionfactsError):
    """The fact store file cannot be used; the message names the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class StoreCorruptError(StoreError):
    """The file is not an SQLite database, is damaged, or is not a unionfacts fact store."""


class StoreLockedError(StoreError):
    """Another process holds the write lock longer than the timeout."""


class StoreReadOnlyError(StoreError):
    """The file or its folder cannot be written (or created)."""


class StoreFullError(StoreError):
    """The disk (or the database's size limit) is full; the document being written was rolled back."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ddl(table: Table) -> str:
    """``CREATE TABLE`` for a record table (declared types: TEXT, INTEGER, NUMERIC for
    decimals, DATE for ISO dates, BOOLEAN for 0/1)."""
    cols = [f"{_quote(c.name)} {_SQL_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}"
            for c in table.columns]
    if table.key:
        cols.append(f"PRIMARY KEY ({', '.join(_quote(k) for k in table.key)})")
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  " + ",\n  ".join(cols) + "\n)"


def schema_sql() -> str:
    """The whole store's DDL: tables, then indexes."""
    return ";\n".join([ddl(t) for t in TABLES] + list(INDEXES)) + ";\n"


# --------------------------------------------------------------------- value conversions

def _decimal_out(v: Decimal | None) -> str | None:
    # a decimal string (``3.5E+8`` too): a NUMERIC column stores it as INTEGER when whole,
    # else REAL
    return None if v is None else str(v)


def _date_out(v: _dt.date | None) -> str | None:
    return None if v is None else v.isoformat()


def _bool_out(v: bool | None) -> int | None:
    return None if v is None else int(v)


def _decimal_in(v: Any) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(v)


def _date_in(v: Any) -> _dt.date | None:
    return None if v is None else _dt.date.fromisoformat(v)


def _bool_in(v: Any) -> bool | None:
    return None if v is None else bool(v)


_OUT: dict[str, Callable[[Any], Any]] = {"decimal": _decimal_out, "date": _date_out,
                                         "boolean": _bool_out}
_IN: dict[str, Callable[[Any], Any]] = {"decimal": _decimal_in, "date": _date_in,
                                        "boolean": _bool_in}


def _converters(table: Table, which: dict[str, Callable[[Any], Any]]
                ) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    return tuple((i, which[c.type]) for i, c in enumerate(table.columns) if c.type in which)


_TO_SQL = {t.name: _converters(t, _OUT) for t in TABLES}
_FROM_SQL = {t.name: _converters(t, _IN) for t in TABLES}
_SHA256 = DOCUMENTS.index("sha256")
_VALUE = FACTS.index("value")
_AMOUNT = FACTS.index("amount")
_KIND = FACTS.index("kind")
_NUMERIC = frozenset(("money", "count", "percent", "measure"))


def _to_sql(table: Table, rows: Sequence[Row]) -> list[list[Any]]:
    conv = _TO_SQL[table.name]
    out = []
    for row in rows:
        r = list(row)
        for i, f in conv:
            r[i] = f(r[i])
        out.append(r)
    return out


def _from_sql(table: Table, row: Sequence[Any]) -> Row:
    r = list(row)
    for i, f in _FROM_SQL[table.name]:
        r[i] = f(r[i])
    if table is FACTS and r[_KIND] in _NUMERIC:
        r[_AMOUNT] = Decimal(r[_VALUE])  # exact: NUMERIC keeps 15 significant digits
    return tuple(r)


def _insert(table: Table) -> str:
    return (f"INSERT INTO {table.name} ({', '.join(_quote(n) for n in table.names)}) "
            f"VALUES ({', '.join('?' * len(table.columns))})")


_INSERT = {t.name: _insert(t) for t in TABLES}


# -------------------------------------------------------------------------------- errors

def _store_error(path: str, exc: sqlite3.Error) -> StoreError:
    """The :class:`StoreError` for an sqlite3 error on ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    msg = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in msg:
        return StoreFullError(path, f"disk full while writing the fact store ({msg})")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg:
        return StoreLockedError(path, f"the fact store is locked by another process ({msg})")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) \
            or "readonly" in msg or "unable to open" in msg:
        return StoreReadOnlyError(path, f"cannot write the fact store ({msg})")
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in msg \
            or "malformed" in msg:
        return StoreCorruptError(path, f"not a valid SQLite database ({msg})")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(path, f"input/output error on the fact store ({msg})")
    return StoreError(path, msg)


# --------------------------------------------------------------------------------- store

class FactStore:
    """The record tables in the SQLite file ``path`` (created when missing).

    ``timeout`` is how long a write waits for another writer's lock before
    :class:`StoreLockedError`. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0) -> None:
        self.path = os.fspath(path)
        if os.path.isdir(self.path):
            raise StoreReadOnlyError(self.path, "is a folder, not a database file")
        folder = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(folder):
            raise StoreError(self.path, f"no such folder: {folder}")
        try:
            self._con = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None
        try:
            self._setup()
        except sqlite3.Error as exc:
            self._con.close()
            raise _store_error(self.path, exc) from None
        except StoreError:
            self._con.close()
            raise

    def _setup(self) -> None:
        con = self._con
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id == 0 and not tables:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("BEGIN IMMEDIATE")
            try:
                for stmt in [ddl(t) for t in TABLES] + list(INDEXES):
                    con.execute(stmt)
                con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        elif app_id != APPLICATION_ID:
            raise StoreCorruptError(self.path, "an SQLite database, but not a unionfacts fact "
                                    "store (refusing to write into it)")
        elif version != SCHEMA_VERSION:
            raise StoreCorruptError(self.path, f"fact store of version {version}; this "
                                    f"unionfacts reads version {SCHEMA_VERSION}")
        else:
            con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never torn
        con.execute("PRAGMA cache_size=-16384")  # 16 MiB: the indexes' hot pages

    # ------------------------------------------------------------------------ writing

    def current_hash(self, doc_id: str) -> str | None:
        """The content hash stored for ``doc_id``, or None when it is not stored."""
        try:
            row = self._con.execute("SELECT sha256 FROM documents WHERE doc = ?",
                                    (doc_id,)).fetchone()
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None
        return None if row is None else str(row[0])

    def is_current(self, doc_id: str, text: str) -> bool:
        """Whether ``doc_id`` is stored with this very text (extracting it again can be skipped)."""
        return self.current_hash(doc_id) == content_hash(text)

    def add(self, doc: Document, text: str, path: str | None = None) -> bool:
        """Store one document; ``text`` is its raw text (hashed, not stored). False when the
        same document (id and content hash) is already stored, True when written."""
        return self.add_rows(document_rows(doc, text, path))

    def add_rows(self, rows: DocumentRows) -> bool:
        """Store one document's rows (from :func:`unionfacts.records.document_rows`, which a
        worker process can build); the same contract as :meth:`add`."""
        return self.add_many([rows])[0]

    def add_many(self, documents: Iterable[DocumentRows]) -> list[bool]:
        """Store several documents' rows in one transaction (cheaper than one each: fewer
        commits); for each, False when it was already stored with the same content hash.

        All of them are written or, on any error, none: the store is as it was before the
        call, and the documents committed by earlier calls stay.
        """
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None
        doc_id = None
        try:
            written = []
            for rows in documents:
                doc_id = rows[0][0]
                written.append(self._write(rows))
            con.execute("COMMIT")
            return written
        except BaseException as exc:
            if con.in_transaction:
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite has rolled back already (e.g. after SQLITE_FULL)
            if isinstance(exc, sqlite3.Error):
                raise _store_error(self.path, exc) from None
            if isinstance(exc, UnicodeEncodeError):  # a lone surrogate: no UTF-8 for it
                raise StoreError(self.path, f"document {doc_id!r} not stored: its text has "
                                 f"a lone surrogate ({exc.object[exc.start:exc.end]!r}) that "
                                 "SQLite cannot hold") from None
            raise

    def _write(self, rows: DocumentRows) -> bool:
        """Replace one document's rows, inside the caller's transaction."""
        doc_row, facts, lists, items = rows
        doc_id = doc_row[0]
        con = self._con
        old = con.execute("SELECT sha256 FROM documents WHERE doc = ?", (doc_id,)).fetchone()
        if old is not None and old[0] == doc_row[_SHA256]:
            return False
        if old is not None:
            for t in (FACTS, MEASURE_ITEMS, MEASURE_LISTS, DOCUMENTS):
                con.execute(f"DELETE FROM {t.name} WHERE doc = ?", (doc_id,))
        con.execute(_INSERT["documents"], _to_sql(DOCUMENTS, [doc_row])[0])
        con.executemany(_INSERT["facts"], _to_sql(FACTS, facts))
        if lists:
            con.executemany(_INSERT["measure_lists"], _to_sql(MEASURE_LISTS, lists))
            con.executemany(_INSERT["measure_items"], _to_sql(MEASURE_ITEMS, items))
        return True

    def remove(self, doc_id: str) -> bool:
        """Delete one document and its rows; False when it was not stored."""
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
            found = con.execute("DELETE FROM documents WHERE doc = ?", (doc_id,)).rowcount > 0
            for t in (FACTS, MEASURE_ITEMS, MEASURE_LISTS):
                con.execute(f"DELETE FROM {t.name} WHERE doc = ?", (doc_id,))
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise _store_error(self.path, exc) from None
        return found

    # ------------------------------------------------------------------------ reading

    def _select(self, table: Table, where: str = "", args: tuple[Any, ...] = ()) -> list[Row]:
        order = "rowid" if not table.key else ", ".join(_quote(k) for k in table.key)
        sql = (f"SELECT {', '.join(_quote(n) for n in table.names)} FROM {table.name} "
               f"{where} ORDER BY {order}")
        try:
            return [_from_sql(table, r) for r in self._con.execute(sql, args)]
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from None

    def rows(self, table: Table) -> list[Row]:
        """Every row of ``table``, typed as :func:`document_rows` makes them."""
        return self._select(table)

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self._select(DOCUMENTS)]

    def document(self, doc_id: str) -> Document | None:
        """The stored document ``doc_id`` rebuilt as a :class:`Document`, or None."""
        where, args = "WHERE doc = ?", (doc_id,)
        docs = self._select(DOCUMENTS, where, args)
        if not docs:
            return None
        return document_from_rows(docs[0], self._select(FACTS, where, args),
                                  self._select(MEASURE_LISTS, where, args),
                                  self._select(MEASURE_ITEMS, where, args))

    def documents(self) -> Iterator[Document]:
        """Every stored document, by id."""
        for doc_id in self.doc_ids():
            d = self.document(doc_id)
            if d is not None:
                yield d

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


# --------------------------------------------------------------------------------- stats

def stats(path: str | os.PathLike[str], *, limit: int | None = None) -> str:
    """A text report of a fact store: totals, facts by kind, facts by document (the
    ``limit`` documents with most facts, all when None). Opens the file read-only."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise StoreError(p, "no such fact store")
    try:
        con = sqlite3.connect(Path(p).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _store_error(p, exc) from None
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise StoreCorruptError(p, "not a unionfacts fact store")
        n_docs, n_chars = con.execute("SELECT count(*), coalesce(sum(chars), 0) "
                                      "FROM documents").fetchone()
        n_facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
        n_lists = con.execute("SELECT count(*) FROM measure_lists").fetchone()[0]
        n_items = con.execute("SELECT count(*) FROM measure_items").fetchone()[0]
        kinds = con.execute("SELECT kind, count(*) FROM facts GROUP BY kind "
                            "ORDER BY count(*) DESC, kind").fetchall()
        sql = ("SELECT doc, facts, lists, chars, published FROM documents "
               "ORDER BY facts DESC, doc")
        docs = con.execute(sql + (" LIMIT ?" if limit is not None else ""),
                           (limit,) if limit is not None else ()).fetchall()
        by_doc_kind: dict[str, dict[str, int]] = {}
        ids = [d[0] for d in docs]
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for doc, kind, n in con.execute(
                    f"SELECT doc, kind, count(*) FROM facts WHERE doc IN "
                    f"({', '.join('?' * len(part))}) GROUP BY doc, kind", part):
                by_doc_kind.setdefault(doc, {})[kind] = n
    except sqlite3.Error as exc:
        raise _store_error(p, exc) from None
    finally:
        con.close()
    kind_names = [k for k, _ in kinds]
    total = (f"{p}: {n_docs} documents, {n_chars} characters, {n_facts} facts, "
             f"{n_lists} lists of measures ({n_items} items)")
    lines = [total, "", "facts by kind:"]
    width = max([len(k) for k in kind_names] + [4])
    lines += [f"  {k:<{width}}  {n:>9}" for k, n in kinds]
    lines += ["", f"facts by document{'' if limit is None or limit >= n_docs else f' (top {limit})'}:"]
    head = ["doc", "published", "facts"] + kind_names + ["lists"]
    table = [head] + [[d[0], d[4] or "", str(d[1])]
                      + [str(by_doc_kind.get(d[0], {}).get(k, 0)) for k in kind_names]
                      + [str(d[2])] for d in docs]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:])]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
