"""Big inputs: a long text extracted in pieces equals a whole run; the CLI streams the pieces;
values do not depend on the caller's decimal context (issue 16 item 4, issue 15 #9 #12 #13)."""

from __future__ import annotations

import decimal
import json
import re
from pathlib import Path

import pytest

from unionfacts import Extractor, extract
from unionfacts.cli import main
from unionfacts.extractor import _cuts

SEEDS = sorted(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))
EX = Extractor()


def _at(text: str, breaks: str) -> list[tuple[int, int]]:
    ends = [m.end() for m in re.finditer(f"[{breaks}]", text)]
    bounds = [0, *ends, len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


# when/where are read from the text around a figure and from the document's own area; a piece
# sees only itself (docs: a figure of a piece has the places of its piece), so the equality of
# pieces and a whole run is over the facts' own fields, and when/where are checked apart below.
_CONTEXT = {"when", "where"}


def _fields(f: object) -> dict:
    return {k: v for k, v in f.model_dump().items() if k not in _CONTEXT}  # type: ignore[attr-defined]


def _dump(docs: list) -> list[dict]:
    return [_fields(f) for d in docs for f in d.facts]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("breaks", ["\n", "\n。！？；"], ids=["paragraphs", "sentences"])
def test_every_seed_cut_everywhere_gives_the_whole_runs_facts(path: Path, breaks: str) -> None:
    text = path.read_text(encoding="utf-8")
    whole = EX.extract_document(text, path.stem)
    docs = list(EX._pieces(text, path.stem, None, None, None, _at(text, breaks)))
    assert len(docs) > 10
    # a figure's time, where its own clause or sentence states one, is the same in its piece
    whole_when = {(f.start, f.end): f.when for f in whole.facts if getattr(f, "when", None)}
    piece_when = {(f.start, f.end): getattr(f, "when", None) for d in docs for f in d.facts}
    assert all(piece_when[k] == w for k, w in whole_when.items() if w.rule == "context.when-clause")
    assert _dump(docs) == [_fields(f) for f in whole.facts]
    # a list whose items are paragraphs apart is read across the cuts (seed 003: ten items)
    assert [e for d in docs for e in d.enumerations] == whole.enumerations
    for d in docs:
        assert (d.published, d.published_evidence, d.title, d.source, d.author) == \
               (whole.published, whole.published_evidence, whole.title, whole.source, whole.author)


def test_a_text_that_fits_is_one_piece_equal_to_extract_document() -> None:
    text = SEEDS[0].read_text(encoding="utf-8")
    (doc,) = EX.extract_pieces(text, "a")
    assert doc == EX.extract_document(text, "a")


def test_small_piece_size_cuts_only_at_breaks_and_keeps_the_facts() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    ex = Extractor(piece_chars=300)
    docs = list(ex.extract_pieces(text, "all"))
    assert len(docs) > 40
    whole = EX.extract_document(text, "all")
    got = _dump(docs)
    assert [f["start"] for f in got] == sorted(f["start"] for f in got)
    for f in got:
        assert text[f["start"]:f["end"]] == f["text"]
    # a paragraph longer than a piece is cut inside (at a sentence end or clause break):
    # nearly every fact is the same
    want = [_fields(f) for f in whole.facts]
    same = sum(1 for f in got if f in want)
    assert same >= 0.97 * len(want)


def test_metadata_of_a_long_text_comes_from_its_head_and_tail() -> None:
    head = "省总工会召开全委会议\n\n发布时间：2024-03-06 10:00\n\n"
    body = "全省建成职工之家12个，投入资金300万元。\n" * 5000
    tail = "（2021年5月1日）\n"
    ex = Extractor(piece_chars=10_000)
    docs = list(ex.extract_pieces(head + body + tail, "x"))
    assert len(docs) > 5
    assert {d.published for d in docs} == {"2024-03-06T10:00"}
    ev = docs[0].published_evidence
    assert ev is not None and (head + body)[ev.start:ev.end] == ev.text
    footer = list(ex.extract_pieces("正文。\n" + body + tail, "y"))
    ev = footer[0].published_evidence
    text = "正文。\n" + body + tail
    assert footer[0].published == "2021-05-01"
    assert ev is not None and ev.start > len(body) and text[ev.start:ev.end] == ev.text


def test_cuts_never_split_a_figure() -> None:
    text = ("1234567890" * 5 + "元，") * 20 + "5%、" * 300 + "2024年3月5日，" * 50
    pieces = list(_cuts(text, 97))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (a, b), (c, _) in zip(pieces, pieces[1:]):
        assert 0 < b - a <= 97 and b == c
        assert not text[b - 1:b + 1].isdigit() and text[b - 1] != "5" and text[b] != "%"
        assert text[b - 1] in "，、"
    lines = "第一段。\n" + "第二段很长" * 18 + "。" + "第二段很长" * 10 + "。后半句\n第三段"
    assert [lines[b - 1] for _, b in _cuts(lines, 100)][:2] == ["\n", "。"]


def test_lists_are_numbered_on_across_pieces() -> None:
    unit = "推出三项举措：一是加强培训，二是扩大覆盖，三是优化服务。\n"
    ex = Extractor(piece_chars=len(unit) * 2)
    docs = list(ex.extract_pieces(unit * 6, "l"))
    enums = [e for d in docs for e in d.enumerations]
    assert [e.id for e in enums] == [f"enum-{i}" for i in range(1, 7)]
    text = unit * 6
    for e in enums:
        for it in e.items:
            assert text[it.marker_start:it.marker_end] == it.marker
        assert e.announced == 3 and e.announced_start is not None
        assert text[e.announced_start:e.announced_end] == e.announced_text


def test_pipe_joins_pieces_or_streams_them() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    ex = Extractor(piece_chars=2000)
    (joined,) = list(ex.pipe([text]))
    streamed = list(ex.pipe([text], pieces=True))
    assert len(streamed) > 3
    assert [f for d in streamed for f in d.facts] == joined.facts  # type: ignore[union-attr]
    assert [_fields(f) for f in joined.facts] == [_fields(f) for f in EX.extract_document(text).facts]  # type: ignore[union-attr]


def test_cli_streams_a_long_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    # with --jobs 2: 2,000 (9 pieces) are extracted in a worker, 1,000 (17) in the main process
    for jobs, size in (("1", "2000"), ("2", "2000"), ("2", "1000")):
        assert main(["extract", str(big), "--piece-chars", size, "--jobs", jobs, "--quiet"]) == 0
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert lines[0]["record"] == "document" and lines[0]["facts"] is None
        assert sum(1 for x in lines if x["record"] == "document") == 1
        facts = [x for x in lines if x["record"] == "fact"]
        assert [(f["start"], f["text"]) for f in facts] == [(f.start, f.text) for f in EX.extract_document(text).facts]
    assert main(["extract", str(big), "--piece-chars", "0"]) == 2


def test_the_schema_allows_unknown_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from unionfacts.io.sinks import record_schema

    big = tmp_path / "big.txt"
    big.write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["extract", str(big), "--piece-chars", "500"]) == 0
    schema = record_schema()
    for line in capsys.readouterr().out.splitlines():
        jsonschema.validate(json.loads(line), schema)


# -- decimals (issue 15 #12, #13) ---------------------------------------------------------------

def test_values_ignore_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.traps[decimal.Inexact] = True
        facts = extract("投入123456789元，增长12.3456789%，千分之一")
    assert [str(f.value) for f in facts] == ["123456789", "12.3456789", "0.1"]


def test_a_thirty_digit_amount_is_exact() -> None:
    (f,) = extract("共计123456789012345678901234567890元")
    assert str(f.value) == "123456789012345678901234567890"


@pytest.mark.slow
def test_a_million_digits_raise_nothing() -> None:
    assert all(f.kind for f in extract("9" * 1_000_001 + "元，另有" + "8" * 1_000_000 + "万元"))
