"""Document metadata from the page header: publication date (with evidence), title, source, author.

Each is found by its own finder over the header — the first lines of the normalised text, at most
``_HEADER_CHARS`` long — and, where pages put it there, the closing lines. The finders return
spans of the normalised text; :func:`find_metadata` reads them out in the raw text's own script
and records where each was found. The words they look for (labels, dateline sources, site chrome)
are lexicons of ``patterns/time_words.yaml``, compiled into :class:`TimeRules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex

from unionfacts.models import Evidence
from unionfacts.pipeline.normalize import Normalized, raw_view, without_surrogates
from unionfacts.pipeline.timebase import HEADER_DATE, TimeRules, is_clock, valid

_HEADER_CHARS = 1500
_HEADER_LINES = 14
_TITLE_LINES = 8       # a title is among the first lines of the header
_TITLE_MAX = 60        # longer is a sentence of the body
_TITLE_MIN = 6
_LINE_ALONE = 30       # a header line this short holds a date and nothing else worth reading
_BEFORE_DATE = 12      # a header date may follow this much (a place, a label)
_META_AFTER_DATE = 40  # and be followed by this much metadata (来源：…, 浏览次数)
_DATELINE_PAST_HEADER = 200
_BYLINE_TAIL = 300     # a byline closing the article is sought this far from its end
_FOOTER_LINES = 2
_FAR_ABOVE_TITLE = 4   # a date line this many lines above the title belongs to the site head
_NAV_ITEM = 6          # a header line this short with no digit is a navigation item: not counted

# A date glued to what comes before it on a header line: a URL or a site name in Latin letters
# (www.example.gov.cn2023-05-11 10:02:33来源：…).
_GLUED_BEFORE = regex.compile(r"[!-~]+")
# A date followed by the other end of a span (公示时间：2025年1月2日至8日) is no publication date.
_SPAN_AFTER = regex.compile(r"\s?(?:至|到|—|~|～|-)\s?[0-9]")

_BARE = regex.compile(r"(?:^|(?<=[\s|A-Za-z]))" + HEADER_DATE)
# A line that closes the text with a date alone (a speech or report: （2024年11月5日）).
_FOOTER = regex.compile(r"^\s*[（(]?(?P<core>" + HEADER_DATE + r")[）)]?\s*$")
_YEAR_ONLY = regex.compile(r"(?:19|20)[0-9]{2}(?=年)")
_NAME_LINE = regex.compile(r"^\s*(?P<v>[\p{Han}·]{2,4})\s*$")

Line = tuple[int, str]
"""A header line: its start in the normalised text and its text (no newline)."""


class _Span(NamedTuple):
    """Where a finder found something, in the normalised text, and by which rule."""

    start: int
    end: int
    rule: str


class _Published(NamedTuple):
    value: str
    span: _Span


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a document's header says about it, each with where it was found (raw offsets)."""

    published: str | None = None
    published_evidence: Evidence | None = None
    title: str | None = None
    title_evidence: Evidence | None = None
    source: str | None = None
    source_evidence: Evidence | None = None
    author: str | None = None
    author_evidence: Evidence | None = None

    def document_fields(self) -> dict[str, Any]:
        """The fields of a :class:`~unionfacts.models.Document` this metadata gives."""
        return {"published": self.published, "published_evidence": self.published_evidence,
                "title": self.title, "source": self.source, "author": self.author}


def find_metadata(raw: str, norm: Normalized, rules: TimeRules,
                  chrome: Iterable[tuple[int, int]] = ()) -> Metadata:
    """Publication date (with evidence), title, source and author of one document.

    ``norm`` is the document's :class:`~unionfacts.pipeline.normalize.Normalized` view (made once
    and shared with extraction). ``chrome``: spans of ``norm.text`` that are page chrome (a
    related-links block), read past: their headlines and dates are not this document's.
    """
    text = _masked(norm.text, chrome)
    lines = _header_lines(text)
    header_end = lines[-1][0] + len(lines[-1][1]) if lines else 0
    title = find_title(rules, text, lines)
    published = find_published(rules, text, lines, header_end, title.start if title else None)
    date_span = published.span if published else None
    source = find_source(rules, text)
    author = find_author(rules, text, lines, header_end, date_span)

    def evidence(span: _Span | None) -> Evidence | None:
        if span is None:
            return None
        ra, rb = norm.to_raw(span.start, span.end)
        return Evidence(start=ra, end=rb, text=raw[ra:rb], rule=span.rule)

    def read(span: _Span | None) -> str | None:
        # JSON cannot carry lone surrogates
        return without_surrogates(raw_view(norm, span.start, span.end)) if span else None

    return Metadata(published=published.value if published else None, published_evidence=evidence(date_span),
                    title=read(title), title_evidence=evidence(title),
                    source=read(source), source_evidence=evidence(source),
                    author=read(author), author_evidence=evidence(author))


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


def _header_lines(text: str) -> list[Line]:
    """The first ``_HEADER_LINES`` lines of ``text``, within its first ``_HEADER_CHARS``; the
    items of a navigation block (short lines with no digit: 首页, 工会动态) are read past
    without being counted, so a dateline below a long menu is still in the header."""
    limit = min(len(text), _HEADER_CHARS)
    lines: list[Line] = []
    counted = 0
    pos = 0
    while pos <= limit and counted < _HEADER_LINES:
        nl = text.find("\n", pos, limit)
        end = limit if nl < 0 else nl
        line = text[pos:end]
        lines.append((pos, line))
        s = line.strip()
        if s and (len(s) > _NAV_ITEM or any(c.isdigit() for c in s)):
            counted += 1
        if nl < 0:
            break
        pos = nl + 1
    return lines


def _iso(m: regex.Match[str]) -> str | None:
    """The date (or date-time) of a header date match; ``None`` when no such day exists."""
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not valid(y, mo, d):
        return None
    day = f"{y:04d}-{mo:02d}-{d:02d}"
    if m.group("hh") is not None:
        hh, mi = int(m.group("hh")), int(m.group("mi"))
        if hh > 23:
            return day
        return f"{day}T{hh:02d}:{mi:02d}"
    return day


# ---------------------------------------------------------------- publication date


def find_published(rules: TimeRules, text: str, lines: list[Line], header_end: int,
                   title: int | None = None) -> _Published | None:
    """The publication date: a labelled date in the header, else a header line holding a date,
    else a dateline (新华社北京3月15日电) with the header's year, else a closing date line.
    ``title``: where the title starts; a date line far above it is the site's, not the article's."""
    return (_labeled_date(rules, text, header_end) or _header_line_date(rules, text, lines, title)
            or _dateline_date(rules, text, header_end) or _footer_date(text))


def _labeled_date(rules: TimeRules, text: str, header_end: int) -> _Published | None:
    """The first labelled header date that is no span's start (公示时间：1月2日至8日)."""
    for m in rules.labeled.finditer(text, 0, header_end):
        iso = _iso(m)
        if iso is not None and not _SPAN_AFTER.match(text, m.end()):
            return _Published(iso, _Span(m.start("y"), m.end(), "published.labeled"))
    return None


def _header_line_date(rules: TimeRules, text: str, lines: list[Line],
                      title: int | None = None) -> _Published | None:
    # lines that hold something (not blank): a date this many of them above the title sits in
    # the site's own header (a date widget over a menu), not the article's
    above = [lp for lp, ln in lines if ln.strip() and title is not None and lp < title]
    site_head = above[-_FAR_ABOVE_TITLE] if len(above) >= _FAR_ABOVE_TITLE else -1
    for lpos, line in lines:
        if lpos <= site_head:
            continue
        m = _BARE.search(line)
        if not m:
            continue
        if is_clock(rules, text, lpos + m.start(), lpos + m.end()):
            continue  # a page clock: 2024年3月5日 星期二
        rest = line[m.end():].strip()
        before = line[:m.start()].strip()
        if _GLUED_BEFORE.fullmatch(before):
            before = ""  # a URL or site name the date is glued to
        # the date stands alone on its line, or only metadata follows it
        alone = len(before) <= _BEFORE_DATE and (
            not rest or len(rest) <= _META_AFTER_DATE and rules.header_meta.match(rest) is not None)
        if alone or len(line.strip()) <= _LINE_ALONE:
            iso = _iso(m)
            if iso:
                return _Published(iso, _Span(lpos + m.start("y"), lpos + m.end(), "published.header-line"))
    return None


def _dateline_date(rules: TimeRules, text: str, header_end: int) -> _Published | None:
    """A dateline's month and day; its year is the latest year the header names."""
    m = rules.dateline.search(text, 0, header_end + _DATELINE_PAST_HEADER)
    if m is None:
        return None
    years = [int(x.group()) for x in _YEAR_ONLY.finditer(text, 0, header_end)]
    if not years:
        return None
    y = max(years)
    mo, d = int(m.group("m")), int(m.group("d"))
    if not valid(y, mo, d):
        return None
    return _Published(f"{y:04d}-{mo:02d}-{d:02d}", _Span(m.start("m"), m.end(), "published.dateline"))


def _footer_date(text: str) -> _Published | None:
    """A date alone on one of the last lines (a speech or report: （2024年11月5日）)."""
    tail = text.rstrip()
    for _ in range(_FOOTER_LINES):
        nl = tail.rfind("\n")
        line = tail[nl + 1:]
        m = _FOOTER.match(line)
        if m:
            iso = _iso(m)
            if iso is None:
                return None
            return _Published(iso, _Span(nl + 1 + m.start("core"), nl + 1 + m.end("core"), "published.footer"))
        if nl < 0:
            return None
        tail = tail[:nl].rstrip()
    return None


# ---------------------------------------------------------------- source, author, title


def find_source(rules: TimeRules, text: str) -> _Span | None:
    """A 来源 label's value in the header, else in the closing part (people.cn puts it there)."""
    m = rules.source.search(text, 0, min(len(text), _HEADER_CHARS))
    if m is None and len(text) > _HEADER_CHARS:
        m = rules.source.search(text, len(text) - _HEADER_CHARS)
    return _Span(m.start("v"), m.end("v"), "source.labeled") if m else None


def find_author(rules: TimeRules, text: str, lines: list[Line], header_end: int,
                date: _Span | None) -> _Span | None:
    """The author, not the editor (责任编辑, 责编): a byline in the header or at the end, else a
    lone 2-4 character name on a line just above the date line (people.cn layout)."""
    m = rules.author.search(text, 0, header_end)
    if m is None and len(text) > header_end:
        m = rules.author.search(text, max(header_end, len(text) - _BYLINE_TAIL))  # a byline at the end
    if m:
        return _Span(m.start("v"), m.end("v"), "author.labeled")
    return _name_above(lines, date) if date else None


def _name_above(lines: list[Line], date: _Span) -> _Span | None:
    date_line = next((i for i, (lp, ln) in enumerate(lines) if lp <= date.start < lp + len(ln) + 1), None)
    if not date_line:
        return None
    for j in range(date_line - 1, max(-1, date_line - 3), -1):
        lp, ln = lines[j]
        if not ln.strip():
            continue
        m = _NAME_LINE.match(ln)
        return _Span(lp + m.start("v"), lp + m.end("v"), "author.name-line") if m else None
    return None


def find_title(rules: TimeRules, text: str, lines: list[Line]) -> _Span | None:
    """The first content line that is a headline, not chrome, a date, a name or a sentence
    (a document of one line has none); a label before it (原标题：) is read past."""
    if sum(1 for _, ln in lines if ln.strip()) <= 1:
        return None
    for lpos, line in lines[:_TITLE_LINES]:
        s = line.strip()
        if _is_headline(rules, s):
            a = lpos + line.index(s)
            b = a + len(s)
            label = rules.title_label.match(text, a, b)
            return _Span(label.end() if label else a, b, "title.header-line")
    return None


def _is_headline(rules: TimeRules, s: str) -> bool:
    if len(s) < _TITLE_MIN or rules.crumb.search(s) or rules.chrome_line.search(s) or " / " in s \
            or "http" in s or _BARE.search(s) or rules.labeled.search(s):
        return False
    return not (len(s) > _TITLE_MAX or "。" in s or s.count("，") > 1 or s[-1] in "，。；：！？,;:!?")
