"""The subject of a figure: the short noun phrase naming what is counted or paid.

Read forward first (``183个[县(市、区)]``, ``6000万元以上[资金]``): after the figure, a
qualifier word and ``的`` are skipped and the phrase runs to the first break, figure or stop
word. When nothing nominal follows (a verb or a break), read backward
(``[技能人才总量]已达1096万人``): qualifier words and linking verbs before the figure are
skipped and the phrase runs back to a break or a stop word. Stop words come from the
``subject_stop`` lexicon; a phrase that is not Han text is rejected.

Works on the normalised (Simplified, cleaned) text; the caller maps the span back to raw.
"""

from __future__ import annotations

import functools

import regex

from .patterns import PatternSet

_MAX = 16
_BREAK = "，。；：！？,;:!?\n\r…|>/《》【】\\[\\]<"
_NUMERAL = "0-9零〇一二两三四五六七八九十百千万亿"


@functools.lru_cache(maxsize=16)
def _compiled(pset: PatternSet):
    stop = pset.alternation("subject_stop")
    qa = pset.alternation("qualifier_after")
    qb = pset.alternation("qualifier_before")
    glue = pset.alternation("qualifier_glue")
    # forward: skip qualifier + 的, then a phrase that does not start with a stop word
    fwd_skip = regex.compile(r"(?:\s*(?:" + qa + r"))?(?:的)?")
    # a stop word or a figure ends the phrase
    fwd_end = regex.compile(r"[" + _BREAK + _NUMERAL.replace("一", "") + r"]|(?:" + stop + r")")
    # backward: strip qualifier/glue words at the end of the left context
    back_trim = regex.compile(r"(?:(?:" + qb + r"|" + glue + r"|" + stop + r")\s*)+$")
    back_break = regex.compile(r"[" + _BREAK + "0-9" + r"]|(?:" + stop + r")")
    return fwd_skip, fwd_end, back_trim, back_break


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " 、“\"'‘(（":
        if text[a] in "“(（" and any(c in text[a:b] for c in "”)）"):
            break
        a += 1
    while b > a and text[b - 1] in " 、”\"'’":
        if text[b - 1] == "”" and "“" in text[a:b - 1]:
            break
        b -= 1
    # unbalanced brackets at the ends
    if a < b and text[b - 1] in "(（“":
        b -= 1
    return a, b


def _nominal(text: str, a: int, b: int) -> bool:
    return b - a >= 1 and bool(regex.search(r"\p{Han}", text[a:b]))


def find_subject(text: str, start: int, end: int, pset: PatternSet, kind: str) -> tuple[int, int] | None:
    """Span of the subject in ``text`` for the figure at ``[start, end)``, or ``None``."""
    fwd_skip, fwd_end, back_trim, back_break = _compiled(pset)
    if kind != "percent":
        m = fwd_skip.match(text, end)
        a = m.end() if m else end
        hi = min(len(text), a + _MAX)
        e = fwd_end.search(text, a, hi)
        b = e.start() if e else hi
        # a 、-list of nouns continues past a stop only when it is a 、 item list
        a2, b2 = _trim(text, a, b)
        if b2 - a2 >= 1 and _nominal(text, a2, b2):
            return a2, b2
    # backward
    lo = max(0, start - 24)
    left = text[lo:start]
    t = back_trim.search(left)
    right = lo + (t.start() if t else len(left))
    # find the last break/stop before `right`
    b_start = lo
    for m in back_break.finditer(text, lo, right):
        b_start = m.end()
    a2, b2 = _trim(text, b_start, right)
    if b2 - a2 > _MAX:
        a2 = b2 - _MAX
    if _nominal(text, a2, b2):
        return a2, b2
    return None
