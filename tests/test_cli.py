"""``unionfacts extract`` on any input: encodings, newlines, bad and mixed inputs, exit codes,
atomic ``-o``, ``--fail-fast``, ``--jobs`` and streaming."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from unionfacts import cli
from unionfacts import extractor as api
from unionfacts.io import sources
from unionfacts.io.sinks import jsonl_lines, render_jsonl

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_PATHS = sorted(SEEDS.glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEED_PATHS]
BIG5_SEED = SEED_TEXTS[4]  # every character of this article exists in Big5
SHORT_TRAD = "營收3.5億元，同比增長12.3%。全省職工總數達1096萬人，發布15條措施。"
SHORT_SIMP = "营收3.5亿元，同比增长12.3%。全省职工总数达1096万人，发布15条措施。"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def all_records(out: str) -> list[dict]:
    """Every output line parsed; fails on a partial or non-JSON line. ``str.splitlines``
    (which also breaks at U+2028, U+0085 …) must see the same lines as a split at ``\n``."""
    assert out == "" or out.endswith("\n"), "output does not end with a newline"
    assert out.splitlines() == out.split("\n")[:-1]
    return [json.loads(line) for line in out.splitlines()]


def records(out: str) -> list[dict]:
    """The fact and list-item lines of the output (its document records left out)."""
    return [r for r in all_records(out) if r["record"] != "document"]


def facts_by_doc(out: str) -> dict[str, list[dict]]:
    """Output records grouped by document, in output order."""
    got: dict[str, list[dict]] = {}
    for r in records(out):
        got.setdefault(r["doc"], []).append(r)
    return got


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def expected(text: str, doc: str) -> list[dict]:
    """What the library says about ``text``: the CLI must write exactly these records."""
    return [json.loads(line) for line in jsonl_lines(api.extract_document(text, doc_id=doc))]


def assert_offsets_index(text: str, out: str) -> None:
    recs = records(out)
    assert recs
    for r in recs:
        assert text[r["start"]:r["end"]] == r["text"], r


# ---------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding, text", [
    ("utf-8", SEED_TEXTS[0]),
    ("utf-8-sig", SEED_TEXTS[0]),
    ("gb18030", SEED_TEXTS[0]),
    ("gb18030", SEED_TEXTS[3]),
    ("gbk", SHORT_SIMP * 3),
    ("gbk", SHORT_TRAD),
    ("big5", BIG5_SEED),
    ("big5", SHORT_TRAD),
    ("utf-16", SEED_TEXTS[1]),
], ids=["utf8", "utf8-bom", "gb18030-trad", "gb18030-simp", "gbk-simp", "gbk-trad", "big5", "big5-short",
        "utf16-bom"])
def test_encoding_is_detected(tmp_path, capsys, encoding, text):
    f = write(tmp_path / "doc.txt", text.encode(encoding))
    code, out, err = run(["extract", f], capsys)
    assert (code, err) == (0, "")
    assert facts_by_doc(out)["doc"] == expected(text, "doc")
    assert_offsets_index(text, out)


@pytest.mark.parametrize("encoding, text", [("big5", SHORT_TRAD), ("gb18030", SHORT_SIMP),
                                            ("gbk", SHORT_TRAD), ("utf-8", SHORT_SIMP)])
def test_encoding_can_be_given(tmp_path, capsys, encoding, text):
    f = write(tmp_path / "doc.txt", text.encode(encoding))
    code, out, err = run(["extract", f, "--encoding", encoding], capsys)
    assert (code, err) == (0, "")
    assert facts_by_doc(out)["doc"] == expected(text, "doc")


def test_big5_that_also_decodes_as_gb18030_is_read_as_big5(tmp_path, capsys):
    data = SHORT_TRAD.encode("big5")
    assert data.decode("gb18030") != SHORT_TRAD  # decodes, to nonsense
    f = write(tmp_path / "doc.txt", data)
    code, out, _ = run(["extract", f], capsys)
    assert code == 0
    assert [r["text"] for r in records(out)] == ["3.5億元", "12.3%", "1096萬人", "15條"]


def test_utf8_that_also_decodes_as_gb18030_is_read_as_utf8(tmp_path, capsys):
    text = "投入资金4.9亿元 共有183个县"
    data = text.encode("utf-8")
    assert data.decode("gb18030") != text  # decodes, to nonsense
    f = write(tmp_path / "doc.txt", data)
    code, out, _ = run(["extract", f], capsys)
    assert code == 0
    assert [r["text"] for r in records(out)] == ["4.9亿元", "183个"]


def test_bom_is_dropped_and_offsets_index_the_text_after_it(tmp_path, capsys):
    text = "营收3.5亿元\n"
    f = write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, out, _ = run(["extract", f], capsys)
    assert code == 0
    assert [(r["start"], r["end"], r["text"]) for r in records(out)] == [(2, 7, "3.5亿元")]
    code, out2, _ = run(["extract", f, "--encoding", "utf-8"], capsys)
    assert out2 == out


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_offsets_index_the_text_as_decoded_without_newline_translation(tmp_path, capsys, newline):
    text = SEED_TEXTS[3].replace("\n", newline)
    f = write(tmp_path / "doc.txt", text)
    code, out, _ = run(["extract", f], capsys)
    assert code == 0
    assert_offsets_index(text, out)
    assert facts_by_doc(out)["doc"] == expected(text, "doc")


@pytest.mark.parametrize("data, why", [
    (b"\x80\x81\xff\xfe\xfd" * 20, "cannot decode: tried utf-8 (invalid start byte 0x80 at byte 0), gb18030"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not text: a PNG image"),
    (bytes(range(1, 32)) * 10, "cannot decode as text: binary data"),
    (("营收3.5亿元，同比增长12.3%。" * 20).encode("utf-8")[:-40] + b"\xff" + "3个".encode("utf-8"),
     "cannot decode as utf-8"),
    (b"\xef\xbb\xbf\xe8\x90\xa5\xff", "cannot decode as utf-8"),
], ids=["garbage", "png", "controls", "damaged-utf8", "bom-then-garbage"])
def test_undecodable_input_is_named_and_the_others_are_written(tmp_path, capsys, data, why):
    bad = write(tmp_path / "bad.txt", data)
    good = write(tmp_path / "good.txt", SEED_TEXTS[2])
    code, out, err = run(["extract", bad, good], capsys)
    assert code == 1
    assert err.startswith(f"{bad}: {why}"), err
    assert err.count("\n") == 1
    assert facts_by_doc(out) == {"good": expected(SEED_TEXTS[2], "good")}


def test_given_encoding_that_does_not_fit_is_an_error(tmp_path, capsys):
    f = write(tmp_path / "gb.txt", SHORT_SIMP.encode("gb18030"))
    code, out, err = run(["extract", f, "--encoding", "utf-8"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"{f}: cannot decode as utf-8: ")


def test_decode_unit_behaviour():
    assert sources.decode(b"a\r\nb\rc") == "a\r\nb\rc"
    assert sources.decode(b"\xef\xbb\xbfabc") == "abc"
    assert sources.decode("abc".encode("utf-16")) == "abc"
    assert sources.decode("\ufeffabc".encode("utf-16")) == "\ufeffabc"  # only the first mark is a BOM
    assert sources.decode(b"") == ""
    assert sources.decode(SHORT_TRAD.encode("big5"), "x", "big5") == SHORT_TRAD
    with pytest.raises(ValueError, match="cannot decode as nope: unknown encoding"):
        sources.decode(b"abc", "x", "nope")


# --------------------------------------------------------------------------- JSON Lines

def test_jsonl_lines_split_on_newline_only(tmp_path, capsys):
    rows = [{"id": "a", "text": "第一段\u2028营收3.5亿元\u2029共183个县\x85"},
            {"id": "b", "text": "投入4.9亿元"}]
    body = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n"
    f = write(tmp_path / "docs.jsonl", body)
    code, out, err = run(["extract", f], capsys)
    assert (code, err) == (0, "")
    assert facts_by_doc(out) == {"a": expected(rows[0]["text"], "a"), "b": expected(rows[1]["text"], "b")}
    code, out, err = run(["extract", f, "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == out.split("\n")[:-1]
    assert [d["doc"] for d in json.loads(out)] == ["a", "b"]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_jsonl_lone_surrogates_become_replacement_characters(tmp_path, capsys, fmt):
    """JSON can carry a lone surrogate (``"\\ud800"``), UTF-8 output cannot: it is read as
    U+FFFD, one code point for one, so offsets are unchanged."""
    f = write(tmp_path / "docs.jsonl", '{"id": "s\\udc00", "text": "\\ud800营收3.5亿元\\udfff。"}\n')
    code, out, err = run(["extract", f, "--format", fmt], capsys)
    assert (code, err) == (0, "")
    want = expected("\ufffd营收3.5亿元\ufffd。", "s\ufffd")
    if fmt == "jsonl":
        assert facts_by_doc(out) == {"s\ufffd": want}
    else:
        (doc,) = json.loads(out)
        assert doc["doc"] == "s\ufffd"
        assert [(x["start"], x["end"], x["text"]) for x in doc["facts"]] == [(3, 8, "3.5亿元")]


def test_file_name_that_is_not_utf8(tmp_path, capsys):
    write(tmp_path / os.fsdecode(b"gb-\xd0\xc2\xce\xc5.txt"), "营收3.5亿元")
    code, out, err = run(["extract", tmp_path], capsys)
    assert (code, err) == (0, "")
    assert [r["doc"] for r in records(out)] == ["gb-\ufffd\ufffd\ufffd\ufffd"]


def test_bad_jsonl_lines_are_named_by_line(tmp_path, capsys):
    body = ("\ufeff" + json.dumps({"id": "a", "text": "投入4.9亿元"}) + "\n"
            "{not json\n\n"
            + json.dumps({"id": "c"}) + "\n"
            + json.dumps(["text"]) + "\n"
            + json.dumps({"id": "e", "text": "共183个县"}) + "\n")
    f = write(tmp_path / "docs.jsonl", body)
    code, out, err = run(["extract", f], capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{f}:2: not a JSON line: Expecting property name enclosed in double quotes (column 2)",
        f"{f}:4: field 'text' is missing",
        f"{f}:5: a row must be an object with a string field 'text', not an array"]
    assert list(facts_by_doc(out)) == ["a", "e"]


# ------------------------------------------------------------------ inputs and exit codes

def test_folder_is_walked_in_order_for_text_markdown_and_jsonl(tmp_path, capsys):
    write(tmp_path / "b" / "two.txt", "共183个县")
    write(tmp_path / "a.txt", "投入4.9亿元")
    write(tmp_path / "c.jsonl", json.dumps({"id": "three", "text": "增长12.3%"}) + "\n")
    write(tmp_path / "notes.md", "营收3.5亿元")
    code, out, err = run(["extract", tmp_path], capsys)
    assert (code, err) == (0, "")
    assert list(facts_by_doc(out)) == ["a", "two", "three", "notes.md"]


def test_stdin_bytes_are_decoded(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SHORT_TRAD.encode("big5"))))
    code, out, err = run(["extract"], capsys)
    assert (code, err) == (0, "")
    assert facts_by_doc(out) == {"stdin": expected(SHORT_TRAD, "stdin")}


def test_mixed_good_and_bad_inputs(tmp_path, capsys):
    good = [write(tmp_path / f"g{i}.txt", t) for i, t in enumerate(SEED_TEXTS[:3])]
    bad = write(tmp_path / "bad.txt", b"\x00\x01binary")
    missing = tmp_path / "missing.txt"
    code, out, err = run(["extract", good[0], bad, good[1], missing, good[2]], capsys)
    assert code == 1
    assert err.splitlines() == [f"{bad}: cannot decode as text: binary data (NUL byte at byte 0)",
                                f"{missing}: no such file or directory"]
    assert facts_by_doc(out) == {f"g{i}": expected(t, f"g{i}") for i, t in enumerate(SEED_TEXTS[:3])}


def test_a_device_is_not_read(capsys):
    code, out, err = run(["extract", "/dev/zero", SEED_PATHS[2]], capsys)
    assert code == 1
    assert err == "/dev/zero: cannot read: not a file (a device)\n"
    assert list(facts_by_doc(out)) == [SEED_PATHS[2].stem]


def test_a_pipe_is_read(capsys):
    """``unionfacts extract <(zcat news.txt.gz)``: the path is a pipe."""
    r, w = os.pipe()
    os.write(w, SHORT_SIMP.encode("gb18030"))
    os.close(w)
    try:
        code, out, err = run(["extract", f"/dev/fd/{r}"], capsys)
    finally:
        os.close(r)
    assert (code, err) == (0, "")
    assert facts_by_doc(out) == {str(r): expected(SHORT_SIMP, str(r))}


def test_all_good_is_exit_0_and_output_is_utf8_not_escaped(capsys):
    code, out, err = run(["extract", SEED_PATHS[0]], capsys)
    assert (code, err) == (0, "")
    assert "條" in out and "\\u" not in out


@pytest.mark.parametrize("argv, message", [
    (["extract", "--kinds", "money,dollars"], "unknown kind(s): dollars"),
    (["extract", "--encoding", "klingon"], "unknown encoding: klingon"),
    (["extract", "--published", "yesterday"], "--published"),
    (["extract", "--jobs", "-1"], "--jobs"),
    (["extract", "--format", "xml"], "invalid choice"),
    (["extract", "--no-such-flag"], "unrecognized arguments"),
    (["frobnicate"], "invalid choice"),
])
def test_usage_errors_exit_2(capsys, argv, message, tmp_path):
    code, out, err = run(argv + [tmp_path / "x.txt"], capsys)
    assert code == 2 and out == ""
    assert message in err


def test_broken_pack_is_a_usage_error(tmp_path, capsys):
    pack = write(tmp_path / "pack" / "rules.yaml", "kind: count\nrules:\n  - id: 'count.x'\n    pattern: '('\n")
    code, out, err = run(["extract", "--patterns", pack.parent, SEED_PATHS[0]], capsys)
    assert (code, out) == (2, "")
    assert "rules.yaml" in err and "count.x" in err


def test_unwritable_output_folder_is_a_usage_error(tmp_path, capsys):
    code, out, err = run(["extract", SEED_PATHS[0], "-o", tmp_path / "no" / "such" / "out.jsonl"], capsys)
    assert (code, out) == (2, "")
    assert "cannot write" in err


def test_fail_fast_stops_at_the_first_bad_input(tmp_path, capsys):
    a = write(tmp_path / "a.txt", "投入4.9亿元")
    bad = write(tmp_path / "bad.txt", b"\x80\xff\xfd\x80")
    c = write(tmp_path / "c.txt", "共183个县")
    code, out, err = run(["extract", a, bad, c, tmp_path / "missing.txt", "--fail-fast"], capsys)
    assert code == 1
    assert list(facts_by_doc(out)) == ["a"]
    assert len(err.splitlines()) == 1 and err.startswith(str(bad))


def test_json_format_is_one_valid_document_list_even_with_errors(tmp_path, capsys):
    a = write(tmp_path / "a.txt", "投入4.9亿元")
    bad = write(tmp_path / "bad.txt", b"\x00")
    code, out, _ = run(["extract", a, bad, SEED_PATHS[1], "--format", "json"], capsys)
    assert code == 1
    docs = json.loads(out)
    assert [d["doc"] for d in docs] == ["a", SEED_PATHS[1].stem]
    code, out, _ = run(["extract", bad, "--format", "json"], capsys)
    assert (code, json.loads(out)) == (1, [])


def test_internal_error_in_one_document_is_reported_and_the_rest_written(tmp_path, capsys, monkeypatch):
    real = api.Extractor.extract_document

    def flaky(self, text, doc_id="", *a, **kw):
        if doc_id == "boom":
            raise RuntimeError("kaput")
        return real(self, text, doc_id, *a, **kw)

    monkeypatch.setattr(api.Extractor, "extract_document", flaky)
    a = write(tmp_path / "a.txt", SEED_TEXTS[0])
    boom = write(tmp_path / "boom.txt", "投入4.9亿元")
    c = write(tmp_path / "c.txt", SEED_TEXTS[1])
    code, out, err = run(["extract", a, boom, c], capsys)
    assert code == 1
    assert err == f"{boom}: internal error: RuntimeError: kaput\n"
    assert facts_by_doc(out) == {"a": expected(SEED_TEXTS[0], "a"), "c": expected(SEED_TEXTS[1], "c")}


# ------------------------------------------------------------------------------ -o OUT

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".unionfacts-"))


def test_output_file_is_complete_and_no_temp_file_is_left(tmp_path, capsys):
    out_path = tmp_path / "facts.jsonl"
    code, out, err = run(["extract", *SEED_PATHS, "-o", out_path], capsys)
    assert (code, out, err) == (0, "", "")
    _, stdout_run, _ = run(["extract", *SEED_PATHS], capsys)
    assert out_path.read_text(encoding="utf-8") == stdout_run
    assert _leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out_path.stat().st_mode) == 0o666 & ~umask


def test_error_mid_run_with_output_file_leaves_it_complete(tmp_path, capsys, monkeypatch):
    """One document's extraction raises: OUT holds every other document's facts, whole."""
    real = api.Extractor.extract_document

    def flaky(self, text, doc_id="", *a, **kw):
        if doc_id == SEED_PATHS[2].stem:
            raise RuntimeError("kaput")
        return real(self, text, doc_id, *a, **kw)

    monkeypatch.setattr(api.Extractor, "extract_document", flaky)
    out_path = tmp_path / "facts.jsonl"
    code, out, err = run(["extract", *SEED_PATHS, "-o", out_path], capsys)
    assert code == 1 and out == ""
    assert "kaput" in err
    want = {p.stem: expected(t, p.stem) for p, t in zip(SEED_PATHS, SEED_TEXTS) if p != SEED_PATHS[2]}
    assert facts_by_doc(out_path.read_text(encoding="utf-8")) == want
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("existing", [None, "old content\n"])
def test_interrupted_run_never_leaves_a_half_written_output(tmp_path, capsys, monkeypatch, existing):
    """Interrupted after the first document: OUT is absent (or untouched), no temp file."""
    real = api.Extractor.extract_document
    calls = []

    def interrupted(self, text, doc_id="", *a, **kw):
        calls.append(doc_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, text, doc_id, *a, **kw)

    monkeypatch.setattr(api.Extractor, "extract_document", interrupted)
    out_path = tmp_path / "facts.jsonl"
    if existing is not None:
        out_path.write_text(existing, encoding="utf-8")
    code, out, _ = run(["extract", *SEED_PATHS, "-o", out_path], capsys)
    assert code == 130 and out == ""
    if existing is None:
        assert not out_path.exists()
    else:
        assert out_path.read_text(encoding="utf-8") == existing
    assert _leftovers(tmp_path) == []


def test_write_failure_is_reported_and_leaves_no_temp_file(tmp_path, capsys, monkeypatch):
    def full(self, s):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.AtomicWriter, "write", full)
    out_path = tmp_path / "facts.jsonl"
    code, out, err = run(["extract", SEED_PATHS[0], "-o", out_path], capsys)
    assert code == 1
    assert "No space left on device" in err
    assert not out_path.exists() and _leftovers(tmp_path) == []


# ------------------------------------------------------------------ streaming and --jobs

def test_facts_are_written_as_each_document_finishes(tmp_path, monkeypatch):
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    real = api.Extractor.extract_document
    seen_before: dict[str, str] = {}

    def spy(self, text, doc_id="", *a, **kw):
        seen_before[doc_id] = stdout.getvalue()
        return real(self, text, doc_id, *a, **kw)

    monkeypatch.setattr(api.Extractor, "extract_document", spy)
    assert cli.main(["extract", *map(str, SEED_PATHS[:3])]) == 0
    first, second, third = (p.stem for p in SEED_PATHS[:3])
    assert seen_before[first] == ""
    assert set(facts_by_doc(seen_before[third])) == {first, second}


def _many_docs(tmp_path: Path) -> list[str]:
    rows = []
    for i in range(150):
        text = SEED_TEXTS[i % 5][(i * 37) % 500:][:700]
        rows.append(json.dumps({"id": f"j{i}", "text": text}, ensure_ascii=False))
    rows.insert(40, "{broken")
    jl = write(tmp_path / "many.jsonl", "\n".join(rows) + "\n")
    bad = write(tmp_path / "bad.txt", b"\x00")
    return [str(SEED_PATHS[0]), str(jl), str(bad), *map(str, SEED_PATHS[1:])]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_jobs_give_the_same_output_in_input_order(tmp_path, capsys, fmt):
    paths = _many_docs(tmp_path)
    serial = run(["extract", *paths, "--format", fmt], capsys)
    parallel = run(["extract", *paths, "--format", fmt, "--jobs", "2"], capsys)
    assert serial[0] == 1 and len(serial[2].splitlines()) == 2
    assert parallel == serial


def test_jobs_with_fail_fast_and_output_file(tmp_path, capsys):
    paths = _many_docs(tmp_path)
    out_path = tmp_path / "out.jsonl"
    serial = run(["extract", *paths, "--fail-fast"], capsys)
    code, out, err = run(["extract", *paths, "--fail-fast", "-j", "2", "-o", out_path], capsys)
    assert (code, out, err) == (serial[0], "", serial[2])
    assert out_path.read_text(encoding="utf-8") == serial[1]
    assert _leftovers(tmp_path) == []


def test_parallel_results_are_pulled_lazily():
    """With N workers at most 2·N chunks are read ahead: memory does not grow with the input."""
    consumed = []

    def sources():
        for i in range(10_000):
            consumed.append(i)
            yield api.Source(f"d{i}", "共3个", None, f"d{i}")

    results = api.Extractor().map(sources(), render_jsonl, jobs=2)
    src, out = next(results)
    assert src.doc == "d0" and json.loads(out.splitlines()[1])["text"] == "3个"
    assert len(consumed) <= 5 * 32
    results.close()


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="needs workers forked with the monkeypatched library")
def test_a_worker_that_dies_costs_only_its_document(tmp_path, capsys, monkeypatch):
    real = api.Extractor.extract_document

    def deadly(self, text, doc_id="", *a, **kw):
        if doc_id == "kill":
            os._exit(3)
        return real(self, text, doc_id, *a, **kw)

    monkeypatch.setattr(api.Extractor, "extract_document", deadly)
    rows = [{"id": f"d{i}", "text": f"共{i}个县"} for i in range(6)]
    rows.insert(3, {"id": "kill", "text": "共9个县"})
    jl = write(tmp_path / "docs.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    code, out, err = run(["extract", jl, SEED_PATHS[0], "-j", "2"], capsys)
    assert code == 1
    assert err == f"{jl}:4: worker process died while extracting\n"
    assert list(facts_by_doc(out)) == [f"d{i}" for i in range(6)] + [SEED_PATHS[0].stem]


# ------------------------------------------------------------------- hostile rule packs

def test_catastrophic_user_pattern_fails_that_input_only(tmp_path, capsys):
    pack = write(tmp_path / "pack" / "rules.yaml",
                 "kind: count\nrules:\n  - id: 'count.catastrophic'\n    pattern: '(?:1|1)+b'\n")
    hostile = write(tmp_path / "hostile.txt", "共" + "1" * 60 + "个")
    fine = write(tmp_path / "fine.txt", "共3个县")
    code, out, err = run(["extract", "--patterns", pack.parent, "--match-timeout", "0.3", hostile, fine], capsys)
    assert code == 1
    assert err.startswith(f"{hostile}: ") and "timed out" in err and err.count("\n") == 1
    assert [(r["doc"], r["text"]) for r in records(out)] == [("fine", "3个")]


# ------------------------------------------------------------------------- real process

def test_real_process_exit_code_and_closed_pipe(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="ascii", LC_ALL="C")
    bad = write(tmp_path / "bad.txt", b"\x00")
    proc = subprocess.run([sys.executable, "-m", "unionfacts", "extract", str(SEEDS), str(bad)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) > 100 and all(json.loads(line) for line in lines)
    assert proc.stderr.decode("utf-8").strip() == f"{bad}: cannot decode as text: binary data (NUL byte at byte 0)"
    # a reader that stops early: no traceback, no half line in what it read
    p = subprocess.Popen([sys.executable, "-m", "unionfacts", "extract", str(SEEDS)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=120)
    assert json.loads(first)
    assert b"Traceback" not in err and b"Exception ignored" not in err


# ------------------------------------------------------------------------- the command line

def test_version(capsys):
    from importlib.metadata import version

    code, out, _ = run(["--version"], capsys)
    assert (code, out) == (0, f"unionfacts {version('unionfacts')}\n")


def test_bare_command_prints_help(capsys):
    code, out, err = run([], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: unionfacts") and "extract" in out and "exit codes:" in out


def test_help_shows_every_default_examples_and_exit_codes(capsys):
    code, out, _ = run(["extract", "--help"], capsys)
    assert code == 0
    options = out[out.index("\noptions:"):out.index("\nexamples:")]
    blocks = [" ".join(b.split()) for b in ("\n" + options).split("\n  -")[1:]]
    assert len(blocks) == 17
    for block in blocks:
        if not block.startswith(("h, --help", "-version")):
            assert "default" in block, block
    for option, default in (("-format", "jsonl"), ("j N, --jobs", "1"), ("-text-key", "text"),
                            ("-kinds", "all"), ("o OUT, --output", "stdout"), ("-published DATE", "none"),
                            ("-id-key", "id")):
        (block,) = [b for b in blocks if b.startswith(option)]
        assert f"default: {default}" in block, block
    assert out.index("examples:") < out.index("exit codes:")
    assert "2  usage error" in out
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        for action in p._actions:
            assert action.help, (name, action.dest)


@pytest.mark.parametrize("kinds, message", [
    ("", "--kinds names no kind; choose from money, count, percent, date, duration, measure, measure_item"),
    (",", "--kinds names no kind; choose from"),
    (" , ,", "--kinds names no kind; choose from"),
    ("Money", "unknown kind(s): Money; choose from money, count, percent, date, duration, measure, measure_item"),
])
def test_kinds_errors_name_the_choices(capsys, kinds, message):
    code, out, err = run(["extract", "--kinds", kinds, SEED_PATHS[0]], capsys)
    assert (code, out) == (2, "")
    assert err == f"unionfacts: {message}" + ("\n" if message.endswith("measure_item") else err[len(message) + 12:])


def test_encoding_error_names_examples(capsys):
    code, _, err = run(["extract", "--encoding", "klingon", SEED_PATHS[0]], capsys)
    assert code == 2 and "unknown encoding: klingon (e.g. utf-8, gb18030" in err


def test_rules_check_and_extract_give_2_for_the_same_broken_pack(tmp_path, capsys):
    pack = write(tmp_path / "pack" / "rules.yaml", "kind: count\nrules:\n  - id: 'count.x'\n    pattern: '('\n")
    assert run(["extract", "--patterns", pack.parent, SEED_PATHS[0]], capsys)[0] == 2
    code, out, err = run(["rules", "check", pack.parent], capsys)
    assert (code, out) == (2, "") and "count.x" in err


def test_rules_check_on_an_example_that_times_out_is_a_message(tmp_path, capsys, monkeypatch):
    from unionfacts.rules import check

    def slow(case):
        raise TimeoutError("regex timed out")

    monkeypatch.setattr(check, "run_case", slow)
    pack = write(tmp_path / "pack" / "rules.yaml",
                 "kind: count\nrules:\n  - id: 'count.slow'\n    pattern: '(?:1|1)+b'\n"
                 "    examples:\n      - text: '共[[3个]]'\n")
    code, _, err = run(["rules", "check", pack.parent], capsys)
    assert code == 1
    assert err == "unionfacts: rules check: an example timed out (a catastrophic pattern?): regex timed out\n"


def test_out_of_memory_is_a_message(capsys, monkeypatch):
    def boom(args):
        raise MemoryError

    monkeypatch.setattr(cli, "_cmd_extract", boom)
    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser(), boom))
    code, out, err = run(["extract", SEED_PATHS[0]], capsys)
    assert (code, err) == (1, "unionfacts: out of memory\n")


def _with_func(parser, func):
    sub = next(a for a in parser._actions if a.dest == "command")
    sub.choices["extract"].set_defaults(func=func)
    return parser


def test_a_pack_too_large_to_compile_is_a_usage_error(capsys, monkeypatch):
    def boom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(api.Extractor, "__init__", boom)
    code, out, err = run(["extract", SEED_PATHS[0]], capsys)
    assert (code, err) == (2, "unionfacts: a rule pack is too large to compile (out of memory)\n")


def test_closed_stdout_and_stdin_in_a_real_process(tmp_path):
    f = write(tmp_path / "a.txt", "投入4.9亿元")
    out_path = tmp_path / "out.jsonl"
    cmd = f"{sys.executable} -m unionfacts extract {f} >&-"
    p = subprocess.run(cmd, shell=True, capture_output=False, stderr=subprocess.PIPE, timeout=120)
    assert p.returncode == 1
    assert p.stderr.decode() == "unionfacts: cannot write stdout: standard output is closed; give -o FILE\n"
    p = subprocess.run(f"{sys.executable} -m unionfacts extract -o {out_path} <&-", shell=True,
                       stderr=subprocess.PIPE, timeout=120)
    assert p.returncode == 1
    assert p.stderr.decode() == "<stdin>: standard input is closed; name the input files\n"
    p = subprocess.run(f"{sys.executable} -m unionfacts extract {f} -o {out_path} 2>&-", shell=True,
                       stdout=subprocess.PIPE, timeout=120)
    assert p.returncode == 0 and p.stdout == b""
