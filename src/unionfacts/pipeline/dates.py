"""Date and duration builders: Candidate → Draft with an ISO 8601 value.

Date groups a rule may capture: ``y m d hh mi`` (a point), ``y2 m2 d2`` (the end of a span),
``part`` (上旬/中旬/下旬/初/底/末 of a month), ``ypart`` (年初/年底/上半年/下半年 of a year),
``q`` (a quarter), ``qn`` (the first *n* quarters, 前三季度), ``qfirst`` (首季度), ``qthis``
(本季度), ``qrel`` (上季度/下季度), ``qpart`` (初/末 of a quarter), ``mn`` (the first *n* months,
前三个月), ``rel`` (今年/去年/明年…), ``relm`` (上月/本月/下月), ``relday`` (昨天/明天…),
``dec``/``cent`` (decades and centuries: 90年代, 18世纪), ``occ`` (a day named by an occasion:
2026年元旦), ``roc`` (a bare Republic-of-China year, 113年: a year only in a Taiwanese text; a
``y`` that opens with 民国 is one anywhere), ``ss`` (seconds of a time). Duration groups: ``num``,
``inner``/``inner2`` (多/余), ``half`` (半), ``unit``, ``lead`` (为期, 历时: a lone 一 after it is
a real number), ``num2`` (the upper end of a range: 三至五年).

A date is built in two steps. First its relative words are placed against the publication date
(:func:`_placed`: 今年, 上月, 本季度, and the year of a year-less month or day); then one function
per shape writes its value (:func:`_shape`: a year, a quarter, a part of a year, a month, a day).
The words and the parts of months and years come from the pattern set (:class:`TimeRules`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from unionfacts.pipeline.builders import Draft
from unionfacts.pipeline.candidates import Candidate
from unionfacts.pipeline.numbers import ambiguous_cn, parse_number, plain
from unionfacts.pipeline.timebase import (
    TimeRules,
    future_marked,
    is_clock,
    is_deadline,
    last_day,
    pub_date,
    referred_year,
    resolve_year,
    roc_year,
    valid,
)

_TIME_OF_DAY_UNITS = ("hour", "minute", "second")  # PT…: a duration within a day
_PART_GROUPS = frozenset(("q", "qn", "mn", "ypart", "qthis", "qrel"))  # a part of a year: its year is needed


def _int(s: str | None) -> int | None:
    if not s:
        return None
    v = parse_number(s)
    if v is None or v != v.to_integral_value():
        return None
    return int(v)


def _day(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _interval(y: int, m1: int, d1: int, y2: int, m2: int, d2: int | None) -> tuple[str, str, str] | None:
    if d2 is None:
        d2 = last_day(y2, m2)
    if not (valid(y, m1, d1) and valid(y2, m2, d2)):
        return None
    a, b = _day(y, m1, d1), _day(y2, m2, d2)
    if a > b:
        return None
    return f"{a}/{b}", a, b


def build_time(rules: TimeRules, c: Candidate, text: str, published: str | None, *,
               taiwanese: bool = False) -> Draft | None:
    """The draft of a date or duration candidate; ``None`` when it is none, a ``veto`` draft
    when its span must not yield a shorter fact either (2019年2月29日). ``taiwanese``: the
    document reports from Taiwan (``pipeline.region``), where a bare 113年 is a
    Republic-of-China year."""
    if c.kind == "duration":
        return _duration(rules, c)
    return _date(rules, c, text, published, taiwanese)


# ---------------------------------------------------------------- durations


def _duration(rules: TimeRules, c: Candidate) -> Draft | None:
    g = c.groups
    unit = rules.duration_units.get(g.get("unit", ""))
    if unit is None:
        return None
    if ambiguous_cn(g.get("num", "")):
        return None  # 三五天: three to five, not 35
    n = parse_number(g["num"]) if g.get("num") else Decimal(0)  # 半年: no number but the half
    if n is None:
        return None
    if g.get("half"):
        n += Decimal("0.5")
    if n <= 0:
        return None
    letter, name = unit
    body = plain(n)
    value = f"PT{body}{letter}" if name in _TIME_OF_DAY_UNITS else f"P{body}{letter}"
    d = Draft("duration", c.start, c.end, value, "", c.rule.id, c.rule.priority, c.rule.order)
    d.extra = {"amount": n, "time_unit": name}
    if g.get("num2"):  # 三至五年: the value and amount give the lower bound
        n2 = parse_number(g["num2"])
        if n2 is None or n2 <= n:
            return None
        d.qualifier = "range"
        d.extra.update(low=n, high=n2)
    if g.get("inner") or g.get("inner2"):
        d.qualifier = "at_least"
    # 关键一年, 一个月: a lone 一 is mostly an article; 不到一个月 keeps it through its qualifier,
    # 为期一个月 through the word before it that announces a length of time (group ``lead``)
    d.weak_number = g.get("num") == "一" and not g.get("half") and not g.get("lead")
    return d


# ---------------------------------------------------------------- dates: the dispatcher


class _Where(NamedTuple):
    """A date candidate in its text, with the publication day and the rules to place it."""

    c: Candidate
    text: str
    pub: dt.date | None
    rules: TimeRules
    taiwanese: bool


@dataclass(slots=True)  # a working record: the steps of _placed fill it in, one after another
class _Parts:
    """A date's year, month and day (``None``: not given) as its relative words are placed,
    and its groups, rewritten where a word stands for a number (首季度 → ``q=1``)."""

    g: Mapping[str, str]
    y: int | None
    m: int | None
    day: int | None
    resolved: bool = True


class _Value(NamedTuple):
    """A date's ISO 8601 value, its granularity and its first and last day (when resolved)."""

    value: str
    granularity: str
    first: str | None = None
    last: str | None = None
    resolved: bool = True


def _date(rules: TimeRules, c: Candidate, text: str, published: str | None,
          taiwanese: bool) -> Draft | None:
    """Relative days and decades stand apart; every other date is placed, then shaped."""
    g = c.groups
    at = _Where(c, text, pub_date(published), rules, taiwanese)
    if is_clock(rules, text, c.start, c.end):
        return _veto(c)  # a page clock (今天是2024年3月5日 星期二): no date, and no part of it
    if g.get("relday"):
        return _relative_day(at)
    if g.get("dec") or g.get("cent"):
        return _decade_or_century(c, rules)
    parts = _placed(at)
    if parts is None or isinstance(parts, Draft):
        return parts
    shaped = _shape(parts, at)
    if shaped is None or isinstance(shaped, Draft):
        return shaped
    return _finish(parts, shaped, at)


def _finish(p: _Parts, v: _Value, at: _Where) -> Draft:
    """The draft of a shaped date, marked ``as_of`` after 截至 (the date a state is given for)."""
    c, text = at.c, at.text
    extra: dict[str, object] = {"granularity": v.granularity, "first": v.first, "last": v.last,
                                "resolved": v.resolved}
    if text[max(0, c.start - at.rules.as_of_reach):c.start].endswith(at.rules.as_of):
        extra["as_of"] = True
    d = Draft("date", c.start, c.end, v.value, "", c.rule.id, c.rule.priority, c.rule.order)
    d.extra = extra
    d.notes["year_given"] = p.g.get("y") is not None or p.g.get("roc") is not None or p.g.get("rel") is not None or p.g.get("relm") is not None
    return d


def _draft(c: Candidate, value: str, gran: str, first: str | None, last: str | None,
           resolved: bool = True) -> Draft:
    d = Draft("date", c.start, c.end, value, "", c.rule.id, c.rule.priority, c.rule.order)
    d.extra = {"granularity": gran, "first": first, "last": last, "resolved": resolved}
    return d


def _veto(c: Candidate) -> Draft:
    """An invalid date: the caller turns its span into a veto, so no shorter part survives."""
    return Draft("veto", c.start, c.end, None, "", c.rule.id, c.rule.priority, c.rule.order)


# ---------------------------------------------------------------- dates with no month: days, decades


def _relative_day(at: _Where) -> Draft | None:
    """昨天, 明天: a day counted from the publication date (none without one)."""
    if at.pub is None:
        return None
    try:
        day = at.pub + dt.timedelta(days=at.rules.rel_day.get(at.c.groups["relday"], 0))
    except OverflowError:  # 明天 of 9999-12-31
        return None
    if not valid(day.year, day.month, day.day):
        return None
    iso = day.isoformat()
    return _draft(at.c, iso, "day", iso, iso)


def _decade_or_century(c: Candidate, rules: TimeRules) -> Draft | None:
    """90年代 (the 1990s), 上世纪80年代, 21世纪, 本世纪."""
    g = c.groups
    cent = g.get("cent")
    century: int | None
    if cent is not None and cent in rules.century_words:
        century = rules.century_words[cent]  # 上世纪, 本世纪: as the words are used now
    elif cent:
        century = _int(cent)
        if century is None or not 1 <= century <= 30:
            return None
    else:
        century = None
    if g.get("dec"):
        dec = _int(g["dec"])
        if dec is None or dec % 10 or not 0 <= dec <= 90:
            return None
        base = (century - 1) * 100 if century else (1900 if dec >= 20 else 2000)
        y1 = base + dec
        if dec == 0 and century is None:
            return None
        return _draft(c, f"{y1:04d}/{y1 + 9:04d}", "interval", f"{y1:04d}-01-01", f"{y1 + 9:04d}-12-31")
    if century is None:
        return None
    y1 = (century - 1) * 100  # 18世纪 = the 1700s, as the word is used
    return _draft(c, f"{y1:04d}/{y1 + 99:04d}", "interval", f"{y1:04d}-01-01", f"{y1 + 99:04d}-12-31")


# ---------------------------------------------------------------- placing relative words


def _placed(at: _Where) -> _Parts | Draft | None:
    """The date's year, month and day with its relative words placed against the publication
    date; a day alone (29日) is built at once. ``None``: no date (今年 with no publication date).

    Each step places one kind of word in ``p`` and returns ``False`` when the date is none."""
    g = at.c.groups
    y = _given_year(at)
    if y is None and (g.get("y") or g.get("roc")):
        return None
    if y is not None and y < 100 and g.get("y") and len(g["y"]) == 2:
        return None
    p = _Parts(dict(g, q="1") if g.get("qfirst") else g, y, _int(g.get("m")), _int(g.get("d")))
    if g.get("occ"):
        occasion = at.rules.occasion_days.get(g["occ"])
        if occasion is None:
            return None
        p.m, p.day = occasion
    if not (_year_of_a_part(p, at) and _relative_quarter(p, at) and _this_quarter(p, at)
            and _first_months(p, at)):
        return None
    if p.day is not None and p.m is None and p.y is None and p.g.get("relm") is None:
        return _day_alone(p.day, _int(p.g.get("d2")) if p.g.get("d2") else None, at)
    if not (_relative_year(p, at) and _relative_month(p, at) and _year_of_a_month(p, at)):
        return None
    return p


def _given_year(at: _Where) -> int | None:
    """The year the date's text gives: 2024年, 二〇二三年, 民国113年 (= 2024), and a bare 113年
    only in a Taiwanese text (elsewhere it is 113 years)."""
    g, rules = at.c.groups, at.rules
    if g.get("roc"):
        n = _int(g["roc"])
        return roc_year(n) if n is not None and at.taiwanese else None
    y = g.get("y")
    if not y:
        return None
    era = rules.roc_era.match(y)
    if era:
        n = _int(y[era.end():])
        return roc_year(n) if n is not None and n > 0 else None
    return _int(y)


def _year_of_a_part(p: _Parts, at: _Where) -> bool:
    """一季度, 前三个月, 年底 with no year: the publication year, or the one before or after."""
    g, pub = p.g, at.pub
    if p.y is not None or g.get("rel") is not None or _PART_GROUPS.isdisjoint(g) or not any(
            g.get(k) for k in _PART_GROUPS):
        return True
    if pub is None:
        return False  # 一季度, 年底 with no publication date: no year to give them
    y = pub.year
    if g.get("qn") and 3 * (_int(g["qn"]) or 0) > pub.month:
        y -= 1  # 前三季度 sums quarters that are over: in a March article, last year's
    elif g.get("q") and 3 * (_int(g["q"]) or 0) < pub.month and future_marked(at.rules, at.text, at.c.start):
        y += 1  # 将在一季度 in a December article: next year's
    p.y = y
    return True


def _relative_quarter(p: _Parts, at: _Where) -> bool:
    """上季度, 下个季度: the quarter before or after the publication date's."""
    qrel = p.g.get("qrel")
    if not qrel:
        return True
    if at.pub is None:
        return False
    qq = (at.pub.month - 1) // 3 + at.rules.rel_quarter.get(qrel + "季度", 0)
    p.y, p.g = at.pub.year + qq // 4, dict(p.g, q=str(qq % 4 + 1))
    return True


def _this_quarter(p: _Parts, at: _Where) -> bool:
    """本季度: the publication date's quarter (none without one, even after 今年)."""
    if not p.g.get("qthis"):
        return True
    if at.pub is None:
        return False
    p.g = dict(p.g, q=str((at.pub.month - 1) // 3 + 1))
    return True


def _first_months(p: _Parts, at: _Where) -> bool:
    """前三个月: months 1 to *n*."""
    if not p.g.get("mn"):
        return True
    n = _int(p.g["mn"])
    if n is None or not 1 <= n <= 12:
        return False
    p.g, p.m = dict(p.g, m="1", m2=str(n)), 1
    return True


def _day_alone(day: int, day2: int | None, at: _Where) -> Draft | None:
    """29日 alone: the nearest such day on or before the publication date; 7日至9日: the span
    of days in the month of its first."""
    if not 1 <= day <= 31 or (day2 is not None and not day < day2 <= 31):
        return None
    pub = at.pub
    if pub is None:
        if day2 is not None:
            return _draft(at.c, f"---{day:02d}/---{day2:02d}", "interval", None, None, resolved=False)
        return _draft(at.c, f"---{day:02d}", "day", None, None, resolved=False)
    yy, mm = pub.year, pub.month
    if day > pub.day:
        yy, mm = (yy, mm - 1) if mm > 1 else (yy - 1, 12)
    if not valid(yy, mm, day):
        return None
    iso = _day(yy, mm, day)
    if day2 is None:
        return _draft(at.c, iso, "day", iso, iso)
    r = _interval(yy, mm, day, yy, mm, day2)
    return _draft(at.c, r[0], "interval", r[1], r[2]) if r else None


def _relative_year(p: _Parts, at: _Where) -> bool:
    """今年, 去年: the publication year moved (none without a publication date)."""
    rel = p.g.get("rel")
    if rel is None:
        return True
    if rel in at.rules.ref_year:  # 同年, 次年: the year of the date they refer back to
        ref = referred_year(at.rules, at.text, at.c.start, at.pub, at.taiwanese)
        p.y = None if ref is None else ref + at.rules.ref_year[rel]
        return p.y is not None
    if at.pub is None:
        return False  # 今年 with no publication date is not a fact
    p.y = at.pub.year + at.rules.rel_year.get(rel, 0)
    return True


def _relative_month(p: _Parts, at: _Where) -> bool:
    """上月, 本月: the publication month moved; 去年本月十日 moves the year first."""
    relm = p.g.get("relm")
    if relm is None:
        return True
    if at.pub is None:
        return False
    mm = at.pub.month - 1 + at.rules.rel_month.get(relm, 0)
    base = p.y if p.y is not None else at.pub.year
    p.y, p.m = base + mm // 12, mm % 12 + 1
    return True


def _year_of_a_month(p: _Parts, at: _Where) -> bool:
    """2月24日, 6月底: the year the time base gives a year-less month (timebase.resolve_year);
    without a publication date the date stays partial."""
    if p.y is not None or p.m is None:
        return True
    if at.pub is None:
        p.resolved = False
        return True
    g, c, text = p.g, at.c, at.text
    # a span of months (1—11月) is placed by its end: the latest that is over, in January
    # last year's (unless marked ahead)
    m_end = _int(g.get("m2")) if p.day is None and g.get("m2") and not g.get("d2") else None
    p.y = resolve_year(m_end or p.m, None if m_end else p.day, at.pub, future_marked(at.rules, text, c.start),
                       is_deadline(at.rules, text, c.start, c.end))
    return True



# ---------------------------------------------------------------- one function per shape


def _shape(p: _Parts, at: _Where) -> _Value | Draft | None:
    """The value of a placed date, by its shape."""
    g = p.g
    if not p.resolved:
        return _partial(p, at)
    if p.y is None:
        return _day_of_no_month(p)
    if g.get("q") or g.get("qn"):
        return _quarter(p, p.y)
    if g.get("ypart"):
        return _part_of_year(p, p.y, at.rules)
    if p.m is None:
        return _year(p, p.y)
    if p.day is None:
        return _month(p, p.y, p.m, at.rules)
    return _full_day(p, p.y, p.m, p.day, at)


def _partial(p: _Parts, at: _Where) -> _Value | Draft | None:
    """A year-less date with no publication date: --MM-DD, --MM, or an interval of partials."""
    g, m, day = p.g, p.m, p.day
    if m is None:
        return None
    if day is not None and g.get("d2"):
        d2 = _int(g.get("d2"))
        if d2 is None:
            return None
        m2 = _int(g.get("m2")) or m
        return _Value(f"--{m:02d}-{day:02d}/--{m2:02d}-{d2:02d}", "interval", resolved=False)
    if day is not None:
        if not (1 <= m <= 12 and 1 <= day <= last_day(2000, m)):  # 2000: 2月29日 exists
            return _veto(at.c)  # 2月30日: no day, and no part of it either
        return _Value(f"--{m:02d}-{day:02d}", "day", resolved=False)
    if not 1 <= m <= 12:
        return None
    if g.get("part"):
        part = at.rules.month_parts.get(g["part"])
        if part is None:
            return None
        lo, hi = part
        return _Value(f"--{m:02d}-{lo:02d}/--{m:02d}-{hi or last_day(2001, m):02d}", "interval", resolved=False)
    return _Value(f"--{m:02d}", "month", resolved=False)


def _day_of_no_month(p: _Parts) -> _Value | None:
    d = _int(p.g.get("d"))
    if d is None or not 1 <= d <= 31:
        return None
    return _Value(f"---{d:02d}", "day", resolved=False)


def _quarter(p: _Parts, y: int) -> _Value | None:
    """一季度 (its three months), 前三季度 (months 1-9), 四季度初 / 一季度末 (one month)."""
    g = p.g
    if g.get("qn"):
        n = _int(g["qn"])
        if n is None or not 1 <= n <= 4:
            return None
        r = _interval(y, 1, 1, y, 3 * n, None)
    else:
        q = _int(g["q"])
        if q is None or not 1 <= q <= 4:
            return None
        lo_m, hi_m = 3 * q - 2, 3 * q
        if g.get("qpart") == "初":  # 四季度初: its first month
            hi_m = lo_m
        elif g.get("qpart") == "末":  # 一季度末: its last month
            lo_m = hi_m
        r = _interval(y, lo_m, 1, y, hi_m, None)
    return _Value(r[0], "interval", r[1], r[2]) if r else None


def _part_of_year(p: _Parts, y: int, rules: TimeRules) -> _Value | None:
    """年初, 上半年: the months of the part; 年底: December from the 21st."""
    part = rules.year_parts.get(p.g["ypart"])
    if part is None:
        return None
    m1, d1, m2, d2 = part
    r = _interval(y, m1, d1, y, m2, d2)
    return _Value(r[0], "interval", r[1], r[2]) if r else None


def _year(p: _Parts, y: int) -> _Value | None:
    """2024年, or a span of years 2021—2025年."""
    y2 = _int(p.g.get("y2"))
    if not 1000 <= y <= 2999:
        return None
    if y2 is None:
        return _Value(f"{y:04d}", "year", f"{y:04d}-01-01", f"{y:04d}-12-31")
    if not y < y2 <= 2999:
        return None
    return _Value(f"{y:04d}/{y2:04d}", "interval", f"{y:04d}-01-01", f"{y2:04d}-12-31")


def _month(p: _Parts, y: int, m: int, rules: TimeRules) -> _Value | None:
    """2024年3月, a part of it (3月下旬), or a span of months (1—11月)."""
    g = p.g
    m2 = _int(g.get("m2"))
    if g.get("part"):
        part = rules.month_parts.get(g["part"])
        if part is None or not valid(y, m):
            return None
        r = _interval(y, m, part[0], y, m, part[1])
        return _Value(r[0], "interval", r[1], r[2]) if r else None
    if m2 is not None:
        if not (valid(y, m) and valid(y, m2) and m < m2):
            return None
        first, last = _day(y, m, 1), _day(y, m2, last_day(y, m2))
        return _Value(f"{y:04d}-{m:02d}/{y:04d}-{m2:02d}", "interval", first, last)
    if not valid(y, m):
        return None
    return _Value(f"{y:04d}-{m:02d}", "month", _day(y, m, 1), _day(y, m, last_day(y, m)))


def _full_day(p: _Parts, y: int, m: int, day: int, at: _Where) -> _Value | Draft | None:
    """2024年3月8日, a span of days (3月1日至5日), or a day with its time (下午3点20分)."""
    g = p.g
    if not valid(y, m, day):
        # 2019年2月29日 is no date, and no part of it should stand in for one
        return _veto(at.c)
    d2 = _int(g.get("d2"))
    if d2 is not None:
        r = _interval(y, m, day, _int(g.get("y2")) or y, _int(g.get("m2")) or m, d2)
        return _Value(r[0], "interval", r[1], r[2]) if r else None
    iso = _day(y, m, day)
    clock = _time_of_day(g, at.rules)
    if clock is None:
        return _Value(iso, "day", iso, iso)
    return _Value(f"{iso}T{clock}", "minute", iso, iso)


def _time_of_day(g: Mapping[str, str], rules: TimeRules) -> str | None:
    """``HH:MM`` of a time after a day: 09:35, 下午3点20分 = 15:20, 下午3时 = 15:00; with its
    seconds when given, ``HH:MM:SS`` (08:05:47)."""
    hh, mi, ss = _int(g.get("hh")), _int(g.get("mi")), _int(g.get("ss"))
    if hh is not None and mi is None and g.get("ampm"):
        mi = 0  # 下午3时
    if hh is not None and hh < 12 and g.get("ampm") in rules.afternoon:
        hh += 12  # 下午3点20分 = 15:20
    if hh is not None and mi is not None and 0 <= hh <= 23 and 0 <= mi <= 59:
        if ss is not None and 0 <= ss <= 59:
            return f"{hh:02d}:{mi:02d}:{ss:02d}"
        return f"{hh:02d}:{mi:02d}"
    return None
