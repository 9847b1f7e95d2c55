"""The subject of a figure: the short noun phrase naming what is counted or paid.

Read forward first (``183个[县(市、区)]``, ``6000万元以上[资金]``): after the figure, a
qualifier word and ``的`` are skipped and the phrase runs to the first break, figure, stop
word or verb. When nothing nominal follows (a verb, a break, or a list comma that leads to the
next figure), read backward (``[技能人才总量]已达1096万人``): qualifier words and linking verbs
before the figure are skipped and the phrase runs back to a break, a stop word, an ordinal
(``第二批``) or the previous figure. Stop words come from the ``subject_stop`` lexicon; verbs
that also modify nouns (``服务``) from ``subject_lead_verb`` end a phrase only after its
start (``户外劳动者服务站点`` read backward keeps 服务, ``服务职工群众`` drops it).

Every word and character list is a lexicon of the patterns (``subjects.yaml``, breaks and
quotation marks in ``text.yaml``), compiled once into a ``SubjectRules``.

Works on the normalised (Simplified, cleaned) text; the caller maps the span back to raw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import regex

from unionfacts.models import NUMERIC_KINDS
from unionfacts.pipeline.builders import Draft
from unionfacts.rules.fastre import fast
from unionfacts.rules.packs import PatternSet, require_lexicons

LEXICONS = require_lexicons(__name__, (
    "clause_break", "phrase_break", "subject_break", "quote_open", "quote_close",
    "subject_stop", "subject_compound", "subject_lead_verb", "subject_tail", "subject_head",
    "subject_scope", "subject_numeral", "subject_ordinal_unit", "subject_per_unit",
    "qualifier_after", "qualifier_before", "qualifier_glue", "classifier", "person_noun",
    "person_unit", "rate_word", "subject_compare_base", "subject_list_joiner", "subject_change_to",
    "growth_compare", "growth_verb"))

_MAX = 16
#: How far back a subject read backward may start, in characters before the figure.
_BACK_REACH = 24
_SPACE = " \u3000\t"

Matcher = Any
"""A compiled pattern: ``re.Pattern`` or ``regex.Pattern`` (``fastre.fast`` picks the engine)."""
Match = Any
"""A match of a ``Matcher``."""


@dataclass(frozen=True, slots=True)
class TrailingWords:
    """The words ``back_trim`` strips from the end of a phrase, as sets: its search from the
    right (``trailing_start``)."""

    free: frozenset[str]
    """Qualifier and glue words: always stripped."""
    stop: frozenset[str]
    """Stop words: stripped unless a compound begins where one does (从业人员)."""
    lengths: tuple[int, ...]
    """The lengths of the words of ``free`` and ``stop``, shortest first."""
    compounds: frozenset[str]
    compound_lengths: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SubjectRules:
    """The subject reader's patterns and character sets, compiled once from a pattern set by
    ``compile_subject_rules``."""

    fwd_skip: Matcher
    """A classifier glossed in brackets (150台（套）), a qualifier word and 的 after a figure."""
    scope: Matcher
    """A scope word (全省) read past at the start of a subject read forward."""
    fwd_end: Matcher
    """What ends a subject read forward: a break, a digit, a numeral before a classifier, a stop
    word; or a compound that holds a stop word (group ``keep``), stepped over."""
    keep: Matcher
    """A compound that holds a stop word (先进, 从业人员): no break inside it."""
    keep_len: int
    keep_tails: frozenset[str]
    """Characters a compound goes on with after its first: only a trimmed stop word starting
    with one of them can be the tail of a compound (就业意向: 向)."""
    back_trim: Matcher
    """Qualifier words, glue and stop words at the end of the text before a figure: the
    reference of ``trim`` (tests), which finds where they begin faster."""
    trim: TrailingWords
    back_break: Matcher
    """What ends a subject read backward: a break, a digit run, an ordinal (第二批), a
    distributive (每人), a stop word; or a compound (group ``keep``), stepped over."""
    lead: Matcher
    person: Matcher
    lead_end: Matcher
    tail: Matcher
    head: Matcher
    han: Matcher
    rate: Matcher
    breaks: frozenset[str]
    """Every character a subject stops at (clause, phrase and subject breaks)."""
    open_quote: frozenset[str]
    close_quote: frozenset[str]
    person_units: frozenset[str]
    """Count units of people: the subject of such a count read forward ends with a person noun."""
    clause_break: frozenset[str]
    """Where a clause ends: a figure's subject is not shared across it."""
    compare_base: frozenset[str]
    """A character before a date that makes it a comparison base (较去年, 由2020年的38%)."""
    list_joiners: frozenset[str]
    """What joins the items of a list of figures (97%、92%以上)."""
    change_to: tuple[str, ...]
    """提升至, 提高到: the figure after them is the new value of the same thing."""
    growth: Matcher
    """What stands between a figure and the rate of its change (，同比增长, 较去年同期下降了)."""
    change_word: Matcher
    """A verb of change, or 占比, right before a rate (增长6.2%, 占比为5.2%): part of its subject
    (not before 至/到: 提高到12% is the new level of the metric, no change)."""
    list_comma: str
    """The mark between the items of a 分别 list (城镇、农村居民人均可支配收入分别为…)."""


def _char_class(chars: Iterable[str]) -> str:
    """The characters, escaped for a character class."""
    return "".join(sorted(regex.escape(c) for c in set(chars)))


def compile_subject_rules(pset: PatternSet) -> SubjectRules:
    """The subject reader for one pattern set (its lexicons: ``LEXICONS``)."""
    def chars(*names: str) -> set[str]:
        return {c for n in names for w in pset.lexicon(n) for c in w}

    breaks = chars("clause_break", "phrase_break", "subject_break")
    brk = _char_class(breaks)
    numeral = _char_class(chars("subject_numeral"))
    # A word that holds a stop word (先进, 从业人员, 在职职工) is matched whole, as the group
    # ``keep``, before any stop word inside it can be: the scans step over it, no break.
    compound = pset.alternation("subject_compound")
    keep = r"(?P<keep>" + compound + r")"
    stop = pset.alternation("subject_stop")
    classifier = pset.alternation("classifier")
    lead_alt = pset.alternation("subject_lead_verb")
    # The searches are led by the class of every character a match can start with: a
    # position that cannot start one is passed without trying each word there.
    word_first = pset.firsts("subject_stop", "subject_compound")
    compounds = pset.lexicon("subject_compound")
    return SubjectRules(
        fwd_skip=fast(r"(?:[（(](?:" + classifier + r")[）)])?(?:[ \t\u3000]*(?:"
                      + pset.alternation("qualifier_after") + r"))?(?:的)?"),
        scope=fast(r"(?:" + pset.alternation("subject_scope") + r")"),
        fwd_end=fast(r"(?=[" + brk + "0-9" + numeral + word_first + r"])(?:" + keep + r"|[" + brk
                     + r"0-9]|[" + numeral + r"]++(?=" + classifier + r")|(?:" + stop + r"))"),
        keep=fast(r"(?:" + compound + r")"),
        keep_len=max(map(len, compounds), default=0),
        keep_tails=frozenset(c for w in compounds for c in w[1:]),
        back_trim=fast(pset.lead("qualifier_before", "qualifier_glue", "subject_stop")
                       + r"(?:(?:" + pset.alternation("qualifier_before") + r"|"
                       + pset.alternation("qualifier_glue") + r"|(?!" + compound + r")(?:" + stop
                       + r"))[ \t\u3000]*)+$"),
        trim=TrailingWords(
            free=frozenset((*pset.lexicon("qualifier_before"), *pset.lexicon("qualifier_glue"))),
            stop=frozenset(pset.lexicon("subject_stop")),
            lengths=tuple(sorted({len(w) for n in ("qualifier_before", "qualifier_glue", "subject_stop")
                                  for w in pset.lexicon(n) if w})),
            compounds=frozenset(compounds), compound_lengths=tuple(sorted({len(w) for w in compounds if w}))),
        back_break=fast(
            # a digit run breaks, unless a Latin letter ends it: 5G基站 is one name
            # and an enumerator of a numbered paragraph, (二) or （3）, or a dateline
            # （中央社记者…台北26日电）, ends a phrase
            r"(?=[" + brk + "0-9第每（(" + word_first + r"])(?:[" + brk
            + r"]|" + keep + r"|[（(][一二三四五六七八九十0-9]{1,3}[）)]|[（(][^（()）\n]{0,30}?[电讯][）)]"
            + r"|[0-9]++(?![A-Za-z])|第[一二三四五六七八九十0-9]+["
            + _char_class(chars("subject_ordinal_unit")) + r"]|每一?["
            + _char_class(chars("subject_per_unit")) + r"]|(?:" + stop + r"))"),
        lead=fast(r"(?:" + lead_alt + r")(?=\p{Han}{2})"),
        person=fast(r"(?:" + pset.alternation("person_noun") + r")"),
        lead_end=fast(r"(?:" + lead_alt + r")$"),
        tail=fast(r"(?:" + pset.alternation("subject_tail") + r")"),
        head=fast(r"(?:" + pset.alternation("subject_head") + r")$"),
        han=fast(r"\p{Han}"),
        rate=fast(r"(?:" + pset.alternation("rate_word") + r")"),
        breaks=frozenset(breaks),
        open_quote=frozenset(chars("quote_open")),
        close_quote=frozenset(chars("quote_close")),
        person_units=frozenset(pset.lexicon("person_unit")),
        clause_break=frozenset(chars("clause_break")),
        compare_base=frozenset(pset.lexicon("subject_compare_base")),
        list_joiners=frozenset(pset.lexicon("subject_list_joiner")),
        change_to=tuple(pset.lexicon("subject_change_to")),
        growth=fast(r"[，,]?\s*(?:" + pset.alternation("growth_compare") + r")*(?:"
                    + pset.alternation("growth_verb") + r")了?(?:为|达到?)?"),
        change_word=fast(r"(?:分别)?(?P<verb>" + pset.alternation("growth_verb") + r"|占比)(?=(?:了|为|达到|达)?"
                         r"(?:" + pset.alternation("qualifier_before") + r")?[ \t\u3000]*$)"),
        list_comma="、",
    )


#: The most characters between a figure and the new value of a change that shares its subject.
_CHANGE_MAX = 8
_SUBJECT_KINDS = NUMERIC_KINDS


Span = tuple[int, ...]
"""A subject: ``(start, end)`` in the normalised text, or more such pairs read in order as one
phrase (城镇 + 居民人均可支配收入, the own item of a 分别 list)."""


def assign_subjects(drafts: list[Draft], text: str, rules: SubjectRules) -> list[Span | None]:
    """Subject spans (of ``text``, the normalised text) for each draft, in order; a figure with
    no subject of its own may share the one before it (``_shared``); the figures of a 分别 list
    take their own items (``_own_items``)."""
    out: list[Span | None] = []
    for i, d in enumerate(drafts):
        if d.kind not in _SUBJECT_KINDS:
            out.append(None)
            continue
        # a comparison base in the figure's clause (工资总额较去年增长8%) is read past: the
        # subject is what stands before 比/较
        start, j = d.start, i - 1
        while j >= 0 and drafts[j].kind == "date" and text[drafts[j].start - 1:drafts[j].start] in rules.compare_base \
                and not any(ch in rules.clause_break for ch in text[drafts[j].end:start]):
            start, j = drafts[j].start - 1, j - 1
        lo = drafts[j].end if j >= 0 else 0
        hi = drafts[i + 1].start if i + 1 < len(drafts) else len(text)
        if "subject" in d.notes:  # the rule named it (两大[展区])
            out.append(d.notes["subject"])
            continue
        # a person unit's subject read forward ends with a person noun
        span = find_subject(text, start, d.end, rules, d.kind, lo, hi, d.unit in rules.person_units)
        out.append(span if span is not None else _shared(drafts, out, i, text, rules))
    return _own_items(drafts, out, text, rules)


def _own_items(drafts: list[Draft], out: list[Span | None], text: str,
               rules: SubjectRules) -> list[Span | None]:
    """城镇、农村居民人均可支配收入分别为4.8万元、2.1万元: a run of figures joined by 、 that share
    one subject listing as many items gives each figure its own item with the shared head
    (城镇居民人均可支配收入, 农村居民人均可支配收入; 第二、三产业 → 第二产业, 第三产业)."""
    result = list(out)
    i = 0
    while i < len(drafts):
        span, j = out[i], i
        while span is not None and j + 1 < len(drafts) and out[j + 1] == span \
                and drafts[j + 1].kind == drafts[i].kind \
                and text[drafts[j].end:drafts[j + 1].start] in rules.list_joiners:
            j += 1
        if span is not None and j > i:
            items = _items(text, span, j - i + 1, rules)
            if items is not None:
                result[i:j + 1] = items
        i = j + 1
    return result


def _items(text: str, span: Span, n: int, rules: SubjectRules) -> list[Span | None] | None:
    """Each item of the list ``span[:2]`` with the head the items share, and ``span[2:]`` after
    it; ``None`` unless the phrase lists ``n`` parallel items."""
    a, b = span[0], span[1]
    phrase = text[a:b]
    if any(ch in rules.open_quote or ch in "(（" for ch in phrase):
        return None
    cuts = [a + k for k, ch in enumerate(phrase) if ch == rules.list_comma]
    if len(cuts) != n - 1:
        return None
    bounds = list(zip([a, *(c + 1 for c in cuts)], [*cuts, b]))
    first, last = bounds[0], bounds[-1]
    width = first[1] - first[0]
    if any(e - s != width for s, e in bounds[:-1]):
        return None
    prefix: tuple[int, ...] = ()
    if text[first[0]] == "第" and text[last[0]] != "第":  # 第二、三产业: 第 is shared
        prefix, width = (first[0], first[0] + 1), width - 1
    if width <= 0 or last[1] - last[0] <= width:
        return None
    head = (last[0] + width, last[1])
    rest = tuple(span[2:])
    items: list[Span | None] = [(s, e, *head, *rest) for s, e in bounds[:-1]]
    return [*items, (*prefix, *last, *rest)]


def _shared(drafts: list[Draft], out: list[Span | None], i: int, text: str,
            rules: SubjectRules) -> Span | None:
    """The subject of the figure before, for a figure with none of its own that names the same
    thing: the next item of a 、-list (97%、92%以上), the new value of a change (由2020年的
    38%提升至今年的61.5%, 由800元提高到1200元), or the rate of change of an amount (营业收入
    86.5亿元，同比增长11.2%)."""
    d, k = drafts[i], i - 1
    while k >= 0 and drafts[k].kind == "date":
        k -= 1
    if k < 0:
        return None
    prev = out[k]
    if not prev:
        return None
    between = text[drafts[k].end:d.start]
    if d.kind == "percent" and drafts[k].kind in _SUBJECT_KINDS:
        # 营业收入86.5亿元，同比增长11.2%; 新建4684个工会驿站，同比增加133% (its subject read
        # forward lies between); 占比达65.3%，比上年提高2.1个百分点
        sub_a, sub_b = prev[0], prev[-1]
        if rules.growth.fullmatch(text[sub_b:d.start] if sub_a >= drafts[k].end else between):
            return prev
    if drafts[k].kind != d.kind:
        return None
    if k == i - 1 and (between in rules.list_joiners or rules.growth.fullmatch(between)):
        return prev  # 97%、92%; 新增就业15.6万人，比上年增加1.2万人
    if len(between) <= _CHANGE_MAX and any(w in between for w in rules.change_to) \
            and not any(ch in rules.clause_break for ch in between):
        return prev
    return None


def find_subject(text: str, start: int, end: int, rules: SubjectRules, kind: str,
                 lo_bound: int = 0, hi_bound: int | None = None,
                 people: bool = False) -> Span | None:
    """Span of the subject in ``text`` for the figure at ``[start, end)``, or ``None``.

    ``lo_bound``/``hi_bound`` are the ends of the neighbouring figures: a subject never runs
    into another figure. ``people``: the figure counts people (人, 名), so a subject read
    forward ends with its last person noun (2万余农民工返乡就业 → 农民工). A percentage is read
    backward only (建会率达到97%), except a share in tenths, which names what follows it
    (近七成受访者, 超六成企业).
    """
    hi_bound = len(text) if hi_bound is None else hi_bound
    tenths = kind == "percent" and text[end - 1:end] == "成"
    people = people or tenths  # 七成以上的职工对服务满意 → 职工
    if kind != "percent" or tenths:
        span = _read_forward(rules, text, end, hi_bound, people)
        if span is not None:
            return span
    return _read_backward(rules, text, start, lo_bound, kind)


# --- reading forward -------------------------------------------------------------------------

def _read_forward(c: SubjectRules, text: str, end: int, hi_bound: int,
                  people: bool) -> tuple[int, int] | None:
    """The phrase after the figure ending at ``end``, or ``None`` when nothing nominal follows."""
    m = c.fwd_skip.match(text, end)
    a = m.end() if m else end
    if a >= len(text) or text[a] in "、，,":  # a list comma leads to the next figure
        return None
    b = _forward_end(c, text, a, min(hi_bound, a + _MAX))
    a2, b2 = _trim(text, a, b)
    b2 = _before_quoted_object(c, text, a2, b2)
    if people:
        a2, b2 = _at_person_noun(c, text, a2, b2)
    if b2 > a2 and c.han.search(text, a2, b2):
        return _strip_lead(text, a2, b2, c)
    return None


def _forward_end(c: SubjectRules, text: str, a: int, hi: int) -> int:
    """Where a phrase read forward from ``a`` ends: the first break, figure or stop word
    before ``hi``, after a scope word (全省) and stepping over compounds."""
    sm = c.scope.match(text, a)
    e = c.fwd_end.search(text, sm.end() if sm else a, hi)
    while e is not None and e.lastgroup == "keep":
        e = c.fwd_end.search(text, e.end(), hi)
    return e.start() if e else hi


def _before_quoted_object(c: SubjectRules, text: str, a: int, b: int) -> int:
    """A verb before a quoted object ends the phrase: 举措服务“3815”战略 (but 社会组织)."""
    if text[b:b + 1] in c.open_quote:
        t = c.lead_end.search(text, a + 1, b)
        if t is not None:
            return int(t.start())
    return b


def _at_person_noun(c: SubjectRules, text: str, a: int, b: int) -> tuple[int, int]:
    """A count of people is named by its person noun: 2万余农民工[返乡就业] → 农民工."""
    last = _last(c.person, text, a, b)
    if last is None:
        return a, b
    b = last.end()
    if text[b:b + 1] in c.close_quote and text[a:a + 1] in c.open_quote:
        b += 1  # “四川工匠”
    return a, b


# --- reading backward ------------------------------------------------------------------------

def _read_backward(c: SubjectRules, text: str, start: int, lo_bound: int,
                   kind: str) -> Span | None:
    """The phrase before the figure starting at ``start``, or ``None``."""
    lo = max(0, start - _BACK_REACH, lo_bound)
    right = _backward_end(c, text, lo, start)
    cut = _last_break(c, text, lo, right)  # a stop word (a Han match), punctuation or a digit
    a2, b2 = _trim(text, cut.end() if cut else lo, right)
    a2 = _whole_quotation(c, text, lo, a2, b2)
    if b2 - a2 > _MAX:
        a2 = b2 - _MAX
    a2 = _past_compound_tail(c, text, lo, cut, a2, b2)
    verb: tuple[int, ...] = ()
    if kind == "percent":
        a2, b2 = _at_rate_word(c, text, lo, a2, b2)
        change = c.change_word.match(text, b2, start) if b2 > a2 else None
        if change is not None:  # 地区生产总值增长6.2%: the rate is the metric's growth
            if change.start("verb") == b2:
                b2 = change.end()
            else:  # 第二、三产业增加值分别增长: the verb without 分别
                verb = change.span("verb")
    if b2 > a2 and c.han.search(text, a2, b2):
        return (*_strip_lead(text, a2, b2, c), *verb)
    return None


def _backward_end(c: SubjectRules, text: str, lo: int, start: int) -> int:
    """Where a phrase read backward ends: before the qualifier words, glue and stop words that
    stand right before the figure (and any space: 投入资金 3000万元)."""
    left = text[lo:start]
    t = trailing_start(c.trim, left)
    if t is not None and left[t] in c.keep_tails:
        # a trailing stop word that ends a compound (就业意向: 向) is no trailing stop word
        for k in c.keep.finditer(left, max(0, t - c.keep_len + 1), len(left)):
            if k.start() < t < k.end():
                t = trailing_start(c.trim, left, k.end())
                break
    right = lo + (len(left) if t is None else t)
    while right > lo and text[right - 1] in _SPACE:  # a space is a break, not here
        right -= 1
    return right


_TRIM_SPACE = " \t\u3000"


def trailing_start(w: TrailingWords, left: str, pos: int = 0) -> int | None:
    """Where the run of qualifier, glue and stop words (each maybe followed by spaces) that
    ends ``left`` begins, at ``pos`` or after; ``None`` when ``left`` does not end in one.

    ``back_trim.search(left, pos).start()``, found from the right: the regex tries its few
    hundred words at every position of ``left`` (about 10 µs a figure); this walks back word
    by word from the end, looking up each possible word ending at a reached position in a set
    (tests/test_subjects.py compares both on every phrase of the seeds and on generated ones).
    """
    n = len(left)
    best = None
    todo = [n]
    if n > pos and left[-1] == "\n":
        todo.append(n - 1)  # the regex's ``$`` holds before a final line break too
    seen = set(todo)
    lengths = w.lengths
    while todo:
        j = todo.pop()
        k = j
        while k > pos and left[k - 1] in _TRIM_SPACE:
            k -= 1
        for e in range(j, k - 1, -1):  # a word ends before the spaces that follow it
            for L in lengths:
                i = e - L
                if i < pos:
                    break
                word = left[i:e]
                if word in w.free or (word in w.stop and not _compound_at(w, left, i)):
                    if i not in seen:
                        seen.add(i)
                        todo.append(i)
                        if best is None or i < best:
                            best = i
    return best


def _compound_at(w: TrailingWords, left: str, i: int) -> bool:
    for L in w.compound_lengths:
        if left[i:i + L] in w.compounds:
            return True
    return False


def _whole_quotation(c: SubjectRules, text: str, lo: int, a: int, b: int) -> int:
    """A quoted name cut by a stop inside it is taken whole: (“劳模工匠进校园”活动)."""
    if "”" in text[a:b] and "“" not in text[a:text.find("”", a, b)]:
        q = text.rfind("“", lo, a)
        if q >= 0 and not any(ch in c.breaks for ch in text[q:a]):
            return q
    return a


def _past_compound_tail(c: SubjectRules, text: str, lo: int, cut: Match | None, a: int,
                        b: int) -> int:
    """One character, or a word that names no thing by itself (人数, 金额), left after a stop
    word is the tail of a compound (发放慰问金, 规上企业参与面, 职工参与人数): the stop word is
    no break there; read on back to the break before it."""
    if cut is not None and cut.end() == a and c.han.match(cut.group()) \
            and (b - a == 1 or c.tail.fullmatch(text, a, b)):
        before = _last_break(c, text, lo, cut.start())
        return _trim(text, before.end() if before else lo, b)[0]
    return a


def _at_rate_word(c: SubjectRules, text: str, lo: int, a: int, b: int) -> tuple[int, int]:
    """A rate is named by its rate word: 建会率分别动态 → …建会率; when a stop word cut the
    phrase after it (建会率分别动态保持在97%), the rate word earlier in the clause."""
    last = _last(c.rate, text, a, b)
    if last is not None and any(k.start() < last.end() and last.start() < k.end()
                                and not (k.start() <= last.start() and last.end() == k.end())
                                for k in c.keep.finditer(text, a, b)):
        last = None  # 规模以上工业增加值: 规模 opens a compound, it names no rate here
    if last is None:
        # the rate word earlier in the same clause; one across a break names another figure
        earlier = _last(c.rate, text, lo, a)
        if earlier is not None and not any(ch in c.breaks for ch in text[earlier.end():a]):
            before = _last_break(c, text, lo, earlier.start())
            return _trim(text, before.end() if before else lo, earlier.end())
        return a, b
    return a, last.end()


# --- shared steps ----------------------------------------------------------------------------

def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " 、“\"'‘(（":
        if text[a] in "“(（" and any(c in text[a:b] for c in "”)）"):
            break
        a += 1
    while b > a and text[b - 1] in " 、”\"'’":
        if text[b - 1] == "”" and "“" in text[a:b - 1]:
            break
        b -= 1
    if a < b and text[b - 1] in "(（“":
        b -= 1
    return a, b


def _last(rx: Matcher, text: str, a: int, b: int) -> Match | None:
    """The last match of ``rx`` in ``text[a:b]``, or ``None``."""
    last = None
    for m in rx.finditer(text, a, b):
        last = m
    return last


def _last_break(c: SubjectRules, text: str, a: int, b: int) -> Match | None:
    """The last break in ``text[a:b]`` read backward (a word that holds a stop word is none)."""
    last = None
    for m in c.back_break.finditer(text, a, b):
        if m.lastgroup != "keep":
            last = m
    return last


def _strip_lead(text: str, a: int, b: int, c: SubjectRules) -> tuple[int, int]:
    """Drop a verb that opens the phrase (服务职工群众 → 职工群众), keeping 服务站点 inside;
    a phrase that ends in a head noun such a verb modifies (帮扶资金), or that would leave a word
    naming no thing by itself (帮扶金额), is one compound."""
    m = c.lead.match(text, a, b)
    if m is None or c.head.search(text, m.end(), b) is not None or c.tail.fullmatch(text, m.end(), b):
        return a, b  # 帮扶资金, 帮扶金额: one compound
    return int(m.end()), b
