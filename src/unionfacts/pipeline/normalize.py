"""Raw text → the cleaned view the rules match against, with an offset map back.

Two kinds of change are made, and both keep offsets true:

* length-preserving folds, applied character by character: full-width digits, Latin
  letters and signs, the ideographic space, Traditional → Simplified script (OpenCC);
* deletions and replacements found by one compiled scan: pinyin glosses after a character
  (``萬(wàn)``), zero-width characters, injected junk tokens (``包養網``) and spun synonyms
  (``年夜`` → ``大``), all from lexicons in ``patterns/``.

The map is kept as runs, not one integer per character, so a 50 MB text costs a few
lists of run starts rather than hundreds of megabytes.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from dataclasses import dataclass, field
from typing import Any

import regex

from unionfacts.rules.fastre import fast, first_chars, word_alternation
from unionfacts.rules.packs import require_lexicons

#: The lexicons the normaliser is built from (``Normalizer``'s arguments).
LEXICONS = require_lexicons(__name__, ("junk", "spun", "spun_context", "spun_traditional"))

# Full-width forms → ASCII for the characters numbers, units and times are made of.
# Chinese sentence punctuation (，。；！？) is left alone: folding ， to , would glue list
# items into thousands separators (``100，200个``).
_FOLD: dict[int, str] = {0x3000: " "}
for _cp in range(0xFF10, 0xFF1A):  # ０-９
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _cp in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _ch in "％．＋－／：（）＝～＜＞":
    _FOLD[ord(_ch)] = chr(ord(_ch) - 0xFEE0)
_FOLD[ord("－")] = "-"
_FOLD[0x2014] = "—"  # keep em dash as is (explicit: not a minus)
_FOLD[0x25CB] = "〇"  # ○ (a white circle) written for the numeral zero: 二○二三年
_FOLD[0x00A0] = " "
for _ch in "–‒−":
    _FOLD[ord(_ch)] = "-"


_SURROGATE = fast(r"[\ud800-\udfff]")
# str.translate looks every character up in the table (about 0.1 µs each on Chinese text);
# folded characters are sparse, so a scan that replaces only them costs a tenth of that.
_FOLD_CHAR = {chr(k): v for k, v in _FOLD.items()}
_FOLD_SCAN = fast("[" + "".join(regex.escape(c) for c in sorted(_FOLD_CHAR)) + "]")


def _fold_char(m: Any) -> str:
    return _FOLD_CHAR[m.group()]


def fold_width(text: str) -> str:
    """Full-width digits, letters and signs to ASCII, one character for one."""
    folded: str = _FOLD_SCAN.sub(_fold_char, text)
    return folded


def without_surrogates(s: str) -> str:
    """``s`` with each lone surrogate replaced by U+FFFD (one code point for one), so that JSON
    can carry it; used for strings the library reads out (subjects, titles), never for spans."""
    scrubbed: str = _SURROGATE.sub("\ufffd", s)
    return scrubbed


@functools.lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified, guaranteed to keep the length (and so every offset)."""
    if not text:
        return text
    try:
        conv: str = _opencc().convert(text)
    except UnicodeEncodeError:
        # lone surrogates cannot cross into OpenCC: convert a stand-in, then put them back
        safe = without_surrogates(text)
        conv = to_simplified(safe)
        return "".join(o if _SURROGATE.match(o) else c for o, c in zip(text, conv))
    if len(conv) == len(text):
        return conv
    # A phrase mapping changed the length somewhere: fall back to one character at a time.
    out = []
    for ch in text:
        c = _opencc().convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def fold(text: str) -> str:
    """The length-preserving part of normalisation: width fold, then script fold."""
    return to_simplified(fold_width(text))


@dataclass(frozen=True, slots=True)
class Normalized:
    """The cleaned view ``text`` of ``raw`` and the map between them.

    The map is a list of runs: run ``k`` covers ``text[t_starts[k]:t_starts[k+1]]`` and
    ``raw[r_starts[k]:r_ends[k]]``. An identity run has equal lengths on both sides. A
    replacement run (a spun word folded to its plain form, listed in ``replaced``) maps
    character by character when both sides have one length, else as one block.
    """

    raw: str
    text: str
    t_starts: tuple[int, ...]
    r_starts: tuple[int, ...]
    r_ends: tuple[int, ...]
    replaced: frozenset[int] = frozenset()
    """The replacement runs (a spun word → its plain form), even when both have one length."""
    spun: bool = False
    """Whether the text showed a synonym spinner's marks, so that ``spun_context`` applied."""
    traditional: bool = False
    """Whether the script fold changed the text: words the library writes into it (a spun
    word's plain form) are then given in Traditional script, from ``traditional_forms``."""
    traditional_forms: dict[str, str] = field(default_factory=dict, compare=False)

    def _run(self, pos: int) -> int:
        return bisect.bisect_right(self.t_starts, pos) - 1

    def raw_start(self, pos: int) -> int:
        k = self._run(pos)
        r0 = self.r_starts[k]
        t0 = self.t_starts[k]
        if self.r_ends[k] - r0 == self._tlen(k):
            return r0 + (pos - t0)
        return r0

    def raw_end(self, pos: int) -> int:
        """Raw index just after text character ``pos - 1``."""
        k = self._run(pos - 1)
        r0 = self.r_starts[k]
        t0 = self.t_starts[k]
        if self.r_ends[k] - r0 == self._tlen(k):
            return r0 + (pos - t0)
        return self.r_ends[k]

    def _tlen(self, k: int) -> int:
        nxt = self.t_starts[k + 1] if k + 1 < len(self.t_starts) else len(self.text)
        return nxt - self.t_starts[k]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Half-open text span → half-open raw span."""
        return self.raw_start(start), self.raw_end(end)


#: A text is read as spinner output (and ``spun_context`` applies) when it holds at least
#: this many distinct ``spun`` words: words no writer uses, that a synonym spinner leaves.
SPUN_EVIDENCE = 2


class Normalizer:
    """Built once per pattern set: the deletion/replacement scans are compiled from lexicons.

    Two passes. The first deletes pinyin glosses, zero-width characters and junk tokens (and
    reads a full-width thousands comma as ``,``). The second, over what is left, folds spun
    words back — so that a gloss or junk token inside a spun word (``下層(céng)組織``) does not
    hide it. Spun words come in two lists: ``spun`` holds spinner output that is no word of
    its own (``年夜`` for 大, ``平易近`` for 民), folded back in every text; ``spun_context``
    holds spinner output that is also a real word (``优良`` for 优秀, ``运动`` for 活动), folded
    back only in a text that shows ``SPUN_EVIDENCE`` distinct words of the first list.
    """

    def __init__(self, junk: list[str], spun: dict[str, str], gloss_pattern: str,
                 spun_context: dict[str, str] | None = None,
                 spun_traditional: dict[str, str] | None = None) -> None:
        parts = [
            r"(?P<zw>[\u200b-\u200f\u2060\ufeff\u00ad])",
            # A gloss follows a Han character (or a closing bracket of an earlier gloss).
            # Each alternative opens with its literal, lookbehind second: the scan skips
            # ahead on the literals rather than testing a lookbehind at every character.
            r"(?P<gloss>(?=\()(?<=[\p{Han}])" + gloss_pattern + ")",
            # a full-width comma between digit groups is a thousands separator: 82，225.00
            # only with a decimal part after it: 20，300 may be two list items
            r"(?P<comma>，)(?<=[0-9]，)(?=[0-9]{3}(?:[，,][0-9]{3})*\.[0-9])",
        ]
        firsts = "\u200b-\u200f\u2060\ufeff\u00ad(，"
        if junk:
            parts.append("(?P<junk>" + word_alternation(junk) + ")")
            firsts += first_chars(junk)
        # Led by the class of every first character (fastre.first_chars): 3 × faster on the
        # benchmark corpus than trying each alternative at every character.
        self._scan = fast("(?=[" + firsts + "])(?:" + "|".join(parts) + ")")
        self._spun = dict(spun)
        self._context = {k: v for k, v in (spun_context or {}).items() if k not in self._spun}
        self._plain = {**self._context, **self._spun}
        self._spun_scan = fast(word_alternation(self._spun)) if self._spun else None
        self._context_scan: Any = None  # compiled when the first spun text comes
        self._traditional = {k: v for k, v in (spun_traditional or {}).items() if len(k) == len(v)}

    def __call__(self, raw: str, spun: bool | None = None) -> Normalized:
        """``spun``: whether ``spun_context`` applies, when the caller judged it over a longer
        text than ``raw`` (a piece of a long document); ``None``: judged from ``raw`` itself."""
        width = fold_width(raw)  # fold(), in its two steps: did the script fold change it?
        folded = to_simplified(width)
        first = self._deletions(raw, folded, width)
        if self._spun_scan is None:
            return first
        found = list(self._spun_scan.finditer(first.text))
        if spun is None:
            spun = len({m.group() for m in found}) >= SPUN_EVIDENCE
        spun = spun and bool(self._context)
        if spun:
            if self._context_scan is None:
                self._context_scan = fast(word_alternation(self._plain))
            found = list(self._context_scan.finditer(first.text))
        if not found:
            return first
        plain = self._plain
        return _compose(first, [(m.start(), m.end(), plain[m.group()]) for m in found], spun)

    def _deletions(self, raw: str, folded: str, width: str) -> Normalized:
        """The first pass. When every match is a deletion the kept runs simply lie between
        the matches; a glossed text has a match after every character, so that common case
        is built with comprehensions rather than a step per match."""
        found = list(self._scan.finditer(folded))
        traditional = folded != width
        if any(m.lastgroup == "comma" for m in found):
            return _compose(Normalized(raw, folded, (0,), (0,), (len(folded),), frozenset(), False,
                                       traditional, self._traditional),
                            [(m.start(), m.end(), "," if m.lastgroup == "comma" else "") for m in found],
                            False)
        n = len(folded)
        keep = [(a, b) for a, b in zip([0, *[m.end() for m in found]], [*[m.start() for m in found], n])
                if b > a]
        if not keep:
            last = found[-1].end() if found else 0
            keep = [(last, n)]
        r_starts = tuple([a for a, _ in keep])
        r_ends = tuple([b for _, b in keep])
        t_starts = tuple(itertools.accumulate([b - a for a, b in keep[:-1]], initial=0))
        return Normalized(raw, "".join([folded[a:b] for a, b in keep]), t_starts, r_starts, r_ends,
                          frozenset(), False, traditional, self._traditional)


def _compose(norm: Normalized, edits: list[tuple[int, int, str]], spun: bool) -> Normalized:
    """``norm`` with the spans ``edits`` of its text (sorted, apart) replaced — by ``""`` for a
    deletion — and the map carried through to the raw text: kept text keeps the runs it had,
    a replaced span becomes one run over the raw text it came from."""
    text = norm.text
    ts, rs, re_ = norm.t_starts, norm.r_starts, norm.r_ends
    nruns = len(ts)
    pieces: list[str] = []
    t_starts: list[int] = []
    r_starts: list[int] = []
    r_ends: list[int] = []
    replaced: list[int] = []
    tpos = 0

    def keep(x: int, y: int) -> None:
        """Carry text ``[x, y)`` over with its runs; the runs wholly inside are copied in bulk
        (a glossed text has a run per character)."""
        nonlocal tpos
        pieces.append(text[x:y])
        k = bisect.bisect_right(ts, x) - 1
        last = bisect.bisect_right(ts, y - 1) - 1
        shift = tpos - x
        while x < y:
            t0 = ts[k]
            if k + 1 < last and not norm.replaced:
                # runs k+1 … last-1 lie wholly inside: shift their text starts, keep the rest
                t_starts.append(tpos)
                r_starts.append(rs[k] + (x - t0))
                r_ends.append(re_[k])
                t_starts.extend([t + shift for t in ts[k + 1:last]])
                r_starts.extend(rs[k + 1:last])
                r_ends.extend(re_[k + 1:last])
                x = ts[last]
                tpos = x + shift
                k = last
                continue
            t1 = ts[k + 1] if k + 1 < nruns else len(text)
            q = min(y, t1)
            if k in norm.replaced:  # a replacement of the earlier pass: one block still
                replaced.append(len(t_starts))
                r_starts.append(rs[k])
                r_ends.append(re_[k])
            else:
                r_starts.append(rs[k] + (x - t0))
                r_ends.append(rs[k] + (q - t0))
            t_starts.append(tpos)
            tpos += q - x
            x = q
            k += 1

    bisect_right = bisect.bisect_right
    pos = 0
    for a, b, rep in edits:
        if a > pos:
            keep(pos, a)
        if rep:
            replaced.append(len(t_starts))
            t_starts.append(tpos)
            ka = bisect_right(ts, a) - 1
            kb = bisect_right(ts, b - 1) - 1
            if norm.replaced:
                r_starts.append(norm.raw_start(a))
                r_ends.append(norm.raw_end(b))
            else:  # identity runs only: a text index maps by its run's offset
                r_starts.append(rs[ka] + (a - ts[ka]))
                r_ends.append(rs[kb] + (b - ts[kb]))
            pieces.append(rep)
            tpos += len(rep)
        pos = b
    if pos < len(text):
        keep(pos, len(text))
    if not t_starts:
        end = norm.raw_end(len(text)) if text else 0
        t_starts.append(0)
        r_starts.append(end)
        r_ends.append(len(norm.raw) if not text else end)
        pieces.append("")
    return Normalized(norm.raw, "".join(pieces), tuple(t_starts), tuple(r_starts), tuple(r_ends),
                      frozenset(replaced), spun, norm.traditional, norm.traditional_forms)


def raw_view(norm: Normalized, start: int, end: int) -> str:
    """The cleaned span ``text[start:end]`` in the raw text's own script.

    Glosses and junk inside the span are left out (they are not in ``text``); a spun word
    appears in its plain form (``年夜`` → ``大``), as a reader would write it.
    """
    out: list[str] = []
    k = norm._run(start)
    pos = start
    n = len(norm.t_starts)
    while pos < end and k < n:
        t0 = norm.t_starts[k]
        t1 = norm.t_starts[k + 1] if k + 1 < n else len(norm.text)
        seg_end = min(end, t1)
        r0 = norm.r_starts[k]
        if k not in norm.replaced:
            out.append(norm.raw[r0 + (pos - t0):r0 + (seg_end - t0)])
        else:
            # the plain form, in the raw text's script: 下層組織 → 基層組織, not 基层组织
            plain = norm.text[t0:t1]
            if norm.traditional:
                plain = norm.traditional_forms.get(plain, plain)
            out.append(plain[pos - t0:seg_end - t0])
        pos = seg_end
        k += 1
    return "".join(out)
