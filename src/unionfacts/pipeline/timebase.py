"""The document's time base: publication date detection and date arithmetic helpers.

Policy for year-less dates (``2月24日``) when a publication date is known: the nearest
occurrence on or before the publication date, unless the text marks it as ahead — a future
marker (将, 将于, 拟, 计划, 预计, 定于, 要在, 需在, 应于) just before the date, or a plan or
deadline verb (要求, 确保, 力争, 争取, 务必) earlier in its clause — then the nearest occurrence on
or after it. A deadline (6月底前完成) lies ahead unless it passed within the last quarter or its
clause says it is met (已). Without a publication date nothing is resolved: the value stays partial
(``--02-24``) and relative years (今年) are not facts. Nothing ever falls back to today's date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

import regex

from unionfacts.models import Evidence
from unionfacts.pipeline.normalize import raw_view, without_surrogates

#: Relative date words → offsets from the publication date (years, months, days).
REL_YEAR = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
            "明年": 1, "来年": 1, "下年": 1, "下一年": 1, "后年": 2}
REL_MONTH = {"本月": 0, "当月": 0, "这个月": 0, "今个月": 0, "上月": -1, "上个月": -1, "上一个月": -1,
             "下月": 1, "下个月": 1, "下一个月": 1}
REL_DAY = {"大大前天": -4, "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "昨晚": -1,
           "昨夜": -1, "寻日": -1, "今天": 0, "今日": 0, "本日": 0, "今晚": 0, "今早": 0, "今晨": 0,
           "明天": 1, "明日": 1, "明晚": 1, "明早": 1, "听日": 1, "后天": 2, "后日": 2, "大后天": 3,
           "大后日": 3, "大大后天": 4}
REL_QUARTER = {"上季度": -1, "上个季度": -1, "下季度": 1, "下个季度": 1}

_HEADER_CHARS = 1500
_HEADER_LINES = 14

_DATE_CORE = (
    r"(?P<y>(?:19|20)[0-9]{2})\s?(?:年\s?(?P<m>[01]?[0-9])\s?月\s?(?P<d>[0-3]?[0-9])\s?日"
    r"|(?P<sep>[-./])(?P<m>[01]?[0-9])(?P=sep)(?P<d>[0-3]?[0-9])(?![0-9]))"
    r"(?:\s*(?P<hh>[0-2]?[0-9])[:：](?P<mi>[0-5][0-9])(?:[:：](?P<ss>[0-5][0-9]))?)?"
)
_LABELED = regex.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|发布于|发表于|时间|日期|更新时间|来源时间)\s?[】\]]?\s?[:：]?\s?" + _DATE_CORE)
_BARE = regex.compile(r"(?:^|(?<=[\s|]))" + _DATE_CORE)
_DATELINE = regex.compile(
    r"(?:新华社|中新社|人民网|新华网|中新网|央视网|本报讯?|记者)[^\n，,。]{0,12}?(?P<m>[01]?[0-9])月(?P<d>[0-3]?[0-9])日电?")
# A line that closes the text with a date alone (a speech or report: （2024年11月5日）).
_FOOTER = regex.compile(r"^\s*[（(]?(?P<core>" + _DATE_CORE + r")[）)]?\s*$")
# Breadcrumbs and location lines of site chrome are no title: 首页 > 工会动态 > 正文.
_CRUMB = regex.compile(r"\s>\s|＞|>>|^(?:首页|当前位置|您的位置|您现在的位置|位置)")
# Toolbar and byline lines of site chrome are no title: 字号：大 中 小, 分享到：, 【打印】, 来源：….
_CHROME_LINE = regex.compile(r"(?:字号|字体)\s?[:：]|分享到|[【\[](?:打印|收藏|关闭)|打印本页|加入收藏|关闭窗口|扫一扫"
                             r"|浏览[量次]|阅读[量数]|点击[量数率]"
                             r"|[【\[]\s*[大中小]\s*[】\]]|大\s+中\s+小"
                             r"|(?:来源|作者|编辑|责编|记者|通讯员|供稿|摄影)\s?[:：]")
_TITLE_LABEL = regex.compile(r"(?:原题目|原标题|标题|题目)\s?[:：]\s?")
_YEAR_ONLY = regex.compile(r"(?:19|20)[0-9]{2}(?=年)")
_SOURCE = regex.compile(r"(?:文章来源|来源|来\s源)\s?[:：]\s?(?P<v>[\p{Han}A-Za-z·]{2,20})")
# The author, not the editor (责任编辑, 责编): 作者：张三, （记者 王芳）, 文/李四.
_AUTHOR = regex.compile(r"(?<![责任])(?:作者|记者|撰文|文)\s?[:：/ ]\s?(?P<v>[\p{Han}·]{2,4})(?![\p{Han}])")
_NAME_LINE = regex.compile(r"^\s*(?P<v>[\p{Han}·]{2,4})\s*$")
# a modal with 在/于 is a deadline ahead too: 要在6月底前完成, 需在9月30日前上报
_FUTURE = regex.compile(r"(?:将于|将在|将|拟于|拟|计划于|计划|预计|定于|预定|(?:要|需|须|应|需要|必须|应当)[在于]"
                        r"|将(?:持续|延续|延长|一直)(?:到|至))\s*$")
# A plan or deadline earlier in the clause: 要求各地在5月1日前完成, 确保6月底前到位.
_FUTURE_CLAUSE = regex.compile(r"(?:要求|确保|力争|争取|务必|计划|预计|将于|拟于|定于|截止日期|截止时间|报名截止|申报截止)[^，。；,;！？!?\n]*$")


def parse_published(value: Any) -> str:
    """A caller's publication date (ISO string, ``date`` or ``datetime``) → ISO string."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"published must be an ISO date string, date or datetime, not {type(value).__name__}")
    v = value.strip()
    # ISO 8601 with seconds' fractions, Z or an offset: the wall-clock date-time in that offset
    m = regex.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})(?::[0-9]{2}(?:[.,][0-9]+)?)?"
                        r"(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?", v)
    if m:
        try:
            return dt.datetime.strptime(f"{m[1]}T{m[2]}", "%Y-%m-%dT%H:%M").strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            raise ValueError(f"published: not an ISO 8601 date: {value!r}") from None
    for fmt, out in (("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"), ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M"),
                     ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"), ("%Y-%m-%d", "%Y-%m-%d"),
                     ("%Y-%m", "%Y-%m"), ("%Y", "%Y")):
        try:
            return dt.datetime.strptime(v, fmt).strftime(out)
        except ValueError:
            continue
    raise ValueError(f"published: not an ISO 8601 date: {value!r}")


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


# A deadline after a date: 6月底前完成, 于6月30日前上报 (not 前后 around it, nor 前夕 its eve)
_DEADLINE = regex.compile(r"\s?(?:之|以)?前(?![后夕])")
# …unless the clause says it is met: 各地已在6月底前完成
_DONE = regex.compile(r"(?:已|曾)[^，。；,;！？!?\n]*$")


def is_deadline(text: str, start: int, end: int) -> bool:
    """Whether the year-less date at ``[start, end)`` is a deadline still to meet (…前, and no
    已 before it in the clause), see ``resolve_year``."""
    return _DEADLINE.match(text, end) is not None and not _DONE.search(text, max(0, start - 10), start)


def future_marked(text: str, start: int) -> bool:
    """Whether the text says a year-less date lies ahead of the publication date."""
    return bool(_FUTURE.search(text, max(0, start - 6), start)
                or _FUTURE_CLAUSE.search(text, max(0, start - 16), start))


def _iso(m: regex.Match) -> tuple[str, str] | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not valid(y, mo, d):
        return None
    day = f"{y:04d}-{mo:02d}-{d:02d}"
    if m.group("hh") is not None:
        hh, mi = int(m.group("hh")), int(m.group("mi"))
        if hh > 23:
            return day, day
        return day, f"{day}T{hh:02d}:{mi:02d}"
    return day, day


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with these spans of page chrome (a related-links block) blanked, lines kept:
    their headlines and dates are no title or publication date of this document."""
    spans = list(spans)
    if not spans:
        return text
    out = list(text)
    for a, b in spans:
        for i in range(a, b):
            if out[i] != "\n":
                out[i] = " "
    return "".join(out)


def detect_metadata(raw: str, norm, chrome: Iterable[tuple[int, int]] = ()) -> dict[str, Any]:
    """Publication date (with evidence), title, source and author from the header.

    ``norm`` is the document's :class:`~unionfacts.pipeline.normalize.Normalized` view (made once and
    shared with extraction); the header is its first lines, at most ``_HEADER_CHARS`` long.
    ``chrome``: spans of ``norm.text`` that are page chrome (a related-links block), read past.
    """
    text = _masked(norm.text, chrome)
    limit = min(len(text), _HEADER_CHARS)
    lines = []
    pos = 0
    while pos <= limit and len(lines) < _HEADER_LINES:
        nl = text.find("\n", pos, limit)
        end = limit if nl < 0 else nl
        lines.append((pos, text[pos:end]))
        if nl < 0:
            break
        pos = nl + 1
    header_end = lines[-1][0] + len(lines[-1][1]) if lines else 0
    meta: dict[str, Any] = {"published": None, "published_evidence": None, "title": None,
                            "source": None, "author": None}

    def evidence(a: int, b: int, rule: str) -> Evidence:
        ra, rb = norm.to_raw(a, b)
        return Evidence(start=ra, end=rb, text=raw[ra:rb], rule=rule)

    found = None
    m = _LABELED.search(text, 0, header_end)
    if m:
        iso = _iso(m)
        if iso:
            found = (iso[1], m.start("y"), m.end(), "published.labeled")
    if found is None:
        for lpos, line in lines:
            mm = _BARE.search(line)
            if not mm:
                continue
            rest = line[mm.end():].strip()
            before = line[:mm.start()].strip()
            # the date stands alone on its line, or only metadata follows it
            if (len(before) <= 12 and (not rest or len(rest) <= 40 and regex.match(
                    r"(?:来源|作者|编辑|责编|记者|发布|浏览|阅读|字号|\||【|\[|\s)", rest))) or len(line.strip()) <= 30:
                iso = _iso(mm)
                if iso:
                    found = (iso[1], lpos + mm.start("y"), lpos + mm.end(), "published.header-line")
                    break
    if found is None:
        dm = _DATELINE.search(text, 0, header_end + 200)
        if dm:
            years = [int(x.group()) for x in _YEAR_ONLY.finditer(text, 0, header_end)]
            if years:
                y = max(years)
                mo, d = int(dm.group("m")), int(dm.group("d"))
                if valid(y, mo, d):
                    found = (f"{y:04d}-{mo:02d}-{d:02d}", dm.start("m"), dm.end(), "published.dateline")
    if found is None:
        tail = text.rstrip()
        for _ in range(2):  # the last two lines
            nl = tail.rfind("\n")
            line = tail[nl + 1:]
            fm = _FOOTER.match(line)
            if fm:
                iso = _iso(fm)
                if iso:
                    found = (iso[1], nl + 1 + fm.start("core"), nl + 1 + fm.end("core"), "published.footer")
                break
            if nl < 0:
                break
            tail = tail[:nl].rstrip()
    if found:
        meta["published"] = found[0]
        meta["published_evidence"] = evidence(found[1], found[2], found[3])
    sm = _SOURCE.search(text, 0, limit)
    if sm:
        meta["source"] = raw_view(norm, sm.start("v"), sm.end("v"))
    elif len(text) > _HEADER_CHARS:
        # 来源 lines often close the article (people.cn): look in the tail too
        sm = _SOURCE.search(text, len(text) - _HEADER_CHARS)
        if sm:
            meta["source"] = raw_view(norm, sm.start("v"), sm.end("v"))
    am = _AUTHOR.search(text, 0, header_end)
    if am is None and len(text) > header_end:
        am = _AUTHOR.search(text, max(header_end, len(text) - 300))  # a byline at the end
    if am:
        meta["author"] = raw_view(norm, am.start("v"), am.end("v"))
    elif found:
        # a lone 2-4 character name on a line just above the date line (people.cn layout)
        date_line = next((i for i, (lp, ln) in enumerate(lines) if lp <= found[1] < lp + len(ln) + 1), None)
        if date_line:
            for j in range(date_line - 1, max(-1, date_line - 3), -1):
                lp, ln = lines[j]
                if not ln.strip():
                    continue
                nm = _NAME_LINE.match(ln)
                if nm:
                    meta["author"] = raw_view(norm, lp + nm.start("v"), lp + nm.end("v"))
                break
    # title: the first content line that is a headline, not chrome, a date, a name or a sentence
    # (a document of one line has none)
    best = None
    content = [ln for _, ln in lines if ln.strip()]
    for lpos, line in lines[:8] if len(content) > 1 else ():
        s = line.strip()
        if len(s) < 6 or _CRUMB.search(s) or _CHROME_LINE.search(s) or " / " in s or "http" in s \
                or _BARE.search(s) or _LABELED.search(s):
            continue
        if len(s) > 60 or "。" in s or s.count("，") > 1 or s[-1] in "，。；：！？,;:!?":
            continue
        best = (lpos + line.index(s), lpos + line.index(s) + len(s))
        break
    if best:
        a, b = best
        pre = _TITLE_LABEL.match(text, a, b)
        if pre:
            a = pre.end()
        meta["title"] = raw_view(norm, a, b)
    for key in ("title", "source", "author"):
        if meta[key]:
            meta[key] = without_surrogates(meta[key])  # JSON cannot carry lone surrogates
    return meta
