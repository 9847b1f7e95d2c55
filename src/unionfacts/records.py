"""The flat, typed record shape every tabular sink writes (SQLite, CSV, Parquet, pandas).

One schema, four tables: ``documents``, ``facts``, ``measure_lists`` and ``measure_items``.
Each table is a tuple of :class:`Column` (name, logical type, nullable, doc); the SQLite DDL,
the Arrow schema, the CSV header and ``docs/records.md`` are all derived from it.

A row is a plain tuple in column order holding typed Python values: ``str``, ``int``,
``Decimal``, ``datetime.date``, ``bool`` or ``None``. :func:`document_rows` turns one
:class:`~unionfacts.models.Document` into its rows; :func:`document_from_rows` turns them back.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

from unionfacts.models import (
    Count,
    Date,
    Document,
    Duration,
    Enumeration,
    EnumerationItem,
    Evidence,
    NUMERIC_KINDS,
    Measure,
    Money,
    Percent,
)
from unionfacts.pipeline.numbers import plain

ColumnType = Literal["text", "integer", "decimal", "date", "boolean"]
Row = tuple[Any, ...]
#: ``(document row, fact rows, measure list rows, measure item rows)`` of one document.
DocumentRows = tuple[Row, list[Row], list[Row], list[Row]]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a record table."""

    name: str
    type: ColumnType
    """Logical type: ``text`` (str), ``integer`` (int), ``decimal`` (Decimal), ``date``
    (datetime.date) or ``boolean`` (bool)."""
    nullable: bool
    doc: str


@dataclass(frozen=True, slots=True)
class Table:
    """A record table: its name, what one row is, its columns and its key."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    """Columns that identify a row (the SQLite primary key; ``()``: the insertion order)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def as_dict(self, row: Row) -> dict[str, Any]:
        """A row as ``{column name: value}``."""
        return dict(zip(self.names, row))


def _c(name: str, type_: ColumnType, nullable: bool, doc: str) -> Column:
    return Column(name, type_, nullable, doc)


DOCUMENTS = Table("documents", "One row per document.", (
    _c("doc", "text", False, "Document id (file name without `.txt`, or the `id` of a `.jsonl` record)."),
    _c("published", "date", True, "Publication date (the date part of `published_at`)."),
    _c("published_at", "text", True, "Publication date or date-time as ISO 8601, exactly as in the JSON output."),
    _c("published_start", "integer", True, "Start offset of the text the publication date was read from (None when the caller gave it)."),
    _c("published_end", "integer", True, "End offset (exclusive) of that text."),
    _c("published_text", "text", True, "The text the publication date was read from."),
    _c("published_rule", "text", True, "Id of the rule that read it."),
    _c("title", "text", True, "Title, when one was found."),
    _c("source", "text", True, "Source (newspaper, site), when one was found."),
    _c("author", "text", True, "Author or reporter, when one was found."),
    _c("path", "text", True, "The input the text came from (file path), when known."),
    _c("sha256", "text", False, "SHA-256 (hex) of the document's text as UTF-8 (a lone surrogate in its `surrogatepass` bytes): the content hash that makes a store rerun idempotent."),
    _c("chars", "integer", False, "Length of the text in characters (Python `str` length; offsets count the same units)."),
    _c("facts", "integer", False, "Number of facts (rows in `facts`)."),
    _c("lists", "integer", False, "Number of numbered lists of measures (rows in `measure_lists`)."),
), ("doc",))

FACTS = Table("facts", "One row per fact, in the document's order (by `start`, `end`).", (
    _c("doc", "text", False, "Document id (`documents.doc`)."),
    _c("start", "integer", False, "Start offset (inclusive) into the raw text, in Python `str` indices."),
    _c("end", "integer", False, "End offset (exclusive); `text` is the raw text between `start` and `end`."),
    _c("kind", "text", False, "`money`, `count`, `percent`, `measure`, `date` or `duration`."),
    _c("rule", "text", False, "Id of the pattern rule that produced the fact (`<kind>.<slug>`)."),
    _c("text", "text", False, "The raw surface of the fact."),
    _c("value", "text", False, "The value exactly as the JSONL output writes it: a plain decimal (`490000000`) for money, count, percent and measure (a range: its lower bound), ISO 8601 for a date (`2024-02-24`, `2023-11`, `2023-09-21/2023-09-30`, `--02-24`) or a duration (`P3Y`)."),
    _c("amount", "decimal", True, "The number to compute with: the value of money (in the currency's base unit), a count, a percent or a measure (a range: its lower bound); for a duration the number of `time_unit`s. None for dates."),
    _c("low", "decimal", True, "Lower bound of a range (for a duration, in `time_unit`s); None when the text gives no range."),
    _c("high", "decimal", True, "Upper bound of a range (for a duration, in `time_unit`s); None when the text gives no range."),
    _c("unit", "text", False, "Unit as in the JSONL: ISO 4217 code for money (`CNY`), classifier for a count (`个`), `%` or `pp` for a percent, unit symbol for a measure (`km`); empty for dates and durations."),
    _c("qualifier", "text", False, "`exact`, `approx`, `at_least`, `at_most` or `range`."),
    _c("subject", "text", False, "What is counted or paid, in the text's own script; empty when none."),
    _c("subject_simplified", "text", False, "`subject` in Simplified script."),
    _c("per", "text", True, "Money only: the units the amount is given per, joined with `/` (`每人每月补助500元` → `人/月`); None when none."),
    _c("first_day", "date", True, "Dates: first day the fact covers; None when the year is unknown."),
    _c("last_day", "date", True, "Dates: last day the fact covers (inclusive); None when the year is unknown."),
    _c("granularity", "text", True, "Dates: `year`, `month`, `day`, `minute` or `interval`."),
    _c("resolved", "boolean", True, "Dates: False when the year could not be resolved (`value` is partial)."),
    _c("as_of", "boolean", True, "Dates: True for the as-of marker of 截至."),
    _c("time_unit", "text", True, "Durations: unit of `amount`, `low` and `high` (`year`, `month`, `week`, `day`, `hour`, `minute`, `second`)."),
    _c("days", "decimal", True, "Durations: `amount` as days, calendar-approximate (a year is 365 days, a month 30, a week 7), rounded to 6 decimal places."),
    _c("seconds", "decimal", True, "Durations: `amount` as seconds, on the same calendar (a year is 31,536,000 s)."),
    _c("when_value", "text", True, "The time the fact refers to (ISO 8601), when the fact carries one (`when`)."),
    _c("where_name", "text", True, "The place the fact refers to, when the fact carries one (`where`)."),
    _c("where_code", "text", True, "Code of that place (administrative division code), when known."),
), ())

MEASURE_LISTS = Table("measure_lists", "One row per numbered list of measures (`一是…二是…`, `（一）…`).", (
    _c("doc", "text", False, "Document id."),
    _c("list", "text", False, "List id within the document (`enum-1` …)."),
    _c("style", "text", False, "Marker style (`shi` for 一是/二是, `paren-cn` for （一）, `dot-arabic` for 1. …)."),
    _c("items", "integer", False, "Number of items found (rows in `measure_items`)."),
    _c("announced", "integer", True, "The number the text announced (`十条举措` → 10), when linked."),
    _c("announced_start", "integer", True, "Start offset of the announcing count fact."),
    _c("announced_end", "integer", True, "End offset of the announcing count fact."),
    _c("announced_text", "text", True, "Raw text of the announcing count fact."),
    _c("agrees", "boolean", True, "Whether `announced` equals `items` (None when nothing was announced)."),
    _c("parent", "text", True, "Id of the enclosing list, for a nested list."),
), ("doc", "list"))

MEASURE_ITEMS = Table("measure_items", "One row per item of a numbered list.", (
    _c("doc", "text", False, "Document id."),
    _c("list", "text", False, "List id (`measure_lists.list`)."),
    _c("ordinal", "integer", False, "Position in the list, from 1."),
    _c("marker", "text", False, "The marker's raw text (`一是`, `（一）`, `1.`)."),
    _c("marker_start", "integer", False, "Start offset of the marker."),
    _c("marker_end", "integer", False, "End offset of the marker."),
    _c("title", "text", False, "Short phrase after the marker, up to the first sentence break."),
    _c("title_start", "integer", False, "Start offset of the title."),
    _c("title_end", "integer", False, "End offset of the title."),
), ("doc", "list", "ordinal"))

TABLES: tuple[Table, ...] = (DOCUMENTS, FACTS, MEASURE_LISTS, MEASURE_ITEMS)

#: Seconds in one duration unit, on a calendar of 365-day years and 30-day months.
SECONDS_PER = {"year": 365 * 86400, "month": 30 * 86400, "week": 7 * 86400, "day": 86400,
               "hour": 3600, "minute": 60, "second": 1}
_DAY = Decimal(86400)
_DAYS_PLACES = Decimal("0.000001")
_NUMERIC = NUMERIC_KINDS


def content_hash(text: str) -> str:
    """SHA-256 (hex) of ``text`` as UTF-8; a lone surrogate is hashed as its ``surrogatepass``
    bytes (a text read with ``errors="surrogateescape"`` still has a hash)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=4096)  # a corpus names the same days again and again
def _day(iso: str | None) -> _dt.date | None:
    if not iso:
        return None
    try:
        return _dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def duration_seconds(amount: Decimal, time_unit: str) -> Decimal:
    """``amount`` ``time_unit``s in seconds (a year is 365 days, a month 30)."""
    return Decimal(plain(amount * SECONDS_PER[time_unit]))


def duration_days(amount: Decimal, time_unit: str) -> Decimal:
    """``amount`` ``time_unit``s in days (a year is 365 days, a month 30), to 6 decimal places."""
    days = duration_seconds(amount, time_unit) / _DAY
    if days.as_tuple().exponent < -6:  # type: ignore[operator]  # an int for a finite Decimal
        days = days.quantize(_DAYS_PLACES, rounding=ROUND_HALF_EVEN)
    return Decimal(plain(days))


def _when_where(f: object) -> tuple[str | None, str | None, str | None]:
    """``when``/``where`` of a fact that carries them (a string, or an object with ``value``,
    ``name`` and ``code``); three Nones otherwise."""
    when = getattr(f, "when", None)
    where = getattr(f, "where", None)
    when_value = None if when is None else (when if isinstance(when, str)
                                            else _str_or_none(getattr(when, "value", None)))
    if where is None:
        return when_value, None, None
    if isinstance(where, str):
        return when_value, where, None
    return (when_value, _str_or_none(getattr(where, "name", None)),
            _str_or_none(getattr(where, "code", None)))


def _str_or_none(v: object) -> str | None:
    return None if v is None else str(v)


def fact_row(doc_id: str, f: object) -> Row:
    """The ``facts`` row of one fact."""
    d: dict[str, Any] = f.__dict__
    kind = d["kind"]
    value = d["value"]
    when_value, where_name, where_code = (_when_where(f) if "when" in d or "where" in d
                                          else (None, None, None))
    head = (doc_id, d["start"], d["end"], kind, d["rule"], d["text"])
    tail = (d["unit"], d["qualifier"], d["subject"], d["subject_simplified"])
    if kind in _NUMERIC:
        per = d.get("per")
        return head + (plain(value), value, d["low"], d["high"]) + tail + (
            "/".join(per) if per else None, None, None, None, None, None, None, None, None,
            when_value, where_name, where_code)
    if kind == "date":
        return head + (value, None, None, None) + tail + (
            None, _day(d["first"]), _day(d["last"]), d["granularity"], d["resolved"], d["as_of"],
            None, None, None, when_value, where_name, where_code)
    amount, unit = d["amount"], d["time_unit"]
    return head + (value, amount, d["low"], d["high"]) + tail + (
        None, None, None, None, None, None, unit, duration_days(amount, unit),
        duration_seconds(amount, unit), when_value, where_name, where_code)


def document_rows(doc: Document, text: str, path: str | None = None) -> DocumentRows:
    """``(document row, fact rows, measure list rows, measure item rows)`` of one document;
    ``text`` is the document's raw text (hashed and counted, not stored)."""
    doc_id = doc.doc
    facts = [fact_row(doc_id, f) for f in doc.facts]
    lists: list[Row] = []
    items: list[Row] = []
    for e in doc.enumerations:
        lists.append((doc_id, e.id, e.style, len(e.items), e.announced, e.announced_start,
                      e.announced_end, e.announced_text, e.agrees, e.parent))
        items.extend((doc_id, e.id, it.ordinal, it.marker, it.marker_start, it.marker_end,
                      it.title, it.title_start, it.title_end) for it in e.items)
    ev = doc.published_evidence
    head: Row = (doc_id, _day(doc.published), doc.published)
    evidence: Row = (ev.start, ev.end, ev.text, ev.rule) if ev is not None else (None,) * 4
    row = head + evidence + (doc.title, doc.source, doc.author, path, content_hash(text),
                             len(text), len(facts), len(lists))
    return row, facts, lists, items


# ------------------------------------------------------------------------------ reading back

def _dec(v: Any) -> Decimal | None:
    return None if v is None else v if isinstance(v, Decimal) else Decimal(str(v))


def fact_from_row(row: Sequence[Any]) -> Money | Count | Percent | Measure | Date | Duration:
    """The fact model a ``facts`` row was made from (``when``/``where`` are not rebuilt)."""
    r = dict(zip(FACTS.names, row))
    common: dict[str, Any] = {k: r[k] for k in ("start", "end", "text", "qualifier", "subject",
                                                 "subject_simplified", "rule")}
    kind = r["kind"]
    if kind in _NUMERIC:
        common.update(value=Decimal(r["value"]), unit=r["unit"], low=_dec(r["low"]),
                      high=_dec(r["high"]))
        if kind == "money":
            return Money(**common, per=tuple(r["per"].split("/")) if r["per"] else ())
        if kind == "count":
            return Count(**common)
        return Percent(**common) if kind == "percent" else Measure(**common)
    if kind == "date":
        first, last = r["first_day"], r["last_day"]
        return Date(**common, value=r["value"], unit=r["unit"], granularity=r["granularity"],
                    first=None if first is None else str(first),
                    last=None if last is None else str(last),
                    resolved=bool(r["resolved"]), as_of=bool(r["as_of"]))
    return Duration(**common, value=r["value"], unit=r["unit"], amount=Decimal(r["amount"]),
                    time_unit=r["time_unit"], low=_dec(r["low"]), high=_dec(r["high"]))


def document_from_rows(doc_row: Sequence[Any], fact_rows: Iterable[Sequence[Any]],
                       list_rows: Iterable[Sequence[Any]] = (),
                       item_rows: Iterable[Sequence[Any]] = ()) -> Document:
    """The :class:`Document` its rows were made from (facts and lists in row order)."""
    d = dict(zip(DOCUMENTS.names, doc_row))
    items: dict[str, list[EnumerationItem]] = {}
    for it in item_rows:
        i = dict(zip(MEASURE_ITEMS.names, it))
        items.setdefault(i["list"], []).append(EnumerationItem(
            ordinal=i["ordinal"], marker=i["marker"], marker_start=i["marker_start"],
            marker_end=i["marker_end"], title=i["title"], title_start=i["title_start"],
            title_end=i["title_end"]))
    enums = []
    for lr in list_rows:
        e = dict(zip(MEASURE_LISTS.names, lr))
        enums.append(Enumeration(
            id=e["list"], style=e["style"], items=items.get(e["list"], []),
            announced=e["announced"], announced_start=e["announced_start"],
            announced_end=e["announced_end"], announced_text=e["announced_text"],
            agrees=None if e["agrees"] is None else bool(e["agrees"]), parent=e["parent"]))
    evidence = None
    if d["published_rule"] is not None:
        evidence = Evidence(start=d["published_start"], end=d["published_end"],
                            text=d["published_text"], rule=d["published_rule"])
    return Document(doc=d["doc"], published=d["published_at"], published_evidence=evidence,
                    title=d["title"], source=d["source"], author=d["author"],
                    facts=[fact_from_row(r) for r in fact_rows], enumerations=enums)


# ------------------------------------------------------------------------------ documentation

def schema_markdown() -> str:
    """The column reference of every table, as the Markdown in ``docs/records.md``."""
    out: list[str] = []
    for t in TABLES:
        out.append(f"### `{t.name}`\n\n{t.doc}"
                   + (f" Key: {', '.join(f'`{k}`' for k in t.key)}." if t.key else "") + "\n")
        out.append("| column | type | null | meaning |\n|---|---|---|---|")
        for c in t.columns:
            meaning = c.doc.replace("|", "\\|")
            null = "yes" if c.nullable else "no"
            out.append(f"| `{c.name}` | {c.type} | {null} | {meaning} |")
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------ per table

def table_rows(table: Table, doc: Document, text: str | None = None,
               path: str | None = None) -> list[Row]:
    """The rows of ``table`` for one document. The ``facts`` rows need no ``text``; the
    other tables' do (the document row hashes it)."""
    if table is FACTS:
        return [fact_row(doc.doc, f) for f in doc.facts]
    if text is None:
        raise ValueError(f"the {table.name} rows of a document need its text")
    rows = document_rows(doc, text, path)
    return [rows[0]] if table is DOCUMENTS else rows[2] if table is MEASURE_LISTS else rows[3]


def table_named(name: str) -> Table:
    """The record table called ``name`` (``documents``, ``facts``, ``measure_lists``,
    ``measure_items``)."""
    for t in TABLES:
        if t.name == name:
            return t
    raise ValueError(f"unknown table {name!r}; known: {', '.join(t.name for t in TABLES)}")
