"""Writers: facts as JSONL lines (the gold-file shape plus the model's own fields), documents as JSON."""

from __future__ import annotations

import functools
import json
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
