"""The flat record shape: one schema, rows that rebuild the models, values as the JSONL has them."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from unionfacts import extract_document
from unionfacts.io.sinks import fact_records
from unionfacts.models import Document, Money
from unionfacts.records import (
    DOCUMENTS,
    FACTS,
    MEASURE_ITEMS,
    MEASURE_LISTS,
    TABLES,
    content_hash,
    document_from_rows,
    document_rows,
    duration_days,
    duration_seconds,
    fact_row,
    schema_markdown,
    table_named,
    table_rows,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXTRA = ("每人每月补助500元,约3.5亿元、2至3万人次,增长12.5%,下降0.3个百分点,"
         "2023年12月26日至27日,历时3个多月,长1.2公里,截至2023年11月底,服务期三至五年,"
         "每次培训2小时,3月5日召开。")
_PY_TYPES = {"text": str, "integer": int, "decimal": Decimal, "date": dt.date, "boolean": bool}


def _texts() -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = [
        (p.stem, p.read_text(encoding="utf-8"), None) for p in sorted(SEEDS.glob("*.txt"))]
    out.append(("extra", EXTRA, "2024-02-24"))
    out.append(("no-year", "3月5日召开，历时3天。", None))
    return out


TEXTS = _texts()
def _bare(doc: Document) -> Document:
    """``doc`` without when / where: a row keeps them as when_value, where_name, where_code
    only, so a document rebuilt from rows has none."""
    return doc.model_copy(update={"facts": [
        f.model_copy(update={"when": None, "where": None}) if "where" in type(f).model_fields else f
        for f in doc.facts]})


DOCS: list[tuple[Document, str]] = [
    (_bare(extract_document(text, doc_id=doc_id, published=pub)), text) for doc_id, text, pub in TEXTS]


def typed(model: object) -> object:
    """A model's fields with the type of every value, nested, to compare "types included"."""
    if isinstance(model, BaseModel):
        return (type(model).__name__,
                [(k, typed(getattr(model, k))) for k in type(model).model_fields])
    if isinstance(model, (list, tuple)):
        return (type(model).__name__, [typed(v) for v in model])
    return (type(model).__name__, model)


def test_the_docs_cover_every_kind_and_shape() -> None:
    facts = [f for d, _ in DOCS for f in d.facts]
    assert {f.kind for f in facts} == {"money", "count", "percent", "date", "duration", "measure"}
    assert any(f.kind == "money" and f.per for f in facts)
    assert any(f.kind == "duration" and f.high is not None for f in facts)
    assert any(f.kind == "count" and f.high is not None for f in facts)
    assert any(f.kind == "date" and not f.resolved for f in facts)
    assert any(d.enumerations for d, _ in DOCS)


@pytest.mark.parametrize("doc,text", DOCS, ids=[d.doc for d, _ in DOCS])
def test_rows_rebuild_the_document_types_included(doc: Document, text: str) -> None:
    rows = document_rows(doc, text, path=f"in/{doc.doc}.txt")
    back = document_from_rows(*rows)
    assert back == doc
    assert typed(back) == typed(doc)


@pytest.mark.parametrize("doc,text", DOCS, ids=[d.doc for d, _ in DOCS])
def test_every_value_has_its_column_type(doc: Document, text: str) -> None:
    doc_row, facts, lists, items = document_rows(doc, text)
    for table, rows in ((DOCUMENTS, [doc_row]), (FACTS, facts), (MEASURE_LISTS, lists),
                        (MEASURE_ITEMS, items)):
        for row in rows:
            assert len(row) == len(table.columns)
            for c, v in zip(table.columns, row):
                if v is None:
                    assert c.nullable, (table.name, c.name)
                else:
                    assert type(v) is _PY_TYPES[c.type], (table.name, c.name, v)


@pytest.mark.parametrize("doc,text", DOCS, ids=[d.doc for d, _ in DOCS])
def test_value_is_the_jsonl_value_and_amount_its_number(doc: Document, text: str) -> None:
    rows = table_rows(FACTS, doc)
    assert len(rows) == len(doc.facts)
    for row, rec in zip(rows, fact_records(doc)):
        r = FACTS.as_dict(row)
        for k in ("doc", "start", "end", "kind", "rule", "text", "value", "unit", "qualifier",
                  "subject", "subject_simplified"):
            assert r[k] == rec[k], k
        if r["kind"] in ("money", "count", "percent", "measure"):
            assert r["amount"] == Decimal(rec["value"])
            assert (r["low"], r["high"]) == tuple(
                None if rec[k] is None else Decimal(rec[k]) for k in ("low", "high"))
        elif r["kind"] == "date":
            assert r["amount"] is None
            assert r["first_day"] == (dt.date.fromisoformat(rec["first"]) if rec["first"] else None)
            assert r["last_day"] == (dt.date.fromisoformat(rec["last"]) if rec["last"] else None)
            assert r["granularity"] == rec["granularity"]
        else:
            assert r["amount"] == Decimal(rec["amount"]) and r["time_unit"] == rec["time_unit"]
            assert r["seconds"] == duration_seconds(r["amount"], r["time_unit"])


def test_document_row() -> None:
    doc, text = DOCS[0]
    r = DOCUMENTS.as_dict(document_rows(doc, text, "a/b.txt")[0])
    assert r["doc"] == doc.doc and r["path"] == "a/b.txt"
    assert r["chars"] == len(text) and r["facts"] == len(doc.facts)
    assert r["sha256"] == content_hash(text) and len(r["sha256"]) == 64
    assert r["published"] == dt.date(2024, 2, 22) and r["published_at"] == "2024-02-22T09:35"
    assert r["published_rule"] and text[r["published_start"]:r["published_end"]] == r["published_text"]


def test_content_hash_takes_lone_surrogates() -> None:
    assert content_hash("a\udc80") != content_hash("a")


@pytest.mark.parametrize("amount,unit,days,seconds", [
    ("3", "year", "1095", "94608000"),
    ("1", "month", "30", "2592000"),
    ("2", "week", "14", "1209600"),
    ("24", "hour", "1", "86400"),
    ("1", "hour", "0.041667", "3600"),
    ("1.5", "day", "1.5", "129600"),
    ("90", "minute", "0.0625", "5400"),
    ("30", "second", "0.000347", "30"),
])
def test_duration_lengths(amount: str, unit: str, days: str, seconds: str) -> None:
    assert str(duration_days(Decimal(amount), unit)) == days
    assert str(duration_seconds(Decimal(amount), unit)) == seconds


def test_when_and_where_are_read_when_a_fact_carries_them() -> None:
    money = Money(start=0, end=4, text="500元", value=Decimal(500), unit="CNY", rule="money.x")
    plain_row = FACTS.as_dict(fact_row("d", money))
    assert (plain_row["when_value"], plain_row["where_name"], plain_row["where_code"]) == (None,) * 3
    fact = SimpleNamespace(**{**money.__dict__, "when": SimpleNamespace(value="2024-01"),
                              "where": SimpleNamespace(name="四川省", code="510000")})
    r = FACTS.as_dict(fact_row("d", fact))
    assert (r["when_value"], r["where_name"], r["where_code"]) == ("2024-01", "四川省", "510000")
    r = FACTS.as_dict(fact_row("d", SimpleNamespace(**{**money.__dict__, "when": "2023", "where": "兰州"})))
    assert (r["when_value"], r["where_name"], r["where_code"]) == ("2023", "兰州", None)


def test_schema_is_well_formed() -> None:
    assert [t.name for t in TABLES] == ["documents", "facts", "measure_lists", "measure_items"]
    for t in TABLES:
        assert len(set(t.names)) == len(t.names)
        assert all(c.doc and c.type in _PY_TYPES for c in t.columns)
        assert set(t.key) <= set(t.names)
        assert table_named(t.name) is t
    assert FACTS.names[:7] == ("doc", "start", "end", "kind", "rule", "text", "value")
    for name in ("amount", "low", "high", "unit", "qualifier", "subject", "first_day", "last_day",
                 "granularity", "days", "seconds", "when_value", "where_name", "where_code"):
        assert name in FACTS.names
    with pytest.raises(ValueError, match="unknown table"):
        table_named("nope")
    with pytest.raises(ValueError, match="need its text"):
        table_rows(DOCUMENTS, DOCS[0][0])


def test_docs_records_md_is_current() -> None:
    path = ROOT / "docs" / "records.md"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- schema:begin[^\n]*-->\n).*?(<!-- schema:end -->)", re.DOTALL)
    want = pattern.sub(lambda m: m.group(1) + "\n" + schema_markdown() + "\n" + m.group(2), text)
    if want != text and os.environ.get("UNIONFACTS_UPDATE_DOCS"):
        path.write_text(want, encoding="utf-8")
        text = want
    assert text == want, "docs/records.md is stale: UNIONFACTS_UPDATE_DOCS=1 pytest tests/test_records.py"
    for t in TABLES:
        for c in t.columns:
            assert f"| `{c.name}` |" in text
