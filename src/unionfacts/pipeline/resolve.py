"""Drafts → final drafts: vetoes, overlaps, context qualifiers, subjects, per-units.

Precedence between overlapping drafts is deterministic: the longest span wins; on equal
length the higher rule ``priority``; then the earlier rule (file order, built-in before user
packs); then the earlier start. A veto span removes every draft it overlaps.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Any

from unionfacts.models import NUMERIC_KINDS
from unionfacts.rules.fastre import fast
from unionfacts.pipeline.builders import Draft
from unionfacts.rules.packs import PatternSet, require_lexicons
from unionfacts.pipeline.timebase import last_day

require_lexicons(__name__, ("qualifier_glue", "qualifier_verb", "qualifier_before", "qualifier_after",
                            "subject_stop", "clause_break", "phrase_break"))

_QUALIFIED_KINDS = NUMERIC_KINDS | {"duration"}
# A figure compared with a target is the target, no bound: 失业率为2.8%，低于3.5%的控制目标
_COMPARED = ("低于", "高于", "优于", "好于", "快于", "慢于")
_TARGET = fast(r"的?(?:预期|控制|年度|全年|既定)?(?:目标|标准|水平|平均水平|预期|警戒线|红线|全国平均|全省平均)")
_SUBJECT_KINDS = NUMERIC_KINDS
_WITHIN = fast(r"内(?![部容设外地涵蒙江])")
_LIST_GLUE = fast(r"[、和及与,，]|以及")


@dataclass(frozen=True, slots=True)
class ContextRules:
    """Regexes built once from the lexicons of a pattern set."""

    before: Any  # qualifier word (+ glue) at the end of the text before a figure
    after: Any  # qualifier word at the start of the text after a figure
    before_map: dict[str, str]
    after_map: dict[str, str]
    stop: Any  # subject stop words
    per: Any  # 每人每月 …
    per_after: Any  # /人, /人·月
    breaks: frozenset[str]  # where a clause ends: clause_break + phrase_break


def context_rules(pset: PatternSet) -> ContextRules:
    glue = pset.alternation("qualifier_glue")
    # a verb of giving may sit between the bound and the figure: 每人最高补助1000元
    verb = pset.alternation("qualifier_verb")
    before = fast(  # led by its first characters, as in subjects.py
        pset.lead("qualifier_before") + r"(?P<q>" + pset.alternation("qualifier_before")
        + r")(?:" + verb + r")?(?:" + glue + r")?[ \t\u3000]*$")
    after = fast(r"[ \t\u3000]*(?P<q>" + pset.alternation("qualifier_after") + r")")
    stop = fast(pset.alternation("subject_stop"))
    per = fast(r"每(?:个|位|名|家|所)?(?P<u>[人月年天日户家周次县市区乡镇村校项场])")
    per_after = fast(r"\s?/\s?(?P<u>[人月年天日户次](?:[·.][人月年天日户次])?)")
    breaks = frozenset(pset.lexicon("clause_break")) | frozenset(pset.lexicon("phrase_break"))
    return ContextRules(before, after, pset.lexicon("qualifier_before"),
                        pset.lexicon("qualifier_after"), stop, per, per_after, breaks)


def select(drafts: list[Draft], vetoes: list[tuple[int, int]]) -> list[Draft]:
    """Drop vetoed drafts, then keep a non-overlapping set by precedence, sorted by offset."""
    if vetoes:
        vetoes.sort()
        starts = [v[0] for v in vetoes]
        ends_max = []
        m = -1
        for _, e in vetoes:
            m = max(m, e)
            ends_max.append(m)
        kept = []
        for d in drafts:
            # any veto with start < d.end and end > d.start?
            i = bisect.bisect_left(starts, d.end) - 1
            if i >= 0 and ends_max[i] > d.start:
                # the prefix max says some veto before d.end ends after d.start
                continue
            kept.append(d)
        drafts = kept
    drafts.sort(key=lambda d: (-(d.end - d.start), -d.priority, d.order, d.start))
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping
    out: list[Draft] = []
    for d in drafts:
        i = bisect.bisect_right(taken, (d.start, 10**18))
        if i > 0 and taken[i - 1][1] > d.start:
            continue
        if i < len(taken) and taken[i][0] < d.end:
            continue
        taken.insert(i, (d.start, d.end))
        out.append(d)
    out.sort(key=lambda d: (d.start, d.end))
    return out




def _clause_start(text: str, pos: int, breaks: frozenset[str], limit: int = 40) -> int:
    lo = max(0, pos - limit)
    i = pos
    while i > lo and text[i - 1] not in breaks:
        i -= 1
    return i


# What may stand between the two ends of a date span: a time of day left on the first end
# (11:00时, 零时), 起, and the separator (至, 到, -, —).
_SPAN_SEP = fast(
    r"(?:[ \t\u3000]*(?:[0-2]?[0-9][:：][0-5][0-9]|[零〇一二三四五六七八九十0-9]{1,3}[时点])时?)?"
    r"时?[ \t\u3000]*起?[ \t\u3000]*(?:至|到|-{1,2}|—{1,2}|~|～|－)[ \t\u3000]*")
_SPAN_AND = fast(r"[ \t\u3000]*(?:与|和)[ \t\u3000]*")
_SPAN_BETWEEN = fast(r"(?:之)?间")
# the end of an activity named apart from its start: 从6月中旬持续至9月上旬, 延续到
_SPAN_TO = fast(r"[^，。；！？,;!?\n]{0,6}(?:至|到)")


def _shift_year(iso: str, year: int, month_end: bool = False) -> str:
    """An ISO date, month or year moved to ``year``; with ``month_end`` (the end of a span such
    as 2月底) a month's last day stays its last day (2023-02-28 → 2024-02-29). Raises
    ``ValueError`` for a day the year lacks (2月29日)."""
    if not (len(iso) >= 4 and iso[:4].isdigit()):
        return iso
    if len(iso) == 10:
        y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:])
        if month_end and d == last_day(y, m):
            d = last_day(year, m)
        return dt.date(year, m, d).isoformat()
    return f"{year:04d}{iso[4:]}"


def _end_after(d: Draft, start: Draft) -> bool:
    """Give the year-less ``d`` the year of ``start`` (or the next), so that it ends after it;
    ``False`` (``d`` unchanged) when that year lacks its day (2月29日)."""
    first = start.extra["first"]
    year = int(first[:4])
    span = d.extra.get("granularity") != "day"
    try:
        if _shift_year(d.extra["last"], year, span) < first:
            year += 1
        shifted = {k: _shift_year(d.extra[k], year, span) for k in ("first", "last")}
        value = "/".join(_shift_year(v, year, span) for v in d.value.split("/"))
    except ValueError:
        return False
    d.extra.update(shifted)
    d.value = value
    return True


def _with_year_of(d: Draft, start: Draft) -> Draft:
    """The year-less ``d`` (``--05``, ``--05-20``, ``--10-21/--10-31``) placed in the year of
    the resolved ``start`` it ends, or ``d`` unchanged when it has no month (``---07``) or that
    year lacks its day."""
    parts = d.value.split("/")
    if not all(len(v) in (4, 7) and v.startswith("--") and v[2] != "-" for v in parts):
        return d
    year = int(start.extra["first"][:4])
    try:
        ends = []
        for i, v in enumerate(parts):
            m = int(v[2:4])
            day = int(v[5:7]) if len(v) == 7 else (1 if i == 0 else last_day(year, m))
            ends.append(dt.date(year, m, day).isoformat())
        first, last = ends[0], ends[-1]
        if len(parts) == 1 and len(parts[0]) == 4:
            last = dt.date(year, int(parts[0][2:4]), last_day(year, int(parts[0][2:4]))).isoformat()
    except ValueError:
        return d
    value = "/".join(f"{year:04d}{v[1:]}" for v in parts)
    placed = Draft("date", d.start, d.end, value, "", d.rule, d.priority, d.order)
    placed.extra = dict(d.extra, first=first, last=last, resolved=True)
    placed.notes = dict(d.notes, year_given=False)
    return placed


def join_date_spans(drafts: list[Draft], text: str) -> list[Draft]:
    """Two resolved dates joined by 至/到/- (or 与…之间) become one interval.

    ``2017年8月15日至2018年3月29日``, ``2017年8月至11月`` (the second end takes the first's
    year when it gives none), ``在2007年与2009年之间``. Ends of different shapes are both written
    as days: ``2019年10月至2020年2月底`` → ``2019-10-01/2020-02-29``.
    """
    out: list[Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "date" == d.kind and prev.extra.get("resolved")
                and not d.extra.get("resolved") and _SPAN_SEP.fullmatch(text, prev.end, d.start)):
            d = _with_year_of(d, prev)  # 2023年3月至5月 with no publication date: 5月 is 2023's
        if (prev is None or d.kind != "date" or prev.kind != "date"
                or not (prev.extra.get("resolved") and d.extra.get("resolved"))
                or not (prev.extra.get("first") and d.extra.get("last"))):
            out.append(d)
            continue
        end = d.end
        if _SPAN_SEP.fullmatch(text, prev.end, d.start):
            pass
        elif _SPAN_AND.fullmatch(text, prev.end, d.start) and (m := _SPAN_BETWEEN.match(text, d.end)):
            end = m.end()
        else:
            if not d.notes.get("year_given", True) and _SPAN_TO.fullmatch(text, prev.end, d.start):
                _end_after(d, prev)  # two facts still, but the end follows the start
            out.append(d)
            continue
        if not d.notes.get("year_given", True) and not _end_after(d, prev):
            out.append(d)  # 2月29日 in a common year: no span
            continue
        first, last = prev.extra["first"], d.extra["last"]
        b = d.value.split("/")[-1]
        if first > last:
            out.append(d)
            continue
        a = prev.value.split("/")[0]
        if len(a) != len(b):  # 2019年10月至2020年2月底: ends of two shapes are both days
            a, b = first, last
        merged = Draft("date", prev.start, end, f"{a}/{b}", "", prev.rule, prev.priority, prev.order)
        merged.extra = dict(prev.extra, granularity="interval", first=first, last=last)
        merged.notes = dict(prev.notes)
        out[-1] = merged
    return out


def apply_context(drafts: list[Draft], text: str, cr: ContextRules) -> None:
    """Qualifiers from the words around each figure, shared 以上 over 、-lists, per-units."""
    for d in drafts:
        if d.kind not in _QUALIFIED_KINDS or d.qualifier == "range":
            continue
        window = text[max(0, d.start - 8):d.start]
        m = cr.before.search(window)
        if m and m.group("q") in _COMPARED and _TARGET.match(text, d.end):
            m = None  # the target's own value
        if m:
            q = cr.before_map[m.group("q")]
            d.qualifier = "at_least" if d.qualifier == "at_least" and q == "approx" else q
            d.notes["qualifier_before"] = m.group("q")
            continue
        if d.qualifier == "exact":
            m = cr.after.match(text, d.end, min(len(text), d.end + 6))
            if m:
                d.qualifier = cr.after_map[m.group("q")]
                d.notes["qualifier_after"] = m.group("q")
            elif d.kind == "duration" and _WITHIN.match(text, d.end):
                d.qualifier = "at_most"  # 48小时内响应 (not 内部, 内容)
    # One 以上 after a list scopes over the whole list: 97%、92%以上.
    for i in range(len(drafts) - 1, 0, -1):
        cur, prev = drafts[i], drafts[i - 1]
        if prev.kind == cur.kind and "qualifier_after" in cur.notes and prev.qualifier == "exact" \
                and _LIST_GLUE.fullmatch(text[prev.end:cur.start]):
            prev.qualifier = cur.qualifier
            prev.notes["qualifier_after"] = cur.notes["qualifier_after"]
    for d in drafts:
        if d.kind == "money":
            cs = _clause_start(text, d.start, cr.breaks)
            units = [m.group("u") for m in cr.per.finditer(text, cs, d.start)]
            after = cr.per_after.match(text, d.end)
            if after:  # 500元/人, 500元/人·月
                units.extend(u for u in after.group("u") if u in "人月年天日户次")
            if units:
                d.extra["per"] = tuple(units)
