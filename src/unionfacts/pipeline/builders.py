"""Candidate → Draft (value, unit, in-number qualifier) or ``None``; one builder per kind.

Builders read the named groups a rule's pattern captures:

``num``/``scale``/``inner``/``inner2``  the number, its separate scale word (万, 亿) and an
                                      in-number 余/多 (``500余万``, ``2.5万余``);
``num2``/``scale2``                   the high end of a range;
``unit``                              the unit, classifier or currency word;
``subj``                              the counted noun, in a lookahead right after the figure.

A rule's ``fields`` set constants (``unit: 人`` for ``30万职工``) or switch a reading on
(``vague``, ``fraction``, ``zhe``, ``multiplier``). Date and duration builders are in ``dates.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

import regex

from unionfacts.pipeline.candidates import Candidate
from unionfacts.pipeline.numbers import (EXACT, QUOTIENT, ambiguous_cn, parse_number, parse_scaled,
                                         scale_value, tidy)
from unionfacts.rules.packs import PatternSet, require_lexicons

require_lexicons(__name__, ("currency", "currency_symbol", "measure_unit", "measure_symbol"))


@dataclass(slots=True)
class Draft:
    """A fact before context: offsets still in normalised text."""

    kind: str
    start: int
    end: int
    value: Any
    unit: str
    rule: str
    priority: int
    order: int
    qualifier: str = "exact"
    low: Decimal | None = None
    high: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Model fields specific to the kind (granularity, per, amount …)."""
    notes: dict[str, Any] = field(default_factory=dict)
    """Internal context found by the resolver (which qualifier word was read)."""
    weak_number: bool = False


_LONE_SCALE = {"万": Decimal(10**4), "亿": Decimal(10**8)}
_DENOMINATOR = {"百": 100, "千": 1000, "仟": 1000, "万": 10**4, "百万": 10**6, "千万": 10**7,
                "万万": 10**8, "百万万": 10**10, "‰": 1000, "‱": 10**4}


def _number(groups: dict[str, str]) -> tuple[Decimal | None, bool]:
    """The value of ``num``+``scale`` and whether 余/多 sat inside the number."""
    inner = bool(groups.get("inner") or groups.get("inner2"))
    num = groups.get("num", "")
    if num in _LONE_SCALE and not groups.get("scale"):
        return _LONE_SCALE[num], inner  # 上万名: kept only with a qualifier (weak_number)
    return parse_scaled(num, groups.get("scale")), inner


def _range(groups: dict[str, str]) -> tuple[Decimal, Decimal] | None:
    hi = parse_scaled(groups.get("num2", ""), groups.get("scale2"))
    lo_num, lo_scale = groups.get("num", ""), groups.get("scale")
    if hi is None:
        return None
    # 3-5万元: a scale written once applies to both ends, unless that breaks the order
    # (8500到3万: the low end stands alone).
    for scale in ([lo_scale] if lo_scale else [groups.get("scale2"), None]):
        lo = parse_scaled(lo_num, scale)
        if lo is not None and lo < hi:
            if not scale and lo < 10 and _UNIT_IN.search(groups.get("num2", "")):
                # 两到三仟: the bare low digit shares the high end's leading unit (not 两到十)
                shared = lo * 10 ** (len(str(int(hi))) - 1)
                if shared < hi:
                    lo = shared
            return lo, hi
    return None


_UNIT_IN = regex.compile(r"[十百千仟佰拾]")
_VAGUE_DIGIT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _vague(g: dict[str, str]) -> tuple[Decimal, Decimal | None] | None:
    """数十亿 → (10亿, None: at least); 二十几万 → (20万, None); 八九亿 → (8亿, 9亿)."""
    if g.get("vpre"):
        unit = scale_value(g["vunit"])
        return (unit, None) if unit is not None else None
    if g.get("vbase"):
        base = parse_number(g["vbase"])
        if base is None:
            return None
        scaled = parse_scaled(str(base), g.get("vscale"))
        return (scaled, None) if scaled is not None else None
    lo, hi = _VAGUE_DIGIT[g["vlo"]], _VAGUE_DIGIT[g["vhi"]]
    unit = scale_value(g["vunit"])
    if hi <= lo or unit is None:
        return None
    return Decimal(lo) * unit, Decimal(hi) * unit


_SUB_DIGIT = str.maketrans("一二两三四五六七八九壹贰叁参肆伍陆柒捌玖", "12234567891233456789")


def _sub_units(g: dict[str, str]) -> Decimal:
    """角 and 分 after 元: 1角1分 = 0.11."""
    total = Decimal(0)
    for name, factor in (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))):
        if g.get(name):
            total += Decimal(g[name].translate(_SUB_DIGIT)) * factor
    return total


def _percent_value(value: Decimal, g: dict[str, str], fields: dict[str, str]) -> Decimal | None:
    if fields.get("fraction"):  # 千分之一 = 0.1%, 百万分之五 = 0.0005%
        den = _DENOMINATOR.get(g.get("den", ""))
        if not den:
            return None
        value = QUOTIENT.divide(value * 100, Decimal(den))
    if fields.get("zhe"):  # 九折 = 90%, 七五折 = 75%, 八点五折 = 85%, 半折 = 50%
        if g.get("num") == "半":
            return Decimal(50)
        if value >= 100:
            return None
        if value < 10:
            value *= 10
    if g.get("half"):  # 三成半 = 35%
        value += Decimal("0.5") * Decimal(fields.get("multiplier", "1"))
    if g.get("tenth"):  # 九成五 = 95%
        tenth = parse_number(g["tenth"])
        if tenth is None:
            return None
        value += tenth
    if g.get("neg"):
        value = -value
    return value


def build_numeric(c: Candidate, pset: PatternSet) -> Draft | None:
    """The value of a numeric candidate, computed exactly whatever the caller's decimal
    context (``numbers.EXACT``)."""
    with localcontext(EXACT):
        return _build_numeric(c, pset)


def _build_numeric(c: Candidate, pset: PatternSet) -> Draft | None:
    g = c.groups
    kind = c.kind
    rule = c.rule
    fields = rule.fields
    unit_word = g.get("unit", "")
    if kind == "money":
        unit = fields.get("unit") or pset.lexicon("currency").get(unit_word) \
            or pset.lexicon("currency_symbol").get(unit_word, "")
    elif kind == "measure":
        unit = fields.get("unit") or pset.lexicon("measure_unit").get(unit_word) \
            or pset.lexicon("measure_symbol").get(unit_word, unit_word)
    elif kind == "percent":
        unit = fields.get("unit") or ("pp" if g.get("pp") else "%")  # pp: 0.8、1.0个百分点
    else:
        unit = fields.get("unit") or unit_word
    d = Draft(kind, c.start, c.end, None, unit, rule.id, rule.priority, rule.order)
    if kind == "money":  # a bare 元 is the local dollar in a regional text (region.py)
        d.notes["currency_word"] = unit_word
    if g.get("subj"):  # a rule names the counted noun, right after the figure (两大[展区])
        d.notes["subject"] = (c.end, c.end + len(g["subj"]))
    if fields.get("vague"):
        v = _vague(g)
        if v is None:
            return None
        d.value = v[0]
        if v[1] is None:
            d.qualifier = "at_least"
        else:
            d.low, d.high, d.qualifier = v[0], v[1], "range"
        return d
    if "num2" in g:
        r = _range(g)
        if r is None:
            return None
        d.value, d.high = r
        d.low = d.value
        d.qualifier = "range"
        return d
    num = g.get("num", "")
    if ambiguous_cn(num) and not fields.get("zhe"):
        return None  # 三五个: "three or five", not 35
    value: Decimal | None
    if fields.get("value"):  # a fixed value: 对折 = 50%
        value, inner = Decimal(fields["value"]), False
    elif num == "半":  # 半成 = 5%, 半折 = 50%
        value, inner = Decimal("0.5"), False
    else:
        value, inner = _number(g)
    if value is None or value < 0:
        return None
    if "multiplier" in fields:
        value = value * Decimal(fields["multiplier"])
    if kind == "percent":
        value = _percent_value(value, g, fields)
        if value is None:
            return None
    if kind == "money":
        value += _sub_units(g)
    if kind == "measure" and unit.endswith("-x10"):  # 万千瓦 = 10 MW
        value, d.unit = value * 10, unit[:-4]
    if kind == "measure" and (g.get("neg") or "below" in g):  # -5℃, 零下12℃
        value = -value
    d.value = tidy(value)
    if inner:
        d.qualifier = "at_least"
    # 一个 is mostly the article; a lone 千 (近千人) needs a qualifier to be a quantity
    d.weak_number = not g.get("scale") and (
        kind in ("count", "measure", "duration") and num in ("一", "百", "千", "万", "亿")
        or kind == "money" and num in ("百", "千", "万", "亿"))
    return d
