"""The subject of a figure: the short noun phrase naming what is counted or paid.

Read forward first (``183个[县(市、区)]``, ``6000万元以上[资金]``): after the figure, a
qualifier word and ``的`` are skipped and the phrase runs to the first break, figure, stop
word or verb. When nothing nominal follows (a verb, a break, or a list comma that leads to the
next figure), read backward (``[技能人才总量]已达1096万人``): qualifier words and linking verbs
before the figure are skipped and the phrase runs back to a break, a stop word, an ordinal
(``第二批``) or the previous figure. Stop words come from the ``subject_stop`` lexicon; verbs
that also modify nouns (``服务``) from ``subject_lead_verb`` end a phrase only after its
start (``户外劳动者服务站点`` read backward keeps 服务, ``服务职工群众`` drops it).

Works on the normalised (Simplified, cleaned) text; the caller maps the span back to raw.
"""

from __future__ import annotations

import functools

from unionfacts.rules.fastre import fast
from unionfacts.rules.packs import PatternSet

_MAX = 16
_BREAK = "，。；：！？,;:!?\n\r…|>/《》【】\\[\\]< \u3000\t"
_NUMERAL = "零〇二两三四五六七八九十百千万亿"
_SCOPE = "全省|全市|全国|全区|全县|各级|各地|全体"
_OPEN_QUOTE = "“《\"‘「"
_CLOSE_QUOTE = "”》\"’」"


@functools.lru_cache(maxsize=16)
def _compiled(pset: PatternSet):
    # A word that holds a stop word (先进, 从业人员, 在职职工) is matched whole, as the group
    # ``keep``, before any stop word inside it can be: the scans step over it, no break.
    compound = pset.alternation("subject_compound")
    keep = r"(?P<keep>" + compound + r")"
    stop = pset.alternation("subject_stop")
    qa = pset.alternation("qualifier_after")
    qb = pset.alternation("qualifier_before")
    glue = pset.alternation("qualifier_glue")
    lead_alt = pset.alternation("subject_lead_verb")
    # The searches are led by the class of every character a match can start with: a
    # position that cannot start one is passed without trying each word there.
    word_first = pset.firsts("subject_stop", "subject_compound")
    return {
        # a classifier glossed in brackets (150台（套）) and a qualifier word are stepped over
        "fwd_skip": fast(r"(?:[（(](?:" + pset.alternation("classifier") + r")[）)])?(?:[ \t\u3000]*(?:"
                         + qa + r"))?(?:的)?"),
        "scope": fast(r"(?:" + _SCOPE + r")"),
        "fwd_end": fast(r"(?=[" + _BREAK + "0-9" + _NUMERAL + word_first + r"])(?:" + keep + r"|[" + _BREAK
                        + r"0-9]|[" + _NUMERAL + r"]++(?=" + pset.alternation("classifier") + r")|(?:" + stop + r"))"),
        "keep": fast(r"(?:" + compound + r")"),
        "keep_len": max(map(len, pset.lexicon("subject_compound")), default=0),
        # characters a compound can go on with after its first: only a trimmed stop word that
        # starts with one of them can be the tail of a compound (就业意向: 向)
        "keep_tails": frozenset(c for w in pset.lexicon("subject_compound") for c in w[1:]),
        "back_trim": fast(pset.lead("qualifier_before", "qualifier_glue", "subject_stop")
                          + r"(?:(?:" + qb + r"|" + glue + r"|(?!" + compound + r")(?:" + stop + r"))[ \t\u3000]*)+$"),
        "back_break": fast(
            # a digit run breaks, unless a Latin letter ends it: 5G基站 is one name
            r"(?=[" + _BREAK + "0-9第每" + word_first + r"])(?:[" + _BREAK
            + r"]|" + keep + r"|[0-9]++(?![A-Za-z])|第[一二三四五六七八九十0-9]+[批届次期个]?|每一?[人天月年个位名户次家周期批季场届轮]"
            + r"|(?:" + stop + r"))"),
        "lead": fast(r"(?:" + lead_alt + r")(?=\p{Han}{2})"),
        "person": fast(r"(?:" + pset.alternation("person_noun") + r")"),
        "lead_end": fast(r"(?:" + lead_alt + r")$"),
        "tail": fast(r"(?:" + pset.alternation("subject_tail") + r")"),
        "head": fast(r"(?:" + pset.alternation("subject_head") + r")$"),
        "han": fast(r"\p{Han}"),
        "rate": fast(r"(?:" + pset.alternation("rate_word") + r")"),
    }


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


def find_subject(text: str, start: int, end: int, pset: PatternSet, kind: str,
                 lo_bound: int = 0, hi_bound: int | None = None,
                 people: bool = False) -> tuple[int, int] | None:
    """Span of the subject in ``text`` for the figure at ``[start, end)``, or ``None``.

    ``lo_bound``/``hi_bound`` are the ends of the neighbouring figures: a subject never runs
    into another figure. ``people``: the figure counts people (人, 名), so a subject read
    forward ends with its last person noun (2万余农民工返乡就业 → 农民工). A percentage is read
    backward only (建会率达到97%), except a share in tenths, which names what follows it
    (近七成受访者, 超六成企业).
    """
    c = _compiled(pset)
    hi_bound = len(text) if hi_bound is None else hi_bound
    tenths = kind == "percent" and text[end - 1:end] == "成"
    people = people or tenths  # 七成以上的职工对服务满意 → 职工
    if kind != "percent" or tenths:
        m = c["fwd_skip"].match(text, end)
        a = m.end() if m else end
        if a < len(text) and text[a] not in "、，,":
            sm = c["scope"].match(text, a)
            search_from = sm.end() if sm else a
            hi = min(hi_bound, a + _MAX)
            e = c["fwd_end"].search(text, search_from, hi)
            while e is not None and e.lastgroup == "keep":
                e = c["fwd_end"].search(text, e.end(), hi)
            b = e.start() if e else hi
            a2, b2 = _trim(text, a, b)
            if text[b2:b2 + 1] in _OPEN_QUOTE:
                t = c["lead_end"].search(text, a2 + 1, b2)
                if t is not None:  # a verb before a quoted object: 举措服务“3815”战略 (but 社会组织)
                    b2 = t.start()
            if people:  # a count of people is named by its person noun: 2万余农民工[返乡就业]
                last = _last(c["person"], text, a2, b2)
                if last is not None:
                    b2 = last.end()
                    if text[b2:b2 + 1] in _CLOSE_QUOTE and text[a2:a2 + 1] in _OPEN_QUOTE:
                        b2 += 1  # “四川工匠”
            if b2 > a2 and c["han"].search(text, a2, b2):
                return _strip_lead(text, a2, b2, c)
    # backward
    lo = max(0, start - 24, lo_bound)
    left = text[lo:start]
    t = c["back_trim"].search(left)
    if t is not None and left[t.start()] in c["keep_tails"]:
        # a trailing stop word that ends a compound (就业意向: 向) is no trailing stop word
        for k in c["keep"].finditer(left, max(0, t.start() - c["keep_len"] + 1), t.end()):
            if k.start() < t.start() < k.end():
                t = c["back_trim"].search(left, k.end())
                break
    right = lo + (t.start() if t else len(left))
    while right > lo and text[right - 1] in " \u3000\t":  # 投入资金 3000万元: a space is a break, not here
        right -= 1
    cut = _last_break(c, text, lo, right)  # a stop word (a Han match), punctuation or a digit
    b_start = cut.end() if cut else lo
    a2, b2 = _trim(text, b_start, right)
    # a quoted name cut by a stop inside it: take the whole quotation (“劳模工匠进校园”活动)
    if "”" in text[a2:b2] and "“" not in text[a2:text.find("”", a2, b2)]:
        q = text.rfind("“", lo, a2)
        if q >= 0 and not any(ch in _BREAK for ch in text[q:a2]):
            a2 = q
    if b2 - a2 > _MAX:
        a2 = b2 - _MAX
    if cut is not None and cut.end() == a2 and c["han"].match(cut.group()) \
            and (b2 - a2 == 1 or c["tail"].fullmatch(text, a2, b2)):
        # one character, or a word that names no thing by itself (人数, 金额), left after a stop
        # word is the tail of a compound (发放慰问金, 规上企业参与面, 职工参与人数): the stop
        # word is no break there; read on back to the break before it
        before = _last_break(c, text, lo, cut.start())
        a2 = _trim(text, before.end() if before else lo, b2)[0]
    if kind == "percent":
        # a rate is named by its rate word: 建会率分别动态 → …建会率; when a stop word cut
        # the phrase after it (建会率分别动态保持在97%), the rate word earlier in the clause
        last = _last(c["rate"], text, a2, b2)
        if last is None:
            last = _last(c["rate"], text, lo, a2)
            if last is not None and not any(ch in _BREAK for ch in text[last.end():a2]):
                before = _last_break(c, text, lo, last.start())
                a2, b2 = _trim(text, before.end() if before else lo, last.end())
                last = None
        if last is not None:
            b2 = last.end()
    if b2 > a2 and c["han"].search(text, a2, b2):
        return _strip_lead(text, a2, b2, c)
    return None


def _last(rx, text: str, a: int, b: int):
    """The last match of ``rx`` in ``text[a:b]``, or ``None``."""
    last = None
    for last in rx.finditer(text, a, b):
        pass
    return last


def _last_break(c: dict, text: str, a: int, b: int):
    """The last break in ``text[a:b]`` read backward (a word that holds a stop word is none)."""
    last = None
    for m in c["back_break"].finditer(text, a, b):
        if m.lastgroup != "keep":
            last = m
    return last


def _strip_lead(text: str, a: int, b: int, c: dict) -> tuple[int, int]:
    """Drop a verb that opens the phrase (服务职工群众 → 职工群众), keeping 服务站点 inside;
    a phrase that ends in a head noun such a verb modifies (帮扶资金), or that would leave a word
    naming no thing by itself (帮扶金额), is one compound."""
    m = c["lead"].match(text, a, b)
    if m is None or c["head"].search(text, m.end(), b) is not None or c["tail"].fullmatch(text, m.end(), b):
        return a, b  # 帮扶资金, 帮扶金额: one compound
    return m.end(), b
