"""JSONL records: read straight from the models, the same as pydantic's own JSON dump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unionfacts import extract_document
from unionfacts.models import FACTS_ADAPTER
from unionfacts.io.sinks import GOLD_FIELDS, fact_records, jsonl_lines

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EXTRA = ("每人每月补助500元,约3.5亿元、2至3万人次,增长12.5%,下降0.3个百分点,"
         "2023年12月26日至27日,历时3个多月,长1.2公里,截至2023年11月底")


def _docs():
    docs = [extract_document(p.read_text(encoding="utf-8"), doc_id=p.stem) for p in sorted(SEEDS.glob("*.txt"))]
    docs.append(extract_document(EXTRA, doc_id="extra", published="2024-02-24"))
    return docs


DOCS = _docs()


def _reference(doc):
    """What the records were built from before: pydantic's JSON-mode dump, gold fields first."""
    for d in FACTS_ADAPTER.dump_python(doc.facts, mode="json"):
        rec = {"doc": doc.doc}
        for k in GOLD_FIELDS[1:]:
            rec[k] = d.pop(k, "")
        rec.update(d)
        yield rec


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.doc)
def test_records_equal_pydantic_json_dump_in_order(doc):
    ours = list(fact_records(doc))
    theirs = list(_reference(doc))
    assert ours == theirs
    assert [list(r) for r in ours] == [list(r) for r in theirs]  # the same key order


def test_every_kind_is_covered():
    kinds = {f.kind for d in DOCS for f in d.facts}
    assert kinds == {"money", "count", "percent", "date", "duration", "measure"}
    assert any(f.kind == "money" and f.per for d in DOCS for f in d.facts)


def test_lines_are_json_with_gold_fields_first():
    for doc in DOCS:
        for line in jsonl_lines(doc):
            rec = json.loads(line)
            assert tuple(rec)[:len(GOLD_FIELDS)] == GOLD_FIELDS
            assert "\n" not in line
