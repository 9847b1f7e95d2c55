"""The public entry points: ``extract`` and ``extract_document``. Wires the stages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path

from unionfacts.pipeline.candidates import Candidate, find_candidates, scan_full
from unionfacts.pipeline.dates import build_time
from unionfacts.rules.fastre import fast
from unionfacts.models import (KINDS, Count, Date, Document, Duration, Measure, Money, Percent,
                     constructor)
from unionfacts.pipeline.normalize import Normalized, Normalizer, raw_view, without_surrogates
from unionfacts.pipeline.builders import Draft, build_numeric
from unionfacts.rules.packs import PatternSet, get_patterns
from unionfacts.pipeline.resolve import apply_context, join_date_spans, select
from unionfacts.pipeline.subjects import find_subject
from unionfacts.pipeline.metadata import find_metadata
from unionfacts.pipeline.timebase import TimeRules, compile_time_rules, parse_published

log = logging.getLogger(__name__)

_MODELS = {"money": Money, "count": Count, "percent": Percent, "measure": Measure,
           "date": Date, "duration": Duration}
_MAKE = {kind: constructor(cls) for kind, cls in _MODELS.items()}
_MAKE_DOCUMENT = constructor(Document)
_COMPARE = ("比", "较", "由", "从")  # a base before the figure: 较去年, 由2020年的38%
_CLAUSE_END = "，。；！？,;!?\n"
_LIST_JOINERS = ("、", "和", "及", "与")
_CHANGE_TO = ("至", "到")  # 提升至, 提高到: what follows is the new value of the same thing
_CHANGE_MAX = 8
# between a figure and the rate of its change: ，同比增长 / 比上年增加 / 较去年同期下降了
_GROWTH = fast(r"[，,]?\s*(?:同比|环比|比上年|较上年|比去年|较去年|比上年同期|较上年同期|较去年同期|同期|分别)*"
               r"(?:增长|增加|下降|减少|提高|上升|回落|降低|增幅|增速|降幅)了?(?:为|达到?)?")


@functools.lru_cache(maxsize=16)
def _normalizer(pset: PatternSet) -> Normalizer:
    return Normalizer(list(pset.lexicon("junk")), dict(pset.lexicon("spun")), pset.macros["GLOSS"],
                      dict(pset.lexicon("spun_context")), dict(pset.lexicon("spun_traditional")))


@functools.lru_cache(maxsize=16)
def _time_rules(pset: PatternSet) -> TimeRules:
    return compile_time_rules(pset)


#: Chrome rules whose spans hold other articles' headlines and dates: no title or date of this one.
_CHROME_RULES = ("veto.related-block", "veto.prev-next")


@functools.lru_cache(maxsize=16)
def _chrome_rules(pset: PatternSet) -> tuple:
    return tuple(r for r in pset.rules if r.id in _CHROME_RULES and r.builtin and r.scan == "full")


def _patterns(extra_patterns: Iterable[str | Path] | None) -> PatternSet:
    return get_patterns(tuple(extra_patterns or ()))


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return text


def _kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    ks = frozenset(kinds)
    bad = ks - set(KINDS)
    if bad:
        raise ValueError(f"unknown kind(s): {', '.join(sorted(bad))}; known: {', '.join(KINDS)}")
    return ks


def _drafts(norm: Normalized, pset: PatternSet, kinds: frozenset[str] | None,
            published: str | None, found: dict[str, list[Candidate]] | None = None) -> list[Draft]:
    text = norm.text
    drafts: list[Draft] = []
    vetoes: list[tuple[int, int]] = []
    # every kind competes for the text (a duration 3个多月 must still beat a count 3个 when only
    # counts are asked for); the kinds filter applies to the result
    for c in find_candidates(pset, text, found=found):
        if c.kind == "veto":
            vetoes.append((c.start, c.end))
            continue
        if c.kind in ("date", "duration"):
            d = build_time(_time_rules(pset), c, text, published)
        elif c.kind in ("enum",):
            continue
        else:
            d = build_numeric(c, pset)
        if d is None:
            continue
        if d.kind == "veto":  # a builder found the match invalid (2019年2月29日)
            vetoes.append((d.start, d.end))
        else:
            drafts.append(d)
    chosen = join_date_spans(select(drafts, vetoes), text)
    apply_context(chosen, text, pset)
    # a bare 一 + classifier is the indefinite article (一个重要…), unless a qualifier makes
    # it a real quantity (至少一个节日)
    chosen = [d for d in chosen if not (d.weak_number and d.qualifier == "exact")]
    return chosen


def _subjects(drafts: list[Draft], norm: Normalized, pset: PatternSet) -> list[tuple[int, int] | None]:
    """Subject spans (normalised text) for each draft; a figure in a 、-list with no subject of
    its own shares the one before it (97%、92%以上)."""
    text = norm.text
    people = pset.lexicon("person_unit")  # their subject read forward ends with a person noun
    out: list[tuple[int, int] | None] = []
    for i, d in enumerate(drafts):
        if d.kind not in ("money", "count", "percent", "measure"):
            out.append(None)
            continue
        # a comparison base in the figure's clause (工资总额较去年增长8%) is read past: the
        # subject is what stands before 比/较
        start, j = d.start, i - 1
        while j >= 0 and drafts[j].kind == "date" and text[drafts[j].start - 1:drafts[j].start] in _COMPARE \
                and not any(ch in _CLAUSE_END for ch in text[drafts[j].end:start]):
            start, j = drafts[j].start - 1, j - 1
        lo = drafts[j].end if j >= 0 else 0
        hi = drafts[i + 1].start if i + 1 < len(drafts) else len(text)
        span = find_subject(text, start, d.end, pset, d.kind, lo, hi, d.unit in people)
        out.append(span if span is not None else _shared(drafts, out, i, text))
    return out


def _shared(drafts: list[Draft], out: list[tuple[int, int] | None], i: int,
            text: str) -> tuple[int, int] | None:
    """The subject of the figure before, for a figure with none of its own that names the same
    thing: the next item of a 、-list (97%、92%以上), the new value of a change (由2020年的
    38%提升至今年的61.5%, 由800元提高到1200元), or the rate of change of an amount (营业收入
    86.5亿元，同比增长11.2%)."""
    d, k = drafts[i], i - 1
    while k >= 0 and drafts[k].kind == "date":
        k -= 1
    if k < 0 or not out[k]:
        return None
    between = text[drafts[k].end:d.start]
    if d.kind == "percent" and drafts[k].kind in ("money", "count", "measure", "percent"):
        # 营业收入86.5亿元，同比增长11.2%; 新建4684个工会驿站，同比增加133% (its subject read
        # forward lies between); 占比达65.3%，比上年提高2.1个百分点
        sub_a, sub_b = out[k]
        if _GROWTH.fullmatch(text[sub_b:d.start] if sub_a >= drafts[k].end else between):
            return out[k]
    if drafts[k].kind != d.kind:
        return None
    if k == i - 1 and between in _LIST_JOINERS:
        return out[k]
    if len(between) <= _CHANGE_MAX and any(w in between for w in _CHANGE_TO) \
            and not any(ch in _CLAUSE_END for ch in between):
        return out[k]
    return None


def _to_fact(d: Draft, norm: Normalized, pset: PatternSet, sub: tuple[int, int] | None):
    start, end = norm.to_raw(d.start, d.end)
    common = dict(start=start, end=end, text=norm.raw[start:end], qualifier=d.qualifier, rule=d.rule)
    if d.kind in ("money", "count", "percent", "measure"):
        if sub:
            # a subject is read, not quoted: lone surrogates become U+FFFD so JSON can carry it
            common["subject"] = without_surrogates(raw_view(norm, *sub))
            common["subject_simplified"] = without_surrogates(norm.text[sub[0]:sub[1]])
        if d.kind == "money" and "per" in d.extra:
            common["per"] = d.extra["per"]
        common.update(value=d.value, unit=d.unit, low=d.low, high=d.high)
    else:
        common.update(d.extra, value=d.value)
    # the fields are built here, typed as the model declares them: skip re-validation
    # (tests/test_api.py validates every fact of the seeds against the models)
    return _MAKE[d.kind](common)


def _extract(text: str, pset: PatternSet, kinds: frozenset[str] | None, published: str | None,
             norm: Normalized | None = None, found: dict[str, list[Candidate]] | None = None):
    if not text:
        return [], None
    if norm is None:
        norm = _normalizer(pset)(text)
    drafts = _drafts(norm, pset, kinds, published, found)
    facts = [_to_fact(d, norm, pset, s) for d, s in zip(drafts, _subjects(drafts, norm, pset))]
    if kinds is not None:
        facts = [f for f in facts if f.kind in kinds]
    return facts, norm


def extract(text: str, *, published: str | None = None, kinds: Iterable[str] | None = None,
            extra_patterns: Iterable[str | Path] | None = None):
    """Every fact in ``text``, sorted by ``(start, end)``.

    ``published`` (ISO date) resolves year-less and relative dates; without it they stay
    partial or are left out. ``kinds`` limits the kinds returned. ``extra_patterns`` adds
    user rule packs (folders of YAML files) to the built-in one.
    """
    _check_text(text)
    pset = _patterns(extra_patterns)
    pub = parse_published(published) if published is not None else None
    facts, _ = _extract(text, pset, _kinds(kinds), pub)
    return facts


def extract_document(text: str, doc_id: str = "", published: str | None = None, *,
                     kinds: Iterable[str] | None = None,
                     extra_patterns: Iterable[str | Path] | None = None) -> Document:
    """One document: metadata (publication date, title, source, author) and its facts.

    When ``published`` is not given it is detected from the header or dateline; the
    evidence is recorded in ``published_evidence``. Nothing falls back to today's date.
    """
    _check_text(text)
    pset = _patterns(extra_patterns)
    ks = _kinds(kinds)
    norm = _normalizer(pset)(text) if text else None
    # other articles' headlines and dates (a related-links block): scanned once, for the
    # metadata (no title or date of this one) and as vetoes
    chrome = {r.id: scan_full(r, norm.text) for r in _chrome_rules(pset)} if norm is not None else {}
    masks = [(c.start, c.end) for found in chrome.values() for c in found]
    meta = find_metadata(text, norm, _time_rules(pset), masks).document_fields() if norm is not None else {}
    if published is not None:
        pub = parse_published(published)
        meta["published"] = pub
        meta["published_evidence"] = None
    pub = meta.get("published")
    facts, norm = _extract(text, pset, ks, pub, norm, chrome)
    enums = []
    if norm is not None and pset.by_kind("enum"):
        from unionfacts.pipeline.lists import find_enumerations
        enums = find_enumerations(norm, facts, pset)
    # every field built typed here, as for the facts (tests/test_api.py validates the seeds')
    return _MAKE_DOCUMENT(dict(meta, doc=doc_id, facts=facts, enumerations=enums))


def json_schema(what: str = "document") -> dict:
    """JSON Schema of a ``Document`` (``what="document"``) or of one ``Fact`` (``"fact"``)."""
    from unionfacts.models import FACT_ADAPTER

    if what == "fact":
        return FACT_ADAPTER.json_schema(mode="serialization")
    if what == "document":
        return Document.model_json_schema(mode="serialization")
    raise ValueError(f"json_schema: unknown {what!r}; use 'document' or 'fact'")
