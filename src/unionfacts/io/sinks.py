"""Sinks: facts as JSONL lines (the gold-file shape plus the model's own fields), documents as
JSON, and the output file that replaces its target only when a run completes."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from decimal import Decimal

from unionfacts.models import Document
from unionfacts.pipeline.numbers import plain

_ENCODER = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(…, ensure_ascii=False) builds per call
#: Fields every JSONL line carries first, in this order (../shared/gold/FORMAT.md).
GOLD_FIELDS = ("doc", "start", "end", "text", "kind", "value", "unit", "qualifier", "subject")


def _json_value(v: object) -> object:
    if isinstance(v, Decimal):
        return plain(v)
    if isinstance(v, tuple):
        return list(v)
    return v


@functools.lru_cache(maxsize=None)
def _rest(cls: type) -> tuple[str, ...]:
    return tuple(k for k in cls.model_fields if k not in GOLD_FIELDS)


def fact_records(doc: Document) -> Iterable[dict]:
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


def measure_item_records(doc: Document) -> Iterable[dict]:
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
                   "qualifier": "exact", "subject": it.title, "list": e.id}


def jsonl_lines(doc: Document) -> Iterable[str]:
    """JSONL lines (without newline) for one document, UTF-8 text, not ASCII-escaped: its
    facts, then the items of its numbered lists."""
    encode = _ENCODER.encode
    for rec in fact_records(doc):
        yield encode(rec)
    for rec in measure_item_records(doc):
        yield encode(rec)


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


def render_jsonl(doc: Document) -> str:
    """A document's JSONL lines, each ending in a newline (written in one piece)."""
    return _escape_breaks("".join(line + "\n" for line in jsonl_lines(doc)))


def render_json(doc: Document) -> str:
    """A document as one JSON object (no trailing newline)."""
    return _escape_breaks(doc.model_dump_json())


# ----------------------------------------------------------------------------- the output file

class AtomicWriter:
    """Write to a temp file beside the target, rename on success; stdout when no target.

    Raises ``OSError`` at construction when the target's folder cannot take a file.
    """

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._tmp: str | None = None
        self._stdout = not target or target == "-"
        if self._stdout:
            self.fh = sys.stdout
            return
        if os.path.isdir(target):
            raise IsADirectoryError(21, "is a folder", target)
        d = os.path.dirname(os.path.abspath(target))
        fd, self._tmp = tempfile.mkstemp(prefix=".unionfacts-", suffix=".tmp", dir=d)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

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
            try:
                mode = os.stat(self.target).st_mode & 0o7777
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(self._tmp, mode)
            os.replace(self._tmp, self.target)
            self._tmp = None
        else:
            self.fh.flush()

    def abort(self) -> None:
        if self._tmp:
            try:
                self.fh.close()
            finally:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass
                self._tmp = None


