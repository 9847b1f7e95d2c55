"""The document's time base: the time stages' compiled rules and date arithmetic.

Policy for year-less dates (``2月24日``) when a publication date is known: the nearest
occurrence on or before the publication date, unless the text marks it as ahead — a future
marker (将, 将于, 拟, 计划, 预计, 定于, 要在, 需在, 应于) just before the date, or a plan or
deadline verb (要求, 确保, 力争, 争取, 务必) earlier in its clause — then the nearest occurrence on
or after it. A deadline (6月底前完成) lies ahead unless it passed within the last quarter or its
clause says it is met (已). These words are lexicons of ``patterns/time_words.yaml``
(``future_marker``, ``future_clause``, ``deadline_after``, ``deadline_met``) that a user pack
extends; :func:`compile_time_rules` compiles them once per pattern set. Without a publication date nothing is resolved: the value stays partial
(``--02-24``) and relative years (今年) are not facts. Nothing ever falls back to today's date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

from unionfacts.errors import PatternError
from unionfacts.rules.packs import PatternSet, require_lexicons

#: The lexicons whose words open a date figure with no numeral before them (candidates.py): the
#: relative date words, word → offset from the publication date, in years, months, days and
#: quarters (今年 0, 去年 -1, 明天 1, 上季度 -1), the years named by reference (同年), the era of
#: Republic-of-China years (民国) and the day words before a bracketed day (今(29)日).
REL_LEXICONS = ("rel_year", "rel_month", "rel_day", "rel_quarter", "ref_year", "roc_era", "paren_day")
# Every lexicon compile_time_rules reads (patterns/time_words.yaml, duration.yaml); the header
# ones are read by the metadata finders through TimeRules.
require_lexicons(__name__, (
    *REL_LEXICONS, "century_word", "future_marker", "future_clause", "deadline_after",
    "deadline_after_not", "deadline_met", "as_of", "afternoon", "duration_unit", "month_part",
    "year_part", "published_label", "dateline_source", "source_label", "author_label",
    "author_label_not_after", "title_label", "crumb_lead", "chrome_label", "chrome_phrase",
    "chrome_button", "header_meta", "marker_break", "occasion_day", "roc_era", "paren_day",
    "clock_label", "weekday"))
# How far before a date its markers are sought: a future marker right before it (将于), a plan
# or deadline verb earlier in its clause (要求各地在…), a 已 that says a deadline is met.
_FUTURE_REACH = 6
_FUTURE_CLAUSE_REACH = 16
_DONE_REACH = 10
# How far back a year named by reference (同年, 次年) looks for the year it refers to; a page
# clock sits among the first characters of a page.
_REF_REACH = 300
_CLOCK_HEAD = 400
_CLOCK_LABEL_REACH = 8
_CLOCK_LINES = 2  # a weekday date is a clock only on one of the first lines of a page
_TIME_AFTER = regex.compile(r"\s*(?:上午|下午|晚上|早上|凌晨|中午)?\s*[0-2]?[0-9][:：][0-5][0-9]")
_ROC_OFFSET = 1911  # 民国1年 = 1912


@dataclass(frozen=True, slots=True)
class TimeRules:
    """Everything the time stages read from a pattern set, compiled once per set.

    The word lists live in ``patterns/time_words.yaml``; a user pack extends any of them (a
    new future marker, a new dateline source) by naming the lexicon again with more words.
    """

    rel_year: Mapping[str, int]
    rel_month: Mapping[str, int]
    rel_day: Mapping[str, int]
    rel_quarter: Mapping[str, int]
    century_words: Mapping[str, int]
    """A word before 世纪 → the century it names: 上 → 20, 本 → 21."""
    future: regex.Pattern[str]
    """A future marker right before a date, up to its end: 将于, 拟, 要在."""
    future_clause: regex.Pattern[str]
    """A plan or deadline verb earlier in the clause, up to its end: 要求, 确保, 截止日期."""
    deadline: regex.Pattern[str]
    """A deadline right after a date: 前, 之前 (not 前后, 前夕)."""
    deadline_met: regex.Pattern[str]
    """A word earlier in the clause that says the deadline is met: 已, 曾."""
    as_of: tuple[str, ...]
    """Words right before a date that make it the date of a figure's state: 截至."""
    as_of_reach: int
    afternoon: frozenset[str]
    """Parts of the day after which a time of day is past noon: 下午3点 = 15:00."""
    duration_units: Mapping[str, tuple[str, str]]
    """A duration's unit word → (ISO 8601 letter, unit name): 个月 → (M, month)."""
    month_parts: Mapping[str, tuple[int, int | None]]
    """A part of a month → its first and last day (None: the month's last): 下旬 → (21, None)."""
    year_parts: Mapping[str, tuple[int, int, int, int | None]]
    """A part of a year → its first month and day, last month and day (None: the month's last):
    上半年 → (1, 1, 6, None), 年底 → (12, 21, 12, None)."""
    ref_year: Mapping[str, int]
    """A year named by reference → years after the year it refers to: 同年 0, 次年 1."""
    ref_anchor: regex.Pattern[str]
    """A year a reference word may refer back to (2022年, 二〇一七年, 民国105年, a bare 108年 in
    a Taiwanese text), or another reference word or relative year (同年, 去年) in the chain."""
    occasion_days: Mapping[str, tuple[int, int]]
    """A day named by an occasion → (month, day): 国庆节 → (10, 1)."""
    roc_era: regex.Pattern[str]
    """The era word of a Republic-of-China year at the start of a year's text: 民国."""
    """Words that mark a text as Taiwanese: 中央社, 新台币, 台北."""
    clock_before: regex.Pattern[str]
    """A clock widget's label, up to a date: 今天是："""
    clock_after: regex.Pattern[str]
    """A weekday right after a date: 星期二."""
    labeled: regex.Pattern[str]
    """A labelled full date in a header: 发布时间：2024-03-05, 【发布日期】2024-11-05."""
    dateline: regex.Pattern[str]
    """A news agency's dateline with month and day: 新华社北京3月15日电."""
    source: regex.Pattern[str]
    """A source label and its value: 来源：工人日报."""
    author: regex.Pattern[str]
    """An author label and the name after it: 作者：张三, （记者 王芳）, 文/李四."""
    title_label: regex.Pattern[str]
    """A label before a title: 原标题：."""
    crumb: regex.Pattern[str]
    """A breadcrumb or location line of site chrome: 首页 > 工会动态 > 正文."""
    chrome_line: regex.Pattern[str]
    """A toolbar or byline line of site chrome: 字号：大 中 小, 分享到：, 【打印】, 来源：…."""
    header_meta: regex.Pattern[str]
    """What may follow a header's date on its line and leave it the publication date: 来源, |."""


#: A full date in a page header, with an optional time: 2024年02月22日09:35, 2024-03-05 16:42,
#: and as text extracted from PDF gives it: 2024 年 / 3 月 / 20 日.
HEADER_DATE = (
    r"(?P<y>(?:19|20)[0-9]{2})\s?(?:年\s?(?:/\s?)?(?P<m>[01]?[0-9])\s?月\s?(?:/\s?)?(?P<d>[0-3]?[0-9])\s?日"
    r"|(?P<sep>[-./])(?P<m>[01]?[0-9])(?P=sep)(?P<d>[0-3]?[0-9])(?![0-9]))"
    r"(?:\s*(?P<hh>[0-2]?[0-9])[:：](?P<mi>[0-5][0-9])(?:[:：](?P<ss>[0-5][0-9]))?)?"
)
_UNIT_LETTERS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M",
                 "second": "S"}


def _lexicon(pset: PatternSet, name: str) -> dict[str, str]:
    words = pset.lexicons.get(name)
    if not words:
        raise PatternError(f"the time stages need the lexicon {name!r}, which no pack gives")
    return words


def _alternation(pset: PatternSet, name: str) -> str:
    """The words of a lexicon as a regex alternation, longest first; a space in a word stands
    for any one whitespace character (来 源)."""
    words = sorted(_lexicon(pset, name), key=len, reverse=True)
    return "(?:" + "|".join(regex.escape(w).replace("\\ ", r"\s") for w in words) + ")"


def _ints(pset: PatternSet, name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for word, value in _lexicon(pset, name).items():
        try:
            out[word] = int(value)
        except ValueError:
            raise PatternError(f"lexicon {name!r}: {word!r} needs a whole number, not {value!r}") from None
    return out


def _span(name: str, word: str, value: str, top: int) -> tuple[int, int | None]:
    """``'21-'`` → (21, None), ``'1-10'`` → (1, 10): a first and last day or month, each at
    most ``top``; no last is the last of the month (or the first again, for months)."""
    lo, _, hi = value.partition("-")
    try:
        first, last = int(lo), int(hi) if hi else None
    except ValueError:
        first, last = 0, None
    if not 1 <= first <= (last if last is not None else top) <= top:
        raise PatternError(f"lexicon {name!r}: {word!r} needs 'first-last' within 1-{top}, not {value!r}")
    return first, last


def _duration_units(pset: PatternSet) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for word, unit in _lexicon(pset, "duration_unit").items():
        if unit not in _UNIT_LETTERS:
            raise PatternError(f"lexicon 'duration_unit': {word!r} needs one of "
                               f"{', '.join(_UNIT_LETTERS)}, not {unit!r}")
        out[word] = (_UNIT_LETTERS[unit], unit)
    return out


def _month_day(name: str, word: str, value: str) -> tuple[int, int | None]:
    """``'12.21'`` → (12, 21), ``'6'`` → (6, None): a month, with an optional day after a dot."""
    m, _, d = value.partition(".")
    try:
        month, day = int(m), int(d) if d else None
    except ValueError:
        month, day = 0, None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= last_day(2000, month)):
        raise PatternError(f"lexicon {name!r}: {word!r} needs months 'M[.D]-M[.D]', not {value!r}")
    return month, day


def _year_parts(pset: PatternSet) -> dict[str, tuple[int, int, int, int | None]]:
    out: dict[str, tuple[int, int, int, int | None]] = {}
    for word, value in _lexicon(pset, "year_part").items():
        lo, _, hi = value.partition("-")
        m1, d1 = _month_day("year_part", word, lo)
        m2, d2 = _month_day("year_part", word, hi) if hi else (m1, None)
        if (m1, d1 or 1) > (m2, d2 or 31):
            raise PatternError(f"lexicon 'year_part': {word!r} ends before it starts: {value!r}")
        out[word] = (m1, d1 or 1, m2, d2)
    return out


def _occasion_days(pset: PatternSet) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for word, value in _lexicon(pset, "occasion_day").items():
        m, _, d = value.partition("-")
        try:
            month, day = int(m), int(d)
        except ValueError:
            month, day = 0, 0
        if not (1 <= month <= 12 and 1 <= day <= last_day(2000, month)):
            raise PatternError(f"lexicon 'occasion_day': {word!r} needs a month-day 'M-D', not {value!r}")
        out[word] = (month, day)
    return out


def compile_time_rules(pset: PatternSet) -> TimeRules:
    """The time stages' rules of a pattern set; build once per set and pass to the stages."""
    alt = functools.partial(_alternation, pset)
    as_of = tuple(_lexicon(pset, "as_of"))
    not_break = "[^" + regex.escape("".join(sorted(_lexicon(pset, "marker_break")))) + "]*"
    year_word = "(?:" + alt("rel_year") + "|" + alt("ref_year") + ")"
    return TimeRules(
        rel_year=_ints(pset, "rel_year"), rel_month=_ints(pset, "rel_month"),
        rel_day=_ints(pset, "rel_day"), rel_quarter=_ints(pset, "rel_quarter"),
        century_words=_ints(pset, "century_word"),
        future=regex.compile(alt("future_marker") + r"\s*$"),
        future_clause=regex.compile(alt("future_clause") + not_break + "$"),
        deadline=regex.compile(r"\s?" + alt("deadline_after") + "(?!" + alt("deadline_after_not") + ")"),
        deadline_met=regex.compile(alt("deadline_met") + not_break + "$"),
        as_of=as_of, as_of_reach=max(map(len, as_of)),
        afternoon=frozenset(_lexicon(pset, "afternoon")),
        duration_units=_duration_units(pset),
        month_parts={w: _span("month_part", w, v, 31) for w, v in _lexicon(pset, "month_part").items()},
        year_parts=_year_parts(pset),
        ref_year=_ints(pset, "ref_year"),
        ref_anchor=regex.compile(
            r"(?P<y>(?<![0-9])(?:1[0-9]|20)[0-9]{2}|[一二][〇零○o九][〇零○o一二三四五六七八九]{2})\s?年(?!代)"
            r"|" + alt("roc_era") + r"\s?(?P<roc>[0-9]{1,3})\s?年|(?<![0-9.])(?P<bare>1[0-2][0-9])\s?年(?!代|来)"
            r"|(?P<word>" + year_word + ")"),
        occasion_days=_occasion_days(pset),
        roc_era=regex.compile(alt("roc_era") + r"\s?"),
        clock_before=regex.compile(alt("clock_label") + r"\s?[:：]?\s*$"),
        clock_after=regex.compile(r"[ \t\u3000]*" + alt("weekday")),
        labeled=regex.compile(alt("published_label") + r"\s?[】\]]?\s?[:：]?\s?" + HEADER_DATE),
        dateline=regex.compile(alt("dateline_source")
                               + r"[^\n，,。]{0,12}?(?P<m>[01]?[0-9])月(?P<d>[0-3]?[0-9])日电?"),
        source=regex.compile(alt("source_label") + r"\s?[:：]\s?(?P<v>[\p{Han}A-Za-z·]{2,20})"),
        author=regex.compile(r"(?<!" + alt("author_label_not_after") + ")" + alt("author_label")
                             + r"\s?[:：/ ]\s?(?P<v>[\p{Han}·]{2,4})(?![\p{Han}])"),
        title_label=regex.compile(alt("title_label") + r"\s?[:：]\s?"),
        crumb=regex.compile(r"\s>\s|＞|>>|^" + alt("crumb_lead")),
        chrome_line=regex.compile(alt("chrome_label") + r"\s?[:：]|" + alt("chrome_phrase")
                                  + r"|[【\[]" + alt("chrome_button")
                                  + r"|[【\[]\s*[大中小]\s*[】\]]|大\s+中\s+小"),
        header_meta=regex.compile(alt("header_meta") + r"|\s"),
    )


def parse_published(value: Any) -> str:
    """A caller's publication date (ISO string, ``date`` or ``datetime``) → ISO string."""
    if isinstance(value, dt.datetime):
        return _iso(value, "minute")
    if isinstance(value, dt.date):
        return _iso(value, "day")
    if not isinstance(value, str):
        raise TypeError(f"published must be an ISO date string, date or datetime, not {type(value).__name__}")
    v = value.strip()
    # ISO 8601 with seconds' fractions, Z or an offset: the wall-clock date-time in that offset
    m = regex.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})(?::[0-9]{2}(?:[.,][0-9]+)?)?"
                        r"(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?", v)
    if m:
        try:
            return _iso(dt.datetime.strptime(f"{m[1]}T{m[2]}", "%Y-%m-%dT%H:%M"), "minute")
        except ValueError:
            raise ValueError(f"published: not an ISO 8601 date: {value!r}") from None
    for fmt, precision in (("%Y-%m-%dT%H:%M:%S", "minute"), ("%Y-%m-%dT%H:%M", "minute"),
                           ("%Y-%m-%d %H:%M", "minute"), ("%Y-%m-%d", "day"), ("%Y-%m", "month"),
                           ("%Y", "year")):
        try:
            return _iso(dt.datetime.strptime(v, fmt), precision)
        except ValueError:
            continue
    raise ValueError(f"published: not an ISO 8601 date: {value!r}")


def _iso(t: dt.date, precision: str) -> str:
    """``t`` in ISO 8601 to this precision, the year always four digits (``strftime("%Y")``
    writes the year 1 as ``1``)."""
    out = f"{t.year:04d}"
    if precision != "year":
        out += f"-{t.month:02d}"
    if precision in ("day", "minute"):
        out += f"-{t.day:02d}"
    if precision == "minute" and isinstance(t, dt.datetime):
        out += f"T{t.hour:02d}:{t.minute:02d}"
    return out


@functools.lru_cache(maxsize=256)  # one value per document, read for each of its dates
def pub_date(published: str | None) -> dt.date | None:
    """The calendar day of a publication value; a year or month alone gives its first day."""
    if not published:
        return None
    p = published[:10]
    try:
        if len(p) == 4:
            return dt.date(int(p), 1, 1)
        if len(p) == 7:
            return dt.date(int(p[:4]), int(p[5:7]), 1)
        return dt.date.fromisoformat(p)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)  # calendar.monthrange works out the weekday too
def last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def valid(y: int, m: int, d: int | None = None) -> bool:
    if not (1 <= m <= 12) or not (1000 <= y <= 2999):
        return False
    return d is None or 1 <= d <= last_day(y, m)


_DEADLINE_PASSED_DAYS = 92


def resolve_year(m: int, d: int | None, pub: dt.date, future: bool, deadline: bool = False) -> int:
    """The year of a year-less month(-day): nearest past occurrence, or future when marked. A
    ``deadline`` (6月底前完成) lies ahead, unless it passed within the last quarter (a report
    of work done by then)."""
    if deadline and not future:
        past = resolve_year(m, d, pub, False)
        if past < dt.MINYEAR:
            return past  # a publication date in the year 1: no date before it to measure from
        gone = (pub - dt.date(past, m, min(d or 1, last_day(past, m)))).days
        return past if gone <= _DEADLINE_PASSED_DAYS else resolve_year(m, d, pub, True)
    day = d or 1
    y = pub.year
    if d == 29 and m == 2:
        # 2月29日: the nearest leap year on or before (after, when marked) the publication year
        step = 1 if future else -1
        while not calendar.isleap(y):
            y += step
        return y
    try:
        cand = dt.date(y, m, min(day, last_day(y, m)))
    except ValueError:
        return y
    if future:
        return y if cand >= pub.replace(day=1) or (cand.month == pub.month) else y + 1
    if cand > pub and not (d is None and m == pub.month):
        return y - 1
    return y


def is_deadline(rules: TimeRules, text: str, start: int, end: int) -> bool:
    """Whether the year-less date at ``[start, end)`` is a deadline still to meet (…前, and no
    已 before it in the clause), see ``resolve_year``."""
    return (rules.deadline.match(text, end) is not None
            and not rules.deadline_met.search(text, max(0, start - _DONE_REACH), start))


def future_marked(rules: TimeRules, text: str, start: int) -> bool:
    """Whether the text says a year-less date lies ahead of the publication date."""
    return bool(rules.future.search(text, max(0, start - _FUTURE_REACH), start)
                or rules.future_clause.search(text, max(0, start - _FUTURE_CLAUSE_REACH), start))


def is_clock(rules: TimeRules, text: str, start: int, end: int) -> bool:
    """Whether the date at ``[start, end)`` is a page clock or today's-date widget: after a
    clock label (今天是：2024年3月5日), or opening one of the first lines of the page with a
    weekday and no time after it (2024年3月5日 星期二; an article's own date line keeps its time:
    2024年8月26日 週一 下午3:20). It is neither a fact nor the publication date."""
    line_start = text.rfind("\n", max(0, start - _CLOCK_HEAD), start) + 1
    if rules.clock_before.search(text, max(line_start, start - _CLOCK_LABEL_REACH), start):
        return True
    if start >= _CLOCK_HEAD or text[line_start:start].strip():
        return False
    weekday = rules.clock_after.match(text, end)
    if weekday is None or _TIME_AFTER.match(text, weekday.end()):
        return False
    return sum(1 for line in text[:line_start].split("\n") if line.strip()) < _CLOCK_LINES


def referred_year(rules: TimeRules, text: str, start: int, pub: dt.date | None,
                  taiwanese: bool = False) -> int | None:
    """The year a reference word at ``start`` (同年, 次年) refers back to: the last year the
    text names before it (within ``_REF_REACH``), each reference word moving on from the one
    before (2017年 … 翌年 … 当年 → 2018 for 当年); a bare 108年 counts in a Taiwanese text.
    ``None`` when no year is named before it."""
    year: int | None = None
    for m in rules.ref_anchor.finditer(text, max(0, start - _REF_REACH), start):
        if m.group("y"):
            year = _year_number(m.group("y"))
        elif m.group("roc"):
            year = int(m.group("roc")) + _ROC_OFFSET
        elif m.group("bare"):
            if taiwanese:
                year = int(m.group("bare")) + _ROC_OFFSET
        elif (w := m.group("word")) in rules.ref_year:
            year = None if year is None else year + rules.ref_year[w]
        elif pub is not None:
            year = pub.year + rules.rel_year.get(w, 0)
    return year


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "o": 0}


def _year_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = [_CN_DIGITS.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def roc_year(n: int) -> int:
    """The Gregorian year of the Republic-of-China year ``n``: 113 → 2024."""
    return n + _ROC_OFFSET
