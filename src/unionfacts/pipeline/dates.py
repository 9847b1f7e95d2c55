"""Date and duration builders: Candidate → Draft with an ISO 8601 value.

Date groups a rule may capture: ``y m d hh mi`` (a point), ``y2 m2 d2`` (the end of a span),
``part`` (上旬/中旬/下旬/初/底/末 of a month), ``ypart`` (年初/年底/上半年/下半年 of a year),
``q`` (a quarter) or ``qn`` (the first *n* quarters, 前三季度), ``rel`` (今年/去年/明年…),
``relm`` (上月/本月/下月). Duration groups: ``num``, ``inner``/``inner2`` (多/余), ``half``
(半), ``unit``, ``lead`` (为期, 历时: a lone 一 after it is a real number), ``num2`` (the
upper end of a range: 三至五年).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from unionfacts.pipeline.candidates import Candidate
from unionfacts.pipeline.numbers import ambiguous_cn, parse_number, plain
from unionfacts.pipeline.builders import Draft
from unionfacts.pipeline.timebase import REL_DAY as _REL_DAY, REL_MONTH as _REL_MONTH, REL_QUARTER, REL_YEAR as _REL_YEAR
from unionfacts.pipeline.timebase import future_marked, is_deadline, last_day, pub_date, resolve_year, valid

_PART = {"上旬": (1, 10), "初": (1, 10), "月初": (1, 10), "中旬": (11, 20), "中": (11, 20),
         "上中旬": (1, 20), "中下旬": (11, None), "下旬": (21, None), "底": (21, None), "末": (21, None), "月底": (21, None), "月末": (21, None)}
_YPART = {"年初": (1, 1, 3, None), "初": (1, 1, 3, None), "年中": (6, 1, 7, None),
          "年底": (12, 1, 12, None), "年末": (12, 1, 12, None), "底": (12, 1, 12, None),
          "末": (12, 1, 12, None), "上半年": (1, 1, 6, None), "下半年": (7, 1, 12, None)}
_DUR_UNIT = {"年": ("Y", "year"), "周年": ("Y", "year"), "月": ("M", "month"), "个月": ("M", "month"),
             "周": ("W", "week"), "星期": ("W", "week"), "个星期": ("W", "week"), "天": ("D", "day"),
             "日": ("D", "day"), "小时": ("H", "hour"), "个小时": ("H", "hour"), "钟头": ("H", "hour"),
             "个钟头": ("H", "hour"), "分钟": ("M", "minute"), "分": ("M", "minute"),
             "秒": ("S", "second"), "秒钟": ("S", "second")}
_AFTERNOON = ("下午", "晚上", "晚")  # a time of day after these is past noon


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


def build_time(c: Candidate, text: str, published: str | None) -> Draft | None:
    if c.kind == "duration":
        return _duration(c)
    return _date(c, text, published)


def _duration(c: Candidate) -> Draft | None:
    g = c.groups
    unit = g.get("unit", "")
    if unit not in _DUR_UNIT:
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
    letter, name = _DUR_UNIT[unit]
    body = plain(n)
    value = f"PT{body}{letter}" if name in ("hour", "minute", "second") else f"P{body}{letter}"
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


def _draft(c: Candidate, value: str, gran: str, first: str | None, last: str | None,
           resolved: bool = True) -> Draft:
    d = Draft("date", c.start, c.end, value, "", c.rule.id, c.rule.priority, c.rule.order)
    d.extra = dict(granularity=gran, first=first, last=last, resolved=resolved)
    return d


def _veto(c: Candidate) -> Draft:
    """An invalid date: the caller turns its span into a veto, so no shorter part survives."""
    return Draft("veto", c.start, c.end, None, "", c.rule.id, c.rule.priority, c.rule.order)


def _special(c: Candidate, g: dict[str, str], pub: dt.date | None) -> Draft | None | bool:
    """Relative days, decades and centuries; ``False`` when the candidate is none of these."""
    if g.get("relday"):
        if pub is None:
            return None
        day = pub + dt.timedelta(days=_REL_DAY[g["relday"]])
        iso = day.isoformat()
        return _draft(c, iso, "day", iso, iso)
    if g.get("dec") or g.get("cent"):
        cent = g.get("cent")
        if cent in ("上", "上个"):
            century = 20
        elif cent in ("本",):
            century = 21
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
        y1 = (century - 1) * 100  # 18世纪 = the 1700s, as the word is used
        return _draft(c, f"{y1:04d}/{y1 + 99:04d}", "interval", f"{y1:04d}-01-01", f"{y1 + 99:04d}-12-31")
    return False


def _date(c: Candidate, text: str, published: str | None) -> Draft | None:
    g = c.groups
    pub = pub_date(published)
    special = _special(c, g, pub)
    if special is not False:
        return special
    y = _int(g.get("y"))
    m = _int(g.get("m"))
    day = _int(g.get("d"))
    extra: dict = {}
    if y is not None and y < 100 and g.get("y") and len(g["y"]) == 2:
        return None
    if g.get("qfirst"):
        g = dict(g, q="1")
    if y is None and g.get("rel") is None and (g.get("q") or g.get("qn") or g.get("mn") or g.get("ypart")
                                               or g.get("qthis") or g.get("qrel")):
        if pub is None:
            return None  # 一季度, 年底 with no publication date: no year to give them
        y = pub.year
        if g.get("qn") and 3 * (_int(g["qn"]) or 0) > pub.month:
            y -= 1  # 前三季度 sums quarters that are over: in a March article, last year's
        elif g.get("q") and 3 * (_int(g["q"]) or 0) < pub.month and future_marked(text, c.start):
            y += 1  # 将在一季度 in a December article: next year's
    if g.get("qrel"):
        if pub is None:
            return None
        qq = (pub.month - 1) // 3 + REL_QUARTER.get(g["qrel"] + "季度", 0)
        y = pub.year + qq // 4
        g = dict(g, q=str(qq % 4 + 1))
    if g.get("qthis"):
        g = dict(g, q=str((pub.month - 1) // 3 + 1))
    if g.get("mn"):
        n = _int(g["mn"])
        if n is None or not 1 <= n <= 12:
            return None
        g = dict(g, m="1", m2=str(n))
        m = 1
    if day is not None and m is None and y is None and g.get("relm") is None:
        # 29日 alone: the nearest such day on or before the publication date
        if not 1 <= day <= 31:
            return None
        if pub is None:
            return _draft(c, f"---{day:02d}", "day", None, None, resolved=False)
        yy, mm = pub.year, pub.month
        if day > pub.day:
            yy, mm = (yy, mm - 1) if mm > 1 else (yy - 1, 12)
        if day > last_day(yy, mm):
            return None
        iso = _day(yy, mm, day)
        return _draft(c, iso, "day", iso, iso)
    rel = g.get("rel")
    if rel is not None:
        if pub is None:
            return None  # 今年 with no publication date is not a fact
        y = pub.year + _REL_YEAR.get(rel, 0)
    relm = g.get("relm")
    if relm is not None:
        if pub is None:
            return None
        mm = pub.month - 1 + _REL_MONTH.get(relm, 0)
        base = y if y is not None else pub.year  # 去年本月十日: the year moved first
        y, m = base + mm // 12, mm % 12 + 1
    resolved = True
    if y is None and m is not None:
        if pub is None:
            resolved = False
        else:
            # a span of months (1—11月) is placed by its end: the latest that is over, in January
            # last year's (unless marked ahead)
            m_end = _int(g.get("m2")) if day is None and g.get("m2") and not g.get("d2") else None
            y = resolve_year(m_end or m, None if m_end else day, pub, future_marked(text, c.start),
                             is_deadline(text, c.start, c.end))
    value = first = last = None
    gran = "day"
    if not resolved:
        # partial: --MM-DD, --MM, or an interval of partials
        if day is not None and g.get("d2"):
            d2 = _int(g.get("d2"))
            m2 = _int(g.get("m2")) or m
            value = f"--{m:02d}-{day:02d}/--{m2:02d}-{d2:02d}"
            gran = "interval"
        elif day is not None:
            if not (1 <= m <= 12 and 1 <= day <= last_day(2000, m)):  # 2000: 2月29日 exists
                return _veto(c)  # 2月30日: no day, and no part of it either
            value = f"--{m:02d}-{day:02d}"
        elif g.get("part"):
            lo, hi = _PART[g["part"]]
            value = f"--{m:02d}-{lo:02d}/--{m:02d}-{hi or last_day(2001, m):02d}"
            gran = "interval"
        else:
            if not 1 <= m <= 12:
                return None
            value = f"--{m:02d}"
            gran = "month"
    elif y is None:
        d_ = _int(g.get("d"))
        if d_ is None or not 1 <= d_ <= 31:
            return None
        value, gran, resolved = f"---{d_:02d}", "day", False
    elif g.get("q") or g.get("qn"):
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
        if r is None:
            return None
        value, first, last = r
        gran = "interval"
    elif g.get("ypart"):
        m1, d1, m2, _ = _YPART[g["ypart"]]
        r = _interval(y, m1, d1, y, m2, None)
        if r is None:
            return None
        value, first, last = r
        gran = "interval"
    elif m is None:
        y2 = _int(g.get("y2"))
        if not 1000 <= y <= 2999:
            return None
        if y2 is not None:
            if not y < y2 <= 2999:
                return None
            value, first, last = f"{y:04d}/{y2:04d}", f"{y:04d}-01-01", f"{y2:04d}-12-31"
            gran = "interval"
        else:
            value, first, last = f"{y:04d}", f"{y:04d}-01-01", f"{y:04d}-12-31"
            gran = "year"
    elif day is None:
        m2 = _int(g.get("m2"))
        if g.get("part"):
            lo, hi = _PART[g["part"]]
            r = _interval(y, m, lo, y, m, hi)
            if r is None:
                return None
            value, first, last = r
            gran = "interval"
        elif m2 is not None:
            if not (valid(y, m) and valid(y, m2) and m < m2):
                return None
            r = _interval(y, m, 1, y, m2, None)
            value, first, last = r
            value = f"{y:04d}-{m:02d}/{y:04d}-{m2:02d}"
            gran = "interval"
        else:
            if not valid(y, m):
                return None
            value, first, last = f"{y:04d}-{m:02d}", _day(y, m, 1), _day(y, m, last_day(y, m))
            gran = "month"
    else:
        if not valid(y, m, day):
            # 2019年2月29日 is no date, and no part of it should stand in for one
            return _veto(c)
        d2 = _int(g.get("d2"))
        if d2 is not None:
            m2 = _int(g.get("m2")) or m
            y2 = _int(g.get("y2")) or y
            r = _interval(y, m, day, y2, m2, d2)
            if r is None:
                return None
            value, first, last = r
            gran = "interval"
        else:
            value = first = last = _day(y, m, day)
            hh, mi = _int(g.get("hh")), _int(g.get("mi"))
            if hh is not None and mi is None and g.get("ampm"):
                mi = 0  # 下午3时
            if hh is not None and hh < 12 and g.get("ampm") in _AFTERNOON:
                hh += 12  # 下午3点20分 = 15:20
            if hh is not None and mi is not None and 0 <= hh <= 23 and 0 <= mi <= 59:
                value = f"{value}T{hh:02d}:{mi:02d}"
                gran = "minute"
    if value is None:
        return None
    extra.update(granularity=gran, first=first, last=last, resolved=resolved)
    if text[max(0, c.start - 3):c.start].endswith(("截至", "截止", "截止到", "截至到")):
        extra["as_of"] = True
    d = Draft("date", c.start, c.end, value, "", c.rule.id, c.rule.priority, c.rule.order)
    d.extra = extra
    d.notes["year_given"] = g.get("y") is not None or rel is not None or relm is not None
    return d

