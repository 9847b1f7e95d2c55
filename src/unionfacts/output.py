"""Writers: facts as JSONL lines (the gold-file shape plus the model's own fields), documents as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .models import Document

#: Fields every JSONL line carries first, in this order (../shared/gold/FORMAT.md).
GOLD_FIELDS = ("doc", "start", "end", "text", "kind", "value", "unit", "qualifier", "subject")


def fact_records(doc: Document) -> Iterable[dict]:
    """One flat dict per fact: ``doc`` plus the fact's JSON fields, gold fields first."""
    for f in doc.facts:
        d = f.model_dump(mode="json")
        rec = {"doc": doc.doc}
        for k in GOLD_FIELDS[1:]:
            rec[k] = d.pop(k, "")
        rec.update(d)
        yield rec


def jsonl_lines(doc: Document) -> Iterable[str]:
    """JSONL lines (without newline) for one document, UTF-8 text, not ASCII-escaped."""
    for rec in fact_records(doc):
        yield json.dumps(rec, ensure_ascii=False)


def document_json(doc: Document) -> str:
    return doc.model_dump_json()
