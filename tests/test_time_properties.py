"""Property tests for the time stages: relative and year-less date words never break extraction.

Texts are built from the words the date rules place against a publication date (今年, 本季度,
上月, 明天, 上半年, 5月底, 12日, 同年, 民国113年, 今(29)日 …), alone and combined with numerals, markers (将于, 要求,
已, 截至, …前) and breaks; each is extracted with no publication date, with an ordinary one, and
with the extremes of the calendar (0001-01-01, 9999-12-31), where a day before or a year after
falls outside what ``datetime`` can hold. Invariants: nothing raises, every fact's ``text`` is
``raw[start:end]``, and a resolved date's value is ISO 8601 within its first and last day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from unionfacts import Date, Fact, extract, extract_document

RELATIVE = [
    "今年", "去年", "明年", "前年", "后年", "本年", "当年", "上年", "来年", "上一年", "下一年",
    "本季度", "上季度", "下个季度", "这个季度", "当季度", "首季度", "一季度", "第四季度", "Q2",
    "前三季度", "四季度初", "一季度末", "本月", "上月", "下月", "上个月", "当月", "这个月",
    "今天", "昨天", "明天", "前天", "后天", "大前天", "大大后天", "今晚", "明早",
    "上半年", "下半年", "年初", "年中", "年底", "年末", "初", "底", "末",
    "同年", "同月", "当日", "次日", "次年", "翌年", "同年6月", "当年", "上世纪", "本世纪", "90年代", "18世纪",
    "民国113年", "民国一百年", "113年", "112年度", "今(29)日", "昨（31）日", "2026年元旦", "今年国庆节",
    "2019年的最后一天", "7日至9日", "2023 年 / 6 月 / 30 日",
]
YEAR_LESS = [
    "5月底", "12月", "2月", "1月19日", "12日", "29日", "31日", "2月29日", "2月30日", "13月",
    "3月上旬", "6月中下旬", "1—11月", "12月1日到2月", "前三个月", "前十二个月", "3月15日至20日",
    "下午3点", "上午9:30", "晚上8时", "10时30分",
]
GLUE = [
    "将于", "将在", "拟", "要求", "确保", "已", "截至", "截止到", "前", "之前", "前后", "以来",
    "至", "到", "—", "和", "的", "，", "。", "\n", "2024年", "1999年", "二〇二三年", "3", "十",
    "营收增长5%", "完成", "开展", "中央社", "台北", "星期二", "今天是", " 08:05:47",
]
PUBLISHED = ["0001-01-01", "9999-12-31", "2024-02-29", "2024-01-01", "2023-12-31T23:59",
             "1000-01-01", "2999-12-31", "1000", "9999-12"]

words = st.sampled_from(RELATIVE + YEAR_LESS)
texts = st.one_of(
    words,
    st.lists(st.one_of(words, st.sampled_from(GLUE)), min_size=1, max_size=8).map("".join),
)
published = st.one_of(
    st.none(),
    st.sampled_from(PUBLISHED),
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(lambda t: t.isoformat(timespec="minutes")),
)
_ISO = re.compile(r"-?-?-?[0-9]{2,4}(?:-[0-9]{2}){0,2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


def _check(text: str, facts: Sequence[Fact]) -> None:
    for f in facts:
        assert f.text == text[f.start:f.end]
        assert 0 <= f.start < f.end <= len(text)
        if isinstance(f, Date):
            for part in f.value.split("/"):
                assert _ISO.fullmatch(part), f.value
            if f.resolved and f.first is not None and f.last is not None:
                assert f.first <= f.last
                assert f.first[:4] <= f.value[:4] <= f.last[:4]


@pytest.mark.parametrize("text", ["今年本季度营收增长5%", "去年本季度", "2024年本季度", "今年本季度"])
@pytest.mark.parametrize("published", [None, "0001-01-01", "9999-12-31"])
def test_this_quarter_with_no_or_an_extreme_publication_date(text: str, published: str | None) -> None:
    doc = extract_document(text, published=published)
    _check(text, doc.facts)
    _check(text, extract(text, published=published))
    assert not [f for f in doc.facts if f.kind == "date" and "季度" in f.text and published is None]


def test_this_quarter_is_the_publication_dates_quarter() -> None:
    (d,) = [f for f in extract("今年本季度营收增长5%", published="2024-05-20") if f.kind == "date"]
    assert (d.text, d.value) == ("今年本季度", "2024-04-01/2024-06-30")


@given(texts, published)
@example("明天", "9999-12-31")
@example("昨天", "0001-01-01")
@example("12日", "0001-01-01")
@example("将于5月底前", "9999-12-31")
@example("各地于6月30日前完成", "0001-01-01")
@example("明年本季度", "9999-12-31")
@example("下个季度", "9999-12-31")
@example("下个月", "9999-12-31")
@example("2月29日", "0001-01-01")
def test_time_words_never_raise_and_keep_their_spans(text: str, published: str | None) -> None:
    _check(text, extract(text, published=published))
    _check(text, extract_document(text, published=published).facts)


@given(st.lists(st.one_of(words, st.sampled_from(GLUE)), min_size=1, max_size=8).map("".join))
def test_time_words_after_a_detected_publication_date_never_raise(body: str) -> None:
    # the publication date comes from the header: the extremes a header can carry
    for header in ("发布时间：1900-01-01\n", "发布时间：2099-12-31 23:59\n", "新华社北京12月31日电 2099年\n"):
        text = header + body
        _check(text, extract_document(text).facts)
