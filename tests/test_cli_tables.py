"""``unionfacts extract --db``, ``--format csv|parquet`` and ``db stats``: the tabular sinks
from the command line, their round trips and reruns."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_records import _bare

from unionfacts import cli, extract_document
from unionfacts.io.sqlite import FactStore
from unionfacts.records import FACTS, table_rows

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def run(argv: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    return folder


def test_db_stores_every_document_and_a_rerun_skips_them(tmp_path, capsys):
    folder = _seed_folder(tmp_path)
    db = tmp_path / "facts.db"
    code, out, err = run(["extract", folder, "--db", db], capsys)
    assert (code, out, err) == (0, "", "")
    with FactStore(db) as store:
        assert store.doc_ids() == sorted(p.stem for p in SEEDS)
        for p in SEEDS:
            want = extract_document(p.read_text(encoding="utf-8"), doc_id=p.stem)
            assert store.document(p.stem) == _bare(want)  # a row keeps when/where in part
    before = db.read_bytes()
    code, out, err = run(["extract", folder, "--db", db, "-j", "2"], capsys)
    assert code == 0 and out == ""
    assert err == f"unionfacts: {len(SEEDS)} document(s) already stored with the same text: skipped\n"
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(SEEDS),)
    assert len(db.read_bytes()) == len(before)


def test_db_replaces_a_changed_document(tmp_path, capsys):
    folder = _seed_folder(tmp_path)
    db = tmp_path / "facts.db"
    assert run(["extract", folder, "--db", db], capsys)[0] == 0
    changed = folder / SEEDS[0].name
    changed.write_text("共发放慰问金300万元。", encoding="utf-8")
    code, _, err = run(["extract", folder, "--db", db], capsys)
    assert code == 0 and f"{len(SEEDS) - 1} document(s) already stored" in err
    with FactStore(db) as store:
        doc = store.document(SEEDS[0].stem)
        assert doc is not None and [f.text for f in doc.facts] == ["300万元"]


def test_db_stats_counts_by_kind(tmp_path, capsys):
    folder = _seed_folder(tmp_path)
    db = tmp_path / "facts.db"
    run(["extract", folder, "--db", db], capsys)
    code, out, _ = run(["db", "stats", db], capsys)
    assert code == 0
    total = sum(len(extract_document(p.read_text(encoding="utf-8")).facts) for p in SEEDS)
    assert f"{len(SEEDS)} documents" in out and f"{total} facts" in out
    assert run(["db", "stats", tmp_path / "missing.db"], capsys)[0] == 2


def test_a_corrupt_database_is_reported_and_nothing_else_breaks(tmp_path, capsys):
    db = tmp_path / "facts.db"
    db.write_bytes(b"this is not a database" * 100)
    code, out, err = run(["extract", SEEDS[0], "--db", db], capsys)
    assert code == 1 and out == ""
    assert str(db) in err and "Traceback" not in err


def test_csv_rows_are_the_typed_fact_table(tmp_path, capsys):
    code, out, err = run(["extract", *SEEDS, "--format", "csv"], capsys)
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(FACTS.names)
    want = [r for p in SEEDS for r in table_rows(FACTS, extract_document(p.read_text(encoding="utf-8"),
                                                                         doc_id=p.stem))]
    assert len(rows) - 1 == len(want)
    amount = rows[0].index("amount")
    assert [r[amount] for r in rows[1:]] == ["" if r[amount] is None else str(r[amount]) for r in want]


def test_parquet_needs_an_output_file(tmp_path, capsys):
    code, _, err = run(["extract", SEEDS[0], "--format", "parquet"], capsys)
    assert code == 2 and "needs -o" in err


def test_parquet_holds_every_fact(tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    out_path = tmp_path / "facts.parquet"
    code, _, err = run(["extract", *SEEDS, "--format", "parquet", "-o", out_path], capsys)
    assert (code, err) == (0, "")
    table = pq.read_table(out_path)
    assert table.num_rows == sum(len(extract_document(p.read_text(encoding="utf-8")).facts) for p in SEEDS)


def test_match_timeout_option(tmp_path, capsys):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.yaml").write_text("kind: count\nrules:\n  - id: 'count.catastrophic'\n"
                                     "    pattern: '(?:1|1)+b'\n", encoding="utf-8")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("共" + "1" * 60 + "个", encoding="utf-8")
    code, _, err = run(["extract", "--patterns", pack, "--match-timeout", "0.2", hostile], capsys)
    assert code == 1 and "0.2 s" in err
    assert run(["extract", "--match-timeout", "0", hostile], capsys)[0] == 2
