"""Property tests: ``extract`` on random text and on mutated seed articles.

Invariants checked on every example: no exception on any ``str``; every fact's span is
``raw[start:end] == text`` with ``start < end``; values parse (``Decimal`` for numeric
kinds, ISO 8601 strings for dates and durations) and survive a JSON round trip; facts are
sorted by ``(start, end)`` and do not overlap within a kind; extraction is deterministic;
two sentence-terminated documents joined by a blank line give the union of their facts.

Example counts come from the Hypothesis profile (``tests/conftest.py``): ``ci`` by default,
``HYPOTHESIS_PROFILE=fuzz`` for the long run.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from unionfacts import Count, Date, Document, Duration, Measure, Money, Percent, extract, extract_document
from unionfacts.extractor import default_extractor
from unionfacts.models import FACT_ADAPTER

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]

# Pieces figures are made of, in both scripts and widths, plus the noise the normaliser
# removes (glosses, zero-width characters, junk tokens) and things that break numbers apart.
TOKENS = [
    *"0123456789", "０", "１", "９", "٣", "३", "𝟑", "①", *"零〇一二两三四五六七八九十百千万亿",
    "壹", "贰", "拾", "佰", "仟", "萬", "億", "兩", "点", ".", ",", "，", "．", "。", "、", "；",
    "-", "－", "~", "～", "—", "至", "到", "%", "％", "‰", "元", "亿元", "万元", "美元", "块钱", "¥",
    "US$", "个", "個", "项", "項", "人", "人次", "名", "家", "条", "條", "届", "批", "次", "年", "月",
    "日", "号", "天", "周", "小时", "分钟", "个月", "周年", "季度", "上旬", "年底", "今年", "去年",
    "上月", "百分之", "个百分点", "千伏", "公里", "平方米", "万千瓦", "余", "多", "以上", "以下",
    "左右", "约", "近", "超过", "不低于", "至少", "第", "每", "首", "职工", "会员", "《", "》", "“",
    "”", "(", ")", "（", "）", "(wàn)", "(gè)", "(yì)", "\u200b", "\u200d", "\ufeff", "\u00ad",
    "🙂", "👍🏽", " ", "\u3000", "\xa0", "\t", "\n", "\r\n", "\r", "\n\n", "包养网", "年夜",
    "电话", "邮编", "号", ":", "：", "T", "e", "E", "/", "·", "$",
]

# Any code point, lone surrogates included (a JSON line can carry one: "\\ud800").
_CHARS = st.characters()
token_soup = st.lists(st.sampled_from(TOKENS) | st.text(_CHARS, max_size=3), max_size=60).map("".join)
any_text = st.text(_CHARS, max_size=200)
texts = st.one_of(any_text, token_soup)


@st.composite
def mutated_seed(draw) -> str:
    """A window of a seed article with a few random edits (insert, delete, duplicate, swap)."""
    seed = draw(st.sampled_from(SEEDS))
    size = draw(st.integers(1, 800))
    start = draw(st.integers(0, max(0, len(seed) - size)))
    chars = list(seed[start:start + size])
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap"]))
        i = draw(st.integers(0, len(chars)))
        if op == "insert":
            chars[i:i] = list(draw(st.sampled_from(TOKENS) | st.text(_CHARS, max_size=4)))
        elif op == "delete":
            del chars[i:i + draw(st.integers(1, 6))]
        elif op == "replace" and i < len(chars):
            chars[i] = draw(st.sampled_from(TOKENS[:60]) | _CHARS)
        elif op == "duplicate":
            j = draw(st.integers(i, min(len(chars), i + 12)))
            chars[j:j] = chars[i:j]
        elif op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DAY = r"\d{4}-\d{2}-\d{2}"
_DATE_VALUE = re.compile(
    r"(?P<a>\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?)?|--\d{2}(?:-\d{2})?|---\d{2})"
    r"(?:/(?P<b>\d{4}(?:-\d{2}(?:-\d{2})?)?|--\d{2}(?:-\d{2})?|---\d{2}))?")
_DURATION_VALUE = re.compile(r"P(?:T)?(?P<n>\d+(?:\.\d+)?)(?P<u>[YMWDHS])")
_DURATION_LETTER = {"year": "P*Y", "month": "P*M", "week": "P*W", "day": "P*D", "hour": "PT*H",
                    "minute": "PT*M", "second": "PT*S"}


def _check_iso_point(s: str) -> None:
    """A full, partial (--MM-DD, --MM, ---DD) or reduced (YYYY, YYYY-MM) ISO date is a real one."""
    if s.startswith("---"):
        assert 1 <= int(s[3:]) <= 31, s
    elif s.startswith("--"):
        month, _, day = s[2:].partition("-")
        # a year-less date must exist in some year: check against a leap year
        dt.date(2000, int(month), int(day or 1))
    elif "T" in s:
        dt.datetime.fromisoformat(s)
    elif len(s) == 10:
        dt.date.fromisoformat(s)
    elif len(s) == 7:
        dt.date.fromisoformat(s + "-01")
    else:
        assert len(s) == 4, s


def check_facts(raw: str, facts: list) -> None:
    """Every invariant a list of facts from ``extract(raw)`` must satisfy."""
    assert isinstance(facts, list)
    last: dict[str, int] = {}
    prev = (-1, -1)
    for f in facts:
        assert isinstance(f, (Money, Count, Percent, Measure, Date, Duration)), type(f)
        assert 0 <= f.start < f.end <= len(raw), (f.start, f.end, len(raw))
        assert raw[f.start:f.end] == f.text, (raw[f.start:f.end], f.text)
        assert (f.start, f.end) >= prev, "facts not sorted by (start, end)"
        prev = (f.start, f.end)
        assert f.start >= last.get(f.kind, 0), f"overlapping {f.kind} facts at {f.start}"
        last[f.kind] = f.end
        assert f.rule.startswith(f.kind + "."), f.rule
        if isinstance(f, (Money, Count, Percent, Measure)):
            assert isinstance(f.value, Decimal) and f.value.is_finite(), f.value
            for bound in (f.low, f.high):
                assert bound is None or (isinstance(bound, Decimal) and bound.is_finite())
            if f.low is not None and f.high is not None:
                assert f.low <= f.high
            assert isinstance(f.unit, str) and f.unit, f
            if isinstance(f, Percent):
                assert f.unit in ("%", "pp")
        elif isinstance(f, Date):
            m = _DATE_VALUE.fullmatch(f.value)
            assert m, f.value
            _check_iso_point(m.group("a"))
            if m.group("b"):
                _check_iso_point(m.group("b"))
            for day in (f.first, f.last):
                if day is not None:
                    assert re.fullmatch(_ISO_DAY, day) and dt.date.fromisoformat(day)
            if f.first is not None and f.last is not None:
                assert f.first <= f.last
        elif isinstance(f, Duration):
            m = _DURATION_VALUE.fullmatch(f.value)
            assert m, f.value
            assert isinstance(f.amount, Decimal) and f.amount.is_finite() and f.amount > 0
            assert Decimal(m.group("n")) == f.amount
            assert f.value == _DURATION_LETTER[f.time_unit].replace("*", m.group("n"))
        if not _SURROGATE.search(raw):  # see test_lone_surrogates_serialise_to_json
            assert FACT_ADAPTER.validate_json(f.model_dump_json()) == f


@given(texts)
@example("6日至27日")  # an interval of year- and month-less days: ---06/---27 (FORMAT.md)
@example("")
@example("营收3.5亿元，同比增长12.3%。")
@example("3\u200b5亿元")
def test_extract_invariants_on_random_text(text):
    check_facts(text, extract(text))


@given(mutated_seed())
def test_extract_invariants_on_mutated_seeds(text):
    check_facts(text, extract(text))


@given(st.one_of(texts, mutated_seed()), st.sampled_from([None, "2024-03-06", "2023-12-31T09:30"]))
def test_extract_with_a_publication_date(text, published):
    check_facts(text, extract(text, published=published))


@given(st.one_of(texts, mutated_seed()))
def test_extract_document_invariants(text):
    doc = extract_document(text, doc_id="d")
    check_facts(text, doc.facts)
    ev = doc.published_evidence
    if ev is not None:
        assert text[ev.start:ev.end] == ev.text
        assert doc.published
    for enum in doc.enumerations:
        for item in enum.items:
            assert text[item.marker_start:item.marker_end] == item.marker
    if not _SURROGATE.search(text):  # see test_lone_surrogates_serialise_to_json
        assert Document.model_validate_json(doc.model_dump_json()) == doc


@given(st.one_of(token_soup, mutated_seed()))
def test_extract_is_deterministic(text):
    assert extract(text) == extract(text)


@given(st.one_of(token_soup, mutated_seed()), st.sets(st.sampled_from(
    ["money", "count", "percent", "date", "duration", "measure"]), min_size=1))
def test_kinds_filter_never_adds_facts(text, kinds):
    facts = extract(text, kinds=kinds)
    check_facts(text, facts)
    assert {f.kind for f in facts} <= kinds


def _shifted(facts: list, by: int) -> list:
    return [f.model_copy(update={"start": f.start + by, "end": f.end + by}) for f in facts]


def _sentence(text: str) -> str:
    """A document that ends and starts a sentence at its edges, as real documents do."""
    return "。" + text + "。"


@given(st.one_of(token_soup, mutated_seed()).map(_sentence),
       st.one_of(token_soup, mutated_seed()).map(_sentence))
def test_joined_documents_give_the_union_of_their_facts(a, b):
    joined = a + "\n\n" + b
    # whether a text reads as spinner output is decided for the whole text (normalize.py):
    # the union holds when joining does not change that
    assume(_spun(a) == _spun(b) == _spun(joined))
    # when / where are read from the whole document (its own area, its head times): no union
    assert _bare(extract(joined)) == _bare(extract(a) + _shifted(extract(b), len(a) + 2))


def _bare(facts: list) -> list:
    return [f.model_copy(update={"when": None, "where": None}) if "where" in type(f).model_fields
            else f for f in facts]


def _spun(text: str) -> bool:
    return default_extractor().normalize(text).spun


# The same property without the sentence marks: no qualifier word, subject or time of day is
# read across the blank line.
@pytest.mark.parametrize("a, b", [
    pytest.param("有3个", "以上职工参加", id="qualifier-after-crosses"),
    pytest.param("他们至少", "3个", id="qualifier-before-crosses"),
    pytest.param("发布于2023-01-01", "09:35开会", id="time-of-day-crosses"),
])
def test_context_does_not_cross_a_blank_line(a, b):
    joined = a + "\n\n" + b
    assert _bare(extract(joined)) == _bare(extract(a) + _shifted(extract(b), len(a) + 2))


def test_blank_line_union_holds_for_the_seed_articles():
    a, b = SEEDS[0], SEEDS[1]
    joined = a + "\n\n" + b
    assert _bare(extract(joined)) == _bare(extract(a) + _shifted(extract(b), len(a) + 2))


@pytest.mark.parametrize("text", ["\ud800", "营收3\udfff亿元", "\udc80\udc81个", "3个\udbff"])
def test_lone_surrogates_do_not_raise(text):
    check_facts(text, extract(text))


def test_lone_surrogates_serialise_to_json():
    doc = extract_document("00000\ud800\n营收3.5亿元")
    assert Document.model_validate_json(doc.model_dump_json()).title == doc.title


def test_year_less_day_is_a_real_day():
    assert [f.value for f in extract("2月30日")] == []
