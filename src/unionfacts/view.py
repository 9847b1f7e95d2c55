"""HTML view of documents: every fact highlighted in its raw text, a sortable facts table.

``render_html`` builds one self-contained page (inline CSS, a little plain JavaScript, no
network): for each document its raw text with line breaks kept, each fact one element
(``data-kind``, ``data-start``, ``data-end`` = the fact's raw offsets, ``tabindex="0"``, a
popover with its value on hover and on focus), the numbered lists of measures outlined, the
publication date's evidence marked, and beside the text a table of the facts, sortable by
column and filterable by kind. Several documents get an index with counts per kind.

Everything is built here, in Python: the page does no per-fact work when it loads, so a 1 MB
document opens as fast as the browser can lay out its text. The text goes into the page
escaped, so a document holding ``<script>`` shows it as text.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import itertools
import os
import re
import tempfile
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol


__all__ = ["Item", "render_fragment", "render_html", "write_report"]


class DocumentLike(Protocol):
    """What the view reads of a ``unionfacts.models.Document``. (By attribute: ``models``
    imports this module for ``Document.to_html``, so this module does not import ``models``.)"""

    @property
    def doc(self) -> str: ...
    @property
    def facts(self) -> Sequence[Any]: ...
    @property
    def enumerations(self) -> Sequence[Any]: ...
    @property
    def published(self) -> str | None: ...
    @property
    def published_evidence(self) -> Any: ...
    @property
    def title(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...


#: What the renderers accept per document: a ``Document`` (its text from its ``text`` field
#: when it has one) or a ``(document, raw_text)`` pair.
Item = DocumentLike | tuple[DocumentLike, str]

# kind → (label shown before each highlight, name in the legend)
_LABELS: dict[str, str] = {"money": "¥", "count": "#", "percent": "%", "date": "D",
                           "duration": "T", "measure": "M"}
_KINDS = tuple(_LABELS)  # the order of models.KINDS (a test checks)
_CHUNK = 4000  # characters per block of text the browser may skip laying out while off screen
_SURROGATES = re.compile("[\ud800-\udfff\x00]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _text(s: str) -> str:
    """Text content, escaped. A carriage return is written as a reference so the browser keeps
    it (the HTML parser turns a raw CR into LF); a lone surrogate or NUL, which a page cannot
    carry, becomes U+FFFD, one character for one, so offsets stay true."""
    if _SURROGATES.search(s):
        s = _SURROGATES.sub("\ufffd", s)
    return s.translate(_ESCAPES)


def _attr(s: object) -> str:
    return html.escape(_SURROGATES.sub("\ufffd", str(s)), quote=True)


# ------------------------------------------------------------------------------ weaving

@dataclass(slots=True)
class _Span:
    """An element to wrap around ``text[start:end]``.

    A fact is atomic: it is one element, never split. Decorations (a list, an item, the
    publication evidence) may be split in pieces where they cross another element; the first
    piece opens with ``head``, the others with ``cont``.
    """

    start: int
    end: int
    head: str
    close: str
    rank: int  # among spans of the same range, the lower rank is the outer element
    cont: str = ""

    @property
    def atomic(self) -> bool:
        return not self.cont


def _laminate(facts: list[_Span]) -> None:
    """Make fact spans nest: a fact that crosses an earlier one (starts inside it, ends after
    it) is shown from the earlier one's end. Its ``data-start``/``data-end`` stay the fact's."""
    # in order of (shown) start: a clipped fact goes back in line at its new start
    heap = [(f.start, -f.end, f.rank, i, f) for i, f in enumerate(facts)]
    heapq.heapify(heap)
    stack: list[_Span] = []
    while heap:
        *_, i, f = heapq.heappop(heap)
        while stack and stack[-1].end <= f.start:
            stack.pop()
        if stack and stack[-1].end < f.end:
            f.start = stack[-1].end
            heapq.heappush(heap, (f.start, -f.end, f.rank, i, f))
            continue
        stack.append(f)


def _chunk_breaks(text: str, spans: list[_Span]) -> list[int]:
    """Offsets just after a line break, about every ``_CHUNK`` characters, that no span covers."""
    if len(text) <= _CHUNK:
        return []
    covered: list[tuple[int, int]] = []  # union of the spans, sorted
    for s in sorted(spans, key=lambda s: s.start):
        if covered and s.start < covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], s.end))
        else:
            covered.append((s.start, s.end))
    starts = [c[0] for c in covered]
    breaks: list[int] = []
    pos = _CHUNK
    while pos < len(text):
        nl = text.find("\n", pos)
        if nl < 0 or nl + 1 >= len(text):
            break
        cut = nl + 1
        i = bisect_right(starts, cut - 1) - 1
        if i >= 0 and covered[i][0] < cut < covered[i][1]:
            pos = covered[i][1]  # inside a span: look again after it
            continue
        breaks.append(cut)
        pos = cut + _CHUNK
    return breaks


def _weave(text: str, spans: list[_Span], breaks: list[int], out: list[str]) -> None:
    """Write ``text`` with every span's element around its range, properly nested.

    The open elements form a stack. A span that ends before one above it is closed with
    it; what is above it and goes on is split (closed, then reopened with ``cont``), which is
    only ever a decoration: a fact sits only above elements that end no earlier than it.
    """
    opening = sorted((s for s in spans if s.start < s.end), key=lambda s: (s.start, -s.end, s.rank))
    empty = sorted((s for s in spans if s.start >= s.end), key=lambda s: (s.start, s.rank))
    points = sorted({0, len(text), *breaks, *(s.start for s in spans), *(s.end for s in spans)})
    cuts = set(breaks)
    stack: list[_Span] = []
    oi = ei = 0
    pos = 0
    out.append('<div class="chunk">')
    for p in points:
        if p > pos:
            out.append(_text(text[pos:p]))
            pos = p
        reopen: list[_Span] = []
        low = next((i for i, s in enumerate(stack) if s.end <= p), -1)
        if low >= 0:
            for s in reversed(stack[low:]):
                out.append(s.close)
                if s.end > p:
                    reopen.append(s)
            del stack[low:]
            reopen.reverse()
        if p in cuts and not stack and not reopen:
            out.append('</div><div class="chunk">')
        while ei < len(empty) and empty[ei].start == p:
            out.append(empty[ei].head + empty[ei].close)
            ei += 1
        fresh: list[_Span] = []
        while oi < len(opening) and opening[oi].start == p:
            fresh.append(opening[oi])
            oi += 1
        again = {id(s) for s in reopen}
        for s in sorted(reopen + fresh, key=lambda s: (-s.end, s.rank)):
            lifted: list[_Span] = []
            while stack and stack[-1].end < s.end and not stack[-1].atomic:
                lifted.append(stack.pop())
                out.append(lifted[-1].close)
            stack.append(s)
            out.append(s.cont if id(s) in again else s.head)
            for t in reversed(lifted):
                stack.append(t)
                out.append(t.cont)
    for s in reversed(stack):  # nothing is left open at the end of the text
        out.append(s.close)
    out.append("</div>")


# ------------------------------------------------------------------------------- facts

def _plain(d: Decimal) -> str:
    from unionfacts.pipeline.numbers import plain

    return plain(d)


def _grouped(d: Decimal) -> str:
    """``350000000`` → ``350,000,000`` (a reader counts the digits of a money figure)."""
    s = _plain(d)
    sign = "-" if s.startswith("-") else ""
    whole, dot, frac = s.lstrip("-").partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def _value(fact: Any) -> tuple[str, str]:
    """The value to show and the key to sort it by."""
    v = fact.value
    if isinstance(v, Decimal):
        shown = _grouped(v)
        if getattr(fact, "high", None) is not None and fact.high != v:
            shown += "–" + _grouped(fact.high)
        return shown, _plain(v)
    return str(v), str(v)


def _details(fact: Any) -> list[tuple[str, str]]:
    """What a fact's popover lists, label and value, in reading order."""
    rows: list[tuple[str, str]] = [("value", _value(fact)[0])]
    unit = getattr(fact, "unit", "")
    if unit:
        rows.append(("unit", str(unit)))
    per = getattr(fact, "per", ())
    if per:
        rows.append(("per", " / ".join(per)))
    if getattr(fact, "time_unit", None):
        rows.append(("amount", f"{_plain(fact.amount)} {fact.time_unit}"))
    if getattr(fact, "granularity", None):
        rows.append(("granularity", str(fact.granularity)))
    if getattr(fact, "first", None) and (fact.first != fact.value or fact.last != fact.value):
        rows.append(("covers", f"{fact.first} … {fact.last}"))
    if getattr(fact, "resolved", True) is False:
        rows.append(("year", "unresolved"))
    if getattr(fact, "as_of", False):
        rows.append(("as of", "yes"))
    rows.append(("qualifier", fact.qualifier))
    if fact.subject:
        rows.append(("subject", fact.subject))
    for name in ("when", "where"):
        extra = getattr(fact, name, None)
        if extra:
            rows.append((name, _context(extra)))
    rows.append(("rule", fact.rule))
    return rows


def _context(x: Any) -> str:
    """A fact's ``when`` (its value; 截至 marked) or ``where`` (its name and code) as shown."""
    if not x:
        return ""
    if getattr(x, "name", None):
        code = getattr(x, "code", None)
        return f"{x.name} ({code})" if code else str(x.name)
    value = str(getattr(x, "value", x))
    return f"as of {value}" if getattr(x, "as_of", False) else value


def _tip(fact: Any) -> str:
    return f"{fact.kind}\n" + "\n".join(f"{k}: {v}" for k, v in _details(fact))


# --------------------------------------------------------------------------- documents

@dataclass(frozen=True, slots=True)
class _Doc:
    document: DocumentLike
    text: str | None
    anchor: str  # id prefix of this document's elements


def _items(documents: Iterable[Item], prefix: str) -> list[_Doc]:
    docs: list[_Doc] = []
    for i, item in enumerate(documents):
        text: str | None
        if isinstance(item, tuple):
            doc, text = item
        else:
            doc, text = item, getattr(item, "text", None)
        if not all(hasattr(doc, a) for a in ("doc", "facts", "enumerations", "published_evidence")):
            raise TypeError(f"expected a Document or a (Document, text) pair, got {type(doc).__name__}")
        if text is not None and not isinstance(text, str):
            raise TypeError(f"the raw text must be a str, got {type(text).__name__}")
        if text is not None:
            for f in doc.facts:
                if not (0 <= f.start <= f.end <= len(text)) or text[f.start:f.end] != f.text:
                    raise ValueError(f"document {doc.doc!r}: fact {f.text!r} at {f.start}:{f.end} "
                                     "is not in the text given (is it the text the document was "
                                     "extracted from?)")
        docs.append(_Doc(doc, text, f"{prefix}d{i}"))
    return docs


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _line_end(text: str, i: int) -> int:
    nl = text.find("\n", i)
    return len(text) if nl < 0 else nl + 1


def _enum_spans(d: _Doc, text: str) -> list[_Span]:
    spans: list[_Span] = []
    for n, en in enumerate(d.document.enumerations):
        if not en.items:
            continue
        first, last = en.items[0], en.items[-1]
        start = _line_start(text, first.marker_start)
        if text[start:first.marker_start].strip():
            start = first.marker_start
        end = _line_end(text, max(last.title_end, last.marker_end))
        label = _attr(_enum_label(en))
        spans.append(_Span(start, end, f'<span class="enum" id="{d.anchor}-e{n}" data-enum="{_attr(en.id)}" '
                                       f'data-label="{label}">', "</span>", 0,
                           f'<span class="enum cont" data-enum="{_attr(en.id)}">'))
        for it in en.items:
            spans.append(_Span(it.marker_start, it.marker_end,
                               f'<span class="marker" data-ordinal="{it.ordinal}">', "</span>", 1,
                               '<span class="marker cont">'))
            if it.title_end > it.title_start:
                spans.append(_Span(it.title_start, it.title_end, '<span class="item-title">',
                                   "</span>", 2, '<span class="item-title">'))
    return spans


def _enum_label(en: Any) -> str:
    found = len(en.items)
    if en.announced is None:
        return f"list of {found} items"
    mark = "✓" if en.agrees else "✗"
    return f"announced {en.announced} ({en.announced_text or ''}), found {found} {mark}"


def _render_text(d: _Doc, text: str, out: list[str]) -> None:
    doc = d.document
    announced = {(e.announced_start, e.announced_end): e.id for e in doc.enumerations
                 if e.announced_start is not None}
    facts: list[_Span] = []
    for i, f in enumerate(doc.facts):
        extra = ""
        en = announced.get((f.start, f.end))
        if en is not None:
            extra = f' data-announces="{_attr(en)}"'
        tip = _attr(_tip(f))
        facts.append(_Span(
            f.start, f.end,
            f'<span class="f k-{f.kind}" id="{d.anchor}-f{i}" data-kind="{f.kind}" '
            f'data-start="{f.start}" data-end="{f.end}" tabindex="0" data-tip="{tip}" '
            f'aria-label="{_attr(f.text)}: {tip}"{extra}>',
            "</span>", 5))
    shown = [(s.start, s) for s in facts]
    _laminate(facts)
    for start, s in shown:
        if s.start != start:  # crosses an earlier fact: tell which part is shown
            s.head = s.head.replace(' tabindex="0"', f' data-shown-start="{s.start}" tabindex="0"', 1)
    spans = facts + _enum_spans(d, text)
    ev = doc.published_evidence
    if ev is not None and 0 <= ev.start < ev.end <= len(text):
        spans.append(_Span(ev.start, ev.end,
                           f'<mark class="pub" id="{d.anchor}-pub" title="publication date '
                           f'{_attr(doc.published)} (rule {_attr(ev.rule)})">', "</mark>", 3,
                           '<mark class="pub cont">'))
    _weave(text, spans, _chunk_breaks(text, spans), out)


def _counts(doc: DocumentLike) -> Counter[str]:
    return Counter(f.kind for f in doc.facts)


# column → relative width; the header and every block of rows share them (fixed layout)
_COLUMNS: dict[str, int] = {"kind": 11, "text": 15, "value": 17, "unit": 7, "qualifier": 11,
                            "subject": 15, "rule": 16, "when": 12, "where": 12, "start": 8}
_ROWS = 100  # rows per block of the facts table; blocks off screen are not laid out


def _render_table(d: _Doc, out: list[str]) -> None:
    """The facts table: a header table, then the rows in blocks of ``_ROWS``, each its own
    table the browser may skip while it is off screen (one 10,000-row table takes seconds to
    lay out). The columns line up because every table has the same fixed column widths."""
    doc = d.document
    extra = [n for n in ("when", "where") if any(getattr(f, n, None) for f in doc.facts)]
    cols = [c for c in _COLUMNS if c not in ("when", "where") or c in extra]
    colgroup = "<colgroup>" + "".join(f'<col class="c-{c}">' for c in cols) + "</colgroup>"
    out.append(f'<table class="facts head">{colgroup}<thead><tr>')
    for c in cols:
        num = ' data-type="num"' if c in ("value", "start") else ""
        out.append(f'<th scope="col" data-col="{c}"{num} tabindex="0" aria-sort="none">{c}</th>')
    out.append("</tr></thead></table>")
    linked = d.text is not None
    for i, f in enumerate(doc.facts):
        if i % _ROWS == 0:
            if i:
                out.append("</tbody></table></div>")
            out.append(f'<div class="rows"><table class="facts rows">{colgroup}<tbody>')
        shown, key = _value(f)
        target = f' data-target="{d.anchor}-f{i}" tabindex="0"' if linked else ""
        out.append(f'<tr data-kind="{f.kind}"{target}>'
                   f'<td><span class="chip k-{f.kind}">{f.kind}</span></td>'
                   f'<td class="t">{_text(f.text)}</td>'
                   f'<td class="v" data-v="{_attr(key)}">{_text(shown)}</td>'
                   f"<td>{_text(str(getattr(f, 'unit', '')))}</td>"
                   f'<td class="q-{f.qualifier}">{f.qualifier}</td>'
                   f'<td>{_text(f.subject)}</td><td class="r">{_text(f.rule).replace(".", ".<wbr>")}</td>')
        for n in extra:
            out.append(f"<td>{_text(_context(getattr(f, n, None)))}</td>")
        out.append(f"<td>{f.start}</td></tr>")
    if doc.facts:
        out.append("</tbody></table></div>")


def _render_doc(d: _Doc, out: list[str]) -> None:
    doc = d.document
    counts = _counts(doc)
    heading = doc.title or doc.doc or "document"
    out.append(f'<section class="doc" id="{d.anchor}" data-doc="{_attr(doc.doc)}">'
               f'<header><h2>{_text(heading)}</h2><dl class="meta">')
    if doc.doc:
        out.append(f"<dt>id</dt><dd>{_text(doc.doc)}</dd>")
    if doc.published:
        ev = doc.published_evidence
        where = ""
        if ev is not None and d.text is not None:
            where = (f' <a class="pub-link" href="#{d.anchor}-pub">read from “{_text(ev.text)}”</a>'
                     f' <span class="r">{_text(ev.rule)}</span>')
        elif ev is None:
            where = " (given by the caller)"
        out.append(f'<dt>published</dt><dd><b class="pubval">{_text(doc.published)}</b>{where}</dd>')
    for name in ("source", "author"):
        val = getattr(doc, name)
        if val:
            out.append(f"<dt>{name}</dt><dd>{_text(val)}</dd>")
    for n, en in enumerate(doc.enumerations):
        link = f'<a href="#{d.anchor}-e{n}">{_text(en.id)}</a>' if d.text is not None else _text(en.id)
        out.append(f"<dt>list</dt><dd>{link}: {_text(_enum_label(en))}</dd>")
    out.append("</dl>")
    out.append(f'<div class="bar"><span class="total">{len(doc.facts)} facts</span>')
    for k in _KINDS:
        if counts[k]:
            out.append(f'<span class="chip k-{k}" data-kind="{k}">{k} {counts[k]}</span>')
    out.append('<label>show <select class="kfilter" aria-label="show facts of kind">'
               '<option value="">all kinds</option>')
    for k in _KINDS:
        if counts[k]:
            out.append(f'<option value="{k}">{k} ({counts[k]})</option>')
    out.append("</select></label></div></header>")
    out.append('<div class="cols">')
    if d.text is not None:
        out.append('<div class="text" lang="zh">')
        _render_text(d, d.text, out)
        out.append("</div>")
    else:
        out.append('<p class="notext">The raw text was not given: facts only.</p>')
    out.append('<div class="side">')
    _render_table(d, out)
    out.append("</div></div></section>")


def _render_index(docs: list[_Doc], out: list[str]) -> None:
    total: Counter[str] = Counter()
    for d in docs:
        total.update(_counts(d.document))
    kinds = [k for k in _KINDS if total[k]]
    out.append('<nav class="index"><h2>Documents</h2><table class="facts"><thead><tr>'
               '<th scope="col">document</th><th scope="col">published</th>')
    for k in kinds:
        out.append(f'<th scope="col"><span class="chip k-{k}">{k}</span></th>')
    out.append('<th scope="col">facts</th></tr></thead><tbody>')
    for d in docs:
        doc = d.document
        c = _counts(doc)
        name = doc.title or doc.doc or d.anchor
        out.append(f'<tr><td><a href="#{d.anchor}">{_text(name)}</a>'
                   f'<div class="id">{_text(doc.doc)}</div></td><td>{_text(doc.published or "")}</td>')
        for k in kinds:
            out.append(f'<td class="n">{c[k] or ""}</td>')
        out.append(f'<td class="n">{len(doc.facts)}</td></tr>')
    out.append(f'</tbody><tfoot><tr><th scope="row">{len(docs)} documents</th><td></td>')
    for k in kinds:
        out.append(f'<td class="n">{total[k]}</td>')
    out.append(f'<td class="n">{sum(total.values())}</td></tr></tfoot></table></nav>')


# ------------------------------------------------------------------------------- style

# (background, decoration colour, text-decoration style) per kind: colour plus a pattern, so a
# greyscale print still tells the kinds apart; the label before each highlight says it too.
_LOOK: dict[str, tuple[str, str, str]] = {
    "money": ("#ffe08a", "#8a5a00", "solid"),
    "count": ("#b9dcff", "#1f5fa8", "double"),
    "percent": ("#c4efc0", "#2e7d32", "dashed"),
    "date": ("#e6d4ff", "#6a3fb5", "dotted"),
    "duration": ("#ffd0dc", "#b03060", "wavy"),
    "measure": ("#c8f0ec", "#00796b", "solid"),
}


def _css() -> str:
    kinds = []
    for k, (bg, ink, line) in _LOOK.items():
        kinds.append(
            f".ufv .k-{k}{{background:{bg};text-decoration-color:{ink};"
            f"text-decoration-style:{line};--ink:{ink}}}"
            f'.ufv .f.k-{k}::before{{content:"{_LABELS[k]}"}}'
            f'.ufv .doc[data-filter="{k}"] tr[data-kind]:not([data-kind="{k}"]){{display:none}}'
            f'.ufv .doc[data-filter="{k}"] .f:not([data-kind="{k}"]){{background:none;'
            f"text-decoration:none;outline:none}}"
            f'.ufv .doc[data-filter="{k}"] .f:not([data-kind="{k}"])::before{{display:none}}')
    # fixed layout shares out the table's width in proportion to these
    widths = "".join(f".ufv col.c-{c}{{width:{5 * w}px}}" for c, w in _COLUMNS.items())
    return _BASE_CSS + widths + "".join(kinds) + ".ufv .k-measure{box-shadow:inset 0 0 0 1px #00796b}"


_BASE_CSS = """
.ufv{font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC",
"Microsoft YaHei",sans-serif;color:#1b1b1b}
.ufv h1{font-size:1.35em;margin:.2em 0 .6em}
.ufv h2{font-size:1.15em;margin:.1em 0 .3em}
.ufv .doc{border-top:3px solid #333;padding-top:.6em;margin:1.2em 0 2em}
.ufv .meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.2em 0 .5em;
font-size:.9em;color:#444}
.ufv .meta dt{font-weight:600;color:#666}
.ufv .meta dd{margin:0;unicode-bidi:isolate}
.ufv .pubval{background:#fff3b0;border:2px solid #b8860b;padding:0 .3em;border-radius:3px;color:#000}
.ufv .bar{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin:.3em 0 .6em}
.ufv .total{font-weight:700;margin-right:.3em}
.ufv .chip{display:inline-block;border-radius:3px;padding:0 .35em;font-size:.85em;
text-decoration-line:underline;text-decoration-thickness:2px;text-underline-offset:2px;
white-space:nowrap}
.ufv .bar label{margin-left:auto;font-size:.9em}
.ufv .cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em;
align-items:start}
.ufv .text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.9;font-size:16px;
max-height:85vh;overflow:auto;border:1px solid #ccc;border-radius:4px;padding:.5em .8em;
background:#fcfcfa;unicode-bidi:isolate}
.ufv .chunk{content-visibility:auto;contain-intrinsic-size:auto 1200px}
.ufv .f{position:relative;border-radius:2px;padding:1px 0;text-decoration-line:underline;
text-decoration-thickness:2px;text-underline-offset:3px;unicode-bidi:isolate;cursor:help;
color:#000;font-weight:600}
.ufv .f::before{font:700 10px/1 ui-monospace,monospace;color:#fff;background:var(--ink);
border-radius:2px;padding:1px 2px;margin-right:1px;vertical-align:super}
.ufv .f:hover::after,.ufv .f:focus::after{content:attr(data-tip);position:absolute;left:0;
top:1.9em;z-index:20;white-space:pre;font:12px/1.45 ui-monospace,monospace;color:#111;
background:#fff;border:1px solid #555;border-radius:4px;padding:.35em .55em;
box-shadow:0 2px 8px rgba(0,0,0,.25);text-decoration:none;font-weight:400;pointer-events:none}
.ufv .f:focus{outline:3px solid #000;outline-offset:1px}
.ufv .f[data-announces]{box-shadow:0 0 0 2px #333}
.ufv .enum{display:block;border-left:5px solid #555;background:#f1f1ec;margin:.3em 0;
padding:.1em .5em}
.ufv .enum:not(.cont)::before{content:"☰ " attr(data-label);display:block;font:600 12px/1.6 system-ui,
sans-serif;color:#333}
.ufv .enum .enum{margin-left:.6em}
.ufv .marker{font-weight:700;border:1px solid #555;border-radius:3px;padding:0 .15em}
.ufv .marker:not(.cont)::before{content:attr(data-ordinal);display:inline-block;min-width:1.3em;
text-align:center;margin-right:.25em;background:#333;color:#fff;border-radius:50%;
font:700 11px/1.3em system-ui,sans-serif}
.ufv .item-title{font-weight:600;text-decoration:underline 1px #777}
.ufv mark.pub{background:#fff3b0;outline:2px solid #b8860b;border-radius:2px;color:inherit}
.ufv .side{max-height:85vh;overflow:auto;border:1px solid #ccc;border-radius:4px}
.ufv table.facts{border-collapse:collapse;width:100%;font-size:13px}
.ufv table.facts th,.ufv table.facts td{padding:.2em .45em;border-bottom:1px solid #e3e3e3;
text-align:left;vertical-align:top;unicode-bidi:isolate}
.ufv table.head{position:sticky;top:0;z-index:1}
.ufv table.head,.ufv table.rows{table-layout:fixed}
.ufv div.rows{content-visibility:auto;contain-intrinsic-size:auto 2600px}
.ufv table.facts thead th{background:#eee;cursor:pointer;white-space:nowrap;overflow:hidden}
.ufv th[aria-sort=ascending]::after{content:" ▲"}
.ufv th[aria-sort=descending]::after{content:" ▼"}
.ufv tbody tr[data-target]{cursor:pointer}
.ufv tbody tr[data-target]:hover,.ufv tbody tr:focus{background:#f3f7ff;outline:2px solid #4a78c2}
.ufv tbody tr.cur{background:#fff3b0}
.ufv td.v{font-weight:700;white-space:nowrap;font-variant-numeric:tabular-nums}
.ufv td.t{font-weight:600}
.ufv td.q-exact{color:#999}
.ufv td.r{overflow-wrap:anywhere}
.ufv .r{color:#666;font:11px ui-monospace,monospace}
.ufv td.n{text-align:right;font-variant-numeric:tabular-nums}
.ufv .index{margin-bottom:1.5em}
.ufv .index .id{color:#777;font-size:.85em}
.ufv .notext{color:#666;font-style:italic}
@media (max-width:900px){.ufv .cols{grid-template-columns:1fr}}
"""

_JS = """(function(){
function go(tr){var el=document.getElementById(tr.getAttribute('data-target'));if(!el)return;
el.scrollIntoView({block:'center'});el.focus({preventScroll:true});}
function key(td){var v=td.getAttribute('data-v');return v===null?td.textContent:v;}
function cmp(a,b){var x=a===''?NaN:Number(a),y=b===''?NaN:Number(b);
if(!isNaN(x)&&!isNaN(y))return x-y;if(!isNaN(x))return -1;if(!isNaN(y))return 1;
return a<b?-1:a>b?1:0;}
function sort(th){var head=th.closest('table'),side=head.parentNode,col=th.cellIndex;
var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
var heads=head.tHead.rows[0].cells;for(var i=0;i<heads.length;i++)heads[i].setAttribute('aria-sort','none');
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
var bodies=side.querySelectorAll('table.rows>tbody'),rows=[],n=0;
bodies.forEach(function(b){Array.prototype.forEach.call(b.rows,function(r){rows.push([key(r.cells[col]),n++,r]);});});
rows.sort(function(a,b){return dir*cmp(a[0],b[0])||a[1]-b[1];});
var sizes=Array.prototype.map.call(bodies,function(b){return b.rows.length;}),k=0;
bodies.forEach(function(b,i){var frag=document.createDocumentFragment();
for(var j=0;j<sizes[i];j++)frag.appendChild(rows[k++][2]);b.appendChild(frag);});}
document.addEventListener('click',function(e){var t=e.target;if(!(t instanceof Element))return;
var th=t.closest('th[data-col]');if(th){sort(th);return;}
var tr=t.closest('tr[data-target]');if(tr)go(tr);});
document.addEventListener('keydown',function(e){var t=e.target;if(!(t instanceof Element))return;
if(e.key!=='Enter'&&e.key!==' ')return;
if(t.matches('th[data-col]')){e.preventDefault();sort(t);}
else if(t.matches('tr[data-target]')){e.preventDefault();go(t);}});
document.addEventListener('focusin',function(e){var t=e.target;
if(!(t instanceof Element)||!t.matches('.f[id]'))return;var doc=t.closest('.doc');if(!doc)return;
var old=doc.querySelector('tr.cur');if(old)old.classList.remove('cur');
var tr=doc.querySelector('tr[data-target="'+CSS.escape(t.id)+'"]');if(!tr)return;tr.classList.add('cur');
var side=tr.closest('.side'),r=tr.getBoundingClientRect(),b=side.getBoundingClientRect();
if(r.top<b.top+40||r.bottom>b.bottom)side.scrollTop+=r.top-b.top-b.height/2;});
document.addEventListener('change',function(e){var t=e.target;
if(!(t instanceof Element)||!t.matches('select.kfilter'))return;var doc=t.closest('.doc');
if(t.value)doc.setAttribute('data-filter',t.value);else doc.removeAttribute('data-filter');});
})();"""


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# -------------------------------------------------------------------------------- API

def _body(docs: list[_Doc], title: str, out: list[str]) -> None:
    out.append(f'<div class="ufv"><h1>{_text(title)}</h1>')
    if len(docs) > 1:
        _render_index(docs, out)
    legend = "".join(f'<span class="chip k-{k}">{_LABELS[k]} {k}</span> ' for k in _KINDS)
    out.append(f'<p class="bar legend">{legend}<span class="r">hover or focus a figure for '
               "its value; click a row to find it in the text</span></p>")
    for d in docs:
        _render_doc(d, out)
    out.append("</div>")


def render_html(documents: Iterable[Item], *, title: str = "unionfacts") -> str:
    """One self-contained HTML page showing ``documents`` (see ``Item``) and their facts.

    Each fact is one ``<span class="f">`` with ``data-kind``, ``data-start`` and ``data-end``
    (its raw offsets) whose text content is the fact's ``text``. A fact that crosses an
    earlier one (starts inside it and ends after it; the extractor does not produce such
    pairs) is shown from the earlier one's end and carries ``data-shown-start``. Raises
    ``ValueError`` when a fact is not found at its offsets in the text given.
    """
    docs = _items(documents, "")
    css, js = _css(), _JS
    out = [('<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width,initial-scale=1">'
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; img-src data:\">"
           f"<title>{_text(title)}</title><style>{css}</style></head><body>")]
    _body(docs, title, out)
    out.append(f"<script>{js}</script></body></html>\n")
    return "".join(out)


_fragments = itertools.count(1)


def render_fragment(documents: Iterable[Item], *, title: str = "") -> str:
    """The same view as a fragment to embed in another page (a notebook cell): its style is
    scoped to the fragment and its ids are unique to this call. The sorting and filtering
    script is left out (a notebook may not run it); hover and focus still show each value."""
    docs = _items(documents, f"uf{next(_fragments)}-")
    out = [f"<style>{_css()}</style>"]
    _body(docs, title, out)
    return "".join(out)


def write_report(items: Iterable[Item], out_path: str | os.PathLike[str], *,
                 title: str = "unionfacts") -> None:
    """Render ``items`` (see ``Item``) to ``out_path`` as one HTML page, replacing the file
    only once the page is written. (``unionfacts show`` reads and extracts files, then renders.)"""
    page = render_html(items, title=title)
    target = Path(out_path)
    fd, tmp = tempfile.mkstemp(prefix=".unionfacts-", suffix=".html", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(page)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 is for secrets, not a report
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
