"""Every input read or refused clearly: timestamps, binary formats, web pages, folders, tables
of documents (.jsonl, .csv, .parquet), encodings, and the faults a red team found in them."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

from unionfacts import cli
from unionfacts import extractor as api
from unionfacts.io import sources
from unionfacts.io.html import read_page
from unionfacts.pipeline.timebase import parse_published

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]


def run(argv: list[object], capsys) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def lines(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines()]


def docs(out: str) -> list[dict]:
    return [r for r in lines(out) if r["record"] == "document"]


def facts(out: str) -> list[dict]:
    return [r for r in lines(out) if r["record"] == "fact"]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ------------------------------------------------------------------------------- timestamps

@pytest.mark.parametrize("value, want", [
    ("2021-06-14T01:06:40+08:00", "2021-06-14T01:06"),
    ("2024-03-01T02:00:00Z", "2024-03-01T02:00"),
    ("2024-03-01T02:00:00.123", "2024-03-01T02:00"),
    ("2024-03-01T23:30:00.5-05:00", "2024-03-01T23:30"),  # the wall-clock date in its own offset
    ("2024-03-01 08:15:00+0800", "2024-03-01T08:15"),
    (dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "2024-03-01T23:30"),
    (dt.date(2024, 3, 1), "2024-03-01"),
])
def test_iso_timestamps_with_offsets_and_fractions(value, want):
    assert parse_published(value) == want


@pytest.mark.parametrize("value", ["2024-13-01T02:00:00Z", "2024-03-01T02:00:00+8", "yesterday"])
def test_bad_timestamps_are_refused(value):
    with pytest.raises(ValueError, match="not an ISO 8601 date"):
        parse_published(value)


def test_timestamp_resolves_relative_dates_in_library_cli_and_jsonl(tmp_path, capsys):
    text = "今年投入资金4.9亿元"
    assert api.extract(text, published="2021-06-14T01:06:40+08:00")[0].value == "2021"
    f = write(tmp_path / "a.txt", text)
    code, out, err = run(["extract", f, "--published", "2024-03-01T02:00:00Z"], capsys)
    assert code == 0, err
    assert facts(out)[0]["value"] == "2024"
    jl = write(tmp_path / "d.jsonl", json.dumps({"id": "x", "text": text, "published": "2023-12-31T23:59:59.9+08:00"}))
    code, out, err = run(["extract", jl], capsys)
    assert code == 0, err
    assert docs(out)[0]["published"] == "2023-12-31T23:59" and facts(out)[0]["value"] == "2023"


HEADER = "发布时间：2024-02-22 09:35\n今年投入资金4.9亿元"


def test_published_is_a_fallback_and_force_published_forces(tmp_path, capsys):
    dated = write(tmp_path / "dated.txt", HEADER)
    bare = write(tmp_path / "bare.txt", "今年投入资金4.9亿元")
    code, out, _ = run(["extract", dated, bare, "--published", "2020-05-05"], capsys)
    assert code == 0
    assert [d["published"] for d in docs(out)] == ["2024-02-22T09:35", "2020-05-05"]
    assert docs(out)[0]["published_evidence"]["text"] == "2024-02-22 09:35"
    code, out, _ = run(["extract", dated, bare, "--force-published", "2020-05-05"], capsys)
    assert code == 0
    assert [d["published"] for d in docs(out)] == ["2020-05-05", "2020-05-05"]


def test_library_default_published_is_a_fallback():
    ex = api.default_extractor()
    assert ex.extract_document(HEADER, default_published="2020-05-05").published == "2024-02-22T09:35"
    assert ex.extract_document("今年", default_published="2020-05-05").published == "2020-05-05"
    assert ex.extract_document(HEADER, published="2020-05-05").published == "2020-05-05"


# ---------------------------------------------------------------------------- file sniffing

@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" + "营收3.5亿元".encode("gb18030") * 40,
     "a PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml" + b"word/document.xml" + b"\x91" * 200,
     "a Word document (.docx)"),
    (b"PK\x03\x04\x14\x00\x00\x00xl/workbook.xml" + b"\xb0" * 100, "an Excel workbook (.xlsx)"),
    (b"PK\x03\x04\x14\x00\x00\x00ppt/presentation.xml" + b"\xb0" * 100, "a PowerPoint presentation (.pptx)"),
    (b"PK\x03\x04\x14\x00\x00\x00data.bin" + b"\xb0" * 100, "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xc4\xe3" * 200, "an Office 97-2003 document"),
    (b"\x89PNG\r\n\x1a\n" + b"\xb0\xa1" * 100, "a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\xb0\xa1" * 100, "a JPEG image"),
    (b"GIF89a" + b"\xb0\xa1" * 100, "a GIF image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\xb0\xa1" * 100, "a WebP image"),
    (b"\x1f\x8b\x08\x00" + b"\xb0\xa1" * 100, "gzip-compressed data"),
], ids=["pdf", "docx", "xlsx", "pptx", "zip", "doc", "png", "jpeg", "gif", "webp", "gzip"])
def test_binary_formats_are_refused_by_name(tmp_path, capsys, data, name):
    bad = write(tmp_path / "file.txt", data)
    good = write(tmp_path / "good.txt", "投入4.9亿元")
    code, out, err = run(["extract", bad, good], capsys)
    assert code == 1
    assert err.startswith(f"{bad}: not text: {name}"), err
    assert [d["doc"] for d in docs(out)] == ["good"]


def test_text_that_starts_like_a_format_is_still_text():
    assert sources.sniff_binary("BZh是一个缩写，投入4.9亿元".encode()) is None
    assert sources.sniff_binary("MZ公司投入4.9亿元".encode() * 30) is None


# -------------------------------------------------------------------------------- web pages

NAV = ('<div class="nav"><a href="/">首页</a> <a href="/n">新闻中心</a> <a href="/g">政务公开</a></div>'
       '<div class="crumb">当前位置：首页 &gt; 工会动态 &gt; 正文</div>')
SIDE = ('<div class="side"><h3>热点推荐</h3><ul><li><a href="/1">全市新增就业3.2万人</a></li>'
        '<li><a href="/2">投入资金5亿元支持培训</a></li></ul></div>')
FOOT = '<div class="footer">版权所有 &copy; 2024 某某市总工会 京ICP备12345678号</div>'


def page(body: str, meta: str = "", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>工会投入资金不低于4.9亿元_某某网</title>'
            f'{meta}<script>var x = "统计3.5亿";</script></head><body>{NAV}<div class="article">'
            f'<h1>工会投入资金不低于4.9亿元</h1><div class="content">{body}</div></div>{SIDE}{FOOT}</body></html>')


BODY = ("<p>截至2023年11月底，全省技能人才总量已达1096万人，其中高技能人才占比达到31.5%。</p>"
        "<p>2023年全省各级工会投入资金不低于4.9亿元，服务职工群众8000万人次以上。</p>"
        "<p>今年将新建工会驿站500个，推动&ldquo;十四五&rdquo;规划落地见效，帮扶困难职工1.2万户。</p>")
META = '<meta property="article:published_time" content="2024-02-22T09:35:00+08:00">'


@pytest.mark.parametrize("name", ["news.html", "news.htm", "news.txt"])
def test_a_web_page_is_read_for_its_main_text(tmp_path, capsys, name):
    f = write(tmp_path / name, page(BODY, META))
    code, out, err = run(["extract", f], capsys)
    assert code == 0, err
    (doc,) = docs(out)
    text = doc["text"]
    assert doc["format"] == "html"
    assert "“十四五”" in text and "&ldquo;" not in text  # entities decoded
    for chrome in ("首页", "热点推荐", "全市新增就业", "版权所有", "统计3.5亿"):
        assert chrome not in text
    assert doc["published"] == "2024-02-22T09:35" and doc["published_evidence"] is None
    assert doc["published_meta"] == {"name": "article:published_time", "content": "2024-02-22T09:35:00+08:00"}
    fs = facts(out)
    assert [f["text"] for f in fs if f["kind"] == "money"] == ["4.9亿元", "4.9亿元"]
    for f in fs:  # every offset indexes the text the output carries
        assert text[f["start"]:f["end"]] == f["text"]
    assert [f["value"] for f in fs if f["text"] == "今年"] == ["2024"]  # resolved by the <meta> date


def test_a_web_page_in_gbk_is_decoded_by_its_meta_charset(tmp_path, capsys):
    f = write(tmp_path / "gbk.html", page(BODY, META, charset="gbk").encode("gbk"))
    code, out, err = run(["extract", f, "--format", "documents"], capsys)
    assert code == 0, err
    (doc,) = lines(out)
    assert doc["record"] == "document" and "1096万人" in doc["text"]
    assert all(doc["text"][x["start"]:x["end"]] == x["text"] for x in doc["facts"])


def test_page_date_yields_to_force_published(tmp_path, capsys):
    f = write(tmp_path / "p.html", page(BODY, META))
    code, out, _ = run(["extract", f, "--force-published", "2020-01-01"], capsys)
    assert docs(out)[0]["published"] == "2020-01-01" and "published_meta" not in docs(out)[0]


def test_read_page_meta_names():
    p = read_page(page(BODY, '<meta name="PubDate" content="2024-05-06 10:00">'))
    assert (p.published, p.published_meta) == ("2024-05-06 10:00", "pubdate")
    assert read_page(page(BODY, '<meta name="pubdate" content="soon">')).published is None


# ---------------------------------------------------------------------------------- folders

def test_folder_takes_text_markdown_and_html_and_reports_what_it_skipped(tmp_path, capsys):
    write(tmp_path / "a.TXT", "投入4.9亿元")
    write(tmp_path / "b.text", "共183个县")
    write(tmp_path / "c.md", "增长12.3%")
    write(tmp_path / "d.html", page(BODY))
    write(tmp_path / "e.pdf", b"%PDF-1.4")
    write(tmp_path / "f.pdf", b"%PDF-1.4")
    write(tmp_path / "g.docx", b"PK\x03\x04")
    code, out, err = run(["extract", tmp_path], capsys)
    assert code == 0
    assert [d["doc"] for d in docs(out)] == ["a.TXT", "b.text", "c.md", "d.html"]
    assert err == (f"unionfacts: {tmp_path}: skipped 3 files (2 .pdf files, 1 .docx files); "
                   "read: .txt .text .md .html .htm .jsonl .csv .parquet\n")


def test_empty_folder_and_empty_input_say_so(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    e = write(tmp_path / "e.txt", "")
    code, out, err = run(["extract", tmp_path / "empty", e], capsys)
    assert code == 0
    assert f"{tmp_path / 'empty'}: no input files in this folder" in err
    assert f"{e}: empty input (no text)" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_subfolder_is_reported_with_exit_1(tmp_path, capsys):
    write(tmp_path / "a.txt", "投入4.9亿元")
    locked = tmp_path / "locked"
    write(locked / "b.txt", "共183个县")
    locked.chmod(0)
    try:
        code, out, err = run(["extract", tmp_path], capsys)
    finally:
        locked.chmod(0o755)
    assert code == 1
    assert f"{locked}: cannot read folder: Permission denied" in err
    assert [d["doc"] for d in docs(out)] == ["a"]


def test_unreadable_folder_is_reported_even_as_root(tmp_path, capsys, monkeypatch):
    write(tmp_path / "a.txt", "投入4.9亿元")
    write(tmp_path / "sub" / "b.txt", "共183个县")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(sources.os, "scandir", scandir)
    code, out, err = run(["extract", tmp_path], capsys)
    assert code == 1
    assert err == f"{tmp_path / 'sub'}: cannot read folder: Permission denied\n"
    assert [d["doc"] for d in docs(out)] == ["a"]


def test_folders_nested_a_thousand_deep_are_walked(tmp_path, capsys):
    root = tmp_path / "deep"
    d = root
    for _ in range(1000):  # os.makedirs itself recurses
        d = d / "d"
    for depth in range(len(d.parts) - len(root.parts) + 1):
        Path(*d.parts[:len(root.parts) + depth]).mkdir()
    write(d / "x.txt", "投入4.9亿元")
    write(root / "top.txt", "共183个县")
    try:
        code, out, err = run(["extract", root], capsys)
    finally:  # pytest's own clean-up of old temp folders (shutil.rmtree) recurses too
        (d / "x.txt").unlink()
        while d != root:
            d.rmdir()
            d = d.parent
    assert code == 0, err[-500:]
    assert [x["doc"] for x in docs(out)] == ["x", "top"]  # in path order: deep/d/… before deep/top.txt


# --------------------------------------------------------------------- tables of documents

def test_jsonl_with_keys_and_rows_that_fail_alone(tmp_path, capsys):
    rows = [{"body": "投入4.9亿元", "url": "u1", "date": "2024-03-01T08:00:00+08:00"},
            {"url": "u2"},
            {"body": 12, "url": "u3"},
            {"body": "共183个县", "url": 7},
            {"body": "今年", "url": "u5", "date": 20240301}]
    f = write(tmp_path / "t.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = run(["extract", f, "--text-key", "body", "--id-key", "url", "--published-key", "date"],
                         capsys)
    assert code == 1
    assert err.splitlines() == [f"{f}:2: field 'body' is missing",
                                f"{f}:3: field 'body' is a number, not a string",
                                f"{f}:5: field 'date': published must be an ISO date string, date or "
                                f"datetime, not int"]
    assert [(d["doc"], d["published"]) for d in docs(out)] == [("u1", "2024-03-01T08:00"), ("7", None)]


@pytest.mark.parametrize("raw_id, message", [
    ({"a": 1}, "field 'id' is an object; give a string or a number"),
    (None, "field 'id' is null; give a string or a number"),
    ([1], "field 'id' is an array; give a string or a number"),
])
def test_jsonl_ids_that_are_not_strings_or_numbers_fail_clearly(tmp_path, capsys, raw_id, message):
    f = write(tmp_path / "t.jsonl", json.dumps({"id": raw_id, "text": "投入4.9亿元"}) + "\n")
    code, out, err = run(["extract", f], capsys)
    assert (code, err) == (1, f"{f}:1: {message}\n")


def test_number_ids_are_json_text(tmp_path, capsys):
    f = write(tmp_path / "t.jsonl", json.dumps({"id": 1.5, "text": "投入4.9亿元"}) + "\n"
              + json.dumps({"id": 10**20, "text": "共3个"}) + "\n")
    code, out, _ = run(["extract", f], capsys)
    assert [d["doc"] for d in docs(out)] == ["1.5", "100000000000000000000"]


def test_duplicate_ids_are_a_warning(tmp_path, capsys):
    f = write(tmp_path / "t.jsonl", json.dumps({"id": "x", "text": "投入4.9亿元"}) + "\n"
              + json.dumps({"id": "x", "text": "共3个"}) + "\n")
    code, out, err = run(["extract", f], capsys)
    assert code == 0
    assert err == f"unionfacts: {f}:2: warning: duplicate document id 'x' (first at {f}:1)\n"
    assert len(docs(out)) == 2


def test_a_deeply_nested_jsonl_line_fails_alone(tmp_path, capsys):
    deep = "[" * 200_000 + "]" * 200_000
    f = write(tmp_path / "t.jsonl", json.dumps({"id": "a", "text": "投入4.9亿元"}) + "\n"
              + '{"id": "b", "text": "x", "n": ' + deep + "}\n"
              + json.dumps({"id": "c", "text": "共3个"}) + "\n")
    out_path = tmp_path / "out.jsonl"
    code, out, err = run(["extract", f, "-o", out_path], capsys)
    assert code == 1
    assert err == f"{f}:2: not readable: nested too deeply\n"
    assert [d["doc"] for d in docs(out_path.read_text(encoding="utf-8"))] == ["a", "c"]


def test_any_exception_reading_a_record_fails_that_record(tmp_path, capsys, monkeypatch):
    real = json.loads

    def loads(s, *a, **k):
        if "boom" in s:
            raise MemoryError("too big")
        return real(s, *a, **k)

    monkeypatch.setattr(sources.json, "loads", loads)
    f = write(tmp_path / "t.jsonl", json.dumps({"id": "a", "text": "boom"}) + "\n"
              + json.dumps({"id": "c", "text": "共3个"}) + "\n")
    code, out, err = run(["extract", f], capsys)
    assert (code, err) == (1, f"{f}:1: not readable: MemoryError: too big\n")
    assert [d["doc"] for d in docs(out)] == ["c"]


def test_utf16_jsonl_is_read_with_its_encoding(tmp_path, capsys):
    body = json.dumps({"id": "a", "text": "投入4.9亿元"}, ensure_ascii=False) + "\n" + \
        json.dumps({"id": "b", "text": "共3个"}, ensure_ascii=False) + "\n"
    f = write(tmp_path / "t.jsonl", body.encode("utf-16"))
    for argv in (["--encoding", "utf-16"], []):
        code, out, err = run(["extract", f, *argv], capsys)
        assert (code, err) == (0, "")
        assert [d["doc"] for d in docs(out)] == ["a", "b"]
        assert [x["text"] for x in facts(out)] == ["4.9亿元", "3个"]


def test_csv_with_keys_and_row_numbers(tmp_path, capsys):
    f = write(tmp_path / "t.csv", "url,body,date\r\nu1,投入4.9亿元,2024-03-01\r\nu2,,\r\n"
              'u3,"共183个县\n分两行",\r\n')
    code, out, err = run(["extract", f, "--text-key", "body", "--id-key", "url", "--published-key", "date"],
                         capsys)
    assert code == 0, err
    assert [(d["doc"], d["published"]) for d in docs(out)] == [("u1", "2024-03-01"), ("u2", None), ("u3", None)]
    code, out, err = run(["extract", f], capsys)
    assert (code, err) == (1, f"{f}: no column 'text' in the header (url, body, date); see --text-key\n")


def test_csv_default_id_is_file_and_line(tmp_path, capsys):
    f = write(tmp_path / "t.csv", "text\n投入4.9亿元\n共3个\n")
    code, out, _ = run(["extract", f], capsys)
    assert [d["doc"] for d in docs(out)] == ["t:2", "t:3"]


def test_parquet_with_keys_and_a_bad_row(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"body": ["投入4.9亿元", None, "共183个县"], "url": ["u1", "u2", "u3"]})
    f = tmp_path / "t.parquet"
    pq.write_table(table, f)
    code, out, err = run(["extract", f, "--text-key", "body", "--id-key", "url"], capsys)
    assert code == 1
    assert err == f"{f}:row 2: field 'body' is null, not a string\n"
    assert [d["doc"] for d in docs(out)] == ["u1", "u3"]


# -------------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("data, tried", [
    ("서울시는 올해 예산 3조원을 투입한다고 밝혔다. 시민 1만명이 참가했다.".encode("euc-kr"), "gb18030 (reads as"),
    ("東京都は今年度予算3兆円を投入すると発表した。参加者は1万人。".encode("shift_jis"), "gb18030 (reads as"),
], ids=["euc-kr", "shift-jis"])
def test_korean_and_japanese_multibyte_text_is_not_read_as_chinese(tmp_path, capsys, data, tried):
    f = write(tmp_path / "a.txt", data)
    code, out, err = run(["extract", f], capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"{f}: cannot decode: tried utf-8 (") and tried in err and "--encoding" in err


def test_short_damaged_utf8_is_an_error_not_mojibake(tmp_path, capsys):
    data = "营收3.5亿元，同比增长".encode()
    f = write(tmp_path / "a.txt", data[:5] + b"\xff" + data[5:])
    code, out, err = run(["extract", f], capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"{f}: cannot decode as utf-8: invalid")


def test_short_gbk_text_is_still_read():
    assert sources.decode("全省职工".encode("gbk")) == "全省职工"
    assert sources.decode("营收3.5亿元，同比增长12.3%".encode("gbk")) == "营收3.5亿元，同比增长12.3%"


@pytest.mark.parametrize("enc", ["rot13", "base64", "undefined", "hex"])
def test_non_text_codecs_are_a_usage_error(tmp_path, capsys, enc):
    f = write(tmp_path / "a.txt", "投入4.9亿元")
    code, out, err = run(["extract", f, "--encoding", enc], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"unionfacts: --encoding: {enc}") and "utf-8, gb18030" in err


def test_closed_stdin_is_a_failed_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    code, out, err = run(["extract"], capsys)
    assert (code, err) == (1, "<stdin>: standard input is closed; name the input files\n")


def test_waiting_on_a_terminal_says_so(capsys, monkeypatch):
    class Tty:
        buffer = None

        def isatty(self):
            return True

        def read(self):
            return "投入4.9亿元"

    monkeypatch.setattr(sys, "stdin", Tty())
    code, out, err = run(["extract"], capsys)
    assert code == 0
    assert err == "unionfacts: reading text from the terminal; end it with Ctrl-D (Ctrl-Z Enter on Windows)\n"


def test_text_with_stray_tags_stays_text(tmp_path, capsys):
    text = "投入资金4.9亿元<br>共183个县<p>增长12.3%</p><div>完</div>"
    f = write(tmp_path / "a.txt", text)
    code, out, _ = run(["extract", f], capsys)
    (doc,) = docs(out)
    assert code == 0 and "format" not in doc
    assert all(text[x["start"]:x["end"]] == x["text"] for x in facts(out))
