"""Candidate → Draft (value, unit, in-number qualifier) or ``None``; one builder per kind.

Builders read the named groups a rule's pattern captures:

``num``/``scale``/``inner``/``inner2``  the number, its separate scale word (万, 亿) and an
                                      in-number 余/多 (``500余万``, ``2.5万余``);
``num2``/``scale2``                   the high end of a range;
``unit``                              the unit, classifier or currency word.

A rule's ``fields`` set constants (``unit: 人`` for ``30万职工``).
Date and duration builders live in :mod:`unionfacts.timebase`-aware code in ``dates.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .candidates import Candidate
from .numbers import ambiguous_cn, parse_scaled
from .patterns import PatternSet


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


def _number(groups: dict[str, str]) -> tuple[Decimal | None, bool]:
    """The value of ``num``+``scale`` and whether 余/多 sat inside the number."""
    inner = bool(groups.get("inner") or groups.get("inner2"))
    return parse_scaled(groups.get("num", ""), groups.get("scale")), inner


def _range(groups: dict[str, str]) -> tuple[Decimal, Decimal] | None:
    lo_scale = groups.get("scale")
    hi_scale = groups.get("scale2")
    hi = parse_scaled(groups.get("num2", ""), hi_scale)
    # 3-5万元: the scale written once applies to both ends.
    lo = parse_scaled(groups.get("num", ""), lo_scale or hi_scale)
    if lo is None or hi is None or lo >= hi:
        return None
    return lo, hi


def build_numeric(c: Candidate, pset: PatternSet) -> Draft | None:
    g = c.groups
    kind = c.kind
    rule = c.rule
    unit_word = g.get("unit", "")
    if kind == "money":
        lex = pset.lexicon("currency_symbol") if unit_word in pset.lexicon("currency_symbol") \
            and unit_word not in pset.lexicon("currency") else pset.lexicon("currency")
        unit = rule.fields.get("unit") or lex.get(unit_word) or pset.lexicon("currency_symbol").get(unit_word, "")
    elif kind == "measure":
        unit = rule.fields.get("unit") or pset.lexicon("measure_unit").get(unit_word, unit_word)
    elif kind == "percent":
        unit = rule.fields.get("unit") or "%"
    else:
        unit = rule.fields.get("unit") or unit_word
    d = Draft(kind, c.start, c.end, None, unit, rule.id, rule.priority, rule.order)
    if "num2" in g:
        r = _range(g)
        if r is None:
            return None
        d.value, d.high = r
        d.low = d.value
        d.qualifier = "range"
        return d
    if ambiguous_cn(g.get("num", "")):
        return None  # 三五个: "three or five", not 35
    value, inner = _number(g)
    if value is None or value < 0:
        return None
    if "multiplier" in rule.fields:
        value = value * Decimal(rule.fields["multiplier"])
    if kind == "measure" and unit.endswith("-x10"):  # 万千瓦 = 10 MW
        value, d.unit = value * 10, unit[:-4]
    d.value = value
    if inner:
        d.qualifier = "at_least"
    num = g.get("num", "")
    # 一个 is mostly the article, a lone 千 (近千人) needs a qualifier to be a quantity
    d.weak_number = num in ("一", "壹", "百", "千", "万", "亿") and not g.get("scale")
    return d


def build_veto(c: Candidate) -> Draft:
    return Draft("veto", c.start, c.end, None, "", c.rule.id, c.rule.priority, c.rule.order)
