"""Numbered lists of measures (issue 6): markers, titles, nesting, the announcing count, JSONL.

The examples of ``patterns/enum.yaml`` run in ``test_rule_examples.py`` with every other rule;
these tests pin the seeds and the behaviour around the rules.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from unionfacts import extract_document
from unionfacts.extractor import default_extractor
from unionfacts.pipeline import lists as enumerations
from unionfacts.cli import main
from unionfacts.models import Document
from unionfacts.io.sinks import GOLD_FIELDS, jsonl_lines
from unionfacts.rules.packs import get_patterns
from unionfacts.rules.check import iter_cases, run_case

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_003 = SEEDS / "003_2ba259b3f4eff141.txt"

TITLES_003 = ["突出思想政治引领", "助推重大项目建设", "提升产业工人素质", "深化就业创业服务",
              "推进职工服务阵地建设", "夯实基层工会基础", "提升职工生活品质", "强化职工权益维护",
              "保障安全促进发展", "提升担当作为能力"]


def _lists(text: str, **kw):
    return extract_document(text, **kw).enumerations


def _check_offsets(raw: str, doc_or_enums) -> None:
    enums = doc_or_enums.enumerations if isinstance(doc_or_enums, Document) else doc_or_enums
    for e in enums:
        for it in e.items:
            assert raw[it.marker_start:it.marker_end] == it.marker
            assert it.marker_end <= it.title_start <= it.title_end
        if e.announced is not None:
            assert raw[e.announced_start:e.announced_end] == e.announced_text


# --- the seeds -----------------------------------------------------------------------------

def test_seed_003_has_the_ten_announced_measures():
    raw = SEED_003.read_text(encoding="utf-8")
    doc = extract_document(raw, doc_id="003")
    assert len(doc.enumerations) == 1
    (e,) = doc.enumerations
    assert e.id == "enum-1" and e.style == "shi" and e.parent is None
    assert [it.marker for it in e.items] == [c + "是" for c in "一二三四五六七八九十"]
    assert [it.ordinal for it in e.items] == list(range(1, 11))
    assert [it.title for it in e.items] == TITLES_003
    for it in e.items:
        assert raw[it.title_start:it.title_end] == it.title
    assert e.announced == 10 and e.announced_text in ("10条", "十条") and e.agrees is True
    _check_offsets(raw, doc)


@pytest.mark.parametrize("name", ["000_d2270460fbd20062", "001_fb5595cd514ddae6",
                                  "002_3d403acde2c77507", "004_0cc95ad011e00dc5"])
def test_other_seeds_have_no_list(name):
    # 001 has five headed sections (下足“硬功夫”。…) announced by 五项举措, but no numbers
    assert _lists((SEEDS / f"{name}.txt").read_text(encoding="utf-8")) == []


# --- every marker style --------------------------------------------------------------------

STYLES = [
    ("shi", "工作要点：一是加强组织建设；二是完善服务体系；三是强化权益维护。",
     ["一是", "二是", "三是"], ["加强组织建设", "完善服务体系", "强化权益维护"]),
    ("shi", "\n".join(f"{c}是任务{c}" for c in "一二三四五六七八九十") + "\n十一是任务十一",
     [f"{c}是" for c in "一二三四五六七八九十"] + ["十一是"],
     [f"任务{c}" for c in "一二三四五六七八九十"] + ["任务十一"]),
    ("di", "具体有三点：第一，加强领导；第二，完善制度；第三，狠抓落实。",
     ["第一", "第二", "第三"], ["加强领导", "完善制度", "狠抓落实"]),
    ("yao", "一要抓好思想引领，二要抓好建功立业；三要抓好维权服务。",
     ["一要", "二要", "三要"], ["抓好思想引领", "抓好建功立业", "抓好维权服务"]),
    ("yao", "一(yī)要抓好思想引領，二要抓好建功立業。",
     ["一(yī)要", "二要"], ["抓好思想引領", "抓好建功立業"]),
    ("sequence", "首先，要提高认识；其次，要完善机制；最后，要狠抓落实。",
     ["首先", "其次", "最后"], ["要提高认识", "要完善机制", "要狠抓落实"]),
    ("paren-cn", "（一）加强组织领导\n（二）完善工作机制\n（三）强化督促检查",
     ["（一）", "（二）", "（三）"], ["加强组织领导", "完善工作机制", "强化督促检查"]),
    ("paren-cn", "主要包括：(一)建会入会;(二)服务站点。", ["(一)", "(二)"], ["建会入会", "服务站点"]),
    ("paren-arabic", "措施如下：（1）开展培训；(2)发放补贴；（3）跟踪服务。",
     ["（1）", "(2)", "（3）"], ["开展培训", "发放补贴", "跟踪服务"]),
    ("rparen-arabic", "1）开展培训\n2)发放补贴", ["1）", "2)"], ["开展培训", "发放补贴"]),
    ("dot-arabic", "1.开展培训。\n2．发放补贴。\n３. 跟踪服务。", ["1.", "2．", "３."],
     ["开展培训", "发放补贴", "跟踪服务"]),
    ("dun-arabic", "1、开展培训；2、发放补贴。", ["1、", "2、"], ["开展培训", "发放补贴"]),
    ("dun-cn", "一、总体要求\n正文。\n二、主要任务\n正文。", ["一、", "二、"], ["总体要求", "主要任务"]),
    ("circled", "措施包括①开展培训②发放补贴③跟踪服务。", ["①", "②", "③"],
     ["开展培训", "发放补贴", "跟踪服务"]),
    ("heading-di", "第一部分　总体要求\n正文。\n第二部分　主要任务\n正文。", ["第一部分", "第二部分"],
     ["总体要求", "主要任务"]),
]


@pytest.mark.parametrize("style,text,markers,titles", STYLES, ids=[f"{s[0]}-{i}" for i, s in enumerate(STYLES)])
def test_marker_style(style, text, markers, titles):
    enums = _lists(text)
    assert len(enums) == 1, enums
    (e,) = enums
    assert e.style == style
    assert [it.marker for it in e.items] == markers
    assert [it.title for it in e.items] == titles
    assert [it.ordinal for it in e.items] == list(range(1, len(markers) + 1))
    _check_offsets(text, enums)


def test_every_enum_rule_is_covered_here():
    covered = {s[0] for s in STYLES}
    styles = {enumerations.rule_style(r) for r in get_patterns().by_kind("enum")}
    assert styles <= covered


def test_traditional_script_and_glosses():
    raw = "出臺五項(xiàng)舉措：一(yī)是加強(qiáng)組織建設(shè)；二是完善服務(wù)體系；三是強化維權；四是提質增效；五是優化服務。"
    (e,) = _lists(raw)
    assert e.items[0].marker == "一(yī)是"
    assert [it.title for it in e.items[:2]] == ["加強組織建設", "完善服務體系"]
    assert raw[e.items[0].title_start:e.items[0].title_end] == "加強(qiáng)組織建設"
    assert e.announced == 5 and e.announced_text == "五項" and e.agrees is True
    _check_offsets(raw, [e])


def test_title_stops_at_the_next_marker_and_is_short():
    text = "一是" + "长" * 100 + "\n二是短"
    (e,) = _lists(text)
    assert len(e.items[0].title) <= 60 and e.items[1].title == "短"


def test_empty_title():
    (e,) = _lists("（一）\n（二）。")
    assert [it.title for it in e.items] == ["", ""]
    assert all(it.title_start == it.title_end == it.marker_end for it in e.items)


# --- nesting -------------------------------------------------------------------------------

NESTED = ("一、总体要求\n（一）指导思想\n（二）基本原则\n二、主要任务\n（一）强化引领\n"
          "1.开展宣讲\n2.选树典型\n（二）维护权益\n三、保障措施\n（一）加强领导\n（二）强化督查")


def test_nested_lists_get_parent_ids():
    enums = _lists(NESTED)
    got = [(e.id, e.style, [it.title for it in e.items], e.parent) for e in enums]
    assert got == [
        ("enum-1", "dun-cn", ["总体要求", "主要任务", "保障措施"], None),
        ("enum-2", "paren-cn", ["指导思想", "基本原则"], "enum-1"),
        ("enum-3", "paren-cn", ["强化引领", "维护权益"], "enum-1"),
        ("enum-4", "dot-arabic", ["开展宣讲", "选树典型"], "enum-3"),
        ("enum-5", "paren-cn", ["加强领导", "强化督查"], "enum-1"),
    ]


def test_same_style_list_inside_an_item():
    text = "一是学习；二是实践；三是总结，具体来说，一是查找问题；二是整改落实。四是提高。"
    enums = _lists(text)
    assert [(e.style, len(e.items), e.parent) for e in enums] == [("shi", 4, None), ("shi", 2, "enum-1")]
    assert enums[0].items[3].title == "提高"


def test_separate_lists_far_apart_are_not_nested():
    text = "一是学习；二是实践。\n" + "正文。" * 200 + "\n1.开展培训\n2.发放补贴"
    enums = _lists(text)
    assert [(e.style, e.parent) for e in enums] == [("shi", None), ("dot-arabic", None)]


# --- prose with ordinals is no list ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "会议强调，一是要提高认识，做好各项工作。",
    "统一是前提，唯一是目标。",
    "第一次会议召开，第二批名单公布，第三届比赛开始。",
    "打通改革的“最后一公里”，首先要明确目标，最后才能落实。",
    "会上，再次强调安全生产。",
    "荣获一、二等奖，一、二季度增长明显。",
    "2024.03.06 14:04\n增长1.5个百分点，2.5万人参加。",
    "获得第1、2、3名。",
    "见注释①。又见注释②。",
    "二是完善机制；三是强化保障。",
    "1.开展培训。\n3.跟踪服务。",
    "一是一，二是二，绝不含糊。",
    "第一条高速公路通车。\n第二条高速公路开工。",
    "",
])
def test_prose_with_ordinals_is_no_list(text):
    assert _lists(text) == []


def test_stray_marker_before_the_real_list_is_dropped():
    text = "他说，一是不够的。\n一是加强学习\n二是改进作风"
    (e,) = _lists(text)
    assert [it.title for it in e.items] == ["加强学习", "改进作风"]
    assert e.items[0].marker_start == text.index("一是加强")


def test_out_of_order_marker_inside_a_list_is_skipped():
    text = "一是学习；二是实践，三是。再说二是不对；三是总结。"
    (e,) = _lists(text)
    assert [it.ordinal for it in e.items] == [1, 2, 3]


# --- the announcing count --------------------------------------------------------------------

def test_nearest_preceding_announcement_wins():
    text = "云南出台十条举措。会议还提出三项任务：一是学习；二是实践；三是总结。"
    (e,) = _lists(text)
    assert (e.announced, e.announced_text, e.agrees) == (3, "三项", True)


def test_announcement_that_disagrees():
    (e,) = _lists("出台五项措施：一是学习；二是实践；三是总结。")
    assert (e.announced, e.agrees) == (5, False)


@pytest.mark.parametrize("text,announced", [
    ("从5方面推进：一是学习；二是实践。", 5),
    ("从两个方面推进：一是学习；二是实践。", 2),
    ("出台15条措施：1、开展培训；2、发放补贴。", 15),
    ("制定十条具体举措：一是学习；二是实践。", 10),
    ("具体有以下3条：\n1.开展培训\n2.发放补贴", 3),
])
def test_announcing_units_and_words(text, announced):
    (e,) = _lists(text)
    assert e.announced == announced


@pytest.mark.parametrize("text", [
    "一是学习；二是实践。",                          # nothing announced
    "修建10条道路。一是学习；二是实践。",               # 条 not followed by a measure word
    "一是学习；二是实践。会后出台两项举措。",            # after the list
    "服务职工8000万人次。一是学习；二是实践。",          # not an announcing unit
])
def test_no_announcement(text):
    (e,) = _lists(text)
    assert (e.announced, e.announced_start, e.announced_text, e.agrees) == (None, None, None, None)


def test_nested_list_does_not_take_its_parents_announcement():
    text = "出台三项举措：\n一、学习\n（一）读书\n（二）研讨\n二、实践\n两项任务：（一）调研\n（二）整改\n三、总结"
    enums = _lists(text)
    by_title = {e.items[0].title: e for e in enums}
    assert by_title["学习"].announced == 3 and by_title["学习"].agrees is True
    assert by_title["读书"].announced is None
    assert by_title["调研"].announced == 2 and by_title["调研"].parent == by_title["学习"].id


def test_second_list_does_not_reuse_the_first_lists_announcement():
    text = "出台两项举措：一是学习；二是实践。\n另外，1.开展培训\n2.发放补贴"
    first, second = _lists(text)
    assert first.announced == 2 and second.announced is None


def test_kinds_without_count_still_find_lists_unlinked():
    doc = extract_document("出台五项措施：一是学习；二是实践。", kinds=["money"])
    (e,) = doc.enumerations
    assert doc.facts == [] and e.announced is None


# --- output --------------------------------------------------------------------------------

def test_jsonl_has_one_measure_item_line_per_item_after_the_facts():
    raw = SEED_003.read_text(encoding="utf-8")
    doc = extract_document(raw, doc_id="003")
    recs = [json.loads(line) for line in jsonl_lines(doc)]
    items = [r for r in recs if r["kind"] == "measure_item"]
    assert len(items) == 10 and recs[-10:] == items
    for r in recs:
        assert list(r)[:len(GOLD_FIELDS)] == list(GOLD_FIELDS)
        assert raw[r["start"]:r["end"]] == r["text"]
    first = items[0]
    assert first == {"doc": "003", "start": first["start"], "end": first["end"], "text": "一是突出思想政治引领",
                     "kind": "measure_item", "value": "1", "unit": "", "qualifier": "exact",
                     "subject": "突出思想政治引领", "list": "enum-1", "record": "measure_item"}
    assert [r["value"] for r in items] == [str(i) for i in range(1, 11)]


def test_jsonl_item_span_is_the_marker_when_the_title_is_not_verbatim():
    raw = "第一，加強(qiáng)組織；第二，完善體系。"
    doc = extract_document(raw, doc_id="d")
    items = [json.loads(x) for x in jsonl_lines(doc) if '"measure_item"' in x]
    assert [(r["text"], r["subject"]) for r in items] == [("第一", "加強組織"), ("第二", "完善體系")]
    for r in items:
        assert raw[r["start"]:r["end"]] == r["text"]


def test_cli_jsonl(tmp_path, capsys):
    src = tmp_path / "d.txt"
    src.write_text("出台两项举措：一是学习；二是实践。", encoding="utf-8")
    assert main(["extract", str(src), "--format", "jsonl"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["kind"], r["text"], r["list"]) for r in lines if r.get("kind") == "measure_item"] == [
        ("measure_item", "一是学习", "enum-1"), ("measure_item", "二是实践", "enum-1")]


def test_document_json_carries_enumerations():
    doc = extract_document("一是学习；二是实践。")
    back = Document.model_validate_json(doc.model_dump_json())
    assert back.enumerations == doc.enumerations


# --- rule-example semantics and speed ----------------------------------------------------------

def _case(rule_id: str):
    return next(c for c in iter_cases(get_patterns()) if c.rule.id == rule_id and c.expected)


def test_enum_example_semantics_report_misses_false_hits_and_values():
    case = _case("enum.shi")
    assert run_case(case) is None
    assert "expected markers" in run_case(dataclasses.replace(case, expected=case.expected[:2]))
    assert "expected no list" in run_case(dataclasses.replace(case, expected=None))
    assert "expected announced='4'" in run_case(dataclasses.replace(case, value={"announced": "4"}))
    assert "no field 'foo'" in run_case(dataclasses.replace(case, value={"foo": "x"}))
    # the list must be of the rule's own style
    other = _case("enum.di")
    assert "no 'di' list" in run_case(dataclasses.replace(other, text=case.text, expected=case.expected,
                                                          value=None))


def test_no_work_past_the_marker_scan_when_nothing_matches(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("chains built without markers")

    monkeypatch.setattr(enumerations, "_chains", boom)
    raw = (SEEDS / "000_d2270460fbd20062.txt").read_text(encoding="utf-8")
    assert extract_document(raw).enumerations == []


def test_long_text_is_fast():
    import time

    raw = SEED_003.read_text(encoding="utf-8") * 100
    doc = extract_document(raw)
    pset = get_patterns()
    norm = default_extractor().normalize(raw)
    t0 = time.perf_counter()
    enums = enumerations.find_enumerations(norm, doc.facts, enumerations.compile_list_rules(pset))
    assert time.perf_counter() - t0 < 2.0
    assert len(enums) == 100 and all(e.agrees for e in enums)
