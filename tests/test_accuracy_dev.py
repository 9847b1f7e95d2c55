"""The development gold of issue 18's non-date phenomena (tests/data/dev: sentences composed
for this project, annotated before the library ran on them): the floor reached, by kind.

Regional currencies, tallies without a classifier, PDF spacing, unit lists, Latin unit
symbols, colloquial pay, and the subjects of rates and 分别 lists. A drop below a floor is a
regression; raise a floor when a change lifts it. Dates are not annotated in this set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from unionfacts import Extractor
from unionfacts.evaluate import evaluate_predictions, load_gold

DEV = Path(__file__).resolve().parent / "data" / "dev"

#: kind → (value F1, subject F1) floors, as measured when the set was made
FLOORS = {"money": (1.0, 0.90), "count": (1.0, 0.98), "percent": (1.0, 0.95), "measure": (1.0, 0.95)}


@pytest.fixture(scope="module")
def report():
    ex = Extractor()
    docs = [ex.extract_document(p.read_text(encoding="utf-8"), doc_id=p.stem)
            for p in sorted(DEV.glob("*.txt"))]
    return evaluate_predictions(load_gold(DEV / "gold.jsonl"), docs)


def test_dev_set_is_all_read(report):
    assert len(report.docs) == len(list(DEV.glob("*.txt"))) == 18
    assert report.overall.gold == 124


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_dev_floor(report, kind):
    scores = report.kinds[kind]
    value_floor, subject_floor = FLOORS[kind]
    assert scores.value.f1 >= value_floor, report.render(show_errors=20)
    assert scores.subject_f1 is not None and scores.subject_f1 >= subject_floor


def test_dev_units(report):
    # TWD, HKD, MOP for a bare 元 in regional texts; pp for the head of a 百分点 list
    assert report.overall.unit_acc == 1.0, report.unit_mismatches


def test_no_false_hits(report):
    # 三次产业, 市十五届人大, 二十大, 三大战役, 附表 2⏎项目 and the line-broken PDF figure are no facts
    assert report.overall.value.p == 1.0, report.false_hits


@pytest.mark.parametrize("text, region", [
    ("（中央社記者林文華台北26日電）勞動部今天宣布", "TW"),
    ("（香港商報訊）香港特區政府勞工處表示", "HK"),
    ("（澳門日報訊）勞工事務局表示", "MO"),
    ("新聞首頁 | 政治 | 國際\n" * 12 + "（中央社記者陳怡君高雄5日電）高雄市勞工局表示", "TW"),
    ("〔記者楊伶雯╱台北報導〕主計總處公佈11月就業人數", "TW"),
    ("勞動部統計，無薪假人數減少，就業保險失業給付核發金額已達104億元，勞動部表示將延長", "TW"),
    ("（新华社北京26日电）人社部表示", None),
    ("市总工会投入资金2300万元，粤港澳大湾区的香港同胞也参与其中。", None),
    ("澳门特区政府表示，澳门居民每人获发一万澳门元，澳门劳工事务局另发津贴。", "MO"),
    ("", None),
])
def test_document_region(text, region):
    from unionfacts.pipeline.region import compile_region_rules, document_region

    ex = Extractor()
    assert document_region(ex.normalize(text).text, compile_region_rules(ex.patterns)) == region
