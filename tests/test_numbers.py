from decimal import Decimal

import pytest

from unionfacts import extract
from unionfacts.pipeline.numbers import ambiguous_cn, parse_number, parse_scaled, plain


@pytest.mark.parametrize("text,value", [
    ("183", "183"), ("1,234,567", "1234567"), ("90.7", "90.7"), ("4.9亿", "490000000"),
    ("1.23万", "12300"), ("3千万", "30000000"), ("1.5万亿", "1500000000000"),
    ("两千三百万", "23000000"), ("十二万五千", "125000"), ("五", "5"), ("两", "2"),
    ("壹仟贰佰", "1200"), ("二〇二三", "2023"), ("一百零五", "105"), ("十", "10"),
    ("14.14万", "141400"), ("8873.2万", "88732000"),
])
def test_parse_number(text, value):
    v = parse_number(text)
    assert isinstance(v, Decimal)
    assert plain(v) == value
    assert "E" not in str(v), "values are kept in plain form"


@pytest.mark.parametrize("text,value", [
    ("5亿1万4千6百", "500014600"), ("1万600", "10600"), ("200亿零四千230", "20000004230"),
    ("百三", "130"), ("四万万", "400000000"), ("7万 5千 4百", "75400"), ("负十一", "-11"),
    ("-10.1万", "-101000"), ("一百点123", "100.123"), ("一七二零点一", "1720.1"), ("廿二", "22"),
    ("三千五", "3500"), ("一万五", "15000"), (".5", "0.5"), ("參拾參", "33"), ("一萬零卌", "10040"),
])
def test_positional_mixtures_and_colloquial_forms(text, value):
    assert plain(parse_number(text)) == value


@pytest.mark.parametrize("bad", ["", "1.2.3万", "万万", "1,23", "abc", "三十十", "十十", "一万万万", "-", "萬",
                                 "零点", "点一", "两两"])
def test_malformed_numbers_give_none(bad):
    assert parse_number(bad) is None


def test_digit_runs_read_digit_by_digit_but_are_flagged_ambiguous_for_extraction():
    assert plain(parse_number("三五")) == "35"
    assert ambiguous_cn("三五") and ambiguous_cn("一二") and not ambiguous_cn("二〇二三")
    assert not ambiguous_cn("十五")


def test_parse_scaled_with_separate_scale():
    assert parse_scaled("500", "万") == Decimal("5000000")
    assert parse_scaled("2.5", "万") == Decimal("25000")
    assert parse_scaled("x", "万") is None


@pytest.mark.parametrize("text,value", [
    ("廿三万", "230000"), ("卅", "30"), ("卌", "40"), ("廿", "20"), ("卅一", "31"),
    ("三点五万", "35000"), ("一点五亿", "150000000"), ("十二点零五万", "120500"),
    ("负三点五万", "-35000"),
])
def test_twenty_thirty_forty_and_chinese_decimals_with_a_scale(text, value):
    assert plain(parse_number(text)) == value


@pytest.mark.parametrize("bad", ["廿十", "二廿", "三点五万万", "三点五万三", "点五万"])
def test_malformed_twenties_and_scaled_decimals_give_none(bad):
    assert parse_number(bad) is None


def _figures(text):
    return [(f.text, f.kind, str(f.value)) for f in extract(text)]


@pytest.mark.parametrize("text,figures", [
    ("捐款1万600元", [("1万600元", "money", "10600")]),
    ("5亿1万4千6百元", [("5亿1万4千6百元", "money", "500014600")]),
    ("廿三万人次", [("廿三万人次", "count", "230000")]),
    ("历时卅年", [("卅年", "duration", "P30Y")]),
    ("2024年5月廿一日", [("2024年5月廿一日", "date", "2024-05-21")]),
    ("2023年1万600元", [("2023年", "date", "2023"), ("1万600元", "money", "10600")]),
    ("1万、600元", [("600元", "money", "600")]),
    ("捐款3万5元", []),  # 30005 or 35000? no figure rather than 5元
])
def test_positional_mixtures_and_twenties_end_to_end(text, figures):
    assert _figures(text) == figures
