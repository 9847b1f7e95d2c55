from decimal import Decimal

import pytest

from unionfacts.numbers import parse_number, parse_scaled, plain


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


@pytest.mark.parametrize("bad", ["", "1.2.3万", "万万", "1,23", "abc", "一一", "三五"])
def test_malformed_numbers_give_none(bad):
    assert parse_number(bad) is None


def test_parse_scaled_with_separate_scale():
    assert parse_scaled("500", "万") == Decimal("5000000")
    assert parse_scaled("2.5", "万") == Decimal("25000")
    assert parse_scaled("x", "万") is None
