"""When and where each figure holds (pipeline/context.py, ../shared/gold/CONTEXT.md).

One table row per reading rule, on examples written for these tests: the text, the figure
(its raw surface), the expected ``when`` value and rule, the expected ``where`` name and the
raw mention it was read from.
"""

from __future__ import annotations

import json
import subprocess
import sys

from typing import Any

import pytest

from unionfacts import extract, extract_document
from unionfacts.io.sinks import fact_records
from unionfacts.models import Count, Duration, Money, Percent, Place, When

# (id, text, published, figure, when value | None, when rule | None)
WHEN = [
    ("clause", "2023年新建职工驿站120个。", None, "120个", "2023", "context.when-clause"),
    ("as-of-topic", "截至2023年11月底，全省累计建成职工驿站4684个。", None, "4684个",
     "2023-11-21/2023-11-30", "context.when-sentence"),
    ("since-topic", "今年以来，全市工会累计发放助学金300万元。", "2024-05-01", "300万元", "2024",
     "context.when-sentence"),
    ("body-then-date", "市总工会今年投入资金800万元，惠及职工2万人次。", "2024-03-01", "2万人次", "2024",
     "context.when-sentence"),
    ("span-start", "热线自2023年9月下旬开始试运行，3个多月里累计接听来电6700余次。", None, "6700余次",
     "2023-09-21/2023-09-30", "context.when-sentence"),
    ("deadline", "到2025年，发放创业担保贷款不少于2.4亿元。", None, "2.4亿元", "2025",
     "context.when-sentence"),
    ("year-less", "1月19日，第四届工匠命名大会举办，再添200名工匠。", None, "200名", "--01-19",
     "context.when-sentence"),
    ("paragraph-head", "2023年，四川省总工会扎实推进各项工作。各级工会新建驿站300个。", None, "300个",
     "2023", "context.when-paragraph-head"),
    ("head-after-label", "打好“组合拳”。2022年，省总工会持续发力。共组织培训80场。", None, "80场", "2022",
     "context.when-paragraph-head"),
    ("head-vague-restates", "2023年，省总工会持续发力。一年来，共组织培训80场。", None, "80场", "2023",
     "context.when-paragraph-head"),
    ("title-period", "2023年工作总结\n\n各级工会共组织培训80场。", None, "80场", "2023", "context.when-title"),
    # none
    ("not-across-paragraphs", "2023年，省总工会持续发力。\n共组织培训80场。", None, "80场", None, None),
    ("never-publication", "各级工会共组织培训80场。", "2024-01-01", "80场", None, None),
    ("vague", "近年来，各级工会共组织培训80场。", "2024-01-01", "80场", None, None),
    ("frequency", "2023年，各级工会持续发力。全省每年开展招聘会700场。", None, "700场", None, None),
    ("present", "2023年，各级工会持续发力，目前已建成驿站500个。", None, "500个", None, None),
    ("present-topic", "截至目前，全省已建成驿站500个。", "2024-01-01", "500个", None, None),
    ("other-clause", "省总工会于2021年启动专项行动，覆盖全省183个县。", None, "183个", None, None),
    ("later-date", "推进30件实事项目，2023年新建驿站4684个。", None, "30件", None, None),
    ("modifier-date", "发布2023年任务清单。此前制定58条措施。", None, "58条", None, None),
]

# (id, text, figure, where name | None, level, code, raw mention, rule)
WHERE = [
    ("place-name", "四川拥有183个县。", "183个", "四川省", "province", "510000", "四川",
     "context.where-clause"),
    ("body", "广元市总工会发放慰问金50万元。", "50万元", "广元市", "prefecture", "510800", "广元市",
     "context.where-clause"),
    ("traditional", "廣元市總工會發放慰問金50萬元。", "50萬元", "广元市", "prefecture", "510800", "廣元市",
     "context.where-clause"),
    ("short-body", "蘭州市總聚焦服務鏈，新建站點20個。", "20個", "兰州市", "prefecture", "620100", "蘭州市",
     "context.where-sentence"),
    ("most-specific", "剑阁县总工会争取广安、杭州工会资金90万元。", "90万元", "剑阁县", "county", "510823",
     "剑阁县", "context.where-clause"),
    ("county-short-body", "旺苍总工会筹措资金500余万元。", "500余万元", "旺苍县", "county", "510821", "旺苍",
     "context.where-clause"),
    ("former-name", "襄樊市总工会新建驿站30个。", "30个", "襄阳市", "prefecture", "420600", "襄樊市",
     "context.where-clause"),
    ("province-short", "云南全省各级工会新建驿站30个。", "30个", "云南省", "province", "530000", "云南",
     "context.where-clause"),
    ("scope-province", "四川省总工会召开会议。\n全省新建驿站300个。", "300个", "四川省", "province", "510000",
     "全省", "context.where-clause"),
    ("scope-prefecture", "广元工会网消息\n全市建成职工之家23个。", "23个", "广元市", "prefecture", "510800",
     "全市", "context.where-clause"),
    ("scope-up", "广元市总工会召开会议。\n全省新建驿站300个。", "300个", "四川省", "province", "510000", "全省",
     "context.where-clause"),
    ("national-body", "全国总工会下拨资金1亿元。", "1亿元", "全国", "country", None, "全国总工会",
     "context.where-clause"),
    ("national-scope", "全国各级工会新建驿站2000个。", "2000个", "全国", "country", None, "全国",
     "context.where-clause"),
    ("label-no-scope", "四川省总工会组织宣讲。\n全国劳动模范等三位宣讲员参加。", "三位", "四川省", "province",
     "510000", "四川省", "context.where-document"),
    ("rank-no-scope", "四川省总工会召开会议。\n新就业形态会员170.9万人，居全国前列。", "170.9万人", "四川省",
     "province", "510000", "四川省", "context.where-document"),
    ("venue", "四川省首届职工创新大赛决赛在成都举行，获奖的100项成果涵盖多个领域。", "100项", "四川省",
     "province", "510000", "四川省", "context.where-sentence"),
    ("quoted-short-name", "四川省总工会召开会议。\n开展“气大庆”劳动竞赛，带动职工参与超500万人次。", "500万人次",
     "四川省", "province", "510000", "四川省", "context.where-document"),
    ("paragraph-head", "四川省总工会组织宣讲。\n宣讲团走进攀枝花，开展主题宣讲。三位宣讲员倾情宣讲。", "三位",
     "攀枝花市", "prefecture", "510400", "攀枝花", "context.where-paragraph-head"),
    ("document", "四川省总工会出台措施。\n各级工会新建驿站300个。", "300个", "四川省", "province", "510000",
     "四川省", "context.where-document"),
    ("same-name-county", "兰州市总工会召开会议。\n城关区总工会新建驿站12个。", "12个", "城关区", "county", "620102",
     "城关区", "context.where-clause"),
    ("newspaper-no-place", "沈北工会推进驿站建设。\n（来源：沈阳日报）全区驿站突破50家。", "50家", "沈北新区",
     "county", "210113", "全区", "context.where-clause"),
    ("newspaper-not-head", "沈北工会推进驿站建设。\n据沈阳日报报道，区总工会持续发力。新建阵地43个。", "43个",
     "沈北新区", "county", "210113", "区总工会", "context.where-paragraph-head"),
    ("plural-bodies", "广元市总工会召开会议。\n剑阁县总工会发言。\n7个县区总工会及时落实。", "7个", "广元市",
     "prefecture", "510800", "广元市", "context.where-document"),
    ("pair-is-no-place", "四川省总工会召开会议。\n举办两场川渝职工联谊活动。", "两场", "四川省", "province", "510000",
     "四川省", "context.where-document"),
    # none
    ("no-place", "各级工会共组织培训80场。", "80场", None, None, None, None, None),
    ("one-char-county-in-word", "培育特色产业和县域经济，新建基地12个。", "12个", None, None, None, None, None),
]


def _fact(doc_text: str, figure: str, published: str | None = None) -> tuple[str, Any]:
    doc = extract_document(doc_text, published=published)
    hits = [f for f in doc.facts if f.text == figure]
    assert len(hits) == 1, [f.text for f in doc.facts]
    return doc_text, hits[0]


@pytest.mark.parametrize("text,published,figure,value,rule", [w[1:] for w in WHEN], ids=[w[0] for w in WHEN])
def test_when(text: str, published: str | None, figure: str, value: str | None, rule: str | None) -> None:
    raw, f = _fact(text, figure, published)
    if value is None:
        assert f.when is None
        return
    assert isinstance(f.when, When)
    assert (f.when.value, f.when.rule) == (value, rule)
    # the span is the governing date fact's
    dates = [d for d in extract(raw, published=published) if d.kind == "date"]
    assert (f.when.start, f.when.end) in {(d.start, d.end) for d in dates}


def test_when_as_of() -> None:
    _, f = _fact("截至2023年11月底，全省累计建成职工驿站4684个。", "4684个")
    assert f.when is not None and f.when.as_of
    _, f = _fact("2023年新建职工驿站120个。", "120个")
    assert f.when is not None and not f.when.as_of


@pytest.mark.parametrize("text,figure,name,level,code,mention,rule", [w[1:] for w in WHERE],
                         ids=[w[0] for w in WHERE])
def test_where(text: str, figure: str, name: str | None, level: str | None, code: str | None,
               mention: str | None, rule: str | None) -> None:
    raw, f = _fact(text, figure)
    if name is None:
        assert f.where is None
        return
    assert isinstance(f.where, Place)
    assert (f.where.name, f.where.level, f.where.code, f.where.rule) == (name, level, code, rule)
    assert raw[f.where.start:f.where.end] == mention


def test_no_place_no_date_gives_nothing() -> None:
    doc = extract_document("各级工会共组织培训80场，发放慰问金50万元，覆盖率达90%。")
    numeric = [f for f in doc.facts if f.kind != "date"]
    assert len(numeric) == 3
    assert all(f.when is None and f.where is None for f in numeric)


def test_every_numeric_kind_carries_the_fields() -> None:
    for fact_cls in (Money, Count, Percent, Duration):
        assert {"when", "where"} <= fact_cls.model_fields.keys()
    for cls in (When, Place):
        assert all(field.description for field in cls.model_fields.values())
    doc = extract_document("2023年，四川省总工会投入资金3亿元，建成驿站120个，覆盖率达95%，历时3个月。")
    kinds = {f.kind for f in doc.facts if f.kind != "date" and f.when and f.where}
    assert kinds == {"money", "count", "percent", "duration"}


def test_jsonl_record_carries_objects() -> None:
    doc = extract_document("2023年，四川省总工会投入资金3亿元。\n各级工会共组织培训80场。", doc_id="d")
    recs = {r["text"]: r for r in fact_records(doc)}
    money = json.loads(json.dumps(recs["3亿元"], ensure_ascii=False))
    assert money["when"] == {"value": "2023", "start": 0, "end": 5, "as_of": False,
                             "rule": "context.when-sentence"}
    assert money["where"]["name"] == "四川省" and money["where"]["code"] == "510000"
    assert recs["80场"]["when"] is None  # the next paragraph has no time of its own
    assert "when" not in recs["2023年"]  # a date fact is a when, it has none


def test_facts_are_the_same_with_context() -> None:
    """The stage adds fields; it never adds, drops or moves a fact."""
    text = "截至2023年11月底，四川省技能人才达1096万人，其中高技能人才333万人。"
    facts = extract(text)
    bare = [(f.kind, f.start, f.end, f.value) for f in facts]
    assert bare == sorted(bare, key=lambda b: (b[1], b[2]))
    assert [f.text for f in facts] == ["2023年11月底", "1096万人", "333万人"]


def test_gazetteer_is_loaded_lazily_not_at_import() -> None:
    code = ("import unionfacts, unionfacts.pipeline.context as c; "
            "assert c._rows.cache_info().currsize == 0; "
            "unionfacts.extract('共3个'); assert c._rows.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], check=True)
