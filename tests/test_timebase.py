"""Publication date detection and the resolution of year-less and relative dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from unionfacts import PatternError, extract, extract_document
from unionfacts.extractor import default_extractor
from unionfacts.pipeline.metadata import Metadata, find_metadata
from unionfacts.pipeline.timebase import compile_time_rules, parse_published
from unionfacts.rules.packs import get_patterns

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RULES = compile_time_rules(get_patterns())


def META(text: str) -> Metadata:
    return find_metadata(text, default_extractor().normalize(text), RULES)


@pytest.mark.parametrize("name,published,evidence", [
    ("000_d2270460fbd20062", "2024-02-22T09:35", "2024年02月22日09:35"),
    ("001_fb5595cd514ddae6", "2023-07-06", "2023-07-06"),
    ("002_3d403acde2c77507", "2024-08-01T10:26", "2024年08月01日10:26"),
    ("003_2ba259b3f4eff141", "2024-03-06T14:04", "2024.03.06 14:04"),
    ("004_0cc95ad011e00dc5", None, None),
])
def test_publication_date_of_every_seed(name: str, published: str | None, evidence: str | None) -> None:
    raw = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    meta = META(raw)
    assert meta.published == published
    if evidence is None:
        assert meta.published_evidence is None
    else:
        ev = meta.published_evidence
        assert ev is not None and ev.text == evidence and raw[ev.start:ev.end] == evidence


def test_source_and_author_of_people_cn_layout() -> None:
    raw = (SEEDS / "000_d2270460fbd20062.txt").read_text(encoding="utf-8")
    meta = META(raw)
    assert meta.source is not None and meta.source.startswith("工人日")  # the raw text lost 報 to a "?"
    assert meta.author == "李娜"
    assert meta.title is not None and meta.title.startswith("下沉")


@pytest.mark.parametrize("header,expected", [
    ("某某新闻\n发布时间：2023-07-06 10:00\n正文", "2023-07-06T10:00"),
    ("新华社北京3月15日电（记者 王五）2024年全国两会……", "2024-03-15"),
    ("标题\n2024/3/6\n正文", "2024-03-06"),
    ("原题目:在新的出发点上\n红毯、鲜花……2024年1月13日,发布活动举办", None),
])
def test_publication_date_shapes(header: str, expected: str | None) -> None:
    assert META(header).published == expected


def test_caller_published_overrides_and_records_no_evidence() -> None:
    raw = (SEEDS / "003_2ba259b3f4eff141.txt").read_text(encoding="utf-8")
    doc = extract_document(raw, published="2023-03-01")
    assert doc.published == "2023-03-01" and doc.published_evidence is None
    (first,) = [f for f in doc.facts if f.text == "2月24日"][:1]
    assert first.value == "2023-02-24"


def test_year_less_dates_stay_partial_without_a_publication_date() -> None:
    facts = extract("1月19日,命名大会在成都举办。今年以来成效明显。")
    dates = [f for f in facts if f.kind == "date"]
    assert [(d.text, d.value, d.resolved) for d in dates] == [("1月19日", "--01-19", False)]


@pytest.mark.parametrize("text, published, values", [
    # the nearest past occurrence, or the nearest ahead when the text marks it so
    ("12月20日举行决赛", "2024-01-05", ["2023-12-20"]),
    ("会议将于3月15日召开", "2024-12-20", ["2025-03-15"]),
    ("会议要求各地在5月1日前完成摸底，确保6月底前全部到位", "2024-04-08",
     ["2024-05-01", "2024-06-21/2024-06-30"]),
    # a modal with 在/于 right before the date: the deadline lies ahead (and 已 keeps it past)
    ("会议强调，各级工会要在6月底前完成更新，各地需在9月30日前上报", "2025-03-18",
     ["2025-06-21/2025-06-30", "2025-09-30"]),
    ("各地已在6月底前完成更新", "2025-03-18", ["2024-06-21/2024-06-30"]),
    # a deadline with no modal before it lies ahead too, unless it passed within the quarter
    ("各地于12月31日前上报，10月底前完成建设", "2024-05-20", ["2024-12-31", "2024-10-21/2024-10-31"]),
    ("各地于6月30日前完成验收", "2024-08-10", ["2024-06-30"]),
    ("7月1日前后", "2024-05-20", ["2023-07-01"]),
    # a colon joins a deadline label to its date; a clause break ends the label's reach
    ("报名截止时间：3月5日", "2024-12-20", ["2025-03-05"]),
    ("报名截止，3月5日开班", "2024-12-20", ["2024-03-05"]),
    # the end of an activity follows its start
    ("夏送清凉活动从6月中旬持续至9月上旬", "2024-07-25", ["2024-06-11/2024-06-20", "2024-09-01/2024-09-10"]),
    ("冬季行动从12月1日持续到2月底", "2024-01-10", ["2023-12-01", "2024-02-21/2024-02-29"]),
    # an interval's ends of two shapes are both days
    ("12月1日到2月", "2024-01-10", ["2023-12-01/2024-02-29"]),
])
def test_year_less_dates_resolve_against_the_publication_date(text: str, published: str, values: list[str]) -> None:
    assert [d.value for d in extract(text, published=published)] == values


def test_parse_published_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_published("yesterday")
    assert parse_published("2024-02-22 09:35") == "2024-02-22T09:35"


@pytest.mark.parametrize("value, expected", [
    ("0001-01-01", "0001-01-01"), ("9999-12-31T23:59:59", "9999-12-31T23:59"), ("0999-03", "0999-03"),
    ("0042", "0042"), ("0001-01-01T00:00:00.5Z", "0001-01-01T00:00"), (dt.date(1, 2, 3), "0001-02-03"), (dt.datetime(2024, 2, 22, 9, 35, 12), "2024-02-22T09:35"),
])
def test_parse_published_writes_four_digit_years(value: str | dt.date, expected: str) -> None:
    # strftime("%Y") writes the year 1 as "1", which no later step reads as a date
    assert parse_published(value) == expected


def test_as_of_marker() -> None:
    (d,) = [f for f in extract("截至2023年11月底,全省技能人才总量已达1096万人") if f.kind == "date"]
    assert d.as_of and d.value == "2023-11-21/2023-11-30" and d.first == "2023-11-21"


def test_author_is_the_byline_not_the_editor() -> None:
    raw = "标题\n发布日期：2024-01-18\n正文第一段。\n（记者 王芳）\n责任编辑：李明\n"
    assert META(raw).author == "王芳"


@pytest.mark.parametrize("raw,published,evidence,rule", [
    ("标题\n【发布时间】2024-11-05\n正文", "2024-11-05", "2024-11-05", "published.labeled"),
    ("正文10月1日起实施。\n" * 20 + "\n（2024年11月5日）\n", "2024-11-05", "2024年11月5日", "published.footer"),
    ("讲话全文第一段。\n" * 20 + "\n2023年12月28日", "2023-12-28", "2023年12月28日", "published.footer"),
    ("正文，2023年完成。\n最后一段，2024年11月5日召开。", None, None, None),
])
def test_publication_date_in_a_bracket_label_or_a_closing_date_line(raw: str, published: str | None, evidence: str | None,
                                                                    rule: str | None) -> None:
    meta = META(raw)
    assert meta.published == published
    ev = meta.published_evidence
    assert (ev.text, ev.rule) == (evidence, rule) if ev else evidence is None
    if ev:
        assert raw[ev.start:ev.end] == ev.text


def test_a_breadcrumb_is_no_title() -> None:
    raw = "首页 > 工会动态 > 正文\n\n省总工会出台十条措施 助力新就业形态劳动者权益保障\n\n发布时间：2024-11-05\n正文。"
    assert META(raw).title == "省总工会出台十条措施 助力新就业形态劳动者权益保障"


@pytest.mark.parametrize("chrome", [
    "字号：大 中 小　　分享到：微信 微博 QQ空间",
    "【打印本页】【关闭窗口】【收藏】",
    "来源：县总工会　　作者：张三　　编辑：李四",
])
def test_a_toolbar_or_byline_line_is_no_title(chrome: str) -> None:
    raw = f"{chrome}\n\n县总工会开展“送温暖”活动\n\n发布时间：2024-03-06\n3月5日，县总工会走访困难职工。"
    assert META(raw).title == "县总工会开展“送温暖”活动"


def test_a_title_holding_a_chrome_word_stays_a_title() -> None:
    raw = "下沉“工”字号服务 为县域发展汇才聚能\n\n2024年02月22日09:35\n培育一批乡村能工巧匠。"
    assert META(raw).title == "下沉“工”字号服务 为县域发展汇才聚能"


_BODY = "区总工会召开全委会议\n2024-03-05 16:42  来源：区总工会\n3月4日，区总工会召开会议，今年计划投入资金500万元，帮扶困难职工1200户。"
_RELATED = "相关新闻：\n· 市总工会举办第六届职工职业技能大赛 2023-10-15\n· 区总工会开展金秋助学活动 2023-08-20\n"


@pytest.mark.parametrize("raw", [_RELATED + _BODY, _BODY + "\n" + _RELATED + "版权所有 © 2024 区总工会"])
def test_a_related_links_block_gives_no_title_date_or_facts(raw: str) -> None:
    doc = extract_document(raw)
    assert (doc.title, doc.published) == ("区总工会召开全委会议", "2024-03-05T16:42")
    assert [f.text for f in doc.facts] == ["2024-03-05 16:42", "3月4日", "今年", "500万元", "1200户"]


def test_the_article_after_a_related_links_block_in_the_middle_keeps_its_facts() -> None:
    raw = _BODY + "\n" + _RELATED + "第二段：全年投入资金800万元，服务职工3万人次。"
    assert [f.text for f in extract_document(raw).facts][-2:] == ["800万元", "3万人次"]


FUTURE_PACK = Path(__file__).resolve().parent / "data" / "packs" / "future_marker"


@pytest.mark.parametrize("text, alone, with_pack", [
    ("新馆有望于3月15日开放", "2024-03-15", "2025-03-15"),
    ("工程有望于5月下旬完工", "2024-05-21/2024-05-31", "2025-05-21/2025-05-31"),
])
def test_a_user_pack_extends_a_future_marker(text: str, alone: str, with_pack: str) -> None:
    published = "2024-12-20"
    assert [f.value for f in extract(text, published=published)] == [alone]
    assert [f.value for f in extract(text, published=published, extra_patterns=[FUTURE_PACK])] == [with_pack]


def test_time_rules_name_a_missing_or_malformed_lexicon() -> None:
    pset = get_patterns()
    broken = dataclasses.replace(pset, lexicons={k: v for k, v in pset.lexicons.items() if k != "future_marker"})
    with pytest.raises(PatternError, match="future_marker"):
        compile_time_rules(broken)
    bad = dataclasses.replace(pset, lexicons=dict(pset.lexicons, rel_year={"今年": "this"}))
    with pytest.raises(PatternError, match="rel_year.*今年"):
        compile_time_rules(bad)


def test_metadata_gives_the_document_fields_and_evidence() -> None:
    raw = "区总工会召开全委会议\n2024-03-05 16:42  来源：区总工会\n（记者 王芳）3月4日，区总工会召开会议。"
    meta = META(raw)
    assert meta.document_fields() == {
        "published": "2024-03-05T16:42", "published_evidence": meta.published_evidence,
        "title": "区总工会召开全委会议", "source": "区总工会", "author": "王芳"}
    for value, ev in ((meta.title, meta.title_evidence), (meta.source, meta.source_evidence),
                      (meta.author, meta.author_evidence)):
        assert ev is not None and raw[ev.start:ev.end] == ev.text == value
    assert META("正文只有一行，没有标题。") == Metadata()


@pytest.mark.parametrize("lexicon, entry", [
    ("year_part", {"年尾": "12-13"}), ("month_part", {"月尾": "21-32"}), ("month_part", {"月尾": "late"}),
    ("year_part", {"年尾": "12.32-12"}), ("year_part", {"年尾": "12-1.5"}), ("occasion_day", {"某节": "13-1"}),
    ("occasion_day", {"某节": "2-30"}), ("ref_year", {"隔年": "next"}),
    ("duration_unit", {"旬": "decade"}),
])
def test_time_rules_reject_an_entry_out_of_range(lexicon: str, entry: dict[str, str]) -> None:
    pset = get_patterns()
    bad = dataclasses.replace(pset, lexicons=dict(pset.lexicons, **{lexicon: dict(pset.lexicons[lexicon], **entry)}))
    with pytest.raises(PatternError, match=f"{lexicon}.*{next(iter(entry))}"):
        compile_time_rules(bad)
