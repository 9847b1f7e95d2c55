"""JSONL records: read straight from the models, the same as pydantic's own JSON dump; every
line typed by ``record``; ``-o`` on special files and a full disk."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from pathlib import Path

import pytest

from unionfacts import cli, extract_document
from unionfacts.io import sinks
from unionfacts.io.sinks import GOLD_FIELDS, AtomicWriter, fact_records, jsonl_lines, render_jsonl
from unionfacts.models import FACTS_ADAPTER

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


# ------------------------------------------------------------------------------ record types

def test_every_line_says_its_record_type():
    doc = next(d for d in DOCS if d.enumerations)
    recs = [json.loads(x) for x in render_jsonl(doc).splitlines()]
    assert recs[0] == {"record": "document", "doc": doc.doc, "published": doc.published,
                       "published_evidence": doc.published_evidence.model_dump(), "title": doc.title,
                       "source": doc.source, "author": doc.author, "facts": len(doc.facts),
                       "measure_items": sum(len(e.items) for e in doc.enumerations)}
    assert [r["record"] for r in recs[1:]] == ["fact"] * len(doc.facts) + ["measure_item"] * recs[0]["measure_items"]
    assert all(r["record"] == r["kind"] for r in recs if r["record"] == "measure_item")


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    c = capsys.readouterr()
    return code, c.out, c.err


SEED = sorted(SEEDS.glob("*.txt"))[3]  # the one with a numbered list


def test_kinds_filters_measure_items(tmp_path, capsys):
    code, out, _ = run(["extract", SEED, "--kinds", "measure_item"], capsys)
    recs = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and {r["record"] for r in recs} == {"document", "measure_item"}
    code, out, _ = run(["extract", SEED, "--kinds", "money"], capsys)
    recs = [json.loads(x) for x in out.splitlines()]
    assert {r.get("kind") for r in recs} == {None, "money"}


def test_documents_format_is_one_document_per_line(capsys):
    paths = sorted(SEEDS.glob("*.txt"))
    code, out, _ = run(["extract", *paths, "--format", "documents"], capsys)
    recs = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(recs) == len(paths)
    for r, p in zip(recs, paths):
        d = extract_document(p.read_text(encoding="utf-8"), doc_id=p.stem)
        assert r == {"record": "document", **json.loads(d.model_dump_json())}


def test_lone_surrogates_in_list_titles_still_dump():
    doc = extract_document("出台两项举措：一是学习\ud800制度；二是实践。")
    assert [it.title for it in doc.enumerations[0].items] == ["学习\ufffd制度", "实践"]
    json.loads(doc.model_dump_json())
    assert "\ud800" not in render_jsonl(doc)


# ------------------------------------------------------------------------------------ -o OUT

def test_output_to_a_fifo_is_written_through(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer's open does not block
    try:
        code, out, err = run(["extract", SEED, "-o", fifo], capsys)
        got = b""
        while chunk := os.read(r, 1 << 16):
            got += chunk
    finally:
        os.close(r)
    assert (code, err) == (0, "")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not swapped for a file
    assert json.loads(got.decode().splitlines()[0])["record"] == "document"
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_output_to_a_symlink_writes_its_target(tmp_path, capsys):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    code, _, err = run(["extract", SEED, "-o", link], capsys)
    assert (code, err) == (0, "")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith('{"record":"document"')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.jsonl", "real.jsonl"]


def test_output_to_a_regular_file_is_still_replaced_atomically(tmp_path, capsys):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    ino = target.stat().st_ino
    code, _, _ = run(["extract", SEED, "-o", target], capsys)
    assert code == 0 and target.stat().st_ino != ino  # a new file renamed over it


class _FullDisk(io.StringIO):
    """A file on a full disk: writes are buffered, flushing and closing fail."""

    def flush(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_is_one_message_and_exit_1(tmp_path, capsys, monkeypatch):
    real = os.fdopen

    def fdopen(fd, *a, **k):
        real(fd).close()
        return _FullDisk()

    monkeypatch.setattr(sinks.os, "fdopen", fdopen)
    out_path = tmp_path / "out.jsonl"
    code, out, err = run(["extract", SEED, "-o", out_path], capsys)
    assert code == 1
    assert err == f"unionfacts: cannot write {out_path}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_abort_never_raises(tmp_path):
    w = AtomicWriter(str(tmp_path / "x"))
    w.fh = _FullDisk()
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_fast_json_encoder_writes_what_the_standard_one_writes() -> None:
    # the JSONL lines come from msgspec; the standard library's encoder (same separators) is
    # the reference, and the fallback for a lone surrogate
    reference = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    records = [rec for doc in DOCS for rec in fact_records(doc)]
    records += [sinks.document_record(doc) for doc in DOCS]
    records += [{"text": "".join(chr(c) for c in range(0x20)) + "\x7f\x85\u2028\u2029\"\\/é𝄞", "n": -3,
                 "none": None, "flags": [True, False], "nested": {"a": [1, "二"]}}]
    assert len(records) > 150
    for rec in records:
        assert sinks.encode_json(rec) == reference.encode(rec)
    lone = {"subject": "x\ud800y"}
    assert sinks.encode_json(lone) == reference.encode(lone) == '{"subject":"x\ud800y"}'
