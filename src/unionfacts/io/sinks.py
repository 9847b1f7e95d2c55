"""Sinks: facts as JSONL lines (the gold-file shape plus the model's own fields), documents as
JSON, the JSON Schema of a JSONL line, and the output file that replaces its target only when a
run completes.

Every JSONL line carries ``record``: ``document`` (one per document, before its facts: id,
publication date and its evidence, title, source, author, counts, and for a web page the text
its offsets index), ``fact`` (one per fact) or ``measure_item`` (one per item of a numbered
list).
"""

from __future__ import annotations

import functools
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from unionfacts.models import Document, Evidence
from unionfacts.pipeline.numbers import plain

# JSON of the JSONL lines: compact, UTF-8 text, not ASCII-escaped (as pydantic's JSON of the
# other formats). msgspec writes it at about a seventh of the cost of the standard library's
# encoder (bench: 50 → 7 ns a character of input); that encoder, with the same separators and
# the same escapes (tests/test_output.py compares both), takes a lone surrogate, which UTF-8
# cannot carry and msgspec refuses.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_FAST = msgspec.json.Encoder()


def encode_json(value: Any) -> str:
    """``value`` (dicts, lists, strings, integers, booleans, None) as compact JSON text."""
    try:
        return _FAST.encode(value).decode("utf-8")
    except UnicodeEncodeError:
        return _ENCODER.encode(value)
#: Fields every JSONL line carries first, in this order (../shared/gold/FORMAT.md).
GOLD_FIELDS = ("doc", "start", "end", "text", "kind", "value", "unit", "qualifier", "subject")


def _json_value(v: object) -> object:
    if isinstance(v, Decimal):
        return plain(v)
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, BaseModel):  # a fact's when / where: an object of plain fields
        return v.__dict__.copy()
    return v


@functools.cache
def _rest(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(k for k in cls.model_fields if k not in GOLD_FIELDS)


def fact_records(doc: Document) -> Iterable[dict[str, Any]]:
    """One flat dict per fact: ``doc`` plus the fact's JSON fields, gold fields first.

    Read straight from the frozen models (a Decimal as its plain string, a tuple as a list):
    the same dicts as ``FACTS_ADAPTER.dump_python(facts, mode="json")`` gives, at a third of
    the cost (tests/test_output.py compares both on every seed fact).
    """
    doc_id = doc.doc
    for f in doc.facts:
        d = f.__dict__
        rec = {"doc": doc_id, "start": d["start"], "end": d["end"], "text": d["text"],
               "kind": d["kind"], "value": _json_value(d["value"]), "unit": d["unit"],
               "qualifier": d["qualifier"], "subject": d["subject"]}
        for k in _rest(type(f)):
            rec[k] = _json_value(d[k])
        yield rec


def measure_item_records(doc: Document) -> Iterable[dict[str, Any]]:
    """One flat dict per item of a numbered list (``kind: measure_item``), gold fields first.

    The span covers marker and title when the title follows the marker directly and is
    verbatim raw text (no gloss or junk removed from it); otherwise just the marker, so that
    ``text`` is always the raw text between ``start`` and ``end``.
    """
    for e in doc.enumerations:
        for it in e.items:
            verbatim = (it.title and it.title_start == it.marker_end
                        and len(it.title) == it.title_end - it.title_start)
            yield {"doc": doc.doc, "start": it.marker_start,
                   "end": it.title_end if verbatim else it.marker_end,
                   "text": it.marker + it.title if verbatim else it.marker,
                   "kind": "measure_item", "value": str(it.ordinal), "unit": "",
                   "qualifier": "exact", "subject": it.title, "list": e.id, "record": "measure_item"}


def jsonl_lines(doc: Document, items: bool = True) -> Iterable[str]:
    """JSONL lines (without newline) for one document's facts, UTF-8 text, not ASCII-escaped:
    its facts (``record: "fact"``), then the items of its numbered lists (unless ``items`` is
    false)."""
    encode = encode_json
    for rec in fact_records(doc):
        rec["record"] = "fact"
        yield encode(rec)
    if items:
        for rec in measure_item_records(doc):
            yield encode(rec)


def document_record(doc: Document, extra: Iterable[tuple[str, Any]] = ()) -> dict[str, Any]:
    """The ``record: "document"`` line of a document: its metadata and how many facts and list
    items follow; ``extra`` adds fields of the input (a web page's ``text`` …)."""
    ev = doc.published_evidence
    rec: dict[str, Any] = {
        "record": "document", "doc": doc.doc, "published": doc.published,
        "published_evidence": None if ev is None else ev.model_dump(), "title": doc.title,
        "source": doc.source, "author": doc.author, "facts": len(doc.facts),
        "measure_items": sum(len(e.items) for e in doc.enumerations)}
    rec.update(extra)
    return rec


def document_json(doc: Document) -> str:
    return doc.model_dump_json()


# Characters ``json.dumps(ensure_ascii=False)`` leaves raw that line-oriented readers
# (``str.splitlines``, JavaScript) take for line breaks; escaped, the JSON value is the same.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _escape_breaks(s: str) -> str:
    # str.translate visits every character; these are rare, so look for them first
    if "\x85" in s or "\u2028" in s or "\u2029" in s:
        return s.translate(_LINE_BREAKS)
    return s


def render_jsonl(doc: Document, items: bool = True) -> str:
    """A document's JSONL lines, each ending in a newline (written in one piece): its
    ``document`` record, its facts, then its list items (unless ``items`` is false)."""
    head = encode_json(document_record(doc))
    return _escape_breaks(head + "\n" + "".join(line + "\n" for line in jsonl_lines(doc, items)))


def render_jsonl_piece(doc: Document, index: int, items: bool = True) -> str:
    """One piece of a long text extracted in pieces (``Extractor.map(render_piece=…)``): the
    first piece opens with the document record, whose ``facts`` and ``measure_items`` are null
    (not known until the last piece is done), then each piece's facts and list items, offsets
    into the whole text. The same lines as ``render_jsonl`` writes for the document, but for
    the counts, the order of the list items (after the facts of their piece) and lists that a
    cut divides."""
    body = "".join(line + "\n" for line in jsonl_lines(doc, items))
    if index:
        return _escape_breaks(body)
    head = encode_json(dict(document_record(doc), facts=None, measure_items=None))
    return _escape_breaks(head + "\n" + body)


def render_json(doc: Document) -> str:
    """A document as one JSON object (no trailing newline)."""
    return _escape_breaks(doc.model_dump_json())


def render_document_line(doc: Document) -> str:
    """A document as one JSONL line with nested facts (``--format documents``)."""
    return _escape_breaks('{"record":"document",' + doc.model_dump_json()[1:] + "\n")


def add_fields(rendered: str, extra: Iterable[tuple[str, Any]], fmt: str) -> str:
    """``rendered`` (one document's output) with ``extra`` fields added to its document
    object: the first line for ``jsonl`` and ``documents``, the object for ``json``."""
    extra = tuple(extra)
    if not extra:
        return rendered
    tail = "".join("," + encode_json(k) + ":" + encode_json(v) for k, v in extra)
    tail = _escape_breaks(tail)
    if fmt == "json":
        return rendered[:-1] + tail + "}"
    end = rendered.index("\n")
    return rendered[:end - 1] + tail + "}" + rendered[end:]


# ----------------------------------------------------------------------------- record schema

class MeasureItemRecord(BaseModel):
    """One item of a numbered list of measures (``一是突出思想政治引领``)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    doc: str
    """Document id."""
    start: int
    """Start offset of the item into the document's text (the marker)."""
    end: int
    """End offset: the end of the title when it follows the marker verbatim, else of the marker."""
    text: str
    """``raw[start:end]``: the marker, with the title when it is verbatim raw text."""
    kind: Literal["measure_item"]
    """Always ``measure_item``."""
    value: str
    """The item's position in its list, from 1, as a decimal string."""
    unit: Literal[""]
    """Always empty."""
    qualifier: Literal["exact"]
    """Always ``exact``."""
    subject: str
    """The item's title (glosses removed)."""
    list: str
    """Id of the list within the document (``enum-1`` …); the ``json`` format gives the lists."""
    record: Literal["measure_item"]
    """Tells the line's record type."""


class PublishedMeta(BaseModel):
    """The ``<meta>`` element a web page declares its publication date in."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    name: str
    """Its name or property (``article:published_time`` …)."""
    content: str
    """The date as the page gives it."""


class DocumentRecord(BaseModel):
    """One document's metadata, written before its facts."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    record: Literal["document"]
    """Tells the line's record type."""
    doc: str
    """Document id: a file's name without ``.txt``, a table row's id, or ``stdin``."""
    published: str | None
    """Publication date or date-time (ISO 8601) the relative and year-less dates were resolved
    against; null when none is known."""
    published_evidence: Evidence | None
    """Where in the text the publication date was read; null when it was given (``--published``,
    a table's field, a page's ``<meta>``)."""
    title: str | None
    """The document's title, when one was found."""
    source: str | None
    """The publishing source named in the text (来源).."""
    author: str | None
    """The author or reporter named in the text."""
    facts: int | None
    """How many fact lines follow for this document; null for a text so long that it is
    extracted in pieces, whose facts are written as each piece is done."""
    measure_items: int | None
    """How many numbered-list items the document has (their lines follow unless ``--kinds``
    leaves them out); null for a text extracted in pieces."""
    format: Literal["html"] | None = None
    """``html`` for a web page read for its main text."""
    text: str | None = None
    """For a web page: the main text taken from it, which every offset of its facts indexes."""
    published_meta: PublishedMeta | None = None
    """For a web page: the ``<meta>`` element its publication date was taken from."""


#: Fields other work adds to fact lines beyond the fact models': name → JSON Schema.
FACT_LINE_FIELDS: dict[str, dict[str, Any]] = {}


def record_schema() -> dict[str, Any]:
    """JSON Schema of one line of the ``jsonl`` output: a fact, a list item or a document,
    told apart by ``record``."""
    from pydantic.json_schema import models_json_schema

    from unionfacts.models import FACT_ADAPTER

    fact = FACT_ADAPTER.json_schema(mode="serialization", ref_template="#/$defs/{model}")
    defs: dict[str, Any] = dict(fact.pop("$defs", {}))
    for ref in fact["oneOf"]:
        d = defs[ref["$ref"].rsplit("/", 1)[1]]
        d["properties"] = {"record": {"const": "fact", "type": "string", "description": "Tells the line's record type."},
                           "doc": {"type": "string", "description": "Document id."},
                           **d["properties"], **FACT_LINE_FIELDS}
        d["required"] = ["record", "doc", *d.get("required", [])]
    _, other = models_json_schema([(MeasureItemRecord, "serialization"), (DocumentRecord, "serialization")],
                                  ref_template="#/$defs/{model}")
    defs.update(other.get("$defs", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "unionfacts JSONL line",
        "description": "One line of `unionfacts extract --format jsonl`: a document record, then its "
                       "facts, then its numbered-list items; `record` tells which.",
        "oneOf": [*fact["oneOf"], {"$ref": "#/$defs/MeasureItemRecord"}, {"$ref": "#/$defs/DocumentRecord"}],
        "$defs": defs,
    }


# ----------------------------------------------------------------------------- the output file

class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while an ``AtomicWriter`` held a temp file: raised in the main
    thread so that the writer's owner aborts it (the temp file is removed); exits 128 + signal."""


#: The temp files of the writers that hold one now: a signal removes them itself, whatever the
#: main thread is doing when it arrives (even before its owner's ``try`` has begun).
_LIVE: set[str] = set()


def _terminate(signum: int, frame: object) -> None:
    for path in list(_LIVE):
        try:
            os.unlink(path)
        except OSError:
            pass
        _LIVE.discard(path)
    raise Terminated(128 + signum)


_SIGNALS = ("SIGTERM", "SIGHUP")


class AtomicWriter:
    """Write to a temp file beside the target, rename on success; stdout when no target.

    Only a regular file or a new path gets the temp file and rename: a device, a FIFO or a
    symbolic link is written through (opened and written in place), never replaced. Raises
    ``OSError`` at construction when the target's folder cannot take a file. While the temp
    file exists, SIGTERM and SIGHUP (when their handlers were the defaults, in the main thread)
    raise ``Terminated``, so the caller's ``abort`` removes it: no temp file is left behind.
    """

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._tmp: str | None = None
        self._stdout = not target or target == "-"
        self.fh: Any
        if self._stdout:
            self.fh = sys.stdout
            if self.fh is None:
                raise OSError(9, "standard output is closed; give -o FILE")
            return
        assert target is not None
        if os.path.isdir(target):
            raise IsADirectoryError(21, "is a folder", target)
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):
            # a link, a FIFO, a device: write through, never swap it for a regular file
            self.fh = open(target, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            return
        d = os.path.dirname(os.path.abspath(target))
        self._handlers = self._trap()
        fd, self._tmp = tempfile.mkstemp(prefix=".unionfacts-", suffix=".tmp", dir=d)
        _LIVE.add(self._tmp)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    @staticmethod
    def _trap() -> dict[int, Any]:
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return {}
        old: dict[int, Any] = {}
        for name in _SIGNALS:
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
                old[sig] = signal.signal(sig, _terminate)
        return old

    def _untrap(self) -> None:
        import signal

        handlers, self._handlers = getattr(self, "_handlers", {}), {}
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    def write(self, s: str) -> None:
        if s:
            self.fh.write(s)
            if self._stdout:
                self.fh.flush()  # stream: each document's facts as soon as they are done

    def commit(self) -> None:
        if self._tmp:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            assert self.target is not None
            try:
                mode = os.stat(self.target).st_mode & 0o7777
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(self._tmp, mode)
            os.replace(self._tmp, self.target)
            _LIVE.discard(self._tmp)
            self._tmp = None
            self._untrap()
        elif self._stdout:
            self.fh.flush()
        else:
            self.fh.close()

    def abort(self) -> None:
        """Drop the temp file; a failure to flush what is left (a full disk) is not raised."""
        if self._stdout:
            return
        try:
            self.fh.close()
        except OSError:
            pass
        if self._tmp:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            _LIVE.discard(self._tmp)
            self._tmp = None
        self._untrap()
