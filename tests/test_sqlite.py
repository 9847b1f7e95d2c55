"""The SQLite fact store: round trips, idempotent and resumed runs, and every failure of the file."""

from __future__ import annotations

import collections
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_records import DOCS, typed

from unionfacts import extract_document
from unionfacts.errors import UnionfactsError
from unionfacts.io.sqlite import (
    FactStore,
    StoreCorruptError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    schema_sql,
    stats,
)
from unionfacts.records import (
    DOCUMENTS,
    FACTS,
    MEASURE_ITEMS,
    MEASURE_LISTS,
    document_rows,
)

SRC = Path(__file__).resolve().parent.parent / "src"


def _fill(path: Path) -> FactStore:
    store = FactStore(path)
    for doc, text in DOCS:
        assert store.add(doc, text, path=f"in/{doc.doc}.txt") is True
    return store


def _consistent(path: Path) -> dict[str, int]:
    """Check every stored document is whole; its fact count by id."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = dict(con.execute("SELECT doc, facts FROM documents").fetchall())
        real = collections.Counter(d for (d,) in con.execute("SELECT doc FROM facts"))
        assert {d: real.get(d, 0) for d in counts} == counts
        assert set(real) <= set(counts)  # no fact without its document
        return counts
    finally:
        con.close()


def test_round_trip_types_included(tmp_path: Path) -> None:
    with _fill(tmp_path / "facts.db") as store:
        assert store.doc_ids() == sorted(d.doc for d, _ in DOCS)
        for doc, _text in DOCS:
            back = store.document(doc.doc)
            assert back == doc
            assert typed(back) == typed(doc)
        for table, i in ((DOCUMENTS, 0), (MEASURE_LISTS, 2), (MEASURE_ITEMS, 3)):
            want = [r for d, t in DOCS for r in
                    ([document_rows(d, t, f"in/{d.doc}.txt")[0]] if i == 0
                     else document_rows(d, t)[i])]
            assert sorted(store.rows(table)) == sorted(want)
        want_facts = [r for d, t in DOCS for r in document_rows(d, t)[1]]
        got = store.rows(FACTS)
        assert sorted(got, key=repr) == sorted(want_facts, key=repr)
        assert sorted(map(typed, got), key=repr) == sorted(map(typed, want_facts), key=repr)
        assert store.document("missing") is None
        assert [d.doc for d in store.documents()] == store.doc_ids()


def test_sql_sums_amounts(tmp_path: Path) -> None:
    _fill(tmp_path / "facts.db").close()
    con = sqlite3.connect(tmp_path / "facts.db")
    total, kind = con.execute("SELECT sum(amount), typeof(sum(amount)) FROM facts "
                              "WHERE kind = 'money'").fetchone()
    want = sum(f.value for d, _ in DOCS for f in d.facts if f.kind == "money")
    assert kind in ("integer", "real") and total == pytest.approx(float(want))
    months = con.execute("SELECT strftime('%Y-%m', first_day), count(*) FROM facts "
                         "WHERE first_day IS NOT NULL GROUP BY 1").fetchall()
    assert months and all(len(m) == 7 for m, _ in months)
    plans = " ".join(r[-1] for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM facts WHERE doc = 'x'"))
    assert "facts_doc" in plans
    con.close()


def test_idempotent_and_replace(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    _fill(path).close()
    before = _consistent(path)
    with FactStore(path) as store:
        for doc, text in DOCS:
            assert store.add(doc, text) is False  # same content: skipped
            assert store.is_current(doc.doc, text)
        assert _consistent(path) == before
        new_text = "今年投入资金3亿元，建成12个驿站。"
        changed = extract_document(new_text, doc_id=DOCS[0][0].doc)
        assert not store.is_current(changed.doc, new_text)
        assert store.add(changed, new_text) is True
        assert store.document(changed.doc) == changed
        assert store.current_hash("nope") is None
        assert store.remove(DOCS[1][0].doc) is True and store.remove(DOCS[1][0].doc) is False
    after = _consistent(path)
    assert after[DOCS[0][0].doc] == 2 and DOCS[1][0].doc not in after
    assert {k: v for k, v in after.items() if k != DOCS[0][0].doc} == \
        {k: v for k, v in before.items() if k not in (DOCS[0][0].doc, DOCS[1][0].doc)}


class _Boom:
    def isoformat(self) -> str:
        raise RuntimeError("boom")


def test_an_error_mid_document_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    store = _fill(path)
    doc, text = next((d, t) for d, t in DOCS if len(d.facts) > 20)
    before = store.document(doc.doc)
    doc_row, facts, lists, items = document_rows(doc, text + "changed")
    i = FACTS.index("first_day")
    last = facts[-1]
    facts[-1] = last[:i] + (_Boom(),) + last[i + 1:]
    with pytest.raises(RuntimeError, match="boom"):  # raised after the old rows were deleted
        store.add_rows((doc_row, facts, lists, items))
    assert store.document(doc.doc) == before
    facts[-1] = (None,) + last[1:]  # NOT NULL: an SQL error after the other rows went in
    with pytest.raises(StoreError, match="facts.db"):
        store.add_rows((doc_row, facts, lists, items))
    assert store.document(doc.doc) == before
    store.close()
    _consistent(path)


_KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {src!r})
    from unionfacts import extract_document
    from unionfacts.io.sqlite import FactStore
    from unionfacts.records import FACTS, document_rows

    class Kill:
        def isoformat(self):
            os.kill(os.getpid(), signal.SIGKILL)

    text = open({seed!r}, encoding="utf-8").read()
    store = FactStore({db!r})
    store.add(extract_document("投入3亿元。", doc_id="first"), "投入3亿元。")
    doc = extract_document(text, doc_id={doc_id!r})
    doc_row, facts, lists, items = document_rows(doc, text + "v2")
    i = FACTS.index("first_day")
    facts[-1] = facts[-1][:i] + (Kill(),) + facts[-1][i + 1:]
    store.add_rows((doc_row, facts, lists, items))
    print("not killed")
""")


def test_killed_mid_document_loses_nothing_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    _fill(path).close()
    before = _consistent(path)
    doc, text = next((d, t) for d, t in DOCS if len(d.facts) > 20)
    seed = tmp_path / "seed.txt"
    seed.write_text(text, encoding="utf-8")
    script = _KILLER.format(src=str(SRC), seed=str(seed), db=str(path), doc_id=doc.doc)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == -9, run.stderr
    after = _consistent(path)
    assert after == dict(before, first=1)  # the replacement never landed; the rest is whole
    with FactStore(path) as store:
        assert store.document(doc.doc) == doc
        # the rerun after the interruption: done documents are skipped, the rest written
        assert [store.add(d, t) for d, t in DOCS] == [False] * len(DOCS)
        assert store.add(doc, text + "v2") is True
    _consistent(path)


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreCorruptError, match="facts.db") as e:
        FactStore(path)
    assert isinstance(e.value, UnionfactsError) and e.value.path == str(path)
    with pytest.raises(StoreCorruptError, match="facts.db"):
        stats(path)


def test_damaged_store(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    _fill(path).close()
    with open(path, "r+b") as fh:  # clobber the pages after the header
        fh.seek(4096)
        fh.write(b"\xff" * 16384)
    with pytest.raises(StoreCorruptError, match="facts.db"), FactStore(path) as store:
        list(store.documents())


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StoreCorruptError, match="not a unionfacts fact store"):
        FactStore(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("people",)]
    con.close()


def test_locked_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    store = _fill(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    store.close()
    store = FactStore(path, timeout=0.1)
    doc = extract_document("投入3亿元。", doc_id="late")
    with pytest.raises(StoreLockedError, match="facts.db"):
        store.add(doc, "投入3亿元。")
    other.execute("ROLLBACK")
    other.close()
    assert store.add(doc, "投入3亿元。") is True
    store.close()
    assert len(_consistent(path)) == len(DOCS) + 1


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc (read-only for root too)")
def test_read_only_folder_as_any_user() -> None:
    with pytest.raises(StoreReadOnlyError, match="/proc/facts.db"):
        FactStore("/proc/facts.db")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into a read-only folder; the /proc test covers root")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreReadOnlyError, match="facts.db"):
            FactStore(folder / "facts.db")
    finally:
        folder.chmod(0o755)


def test_folder_given_as_file(tmp_path: Path) -> None:
    with pytest.raises(StoreReadOnlyError, match="is a folder"):
        FactStore(tmp_path)
    with pytest.raises(StoreError, match="no such folder"):
        FactStore(tmp_path / "missing" / "facts.db")


def test_full_disk_rolls_back_only_that_document(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    store = _fill(path)
    before = _consistent(path)
    pages = store._con.execute("PRAGMA page_count").fetchone()[0]
    store._con.execute(f"PRAGMA max_page_count = {pages + 1}")  # what a full disk looks like
    big_text = "，".join(f"第{i}项投入资金{i}万元，建成{i}个站点" for i in range(1, 3000))
    big = extract_document(big_text, doc_id="big")
    with pytest.raises(StoreFullError, match="facts.db"):
        store.add(big, big_text)
    assert _consistent(path) == before
    store._con.execute("PRAGMA max_page_count = 1073741823")
    assert store.add(big, big_text) is True
    store.close()
    assert _consistent(path)["big"] == len(big.facts)


def test_stats(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    _fill(path).close()
    report = stats(path)
    n_facts = sum(len(d.facts) for d, _ in DOCS)
    assert f"{len(DOCS)} documents" in report and f"{n_facts} facts" in report
    kinds = collections.Counter(f.kind for d, _ in DOCS for f in d.facts)
    for kind, n in kinds.items():
        assert any(line.split() == [kind, str(n)] for line in report.splitlines()), kind
    for doc, _ in DOCS:
        line = next(ln for ln in report.splitlines() if ln.strip().startswith(doc.doc + " "))
        assert str(len(doc.facts)) in line.split()
    top = stats(path, limit=2)
    assert "(top 2)" in top
    lines = top.split("facts by document")[1].strip().splitlines()[2:]  # past title, header
    most = sorted(DOCS, key=lambda p: (-len(p[0].facts), p[0].doc))[:2]
    assert [ln.split()[0] for ln in lines] == [d.doc for d, _ in most]


def test_stats_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such fact store"):
        stats(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


def test_schema_sql_runs() -> None:
    con = sqlite3.connect(":memory:")
    con.executescript(schema_sql())
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"documents", "facts", "measure_lists", "measure_items"}
    cols = [r[1] for r in con.execute("PRAGMA table_info(facts)")]
    assert tuple(cols) == FACTS.names


def test_add_many_is_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "facts.db"
    with FactStore(path) as store:
        first = [document_rows(d, t) for d, t in DOCS[:2]]
        assert store.add_many(first) == [True, True]
        group = [document_rows(d, t) for d, t in DOCS]
        assert store.add_many(group) == [False, False] + [True] * (len(DOCS) - 2)
        assert store.add_many([]) == []
        before = _consistent(path)
        new = extract_document("投入3亿元。", doc_id="new")
        bad = document_rows(DOCS[0][0], DOCS[0][1] + "changed")
        bad = (bad[0], bad[1][:-1] + [(None,) + bad[1][-1][1:]], bad[2], bad[3])
        with pytest.raises(StoreError, match="facts.db"):
            store.add_many([document_rows(new, "投入3亿元。"), bad])
        assert _consistent(path) == before and store.document("new") is None
        assert store.document(DOCS[0][0].doc) == DOCS[0][0]


def test_a_lone_surrogate_is_a_clear_error(tmp_path: Path) -> None:
    with FactStore(tmp_path / "facts.db") as store:
        text = "投入3亿元。"
        doc = extract_document(text, doc_id="bad\udc80")  # e.g. a file name read as bytes
        with pytest.raises(StoreError, match="bad.* not stored.*lone surrogate"):
            store.add(doc, text)
        assert store.doc_ids() == []
        assert store.add(DOCS[0][0], DOCS[0][1]) is True
