"""``Extractor``: everything compiled from a set of rule packs, and the entry points that run
the pipeline stages with it.

An ``Extractor`` is built once from its options (the built-in pack, user packs, the regex
timeout for user rules) and owns every object compiled from them: the normaliser, the anchor
scan plan, the context and subject rules, the list-of-measures data. Nothing in it changes
after construction, so one instance serves any number of threads; ``pipe`` runs it in worker
processes, each of which builds its own copy from the same options.

The module-level ``extract``/``extract_document`` use a default instance (one per distinct set
of user packs).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from unionfacts.errors import UnionfactsError
from unionfacts.models import (KINDS, NUMERIC_KINDS, Count, Date, Document, Duration, Enumeration, Fact,
                               Measure, Money, Percent, constructor)
from unionfacts.pipeline.builders import Draft, build_numeric
from unionfacts.pipeline.candidates import Candidate, ScanPlan, find_candidates, scan_full, scan_plan
from unionfacts.pipeline.context import ContextData, attach_context, compile_context
from unionfacts.pipeline.dates import build_time
from unionfacts.pipeline.lists import ListRules, compile_list_rules, find_enumerations
from unionfacts.pipeline.normalize import Normalized, Normalizer, raw_view, without_surrogates
from unionfacts.pipeline.region import RegionRules, compile_region_rules, document_region, localize_currency
from unionfacts.pipeline.resolve import ContextRules, apply_context, context_rules, join_date_spans, select
from unionfacts.pipeline.subjects import SubjectRules, assign_subjects, compile_subject_rules
from unionfacts.pipeline.metadata import find_metadata
from unionfacts.pipeline.timebase import TimeRules, compile_time_rules, parse_published
from unionfacts.rules import recache
from unionfacts.rules.packs import MATCH_TIMEOUT, PatternSet, Rule, load_patterns

log = logging.getLogger(__name__)

_MODELS = {"money": Money, "count": Count, "percent": Percent, "measure": Measure,
           "date": Date, "duration": Duration}
_MAKE = {kind: constructor(cls) for kind, cls in _MODELS.items()}  # type: ignore[arg-type]
_MAKE_DOCUMENT = constructor(Document)
#: Chrome rules whose spans hold other articles' headlines and dates: no title or date of this one.
_CHROME_RULES = ("veto.related-block", "veto.prev-next")

T = TypeVar("T")
_NUMERALS_CUT = "零〇一二两三四五六七八九十百千万亿"

#: Default ``piece_chars``: a text longer than this is extracted in pieces (about 300 kB of
#: Chinese in UTF-8; the facts of one piece take some tens of MB at the densest).
PIECE_CHARS = 100_000
#: Metadata is read this far from either end of a long text (the finders read at most the
#: first and last 1,500 cleaned characters; glosses and junk may make the raw text longer).
_META_WINDOW = 1 << 15
#: Where a paragraph longer than a piece may be cut: after a sentence end; else after a
#: clause break or a space.
_SENTENCE_ENDS = frozenset("。！？!?；;")
#: How far apart two items of one numbered list may be (``pipeline/lists.py``): a list with an
#: item this close to a cut is read again past it.
_LIST_REACH = 20_000
#: Lines this far either side of a cut are read for a list it divides (one whose items lie
#: further apart than this on both sides of a cut is divided: see ``extract_pieces``).
_LIST_PROBE = 2_000
#: With ``--jobs``, a text longer than this many pieces is extracted in the main process
#: (streamed in its place, never sent to a worker whole); a shorter one in a worker.
_LOCAL_PIECES = 10
#: How far back from a piece's end a cut inside a paragraph is sought.
_CUT_REACH = 1 << 16
_CLAUSE_ENDS = frozenset("，：；,:; \t\u3000")
#: What a figure or a date span can be made of: no cut lies next to one of these.
_FIGURE_CHARS = frozenset("0123456789０１２３４５６７８９.,，%％-－~～至到年月日号时点分秒" + _NUMERALS_CUT)


# ------------------------------------------------------------------------------- inputs

@dataclass(frozen=True, slots=True)
class Source:
    """One document to extract: its id, text, publication date and where it came from.

    A source that could not be read carries ``error`` (and no text); ``pipe`` reports it as a
    ``Failure`` in its place in the output, so the other inputs are never lost.
    """

    doc: str
    text: str | None
    published: str | None = None
    label: str = ""
    error: str | None = None
    default_published: str | None = None
    """Publication date used only when neither ``published`` nor the text gives one."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read or extracted, in its place in ``pipe``'s output."""

    source: Source
    error: str

    @property
    def doc(self) -> str:
        return self.source.doc


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"a rule pattern timed out on this text (catastrophic regex in a rule pack?): {exc}"
    if isinstance(exc, (UnionfactsError, ValueError, TypeError)):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------- compiled rules

@dataclass(frozen=True, slots=True)
class _Compiled:
    """Everything built from one pattern set, once."""

    patterns: PatternSet
    normalizer: Normalizer
    plan: ScanPlan
    context: ContextRules
    lists: ListRules
    subjects: SubjectRules
    chrome: tuple[Rule, ...]
    time: TimeRules
    region: RegionRules
    context_data: ContextData


def _compile(pset: PatternSet) -> _Compiled:
    normalizer = Normalizer(list(pset.lexicon("junk")), dict(pset.lexicon("spun")), pset.macros["GLOSS"],
                            dict(pset.lexicon("spun_context")), dict(pset.lexicon("spun_traditional")))
    chrome = tuple(r for r in pset.rules if r.id in _CHROME_RULES and r.builtin and r.scan == "full")
    return _Compiled(pset, normalizer, scan_plan(pset), context_rules(pset), compile_list_rules(pset),
                     compile_subject_rules(pset), chrome, compile_time_rules(pset), compile_region_rules(pset),
                     compile_context(pset))


def _kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        raise TypeError(f"kinds must be a collection of kind names, not the string {kinds!r}")
    ks = frozenset(kinds)
    bad = ks - set(KINDS)
    if bad:
        raise ValueError(f"unknown kind(s): {', '.join(sorted(bad))}; known: {', '.join(KINDS)}")
    return ks


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return text


def _pack_paths(extra_patterns: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] | None
                ) -> tuple[str, ...]:
    if extra_patterns is None:
        return ()
    if isinstance(extra_patterns, (str, os.PathLike)):
        extra_patterns = [extra_patterns]
    return tuple(str(Path(p).resolve()) for p in extra_patterns)


# ------------------------------------------------------------------------------ the object

class Extractor:
    """Facts from Chinese text with one compiled set of rule packs.

    ``extra_patterns``: user rule packs (folders of YAML files) added to the built-in one, in
    order. ``kinds``: the kinds returned by default (all when ``None``). ``match_timeout``:
    seconds a user-pack rule may take on one text before it is reported as catastrophic.
    Building compiles every pack (tens of milliseconds); reuse the instance.
    """

    def __init__(self, extra_patterns: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
                 *, kinds: Iterable[str] | None = None, match_timeout: float = MATCH_TIMEOUT,
                 piece_chars: int = PIECE_CHARS) -> None:
        self._packs = _pack_paths(extra_patterns)
        self._kinds = _kinds(kinds)
        if not match_timeout > 0:
            raise ValueError(f"match_timeout must be a positive number of seconds, not {match_timeout!r}")
        if not isinstance(piece_chars, int) or isinstance(piece_chars, bool) or piece_chars < 1:
            raise ValueError(f"piece_chars must be a whole number ≥ 1, not {piece_chars!r}")
        self._timeout = float(match_timeout)
        self._piece_chars = piece_chars
        self._c = _compile(load_patterns(self._packs))
        recache.save()  # the code of the patterns compiled just now, for the next process

    def __reduce__(self) -> tuple[Any, ...]:
        # workers rebuild from the options: compiled regexes do not travel between processes
        return (_rebuild, (self._packs, self._kinds, self._timeout, self._piece_chars))

    def __repr__(self) -> str:
        return f"Extractor(extra_patterns={list(self._packs)!r}, kinds={self.kinds!r})"

    @property
    def patterns(self) -> PatternSet:
        """The compiled rule packs (read only)."""
        return self._c.patterns

    @property
    def kinds(self) -> tuple[str, ...] | None:
        return None if self._kinds is None else tuple(k for k in KINDS if k in self._kinds)

    def normalize(self, text: str) -> Normalized:
        """The text as the rules see it (folded, Simplified, glosses and junk removed), with
        the map back to the raw offsets."""
        return self._c.normalizer(_check_text(text))

    # -- one text ---------------------------------------------------------------------------

    def extract(self, text: str, *, published: object = None,
                kinds: Iterable[str] | None = None) -> list[Fact]:
        """Every fact in ``text``, sorted by ``(start, end)``.

        ``published`` (ISO date) resolves year-less and relative dates; without it they stay
        partial or are left out. ``kinds`` overrides the instance's kinds for this call.
        """
        _check_text(text)
        pub = parse_published(published) if published is not None else None
        ks = self._kinds if kinds is None else _kinds(kinds)
        facts, _ = self._facts(text, ks, pub, None, None)
        return facts

    def extract_document(self, text: str, doc_id: str = "", published: object = None, *,
                         kinds: Iterable[str] | None = None, default_published: object = None) -> Document:
        """One document: metadata (publication date, title, source, author) and its facts.

        ``published`` (ISO string, ``date`` or ``datetime``) is forced over any date the text
        gives. When it is not given the date is detected from the header or dateline (the
        evidence is recorded in ``published_evidence``), and ``default_published`` is used when
        the text gives none. Nothing falls back to today's date.
        """
        _check_text(text)
        if not isinstance(doc_id, str):
            raise TypeError(f"doc_id must be str, not {type(doc_id).__name__}")
        ks = self._kinds if kinds is None else _kinds(kinds)
        c = self._c
        forced = parse_published(published) if published is not None else None
        fallback = parse_published(default_published) if default_published is not None else None
        norm = c.normalizer(text) if text else None
        meta: dict[str, Any] = {}
        chrome: dict[str, list[Candidate]] = {}
        if norm is not None:
            # other articles' headlines and dates (a related-links block): scanned once, for the
            # metadata (no title or date of this one) and as vetoes
            chrome = {r.id: scan_full(r, norm.text) for r in c.chrome}
            masks = [(x.start, x.end) for found in chrome.values() for x in found]
            meta = find_metadata(text, norm, c.time, masks).document_fields()
        _date_by_caller(meta, forced, fallback)
        facts, norm = self._facts(text, ks, meta.get("published"), norm, chrome)
        enums = find_enumerations(norm, facts, c.lists) if norm is not None else []
        # every field built typed here, as for the facts (tests/test_api.py validates the seeds')
        return cast(Document, _MAKE_DOCUMENT(dict(meta, doc=doc_id, facts=facts, enumerations=enums)))

    # -- big documents ----------------------------------------------------------------------

    @property
    def piece_chars(self) -> int:
        """The most characters extracted at once: a longer text is extracted in pieces."""
        return self._piece_chars

    def extract_pieces(self, text: str, doc_id: str = "", published: object = None, *,
                       kinds: Iterable[str] | None = None,
                       default_published: object = None) -> Iterator[Document]:
        """``extract_document`` for a text of any length, in bounded memory: one ``Document``
        per piece of at most ``piece_chars`` characters, each with the whole document's metadata
        and the facts and numbered lists of its piece, offsets into the whole ``text``.

        A text that fits in one piece gives one ``Document``, the same as ``extract_document``.
        A longer one is cut at paragraph boundaries (a line break); a paragraph longer than a
        piece is cut after a sentence end, else after a clause break, never inside a figure or
        a date span. The publication date, title, source and author are read from the head and
        the tail of the whole text first, and every piece resolves its dates against that date.
        Subjects, qualifiers and date spans stop at line breaks, so the facts equal those of a
        whole run (tests/test_big_inputs.py cuts every seed at every paragraph). The list stage
        runs per piece, and a list with items near a cut is read again over the lines around
        it, so a list is divided only where a cut falls into a gap of more than
        ``_LIST_PROBE`` characters between two of its items. Whether a synonym spinner went over
        the text (which folds more words back) is judged on the head and tail, or per piece
        when they show no sign of it.
        """
        _check_text(text)
        if not isinstance(doc_id, str):
            raise TypeError(f"doc_id must be str, not {type(doc_id).__name__}")
        if len(text) <= self._piece_chars:
            yield self.extract_document(text, doc_id, published, kinds=kinds,
                                        default_published=default_published)
            return
        yield from self._pieces(text, doc_id, published, kinds, default_published,
                                _cuts(text, self._piece_chars))

    def _pieces(self, text: str, doc_id: str, published: object, kinds: Iterable[str] | None,
                default_published: object, cuts: Iterable[tuple[int, int]]) -> Iterator[Document]:
        ks = self._kinds if kinds is None else _kinds(kinds)
        forced = parse_published(published) if published is not None else None
        fallback = parse_published(default_published) if default_published is not None else None
        meta, sample = self._whole_metadata(text)
        # whether a synonym spinner went over the text, and its script, judged over the head and
        # tail (the whole text when it is short): each piece alone might judge otherwise
        spun = True if sample.spun else None
        _date_by_caller(meta, forced, fallback)
        lists = 0
        carry: list[Fact] = []  # the counts just before the piece: a list's announcing count
        for a, b in cuts:
            facts, enums = self._piece(text[a:b], ks, meta.get("published"), a, 0, spun,
                                       sample.traditional)
            if b < len(text):
                enums = self._lists_across(text, a, b, carry + facts, enums, spun, sample.traditional)
            carry = [f for f in carry + facts if f.kind == "count" and f.end >= b - 4 * _LIST_PROBE]
            enums = [_shift_list(e, 0, lists) for e in enums] if lists else enums
            lists += len(enums)
            yield cast(Document, _MAKE_DOCUMENT(dict(meta, doc=doc_id, facts=facts, enumerations=enums)))

    def _lists_across(self, text: str, a: int, b: int, facts: list[Fact], enums: list[Enumeration],
                      spun: bool | None, traditional: bool) -> list[Enumeration]:
        """The lists of the piece ``[a, b)``; those near the cut (an item within
        ``_LIST_PROBE`` characters of it, or items on both sides of it that close) read again
        over the lines from just before the first of them to ``_LIST_REACH`` characters past the
        cut, so that the cut does not divide them (ids numbered from 1 in the piece). ``facts``:
        the counts that may announce a list (this piece's and the one before's)."""
        c = self._c
        starts = [e.items[0].marker_start for e in enums if e.items[-1].marker_start >= b - _LIST_PROBE]
        # a list whose first items lie just before the cut and the rest after it: found only
        # across the cut (the lines around it, read on their own)
        p0 = text.rfind("\n", a, max(a, b - _LIST_PROBE)) + 1 or a
        nl = text.find("\n", min(len(text), b + _LIST_PROBE))
        probe = text[p0:len(text) if nl < 0 else nl + 1]
        starts += [p0 + e.items[0].marker_start
                   for e in (_shift_list(x, 0, 0) for x in find_enumerations(c.normalizer(probe, spun), [], c.lists))
                   if p0 + e.items[0].marker_start < b <= p0 + e.items[-1].marker_start]
        if not starts:
            return enums
        first = min(starts)
        # from the lines before the list (its announcing count, maybe in the piece before)
        r0 = text.rfind("\n", 0, max(0, first - _LIST_PROBE)) + 1
        nl = text.find("\n", min(len(text), b + _LIST_REACH))
        r1 = len(text) if nl < 0 else nl + 1
        norm = c.normalizer(text[r0:r1], spun)
        if traditional and norm.replaced and not norm.traditional:
            norm = dataclasses.replace(norm, traditional=True)
        counts = [_Shifted(f, r0) for f in facts if f.kind == "count" and f.start >= r0]
        again = [e for e in (_shift_list(x, r0, 0) for x in find_enumerations(norm, counts, c.lists))
                 if a <= e.items[0].marker_start < b]
        before = {e.items[0].marker_start: e for e in enums}
        merged = sorted([("piece", e) for e in enums if e.items[0].marker_start < max(a, r0)]
                        + [("again", e) for e in again], key=lambda x: x[1].items[0].marker_start)
        ids = {(src, e.id): f"enum-{i}" for i, (src, e) in enumerate(merged, 1)}
        for e in again:  # a list read again keeps the place of the one it replaces
            old = before.get(e.items[0].marker_start)
            if old is not None:
                ids[("piece", old.id)] = ids[("again", e.id)]
        out = []
        for src, e in merged:
            update: dict[str, Any] = {"id": ids[(src, e.id)],
                                      "parent": ids.get((src, e.parent)) if e.parent else None}
            old = before.get(e.items[0].marker_start) if src == "again" else None
            if old is not None:
                # what lies before the region: the list that holds this one, its announcing count
                if update["parent"] is None and old.parent is not None:
                    update["parent"] = ids.get(("piece", old.parent))
                if e.announced is None and old.announced is not None:
                    update.update(announced=old.announced, announced_start=old.announced_start,
                                  announced_end=old.announced_end, announced_text=old.announced_text,
                                  agrees=old.announced == len(e.items))
            out.append(e.model_copy(update=update))
        return out

    def _piece(self, piece: str, kinds: frozenset[str] | None, published: str | None, base: int,
               lists: int, spun: bool | None, traditional: bool) -> tuple[list[Fact], list[Enumeration]]:
        """The facts and lists of one piece starting at ``base``, offsets into the whole text;
        its lists numbered on from ``lists``."""
        c = self._c
        if not piece:
            return [], []
        norm = c.normalizer(piece, spun)
        if traditional and norm.replaced and not norm.traditional:
            norm = dataclasses.replace(norm, traditional=True)  # a spun word's plain form in its script
        chrome = {r.id: scan_full(r, norm.text) for r in c.chrome}
        facts, _ = self._facts(piece, kinds, published, norm, chrome, base)
        local = [_Shifted(f, base) for f in facts if f.kind == "count"]
        enums = find_enumerations(norm, local, c.lists)
        return facts, [_shift_list(e, base, lists) for e in enums] if enums else []

    def _whole_metadata(self, text: str) -> tuple[dict[str, Any], Normalized]:
        """Metadata of a long text, read from its head and tail joined (the finders look no
        further into a text than ``_META_WINDOW`` characters from either end), with the
        evidence's offsets into the whole text."""
        c = self._c
        n = len(text)
        if n <= 2 * _META_WINDOW:
            sample, joint, shift = text, n, 0
        else:
            head_end = text.rfind("\n", 0, _META_WINDOW) + 1 or _META_WINDOW
            tail_start = text.find("\n", n - _META_WINDOW) + 1 or n - _META_WINDOW
            sample = text[:head_end] + text[tail_start:]
            joint, shift = head_end, tail_start - head_end
        norm = c.normalizer(sample)
        chrome = {r.id: scan_full(r, norm.text) for r in c.chrome}
        masks = [(x.start, x.end) for found in chrome.values() for x in found]
        meta = find_metadata(sample, norm, c.time, masks).document_fields()
        ev = meta.get("published_evidence")
        if ev is not None and shift and ev.start >= joint:
            meta["published_evidence"] = ev.model_copy(update={"start": ev.start + shift,
                                                               "end": ev.end + shift})
        return meta, norm

    # -- many documents ---------------------------------------------------------------------

    def pipe(self, documents: Iterable[str | Source], *, jobs: int = 1,
             pieces: bool = False) -> Iterator[Document | Failure]:
        """``Document``s in input order, extracted in ``jobs`` worker processes (1: here).

        A plain string is a document with id ``"<n>"`` (its position). A document that fails
        (unreadable source, an exception, a worker that dies) is a ``Failure`` in its place;
        the others are never lost. At most ``2 × jobs`` chunks are in flight, so memory stays
        bounded however long the input is. A text longer than ``piece_chars`` is extracted in
        pieces (``extract_pieces``): with ``pieces`` each piece comes as its own ``Document``
        (same id and metadata, that piece's facts) as soon as it is done, so memory stays
        bounded however long one text is; without, its pieces are joined into one.
        """
        piece_render: Callable[[Document, int], Document] | None = _piece_as_document if pieces else None
        return (result for _, result in self.map(documents, as_document, jobs=jobs, render_piece=piece_render))

    def map(self, documents: Iterable[str | Source], render: Callable[[Document], T], *,
            jobs: int = 1, render_piece: Callable[[Document, int], T] | None = None
            ) -> Iterator[tuple[Source, T | Failure]]:
        """Like ``pipe``, with ``render`` (a module-level function, so workers can import it)
        applied to each document in the worker: ``(source, render(document))`` or
        ``(source, Failure)``. The CLI renders JSON lines in the workers this way.

        ``render_piece`` (module-level too): a text longer than ``piece_chars`` is then
        extracted piece by piece, giving ``(source, render_piece(piece, index))`` for each piece
        (``index`` from 0), each rendered as soon as it is done, so only one piece's facts are
        ever held; a failure after some pieces is a ``Failure`` after them. With ``jobs`` a text
        of more than ten pieces is extracted in this process, in its place (it is never sent
        to a worker whole), a shorter one in a worker. Without ``render_piece`` such a text's
        pieces are joined into one document for ``render``.
        """
        if not isinstance(jobs, int) or jobs < 1:
            raise ValueError(f"jobs must be a whole number ≥ 1, not {jobs!r}")
        sources = (_source(d, i) for i, d in enumerate(documents))
        if jobs == 1:
            return _serial(self, sources, render, render_piece)
        return _parallel(self, sources, render, jobs, render_piece)

    def _is_big(self, src: Source) -> bool:
        return src.error is None and src.text is not None and len(src.text) > self._piece_chars

    # -- the stages -------------------------------------------------------------------------

    def _facts(self, text: str, kinds: frozenset[str] | None, published: str | None,
               norm: Normalized | None, found: dict[str, list[Candidate]] | None, base: int = 0
               ) -> tuple[list[Fact], Normalized | None]:
        if not text:
            return [], None
        c = self._c
        if norm is None:
            norm = c.normalizer(text)
        drafts = self._drafts(norm, published, found)
        facts = [_to_fact(d, norm, s, base)
                 for d, s in zip(drafts, assign_subjects(drafts, norm.text, c.subjects))]
        facts = attach_context(c.context_data, norm, facts, published, base=base)
        if kinds is not None:
            facts = [f for f in facts if f.kind in kinds]
        return facts, norm

    def _drafts(self, norm: Normalized, published: str | None,
                found: dict[str, list[Candidate]] | None) -> list[Draft]:
        c = self._c
        text = norm.text
        drafts: list[Draft] = []
        vetoes: list[tuple[int, int]] = []
        # the region the document reports from: its bare 元 (TWD in Taipei) and bare years
        # (113年 = 2024 in Taiwan)
        region = document_region(text, c.region)
        taiwanese = region == "TW"
        # every kind competes for the text (a duration 3个多月 must still beat a count 3个 when
        # only counts are asked for); the kinds filter applies to the result
        for cand in find_candidates(c.plan, text, timeout=self._timeout, found=found):
            if cand.kind == "veto":
                vetoes.append((cand.start, cand.end))
                continue
            if cand.kind in ("date", "duration"):
                d = build_time(c.time, cand, text, published, taiwanese=taiwanese)
            elif cand.kind == "enum":
                continue
            else:
                d = build_numeric(cand, c.patterns)
            if d is None:
                continue
            if d.kind == "veto":  # a builder found the match invalid (2019年2月29日)
                vetoes.append((d.start, d.end))
            else:
                drafts.append(d)
        chosen = join_date_spans(select(drafts, vetoes), text)
        apply_context(chosen, text, c.context)
        localize_currency(chosen, region, c.region)  # 元 in Taipei: TWD
        # a bare 一 + classifier is the indefinite article (一个重要…), unless a qualifier makes
        # it a real quantity (至少一个节日)
        return [d for d in chosen if not (d.weak_number and d.qualifier == "exact")]


def _date_by_caller(meta: dict[str, Any], forced: str | None, fallback: str | None) -> None:
    """The caller's publication date in ``meta``: ``forced`` over any the text gives,
    ``fallback`` where it gives none (no evidence in the text for either)."""
    if forced is not None:
        meta["published"] = forced
        meta["published_evidence"] = None
    elif fallback is not None and meta.get("published") is None:
        meta["published"] = fallback
        meta["published_evidence"] = None


def _rebuild(packs: tuple[str, ...], kinds: frozenset[str] | None, timeout: float,
             piece_chars: int = 0) -> Extractor:
    return Extractor(packs, kinds=kinds, match_timeout=timeout, piece_chars=piece_chars or PIECE_CHARS)


def _to_fact(d: Draft, norm: Normalized, sub: tuple[int, ...] | None, base: int = 0) -> Fact:
    start, end = norm.to_raw(d.start, d.end)
    common: dict[str, Any] = dict(start=start + base, end=end + base, text=norm.raw[start:end],
                                  qualifier=d.qualifier, rule=d.rule)
    if d.kind in NUMERIC_KINDS:
        if sub:
            # a subject is read, not quoted: lone surrogates become U+FFFD so JSON can carry it
            # one span, or pieces read as one phrase (城镇 + 居民人均可支配收入: a 分别 item)
            pieces = list(zip(sub[::2], sub[1::2]))
            common["subject"] = without_surrogates("".join(raw_view(norm, a, b) for a, b in pieces))
            common["subject_simplified"] = without_surrogates("".join(norm.text[a:b] for a, b in pieces))
        if d.kind == "money" and "per" in d.extra:
            common["per"] = d.extra["per"]
        common.update(value=d.value, unit=d.unit, low=d.low, high=d.high)
    else:
        common.update(d.extra, value=d.value)
    # the fields are built here, typed as the model declares them: skip re-validation
    # (tests/test_api.py validates every fact of the seeds against the models)
    return cast(Fact, _MAKE[d.kind](common))


# ---------------------------------------------------------------------------- pieces

def _cuts(text: str, size: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``text``, each at most ``size`` characters: cut after
    the last line break within ``size``; a paragraph longer than that after its last sentence
    end within it, else its last clause break, else its last character that is not part of
    a figure (a text of nothing but digits is cut at ``size``)."""
    n = len(text)
    a = 0
    while a < n:
        if n - a <= size:
            yield a, n
            return
        limit = a + size
        b = text.rfind("\n", a, limit) + 1
        if b <= a:
            b = _cut_in_paragraph(text, a, limit)
        yield a, b
        a = b


def _cut_in_paragraph(text: str, a: int, limit: int) -> int:
    """The last place in ``(a, limit]`` to cut a paragraph: after a sentence end, else after a
    clause break, else between two characters no figure is made of; else ``limit``."""
    lo = max(a, limit - _CUT_REACH)
    for ends in (_SENTENCE_ENDS, _CLAUSE_ENDS, None):
        for b in range(limit, lo, -1):
            before, after = text[b - 1], text[b]
            if ends is not None and before not in ends:
                continue
            if ends is None:
                if before in _FIGURE_CHARS or before.isascii() or before in "（）()" or after in "%％.)）":
                    continue  # not inside a figure, a date or a gloss (萬(wàn))
            elif before in "，," and after.isdigit() and text[b - 2].isdigit():
                continue  # a thousands separator: 82，225.00
            return b
    return limit


@dataclass(frozen=True, slots=True)
class _Shifted:
    """A count fact seen with piece-local offsets (what ``find_enumerations`` reads)."""

    kind: str
    unit: str
    value: Any
    start: int
    end: int
    text: str

    def __init__(self, f: Fact, base: int) -> None:
        for k, v in (("kind", f.kind), ("unit", getattr(f, "unit", "")), ("value", f.value),
                     ("start", f.start - base), ("end", f.end - base), ("text", f.text)):
            object.__setattr__(self, k, v)


def _shift_list(e: Enumeration, base: int, lists: int) -> Enumeration:
    """A list found in a piece: offsets into the whole text, numbered after the ``lists``
    found in the pieces before."""
    def renum(ident: str | None) -> str | None:
        return None if ident is None else f"enum-{int(ident.rsplit('-', 1)[1]) + lists}"

    items = [it.model_copy(update={k: getattr(it, k) + base for k in
                                   ("marker_start", "marker_end", "title_start", "title_end")})
             for it in e.items]
    update: dict[str, Any] = {"id": renum(e.id), "parent": renum(e.parent), "items": items}
    if e.announced_start is not None and e.announced_end is not None:
        update.update(announced_start=e.announced_start + base, announced_end=e.announced_end + base)
    return e.model_copy(update=update)


# ------------------------------------------------------------------------ running documents

def as_document(doc: Document) -> Document:
    """The document itself: ``map``'s render for callers that want ``Document``s back."""
    return doc


def _source(item: str | Source, i: int) -> Source:
    if isinstance(item, Source):
        return item
    if isinstance(item, str):
        return Source(str(i), item, None, f"<document {i}>")
    return Source(str(i), None, None, f"<document {i}>",
                  f"a document must be str or Source, not {type(item).__name__}")


def _run(ex: Extractor, src: Source, render: Callable[[Document], T]) -> T | Failure:
    if src.error is not None or src.text is None:
        return Failure(src, src.error or "no text")
    try:
        if len(src.text) > ex.piece_chars:  # the pieces of a long text, joined
            return render(_joined(list(ex.extract_pieces(src.text, src.doc, src.published,
                                                         default_published=src.default_published))))
        return render(ex.extract_document(src.text, doc_id=src.doc, published=src.published,
                                          default_published=src.default_published))
    except Exception as exc:  # one bad document must not stop the others
        return Failure(src, _error_text(exc))


def _joined(docs: list[Document]) -> Document:
    return docs[0].model_copy(update={"facts": [f for d in docs for f in d.facts],
                                      "enumerations": [e for d in docs for e in d.enumerations]})


def _piece_as_document(doc: Document, index: int) -> Document:
    """``pipe(pieces=True)``'s render of a piece: the piece's document itself."""
    return doc


def _stream(ex: Extractor, src: Source, render_piece: Callable[[Document, int], T]
            ) -> Iterator[tuple[Source, T | Failure]]:
    """The pieces of one long text, each rendered as soon as it is extracted."""
    assert src.text is not None
    pieces = ex.extract_pieces(src.text, src.doc, src.published, default_published=src.default_published)
    i = 0
    while True:
        try:
            doc = next(pieces, None)
            if doc is None:
                return
            out: T | Failure = render_piece(doc, i)
        except Exception as exc:  # the pieces already written stay; the rest fails
            yield src, Failure(src, _error_text(exc))
            return
        yield src, out
        i += 1


def _serial(ex: Extractor, sources: Iterable[Source], render: Callable[[Document], T],
            render_piece: Callable[[Document, int], T] | None) -> Iterator[tuple[Source, T | Failure]]:
    for src in sources:
        if render_piece is not None and ex._is_big(src):
            yield from _stream(ex, src, render_piece)
        else:
            yield src, _run(ex, src, render)


#: The worker process's own Extractor, built once from the parent's options.
_WORKER: Extractor | None = None


def _worker_init(ex: Extractor) -> None:
    import signal

    global _WORKER
    _WORKER = ex
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    # SIGTERM ends a worker (a handler inherited from the parent, such as the output file's
    # clean-up, would turn it into an exception the pool catches, and the worker would live on)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM to this worker when its parent goes (``kill PID``, the
    OOM killer), so no worker is left orphaned; elsewhere a no-op."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent went before prctl took effect
        os._exit(1)


@dataclass(frozen=True, slots=True)
class _Parts:
    """A worker's result for a text extracted in pieces: each piece rendered, and the failure
    that stopped it, if one did."""

    parts: list[Any]
    failure: Failure | None = None


def _run_chunk(chunk: list[Source], render: Callable[[Document], T],
               render_piece: Callable[[Document, int], T] | None = None) -> list[T | Failure | _Parts]:
    assert _WORKER is not None
    ex = _WORKER
    out: list[T | Failure | _Parts] = []
    for s in chunk:
        if render_piece is not None and ex._is_big(s):
            # rendered piece by piece: the worker holds one piece's facts at a time
            parts = list(_stream(ex, s, render_piece))
            fail = parts[-1][1] if parts and isinstance(parts[-1][1], Failure) else None
            out.append(_Parts([p for _, p in (parts[:-1] if fail else parts)], fail))
        else:
            out.append(_run(ex, s, render))
    return out


def _chunks(sources: Iterable[Source], docs: int = 32, chars: int = 1 << 20,
            alone: Callable[[Source], bool] | None = None) -> Iterator[list[Source]]:
    """Sources grouped for the workers: a few big documents or many small ones per chunk; a
    source ``alone`` says is a chunk of its own."""
    chunk: list[Source] = []
    size = 0
    for src in sources:
        if alone is not None and alone(src):
            if chunk:
                yield chunk
                chunk, size = [], 0
            yield [src]
            continue
        chunk.append(src)
        size += len(src.text or "")
        if len(chunk) >= docs or size >= chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Pool:
    """A process pool that is rebuilt when a worker dies (a crash, the OOM killer)."""

    def __init__(self, ex: Extractor, jobs: int) -> None:
        self.extractor = ex
        self.jobs = jobs
        self.ex = self._new()

    def _new(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.jobs, initializer=_worker_init, initargs=(self.extractor,))

    def submit(self, chunk: list[Source], render: Callable[[Document], Any],
               render_piece: Callable[[Document, int], Any] | None = None) -> Any:
        return self.ex.submit(_run_chunk, chunk, render, render_piece)

    def restart(self) -> None:
        self.ex.shutdown(wait=False, cancel_futures=True)
        self.ex = self._new()

    def close(self, cancel: bool) -> None:
        # cancelled (fail-fast, Ctrl-C): do not wait for the chunks still running
        self.ex.shutdown(wait=not cancel, cancel_futures=cancel)


def _parallel(ex: Extractor, sources: Iterable[Source], render: Callable[[Document], T],
              jobs: int, render_piece: Callable[[Document, int], T] | None = None
              ) -> Iterator[tuple[Source, T | Failure]]:
    """Results in input order from ``jobs`` worker processes, at most ``2 * jobs`` chunks
    in flight, so memory stays bounded however many inputs there are. With ``render_piece`` a
    long text is streamed piece by piece here, in its place (never sent to a worker whole)."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _Pool(ex, jobs)
    pending: deque[tuple[list[Source], Any]] = deque()
    # a text too long to send to a worker is streamed here, in its place; a long one that can
    # go is rendered there piece by piece
    big = (lambda s: ex._is_big(s) and len(s.text or "") > _LOCAL_PIECES * ex.piece_chars
           ) if render_piece is not None else None
    chunks = _chunks(sources, alone=big)
    done = finished = False
    try:
        while True:
            while not done and len(pending) < 2 * jobs:
                chunk = next(chunks, None)
                if chunk is None:
                    done = True
                    break
                here = big is not None and len(chunk) == 1 and big(chunk[0])
                pending.append((chunk, None if here else pool.submit(chunk, render, render_piece)))
            if not pending:
                finished = True
                return
            chunk, fut = pending.popleft()
            if fut is None:
                assert render_piece is not None
                yield from _stream(ex, chunk[0], render_piece)
                continue
            results: list[Any]
            try:
                results = fut.result()
            except BrokenProcessPool:
                # Some worker died; retry this chunk one document at a time so only the
                # document that kills a worker is reported, then resubmit the rest.
                pool.restart()
                results = []
                for src in chunk:
                    try:
                        results.extend(pool.submit([src], render, render_piece).result())
                    except BrokenProcessPool:
                        results.append(Failure(src, "worker process died while extracting"))
                        pool.restart()
                pending = deque((c, None if f is None else pool.submit(c, render, render_piece))
                                for c, f in pending)
            for src, res in zip(chunk, results):
                if isinstance(res, _Parts):
                    yield from ((src, part) for part in res.parts)
                    if res.failure is not None:
                        yield src, res.failure
                else:
                    yield src, res
    finally:
        pool.close(cancel=not finished)


# --------------------------------------------------------------------- module-level helpers

@functools.lru_cache(maxsize=8)
def _default(packs: tuple[str, ...]) -> Extractor:
    """The shared instance for a set of user packs (by their resolved paths: a value, not an
    object's identity)."""
    return Extractor(packs)


def default_extractor(extra_patterns: Iterable[str | os.PathLike[str]] | str | None = None) -> Extractor:
    """The default ``Extractor`` (built-in pack plus ``extra_patterns``), built on first use."""
    return _default(_pack_paths(extra_patterns))


def extract(text: str, *, published: object = None, kinds: Iterable[str] | None = None,
            extra_patterns: Iterable[str | os.PathLike[str]] | str | None = None) -> list[Fact]:
    """Every fact in ``text``, sorted by ``(start, end)``: ``Extractor.extract`` on the default
    instance (see there). ``extra_patterns`` adds user rule packs (folders of YAML files)."""
    _check_text(text)
    return default_extractor(extra_patterns).extract(text, published=published, kinds=kinds)


def extract_document(text: str, doc_id: str = "", published: object = None, *,
                     kinds: Iterable[str] | None = None,
                     extra_patterns: Iterable[str | os.PathLike[str]] | str | None = None) -> Document:
    """One document with its metadata and facts: ``Extractor.extract_document`` on the default
    instance (see there)."""
    _check_text(text)
    return default_extractor(extra_patterns).extract_document(text, doc_id, published, kinds=kinds)


def json_schema(what: str = "document") -> dict[str, Any]:
    """JSON Schema of a ``Document`` (``what="document"``) or of one ``Fact`` (``"fact"``)."""
    from unionfacts.models import FACT_ADAPTER

    if what == "fact":
        return FACT_ADAPTER.json_schema(mode="serialization")
    if what == "document":
        return Document.model_json_schema(mode="serialization")
    raise ValueError(f"json_schema: unknown {what!r}; use 'document' or 'fact'")


__all__ = ["Extractor", "Failure", "Source", "default_extractor", "extract", "extract_document",
           "json_schema"]

