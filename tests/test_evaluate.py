"""``unionfacts evaluate`` and ``unionfacts.evaluate``: agreement with the project scorer,
matching edge cases, malformed gold."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from unionfacts import cli
from unionfacts.evaluate import (FactRecord, RecordError, char_f1, evaluate_predictions, load_gold,
                                 load_records, match, values_equal)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_GOLD = ROOT / "tests" / "data" / "seeds.jsonl"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
KINDS = ("money", "count", "percent", "date", "duration", "measure")


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in rows), encoding="utf-8")
    return path


def _score_py(gold: Path, pred: Path) -> dict:
    proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(pred), "--json"],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _assert_same_figures(ours: dict, theirs: dict) -> None:
    """Per-kind and overall figures equal: counts exactly, ratios to float precision."""
    def same(a, b, where):
        if isinstance(b, dict):
            assert set(a) == set(b), where
            for k in b:
                same(a[k], b[k], f"{where}.{k}")
        elif isinstance(b, float):
            assert a == pytest.approx(b, rel=1e-12, abs=1e-12), where
        else:
            assert a == b and type(a) is type(b), f"{where}: {a!r} != {b!r}"

    for kind in KINDS:
        same(ours["kinds"][kind], theirs["kinds"][kind], kind)
    same(ours["overall"], theirs["overall"], "overall")


# --------------------------------------------------------------------------
# (1) the seeds: our figures equal those of shared/eval/score.py
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """Predictions written by ``unionfacts extract`` and the ``evaluate --json`` report, one process."""
    tmp = tmp_path_factory.mktemp("seedeval")
    pred = tmp / "pred.jsonl"
    assert cli.main(["extract", str(SEEDS), "-o", str(pred)]) == 0
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["evaluate", str(SEED_GOLD), str(SEEDS), "--json", "--show-errors", "3"])
    assert code == 0, err.getvalue()
    return pred, json.loads(out.getvalue())


def test_seed_cli_report_shape(seed_run):
    _, report = seed_run
    assert report["docs_scored"] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert report["docs_missing"] == []
    assert report["overall"]["gold"] == sum(1 for line in SEED_GOLD.open(encoding="utf-8") if line.strip())
    assert set(report["kinds"]) == set(KINDS)
    errors = report["errors"]
    assert len(errors["misses"]) <= 3 and len(errors["false_hits"]) <= 3
    assert errors["totals"]["misses"] == report["overall"]["gold"] - report["overall"]["span"]["tp"]
    assert errors["totals"]["false_hits"] == report["overall"]["pred"] - report["overall"]["span"]["tp"]
    for miss in errors["misses"]:
        assert miss["text"] and "[" in miss["context"] and "]" in miss["context"]


def test_seed_library_equals_cli(seed_run):
    pred, report = seed_run
    lib = evaluate_predictions(load_gold(SEED_GOLD), load_records(pred, is_gold=False)).to_dict()
    _assert_same_figures(report, lib)


@pytest.mark.skipif(not SCORER.exists(), reason="shared/eval/score.py is not available")
def test_seed_figures_equal_score_py(seed_run):
    pred, report = seed_run
    _assert_same_figures(report, _score_py(SEED_GOLD, pred))


# --------------------------------------------------------------------------
# (2) hand-made gold/pred pairs
# --------------------------------------------------------------------------

D1 = "投入资金不低于4.9亿元，服务8000万人次以上，增长97%，2月24日召开会议，为期三年。"


def _fact(doc, start, end, kind, value, **extra):
    return {"doc": doc, "start": start, "end": end, "kind": kind, "value": value, **extra}


def _at(raw, surface, kind, value, doc="d1", **extra):
    start = raw.index(surface)
    return _fact(doc, start, start + len(surface), kind, value, text=surface, **extra)


def _rec(start, end, value="1", kind="count", doc="d"):
    return FactRecord(doc=doc, start=start, end=end, kind=kind, value=value)


def test_match_prefers_larger_overlap_even_when_listed_later():
    golds = [_rec(0, 5), _rec(5, 10)]
    preds = [_rec(3, 8), _rec(5, 10)]          # pred 0 overlaps gold 0 by 2 and gold 1 by 3
    assert sorted(match(golds, preds)) == [(0, 0), (1, 1)]
    assert match(golds, preds)[0] == (1, 1)    # overlap 5 taken first


def test_match_overlap_tie_broken_by_boundary_distance_then_order():
    gold = [_rec(2, 6)]
    # both overlap by 2; the second is closer at the boundaries (2+1 < 2+2)
    assert match(gold, [_rec(0, 4), _rec(4, 7)]) == [(0, 1)]
    # full tie: the prediction listed first wins
    assert match(gold, [_rec(0, 4), _rec(4, 8)]) == [(0, 0)]
    # full tie on the gold side: the gold listed first wins
    assert match([_rec(0, 4), _rec(4, 8)], [_rec(2, 6)]) == [(0, 0)]


def test_match_is_greedy_not_maximal_and_touching_spans_do_not_match():
    # the big prediction takes gold 0 (overlap 5) and the small gold stays unmatched
    assert match([_rec(0, 10), _rec(10, 12)], [_rec(5, 12)]) == [(0, 0)]
    assert match([_rec(0, 3)], [_rec(3, 5)]) == []
    assert match([_rec(0, 3)], [_rec(2, 2)]) == []     # an empty span overlaps nothing


def test_duplicates_are_one_to_one():
    g = _fact("d", 0, 3, "count", "3")
    rep = evaluate_predictions([g], [g, dict(g)])
    c = rep.kinds["count"]
    assert (c.gold, c.pred, c.span_tp) == (1, 2, 1)
    assert c.span.p == 0.5 and c.span.r == 1.0
    assert len(rep.false_hits) == 1 and rep.misses == []
    rep = evaluate_predictions([g, g], [g])
    assert rep.kinds["count"].span_tp == 1 and len(rep.misses) == 1


def test_value_mismatch_is_span_match_but_not_value_match():
    gold = [_at(D1, "8000万人次", "count", "80000000", unit="人次", qualifier="at_least", subject="服务")]
    pred = [_at(D1, "8000万", "count", "8000", unit="人次", qualifier="at_least", subject="服务")]
    rep = evaluate_predictions(gold, pred, texts={"d1": D1})
    c = rep.kinds["count"]
    assert c.span.to_dict() == {"tp": 1, "p": 1.0, "r": 1.0, "f1": 1.0}
    assert c.value.to_dict() == {"tp": 0, "p": 0.0, "r": 0.0, "f1": 0.0}
    # unit, qualifier and subject are judged on value-matched pairs only
    assert (c.unit_acc, c.qualifier_acc, c.subject_f1) == (None, None, None)
    assert rep.misses == [] and rep.false_hits == []
    [(g, p)] = rep.value_mismatches
    assert (g.value, p.value) == ("80000000", "8000")
    text = rep.render(5)
    assert "value mismatches: 1" in text and "[8000万人次]" in text


def test_value_comparison():
    assert values_equal("money", "490000000", "4.9E8")
    assert values_equal("percent", "97", " 97.0 ")
    assert not values_equal("count", "8000", "80000000")
    assert values_equal("count", "n/a", " n/a ")              # not numbers: strings
    assert not values_equal("measure", "1000", "1000 kV")
    assert values_equal("date", "2024-02-24", " 2024-02-24 ")
    assert not values_equal("date", "2024-02", "2024-02-01")
    assert not values_equal("duration", "P3Y", "P36M")
    assert not values_equal("date", "2024", "2024.0")          # dates never compare as numbers


def test_subject_f1_and_char_f1():
    assert char_f1("投入资金", "资金") == pytest.approx(2 / 3)
    assert char_f1("", "县") == 0.0
    assert char_f1("县 (市)", "县(市)") == 1.0                 # spaces do not count
    assert char_f1("资资", "资金") == pytest.approx(0.5)       # multisets, not sets
    gold = [_fact("d", 0, 2, "count", "1", subject="资金"),
            _fact("d", 5, 7, "count", "2", subject="县"),
            _fact("d", 9, 11, "count", "3", subject="")]
    pred = [_fact("d", 0, 2, "count", "1", subject="投入资金"),
            _fact("d", 5, 7, "count", "2"),                    # no subject: scores 0
            _fact("d", 9, 11, "count", "3", subject="人")]     # empty gold subject: not counted
    c = evaluate_predictions(gold, pred).kinds["count"]
    assert c.subject_n == 2 and c.subject_f1 == pytest.approx((2 / 3 + 0) / 2)


def test_unit_and_qualifier_accuracy():
    gold = [_fact("d", 0, 2, "count", "1", unit="个", qualifier="exact"),
            _fact("d", 3, 5, "count", "2", unit="人", qualifier="at_least"),
            _fact("d", 6, 8, "count", "3", unit="项", qualifier="approx")]
    pred = [_fact("d", 0, 2, "count", 1, unit=" 个 ", qualifier="EXACT"),   # JSON number value
            _fact("d", 3, 5, "count", "2.0", unit="個", qualifier="approx"),
            _fact("d", 6, 8, "count", "3", unit="项")]                       # no qualifier given
    rep = evaluate_predictions(gold, pred)
    c = rep.kinds["count"]
    assert c.value_tp == 3
    assert (c.unit_correct, c.unit_acc) == (2, pytest.approx(2 / 3))
    assert (c.qualifier_n, c.qualifier_correct) == (2, 1)
    assert len(rep.unit_mismatches) == 1 and len(rep.qualifier_mismatches) == 1


def test_scope_kinds_docs_and_empty_sides():
    gold = [_fact("d", 0, 2, "money", "5", unit="CNY"), _fact("d", 4, 6, "date", "2024")]
    pred = [_fact("d", 0, 2, "money", "5", unit="CNY"),
            _fact("d", 4, 6, "number", "7"),                  # kind outside taxonomy: ignored
            _fact("other", 0, 2, "money", "5"),               # document not in gold: ignored
            _fact("d", 4, 6, "percent", "2024", unit="%"),    # wrong kind: false hit + miss
            _fact("d", 9, 9, "money", None)]                  # null value allowed in predictions
    rep = evaluate_predictions(gold, pred)
    assert rep.ignored_kinds == {"number": 1} and rep.ignored_other_doc == 1
    k = rep.kinds
    assert k["money"].span.to_dict() == {"tp": 1, "p": 0.5, "r": 1.0, "f1": pytest.approx(2 / 3)}
    assert k["date"].span.to_dict() == {"tp": 0, "p": None, "r": 0.0, "f1": 0.0}
    assert k["percent"].span.to_dict() == {"tp": 0, "p": 0.0, "r": None, "f1": 0.0}
    assert k["count"].span.to_dict() == {"tp": 0, "p": None, "r": None, "f1": None}
    assert rep.overall.gold == 2 and rep.overall.pred == 3
    assert [f.kind for f in rep.misses] == ["date"]
    assert [f.kind for f in rep.false_hits] == ["percent", "money"]
    d = rep.to_dict(show_errors=1)
    assert d["errors"]["totals"]["false_hits"] == 2 and len(d["errors"]["false_hits"]) == 1
    json.dumps(d)                                            # JSON-ready


def test_documents_as_predictions():
    from unionfacts import extract_document

    doc = extract_document(D1, doc_id="d1", published="2024-03-01")
    gold = [_at(D1, "4.9亿元", "money", "490000000", unit="CNY", qualifier="at_least", subject="资金")]
    rep = evaluate_predictions(gold, [doc])
    m = rep.kinds["money"]
    assert m.gold == 1 and m.pred >= 1 and m.span_tp == 1
    assert rep.overall.pred == len(doc.facts)


HAND_GOLD = [
    _at(D1, "4.9亿元", "money", "490000000", unit="CNY", qualifier="at_least", subject="资金"),
    _at(D1, "8000万人次", "count", "80000000", unit="人次", qualifier="at_least", subject=""),
    _at(D1, "97%", "percent", "97", unit="%", qualifier="exact"),
    _at(D1, "2月24日", "date", "2024-02-24", qualifier="exact", subject="会议"),
    _at(D1, "三年", "duration", "P3Y", qualifier="exact"),
    _fact("d2", 2, 6, "count", "183", text="183个", unit="个", qualifier="exact", subject="县"),
    _fact("d2", 2, 6, "count", "183", text="183个", unit="个", qualifier="exact", subject="县"),
]
HAND_PRED = [
    _at(D1, "不低于4.9亿元", "money", "4.9E8", unit="CNY", qualifier="at_least", subject="投入资金"),
    _at(D1, "8000万", "count", "8000", unit="人次"),
    _at(D1, "97%", "percent", " 97.0 ", unit="%", qualifier="approx"),
    _at(D1, "2月24日", "date", " 2024-02-24 "),
    _at(D1, "三年", "date", "2024/2026"),
    _at(D1, "97", "number", 97),
    _fact("d2", 0, 6, "count", 183, unit="個", subject="县", score=0.9),
    _fact("d2", 3, 6, "count", "1"),
    _fact("d2", 1, 4, "count", "183", unit="个", subject="县城"),
    _fact("d3", 0, 1, "money", "1", qualifier=None),
]


def test_hand_made_pair(tmp_path):
    rep = evaluate_predictions(HAND_GOLD, HAND_PRED)
    o = rep.overall
    # d2: two identical gold facts; the widest prediction takes the first (overlap 4), the
    # next-best (overlap 3, value "1") the second, and the third is a false hit
    assert (o.gold, o.pred, o.span_tp, o.value_tp) == (7, 8, 6, 4)
    assert (o.unit_correct, o.qualifier_n, o.qualifier_correct) == (3, 2, 1)
    assert o.subject_n == 3 and o.subject_f1 == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert rep.ignored_kinds == {"number": 1} and rep.ignored_other_doc == 1
    assert [(f.doc, f.kind) for f in rep.misses] == [("d1", "duration")]
    assert [(f.doc, f.start, f.kind) for f in rep.false_hits] == [("d1", 43, "date"), ("d2", 1, "count")]
    assert [(g.line, p.value) for g, p in rep.value_mismatches] == [(2, "8000"), (7, "1")]


@pytest.mark.skipif(not SCORER.exists(), reason="shared/eval/score.py is not available")
def test_hand_made_pair_equals_score_py(tmp_path):
    gold = _write_jsonl(tmp_path / "gold.jsonl", HAND_GOLD)
    pred = _write_jsonl(tmp_path / "pred.jsonl", HAND_PRED)
    ours = evaluate_predictions(load_gold(gold), load_records(pred, is_gold=False)).to_dict()
    _assert_same_figures(ours, _score_py(gold, pred))


# --------------------------------------------------------------------------
# (3) the command: malformed gold, missing documents, text output
# --------------------------------------------------------------------------

GOOD_LINE = json.dumps(_fact("001_fb5595cd514ddae6", 0, 1, "count", "1"))


@pytest.mark.parametrize("bad, expected", [
    ("not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"doc": "x", "start": 0, "end": 1, "kind": "money"}', "missing required field 'value'"),
    ('{"doc": "x", "start": "0", "end": 1, "kind": "money", "value": "1"}', "'start' must be an integer"),
    ('{"doc": "x", "start": true, "end": 1, "kind": "money", "value": "1"}', "'start' must be an integer"),
    ('{"doc": "x", "start": 3, "end": 1, "kind": "money", "value": "1"}', "start <= end"),
    ('{"doc": "x", "start": 0, "end": 1, "kind": "number", "value": "1"}', "gold kind 'number'"),
    ('{"doc": "x", "start": 0, "end": 1, "kind": "money", "value": null}', "'value' must be"),
    ('{"doc": "x", "start": 0, "end": 1, "kind": "money", "value": "1", "unit": 5}', "'unit' must be a string"),
    ('{"doc": "", "start": 0, "end": 1, "kind": "money", "value": "1"}', "'doc' must be"),
])
def test_malformed_gold_exits_2_naming_the_line(tmp_path, capsys, bad, expected):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOOD_LINE + "\n\n" + bad + "\n", encoding="utf-8")
    code, out, err = _run(["evaluate", str(gold), str(SEEDS)], capsys)
    assert code == 2 and out == ""
    assert str(gold) in err and "line 3" in err and expected in err


def test_malformed_gold_library_error(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_bytes(GOOD_LINE.encode() + b"\n" + b'{"doc": "\xff"}\n')
    with pytest.raises(RecordError, match="line 2: not UTF-8") as info:
        load_gold(gold)
    assert info.value.line == 2 and info.value.file == str(gold)
    with pytest.raises(RecordError, match=r"gold record 2: missing required field 'end'"):
        evaluate_predictions([_fact("d", 0, 1, "count", "1"), {"doc": "d", "start": 0}], [])


def test_unusable_gold_exits_2(tmp_path, capsys):
    code, _, err = _run(["evaluate", str(tmp_path / "absent.jsonl"), str(SEEDS)], capsys)
    assert code == 2 and "absent.jsonl" in err and "cannot read" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    code, _, err = _run(["evaluate", str(empty), str(SEEDS)], capsys)
    assert code == 2 and "holds no facts" in err
    other = _write_jsonl(tmp_path / "other.jsonl", [_fact("nowhere", 0, 1, "count", "1")])
    code, _, err = _run(["evaluate", str(other), str(SEEDS)], capsys)
    assert code == 2 and "none of the 1 gold documents" in err


def test_cli_text_output_missing_docs_and_text_warnings(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d1.txt").write_text(D1, encoding="utf-8")
    (docs / "ignored.txt").write_text("共有183个县。", encoding="utf-8")
    gold = _write_jsonl(tmp_path / "gold.jsonl", [
        *HAND_GOLD[:5],
        _at(D1, "会议", "count", "1", unit="次"),               # nothing predicts this: a miss
        dict(_at(D1, "三年", "duration", "P3Y"), text="三 年"),  # text differs from the slice
        _fact("gone", 0, 1, "count", "1"),                       # not among the inputs
    ])
    code, out, err = _run(["evaluate", str(gold), str(docs), "--show-errors", "4"], capsys)
    assert code == 0
    assert "OVERALL" in out and "documents scored: 1" in out
    assert "misses:" in out and "[会议]" in out
    assert "gone" in err and "not found among the inputs" in err
    assert "'三 年' != document slice '三年'" in err
    code, out, _ = _run(["evaluate", str(gold), str(docs), "--show-errors", "0", "--json"], capsys)
    report = json.loads(out)
    assert report["docs_scored"] == ["d1"] and report["docs_missing"] == ["gone"]
    assert report["errors"]["misses"] == [] and report["errors"]["totals"]["misses"] >= 1
    assert report["overall"]["gold"] == 7
