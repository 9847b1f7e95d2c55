"""When and where each figure holds: fills ``when`` / ``where`` of the numeric facts.

A pure function of the compiled cue words (``patterns/context.yaml``), the normalised text,
the document's date facts and its numeric facts. The reading rules are those of
``../shared/gold/CONTEXT.md``:

* ``when``: the date that governs the figure's clause (``2023年新建4684个``), else the topic
  date of its sentence (``截至2023年11月底，…已达1096万人``), else the topic date at the head of
  its paragraph, else a title-level period (``2023年工作总结``). A frequency or the present in
  the figure's clause (``每年``, ``目前``) gives none; a vague period (``近年来``) gives none of
  its own. Never the publication date.
* ``where``: the most specific place of the figure's clause, else of its sentence, else of
  its paragraph head, else the document's own area. Scope words (``全省``, ``本市``) stand for
  the document's area of that level; a venue (``在成都举行``) and a label (``全国劳动模范``)
  scope nothing.

Places come from the administrative-division table ``data/gazetteer.tsv`` (built by
``tools/build_gazetteer.py`` from a maintained package's official data), loaded lazily, once.
"""

from __future__ import annotations

import bisect
import itertools
import functools
import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar, cast

from pydantic import BaseModel

from unionfacts.models import Date, Fact, Place, When, constructor
from unionfacts.pipeline.normalize import Normalized
from unionfacts.rules.fastre import word_alternation
from unionfacts.rules.packs import PatternSet, require_lexicons

LEXICONS = require_lexicons(__name__, (
    "context_clause_break", "context_sentence_break", "context_date_tail", "context_span_start",
    "context_date_modifier", "context_vague", "context_blocking", "context_title_period",
    "context_scope", "context_national", "context_national_body", "context_national_label",
    "context_place_label", "context_body", "context_venue_before", "context_venue_after",
    "context_place_suffix", "context_county_suffix", "context_scope_plural", "context_short_ambiguous"))
_LEVELS = ("country", "province", "prefecture", "county")
_RANK = {lv: i for i, lv in enumerate(_LEVELS)}
#: The nationwide area; GB/T 2260 gives the country no code.
_NATION = ("全国", "country", None)
#: Longest clause prefix before a topic date (截至, 方才过去的): a longer one makes the date
#: part of the clause's own statement, not the time of what follows.
_TOPIC_LEAD = 6
#: A bold lead label at the head of a paragraph (打好“智慧拳”。) is at most this long.
_LABEL_MAX = 14
_NEWLINE = re.compile("\n")
_F = TypeVar("_F", bound=BaseModel)
_UNSET = object()
_DOC_RULE = "context.where-document"
_MAKE_WHEN = constructor(When)
_MAKE_PLACE = constructor(Place)
_NUMERIC = frozenset(("money", "count", "percent", "measure", "duration"))


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    level: str
    name: str
    parent: str


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Every division by code, and each name a text may use for one (full, short, former)."""

    by_code: dict[str, Division]
    names: dict[str, str]
    """Surface (Simplified) → code."""
    short: frozenset[str]
    """The surfaces of ``names`` that are short names (四川, 广元): never read inside quotes."""
    county_short: dict[str, str]
    """A county's short name → code: read only before a body word (旺苍总工会)."""
    same_name: dict[str, tuple[str, ...]]
    """A name several divisions bear (城关区, 鼓楼区) → their codes: the one in the document's
    own province is meant."""
    upper: dict[str, str]
    """The names of ``names`` for provinces and prefectures (full, short, former) → code."""
    county: dict[str, str]
    """The names of ``names`` for counties (full, former) → code."""
    prefixes: dict[str, tuple[int, ...]]
    """First two characters of the ``upper`` names → their lengths, longest first."""
    starts: re.Pattern[str]
    """Where an ``upper`` name may begin: a first character of one, then a second one."""
    county_ends: re.Pattern[str]
    """The last characters of the ``county`` names (区, 县, 市, 旗)."""
    county_tails: dict[str, tuple[int, ...]]
    """Last two characters of the ``county`` names → their lengths, longest first."""
    short_tails: dict[str, tuple[int, ...]]
    """Last two characters of the ``county_short`` names → their lengths, longest first."""

    def ancestor(self, code: str, level: str) -> Division | None:
        d = self.by_code.get(code)
        while d is not None and d.level != level:
            d = self.by_code.get(d.parent)
        return d


@functools.cache
def _rows() -> tuple[tuple[Division, tuple[str, ...]], ...]:
    src = importlib.resources.files("unionfacts") / "data" / "gazetteer.tsv"
    out = []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("code\t"):
            continue
        code, level, name, parent, former = line.split("\t")
        out.append((Division(code, level, name, parent), tuple(f for f in former.split("|") if f)))
    return tuple(out)


def _short(name: str, suffixes: Sequence[str]) -> str | None:
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return None


@dataclass(frozen=True, slots=True)
class ContextData:
    """The compiled cue words of ``patterns/context.yaml``; the gazetteer is built on first use."""

    clause_break: frozenset[str]
    sentence_break: frozenset[str]
    date_tail: tuple[str, ...]
    span_start: tuple[str, ...]
    date_modifier: tuple[str, ...]
    vague: tuple[str, ...]
    blocking: tuple[str, ...]
    title_period: tuple[str, ...]
    scope: dict[str, str]
    scope_plural: tuple[str, ...]
    national: tuple[str, ...]
    national_body: tuple[str, ...]
    national_label: tuple[str, ...]
    place_label: tuple[str, ...]
    body: tuple[str, ...]
    venue_before: tuple[str, ...]
    venue_after: tuple[str, ...]
    suffixes: tuple[str, ...]
    county_suffixes: tuple[str, ...]
    ambiguous: frozenset[str]
    vague_pattern: re.Pattern[str]
    """Vague and blocking words, longest first."""
    topic_end: re.Pattern[str]
    body_pattern: re.Pattern[str]
    """The body words."""
    """What may follow a topic date up to its clause's end: a tail word, then the break."""
    actors: tuple[str, ...]
    """Body and scope words: a date right after one heads its clause (四川省总今年…)."""
    clause_breaks: re.Pattern[str]
    """Every break: paragraph, sentence or clause."""
    sentence_breaks: re.Pattern[str]
    """Paragraph and sentence breaks."""
    scope_pattern: re.Pattern[str]
    """Scope words and national words, longest first."""

    @property
    def gazetteer(self) -> Gazetteer:
        return _build_gazetteer(self.suffixes, self.county_suffixes, self.ambiguous)


@functools.cache
def _build_gazetteer(suffixes: tuple[str, ...], county_suffixes: tuple[str, ...],
                     ambiguous: frozenset[str]) -> Gazetteer:
    rows = _rows()
    by_code = {d.code: d for d, _ in rows}
    names: dict[str, str] = {}
    county_short: dict[str, str] = {}
    same: dict[str, list[str]] = {}
    for d, former in rows:  # full and former names first: they win over any short name
        for full in (d.name, *former):
            # a one-character county name (和县, 范县, 达县) is also a word's tail (产业和县域,
            # 示范县, 欠发达县区): read only before a body word, like a short name
            target = county_short if d.level == "county" and len(full) <= 2 else names
            if full in target and target[full] != d.code:
                same.setdefault(full, [target[full]]).append(d.code)
            target.setdefault(full, d.code)
    for d, former in rows:  # short names of provinces and prefectures, province first
        if d.level == "county":
            continue
        for full in (d.name, *former):
            short = _short(full, suffixes)
            if short and short not in ambiguous and "族" not in short:
                names.setdefault(short, d.code)
    shorts = frozenset(n for n, c in names.items() if n != by_code[c].name and not n.endswith(
        tuple(suffixes)))
    for d, _ in rows:
        if d.level == "county":
            cs = _short(d.name, county_suffixes)
            if cs and cs not in names and "族" not in cs:
                if cs in county_short and county_short[cs] != d.code:
                    same.setdefault(cs, [county_short[cs]]).append(d.code)
                county_short.setdefault(cs, d.code)
    upper = {n: c for n, c in names.items() if by_code[c].level != "county"}
    county = {n: c for n, c in names.items() if by_code[c].level == "county"}
    prefixes: dict[str, set[int]] = {}
    for n in upper:
        prefixes.setdefault(n[:2], set()).add(len(n))
    first = "".join(sorted({k[0] for k in prefixes}))
    second = "".join(sorted({k[1] for k in prefixes}))
    return Gazetteer(
        by_code, names, shorts, county_short, {k: tuple(v) for k, v in same.items()}, upper, county,
        {k: tuple(sorted(v, reverse=True)) for k, v in prefixes.items()},
        re.compile("(?=[%s][%s])" % (re.escape(first), re.escape(second))),
        re.compile("[%s]" % re.escape("".join(sorted({n[-1] for n in county})))),
        _tails(county), _tails(county_short))


def _tails(names: dict[str, str]) -> dict[str, tuple[int, ...]]:
    tails: dict[str, set[int]] = {}
    for n in names:
        tails.setdefault(n[-2:], set()).add(len(n))
    return {k: tuple(sorted(v, reverse=True)) for k, v in tails.items()}


def compile_context(pset: PatternSet) -> ContextData:
    def words(name: str) -> tuple[str, ...]:
        return tuple(pset.words(name))

    return ContextData(
        clause_break=frozenset(pset.lexicon("context_clause_break")),
        sentence_break=frozenset(pset.lexicon("context_sentence_break")),
        date_tail=words("context_date_tail"), span_start=words("context_span_start"),
        date_modifier=words("context_date_modifier"), vague=words("context_vague"),
        blocking=words("context_blocking"), title_period=words("context_title_period"),
        scope=dict(pset.lexicon("context_scope")), scope_plural=words("context_scope_plural"), national=words("context_national"),
        national_body=words("context_national_body"), place_label=words("context_place_label"),
        body=words("context_body"),
        national_label=words("context_national_label"),
        venue_before=words("context_venue_before"), venue_after=words("context_venue_after"),
        suffixes=words("context_place_suffix"), county_suffixes=words("context_county_suffix"),
        ambiguous=frozenset(pset.lexicon("context_short_ambiguous")),
        actors=(*words("context_body"), *words("context_scope")),
        body_pattern=re.compile(pset.alternation("context_body")),
        vague_pattern=re.compile(word_alternation((*pset.lexicon("context_blocking"),
                                                   *pset.lexicon("context_vague")))),
        topic_end=re.compile("(?:%s)?(?:%s)?$" % (pset.alternation("context_date_tail"),
                                                pset.alternation("context_clause_break"))),
        clause_breaks=re.compile("\n|%s|%s" % (
            pset.alternation("context_sentence_break"), pset.alternation("context_clause_break"))),
        sentence_breaks=re.compile("\n|%s" % pset.alternation("context_sentence_break")),
        scope_pattern=re.compile(word_alternation(
            (*pset.lexicon("context_scope"), *pset.lexicon("context_national"),
             *pset.lexicon("context_national_body")))))


# ---------------------------------------------------------------------------------------------
# text layout


@dataclass(frozen=True, slots=True)
class _Layout:
    """Clause, sentence and paragraph starts of the text, sorted."""

    clauses: list[int]
    sentences: list[int]
    paragraphs: list[int]
    n: int

    @staticmethod
    def _span(starts: list[int], pos: int, n: int) -> tuple[int, int]:
        k = bisect.bisect_right(starts, pos) - 1
        return starts[k], starts[k + 1] if k + 1 < len(starts) else n

    def clause(self, pos: int) -> tuple[int, int]:
        return self._span(self.clauses, pos, self.n)

    def sentence(self, pos: int) -> tuple[int, int]:
        return self._span(self.sentences, pos, self.n)

    def paragraph(self, pos: int) -> tuple[int, int]:
        return self._span(self.paragraphs, pos, self.n)


def _layout(text: str, ctx: ContextData) -> _Layout:
    return _Layout([0] + [m.end() for m in ctx.clause_breaks.finditer(text)],
                   [0] + [m.end() for m in ctx.sentence_breaks.finditer(text)],
                   [0] + [m.end() for m in _NEWLINE.finditer(text)], len(text))


def _head(text: str, lay: _Layout, pos: int) -> tuple[int, int]:
    """The head sentence of the paragraph holding ``pos``: its first sentence, after a short
    bold lead label (打好“智慧拳”。)."""
    p0, p1 = lay.paragraph(pos)
    s0, s1 = lay.sentence(p0)
    if s1 < p1 and s1 - s0 <= _LABEL_MAX and not any(ch.isdigit() for ch in text[s0:s1]):
        return lay.sentence(s1)
    return s0, s1


def _text_pos(norm: Normalized, raw: int) -> int:
    """Raw offset → the text offset of the first character at or after it."""
    k = bisect.bisect_right(norm.r_starts, raw) - 1
    if k < 0:
        return 0
    r0, r1 = norm.r_starts[k], norm.r_ends[k]
    t0 = norm.t_starts[k]
    tlen = (norm.t_starts[k + 1] if k + 1 < len(norm.t_starts) else len(norm.text)) - t0
    if raw >= r1:  # in a deleted stretch: the next run
        return norm.t_starts[k + 1] if k + 1 < len(norm.t_starts) else len(norm.text)
    return t0 + (raw - r0) if r1 - r0 == tlen else t0


# ---------------------------------------------------------------------------------------------
# when


class _Time(NamedTuple):
    start: int
    end: int
    """Text span of the expression."""
    value: str | None
    """The ISO value; None for a vague or blocking word."""
    topic: bool
    """Stands alone before its clause's break (2023年，): the time of what follows."""
    blocks: bool = False
    """A frequency or the present (每年, 目前)."""
    fact: Date | None = None


def _is_topic(text: str, s: int, e: int, lay: _Layout, ctx: ContextData) -> bool:
    """A time of what follows it in the sentence: a date that heads its clause (2023年，…;
    2024年将…; 四川省总今年进一步发力，…), or that opens a span (自2023年9月下旬开始)."""
    c0, c1 = lay.clause(s)
    if text.endswith(ctx.span_start, c0, s):
        return True
    if s - c0 > _TOPIC_LEAD:
        return False
    if (s == c0 or text.endswith(ctx.actors, c0, s)) \
            and not text.startswith(ctx.date_modifier, e):
        return True  # before the verb, after nothing or after the body that acts
    return e == c1 or ctx.topic_end.match(text, e, c1) is not None


def _times(text: str, norm: Normalized, dates: list[Date], lay: _Layout,
           ctx: ContextData, base: int = 0) -> list[_Time]:
    out = []
    spans = []
    for d in dates:
        s, e = _text_pos(norm, d.start - base), _text_pos(norm, d.end - base)
        spans.append((s, e))
        out.append(_Time(s, e, d.value, _is_topic(text, s, e, lay, ctx), fact=d))
    # the date spans sorted by start, with the furthest end so far: an overlap test by bisection
    # (a scan of every date for every vague word was quadratic on a long text)
    spans.sort()
    span_starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))
    for m in ctx.vague_pattern.finditer(text):
        s, e = m.span()
        k = bisect.bisect_left(span_starts, e) - 1  # the last span starting before e
        if k < 0 or reach[k] <= s:
            out.append(_Time(s, e, None, _is_topic(text, s, e, lay, ctx),
                             blocks=m.group() in ctx.blocking))
    out.sort(key=lambda t: t.start)
    return out


def _title_period(text: str, times: list[_Time], lay: _Layout, ctx: ContextData) -> _Time | None:
    """A year in a heading line followed by 工作总结 / 政府工作报告: the reporting period."""
    for t in times:
        if t.value is None or t.start > 200:
            continue
        p0, p1 = lay.paragraph(t.start)
        if p1 - p0 <= 40 and text.startswith(ctx.title_period, t.end):
            return t
    return None


def _when(pos: int, c0: int, s0: int, head: tuple[int, int], times: list[_Time],
          starts: list[int], title: _Time | None) -> tuple[_Time | None, str]:
    k = bisect.bisect_left(starts, pos)
    # 1. the figure's own clause: the nearest time before it
    j = k - 1
    while j >= 0 and times[j].start >= c0:
        t = times[j]
        j -= 1
        if t.end <= pos:
            if t.blocks:
                return None, ""
            if t.value is not None:
                return t, "context.when-clause"
            break  # a vague word of the clause: nothing of its own, the sentence may still say
    # 2. a topic time earlier in the sentence
    j = k - 1
    while j >= 0 and times[j].start >= s0:
        t = times[j]
        j -= 1
        if t.topic and t.end <= c0:
            if t.blocks:
                return None, ""
            if t.value is not None:
                return t, "context.when-sentence"
    # 3. the head of the paragraph: its first topic time
    h0, h1 = head
    if h0 < s0:
        for j in range(bisect.bisect_left(starts, h0), len(times)):
            t = times[j]
            if t.start >= h1:
                break
            if t.topic and t.value is not None:
                return t, "context.when-paragraph-head"
    # 4. a title-level period
    if title is not None:
        return title, "context.when-title"
    return None, ""


# ---------------------------------------------------------------------------------------------
# where


class _Mention(NamedTuple):
    start: int
    end: int
    name: str
    level: str
    code: str | None


_QUOTE_REACH = 300


def _quoted(text: str, i: int) -> bool:
    """Whether ``i`` stands inside a quotation (“气大庆”) or a title (《…》) of its line (looked
    for at most ``_QUOTE_REACH`` characters back: a search to the line start would make a long
    single-line text quadratic)."""
    lo = max(0, i - _QUOTE_REACH)
    line = text.rfind("\n", lo, i) + 1 or lo
    return (text.rfind("“", line, i) > text.rfind("”", line, i)
            or text.rfind("《", line, i) > text.rfind("》", line, i))


def _mentions(text: str, lay: _Layout, ctx: ContextData) -> tuple[list[_Mention], list[tuple[int, int, str]]]:
    """Place names (leftmost-longest) and scope words, each with its text span; venues, labels
    and short names inside quotes left out. Scope words come back unresolved: (start, end,
    level)."""
    gaz = ctx.gazetteer
    places: list[_Mention] = []
    taken: list[tuple[int, int]] = []
    for i, j, code, short in _names(text, gaz, ctx.body_pattern):
        taken.append((i, j))
        if _venue(text, i, j, ctx) or text.startswith(ctx.place_label, j):
            continue
        if short and _quoted(text, i):
            continue
        d = gaz.by_code[code]
        places.append(_Mention(i, j, d.name, d.level, d.code))
    if gaz.same_name and places:
        places = _disambiguate(text, places, gaz)
    taken_ends = [b for _, b in taken]  # sorted: the names do not overlap
    scopes: list[tuple[int, int, str]] = []
    for m in ctx.scope_pattern.finditer(text):
        i, j = m.span()
        k = bisect.bisect_left(taken_ends, i + 1)
        if k < len(taken) and taken[k][0] < j:
            continue  # 省总工会 inside 四川省总工会
        if k and taken_ends[k - 1] == i:
            continue  # 兰州县总工会, 云南市总工会: the body of the place just named
        w = m.group()
        if w.endswith(ctx.body) and text.endswith(ctx.scope_plural, 0, i):
            continue  # 7个县区总工会: many bodies
        if w in ctx.scope:
            scopes.append((i, j, ctx.scope[w]))
        elif w in ctx.national_body:
            places.append(_Mention(i, j, *_NATION))
        elif i == lay.clause(i)[0] and not text.startswith(ctx.national_label, j):
            places.append(_Mention(i, j, *_NATION))
    places.sort(key=lambda m: m.start)
    return places, scopes


def _names(text: str, gaz: Gazetteer, body: re.Pattern[str]) -> list[tuple[int, int, str, bool]]:
    """(start, end, code, is a short name) of the division names in ``text``, leftmost-longest.

    Three cheap scans instead of one over every position: a province or prefecture name is
    looked up only where a character-class regex finds a possible first and second character
    (one position in fifty); a county name only where one of its last characters stands (区,
    县, 市, 旗: one in a hundred), read backwards; a county's short name only before a body
    word (旺苍总工会). A regex of some 7,000 names, or a lookup at every position, costs
    several times more."""
    found: list[tuple[int, int, str, bool]] = []
    upper, prefixes, short = gaz.upper, gaz.prefixes, gaz.short
    for m in gaz.starts.finditer(text):
        i = m.start()
        lengths = prefixes.get(text[i:i + 2])
        if lengths is None:
            continue
        for L in lengths:
            w = text[i:i + L]
            code = upper.get(w)
            if code is not None:
                found.append((i, i + L, code, w in short))
                break
    for found_in, ends, tails in ((gaz.county, gaz.county_ends, gaz.county_tails),
                                  (gaz.county_short, body, gaz.short_tails)):
        for m in ends.finditer(text):
            j = m.end() if found_in is gaz.county else m.start()
            lengths = tails.get(text[j - 2:j]) if j >= 2 else None
            if lengths is None:
                continue
            for L in lengths:
                if L <= j:
                    code = found_in.get(text[j - L:j])
                    if code is not None:
                        found.append((j - L, j, code, False))
                        break
    found.sort(key=lambda f: (f[0], -f[1]))
    out: list[tuple[int, int, str, bool]] = []
    end = 0
    for f in found:
        if f[0] >= end:
            out.append(f)
            end = f[1]
    return out


def _disambiguate(text: str, places: list[_Mention], gaz: Gazetteer) -> list[_Mention]:
    """A name several divisions bear (城关区) is the one in the province of the document's
    first place."""
    home = gaz.ancestor(places[0].code or "", "province")
    if home is None:
        return places
    out = []
    for m in places:
        codes = gaz.same_name.get(text[m.start:m.end])
        if codes:
            for code in codes:
                up = gaz.ancestor(code, "province")
                if up is not None and up.code == home.code:
                    d = gaz.by_code[code]
                    m = _Mention(m.start, m.end, d.name, d.level, d.code)
                    break
        out.append(m)
    return out


def _venue(text: str, s: int, e: int, ctx: ContextData) -> bool:
    return (text.endswith(ctx.venue_before, 0, s)
            and text.startswith(ctx.venue_after, e))


def _document_areas(places: list[_Mention], gaz: Gazetteer) -> dict[str, _Mention]:
    """The document's own area at each level: the first place it names, its ancestors, and
    for a level still missing the first place of that level."""
    areas: dict[str, _Mention] = {}
    first = next((m for m in places if m.code is not None), None)
    if first is None:
        return areas
    areas[first.level] = first
    for level in _LEVELS[1:_RANK[first.level]]:
        up = gaz.ancestor(first.code or "", level)
        if up is not None:
            areas[level] = _Mention(first.start, first.end, up.name, up.level, up.code)
    for m in places:
        if m.code is not None and m.level not in areas:
            d = gaz.ancestor(m.code, first.level)
            if d is not None and d.code == first.code:  # within the document's area
                areas[m.level] = m
    areas["document"] = first
    return areas


def _resolve_scopes(scopes: list[tuple[int, int, str]], areas: dict[str, _Mention]) -> list[_Mention]:
    out = []
    for s, e, level in scopes:
        area = areas.get(level)
        if area is None and level == "county" and "province" in areas \
                and areas["province"].name.endswith("自治区") and "county" not in areas:
            area = areas["province"]  # 全区 of an autonomous region is the region
        if area is not None:
            out.append(_Mention(s, e, area.name, area.level, area.code))
    return out


def _most_specific(ms: list[_Mention], lo: int, hi: int, starts: list[int]) -> _Mention | None:
    best = None
    for i in range(bisect.bisect_left(starts, lo), len(ms)):  # no slice: a copy per call is O(n)
        m = ms[i]
        if m.start >= hi:
            break
        if best is None or _RANK[m.level] > _RANK[best.level]:
            best = m
    return best


def _where(clause: tuple[int, int], sentence: tuple[int, int], head: tuple[int, int],
           ms: list[_Mention], starts: list[int], doc: _Mention | None) -> tuple[_Mention | None, str]:
    m = _most_specific(ms, *clause, starts)
    if m is not None:
        return m, "context.where-clause"
    m = _most_specific(ms, *sentence, starts)
    if m is not None:
        return m, "context.where-sentence"
    m = _most_specific(ms, *head, starts)
    if m is not None:
        return m, "context.where-paragraph-head"
    return doc, _DOC_RULE


# ---------------------------------------------------------------------------------------------


def attach_context(ctx: ContextData, norm: Normalized | None, facts: list[Fact],
                   published: str | None = None, *, base: int = 0) -> list[Fact]:
    """``facts`` with ``when`` and ``where`` set on each money, count, percent, measure and
    duration fact whose text states them; date facts and the order are left as they are.

    ``published`` is accepted for the record only: the publication date is never a ``when``
    by default (a relative date such as 今年 was already resolved against it by its builder).
    ``base``: where ``norm``'s text starts in the whole input (a piece of a big text): the
    facts' offsets and those written into ``when``/``where`` count from the whole input's start.
    """
    if norm is None or not any(f.kind in _NUMERIC for f in facts):
        return facts
    text = norm.text
    lay = _layout(text, ctx)
    dates = [f for f in facts if f.kind == "date"]
    times = _times(text, norm, dates, lay, ctx, base)
    tstarts = [t.start for t in times]
    title = _title_period(text, times, lay, ctx)
    places, scopes = _mentions(text, lay, ctx)
    areas = _document_areas(places, ctx.gazetteer)
    ms = sorted(places + _resolve_scopes(scopes, areas), key=lambda m: m.start)
    mstarts = [m.start for m in ms]
    doc = areas.get("document")
    heads: dict[int, tuple[int, int]] = {}  # paragraph start → its head sentence
    whens: dict[tuple[int, str], When] = {}  # one When per governing time and rule
    wheres: dict[tuple[int, str, str], Place] = {}  # one Place per mention, area and rule
    places_by_clause: dict[int, object] = {}  # the where of a clause is the same for its figures
    out = []
    for f in facts:
        if f.kind not in _NUMERIC:
            out.append(f)
            continue
        pos = _text_pos(norm, f.start - base)
        clause, sentence = lay.clause(pos), lay.sentence(pos)
        p0 = lay.paragraph(pos)[0]
        head = heads.get(p0)
        if head is None:
            head = heads[p0] = _head(text, lay, pos)
        update: dict[str, object] = {}
        t, rule = _when(pos, clause[0], sentence[0], head, times, tstarts, title) \
            if times else (None, "")
        if t is not None and t.fact is not None:
            when = whens.get((t.start, rule))
            if when is None:
                when = whens[t.start, rule] = cast(When, _MAKE_WHEN(dict(
                    value=t.fact.value, start=t.fact.start, end=t.fact.end, as_of=t.fact.as_of,
                    rule=rule)))
            update["when"] = when
        c0 = clause[0]
        place = places_by_clause.get(c0, _UNSET)
        if place is _UNSET:
            m, rule = _where(clause, sentence, head, ms, mstarts, doc) if ms else (doc, _DOC_RULE)
            if m is not None:
                place = wheres.get((m.start, m.name, rule))
                if place is None:
                    rs, re_ = norm.to_raw(m.start, m.end)
                    place = wheres[m.start, m.name, rule] = cast(Place, _MAKE_PLACE(dict(
                        name=m.name, level=m.level, code=m.code, start=rs + base, end=re_ + base,
                        rule=rule)))
            else:
                place = None
            places_by_clause[c0] = place
        if place is not None:
            update["where"] = place
        out.append(_updated(f, update) if update else f)
    return out


def _updated(f: _F, update: dict[str, object]) -> _F:
    """``f.model_copy(update=update)`` at a fraction of its cost: the values are built typed."""
    new = f.__class__.__new__(f.__class__)
    object.__setattr__(new, "__dict__", {**f.__dict__, **update})
    object.__setattr__(new, "__pydantic_fields_set__", f.__pydantic_fields_set__ | update.keys())
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new
