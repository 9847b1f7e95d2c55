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
import functools
import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass

from unionfacts.models import Date, Place, When
from unionfacts.pipeline.normalize import Normalized
from unionfacts.rules.packs import PatternSet

_LEVELS = ("country", "province", "prefecture", "county")
_RANK = {lv: i for i, lv in enumerate(_LEVELS)}
#: The nationwide area; GB/T 2260 gives the country no code.
_NATION = ("全国", "country", None)
#: Longest clause prefix before a topic date (截至, 方才过去的): a longer one makes the date
#: part of the clause's own statement, not the time of what follows.
_TOPIC_LEAD = 6
#: A bold lead label at the head of a paragraph (打好“智慧拳”。) is at most this long.
_LABEL_MAX = 14
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
    prefixes: dict[str, tuple[int, ...]]
    """First two characters → the lengths of the surfaces they start, longest first."""

    def ancestor(self, code: str, level: str) -> Division | None:
        d = self.by_code.get(code)
        while d is not None and d.level != level:
            d = self.by_code.get(d.parent)
        return d


@functools.cache
def _rows() -> tuple[Division, ...] | tuple[tuple[Division, tuple[str, ...]], ...]:
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
    national: tuple[str, ...]
    national_body: tuple[str, ...]
    national_label: tuple[str, ...]
    place_label: tuple[str, ...]
    body: tuple[str, ...]
    venue_before: tuple[str, ...]
    venue_after: tuple[str, ...]
    suffixes: tuple[str, ...]
    ambiguous: frozenset[str]

    @property
    def gazetteer(self) -> Gazetteer:
        return _build_gazetteer(self.suffixes, self.ambiguous)


@functools.cache
def _build_gazetteer(suffixes: tuple[str, ...], ambiguous: frozenset[str]) -> Gazetteer:
    rows = _rows()
    by_code = {d.code: d for d, _ in rows}
    names: dict[str, str] = {}
    for d, former in rows:  # full and former names first: they win over any short name
        names.setdefault(d.name, d.code)
        for f in former:
            names.setdefault(f, d.code)
    for d, former in rows:  # short names of provinces and prefectures, province first
        if d.level == "county":
            continue
        for full in (d.name, *former):
            short = _short(full, suffixes)
            if short and short not in ambiguous and "族" not in short:
                names.setdefault(short, d.code)
    short = frozenset(n for n, c in names.items() if n != by_code[c].name and not n.endswith(
        tuple(suffixes)))
    county_short: dict[str, str] = {}
    for d, _ in rows:
        if d.level == "county":
            cs = _short(d.name, (*suffixes, "县", "区", "旗"))
            if cs and cs not in names and "族" not in cs:
                county_short.setdefault(cs, d.code)
    prefixes: dict[str, set[int]] = {}
    for n in (*names, *county_short):
        prefixes.setdefault(n[:2], set()).add(len(n))
    return Gazetteer(by_code, names, short, county_short,
                     {k: tuple(sorted(v, reverse=True)) for k, v in prefixes.items()})


# PatternSet hashes by identity: one ContextData per compiled pattern set
@functools.lru_cache(maxsize=16)
def compile_context(pset: PatternSet) -> ContextData:
    def words(name: str) -> tuple[str, ...]:
        return tuple(pset.words(name))

    return ContextData(
        clause_break=frozenset(pset.lexicon("context_clause_break")),
        sentence_break=frozenset(pset.lexicon("context_sentence_break")),
        date_tail=words("context_date_tail"), span_start=words("context_span_start"),
        date_modifier=words("context_date_modifier"), vague=words("context_vague"),
        blocking=words("context_blocking"), title_period=words("context_title_period"),
        scope=dict(pset.lexicon("context_scope")), national=words("context_national"),
        national_body=words("context_national_body"), place_label=words("context_place_label"),
        body=words("context_body"),
        national_label=words("context_national_label"),
        venue_before=words("context_venue_before"), venue_after=words("context_venue_after"),
        suffixes=words("context_place_suffix"),
        ambiguous=frozenset(pset.lexicon("context_short_ambiguous")))


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
    clauses, sentences, paragraphs = [0], [0], [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            paragraphs.append(i + 1)
            sentences.append(i + 1)
            clauses.append(i + 1)
        elif ch in ctx.sentence_break:
            sentences.append(i + 1)
            clauses.append(i + 1)
        elif ch in ctx.clause_break or (ch == "…" and text[i + 1:i + 2] == "…"):
            clauses.append(i + 1)
    return _Layout(clauses, sentences, paragraphs, len(text))


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


@dataclass(frozen=True, slots=True)
class _Time:
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
    if any(text.endswith(w, c0, s) for w in ctx.span_start):
        return True
    if s - c0 > _TOPIC_LEAD:
        return False
    if (s == c0 or any(text.endswith(w, c0, s) for w in (*ctx.body, *ctx.scope))) \
            and not any(text.startswith(w, e) for w in ctx.date_modifier):
        return True  # before the verb, after nothing or after the body that acts
    rest = text[e:c1]
    for t in ctx.date_tail:
        if rest.startswith(t):
            rest = rest[len(t):]
            break
    return len(rest) <= 1 and (not rest or rest in ctx.clause_break)


def _words(text: str, words: Sequence[str]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for w in words:  # longest first: a shorter word inside a longer one found is skipped
        i = text.find(w)
        while i >= 0:
            if not any(a <= i < b for a, b, _ in found):
                found.append((i, i + len(w), w))
            i = text.find(w, i + 1)
    return found


def _times(text: str, norm: Normalized, dates: list[Date], lay: _Layout,
           ctx: ContextData) -> list[_Time]:
    out = []
    spans = []
    for d in dates:
        s, e = _text_pos(norm, d.start), _text_pos(norm, d.end)
        spans.append((s, e))
        out.append(_Time(s, e, d.value, _is_topic(text, s, e, lay, ctx), fact=d))
    for s, e, w in _words(text, (*ctx.blocking, *ctx.vague)):
        if not any(a < e and s < b for a, b in spans):
            out.append(_Time(s, e, None, _is_topic(text, s, e, lay, ctx), blocks=w in ctx.blocking))
    out.sort(key=lambda t: t.start)
    return out


def _title_period(text: str, times: list[_Time], lay: _Layout, ctx: ContextData) -> _Time | None:
    """A year in a heading line followed by 工作总结 / 政府工作报告: the reporting period."""
    for t in times:
        if t.value is None or t.start > 200:
            continue
        p0, p1 = lay.paragraph(t.start)
        if p1 - p0 <= 40 and any(text.startswith(w, t.end) for w in ctx.title_period):
            return t
    return None


def _when(pos: int, times: list[_Time], starts: list[int], text: str, lay: _Layout,
          title: _Time | None) -> tuple[_Time | None, str]:
    c0, _ = lay.clause(pos)
    s0, _ = lay.sentence(pos)
    k = bisect.bisect_left(starts, pos)
    before = times[:k]
    # 1. the figure's own clause: the nearest time before it
    for t in reversed(before):
        if t.start < c0:
            break
        if t.end <= pos:
            if t.blocks:
                return None, ""
            if t.value is not None:
                return t, "context.when-clause"
            break  # a vague word of the clause: nothing of its own, the sentence may still say
    # 2. a topic time earlier in the sentence
    for t in reversed(before):
        if t.start < s0:
            break
        if t.topic and t.end <= c0:
            if t.blocks:
                return None, ""
            if t.value is not None:
                return t, "context.when-sentence"
    # 3. the head of the paragraph: its first topic time
    h0, h1 = _head(text, lay, pos)
    if h0 < s0:
        for t in times[bisect.bisect_left(starts, h0):]:
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


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    name: str
    level: str
    code: str | None


def _quotes(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in "“《":
            stack.append(i)
        elif ch in "”》" and stack:
            spans.append((stack.pop(), i))
        elif ch == "\n":
            stack.clear()
    return sorted(spans)


def _mentions(text: str, ctx: ContextData) -> tuple[list[_Mention], list[tuple[int, int, str]]]:
    """Place names (leftmost-longest) and scope words, each with its text span; venues, labels
    and short names inside quotes left out. Scope words come back unresolved: (start, end,
    level)."""
    gaz = ctx.gazetteer
    names, prefixes, county_short = gaz.names, gaz.prefixes, gaz.county_short
    quotes = _quotes(text)
    lay_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch in ctx.clause_break
                        or ch in ctx.sentence_break or ch == "\n"]
    scope_words = sorted(ctx.scope, key=len, reverse=True)
    places: list[_Mention] = []
    scopes: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n - 1:
        lengths = prefixes.get(text[i:i + 2])
        hit = None
        if lengths:
            for L in lengths:
                w = text[i:i + L]
                code = names.get(w)
                if code is not None:
                    hit = (L, code, w in gaz.short)
                    break
                code = county_short.get(w)
                if code is not None and any(text.startswith(b, i + L) for b in ctx.body):
                    hit = (L, code, False)
                    break
        if hit is not None:
            L, code, short = hit
            if not (_venue(text, i, i + L, ctx)
                    or any(text.startswith(w, i + L) for w in ctx.place_label)
                    or (short and any(a < i < b for a, b in quotes))):
                d = gaz.by_code[code]
                places.append(_Mention(i, i + L, d.name, d.level, d.code))
            i += L
            continue
        ch = text[i]
        if ch in "全我本该省市县区中":
            w = next((w for w in ctx.national_body if text.startswith(w, i)), None)
            if w is None:
                w = next((w for w in ctx.national if text.startswith(w, i)), None)
                if w is not None:
                    c0 = lay_starts[bisect.bisect_right(lay_starts, i) - 1]
                    if i - c0 > 2 or any(text.startswith(x, i + len(w)) for x in ctx.national_label):
                        i += len(w)
                        continue
            if w is not None:
                places.append(_Mention(i, i + len(w), *_NATION))
                i += len(w)
                continue
            w = next((w for w in scope_words if text.startswith(w, i)), None)
            if w is not None:
                scopes.append((i, i + len(w), ctx.scope[w]))
                i += len(w)
                continue
        i += 1
    return places, scopes


def _venue(text: str, s: int, e: int, ctx: ContextData) -> bool:
    return (any(text.endswith(w, 0, s) for w in ctx.venue_before)
            and any(text.startswith(w, e) for w in ctx.venue_after))


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
    for m in ms[bisect.bisect_left(starts, lo):]:
        if m.start >= hi:
            break
        if best is None or _RANK[m.level] > _RANK[best.level]:
            best = m
    return best


def _where(pos: int, ms: list[_Mention], starts: list[int], text: str, lay: _Layout,
           doc: _Mention | None) -> tuple[_Mention | None, str]:
    m = _most_specific(ms, *lay.clause(pos), starts)
    if m is not None:
        return m, "context.where-clause"
    m = _most_specific(ms, *lay.sentence(pos), starts)
    if m is not None:
        return m, "context.where-sentence"
    m = _most_specific(ms, *_head(text, lay, pos), starts)
    if m is not None:
        return m, "context.where-paragraph-head"
    return doc, "context.where-document"


# ---------------------------------------------------------------------------------------------


def attach_context(ctx: ContextData, norm: Normalized | None, facts: list, published: str | None = None) -> list:
    """``facts`` with ``when`` and ``where`` set on each money, count, percent, measure and
    duration fact whose text states them; date facts and the order are left as they are.

    ``published`` is accepted for the record only: the publication date is never a ``when``
    by default (a relative date such as 今年 was already resolved against it by its builder).
    """
    if norm is None or not any(f.kind in _NUMERIC for f in facts):
        return facts
    text = norm.text
    lay = _layout(text, ctx)
    dates = [f for f in facts if f.kind == "date"]
    times = _times(text, norm, dates, lay, ctx)
    tstarts = [t.start for t in times]
    title = _title_period(text, times, lay, ctx)
    places, scopes = _mentions(text, ctx)
    areas = _document_areas(places, ctx.gazetteer)
    ms = sorted(places + _resolve_scopes(scopes, areas), key=lambda m: m.start)
    mstarts = [m.start for m in ms]
    doc = areas.get("document")
    out = []
    for f in facts:
        if f.kind not in _NUMERIC:
            out.append(f)
            continue
        pos = _text_pos(norm, f.start)
        update: dict[str, object] = {}
        t, rule = _when(pos, times, tstarts, text, lay, title)
        if t is not None and t.fact is not None:
            update["when"] = When(value=t.fact.value, start=t.fact.start, end=t.fact.end,
                                  as_of=t.fact.as_of, rule=rule)
        m, rule = _where(pos, ms, mstarts, text, lay, doc)
        if m is not None:
            rs, re_ = norm.to_raw(m.start, m.end)
            update["where"] = Place(name=m.name, level=m.level, code=m.code, start=rs, end=re_,
                                    rule=rule)
        out.append(f.model_copy(update=update) if update else f)
    return out
