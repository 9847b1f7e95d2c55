"""The public API: models, ordering, errors, JSON, and the library's manners."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest

import unionfacts
from unionfacts import Count, Document, Money, Percent, extract, extract_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_readme_example_money_count_percent():
    facts = extract("投入资金不低于4.9亿元，服务职工群众8000万人次以上，建会率保持在97%以上。")
    kinds = [f.kind for f in facts]
    assert kinds == ["money", "count", "percent"]
    money, count, pct = facts
    assert isinstance(money, Money) and money.value == Decimal("490000000") and money.unit == "CNY"
    assert money.qualifier == "at_least" and money.subject == "资金"
    assert isinstance(count, Count) and count.value == Decimal("80000000") and count.unit == "人次"
    assert isinstance(pct, Percent) and pct.value == Decimal("97") and pct.qualifier == "at_least"


def test_offsets_point_into_raw_text_through_glosses_and_traditional_script():
    raw = "服務職工群眾8000萬(wàn)人次以上,省總本級每年安排6000萬(wàn)元以上資金"
    facts = extract(raw)
    assert [f.text for f in facts] == ["8000萬(wàn)人次", "6000萬(wàn)元"]
    for f in facts:
        assert raw[f.start:f.end] == f.text
    assert facts[0].subject == "職工群眾" and facts[0].subject_simplified == "职工群众"


def test_spam_inside_a_date_stays_in_the_span():
    raw = "2024包養年1月13日上包養午,發布運動在成都舉辦"
    (d,) = [f for f in extract(raw) if f.kind == "date"]
    assert d.text == "2024包養年1月13日" and d.value == "2024-01-13"


def test_facts_are_sorted_and_carry_rule_ids():
    facts = extract("一是发放500万元；二是建成183个站点；三是覆盖90%的企业。")
    assert [(f.start, f.end) for f in facts] == sorted((f.start, f.end) for f in facts)
    assert all(f.rule.startswith(f.kind + ".") for f in facts)


def test_empty_text_and_type_errors():
    assert extract("") == []
    assert extract("   \n ") == []
    with pytest.raises(TypeError):
        extract(b"4.9\xe4\xba\xbf")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        extract(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        extract("5个", kinds=["money", "nonsense"])


def test_kinds_filter():
    text = "投入500万元，建成12个站点"
    assert [f.kind for f in extract(text, kinds=["count"])] == ["count"]
    # the filter does not change which figure wins: 3个多月 stays a duration, not a count 3个
    assert [f.text for f in extract("3个多月里接听来电6700余次", kinds=["count"])] == ["6700余次"]


def test_json_round_trip_keeps_decimals_as_plain_strings():
    doc = extract_document("投入资金4.9亿元", doc_id="x")
    data = json.loads(doc.model_dump_json())
    assert data["facts"][0]["value"] == "490000000"
    back = Document.model_validate_json(doc.model_dump_json())
    assert back.facts[0].value == Decimal("490000000")


def test_models_are_frozen():
    (f,) = extract("12个")
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="frozen"):
        f.value = Decimal(1)  # type: ignore[misc]


def test_json_schema_names_every_kind():
    schema = unionfacts.json_schema("fact")
    text = json.dumps(schema)
    for kind in ("money", "count", "percent", "date", "duration", "measure"):
        assert f'"{kind}"' in text
    assert "facts" in json.dumps(unionfacts.json_schema("document"))


def test_library_does_not_log_to_root_or_print(capsys, caplog):
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    with caplog.at_level(logging.DEBUG):
        extract_document((SEEDS / "000_d2270460fbd20062.txt").read_text(encoding="utf-8"))
    assert [r for r in caplog.records if r.name == "root"] == []
    assert root.handlers == handlers_before
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_extraction_never_imports_jieba_or_cn2an_for_common_text():
    # jieba is not used at all (see README); cn2an only for numerals our reader does not know
    import subprocess
    import sys

    code = ("import sys, unionfacts; unionfacts.extract_document(open(%r, encoding='utf-8').read());"
            "print('jieba' in sys.modules, 'cn2an' in sys.modules)") % str(SEEDS / "004_0cc95ad011e00dc5.txt")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_per_units_of_a_rate():
    (m,) = [f for f in extract("为240个托位每人每月补助资金500元") if f.kind == "money"]
    assert m.per == ("人", "月") and m.value == Decimal("500")


def test_money_range():
    (m,) = extract("单笔奖励100万至200万元")
    assert (m.low, m.high, m.qualifier) == (Decimal("1000000"), Decimal("2000000"), "range")


@pytest.mark.parametrize("text, subjects", [
    # the new value of a change names what the old one named
    ("职工阅读参与率由2020年的38%提升至今年的61.5%", ["职工阅读参与率", "职工阅读参与率"]),
    ("技能培训补贴标准由每人800元提高到1200元", ["技能培训补贴标准", "技能培训补贴标准"]),
    # the rate of change of an amount, right after it, is the rate of that amount
    ("营业收入86.5亿元，同比增长11.2%", ["营业收入", "营业收入"]),
    ("新建4684个工会驿站，同比增加133%", ["工会驿站", "工会驿站"]),
    ("营业收入86.5亿元。全年利润率为8%", ["营业收入", "利润率"]),
    ("上解经费占比达65.3%，比上年提高2.1个百分点", ["上解经费占比", "上解经费占比"]),
    # a list of figures: the next item shares the subject
    ("建会率保持在97%、92%以上", ["建会率", "建会率"]),
    # a sentence break between them: no sharing
    ("职工阅读参与率为38%。到年底达到61.5%", ["职工阅读参与率", ""]),
])
def test_a_figure_without_a_subject_shares_the_one_before(text, subjects):
    facts = [f for f in extract(text, published="2024-06-01") if f.kind != "date"]
    assert [f.subject for f in facts] == subjects


@pytest.mark.parametrize("text", [
    "第四届“四川工匠”", "落实省委“3815”战略", "深化“4技5小2比”活动", "党的二十大精神",
    "完成“十四五”目标", "12351热线正式上线", "五一劳动奖章", "制订《十二条措施》",
    "备案号:蜀ICP备2021007964号-1", "邮编:628017 电话:0839-3262473", "点击量:2432",
    "百人以上企业建会", "一批能工巧匠", "每个县", "一次入会",
])
def test_names_and_chrome_are_not_figures(text):
    facts = [f for f in extract(text, published="2024-01-01") if f.kind != "date"]
    assert facts == [], facts


def test_every_seed_document_validates_against_its_model():
    # documents are built without validation too: what Document(...) would give, field for field
    from unionfacts.models import Document

    for path in sorted(SEEDS.glob("*.txt")):
        doc = extract_document(path.read_text(encoding="utf-8"), doc_id=path.stem)
        again = Document.model_validate(doc.model_dump())
        assert again == doc
        assert again.model_dump_json() == doc.model_dump_json()
        assert again.model_fields_set == doc.model_fields_set
        given = {k: getattr(doc, k) for k in doc.model_fields_set}
        assert Document(**given) == doc


def test_every_seed_fact_validates_against_its_model():
    # facts are built without validation, for speed: check they are what validation would give
    from unionfacts.models import FACT_ADAPTER

    for path in sorted(SEEDS.glob("*.txt")):
        for f in extract_document(path.read_text(encoding="utf-8")).facts:
            again = FACT_ADAPTER.validate_python(f.model_dump())
            assert again == f
            assert FACT_ADAPTER.validate_json(f.model_dump_json()) == f
            # the constructor (models.constructor) leaves what model_construct would
            given = {k: getattr(f, k) for k in f.model_fields_set}
            built = type(f).model_construct(**given)
            assert (built, repr(built), built.model_fields_set) == (f, repr(f), f.model_fields_set)
            assert built.model_dump_json() == f.model_dump_json()


def test_model_constructor_refuses_missing_and_unknown_fields():
    # the unvalidated constructor behind facts and documents still names a field it lacks
    # or does not know, rather than building a model with a hole or a stray attribute
    from unionfacts.models import Document, constructor

    make = constructor(Document)
    assert make({"doc": "a"}) == Document(doc="a")
    with pytest.raises(TypeError, match="unknown.*'bogus'"):
        make({"doc": "a", "bogus": 1})
    from unionfacts.models import Money

    with pytest.raises(TypeError, match="missing.*'start'"):
        constructor(Money)({"end": 3})


def test_spinner_synonyms_are_read_back_in_subjects_of_a_spun_text():
    # 年夜 and 扶植 mark the text as spun; then 整年/人材 read as 全年/人才 (values never change)
    text = "年夜力扶植工匠学院，高技能人材总量达到12万人，整年理赔金额1.05亿元。"
    facts = extract(text)
    assert [(f.text, f.subject) for f in facts] == [("12万人", "高技能人才总量"), ("1.05亿元", "理赔金额")]
    plain = extract("高技能人材总量达到12万人")  # no spinner marks: the word stays as written
    assert plain[0].subject == "高技能人材总量"


def test_a_rate_word_of_an_earlier_sentence_does_not_blank_a_later_rates_subject():
    """Found by the fuzz profile: a rate word (覆盖面) before a sentence break, with no figure
    between, used to end the next rate's subject before its start (an empty subject, and a
    joined document that read otherwise than its parts)."""
    (f,) = extract("参保覆盖面持续扩大。新增企业超过三成。")
    assert f.text == "三成" and f.subject == "企业"
    (g,) = extract("加快形0成。")
    (h,) = extract("。覆蓋面。\n\n。加快形0成。")
    assert g.subject == h.subject == "加快形"


def test_field_descriptions_are_the_docstrings_pydantic_would_read():
    # models.py reads its fields' docstrings itself (one parse of its source) instead of
    # pydantic's use_attribute_docstrings (a source read per class); the reference is
    # pydantic's own reader, applied as pydantic applies it: a field takes the docstring of the
    # class that declares it
    import pydantic
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    from unionfacts import models

    classes = [c for c in vars(models).values()
               if isinstance(c, type) and issubclass(c, pydantic.BaseModel) and c.__module__ == models.__name__]
    assert len(classes) >= 12
    checked = 0
    for cls in classes:
        for name, info in cls.model_fields.items():
            owner = next(c for c in cls.__mro__ if name in c.__dict__.get("__annotations__", {}))
            assert info.description == extract_docstrings_from_cls(owner, use_inspect=True).get(name), (cls, name)
            checked += info.description is not None
    assert checked > 60
