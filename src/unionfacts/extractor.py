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

import functools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from unionfacts.errors import UnionfactsError
from unionfacts.models import (KINDS, NUMERIC_KINDS, Count, Date, Document, Duration, Fact, Measure, Money,
                               Percent, constructor)
from unionfacts.pipeline.builders import Draft, build_numeric
from unionfacts.pipeline.candidates import Candidate, ScanPlan, find_candidates, scan_full, scan_plan
from unionfacts.pipeline.context import attach_context, compile_context
from unionfacts.pipeline.dates import build_time
from unionfacts.pipeline.lists import ListRules, compile_list_rules, find_enumerations
from unionfacts.pipeline.normalize import Normalized, Normalizer, raw_view, without_surrogates
from unionfacts.pipeline.region import RegionRules, compile_region_rules, document_region, localize_currency
from unionfacts.pipeline.resolve import ContextRules, apply_context, context_rules, join_date_spans, select
from unionfacts.pipeline.subjects import SubjectRules, assign_subjects, compile_subject_rules
from unionfacts.pipeline.metadata import find_metadata
from unionfacts.pipeline.timebase import TimeRules, compile_time_rules, parse_published
from unionfacts.rules.packs import MATCH_TIMEOUT, PatternSet, Rule, load_patterns

log = logging.getLogger(__name__)

_MODELS = {"money": Money, "count": Count, "percent": Percent, "measure": Measure,
           "date": Date, "duration": Duration}
_MAKE = {kind: constructor(cls) for kind, cls in _MODELS.items()}  # type: ignore[arg-type]
_MAKE_DOCUMENT = constructor(Document)
#: Chrome rules whose spans hold other articles' headlines and dates: no title or date of this one.
_CHROME_RULES = ("veto.related-block", "veto.prev-next")

T = TypeVar("T")


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


def _compile(pset: PatternSet) -> _Compiled:
    normalizer = Normalizer(list(pset.lexicon("junk")), dict(pset.lexicon("spun")), pset.macros["GLOSS"],
                            dict(pset.lexicon("spun_context")), dict(pset.lexicon("spun_traditional")))
    chrome = tuple(r for r in pset.rules if r.id in _CHROME_RULES and r.builtin and r.scan == "full")
    return _Compiled(pset, normalizer, scan_plan(pset), context_rules(pset), compile_list_rules(pset),
                     compile_subject_rules(pset), chrome, compile_time_rules(pset), compile_region_rules(pset))


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
                 *, kinds: Iterable[str] | None = None, match_timeout: float = MATCH_TIMEOUT) -> None:
        self._packs = _pack_paths(extra_patterns)
        self._kinds = _kinds(kinds)
        if not match_timeout > 0:
            raise ValueError(f"match_timeout must be a positive number of seconds, not {match_timeout!r}")
        self._timeout = float(match_timeout)
        self._c = _compile(load_patterns(self._packs))

    def __reduce__(self) -> tuple[Any, ...]:
        # workers rebuild from the options: compiled regexes do not travel between processes
        return (_rebuild, (self._packs, self._kinds, self._timeout))

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
        if forced is not None:
            meta["published"] = forced
            meta["published_evidence"] = None
        elif fallback is not None and meta.get("published") is None:
            meta["published"] = fallback
            meta["published_evidence"] = None
        facts, norm = self._facts(text, ks, meta.get("published"), norm, chrome)
        enums = find_enumerations(norm, facts, c.lists) if norm is not None else []
        # every field built typed here, as for the facts (tests/test_api.py validates the seeds')
        return cast(Document, _MAKE_DOCUMENT(dict(meta, doc=doc_id, facts=facts, enumerations=enums)))

    # -- many documents ---------------------------------------------------------------------

    def pipe(self, documents: Iterable[str | Source], *, jobs: int = 1) -> Iterator[Document | Failure]:
        """``Document``s in input order, extracted in ``jobs`` worker processes (1: here).

        A plain string is a document with id ``"<n>"`` (its position). A document that fails
        (unreadable source, an exception, a worker that dies) is a ``Failure`` in its place;
        the others are never lost. At most ``2 × jobs`` chunks are in flight, so memory stays
        bounded however long the input is.
        """
        return (result for _, result in self.map(documents, as_document, jobs=jobs))

    def map(self, documents: Iterable[str | Source], render: Callable[[Document], T], *,
            jobs: int = 1) -> Iterator[tuple[Source, T | Failure]]:
        """Like ``pipe``, with ``render`` (a module-level function, so workers can import it)
        applied to each document in the worker: ``(source, render(document))`` or
        ``(source, Failure)``. The CLI renders JSON lines in the workers this way."""
        if not isinstance(jobs, int) or jobs < 1:
            raise ValueError(f"jobs must be a whole number ≥ 1, not {jobs!r}")
        sources = (_source(d, i) for i, d in enumerate(documents))
        if jobs == 1:
            return ((s, _run(self, s, render)) for s in sources)
        return _parallel(self, sources, render, jobs)

    # -- the stages -------------------------------------------------------------------------

    def _facts(self, text: str, kinds: frozenset[str] | None, published: str | None,
               norm: Normalized | None, found: dict[str, list[Candidate]] | None
               ) -> tuple[list[Fact], Normalized | None]:
        if not text:
            return [], None
        c = self._c
        if norm is None:
            norm = c.normalizer(text)
        drafts = self._drafts(norm, published, found)
        facts = [_to_fact(d, norm, s) for d, s in zip(drafts, assign_subjects(drafts, norm.text, c.subjects))]
        facts = attach_context(compile_context(c.patterns), norm, facts, published)
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


def _rebuild(packs: tuple[str, ...], kinds: frozenset[str] | None, timeout: float) -> Extractor:
    return Extractor(packs, kinds=kinds, match_timeout=timeout)


def _to_fact(d: Draft, norm: Normalized, sub: tuple[int, ...] | None) -> Fact:
    start, end = norm.to_raw(d.start, d.end)
    common: dict[str, Any] = dict(start=start, end=end, text=norm.raw[start:end],
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
        return render(ex.extract_document(src.text, doc_id=src.doc, published=src.published,
                                          default_published=src.default_published))
    except Exception as exc:  # one bad document must not stop the others
        return Failure(src, _error_text(exc))


#: The worker process's own Extractor, built once from the parent's options.
_WORKER: Extractor | None = None


def _worker_init(ex: Extractor) -> None:
    import signal

    global _WORKER
    _WORKER = ex
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
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


def _run_chunk(chunk: list[Source], render: Callable[[Document], T]) -> list[T | Failure]:
    assert _WORKER is not None
    return [_run(_WORKER, s, render) for s in chunk]


def _chunks(sources: Iterable[Source], docs: int = 32, chars: int = 1 << 20) -> Iterator[list[Source]]:
    """Sources grouped for the workers: a few big documents or many small ones per chunk."""
    chunk: list[Source] = []
    size = 0
    for src in sources:
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

    def submit(self, chunk: list[Source], render: Callable[[Document], Any]) -> Any:
        return self.ex.submit(_run_chunk, chunk, render)

    def restart(self) -> None:
        self.ex.shutdown(wait=False, cancel_futures=True)
        self.ex = self._new()

    def close(self, cancel: bool) -> None:
        # cancelled (fail-fast, Ctrl-C): do not wait for the chunks still running
        self.ex.shutdown(wait=not cancel, cancel_futures=cancel)


def _parallel(ex: Extractor, sources: Iterable[Source], render: Callable[[Document], T],
              jobs: int) -> Iterator[tuple[Source, T | Failure]]:
    """Results in input order from ``jobs`` worker processes, at most ``2 * jobs`` chunks
    in flight, so memory stays bounded however many inputs there are."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _Pool(ex, jobs)
    pending: deque[tuple[list[Source], Any]] = deque()
    chunks = _chunks(sources)
    done = finished = False
    try:
        while True:
            while not done and len(pending) < 2 * jobs:
                chunk = next(chunks, None)
                if chunk is None:
                    done = True
                    break
                pending.append((chunk, pool.submit(chunk, render)))
            if not pending:
                finished = True
                return
            chunk, fut = pending.popleft()
            results: list[T | Failure]
            try:
                results = fut.result()
            except BrokenProcessPool:
                # Some worker died; retry this chunk one document at a time so only the
                # document that kills a worker is reported, then resubmit the rest.
                pool.restart()
                results = []
                for src in chunk:
                    try:
                        results.extend(pool.submit([src], render).result())
                    except BrokenProcessPool:
                        results.append(Failure(src, "worker process died while extracting"))
                        pool.restart()
                pending = deque((c, pool.submit(c, render)) for c, _ in pending)
            yield from zip(chunk, results)
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

